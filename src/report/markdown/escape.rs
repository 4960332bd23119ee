//! Repository text made safe for a GitHub comment: escaped plain text, re-fenced code
//! spans, block starts neutralised, and percent-encoded link paths.

use std::fmt::Write as _;

use super::super::neutral::one_line;

/// A question or a piece of evidence: ponder's templates quote code between backticks,
/// so the text is split where CommonMark would split it into code spans; each code span
/// is re-fenced safely and everything else is escaped as plain text.
pub(super) fn question(input: &str) -> String {
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
pub(super) fn code(input: &str) -> String {
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
pub(super) fn text(input: &str) -> String {
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
pub(super) fn line_start(escaped: String) -> String {
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

/// Percent-encodes everything in a path but unreserved characters and `/`, so that no
/// path can end the link's destination or smuggle in a scheme.
pub(super) fn url_path(path: &str) -> String {
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
