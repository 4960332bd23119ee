//! `[[custom]]` rules of `.ponder.toml`: an id, a regex, the paths it reads and its
//! question. The file comes from the analysed repository: patterns and their compiled size
//! are bounded, and so is the number of rules.

use std::collections::BTreeMap;

use regex::Regex;

use super::globs::glob_list;
use super::{CustomRule, RuleSettings, SettingError, MAX_QUESTION_LENGTH};
use crate::error::excerpt::quoted;
use crate::report::neutral;

/// Longest custom pattern accepted.
const MAX_PATTERN_LENGTH: usize = 1000;

/// Longest custom rule id: it is the rule's name in every prompt and answer.
const MAX_ID_LENGTH: usize = 64;

/// Most `[[custom]]` rules a file may hold: each compiles to up to 1 MiB and runs on every
/// added line.
const MAX_CUSTOM_RULES: usize = 100;

pub(super) fn custom_rules(
    value: &toml::Value,
    rules: &BTreeMap<String, RuleSettings>,
) -> Result<Vec<CustomRule>, SettingError> {
    let shape_help = "write each as [[custom]] with id, pattern, question and optionally paths";
    let Some(entries) = value.as_array() else {
        return Err((
            "custom".to_string(),
            "`custom` must be an array of tables".to_string(),
            shape_help.to_string(),
        ));
    };
    let kebab = Regex::new("^[a-z0-9]+(-[a-z0-9]+)*$")
        .map_err(|e| ("id".to_string(), e.to_string(), String::new()))?;
    if entries.len() > MAX_CUSTOM_RULES {
        return Err((
            "custom".to_string(),
            format!(
                "there are {} [[custom]] rules, more than the {MAX_CUSTOM_RULES} ponder reads",
                entries.len()
            ),
            format!("keep at most {MAX_CUSTOM_RULES} custom rules (a fixed bound: each is a regex run on every added line); one pattern with `|` can ask about several things"),
        ));
    }
    let mut custom = Vec::new();
    for entry in entries {
        let Some(table) = entry.as_table() else {
            return Err((
                "custom".to_string(),
                "each `custom` entry must be a table".to_string(),
                shape_help.to_string(),
            ));
        };
        for key in table.keys() {
            if !matches!(key.as_str(), "id" | "pattern" | "paths" | "question") {
                return Err((
                    key.clone(),
                    format!("unknown key `{}` in a [[custom]] rule", quoted(key)),
                    "the keys of [[custom]] are: id, pattern, paths, question".to_string(),
                ));
            }
        }
        let text = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let (Some(id), Some(pattern), Some(question)) =
            (text("id"), text("pattern"), text("question"))
        else {
            return Err((
                "custom".to_string(),
                "a [[custom]] rule needs `id`, `pattern` and `question` strings".to_string(),
                shape_help.to_string(),
            ));
        };
        if !kebab.is_match(&id) || rules.contains_key(&id) || id.len() > MAX_ID_LENGTH {
            return Err((
                id.clone(),
                format!("`{}` cannot be a custom rule id", quoted(&id)),
                format!("use a new kebab-case id of at most {MAX_ID_LENGTH} characters, such as `println-in-library`"),
            ));
        }
        if question.chars().count() > MAX_QUESTION_LENGTH {
            return Err((
                "question".to_string(),
                format!(
                    "the question of `{id}` is {} characters long",
                    question.chars().count()
                ),
                format!("keep a question under {MAX_QUESTION_LENGTH} characters: it is repeated in every prompt it asks"),
            ));
        }
        if pattern.len() > MAX_PATTERN_LENGTH {
            return Err((
                "pattern".to_string(),
                format!(
                    "the pattern of `{}` is {} characters long",
                    quoted(&id),
                    pattern.len()
                ),
                format!("keep custom patterns under {MAX_PATTERN_LENGTH} characters"),
            ));
        }
        let compiled = regex::RegexBuilder::new(&pattern)
            .size_limit(1 << 20)
            .dfa_size_limit(1 << 20)
            .build()
            .map_err(|error| match error {
                regex::Error::CompiledTooBig(limit) => (
                    "pattern".to_string(),
                    format!(
                        "the pattern of `{}` compiles to more than {limit} bytes",
                        quoted(&id)
                    ),
                    "simplify it: nested or large repetition counts such as `{100}` multiply its size"
                        .to_string(),
                ),
                error => (
                    "pattern".to_string(),
                    format!(
                        "the pattern of `{}` is not a valid regex: {}",
                        quoted(&id),
                        neutral::keeping_lines(&error.to_string())
                    ),
                    "patterns use the syntax of the `regex` crate (no look-around)".to_string(),
                ),
            })?;
        let paths = match table.get("paths") {
            None => None,
            Some(value) => Some(glob_list(value).map_err(|error| {
                (
                    "paths".to_string(),
                    error.message(&format!("`paths` of `{}`", quoted(&id))),
                    error.help("paths = [\"src/**\"]"),
                )
            })?),
        };
        custom.push(CustomRule {
            definition: CustomRule::definition_of(&id, &question),
            id,
            pattern: compiled,
            paths,
            question,
        });
    }
    Ok(custom)
}
