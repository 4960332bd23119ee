//! How posting to GitHub can fail, each with what to do about it. No message ever holds
//! the token: errors name the variable it came from and the URL asked, never its value.

use miette::Diagnostic;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum GitHubError {
    #[error("there is no token in `{variable}`")]
    #[diagnostic(
        code(ponder::github::no_token),
        help("pass the job's token to the step (`env: GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}`), or name the variable that holds one with `--token-env NAME`")
    )]
    MissingToken { variable: String },

    #[error("ponder does not know which repository to post to")]
    #[diagnostic(
        code(ponder::github::no_repository),
        help("pass `--repository OWNER/NAME`, or run inside GitHub Actions, which sets GITHUB_REPOSITORY")
    )]
    MissingRepository,

    #[error("`{value}` is not a repository name of the form OWNER/NAME")]
    #[diagnostic(
        code(ponder::github::bad_repository),
        help("pass `--repository OWNER/NAME`, e.g. `--repository rust-lang/cargo`")
    )]
    BadRepository { value: String },

    #[error("`{url}` is not an http(s) URL")]
    #[diagnostic(
        code(ponder::github::bad_api_url),
        help("pass the API's address with `--api-url`: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server")
    )]
    BadApiUrl { url: String },

    #[error("ponder does not know which pull request to comment on{}", event.as_ref().map(|e| format!(" (this job runs for a `{e}` event)")).unwrap_or_default())]
    #[diagnostic(
        code(ponder::github::no_pull_request),
        help("run the step on a `pull_request` event, whose payload (GITHUB_EVENT_PATH) names the pull request, or pass `--pr NUMBER`")
    )]
    MissingPullRequest { event: Option<String> },

    #[error("could not read the event payload {path}: {reason}")]
    #[diagnostic(
        code(ponder::github::event_unreadable),
        help("GITHUB_EVENT_PATH should name the JSON file GitHub Actions writes for the job; pass `--pr NUMBER` to do without it")
    )]
    EventUnreadable { path: String, reason: String },

    /// GITHUB_EVENT_PATH or GITHUB_STEP_SUMMARY names a FIFO, a device, a directory, or a
    /// payload past the bound.
    #[error(transparent)]
    #[diagnostic(transparent)]
    LocalFile(Box<crate::local_file::LocalFileError>),

    #[error("GitHub refused the token (401 Unauthorized) at {url}")]
    #[diagnostic(
        code(ponder::github::unauthorized),
        help("the token is missing, expired or revoked: check the secret passed to the step (a job's GITHUB_TOKEN expires when the job ends)")
    )]
    Unauthorized { url: String },

    #[error("GitHub did not let this token {action} (403 Forbidden: {message})")]
    #[diagnostic(
        code(ponder::github::forbidden),
        help("give the job `permissions: pull-requests: write` (and `issues: write` on GitHub Enterprise Server before 3.9), or use a token with access to the repository")
    )]
    Forbidden { action: String, message: String },

    #[error("GitHub's rate limit is used up ({status} at {url}){}", retry.as_ref().map(|r| format!("; {r}")).unwrap_or_default())]
    #[diagnostic(
        code(ponder::github::rate_limited),
        help("run the step again later; a job's GITHUB_TOKEN has its own limit per repository, so many jobs posting at once share it")
    )]
    RateLimited {
        status: u16,
        url: String,
        retry: Option<String>,
    },

    #[error("GitHub found nothing at {url} (404 Not Found)")]
    #[diagnostic(
        code(ponder::github::not_found),
        help("check the repository (`--repository`, GITHUB_REPOSITORY), the pull request number (`--pr`) and the API address (`--api-url`, GITHUB_API_URL); GitHub also answers 404 when the token may not see a private repository")
    )]
    NotFound { url: String },

    #[error("GitHub would not take the comment ({status} at {url}: {message})")]
    #[diagnostic(
        code(ponder::github::rejected),
        help("GitHub's message says why; a locked conversation, a closed pull request in an archived repository, or a body GitHub finds invalid are the usual causes")
    )]
    Rejected {
        status: u16,
        url: String,
        message: String,
    },

    #[error("could not reach GitHub at {url}: {reason}")]
    #[diagnostic(
        code(ponder::github::unreachable),
        help("check the API address (`--api-url`, GITHUB_API_URL) and the runner's network")
    )]
    Unreachable { url: String, reason: String },

    #[error("{url} answered {status} with a redirect{}, which ponder does not follow", location.as_ref().map(|l| format!(" to {l}")).unwrap_or_default())]
    #[diagnostic(
        code(ponder::github::redirected),
        help("pass the API's own address with `--api-url` (GITHUB_API_URL): `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server; a redirected write may not have been made")
    )]
    Redirected {
        status: u16,
        url: String,
        location: Option<String>,
    },

    #[error("ponder searched {pages} pages of the pull request's comments without finding its own, and did not add another")]
    #[diagnostic(
        code(ponder::github::too_many_comments),
        help("the report is still printed by the step; ponder's earlier comment may be further down: delete it, or post with `--pr` on a fresh pull request")
    )]
    TooManyComments { pages: usize },

    #[error("GitHub answered {url} with something ponder could not read: {reason}")]
    #[diagnostic(
        code(ponder::github::unexpected_answer),
        help("check that `--api-url` (GITHUB_API_URL) is GitHub's REST API, e.g. `https://api.github.com` or `https://HOST/api/v3`")
    )]
    UnexpectedAnswer { url: String, reason: String },

    #[error("the token may not comment ({message}), and there is no job summary to write to")]
    #[diagnostic(
        code(ponder::github::read_only),
        help("a pull request from a fork gets a read-only token; run the step inside GitHub Actions (which sets GITHUB_STEP_SUMMARY) or with a token that may write")
    )]
    ReadOnly { message: String },

    #[error("could not write the job summary {path}: {reason}")]
    #[diagnostic(
        code(ponder::github::summary_unwritable),
        help("GITHUB_STEP_SUMMARY should name a file the step may append to")
    )]
    SummaryUnwritable { path: String, reason: String },
}
