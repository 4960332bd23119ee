//! Reading ponder's JSON report in tests: the arrays and fields that most tests look at.

use serde_json::Value;

/// The report's `prompts` array.
pub fn prompts(report: &Value) -> &Vec<Value> {
    report["prompts"].as_array().expect("prompts is an array")
}

/// `field` of every element of the report's array `array`, in order (`""` where the field
/// is not a string): `strings(report, "commits", "subject")`.
pub fn strings(report: &Value, array: &str, field: &str) -> Vec<String> {
    report[array]
        .as_array()
        .unwrap_or_else(|| panic!("{array} is an array: {report:#}"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The `files[]` entry for `path`.
pub fn file_entry<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["files"]
        .as_array()
        .expect("files is an array")
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} is not in files[]: {report:#}"))
}

/// The 1-based number of the first line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in the text")) as u64
        + 1
}
