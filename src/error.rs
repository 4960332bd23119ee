//! Every way an analysis can fail before it has a report to give, each with a stable
//! diagnostic code and a help line that says what to do. An unparsable file or an empty
//! range is not an error: it is part of the report.

pub mod excerpt;

use std::path::PathBuf;

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::local_file::LocalFileError;
use excerpt::Excerpt;

#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    #[error("{} is not inside a git repository ({reason})", path.display())]
    #[diagnostic(
        code(ponder::git::not_a_repository),
        help("run ponder inside a git repository, or point at one with `--repo PATH`")
    )]
    NotARepository { path: PathBuf, reason: String },

    #[error("`{revision}` does not name a commit in this repository")]
    #[diagnostic(
        code(ponder::git::unknown_revision),
        help("{did_you_mean}check the spelling with `git rev-parse {revision}`; in a CI clone, fetch the ref first (`{fetch}`, or `fetch-depth: 0` in actions/checkout)")
    )]
    UnknownRevision {
        revision: String,
        reason: String,
        /// "did you mean `master`? If not, " when a branch is near, else empty.
        did_you_mean: String,
        /// The command that fetches it: `git fetch origin main` for `origin/main`.
        fetch: String,
    },

    #[error("`{revision}` names an object that is not a commit")]
    #[diagnostic(
        code(ponder::git::not_a_commit),
        help("name a branch, a tag or a commit SHA")
    )]
    NotACommit { revision: String },

    #[error("`{a}` and `{b}` have no common ancestor")]
    #[diagnostic(
        code(ponder::git::no_merge_base),
        help("in a shallow clone the shared history may simply be missing: fetch more of it (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout); otherwise name an explicit range `A..B`")
    )]
    NoMergeBase { a: String, b: String },

    #[error("could not tell which branch this one is based on")]
    #[diagnostic(
        code(ponder::git::no_default_base),
        help("there is no origin/HEAD, main or master (local or on origin), and the branch has no upstream other than itself; name the base, e.g. `ponder develop` or `ponder A..B`")
    )]
    NoDefaultBase,

    #[error("HEAD does not point at a commit yet")]
    #[diagnostic(
        code(ponder::git::unborn_head),
        help("commit something first, or name a range of existing commits")
    )]
    UnbornHead,

    #[error("{} is owned by another user, and git's `safe.directory` does not list it", path.display())]
    #[diagnostic(
        code(ponder::git::dubious_ownership),
        help("git refuses to read such a repository too; if you trust whoever owns it, list it in `safe.directory`: `git config --global --add safe.directory {}`", path.display())
    )]
    DubiousOwnership { path: PathBuf },

    #[error("{} is a {format} repository, which ponder does not support yet", path.display())]
    #[diagnostic(
        code(ponder::git::unsupported_object_format),
        help("ponder reads repositories with libgit2, which cannot open SHA-256 repositories (`extensions.objectformat`) yet; until it can, ponder can analyse only SHA-1 repositories")
    )]
    UnsupportedObjectFormat { path: PathBuf, format: String },

    #[error("git failed while {action} {subject}: {message}; this is a partial clone, whose missing objects ponder cannot fetch")]
    #[diagnostic(
        code(ponder::git::partial_clone),
        help("the clone was made with `--filter={filter}`, and libgit2 (which ponder reads with) does not fetch missing objects on demand as git does: fetch them all with `git fetch --refetch --no-filter {remote}` (in actions/checkout, leave out `filter:`), then run ponder again")
    )]
    PartialClone {
        action: String,
        subject: String,
        message: String,
        remote: String,
        filter: String,
    },

    #[error("ran out of memory reading the range (while {action} {subject})")]
    #[diagnostic(
        code(ponder::git::out_of_memory),
        help("try a shorter range or `--each-commit`, which reads one commit at a time; the repository itself is not damaged")
    )]
    OutOfMemory { action: String, subject: String },

    #[error("a bare repository has no work in progress to analyse")]
    #[diagnostic(
        code(ponder::git::bare_needs_range),
        help(
            "name a range (`ponder A..B`) or a commit (`ponder --commit SHA`) in a bare repository"
        )
    )]
    BareNeedsRange,

    #[error("git failed while {action} {subject}: {message}")]
    #[diagnostic(
        code(ponder::git::failed),
        help("check that the repository is intact with `git fsck`; if it is a shallow clone, fetch the missing history")
    )]
    Git {
        action: String,
        subject: String,
        message: String,
    },

    #[error("could not read the configuration file {}", path.display())]
    #[diagnostic(
        code(ponder::config::unreadable),
        help("check that the file exists, is readable, and is UTF-8 text (TOML)")
    )]
    ConfigUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(transparent)]
    #[diagnostic(transparent)]
    ConfigInvalid(Box<InvalidConfig>),

    /// A file named by the user or the environment that is no regular file, or too large.
    #[error(transparent)]
    #[diagnostic(transparent)]
    LocalFile(Box<LocalFileError>),

    #[error("could not read the description file {}: {reason}", path.display())]
    #[diagnostic(
        code(ponder::description::unreadable),
        help("pass a regular UTF-8 text file of at most 256 KiB holding the pull request's description, e.g. `gh pr view --json body --jq .body > pr.md`")
    )]
    DescriptionUnreadable { path: PathBuf, reason: String },

    #[error("the thresholds of `{rule}` are not what the rule reads: {reason}")]
    #[diagnostic(
        code(ponder::config::thresholds),
        help("check the [rules.{rule}] table of the configuration against `ponder explain {rule}`; if it has no such table, this is a bug in ponder's rules/{rule}.toml: please report it")
    )]
    ThresholdsMismatch { rule: String, reason: String },

    #[error("cannot read the coverage file {}: {source}", path.display())]
    #[diagnostic(
        code(ponder::coverage::unreadable),
        help("pass the lcov file your coverage tool wrote, e.g. `cargo llvm-cov --lcov --output-path lcov.info` then `ponder --coverage lcov.info`")
    )]
    CoverageUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}:{line} is not lcov: {reason}", path.display())]
    #[diagnostic(
        code(ponder::coverage::malformed),
        help("`--coverage` reads lcov (`SF:path`, `DA:line,hits`, `end_of_record`), as `cargo llvm-cov --lcov` or `grcov -t lcov` write it; regenerate the file or fix that line")
    )]
    CoverageMalformed {
        path: PathBuf,
        line: usize,
        reason: String,
    },

    #[error("`{revision}` is not in this shallow clone")]
    #[diagnostic(
        code(ponder::git::shallow_missing),
        help("the clone has only part of the history (actions/checkout fetches one commit unless told otherwise): set `fetch-depth: 0` in actions/checkout, or run `{fetch}` before ponder")
    )]
    ShallowMissing { revision: String, fetch: String },

    #[error("`{a}` and `{b}` have no common ancestor in this shallow clone")]
    #[diagnostic(
        code(ponder::git::shallow_no_merge_base),
        help("the history that joins them was not fetched (actions/checkout fetches one commit unless told otherwise): set `fetch-depth: 0` in actions/checkout, or run `git fetch --unshallow` (or `git fetch --deepen=200`) before ponder")
    )]
    ShallowNoMergeBase { a: String, b: String },

    #[error(transparent)]
    #[diagnostic(transparent)]
    GitHub(Box<crate::github::GitHubError>),

    #[error(transparent)]
    #[diagnostic(transparent)]
    GitLab(Box<crate::gitlab::GitLabError>),

    #[error("there is already a hook at {}", path.display())]
    #[diagnostic(
        code(ponder::hook::exists),
        help("`ponder hook install --force` replaces it; to keep it, add a line that runs ponder to it yourself")
    )]
    HookExists { path: PathBuf },

    #[error("the pre-push hook {} is not ponder's; it was left alone", path.display())]
    #[diagnostic(
        code(ponder::hook::not_ours),
        help("`ponder hook uninstall` removes only the hook `ponder hook install` wrote, whose second line is \"{marker}\"; if ponder runs from this one, remove the line that runs it yourself")
    )]
    HookNotOurs { path: PathBuf, marker: String },

    #[error("could not write the hook {}", path.display())]
    #[diagnostic(
        code(ponder::hook::unwritable),
        help("check that the hooks folder (core.hooksPath, or .git/hooks) is a writable folder")
    )]
    HookUnwritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("could not write the report to stdout")]
    #[diagnostic(
        code(ponder::output::failed),
        help("check that the file or device stdout goes to can take it (a full disk, a closed or read-only file), then run ponder again")
    )]
    OutputFailed {
        #[source]
        source: std::io::Error,
    },

    #[error("there is no rule called `{id}`")]
    #[diagnostic(
        code(ponder::rules::unknown),
        help("{did_you_mean}`ponder rules` lists the rules: {known}")
    )]
    UnknownRule {
        id: String,
        known: String,
        /// "did you mean `unhandled-failure`? " when a rule id is near, else empty.
        did_you_mean: String,
    },
}

