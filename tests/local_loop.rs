//! The local loop of a developer (issue 14): the conventions of the tools they use
//! (`--color`, completions, a man page, `hook uninstall`, `--quiet`, `rules --format
//! json`, `cargo ponder --help`), errors that say what was meant, and advice that names the
//! answer that works. Every test runs the built binary on a repository it builds.

mod common;

use std::path::Path;

use common::{cargo_ponder, git_in, ponder, run_in, Run, TestRepo};
use serde_json::Value;

/// `library_on_topic` with an unanswered `unwrap` in the work tree: one code prompt.
fn topic_with_an_unwrap() -> TestRepo {
    let repo = TestRepo::library_on_topic();
    repo.write(
        "src/lib.rs",
        "pub fn one() -> u32 {\n    1\n}\n\npub fn port(text: &str) -> u16 {\n    text.parse().unwrap()\n}\n",
    );
    repo
}

/// `ponder ARGS` in `dir` with the variables `env` set, output piped.
fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = ponder();
    command
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied());
    command.run()
}

fn has_ansi(text: &str) -> bool {
    text.contains("\x1b[")
}

// ─── --color ────────────────────────────────────────────────────────────────────────────

#[test]
fn color_always_colours_a_pipe_and_never_leaves_it_plain() {
    let repo = topic_with_an_unwrap();
    let always = run_in(repo.path(), &["--color", "always"]);
    always.success();
    assert!(has_ansi(&always.stdout), "{always:?}");
    let never = run_in(repo.path(), &["--color", "never"]);
    never.success();
    assert!(never.stdout.contains("port"), "{never:?}");
    assert!(!never.stdout.contains('\x1b'), "{never:?}");
    // The default off a terminal: plain.
    let auto = run_in(repo.path(), &[]);
    assert!(!auto.stdout.contains('\x1b'), "{auto:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn color_never_leaves_a_terminal_plain() {
    let repo = topic_with_an_unwrap();
    let mut command = ponder();
    command.current_dir(repo.path()).args(["--color", "never"]);
    let run = common::pty::run_on_a_terminal(command);
    run.success();
    assert!(run.stdout.contains("port"), "{run:?}");
    assert!(!run.stdout.contains('\x1b'), "{run:?}");
}

#[test]
fn color_variables_follow_cargo_and_ripgrep_and_the_flag_wins_over_them() {
    let repo = topic_with_an_unwrap();
    // The arguments, the environment, and whether the report is coloured.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool);
    let cases: &[Case] = &[
        // Under auto, the force variables colour a pipe…
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("FORCE_COLOR", "1")], true),
        (&[], &[("FORCE_COLOR", "0")], false),
        (&[], &[("CLICOLOR_FORCE", "0")], false),
        // …and NO_COLOR beats them.
        (&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false),
        (&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false),
        // An explicit flag beats every variable.
        (&["--color", "always"], &[("NO_COLOR", "1")], true),
        (&["--color", "never"], &[("CLICOLOR_FORCE", "1")], false),
        (&["--color", "never"], &[("FORCE_COLOR", "3")], false),
        (
            &["--color", "auto"],
            &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")],
            false,
        ),
    ];
    for (args, env, coloured) in cases {
        let run = run_with_env(repo.path(), args, env);
        run.success();
        assert_eq!(
            has_ansi(&run.stdout),
            *coloured,
            "{args:?} with {env:?}: {run:?}"
        );
    }
}

#[test]
fn errors_on_stderr_follow_the_color_flag() {
    let repo = topic_with_an_unwrap();
    let plain = run_in(repo.path(), &["--color", "never", "no-such-branch"]);
    plain.assert_diagnostic(&["no-such-branch"]);
    assert!(!plain.stderr.contains('\x1b'), "{plain:?}");
    let coloured = run_in(repo.path(), &["--color", "always", "no-such-branch"]);
    assert_eq!(coloured.code, Some(2), "{coloured:?}");
    assert!(has_ansi(&coloured.stderr), "{coloured:?}");
}

