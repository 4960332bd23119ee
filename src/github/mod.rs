//! Everything ponder knows about GitHub Actions, in one place: which pull request a job
//! runs for and which range to read by default (from `GITHUB_*` variables and the event
//! payload), and the sticky pull request comment (`comment`).
//!
//! The environment is passed in as a function, so that tests can give any environment
//! without touching the process's own.

mod comment;
mod error;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::git::RangeSpec;
use crate::local_file::{self, LocalFileError};

pub use comment::{post, Posted};
pub use error::GitHubError;

/// Reads one environment variable; `None` when unset or not UTF-8.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads the process's environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// In a GitHub Actions job for a pull request, with no range given: the pull request's
/// base, as `origin/$GITHUB_BASE_REF` (when fetched) or the payload's
/// `pull_request.base.sha`, against HEAD. `None` outside Actions or outside a pull request.
pub fn default_range(env: Env<'_>) -> Option<RangeSpec> {
    if env("GITHUB_ACTIONS").as_deref() != Some("true") {
        return None;
    }
    let mut candidates = Vec::new();
    if let Some(base_ref) = env("GITHUB_BASE_REF").filter(|r| !r.trim().is_empty()) {
        candidates.push(format!("origin/{}", base_ref.trim()));
    }
    let payload = event_payload(env).ok().flatten();
    let base_sha = payload
        .as_ref()
        .and_then(|p| p.pointer("/pull_request/base/sha"))
        .and_then(Value::as_str)
        .filter(|sha| sha.len() >= 7 && sha.chars().all(|c| c.is_ascii_hexdigit()));
    if let Some(sha) = base_sha {
        candidates.push(sha.to_string());
    }
    if candidates.is_empty() {
        None
    } else {
        Some(RangeSpec::PullRequestBase(candidates))
    }
}

/// In a GitHub Actions job for a pull request: the pull request's description
/// (`pull_request.body` in the event payload), where teams that squash-merge write why.
/// `None` outside Actions, for another event, or when the body is empty or unreadable.
pub fn pull_request_body(env: Env<'_>) -> Option<String> {
    if env("GITHUB_ACTIONS").as_deref() != Some("true") {
        return None;
    }
    let payload = event_payload(env).ok().flatten()?;
    payload
        .pointer("/pull_request/body")
        .and_then(Value::as_str)
        .filter(|body| !body.trim().is_empty())
        .map(str::to_string)
}

/// What `ponder post github` was told on its command line; the rest comes from the
/// environment.
#[derive(Debug, Clone, Default)]
pub struct PostOptions {
    /// `OWNER/NAME`; otherwise `GITHUB_REPOSITORY`.
    pub repository: Option<String>,
    /// Otherwise `pull_request.number` from the payload at `GITHUB_EVENT_PATH`.
    pub pull_request: Option<u64>,
    /// The variable that holds the token (`GITHUB_TOKEN` by default).
    pub token_env: String,
    /// Otherwise `GITHUB_API_URL`, otherwise `https://api.github.com`.
    pub api_url: Option<String>,
}

/// Where and as whom to post: everything resolved, nothing left to guess.
#[derive(Clone)]
pub struct Target {
    pub api_url: String,
    /// The web address that blob links start with (`https://github.com`), when known.
    pub server_url: Option<String>,
    pub owner: String,
    pub name: String,
    pub pull_request: u64,
    pub token: String,
    /// `GITHUB_STEP_SUMMARY`: where the report goes when the token may not comment.
    pub step_summary: Option<PathBuf>,
}

impl std::fmt::Debug for Target {
    // The token is never printed, not even in a debug dump.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("api_url", &self.api_url)
            .field("owner", &self.owner)
            .field("name", &self.name)
            .field("pull_request", &self.pull_request)
            .finish_non_exhaustive()
    }
}

impl Target {
    pub fn resolve(options: &PostOptions, env: Env<'_>) -> Result<Target, GitHubError> {
        let token_env = if options.token_env.is_empty() {
            "GITHUB_TOKEN"
        } else {
            options.token_env.as_str()
        };
        let token = env(token_env)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| GitHubError::MissingToken {
                variable: token_env.to_string(),
            })?;
        let repository = options
            .repository
            .clone()
            .or_else(|| env("GITHUB_REPOSITORY"))
            .filter(|r| !r.is_empty())
            .ok_or(GitHubError::MissingRepository)?;
        let (owner, name) = split_repository(&repository)?;
        let pull_request = match options.pull_request {
            Some(number) => number,
            None => pull_request_from_event(env)?,
        };
        let api_url = options
            .api_url
            .clone()
            .or_else(|| env("GITHUB_API_URL"))
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "https://api.github.com".to_string());
        let api_url = api_url.trim_end_matches('/').to_string();
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            return Err(GitHubError::BadApiUrl { url: api_url });
        }
        let server_url = env("GITHUB_SERVER_URL")
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(|u| u.trim_end_matches('/').to_string())
            .or_else(|| server_from_api(&api_url));
        Ok(Target {
            api_url,
            server_url,
            owner,
            name,
            pull_request,
            token,
            step_summary: env("GITHUB_STEP_SUMMARY")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
        })
    }

    /// `https://github.com/OWNER/NAME/blob/`, for the markdown report's links.
    pub fn blob_link_base(&self) -> Option<String> {
        self.server_url
            .as_ref()
            .map(|server| format!("{server}/{}/{}/blob/", self.owner, self.name))
    }
}

fn split_repository(repository: &str) -> Result<(String, String), GitHubError> {
    let valid = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match repository.split_once('/') {
        Some((owner, name)) if valid(owner) && valid(name) => {
            Ok((owner.to_string(), name.to_string()))
        }
        _ => Err(GitHubError::BadRepository {
            value: repository.to_string(),
        }),
    }
}

/// github.com's API lives on api.github.com; GitHub Enterprise Server's on HOST/api/v3.
fn server_from_api(api_url: &str) -> Option<String> {
    if api_url == "https://api.github.com" {
        return Some("https://github.com".to_string());
    }
    api_url.strip_suffix("/api/v3").map(str::to_string)
}

/// Largest event payload read: GitHub caps webhook payloads at 25 MB.
const MAX_EVENT_BYTES: u64 = 32 * 1024 * 1024;

fn event_payload(env: Env<'_>) -> Result<Option<Value>, GitHubError> {
    let Some(path) = env("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let text =
        local_file::read_regular_text(Path::new(&path), MAX_EVENT_BYTES, "the event payload")
            .map_err(|error| match error {
                LocalFileError::Unreadable { source, .. } => GitHubError::EventUnreadable {
                    path: path.clone(),
                    reason: source.to_string(),
                },
                refused => GitHubError::LocalFile(Box::new(refused)),
            })?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| GitHubError::EventUnreadable {
            path,
            reason: e.to_string(),
        })
}

fn pull_request_from_event(env: Env<'_>) -> Result<u64, GitHubError> {
    let payload = event_payload(env)?;
    let number = payload.as_ref().and_then(|p| {
        p.pointer("/pull_request/number")
            .or_else(|| {
                p.pointer("/issue/pull_request")
                    .and(p.pointer("/issue/number"))
            })
            .and_then(Value::as_u64)
    });
    number.ok_or_else(|| GitHubError::MissingPullRequest {
        event: env("GITHUB_EVENT_NAME").filter(|e| !e.is_empty()),
    })
}

#[cfg(test)]
mod tests;
