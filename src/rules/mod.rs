//! The rules: each finds evidence in a change and fills the variables of question
//! templates that live in `rules/<id>.toml`. A rule writes no prose; this module turns its
//! findings into prompts and keeps the registry, the one ordered list of all rules.

mod bulk_insertion;
pub mod custom;
pub mod definition;
pub mod helpers;
mod missing_rationale;
mod unhandled_failure;
mod untested_branch;

use std::sync::OnceLock;

use crate::change::{Change, Commit, FileChange, Text};
use crate::config::RuleSettings;
use crate::syntax::{ParsedFile, Syntax};

pub use definition::RuleDefinition;

/// Every rule, in the order the report lists them. Adding a rule adds one line here.
pub fn registry() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(unhandled_failure::UnhandledFailure),
        Box::new(untested_branch::UntestedBranch),
        Box::new(bulk_insertion::BulkInsertion),
        Box::new(missing_rationale::MissingRationale),
    ]
}

pub trait Rule: Send + Sync {
    /// The rule's data: id, title, templates, thresholds, explanation.
    fn definition(&self) -> &'static RuleDefinition;

    /// The variables each message template receives, as (`questions.KEY` or
    /// `evidence.KEY`, variable names). A test checks the TOML against this list.
    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])];

    /// Texts this rule needs parsed beyond the new versions of the range's files.
    fn extra_texts(&self, _change: &Change, _settings: &RuleSettings) -> Vec<Text> {
        Vec::new()
    }

    /// Whether checking `commit` on its own (a range's commit-by-commit pass, which only
    /// the commit-level rules read) needs the texts of its `files`, given their hunks and
    /// line numbers. Without texts, `added_texts()` and the like are empty. Answer `true`
    /// unless the hunks alone show the rule cannot ask: reading texts is most of what a
    /// commit costs.
    fn needs_commit_texts(
        &self,
        _commit: &Commit,
        _files: &[FileChange],
        _settings: &RuleSettings,
    ) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding>;
}

/// What a rule sees.
pub struct Context<'a> {
    pub change: &'a Change,
    pub syntax: &'a Syntax,
    pub settings: &'a RuleSettings,
    /// The change's removed lines, indexed on first use and shared by the rules that ask
    /// whether a site is new (see `helpers::RemovedCode`).
    pub removed: &'a OnceLock<helpers::RemovedCode>,
    /// Which tests reach the changed code: the call index and coverage, built on first use.
    pub reach: &'a crate::reach::Reach<'a>,
}

impl Context<'_> {
    /// The change's removed lines, indexed once per change whichever rule asks first.
    pub fn removed_code(&self) -> &helpers::RemovedCode {
        self.removed
            .get_or_init(|| helpers::RemovedCode::of(&self.change.files))
    }

    /// Production Rust the code rules judge: not test code by path, by `#![cfg(test)]`,
    /// or by its parent's `#[cfg(test)] mod` declaration.
    pub fn is_production(
        &self,
        file: &crate::change::FileChange,
        parsed: Option<&ParsedFile>,
    ) -> bool {
        helpers::is_production_rust(file, parsed) && !self.reach.declared_as_test(&file.path)
    }

    /// The parsed new version of a file, when it is Rust and was parsed.
    pub fn parsed_new(&self, file: &crate::change::FileChange) -> Option<&ParsedFile> {
        let text = file.new.as_ref()?;
        self.syntax.get(&text.key)
    }
}

/// A template key and the values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub variables: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            variables: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Message {
        self.variables.push((name, value.into()));
        self
    }
}

/// One thing a rule wants to ask, before its text is rendered.
#[derive(Debug, Clone)]
pub struct Finding {
    pub question: Message,
    pub evidence: Vec<Message>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub end_line: Option<u32>,
    pub commit: Option<String>,
    pub function: Option<String>,
}

impl Finding {
    pub fn at_commit(question: Message, commit: &str) -> Finding {
        Finding {
            question,
            evidence: Vec::new(),
            file: None,
            line: None,
            end_line: None,
            commit: Some(commit.to_string()),
            function: None,
        }
    }

    pub fn at_line(question: Message, file: &str, line: u32) -> Finding {
        Finding {
            question,
            evidence: Vec::new(),
            file: Some(file.to_string()),
            line: Some(line),
            end_line: Some(line),
            commit: None,
            function: None,
        }
    }
}

/// Fills `{name}` placeholders. `{{` and `}}` stand for literal braces. A placeholder
/// without a value is kept visible as `{name}` (tests make sure that never ships).
pub fn render(template: &str, variables: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Placeholder(name) => match variables.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// The placeholder names a template uses.
pub fn placeholders(template: &str) -> Vec<String> {
    pieces(template)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Placeholder(name) => Some(name.to_string()),
            Piece::Text(_) => None,
        })
        .collect()
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        pieces.push(Piece::Text(&rest[..open]));
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix("{{") {
            pieces.push(Piece::Text("{"));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            pieces.push(Piece::Text("}"));
            rest = after;
        } else if let Some(after) = tail.strip_prefix('{') {
            match after.split_once('}') {
                Some((name, after)) => {
                    pieces.push(Piece::Placeholder(name));
                    rest = after;
                }
                None => {
                    pieces.push(Piece::Text(tail));
                    rest = "";
                }
            }
        } else {
            pieces.push(Piece::Text("}"));
            rest = &tail[1..];
        }
    }
    pieces.push(Piece::Text(rest));
    pieces
}

#[cfg(test)]
mod tests;
