//! `--each-commit` output, written one commit at a time as the analysis goes:
//! the human format prints a heading and the usual report for each commit that raised a
//! question, then one summary line; the JSON format prints JSON Lines, one compact object
//! per analysed commit in the shape of `--format json` (base = the first parent).

use super::text::plural;
use super::{human, json, neutral, Format, Style};
use crate::{HistorySummary, Report};

/// The output for one commit's report, or an empty string when there is nothing to say.
pub fn commit_section(report: &Report, format: Format, style: Style) -> String {
    match format {
        Format::Json => {
            // The pretty object of `--format json`, re-encoded on one line.
            let pretty = json::render(report);
            let line = serde_json::from_str::<serde_json::Value>(&pretty)
                .map(|value| value.to_string())
                .unwrap_or(pretty.trim().to_string());
            format!("{line}\n")
        }
        Format::Human => {
            if report.prompts.is_empty() || style.quiet {
                return String::new();
            }
            let (sha, subject) = report
                .commits
                .first()
                .map(|c| (c.sha.as_str(), c.subject.as_str()))
                .unwrap_or(("", ""));
            format!(
                "━━ commit {} “{}”\n\n{}\n",
                super::text::short(sha),
                neutral::one_line(subject),
                human::render(report, style)
            )
        }
        // Workflow commands are one line each, so they stream as they are.
        Format::Github => super::render(report, format, style),
        // One document per run: `main.rs` refuses them with `--each-commit`.
        Format::Markdown | Format::Sarif | Format::Rdjson | Format::Gitlab => String::new(),
    }
}

/// Whether `--each-commit` can write this format a commit at a time.
pub fn streams(format: Format) -> bool {
    matches!(format, Format::Human | Format::Json | Format::Github)
}

/// The closing line of a history run (human format only).
pub fn summary(
    summary: &HistorySummary,
    prompts: usize,
    unanswered: usize,
    format: Format,
    quiet: bool,
) -> String {
    // The machine formats carry no trailer: JSON Lines and workflow commands are read
    // line by line, and a sentence would be a line that is neither.
    if format != Format::Human || (quiet && unanswered == 0) {
        return String::new();
    }
    let merges = match summary.merges_skipped {
        0 => String::new(),
        1 => ", 1 merge skipped".to_string(),
        n => format!(", {n} merges skipped"),
    };
    let mut line = format!(
        "ponder asked {} ({} answered) across {}{merges}.\n",
        plural(prompts, "question", "questions"),
        prompts - unanswered,
        plural(summary.commits, "commit", "commits")
    );
    for note in &summary.notes {
        line.push_str(&format!(
            "Note: {}.\n",
            neutral::one_line(&note.to_string())
        ));
    }
    line
}
