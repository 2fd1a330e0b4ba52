//! Where Brook simplifies Kafka is said in one list, kept in both the README and
//! docs/scenario.md; this test keeps the two copies equal and the list well formed.

use std::path::Path;

const BEGIN: &str = "<!-- simplifications:begin";
const END: &str = "<!-- simplifications:end -->";

fn list_in(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let start = text.find(BEGIN).unwrap_or_else(|| panic!("{file} lacks `{BEGIN}`"));
    let end = text[start..].find(END).unwrap_or_else(|| panic!("{file} lacks `{END}`"));
    text[start..start + end + END.len()].to_string()
}

#[test]
fn the_readme_and_the_scenario_docs_hold_the_same_list_of_simplifications() {
    let readme = list_in("README.md");
    let scenario = list_in("docs/scenario.md");
    assert_eq!(readme, scenario, "README.md and docs/scenario.md must hold the same list");
}

#[test]
fn every_simplification_has_kafkas_behaviour_beside_it() {
    let list = list_in("README.md");
    let rows: Vec<&str> =
        list.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Brook |")).collect();
    assert!(rows.len() >= 10, "{} rows", rows.len());
    for row in rows {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 2, "a row is `| Brook | Kafka |`: {row}");
        assert!(cells.iter().all(|c| c.len() > 10), "an empty side: {row}");
    }
}
