//! `.ponder.toml`: which paths no rule looks at, per-rule switches, thresholds and
//! question overrides, and custom regex rules. Every key is checked against what the rules
//! declare; an unknown or mistyped key is an error that points at it, never a silent
//! default.

use std::collections::BTreeMap;
use std::path::PathBuf;

use globset::{Glob, GlobSet, GlobSetBuilder};
use miette::{NamedSource, SourceSpan};
use regex::Regex;

use crate::change::FileChange;
use crate::error::{Error, InvalidConfig};
use crate::git::Repo;
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

/// Longest custom pattern accepted: the config file comes from the analysed repository,
/// which ponder does not trust.
const MAX_PATTERN_LENGTH: usize = 1000;

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
            Error::ConfigInvalid(Box::new(InvalidConfig {
                message,
                source_code: NamedSource::new(name, text.to_string()),
                span,
                label: "here".to_string(),
                help,
            }))
        };
        let table: toml::Table = toml::from_str(text).map_err(|error| {
            Error::ConfigInvalid(Box::new(InvalidConfig {
                message: format!("{name} is not valid TOML: {}", error.message()),
                source_code: NamedSource::new(name, text.to_string()),
                span: error.span().map(SourceSpan::from),
                label: "here".to_string(),
                help: "see the configuration section of the README for the expected shape"
                    .to_string(),
            }))
        })?;

        for (key, value) in &table {
            match key.as_str() {
                "skip" => {
                    let patterns = string_list(value).ok_or_else(|| {
                        invalid(
                            "`skip` must be a list of path globs".to_string(),
                            Some("skip"),
                            "write it as skip = [\"vendor/**\", \"src/generated/**\"]".to_string(),
                        )
                    })?;
                    config.skip = glob_set(&patterns).map_err(|(pattern, reason)| {
                        invalid(
                            format!("`{pattern}` in `skip` is not a valid glob: {reason}"),
                            Some("skip"),
                            "globs use `*`, `**` and `?`, as in .gitignore".to_string(),
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
                                format!("there is no rule called `{id}`"),
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
                    config.custom = custom_rules(value, &config.rules)
                        .map_err(|(key, message, help)| invalid(message, Some(&key), help))?;
                    for rule in &config.custom {
                        config.rules.insert(rule.id.clone(), rule.settings());
                    }
                }
                other => {
                    return Err(invalid(
                        format!("unknown key `{other}` in {name}"),
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
        match head.and_then(|head| repo.file_at(head, NAME)) {
            Some(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Config::parse(NAME, &text, rules),
                Err(error) => Err(Error::ConfigUnreadable {
                    path: PathBuf::from(NAME),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
                }),
            },
            None => Ok(Config::defaults(rules)),
        }
    }

    /// Leaves out of `files` the paths `skip` names.
    pub fn drop_skipped(&self, files: &mut Vec<FileChange>) {
        files.retain(|file| !self.is_skipped(&file.path));
    }

    /// Reads `--config PATH`.
    pub fn read(path: &PathBuf, rules: &[&RuleDefinition]) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ConfigUnreadable {
            path: path.clone(),
            source,
        })?;
        Config::parse(&path.display().to_string(), &text, rules)
    }
}

type SettingError = (String, String, String);

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
                            format!("rule `{id}` has no question called `{question_key}`"),
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
                    let available = placeholders(default);
                    if let Some(unknown) = placeholders(template)
                        .into_iter()
                        .find(|name| !available.contains(name))
                    {
                        return Err((
                            question_key.clone(),
                            format!(
                                "the question `{question_key}` of `{id}` uses `{{{unknown}}}`, which the rule does not provide"
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
                        format!("unknown key `{threshold}` in [rules.{id}]"),
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
                            "`rules.{id}.{threshold}` must be a non-negative {}, not `{value}`",
                            default.type_str()
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

fn custom_rules(
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
                    format!("unknown key `{key}` in a [[custom]] rule"),
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
        if !kebab.is_match(&id) || rules.contains_key(&id) {
            return Err((
                id.clone(),
                format!("`{id}` cannot be a custom rule id"),
                "use a new kebab-case id such as `println-in-library`".to_string(),
            ));
        }
        if pattern.len() > MAX_PATTERN_LENGTH {
            return Err((
                "pattern".to_string(),
                format!("the pattern of `{id}` is {} characters long", pattern.len()),
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
                    format!("the pattern of `{id}` compiles to more than {limit} bytes"),
                    "simplify it: nested or large repetition counts such as `{100}` multiply its size"
                        .to_string(),
                ),
                error => (
                    "pattern".to_string(),
                    format!("the pattern of `{id}` is not a valid regex: {error}"),
                    "patterns use the syntax of the `regex` crate (no look-around)".to_string(),
                ),
            })?;
        let paths = match table.get("paths") {
            None => None,
            Some(value) => {
                let patterns = string_list(value).ok_or_else(|| {
                    (
                        "paths".to_string(),
                        format!("`paths` of `{id}` must be a list of globs"),
                        "write paths = [\"src/**\"]".to_string(),
                    )
                })?;
                Some(glob_set(&patterns).map_err(|(pattern, reason)| {
                    (
                        "paths".to_string(),
                        format!("`{pattern}` is not a valid glob: {reason}"),
                        "globs use `*`, `**` and `?`".to_string(),
                    )
                })?)
            }
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

fn string_list(value: &toml::Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_string))
        .collect()
}

fn glob_set(patterns: &[String]) -> Result<GlobSet, (String, String)> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| (pattern.clone(), e.kind().to_string()))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| (patterns.join(", "), e.kind().to_string()))
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
