//! `--format json`: one object, in the shape DESIGN.md promises scripts:
//! `{"version":1, "base", "head", "commits":[{"sha","subject"}], "prompts":[...], "files":[...]}`,
//! plus `stale_answers`: answer comments on added lines that answer no prompt.

use serde::Serialize;

use crate::{CommitSummary, FileSummary, Prompt, Report, StaleAnswer};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    base: Option<&'a str>,
    head: Option<&'a str>,
    includes_work_tree: bool,
    commits: &'a [CommitSummary],
    prompts: &'a [Prompt],
    files: &'a [FileSummary],
    stale_answers: &'a [StaleAnswer],
    /// What a limit left out (files not read, prompts not shown); added after version 1
    /// shipped, so older readers simply ignore it.
    notes: Vec<String>,
    /// The branch `base` is the merge base with (`origin/main`), in the forms that take
    /// one; added after version 1 shipped, like `notes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    base_ref: Option<&'a str>,
}

pub fn render(report: &Report) -> String {
    let json = JsonReport {
        version: 1,
        base: report.base.as_deref(),
        head: report.head.as_deref(),
        includes_work_tree: report.includes_work_tree,
        commits: &report.commits,
        prompts: &report.prompts,
        files: &report.files,
        stale_answers: &report.stale_answers,
        notes: report.notes.iter().map(ToString::to_string).collect(),
        base_ref: report.base_ref.as_deref(),
    };
    // Serialising plain strings, numbers and options cannot fail; an empty object would
    // still be valid JSON if it somehow did.
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
