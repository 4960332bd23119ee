//! `ponder post gitlab` against a fake GitLab REST API that each test starts on 127.0.0.1:
//! it keeps the merge request's notes (GitLab's own system notes among them), records every
//! request, and answers as GitLab does (`PRIVATE-TOKEN`, `x-next-page` pagination, 201 on
//! create, 200 on update). The binary runs as a merge request pipeline's job would, from
//! the `CI_*` environment.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use common::fake_server::{message, FakeServer, Records, Request, Response};
use common::post::{checkboxes, post_repository as repository, run_without_showing};
use common::{ponder, CleanCommand, Run, TestRepo};

const TOKEN: &str = "glpat-test-token-that-must-never-be-printed";
const MARKER: &str = "<!-- ponder-report -->";
const NOTES: &str = "/api/v4/projects/42/merge_requests/7/notes";

// ─── The fake GitLab ────────────────────────────────────────────────────────────────────

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// Writes are answered with a redirect to a page that answers 200 to anything.
    RedirectWrites,
}

struct Note {
    id: u64,
    body: String,
    system: bool,
}

struct State {
    mode: Mode,
    page_size: usize,
    notes: Vec<Note>,
    next_id: u64,
    requests: Vec<Request>,
    /// A `Link: <…>; rel="next"` for every page, `{address}` standing for the server's own.
    next_link: Option<String>,
}

struct FakeGitLab {
    address: String,
    state: Arc<Mutex<State>>,
    _server: FakeServer,
}

impl Records for State {
    fn record(&mut self, request: &Request) {
        self.requests.push(request.clone());
    }
}

impl FakeGitLab {
    fn start(mode: Mode, page_size: usize) -> FakeGitLab {
        let state = Arc::new(Mutex::new(State {
            mode,
            page_size,
            notes: Vec::new(),
            next_id: 500,
            requests: Vec::new(),
            next_link: None,
        }));
        let server = FakeServer::with_state(&state, respond);
        FakeGitLab {
            address: server.address.clone(),
            state,
            _server: server,
        }
    }

    fn seed(&self, body: &str, system: bool) {
        let mut state = self.state.lock().expect("state");
        let id = state.next_id;
        state.next_id += 1;
        state.notes.push(Note {
            id,
            body: body.to_string(),
            system,
        });
    }

    /// ponder's notes: the ones that start with its marker.
    fn ponder_notes(&self) -> Vec<(u64, String)> {
        let state = self.state.lock().expect("state");
        state
            .notes
            .iter()
            .filter(|n| n.body.starts_with(MARKER))
            .map(|n| (n.id, n.body.clone()))
            .collect()
    }

    /// What a reviewer does on GitLab: edit ponder's note (tick a box).
    fn edit_ponder_note(&self, edit: impl Fn(&str) -> String) {
        let mut state = self.state.lock().expect("state");
        for note in state
            .notes
            .iter_mut()
            .filter(|n| n.body.starts_with(MARKER))
        {
            note.body = edit(&note.body);
        }
    }

    fn methods(&self) -> Vec<String> {
        let state = self.state.lock().expect("state");
        state
            .requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.target))
            .collect()
    }
}

fn note_json(note: &Note) -> serde_json::Value {
    serde_json::json!({ "id": note.id, "body": note.body, "system": note.system })
}

