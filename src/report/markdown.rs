//! `--format markdown`: the report as a pull request comment and a reviewer's checklist.
//! A hidden marker line first (so a CI step can find and update its one comment), a
//! header with the range and the counts, then one `- [ ]` item per open question and one
//! `- [x]` item per answered one (with its reason), grouped by file and then by commit.
//!
//! Everything that comes from the analysed repository (paths, commit subjects, code in
//! questions, answers) is escaped: it can add no HTML, no link, no list, no table, and it
//! can mention no one (`@` gets a zero-width joiner). Code that a question quotes between
//! backticks stays a code span, re-fenced with a run of backticks longer than any inside.

use std::fmt::Write as _;

use super::neutral::one_line;
use super::text::{plural, short};
use crate::{Prompt, Report};

/// The first line of every markdown report; `ponder post github` looks for it to update
/// its comment instead of adding one per push.
pub const MARKER: &str = "<!-- ponder-report -->";

/// The hidden marker that ends each item's first line: its prompt's fingerprint, so that
/// `keep_ticks` can carry a reviewer's tick to the same question in the next report.
fn item_marker(fingerprint: &str) -> String {
    format!("<!-- ponder:item {fingerprint} -->")
}

/// Whether `html` is one of ponder's item markers (16 hex digits), for readers of the
/// report that must tell ponder's own markup from the repository's.
pub fn is_item_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!-- ponder:item ")
        .and_then(|rest| rest.strip_suffix(" -->"))
        .is_some_and(|hex| hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `new` with `- [x]` on every open item whose question a reviewer ticked in `old` (the
/// comment as it is now): a tick survives an update for as long as the question is
/// asked. Only ponder's own item lines are read; fingerprints are 16 hex digits, which no
/// repository text in the line can forge, as the rest of the line is escaped.
pub fn keep_ticks(old: &str, new: &str) -> String {
    let ticked: std::collections::HashSet<&str> = old
        .lines()
        .filter(|line| line.starts_with("- [x] ") || line.starts_with("- [X] "))
        .filter_map(marked_fingerprint)
        .collect();
    let mut out = String::with_capacity(new.len());
    for line in new.split_inclusive('\n') {
        match (
            line.strip_prefix("- [ ] "),
            marked_fingerprint(line.trim_end()),
        ) {
            (Some(rest), Some(fingerprint)) if ticked.contains(fingerprint) => {
                out.push_str("- [x] ");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn marked_fingerprint(line: &str) -> Option<&str> {
    let start = line.rfind("<!-- ponder:item ")?;
    let marker = line.get(start..)?;
    is_item_marker(marker).then(|| marker.get(17..33)).flatten()
}

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
    let mut head = format!("{MARKER}\n{}\n\n{}\n", title(report), scope_line(report));
    let mut tail = stale_answers(report);
    let unread = unread_files(report);
    if !unread.is_empty() {
        let _ = write!(tail, "\nNot read as Rust code: {}.\n", unread.join("; "));
    }
    if report.unanswered() > 0 {
        tail.push_str(
            "\nAnswer a question where the next reader will see it: \
             `// ponder: RULE: reason` on the flagged line or the line above it, \
             or a `Ponder-Answer: RULE: reason` trailer in the commit message.\n",
        );
    }

    let items: Vec<Item> = report
        .prompts
        .iter()
        .map(|prompt| Item {
            group: group_heading(report, prompt),
            text: item(report, prompt, options),
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

/// One checklist item: the box, the location, the rule and function, the question, then
/// the evidence and the answer as a nested list.
fn item(report: &Report, prompt: &Prompt, options: &MarkdownOptions) -> String {
    let mut out = String::from(if prompt.answer.is_some() {
        "- [x] "
    } else {
        "- [ ] "
    });
    if let Some(location) = location(report, prompt, options) {
        let _ = write!(out, "{location} ");
    }
    let _ = write!(out, "**{}**", text(&prompt.rule));
    if let Some(function) = &prompt.function {
        let _ = write!(out, " in {}", code(function));
    }
    if prompt.file.is_some() {
        if let Some(sha) = &prompt.commit {
            let _ = write!(out, " (commit {})", code(short(sha)));
        }
    }
    let _ = writeln!(
        out,
        ": {} {}",
        question(&prompt.question),
        item_marker(&prompt.fingerprint)
    );
    for evidence in &prompt.evidence {
        let _ = writeln!(out, "  - {}", line_start(question(evidence)));
    }
    if let Some(answer) = &prompt.answer {
        let _ = writeln!(out, "  - **Answered:** {}", text(answer));
    }
    out
}

/// `path#L12` or `path#L12-L20`, as a code span, linked when the caller knows where to.
fn location(report: &Report, prompt: &Prompt, options: &MarkdownOptions) -> Option<String> {
    let path = prompt.file.as_deref()?;
    let anchor = match (prompt.line, prompt.end_line) {
        (Some(line), Some(end)) if end > line => format!("#L{line}-L{end}"),
        (Some(line), _) => format!("#L{line}"),
        (None, _) => String::new(),
    };
    let shown = code(&format!("{path}{anchor}"));
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

/// Percent-encodes everything in a path but unreserved characters and `/`, so that no
/// path can end the link's destination or smuggle in a scheme.
fn url_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
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

/// A question or a piece of evidence: ponder's templates quote code between backticks,
/// so the text is split where CommonMark would split it into code spans; each code span
/// is re-fenced safely and everything else is escaped as plain text.
fn question(input: &str) -> String {
    let line = one_line(input);
    let mut out = String::new();
    let mut rest = line.as_str();
    while let Some(start) = rest.find('`') {
        let (before, from_tick) = rest.split_at(start);
        out.push_str(&text(before));
        let run = from_tick.len() - from_tick.trim_start_matches('`').len();
        let after_open = from_tick.get(run..).unwrap_or("");
        match find_closing_run(after_open, run) {
            Some(end) => {
                out.push_str(&code(after_open.get(..end).unwrap_or("")));
                rest = after_open.get(end + run..).unwrap_or("");
            }
            None => {
                // An unmatched run of backticks is literal text.
                out.push_str(&"\\`".repeat(run));
                rest = after_open;
            }
        }
    }
    out.push_str(&text(rest));
    out
}

/// The offset of the next run of exactly `run` backticks in `text`.
fn find_closing_run(text: &str, run: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if bytes.get(index) == Some(&b'`') {
            let length = bytes
                .get(index..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| **b == b'`')
                .count();
            if length == run {
                return Some(index);
            }
            index += length;
        } else {
            index += 1;
        }
    }
    None
}

/// Repository text as a code span: fenced with more backticks than any run inside, and
/// padded with spaces where CommonMark would otherwise read a backtick as the fence.
fn code(input: &str) -> String {
    let content = one_line(input);
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if content.starts_with('`')
        || content.ends_with('`')
        || (content.starts_with(' ') && content.ends_with(' '))
    {
        format!("{fence} {content} {fence}")
    } else if content.is_empty() {
        // An empty code span does not exist in CommonMark; a space does.
        "` `".to_string()
    } else {
        format!("{fence}{content}{fence}")
    }
}

/// Repository text as plain inline text: every character that can open markup in the
/// middle of a line (emphasis, code, links, HTML, tables, strikethrough, math) is
/// backslash-escaped, `&` cannot start an entity, and `@` cannot start a mention. Line
/// starts are ponder's own, except in `line_start`.
fn text(input: &str) -> String {
    let mut out = String::new();
    for c in one_line(input).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200d}"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text that begins a block (a nested list item's content), where `-`, `+`,
/// `#`, `=` or `1.` would start a list, a heading or an underline of their own.
fn line_start(escaped: String) -> String {
    if escaped.starts_with(['-', '+', '#', '=']) {
        return format!("\\{escaped}");
    }
    let digits = escaped.len()
        - escaped
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    match escaped.get(digits..) {
        Some(rest) if digits > 0 && rest.starts_with(['.', ')']) => {
            format!("{}\\{rest}", escaped.get(..digits).unwrap_or(""))
        }
        _ => escaped,
    }
}

#[cfg(test)]
mod tests;
