//! In-process stages of ponder on the synthetic repository (see `support/synthetic.rs`),
//! next to `git diff -p` and `git log -p` of the same range run in the same benchmark:
//! compare the lines of one run, not numbers across machines.
//!
//! `cargo bench --bench pipeline`; `PONDER_BENCH_REPO=DIR PONDER_BENCH_RANGE=A..B` runs
//! it on a real repository instead.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::PathBuf;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};

use ponder::git::{RangeSpec, ReadOptions, Repo};
use ponder::report::{render, Format, Style};
use ponder::{analyze, Request};

fn target() -> (PathBuf, String, Option<tempfile::TempDir>) {
    if let (Ok(repo), Ok(range)) = (
        std::env::var("PONDER_BENCH_REPO"),
        std::env::var("PONDER_BENCH_RANGE"),
    ) {
        return (PathBuf::from(repo), range, None);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let size = synthetic::Size {
        commits: 300,
        ..synthetic::Size::small()
    };
    synthetic::generate(dir.path(), size, true).expect("synthetic repository");
    (
        dir.path().to_path_buf(),
        "bench-base..bench-head".to_string(),
        Some(dir),
    )
}

fn git(repo: &PathBuf, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success());
}

fn stages(c: &mut Criterion) {
    let (repo_path, range, _keep) = target();
    let (base, head) = range.split_once("..").expect("an A..B range");
    let spec = RangeSpec::parse(&range);
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);

    group.bench_function("git diff -p", |b| {
        b.iter(|| git(&repo_path, &["diff", "-p", base, head]))
    });
    group.bench_function("git log -p --first-parent", |b| {
        b.iter(|| git(&repo_path, &["log", "-p", "--first-parent", &range]))
    });

    let repo = Repo::open(&repo_path).expect("repository");
    group.bench_function("resolve", |b| {
        b.iter(|| repo.resolve(&spec).expect("range"))
    });
    let resolved = repo.resolve(&spec).expect("range");
    let options = ReadOptions::default();
    group.bench_function("diff+read range and every commit", |b| {
        b.iter(|| {
            repo.read_resolved(&resolved, &options, &mut Default::default())
                .expect("change")
        })
    });
    let change = repo
        .read_resolved(&resolved, &options, &mut Default::default())
        .expect("change");
    let texts: Vec<_> = change
        .files
        .iter()
        .filter(|f| f.is_rust())
        .filter_map(|f| f.new.clone())
        .collect();
    group.bench_function("parse range new texts", |b| {
        b.iter(|| {
            for text in &texts {
                ponder::syntax::parse(&text.content);
            }
        })
    });
    let request = Request {
        repo: repo_path.clone(),
        git_env: false,
        range: spec.clone(),
        config: None,
        coverage: None,
        description: None,
    };
    group.bench_function("analyze (whole range)", |b| {
        b.iter(|| analyze(&request).expect("report"))
    });
    let report = analyze(&request).expect("report");
    let style = Style {
        color: false,
        width: 100,
        quiet: false,
    };
    group.bench_function("render json", |b| {
        b.iter(|| render(&report, Format::Json, style))
    });
    group.bench_function("render human", |b| {
        b.iter(|| render(&report, Format::Human, style))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