/// GitLab's answers, for the three endpoints ponder uses.
fn respond(state: &mut State, request: &Request, address: &str) -> Response {
    if request.headers.get("private-token").map(String::as_str) != Some(TOKEN) {
        return message(401, "401 Unauthorized");
    }
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    if path == "/elsewhere" {
        return (200, Vec::new(), "{}".to_string());
    }
    if request.method != "GET" && state.mode == Mode::RedirectWrites {
        return (
            302,
            vec![("location".into(), format!("{address}/elsewhere"))],
            String::new(),
        );
    }
    let body = || -> String {
        let value: serde_json::Value = serde_json::from_str(&request.body).expect("JSON");
        value["body"].as_str().expect("a body").to_string()
    };
    match (request.method.as_str(), path) {
        ("GET", NOTES) => {
            let page: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            let size = state.page_size;
            let items: Vec<serde_json::Value> = state
                .notes
                .iter()
                .skip((page - 1) * size)
                .take(size)
                .map(note_json)
                .collect();
            let mut headers = Vec::new();
            if let Some(link) = &state.next_link {
                let link = link.replace("{address}", address);
                headers.push(("link".to_string(), format!("<{link}>; rel=\"next\"")));
            } else {
                let more = page * size < state.notes.len();
                let next = if more {
                    (page + 1).to_string()
                } else {
                    String::new()
                };
                headers.push(("x-next-page".to_string(), next));
            }
            (200, headers, serde_json::Value::Array(items).to_string())
        }
        ("POST", NOTES) => {
            let id = state.next_id;
            state.next_id += 1;
            let note = Note {
                id,
                body: body(),
                system: false,
            };
            let answer = note_json(&note).to_string();
            state.notes.push(note);
            (201, Vec::new(), answer)
        }
        ("PUT", note) if note.starts_with(&format!("{NOTES}/")) => {
            let id: u64 = note[NOTES.len() + 1..].parse().unwrap_or(0);
            let text = body();
            match state.notes.iter_mut().find(|n| n.id == id) {
                Some(found) => {
                    found.body = text;
                    (200, Vec::new(), note_json(found).to_string())
                }
                None => message(404, "404 Not found"),
            }
        }
        _ => message(404, "404 Not found"),
    }
}

// ─── Running ponder as a merge request job ──────────────────────────────────────────────

/// `ponder post gitlab ARGS` with the environment a merge request pipeline gives a job for
/// MR 7 of project 42, and nothing else from the test's own; `token` as GITLAB_TOKEN.
fn job(repo: &Path, server: &FakeGitLab, token: Option<&str>, args: &[&str]) -> CleanCommand {
    let mut command = ponder();
    command
        .args(["post", "gitlab"])
        .args(args)
        .current_dir(repo)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GITLAB_CI", "true")
        .env("CI_PROJECT_ID", "42")
        .env("CI_MERGE_REQUEST_IID", "7")
        .env("CI_SERVER_URL", &server.address)
        .env("CI_API_V4_URL", format!("{}/api/v4", server.address))
        .env("CI_PROJECT_URL", format!("{}/team/shop", server.address));
    if let Some(token) = token {
        command.env("GITLAB_TOKEN", token);
    }
    command
}

// ─── Tests ──────────────────────────────────────────────────────────────────────────────

#[test]
fn adds_one_note_then_updates_it_on_the_next_push() {
    let mut repo = repository();
    let server = FakeGitLab::start(Mode::Normal, 100);
    server.seed(
        "added 1 commit\n\n<!-- ponder-report --> quoted by GitLab",
        true,
    );
    server.seed("Looks good to me", false);

    let first = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    assert_eq!(first.code, Some(0), "{first:?}");
    assert!(
        first
            .stderr
            .contains("added a note to the merge request (2 questions, 0 answered)"),
        "{first:?}"
    );
    assert!(
        first.stderr.contains(&format!(
            "{}/team/shop/-/merge_requests/7#note_502",
            server.address
        )),
        "{first:?}"
    );
    let notes = server.ponder_notes();
    assert_eq!(notes.len(), 1, "{:?}", server.methods());
    assert_eq!(checkboxes(&notes[0].1), [false, false], "{}", notes[0].1);
    // Locations link to the project's files at the head commit.
    assert!(
        notes[0]
            .1
            .contains(&format!("{}/team/shop/-/blob/", server.address)),
        "{}",
        notes[0].1
    );

    repo.write("README.md", "The size of a file, for buffers.\n");
    repo.commit_all("Say what the library is for\n\nNewcomers asked what it does.");
    let second = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    assert_eq!(second.code, Some(0), "{second:?}");
    assert!(
        second
            .stderr
            .contains("updated its merge request note (2 questions, 0 answered)"),
        "{second:?}"
    );
    let notes_after = server.ponder_notes();
    assert_eq!(notes_after.len(), 1, "{:?}", server.methods());
    assert_eq!(notes_after[0].0, notes[0].0, "the same note, updated");
    assert!(
        server
            .methods()
            .contains(&format!("PUT {NOTES}/{}", notes[0].0)),
        "{:?}",
        server.methods()
    );
}

