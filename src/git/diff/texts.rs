//! Reading the texts of a diff's files: blobs from the object database (each loaded once),
//! files from the work tree (never through a symlink out of it), and the checks that
//! decide whether a text is one ponder reads (size, lines, binary by content, UTF-8).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use git2::{Diff, FileMode, Oid, Patch};

use super::{record_patch, Reader};
use crate::change::{FileChange, SkipReason, Text, TextKey};
use crate::git::ReadOptions;

impl Reader<'_> {
    /// Whether the old blob (and the new one, unless it is in the work tree) are in the
    /// object database.
    pub(super) fn blobs_exist(
        &self,
        (old, new): (Option<Oid>, Option<Oid>),
        new_in_work_tree: bool,
    ) -> bool {
        let Ok(odb) = self.repo.odb() else {
            return false;
        };
        let new = if new_in_work_tree { None } else { new };
        [old, new].into_iter().flatten().all(|id| odb.exists(id))
    }

    /// Reads a file's old and new texts. A file that turns out unreadable (binary, too
    /// many lines, gone) keeps no text and no line numbers; one that is not UTF-8 keeps
    /// its line numbers, so that commit sizes still count its lines.
    pub(super) fn load_texts(
        &mut self,
        change: &mut FileChange,
        old_id: Option<Oid>,
        new_id: Option<Oid>,
        new_path: &str,
        new_side_is_work_tree: bool,
    ) {
        if let Some(id) = old_id {
            match self.blob_text(id) {
                Ok(text) => change.old = Some(text),
                Err(reason) => change.skipped = Some(reason),
            }
        }
        if let (Some(id), None) = (new_id, change.skipped) {
            let text = if new_side_is_work_tree {
                self.work_tree_text(new_path)
            } else {
                self.blob_text(id)
            };
            match text {
                Ok(text) => change.new = Some(text),
                Err(reason) => change.skipped = Some(reason),
            }
        }
        if change
            .skipped
            .is_some_and(|reason| reason != SkipReason::NotUtf8)
        {
            change.old = None;
            change.new = None;
            change.hunks.clear();
            change.added_lines.clear();
            change.removed_lines.clear();
        }
    }

    /// The indexes of the deltas to read when a diff has more files than the limit:
    /// Rust files first, then the others, each in path order.
    pub(super) fn files_to_read(&self, diff: &Diff<'_>) -> HashSet<usize> {
        let mut order: Vec<(bool, usize)> = diff
            .deltas()
            .enumerate()
            .map(|(index, delta)| {
                let path = delta.new_file().path().or_else(|| delta.old_file().path());
                let rust = path.is_some_and(|p| p.extension().is_some_and(|e| e == "rs"));
                (!rust, index)
            })
            .collect();
        order.sort_unstable();
        order
            .into_iter()
            .take(self.options.max_files)
            .map(|(_, index)| index)
            .collect()
    }

    fn blob_text(&mut self, id: Oid) -> Result<Text, SkipReason> {
        if let Some(cached) = self.blobs.get(&id) {
            return cached.clone().map(|content| Text {
                key: TextKey(id.to_string()),
                content,
            });
        }
        let start = Instant::now();
        let loaded = match self.repo.find_blob(id) {
            Ok(blob) => decode(blob.content(), self.options),
            Err(_) => Err(SkipReason::Missing),
        };
        self.blob_time += start.elapsed();
        self.blobs.insert(id, loaded.clone());
        loaded.map(|content| Text {
            key: TextKey(id.to_string()),
            content,
        })
    }

    /// A file libgit2 called binary, diffed again by its content alone. libgit2 consults
    /// the analysed repository's attributes (`*.rs -diff` or `binary`, committed, in the
    /// work tree, in `.git/info/attributes` or `core.attributesFile`), which would hide
    /// code from ponder and make a fixed range depend on the work tree; ponder's own test
    /// is git's content test (a NUL in the first 8000 bytes), on both sides.
    pub(super) fn rediff_by_content(
        &mut self,
        change: &mut FileChange,
        (old_id, new_id): (Option<Oid>, Option<Oid>),
        old_path: &str,
        new_path: &str,
        new_side_is_work_tree: bool,
    ) {
        let old = match old_id {
            Some(id) => self.blob_bytes(id),
            None => Ok(Vec::new()),
        };
        let new = match new_id {
            Some(_) if new_side_is_work_tree => self.work_tree_bytes(new_path),
            Some(id) => self.blob_bytes(id),
            None => Ok(Vec::new()),
        };
        let (old, new) = match (old, new) {
            (Ok(old), Ok(new)) => (old, new),
            (Err(reason), _) | (_, Err(reason)) => {
                change.skipped = Some(reason);
                return;
            }
        };
        if is_binary(&old) || is_binary(&new) {
            return;
        }
        let mut options = Self::diff_options();
        options.force_text(true);
        let Ok(patch) = Patch::from_buffers(
            &old,
            Some(Path::new(old_path)),
            &new,
            Some(Path::new(new_path)),
            Some(&mut options),
        ) else {
            return;
        };
        change.skipped = None;
        record_patch(&patch, change);
    }

    fn blob_bytes(&self, id: Oid) -> Result<Vec<u8>, SkipReason> {
        let blob = self.repo.find_blob(id).map_err(|_| SkipReason::Missing)?;
        if blob.size() as u64 > self.options.max_file_bytes {
            return Err(SkipReason::TooLarge {
                limit: self.options.max_file_bytes,
            });
        }
        Ok(blob.content().to_vec())
    }

    /// Reads a work-tree file, refusing symlinks and anything that resolves outside the
    /// work tree (a symlinked parent directory, say).
    fn work_tree_text(&self, path: &str) -> Result<Text, SkipReason> {
        let bytes = self.work_tree_bytes(path)?;
        let id =
            Oid::hash_object(git2::ObjectType::Blob, &bytes).map_err(|_| SkipReason::NotAFile)?;
        let content = decode(&bytes, self.options)?;
        Ok(Text {
            key: TextKey(id.to_string()),
            content,
        })
    }

    /// `work_tree_text`'s bytes, with its checks.
    fn work_tree_bytes(&self, path: &str) -> Result<Vec<u8>, SkipReason> {
        let Some(root) = self.repo.workdir() else {
            return Err(SkipReason::NotAFile);
        };
        let full = root.join(Path::new(path));
        let metadata = std::fs::symlink_metadata(&full).map_err(|_| SkipReason::NotAFile)?;
        if metadata.file_type().is_symlink() {
            return Err(SkipReason::Symlink);
        }
        if !metadata.file_type().is_file() {
            return Err(SkipReason::NotAFile);
        }
        if metadata.len() > self.options.max_file_bytes {
            return Err(SkipReason::TooLarge {
                limit: self.options.max_file_bytes,
            });
        }
        let (Ok(real_root), Ok(real_file)) = (root.canonicalize(), full.canonicalize()) else {
            return Err(SkipReason::NotAFile);
        };
        if !real_file.starts_with(&real_root) {
            // Reached through a symlinked directory.
            return Err(SkipReason::Symlink);
        }
        std::fs::read(&real_file).map_err(|_| SkipReason::NotAFile)
    }
}

