//! `.ponder.toml`: which paths no rule looks at, per-rule switches, thresholds and
//! question overrides, and custom regex rules. Every key is checked against what the rules
//! declare; an unknown or mistyped key is an error that points at it, never a silent
//! default. The file comes from the analysed repository, which ponder does not trust: its
//! size, its lists and what a diagnostic quotes of it are bounded.

mod custom;
mod globs;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use miette::SourceSpan;
use regex::Regex;

use crate::change::FileChange;
use crate::error::excerpt::quoted;
use crate::error::{Error, InvalidConfig};
use crate::git::{Bounded, Repo};
use crate::local_file::{self, LocalFileError};
use crate::model::RuleDefinition;
pub use crate::model::RuleSettings;
use crate::template::placeholders;

/// A `[[custom]]` rule: a regex over added lines in the paths it names.
#[derive(Debug, Clone)]
pub struct CustomRule {
    pub id: String,
    pub pattern: Regex,
    pub paths: Option<GlobSet>,
    pub question: String,
    /// Its data as a rule (see `rules::custom`).
    pub definition: RuleDefinition,
}

#[derive(Debug, Clone)]
pub struct Config {
    skip: GlobSet,
    pub rules: BTreeMap<String, RuleSettings>,
    pub custom: Vec<CustomRule>,
    /// `squash = true`: the history keeps only the squashed message, so missing-rationale
    /// judges the pull request description instead of each commit.
    pub squash: bool,
}

/// Longest question template (`[rules.ID.questions]`, a `[[custom]]` question): each
/// prompt repeats it, so a long one multiplies into megabytes of report.
pub(crate) const MAX_QUESTION_LENGTH: usize = 2_000;

/// Largest configuration file read, wherever it comes from: a hundred times what a real
/// one needs, small enough that no file makes parsing it slow.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

impl Config {
    /// The configuration with every rule at its defaults.
    pub fn defaults(rules: &[&RuleDefinition]) -> Config {
        let rules = rules
            .iter()
            .map(|definition| {
                (
                    definition.id.clone(),
                    RuleSettings {
                        enabled: definition.enabled,
                        thresholds: definition.thresholds.clone(),
                        questions: definition.questions.clone(),
                        evidence: definition.evidence.clone(),
                    },
                )
            })
            .collect();
        Config {
            skip: GlobSet::empty(),
            rules,
            custom: Vec::new(),
            squash: false,
        }
    }

    pub fn is_skipped(&self, path: &str) -> bool {
        self.skip.is_match(path)
    }

    /// Reads a config file's text; `name` is shown in diagnostics.
    pub fn parse(name: &str, text: &str, rules: &[&RuleDefinition]) -> Result<Config, Error> {
        let mut config = Config::defaults(rules);
        let invalid = |message: String, key: Option<&str>, help: String| {
            let span = key.and_then(|key| find_key(text, key));
            Error::ConfigInvalid(Box::new(InvalidConfig::new(
                message, name, text, span, help,
            )))
        };
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(too_large(name));
        }
        let table: toml::Table = toml::from_str(text).map_err(|error| {
            Error::ConfigInvalid(Box::new(InvalidConfig::new(
                format!(
                    "{} is not valid TOML: {}",
                    quoted(name),
                    quoted(error.message())
                ),
                name,
                text,
                error.span().map(SourceSpan::from),
                "see the configuration section of the README for the expected shape".to_string(),
            )))
        })?;

