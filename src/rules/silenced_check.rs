//! silenced-check: the change turns a check off or leaves a stand-in behind, without a
//! word on why. It asks about an added `#[allow(..)]` or `#![allow(..)]` (not one with
//! `reason = ".."`, not one with a comment on the line before, after or beside it, and
//! not `#[expect(..)]`, which warns once the lint no longer fires), an `unsafe` block,
//! `unsafe fn` or `unsafe impl` with no `// SAFETY:` comment directly above it (or above
//! its statement; an `unsafe fn` may say it in a `# Safety` doc section), an `#[ignore]`
//! with no reason string, and `todo!`, `unimplemented!` or `dbg!` left in production code.
//!
//! Allowed lints, `unsafe` and leftovers are asked about in production code only (test
//! code, examples and benches silence checks for their own reasons); `#[ignore]` lives in
//! tests and is asked about there. Only new code counts: a line the change index calls
//! moved, an `unsafe` or leftover whose hunk removed one of the same kind (an existing
//! line edited), and an allowed lint a removed line of the file already allowed are old.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::definition::definition;
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::{FileChange, MovedCode};
use crate::model::RuleSettings;
use crate::syntax::{ParsedFile, Silencer, SilencerKind};

pub struct SilencedCheck;

/// `[thresholds]` of rules/silenced-check.toml.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    min_reason_words: usize,
}

/// The longest code a question quotes.
const MAX_CODE: usize = 80;

impl Rule for SilencedCheck {
    definition!("silenced-check");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.allow", &["code", "location", "lints"]),
            ("questions.unsafe_block", &["code", "location"]),
            ("questions.unsafe_fn", &["code", "location"]),
            ("questions.unsafe_impl", &["code", "location"]),
            ("questions.ignore", &["code", "location", "test"]),
            ("questions.todo", &["code", "location"]),
            ("questions.dbg", &["code", "location"]),
            ("evidence.no_reason", &[]),
            ("evidence.no_safety", &[]),
        ]
    }

    fn data_problem(&self) -> Option<String> {
        Data::read(&self.definition().data).err()
    }

    fn thresholds_problem(&self, settings: &RuleSettings) -> Option<String> {
        settings.typed::<Thresholds>().err()
    }

    fn syntax_passes(&self) -> crate::syntax::Passes {
        crate::syntax::Passes {
            silencers: true,
            ..Default::default()
        }
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        static DATA: OnceLock<Data> = OnceLock::new();
        // The embedded data is checked by `rules::tests`; empty lists only ask more.
        let data = DATA.get_or_init(|| Data::read(&self.definition().data).unwrap_or_default());
        // Checked against the TOML by a test and against the loaded configuration before
        // any rule runs (`Rule::thresholds_problem`), so this never returns here.
        let Ok(limits) = context.settings.typed::<Thresholds>() else {
            return Vec::new();
        };
        let min_words = limits.min_reason_words;
        let moved = context.moved_code();
        let mut findings = Vec::new();
        for file in context.files {
            if !file.is_rust() || file.skipped.is_some() || file.is_generated_or_vendored() {
                continue;
            }
            let Some(parsed) = context.parsed_new(file) else {
                continue;
            };
            let production =
                context.is_production(file, Some(parsed)) && !data.is_test_support(&file.path);
            for silencer in &parsed.silencers {
                let Some(text) = file.new_line(silencer.line) else {
                    continue;
                };
                if !file.added_lines.contains(&silencer.line)
                    || moved.is_old_code(file, silencer.line, text)
                {
                    continue;
                }
                let judged = Judged {
                    file,
                    parsed,
                    silencer,
                    code: code_of(text),
                };
                let finding = match &silencer.kind {
                    SilencerKind::Ignore => judged.ignore(moved, min_words),
                    _ if !production || silencer.in_test => None,
                    SilencerKind::Allow {
                        lints, has_reason, ..
                    } => judged.allow(lints, *has_reason, &data.quiet_lints, min_words),
                    SilencerKind::UnsafeBlock => judged.unsafe_site("unsafe_block", false, moved),
                    SilencerKind::UnsafeFn { documented } => {
                        judged.unsafe_site("unsafe_fn", *documented, moved)
                    }
                    SilencerKind::UnsafeImpl => judged.unsafe_site("unsafe_impl", false, moved),
                    SilencerKind::Leftover(name) => judged.leftover(name, moved, data),
                };
                findings.extend(finding);
            }
        }
        findings
    }
}