#[test]
fn color_help_states_the_precedence() {
    let run = run_in(Path::new("."), &["--help"]);
    run.success();
    for needle in [
        "--color <WHEN>",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "wins over every variable",
    ] {
        assert!(
            run.stdout.contains(needle),
            "--help should say {needle:?}: {run:?}"
        );
    }
    let bad = run_in(Path::new("."), &["--color", "sometimes"]);
    bad.assert_usage_error(&["sometimes", "always"]);
    // clap's own help and usage errors follow an explicit choice as well.
    let coloured = run_in(Path::new("."), &["--color", "always", "--help"]);
    assert!(has_ansi(&coloured.stdout), "{coloured:?}");
    let usage = run_in(Path::new("."), &["--color=always", "--no-such-flag"]);
    assert!(has_ansi(&usage.stderr), "{usage:?}");
    let plain = run_in(Path::new("."), &["--help", "--color", "never"]);
    assert!(!plain.stdout.contains('\x1b'), "{plain:?}");
}

// ─── completions and the man page ───────────────────────────────────────────────────────

#[test]
fn completions_for_each_shell_name_the_subcommands() {
    let empty = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = run_in(empty.path(), &["completions", shell]);
        run.success();
        assert!(run.stdout.len() > 200, "{shell}: {run:?}");
        for subcommand in ["explain", "hook", "completions"] {
            assert!(
                run.stdout.contains(subcommand),
                "{shell} completion should name {subcommand}: {run:?}"
            );
        }
    }
    let unknown = run_in(empty.path(), &["completions", "tcsh"]);
    unknown.assert_usage_error(&["tcsh", "bash"]);
}

#[test]
fn man_prints_a_roff_page_of_the_command() {
    let empty = tempfile::tempdir().expect("temp dir");
    let run = run_in(empty.path(), &["man"]);
    run.success();
    assert!(run.stdout.contains(".TH ponder 1"), "{run:?}");
    for needle in ["\\-\\-require\\-answers", "\\-\\-color", "completions"] {
        assert!(
            run.stdout.contains(needle),
            "man page names {needle:?}: {run:?}"
        );
    }
}

// ─── hook uninstall ─────────────────────────────────────────────────────────────────────

fn hook_path(repo: &TestRepo) -> std::path::PathBuf {
    repo.path().join(".git/hooks/pre-push")
}

#[test]
fn hook_uninstall_removes_ponders_own_hook() {
    let repo = TestRepo::library_on_topic();
    run_in(repo.path(), &["hook", "install", "--require-answers"]).exits_with(0, &["installed"]);
    assert!(hook_path(&repo).exists());
    let hook = std::fs::read_to_string(hook_path(&repo)).expect("hook");
    assert!(
        hook.contains("ponder hook uninstall"),
        "the hook says how to remove it: {hook}"
    );

    let run = run_in(repo.path(), &["hook", "uninstall"]);
    run.exits_with(0, &["removed the pre-push hook"]);
    assert!(!hook_path(&repo).exists(), "{run:?}");

    // Nothing left to remove is not an error.
    let again = run_in(repo.path(), &["hook", "uninstall"]);
    again.exits_with(0, &["no pre-push hook", "nothing to remove"]);
}

#[test]
fn hook_uninstall_leaves_a_foreign_hook_alone_and_says_so() {
    let repo = TestRepo::library_on_topic();
    // A hook that runs ponder among other things, written by its owner: not ponder's.
    let foreign =
        "#!/bin/sh\n# our checks; see `ponder hook install`\ncargo fmt --check\nponder \"$@\"\n";
    repo.write(".git/hooks/pre-push", foreign);
    let run = run_in(repo.path(), &["--color", "never", "hook", "uninstall"]);
    run.assert_diagnostic(&[
        "is not ponder's",
        "left alone",
        "Installed by `ponder hook install`",
    ]);
    assert_eq!(
        std::fs::read_to_string(hook_path(&repo)).expect("still there"),
        foreign
    );
    git_in(repo.path(), &["status", "--short"]);
}

