//! The pull request description, where teams that squash-merge write why: it answers
//! missing-rationale for a branch analysed as a whole (`--description-file`, or the pull
//! request body in GitHub Actions), `squash = true` judges it instead of each commit, and
//! `--commit` ignores it.

mod common;

use std::path::Path;

use common::{ponder, prompts, run_in, Run, TestRepo};
use serde_json::Value;

const REASON: &str = "## Summary\n\nUploads aborted the whole sync during deploys because the CDN sheds load with 503s. Three retries with backoff ride out a deploy.\n\n- add retry loop\n- update tests\n";
const LIST_ONLY: &str = "## Changes\n\n- add retry loop\n- update upload module\n- rename helper\n";

/// A branch `topic` with two commits whose messages give no reason (no body), each large
/// enough for missing-rationale to ask.
fn branch_without_reasons() -> TestRepo {
    let mut repo = TestRepo::library_on_topic();
    let mut body = String::from("pub fn one() -> u32 {\n    1\n}\n");
    for i in 0..12 {
        body.push_str(&format!(
            "\npub fn upload_{i}(n: u32) -> u32 {{\n    n + {i}\n}}\n"
        ));
    }
    repo.write("src/lib.rs", &body);
    repo.commit_all("Add upload helpers");
    for i in 0..12 {
        body.push_str(&format!(
            "\npub fn retry_{i}(n: u32) -> u32 {{\n    n * {i}\n}}\n"
        ));
    }
    repo.write("src/lib.rs", &body);
    repo.commit_all("Add retry helpers");
    repo
}

fn write_file(dir: &Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write description");
    path.display().to_string()
}

fn rationale(report: &Value) -> Vec<&Value> {
    prompts(report)
        .iter()
        .filter(|p| p["rule"] == "missing-rationale")
        .collect()
}

fn analyse(repo: &TestRepo, extra: &[&str]) -> Value {
    let mut args = vec!["main..topic", "--format", "json"];
    args.extend(extra);
    run_in(repo.path(), &args).json()
}

#[test]
fn a_description_that_gives_a_reason_answers_every_commit() {
    let repo = branch_without_reasons();
    let before = analyse(&repo, &[]);
    assert_eq!(rationale(&before).len(), 2, "{before:#}");
    assert!(rationale(&before).iter().all(|p| p["answer"].is_null()));

    let scratch = tempfile::tempdir().expect("temp dir");
    let file = write_file(scratch.path(), "pr.md", REASON.as_bytes());
    let report = analyse(&repo, &["--description-file", &file]);
    let asked = rationale(&report);
    assert_eq!(asked.len(), 2, "{report:#}");
    for prompt in asked {
        assert_eq!(prompt["answered_by"], "description", "{prompt:#}");
        assert_eq!(
            prompt["answer"],
            "the pull request describes why: Uploads aborted the whole sync during deploys because the CDN sheds load with 503s."
        );
    }
    // The human report shows them as answered.
    let human = run_in(repo.path(), &["main..topic", "--description-file", &file]);
    human.success();
    assert!(
        human.stdout.contains("the pull request describes why"),
        "{human:?}"
    );
}

#[test]
fn a_trailer_in_the_description_answers_as_in_a_commit_message() {
    let repo = branch_without_reasons();
    let scratch = tempfile::tempdir().expect("temp dir");
    let file = write_file(
        scratch.path(),
        "pr.md",
        b"- add retry loop\n\nPonder-Answer: missing-rationale: the caller lands in the next pull request\n",
    );
    let report = analyse(&repo, &["--description-file", &file]);
    let asked = rationale(&report);
    assert_eq!(asked.len(), 2, "{report:#}");
    for prompt in asked {
        assert_eq!(prompt["answered_by"], "description", "{prompt:#}");
        assert_eq!(
            prompt["answer"],
            "the pull request describes why: the caller lands in the next pull request"
        );
    }
}

#[test]
fn a_description_that_only_lists_changes_answers_nothing() {
    let repo = branch_without_reasons();
    let scratch = tempfile::tempdir().expect("temp dir");
    // The template's own prompts ("why", "bug", "regression") are not the author's reason.
    let template = format!(
        "<!-- Why is this change needed? Link the issue it fixes. -->\n{LIST_ONLY}\n## Checklist\n- [x] No regression in the benchmarks\n"
    );
    for (name, text) in [("list.md", LIST_ONLY), ("template.md", template.as_str())] {
        let file = write_file(scratch.path(), name, text.as_bytes());
        let report = analyse(&repo, &["--description-file", &file]);
        let asked = rationale(&report);
        assert_eq!(asked.len(), 2, "{name}: {report:#}");
        assert!(
            asked.iter().all(|p| p["answer"].is_null()),
            "{name}: {report:#}"
        );
    }
}

#[test]
fn the_pull_request_body_is_read_from_the_github_event() {
    let repo = branch_without_reasons();
    let scratch = tempfile::tempdir().expect("temp dir");
    let event = serde_json::json!({
        "action": "opened",
        "pull_request": { "number": 7, "body": REASON },
    });
    let path = write_file(scratch.path(), "event.json", event.to_string().as_bytes());
    let run = |actions: &str| -> Run {
        let mut command = ponder();
        command
            .current_dir(repo.path())
            .args(["main..topic", "--format", "json"])
            .env("GITHUB_ACTIONS", actions)
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &path);
        command.run()
    };
    let report = run("true").json();
    let asked = rationale(&report);
    assert_eq!(asked.len(), 2, "{report:#}");
    assert!(
        asked.iter().all(|p| p["answered_by"] == "description"),
        "{report:#}"
    );
    // Outside GitHub Actions the variable is not ponder's to read.
    let outside = run("false").json();
    assert!(rationale(&outside).iter().all(|p| p["answer"].is_null()));
}

