//! The markup ponder itself puts in a checklist, and what reads it back: each item's
//! hidden fingerprint marker, the collapsed evidence's `<details>` lines, and
//! `keep_ticks`, which carries a reviewer's ticks into the next report.

/// The line that opens an item's collapsed evidence; its words are ponder's own.
pub(super) const DETAILS_OPEN: &str = "<details><summary>Why ponder asks</summary>";
/// The line that closes it.
pub(super) const DETAILS_CLOSE: &str = "</details>";

/// Whether `html` is markup ponder wrote (an item marker or the evidence's `<details>`
/// lines), for readers of the report that must tell ponder's markup from the repository's.
pub fn is_ponder_markup(html: &str) -> bool {
    let html = html.trim();
    is_item_marker(html) || html == DETAILS_OPEN || html == DETAILS_CLOSE
}

/// The hidden marker that ends each item's first line: its prompt's fingerprint, so that
/// `keep_ticks` can carry a reviewer's tick to the same question in the next report.
pub(super) fn item_marker(fingerprint: &str) -> String {
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
