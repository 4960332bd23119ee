//! new-dependency: a `Cargo.toml` of the change gains a dependency, and no commit message
//! of the change names it. Every dependency table counts (`[dependencies]`,
//! `[dev-dependencies]`, `[build-dependencies]`, their `[target.'cfg(..)'.*]` forms and
//! `[workspace.dependencies]`), and so does a new feature of an existing dependency and a
//! new `git` or `path` source for one. A version bump alone is not new, nor a crate that
//! another table of the change's manifests had before (a dependency moved into the
//! workspace table), nor `foo.workspace = true`, whose crate is asked about where the
//! workspace declares it, nor a new `path` dependency on a package of the repository.
//!
//! The rule judges the change as a whole: a dependency added and removed again within the
//! range is not in its end state and is not asked about. A message names a crate when it
//! holds the crate's name (or the name it is renamed from) as a word, in any case, with
//! `-` and `_` alike. Both versions of a manifest are parsed with the `toml` crate; a
//! manifest that does not parse on either side is left alone.

use std::collections::{BTreeMap, BTreeSet};

use super::definition::definition;
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::FileChange;

pub struct NewDependency;

const VARIABLES: &[&str] = &["crate_name", "table", "location"];

impl Rule for NewDependency {
    definition!("new-dependency");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.added", VARIABLES),
            (
                "questions.feature",
                &["crate_name", "table", "location", "features"],
            ),
            (
                "questions.source",
                &["crate_name", "table", "location", "source"],
            ),
            ("evidence.unnamed", &["crate_name", "commits"]),
        ]
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        let manifests: Vec<(&FileChange, Manifest, Manifest)> = context
            .files
            .iter()
            .filter(|file| is_manifest(&file.path) && file.skipped.is_none())
            .filter_map(|file| {
                let old = match &file.old {
                    Some(text) => Manifest::parse(&text.content)?,
                    None => Manifest::default(),
                };
                let new = Manifest::parse(&file.new.as_ref()?.content)?;
                Some((file, old, new))
            })
            .collect();
        // A crate some manifest of the change had before, or the lock file listed, is not
        // new to the project.
        let mut known: BTreeSet<String> = manifests
            .iter()
            .flat_map(|(_, old, _)| old.crates())
            .collect();
        known.extend(context.files.iter().flat_map(locked_packages));
        let messages: Vec<String> = context
            .commits()
            .iter()
            .map(|commit| normalise(&commit.message()))
            .collect();
        let mut findings = Vec::new();
        for (file, old, new) in &manifests {
            for (key, dependency) in &new.dependencies {
                let Some(question) = what_is_new(key, dependency, old, &known) else {
                    continue;
                };
                let names = dependency.names(&key.name);
                if names.iter().any(|name| named_in(name, &messages)) {
                    continue;
                }
                let line = line_of(file, &key.name, &question);
                if reason_beside(file, line) {
                    continue;
                }
                findings.push(finding(file, key, question, line, messages.len()));
            }
        }
        findings
    }
}

/// `Cargo.toml` at the root or in any package of the workspace.
fn is_manifest(path: &str) -> bool {
    path == "Cargo.toml" || path.ends_with("/Cargo.toml")
}

/// The packages the old version of a changed `Cargo.lock` lists: crates the build
/// already compiled, directly or not. Read line by line, as cargo writes it.
fn locked_packages(file: &FileChange) -> Vec<String> {
    if !(file.path == "Cargo.lock" || file.path.ends_with("/Cargo.lock")) {
        return Vec::new();
    }
    let Some(old) = &file.old else {
        return Vec::new();
    };
    old.content
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .map(normalise)
        .collect()
}

/// A dependency's place: its table as the manifest writes it, and its key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    table: String,
    name: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Dependency {
    /// `package = ".."`: the crate a renamed dependency is.
    package: Option<String>,
    features: BTreeSet<String>,
    /// `git = ".."` or `path = ".."`, as written.
    source: Option<String>,
    /// `workspace = true`: declared by the workspace, not here.
    inherited: bool,
    /// `default-features = false`: only the features listed are on.
    no_default_features: bool,
}

impl Dependency {
    /// The names a message could use for it: its key and the crate it renames.
    fn names(&self, key: &str) -> Vec<String> {
        let mut names = vec![key.to_string()];
        names.extend(self.package.clone());
        names
    }
}

/// The dependency tables of one manifest.
#[derive(Debug, Default)]
struct Manifest {
    dependencies: BTreeMap<Key, Dependency>,
}