// ─── --quiet ────────────────────────────────────────────────────────────────────────────

#[test]
fn quiet_prints_only_the_summary_line_while_a_question_is_open() {
    let repo = topic_with_an_unwrap();
    let run = run_in(repo.path(), &["--quiet"]);
    run.success();
    assert_eq!(run.stdout.lines().count(), 1, "{run:?}");
    assert!(
        run.stdout
            .starts_with("ponder asked 1 question (0 answered)"),
        "{run:?}"
    );
    let short = run_in(repo.path(), &["-q", "--require-answers"]);
    assert_eq!(short.code, Some(1), "{short:?}");
    assert_eq!(short.stdout, run.stdout);
}

#[test]
fn quiet_prints_nothing_when_nothing_is_open() {
    let repo = TestRepo::library_on_topic();
    run_in(repo.path(), &["--quiet"]).success();
    assert_eq!(run_in(repo.path(), &["--quiet"]).stdout, "");

    let answered = topic_with_an_unwrap();
    answered.write(
        "src/lib.rs",
        "pub fn one() -> u32 {\n    1\n}\n\npub fn port(text: &str) -> u16 {\n    // ponder: unhandled-failure: the text is our own config writer's digits\n    text.parse().unwrap()\n}\n",
    );
    let run = run_in(answered.path(), &["--quiet"]);
    run.success();
    assert_eq!(run.stdout, "", "{run:?}");
}

#[test]
fn quiet_still_says_when_an_answer_answers_nothing() {
    // Every question answered, but a trailer of the wrong form: worth a line.
    let (repo, _) = wip_commit_with_an_unwrap(
        "\n\nPonder-Answer: missing-rationale: a follow-up to the parser work of last week\n\
         Ponder-Answer: unhandled-failure: the text comes from our own config writer",
        "    // ponder: unhandled-failure: trimmed text of our own config writer, always digits\n",
    );
    let run = run_in(repo.path(), &["main", "--quiet"]);
    run.success();
    assert!(
        run.stdout
            .starts_with("ponder asked 2 questions (2 answered)"),
        "{run:?}"
    );
    assert!(run.stdout.contains("answers nothing"), "{run:?}");
}

#[test]
fn quiet_is_for_the_human_report() {
    let repo = topic_with_an_unwrap();
    let run = run_in(repo.path(), &["--quiet", "--format", "json"]);
    run.assert_usage_error(&["--quiet", "--format human"]);
}

// ─── rules --format json ────────────────────────────────────────────────────────────────

#[test]
fn rules_as_json_say_id_title_enabled_and_summary() {
    let mut repo = TestRepo::library_on_topic();
    let run = run_in(repo.path(), &["rules", "--format", "json"]);
    let rules: Value = run.json();
    let rules = rules.as_array().expect("an array");
    let text = run_in(repo.path(), &["rules"]);
    assert_eq!(rules.len(), text.stdout.lines().count(), "{text:?}");
    for rule in rules {
        let keys: Vec<&str> = rule
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 5, "{rule}");
        for key in ["id", "title", "summary"] {
            assert!(rule[key].as_str().is_some_and(|s| !s.is_empty()), "{rule}");
        }
        // Without configuration a rule runs exactly when it is on by default.
        assert_eq!(rule["enabled"], rule["on_by_default"], "{rule}");
    }
    let off_by_default = |id: &str| {
        rules
            .iter()
            .any(|r| r["id"] == id && r["on_by_default"] == false)
    };
    assert!(off_by_default("silenced-check"), "{rules:?}");
    assert!(
        text.stdout
            .lines()
            .any(|l| l.starts_with("silenced-check") && l.ends_with("(off by default)")),
        "{text:?}"
    );

    repo.write(".ponder.toml", "[rules.bulk-insertion]\nenabled = false\n");
    repo.commit_all("Configure\n\nBulk insertions are our generated code.");
    let configured: Value = run_in(repo.path(), &["rules", "--format", "json"]).json();
    let enabled = |id: &str| {
        configured
            .as_array()
            .and_then(|rules| rules.iter().find(|r| r["id"] == id))
            .map(|r| r["enabled"].clone())
    };
    assert_eq!(enabled("bulk-insertion"), Some(Value::Bool(false)));
    assert_eq!(enabled("unhandled-failure"), Some(Value::Bool(true)));
    let text = run_in(repo.path(), &["rules"]);
    assert!(text.stdout.contains("(disabled)"), "{text:?}");
}

