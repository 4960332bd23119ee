//! `ponder post github` against a fake GitHub REST API that each test starts on
//! 127.0.0.1: a real HTTP server in a thread that keeps the pull request's comments,
//! records every request, and answers as GitHub does (pagination, 401, 404, rate limits,
//! a fork's read-only token). The binary runs as a CI step would, from the environment.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::fake_server::{message, FakeServer, Records, Request, Response};
use common::post::{checkboxes, post_repository as repository, run_without_showing};
use common::{git_in, ponder, CleanCommand, Run};

const TOKEN: &str = "ghs_test-token-that-must-never-be-printed";
const MARKER: &str = "<!-- ponder-report -->";

// ─── The fake GitHub ────────────────────────────────────────────────────────────────────

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    BadCredentials,
    NotFound,
    RateLimited,
    ReadOnly,
    Unprocessable,
    /// Writes are answered with a redirect to a page that answers 200 to anything.
    RedirectWrites,
    /// Writes are answered 200 with a body that is not the comment.
    EmptyAnswers,
}

struct State {
    mode: Mode,
    /// Path prefix of the API (`/api/v3` for GitHub Enterprise Server).
    prefix: String,
    page_size: usize,
    comments: Vec<(u64, String)>,
    next_id: u64,
    requests: Vec<Request>,
    /// The `rel="next"` link of every page, `{address}` standing for the server's own
    /// `http://127.0.0.1:PORT`; `None`: the real next page.
    next_link: Option<String>,
}

struct FakeGitHub {
    address: String,
    state: Arc<Mutex<State>>,
    _server: FakeServer,
}

impl Records for State {
    fn record(&mut self, request: &Request) {
        self.requests.push(request.clone());
    }
}

impl FakeGitHub {
    fn start(mode: Mode, prefix: &str, page_size: usize) -> FakeGitHub {
        let state = Arc::new(Mutex::new(State {
            mode,
            prefix: prefix.to_string(),
            page_size,
            comments: Vec::new(),
            next_id: 1000,
            requests: Vec::new(),
            next_link: None,
        }));
        let server = FakeServer::with_state(&state, respond);
        FakeGitHub {
            address: server.address.clone(),
            state,
            _server: server,
        }
    }

    fn api_url(&self) -> String {
        let prefix = self.state.lock().expect("state").prefix.clone();
        format!("{}{prefix}", self.address)
    }

    fn seed(&self, body: &str) {
        let mut state = self.state.lock().expect("state");
        let id = state.next_id;
        state.next_id += 1;
        state.comments.push((id, body.to_string()));
    }

    /// What a reviewer does on GitHub: edit the comment (tick a box).
    fn edit_comment(&self, edit: impl Fn(&str) -> String) {
        let mut state = self.state.lock().expect("state");
        for (_, body) in state.comments.iter_mut() {
            *body = edit(body);
        }
    }

    fn comments(&self) -> Vec<(u64, String)> {
        self.state.lock().expect("state").comments.clone()
    }

    fn requests(&self) -> Vec<Request> {
        self.state.lock().expect("state").requests.clone()
    }

    fn clear_requests(&self) {
        self.state.lock().expect("state").requests.clear();
    }

    fn methods(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.target))
            .collect()
    }
}

