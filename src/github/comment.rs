//! The one sticky pull request comment: find ponder's comment among the pull request's
//! comments (by the marker its first line carries), update it if there is one, create it
//! if not. A token that may not write (a fork's pull request) is not a failure: the report
//! goes to the job summary instead, and the caller says so.
//!
//! HTTP goes through the client `post gitlab` shares (`crate::http`); what GitHub's
//! statuses and messages mean is said here.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use super::{GitHubError, Target};
use crate::http::{printable, same_origin, Answer, Method};
use crate::report::markdown::{keep_ticks, MARKER};

/// What happened to the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Created {
        url: String,
    },
    Updated {
        url: String,
    },
    /// The token may not comment; the report was appended to the job summary.
    StepSummary {
        path: PathBuf,
        reason: String,
    },
    /// Nothing to ask and no earlier comment to update: the pull request is left alone.
    NothingToPost,
}

/// Pages of 100 comments searched for ponder's comment. A pull request with more than this
/// is an error that says so: posting a second comment on every push would be worse.
const MAX_PAGES: usize = 50;

/// Creates or updates ponder's comment on the pull request with `body`, which must start
/// with the marker line. With `create` false an existing comment is still updated (so
/// that questions answered or gone do not linger), but none is added.
pub fn post(target: &Target, body: &str, create: bool) -> Result<Posted, GitHubError> {
    let client = Client::new(target);
    match post_comment(&client, target, body, create) {
        Err(GitHubError::Forbidden { message, .. }) if is_read_only(&message) => {
            let Some(path) = target.step_summary.clone() else {
                return Err(GitHubError::ReadOnly { message });
            };
            append_summary(&path, body)?;
            Ok(Posted::StepSummary {
                path,
                reason: message,
            })
        }
        other => other,
    }
}

/// GitHub's words for a token that may read but not write, as a fork's pull request gets.
fn is_read_only(message: &str) -> bool {
    message.contains("Resource not accessible by integration")
        || message.contains("Resource not accessible by personal access token")
}

fn post_comment(
    client: &Client,
    target: &Target,
    body: &str,
    create: bool,
) -> Result<Posted, GitHubError> {
    let issue = format!(
        "{}/repos/{}/{}/issues/{}",
        target.api_url, target.owner, target.name, target.pull_request
    );
    let payload = serde_json::json!({ "body": body }).to_string();
    match find_comment(client, &format!("{issue}/comments?per_page=100"))? {
        Some((id, old)) => {
            // The boxes reviewers ticked stay ticked for the questions still asked.
            let kept = keep_ticks(&old, body);
            let payload = serde_json::json!({ "body": kept }).to_string();
            let url = format!(
                "{}/repos/{}/{}/issues/comments/{id}",
                target.api_url, target.owner, target.name
            );
            let answer = client.send(Method::Patch, &url, Some(&payload), "update its comment")?;
            let url = written_comment(&answer, 200, &kept, &url)?.unwrap_or(url);
            Ok(Posted::Updated { url })
        }
        None if !create => Ok(Posted::NothingToPost),
        None => {
            let url = format!("{issue}/comments");
            let answer = client.send(Method::Post, &url, Some(&payload), "comment")?;
            let url = written_comment(&answer, 201, body, &url)?.unwrap_or(url);
            Ok(Posted::Created { url })
        }
    }
}

/// Checks that a write was answered with the comment as it was sent (`http::written`).
/// Returns the comment's address on GitHub, if the answer gives one.
fn written_comment(
    answer: &Answer,
    expected: u16,
    sent: &str,
    url: &str,
) -> Result<Option<String>, GitHubError> {
    crate::http::written(answer, expected, sent, "GitHub").map_err(|reason| {
        GitHubError::UnexpectedAnswer {
            url: url.to_string(),
            reason,
        }
    })?;
    Ok(html_url(&answer.body))
}

#[derive(Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
}

/// The id and body of the first comment whose body starts with the marker. A comment
/// that only quotes the marker (a reply) does not start with it.
fn find_comment(client: &Client, first_page: &str) -> Result<Option<(u64, String)>, GitHubError> {
    let mut next = Some(first_page.to_string());
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(GitHubError::TooManyComments { pages: MAX_PAGES });
        }
        let answer = client.send(Method::Get, &url, None, "read the pull request's comments")?;
        let comments: Vec<Comment> =
            serde_json::from_str(&answer.body).map_err(|e| GitHubError::UnexpectedAnswer {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        if let Some(found) = comments.iter().find(|c| {
            c.body
                .as_deref()
                .is_some_and(|b| b.trim_start().starts_with(MARKER))
        }) {
            return Ok(Some((found.id, found.body.clone().unwrap_or_default())));
        }
        if let Some(link) = answer.next_link() {
            // The token goes with every request: only to the API's own origin.
            if !same_origin(&link, &client.api_url) {
                return Err(GitHubError::UnexpectedAnswer {
                    url,
                    reason: format!(
                        "the next page of comments is at another address ({}), which ponder does not send the token to",
                        printable(&link)
                    ),
                });
            }
            next = Some(link);
        }
    }
    Ok(None)
}

