//! What a caller asks ponder to analyse: the repository, the range, the configuration
//! and coverage files, and the pull request's description.

use std::path::PathBuf;

use crate::git::{RangeSpec, Repo};
use crate::Error;

/// What to analyse and how.
#[derive(Debug, Clone)]
pub struct Request {
    pub repo: PathBuf,
    /// Open the repository as git would from `GIT_DIR`, `GIT_WORK_TREE` and the rest of
    /// its environment, not at `repo` (the CLI's choice when `--repo` is not given).
    pub git_env: bool,
    pub range: RangeSpec,
    /// `--config PATH`; otherwise `.ponder.toml` at the repository root.
    pub config: Option<PathBuf>,
    /// `--coverage PATH`: an lcov file whose line hits decide which new branches ran.
    pub coverage: Option<PathBuf>,
    /// The pull request's description (`--description-file`, or the pull request body
    /// in GitHub Actions): read for a branch analysed as a whole, not for `--commit`.
    pub description: Option<String>,
}

impl Request {
    /// The no-argument form in `repo`: the branch against its base, plus work in progress.
    pub fn new(repo: impl Into<PathBuf>) -> Request {
        Request {
            repo: repo.into(),
            git_env: false,
            range: RangeSpec::Default,
            config: None,
            coverage: None,
            description: None,
        }
    }

    /// The repository to analyse: `--repo PATH` (or the current directory), or where git's
    /// environment (`GIT_DIR`, `GIT_WORK_TREE`) puts it.
    pub(crate) fn open(&self) -> Result<Repo, Error> {
        if self.git_env {
            Repo::open_from_env()
        } else {
            Repo::open(&self.repo)
        }
    }
}
