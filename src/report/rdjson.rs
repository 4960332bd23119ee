//! `--format rdjson`: reviewdog's Diagnostic Format (rdjson), so that
//! `ponder --format rdjson | reviewdog -f=rdjson -reporter=github-pr-review` posts each
//! prompt as a review comment on its lines.
//!
//! Every diagnostic has severity `INFO` and the rule id as its `code`. Prompts about a
//! commit are left out: reviewdog places every diagnostic on a file's lines and drops
//! (or, in some reporters, fails on) one without a path, and a question about a commit
//! message does not belong on a line of code. They are in the markdown, GitHub, SARIF and
//! JSON reports. Answered prompts stay in, their message ending with the reason. Stale
//! answers are diagnostics on the comment's line with the code `stale-answer`.

use serde::Serialize;

use super::text::{prompt_message, stale_message};
use crate::Report;

pub fn render(report: &Report) -> String {
    let mut diagnostics: Vec<Diagnostic> = report
        .prompts
        .iter()
        .filter_map(|prompt| {
            let (Some(path), Some(line)) = (&prompt.file, prompt.line) else {
                return None;
            };
            Some(Diagnostic::new(
                prompt_message(prompt),
                path,
                line,
                prompt.end_line.unwrap_or(line),
                &prompt.rule,
            ))
        })
        .collect();
    diagnostics.extend(report.stale_answers.iter().map(|stale| {
        Diagnostic::new(
            stale_message(stale),
            &stale.file,
            stale.line,
            stale.line,
            "stale-answer",
        )
    }));
    let result = DiagnosticResult {
        source: Source { name: "ponder" },
        severity: "INFO",
        diagnostics,
    };
    // Plain strings and numbers serialise without failure; `{}` keeps the output JSON.
    let mut text = serde_json::to_string(&result).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

#[derive(Serialize)]
struct DiagnosticResult {
    source: Source,
    severity: &'static str,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
}

#[derive(Serialize)]
struct Diagnostic {
    message: String,
    location: Location,
    severity: &'static str,
    source: Source,
    code: Code,
}

impl Diagnostic {
    fn new(message: String, path: &str, start: u32, end: u32, code: &str) -> Diagnostic {
        Diagnostic {
            message,
            location: Location {
                path: path.to_string(),
                range: Range {
                    start: Position { line: start },
                    end: Position {
                        line: end.max(start),
                    },
                },
            },
            severity: "INFO",
            source: Source { name: "ponder" },
            code: Code {
                value: code.to_string(),
            },
        }
    }
}

#[derive(Serialize)]
struct Location {
    path: String,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: u32,
}

#[derive(Serialize)]
struct Code {
    value: String,
}
