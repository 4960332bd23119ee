//! Walks a resolved range and turns git diffs into `FileChange`s: per commit (against the
//! first parent, for the commit-level rules) and for the range as a whole (for the
//! code-level rules), with renames detected so that a moved file is not "new code".

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use git2::{Delta, Diff, DiffFindOptions, DiffOptions, Oid, Patch, Repository, Sort, Tree};

use super::range::Resolved;
use super::ReadOptions;
use crate::change::{is_unsafe_path, Change, Commit, FileChange, FileStatus, Hunk, SkipReason};
use crate::error::Error;
use crate::timings::Timings;

mod texts;

pub(super) use texts::decode;
use texts::not_regular;

/// Reads the range diff and its commits; each commit's own diff only when
/// `with_commit_files` (history-wide callers read those one commit at a time instead).
pub fn read(
    repo: &Repository,
    range: &Resolved,
    options: &ReadOptions,
    timings: &mut Timings,
    with_commit_files: bool,
) -> Result<Change, Error> {
    let start = Instant::now();
    let mut reader = Reader {
        repo,
        options,
        blobs: HashMap::new(),
        blob_time: Duration::ZERO,
    };
    let base_tree = range.base.map(|id| reader.tree_of(id)).transpose()?;
    let head_tree = range.head.map(|id| reader.tree_of(id)).transpose()?;

    let mut commits = list_commits(repo, range)?;
    if with_commit_files {
        for commit in &mut commits {
            if !commit.is_merge {
                commit.files = reader.commit_files(&commit.sha, &|_| true)?;
            }
        }
    }

    let (files, work_tree) = if range.include_work_tree {
        let files = reader.work_tree_diff(base_tree.as_ref())?;
        let uncommitted = reader.work_tree_diff(head_tree.as_ref())?;
        let work_tree = (!uncommitted.is_empty()).then_some(uncommitted);
        (files, work_tree)
    } else {
        let diff = reader.tree_diff(base_tree.as_ref(), head_tree.as_ref())?;
        (reader.files(&diff, false, &|_| true)?, None)
    };

    timings.add("diff", start.elapsed().saturating_sub(reader.blob_time));
    timings.add("read", reader.blob_time);
    Ok(Change {
        base: range.base.map(|id| id.to_string()),
        head: range.head.map(|id| id.to_string()),
        commits,
        files,
        work_tree,
    })
}

/// The commits of a range, oldest first, with their messages but not their diffs.
pub fn list_commits(repo: &Repository, range: &Resolved) -> Result<Vec<Commit>, Error> {
    let Some(head) = range.head else {
        return Ok(Vec::new());
    };
    let walk_error = |e| Error::git("walking the history of", &head.to_string(), e);
    let mut walk = repo.revwalk().map_err(walk_error)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(walk_error)?;
    walk.push(head).map_err(walk_error)?;
    if let Some(base) = range.base {
        walk.hide(base).map_err(walk_error)?;
    }
    let shallow_roots = super::range::shallow_roots(repo);
    let mut commits = Vec::new();
    for id in walk {
        let id = id.map_err(walk_error)?;
        if range.single_commit && id != head {
            continue;
        }
        // At the edge of a shallow clone a commit seems to have no parent: diffing it
        // against the empty tree would call the whole repository new. Whatever the range
        // form, such a commit means the history to analyse was not fetched.
        if shallow_roots.contains(&id) {
            let short = id.to_string().get(..10).unwrap_or_default().to_string();
            return Err(Error::ShallowMissing {
                revision: format!("{short}^"),
                fetch: "git fetch --unshallow".to_string(),
            });
        }
        let commit = repo
            .find_commit(id)
            .map_err(|e| Error::git("reading commit", &id.to_string(), e))?;
        let message = texts::commit_message(
            commit.message_bytes(),
            commit.message_encoding().ok().flatten(),
        );
        let (subject, body) = split_message(&message);
        commits.push(Commit {
            sha: id.to_string(),
            parent: commit.parent_id(0).ok().map(|id| id.to_string()),
            subject,
            body,
            is_merge: commit.parent_count() > 1,
            files: Vec::new(),
        });
    }
    Ok(commits)
}

