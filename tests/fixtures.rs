//! Runs every scenario under fixtures/: builds it as a real git repository, analyses it
//! with every rule, and compares the prompts with the case's `[[expect]]` list (rule,
//! file, line, function, commit) and the full text with a reviewed insta snapshot.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::TestRepo;
use ponder::{analyze, RangeSpec, Request};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    summary: String,
    why: String,
    range: String,
    config: Option<String>,
    /// An lcov file passed as `--coverage`; `{root}` stands for the repository's path.
    coverage: Option<String>,
    #[serde(default)]
    commits: Vec<CommitStep>,
    worktree: Option<WorkTree>,
    #[serde(default)]
    expect: Vec<Expect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitStep {
    dir: Option<String>,
    message: String,
    #[serde(default)]
    delete: Vec<String>,
    #[serde(default)]
    rename: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkTree {
    dir: Option<String>,
    #[serde(default)]
    delete: Vec<String>,
    #[serde(default)]
    stage: bool,
}

#[derive(Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Expect {
    rule: String,
    file: Option<String>,
    line: Option<u32>,
    function: Option<String>,
    commit: Option<usize>,
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for rule in std::fs::read_dir(&root).expect("fixtures/") {
        let rule = rule.expect("entry").path();
        if !rule.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&rule).expect("rule dir") {
            let case = case.expect("entry").path();
            if case.join("scenario.toml").is_file() {
                cases.push(case);
            }
        }
    }
    cases.sort();
    cases
}

struct Outcome {
    name: String,
    mismatch: Option<String>,
    snapshot: String,
}

fn run_case(case: &Path) -> Outcome {
    let name = format!(
        "{}__{}",
        case.parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        case.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    let text = std::fs::read_to_string(case.join("scenario.toml")).expect("scenario.toml");
    let scenario: Scenario = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        !scenario.summary.trim().is_empty() && !scenario.why.trim().is_empty(),
        "{name}: summary and why are required"
    );

    let mut repo = TestRepo::new();
    repo.copy_tree(&case.join("base"));
    if let Some(config) = &scenario.config {
        repo.write(".ponder.toml", config);
    }
    repo.commit_all("Initial import\n\nThe project as it was before the change under review.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let mut shas = Vec::new();
    for step in &scenario.commits {
        for (from, to) in &step.rename {
            if let Some(parent) = Path::new(to).parent() {
                std::fs::create_dir_all(repo.path().join(parent)).expect("mkdir");
            }
            repo.git(&["mv", from, to]);
        }
        for path in &step.delete {
            repo.git(&["rm", "-q", path]);
        }
        if let Some(dir) = &step.dir {
            repo.copy_tree(&case.join(dir));
        }
        shas.push(repo.commit_all(&step.message));
    }
    if let Some(work_tree) = &scenario.worktree {
        for path in &work_tree.delete {
            std::fs::remove_file(repo.path().join(path)).expect("delete work-tree file");
        }
        if let Some(dir) = &work_tree.dir {
            repo.copy_tree(&case.join(dir));
        }
        if work_tree.stage {
            repo.git(&["add", "-A"]);
        }
    }

    let range = match scenario.range.as_str() {
        "" => RangeSpec::Default,
        other => match other.strip_prefix("commit:") {
            Some(n) => {
                let index: usize = n.parse().expect("commit:N");
                RangeSpec::Commit(shas[index - 1].clone())
            }
            None => RangeSpec::parse(other),
        },
    };
    let coverage = scenario.coverage.as_ref().map(|text| {
        let root = repo.path().canonicalize().expect("repository path");
        let path = repo.path().join(".git").join("lcov.info");
        let text = text.replace("{root}", &root.to_string_lossy());
        std::fs::write(&path, text).expect("write lcov.info");
        path
    });
    let report = analyze(&Request {
        repo: repo.path().to_path_buf(),
        range,
        config: None,
        coverage,
    })
    .unwrap_or_else(|e| panic!("{name}: analysis failed: {e:?}"));

    let commit_index = |sha: &Option<String>| {
        sha.as_ref()
            .map(|sha| shas.iter().position(|s| s == sha).map_or(0, |i| i + 1))
    };
    let mut actual: Vec<Expect> = report
        .prompts
        .iter()
        .map(|p| Expect {
            rule: p.rule.clone(),
            file: p.file.clone(),
            line: p.line,
            function: p.function.clone(),
            commit: commit_index(&p.commit),
        })
        .collect();
    let mut expected = scenario.expect.clone();
    actual.sort();
    expected.sort();
    let mismatch = (actual != expected).then(|| {
        let missing: Vec<_> = expected.iter().filter(|e| !actual.contains(e)).collect();
        let extra: Vec<_> = actual.iter().filter(|a| !expected.contains(a)).collect();
        format!(
            "{name}:\n  expected but not asked: {missing:#?}\n  asked but not expected: {extra:#?}"
        )
    });

    let mut snapshot = String::new();
    for prompt in &report.prompts {
        snapshot.push_str(&format!(
            "[{}] {}:{} {}{}\n  {}\n",
            prompt.rule,
            prompt.file.as_deref().unwrap_or("-"),
            prompt
                .line
                .map(|l| l.to_string())
                .unwrap_or_else(|| "-".into()),
            prompt.function.as_deref().unwrap_or(""),
            prompt
                .commit
                .as_ref()
                .map(|c| format!(" commit {}", commit_index(&Some(c.clone())).unwrap_or(0)))
                .unwrap_or_default(),
            prompt.question
        ));
        for evidence in &prompt.evidence {
            snapshot.push_str(&format!("  - {evidence}\n"));
        }
        if let Some(answer) = &prompt.answer {
            snapshot.push_str(&format!("  answered: {answer}\n"));
        }
    }
    for file in report.files.iter().filter(|f| f.note.is_some()) {
        snapshot.push_str(&format!(
            "note {}: {}\n",
            file.path,
            file.note.as_deref().unwrap_or("")
        ));
    }
    if snapshot.is_empty() {
        snapshot.push_str("(no prompts)\n");
    }
    Outcome {
        name,
        mismatch,
        snapshot,
    }
}

#[test]
fn every_fixture_asks_exactly_what_it_expects() {
    let cases = cases();
    assert!(
        cases.len() >= 32,
        "expected at least 32 fixture cases, found {}",
        cases.len()
    );
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut outcomes = Vec::new();
    for case in &cases {
        let rule = case
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let case_name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let counts = per_rule.entry(rule).or_default();
        if case_name.starts_with("asks-") {
            counts.0 += 1;
        } else if case_name.starts_with("quiet-") {
            counts.1 += 1;
        } else {
            failures.push(format!(
                "{case_name}: a case name starts with asks- or quiet-"
            ));
        }
        let outcome = run_case(case);
        if let Some(mismatch) = &outcome.mismatch {
            failures.push(mismatch.clone());
        }
        outcomes.push(outcome);
    }
    for (rule, (asks, quiet)) in &per_rule {
        if *asks < 4 || *quiet < 4 {
            failures.push(format!(
                "{rule}: needs at least 4 asks- and 4 quiet- cases, has {asks} and {quiet}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for outcome in outcomes {
        insta::assert_snapshot!(outcome.name, outcome.snapshot);
    }
}