// ─── cargo ponder ───────────────────────────────────────────────────────────────────────

#[test]
fn cargo_ponder_help_names_cargo_ponder() {
    let empty = tempfile::tempdir().expect("temp dir");
    let mut command = cargo_ponder();
    command.current_dir(empty.path()).args(["ponder", "--help"]);
    let run = command.run();
    run.success();
    assert!(
        run.stdout.contains("Usage: cargo ponder [OPTIONS] [RANGE]"),
        "{run:?}"
    );

    let mut command = cargo_ponder();
    command
        .current_dir(empty.path())
        .args(["ponder", "--no-such-flag"]);
    let run = command.run();
    run.assert_usage_error(&["cargo ponder"]);

    let direct = run_in(empty.path(), &["--help"]);
    assert!(
        direct.stdout.contains("Usage: ponder [OPTIONS] [RANGE]"),
        "{direct:?}"
    );
}

// ─── Errors that help ───────────────────────────────────────────────────────────────────

#[test]
fn a_mistyped_base_suggests_the_near_branch() {
    let repo = TestRepo::library_on_topic();
    repo.git(&["branch", "-m", "main", "master"]);
    repo.git(&["update-ref", "refs/remotes/origin/develop", "HEAD"]);
    // The default-branch names are confused by habit, not by typing.
    run_in(repo.path(), &["main"]).assert_diagnostic(&["`main`", "did you mean `master`?"]);
    run_in(repo.path(), &["mastr..topic"]).assert_diagnostic(&["did you mean `master`?"]);
    // Remote-tracking branches too, and a revision's suffix is kept.
    run_in(repo.path(), &["origin/devlop~1"])
        .assert_diagnostic(&["did you mean `origin/develop~1`?"]);
    // Nothing near: no guess.
    let far = run_in(repo.path(), &["release-2024"]);
    far.assert_diagnostic(&["release-2024", "check the spelling"]);
    assert!(!far.stderr.contains("did you mean"), "{far:?}");
}

#[test]
fn a_mistyped_rule_id_suggests_the_near_one() {
    let empty = tempfile::tempdir().expect("temp dir");
    run_in(empty.path(), &["explain", "unhandled-failur"])
        .assert_diagnostic(&["unhandled-failur", "did you mean `unhandled-failure`?"]);
    let far = run_in(empty.path(), &["explain", "style"]);
    far.assert_diagnostic(&["style", "ponder rules"]);
    assert!(!far.stderr.contains("did you mean"), "{far:?}");

    let repo = TestRepo::library_on_topic();
    repo.write(
        "src/lib.rs",
        "pub fn one() -> u32 {\n    1\n}\n\npub fn port(text: &str) -> u16 {\n    // ponder: unhandled-failur: the text is our own config writer's digits\n    text.parse().unwrap()\n}\n",
    );
    let human = run_in(repo.path(), &[]);
    human.success();
    assert!(
        human.stdout.contains(
            "src/lib.rs:6 `unhandled-failur`, no such rule (did you mean `unhandled-failure`?)"
        ),
        "{human:?}"
    );
    let report = common::json_in(repo.path(), &[]);
    assert_eq!(
        report["stale_answers"][0]["did_you_mean"], "unhandled-failure",
        "{report:#}"
    );
}

#[test]
fn require_answers_says_how_many_are_open_and_how_to_answer() {
    let repo = topic_with_an_unwrap();
    let run = run_in(repo.path(), &["--require-answers"]);
    run.exits_with(
        1,
        &[
            "--require-answers does not pass: 1 question is still open",
            "`// ponder: RULE: <why>`",
            "`Ponder-Answer: RULE: <why>`",
        ],
    );
    // Without the gate, nothing on stderr.
    run_in(repo.path(), &[]).success();
}