#[test]
fn the_merge_request_description_is_read_in_gitlab_ci() {
    let repo = branch_without_reasons();
    let run = |gitlab: &str| -> Value {
        let mut command = ponder();
        command
            .current_dir(repo.path())
            .args(["main..topic", "--format", "json"])
            .env("GITLAB_CI", gitlab)
            .env("CI_MERGE_REQUEST_IID", "3")
            .env("CI_MERGE_REQUEST_DESCRIPTION", REASON);
        command.run().json()
    };
    let report = run("true");
    let asked = rationale(&report);
    assert_eq!(asked.len(), 2, "{report:#}");
    assert!(
        asked.iter().all(|p| p["answered_by"] == "description"),
        "{report:#}"
    );
    let outside = run("false");
    assert!(rationale(&outside).iter().all(|p| p["answer"].is_null()));
}

#[test]
fn squash_asks_one_question_about_the_description() {
    let mut repo = branch_without_reasons();
    repo.write(".ponder.toml", "squash = true\n");
    repo.commit_all("Judge the pull request description: we squash-merge");
    let scratch = tempfile::tempdir().expect("temp dir");
    let list = write_file(scratch.path(), "list.md", LIST_ONLY.as_bytes());
    let report = analyse(&repo, &["--description-file", &list]);
    let asked = rationale(&report);
    assert_eq!(asked.len(), 1, "{report:#}");
    assert_eq!(asked[0]["answer_with"], serde_json::json!(["description"]));
    let question = asked[0]["question"].as_str().unwrap_or_default();
    assert!(question.contains("squash-merged"), "{question}");
    assert!(question.contains("3 commits"), "{question}");
    assert!(asked[0]["answer"].is_null());

    // No description at all: the one question says there is none.
    let none = analyse(&repo, &[]);
    let asked = rationale(&none);
    assert_eq!(asked.len(), 1, "{none:#}");
    assert!(asked[0]["question"]
        .as_str()
        .unwrap_or_default()
        .contains("is empty or was not given to ponder"));
    assert!(
        asked[0]["evidence"][1]
            .as_str()
            .unwrap_or_default()
            .contains("--description-file"),
        "{none:#}"
    );

    // Another push keeps the question's fingerprint: it is about the pull request, not
    // the head commit it is shown at.
    let before = asked[0]["fingerprint"].clone();
    repo.write("src/extra.rs", "pub fn extra() -> u32 {\n    7\n}\n");
    repo.commit_all("Add extra");
    let pushed = analyse(&repo, &[]);
    let asked = rationale(&pushed);
    assert_eq!(asked.len(), 1, "{pushed:#}");
    assert_eq!(asked[0]["fingerprint"], before);
    assert_ne!(asked[0]["commit"], none["head"]);

    // One commit on its own is judged by its message, squash or not.
    let config = write_file(scratch.path(), "squash.toml", b"squash = true\n");
    let one = run_in(
        repo.path(),
        &[
            "--commit",
            "topic~2",
            "--config",
            &config,
            "--description-file",
            &list,
            "--format",
            "json",
        ],
    )
    .json();
    let asked = rationale(&one);
    assert_eq!(asked.len(), 1, "{one:#}");
    assert!(asked[0]["question"]
        .as_str()
        .unwrap_or_default()
        .contains("Add retry helpers"));

    // A description with a reason: nothing to ask.
    let reason = write_file(scratch.path(), "pr.md", REASON.as_bytes());
    let answered = analyse(&repo, &["--description-file", &reason]);
    assert!(rationale(&answered).is_empty(), "{answered:#}");
}

#[test]
fn a_single_commit_ignores_the_description() {
    let repo = branch_without_reasons();
    let scratch = tempfile::tempdir().expect("temp dir");
    let file = write_file(scratch.path(), "pr.md", REASON.as_bytes());
    let report = run_in(
        repo.path(),
        &[
            "--commit",
            "topic",
            "--description-file",
            &file,
            "--format",
            "json",
        ],
    )
    .json();
    let asked = rationale(&report);
    assert_eq!(asked.len(), 1, "{report:#}");
    assert!(asked[0]["answer"].is_null(), "{report:#}");
}

#[test]
fn a_description_file_that_cannot_be_read_is_a_diagnostic() {
    let repo = branch_without_reasons();
    let scratch = tempfile::tempdir().expect("temp dir");
    let missing = scratch.path().join("absent.md").display().to_string();
    run_in(
        repo.path(),
        &["main..topic", "--description-file", &missing],
    )
    .assert_diagnostic(&["description file", "absent.md"]);

    let big = write_file(scratch.path(), "big.md", &vec![b'a'; 300 * 1024]);
    run_in(repo.path(), &["main..topic", "--description-file", &big])
        .assert_diagnostic(&["description file", "larger than the limit"]);

    let latin1 = write_file(
        scratch.path(),
        "latin1.md",
        b"Caf\xe9 fails because of it\n",
    );
    run_in(repo.path(), &["main..topic", "--description-file", &latin1])
        .assert_diagnostic(&["description file", "not UTF-8"]);

    let dir = scratch.path().display().to_string();
    run_in(repo.path(), &["main..topic", "--description-file", &dir])
        .assert_diagnostic(&["description file", "not a regular file"]);
}

#[test]
fn squash_must_be_a_boolean() {
    let mut repo = branch_without_reasons();
    repo.write(".ponder.toml", "squash = \"yes\"\n");
    repo.commit_all("Configure ponder for squash-merged pull requests");
    run_in(repo.path(), &["main..topic"])
        .assert_diagnostic(&["`squash` must be true or false", "squash = true"]);
}
