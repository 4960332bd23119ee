//! Everything ponder knows about GitLab CI, in one place: which project and merge request a
//! job runs for (`CI_*` variables, or flags), where the API is (gitlab.com or a
//! self-managed server), and the one merge request note ponder keeps up to date (`note`).
//!
//! The environment is passed in as a function, as for `github`, so that tests can give any
//! environment without touching the process's own.

mod error;
mod note;

pub use error::GitLabError;
pub use note::{post, Posted};

use crate::github::Env;

/// The variable that holds the token unless `--token-env` names another.
pub const DEFAULT_TOKEN_ENV: &str = "GITLAB_TOKEN";

/// In a GitLab CI merge request pipeline: the merge request's description, from the
/// predefined `CI_MERGE_REQUEST_DESCRIPTION` (GitLab 16.7 and later; a long description is
/// cut to its first 2,700 characters there, which is where its reason usually is).
/// `None` outside GitLab CI or when it is empty.
pub fn merge_request_description(env: Env<'_>) -> Option<String> {
    if env("GITLAB_CI").as_deref() != Some("true") {
        return None;
    }
    env("CI_MERGE_REQUEST_DESCRIPTION").filter(|text| !text.trim().is_empty())
}

/// What `ponder post gitlab` was told on its command line; the rest comes from the
/// environment.
#[derive(Debug, Clone, Default)]
pub struct PostOptions {
    /// The project's id or path (`group/project`); otherwise `CI_PROJECT_ID`.
    pub project: Option<String>,
    /// The merge request's iid; otherwise `CI_MERGE_REQUEST_IID`.
    pub merge_request: Option<String>,
    /// The variable that holds the token (`GITLAB_TOKEN` by default).
    pub token_env: String,
    /// Otherwise `CI_API_V4_URL`, otherwise `CI_SERVER_URL` + `/api/v4`, otherwise
    /// `https://gitlab.com/api/v4`.
    pub api_url: Option<String>,
}

/// Where and as whom to post: everything resolved, nothing left to guess.
#[derive(Clone)]
pub struct Target {
    /// `https://HOST/api/v4`, no trailing slash.
    pub api_url: String,
    /// The project's id or path, percent-encoded for a URL path segment.
    pub project: String,
    pub merge_request: u64,
    pub token: String,
    /// The project's web address (`CI_PROJECT_URL`), for links, when known.
    pub project_url: Option<String>,
}

impl std::fmt::Debug for Target {
    // The token is never printed, not even in a debug dump.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("api_url", &self.api_url)
            .field("project", &self.project)
            .field("merge_request", &self.merge_request)
            .finish_non_exhaustive()
    }
}

impl Target {
    pub fn resolve(options: &PostOptions, env: Env<'_>) -> Result<Target, GitLabError> {
        let token_env = if options.token_env.is_empty() {
            DEFAULT_TOKEN_ENV
        } else {
            options.token_env.as_str()
        };
        let present = |name: &str| env(name).filter(|value| !value.trim().is_empty());
        // A job token may read merge requests but not write their notes: it is never used.
        let token = present(token_env).ok_or_else(|| GitLabError::MissingToken {
            variable: token_env.to_string(),
            job_token: present("CI_JOB_TOKEN").is_some(),
        })?;
        let project = options
            .project
            .clone()
            .or_else(|| env("CI_PROJECT_ID"))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .ok_or(GitLabError::MissingProject)?;
        let merge_request = options
            .merge_request
            .clone()
            .or_else(|| env("CI_MERGE_REQUEST_IID"))
            .filter(|m| !m.trim().is_empty())
            .ok_or(GitLabError::MissingMergeRequest)?;
        let merge_request =
            merge_request
                .trim()
                .parse::<u64>()
                .map_err(|_| GitLabError::BadMergeRequest {
                    value: crate::http::printable(&merge_request),
                })?;
        let api_url = options
            .api_url
            .clone()
            .or_else(|| env("CI_API_V4_URL"))
            .filter(|u| !u.is_empty())
            .or_else(|| {
                env("CI_SERVER_URL")
                    .filter(|u| !u.is_empty())
                    .map(|server| format!("{}/api/v4", server.trim_end_matches('/')))
            })
            .unwrap_or_else(|| "https://gitlab.com/api/v4".to_string());
        let api_url = api_url.trim_end_matches('/').to_string();
        if !is_web(&api_url) {
            return Err(GitLabError::BadApiUrl {
                url: crate::http::printable(&api_url),
            });
        }
        Ok(Target {
            api_url,
            project: path_segment(&project),
            merge_request,
            token,
            project_url: env("CI_PROJECT_URL")
                .filter(|u| is_web(u))
                .map(|u| u.trim_end_matches('/').to_string()),
        })
    }