/// git's own test: a NUL in the first 8000 bytes makes a file binary.
fn is_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8000).any(|&b| b == 0)
}

pub(in crate::git) fn decode(bytes: &[u8], options: &ReadOptions) -> Result<Arc<str>, SkipReason> {
    if bytes.len() as u64 > options.max_file_bytes {
        return Err(SkipReason::TooLarge {
            limit: options.max_file_bytes,
        });
    }
    if is_binary(bytes) {
        return Err(SkipReason::Binary);
    }
    let lines = bytes.iter().filter(|&&b| b == b'\n').count()
        + usize::from(bytes.last().is_some_and(|&b| b != b'\n'));
    if lines > options.max_file_lines {
        return Err(SkipReason::TooManyLines {
            limit: options.max_file_lines,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text)),
        Err(_) => Err(SkipReason::NotUtf8),
    }
}

/// Why a tree entry of this mode has no text to read, if it has none.
pub(super) fn not_regular(mode: FileMode) -> Option<SkipReason> {
    match mode {
        FileMode::Blob | FileMode::BlobExecutable => None,
        FileMode::Link => Some(SkipReason::Symlink),
        FileMode::Commit => Some(SkipReason::Submodule),
        _ => Some(SkipReason::NotAFile),
    }
}

/// A commit message as text. git stores the bytes as written and names their encoding in
/// the commit's `encoding` header (`i18n.commitEncoding`); read as UTF-8, a Latin-1 "café"
/// would be mojibake. Latin-1 and Windows-1252 are decoded; UTF-8, no header, or any other
/// encoding is read as UTF-8, invalid bytes replaced.
pub(in crate::git) fn commit_message(bytes: &[u8], encoding: Option<&str>) -> String {
    let encoding = encoding.unwrap_or("utf-8").trim().to_ascii_lowercase();
    match encoding.as_str() {
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" => {
            bytes.iter().map(|&b| char::from(b)).collect()
        }
        "windows-1252" | "cp1252" => bytes.iter().map(|&b| windows_1252(b)).collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Windows-1252: Latin-1 but for 0x80–0x9F, where it has printable characters.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
        '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{fffd}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH
            .get(usize::from(byte - 0x80))
            .copied()
            .unwrap_or('\u{fffd}'),
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod message_tests {
    use super::commit_message;

    #[test]
    fn a_message_is_decoded_by_its_encoding_header() {
        assert_eq!(commit_message(b"caf\xe9", Some("ISO-8859-1")), "café");
        assert_eq!(commit_message(b"\x93ok\x94", Some("windows-1252")), "“ok”");
        assert_eq!(commit_message("café".as_bytes(), None), "café");
        assert_eq!(commit_message(b"caf\xe9", Some("UTF-8")), "caf\u{fffd}");
        assert_eq!(commit_message(b"caf\xe9", Some("x-unknown")), "caf\u{fffd}");
    }
}
