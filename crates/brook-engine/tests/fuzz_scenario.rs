//! Arbitrary and mutated JSON fed to the scenario parser: an error or a valid scenario, never a
//! panic; and every scenario it accepts can be simulated without breaking an invariant.

use brook_engine::{preset, Cluster, Rng, Scenario, PRESETS};

const ALPHABET: &[u8] = b"{}[]:,\"0123456789.-eE truefalsnl_abcdkmpsxyz";

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let edits = 1 + rng.below(4);
    for _ in 0..edits {
        let at = rng.below(bytes.len().max(1) as u64) as usize;
        match rng.below(3) {
            0 if !bytes.is_empty() => {
                bytes.remove(at.min(bytes.len() - 1));
            }
            1 => bytes.insert(at, ALPHABET[rng.below(ALPHABET.len() as u64) as usize]),
            _ if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] = ALPHABET[rng.below(ALPHABET.len() as u64) as usize];
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Replaces one number in the text by an extreme value.
fn extreme_number(text: &str, rng: &mut Rng) -> String {
    let digits: Vec<usize> =
        text.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).collect();
    if digits.is_empty() {
        return text.to_string();
    }
    let at = digits[rng.below(digits.len() as u64) as usize];
    let end =
        text[at..].find(|c: char| !c.is_ascii_digit() && c != '.').map_or(text.len(), |n| at + n);
    let values = ["0", "-1", "1e300", "18446744073709551616", "4294967296", "0.0000001", "NaN"];
    format!("{}{}{}", &text[..at], values[rng.below(values.len() as u64) as usize], &text[end..])
}

#[test]
fn mutated_scenarios_never_panic() {
    let mut rng = Rng::new(2024);
    let sources: Vec<String> = PRESETS.iter().map(|p| preset(p).unwrap().to_json()).collect();
    let mut accepted = 0;
    for case in 0..3_000u32 {
        let src = &sources[case as usize % sources.len()];
        let text =
            if case % 2 == 0 { mutate(src, &mut rng) } else { extreme_number(src, &mut rng) };
        if let Ok(s) = Scenario::from_json(&text) {
            accepted += 1;
            if case % 50 == 1 {
                let mut c = Cluster::new(s);
                for _ in 0..200 {
                    c.step();
                    c.check_invariants().unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
                }
            }
        }
    }
    assert!(accepted > 100, "some mutations stay valid ({accepted})");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng::new(7);
    for _ in 0..5_000 {
        let len = rng.below(200) as usize;
        let text: String =
            (0..len).map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char).collect();
        let _ = Scenario::from_json(&text);
    }
}
