//! Reads a change out of a git repository: resolves the range the user named (or the
//! default one), walks its commits, and diffs trees (and the work tree) into ponder's own
//! model (`crate::change`). This is the only module that uses git2.
//!
//! Committed content is read from git objects only. The work tree is read only in the
//! no-argument form, and never through a symlink.

mod copies;
mod diff;
mod hooks;
mod open;
mod range;
mod sources;

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::change::{Change, Commit, FileChange};
use crate::error::Error;
use crate::timings::Timings;

pub use range::{RangeSpec, Resolved};
pub use sources::PackageSources;

/// What `read_change` may read and how much: the analysed repository is untrusted, and a
/// change of any size must still finish. Past each limit a file is listed as skipped, with
/// the reason, never silently dropped.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Files larger than this (in bytes) are skipped, not read.
    pub max_file_bytes: u64,
    /// Files with more lines than this are skipped, not read: a 200,000-line generated
    /// table is not code a reviewer reads line by line, and parsing it costs seconds.
    pub max_file_lines: usize,
    /// At most this many changed files are read per diff (the range, each commit, the
    /// work in progress), Rust files first; the rest are skipped.
    pub max_files: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_bytes: 4 * 1024 * 1024,
            max_file_lines: 50_000,
            max_files: 5_000,
        }
    }
}

/// Process-wide libgit2 settings, applied once before the first repository is opened
/// (and so before any worker thread uses libgit2).
pub(super) fn configure_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // libgit2 re-hashes every object it inflates to check its id; git itself does not
        // on reads, and on a long history the SHA-1 work was a tenth of ponder's time.
        git2::opts::strict_hash_verification(false);
        // By default a pack is mapped whole, once per repository handle, and every page
        // read stays resident: with one handle per worker, tokio's 61 MB pack alone
        // cost more than the 100 MB memory budget. Small windows under a shared cap keep
        // the mapped part bounded; re-mapping a window is cheap next to inflating it.
        // SAFETY: these set C globals without synchronisation; `call_once` runs them
        // before the first repository is opened, so no other thread uses libgit2 yet.
        // A failure leaves libgit2's defaults, which are correct, only larger.
        unsafe {
            let _ = git2::opts::set_mwindow_size(4 * 1024 * 1024);
            let _ = git2::opts::set_mwindow_mapped_limit(24 * 1024 * 1024);
        }
    });
}

pub struct Repo {
    repo: Repository,
}

/// A committed file read up to a bound.
#[derive(Debug)]
pub enum Bounded {
    Within(Vec<u8>),
    TooLarge,
}

impl Repo {
    /// The work tree's root, or `None` for a bare repository.
    pub fn work_dir(&self) -> Option<PathBuf> {
        self.repo.workdir().map(Path::to_path_buf)
    }

    /// The bytes of `path` as committed at `revision`, or `None` when it is not there.
    /// Used for `.ponder.toml`, which is read from the analysed head, not from the disk,
    /// in ranges that do not include the work tree. A symlink or submodule at `path` counts
    /// as absent, as a symlinked `.ponder.toml` in the work tree does. A blob larger than
    /// `limit` is not read at all.
    pub fn file_at(&self, revision: &str, path: &str, limit: u64) -> Option<Bounded> {
        let tree = self
            .repo
            .revparse_single(revision)
            .ok()?
            .peel_to_tree()
            .ok()?;
        let entry = tree.get_path(Path::new(path)).ok()?;
        // A committed symlink's blob is its target's path, not the file it points at.
        let mode = entry.filemode();
        if mode != i32::from(git2::FileMode::Blob)
            && mode != i32::from(git2::FileMode::BlobExecutable)
        {
            return None;
        }
        // The header says the size: a huge blob is never inflated.
        let odb = self.repo.odb().ok()?;
        let (size, _) = odb.read_header(entry.id()).ok()?;
        if size as u64 > limit {
            return Some(Bounded::TooLarge);
        }
        let blob = entry.to_object(&self.repo).ok()?.peel_to_blob().ok()?;
        Some(Bounded::Within(blob.content().to_vec()))
    }

    /// Turns what the user typed into a base and a head commit.
    pub fn resolve(&self, spec: &RangeSpec) -> Result<Resolved, Error> {
        range::resolve(&self.repo, spec)
    }

    /// For `A..B` or `A...B` that is empty because `B` is an ancestor of `A`: the range as
    /// typed and the swapped form that reads those commits.
    pub fn swapped_range(&self, spec: &RangeSpec) -> Option<(String, String)> {
        range::swapped_form(&self.repo, spec)
    }

    /// Reads a resolved range, adding the time spent diffing and reading blobs to
    /// `timings` (stages `diff` and `read`).
    pub fn read_resolved(
        &self,
        resolved: &Resolved,
        options: &ReadOptions,
        timings: &mut Timings,
    ) -> Result<Change, Error> {
        diff::read(&self.repo, resolved, options, timings, true)
    }

    /// Reads a resolved range without each commit's own diff: the range diff, the work
    /// tree, and the commits' messages. `read_commit_files` reads a commit's diff.
    pub fn read_range_without_commit_files(
        &self,
        resolved: &Resolved,
        options: &ReadOptions,
        timings: &mut Timings,
    ) -> Result<Change, Error> {
        diff::read(&self.repo, resolved, options, timings, false)
    }

    /// The commits of a range, oldest first, with messages and no diffs.
    pub fn list_commits(&self, resolved: &Resolved) -> Result<Vec<Commit>, Error> {
        diff::list_commits(&self.repo, resolved)
    }

    /// One commit's diff against its first parent. Its files' texts are read only when
    /// `needs_texts`, given the files with their hunks, says a rule will read them.
    pub fn read_commit_files(
        &self,
        sha: &str,
        options: &ReadOptions,
        timings: &mut Timings,
        needs_texts: &dyn Fn(&[FileChange]) -> bool,
    ) -> Result<Vec<FileChange>, Error> {
        diff::read_commit_files(&self.repo, sha, options, timings, needs_texts)
    }
}
