//! Runs every scenario under fixtures/, each as its own test case named `RULE::CASE`
//! (`cargo test --test fixtures -- asks-config-load` runs the cases whose name contains
//! that, `-- --list` lists them): builds it as a real git repository, analyses it with
//! every rule, and compares the prompts with the case's `[[expect]]` list (rule, file,
//! line, function, commit). Three reviewed insta snapshots keep the rest:
//!
//! - `fixtures__RULE__CASE.snap`: every prompt's fields, evidence and answer, and the
//!   notes on unread files, as the library returns them;
//! - `fixtures__RULE__CASE__human.snap`: what the binary prints on a terminal with
//!   colour off, the report a user reads;
//! - `fixtures__RULE__CASE__markdown.snap`: the `--format markdown` checklist a reviewer
//!   reads.
//!
//! The binary runs with the harness's clean environment, in a temporary repository whose
//! path is replaced by `[repo]`; dates and authors are fixed, so the commit hashes in the
//! snapshots are the same on every machine.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use common::{ponder, TestRepo};
use libtest_mimic::{Arguments, Failed, Trial};
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

/// A case's rule (its parent folder) and its own name.
fn rule_and_case(case: &Path) -> (String, String) {
    let name = |path: Option<&Path>| {
        path.and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    (name(case.parent()), name(Some(case)))
}

/// A case built as a repository: what it says about itself, and its commits' SHAs.
struct Built {
    name: String,
    scenario: Scenario,
    repo: TestRepo,
    shas: Vec<String>,
    /// The `--coverage` file the case gives, written into the repository's .git.
    coverage: Option<std::path::PathBuf>,
}

fn build(case: &Path) -> Built {
    let (rule, case_name) = rule_and_case(case);
    let name = format!("{rule}__{case_name}");
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

    // The lcov file lives in .git, where it is no change of the repository's.
    let coverage = scenario.coverage.as_ref().map(|text| {
        let root = repo.path().canonicalize().expect("repository path");
        let path = repo.path().join(".git").join("lcov.info");
        let text = text.replace("{root}", &root.to_string_lossy());
        std::fs::write(&path, text).expect("write lcov.info");
        path
    });

    Built {
        name,
        scenario,
        repo,
        shas,
        coverage,
    }
}

impl Built {
    /// The 1-based number of the case's commit `sha` (0 when it is none of them).
    fn commit_index(&self, sha: &str) -> usize {
        self.shas.iter().position(|s| s == sha).map_or(0, |i| i + 1)
    }

    fn range(&self) -> RangeSpec {
        match self.scenario.range.as_str() {
            "" => RangeSpec::Default,
            other => match other.strip_prefix("commit:") {
                Some(_) => RangeSpec::Commit(self.commit_argument()),
                None => RangeSpec::parse(other),
            },
        }
    }

    /// The SHA of commit N for a `commit:N` range.
    fn commit_argument(&self) -> String {
        let index: usize = self.scenario.range["commit:".len()..]
            .parse()
            .expect("commit:N");
        self.shas[index - 1].clone()
    }

    /// The range as a user types it on the command line.
    fn arguments(&self) -> Vec<String> {
        match self.scenario.range.as_str() {
            "" => Vec::new(),
            range if range.starts_with("commit:") => {
                vec!["--commit".to_string(), self.commit_argument()]
            }
            range => vec![range.to_string()],
        }
    }

    /// What the binary prints for the case's range with `extra` arguments, the repository's
    /// temporary path replaced by `[repo]`.
    fn output(&self, extra: &[&str]) -> Result<String, Failed> {
        let mut command = ponder();
        command
            .current_dir(self.repo.path())
            .args(self.arguments())
            .args(extra);
        if let Some(coverage) = &self.coverage {
            command.arg("--coverage").arg(coverage);
        }
        command
            // A terminal's width, so that the snapshot wraps as a user's report would.
            .env("COLUMNS", "100");
        let run = command.run();
        if run.code != Some(0) || !run.stderr.is_empty() {
            return Err(format!("{}: ponder {extra:?} failed: {run:?}", self.name).into());
        }
        let mut text = run.stdout;
        let path = self.repo.path();
        for form in [path.canonicalize().ok(), Some(path.to_path_buf())]
            .into_iter()
            .flatten()
        {
            text = text.replace(&*form.to_string_lossy(), "[repo]");
        }
        let temp = std::env::temp_dir();
        if text.contains(&*temp.to_string_lossy()) {
            return Err(format!("{}: a temporary path in the output:\n{text}", self.name).into());
        }
        Ok(text)
    }
}

/// The case's prompts, compared with its `[[expect]]` list, and its three snapshots.
fn run_case(case: &Path) -> Result<(), Failed> {
    let built = build(case);
    let name = &built.name;
    let report = analyze(&Request {
        repo: built.repo.path().to_path_buf(),
        git_env: false,
        range: built.range(),
        config: None,
        coverage: built.coverage.clone(),
        description: None,
    })
    .map_err(|e| format!("{name}: analysis failed: {e:?}"))?;

    let commit_index = |sha: &Option<String>| sha.as_deref().map(|sha| built.commit_index(sha));
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
    let mut expected = built.scenario.expect.clone();
    actual.sort();
    expected.sort();
    if actual != expected {
        let missing: Vec<_> = expected.iter().filter(|e| !actual.contains(e)).collect();
        let extra: Vec<_> = actual.iter().filter(|a| !expected.contains(a)).collect();
        return Err(format!(
            "{name}:\n  expected but not asked: {missing:#?}\n  asked but not expected: {extra:#?}"
        )
        .into());
    }
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
                .map(|c| format!(" commit {}", built.commit_index(c)))
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
    insta::assert_snapshot!(name.clone(), snapshot);
    let human = built.output(&[])?;
    insta::assert_snapshot!(format!("{name}__human"), human);
    let markdown = built.output(&["--format", "markdown"])?;
    insta::assert_snapshot!(format!("{name}__markdown"), markdown);
    Ok(())
}

/// Every rule is shown to ask and to stay quiet, in at least four cases each.
fn check_case_counts(cases: &[PathBuf]) -> Result<(), Failed> {
    if cases.len() < 32 {
        return Err(format!("expected at least 32 fixture cases, found {}", cases.len()).into());
    }
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    for case in cases {
        let (rule, case_name) = rule_and_case(case);
        let counts = per_rule.entry(rule).or_default();
        if case_name.starts_with("asks-") {
            counts.0 += 1;
        } else if case_name.starts_with("quiet-") {
            counts.1 += 1;
        } else {
            problems.push(format!(
                "{case_name}: a case name starts with asks- or quiet-"
            ));
        }
    }
    for (rule, (asks, quiet)) in &per_rule {
        if *asks < 4 || *quiet < 4 {
            problems.push(format!(
                "{rule}: needs at least 4 asks- and 4 quiet- cases, has {asks} and {quiet}"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn main() -> ExitCode {
    let arguments = Arguments::from_args();
    let cases = cases();
    let mut trials = vec![{
        let cases = cases.clone();
        Trial::test("every_rule_has_asks_and_quiet_cases", move || {
            check_case_counts(&cases)
        })
    }];
    for case in cases {
        let (rule, case_name) = rule_and_case(&case);
        trials.push(Trial::test(format!("{rule}::{case_name}"), move || {
            run_case(&case)
        }));
    }
    libtest_mimic::run(&arguments, trials).exit_code()
}
