//! Every way an analysis can fail before it has a report to give, each with a stable
//! diagnostic code and a help line that says what to do. An unparsable file or an empty
//! range is not an error: it is part of the report.

use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

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
    pub fn git(action: &str, subject: &str, error: git2::Error) -> Error {
        Error::Git {
            action: action.to_string(),
            subject: subject.to_string(),
            message: error.message().to_string(),
        }
    }
}

/// A configuration file that does not say what ponder can use, pointing at the place.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(ponder::config::invalid))]
pub struct InvalidConfig {
    pub message: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: String,
}