/// GitHub's answers, for the three endpoints ponder uses.
fn respond(state: &mut State, request: &Request, address: &str) -> Response {
    if request.headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {TOKEN}"))
        || state.mode == Mode::BadCredentials
    {
        return message(401, "Bad credentials");
    }
    match state.mode {
        Mode::NotFound => return message(404, "Not Found"),
        Mode::RateLimited => {
            return (
                403,
                vec![
                    ("x-ratelimit-remaining".into(), "0".into()),
                    ("x-ratelimit-reset".into(), "9999999999".into()),
                ],
                serde_json::json!({"message": "API rate limit exceeded for installation ID 1."})
                    .to_string(),
            )
        }
        _ => {}
    }
    let prefix = state.prefix.clone();
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let Some(path) = path.strip_prefix(&prefix) else {
        return message(404, "Not Found");
    };
    let writing = request.method != "GET";
    if path == "/elsewhere" {
        return (200, Vec::new(), "{}".to_string());
    }
    if writing && state.mode == Mode::RedirectWrites {
        return (
            302,
            vec![("location".into(), format!("{address}/elsewhere"))],
            String::new(),
        );
    }
    if writing && state.mode == Mode::EmptyAnswers {
        return (200, Vec::new(), "{}".to_string());
    }
    if writing && state.mode == Mode::ReadOnly {
        return message(403, "Resource not accessible by integration");
    }
    if writing && state.mode == Mode::Unprocessable {
        return (
            422,
            Vec::new(),
            r#"{"message":"Validation Failed","errors":[{"resource":"IssueComment","code":"custom","field":"body","message":"Body is too long (maximum is 65536 characters)"}]}"#.to_string(),
        );
    }
    let html = |id: u64| format!("{address}/o/r/pull/7#issuecomment-{id}");
    match (request.method.as_str(), path) {
        ("GET", "/repos/o/r/issues/7/comments") => {
            let page: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            let size = state.page_size;
            let items: Vec<serde_json::Value> = state
                .comments
                .iter()
                .skip((page - 1) * size)
                .take(size)
                .map(
                    |(id, body)| serde_json::json!({"id": id, "body": body, "html_url": html(*id)}),
                )
                .collect();
            let mut headers = Vec::new();
            if let Some(link) = &state.next_link {
                headers.push((
                    "link".to_string(),
                    format!("<{}>; rel=\"next\"", link.replace("{address}", address)),
                ));
            } else if page * size < state.comments.len() {
                headers.push((
                    "link".to_string(),
                    format!(
                        "<{address}{prefix}/repos/o/r/issues/7/comments?per_page=100&page={}>; rel=\"next\", <{address}{prefix}/repos/o/r/issues/7/comments?per_page=100&page=99>; rel=\"last\"",
                        page + 1
                    ),
                ));
            }
            (200, headers, serde_json::Value::Array(items).to_string())
        }
        ("POST", "/repos/o/r/issues/7/comments") => {
            let body = comment_body(&request.body);
            let id = state.next_id;
            state.next_id += 1;
            state.comments.push((id, body.clone()));
            (
                201,
                Vec::new(),
                serde_json::json!({"id": id, "body": body, "html_url": html(id)}).to_string(),
            )
        }
        ("PATCH", comment) if comment.starts_with("/repos/o/r/issues/comments/") => {
            let id: u64 = comment
                .trim_start_matches("/repos/o/r/issues/comments/")
                .parse()
                .unwrap_or(0);
            let body = comment_body(&request.body);
            match state.comments.iter_mut().find(|(c, _)| *c == id) {
                Some(entry) => {
                    entry.1 = body.clone();
                    (
                        200,
                        Vec::new(),
                        serde_json::json!({"id": id, "body": body, "html_url": html(id)})
                            .to_string(),
                    )
                }
                None => message(404, "Not Found"),
            }
        }
        _ => message(404, "Not Found"),
    }
}

fn comment_body(json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).expect("ponder sends JSON");
    value["body"].as_str().expect("a body").to_string()
}

// ─── Running ponder as a CI step ────────────────────────────────────────────────────────

/// The environment a `pull_request` job for PR 7 of o/r gives a step.
struct Job {
    _dir: tempfile::TempDir,
    event: String,
    summary: String,
}

impl Job {
    fn new() -> Job {
        Job::with_event(
            r#"{"action":"synchronize","number":7,"pull_request":{"number":7,"base":{"ref":"main"}}}"#,
        )
    }

    /// A job whose event payload is `payload`.
    fn with_event(payload: &str) -> Job {
        let dir = tempfile::tempdir().expect("temp dir");
        let event = dir.path().join("event.json");
        std::fs::write(&event, payload).expect("event");
        let summary = dir.path().join("summary.md");
        Job {
            event: event.to_string_lossy().into_owned(),
            summary: summary.to_string_lossy().into_owned(),
            _dir: dir,
        }
    }

    fn command(&self, repo: &Path, server: &FakeGitHub, args: &[&str]) -> CleanCommand {
        let mut command = ponder();
        command.args(["post", "github"]).args(args);
        self.environment(&mut command, repo, server);
        command
    }

    /// The step's environment, and nothing else from the test's own.
    fn environment(&self, command: &mut Command, repo: &Path, server: &FakeGitHub) {
        command
            .current_dir(repo)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", repo)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", "o/r")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &self.event)
            .env("GITHUB_STEP_SUMMARY", &self.summary)
            .env("GITHUB_API_URL", server.api_url())
            .env("GITHUB_SERVER_URL", &server.address);
    }
}

