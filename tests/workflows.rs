//! The workflow files (`.github/workflows/`, the action's `action.yml`, and every
//! workflow the README shows) hold to what actionlint and zizmor check, so that a copy
//! passes them: every action pinned by a full commit SHA with its version as a comment,
//! `persist-credentials: false` on every checkout, no permissions granted to the whole
//! workflow, and each job's own permissions spelled out. `.github/workflows/ci.yml` runs
//! the linters themselves; this test keeps the same points without the network.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (name, text) of every workflow: the files, then the README's YAML blocks with jobs.
fn workflows() -> Vec<(String, String)> {
    let mut found = Vec::new();
    let dir = root().join(".github/workflows");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect(".github/workflows")
        .map(|entry| entry.expect("entry").path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("a workflow");
        found.push((path.display().to_string(), text));
    }
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    for (index, block) in readme.split("```yaml\n").skip(1).enumerate() {
        let block = block.split("```").next().unwrap_or("");
        if block.contains("\njobs:\n") {
            found.push((
                format!("README.md yaml block {}", index + 1),
                block.to_string(),
            ));
        }
    }
    found
}

/// The value of every `uses:` line.
fn uses(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|line| {
            line.trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses: ")
        })
        .collect()
}

fn check_pins(name: &str, text: &str) {
    for used in uses(text) {
        if used.starts_with("./") {
            continue;
        }
        let (action, comment) = used.split_once(" # ").unwrap_or((used, ""));
        let sha = action.rsplit_once('@').map(|(_, sha)| sha).unwrap_or("");
        assert!(
            sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}: `{used}` is not pinned by a full commit SHA"
        );
        assert!(
            comment.starts_with('v'),
            "{name}: `{used}` has no version comment"
        );
        if action.starts_with("actions/checkout@") {
            assert!(
                comment >= "v5",
                "{name}: {comment} of actions/checkout runs on a removed Node version"
            );
        }
    }
}

#[test]
fn every_action_is_pinned_by_sha_with_its_version() {
    let all = workflows();
    assert!(
        all.len() >= 5,
        "{:?}",
        all.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for (name, text) in &all {
        check_pins(name, text);
    }
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    check_pins("action.yml", &action);
}

#[test]
fn checkouts_do_not_persist_credentials() {
    for (name, text) in workflows() {
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if !line.contains("uses: actions/checkout@") {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            // The step's own lines: until the next line indented no deeper than `- uses`.
            let step: Vec<&str> = lines[index + 1..]
                .iter()
                .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
                .copied()
                .collect();
            assert!(
                step.iter()
                    .any(|l| l.trim() == "persist-credentials: false"),
                "{name}: the checkout on line {} persists its credentials",
                index + 1
            );
        }
    }
}

#[test]
fn permissions_are_granted_per_job_and_never_to_the_whole_workflow() {
    for (name, text) in workflows() {
        assert!(
            text.lines().any(|l| l == "permissions: {}"),
            "{name}: the workflow must grant nothing at its top level (`permissions: {{}}`)"
        );
        let jobs = text.split("\njobs:\n").nth(1).expect("jobs");
        let mut job_count = 0;
        let mut current: Option<(String, bool)> = None;
        for line in jobs.lines() {
            let indent = line.len() - line.trim_start().len();
            if indent == 2 && line.trim_end().ends_with(':') {
                if let Some((job, has)) = current.take() {
                    assert!(has, "{name}: job {job} sets no permissions of its own");
                }
                job_count += 1;
                current = Some((line.trim().to_string(), false));
            } else if indent == 4 && line.trim_start().starts_with("permissions:") {
                if let Some((_, has)) = current.as_mut() {
                    *has = true;
                }
            } else if indent == 0 && !line.trim().is_empty() {
                break;
            }
        }
        if let Some((job, has)) = current {
            assert!(has, "{name}: job {job} sets no permissions of its own");
        }
        assert!(job_count > 0, "{name}: no jobs found");
    }
}
