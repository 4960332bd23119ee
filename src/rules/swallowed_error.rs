//! swallowed-error: production code gains a place where an error goes nowhere. It asks
//! about a fallible result thrown away (`let _ = fs::remove_file(p);`, `parse(s).ok();`:
//! the discarded results of I/O, parsing, conversion and the environment that the failure
//! sites record), a match on a `Result` whose `Err(_)` or `_` arm does nothing, and an
//! `if let Ok(..) = ..` with no `else` on an I/O call. The question is who learns that it
//! failed, not whether it may fail.
//!
//! Results thrown away by convention (the TOML's `ignorable_discards`: a failed flush of
//! the terminal after a progress line) are quiet, and so is anything in test code. Only
//! new code counts: a discarded result judged by the failure sites' change index, a
//! catch-all or `if let` whose line is old code or whose code the file had before.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::definition::definition;
use super::helpers::{changed_production_functions, location};
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::{FileChange, MovedCode};
use crate::syntax::{Failure, ParsedFile, Site, SiteKind, Swallow, SwallowKind};

pub struct SwallowedError;

const VARIABLES: &[&str] = &["function", "code", "location"];

impl Rule for SwallowedError {
    definition!("swallowed-error");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.discarded", VARIABLES),
            (
                "questions.catch_all",
                &["function", "code", "location", "subject"],
            ),
            (
                "questions.if_let_ok",
                &["function", "code", "location", "subject"],
            ),
            ("evidence.nowhere", &[]),
        ]
    }

    fn data_problem(&self) -> Option<String> {
        ignorable(&self.definition().data).err()
    }

    fn syntax_passes(&self) -> crate::syntax::Passes {
        crate::syntax::Passes {
            swallows: true,
            ..Default::default()
        }
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        static IGNORABLE: OnceLock<Vec<String>> = OnceLock::new();
        // The embedded data is checked by `rules::tests`; an empty list only asks more.
        let ignorable =
            IGNORABLE.get_or_init(|| ignorable(&self.definition().data).unwrap_or_default());
        let moved = context.moved_code();
        let mut findings = Vec::new();
        for file in context.files {
            let Some(parsed) = context.parsed_new(file) else {
                continue;
            };
            if parsed.parse_error.is_some() || !context.is_production(file, Some(parsed)) {
                continue;
            }
            for changed in changed_production_functions(file, parsed, moved) {
                let discarded = changed
                    .added_sites
                    .iter()
                    .filter(|site| matches!(site.kind, SiteKind::Failure(Failure::Discarded(_))))
                    .filter(|site| !is_ignorable(site, ignorable));
                for site in discarded {
                    let mut finding = at(file, parsed, "discarded", &site.code, site.line);
                    finding.evidence.push(Message::new("nowhere"));
                    findings.push(finding);
                }
            }
            for swallow in &parsed.swallows {
                if !is_new(file, parsed, swallow, moved) {
                    continue;
                }
                let key = match swallow.kind {
                    SwallowKind::EmptyCatchAll => "catch_all",
                    SwallowKind::IfLetOkWithoutElse => "if_let_ok",
                };
                let mut finding = at(file, parsed, key, &swallow.code, swallow.line);
                finding.question = finding.question.with("subject", swallow.subject.clone());
                finding.evidence.push(Message::new("nowhere"));
                findings.push(finding);
            }
        }
        findings
    }
}

/// The TOML's `ignorable_discards`, as `receiver ending.call` texts.
fn ignorable(data: &BTreeMap<String, toml::Value>) -> Result<Vec<String>, String> {
    let Some(toml::Value::Array(items)) = data.get("ignorable_discards") else {
        return Err("[data] needs `ignorable_discards`, a list of strings".to_string());
    };
    if data.len() != 1 {
        return Err("reads only `ignorable_discards` from [data]".to_string());
    }
    items
        .iter()
        .map(|item| item.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| "`ignorable_discards` must be a list of strings".to_string())
}

/// `io::stdout().flush()`: the site's operand ends with a receiver and call the TOML lists.
fn is_ignorable(site: &Site, ignorable: &[String]) -> bool {
    let Some(operand) = site.operand.as_deref() else {
        return false;
    };
    let receiver = operand.receiver.as_deref().unwrap_or("");
    ignorable.iter().any(|listed| {
        listed
            .rsplit_once('.')
            .is_some_and(|(ending, call)| call == operand.call && receiver.ends_with(ending))
    })
}

/// A catch-all or `if let` on an added line of production code that is not old code.
fn is_new(file: &FileChange, parsed: &ParsedFile, swallow: &Swallow, moved: &MovedCode) -> bool {
    let in_test = parsed
        .function_at(swallow.line)
        .is_some_and(|function| function.is_test);
    let searchable = swallow.code.len() >= 8 && !swallow.code.ends_with("...");
    let old = moved.is_old_code(file, swallow.line, &swallow.code)
        || (searchable && moved.removed_from_file(file, &swallow.code));
    file.added_lines.contains(&swallow.line) && !in_test && !old
}

fn at(file: &FileChange, parsed: &ParsedFile, key: &'static str, code: &str, line: u32) -> Finding {
    let function = parsed.function_at(line).map_or_else(
        || "This code".to_string(),
        |f| format!("`{}`", f.qualified_name()),
    );
    let question = Message::new(key)
        .with("function", function)
        .with("code", code.to_string())
        .with("location", location(&file.path, line));
    let mut finding = Finding::at_line(question, &file.path, line);
    finding.function = parsed.function_at(line).map(|f| f.qualified_name());
    finding
}
