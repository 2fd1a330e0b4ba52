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

/// A key written twice in one object is refused, and the error's path ends at that key: in a
/// plain object, in an internally tagged one (`{"kind": ...}`: a rate profile, keys) and in
/// a timeline event, whose command is flattened into it.
#[test]
fn a_key_written_twice_is_refused_at_that_key() {
    let base = r#"{"version": 1, "name": "twice", "seed": 1, "duration_s": 1,
        "cluster": {"brokers": 1}, "topics": [{"name": "t", "partitions": 1}],
        "producers": [{"name": "p", "topic": "t",
            "rate": {"kind": "ramp", "from_per_sec": 1, "to_per_sec": 2, "start_ms": 0, "duration_ms": 5},
            "keys": {"kind": "uniform", "count": 3}, "record_bytes": 100}],
        "events": [{"at_ms": 5, "kind": "spike", "producer": "p", "rate_per_sec": 9, "duration_ms": 10}]}"#;
    Scenario::from_json(base).expect("the base scenario is valid");
    for (from, to, path) in [
        (
            r#""record_bytes": 100"#,
            r#""record_bytes": 100, "record_bytes": 5"#,
            "producers[0].record_bytes",
        ),
        (
            r#""from_per_sec": 1,"#,
            r#""from_per_sec": 1, "from_per_sec": 4,"#,
            "producers[0].rate.from_per_sec",
        ),
        (r#""kind": "ramp","#, r#""kind": "ramp", "kind": "ramp","#, "producers[0].rate.kind"),
        (r#""count": 3"#, r#""count": 3, "count": 3"#, "producers[0].keys.count"),
        (
            r#""rate_per_sec": 9,"#,
            r#""rate_per_sec": 9, "rate_per_sec": 8,"#,
            "events[0].rate_per_sec",
        ),
    ] {
        let text = base.replacen(from, to, 1);
        let errors = Scenario::from_json(&text).expect_err(path);
        assert!(
            errors.iter().any(|e| e.path == path && e.message.contains("duplicate field")),
            "{path}: {errors:?}"
        );
    }
}

/// An unknown key inside a tagged object is named as written, whatever its characters (a
/// control character, an accent, one outside the Basic Multilingual Plane): the reader
/// rewrites such objects as JSON text and must escape their keys exactly.
#[test]
fn an_unknown_key_in_a_tagged_object_is_named_as_written() {
    for key in ["x\u{1}y", "café", "😀x"] {
        let text = format!(
            r#"{{"version": 1, "name": "k", "cluster": {{"brokers": 1}},
            "topics": [{{"name": "t", "partitions": 1}}],
            "producers": [{{"name": "p", "topic": "t",
                "rate": {{"kind": "constant", "rate_per_sec": 5, {}: 1}}}}]}}"#,
            serde_json::to_string(key).unwrap()
        );
        let errors = Scenario::from_json(&text).expect_err(key);
        let named = format!("unknown field `{key}`");
        assert!(errors.iter().any(|e| e.message.contains(&named)), "{key:?}: {errors:?}");
    }
}
