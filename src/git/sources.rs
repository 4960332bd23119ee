//! The Rust sources of the packages a change touches, as committed at its head: what the
//! call index (`crate::reach`) reads beyond the changed files. Each file is named by its
//! blob id, so a caller that has read a blob before (in an earlier commit of the same run)
//! needs only the id, not the content.

use std::collections::BTreeSet;
use std::path::Path;

use git2::{ObjectType, Oid, TreeWalkMode, TreeWalkResult};

use super::diff::decode;
use super::{ReadOptions, Repo};
use crate::change::TextKey;

/// At most this many `.rs` files are listed per package: past it, the package is indexed
/// in part (the files listed first, in path order).
const MAX_PACKAGE_FILES: usize = 10_000;

/// A package of the head tree: the directory of a `Cargo.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSources {
    /// The package's directory, `""` at the repository root, else ending in `/`.
    pub root: String,
    /// Its `.rs` files (nested packages left out), with their blob ids as text keys.
    pub files: Vec<(String, TextKey)>,
}

impl Repo {
    /// The packages that hold `paths` at `commit` (each path's nearest directory with a
    /// `Cargo.toml`), with their Rust files. A path in no package is left out.
    pub fn package_sources(&self, commit: &str, paths: &[&str]) -> Vec<PackageSources> {
        let Some(tree) = Oid::from_str(commit)
            .ok()
            .and_then(|id| self.repo.find_commit(id).ok())
            .and_then(|commit| commit.tree().ok())
        else {
            return Vec::new();
        };
        let is_manifest = |dir: &str| {
            tree.get_path(&Path::new(dir).join("Cargo.toml"))
                .is_ok_and(|entry| entry.kind() == Some(ObjectType::Blob))
        };
        let mut roots = BTreeSet::new();
        for path in paths {
            let mut dir = Path::new(path).parent();
            while let Some(at) = dir {
                let text = at.to_string_lossy();
                if is_manifest(&text) {
                    roots.insert(if text.is_empty() {
                        String::new()
                    } else {
                        format!("{text}/")
                    });
                    break;
                }
                dir = at.parent();
            }
        }
        roots
            .into_iter()
            .map(|root| {
                let files = self.package_files(&tree, &root);
                PackageSources { root, files }
            })
            .collect()
    }

    fn package_files(&self, tree: &git2::Tree<'_>, root: &str) -> Vec<(String, TextKey)> {
        let subtree = if root.is_empty() {
            Some(tree.clone())
        } else {
            tree.get_path(Path::new(root.trim_end_matches('/')))
                .ok()
                .and_then(|entry| entry.to_object(&self.repo).ok())
                .and_then(|object| object.into_tree().ok())
        };
        let Some(subtree) = subtree else {
            return Vec::new();
        };
        let mut nested: Vec<String> = Vec::new();
        let mut files = Vec::new();
        let _ = subtree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            let Ok(name) = entry.name() else {
                return TreeWalkResult::Ok;
            };
            if entry.kind() == Some(ObjectType::Tree) && (name == "target" || name == ".git") {
                return TreeWalkResult::Skip;
            }
            if entry.kind() != Some(ObjectType::Blob) {
                return TreeWalkResult::Ok;
            }
            if name == "Cargo.toml" && !dir.is_empty() {
                nested.push(dir.to_string());
            } else if name.ends_with(".rs") && files.len() < MAX_PACKAGE_FILES {
                files.push((
                    format!("{root}{dir}{name}"),
                    TextKey(entry.id().to_string()),
                    dir.to_string(),
                ));
            }
            TreeWalkResult::Ok
        });
        // A directory with its own Cargo.toml is another package.
        files
            .into_iter()
            .filter(|(_, _, dir)| !nested.iter().any(|n| dir.starts_with(n.as_str())))
            .map(|(path, key, _)| (path, key))
            .collect()
    }

    /// The blob id of the regular file at `path` in `commit`, if there is one.
    pub fn blob_at(&self, commit: &str, path: &str) -> Option<TextKey> {
        let tree = self
            .repo
            .find_commit(Oid::from_str(commit).ok()?)
            .ok()?
            .tree()
            .ok()?;
        let entry = tree.get_path(Path::new(path)).ok()?;
        (entry.kind() == Some(ObjectType::Blob)).then(|| TextKey(entry.id().to_string()))
    }

    /// The text of a blob named by its id, within the usual read limits; `None` when it is
    /// missing, binary, too large or not UTF-8.
    pub fn blob_text(&self, key: &TextKey) -> Option<std::sync::Arc<str>> {
        let id = Oid::from_str(&key.0).ok()?;
        let blob = self.repo.find_blob(id).ok()?;
        decode(blob.content(), &ReadOptions::default()).ok()
    }
}
