//! The one merge request note: find ponder's note among the merge request's notes (by the
//! marker its first line carries), update it if there is one, create it if not, and keep
//! the boxes reviewers ticked. The same rules as the GitHub comment: no redirect is
//! followed, the token goes to no origin but the API's, and a write counts only when GitLab
//! answers with the note as it was sent.

use serde::Deserialize;
use serde_json::Value;

use super::{GitLabError, Target};
use crate::http::{printable, same_origin, Answer, Client, Method};
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
    /// Nothing to ask and no earlier note to update: the merge request is left alone.
    NothingToPost,
}

/// Pages of 100 notes searched for ponder's note; more is an error that says so, as
/// posting a second note on every push would be worse.
const MAX_PAGES: usize = 50;

#[derive(Deserialize)]
struct Note {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    /// GitLab's own notes ("added 1 commit") are never ponder's.
    #[serde(default)]
    system: bool,
}

/// Creates or updates ponder's note on the merge request with `body`, which must start with
/// the marker line. With `create` false an existing note is still updated (so that
/// questions answered or gone do not linger), but none is added.
pub fn post(target: &Target, body: &str, create: bool) -> Result<Posted, GitLabError> {
    let client = Client::new(vec![("PRIVATE-TOKEN".to_string(), target.token.clone())]);
    let notes = target.notes_url();
    match find_note(&client, target)? {
        Some((id, old)) => {
            // The boxes reviewers ticked stay ticked for the questions still asked.
            let kept = keep_ticks(&old, body);
            let url = format!("{notes}/{id}");
            let payload = serde_json::json!({ "body": kept }).to_string();
            let answer = send(
                &client,
                Method::Put,
                &url,
                Some(&payload),
                "update its note",
            )?;
            let id = written_note(&answer, 200, &kept, &url)?;
            Ok(Posted::Updated {
                url: target.note_address(id),
            })
        }
        None if !create => Ok(Posted::NothingToPost),
        None => {
            let payload = serde_json::json!({ "body": body }).to_string();
            let answer = send(&client, Method::Post, &notes, Some(&payload), "add a note")?;
            let id = written_note(&answer, 201, body, &notes)?;
            Ok(Posted::Created {
                url: target.note_address(id),
            })
        }
    }
}

/// The id and body of the first note (oldest first) whose body starts with the marker. A
/// note that only quotes the marker (a reply) does not start with it.
fn find_note(client: &Client, target: &Target) -> Result<Option<(u64, String)>, GitLabError> {
    let first = format!(
        "{}?per_page=100&sort=asc&order_by=created_at",
        target.notes_url()
    );
    let mut next = Some(first.clone());
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(GitLabError::TooManyNotes { pages: MAX_PAGES });
        }
        let answer = send(
            client,
            Method::Get,
            &url,
            None,
            "read the merge request's notes",
        )?;
        let notes: Vec<Note> =
            serde_json::from_str(&answer.body).map_err(|e| GitLabError::UnexpectedAnswer {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        if let Some(found) = notes.iter().find(|n| {
            !n.system
                && n.body
                    .as_deref()
                    .is_some_and(|b| b.trim_start().starts_with(MARKER))
        }) {
            return Ok(Some((found.id, found.body.clone().unwrap_or_default())));
        }
        next = next_page(&answer, &first, &target.api_url, &url)?;
    }
    Ok(None)
}

/// The next page: the `Link` header's, which must be on the API's own origin (the token
/// goes with every request), else the page number in `x-next-page` (empty on the last).
fn next_page(
    answer: &Answer,
    first: &str,
    api_url: &str,
    url: &str,
) -> Result<Option<String>, GitLabError> {
    if let Some(link) = answer.next_link() {
        if !same_origin(&link, api_url) {
            return Err(GitLabError::UnexpectedAnswer {
                url: url.to_string(),
                reason: format!(
                    "the next page of notes is at another address ({}), which ponder does not send the token to",
                    printable(&link)
                ),
            });
        }
        return Ok(Some(link));
    }
    let page = answer.header("x-next-page").map(str::trim).unwrap_or("");
    if page.is_empty() {
        return Ok(None);
    }
    match page.parse::<u32>() {
        Ok(number) => Ok(Some(format!("{first}&page={number}"))),
        Err(_) => Err(GitLabError::UnexpectedAnswer {
            url: url.to_string(),
            reason: format!("`x-next-page: {}` is not a page number", printable(page)),
        }),
    }
}

/// The id of the note a write made, or the error that says the answer was not one.
fn written_note(answer: &Answer, expected: u16, sent: &str, url: &str) -> Result<u64, GitLabError> {
    crate::http::written(answer, expected, sent, "GitLab").map_err(|reason| {
        GitLabError::UnexpectedAnswer {
            url: url.to_string(),
            reason,
        }
    })
}

/// One request; any answer but 2xx becomes the error that says what to do.
fn send(
    client: &Client,
    method: Method,
    url: &str,
    body: Option<&str>,
    action: &str,
) -> Result<Answer, GitLabError> {
    let answer = client
        .send(method, url, body)
        .map_err(|reason| GitLabError::Unreachable {
            url: url.to_string(),
            reason,
        })?;
    let status = answer.status;
    let url = url.to_string();
    match status {
        200..=299 => Ok(answer),
        300..=399 => Err(GitLabError::Redirected {
            status,
            url,
            location: answer.header("location").map(printable),
        }),
        401 => Err(GitLabError::Unauthorized { url }),
        403 => Err(GitLabError::Forbidden {
            action: action.to_string(),
            message: gitlab_message(&answer.body),
        }),
        404 => Err(GitLabError::NotFound { url }),
        _ => Err(GitLabError::Rejected {
            status,
            url,
            message: gitlab_message(&answer.body),
        }),
    }
}

/// GitLab's `message` (a string, or an object of field errors) or `error`, cleaned and cut
/// short; the raw body when it is not GitLab's JSON.
fn gitlab_message(body: &str) -> String {
    let value: Option<Value> = serde_json::from_str(body).ok();
    let message = value
        .as_ref()
        .and_then(|v| v.get("message").or_else(|| v.get("error")))
        .map(|m| match m {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| body.to_string());
    let cleaned = printable(&message);
    if cleaned.is_empty() {
        "no message".to_string()
    } else {
        cleaned
    }
}
