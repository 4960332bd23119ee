//! ponder's model of a change, as `git/` reads it: the commits of a range, and the files
//! each commit (and the range as a whole) touches, with their old and new text and the
//! line numbers of every added and removed line. Nothing here knows about git2 or syn.

mod moved;

use std::collections::BTreeSet;

pub use moved::MovedCode;

/// Everything the rules look at: a resolved range, its commits, and the range diff.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// The base commit (`None` when the range starts at the empty tree).
    pub base: Option<String>,
    /// The head commit (`None` in an unborn repository).
    pub head: Option<String>,
    /// Commits of the range, oldest first.
    pub commits: Vec<Commit>,
    /// The diff of the whole range (base tree to head tree, or to the work tree).
    pub files: Vec<FileChange>,
    /// Uncommitted work, as its own diff against HEAD, in the no-argument form.
    pub work_tree: Option<Vec<FileChange>>,
}

#[derive(Debug, Clone)]
pub struct Commit {
    pub sha: String,
    /// The first parent (`None` for a root commit): what the commit's diff is against.
    pub parent: Option<String>,
    pub subject: String,
    /// The message after the subject line, trimmed (trailers included).
    pub body: String,
    pub is_merge: bool,
    /// The diff against the first parent (empty for merges, which rules skip).
    pub files: Vec<FileChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    /// Mode or type change (file to symlink, say) with no text to compare.
    TypeChange,
}

/// Why a file's text is not available to the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    Binary,
    NotUtf8,
    /// Over the limit of bytes per file (the limit, in bytes).
    TooLarge {
        limit: u64,
    },
    /// Over the limit of lines per file (the limit).
    TooManyLines {
        limit: usize,
    },
    /// A symbolic link: its target is never read, in git or on disk.
    Symlink,
    /// A submodule: its commits belong to another repository.
    Submodule,
    /// Neither a regular file, a symlink nor a submodule, or gone before it could be read.
    NotAFile,
    /// Past the limit of files read per diff (the limit).
    BeyondFileLimit {
        limit: usize,
    },
    /// The content is not in the repository: a partial (`--filter`) or damaged clone.
    Missing,
    /// A path no checkout can have (`..`, `.` or `.git` as one of its parts, built with
    /// `git mktree`): shown in SARIF or an annotation it would point outside the
    /// repository, so it is never read.
    UnsafePath,
}

/// Whether `path` has a part that is `..`, `.`, `.git` (in any case) or empty, split at
/// `/` and at `\` (a separator where the path may end up): git refuses to check such a
/// path out, and another tool would resolve it outside the repository.
pub fn is_unsafe_path(path: &str) -> bool {
    path.split(['/', '\\'])
        .any(|part| matches!(part, "" | "." | "..") || part.eq_ignore_ascii_case(".git"))
}

impl SkipReason {
    pub fn describe(self) -> String {
        match self {
            SkipReason::Binary => "binary file".to_string(),
            SkipReason::NotUtf8 => "not valid UTF-8".to_string(),
            SkipReason::TooLarge { limit } => {
                format!("larger than {}, ponder's limit per file", byte_size(limit))
            }
            SkipReason::TooManyLines { limit } => {
                format!("more than {limit} lines, ponder's limit per file")
            }
            SkipReason::Symlink => "a symbolic link, never followed".to_string(),
            SkipReason::Submodule => "a submodule, whose code is another repository's".to_string(),
            SkipReason::NotAFile => "not a regular file".to_string(),
            SkipReason::BeyondFileLimit { limit } => {
                format!("beyond the first {limit} changed files, ponder's limit per change")
            }
            SkipReason::UnsafePath => {
                "unsafe path: a part of it is `..`, `.` or `.git`, which git refuses to check \
                 out, so it is never read"
                    .to_string()
            }
            SkipReason::Missing => "its content is missing from this repository (a partial clone: \
                 `git fetch --refetch --no-filter origin` fetches it)"
                .to_string(),
        }
    }
}

fn byte_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Identifies one version of a file's text: a blob id for committed content, a content
/// hash for work-tree content. The syntax cache is keyed by it, so a blob that is the new
/// version in one commit and the old one in the next is parsed once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextKey(pub String);

#[derive(Debug, Clone)]
pub struct Text {
    pub key: TextKey,
    pub content: std::sync::Arc<str>,
}

#[derive(Debug, Clone)]
pub struct FileChange {
    /// Path in the new version (the old path for deletions), `/`-separated.
    pub path: String,
    /// The path before a rename or copy.
    pub old_path: Option<String>,
    pub status: FileStatus,
    pub old: Option<Text>,
    pub new: Option<Text>,
    pub skipped: Option<SkipReason>,
    pub hunks: Vec<Hunk>,
    /// 1-based line numbers, in the new version, of added lines.
    pub added_lines: BTreeSet<u32>,
    /// 1-based line numbers, in the old version, of removed lines.
    pub removed_lines: BTreeSet<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    pub added: u32,
    pub removed: u32,
}

