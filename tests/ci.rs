//! ponder where CI runs it: clones made as actions/checkout makes them (full, and shallow
//! with `--depth 1`), GitHub Actions' variables for a pull request, and the pre-push hook
//! that `ponder hook install` writes, exercised by real `git push`es.

mod common;

use common::{git_in, ponder, strings, CleanCommand, Run, TestRepo};
use std::path::{Path, PathBuf};

/// `ponder ARGS` in `dir`, with extra environment variables.
fn ponder_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = ponder();
    command
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied());
    command.run()
}

/// A repository whose `topic` branch (two commits) adds code to `main`, and `main` has
/// moved on since: so a merge base is needed, and a depth-1 clone lacks it.
fn upstream() -> TestRepo {
    let mut repo = TestRepo::library_on_topic();
    repo.write(
        "src/lib.rs",
        "pub fn one() -> u32 {\n    1\n}\n\npub fn parse(text: &str) -> u32 {\n    text.parse().unwrap()\n}\n",
    );
    repo.commit_all("Parse numbers\n\nThe config file holds numbers as text.");
    repo.write("src/extra.rs", "pub fn two() -> u32 {\n    2\n}\n");
    repo.commit_all("Add two\n\nCallers asked for the constant in one place.");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README", "moved on\n");
    repo.commit_all("Describe it\n\nNewcomers need to know what this is.");
    repo
}

fn clone(source: &TestRepo, args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", source.path().display());
    let mut all = vec!["clone", "-q"];
    all.extend(args);
    all.push(&url);
    let target = dir.path().join("work");
    let target = target.to_str().expect("utf-8 path");
    all.push(target);
    git_in(dir.path(), &all);
    dir
}

fn work(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("work")
}

/// GitHub Actions' variables in a job for a pull request into `main`.
const PULL_REQUEST_ON_MAIN: [(&str, &str); 2] =
    [("GITHUB_ACTIONS", "true"), ("GITHUB_BASE_REF", "main")];

// ─── The pull request's range in GitHub Actions ─────────────────────────────────────────

#[test]
fn in_actions_a_pull_request_is_read_against_its_base_branch() {
    let source = upstream();
    let dir = clone(&source, &["--branch", "topic"]);
    let env = PULL_REQUEST_ON_MAIN;
    let report = ponder_in(&work(&dir), &["--format", "json"], &env).json();
    assert_eq!(
        strings(&report, "commits", "subject"),
        vec!["Parse numbers", "Add two"]
    );
    assert_eq!(report["base"], source.git(&["rev-parse", "main~1"]));
    assert_eq!(report["includes_work_tree"], false);

    // An explicit range still wins.
    let report = ponder_in(&work(&dir), &["--format", "json", "topic~1..topic"], &env).json();
    assert_eq!(strings(&report, "commits", "subject"), vec!["Add two"]);

    // Outside Actions, the same variables mean nothing: the default branch is used (not
    // the upstream, which is topic itself on origin).
    let report = ponder_in(
        &work(&dir),
        &["--format", "json"],
        &[("GITHUB_BASE_REF", "does-not-exist")],
    )
    .json();
    assert_eq!(
        strings(&report, "commits", "subject"),
        vec!["Parse numbers", "Add two"]
    );
    assert_eq!(report["base_ref"], "origin/main");
}

#[test]
fn in_actions_the_payloads_base_sha_serves_when_the_branch_was_not_fetched() {
    let source = upstream();
    let dir = clone(&source, &["--branch", "topic", "--single-branch"]);
    let main = source.git(&["rev-parse", "main"]);
    git_in(&work(&dir), &["fetch", "-q", "origin", &main]);
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        format!(r#"{{"pull_request":{{"number":3,"base":{{"ref":"main","sha":"{main}"}}}}}}"#),
    )
    .expect("event");
    let report = ponder_in(
        &work(&dir),
        &["--format", "json"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_BASE_REF", "main"),
            ("GITHUB_EVENT_PATH", event.to_str().expect("utf-8")),
        ],
    )
    .json();
    assert_eq!(
        strings(&report, "commits", "subject"),
        vec!["Parse numbers", "Add two"]
    );
}

