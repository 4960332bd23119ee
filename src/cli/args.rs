//! The command line: every argument and subcommand, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use super::color::ColorChoice;

#[derive(Parser)]
#[command(
    name = "ponder",
    version,
    about = "Asks the questions a careful reviewer would ask about a Rust change",
    long_about = "Asks the questions a careful reviewer would ask about a Rust change.\n\n\
        With no RANGE: the current branch against the default branch (origin/HEAD, else main or \
        master, else an upstream that is another branch), plus staged, unstaged and untracked \
        work; in GitHub Actions on a pull request, its base...HEAD. \
        RANGE `A..B`: exactly those commits. RANGE `A`: merge-base(A, HEAD)..HEAD.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// `A..B`, `A...B`, or `A` (= merge-base(A, HEAD)..HEAD); none: the branch against the
    /// default branch, plus staged, unstaged and untracked work
    pub range: Option<String>,

    /// One commit against its first parent
    #[arg(long, value_name = "SHA", conflicts_with = "range")]
    pub commit: Option<String>,

    /// The repository to analyse [default: as git finds it: GIT_DIR and GIT_WORK_TREE, else
    /// the one containing the current directory]
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// A configuration file instead of the repository's .ponder.toml
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The pull request's description, whose reason answers missing-rationale for the
    /// branch's commits (not with --commit) [default: in GitHub Actions, pull_request.body
    /// in $GITHUB_EVENT_PATH; in GitLab CI, $CI_MERGE_REQUEST_DESCRIPTION]
    #[arg(long, value_name = "FILE")]
    pub description_file: Option<PathBuf>,

    /// An lcov file from a test run (`cargo llvm-cov --lcov`): new branches whose lines have
    /// hits are not asked about
    #[arg(long, value_name = "PATH")]
    pub coverage: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Exit with status 1 while any prompt is unanswered
    #[arg(long)]
    pub require_answers: bool,

    /// With --format markdown: link locations to URL + COMMIT/PATH#L1 (e.g.
    /// https://github.com/OWNER/REPO/blob/) [default: from GITHUB_SERVER_URL and
    /// GITHUB_REPOSITORY, or GitLab's CI_PROJECT_URL, when set]
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,

    /// With --format github: also list answered prompts (after the open ones)
    #[arg(long)]
    pub show_answered: bool,

    /// Print the time each stage took to stderr
    #[arg(long)]
    pub timings: bool,

    /// Print only the summary line, and nothing at all when no question is open, no answer
    /// or trailer is stale and every changed Rust file was read (human format)
    #[arg(long, short)]
    pub quiet: bool,

    /// When to colour: auto (NO_COLOR, then CLICOLOR_FORCE or FORCE_COLOR, then whether it
    /// is a terminal), always, never
    ///
    /// `auto` colours a terminal. Under `auto`, a non-empty NO_COLOR turns colour off and
    /// wins over CLICOLOR_FORCE and FORCE_COLOR (set and not 0), which colour output that is
    /// not a terminal; CLICOLOR=0 turns colour off on a terminal. An explicit `always` or
    /// `never` wins over every variable. Errors on stderr follow the same rules.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Analyse every commit of the range on its own (against its first parent; merges
    /// skipped), report grouped by commit and written as it goes; JSON is one line per commit
    #[arg(long, conflicts_with = "commit")]
    pub each_commit: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// What a rule looks for, why a reviewer asks, and how to answer it
    Explain {
        /// A rule id, as `ponder rules` lists them
        rule: String,
    },
    /// The rules, one line each (`--format json`: id, title, enabled, summary)
    Rules(RulesArgs),
    /// Post the report where a pull request's reviewers see it
    #[command(subcommand)]
    Post(PostTarget),
    /// Git hooks that run ponder
    #[command(subcommand)]
    Hook(HookCommand),
    /// A shell completion script on stdout, e.g. `ponder completions bash >
    /// ~/.local/share/bash-completion/completions/ponder`
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual page (roff) on stdout: `ponder man > ponder.1`
    Man,
}

#[derive(Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,

    /// The repository whose .ponder.toml (in its work tree) says which rules are enabled
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub repo: PathBuf,

    /// A configuration file instead of the repository's .ponder.toml
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule
    Text,
    /// One JSON array of {id, title, enabled, summary}
    Json,
}

