//! `--format sarif`: a SARIF 2.1.0 log, for GitHub code scanning and the other tools that
//! read static-analysis results.
//!
//! - Every rule is in `tool.driver.rules`, with its title, summary and `ponder explain`
//!   text as help; `[[custom]]` rules that asked something are listed after them.
//! - Each rule has a `helpUri` (its section of the README) and `properties` with `tags`
//!   and `precision`, which code scanning shows and filters by.
//! - Each prompt is one result of level `note`: the question and its evidence as the
//!   message, the flagged line (the first added line it is about) as the region, its
//!   last line (the last branch point, the end of a call chain) as a related location,
//!   the function as a logical location, and its fingerprint as
//!   `partialFingerprints.primaryLocationLineHash` (what code scanning matches alerts by)
//!   and `ponder/v1`, so that an upload after a push that moved the lines matches the
//!   alert it already has. A region of one line is what GitHub and reviewdog keep in a
//!   pull request's diff view; a region that spans unchanged lines is dropped from it.
//! - A prompt about a commit has no lines of its own. GitHub code scanning refuses a whole
//!   upload with a result that has no location, so the result points at the commit's
//!   anchor (`crate::anchor`): the first added line of its largest hunk of production
//!   code, a line of the diff. Its message names the commit, and `properties` carry its
//!   SHA and subject and `commitLevel: true`, so that a reader can tell the line is only
//!   an anchor. A commit that only deletes files has no anchor, and its result no
//!   location.
//! - An answered prompt carries a suppression with the reason as its justification:
//!   `inSource` for an answer comment, `external` for a commit trailer.
//! - Stale answers are `toolExecutionNotifications` of the invocation: they are about how
//!   ponder was told to run, not results about the code.

use serde_json::Map;

mod schema;

use super::neutral::one_line;
use super::text::{naming_the_commit, prompt_message, stale_message};
use crate::model::RuleDefinition;
use crate::{AnswerSource, Prompt, Report, StaleAnswer};
use schema::{
    ArtifactLocation, Configuration, Descriptor, Driver, Invocation, Location, Log,
    LogicalLocation, Message, Notification, PhysicalLocation, Reference, Region, RelatedLocation,
    RuleProperties, Run, SarifResult, Suppression, Tool,
};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "ponder/v1";
/// The key GitHub code scanning matches results by across uploads.
const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";
/// Where ponder's documentation lives: the repository of `Cargo.toml`.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// What code scanning shows next to each built-in rule: tags to filter by, and how often
/// the rule's question is worth asking (SARIF's `precision`: very-high, high, medium,
/// low). A consistency test checks that every rule of the registry is listed.
const RULE_PROPERTIES: &[(&str, &[&str], &str)] = &[
    (
        "unhandled-failure",
        &["reliability", "error-handling", "review"],
        "high",
    ),
    ("untested-branch", &["testing", "review"], "medium"),
    ("bulk-insertion", &["maintainability", "review"], "medium"),
    ("missing-rationale", &["commit-message", "review"], "medium"),
    (
        "silenced-check",
        &["maintainability", "safety", "review"],
        "medium",
    ),
    ("new-dependency", &["supply-chain", "review"], "medium"),
    (
        "swallowed-error",
        &["reliability", "error-handling", "review"],
        "medium",
    ),
    ("assertion-free-test", &["review"], "medium"),
    ("confident-assumption", &["review"], "medium"),
];

pub fn render(report: &Report) -> String {
    let rules = rule_descriptors(report);
    let results = report
        .prompts
        .iter()
        .map(|prompt| result(report, prompt, &rules))
        .collect();
    let notifications = report.stale_answers.iter().map(notification).collect();
    let mut properties = Map::new();
    properties.insert("base".into(), report.base.clone().into());
    properties.insert("head".into(), report.head.clone().into());
    properties.insert("includesWorkTree".into(), report.includes_work_tree.into());
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "ponder",
                    information_uri: REPOSITORY,
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            results,
            properties,
        }],
    };
    // Plain strings, numbers and maps serialise without failure; `{}` keeps the output
    // JSON if that ever changed.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