// ─── Tests ──────────────────────────────────────────────────────────────────────────────

#[test]
fn posts_one_comment_then_updates_it_on_the_next_push() {
    let mut repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 100);
    server.seed("Looks good to me, @someone");
    let job = Job::new();

    let first = run(job.command(repo.path(), &server, &["main..topic"]));
    assert_eq!(first.code, Some(0), "{first:?}");
    assert!(first.stdout.is_empty(), "{first:?}");
    assert!(
        first
            .stderr
            .contains("commented on the pull request (2 questions, 0 answered)"),
        "{first:?}"
    );
    assert!(
        first.stderr.contains("/o/r/pull/7#issuecomment-1001"),
        "{first:?}"
    );
    assert_eq!(
        server.methods(),
        vec![
            "GET /repos/o/r/issues/7/comments?per_page=100".to_string(),
            "POST /repos/o/r/issues/7/comments".to_string()
        ]
    );
    let request = &server.requests()[1];
    assert_eq!(request.headers["accept"], "application/vnd.github+json");
    assert!(
        request.headers["user-agent"].starts_with("ponder/"),
        "{request:?}"
    );
    let comments = server.comments();
    assert_eq!(comments.len(), 2);
    let body = &comments[1].1;
    assert!(body.starts_with(MARKER), "{body}");
    assert_eq!(checkboxes(body), vec![false, false], "{body}");
    // Locations link to the analysed head on the server.
    let head = repo.git(&["rev-parse", "topic"]);
    assert!(
        body.contains(&format!(
            "]({}/o/r/blob/{head}/src/lib.rs#L",
            server.address
        )),
        "{body}"
    );

    // The author answers one question and pushes again: the same comment changes.
    repo.write(
        "src/lib.rs",
        "pub fn read(path: &str) -> String {\n    std::fs::read_to_string(path).unwrap_or_default()\n}\n\npub fn size(path: &str) -> u64 {\n    // ponder: unhandled-failure: callers pass paths they just listed from the same directory\n    let meta = std::fs::metadata(path).unwrap();\n    if meta.is_dir() {\n        return 0;\n    }\n    meta.len()\n}\n",
    );
    repo.commit_all("Answer the question about metadata\n\nThe reason belongs next to the call so the next reader has it.");
    server.clear_requests();
    let second = run(job.command(repo.path(), &server, &["main..topic"]));
    assert_eq!(second.code, Some(0), "{second:?}");
    assert!(
        second
            .stderr
            .contains("updated its pull request comment (2 questions, 1 answered)"),
        "{second:?}"
    );
    assert_eq!(
        server.methods(),
        vec![
            "GET /repos/o/r/issues/7/comments?per_page=100".to_string(),
            "PATCH /repos/o/r/issues/comments/1001".to_string()
        ]
    );
    let comments = server.comments();
    assert_eq!(comments.len(), 2, "still one ponder comment: {comments:?}");
    assert_eq!(comments[0].1, "Looks good to me, @someone");
    assert!(
        checkboxes(&comments[1].1).contains(&true),
        "{}",
        comments[1].1
    );
    assert!(
        comments[1]
            .1
            .contains("callers pass paths they just listed"),
        "{}",
        comments[1].1
    );

    // --require-answers gates after posting.
    let gated = run(job.command(repo.path(), &server, &["main..topic", "--require-answers"]));
    assert_eq!(gated.code, Some(1), "{gated:?}");
    assert_eq!(server.comments().len(), 2);
}

#[test]
fn finds_its_comment_on_a_later_page_and_ignores_quotes_of_the_marker() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 2);
    server.seed(&format!("> {MARKER}\n> quoting the bot"));
    for index in 0..3 {
        server.seed(&format!("review comment {index}"));
    }
    server.seed(&format!("{MARKER}\nan old report"));
    server.seed("a later comment");
    let job = Job::new();
    let result = run(job.command(repo.path(), &server, &["main..topic"]));
    assert_eq!(result.code, Some(0), "{result:?}");
    assert_eq!(
        server.methods(),
        vec![
            "GET /repos/o/r/issues/7/comments?per_page=100".to_string(),
            "GET /repos/o/r/issues/7/comments?per_page=100&page=2".to_string(),
            "GET /repos/o/r/issues/7/comments?per_page=100&page=3".to_string(),
            "PATCH /repos/o/r/issues/comments/1004".to_string()
        ]
    );
    let comments = server.comments();
    assert_eq!(comments.len(), 6);
    assert!(comments[0].1.contains("quoting the bot"));
    assert!(
        comments[4].1.contains("ponder asks 2 questions"),
        "{}",
        comments[4].1
    );
}

