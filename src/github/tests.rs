//! The GitHub Actions environment as a job sees it, given as a map.

use std::collections::BTreeMap;

use super::{default_range, GitHubError, PostOptions, Target};
use crate::git::RangeSpec;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name: &str| map.get(name).cloned()
}

fn event_file(json: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), json).expect("write event");
    file
}

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

#[test]
fn a_pull_request_job_defaults_to_its_base_ref_then_the_payloads_base_sha() {
    let event = event_file(&format!(
        r#"{{"pull_request":{{"number":7,"base":{{"ref":"main","sha":"{SHA}"}}}}}}"#
    ));
    let path = event.path().to_string_lossy().to_string();
    let env = env_of(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_BASE_REF", "main"),
        ("GITHUB_EVENT_PATH", &path),
    ]);
    assert_eq!(
        default_range(&env),
        Some(RangeSpec::PullRequestBase(vec![
            "origin/main".to_string(),
            SHA.to_string()
        ]))
    );
    let env = env_of(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_PATH", &path)]);
    assert_eq!(
        default_range(&env),
        Some(RangeSpec::PullRequestBase(vec![SHA.to_string()]))
    );
}

#[test]
fn outside_a_pull_request_job_there_is_no_ci_default() {
    assert_eq!(default_range(&env_of(&[("GITHUB_BASE_REF", "main")])), None);
    assert_eq!(
        default_range(&env_of(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_BASE_REF", "")
        ])),
        None
    );
    let push = event_file(r#"{"ref":"refs/heads/main","before":"abc"}"#);
    let path = push.path().to_string_lossy().to_string();
    assert_eq!(
        default_range(&env_of(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_PATH", &path)
        ])),
        None
    );
    // A payload that is not JSON gives no default either (the range then comes from git).
    let broken = event_file("{not json");
    let path = broken.path().to_string_lossy().to_string();
    assert_eq!(
        default_range(&env_of(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_PATH", &path)
        ])),
        None
    );
}

#[test]
fn the_target_comes_from_flags_before_the_environment() {
    let event = event_file(r#"{"pull_request":{"number":42}}"#);
    let path = event.path().to_string_lossy().to_string();
    let env = env_of(&[
        ("GITHUB_TOKEN", "secret-token"),
        ("GITHUB_REPOSITORY", "octo/widgets"),
        ("GITHUB_EVENT_PATH", &path),
    ]);
    let target = Target::resolve(&PostOptions::default(), &env).expect("resolves");
    assert_eq!(
        (target.owner.as_str(), target.name.as_str()),
        ("octo", "widgets")
    );
    assert_eq!(target.pull_request, 42);
    assert_eq!(target.api_url, "https://api.github.com");
    assert_eq!(
        target.blob_link_base().as_deref(),
        Some("https://github.com/octo/widgets/blob/")
    );
    assert!(!format!("{target:?}").contains("secret-token"));

    let options = PostOptions {
        repository: Some("other/repo".to_string()),
        pull_request: Some(5),
        token_env: "PONDER_TOKEN".to_string(),
        api_url: Some("https://ghe.example.com/api/v3/".to_string()),
    };
    let env = env_of(&[("PONDER_TOKEN", "t")]);
    let target = Target::resolve(&options, &env).expect("resolves");
    assert_eq!(target.api_url, "https://ghe.example.com/api/v3");
    assert_eq!(target.pull_request, 5);
    assert_eq!(
        target.blob_link_base().as_deref(),
        Some("https://ghe.example.com/other/repo/blob/")
    );
}

#[test]
fn missing_or_malformed_inputs_are_named() {
    let none = env_of(&[]);
    assert!(matches!(
        Target::resolve(&PostOptions::default(), &none),
        Err(GitHubError::MissingToken { variable }) if variable == "GITHUB_TOKEN"
    ));
    let token_only = env_of(&[("GITHUB_TOKEN", "t")]);
    assert!(matches!(
        Target::resolve(&PostOptions::default(), &token_only),
        Err(GitHubError::MissingRepository)
    ));
    for bad in ["noslash", "a/b/c", "../x", "a/", "o/r?x=1"] {
        let env = env_of(&[("GITHUB_TOKEN", "t"), ("GITHUB_REPOSITORY", bad)]);
        assert!(
            matches!(
                Target::resolve(&PostOptions::default(), &env),
                Err(GitHubError::BadRepository { .. })
            ),
            "{bad}"
        );
    }
    let env = env_of(&[
        ("GITHUB_TOKEN", "t"),
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_EVENT_NAME", "push"),
    ]);
    let error = Target::resolve(&PostOptions::default(), &env).expect_err("no PR");
    assert!(error.to_string().contains("`push` event"), "{error}");
    let env = env_of(&[
        ("GITHUB_TOKEN", "t"),
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
    ]);
    assert!(matches!(
        Target::resolve(&PostOptions::default(), &env),
        Err(GitHubError::EventUnreadable { .. })
    ));
    let options = PostOptions {
        pull_request: Some(1),
        api_url: Some("ftp://x".to_string()),
        ..PostOptions::default()
    };
    assert!(matches!(
        Target::resolve(&options, &env),
        Err(GitHubError::BadApiUrl { .. })
    ));
}
