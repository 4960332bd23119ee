//! unhandled-failure: production code gains an operation that can fail or panic (unwrap,
//! expect, panic macros, runtime indexing, discarded results), judged on its own: quiet
//! when it is infallible by construction or a condition before it makes it safe (see
//! `judgment`), asked about otherwise, whatever the rest of the function handles. A
//! failure handled in its own expression (`?`, `unwrap_or`, a match on its result) is
//! never a failure site in the first place.
//!
//! One prompt per operation, with the question of its failure mode (I/O, parsing,
//! conversion, environment, lookup, index, panic, discarded); the operations of one mode
//! on one receiver in a function (the seven column reads of one row, even with a type
//! check between each) share a prompt, and so do the
//! links of one chain (`a.unwrap().get(1).unwrap()`). A file that does not parse is checked
//! line by line for the obvious sites.

mod judgment;

use std::sync::OnceLock;

use regex::Regex;

use super::definition::definition;
use super::helpers::{changed_production_functions, location};
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::FileChange;
use crate::model::RuleSettings;
use crate::syntax::{Failure, Function, Operand, Operation, Site, SiteKind};
use judgment::{judge, Idioms, Judgment};

pub struct UnhandledFailure;

/// `[thresholds]` of rules/unhandled-failure.toml.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    max_listed_sites: usize,
}

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
            ("evidence.also", &["code", "line"]),
            ("evidence.in_place", &["function"]),
            ("evidence.unchecked", &["function", "subject"]),
        ]
    }

    fn data_problem(&self) -> Option<String> {
        Idioms::read(&self.definition().data).err()
    }

    fn thresholds_problem(&self, settings: &RuleSettings) -> Option<String> {
        settings.typed::<Thresholds>().err()
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        static IDIOMS: OnceLock<Idioms> = OnceLock::new();
        // The embedded data is checked by `rules::tests`; empty lists only ask more.
        let idioms =
            IDIOMS.get_or_init(|| Idioms::read(&self.definition().data).unwrap_or_default());
        // Checked against the TOML by a test and against the loaded configuration before
        // any rule runs (`Rule::thresholds_problem`), so this never returns here.
        let Ok(limits) = context.settings.typed::<Thresholds>() else {
            return Vec::new();
        };
        let max_listed = limits.max_listed_sites;
        let moved = context.moved_code();
        let mut findings = Vec::new();
        for file in context.files {
            let parsed = context.parsed_new(file);
            if !context.is_production(file, parsed) {
                continue;
            }
            match parsed {
                Some(parsed) if parsed.parse_error.is_none() => {
                    let build_script = is_build_script(&file.path);
                    for changed in changed_production_functions(file, parsed, moved) {
                        let asked = asked_operations(&changed.added_sites, build_script, idioms);
                        findings.extend(
                            asked.iter().filter_map(|group| {
                                prompt(file, changed.function, group, max_listed)
                            }),
                        );
                    }
                }
                _ => findings.extend(check_lines(file)),
            }
        }
        findings
    }
}

/// `build.rs` at a package root, where cargo sets the build script's environment.
fn is_build_script(path: &str) -> bool {
    path == "build.rs" || path.ends_with("/build.rs")
}

/// Failure sites that share one prompt: one, or all of one mode on one receiver in the
/// function (whatever is asked between them), or the links of one chained expression, or
/// calls of one module's functions of one mode on adjacent lines.
struct Asked<'a> {
    failure: Failure,
    receiver: Option<String>,
    /// For a call with no receiver, its module (`fs` in `fs::remove_file(p)`), or the
    /// function's own name when it has no path.
    module: Option<String>,
    /// The message of a panic macro, for grouping the arms that state one assumption in
    /// words that differ by a name. (Two `expect`s stay apart: each names an operation of
    /// its own, such as two files read.)
    message: Option<String>,
    subject: Option<String>,
    sites: Vec<&'a Site>,
}