/// One silencer on an added line, and what it is judged with.
struct Judged<'a> {
    file: &'a FileChange,
    parsed: &'a ParsedFile,
    silencer: &'a Silencer,
    code: String,
}

impl Judged<'_> {
    fn finding(&self, key: &'static str) -> Finding {
        let line = self.silencer.line;
        let question = Message::new(key)
            .with("code", self.code.clone())
            .with("location", format!("{}:{line}", self.file.path));
        let mut finding = Finding::at_line(question, &self.file.path, line);
        finding.function = self
            .parsed
            .function_at(line)
            .map(|function| function.qualified_name());
        finding
    }

    fn allow(
        &self,
        lints: &[String],
        has_reason: bool,
        quiet_lints: &[String],
        min_words: usize,
    ) -> Option<Finding> {
        if has_reason || reason_beside(self.file, self.silencer.line, min_words) {
            return None;
        }
        let removed = self.file.removed_texts();
        let new: Vec<String> = lints
            .iter()
            .filter(|lint| !quiet_lints.contains(lint))
            // An allow the file had before, on a line the change edited or moved.
            .filter(|lint| {
                !removed
                    .iter()
                    .any(|line| line.contains("allow") && line.contains(lint.as_str()))
            })
            .map(|lint| format!("`{lint}`"))
            .collect();
        if new.is_empty() {
            return None;
        }
        let mut finding = self.finding("allow");
        finding.question = finding.question.with("lints", new.join(", "));
        finding.evidence.push(Message::new("no_reason"));
        Some(finding)
    }

    fn unsafe_site(
        &self,
        key: &'static str,
        documented: bool,
        moved: &MovedCode,
    ) -> Option<Finding> {
        let Silencer {
            line, anchor_line, ..
        } = *self.silencer;
        if documented
            || safety_comment(self.file, line)
            || safety_comment(self.file, anchor_line)
            || hunk_removed_word(self.file, line, "unsafe", moved)
        {
            return None;
        }
        let mut finding = self.finding(key);
        finding.evidence.push(Message::new("no_safety"));
        Some(finding)
    }

    fn ignore(&self, moved: &MovedCode, min_words: usize) -> Option<Finding> {
        if hunk_removed_word(self.file, self.silencer.line, "#[ignore", moved)
            || reason_beside(self.file, self.silencer.line, min_words)
        {
            return None;
        }
        let test = self.parsed.function_at(self.silencer.line).map_or_else(
            || "the test below it".to_string(),
            |f| format!("`{}`", f.qualified_name()),
        );
        let mut finding = self.finding("ignore");
        finding.question = finding.question.with("test", test);
        Some(finding)
    }

    fn leftover(&self, name: &str, moved: &MovedCode, data: &Data) -> Option<Finding> {
        if hunk_removed_word(self.file, self.silencer.line, &format!("{name}!"), moved) {
            return None;
        }
        // `unimplemented!("never called: prepare() always returns None")` is a decision
        // with its reason, not a leftover.
        let message = self
            .file
            .new_line(self.silencer.line)
            .and_then(|text| text.split_once(&format!("{name}!")))
            .map(|(_, rest)| rest.to_lowercase())
            .unwrap_or_default();
        if data
            .reason_markers
            .iter()
            .any(|marker| message.contains(marker.as_str()))
        {
            return None;
        }
        Some(self.finding(if name == "dbg" { "dbg" } else { "todo" }))
    }
}

/// What the detection reads from the TOML's `[data]`.
#[derive(Debug, Default)]
struct Data {
    quiet_lints: Vec<String>,
    /// Words with which a `todo!`/`unimplemented!` message says why it is there.
    reason_markers: Vec<String>,
    /// Endings of a package directory that holds test support (`crates/uv-test`).
    test_support_packages: Vec<String>,
}