#[test]
fn a_reversed_range_says_its_ends_are_swapped() {
    let mut repo = TestRepo::library_on_topic();
    for n in 2..=4 {
        repo.write(
            "src/lib.rs",
            &format!("pub fn one() -> u32 {{\n    {n}\n}}\n"),
        );
        repo.commit_all(&format!("Count to {n}\n\nThe next step needs it."));
    }
    let run = run_in(repo.path(), &["HEAD..HEAD~3"]);
    run.success();
    assert!(
        run.stdout
            .contains("`HEAD..HEAD~3` is empty because its ends are swapped"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("`HEAD~3..HEAD` is the range"),
        "{run:?}"
    );
    let report = common::json_in(repo.path(), &["HEAD...HEAD~3"]);
    assert!(
        report["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("`HEAD~3...HEAD`")),
        "{report:#}"
    );
    let each = run_in(repo.path(), &["--each-commit", "HEAD..HEAD~3"]);
    each.success();
    assert!(each.stdout.contains("ends are swapped"), "{each:?}");

    // An empty range whose ends are the same commit, or a range the right way round, says
    // nothing of the kind.
    for range in ["HEAD..HEAD", "HEAD~3..HEAD"] {
        let run = run_in(repo.path(), &[range]);
        run.success();
        assert!(!run.stdout.contains("swapped"), "{range}: {run:?}");
    }
}

#[test]
fn help_describes_the_no_argument_form_as_the_readme_does() {
    let empty = tempfile::tempdir().expect("temp dir");
    for flag in ["-h", "--help"] {
        let run = run_in(empty.path(), &[flag]);
        run.success();
        for needle in ["default branch", "staged, unstaged and untracked work"] {
            assert!(
                run.stdout.contains(needle),
                "{flag} should say {needle:?}: {run:?}"
            );
        }
    }
    let long = run_in(empty.path(), &["--help"]);
    assert!(
        long.stdout.contains("origin/HEAD, else main or master"),
        "{long:?}"
    );
}

// ─── Advice that names the answer that works ────────────────────────────────────────────

/// A library whose `topic` branch has one commit, "wip", adding `port` with an unwrap:
/// a question about code (unhandled-failure) and one about the commit
/// (missing-rationale). `message_tail` is added to the commit message, `comment` above the
/// unwrap.
fn wip_commit_with_an_unwrap(message_tail: &str, comment: &str) -> (TestRepo, String) {
    let mut repo = TestRepo::library_on_topic();
    repo.write(
        "src/lib.rs",
        &format!(
            "pub fn one() -> u32 {{\n    1\n}}\n\npub fn port(text: &str) -> u16 {{\n    let trimmed = text.trim();\n{comment}    trimmed.parse().unwrap()\n}}\n"
        ),
    );
    let sha = repo.commit_all(&format!("wip{message_tail}"));
    (repo, sha)
}

fn prompt_of<'a>(report: &'a Value, rule: &str) -> &'a Value {
    report["prompts"]
        .as_array()
        .and_then(|prompts| prompts.iter().find(|p| p["rule"] == rule))
        .unwrap_or_else(|| panic!("a {rule} prompt: {report:#}"))
}