const TABLES: &[&str] = &[
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

impl Manifest {
    /// `None` when the text is not TOML.
    fn parse(text: &str) -> Option<Manifest> {
        let table: toml::Table = toml::from_str(text).ok()?;
        let mut manifest = Manifest::default();
        for name in TABLES {
            manifest.read_table(name.to_string(), table.get(*name));
        }
        if let Some(workspace) = table.get("workspace").and_then(toml::Value::as_table) {
            manifest.read_table(
                "workspace.dependencies".to_string(),
                workspace.get("dependencies"),
            );
        }
        if let Some(targets) = table.get("target").and_then(toml::Value::as_table) {
            for (target, tables) in targets {
                for name in TABLES {
                    let value = tables.as_table().and_then(|t| t.get(*name));
                    manifest.read_table(format!("target.{target}.{name}"), value);
                }
            }
        }
        Some(manifest)
    }

    fn read_table(&mut self, table: String, value: Option<&toml::Value>) {
        let Some(entries) = value.and_then(toml::Value::as_table) else {
            return;
        };
        for (name, spec) in entries {
            let key = Key {
                table: table.clone(),
                name: name.clone(),
            };
            self.dependencies.insert(key, Dependency::read(spec));
        }
    }

    /// Every crate the manifest depends on, by its key and by the crate it renames.
    fn crates(&self) -> impl Iterator<Item = String> + '_ {
        self.dependencies
            .iter()
            .flat_map(|(key, dependency)| dependency.names(&key.name))
            .map(|name| normalise(&name))
    }
}

