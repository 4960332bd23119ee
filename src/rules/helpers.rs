//! Predicates the rules share: is this file test code, generated or vendored; which
//! production functions a change touched; what module a function belongs to.

use crate::change::FileChange;
use crate::syntax::test_code::is_test_path;
use crate::syntax::{Function, ParsedFile, Site};

/// A file no rule should judge as hand-written code.
pub fn is_generated_or_vendored(file: &FileChange) -> bool {
    let path = file.path.as_str();
    let vendored = path.split('/').any(|segment| {
        matches!(
            segment,
            "vendor" | "vendored" | "third_party" | "third-party"
        )
    });
    let generated_path = path.contains("generated") || path.ends_with(".pb.rs");
    let generated_header = file.new.as_ref().is_some_and(|text| {
        text.content.lines().take(15).any(|line| {
            let lower = line.to_ascii_lowercase();
            lower.contains("@generated")
                || lower.contains("automatically generated")
                || lower.contains("auto-generated")
                || lower.contains("do not edit")
        })
    });
    vendored || generated_path || generated_header
}

/// Test code by path or by `#![cfg(test)]`.
pub fn is_test_file(file: &FileChange, parsed: Option<&ParsedFile>) -> bool {
    is_test_path(&file.path) || parsed.is_some_and(|p| p.file_is_test)
}

/// Production `.rs` code that rules should read as hand-written.
pub fn is_production_rust(file: &FileChange, parsed: Option<&ParsedFile>) -> bool {
    file.is_rust()
        && file.skipped.is_none()
        && !is_test_file(file, parsed)
        && !is_generated_or_vendored(file)
}

/// A production function of the new version and the sites it gained on added lines.
pub struct ChangedFunction<'a> {
    pub function: &'a Function,
    pub added_sites: Vec<&'a Site>,
}

/// Production functions that contain added lines, each with the sites on those lines.
pub fn changed_production_functions<'a>(
    file: &FileChange,
    parsed: &'a ParsedFile,
) -> Vec<ChangedFunction<'a>> {
    parsed
        .functions
        .iter()
        .filter(|function| !function.is_test)
        .filter(|function| {
            file.added_lines
                .range(function.start_line..=function.end_line)
                .next()
                .is_some()
        })
        .map(|function| ChangedFunction {
            function,
            added_sites: function
                .sites
                .iter()
                .filter(|site| file.added_lines.contains(&site.line))
                // A site inside a nested function is that function's, not this one's.
                .filter(|site| {
                    parsed
                        .function_at(site.line)
                        .is_some_and(|inner| std::ptr::eq(inner, function))
                })
                .collect(),
        })
        .collect()
}

/// Test functions of the new version that contain added lines.
pub fn changed_test_functions<'a>(
    file: &FileChange,
    parsed: &'a ParsedFile,
    whole_file_is_test: bool,
) -> Vec<&'a Function> {
    parsed
        .functions
        .iter()
        .filter(|function| function.is_test || whole_file_is_test)
        .filter(|function| {
            file.added_lines
                .range(function.start_line..=function.end_line)
                .next()
                .is_some()
        })
        .collect()
}

/// The module a file is: `config` for `src/config.rs` and `src/config/mod.rs`; `None` for
/// crate roots (`lib.rs`, `main.rs`).
pub fn file_module(path: &str) -> Option<String> {
    let mut segments: Vec<&str> = path.split('/').collect();
    let file = segments.pop()?;
    let stem = file.strip_suffix(".rs")?;
    match stem {
        "mod" => segments.last().map(|s| s.to_string()),
        "lib" | "main" | "build" => None,
        _ => Some(stem.to_string()),
    }
}

/// `path:line`, as a reader (and a terminal) expects it.
pub fn location(path: &str, line: u32) -> String {
    format!("{path}:{line}")
}

/// Number of lines `count` as "1 line" / "N lines".
pub fn lines(count: usize) -> String {
    if count == 1 {
        "1 line".to_string()
    } else {
        format!("{count} lines")
    }
}

#[cfg(test)]
mod tests {
    use super::file_module;

    #[test]
    fn module_names_from_paths() {
        assert_eq!(file_module("src/config.rs").as_deref(), Some("config"));
        assert_eq!(file_module("src/net/mod.rs").as_deref(), Some("net"));
        assert_eq!(file_module("src/lib.rs"), None);
        assert_eq!(file_module("README.md"), None);
    }
}
