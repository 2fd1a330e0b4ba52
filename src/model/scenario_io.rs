//! Importing a scenario file: size bound and validation messages that name the field. Pure.

use brook_engine::Scenario;

use crate::model::i18n::{Msg, Text};

/// Largest scenario file accepted, bytes.
pub const IMPORT_BYTES_MAX: usize = 1 << 20;
/// Validation problems listed in the message; the rest are counted.
const ERRORS_SHOWN_MAX: usize = 5;

/// Why a file of `bytes` is refused before it is even read, if it is over
/// [`IMPORT_BYTES_MAX`] (the page asks the file's size first: a huge file is never read).
pub fn too_big(file_name: &str, bytes: u64) -> Option<Text> {
    (bytes > IMPORT_BYTES_MAX as u64)
        .then(|| Text::new(Msg::ImportTooBig).arg(file_name).arg(bytes).arg(IMPORT_BYTES_MAX))
}

/// Parses an imported file, or explains in one message why not (the current scenario stays).
/// The engine's problems (field path and limit) are translated when shown.
pub fn parse_import(file_name: &str, text: &str) -> Result<Scenario, Text> {
    if let Some(why) = too_big(file_name, text.len() as u64) {
        return Err(why);
    }
    Scenario::from_json(text).map_err(|errors| {
        let shown: Vec<String> =
            errors.iter().take(ERRORS_SHOWN_MAX).map(|e| e.to_string()).collect();
        let more = errors.len().saturating_sub(ERRORS_SHOWN_MAX);
        let why = Text::new(Msg::ImportInvalid).arg(file_name).engine(shown.join("; "));
        if more > 0 {
            why.text(Text::new(Msg::ImportMore).arg(more))
        } else {
            why.arg("")
        }
    })
}

/// The file name an exported scenario gets.
pub fn export_file_name(s: &Scenario) -> String {
    format!("brook-{}-seed{}.json", safe_name(s), s.seed)
}

/// The scenario's name with anything but ASCII letters, digits and `-` as `_`.
fn safe_name(s: &Scenario) -> String {
    s.name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

/// Virtual time for a file name, to the tenth of a second: `12.3s`.
fn time_for_name(t_ms: u64) -> String {
    format!("{}.{}s", t_ms / 1000, t_ms % 1000 / 100)
}

/// The file name of the metrics history as CSV, at virtual time `t_ms`.
pub fn metrics_file_name(s: &Scenario, t_ms: u64) -> String {
    format!("brook-{}-seed{}-{}-metrics.csv", safe_name(s), s.seed, time_for_name(t_ms))
}

/// The file name of a chart's picture (`chart`: its code, `ChartKind::code`), at `t_ms`.
pub fn chart_file_name(s: &Scenario, chart: &str, t_ms: u64) -> String {
    format!("brook-{}-seed{}-{}-{chart}.png", safe_name(s), s.seed, time_for_name(t_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::i18n::Lang;
    use brook_engine::preset;

    fn refusal(file_name: &str, text: &str, lang: Lang) -> String {
        parse_import(file_name, text).unwrap_err().render(lang)
    }

    #[test]
    fn download_names_carry_the_scenario_seed_and_virtual_time() {
        let mut s = preset("peak-shaving").unwrap();
        s.seed = 4;
        assert_eq!(metrics_file_name(&s, 12_345), "brook-peak-shaving-seed4-12.3s-metrics.csv");
        assert_eq!(chart_file_name(&s, "flow", 900), "brook-peak-shaving-seed4-0.9s-flow.png");
        s.name = "my run/1".into();
        assert_eq!(export_file_name(&s), "brook-my_run_1-seed4.json");
    }

    #[test]
    fn round_trip_and_errors_name_the_field() {
        let s = preset("peak-shaving").unwrap();
        assert_eq!(parse_import("a.json", &s.to_json()).unwrap(), s);
        let bad = s.to_json().replace("\"partitions\": 6", "\"partitions\": 0");
        let e = refusal("a.json", &bad, Lang::En);
        assert!(e.starts_with("a.json: topics[0].partitions: 0 is below the minimum 1"), "{e}");
        assert!(e.ends_with("the current scenario is kept"));
        let e = refusal("a.json", &bad, Lang::ZhTw);
        assert!(e.starts_with("a.json：topics[0].partitions：0 低於下限 1"), "{e}");
        assert!(e.ends_with("目前的情境保持不變"), "{e}");
        let e = refusal("b.json", "{ not json", Lang::En);
        assert!(e.starts_with("b.json: "), "{e}");
        let big = " ".repeat(IMPORT_BYTES_MAX + 1);
        assert!(refusal("c.json", &big, Lang::En).contains("exceeds the limit"));
        assert!(refusal("c.json", &big, Lang::ZhTw).contains("超過上限"));
        assert_eq!(export_file_name(&s), "brook-peak-shaving-seed1.json");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_by_its_size_alone() {
        assert!(too_big("a.json", IMPORT_BYTES_MAX as u64).is_none());
        // A file of 5 GB (more than a 32-bit length) is named with its size and the limit.
        let e = too_big("huge.json", 5 << 30).unwrap().render(Lang::En);
        assert_eq!(
            e,
            format!("huge.json: {} bytes exceeds the limit of {IMPORT_BYTES_MAX} bytes; the current scenario is kept", 5u64 << 30)
        );
    }
}