/// One commit's diff against its first parent, for history-wide callers that read a
/// range one commit at a time; the time goes to `timings` as for `read`. The files' texts
/// are read only when `needs_texts`, given the files with their hunks, says so.
pub fn read_commit_files(
    repo: &Repository,
    sha: &str,
    options: &ReadOptions,
    timings: &mut Timings,
    needs_texts: &dyn Fn(&[FileChange]) -> bool,
) -> Result<Vec<FileChange>, Error> {
    let start = Instant::now();
    let mut reader = Reader {
        repo,
        options,
        blobs: HashMap::new(),
        blob_time: Duration::ZERO,
    };
    let files = reader.commit_files(sha, needs_texts);
    timings.add("diff", start.elapsed().saturating_sub(reader.blob_time));
    timings.add("read", reader.blob_time);
    files
}

/// Where a file's texts are: its old and new blob ids (`None` where the side does not
/// exist) and its new path, for a new side read from the work tree.
type TextSource = (Option<Oid>, Option<Oid>, String);

struct Reader<'r> {
    repo: &'r Repository,
    options: &'r ReadOptions,
    /// Blob texts already loaded, so a blob shared by several diffs is held once.
    blobs: HashMap<Oid, Result<Arc<str>, SkipReason>>,
    /// Time spent loading and decoding blobs, reported as its own stage.
    blob_time: Duration,
}