#[test]
fn github_enterprise_server_is_reached_at_its_own_api_url() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "/api/v3", 100);
    let job = Job::new();
    let api = server.api_url();
    let mut command = job.command(
        repo.path(),
        &server,
        &[
            "main..topic",
            "--api-url",
            &api,
            "--repository",
            "o/r",
            "--pr",
            "7",
        ],
    );
    command
        .env_remove("GITHUB_API_URL")
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_REPOSITORY");
    let result = run(command);
    assert_eq!(result.code, Some(0), "{result:?}");
    assert_eq!(
        server.methods(),
        vec![
            "GET /api/v3/repos/o/r/issues/7/comments?per_page=100".to_string(),
            "POST /api/v3/repos/o/r/issues/7/comments".to_string()
        ]
    );
    // The web address is the API's without /api/v3.
    let body = &server.comments()[0].1;
    assert!(
        body.contains(&format!("]({}/o/r/blob/", server.address)),
        "{body}"
    );
}

#[test]
fn a_token_from_another_variable_is_used_when_named() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 100);
    let job = Job::new();
    let mut command = job.command(
        repo.path(),
        &server,
        &["main..topic", "--token-env", "PONDER_BOT_TOKEN"],
    );
    command
        .env_remove("GITHUB_TOKEN")
        .env("PONDER_BOT_TOKEN", TOKEN);
    let result = run(command);
    assert_eq!(result.code, Some(0), "{result:?}");
    assert_eq!(server.comments().len(), 1);
}

/// A failure that must stop the step: exit 2, a help line, the words a user needs.
fn assert_fails(mode: Mode, needles: &[&str]) -> FakeGitHub {
    let repo = repository();
    let server = FakeGitHub::start(mode, "", 100);
    let job = Job::new();
    let result = run(job.command(repo.path(), &server, &["main..topic"]));
    result.exits_with(2, &["help:"]);
    for needle in needles {
        assert!(
            result.stderr.contains(needle),
            "stderr should say {needle:?}: {result:?}"
        );
    }
    assert!(server.comments().is_empty());
    server
}

#[test]
fn a_refused_token_is_a_clear_error() {
    let server = assert_fails(
        Mode::BadCredentials,
        &["401 Unauthorized", "expired or revoked"],
    );
    assert_eq!(
        server.requests().len(),
        1,
        "no second try with a refused token"
    );
}

#[test]
fn an_unknown_repository_or_pull_request_is_a_clear_error() {
    assert_fails(
        Mode::NotFound,
        &["GitHub found nothing", "404 Not Found", "--pr"],
    );
}

#[test]
fn a_used_up_rate_limit_is_a_clear_error() {
    assert_fails(
        Mode::RateLimited,
        &["rate limit is used up", "403", "resets in"],
    );
}

#[test]
fn a_comment_github_rejects_is_a_clear_error() {
    assert_fails(Mode::Unprocessable, &["422", "Body is too long"]);
}

#[test]
fn a_forks_read_only_token_writes_the_job_summary_instead() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::ReadOnly, "", 100);
    let job = Job::new();
    std::fs::write(&job.summary, "# Earlier step\n").expect("summary");
    let result = run(job.command(repo.path(), &server, &["main..topic"]));
    result.exits_with(0, &["may not comment"]);
    assert!(
        result
            .stderr
            .contains("Resource not accessible by integration"),
        "{result:?}"
    );
    assert!(result.stderr.contains("job summary"), "{result:?}");
    assert!(server.comments().is_empty());
    let summary = std::fs::read_to_string(&job.summary).expect("summary written");
    assert!(
        summary.starts_with("# Earlier step\n"),
        "appended, not replaced: {summary}"
    );
    assert!(summary.contains(MARKER), "{summary}");
    assert_eq!(checkboxes(&summary), vec![false, false], "{summary}");

    // Outside Actions there is no summary to fall back on: that is an error.
    let mut command = job.command(repo.path(), &server, &["main..topic"]);
    command.env_remove("GITHUB_STEP_SUMMARY");
    let result = run(command);
    result.exits_with(2, &["no job summary"]);
}

