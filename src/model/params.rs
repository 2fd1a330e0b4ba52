//! URL query parameters: `?preset=NAME&seed=N&play=0|1`. Pure, so it is tested natively.

use brook_engine::PRESETS;

/// What the URL asked for; fields the URL did not set keep their defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Preset to open.
    pub preset: String,
    /// RNG seed.
    pub seed: u64,
    /// Whether to start playing.
    pub play: bool,
    /// Frame-time benchmark mode: run the preset this many wall seconds, then report.
    pub bench_seconds: Option<u32>,
}

/// Longest benchmark run, wall seconds.
pub const BENCH_SECONDS_MAX: u32 = 120;

impl Default for Params {
    fn default() -> Self {
        Params { preset: "quickstart".into(), seed: 1, play: true, bench_seconds: None }
    }
}

/// Checks a seed as typed: a whole number that fits in 64 bits.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| {
        format!("seed: \"{}\" is not a whole number from 0 to {}", text.trim(), u64::MAX)
    })
}

/// Parses a query string (with or without the leading `?`). Every bad parameter is reported
/// with its name and what is allowed; the default is used for it.
pub fn parse_query(query: &str) -> (Params, Vec<String>) {
    let mut p = Params::default();
    let mut errors = Vec::new();
    for pair in query.trim_start_matches('?').split('&').filter(|s| !s.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "preset" | "bench" => {
                if !PRESETS.contains(&value) {
                    errors.push(format!("{key}: \"{value}\" is not one of {}", PRESETS.join(", ")));
                    continue;
                }
                p.preset = value.to_string();
                if key == "bench" {
                    p.bench_seconds.get_or_insert(10);
                    p.play = true;
                }
            }
            "seconds" => match value.parse::<u32>() {
                Ok(n) if (1..=BENCH_SECONDS_MAX).contains(&n) => p.bench_seconds = Some(n),
                _ => errors.push(format!(
                    "seconds: \"{value}\" must be a whole number from 1 to {BENCH_SECONDS_MAX}"
                )),
            },
            "seed" => match parse_seed(value) {
                Ok(s) => p.seed = s,
                Err(e) => errors.push(e),
            },
            "play" => match value {
                "1" | "true" => p.play = true,
                "0" | "false" => p.play = false,
                _ => errors.push(format!("play: \"{value}\" must be 0 or 1")),
            },
            _ => errors.push(format!(
                "{key}: unknown parameter (known: preset, seed, play, bench, seconds)"
            )),
        }
    }
    (p, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_values() {
        assert_eq!(parse_query(""), (Params::default(), vec![]));
        let (p, e) = parse_query("?preset=peak-shaving&seed=42&play=0");
        assert!(e.is_empty());
        assert_eq!(
            p,
            Params { preset: "peak-shaving".into(), seed: 42, play: false, bench_seconds: None }
        );
        let (p, e) = parse_query("bench=stress&seconds=5");
        assert!(e.is_empty());
        assert_eq!((p.preset.as_str(), p.bench_seconds, p.play), ("stress", Some(5), true));
        let (_, e) = parse_query("seconds=0");
        assert!(e[0].starts_with("seconds: \"0\""), "{e:?}");
    }

    #[test]
    fn bad_values_are_named_and_defaults_kept() {
        let (p, e) = parse_query("seed=-3&preset=nope&speed=2");
        assert_eq!(p, Params::default());
        assert_eq!(e.len(), 3);
        assert!(e[0].starts_with("seed: \"-3\""), "{e:?}");
        assert!(e[1].starts_with("preset: \"nope\""), "{e:?}");
        assert!(e[2].starts_with("speed: unknown"), "{e:?}");
    }
}
