//! `--format markdown`: the report as a pull request comment and a reviewer's checklist.
//! A hidden marker line first (so a CI step can find and update its one comment), a
//! header with the range and the counts, the evidence several questions share, then one
//! `- [ ]` item per open question and one `- [x]` item per answered one (with its reason),
//! grouped by file and then by commit (`item`).
//!
//! Everything that comes from the analysed repository (paths, commit subjects, code in
//! questions, answers) is escaped: it can add no HTML, no link, no list, no table, and it
//! can mention no one (`@` gets a zero-width joiner). Code that a question quotes between
//! backticks stays a code span, re-fenced with a run of backticks longer than any inside.

mod escape;
mod item;
mod ticks;

use std::fmt::Write as _;

use super::text::{plural, short};
use crate::{AnswerSource, Prompt, Report};
use escape::{code, question, text};
pub use item::link_base_from_env;
pub use ticks::{is_item_marker, is_ponder_markup, keep_ticks};

/// The first line of every markdown report; `ponder post github` looks for it to update
/// its comment instead of adding one per push.
pub const MARKER: &str = "<!-- ponder-report -->";

/// Choices that only a caller who knows where the report goes can make.
#[derive(Debug, Clone, Default)]
pub struct MarkdownOptions {
    /// Where `path#L1` locations link to: `https://github.com/OWNER/REPO/blob/`; the
    /// commit (the prompt's own, or the head of the range) and the path follow.
    pub link_base: Option<String>,
    /// At most this many bytes: whole items are kept (open questions first) and the
    /// rest are counted in one line.
    pub max_bytes: Option<usize>,
}

pub fn render(report: &Report) -> String {
    render_with(report, &MarkdownOptions::default())
}

pub fn render_with(report: &Report, options: &MarkdownOptions) -> String {
    let shared = item::shared_evidence(report);
    let mut head = format!(
        "{MARKER}\n{}\n\n{}\n{}",
        title(report),
        scope_line(report),
        item::shared_evidence_block(&shared)
    );
    let mut tail = stale_answers(report);
    let unread = unread_files(report);
    if !unread.is_empty() {
        let _ = write!(tail, "\nNot read as Rust code: {}.\n", unread.join("; "));
    }
    let advice = how_to_answer(report);
    if !advice.is_empty() {
        let _ = writeln!(
            tail,
            "\nAnswer where the next reader will see it: {advice}."
        );
    }

    let items: Vec<Item> = report
        .prompts
        .iter()
        .map(|prompt| Item {
            group: group_heading(report, prompt),
            text: item::item(report, prompt, options, &shared),
            open: prompt.answer.is_none(),
        })
        .collect();
    let budget = options
        .max_bytes
        .map(|max| max.saturating_sub(head.len() + tail.len() + OMITTED_LINE_ROOM));
    let kept = choose(&items, budget);

    let mut body = String::new();
    let mut current_group: Option<&str> = None;
    for (item, _) in items.iter().zip(&kept).filter(|(_, keep)| **keep) {
        if current_group != Some(item.group.as_str()) {
            let _ = write!(body, "\n{}\n\n", item.group);
            current_group = Some(&item.group);
        }
        body.push_str(&item.text);
    }
    let omitted: Vec<&Item> = items
        .iter()
        .zip(&kept)
        .filter(|(_, keep)| !**keep)
        .map(|(item, _)| item)
        .collect();
    if !omitted.is_empty() {
        let open = omitted.iter().filter(|item| item.open).count();
        let _ = write!(
            body,
            "\n…and {} not shown here ({} open, {} answered): run `ponder` on this range to see them all.\n",
            plural(omitted.len(), "more question", "more questions"),
            open,
            omitted.len() - open
        );
    }
    head.push_str(&body);
    head.push_str(&tail);
    // An item's `<details>` must end at a blank line, and a heading follows one: where the
    // two meet, one blank line is enough. Repository text holds no line breaks.
    while head.contains("\n\n\n") {
        head = head.replace("\n\n\n", "\n\n");
    }
    match options.max_bytes {
        Some(max) if head.len() > max => cut_at_line(head, max),
        _ => head,
    }
}

