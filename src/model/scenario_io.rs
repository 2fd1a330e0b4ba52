//! Importing a scenario file: size bound and validation messages that name the field. Pure.

use brook_engine::Scenario;

use crate::model::i18n::{Msg, Text};

/// Largest scenario file accepted, bytes.
pub const IMPORT_BYTES_MAX: usize = 1 << 20;
/// Validation problems listed in the message; the rest are counted.
const ERRORS_SHOWN_MAX: usize = 5;

/// Parses an imported file, or explains in one message why not (the current scenario stays).
/// The engine's problems (field path and limit) are translated when shown.
pub fn parse_import(file_name: &str, text: &str) -> Result<Scenario, Text> {
    if text.len() > IMPORT_BYTES_MAX {
        let why = Text::new(Msg::ImportTooBig).arg(file_name).arg(text.len());
        return Err(why.arg(IMPORT_BYTES_MAX));
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
    let safe: String = s
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    format!("brook-{safe}-seed{}.json", s.seed)
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
}
