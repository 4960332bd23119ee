//! Where a question about a whole commit is shown by formats that need a file and a line
//! for every finding (SARIF for code scanning, GitLab's Code Quality report): a line the
//! commit adds, so that the finding lands in the pull request's diff.
//!
//! The anchor is the first added line (not blank) of the commit's largest hunk of production Rust
//! code (by added lines; the first such hunk on a tie, in path order), else of its
//! largest hunk in any file, else the place of its largest removal in a file that still
//! exists. A commit that only deletes files has no anchor.
//!
//! Lines are numbered in the commit's own version. In a range, later commits may shift
//! them, so `relocate` moves an anchor to the line of the range diff that adds the same
//! text, nearest the original number, when the range still adds it.

use crate::change::{FileChange, FileStatus, Hunk};
use crate::model::CommitAnchor;
use crate::rules::helpers::is_production_rust;

/// The anchor of a commit whose diff is `files`.
pub fn anchor(files: &[FileChange]) -> Option<CommitAnchor> {
    let existing = || files.iter().filter(|f| f.status != FileStatus::Deleted);
    let largest = |candidates: Vec<&FileChange>| {
        let mut best: Option<(&FileChange, &Hunk, u32)> = None;
        for file in candidates {
            for hunk in &file.hunks {
                let Some(first) = first_added(file, hunk) else {
                    continue;
                };
                if best.is_none_or(|(_, b, _)| hunk.added > b.added) {
                    best = Some((file, hunk, first));
                }
            }
        }
        best.map(|(file, _, line)| at(file, line))
    };
    largest(existing().filter(|f| is_production_rust(f, None)).collect())
        .or_else(|| largest(existing().collect()))
        .or_else(|| {
            let (file, hunk) = existing()
                .flat_map(|f| f.hunks.iter().map(move |h| (f, h)))
                .max_by_key(|(_, h)| (h.removed, std::cmp::Reverse(h.new_start)))?;
            Some(at(file, hunk.new_start.max(1)))
        })
}

/// The first added line inside `hunk` that is not blank (a hunk that adds a function
/// often starts with the empty line before it), else the first added line.
fn first_added(file: &FileChange, hunk: &Hunk) -> Option<u32> {
    let end = hunk.new_start.saturating_add(hunk.new_lines);
    let mut added = file.added_lines.range(hunk.new_start..end).copied();
    let first = added.clone().next()?;
    Some(
        added
            .find(|line| file.new_line(*line).is_some_and(|t| !t.trim().is_empty()))
            .unwrap_or(first),
    )
}

fn at(file: &FileChange, line: u32) -> CommitAnchor {
    CommitAnchor {
        path: file.path.clone(),
        line,
        code: file.new_line(line).map(str::to_string),
    }
}

/// `anchor` in the coordinates of the range diff `files`: the added line of the same file
/// with the same text (whitespace aside) nearest the anchor's own number. Unchanged when
/// the range adds no such line, or the anchor's text is not known.
pub fn relocate(anchor: CommitAnchor, files: &[FileChange]) -> CommitAnchor {
    let (Some(code), Some(file)) = (
        anchor.code.as_deref(),
        files.iter().find(|f| f.path == anchor.path),
    ) else {
        return anchor;
    };
    let wanted = code.trim();
    let found = file
        .added_lines
        .iter()
        .copied()
        .zip(file.added_texts())
        .filter(|(_, text)| text.trim() == wanted)
        .min_by_key(|(line, _)| line.abs_diff(anchor.line))
        .map(|(line, _)| line);
    match found {
        Some(line) => CommitAnchor { line, ..anchor },
        None => anchor,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use super::{anchor, relocate, CommitAnchor};
    use crate::change::{FileChange, FileStatus, Hunk, Text, TextKey};

    fn file(path: &str, content: &str, hunks: &[(u32, u32, u32)]) -> FileChange {
        let mut added_lines = BTreeSet::new();
        let hunks = hunks
            .iter()
            .map(|&(start, lines, added)| {
                added_lines.extend(start + lines - added..start + lines);
                Hunk {
                    old_start: start,
                    old_lines: lines - added,
                    new_start: start,
                    new_lines: lines,
                    added,
                    removed: 0,
                }
            })
            .collect();
        FileChange {
            path: path.to_string(),
            old_path: None,
            status: FileStatus::Modified,
            old: None,
            new: Some(Text {
                key: TextKey(path.to_string()),
                content: Arc::from(content),
            }),
            skipped: None,
            hunks,
            added_lines,
            removed_lines: BTreeSet::new(),
        }
    }

    fn numbered(count: u32) -> String {
        (1..=count).map(|n| format!("line {n}\n")).collect()
    }

    #[test]
    fn the_largest_production_hunk_wins_over_a_larger_one_in_tests_or_manifests() {
        let files = [
            file("Cargo.lock", &numbered(90), &[(1, 80, 80)]),
            file("src/lib.rs", &numbered(60), &[(3, 2, 2), (20, 12, 10)]),
            file("tests/cli.rs", &numbered(90), &[(1, 50, 50)]),
        ];
        let found = anchor(&files).map(|a| (a.path, a.line));
        assert_eq!(found, Some(("src/lib.rs".to_string(), 22)));
    }

    #[test]
    fn without_production_code_the_largest_hunk_of_any_file_is_used() {
        let files = [
            file("README.md", &numbered(30), &[(5, 3, 3)]),
            file("tests/cli.rs", &numbered(90), &[(40, 9, 6)]),
        ];
        let found = anchor(&files).map(|a| (a.path, a.line));
        assert_eq!(found, Some(("tests/cli.rs".to_string(), 43)));
    }

    #[test]
    fn a_later_commit_that_shifts_the_line_moves_the_anchor_to_the_added_text() {
        let commit_anchor = CommitAnchor {
            path: "src/lib.rs".to_string(),
            line: 4,
            code: Some("    let x = parse(input);".to_string()),
        };
        let range = file(
            "src/lib.rs",
            "a\nb\nc\nd\ne\nf\nlet x = parse(input);\n",
            &[(1, 7, 7)],
        );
        assert_eq!(relocate(commit_anchor.clone(), &[range]).line, 7);
        let unrelated = file("src/lib.rs", &numbered(9), &[(1, 9, 9)]);
        assert_eq!(relocate(commit_anchor, &[unrelated]).line, 4);
    }
}
