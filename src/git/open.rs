//! Opening a repository, and saying clearly why one could not be opened or read: owned by
//! another user (`safe.directory`), a SHA-256 repository libgit2 cannot open, a partial
//! clone whose missing objects libgit2 cannot fetch. Each would otherwise read as "not a
//! repository" or as damage to check with `git fsck`.

use std::path::{Path, PathBuf};

use git2::{ErrorClass, ErrorCode, Repository, RepositoryOpenFlags};

use super::Repo;
use crate::error::Error;

impl Repo {
    /// Opens the repository at `path` or the one that contains it.
    pub fn open(path: &Path) -> Result<Repo, Error> {
        super::configure_libgit2();
        let repo = Repository::open_ext(path, RepositoryOpenFlags::empty(), [] as [&Path; 0])
            .map_err(|error| open_failed(path, &error))?;
        Ok(Repo { repo })
    }

    /// Opens the repository as git would from its environment: `GIT_DIR`, `GIT_WORK_TREE`,
    /// `GIT_CEILING_DIRECTORIES` and the rest, else the one containing the current
    /// directory.
    pub fn open_from_env() -> Result<Repo, Error> {
        super::configure_libgit2();
        let repo = Repository::open_from_env().map_err(|error| {
            let path =
                std::env::var_os("GIT_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
            open_failed(&path, &error)
        })?;
        Ok(Repo { repo })
    }

    /// The git directory (`.git`, or the repository itself when bare).
    pub fn git_dir(&self) -> PathBuf {
        self.repo.path().to_path_buf()
    }

    /// `error`, said more precisely where this repository explains it: in a partial clone a
    /// missing object is one libgit2 could not fetch, not damage.
    pub fn diagnose(&self, error: Error) -> Error {
        let Error::Git {
            action,
            subject,
            message,
        } = error
        else {
            return error;
        };
        match self.partial_clone() {
            Some((remote, filter)) => Error::PartialClone {
                action,
                subject,
                message,
                remote,
                filter,
            },
            None => Error::Git {
                action,
                subject,
                message,
            },
        }
    }

    /// The promisor remote and its filter, when this is a partial clone
    /// (`remote.NAME.promisor`, or the older `extensions.partialclone`).
    fn partial_clone(&self) -> Option<(String, String)> {
        let config = self.repo.config().ok()?.snapshot().ok()?;
        let mut promisor = config.get_string("extensions.partialclone").ok();
        if promisor.is_none() {
            let entries = config.entries(Some(r"remote\..*\.promisor")).ok()?;
            entries
                .for_each(|entry| {
                    let name = entry.name().unwrap_or_default();
                    let on = entry.value().ok().is_some_and(|v| {
                        matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "1")
                    });
                    if on && promisor.is_none() {
                        promisor = name
                            .strip_prefix("remote.")
                            .and_then(|rest| rest.strip_suffix(".promisor"))
                            .map(str::to_string);
                    }
                })
                .ok()?;
        }
        let remote = promisor?;
        let filter = config
            .get_string(&format!("remote.{remote}.partialclonefilter"))
            .unwrap_or_else(|_| "…".to_string());
        Some((remote, filter))
    }
}

/// Why `path` could not be opened, in the terms of what to do about it.
pub(super) fn open_failed(path: &Path, error: &git2::Error) -> Error {
    if is_owner_mismatch(error) {
        return Error::DubiousOwnership {
            path: owned_path(path, error.message()),
        };
    }
    if let Some(format) = object_format(path, error.message()) {
        return Error::UnsupportedObjectFormat {
            path: path.to_path_buf(),
            format,
        };
    }
    Error::NotARepository {
        path: path.to_path_buf(),
        reason: error.message().to_string(),
    }
}

fn is_owner_mismatch(error: &git2::Error) -> bool {
    error.code() == ErrorCode::Owner
        || (error.class() == ErrorClass::Config
            && error.message().contains("not owned by current user"))
}

/// The path `safe.directory` must list: the one libgit2 names (`repository path '…'`),
/// its work tree rather than its `.git`, as git compares them.
fn owned_path(path: &Path, message: &str) -> PathBuf {
    let named = message
        .split_once('\'')
        .and_then(|(_, rest)| rest.rsplit_once('\''))
        .map(|(named, _)| named.trim_end_matches('/'));
    match named {
        Some(named) => {
            let named = named.strip_suffix("/.git").unwrap_or(named);
            PathBuf::from(named)
        }
        None => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The object format of the repository at or above `path` when it is not SHA-1:
/// `extensions.objectformat` in its configuration, or libgit2's own word for it.
fn object_format(path: &Path, message: &str) -> Option<String> {
    let start = path.canonicalize().ok()?;
    for dir in start.ancestors() {
        let candidates = [dir.join(".git").join("config"), dir.join("config")];
        for config in candidates {
            let regular = std::fs::symlink_metadata(&config).is_ok_and(|m| m.is_file());
            if !regular {
                continue;
            }
            // Only the file itself: its includes are not followed.
            let format = git2::Config::open(&config)
                .ok()
                .and_then(|c| c.get_string("extensions.objectformat").ok());
            match format {
                Some(f) if f.eq_ignore_ascii_case("sha256") => return Some("SHA-256".to_string()),
                Some(f) if !f.eq_ignore_ascii_case("sha1") => return Some(f),
                _ => {}
            }
        }
    }
    message
        .contains("object format")
        .then(|| "SHA-256".to_string())
}

#[cfg(test)]
mod tests {
    use super::open_failed;
    use crate::error::Error;
    use git2::{ErrorClass, ErrorCode};
    use std::path::Path;

    #[test]
    fn an_owner_mismatch_names_safe_directory_and_the_work_tree() {
        let error = git2::Error::new(
            ErrorCode::Owner,
            ErrorClass::Config,
            "repository path '/srv/repo/.git' is not owned by current user",
        );
        let Error::DubiousOwnership { path } = open_failed(Path::new("."), &error) else {
            panic!("expected dubious ownership");
        };
        assert_eq!(path, Path::new("/srv/repo"));
        let help = miette::Diagnostic::help(&Error::DubiousOwnership { path })
            .map(|help| help.to_string())
            .unwrap_or_default();
        assert!(
            help.contains("`git config --global --add safe.directory /srv/repo`"),
            "{help}"
        );
    }

    #[test]
    fn other_failures_are_not_a_repository() {
        let error = git2::Error::new(ErrorCode::NotFound, ErrorClass::Repository, "nothing here");
        assert!(matches!(
            open_failed(Path::new("/nonexistent-ponder-test"), &error),
            Error::NotARepository { .. }
        ));
    }
}