impl FileChange {
    pub fn is_rust(&self) -> bool {
        self.path.ends_with(".rs")
    }

    /// Generated (`@generated` or "do not edit" near the top, `generated` in the path) or
    /// vendored (`vendor/`, `third_party/`): not hand-written code, whoever committed it.
    pub fn is_generated_or_vendored(&self) -> bool {
        let path = self.path.as_str();
        let vendored = path.split('/').any(|segment| {
            matches!(
                segment,
                "vendor" | "vendored" | "third_party" | "third-party"
            )
        });
        let generated_path = path.contains("generated") || path.ends_with(".pb.rs");
        let generated_header = self.new.as_ref().is_some_and(|text| {
            text.content.lines().take(15).any(|line| {
                let lower = line.to_ascii_lowercase();
                lower.contains("@generated")
                    || lower.contains("automatically generated")
                    || lower.contains("auto-generated")
                    || lower.contains("do not edit")
            })
        });
        vendored || generated_path || generated_header
    }

    /// The old side of the hunk that adds `line`: each of its lines with its number in
    /// the old text. Empty when no hunk adds the line or there is no old text.
    pub fn old_lines_of_hunk_at(&self, line: u32) -> Vec<(u32, &str)> {
        let hunk = self
            .hunks
            .iter()
            .find(|h| (h.new_start..h.new_start + h.new_lines).contains(&line));
        let (Some(hunk), Some(old)) = (hunk, self.old.as_ref()) else {
            return Vec::new();
        };
        let first = hunk.old_start.max(1);
        old.content
            .lines()
            .zip(1u32..)
            .skip(first as usize - 1)
            .take(hunk.old_lines as usize)
            .map(|(text, number)| (number, text))
            .collect()
    }

    pub fn added_count(&self) -> usize {
        self.added_lines.len()
    }

    pub fn removed_count(&self) -> usize {
        self.removed_lines.len()
    }

    /// The text of an added line (1-based, new version).
    pub fn new_line(&self, line: u32) -> Option<&str> {
        let text = self.new.as_ref()?;
        numbered_lines(&text.content, [line]).into_iter().next()
    }

    /// Texts of the added lines, in order.
    pub fn added_texts(&self) -> Vec<&str> {
        match &self.new {
            Some(text) => numbered_lines(&text.content, self.added_lines.iter().copied()),
            None => Vec::new(),
        }
    }

    /// Texts of the removed lines, in order.
    pub fn removed_texts(&self) -> Vec<&str> {
        match &self.old {
            Some(text) => numbered_lines(&text.content, self.removed_lines.iter().copied()),
            None => Vec::new(),
        }
    }
}

/// The lines of `text` with the given 1-based numbers (ascending; others are skipped), cut
/// as `str::lines` cuts them. Only the text up to the last wanted line is scanned, a
/// newline search per line rather than a set lookup per line: the commit-level rules ask
/// for a few changed lines of long files in each of thousands of commits.
pub fn numbered_lines(text: &str, numbers: impl IntoIterator<Item = u32>) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    let mut current = 1u32;
    for number in numbers {
        if number < current {
            continue;
        }
        while current < number {
            match rest.find('\n') {
                Some(end) => rest = rest.get(end + 1..).unwrap_or(""),
                None => return lines,
            }
            current += 1;
        }
        if rest.is_empty() {
            return lines;
        }
        let line = match rest.find('\n') {
            Some(end) => rest.get(..end).unwrap_or(""),
            None => rest,
        };
        lines.push(line.strip_suffix('\r').unwrap_or(line));
    }
    lines
}

impl Commit {
    pub fn short_sha(&self) -> &str {
        self.sha.get(..10).unwrap_or(&self.sha)
    }

    pub fn message(&self) -> String {
        if self.body.is_empty() {
            self.subject.clone()
        } else {
            format!("{}\n\n{}", self.subject, self.body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::numbered_lines;

    #[test]
    fn numbered_lines_cuts_lines_as_str_lines_does() {
        let text = "one\r\ntwo\n\nfour\nfive";
        let every: Vec<&str> = text.lines().collect();
        assert_eq!(numbered_lines(text, 1..=5), every);
        assert_eq!(numbered_lines(text, [2, 4]), vec!["two", "four"]);
        assert_eq!(numbered_lines(text, [3]), vec![""]);
    }

    #[test]
    fn numbered_lines_ignores_numbers_past_the_end_or_out_of_order() {
        assert_eq!(numbered_lines("a\nb\n", [2, 3, 9]), vec!["b"]);
        assert_eq!(numbered_lines("a\nb", [2, 1]), vec!["b"]);
        assert_eq!(numbered_lines("a\n", [0, 1]), vec!["a"]);
        assert!(numbered_lines("", [1]).is_empty());
    }
}
