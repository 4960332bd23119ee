//! One checklist item, read in one pass: the question first, on the item's one line, then
//! where it is and which rule asks; the evidence collapsed under `<details>`. Evidence that
//! several questions share is said once, above the items (`shared_evidence`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::escape::{code, line_start, question, text, url_path};
use super::ticks::{item_marker, DETAILS_CLOSE, DETAILS_OPEN};
use super::MarkdownOptions;
use crate::report::text::{plural, short};
use crate::{Prompt, Report};

/// Where the checklist's locations link to in a CI job that names its repository: GitHub
/// Actions (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`) or GitLab CI (`CI_PROJECT_URL`).
/// Only `http(s)` addresses are used.
pub fn link_base_from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let web =
        |url: String| (url.starts_with("https://") || url.starts_with("http://")).then_some(url);
    if let (Some(server), Some(repository)) = (
        env("GITHUB_SERVER_URL").and_then(web),
        env("GITHUB_REPOSITORY").filter(|r| !r.is_empty()),
    ) {
        return Some(format!(
            "{}/{}/blob/",
            server.trim_end_matches('/'),
            url_path(&repository)
        ));
    }
    env("CI_PROJECT_URL")
        .and_then(web)
        .map(|project| format!("{}/-/blob/", project.trim_end_matches('/')))
}

/// Evidence lines that two or more questions give word for word (the tests a change
/// touched, on every untested branch), with how many questions give each, in the order
/// they first appear. They are said once above the items, and left out of each item. A
/// line that names a question's function is about that function, not about the change,
/// and stays with its questions.
pub(super) fn shared_evidence(report: &Report) -> Vec<(&str, usize)> {
    let functions: BTreeSet<String> = report
        .prompts
        .iter()
        .filter_map(|prompt| prompt.function.as_ref())
        .map(|function| format!("`{function}`"))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut order = Vec::new();
    for prompt in &report.prompts {
        let distinct: BTreeSet<&str> = prompt.evidence.iter().map(String::as_str).collect();
        for evidence in distinct {
            let count = counts.entry(evidence).or_insert(0);
            if *count == 0 {
                order.push(evidence);
            }
            *count += 1;
        }
    }
    order
        .into_iter()
        .filter_map(|evidence| {
            let count = counts.get(evidence).copied().unwrap_or(0);
            let about_a_function = functions.iter().any(|f| evidence.contains(f.as_str()));
            (count > 1 && !about_a_function).then_some((evidence, count))
        })
        .collect()
}

/// The shared evidence as the lines that open the checklist.
pub(super) fn shared_evidence_block(shared: &[(&str, usize)]) -> String {
    if shared.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nSaid once for the questions below:\n\n");
    for (evidence, count) in shared {
        let _ = writeln!(
            out,
            "- {} (of {})",
            line_start(question(evidence)),
            plural(*count, "question", "questions")
        );
    }
    out
}

/// One checklist item: the box, the question, then what it is about (the lines, linked;
/// the function or commit when the question does not name it; the rule) and the hidden
/// marker, all on one line; under it the answer, and the evidence not said above,
/// collapsed.
pub(super) fn item(
    report: &Report,
    prompt: &Prompt,
    options: &MarkdownOptions,
    shared: &[(&str, usize)],
) -> String {
    let mut out = String::from(if prompt.answer.is_some() {
        "- [x] "
    } else {
        "- [ ] "
    });
    out.push_str(&question(&prompt.question));
    let mut about = Vec::new();
    if let Some(location) = location(report, prompt, options) {
        about.push(location);
    }
    if let Some(function) = &prompt.function {
        if !prompt.question.contains(&format!("`{function}`")) {
            about.push(format!("in {}", code(function)));
        }
    }
    if let (Some(_), Some(sha)) = (&prompt.file, &prompt.commit) {
        if !prompt.question.contains(short(sha)) {
            about.push(format!("commit {}", code(short(sha))));
        }
    }
    about.push(format!("*{}*", text(&prompt.rule)));
    let _ = writeln!(
        out,
        " — {} {}",
        about.join(" · "),
        item_marker(&prompt.fingerprint)
    );
    if let Some(answer) = &prompt.answer {
        let _ = writeln!(out, "  - **Answered:** {}", text(answer));
    }
    let own: Vec<&String> = prompt
        .evidence
        .iter()
        .filter(|evidence| !shared.iter().any(|(s, _)| s == evidence))
        .collect();
    if !own.is_empty() {
        let _ = write!(out, "  {DETAILS_OPEN}\n\n");
        for evidence in own {
            let _ = writeln!(out, "  - {}", line_start(question(evidence)));
        }
        let _ = write!(out, "\n  {DETAILS_CLOSE}\n\n");
    }
    out
}

/// The lines a question is about (`L12`, `L12-L20`), as a code span under its file's
/// heading, linked when the caller knows where to; the path itself when there are no lines.
fn location(report: &Report, prompt: &Prompt, options: &MarkdownOptions) -> Option<String> {
    let path = prompt.file.as_deref()?;
    let lines = match (prompt.line, prompt.end_line) {
        (Some(line), Some(end)) if end > line => format!("L{line}-L{end}"),
        (Some(line), _) => format!("L{line}"),
        (None, _) => String::new(),
    };
    let anchor = if lines.is_empty() {
        String::new()
    } else {
        format!("#{lines}")
    };
    let shown = if lines.is_empty() {
        code(path)
    } else {
        code(&lines)
    };
    let revision = prompt.commit.as_deref().or(report.head.as_deref());
    match (&options.link_base, revision) {
        // Work in progress is on no server: there is nothing to link to.
        (Some(base), Some(revision)) if !report.includes_work_tree || prompt.commit.is_some() => {
            Some(format!(
                "[{shown}]({base}{}/{}{anchor})",
                url_path(revision),
                url_path(path)
            ))
        }
        _ => Some(shown),
    }
}