fn html_url(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    value.get("html_url")?.as_str().map(str::to_string)
}

fn append_summary(path: &std::path::Path, body: &str) -> Result<(), GitHubError> {
    let error = |e: std::io::Error| GitHubError::SummaryUnwritable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let text = format!("{body}\n");
    crate::local_file::append_regular(path, text.as_bytes(), "the job summary").map_err(|failure| {
        match failure {
            crate::local_file::LocalFileError::Unreadable { source, .. } => error(source),
            refused => GitHubError::LocalFile(Box::new(refused)),
        }
    })
}

struct Client {
    http: crate::http::Client,
    api_url: String,
}

impl Client {
    fn new(target: &Target) -> Client {
        let headers = [
            ("Authorization", format!("Bearer {}", target.token)),
            ("Accept", "application/vnd.github+json".to_string()),
            ("X-GitHub-Api-Version", "2022-11-28".to_string()),
        ];
        Client {
            http: crate::http::Client::new(
                headers
                    .into_iter()
                    .map(|(name, value)| (name.to_string(), value))
                    .collect(),
            ),
            api_url: target.api_url.clone(),
        }
    }

    /// One request; any answer but 2xx becomes the error that says what to do.
    fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
        action: &str,
    ) -> Result<Answer, GitHubError> {
        let answer =
            self.http
                .send(method, url, body)
                .map_err(|reason| GitHubError::Unreachable {
                    url: url.to_string(),
                    reason,
                })?;
        let status = answer.status;
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        if (300..400).contains(&status) {
            return Err(GitHubError::Redirected {
                status,
                url: url.to_string(),
                location: answer.header("location").map(printable),
            });
        }
        let remaining = answer.header("x-ratelimit-remaining");
        let retry_after = answer.header("retry-after");
        let reset = answer.header("x-ratelimit-reset");
        let message = github_message(&answer.body);
        let url = url.to_string();
        let limited =
            status == 429 || (status == 403 && (remaining == Some("0") || retry_after.is_some()));
        Err(match status {
            _ if limited => GitHubError::RateLimited {
                status,
                url,
                retry: retry_hint(retry_after, reset),
            },
            401 => GitHubError::Unauthorized { url },
            403 => GitHubError::Forbidden {
                action: action.to_string(),
                message,
            },
            404 => GitHubError::NotFound { url },
            _ => GitHubError::Rejected {
                status,
                url,
                message,
            },
        })
    }
}

/// GitHub's `message` (and the first error's detail), cleaned of control characters and
/// cut short; the raw body when it is not GitHub's JSON.
fn github_message(body: &str) -> String {
    let value: Option<Value> = serde_json::from_str(body).ok();
    let mut message = value
        .as_ref()
        .and_then(|v| v.get("message"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| body.to_string());
    if let Some(detail) = value
        .as_ref()
        .and_then(|v| v.pointer("/errors/0/message"))
        .and_then(Value::as_str)
    {
        message = format!("{message}: {detail}");
    }
    let cleaned = printable(&message);
    if cleaned.is_empty() {
        "no message".to_string()
    } else {
        cleaned
    }
}

fn retry_hint(retry_after: Option<&str>, reset: Option<&str>) -> Option<String> {
    if let Some(seconds) = retry_after.and_then(|s| s.trim().parse::<u64>().ok()) {
        return Some(format!("GitHub asks to wait {seconds} seconds"));
    }
    let reset = reset.and_then(|s| s.trim().parse::<u64>().ok())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(format!(
        "the limit resets in {} seconds",
        reset.saturating_sub(now)
    ))
}

#[cfg(test)]
mod tests {
    use super::github_message;

    #[test]
    fn messages_are_github_words_cut_short_and_clean() {
        assert_eq!(
            github_message(
                r#"{"message":"Validation Failed","errors":[{"message":"Body is too long"}]}"#
            ),
            "Validation Failed: Body is too long"
        );
        assert_eq!(github_message("\u{1b}[31mplain\n"), "\u{fffd}[31mplain");
        assert_eq!(github_message(&"x".repeat(1000)).len(), 300);
        assert_eq!(github_message(""), "no message");
    }
}
