//! `--coverage PATH`: line hits from an lcov file (what `cargo llvm-cov --lcov` and grcov
//! write). Only `SF:` (a source file, absolute or relative to the repository), `DA:line,hits`
//! and `end_of_record` matter; other records are skipped. A line it cannot read is an error
//! that names the line, never a guess.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::local_file::{self, LocalFileError};
use crate::model::Note;

/// Largest lcov file read: a large workspace's is tens of MiB.
const MAX_COVERAGE_BYTES: u64 = 512 * 1024 * 1024;

/// Hits per line of each file the lcov file covers.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// The file's name, for the evidence.
    pub source: String,
    /// Relative to the repository root when the path allowed it, else as written.
    files: HashMap<String, BTreeMap<u32, u64>>,
}

impl Coverage {
    /// Reads `path`; `root` is the repository's work tree, against which absolute `SF:`
    /// paths are made relative.
    pub fn read(path: &Path, root: Option<&Path>) -> Result<Coverage, Error> {
        let text = local_file::read_regular_text(path, MAX_COVERAGE_BYTES, "the coverage file")
            .map_err(|error| match error {
                LocalFileError::Unreadable { source, .. } => Error::CoverageUnreadable {
                    path: path.to_path_buf(),
                    source,
                },
                refused => Error::LocalFile(Box::new(refused)),
            })?;
        let root = root.and_then(|r| r.canonicalize().ok().or_else(|| Some(r.to_path_buf())));
        let mut coverage = Coverage::parse(&path.display().to_string(), &text, root.as_deref())?;
        // The evidence names the file as a reader knows it, not by a temporary directory.
        if let Some(name) = path.file_name() {
            coverage.source = name.to_string_lossy().into_owned();
        }
        Ok(coverage)
    }

    pub fn parse(source: &str, text: &str, root: Option<&Path>) -> Result<Coverage, Error> {
        let mut coverage = Coverage {
            source: source.to_string(),
            files: HashMap::new(),
        };
        let malformed = |line: usize, reason: &str| Error::CoverageMalformed {
            path: PathBuf::from(source),
            line,
            reason: reason.to_string(),
        };
        let mut current: Option<String> = None;
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(file) = line.strip_prefix("SF:") {
                if current.is_some() {
                    return Err(malformed(
                        number,
                        "a new `SF:` record before `end_of_record`",
                    ));
                }
                let file = relative_to(file.trim(), root);
                coverage.files.entry(file.clone()).or_default();
                current = Some(file);
            } else if let Some(data) = line.strip_prefix("DA:") {
                let Some(file) = &current else {
                    return Err(malformed(number, "a `DA:` line outside an `SF:` record"));
                };
                let mut fields = data.split(',');
                let parsed = (
                    fields.next().and_then(|f| f.trim().parse::<u32>().ok()),
                    fields.next().and_then(|f| f.trim().parse::<f64>().ok()),
                );
                let (Some(line_number), Some(hits)) = parsed else {
                    return Err(malformed(number, "`DA:` takes `line,hits` (two numbers)"));
                };
                let hits = if hits.is_finite() && hits > 0.0 {
                    hits as u64
                } else {
                    0
                };
                let lines = coverage.files.entry(file.clone()).or_default();
                let entry = lines.entry(line_number).or_insert(0);
                *entry = entry.saturating_add(hits);
            } else if line == "end_of_record" {
                if current.take().is_none() {
                    return Err(malformed(number, "`end_of_record` without an `SF:` record"));
                }
            } else if !line.contains(':') {
                return Err(malformed(
                    number,
                    "not an lcov record (`KEY:value` or `end_of_record`)",
                ));
            }
        }
        if current.is_some() {
            return Err(malformed(
                text.lines().count(),
                "the last record has no `end_of_record`",
            ));
        }
        Ok(coverage)
    }

    /// The hits of each instrumented line of `path` (relative to the repository), when
    /// the lcov file covers it.
    pub fn lines(&self, path: &str) -> Option<&BTreeMap<u32, u64>> {
        if let Some(lines) = self.files.get(path) {
            return Some(lines);
        }
        // An absolute path from another machine (a CI runner): match by its end.
        let suffix = format!("/{path}");
        self.files
            .iter()
            .find(|(file, _)| file.ends_with(&suffix))
            .map(|(_, lines)| lines)
    }

    /// Whether it covers any of `paths`.
    pub fn covers_any<'a>(&self, mut paths: impl Iterator<Item = &'a str>) -> bool {
        paths.any(|path| self.lines(path).is_some())
    }
}

/// A note for the report when the coverage file covers none of the change's Rust files:
/// then every question stands on the call index alone, and the user should know.
pub fn note(coverage: Option<&Coverage>, change: &crate::change::Change) -> Option<Note> {
    let coverage = coverage?;
    let mut rust = change
        .files
        .iter()
        .filter(|f| f.is_rust() && f.status != crate::change::FileStatus::Deleted)
        .map(|f| f.path.as_str())
        .peekable();
    rust.peek()?;
    (!coverage.covers_any(rust)).then(|| Note::CoverageCoversNothing {
        source: coverage.source.clone(),
    })
}

fn relative_to(file: &str, root: Option<&Path>) -> String {
    let file = file.strip_prefix("./").unwrap_or(file);
    let path = Path::new(file);
    if path.is_absolute() {
        if let Some(root) = root {
            let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            if let Ok(relative) = real.strip_prefix(root).or_else(|_| path.strip_prefix(root)) {
                return relative.to_string_lossy().replace('\\', "/");
            }
        }
    }
    file.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Coverage;

    #[test]
    fn relative_and_absolute_source_files() {
        let text = "TN:\nSF:src/lib.rs\nFN:3,run\nDA:3,1\nDA:4,0\nend_of_record\n\
                    SF:/ci/work/repo/src/cli.rs\nDA:9,12\nend_of_record\n\
                    SF:/home/me/repo/src/main.rs\nDA:1,1\nend_of_record\n";
        let coverage =
            Coverage::parse("lcov.info", text, Some(Path::new("/home/me/repo"))).unwrap();
        assert_eq!(coverage.lines("src/lib.rs").unwrap().get(&4), Some(&0));
        assert_eq!(coverage.lines("src/cli.rs").unwrap().get(&9), Some(&12));
        assert_eq!(coverage.lines("src/main.rs").unwrap().get(&1), Some(&1));
        assert!(coverage.lines("src/other.rs").is_none());
    }

    #[test]
    fn malformed_lines_are_named() {
        for (text, line) in [
            ("SF:src/a.rs\nDA:x,1\nend_of_record\n", 2),
            ("DA:1,1\n", 1),
            ("SF:src/a.rs\nDA:1,1\n", 2),
            ("SF:src/a.rs\ngarbage\nend_of_record\n", 2),
        ] {
            match Coverage::parse("lcov.info", text, None) {
                Err(crate::Error::CoverageMalformed { line: found, .. }) => {
                    assert_eq!(found, line, "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