#[test]
fn each_prompt_is_told_the_one_form_that_answers_it_in_every_format() {
    let (repo, sha) = wip_commit_with_an_unwrap("", "");
    let short = &sha[..10];
    let report = common::json_in(repo.path(), &["main"]);
    assert_eq!(
        prompt_of(&report, "unhandled-failure")["answer_with"],
        serde_json::json!(["comment"])
    );
    assert_eq!(
        prompt_of(&report, "missing-rationale")["answer_with"],
        serde_json::json!(["trailer"])
    );

    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human.stdout.contains(
            "answer with `// ponder: unhandled-failure: <why>` on this line or the line above it\n"
        ),
        "{human:?}"
    );
    assert!(
        human.stdout.contains(&format!(
            "answer with a `Ponder-Answer: missing-rationale: <why>` trailer in the message of commit {short}"
        )),
        "{human:?}"
    );
    for wrong in [
        "Ponder-Answer: unhandled-failure",
        "// ponder: missing-rationale",
    ] {
        assert!(!human.stdout.contains(wrong), "{wrong}: {human:?}");
    }

    // The formats that hand text to other tools say the same (rdjson has only the
    // questions about lines).
    let rdjson = run_in(repo.path(), &["main", "--format", "rdjson"]);
    assert!(
        rdjson
            .stdout
            .contains("Answer with `// ponder: unhandled-failure: <why>` on this line"),
        "{rdjson:?}"
    );
    for format in ["github", "sarif", "gitlab"] {
        let run = run_in(repo.path(), &["main", "--format", format]);
        run.success();
        assert!(
            run.stdout
                .contains("Answer with `// ponder: unhandled-failure: <why>` on this line"),
            "{format}: {run:?}"
        );
        assert!(
            run.stdout
                .contains("Answer with a `Ponder-Answer: missing-rationale: <why>` trailer"),
            "{format}: {run:?}"
        );
        for wrong in [
            "Ponder-Answer: unhandled-failure",
            "// ponder: missing-rationale",
        ] {
            assert!(
                !run.stdout.contains(wrong),
                "{format} says {wrong}: {run:?}"
            );
        }
    }

    // The checklist's footer says which form each open rule takes.
    let markdown = run_in(repo.path(), &["main", "--format", "markdown"]);
    markdown.success();
    assert!(
        markdown.stdout.contains(
            "`unhandled-failure` with `// ponder: unhandled-failure: reason` on the flagged line or the line above it; \
             `missing-rationale` with a `Ponder-Answer: missing-rationale: reason` trailer in the commit message."
        ),
        "{markdown:?}"
    );
}

#[test]
fn an_answer_of_the_wrong_form_answers_nothing_and_is_reported_with_the_form_that_works() {
    let (repo, sha) = wip_commit_with_an_unwrap(
        "\n\nPonder-Answer: unhandled-failure: the text comes from our own config writer",
        "    // ponder: missing-rationale: follow-up to the parser work of last week\n",
    );
    let short = &sha[..10];
    let report = common::json_in(repo.path(), &["main"]);
    for rule in ["unhandled-failure", "missing-rationale"] {
        assert!(
            prompt_of(&report, rule)["answer"].is_null(),
            "{rule}: {report:#}"
        );
    }
    // The comment: stale, with the trailer as the form that works.
    let stale = report["stale_answers"].as_array().expect("stale answers");
    assert_eq!(stale.len(), 1, "{report:#}");
    assert_eq!(stale[0]["rule"], "missing-rationale");
    assert_eq!(stale[0]["known_rule"], true);
    assert_eq!(stale[0]["needs_trailer"], true);
    // The trailer: a note that says a comment answers that rule.
    let notes = report["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains(&format!(
                "commit {short}: the trailer `Ponder-Answer: unhandled-failure` answers nothing"
            )) && n
                .contains("`// ponder: unhandled-failure: <why>` on the flagged line"))),
        "{report:#}"
    );

    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human.stdout.contains(
            "src/lib.rs:7 `missing-rationale`, which asks about commits (a `Ponder-Answer: missing-rationale: <why>` trailer in the commit message answers it)"
        ),
        "{human:?}"
    );
    assert!(human.stdout.contains("Note: commit"), "{human:?}");

    let github = run_in(repo.path(), &["main", "--format", "github"]);
    assert!(
        github.stdout.contains(
            "`missing-rationale` asks about a commit, which an answer comment cannot answer"
        ),
        "{github:?}"
    );
}

