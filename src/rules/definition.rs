//! A rule's data, read from `rules/<id>.toml` (embedded in the binary at build time):
//! its id, title, question and evidence templates, default thresholds, the data its
//! detection reads, and the text `ponder explain` prints.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDefinition {
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub thresholds: BTreeMap<String, toml::Value>,
    pub questions: BTreeMap<String, String>,
    #[serde(default)]
    pub evidence: BTreeMap<String, String>,
    /// What the rule's detection reads as data (lists of idioms, not prose); each rule
    /// checks its shape in `Rule::data_problem`.
    #[serde(default)]
    pub data: BTreeMap<String, toml::Value>,
    pub docs: Docs,
}

/// The fixed headings of `ponder explain`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub asks_about: String,
    pub why: String,
    pub example_asks: String,
    pub example_quiet: String,
    pub limits: String,
    pub answering: String,
}

impl RuleDefinition {
    /// Parses an embedded definition. The embedded files are checked by the test suite
    /// (`rules::tests`), so a failure here means a broken build, not bad user input.
    #[allow(clippy::panic)]
    pub fn embedded(text: &'static str) -> RuleDefinition {
        match toml::from_str(text) {
            Ok(definition) => definition,
            // ponder: unhandled-failure: the text is compiled in and every embedded file is parsed by rules::tests::every_definition_parses, so this cannot be reached by any user input.
            Err(error) => panic!("embedded rule definition does not parse: {error}"),
        }
    }
}

/// Declares a rule's embedded definition: `definition!("unhandled-failure")` reads
/// `rules/unhandled-failure.toml` once.
macro_rules! definition {
    ($id:literal) => {
        fn definition(&self) -> &'static $crate::rules::RuleDefinition {
            static DEFINITION: std::sync::OnceLock<$crate::rules::RuleDefinition> =
                std::sync::OnceLock::new();
            DEFINITION.get_or_init(|| {
                $crate::rules::RuleDefinition::embedded(include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/rules/",
                    $id,
                    ".toml"
                )))
            })
        }
    };
}
pub(crate) use definition;