impl<'r> Reader<'r> {
    fn tree_of(&self, commit: Oid) -> Result<Tree<'r>, Error> {
        self.repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| Error::git("reading the tree of", &commit.to_string(), e))
    }

    /// The diff of one commit against its first parent (the empty tree for a root).
    fn commit_files(
        &mut self,
        sha: &str,
        needs_texts: &dyn Fn(&[FileChange]) -> bool,
    ) -> Result<Vec<FileChange>, Error> {
        let commit = Oid::from_str(sha)
            .and_then(|id| self.repo.find_commit(id))
            .map_err(|e| Error::git("reading commit", sha, e))?;
        let parent_tree = match commit.parent(0) {
            Ok(parent) => Some(
                parent
                    .tree()
                    .map_err(|e| Error::git("reading the parent of", sha, e))?,
            ),
            Err(_) => None,
        };
        let tree = commit
            .tree()
            .map_err(|e| Error::git("reading the tree of", sha, e))?;
        let diff = self.tree_diff(parent_tree.as_ref(), Some(&tree))?;
        self.files(&diff, false, needs_texts)
    }

    fn diff_options() -> DiffOptions {
        let mut options = DiffOptions::new();
        // No context: hunks are exactly the changed lines, which is what "largest hunk"
        // and "added lines" mean to the rules.
        options.context_lines(0).include_typechange(true);
        options
    }

    /// `diff_options` for the diffs ponder reads files from: libgit2 treats a blob over
    /// the size limit as binary and does not load it (tree diffs do not know blob sizes
    /// until a patch is built, so the limit cannot be checked before).
    fn reading_options(&self) -> DiffOptions {
        let mut options = Self::diff_options();
        options.max_size(i64::try_from(self.options.max_file_bytes).unwrap_or(i64::MAX));
        options
    }

    fn find_renames(diff: &mut Diff<'_>, work_tree: bool) -> Result<(), Error> {
        // A rename ends in an added (or untracked) file: without one there is nothing to
        // pair. Copies are found by `copies::find`, much faster than libgit2 does.
        let has_target = diff
            .deltas()
            .any(|delta| matches!(delta.status(), Delta::Added | Delta::Untracked));
        if !has_target {
            return Ok(());
        }
        let mut find = DiffFindOptions::new();
        find.renames(true).copies(false).for_untracked(work_tree);
        diff.find_similar(Some(&mut find))
            .map_err(|e| Error::git("detecting renames in", "the diff", e))
    }

    fn tree_diff(&self, old: Option<&Tree<'_>>, new: Option<&Tree<'_>>) -> Result<Diff<'r>, Error> {
        let mut options = self.reading_options();
        let mut diff = self
            .repo
            .diff_tree_to_tree(old, new, Some(&mut options))
            .map_err(|e| Error::git("diffing", "the range", e))?;
        Self::find_renames(&mut diff, false)?;
        Ok(diff)
    }

    fn work_tree_diff(&mut self, old: Option<&Tree<'_>>) -> Result<Vec<FileChange>, Error> {
        let mut options = self.reading_options();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .show_untracked_content(true);
        let mut diff = self
            .repo
            .diff_tree_to_workdir_with_index(old, Some(&mut options))
            .map_err(|e| Error::git("diffing", "the work tree", e))?;
        Self::find_renames(&mut diff, true)?;
        self.files(&diff, true, &|_| true)
    }

    /// The diff's files with their hunks, then (when `needs_texts` says a rule will read
    /// them, given the hunks) their old and new texts.
    fn files(
        &mut self,
        diff: &Diff<'_>,
        new_side_is_work_tree: bool,
        needs_texts: &dyn Fn(&[FileChange]) -> bool,
    ) -> Result<Vec<FileChange>, Error> {
        let mut files = Vec::new();
        // Where each file's texts are, for the files whose texts may be read.
        let mut sources: Vec<Option<TextSource>> = Vec::new();
        let read_first = self.files_to_read(diff);
        for (index, delta) in diff.deltas().enumerate() {
            let status = match delta.status() {
                Delta::Added | Delta::Untracked => FileStatus::Added,
                Delta::Deleted => FileStatus::Deleted,
                Delta::Renamed => FileStatus::Renamed,
                Delta::Copied => FileStatus::Copied,
                Delta::Typechange => FileStatus::TypeChange,
                Delta::Modified | Delta::Conflicted => FileStatus::Modified,
                Delta::Unmodified | Delta::Ignored | Delta::Unreadable => continue,
            };
            let old_file = delta.old_file();
            let new_file = delta.new_file();
            let path_of = |file: &git2::DiffFile<'_>| {
                file.path()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default()
            };
            let new_path = path_of(&new_file);
            let old_path = path_of(&old_file);
            let path = if status == FileStatus::Deleted {
                old_path.clone()
            } else {
                new_path.clone()
            };
            let mut change = FileChange {
                path,
                old_path: matches!(status, FileStatus::Renamed | FileStatus::Copied)
                    .then(|| old_path.clone()),
                status,
                old: None,
                new: None,
                skipped: None,
                hunks: Vec::new(),
                added_lines: BTreeSet::new(),
                removed_lines: BTreeSet::new(),
            };

            let old_exists = status != FileStatus::Added;
            let new_exists = status != FileStatus::Deleted;
            let not_regular = [(old_exists, old_file.mode()), (new_exists, new_file.mode())]
                .into_iter()
                .filter(|(exists, _)| *exists)
                .find_map(|(_, mode)| not_regular(mode));
            let too_large = |size: u64| size > self.options.max_file_bytes;
            let up_front = if !read_first.contains(&index) {
                Some(SkipReason::BeyondFileLimit {
                    limit: self.options.max_files,
                })
            } else if not_regular.is_some() {
                not_regular
            } else if is_unsafe_path(&new_path) || is_unsafe_path(&old_path) {
                Some(SkipReason::UnsafePath)
            } else if too_large(old_file.size()) || too_large(new_file.size()) {
                Some(SkipReason::TooLarge {
                    limit: self.options.max_file_bytes,
                })
            } else {
                None
            };
            if up_front.is_some() {
                change.skipped = up_front;
                files.push(change);
                sources.push(None);
                continue;
            }
            let ids = (
                old_exists.then(|| old_file.id()),
                new_exists.then(|| new_file.id()),
            );
            if let Err(error) = read_lines(diff, index, &mut change, self.options.max_file_bytes) {
                // A blob missing from a partial or damaged clone fails the patch: the
                // file is listed as missing, as when its text is read.
                if !self.blobs_exist(ids, new_side_is_work_tree) {
                    change.skipped = Some(SkipReason::Missing);
                    files.push(change);
                    sources.push(None);
                    continue;
                }
                return Err(error);
            }
            if change.skipped == Some(SkipReason::Binary) {
                self.rediff_by_content(
                    &mut change,
                    ids,
                    &old_path,
                    &new_path,
                    new_side_is_work_tree,
                );
            }
            sources.push(Some((ids.0, ids.1, new_path)));
            files.push(change);
        }

        if needs_texts(&files) {
            for (change, source) in files.iter_mut().zip(&sources) {
                let Some((old_id, new_id, new_path)) = source else {
                    continue;
                };
                if change.skipped.is_none() {
                    self.load_texts(change, *old_id, *new_id, new_path, new_side_is_work_tree);
                }
            }
        }
        mark_copies(&mut files)?;
        Ok(files)
    }
}