// ─── Shallow clones ─────────────────────────────────────────────────────────────────────

/// What every shallow-clone diagnostic must be: exit 2, the words that name the problem
/// and the fix, and none of libgit2's own.
fn assert_shallow_diagnostic(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains("shallow clone"), "{run:?}");
    assert!(run.stderr.contains("help:"), "{run:?}");
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr should say {needle:?}: {run:?}"
        );
    }
    for raw in ["revspec", "object not found", "class=", "code="] {
        assert!(!run.stderr.contains(raw), "a raw libgit2 message: {run:?}");
    }
}

#[test]
fn a_depth_one_clone_says_the_base_is_missing_and_how_to_fetch_it() {
    let source = upstream();
    let dir = clone(&source, &["--depth", "1", "--branch", "topic"]);
    let run = ponder_in(&work(&dir), &[], &PULL_REQUEST_ON_MAIN);
    assert_shallow_diagnostic(
        &run,
        &[
            "origin/main",
            "fetch-depth: 0",
            "git fetch --unshallow origin main",
        ],
    );

    let run = ponder_in(&work(&dir), &["main..HEAD"], &[]);
    assert_shallow_diagnostic(&run, &["`main`", "fetch-depth: 0"]);

    // The one commit there is has no parent in the clone; comparing it with the empty
    // tree would call every file new.
    let run = ponder_in(&work(&dir), &["--commit", "HEAD"], &[]);
    assert_shallow_diagnostic(&run, &["HEAD^", "git fetch --deepen=1"]);
}

/// A clone made the way actions/checkout makes one: a remote that maps every branch,
/// and one fetch of depth 1 of the branch under test.
fn checkout_like_actions(source: &TestRepo) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let work = work(&dir);
    std::fs::create_dir_all(&work).expect("mkdir");
    let url = format!("file://{}", source.path().display());
    git_in(&work, &["init", "-q"]);
    git_in(&work, &["remote", "add", "origin", &url]);
    git_in(
        &work,
        &[
            "fetch",
            "-q",
            "--no-tags",
            "--depth=1",
            "origin",
            "+refs/heads/topic:refs/remotes/origin/topic",
        ],
    );
    git_in(&work, &["checkout", "-q", "--detach", "origin/topic"]);
    dir
}

#[test]
fn in_an_actions_checkout_following_the_help_works() {
    let source = upstream();
    let dir = checkout_like_actions(&source);
    let env = PULL_REQUEST_ON_MAIN;
    let run = ponder_in(&work(&dir), &[], &env);
    let fix = "git fetch --unshallow origin main";
    assert_shallow_diagnostic(&run, &["origin/main", fix]);

    let words: Vec<&str> = fix.split(' ').skip(1).collect();
    git_in(&work(&dir), &words);
    let report = ponder_in(&work(&dir), &["--format", "json"], &env).json();
    assert_eq!(
        strings(&report, "commits", "subject"),
        vec!["Parse numbers", "Add two"]
    );
}

