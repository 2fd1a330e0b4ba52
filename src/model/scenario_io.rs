//! Importing a scenario file: size bound and validation messages that name the field. Pure.

use brook_engine::Scenario;

/// Largest scenario file accepted, bytes.
pub const IMPORT_BYTES_MAX: usize = 1 << 20;
/// Validation problems listed in the message; the rest are counted.
const ERRORS_SHOWN_MAX: usize = 5;

/// Parses an imported file, or explains in one message why not (the current scenario stays).
pub fn parse_import(file_name: &str, text: &str) -> Result<Scenario, String> {
    if text.len() > IMPORT_BYTES_MAX {
        return Err(format!(
            "{file_name}: {} bytes exceeds the limit of {IMPORT_BYTES_MAX} bytes; the current scenario is kept",
            text.len()
        ));
    }
    Scenario::from_json(text).map_err(|errors| {
        let shown: Vec<String> =
            errors.iter().take(ERRORS_SHOWN_MAX).map(|e| e.to_string()).collect();
        let more = errors.len().saturating_sub(ERRORS_SHOWN_MAX);
        let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
        format!("{file_name}: {}{tail}; the current scenario is kept", shown.join("; "))
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
    use brook_engine::preset;

    #[test]
    fn round_trip_and_errors_name_the_field() {
        let s = preset("peak-shaving").unwrap();
        assert_eq!(parse_import("a.json", &s.to_json()).unwrap(), s);
        let bad = s.to_json().replace("\"partitions\": 6", "\"partitions\": 0");
        let e = parse_import("a.json", &bad).unwrap_err();
        assert!(e.starts_with("a.json: topics[0].partitions: 0 is below the minimum 1"), "{e}");
        assert!(e.ends_with("the current scenario is kept"));
        let e = parse_import("b.json", "{ not json").unwrap_err();
        assert!(e.starts_with("b.json: "), "{e}");
        let big = " ".repeat(IMPORT_BYTES_MAX + 1);
        assert!(parse_import("c.json", &big).unwrap_err().contains("exceeds the limit"));
        assert_eq!(export_file_name(&s), "brook-peak-shaving-seed1.json");
    }
}
