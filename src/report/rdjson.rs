//! `--format rdjson`: reviewdog's Diagnostic Format (rdjson), so that
//! `ponder --format rdjson | reviewdog -f=rdjson -reporter=github-pr-review` posts each
//! prompt as a review comment on its lines.
//!
//! Every diagnostic has severity `INFO` and the rule id as its `code`. Prompts about a
//! commit are left out: reviewdog places every diagnostic on a file's lines and drops
//! (or, in some reporters, fails on) one without a path, and a question about a commit
//! message does not belong on a line of code. They are in the markdown, GitHub, SARIF and
//! JSON reports. Answered prompts are left out too: a review comment asks for a reply,
//! and an answered question has its reply in the code already. Each diagnostic's code
//! links (`code.url`) to the rule's section of ponder's README. Stale answers are
//! diagnostics on the comment's line with the code `stale-answer`.
//!
//! reviewdog puts the message into a pull-request comment, where GitHub renders it as
//! markdown: code spans stay as they are (nothing inside one renders or mentions anyone),
//! and outside them markdown punctuation is backslash-escaped and every `@` is followed by
//! a zero-width space, so that repository text cannot open HTML, a link or a heading, or
//! notify `@org/team`.

use serde::Serialize;

use super::text::{prompt_parts, stale_message};
use crate::{Prompt, Report};

pub fn render(report: &Report) -> String {
    let mut diagnostics: Vec<Diagnostic> = report
        .prompts
        .iter()
        .filter_map(|prompt| {
            let (Some(path), Some(line), None) = (&prompt.file, prompt.line, &prompt.answer) else {
                return None;
            };
            Some(Diagnostic::new(
                markdown_message(prompt),
                path,
                line,
                prompt.end_line.unwrap_or(line),
                &prompt.rule,
            ))
        })
        .collect();
    diagnostics.extend(report.stale_answers.iter().map(|stale| {
        Diagnostic::new(
            markdown_safe(&stale_message(stale)),
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
                url: super::sarif::help_uri(if code == "stale-answer" {
                    "answering-a-prompt"
                } else {
                    code
                }),
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
    url: String,
}

/// The question, a blank line, the evidence as a list, a blank line, then the answer or
/// how to write one: paragraphs that render as such in a review comment.
fn markdown_message(prompt: &Prompt) -> String {
    let parts = prompt_parts(prompt);
    let mut text = markdown_safe(&parts.question);
    if !parts.evidence.is_empty() {
        text.push('\n');
        for evidence in &parts.evidence {
            text.push_str(&format!("\n- {}", markdown_safe(evidence)));
        }
    }
    text.push_str(&format!("\n\n{}", markdown_safe(&parts.closing)));
    text
}

/// `text` with its code spans kept and everything else unable to render as markup or to
/// mention anyone. Code spans are found as CommonMark finds them: a run of backticks up to
/// the next run of the same length; a run without a partner is escaped.
fn markdown_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('`') {
        escape_outside_code(before, &mut out);
        let after = format!("`{after}");
        let run = backtick_run(&after);
        let body = after.get(run..).unwrap_or("");
        match closing_run(body, run) {
            Some(end) => {
                out.push_str(after.get(..run + end + run).unwrap_or(""));
                rest = rest_after(rest, before.len() + run + end + run);
            }
            None => {
                out.push_str(&"\\`".repeat(run));
                rest = rest_after(rest, before.len() + run);
            }
        }
    }
    escape_outside_code(rest, &mut out);
    out
}

fn rest_after(text: &str, offset: usize) -> &str {
    text.get(offset..).unwrap_or("")
}

/// How many backticks `text` starts with.
fn backtick_run(text: &str) -> usize {
    text.len() - text.trim_start_matches('`').len()
}

/// The offset in `text` of the first run of exactly `length` backticks.
fn closing_run(text: &str, length: usize) -> Option<usize> {
    let mut offset = 0;
    while let Some(found) = rest_after(text, offset).find('`') {
        let start = offset + found;
        let run = backtick_run(rest_after(text, start));
        if run == length {
            return Some(start);
        }
        offset = start + run;
    }
    None
}

fn escape_outside_code(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200b}"),
            // A line break in a path or a name would end the paragraph or start a block.
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::markdown_safe;

    #[test]
    fn code_spans_stay_and_the_rest_cannot_render_or_mention() {
        assert_eq!(
            markdown_safe("`Vec<u8>` by @org/team </details>"),
            "`Vec<u8>` by @\u{200b}org/team \\</details\\>"
        );
        assert_eq!(markdown_safe("a ``b ` c`` d"), "a ``b ` c`` d");
        assert_eq!(markdown_safe("open ` <b>"), "open \\` \\<b\\>");
    }
}
