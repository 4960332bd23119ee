//! What a diff leaves out of moved code, so the change index does not call it new: the
//! visibility a moved item gained (`pub(super) fn`), and lines with no word of their own
//! (`_ => None,`, `}`) that the diff matched with a twin elsewhere in the old file.

use std::collections::BTreeSet;

use super::{hash_str, Line};

/// Leaves out visibility (`pub`, `pub(crate)`, `pub(super)`, `pub(in path)`): code that
/// moved to another module and was made visible there is the same code.
pub(super) fn drop_visibility(all: &[(usize, u64)], keep: &mut [bool]) {
    let word = |w: &str| hash_str(w) & !1;
    let (public, open, close) = (word("pub"), word("("), word(")"));
    let scopes = ["crate", "super", "self", "in"].map(word);
    let token = |at: usize| all.get(at).map(|(_, token)| *token);
    let mut at = 0;
    while at < all.len() {
        if token(at) != Some(public) {
            at += 1;
            continue;
        }
        let restricted = token(at + 1) == Some(open)
            && token(at + 2).is_some_and(|scope| scopes.contains(&scope));
        // `pub`, or `pub(` … `)`: the tokens up to the closing parenthesis.
        let end = if restricted {
            (at + 1..all.len())
                .find(|&i| token(i) == Some(close))
                .unwrap_or(all.len() - 1)
        } else {
            at
        };
        for slot in keep.iter_mut().take(end + 1).skip(at) {
            *slot = false;
        }
        at = end + 1;
    }
}

/// A collapsed line without the visibility it starts with (`pub`, `pub(crate)`,
/// `pub(super)`, `pub(in path)`): a function made visible where it moved to is the line
/// it was.
pub(super) fn without_visibility(line: &str) -> &str {
    let Some(rest) = line.strip_prefix("pub") else {
        return line;
    };
    if let Some(inner) = rest.strip_prefix('(') {
        return match inner.find(')') {
            Some(end) => inner.get(end + 1..).unwrap_or("").trim_start(),
            None => line,
        };
    }
    match rest.strip_prefix(' ') {
        Some(after) => after,
        None => line,
    }
}

/// Added lines with no distinctive word (`_ => None,`, `} else {`, `}`) that sit, a few
/// at most, between two old lines of the same stretch: the diff may have matched such a
/// line with a twin elsewhere in the old file, leaving a gap in the removed code, but a
/// line that says nothing of its own between moved lines moved with them.
pub(super) fn sandwiched(added: &[Line], old: &BTreeSet<u32>) -> Vec<u32> {
    const MAX_RUN: usize = 3;
    let is_gap = |line: &Line| !old.contains(&line.number) && !line.has_distinct_word();
    // Blank lines are not in `added`; a stretch must still be one piece of code.
    let next_to = |a: &Line, b: &Line| b.number <= a.number + 2;
    let mut found = Vec::new();
    let mut before: Option<&Line> = None;
    let mut run: Vec<&Line> = Vec::new();
    for line in added.iter().map(Some).chain([None]) {
        match line {
            Some(line) if is_gap(line) => run.push(line),
            after => {
                if let (Some(before), Some(first), Some(last)) = (before, run.first(), run.last()) {
                    let joined = next_to(before, first)
                        && run.windows(2).all(|pair| match pair {
                            [a, b] => next_to(a, b),
                            _ => true,
                        });
                    // Between two old lines, or closing what the old lines opened at the
                    // end of the stretch (`    }` and `}` after a moved body).
                    let closed = match after {
                        Some(after) if next_to(last, after) => old.contains(&after.number),
                        _ => run
                            .iter()
                            .all(|line| line.collapsed.chars().all(|c| "}])];, ".contains(c))),
                    };
                    if run.len() <= MAX_RUN && joined && old.contains(&before.number) && closed {
                        found.extend(run.iter().map(|line| line.number));
                    }
                }
                run.clear();
                before = after;
            }
        }
    }
    found
}