#[cfg(unix)]
#[test]
fn a_job_summary_that_is_a_fifo_or_a_directory_is_refused_without_blocking() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::ReadOnly, "", 100);
    let job = Job::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("summary");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for (path, kind) in [(fifo.as_path(), "FIFO"), (dir.path(), "directory")] {
        let mut command = job.command(repo.path(), &server, &["main..topic"]);
        command.env("GITHUB_STEP_SUMMARY", path);
        let result = command.run_within(std::time::Duration::from_secs(30));
        result.exits_with(2, &["the job summary", "not a regular file", kind]);
    }
}

#[test]
fn missing_inputs_fail_before_any_request() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 100);
    let job = Job::new();

    let mut command = job.command(repo.path(), &server, &["main..topic"]);
    command.env_remove("GITHUB_TOKEN");
    let result = run(command);
    result.exits_with(2, &["no token in `GITHUB_TOKEN`", "secrets.GITHUB_TOKEN"]);

    let mut command = job.command(repo.path(), &server, &["main..topic"]);
    command
        .env_remove("GITHUB_EVENT_PATH")
        .env("GITHUB_EVENT_NAME", "push");
    let result = run(command);
    result.exits_with(2, &["which pull request", "--pr NUMBER"]);

    let mut command = job.command(repo.path(), &server, &["main..topic"]);
    command.env("GITHUB_REPOSITORY", "not-a-repository");
    let result = run(command);
    result.exits_with(2, &["OWNER/NAME"]);

    // An unreachable API is an error too, not a hang.
    let mut command = job.command(repo.path(), &server, &["main..topic"]);
    command.env("GITHUB_API_URL", "http://127.0.0.1:9");
    let result = run(command);
    result.exits_with(2, &["could not reach GitHub"]);

    assert!(server.requests().is_empty(), "{:?}", server.methods());
}

#[test]
fn in_a_pull_request_job_the_range_defaults_to_the_base_branch() {
    let source = repository();
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", source.path().display());
    let target = clone.path().to_str().expect("UTF-8 temp path");
    git_in(
        clone.path(),
        &["clone", "-q", "--branch", "topic", &url, target],
    );
    let server = FakeGitHub::start(Mode::Normal, "", 100);
    let job = Job::new();
    let mut command = job.command(clone.path(), &server, &[]);
    command
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_BASE_REF", "main");
    let result = run(command);
    assert_eq!(result.code, Some(0), "{result:?}");
    let body = &server.comments()[0].1;
    let base = source.git(&["rev-parse", "main"]);
    let head = source.git(&["rev-parse", "topic"]);
    assert!(
        body.contains(&format!("`{}..{}`", &base[..10], &head[..10])),
        "{body}"
    );
    assert_eq!(checkboxes(body).len(), 2, "{body}");
}

#[test]
fn a_squash_merged_pull_request_is_judged_by_its_body() {
    let repo = repository();
    let config = repo.path().join("squash.toml");
    std::fs::write(&config, "squash = true\n").expect("config");
    let config = config.to_string_lossy().into_owned();
    let post = |body: serde_json::Value| {
        let server = FakeGitHub::start(Mode::Normal, "", 100);
        let payload = serde_json::json!({
            "action": "synchronize",
            "pull_request": {"number": 7, "body": body},
        });
        let job = Job::with_event(&payload.to_string());
        let mut command = job.command(repo.path(), &server, &["main..topic", "--config", &config]);
        command.env("GITHUB_ACTIONS", "true");
        let result = run(command);
        assert_eq!(result.code, Some(0), "{result:?}");
        server.comments()[0].1.clone()
    };
    // No body: the unwrap, the branch, and the one question about the description.
    let body = post(serde_json::Value::Null);
    assert_eq!(checkboxes(&body).len(), 3, "{body}");
    assert!(
        body.contains("is empty or was not given to ponder"),
        "{body}"
    );
    // A body that says why: nothing to ask about it.
    let body = post(serde_json::json!(
        "Callers size their buffers before reading, because reading twice was slow."
    ));
    assert_eq!(checkboxes(&body).len(), 2, "{body}");
    assert!(!body.contains("squash-merged"), "{body}");
}

// ─── The composite action ───────────────────────────────────────────────────────────────

