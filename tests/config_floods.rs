//! Files that try to flood ponder (issue 12, item 7): a configuration of megabytes or of
//! hundreds of thousands of globs, a config error on a line of hundreds of kilobytes, and a
//! FIFO, a device or a directory where ponder expects a file (`--config`, `--coverage`,
//! `GITHUB_EVENT_PATH`). Each ends promptly: a short diagnostic with a help line, or the
//! analysis.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{json_in, ponder, prompts, run_in, Run, TestRepo};

/// Long enough for a debug build on a busy machine, far shorter than a blocked `open`.
const PROMPTLY: Duration = Duration::from_secs(30);

/// A message this long or longer quotes far more than a window around the error.
const SHORT_STDERR: usize = 4_000;

/// A new unwrap in src/lib.rs and in a generated file, on `topic`, committed.
fn repo_with_change() -> TestRepo {
    let mut repo = TestRepo::library_on_topic();
    repo.write(
        "src/lib.rs",
        "pub mod gen;\npub fn one(v: Option<u32>) -> u32 {\n    v.unwrap()\n}\n",
    );
    repo.write(
        "src/gen/mod.rs",
        "pub fn two(v: Option<u32>) -> u32 {\n    v.unwrap()\n}\n",
    );
    repo.commit_all("Take the value\n\nCallers now always pass one.");
    repo
}

/// `skip = [...]` with `count` copies of `glob`.
fn skip_list(glob: &str, count: usize) -> String {
    let entry = format!("\"{glob}\", ");
    format!("skip = [{}]\n", entry.repeat(count))
}

fn run_in_within(dir: &Path, args: &[&str]) -> Run {
    let mut command = ponder();
    command.current_dir(dir).args(args);
    command.run_within(PROMPTLY)
}

fn assert_short(run: &Run) {
    assert!(
        run.stderr.len() < SHORT_STDERR,
        "stderr is {} bytes: {}",
        run.stderr.len(),
        &run.stderr[..SHORT_STDERR.min(run.stderr.len())]
    );
}

#[test]
fn a_configuration_past_the_size_bound_is_refused_in_every_form() {
    // 200,000 identical globs: 2.8 MB, which once took 30 s to compile.
    let flood = skip_list("src/gen/**", 200_000);
    let mut repo = repo_with_change();
    repo.write(".ponder.toml", &flood);
    repo.commit_all("Skip the generated code\n\nIt is rebuilt on every release.");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let named = elsewhere.path().join("flood.toml");
    std::fs::write(&named, &flood).expect("write");
    let named = named.to_str().expect("UTF-8");
    // Committed (a range), in the work tree (no argument), and named with --config.
    for args in [&["main"][..], &[][..], &["main", "--config", named][..]] {
        let run = run_in_within(repo.path(), args);
        run.assert_diagnostic(&["larger than 1 MiB", "at most 1 MiB"]);
        assert_short(&run);
    }
}

#[test]
fn a_glob_list_past_the_entry_bound_is_refused() {
    let repo = repo_with_change();
    repo.write(".ponder.toml", &skip_list("a", 10_001));
    let run = run_in_within(repo.path(), &[]);
    run.assert_diagnostic(&["`skip` has 10001 entries", "at most 10000 globs"]);
    assert_short(&run);

    let paths = format!(
        "[[custom]]\nid = \"todo\"\npattern = 'TODO'\nquestion = \"Why?\"\npaths = [{}]\n",
        "\"a\", ".repeat(10_001)
    );
    repo.write(".ponder.toml", &paths);
    let run = run_in_within(repo.path(), &[]);
    run.assert_diagnostic(&["`paths` of `todo` has 10001 entries"]);

    let rule = "[[custom]]\nid = \"r\"\npattern = 'TODO'\nquestion = \"Why?\"\n";
    let rules: String = (0..101)
        .map(|i| rule.replace("\"r\"", &format!("\"r{i}\"")))
        .collect();
    repo.write(".ponder.toml", &rules);
    let run = run_in_within(repo.path(), &[]);
    run.assert_diagnostic(&["there are 101 [[custom]] rules", "at most 100 custom rules"]);
}