/// The last resort when even the header and the lists that are always shown are too long
/// (paths of thousands of characters): whole lines up to the budget, and a note.
fn cut_at_line(mut text: String, max: usize) -> String {
    const NOTE: &str = "\n…(cut here: the report is longer than the space it was given)\n";
    let mut end = max.saturating_sub(NOTE.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let line_end = text.get(..end).and_then(|t| t.rfind('\n')).unwrap_or(0);
    text.truncate(line_end);
    text.push_str(NOTE);
    text
}

/// What answers the open questions, rule by rule: the checklist's items carry no advice
/// of their own, so this says which form each open rule takes, and only those.
fn how_to_answer(report: &Report) -> String {
    type Forms = (Vec<AnswerSource>, &'static str);
    let mut by_forms: Vec<(Forms, Vec<&str>)> = Vec::new();
    for prompt in report.prompts.iter().filter(|p| p.answer.is_none()) {
        let rule = prompt.rule.as_str();
        let forms = (
            prompt.answer_with.clone(),
            crate::model::comment_marker(prompt.file.as_deref()),
        );
        match by_forms.iter_mut().find(|(known, _)| *known == forms) {
            Some((_, rules)) if rules.contains(&rule) => {}
            Some((_, rules)) => rules.push(rule),
            None => by_forms.push((forms, vec![rule])),
        }
    }
    let parts: Vec<String> = by_forms
        .iter()
        .map(|((forms, marker), rules)| {
            // One rule: its own id in the syntax, so that it can be copied as it is.
            let id = match rules.as_slice() {
                [one] => *one,
                _ => "RULE",
            };
            let comment = code(&format!("{marker} ponder: {id}: reason"))
                + " on the flagged line or the line above it";
            let trailer = format!(
                "a {} trailer in the commit message",
                code(&format!("Ponder-Answer: {id}: reason"))
            );
            let how = match (
                forms.contains(&AnswerSource::Comment),
                forms.contains(&AnswerSource::Trailer),
            ) {
                _ if forms.contains(&AnswerSource::Description) => {
                    "a sentence in the pull request description that says why".to_string()
                }
                (true, true) => format!("{comment}, or {trailer}"),
                (false, true) => trailer.to_string(),
                _ => comment.to_string(),
            };
            let named: Vec<String> = rules.iter().map(|rule| code(rule)).collect();
            format!("{} with {how}", named.join(", "))
        })
        .collect();
    parts.join("; ")
}

/// Stale answers listed at most; the rest are counted.
const MAX_STALE_SHOWN: usize = 30;

/// Answer comments that answer no question, so that a reviewer can ask for them to be
/// moved or removed.
fn stale_answers(report: &Report) -> String {
    if report.stale_answers.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n#### Answers that answer nothing\n\n");
    for stale in report.stale_answers.iter().take(MAX_STALE_SHOWN) {
        let _ = writeln!(
            out,
            "- {} **{}**: {} (“{}”)",
            code(&format!("{}#L{}", stale.file, stale.line)),
            text(&stale.rule),
            question(&super::text::stale_message(stale)),
            text(&stale.reason)
        );
    }
    if report.stale_answers.len() > MAX_STALE_SHOWN {
        let _ = writeln!(
            out,
            "- …and {} more",
            report.stale_answers.len() - MAX_STALE_SHOWN
        );
    }
    out
}

/// Room kept for the "…and N more" line when a budget applies.
const OMITTED_LINE_ROOM: usize = 160;

struct Item {
    group: String,
    text: String,
    open: bool,
}

/// Which items fit in `budget` bytes: open questions first, each in report order, each
/// whole, stopping at the first that does not fit (so what is shown is a prefix of each
/// kind, never a scattering); a group's heading counts when its first item is kept.
fn choose(items: &[Item], budget: Option<usize>) -> Vec<bool> {
    let Some(budget) = budget else {
        return vec![true; items.len()];
    };
    let mut kept = vec![false; items.len()];
    let mut used = 0usize;
    let mut groups_shown: Vec<&str> = Vec::new();
    for open in [true, false] {
        for (index, item) in items.iter().enumerate() {
            if item.open != open {
                continue;
            }
            let heading = if groups_shown.contains(&item.group.as_str()) {
                0
            } else {
                // A heading may be printed twice when kept items of one group are split
                // by an omitted one; count it generously.
                item.group.len() + 3
            };
            let cost = item.text.len() + heading;
            if used + cost > budget {
                break;
            }
            used += cost;
            groups_shown.push(&item.group);
            if let Some(slot) = kept.get_mut(index) {
                *slot = true;
            }
        }
    }
    kept
}

fn title(report: &Report) -> String {
    if report.prompts.is_empty() {
        return "### ponder has no questions about this change".to_string();
    }
    let open = report.unanswered();
    format!(
        "### ponder asks {} about this change ({} answered, {} open)",
        plural(report.prompts.len(), "question", "questions"),
        report.prompts.len() - open,
        open
    )
}

fn scope_line(report: &Report) -> String {
    let base = report.base.as_deref().map(short).unwrap_or("(empty tree)");
    let range = match report.head.as_deref() {
        Some(head) => format!("`{base}..{}`", short(head)),
        None => "the work tree".to_string(),
    };
    let mut parts = vec![
        format!("Range {range}"),
        plural(report.commits.len(), "commit", "commits"),
        plural(
            report.rust_file_count(),
            "changed Rust file",
            "changed Rust files",
        ),
    ];
    if report.includes_work_tree {
        parts.push("work in progress included".to_string());
    }
    if let Some(name) = &report.base_ref {
        parts.push(format!("against {}", code(name)));
    }
    if !report.stale_answers.is_empty() {
        parts.push(plural(
            report.stale_answers.len(),
            "stale answer",
            "stale answers",
        ));
    }
    parts.join(" · ")
}

fn group_heading(report: &Report, prompt: &Prompt) -> String {
    if let Some(file) = &prompt.file {
        return format!("#### {}", code(file));
    }
    match &prompt.commit {
        Some(sha) => {
            let subject = report
                .commits
                .iter()
                .find(|c| &c.sha == sha)
                .map(|c| c.subject.as_str())
                .unwrap_or("");
            format!("#### Commit {} “{}”", code(short(sha)), text(subject))
        }
        None => "#### This change".to_string(),
    }
}

/// Files listed at most as not read; a change that adds thousands of binary files must
/// still fit in a comment.
const MAX_UNREAD_SHOWN: usize = 20;

fn unread_files(report: &Report) -> Vec<String> {
    let unread: Vec<_> = report.files.iter().filter(|f| f.note.is_some()).collect();
    let mut listed: Vec<String> = unread
        .iter()
        .take(MAX_UNREAD_SHOWN)
        .map(|file| {
            let note = file.note.as_deref().unwrap_or("");
            format!("{} ({})", code(&file.path), text(note))
        })
        .collect();
    if unread.len() > MAX_UNREAD_SHOWN {
        listed.push(format!("and {} more", unread.len() - MAX_UNREAD_SHOWN));
    }
    listed
}

#[cfg(test)]
mod tests;
