//! How posting to GitLab can fail, each with what to do about it. No message ever holds
//! the token: errors name the variable it came from and the URL asked, never its value.

use miette::Diagnostic;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum GitLabError {
    #[error("there is no token in `{variable}`{}", if *job_token { " (CI_JOB_TOKEN is set, but GitLab does not let a job token write merge request notes)" } else { "" })]
    #[diagnostic(
        code(ponder::gitlab::no_token),
        help("create a project access token with the `api` scope and the Reporter role, store it as a masked CI/CD variable named `{variable}`, or name the variable that holds one with `--token-env NAME`")
    )]
    MissingToken { variable: String, job_token: bool },

    #[error("ponder does not know which GitLab project to post to")]
    #[diagnostic(
        code(ponder::gitlab::no_project),
        help("pass `--project ID` (the number, or the path such as `group/project`), or run in a GitLab CI job, which sets CI_PROJECT_ID")
    )]
    MissingProject,

    #[error("ponder does not know which merge request to comment on")]
    #[diagnostic(
        code(ponder::gitlab::no_merge_request),
        help("run the job in a merge request pipeline (`rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"`), which sets CI_MERGE_REQUEST_IID, or pass `--mr IID`")
    )]
    MissingMergeRequest,

    #[error("`{value}` is not a merge request number")]
    #[diagnostic(
        code(ponder::gitlab::bad_merge_request),
        help("CI_MERGE_REQUEST_IID (or `--mr`) is the merge request's number within its project, e.g. `42`")
    )]
    BadMergeRequest { value: String },

    #[error("`{url}` is not an http(s) URL")]
    #[diagnostic(
        code(ponder::gitlab::bad_api_url),
        help("pass the API's address with `--api-url`: `https://gitlab.com/api/v4`, or `https://HOST/api/v4` for a self-managed GitLab")
    )]
    BadApiUrl { url: String },

    #[error("GitLab refused the token (401 Unauthorized) at {url}")]
    #[diagnostic(
        code(ponder::gitlab::unauthorized),
        help("the token is missing, expired or revoked: check the CI/CD variable passed to the job; a job token (CI_JOB_TOKEN) cannot write notes")
    )]
    Unauthorized { url: String },

    #[error("GitLab did not let this token {action} (403 Forbidden: {message})")]
    #[diagnostic(
        code(ponder::gitlab::forbidden),
        help("give the project access token the `api` scope and at least the Reporter role; a token with `read_api` may read but not write")
    )]
    Forbidden { action: String, message: String },

    #[error("GitLab found nothing at {url} (404 Not Found)")]
    #[diagnostic(
        code(ponder::gitlab::not_found),
        help("check the project (`--project`, CI_PROJECT_ID), the merge request (`--mr`, CI_MERGE_REQUEST_IID) and the API address (`--api-url`, CI_API_V4_URL); GitLab also answers 404 when the token may not see a private project")
    )]
    NotFound { url: String },

    #[error("GitLab would not take the note ({status} at {url}: {message})")]
    #[diagnostic(
        code(ponder::gitlab::rejected),
        help("GitLab's message says why; a locked discussion or a rate limit (429) are the usual causes")
    )]
    Rejected {
        status: u16,
        url: String,
        message: String,
    },

    #[error("could not reach GitLab at {url}: {reason}")]
    #[diagnostic(
        code(ponder::gitlab::unreachable),
        help("check the API address (`--api-url`, CI_API_V4_URL, CI_SERVER_URL) and the runner's network")
    )]
    Unreachable { url: String, reason: String },

    #[error("{url} answered {status} with a redirect{}, which ponder does not follow", location.as_ref().map(|l| format!(" to {l}")).unwrap_or_default())]
    #[diagnostic(
        code(ponder::gitlab::redirected),
        help("pass the API's own address with `--api-url` (CI_API_V4_URL), such as `https://HOST/api/v4`; a redirected write may not have been made")
    )]
    Redirected {
        status: u16,
        url: String,
        location: Option<String>,
    },

    #[error("ponder searched {pages} pages of the merge request's notes without finding its own, and did not add another")]
    #[diagnostic(
        code(ponder::gitlab::too_many_notes),
        help("the report is still printed by the job; ponder's earlier note may be further down: delete it, or post with `--mr` on a fresh merge request")
    )]
    TooManyNotes { pages: usize },

    #[error("GitLab answered {url} with something ponder could not read: {reason}")]
    #[diagnostic(
        code(ponder::gitlab::unexpected_answer),
        help("check that `--api-url` (CI_API_V4_URL) is GitLab's REST API, e.g. `https://gitlab.com/api/v4`")
    )]
    UnexpectedAnswer { url: String, reason: String },
}