impl Error {
    /// A libgit2 failure while `action` `subject`. Out of memory is said as such: it is
    /// never advice to check the repository.
    pub fn git(action: &str, subject: &str, error: git2::Error) -> Error {
        if is_out_of_memory(&error) {
            return Error::OutOfMemory {
                action: action.to_string(),
                subject: subject.to_string(),
            };
        }
        Error::Git {
            action: action.to_string(),
            subject: subject.to_string(),
            message: error.message().to_string(),
        }
    }
}

/// Whether libgit2 failed for want of memory: its own out-of-memory class, or zlib's
/// inflateInit, which fails only for want of memory ("failed to init zlib stream").
pub fn is_out_of_memory(error: &git2::Error) -> bool {
    error.class() == git2::ErrorClass::NoMemory
        || (error.class() == git2::ErrorClass::Zlib
            && error.message().starts_with("failed to init"))
}

/// A configuration file that does not say what ponder can use, pointing at the place.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(ponder::config::invalid))]
pub struct InvalidConfig {
    pub message: String,
    /// A window around the error, not the whole file (see `excerpt`).
    #[source_code]
    pub source_code: Excerpt,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: String,
}

impl InvalidConfig {
    /// The error `message` about the file `name` whose text is `text`, pointing at `span`.
    pub fn new(
        message: String,
        name: &str,
        text: &str,
        span: Option<SourceSpan>,
        help: String,
    ) -> InvalidConfig {
        let (source_code, span) = Excerpt::around(name, text, span);
        InvalidConfig {
            message,
            source_code,
            span,
            label: "here".to_string(),
            help,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Error;
    use git2::{ErrorClass, ErrorCode};

    /// libgit2 out of memory (under `ulimit -v`, a long range) is not damage to `git fsck`.
    #[test]
    fn out_of_memory_is_said_as_such() {
        let error = git2::Error::new(
            ErrorCode::GenericError,
            ErrorClass::NoMemory,
            "out of memory",
        );
        let error = Error::git("reading the tree of", "abc", error);
        assert!(matches!(error, Error::OutOfMemory { .. }));
        assert!(error
            .to_string()
            .contains("ran out of memory reading the range"));
        let help = miette::Diagnostic::help(&error)
            .map(|help| help.to_string())
            .unwrap_or_default();
        assert!(
            help.contains("--each-commit") && !help.contains("fsck"),
            "{help}"
        );
    }
}
