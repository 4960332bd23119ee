//! Reading a local file that the user or the environment names (`--config`, `--coverage`,
//! `GITHUB_EVENT_PATH`, a hook ponder may replace): the one place that decides what such a
//! path may be. Only a regular file is read, and only up to a bound: `/dev/zero` would fill
//! memory, a FIFO would block ponder forever on `open`, a directory has no text.
//!
//! The path is looked at (`metadata`) before it is opened, and opened without blocking, so
//! a FIFO swapped in between the two cannot hang the run either; the opened file is checked
//! again, and never more than the bound (plus one byte, to tell) is read from it.

use std::io::Read;
use std::path::Path;

use miette::Diagnostic;
use thiserror::Error;

/// Why a named file was not read.
#[derive(Debug, Error, Diagnostic)]
pub enum LocalFileError {
    #[error("{what} {} is not a regular file (it is {kind})", path.display())]
    #[diagnostic(
        code(ponder::file::not_regular),
        help("ponder reads {what} only from a regular file, never from a FIFO, a device or a directory: write it to a file and pass that file's path")
    )]
    NotRegular {
        what: &'static str,
        path: std::path::PathBuf,
        kind: &'static str,
    },

    #[error("{what} {} is larger than {}", path.display(), size_text(*limit))]
    #[diagnostic(
        code(ponder::file::too_large),
        help("ponder reads {what} of at most {} (a fixed bound, so that no file can exhaust memory); shorten it", size_text(*limit))
    )]
    TooLarge {
        what: &'static str,
        path: std::path::PathBuf,
        limit: u64,
    },

    /// Missing, unreadable: the caller says what to do, as it did before this check.
    #[error("could not read {what} {}: {source}", path.display())]
    #[diagnostic(code(ponder::file::unreadable))]
    Unreadable {
        what: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `limit` in the unit a person would write it in: `1 MiB`, `512 KiB`, `100 bytes`.
pub fn size_text(limit: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if limit >= MIB && limit.is_multiple_of(MIB) {
        format!("{} MiB", limit / MIB)
    } else if limit >= KIB && limit.is_multiple_of(KIB) {
        format!("{} KiB", limit / KIB)
    } else {
        format!("{limit} bytes")
    }
}

/// The bytes of the regular file at `path` (a symlink to one counts: the user named it),
/// at most `limit` of them; `what` names the file in errors ("the configuration file").
pub fn read_regular(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, LocalFileError> {
    let unreadable = |source| LocalFileError::Unreadable {
        what,
        path: path.to_path_buf(),
        source,
    };
    let refuse = |metadata: &std::fs::Metadata| -> Option<LocalFileError> {
        if !metadata.is_file() {
            return Some(LocalFileError::NotRegular {
                what,
                path: path.to_path_buf(),
                kind: kind_of(metadata),
            });
        }
        (metadata.len() > limit).then(|| LocalFileError::TooLarge {
            what,
            path: path.to_path_buf(),
            limit,
        })
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if let Some(refused) = refuse(&metadata) {
        return Err(refused);
    }
    let file = open_reading(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if let Some(refused) = refuse(&metadata) {
        return Err(refused);
    }
    let mut bytes = Vec::new();
    // A file that grows after `metadata` is still read no further than the bound.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(LocalFileError::TooLarge {
            what,
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

/// As [`read_regular`], as UTF-8 text; text that is not UTF-8 is `Unreadable` with
/// `InvalidData`, as `std::fs::read_to_string` says it.
pub fn read_regular_text(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<String, LocalFileError> {
    let bytes = read_regular(path, limit, what)?;
    String::from_utf8(bytes).map_err(|error| LocalFileError::Unreadable {
        what,
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
    })
}

/// Appends `bytes` to the regular file at `path`, creating it when missing (a job summary,
/// `GITHUB_STEP_SUMMARY`): opening a FIFO nobody reads would block forever, and writing to
/// a device is no summary anyone reads. Failures to write are `Unreadable`, with the cause.
pub fn append_regular(path: &Path, bytes: &[u8], what: &'static str) -> Result<(), LocalFileError> {
    let failed = |source| LocalFileError::Unreadable {
        what,
        path: path.to_path_buf(),
        source,
    };
    let refused = |metadata: &std::fs::Metadata| LocalFileError::NotRegular {
        what,
        path: path.to_path_buf(),
        kind: kind_of(metadata),
    };
    if let Ok(metadata) = std::fs::metadata(path) {
        if !metadata.is_file() {
            return Err(refused(&metadata));
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    let mut file = open_without_blocking(&mut options, path).map_err(failed)?;
    let metadata = file.metadata().map_err(failed)?;
    if !metadata.is_file() {
        return Err(refused(&metadata));
    }
    // O_NONBLOCK changes nothing on a regular file.
    std::io::Write::write_all(&mut file, bytes).map_err(failed)
}

fn open_reading(path: &Path) -> std::io::Result<std::fs::File> {
    open_without_blocking(std::fs::OpenOptions::new().read(true), path)
}

#[cfg(unix)]
fn open_without_blocking(
    options: &mut std::fs::OpenOptions,
    path: &Path,
) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO returns at once (for writing, with ENXIO when nobody
    // reads) instead of waiting for the other end; on a regular file it changes nothing.
    options.custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(
    options: &mut std::fs::OpenOptions,
    path: &Path,
) -> std::io::Result<std::fs::File> {
    options.open(path)
}

fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

#[cfg(test)]
mod tests {
    use super::{read_regular, size_text, LocalFileError};

    #[test]
    fn sizes_read_as_a_person_writes_them() {
        assert_eq!(size_text(1024 * 1024), "1 MiB");
        assert_eq!(size_text(512 * 1024), "512 KiB");
        assert_eq!(size_text(100), "100 bytes");
    }

    #[test]
    fn devices_directories_and_files_past_the_bound_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let refused = |path: &std::path::Path, limit| read_regular(path, limit, "the file");
        assert!(matches!(
            refused(dir.path(), 10),
            Err(LocalFileError::NotRegular {
                kind: "a directory",
                ..
            })
        ));
        #[cfg(unix)]
        assert!(matches!(
            refused(std::path::Path::new("/dev/zero"), 10),
            Err(LocalFileError::NotRegular {
                kind: "a device",
                ..
            })
        ));
        let file = dir.path().join("eleven");
        std::fs::write(&file, "eleven byte").expect("write");
        assert!(matches!(
            refused(&file, 10),
            Err(LocalFileError::TooLarge { limit: 10, .. })
        ));
        assert_eq!(refused(&file, 11).expect("at the bound").len(), 11);
    }
}