#[test]
fn finds_its_note_on_a_later_page() {
    let repo = repository();
    let server = FakeGitLab::start(Mode::Normal, 2);
    for index in 0..5 {
        server.seed(&format!("comment {index}"), false);
    }
    server.seed(&format!("{MARKER}\nan older report"), false);
    let result = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    assert_eq!(result.code, Some(0), "{result:?}");
    assert!(
        result.stderr.contains("updated its merge request note"),
        "{result:?}"
    );
    assert_eq!(server.ponder_notes().len(), 1);
    let pages: Vec<String> = server
        .methods()
        .into_iter()
        .filter(|m| m.starts_with("GET "))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[2].ends_with("&page=3"), "{pages:?}");
}

#[test]
fn a_reviewers_ticked_box_survives_the_next_push() {
    let repo = repository();
    let server = FakeGitLab::start(Mode::Normal, 100);
    let first = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    assert_eq!(first.code, Some(0), "{first:?}");
    server.edit_ponder_note(|body| {
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
    assert_eq!(checkboxes(&server.ponder_notes()[0].1), [false, true]);

    let second = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    assert_eq!(second.code, Some(0), "{second:?}");
    let body = &server.ponder_notes()[0].1;
    assert_eq!(checkboxes(body), [false, true], "{body}");
    let ticked: Vec<&str> = body.lines().filter(|l| l.starts_with("- [x] ")).collect();
    assert!(ticked[0].contains("*untested-branch*"), "{body}");
}

#[test]
fn a_redirected_write_is_an_error_and_is_not_followed() {
    let repo = repository();
    let server = FakeGitLab::start(Mode::RedirectWrites, 100);
    let result = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    result.exits_with(2, &["help:", "302", "redirect", "/elsewhere"]);
    assert!(
        !server.methods().iter().any(|m| m.contains("elsewhere")),
        "the redirect was followed: {:?}",
        server.methods()
    );
    assert!(server.ponder_notes().is_empty());
}

#[test]
fn a_next_page_on_another_origin_never_gets_the_token() {
    let repo = repository();
    let server = FakeGitLab::start(Mode::Normal, 100);
    let port = server
        .address
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string();
    server.state.lock().expect("state").next_link = Some(format!(
        "http://127.0.0.1:{port}@127.0.0.1:{port}/stolen?page=2"
    ));
    let result = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    result.exits_with(2, &["help:", "another"]);
    assert!(
        !server.methods().iter().any(|m| m.contains("stolen")),
        "{:?}",
        server.methods()
    );
    assert!(server.ponder_notes().is_empty());
}

#[test]
fn a_missing_token_is_a_clear_error_before_any_request() {
    let repo = repository();
    let server = FakeGitLab::start(Mode::Normal, 100);
    let result = run(job(repo.path(), &server, None, &["main..topic"]));
    result.exits_with(
        2,
        &[
            "there is no token in `GITLAB_TOKEN`",
            "help:",
            "project access token",
        ],
    );

    // A job token is there in every job, and cannot write notes: ponder says so.
    let mut command = job(repo.path(), &server, None, &["main..topic"]);
    command.env("CI_JOB_TOKEN", "a-job-token");
    let result = run(command);
    result.exits_with(2, &["CI_JOB_TOKEN is set", "help:"]);
    assert!(server.methods().is_empty(), "{:?}", server.methods());
}

/// Runs the job; whatever it does, the token must never be shown.
fn run(command: CleanCommand) -> Run {
    run_without_showing(command, TOKEN)
}

#[test]
fn one_question_is_counted_as_one() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", "pub fn noop() {}\n");
    repo.commit_all("Start the library\n\nA place to begin, so that the next commit has a base.");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write(
        "src/lib.rs",
        "pub fn noop() {}\n\npub fn size(path: &str) -> u64 {\n    std::fs::metadata(path).unwrap().len()\n}\n",
    );
    repo.commit_all("Add size\n\nThe caller needs the size of a file to size its buffer.");
    let server = FakeGitLab::start(Mode::Normal, 100);
    let result = run(job(repo.path(), &server, Some(TOKEN), &["main..topic"]));
    assert_eq!(result.code, Some(0), "{result:?}");
    assert!(
        result
            .stderr
            .contains("added a note to the merge request (1 question, 0 answered)"),
        "{result:?}"
    );
}
