//! `[[custom]]` rules from `.ponder.toml`: a regex over added lines, in the paths the rule
//! names, asking the question the configuration gives. They are rules like the built-in
//! ones, judging the change as a whole: one finding per matching line, rendered, answered
//! and capped (at most `MAX_PROMPTS_PER_FILE` per file, so that a broad pattern cannot
//! flood the report) like every other.

use std::collections::BTreeMap;

use super::{Context, Finding, Message, Rule, Scope};
use crate::config::CustomRule;
use crate::model::{Docs, RuleDefinition, RuleSettings};

/// The template key of a custom rule's question, and of its one piece of evidence.
const QUESTION: &str = "match";
const EVIDENCE: &str = "line";

impl CustomRule {
    /// The rule's data, as `ponder explain` and SARIF describe it.
    pub fn definition_of(id: &str, question: &str) -> RuleDefinition {
        RuleDefinition {
            id: id.to_string(),
            title: id.to_string(),
            summary: question.to_string(),
            enabled: true,
            thresholds: BTreeMap::new(),
            questions: BTreeMap::from([(QUESTION.to_string(), literal(question))]),
            evidence: BTreeMap::from([(EVIDENCE.to_string(), "`{code}`".to_string())]),
            data: BTreeMap::new(),
            answered_by: Vec::new(),
            yields_to: Vec::new(),
            // The repository's own regex: ponder cannot vouch for how often it is right.
            tags: vec!["custom".to_string(), "review".to_string()],
            precision: crate::model::Precision::Low,
            docs: Docs::default(),
        }
    }

    /// The settings it runs with: its own question, always enabled.
    pub fn settings(&self) -> RuleSettings {
        RuleSettings {
            enabled: true,
            thresholds: BTreeMap::new(),
            questions: self.definition.questions.clone(),
            evidence: self.definition.evidence.clone(),
        }
    }
}

/// A question written in the configuration is plain text: its braces are not placeholders.
fn literal(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

impl Rule for CustomRule {
    fn definition(&self) -> &RuleDefinition {
        &self.definition
    }

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[("questions.match", &[]), ("evidence.line", &["code"])]
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for file in context.files {
            if self
                .paths
                .as_ref()
                .is_some_and(|paths| !paths.is_match(&file.path))
            {
                continue;
            }
            let numbers = file.added_lines.iter().copied();
            for (number, line) in numbers.zip(file.added_texts()) {
                if self.pattern.is_match(line) {
                    let mut finding = Finding::at_line(Message::new(QUESTION), &file.path, number);
                    finding
                        .evidence
                        .push(Message::new(EVIDENCE).with("code", line.trim()));
                    findings.push(finding);
                }
            }
        }
        findings
    }
}
