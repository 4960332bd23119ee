//! `--format gitlab`: GitLab's Code Quality report (a JSON array of issues), which a job
//! publishes as its `codequality` artifact so that the merge request's widget and diff
//! show each question on its line.
//!
//! - Each open question is one issue of severity `info`: the question, its evidence and
//!   how to answer it as the `description`, the rule id as `check_name`, ponder's
//!   fingerprint as `fingerprint` (GitLab tells issues of two pipelines apart by it), and
//!   the flagged line as `location.lines.begin` (the last line as `end`).
//! - A question about a commit sits on the commit's anchor (`crate::anchor`), a line
//!   the commit adds; one without an anchor (a commit that only deletes files) is left
//!   out, as GitLab places every issue in a file.
//! - Answered questions are left out: the widget lists what is still to be looked at.
//! - Stale answers are issues with the check name `stale-answer`, on the comment's line;
//!   their fingerprint is derived from the comment's place and rule, so that it is
//!   unique in the report.

use serde::Serialize;

use super::neutral::one_line;
use super::text::{naming_the_commit, prompt_message, stale_message};
use crate::{Prompt, Report, StaleAnswer};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

pub fn render(report: &Report) -> String {
    let issues: Vec<Issue> = report
        .prompts
        .iter()
        .filter(|prompt| prompt.answer.is_none())
        .filter_map(|prompt| issue(report, prompt))
        .chain(report.stale_answers.iter().map(stale_issue))
        .collect();
    // Plain strings and numbers serialise without failure; `[]` keeps the output JSON.
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

fn issue(report: &Report, prompt: &Prompt) -> Option<Issue> {
    let (path, begin, end) = match (&prompt.file, prompt.line, &prompt.commit) {
        (Some(file), Some(line), _) => (file.clone(), line, prompt.end_line.unwrap_or(line)),
        (None, _, Some(sha)) => {
            let anchor = report.commit_anchors.get(sha)?;
            (anchor.path.clone(), anchor.line, anchor.line)
        }
        _ => return None,
    };
    Some(Issue {
        description: naming_the_commit(report, prompt, prompt_message(prompt)),
        check_name: one_line(&prompt.rule),
        fingerprint: prompt.fingerprint.clone(),
        severity: "info",
        location: Location {
            path,
            lines: Lines {
                begin: begin.max(1),
                end: end.max(begin).max(1),
            },
        },
    })
}

fn stale_issue(stale: &StaleAnswer) -> Issue {
    let place = format!("stale-answer:{}:{}:{}", stale.file, stale.line, stale.rule);
    Issue {
        description: stale_message(stale),
        check_name: "stale-answer".to_string(),
        fingerprint: crate::fingerprint::hash_text(&place),
        severity: "info",
        location: Location {
            path: stale.file.clone(),
            lines: Lines {
                begin: stale.line.max(1),
                end: stale.line.max(1),
            },
        },
    }
}
