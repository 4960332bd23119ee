//! A rule's data, read from `rules/<id>.toml` (embedded in the binary at build time):
//! its id, title, question and evidence templates, default thresholds, and the text
//! `ponder explain` prints. The types are the model's (`crate::model`); this is how the
//! built-in rules load theirs.

pub use crate::model::{Docs, RuleDefinition};

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

/// The list of strings at `key` of a rule's `[data]` table, each passed through `each`
/// (`str::to_string`, `str::to_lowercase`); a missing key or another shape is the
/// message `Rule::data_problem` reports.
pub fn data_list(
    data: &std::collections::BTreeMap<String, toml::Value>,
    key: &str,
    each: fn(&str) -> String,
) -> Result<Vec<String>, String> {
    match data.get(key) {
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(each))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("[data] `{key}` must be a list of strings")),
        _ => Err(format!("[data] needs `{key}`, a list of strings")),
    }
}