#[test]
fn a_trailer_with_a_mistyped_rule_suggests_the_near_one() {
    let (repo, sha) = wip_commit_with_an_unwrap(
        "\n\nPonder-Answer: missing-rationle: a follow-up to the parser work of last week",
        "",
    );
    let report = common::json_in(repo.path(), &["main"]);
    assert!(prompt_of(&report, "missing-rationale")["answer"].is_null());
    let notes = report["notes"].to_string();
    assert!(
        notes.contains(&format!(
            "commit {}: the trailer `Ponder-Answer: missing-rationle` answers nothing: no rule is called `missing-rationle` (did you mean `missing-rationale`?)",
            &sha[..10]
        )),
        "{report:#}"
    );
    // A trailer of the right form answers, and leaves no note.
    let (repo, _) = wip_commit_with_an_unwrap(
        "\n\nPonder-Answer: missing-rationale: a follow-up to the parser work of last week",
        "    // ponder: unhandled-failure: trimmed text of our own config writer, always digits\n",
    );
    let report = common::json_in(repo.path(), &["main"]);
    assert_eq!(
        prompt_of(&report, "missing-rationale")["answered_by"],
        "trailer"
    );
    assert_eq!(
        prompt_of(&report, "unhandled-failure")["answered_by"],
        "comment"
    );
    assert_eq!(report["notes"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["stale_answers"], serde_json::json!([]), "{report:#}");
}

// ─── The README a newcomer reads ────────────────────────────────────────────────────────

fn repository_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text of the README's `## heading` section, up to the next `## `.
fn section<'a>(readme: &'a str, heading: &str) -> &'a str {
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("the README has a `## {heading}` section"));
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

#[test]
fn the_readme_names_what_ci_installs_the_base_and_how_to_remove_the_hook() {
    let readme = repository_file("README.md");
    let setup = section(&readme, "The two commands");
    // Every package `.ci/run` installs when it is missing (`missing+=(NAME)`).
    let ci = repository_file(".ci/run");
    let installed: Vec<&str> = ci
        .split("missing+=(")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    assert!(installed.contains(&"pkg-config"), "{installed:?}");
    for package in &installed {
        assert!(
            setup.contains(package),
            "the two commands' section names {package}"
        );
    }
    // Which base the no-argument form uses.
    assert!(
        setup.contains("`origin/HEAD`, else `main` or `master`"),
        "{setup}"
    );

    // How to remove the hook, and the command is real.
    let local = &readme[readme
        .find("### Locally, before you push")
        .expect("section")..];
    assert!(local.contains("ponder hook uninstall"));
    let empty = tempfile::tempdir().expect("temp dir");
    let help = run_in(empty.path(), &["hook", "uninstall", "--help"]);
    help.success();
    assert!(help.stdout.contains("Remove the pre-push hook"), "{help:?}");

    // Performance comes after everything a user of ponder reads.
    let at = |heading: &str| {
        readme
            .find(&format!("\n## {heading}\n"))
            .unwrap_or_else(|| panic!("## {heading}"))
    };
    for user_facing in [
        "The two commands",
        "What to analyse",
        "Where to use it",
        "The rules",
        "Answering a prompt",
        "Configuration",
        "JSON output",
        "Output for other tools",
        "What ponder skips, and why",
    ] {
        assert!(
            at(user_facing) < at("Performance"),
            "{user_facing} before Performance"
        );
    }
}

#[test]
fn quiet_each_commit_prints_only_the_closing_line_while_a_question_is_open() {
    let (repo, _) = wip_commit_with_an_unwrap("", "");
    let run = run_in(repo.path(), &["--each-commit", "main..topic", "--quiet"]);
    run.success();
    assert_eq!(
        run.stdout, "ponder asked 2 questions (0 answered) across 1 commit.\n",
        "{run:?}"
    );
    let (answered, _) = wip_commit_with_an_unwrap(
        "\n\nPonder-Answer: missing-rationale: a follow-up to the parser work of last week",
        "    // ponder: unhandled-failure: trimmed text of our own config writer, always digits\n",
    );
    let run = run_in(answered.path(), &["--each-commit", "main..topic", "-q"]);
    run.success();
    assert_eq!(run.stdout, "", "{run:?}");
}
