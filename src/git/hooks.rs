//! Where git looks for this repository's hooks: `core.hooksPath` when set (relative to
//! the work tree's root, as git reads it), otherwise the `hooks` folder of the common git
//! directory (shared by every linked work tree).

use std::path::PathBuf;

use super::Repo;
use crate::error::Error;

impl Repo {
    pub fn hooks_dir(&self) -> Result<PathBuf, Error> {
        let config = self
            .repo
            .config()
            .map_err(|e| Error::git("reading the configuration of", "the repository", e))?;
        let root = self
            .repo
            .workdir()
            .unwrap_or_else(|| self.repo.path())
            .to_path_buf();
        match config.get_path("core.hooksPath") {
            Ok(path) if path.is_absolute() => Ok(path),
            Ok(path) => Ok(root.join(path)),
            Err(error) if error.code() == git2::ErrorCode::NotFound => {
                Ok(self.repo.commondir().join("hooks"))
            }
            Err(error) => Err(Error::git("reading", "core.hooksPath", error)),
        }
    }
}