/// A depth-1 clone of `upstream()`'s topic, with main fetched at depth 1 too: both tips
/// are there, the history they share is not. The source comes back too: the clone's
/// origin lives only as long as it.
fn both_tips_at_depth_one() -> (TestRepo, tempfile::TempDir) {
    let source = upstream();
    let dir = clone(&source, &["--depth", "1", "--branch", "topic"]);
    git_in(
        &work(&dir),
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    (source, dir)
}

#[test]
fn a_shallow_base_without_the_shared_history_says_so() {
    let (_source, dir) = both_tips_at_depth_one();
    let env = PULL_REQUEST_ON_MAIN;
    let run = ponder_in(&work(&dir), &[], &env);
    assert_shallow_diagnostic(
        &run,
        &[
            "no common ancestor",
            "origin/main",
            "fetch-depth: 0",
            "--unshallow",
        ],
    );

    // Following the help works.
    git_in(
        &work(&dir),
        &[
            "fetch",
            "-q",
            "--unshallow",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let report = ponder_in(&work(&dir), &["--format", "json"], &env).json();
    assert_eq!(
        strings(&report, "commits", "subject"),
        vec!["Parse numbers", "Add two"]
    );
}

#[test]
fn a_range_that_reaches_the_edge_of_a_shallow_clone_says_so() {
    // Both tips fetched at depth 1: `origin/main..HEAD` resolves, but walking it reaches
    // a commit whose parent is not there, which would be diffed against the empty tree.
    let (_source, dir) = both_tips_at_depth_one();
    let run = ponder_in(&work(&dir), &["origin/main..HEAD"], &[]);
    assert_shallow_diagnostic(&run, &["git fetch --unshallow"]);
    let run = ponder_in(&work(&dir), &["--each-commit", "origin/main..HEAD"], &[]);
    assert_shallow_diagnostic(&run, &["git fetch --unshallow"]);
}

#[test]
fn a_full_clone_with_an_unknown_base_is_not_called_shallow() {
    let source = upstream();
    let dir = clone(&source, &["--branch", "topic"]);
    let run = ponder_in(&work(&dir), &["no-such-branch"], &[]);
    run.exits_with(2, &["does not name a commit"]);
    assert!(!run.stderr.contains("shallow clone)"), "{run:?}");

    // A remote-tracking name not fetched yet: the fix fetches the branch by its name on
    // the remote (`git fetch origin origin/x` would fail).
    let run = ponder_in(&work(&dir), &["origin/release"], &[]);
    run.exits_with(2, &["git fetch origin release"]);
    assert!(!run.stderr.contains("git fetch origin origin/"), "{run:?}");
}

// ─── The pre-push hook ──────────────────────────────────────────────────────────────────

/// A clone of a bare remote, with the pushing user's identity.
fn pushing_clone() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let remote = dir.path().join("remote.git");
    git_in(
        dir.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            remote.to_str().expect("utf-8"),
        ],
    );
    let work = dir.path().join("work");
    git_in(
        dir.path(),
        &[
            "clone",
            "-q",
            remote.to_str().expect("utf-8"),
            work.to_str().expect("utf-8"),
        ],
    );
    std::fs::create_dir_all(work.join("src")).expect("mkdir");
    std::fs::write(work.join("src/lib.rs"), "pub fn one() -> u32 {\n    1\n}\n").expect("write");
    git_in(&work, &["add", "-A"]);
    git_in(
        &work,
        &["commit", "-q", "-m", "Start\n\nA library to grow."],
    );
    git_in(&work, &["push", "-q", "origin", "main"]);
    (dir, work)
}

fn install(work: &Path, args: &[&str]) -> Run {
    let mut all = vec!["hook", "install"];
    all.extend(args);
    ponder_in(work, &all, &[])
}

/// `git push` with the built ponder first on the PATH, as an installed one would be.
fn push(work: &Path, args: &[&str]) -> Run {
    push_with(work, args, &[])
}

fn push_with(work: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = Path::new(env!("CARGO_BIN_EXE_ponder"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    // Not `git_in`: that one turns hooks off, and the hook is what is tested here.
    let mut command = CleanCommand::new("git");
    command
        .current_dir(work)
        .arg("push")
        .args(args)
        .env("PATH", path)
        .envs(env.iter().copied());
    command.run()
}

fn add_unwrap(work: &Path, answered: bool) {
    let answer = if answered {
        "    // ponder: unhandled-failure: the text comes from our own config writer, always digits\n"
    } else {
        ""
    };
    std::fs::write(
        work.join("src/lib.rs"),
        format!("pub fn one() -> u32 {{\n    1\n}}\n\npub fn parse(text: &str) -> u32 {{\n{answer}    text.parse().unwrap()\n}}\n"),
    )
    .expect("write");
    git_in(
        work,
        &[
            "commit",
            "-q",
            "-am",
            "Parse numbers\n\nThe config file holds numbers as text.",
        ],
    );
}

/// `pushing_clone` with the hook installed `--require-answers`, on a new branch `topic`
/// whose one commit adds an unanswered unwrap.
fn gated_topic_with_an_unwrap() -> (tempfile::TempDir, PathBuf) {
    let (dir, work) = pushing_clone();
    let run = install(&work, &["--require-answers"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    git_in(&work, &["checkout", "-q", "-b", "topic"]);
    add_unwrap(&work, false);
    (dir, work)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 == 0o111)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    true
}

#[test]
fn after_the_first_push_the_no_argument_form_still_compares_with_the_default_branch() {
    let (_dir, work) = pushing_clone();
    git_in(&work, &["checkout", "-q", "-b", "topic"]);
    add_unwrap(&work, false);
    // The branch's upstream is now `origin/topic`, which has everything it has.
    git_in(&work, &["push", "-q", "-u", "origin", "topic"]);

    let run = ponder_in(&work, &[], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("text.parse().unwrap()"), "{run:?}");
    assert!(run.stdout.contains("about 1 commit"), "{run:?}");
    let main = git_in(&work, &["rev-parse", "--short=10", "origin/main"]);
    assert!(
        run.stdout
            .contains(&format!("against origin/main (merge-base {main})")),
        "the report names the base it used: {run:?}"
    );
    let json = ponder_in(&work, &["--format", "json"], &[]);
    assert!(
        json.stdout.contains(r#""base_ref": "origin/main""#),
        "{json:?}"
    );
}

#[test]
fn the_pre_push_hook_asks_about_what_is_pushed_and_lets_it_through() {
    let (_dir, work) = pushing_clone();
    let run = install(&work, &[]);
    run.exits_with(0, &["installed the pre-push hook"]);
    let hook = work.join(".git/hooks/pre-push");
    assert!(is_executable(&hook), "{}", hook.display());

    // A new branch: asked about what it adds over the remote.
    git_in(&work, &["checkout", "-q", "-b", "topic"]);
    add_unwrap(&work, false);
    let run = push(&work, &["-q", "origin", "topic"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("unhandled-failure"), "{run:?}");
    assert!(all.contains("text.parse().unwrap()"), "{run:?}");
    assert!(all.contains("1 commit"), "{run:?}");
    assert!(!git_in(&work, &["ls-remote", "origin", "topic"]).is_empty());

    // An existing branch: asked about the new commits only.
    std::fs::write(work.join("src/two.rs"), "pub fn two() -> u32 {\n    2\n}\n").expect("write");
    git_in(&work, &["add", "-A"]);
    git_in(
        &work,
        &[
            "commit",
            "-q",
            "-m",
            "Add two\n\nCallers asked for the constant in one place.",
        ],
    );
    let run = push(&work, &["-q", "origin", "topic"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("no questions"),
        "only the new commit is read: {run:?}"
    );

    // A new branch with nothing the remote lacks: nothing to ask, nothing said.
    git_in(&work, &["branch", "copy-of-main", "main"]);
    let run = push(&work, &["-q", "origin", "copy-of-main"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(!run.stderr.contains("pre-push"), "{run:?}");

    // Pushing to a URL instead of a named remote: every remote branch counts as known.
    // (A commit of its own: the same change as on `topic` in the same second would be
    // the same commit, which the remote already has.)
    git_in(&work, &["checkout", "-q", "-b", "other", "main"]);
    std::fs::write(
        work.join("src/other.rs"),
        "pub fn port(text: &str) -> u16 {\n    text.parse().unwrap()\n}\n",
    )
    .expect("write");
    git_in(&work, &["add", "-A"]);
    git_in(
        &work,
        &[
            "commit",
            "-q",
            "-m",
            "Read the port\n\nThe server takes it from the command line.",
        ],
    );
    let url = git_in(&work, &["remote", "get-url", "origin"]);
    let run = push(&work, &["-q", &url, "other"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("unhandled-failure") && all.contains("1 commit"),
        "{run:?}"
    );
}

#[test]
fn the_hook_compares_a_push_to_a_fresh_fork_with_the_default_branch() {
    let (dir, work) = pushing_clone();
    assert_eq!(install(&work, &[]).code, Some(0));
    let fork = dir.path().join("fork.git");
    git_in(
        dir.path(),
        &["init", "-q", "--bare", fork.to_str().expect("utf-8")],
    );
    git_in(
        &work,
        &["remote", "add", "fork", fork.to_str().expect("utf-8")],
    );
    git_in(&work, &["checkout", "-q", "-b", "topic"]);
    add_unwrap(&work, false);

    // `fork` has no remote-tracking branches: what it lacks is not what the push adds.
    let run = push(&work, &["-q", "fork", "topic"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("shares no history"), "{run:?}");
    assert!(
        all.contains("text.parse().unwrap()") && all.contains("1 commit"),
        "asked about the branch's one commit over main: {run:?}"
    );
}

#[test]
fn a_hook_that_requires_answers_stops_the_push_until_they_are_written() {
    let (_dir, work) = gated_topic_with_an_unwrap();
    let run = push(&work, &["-q", "origin", "topic"]);
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(
        git_in(&work, &["ls-remote", "origin", "topic"]).is_empty(),
        "nothing pushed"
    );

    git_in(&work, &["reset", "-q", "--hard", "HEAD~1"]);
    add_unwrap(&work, true);
    let run = push(&work, &["-q", "origin", "topic"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(!git_in(&work, &["ls-remote", "origin", "topic"]).is_empty());
}

#[test]
fn an_existing_hook_is_kept_unless_forced() {
    let (_dir, work) = pushing_clone();
    let hook = work.join(".git/hooks/pre-push");
    std::fs::create_dir_all(hook.parent().expect("hooks dir")).expect("mkdir");
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").expect("write");

    let run = install(&work, &[]);
    run.exits_with(2, &["already a hook", "--force"]);
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        "#!/bin/sh\necho mine\n"
    );

    let run = install(&work, &["--force"]);
    run.exits_with(0, &["replaced"]);
    let installed = std::fs::read_to_string(&hook).expect("hook");
    assert!(installed.contains("ponder hook install"), "{installed}");

    // Installing the same hook again changes nothing and is not an error.
    let run = install(&work, &[]);
    run.exits_with(0, &["already installed"]);
    assert_eq!(std::fs::read_to_string(&hook).expect("hook"), installed);

    // ponder's own hook, reinstalled with other options, is replaced without --force.
    let run = install(&work, &["--require-answers"]);
    run.exits_with(0, &["replaced"]);
    let gating = std::fs::read_to_string(&hook).expect("hook");
    assert_ne!(gating, installed);
    assert!(gating.contains("ponder hook install"), "{gating}");
}

#[test]
fn the_hook_goes_where_core_hooks_path_points() {
    let (_dir, work) = pushing_clone();
    git_in(&work, &["config", "core.hooksPath", ".githooks"]);
    let run = install(&work, &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let hook = work.join(".githooks/pre-push");
    assert!(is_executable(&hook), "{run:?}");
    assert!(!work.join(".git/hooks/pre-push").exists());

    // git runs it from there.
    git_in(&work, &["checkout", "-q", "-b", "topic"]);
    add_unwrap(&work, false);
    let run = push(&work, &["-q", "origin", "topic"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("unhandled-failure"),
        "{run:?}"
    );

    // Outside a repository there is nowhere to install.
    let outside = tempfile::tempdir().expect("temp dir");
    let run = install(outside.path(), &[]);
    run.exits_with(2, &["not inside a git repository"]);
}

#[test]
fn without_ponder_the_hook_says_so_and_lets_the_push_through_even_when_gating() {
    let (_dir, work) = gated_topic_with_an_unwrap();
    let run = push_with(
        &work,
        &["-q", "origin", "topic"],
        &[("PONDER", "/nonexistent/ponder")],
    );
    run.exits_with(0, &["/nonexistent/ponder is not installed"]);
    assert!(!git_in(&work, &["ls-remote", "origin", "topic"]).is_empty());
}