#[test]
fn ten_thousand_copies_of_one_glob_still_skip_what_it_names() {
    let mut repo = repo_with_change();
    repo.write(".ponder.toml", &skip_list("src/gen/**", 10_000));
    repo.commit_all("Skip the generated code\n\nIt is rebuilt on every release.");
    let report = json_in(repo.path(), &["main"]);
    let files: Vec<_> = prompts(&report)
        .iter()
        .map(|p| p["file"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(files, ["src/lib.rs"], "{report:#}");
}

#[test]
fn an_error_on_a_huge_line_quotes_a_window_around_it() {
    let long = "a".repeat(900_000);
    let cases = [
        // A syntax error at the end of the line.
        (format!("name = \"{long}\" junk\n"), "not valid TOML"),
        // A key nobody knows, as long as the line.
        (format!("{long} = 1\n"), "unknown key"),
        // A value of the wrong type, echoed in the message.
        (
            format!("[rules.bulk-insertion]\nmin_added_lines = \"{long}\"\n"),
            "must be a non-negative integer",
        ),
        // A glob that is not one.
        (format!("skip = [\"[{long}\"]\n"), "is not a valid glob"),
        // One group of 100,000 names: valid, but too large a regex.
        (
            format!(
                "skip = [\"{{{}}}\"]\n",
                (0..100_000)
                    .map(|i| format!("a{i}/**"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            "too complex to compile together",
        ),
    ];
    for (config, message) in cases {
        let repo = repo_with_change();
        repo.write(".ponder.toml", &config);
        let run = run_in_within(repo.path(), &[]);
        run.assert_diagnostic(&[message, "…"]);
        assert_short(&run);
    }
}

#[test]
fn an_escape_sequence_in_the_configuration_never_reaches_the_terminal() {
    let repo = repo_with_change();
    // Raw in the file (which TOML refuses, quoting the line), and as an escape in a key.
    let cases = [
        ("skip = 1 # \u{1b}]0;owned\u{7}\n", "not valid TOML"),
        ("\"\\u001b[31mred\" = 2\n", "unknown key"),
    ];
    for (config, message) in cases {
        repo.write(".ponder.toml", config);
        let run = run_in(repo.path(), &[]);
        run.assert_diagnostic(&[message]);
        assert!(!run.stderr.contains('\u{1b}'), "{run:?}");
    }
}

/// A FIFO nobody writes to, in a fresh directory.
#[cfg(unix)]
fn fifo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let path = path.to_str().expect("UTF-8").to_string();
    (dir, path)
}

#[cfg(unix)]
#[test]
fn config_and_coverage_are_read_only_from_regular_files() {
    let repo = repo_with_change();
    let (_keep, fifo) = fifo();
    let directory = repo.path().join("src").to_str().expect("UTF-8").to_string();
    for (flag, what) in [
        ("--config", "the configuration file"),
        ("--coverage", "the coverage file"),
    ] {
        for (path, kind) in [
            ("/dev/zero", "device"),
            (fifo.as_str(), "FIFO"),
            (directory.as_str(), "directory"),
        ] {
            let run = run_in_within(repo.path(), &["main", flag, path]);
            run.assert_diagnostic(&[what, "is not a regular file", kind]);
        }
    }
}

#[cfg(unix)]
#[test]
fn an_event_payload_that_is_no_regular_file_is_refused_without_blocking() {
    let repo = repo_with_change();
    let (_keep, fifo) = fifo();
    for (path, kind) in [("/dev/zero", "device"), (fifo.as_str(), "FIFO")] {
        let mut post = ponder();
        post.current_dir(repo.path())
            .args(["post", "github", "main", "--repository", "o/n"])
            .env("GITHUB_TOKEN", "t")
            .env("GITHUB_API_URL", "http://127.0.0.1:9")
            .env("GITHUB_EVENT_PATH", path);
        let run = post.run_within(PROMPTLY);
        run.assert_diagnostic(&["the event payload", "is not a regular file", kind]);
        // In a job, with no range, the payload only helps to find the base: without it,
        // ponder falls back to the default branch.
        let mut plain = ponder();
        plain
            .current_dir(repo.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_PATH", path);
        let run = plain.run_within(PROMPTLY);
        assert_eq!(run.code, Some(0), "{run:?}");
    }
}

#[test]
fn a_question_or_custom_id_that_would_flood_every_prompt_is_refused() {
    let long = "Why? ".repeat(1_000);
    let cases = [
        (
            format!("[rules.unhandled-failure.questions]\nunwrap = \"{long}\"\n"),
            "is 5000 characters long",
        ),
        (
            format!("[[custom]]\nid = \"todo\"\npattern = 'TODO'\nquestion = \"{long}\"\n"),
            "is 5000 characters long",
        ),
        (
            format!(
                "[[custom]]\nid = \"{}\"\npattern = 'TODO'\nquestion = \"Why?\"\n",
                "a".repeat(65)
            ),
            "at most 64 characters",
        ),
    ];
    for (config, message) in cases {
        let repo = repo_with_change();
        repo.write(".ponder.toml", &config);
        run_in_within(repo.path(), &[]).assert_diagnostic(&[message, "characters"]);
    }
}