impl Dependency {
    /// `"1.0"` is a version alone; a table may name features, a source, a rename.
    fn read(spec: &toml::Value) -> Dependency {
        let Some(table) = spec.as_table() else {
            return Dependency::default();
        };
        let text = |key: &str| {
            table
                .get(key)
                .and_then(toml::Value::as_str)
                .map(str::to_string)
        };
        let features = table
            .get("features")
            .and_then(toml::Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(toml::Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let source = text("git")
            .map(|url| format!("git `{url}`"))
            .or_else(|| text("path").map(|path| format!("path `{path}`")));
        Dependency {
            package: text("package"),
            features,
            source,
            inherited: table.get("workspace").and_then(toml::Value::as_bool) == Some(true),
            no_default_features: ["default-features", "default_features"]
                .iter()
                .any(|key| table.get(*key).and_then(toml::Value::as_bool) == Some(false)),
        }
    }
}

/// What a reviewer would ask about a dependency of the new manifest.
#[derive(Debug, PartialEq, Eq)]
enum Question {
    Added,
    Features(Vec<String>),
    Source(String),
}

fn what_is_new(
    key: &Key,
    dependency: &Dependency,
    old: &Manifest,
    known: &BTreeSet<String>,
) -> Option<Question> {
    match old.dependencies.get(key) {
        None => {
            let names = dependency.names(&key.name);
            let known_before = names.iter().any(|name| known.contains(&normalise(name)));
            // A new `path` dependency is a package of this repository: its maintainers
            // are the change's own.
            let local = dependency
                .source
                .as_deref()
                .is_some_and(|s| s.starts_with("path"));
            (!dependency.inherited && !known_before && !local).then_some(Question::Added)
        }
        Some(before) => {
            if let Some(source) = &dependency.source {
                if before.source.as_ref() != Some(source) {
                    return Some(Question::Source(source.clone()));
                }
            }
            // Turning the defaults off and naming a few narrows what is built.
            if dependency.no_default_features && !before.no_default_features {
                return None;
            }
            let features: Vec<String> = dependency
                .features
                .difference(&before.features)
                .map(|feature| format!("`{feature}`"))
                .collect();
            (!features.is_empty()).then_some(Question::Features(features))
        }
    }
}

/// Lower case, `_` for `-`: how crate names are compared.
fn normalise(text: &str) -> String {
    text.to_lowercase().replace('-', "_")
}

/// Whether some message holds `name` as a whole word (`serde` is not named by
/// `serde_json`).
fn named_in(name: &str, messages: &[String]) -> bool {
    let name = normalise(name);
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    messages.iter().any(|message| {
        message.match_indices(&name).any(|(at, _)| {
            // match_indices gives char boundaries of `message`; `get` keeps that a fact
            // the code does not have to trust.
            let before = message.get(..at).and_then(|s| s.chars().next_back());
            let after = message
                .get(at + name.len()..)
                .and_then(|s| s.chars().next());
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
    })
}

/// The added line that declares the dependency (`name = ..`, `name.workspace`, a
/// `[dependencies.name]` header) or, for a feature, names it; else the first added line.
fn line_of(file: &FileChange, name: &str, question: &Question) -> u32 {
    let declares = |text: &str| {
        let text = text.trim_start();
        let rest = text.strip_prefix(name).or_else(|| {
            text.strip_prefix('"')
                .and_then(|t| t.strip_prefix(name)?.strip_prefix('"'))
        });
        let header = text.starts_with('[') && text.trim_end().ends_with(&format!(".{name}]"));
        header
            || rest.is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with('=') || rest.starts_with('.')
            })
    };
    let added = || file.added_lines.iter().copied();
    let by_feature = match question {
        Question::Features(features) => added().find(|&line| {
            file.new_line(line).is_some_and(|text| {
                features
                    .iter()
                    .any(|feature| text.contains(&format!("\"{}\"", feature.trim_matches('`'))))
            })
        }),
        _ => None,
    };
    by_feature
        .or_else(|| added().find(|&line| file.new_line(line).is_some_and(declares)))
        .or_else(|| added().next())
        .unwrap_or(1)
}

/// A TOML comment on the dependency's line, or on the line above it, that says why it is
/// there: the reason written where the next reader of the manifest finds it.
fn reason_beside(file: &FileChange, line: u32) -> bool {
    let comment_of = |text: &str| -> Option<String> {
        let trimmed = text.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            return (!comment.starts_with('[')).then(|| comment.to_string());
        }
        // A `#` after the value, outside a string (the value's strings hold no `#` here).
        let (code, comment) = text.split_once(" #")?;
        (code.matches('"').count() % 2 == 0).then(|| comment.to_string())
    };
    // A `// ponder:` answer inside the comment is the prompt's own business: it answers
    // the prompt rather than keeping it from being asked.
    let says_why =
        |comment: String| !comment.contains("ponder:") && comment.split_whitespace().count() >= 3;
    let same_line = file
        .new_line(line)
        .and_then(comment_of)
        .is_some_and(says_why);
    let above = line > 1
        && file
            .new_line(line - 1)
            .filter(|text| text.trim_start().starts_with('#'))
            .and_then(comment_of)
            .is_some_and(says_why);
    same_line || above
}

fn finding(file: &FileChange, key: &Key, question: Question, line: u32, commits: usize) -> Finding {
    let message = match &question {
        Question::Added => Message::new("added"),
        Question::Features(features) => {
            Message::new("feature").with("features", features.join(", "))
        }
        Question::Source(source) => Message::new("source").with("source", source.clone()),
    }
    .with("crate_name", key.name.clone())
    .with("table", format!("[{}]", key.table))
    .with("location", format!("{}:{line}", file.path));
    let mut finding = Finding::at_line(message, &file.path, line);
    finding.evidence.push(
        Message::new("unnamed")
            .with("crate_name", key.name.clone())
            .with("commits", commits_text(commits)),
    );
    finding
}

fn commits_text(count: usize) -> String {
    match count {
        0 => "the work is not committed yet".to_string(),
        1 => "1 commit".to_string(),
        n => format!("{n} commits"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_dependency_table() {
        let text = "[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\nrand = \"0.9\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n[workspace.dependencies]\nanyhow = \"1\"\n[dev-dependencies.tempfile]\nversion = \"3\"\n";
        let manifest = Manifest::parse(text).expect("parses");
        let keys: Vec<String> = manifest
            .dependencies
            .keys()
            .map(|key| format!("{} {}", key.table, key.name))
            .collect();
        assert_eq!(
            keys,
            [
                "dependencies rand",
                "dependencies serde",
                "dev-dependencies tempfile",
                "target.cfg(unix).dependencies libc",
                "workspace.dependencies anyhow",
            ]
        );
        assert!(Manifest::parse("[dependencies\nserde = 1").is_none());
    }

    #[test]
    fn a_message_names_a_crate_as_a_word_either_spelling() {
        let messages = vec![normalise("Use Serde-JSON for the export")];
        assert!(named_in("serde_json", &messages));
        assert!(!named_in("serde", &messages));
        assert!(!named_in("json", &[normalise("add jsonschema")]));
    }

    /// A hostile manifest nested far deeper than any stack holds is simply not TOML to
    /// the rule: the parser refuses it instead of overflowing the stack.
    #[test]
    fn deeply_nested_manifests_are_refused() {
        let arrays = format!("[dependencies]\na = {}", "[".repeat(200_000));
        assert!(Manifest::parse(&arrays).is_none());
        let tables = format!("[dependencies]\na = {}", "{ b = ".repeat(100_000));
        assert!(Manifest::parse(&tables).is_none());
    }
}