/// Whether two panic messages are one sentence with one word changed:
/// "reminder id type mismatch" and "reminder title type mismatch". Three words at least,
/// so that "bad id" and "bad tag" stay apart.
fn one_word_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    a.len() >= 3 && a.len() == b.len() && a.iter().zip(&b).filter(|(x, y)| x != y).count() <= 1
}

/// What groups calls without a receiver: the path before the function's name, or the name.
fn module_of(operand: &Operand) -> Option<String> {
    if operand.receiver.is_some() || operand.call.is_empty() {
        return None;
    }
    Some(
        operand
            .qualifier
            .clone()
            .unwrap_or_else(|| operand.call.clone()),
    )
}

fn asked_operations<'a>(sites: &[&'a Site], build_script: bool, idioms: &Idioms) -> Vec<Asked<'a>> {
    let mut asked: Vec<Asked<'a>> = Vec::new();
    for site in sites {
        let (SiteKind::Failure(failure), Some(operand)) = (site.kind, site.operand.as_deref())
        else {
            continue;
        };
        let Judgment::Asked { subject } = judge(failure, operand, build_script, idioms) else {
            continue;
        };
        // `captures.unwrap().get(1).unwrap()` is one expression: one question.
        if let Some(last) = asked.last_mut().filter(|last| {
            last.sites.iter().any(|previous| {
                previous.code.contains(&site.code) || site.code.contains(&previous.code)
            })
        }) {
            last.sites.push(site);
            continue;
        }
        // The columns of one row, read one by one with other questions between them, are
        // one question about that row.
        if let Some(earlier) = asked.iter_mut().find(|earlier| {
            question_key(earlier.failure) == question_key(failure)
                && earlier.receiver.is_some()
                && earlier.receiver == operand.receiver
        }) {
            earlier.sites.push(site);
            continue;
        }
        // `_ => panic!("id type mismatch")`, `_ => panic!("title type mismatch")`: one
        // assumption (the row's types) written once per column, one question.
        if let Some(earlier) = asked.iter_mut().find(|earlier| {
            question_key(earlier.failure) == question_key(failure)
                && matches!(failure, Failure::PanicMacro)
                && earlier
                    .message
                    .as_deref()
                    .zip(operand.message.as_deref())
                    .is_some_and(|(a, b)| one_word_apart(a, b))
        }) {
            earlier.sites.push(site);
            continue;
        }
        // `let _ = fs::remove_file(index); let _ = fs::remove_dir_all(blobs);`: one
        // decision to carry on whatever the cleanup manages, one question.
        let module = module_of(operand);
        if let Some(last) = asked.last_mut().filter(|last| {
            question_key(last.failure) == question_key(failure)
                && last.module.is_some()
                && last.module == module
                && last
                    .sites
                    .last()
                    .is_some_and(|previous| site.line == previous.line + 1)
        }) {
            last.sites.push(site);
            continue;
        }
        asked.push(Asked {
            failure,
            receiver: operand.receiver.clone(),
            module,
            message: operand.message.clone(),
            subject,
            sites: vec![site],
        });
    }
    asked
}

fn prompt(
    file: &FileChange,
    function: &Function,
    asked: &Asked<'_>,
    max_listed: usize,
) -> Option<Finding> {
    let name = function.qualified_name();
    let first = asked.sites.first()?;
    let question = Message::new(question_key(asked.failure))
        .with("function", name.clone())
        .with("code", first.code.clone())
        .with("location", location(&file.path, first.line));
    let mut finding = Finding::at_line(question, &file.path, first.line);
    finding.function = Some(name.clone());
    finding.end_line = asked.sites.last().map(|site| site.line);
    for site in asked.sites.iter().skip(1).take(max_listed) {
        finding.evidence.push(
            Message::new("also")
                .with("code", site.code.clone())
                .with("line", site.line.to_string()),
        );
    }
    if matches!(asked.failure, Failure::Unwrap(_) | Failure::Expect(_)) {
        finding
            .evidence
            .push(Message::new("in_place").with("function", name.clone()));
    }
    if let Some(subject) = &asked.subject {
        finding.evidence.push(
            Message::new("unchecked")
                .with("function", name)
                .with("subject", subject.clone()),
        );
    }
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
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
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
