//! unhandled-failure: a production function gains lines that can fail or panic (unwrap,
//! expect, panic macros, runtime indexing, discarded results) and gains no handling in
//! the same change (no `?`, no match on `Err`/`None`, no fallback combinator, no
//! `return Err`), nor already propagates failure through a `Result`/`Option` return.
//!
//! One prompt per function, at its first new failure site; the question is chosen by what
//! produced the failing value (I/O, parsing, conversion, environment, lookup, other).
//! A file that does not parse is checked line by line for the obvious sites.

use regex::Regex;

use super::definition::definition;
use super::helpers::{changed_production_functions, location};
use super::{Context, Finding, Message, Rule};
use crate::change::FileChange;
use crate::syntax::{Failure, Function, Handling, Operation, Returns, Site, SiteKind};

pub struct UnhandledFailure;

const QUESTION_VARIABLES: &[&str] = &["function", "code", "location"];

impl Rule for UnhandledFailure {
    definition!("unhandled-failure");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.io", QUESTION_VARIABLES),
            ("questions.parse", QUESTION_VARIABLES),
            ("questions.conversion", QUESTION_VARIABLES),
            ("questions.environment", QUESTION_VARIABLES),
            ("questions.lookup", QUESTION_VARIABLES),
            ("questions.unwrap", QUESTION_VARIABLES),
            ("questions.expect", QUESTION_VARIABLES),
            ("questions.panic", QUESTION_VARIABLES),
            ("questions.index", QUESTION_VARIABLES),
            ("questions.discarded", QUESTION_VARIABLES),
            ("questions.unparsed", &["file", "code", "location"]),
            ("evidence.also", &["code", "location"]),
            ("evidence.no_handling", &["function"]),
        ]
    }

    /// A code-level rule: it reads the range's files, never a commit's own.
    fn needs_commit_texts(
        &self,
        _commit: &crate::change::Commit,
        _files: &[FileChange],
        _settings: &crate::config::RuleSettings,
    ) -> bool {
        false
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        let max_listed = context.settings.count("max_listed_sites");
        let removed = context.removed_code();
        let mut findings = Vec::new();
        for file in &context.change.files {
            let parsed = context.parsed_new(file);
            if !context.is_production(file, parsed) {
                continue;
            }
            match parsed {
                Some(parsed) if parsed.parse_error.is_none() => {
                    for changed in changed_production_functions(file, parsed, removed) {
                        if let Some(finding) =
                            check_function(file, changed.function, &changed.added_sites, max_listed)
                        {
                            findings.push(finding);
                        }
                    }
                }
                _ => findings.extend(check_lines(file)),
            }
        }
        findings
    }
}

fn check_function(
    file: &FileChange,
    function: &Function,
    added_sites: &[&Site],
    max_listed: usize,
) -> Option<Finding> {
    let failures: Vec<(&Site, Failure)> = added_sites
        .iter()
        .filter_map(|site| match site.kind {
            SiteKind::Failure(failure) => Some((*site, failure)),
            _ => None,
        })
        .collect();
    let (first, first_kind) = *failures.first()?;
    let gains_handling = added_sites
        .iter()
        .any(|site| matches!(site.kind, SiteKind::Handling(_)));
    let propagates = matches!(function.returns, Returns::Result | Returns::Option)
        && function
            .sites
            .iter()
            .any(|site| site.kind == SiteKind::Handling(Handling::Try));
    if gains_handling || propagates {
        return None;
    }

    let name = function.qualified_name();
    let question = Message::new(question_key(first_kind))
        .with("function", name.clone())
        .with("code", first.code.clone())
        .with("location", location(&file.path, first.line));
    let mut finding = Finding::at_line(question, &file.path, first.line);
    finding.function = Some(name.clone());
    finding.end_line = failures.last().map(|(site, _)| site.line);
    for (site, _) in failures.iter().skip(1).take(max_listed) {
        finding.evidence.push(
            Message::new("also")
                .with("code", site.code.clone())
                .with("location", location(&file.path, site.line)),
        );
    }
    finding
        .evidence
        .push(Message::new("no_handling").with("function", name));
    Some(finding)
}

fn question_key(failure: Failure) -> &'static str {
    match failure {
        Failure::Unwrap(operation) | Failure::Expect(operation) => match operation {
            Operation::Io => "io",
            Operation::Parse => "parse",
            Operation::Conversion => "conversion",
            Operation::Environment => "environment",
            Operation::Lookup => "lookup",
            Operation::Other if matches!(failure, Failure::Expect(_)) => "expect",
            Operation::Other => "unwrap",
        },
        Failure::PanicMacro => "panic",
        Failure::Index => "index",
        Failure::Discarded(_) => "discarded",
    }
}

/// For a file syn could not parse: the first added line with an obvious failure site.
fn check_lines(file: &FileChange) -> Option<Finding> {
    static PATTERN: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
    let pattern = PATTERN
        .get_or_init(|| {
            Regex::new(r"\.unwrap\(\)|\.expect\(|\b(panic|unreachable|todo|unimplemented)!").ok()
        })
        .as_ref()?;
    let text = file.new.as_ref()?;
    let (index, line) = text.content.lines().enumerate().find(|(index, line)| {
        file.added_lines.contains(&(*index as u32 + 1))
            && !line.trim_start().starts_with("//")
            && pattern.is_match(line)
    })?;
    let number = index as u32 + 1;
    let question = Message::new("unparsed")
        .with("file", file.path.clone())
        .with("code", line.trim().to_string())
        .with("location", location(&file.path, number));
    Some(Finding::at_line(question, &file.path, number))
}