impl RuleProperties {
    fn of(id: &str) -> RuleProperties {
        let (tags, precision) = RULE_PROPERTIES
            .iter()
            .find(|(rule, _, _)| *rule == id)
            .map(|(_, tags, precision)| (tags.iter().map(|t| t.to_string()).collect(), *precision))
            // A [[custom]] rule is the repository's own regex: ponder cannot vouch for it.
            .unwrap_or_else(|| (vec!["custom".to_string(), "review".to_string()], "low"));
        RuleProperties {
            tags,
            precision,
            problem_severity: "recommendation",
        }
    }
}

/// The README section that documents the rule (a heading per rule id).
pub fn help_uri(id: &str) -> String {
    format!("{REPOSITORY}#{id}")
}

/// The built-in rules in registry order, then each `[[custom]]` rule that asked something.
fn rule_descriptors(report: &Report) -> Vec<Descriptor> {
    let mut descriptors: Vec<Descriptor> = report
        .rules
        .iter()
        .filter(|definition| !definition.docs.asks_about.is_empty())
        .map(built_in)
        .collect();
    for prompt in &report.prompts {
        if descriptors.iter().all(|d| d.id != prompt.rule) {
            descriptors.push(custom(prompt));
        }
    }
    descriptors
}

fn built_in(definition: &RuleDefinition) -> Descriptor {
    let docs = &definition.docs;
    let sections = [
        ("What it asks about", &docs.asks_about),
        ("Why a reviewer asks", &docs.why),
        ("An example that asks", &docs.example_asks),
        ("An example that stays quiet", &docs.example_quiet),
        ("Known limits", &docs.limits),
        ("How to answer", &docs.answering),
    ];
    let mut text = String::new();
    let mut markdown = String::new();
    for (heading, body) in sections {
        let body = body.trim_matches('\n');
        text.push_str(&format!("{heading}\n{body}\n\n"));
        markdown.push_str(&format!("## {heading}\n\n{body}\n\n"));
    }
    Descriptor {
        id: definition.id.clone(),
        name: pascal_case(&definition.id),
        short_description: Message::text(definition.title.clone()),
        full_description: Message::text(definition.summary.clone()),
        help: Message {
            text: text.trim_end().to_string(),
            markdown: Some(markdown.trim_end().to_string()),
        },
        help_uri: help_uri(&definition.id),
        default_configuration: Configuration { level: "note" },
        properties: RuleProperties::of(&definition.id),
    }
}

fn custom(prompt: &Prompt) -> Descriptor {
    let id = one_line(&prompt.rule);
    Descriptor {
        name: pascal_case(&id),
        short_description: Message::text(format!("Custom rule `{id}`")),
        full_description: Message::text(one_line(&prompt.question)),
        help: Message::text(format!(
            "A [[custom]] rule of this repository's .ponder.toml: it asks its question about \
             added lines that match its pattern. Answer with `// ponder: {id}: <why>` on the \
             line or the line above it."
        )),
        help_uri: format!("{REPOSITORY}#configuration"),
        properties: RuleProperties::of(&id),
        id,
        default_configuration: Configuration { level: "note" },
    }
}