/// `bash action/run.sh`, as action.yml's step runs it, with ponder on the PATH.
fn action_step(job: &Job, repo: &Path, server: &FakeGitHub, inputs: &[(&str, &str)]) -> Run {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = CleanCommand::new("bash");
    command.arg(root.join("action/run.sh"));
    job.environment(&mut command, repo, server);
    let bin = Path::new(env!("CARGO_BIN_EXE_ponder"))
        .parent()
        .expect("bin dir");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    command.env("PATH", path);
    for (name, value) in inputs {
        command.env(name, value);
    }
    run(command)
}

#[test]
fn the_action_prints_the_report_posts_it_and_then_gates() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 100);
    let job = Job::new();
    let inputs = [
        ("PONDER_RANGE", "main..topic"),
        ("PONDER_FORMAT", "markdown"),
        ("PONDER_POST", "true"),
        ("PONDER_REQUIRE_ANSWERS", "true"),
    ];
    let result = action_step(&job, repo.path(), &server, &inputs);
    assert_eq!(result.code, Some(1), "the gate fails the step: {result:?}");
    assert!(result.stdout.starts_with(MARKER), "{result:?}");
    assert!(
        result.stderr.contains("commented on the pull request"),
        "posted before the gate: {result:?}"
    );
    assert!(result.stderr.contains("unanswered"), "{result:?}");
    assert_eq!(server.comments().len(), 1);

    // Without post and gate: the log only, and success.
    server.clear_requests();
    let result = action_step(
        &job,
        repo.path(),
        &server,
        &[("PONDER_RANGE", "main..topic"), ("PONDER_FORMAT", "human")],
    );
    assert_eq!(result.code, Some(0), "{result:?}");
    assert!(result.stdout.contains("unhandled-failure"), "{result:?}");
    assert!(server.requests().is_empty());

    // A mistyped flag input is an error, not a silent `false`.
    let result = action_step(&job, repo.path(), &server, &[("PONDER_POST", "yes")]);
    result.exits_with(2, &["input 'post' must be true or false"]);
}

#[test]
fn action_yml_declares_each_input_and_hands_it_to_the_script() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let action = std::fs::read_to_string(root.join("action.yml")).expect("action.yml");
    let script = std::fs::read_to_string(root.join("action/run.sh")).expect("run.sh");
    for (input, variable) in [
        ("range", "PONDER_RANGE"),
        ("format", "PONDER_FORMAT"),
        ("post", "PONDER_POST"),
        ("require-answers", "PONDER_REQUIRE_ANSWERS"),
    ] {
        assert!(
            action.contains(&format!("\n  {input}:\n")),
            "input {input} declared"
        );
        assert!(
            action.contains(&format!("{variable}: ${{{{ inputs.{input} }}}}")),
            "input {input} passed as {variable}"
        );
        assert!(script.contains(variable), "run.sh reads {variable}");
        // Inputs are never spliced into shell code.
        assert!(!script.contains(&format!("inputs.{input}")));
    }
    let build = std::fs::read_to_string(root.join("action/build.sh")).expect("build.sh");
    assert!(build.contains("cargo install --locked --quiet --path \"${GITHUB_ACTION_PATH:?}\""));
    assert!(action.contains("run: bash \"$GITHUB_ACTION_PATH/action/install.sh\""));
    assert!(action.contains("run: bash \"$GITHUB_ACTION_PATH/action/run.sh\""));
}

#[test]
fn a_change_without_questions_gets_no_new_comment_but_an_old_one_is_updated() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 100);
    let job = Job::new();
    // `main` against itself: nothing to ask.
    let quiet = run(job.command(repo.path(), &server, &["main..main"]));
    quiet.exits_with(0, &["gets no comment"]);
    assert!(server.comments().is_empty());
    assert_eq!(
        server.methods(),
        vec!["GET /repos/o/r/issues/7/comments?per_page=100".to_string()]
    );

    // Once asked, the comment is kept current, down to "no questions".
    let asked = run(job.command(repo.path(), &server, &["main..topic"]));
    assert_eq!(asked.code, Some(0), "{asked:?}");
    let quiet = run(job.command(repo.path(), &server, &["main..main"]));
    assert_eq!(quiet.code, Some(0), "{quiet:?}");
    assert!(
        quiet
            .stderr
            .contains("updated its pull request comment (0 questions"),
        "{quiet:?}"
    );
    let comments = server.comments();
    assert_eq!(comments.len(), 1);
    assert!(
        comments[0]
            .1
            .contains("ponder has no questions about this change"),
        "{}",
        comments[0].1
    );
}