/// Turns each added Rust file that `copies::find` pairs with a source into a copy of it:
/// its old text is the source's, and its lines are diffed against that text, so only
/// what the copy changed counts as added.
fn mark_copies(files: &mut [FileChange]) -> Result<(), Error> {
    for (copy, source) in super::copies::find(files) {
        let Some(source) = files.get(source) else {
            continue;
        };
        let old_path = source
            .old_path
            .clone()
            .unwrap_or_else(|| source.path.clone());
        let old = source.old.clone();
        let Some(change) = files.get_mut(copy) else {
            continue;
        };
        // Arc clones: the patch borrows both texts while `change` is updated.
        let (Some(old_text), Some(new_text)) = (
            old.as_ref().map(|t| t.content.clone()),
            change.new.as_ref().map(|t| t.content.clone()),
        ) else {
            continue;
        };
        let mut options = Reader::diff_options();
        let patch = Patch::from_buffers(
            old_text.as_bytes(),
            Some(Path::new(&old_path)),
            new_text.as_bytes(),
            Some(Path::new(&change.path)),
            Some(&mut options),
        )
        .map_err(|e| Error::git("reading the diff of", &change.path, e))?;
        change.status = FileStatus::Copied;
        change.old_path = Some(old_path);
        change.old = old;
        change.hunks.clear();
        change.added_lines.clear();
        change.removed_lines.clear();
        record_patch(&patch, change);
    }
    Ok(())
}

/// Records the patch of the diff's `index`th file. A side over `max_bytes` was not loaded
/// (see `reading_options`): the file is skipped for its size, with no line numbers.
fn read_lines(
    diff: &Diff<'_>,
    index: usize,
    change: &mut FileChange,
    max_bytes: u64,
) -> Result<(), Error> {
    let patch = Patch::from_diff(diff, index)
        .map_err(|e| Error::git("reading the diff of", &change.path, e))?;
    let Some(patch) = patch else {
        return Ok(());
    };
    let delta = patch.delta();
    if delta.old_file().size() > max_bytes || delta.new_file().size() > max_bytes {
        change.skipped = Some(SkipReason::TooLarge { limit: max_bytes });
        return Ok(());
    }
    record_patch(&patch, change);
    Ok(())
}

/// Records a patch's hunks and the line numbers of its added and removed lines.
fn record_patch(patch: &Patch<'_>, change: &mut FileChange) {
    if patch.delta().flags().is_binary() {
        change.skipped = Some(SkipReason::Binary);
        change.old = None;
        change.new = None;
        return;
    }
    for hunk_index in 0..patch.num_hunks() {
        let Ok((hunk, line_count)) = patch.hunk(hunk_index) else {
            continue;
        };
        let mut summary = Hunk {
            old_start: hunk.old_start(),
            old_lines: hunk.old_lines(),
            new_start: hunk.new_start(),
            new_lines: hunk.new_lines(),
            added: 0,
            removed: 0,
        };
        for line_index in 0..line_count {
            let Ok(line) = patch.line_in_hunk(hunk_index, line_index) else {
                continue;
            };
            match line.origin() {
                '+' => {
                    if let Some(number) = line.new_lineno() {
                        change.added_lines.insert(number);
                        summary.added += 1;
                    }
                }
                '-' => {
                    if let Some(number) = line.old_lineno() {
                        change.removed_lines.insert(number);
                        summary.removed += 1;
                    }
                }
                _ => {}
            }
        }
        change.hunks.push(summary);
    }
}

fn split_message(message: &str) -> (String, String) {
    let message = message.trim();
    match message.split_once('\n') {
        Some((subject, body)) => (subject.trim().to_string(), body.trim().to_string()),
        None => (message.to_string(), String::new()),
    }
}