fn result(report: &Report, prompt: &Prompt, rules: &[Descriptor]) -> SarifResult {
    let text = naming_the_commit(report, prompt, prompt_message(prompt));
    let mut properties = Map::new();
    if let Some(sha) = &prompt.commit {
        properties.insert("commit".into(), sha.clone().into());
        if let Some(summary) = report.commits.iter().find(|c| &c.sha == sha) {
            properties.insert("commitSubject".into(), one_line(&summary.subject).into());
        }
    }
    let anchor = match (&prompt.file, &prompt.commit) {
        (None, Some(sha)) => report.commit_anchors.get(sha),
        _ => None,
    };
    if anchor.is_some() {
        properties.insert("commitLevel".into(), true.into());
    }
    let mut related_locations = Vec::new();
    let locations = match (&prompt.file, prompt.line, anchor) {
        (None, _, Some(anchor)) => vec![Location {
            physical_location: physical(&anchor.path, anchor.line, anchor.line),
            logical_locations: Vec::new(),
        }],
        (Some(file), Some(line), _) => {
            if let Some(end) = prompt.end_line.filter(|end| *end > line) {
                related_locations.push(RelatedLocation {
                    id: 1,
                    physical_location: physical(file, end, end),
                    message: Message::text(format!(
                        "the last line this question is about (line {end})"
                    )),
                });
            }
            vec![Location {
                physical_location: physical(file, line, line),
                logical_locations: prompt
                    .function
                    .iter()
                    .map(|function| LogicalLocation {
                        fully_qualified_name: one_line(function),
                        kind: "function",
                    })
                    .collect(),
            }]
        }
        _ => Vec::new(),
    };
    let suppressions = match (&prompt.answer, prompt.answered_by) {
        (Some(reason), source) => vec![Suppression {
            kind: match source {
                Some(AnswerSource::Trailer) => "external",
                Some(AnswerSource::Comment) | None => "inSource",
            },
            status: "accepted",
            justification: one_line(reason),
        }],
        (None, _) => Vec::new(),
    };
    let mut fingerprints = Map::new();
    fingerprints.insert(
        GITHUB_FINGERPRINT_KEY.into(),
        prompt.fingerprint.clone().into(),
    );
    fingerprints.insert(FINGERPRINT_KEY.into(), prompt.fingerprint.clone().into());
    SarifResult {
        rule_index: rules
            .iter()
            .position(|r| r.id == prompt.rule)
            .unwrap_or_default(),
        rule_id: one_line(&prompt.rule),
        level: "note",
        message: Message::text(text),
        locations,
        related_locations,
        partial_fingerprints: fingerprints,
        suppressions,
        properties,
    }
}

fn notification(stale: &StaleAnswer) -> Notification {
    let mut properties = Map::new();
    properties.insert("rule".into(), one_line(&stale.rule).into());
    properties.insert("reason".into(), one_line(&stale.reason).into());
    properties.insert("knownRule".into(), stale.known_rule.into());
    Notification {
        descriptor: Reference { id: "stale-answer" },
        level: "note",
        message: Message::text(stale_message(stale)),
        locations: vec![Location {
            physical_location: physical(&stale.file, stale.line, stale.line),
            logical_locations: Vec::new(),
        }],
        properties,
    }
}

fn physical(file: &str, start_line: u32, end_line: u32) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri_path(file),
            uri_base_id: "%SRCROOT%",
        },
        region: Region {
            start_line: start_line.max(1),
            end_line: end_line.max(start_line).max(1),
        },
    }
}

/// A repository path as a relative URI reference: every byte outside the unreserved set
/// and `/` percent-encoded, so that spaces, `#`, `?` or `%` in a file name stay part of
/// the path.
fn uri_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// `unhandled-failure` → `UnhandledFailure`, the conventional form of a SARIF rule name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{pascal_case, uri_path, RULE_PROPERTIES};
    use crate::rules::registry;

    #[test]
    fn every_built_in_rule_has_tags_and_a_precision() {
        let listed: Vec<&str> = RULE_PROPERTIES.iter().map(|(id, _, _)| *id).collect();
        let registered: Vec<String> = registry()
            .iter()
            .map(|rule| rule.definition().id.clone())
            .collect();
        assert_eq!(listed, registered);
    }

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(uri_path("src/lib.rs"), "src/lib.rs");
        assert_eq!(
            uri_path("src/a b#c%d,e:f.rs"),
            "src/a%20b%23c%25d%2Ce%3Af.rs"
        );
        assert_eq!(uri_path("src/é.rs"), "src/%C3%A9.rs");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal_case("unhandled-failure"), "UnhandledFailure");
        assert_eq!(pascal_case("println-in-library"), "PrintlnInLibrary");
    }
}