#[test]
fn a_reviewers_ticked_box_survives_the_next_push_while_its_question_is_asked() {
    let mut repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 100);
    let job = Job::new();
    let first = run(job.command(repo.path(), &server, &["main..topic"]));
    assert_eq!(first.code, Some(0), "{first:?}");
    assert_eq!(checkboxes(&server.comments()[0].1), [false, false]);

    // The reviewer ticks the untested-branch item on GitHub.
    server.edit_comment(|body| {
        body.lines()
            .map(|line| {
                if line.contains("*untested-branch*") {
                    line.replacen("- [ ] ", "- [x] ", 1)
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    assert_eq!(checkboxes(&server.comments()[0].1), [false, true]);

    // A push that changes nothing about that question keeps the tick; the other box
    // stays as ponder made it.
    repo.write("README.md", "The size of a file, for buffers.\n");
    repo.commit_all("Say what the library is for\n\nNewcomers asked what it does.");
    let second = run(job.command(repo.path(), &server, &["main..topic"]));
    assert_eq!(second.code, Some(0), "{second:?}");
    let body = &server.comments()[0].1;
    let ticked: Vec<&str> = body.lines().filter(|l| l.starts_with("- [x] ")).collect();
    assert_eq!(ticked.len(), 1, "{body}");
    assert!(ticked[0].contains("*untested-branch*"), "{body}");
    assert_eq!(checkboxes(body), [false, true], "{body}");
}

// ─── Hostile answers ────────────────────────────────────────────────────────────────────

#[test]
fn a_redirected_or_unconfirmed_write_is_an_error_not_a_comment() {
    for (mode, needles) in [
        (Mode::RedirectWrites, &["302", "redirect", "/elsewhere"][..]),
        (Mode::EmptyAnswers, &["201", "could not read"][..]),
    ] {
        let server = assert_fails(mode, needles);
        assert!(
            !server.methods().iter().any(|m| m.contains("elsewhere")),
            "the redirect was followed: {:?}",
            server.methods()
        );
    }
}

#[test]
fn a_next_page_on_another_origin_is_refused_and_never_gets_the_token() {
    let port = |address: &str| address.rsplit(':').next().unwrap_or_default().to_string();
    for next in [
        // A port that only starts like the API's.
        "http://127.0.0.1:{port}9/repos/o/r/issues/7/comments?page=2",
        // User information: the host is the part after `@`, here the server itself on a
        // path that records who asked.
        "http://127.0.0.1:{port}@127.0.0.1:{port}/stolen?page=2",
        "https://127.0.0.1:{port}/repos/o/r/issues/7/comments?page=2",
    ] {
        let repo = repository();
        let server = FakeGitHub::start(Mode::Normal, "", 100);
        let link = next.replace("{port}", &port(&server.address));
        server.state.lock().expect("state").next_link = Some(link.clone());
        let job = Job::new();
        let result = run(job.command(repo.path(), &server, &["main..topic"]));
        assert_eq!(result.code, Some(2), "{link}: {result:?}");
        assert!(
            result.stderr.contains("another address"),
            "{link}: {result:?}"
        );
        assert_eq!(
            server.methods(),
            vec!["GET /repos/o/r/issues/7/comments?per_page=100".to_string()],
            "{link}"
        );
        assert!(server.comments().is_empty(), "{link}");
    }
}

#[test]
fn past_the_page_limit_ponder_says_so_rather_than_post_a_second_comment() {
    let repo = repository();
    let server = FakeGitHub::start(Mode::Normal, "", 1);
    for index in 0..60 {
        server.seed(&format!("review comment {index}"));
    }
    let job = Job::new();
    let result = run(job.command(repo.path(), &server, &["main..topic"]));
    assert_eq!(result.code, Some(2), "{result:?}");
    assert!(result.stderr.contains("searched 50 pages"), "{result:?}");
    assert!(
        !server.methods().iter().any(|m| m.starts_with("POST")),
        "{:?}",
        server.methods()
    );
}

/// Runs the job; whatever it does, the token must never be shown.
fn run(command: CleanCommand) -> Run {
    run_without_showing(command, TOKEN)
}
