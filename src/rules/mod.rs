//! The rules: each finds evidence in a change and fills the variables of question
//! templates that live in `rules/<id>.toml`. A rule writes no prose; this module turns its
//! findings into prompts and keeps the registry, the one ordered list of all rules.

mod assertion_free_test;
mod bulk_insertion;
mod confident_assumption;
pub mod custom;
pub mod definition;
pub mod helpers;
pub(crate) mod missing_rationale;
mod new_dependency;
mod signals;
mod silenced_check;
mod swallowed_error;
mod unhandled_failure;
mod untested_branch;

use std::sync::OnceLock;

use crate::change::{Commit, FileChange, MovedCode, Text};
use crate::model::{AnswerSource, RuleSettings};
use crate::syntax::{ParsedFile, Syntax};

pub use crate::template::{placeholders, render};
pub use definition::RuleDefinition;

/// Every built-in rule, in the order the report lists them. Adding a rule adds one line
/// here.
pub fn registry() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(unhandled_failure::UnhandledFailure),
        Box::new(untested_branch::UntestedBranch),
        Box::new(bulk_insertion::BulkInsertion),
        Box::new(missing_rationale::MissingRationale),
        Box::new(silenced_check::SilencedCheck),
        Box::new(new_dependency::NewDependency),
        Box::new(swallowed_error::SwallowedError),
        Box::new(assertion_free_test::AssertionFreeTest),
        Box::new(confident_assumption::ConfidentAssumption),
    ]
}

/// What a rule judges: the pipeline reads this and hands the rule those files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Each commit on its own, against its first parent, and the uncommitted work as a
    /// unit of its own (`Context::commit` is `None` then).
    Commit,
    /// The change as a whole: the diff from its base to its end state (the head, or the
    /// work tree in the no-argument form).
    Change,
}

pub trait Rule: Send + Sync {
    /// The rule's data: id, title, templates, thresholds, explanation.
    fn definition(&self) -> &RuleDefinition;

    /// The variables each message template receives, as (`questions.KEY` or
    /// `evidence.KEY`, variable names). A test checks the TOML against this list.
    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])];

    /// Why the TOML's `[data]` table is not what the rule reads, if it is not. A test
    /// asks every rule; a rule that reads no data wants the table empty.
    fn data_problem(&self) -> Option<String> {
        let data = &self.definition().data;
        (!data.is_empty()).then(|| "has a [data] table that the rule does not read".to_string())
    }

    /// Why `settings.thresholds` is not what the rule reads, if it is not: the rule
    /// deserializes them into its typed struct. A rule without thresholds wants none.
    fn thresholds_problem(&self, settings: &RuleSettings) -> Option<String> {
        (!settings.thresholds.is_empty())
            .then(|| "has thresholds that the rule does not read".to_string())
    }

    /// The optional syntax passes the rule reads (`syntax::Passes`); none unless it says.
    fn syntax_passes(&self) -> crate::syntax::Passes {
        crate::syntax::Passes::default()
    }

    fn scope(&self) -> Scope;

    /// What can answer this rule's questions: a comment on the flagged line (or the line
    /// above it) for a rule about code, a `Ponder-Answer:` trailer in the commit message
    /// for a rule about commits; a commit rule whose questions also point at a line may
    /// take both (`answered_by` in its TOML). Every format's advice says exactly these.
    fn answered_by(&self) -> Vec<AnswerSource> {
        let declared = &self.definition().answered_by;
        if !declared.is_empty() {
            return declared.clone();
        }
        match self.scope() {
            Scope::Change => vec![AnswerSource::Comment],
            Scope::Commit => vec![AnswerSource::Trailer],
        }
    }

    /// For a `Scope::Commit` rule: whether judging this commit needs the texts of its
    /// `files`, given their hunks and line numbers. Without texts, `added_texts()` and
    /// the like are empty. Answer `true` unless the hunks alone show the rule cannot ask:
    /// on a long range, reading texts is most of what a commit costs. (A `Scope::Change`
    /// rule always has the texts.)
    fn needs_texts(
        &self,
        _commit: Option<&Commit>,
        _files: &[FileChange],
        _settings: &RuleSettings,
    ) -> bool {
        true
    }

    /// The texts this rule needs parsed among `files`. A `Scope::Change` rule has every
    /// Rust file's new version parsed without asking.
    fn texts_to_parse(
        &self,
        _files: &[FileChange],
        _moved: &MovedCode,
        _settings: &RuleSettings,
    ) -> Vec<Text> {
        Vec::new()
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding>;
}

/// What a rule sees: the files of what it judges (see `Scope`), their parses and its
/// settings.
pub struct Context<'a> {
    /// A commit's diff, the work in progress, or the whole change, by the rule's scope.
    pub files: &'a [FileChange],
    /// The commit judged, for a `Scope::Commit` rule; `None` for the work in progress
    /// and for `Scope::Change` rules.
    pub commit: Option<&'a Commit>,
    pub syntax: &'a Syntax,
    pub settings: &'a RuleSettings,
    /// The change index of `files`, built on first use and shared by the rules.
    pub moved: &'a OnceLock<MovedCode>,
    /// Which tests reach the changed code: the call index and coverage, built on first use.
    pub reach: &'a crate::reach::Reach<'a>,
}

impl Context<'_> {
    /// Which added lines of `files` are old code (moved, re-indented, re-wrapped).
    pub fn moved_code(&self) -> &MovedCode {
        self.moved.get_or_init(|| MovedCode::of(self.files))
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

    /// The commits whose messages speak for what is judged: the range's for a
    /// `Scope::Change` rule (none for work that is not committed), the commit's own for a
    /// `Scope::Commit` rule.
    pub fn commits(&self) -> &[Commit] {
        match self.commit {
            Some(commit) => std::slice::from_ref(commit),
            None => &self.reach.change().commits,
        }
    }

    /// The parsed new version of a file, when it is Rust and was parsed.
    pub fn parsed_new(&self, file: &FileChange) -> Option<&ParsedFile> {
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

#[cfg(test)]
mod tests;