    /// `https://HOST/GROUP/PROJECT/-/blob/`, for the markdown report's links.
    pub fn blob_link_base(&self) -> Option<String> {
        self.project_url
            .as_ref()
            .map(|project| format!("{project}/-/blob/"))
    }

    fn notes_url(&self) -> String {
        format!(
            "{}/projects/{}/merge_requests/{}/notes",
            self.api_url, self.project, self.merge_request
        )
    }

    /// Where a reader finds note `id`: on the merge request's page when the project's
    /// address is known, else the API's address of the note.
    fn note_address(&self, id: u64) -> String {
        match &self.project_url {
            Some(project) => format!(
                "{project}/-/merge_requests/{}#note_{id}",
                self.merge_request
            ),
            None => format!("{}/{id}", self.notes_url()),
        }
    }
}

fn is_web(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// A project id or `group/project` path as one URL path segment, as GitLab's API takes it
/// (`group%2Fproject`): everything but unreserved characters percent-encoded.
fn path_segment(project: &str) -> String {
    let mut out = String::new();
    for byte in project.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{GitLabError, PostOptions, Target};

    fn resolve(variables: &[(&str, &str)], options: &PostOptions) -> Result<Target, GitLabError> {
        let env = |name: &str| {
            variables
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        Target::resolve(options, &env)
    }

    #[test]
    fn a_merge_request_pipeline_names_everything() {
        let target = resolve(
            &[
                ("GITLAB_TOKEN", "glpat-x"),
                ("CI_PROJECT_ID", "42"),
                ("CI_MERGE_REQUEST_IID", "7"),
                ("CI_API_V4_URL", "https://gitlab.example.com/api/v4"),
                ("CI_PROJECT_URL", "https://gitlab.example.com/team/shop"),
            ],
            &PostOptions::default(),
        )
        .expect("resolved");
        assert_eq!(
            target.notes_url(),
            "https://gitlab.example.com/api/v4/projects/42/merge_requests/7/notes"
        );
        assert_eq!(
            target.blob_link_base().as_deref(),
            Some("https://gitlab.example.com/team/shop/-/blob/")
        );
    }

    #[test]
    fn flags_override_and_a_path_is_one_segment() {
        let options = PostOptions {
            project: Some("team/shop".to_string()),
            merge_request: Some("9".to_string()),
            token_env: "MY_TOKEN".to_string(),
            api_url: None,
        };
        let target = resolve(
            &[("MY_TOKEN", "t"), ("CI_SERVER_URL", "https://git.example/")],
            &options,
        )
        .expect("resolved");
        assert_eq!(
            target.notes_url(),
            "https://git.example/api/v4/projects/team%2Fshop/merge_requests/9/notes"
        );
    }

    #[test]
    fn a_job_token_alone_is_no_token() {
        let error = resolve(
            &[
                ("CI_JOB_TOKEN", "job"),
                ("CI_PROJECT_ID", "1"),
                ("CI_MERGE_REQUEST_IID", "2"),
            ],
            &PostOptions::default(),
        )
        .err();
        assert!(
            matches!(
                &error,
                Some(GitLabError::MissingToken {
                    job_token: true,
                    ..
                })
            ),
            "{error:?}"
        );
        let error = resolve(
            &[
                ("GITLAB_TOKEN", "t"),
                ("CI_PROJECT_ID", "1"),
                ("CI_MERGE_REQUEST_IID", "x"),
            ],
            &PostOptions::default(),
        )
        .err();
        assert!(matches!(error, Some(GitLabError::BadMergeRequest { .. })));
    }
}