impl Data {
    fn read(data: &BTreeMap<String, toml::Value>) -> Result<Data, String> {
        let list = |key: &str| super::definition::data_list(data, key, str::to_string);
        let read = Data {
            quiet_lints: list("quiet_lints")?,
            reason_markers: list("reason_markers")?,
            test_support_packages: list("test_support_packages")?,
        };
        match data.len() {
            3 => Ok(read),
            _ => Err("[data] holds keys the rule does not read".to_string()),
        }
    }

    /// A file of a package that only supports tests, by its directory's name.
    fn is_test_support(&self, path: &str) -> bool {
        let segments: Vec<&str> = path.split('/').collect();
        let package = segments
            .iter()
            .rposition(|segment| *segment == "src")
            .and_then(|at| at.checked_sub(1))
            .and_then(|at| segments.get(at));
        package.is_some_and(|package| {
            self.test_support_packages
                .iter()
                .any(|ending| package.ends_with(ending.as_str()))
        })
    }
}

/// The line's code, trimmed and cut to a readable length on a character boundary.
fn code_of(text: &str) -> String {
    let code = text.trim();
    if code.chars().count() <= MAX_CODE {
        return code.to_string();
    }
    let cut: String = code.chars().take(MAX_CODE).collect();
    format!("{cut}...")
}

/// A plain `//` comment of at least `min_words` words on the line before or after
/// `line`, or at the end of it: a reason written beside an `allow`. Doc comments describe
/// the item, and a `// ponder:` answer is the prompt's own business.
fn reason_beside(file: &FileChange, line: u32, min_words: usize) -> bool {
    let says_why = |comment: &str| {
        let comment = comment.trim();
        !comment.starts_with('/')
            && !comment.starts_with('!')
            && !comment.trim_start().starts_with("ponder:")
            && comment.split_whitespace().count() >= min_words
    };
    let full_line = |number: u32| {
        file.new_line(number)
            .and_then(|text| text.trim_start().strip_prefix("//"))
            .is_some_and(says_why)
    };
    let trailing = file
        .new_line(line)
        .and_then(|text| {
            text.split_once("] //")
                .map(|(_, comment)| comment.to_string())
        })
        .is_some_and(|comment| says_why(&comment));
    trailing || full_line(line.saturating_sub(1)) || full_line(line + 1)
}

/// A comment that says `SAFETY` (any case) at the end of `line`, or in the run of comment
/// and attribute lines directly above it.
fn safety_comment(file: &FileChange, line: u32) -> bool {
    let says_safety = |text: &str| text.to_ascii_lowercase().contains("safety");
    if file
        .new_line(line)
        .and_then(|text| text.split_once("//"))
        .is_some_and(|(_, comment)| says_safety(comment))
    {
        return true;
    }
    let mut number = line;
    while number > 1 {
        number -= 1;
        let Some(text) = file.new_line(number) else {
            return false;
        };
        let text = text.trim();
        let comment = text.starts_with("//")
            || text.starts_with("/*")
            || text.starts_with('*')
            || text.ends_with("*/");
        if comment && says_safety(text) {
            return true;
        }
        if !comment && !text.starts_with("#[") {
            return false;
        }
    }
    false
}

/// Whether the hunk that adds `line` removed a line holding `word`: an existing
/// `unsafe` block, `#[ignore]` or `todo!` whose line was edited, not a new one. A line the
/// change index calls old is judged by it instead.
fn hunk_removed_word(file: &FileChange, line: u32, word: &str, moved: &MovedCode) -> bool {
    if moved.is_old(&file.path, line) {
        return true;
    }
    file.old_lines_of_hunk_at(line)
        .iter()
        .any(|(number, text)| file.removed_lines.contains(number) && text.contains(word))
}

#[cfg(test)]
mod tests {
    use super::Data;

    #[test]
    fn test_support_packages_by_the_directory_above_src() {
        let data = Data {
            test_support_packages: vec!["-test-support".to_string(), "-test".to_string()],
            ..Data::default()
        };
        assert!(data.is_test_support("crates/nu-test-support/src/lib.rs"));
        assert!(data.is_test_support("crates/uv-test/src/context/mod.rs"));
        assert!(!data.is_test_support("crates/uv-testing-ground/src/lib.rs"));
        assert!(!data.is_test_support("src/lib.rs"));
        assert!(!data.is_test_support("crates/latest/src/lib.rs"));
    }
}
