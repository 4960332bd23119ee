//! The glob lists of `.ponder.toml` (`skip`, a custom rule's `paths`). The file comes from
//! the analysed repository, so a list is bounded in length, each glob is compiled once
//! however often it is written (200,000 copies of one glob are one glob), and the list is
//! one `GlobSet`, matched once per path.

use std::collections::HashSet;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::excerpt::quoted;

/// Most entries a list may have: far more than any project's generated folders, few enough
/// that compiling them stays well under a second.
pub const MAX_LIST_ENTRIES: usize = 10_000;

/// What is wrong with a glob list.
#[derive(Debug)]
pub enum ListError {
    NotAList,
    TooLong {
        entries: usize,
    },
    InvalidGlob {
        pattern: String,
        reason: String,
    },
    /// Each glob is valid, but together they compile past globset's limits.
    TooComplex {
        reason: String,
    },
}

impl ListError {
    /// The message about the list called `list` (written as the user should read it:
    /// "`skip`", "`paths` of `my-rule`").
    pub fn message(&self, list: &str) -> String {
        match self {
            ListError::NotAList => format!("{list} must be a list of path globs"),
            ListError::TooLong { entries } => format!(
                "{list} has {entries} entries, more than the {MAX_LIST_ENTRIES} ponder reads"
            ),
            ListError::InvalidGlob { pattern, reason } => {
                format!(
                    "`{}` in {list} is not a valid glob: {reason}",
                    quoted(pattern)
                )
            }
            ListError::TooComplex { reason } => {
                format!("the globs of {list} are too complex to compile together: {reason}")
            }
        }
    }

    /// The help line; `example` is the list written well.
    pub fn help(&self, example: &str) -> String {
        match self {
            ListError::NotAList => format!("write it as {example}"),
            ListError::TooLong { .. } => format!(
                "a list holds at most {MAX_LIST_ENTRIES} globs (a fixed bound: the file comes from the repository); one glob with `**` or `{{a,b}}` covers many paths, as in {example}"
            ),
            ListError::InvalidGlob { .. } => {
                "globs use `*`, `**` and `?`, as in .gitignore".to_string()
            }
            ListError::TooComplex { .. } => format!(
                "use fewer and simpler globs (a `{{a,b}}` group of thousands of names is one large regex), as in {example}"
            ),
        }
    }
}

/// The list `value` as one set of globs, each distinct glob compiled once.
pub fn glob_list(value: &toml::Value) -> Result<GlobSet, ListError> {
    let items = value.as_array().ok_or(ListError::NotAList)?;
    if items.len() > MAX_LIST_ENTRIES {
        return Err(ListError::TooLong {
            entries: items.len(),
        });
    }
    let mut seen = HashSet::new();
    let mut builder = GlobSetBuilder::new();
    for item in items {
        let pattern = item.as_str().ok_or(ListError::NotAList)?;
        if !seen.insert(pattern) {
            continue;
        }
        let glob = Glob::new(pattern).map_err(|error| ListError::InvalidGlob {
            pattern: pattern.to_string(),
            reason: error.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|error| ListError::TooComplex {
        reason: error.kind().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::{glob_list, ListError, MAX_LIST_ENTRIES};

    fn list(patterns: &[&str]) -> toml::Value {
        toml::Value::Array(patterns.iter().map(|p| toml::Value::from(*p)).collect())
    }

    #[test]
    fn each_distinct_glob_is_compiled_once() {
        let set = glob_list(&list(&vec!["src/gen/**"; MAX_LIST_ENTRIES])).expect("valid");
        assert_eq!(set.len(), 1);
        assert!(set.is_match("src/gen/a.rs") && !set.is_match("src/lib.rs"));
        let two = glob_list(&list(&["a/**", "b/**", "a/**"])).expect("valid");
        assert_eq!(two.len(), 2);
    }

    #[test]
    fn a_list_past_the_bound_is_refused_before_anything_is_compiled() {
        let long = list(&vec!["[unclosed"; MAX_LIST_ENTRIES + 1]);
        assert!(matches!(
            glob_list(&long),
            Err(ListError::TooLong { entries }) if entries == MAX_LIST_ENTRIES + 1
        ));
    }
}