        for (key, value) in &table {
            match key.as_str() {
                "skip" => {
                    config.skip = globs::glob_list(value).map_err(|error| {
                        invalid(
                            error.message("`skip`"),
                            Some("skip"),
                            error.help("skip = [\"vendor/**\", \"src/generated/**\"]"),
                        )
                    })?;
                }
                "rules" => {
                    let Some(rules_table) = value.as_table() else {
                        return Err(invalid(
                            "`rules` must be a table of rule ids".to_string(),
                            Some("rules"),
                            "write one [rules.RULE-ID] table per rule".to_string(),
                        ));
                    };
                    for (id, settings) in rules_table {
                        let known: Vec<String> = config.rules.keys().cloned().collect();
                        let Some(current) = config.rules.get_mut(id) else {
                            return Err(invalid(
                                format!("there is no rule called `{}`", quoted(id)),
                                Some(id),
                                format!("the rules are: {}", known.join(", ")),
                            ));
                        };
                        apply_rule_settings(id, settings, current)
                            .map_err(|(key, message, help)| invalid(message, Some(&key), help))?;
                    }
                }
                "squash" => {
                    config.squash = value.as_bool().ok_or_else(|| {
                        invalid(
                            "`squash` must be true or false".to_string(),
                            Some("squash"),
                            "write squash = true when pull requests are squash-merged".to_string(),
                        )
                    })?;
                }
                "custom" => {
                    config.custom = custom::custom_rules(value, &config.rules)
                        .map_err(|(key, message, help)| invalid(message, Some(&key), help))?;
                    for rule in &config.custom {
                        config.rules.insert(rule.id.clone(), rule.settings());
                    }
                }
                other => {
                    return Err(invalid(
                        format!("unknown key `{}` in {}", quoted(other), quoted(name)),
                        Some(other),
                        "the top-level keys are `skip`, `squash`, `rules` and `custom`".to_string(),
                    ))
                }
            }
        }
        Ok(config)
    }

    /// `explicit` (`--config PATH`), else `.ponder.toml` from the work tree (the
    /// no-argument form, `from_work_tree`) or from the `head` commit, so that a range is
    /// judged by the configuration it carries.
    pub fn load(
        repo: &Repo,
        explicit: Option<&PathBuf>,
        from_work_tree: bool,
        head: Option<&str>,
        rules: &[&RuleDefinition],
    ) -> Result<Config, Error> {
        if let Some(path) = explicit {
            return Config::read(path, rules);
        }
        const NAME: &str = ".ponder.toml";
        if from_work_tree {
            if let Some(root) = repo.work_dir() {
                let path = root.join(NAME);
                // A symlink could point anywhere on the machine; only a regular file counts.
                let regular =
                    std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
                if regular {
                    return Config::read(&path, rules);
                }
                return Ok(Config::defaults(rules));
            }
        }
        match head.and_then(|head| repo.file_at(head, NAME, MAX_CONFIG_BYTES)) {
            Some(Bounded::Within(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => Config::parse(NAME, &text, rules),
                Err(error) => Err(Error::ConfigUnreadable {
                    path: PathBuf::from(NAME),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
                }),
            },
            Some(Bounded::TooLarge) => Err(too_large(NAME)),
            None => Ok(Config::defaults(rules)),
        }
    }

    /// Leaves out of `files` the paths `skip` names.
    pub fn drop_skipped(&self, files: &mut Vec<FileChange>) {
        files.retain(|file| !self.is_skipped(&file.path));
    }

    /// Reads `--config PATH` (or the work tree's `.ponder.toml`): a regular file only.
    pub fn read(path: &Path, rules: &[&RuleDefinition]) -> Result<Config, Error> {
        let text = local_file::read_regular_text(path, MAX_CONFIG_BYTES, "the configuration file")
            .map_err(|error| match error {
                LocalFileError::Unreadable { source, .. } => Error::ConfigUnreadable {
                    path: path.to_path_buf(),
                    source,
                },
                refused => Error::LocalFile(Box::new(refused)),
            })?;
        Config::parse(&path.display().to_string(), &text, rules)
    }
}

/// The configuration `name` is larger than [`MAX_CONFIG_BYTES`].
fn too_large(name: &str) -> Error {
    Error::LocalFile(Box::new(LocalFileError::TooLarge {
        what: "the configuration file",
        path: PathBuf::from(name),
        limit: MAX_CONFIG_BYTES,
    }))
}

pub(crate) type SettingError = (String, String, String);