#[derive(Subcommand)]
pub enum PostTarget {
    /// Create or update ponder's one comment on a GitHub pull request
    ///
    /// The comment is the markdown report; ponder finds its earlier comment by the marker
    /// on its first line. With a read-only token (a fork's pull request) the report goes
    /// to the job summary (GITHUB_STEP_SUMMARY) instead.
    Github(PostGithub),
    /// Create or update ponder's one note on a GitLab merge request
    ///
    /// The note is the markdown report; ponder finds its earlier note by the marker on its
    /// first line, and keeps the boxes reviewers ticked. The token is a project access
    /// token (scope `api`) in GITLAB_TOKEN: a job's CI_JOB_TOKEN cannot write notes.
    Gitlab(PostGitlab),
}

#[derive(Args)]
pub struct PostGitlab {
    #[command(flatten)]
    pub analysis: PostAnalysis,

    /// The project's id or path [default: $CI_PROJECT_ID]
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,

    /// The merge request's iid [default: $CI_MERGE_REQUEST_IID]
    #[arg(long, value_name = "IID")]
    pub mr: Option<String>,

    /// The environment variable that holds the token
    #[arg(long, value_name = "NAME", default_value = ponder::gitlab::DEFAULT_TOKEN_ENV)]
    pub token_env: String,

    /// The REST API's address, e.g. https://HOST/api/v4 for a self-managed GitLab
    /// [default: $CI_API_V4_URL, else $CI_SERVER_URL/api/v4, else https://gitlab.com/api/v4]
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
}

/// What `post github` and `post gitlab` analyse, and how they end.
#[derive(Args)]
pub struct PostAnalysis {
    /// As for `ponder`; in GitHub Actions, none means the pull request's base...HEAD
    pub range: Option<String>,

    /// One commit against its first parent
    #[arg(long, value_name = "SHA", conflicts_with = "range")]
    pub commit: Option<String>,

    /// The repository to analyse [default: as git finds it: GIT_DIR and GIT_WORK_TREE, else
    /// the one containing the current directory]
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// A configuration file instead of the repository's .ponder.toml
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The pull request's description, whose reason answers missing-rationale for the
    /// branch's commits (not with --commit) [default: in GitHub Actions, pull_request.body
    /// in $GITHUB_EVENT_PATH; in GitLab CI, $CI_MERGE_REQUEST_DESCRIPTION]
    #[arg(long, value_name = "FILE")]
    pub description_file: Option<PathBuf>,

    /// After posting, exit with status 1 while any prompt is unanswered
    #[arg(long)]
    pub require_answers: bool,
}

#[derive(Args)]
pub struct PostGithub {
    #[command(flatten)]
    pub analysis: PostAnalysis,

    /// The GitHub repository, OWNER/NAME [default: $GITHUB_REPOSITORY]
    #[arg(long, value_name = "OWNER/NAME")]
    pub repository: Option<String>,

    /// The pull request number [default: pull_request.number in $GITHUB_EVENT_PATH]
    #[arg(long, value_name = "NUMBER")]
    pub pr: Option<u64>,

    /// The environment variable that holds the token
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    pub token_env: String,

    /// The REST API's address, e.g. https://HOST/api/v3 for GitHub Enterprise Server
    /// [default: $GITHUB_API_URL, else https://api.github.com]
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
}

#[derive(Subcommand)]
pub enum HookCommand {
    /// Install a pre-push hook that asks ponder's questions about what you push
    Install {
        /// The repository to install the hook in
        #[arg(long, value_name = "PATH", default_value = ".")]
        repo: PathBuf,
        /// Replace a pre-push hook that is already there
        #[arg(long)]
        force: bool,
        /// Make the hook stop the push while any prompt is unanswered
        #[arg(long)]
        require_answers: bool,
    },
    /// Remove the pre-push hook `ponder hook install` wrote (and no other)
    Uninstall {
        /// The repository to remove the hook from
        #[arg(long, value_name = "PATH", default_value = ".")]
        repo: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    /// Each prompt with the code it points at, for a terminal
    Human,
    /// One JSON object, for scripts
    Json,
    /// A pull request comment and reviewer's checklist
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF readers
    Sarif,
    /// GitHub Actions workflow commands (`::notice`), one annotation per prompt
    Github,
    /// reviewdog's rdjson, for `reviewdog -f=rdjson`
    Rdjson,
    /// GitLab's Code Quality report, for a `codequality` artifact
    Gitlab,
}
