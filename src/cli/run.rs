//! The analysis command: the request from the arguments, the report rendered in the
//! chosen format, `--each-commit` with its progress bar, and `--timings`.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ponder::report::{self, Format, Style};
use ponder::unread::Unread;
use ponder::{analyze, analyze_each_commit, github, Error, RangeSpec, Request};

use super::args::{Cli, Command, HookCommand, OutputFormat, PostTarget};
use super::output::{after_output, say_raw, write_stdout};
use super::{commands, post};

/// Runs what the arguments ask for: a subcommand, or the analysis.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Some(Command::Rules(args)) => return commands::rules(&args),
        Some(Command::Explain { rule }) => return commands::explain(&rule),
        Some(Command::Post(PostTarget::Github(post))) => return post::github(post),
        Some(Command::Post(PostTarget::Gitlab(post))) => return post::gitlab(post),
        Some(Command::Hook(HookCommand::Install {
            repo,
            force,
            require_answers,
        })) => return commands::install_hook(&repo, force, require_answers),
        Some(Command::Hook(HookCommand::Uninstall { repo })) => {
            return commands::uninstall_hook(&repo)
        }
        Some(Command::Completions { shell }) => return commands::completions(shell),
        Some(Command::Man) => return commands::man(),
        None => {}
    }

    let request = Request {
        repo: cli.repo.clone().unwrap_or_else(|| ".".into()),
        git_env: cli.repo.is_none(),
        range: range_spec(cli.commit.as_deref(), cli.range.as_deref()),
        config: cli.config,
        coverage: cli.coverage,
        description: description(cli.description_file.as_deref())?,
    };
    let format = match cli.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
        OutputFormat::Markdown => Format::Markdown,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
        OutputFormat::Rdjson => Format::Rdjson,
        OutputFormat::Gitlab => Format::Gitlab,
    };
    let stdout = std::io::stdout();
    let style = Style {
        color: super::color::wants_color_here(cli.color, stdout.is_terminal()),
        width: terminal_width(),
        quiet: cli.quiet,
    };
    if cli.quiet && format != Format::Human {
        use clap::CommandFactory;
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--quiet shortens the human report: leave out --format, or use --format human",
            )
            .exit();
    }
    if cli.each_commit {
        if !report::history::streams(format) {
            use clap::CommandFactory;
            Cli::command()
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    "--each-commit writes a report per commit: use --format human, json or github",
                )
                .exit();
        }
        return run_each_commit(&request, format, style, cli.timings, cli.require_answers);
    }
    let report = analyze(&request)?;
    let mut timings = report.timings.clone();
    let rendered = timings.measure("render", || match format {
        Format::Github => report::github::render_with(&report, cli.show_answered),
        Format::Markdown => report::markdown::render_with(
            &report,
            &report::markdown::MarkdownOptions {
                link_base: cli
                    .link_base
                    .clone()
                    .or_else(|| report::markdown::link_base_from_env(&github::process_env)),
                max_bytes: None,
            },
        ),
        _ => report::render(&report, format, style),
    });
    let written = write_stdout(&rendered);
    if cli.timings {
        say_raw(&timings_table(&timings));
    }
    after_output(
        written,
        cli.require_answers,
        report.unanswered(),
        &report.unread,
    )
}

/// `--each-commit`: writes each commit's section as soon as its window of commits is
/// done, with a progress bar on stderr when it is a terminal and the run takes a while.
fn run_each_commit(
    request: &Request,
    format: Format,
    style: Style,
    show_timings: bool,
    require_answers: bool,
) -> Result<ExitCode, Error> {
    // Shown only after a moment, so that a short run leaves no trace on the terminal.
    const PROGRESS_DELAY: Duration = Duration::from_millis(400);
    let start = Instant::now();
    let progress = ProgressBar::hidden();
    let terminal = std::io::stderr().is_terminal();
    let mut shown = false;
    let (mut prompts, mut unanswered) = (0, 0);
    let mut render_time = Duration::ZERO;
    let mut written = Ok(());
    let mut unread: Vec<Unread> = Vec::new();
    // indicatif's own estimate weighs the whole run from its start, which a slow first
    // window of commits skews for minutes; this one follows the last ten seconds.
    let mut estimate = ponder::progress::Estimator::new(Duration::from_secs(10));
    let summary = analyze_each_commit(request, |report, done, total| {
        let render_start = Instant::now();
        let section = report::history::commit_section(&report, format, style);
        render_time += render_start.elapsed();
        prompts += report.prompts.len();
        unanswered += report.unanswered();
        unread.extend(report.unread.iter().cloned());
        written = progress.suspend(|| write_stdout(&section));
        if written.is_err() {
            // Nobody reads the rest: stop the run instead of finishing it for no one.
            return ControlFlow::Break(());
        }
        if terminal && !shown && start.elapsed() >= PROGRESS_DELAY {
            progress.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} commits{msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            progress.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        estimate.record(start.elapsed(), done);
        progress.set_message(match estimate.remaining(total) {
            Some(left) => format!(", {} left", ponder::progress::short_duration(left)),
            None => String::new(),
        });
        progress.set_length(total as u64);
        progress.set_position(done as u64);
        ControlFlow::Continue(())
    });
    // The bar's last frame says N/N: the run did every commit.
    progress.finish();
    let summary = summary?;
    if written.is_ok() {
        written = write_stdout(&report::history::summary(
            &summary,
            prompts,
            unanswered,
            format,
            style.quiet,
        ));
    }
    if show_timings {
        let mut timings = summary.timings.clone();
        timings.add("render", render_time);
        say_raw(&timings_table(&timings));
        say!("{:<10} {:>8.3} s", "wall", start.elapsed().as_secs_f64());
    }
    after_output(written, require_answers, unanswered, &unread)
}

/// One line per stage and the total, in seconds, for `--timings`.
fn timings_table(timings: &ponder::timings::Timings) -> String {
    let mut out = String::new();
    for (stage, elapsed) in &timings.stages {
        out.push_str(&format!("{stage:<10} {:>8.3} s\n", elapsed.as_secs_f64()));
    }
    out.push_str(&format!(
        "{:<10} {:>8.3} s\n",
        "total",
        timings.total().as_secs_f64()
    ));
    for (what, amount) in &timings.counts {
        out.push_str(&format!("{what}: {amount}\n"));
    }
    out
}

/// The range the user named; with none, the pull request's in GitHub Actions, else the
/// branch and work in progress.
pub fn range_spec(commit: Option<&str>, range: Option<&str>) -> RangeSpec {
    match (commit, range) {
        (Some(sha), _) => RangeSpec::Commit(sha.to_string()),
        (None, Some(range)) => RangeSpec::parse(range),
        (None, None) => github::default_range(&github::process_env).unwrap_or(RangeSpec::Default),
    }
}

/// The pull request description: `--description-file`, else in GitHub Actions the
/// pull request's body from the event payload, else in GitLab CI the merge request's.
pub fn description(file: Option<&std::path::Path>) -> Result<Option<String>, Error> {
    match file {
        Some(path) => ponder::description::read_file(path).map(Some),
        None => Ok(github::pull_request_body(&github::process_env)
            .or_else(|| ponder::gitlab::merge_request_description(&github::process_env))),
    }
}

fn terminal_width() -> usize {
    columns().unwrap_or(100)
}

/// `COLUMNS`, when it is set to a usable width: what the report and errors wrap at.
pub fn columns() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w >= 40)
}
