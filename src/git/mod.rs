//! Reads a change out of a git repository: resolves the range the user named (or the
//! default one), walks its commits, and diffs trees (and the work tree) into ponder's own
//! model (`crate::change`). This is the only module that uses git2.
//!
//! Committed content is read from git objects only. The work tree is read only in the
//! no-argument form, and never through a symlink.

mod diff;
mod range;

use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryOpenFlags};

use crate::change::Change;
use crate::error::Error;

pub use range::RangeSpec;

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

pub struct Repo {
    repo: Repository,
}

impl Repo {
    /// Opens the repository at `path` or the one that contains it.
    pub fn open(path: &Path) -> Result<Repo, Error> {
        let repo = Repository::open_ext(path, RepositoryOpenFlags::empty(), [] as [&Path; 0])
            .map_err(|source| Error::NotARepository {
                path: path.to_path_buf(),
                reason: source.message().to_string(),
            })?;
        Ok(Repo { repo })
    }

    /// The work tree's root, or `None` for a bare repository.
    pub fn work_dir(&self) -> Option<PathBuf> {
        self.repo.workdir().map(Path::to_path_buf)
    }

    /// The bytes of `path` as committed at `revision`, or `None` when it is not there.
    /// Used for `.ponder.toml`, which is read from the analysed head, not from the disk,
    /// in ranges that do not include the work tree. A symlink or submodule at `path` counts
    /// as absent, as a symlinked `.ponder.toml` in the work tree does.
    pub fn file_at(&self, revision: &str, path: &str) -> Option<Vec<u8>> {
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
        let blob = entry.to_object(&self.repo).ok()?.peel_to_blob().ok()?;
        Some(blob.content().to_vec())
    }

    /// Reads the change that `spec` names.
    pub fn read_change(&self, spec: &RangeSpec, options: &ReadOptions) -> Result<Change, Error> {
        let resolved = range::resolve(&self.repo, spec)?;
        diff::read(&self.repo, &resolved, options)
    }
}