fn apply_rule_settings(
    id: &str,
    value: &toml::Value,
    current: &mut RuleSettings,
) -> Result<(), SettingError> {
    let Some(table) = value.as_table() else {
        return Err((
            id.to_string(),
            format!("`rules.{id}` must be a table"),
            format!("write it as [rules.{id}]"),
        ));
    };
    for (key, value) in table {
        match key.as_str() {
            "enabled" => {
                current.enabled = value.as_bool().ok_or_else(|| {
                    (
                        key.clone(),
                        format!("`rules.{id}.enabled` must be true or false"),
                        "write enabled = false to turn the rule off".to_string(),
                    )
                })?;
            }
            "questions" => {
                let Some(questions) = value.as_table() else {
                    return Err((
                        key.clone(),
                        format!("`rules.{id}.questions` must be a table of strings"),
                        format!("write [rules.{id}.questions] with one KEY = \"...\" per question"),
                    ));
                };
                for (question_key, template) in questions {
                    let Some(default) = current.questions.get(question_key) else {
                        let known: Vec<&String> = current.questions.keys().collect();
                        return Err((
                            question_key.clone(),
                            format!(
                                "rule `{id}` has no question called `{}`",
                                quoted(question_key)
                            ),
                            format!(
                                "its questions are: {}",
                                known
                                    .iter()
                                    .map(|k| k.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    };
                    let Some(template) = template.as_str() else {
                        return Err((
                            question_key.clone(),
                            format!("`rules.{id}.questions.{question_key}` must be a string"),
                            "write the question as a quoted string".to_string(),
                        ));
                    };
                    if template.chars().count() > MAX_QUESTION_LENGTH {
                        return Err((
                            question_key.clone(),
                            format!(
                                "the question `{question_key}` of `{id}` is {} characters long",
                                template.chars().count()
                            ),
                            format!("keep a question under {MAX_QUESTION_LENGTH} characters: it is repeated in every prompt it asks"),
                        ));
                    }
                    let available = placeholders(default);
                    if let Some(unknown) = placeholders(template)
                        .into_iter()
                        .find(|name| !available.contains(name))
                    {
                        return Err((
                            question_key.clone(),
                            format!(
                                "the question `{question_key}` of `{id}` uses `{{{}}}`, which the rule does not provide",
                                quoted(&unknown)
                            ),
                            format!("this question can use: {}", brace_list(&available)),
                        ));
                    }
                    current
                        .questions
                        .insert(question_key.clone(), template.to_string());
                }
            }
            threshold => {
                let Some(default) = current.thresholds.get(threshold) else {
                    let known: Vec<&str> = current
                        .thresholds
                        .keys()
                        .map(String::as_str)
                        .chain(["enabled", "questions"])
                        .collect();
                    return Err((
                        key.clone(),
                        format!("unknown key `{}` in [rules.{id}]", quoted(threshold)),
                        format!("the keys of [rules.{id}] are: {}", known.join(", ")),
                    ));
                };
                let compatible = matches!(
                    (default, value),
                    (toml::Value::Integer(_), toml::Value::Integer(_))
                        | (
                            toml::Value::Float(_),
                            toml::Value::Float(_) | toml::Value::Integer(_)
                        )
                        | (toml::Value::Boolean(_), toml::Value::Boolean(_))
                        | (toml::Value::String(_), toml::Value::String(_))
                );
                let negative = matches!(value, toml::Value::Integer(v) if *v < 0)
                    || matches!(value, toml::Value::Float(v) if *v < 0.0 || v.is_nan());
                if !compatible || negative {
                    return Err((
                        key.clone(),
                        format!(
                            "`rules.{id}.{threshold}` must be a non-negative {}, not `{}`",
                            default.type_str(),
                            quoted(&value.to_string())
                        ),
                        format!("the default is {threshold} = {default}"),
                    ));
                }
                current
                    .thresholds
                    .insert(threshold.to_string(), value.clone());
            }
        }
    }
    Ok(())
}

fn brace_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where `key` is written in the file, for the diagnostic's label.
fn find_key(text: &str, key: &str) -> Option<SourceSpan> {
    // A key too long to be a real one is not worth a regex of its size.
    if key.len() > 200 {
        let at = text.find(key)?;
        return Some(SourceSpan::from(at..at + key.len()));
    }
    let pattern = Regex::new(&format!(
        r#"(?m)(^\s*|\[[^\]]*\.?)("?{}"?)\s*(=|\]|\.)"#,
        regex::escape(key)
    ))
    .ok()?;
    let found = pattern.captures(text)?.get(2)?;
    Some(SourceSpan::from(found.start()..found.end()))
}

#[cfg(test)]
mod tests;
