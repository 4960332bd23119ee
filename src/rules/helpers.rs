//! Predicates the rules share: is this file test code or hand-written production code;
//! which production functions a change touched and which of their sites are new; what
//! module a function belongs to.

use crate::change::{FileChange, MovedCode};
use crate::syntax::test_code::is_test_path;
use crate::syntax::{Function, ParsedFile, Site, SiteKind};

/// Test code by path or by `#![cfg(test)]`.
pub fn is_test_file(file: &FileChange, parsed: Option<&ParsedFile>) -> bool {
    is_test_path(&file.path) || parsed.is_some_and(|p| p.file_is_test)
}

/// Production `.rs` code that rules should read as hand-written.
pub fn is_production_rust(file: &FileChange, parsed: Option<&ParsedFile>) -> bool {
    file.is_rust()
        && file.skipped.is_none()
        && !is_test_file(file, parsed)
        && !file.is_generated_or_vendored()
}

/// A production function of the new version and the sites it gained on added lines.
pub struct ChangedFunction<'a> {
    pub function: &'a Function,
    pub added_sites: Vec<&'a Site>,
}

/// Whether a site on an added line was there before the change: its line and its code are
/// old code in the change index (moved, re-indented, re-wrapped), it is a branch whose hunk removed a
/// branch of the same keyword (an existing `if` or `return` rewritten), or its code was
/// removed from the same file (the line around it was edited).
pub fn had_before(moved: &MovedCode, file: &FileChange, site: &Site) -> bool {
    // The site's own code, without what a branch site adds to name it: `… (when x)` for
    // a match arm's guard, `else (of if x)` for an else.
    let code = site.code.split(" (when ").next().unwrap_or("");
    let code = code.split(" (of ").next().unwrap_or("");
    // Code cut to a readable length may end inside a word: judge the words before it.
    let whole = match code.strip_suffix("...") {
        Some(cut) => cut.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_'),
        None => code,
    };
    if moved.is_old_code(file, site.line, whole) {
        return true;
    }
    if matches!(site.kind, SiteKind::Branch(_)) && rewrites_branch(file, site.line) {
        return true;
    }
    let searchable = code.len() >= 8 && !code.ends_with("...");
    searchable && moved.removed_from_file(file, code)
}

/// The added line opens a branch with the same keyword as a line its hunk removed: an
/// existing `if`, `else`, `return`, `break` or `continue` that was rewritten.
fn rewrites_branch(file: &FileChange, line: u32) -> bool {
    let Some(added) = file.new_line(line) else {
        return false;
    };
    let Some(keyword) = branch_keyword(added) else {
        return false;
    };
    file.old_lines_of_hunk_at(line)
        .iter()
        .any(|(_, removed)| branch_keyword(removed) == Some(keyword))
}

/// The keyword a line's branch starts with, `} else if` and `} else` included.
fn branch_keyword(line: &str) -> Option<&'static str> {
    let line = line.trim_start().trim_start_matches('}').trim_start();
    ["else if ", "else", "if ", "return", "break", "continue"]
        .into_iter()
        .find(|keyword| line.starts_with(keyword))
}

/// Production functions that contain added lines, each with the sites on those lines
/// that are new (see `had_before`).
pub fn changed_production_functions<'a>(
    file: &FileChange,
    parsed: &'a ParsedFile,
    moved: &MovedCode,
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
                .filter(|site| !had_before(moved, file, site))
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
