//! The `ponder` command: parses arguments, runs the library, renders the report or the
//! error, and chooses the exit status (0: the analysis ran; 1: `--require-answers` and a
//! prompt is unanswered; 2: usage, repository or configuration error).

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ponder::report::{self, Format, Style};
use ponder::rules::registry;
use ponder::unread::{gate_message, Unread};
use ponder::{analyze, analyze_each_commit, github, hook, Error, RangeSpec, Request};

#[derive(Parser)]
#[command(
    name = "ponder",
    version,
    about = "Asks the questions a careful reviewer would ask about a Rust change",
    long_about = "Asks the questions a careful reviewer would ask about a Rust change.\n\n\
        With no RANGE: the current branch against the default branch (origin/HEAD, else main or \
        master, else an upstream that is another branch), plus staged, unstaged and untracked \
        work; in GitHub Actions on a pull request, its base...HEAD. \
        RANGE `A..B`: exactly those commits. RANGE `A`: merge-base(A, HEAD)..HEAD.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// `A..B`, `A...B`, or `A` (= merge-base(A, HEAD)..HEAD); none: the branch against the
    /// default branch, plus staged, unstaged and untracked work
    range: Option<String>,

    /// One commit against its first parent
    #[arg(long, value_name = "SHA", conflicts_with = "range")]
    commit: Option<String>,

    /// The repository to analyse
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    /// A configuration file instead of the repository's .ponder.toml
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,

    /// An lcov file from a test run (`cargo llvm-cov --lcov`): new branches whose lines have
    /// hits are not asked about
    #[arg(long, value_name = "PATH")]
    coverage: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,

    /// Exit with status 1 while any prompt is unanswered
    #[arg(long)]
    require_answers: bool,

    /// With --format markdown: link locations to URL + COMMIT/PATH#L1 (e.g.
    /// https://github.com/OWNER/REPO/blob/) [default: from GITHUB_SERVER_URL and
    /// GITHUB_REPOSITORY, or GitLab's CI_PROJECT_URL, when set]
    #[arg(long, value_name = "URL")]
    link_base: Option<String>,

    /// With --format github: also list answered prompts (after the open ones)
    #[arg(long)]
    show_answered: bool,

    /// Print the time each stage took to stderr
    #[arg(long)]
    timings: bool,

    /// Analyse every commit of the range on its own (against its first parent; merges
    /// skipped), report grouped by commit and written as it goes; JSON is one line per commit
    #[arg(long, conflicts_with = "commit")]
    each_commit: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// What a rule looks for, why a reviewer asks, and how to answer it
    Explain {
        /// A rule id, as `ponder rules` lists them
        rule: String,
    },
    /// The rules, one line each
    Rules,
    /// Post the report where a pull request's reviewers see it
    #[command(subcommand)]
    Post(PostTarget),
    /// Git hooks that run ponder
    #[command(subcommand)]
    Hook(HookCommand),
}

#[derive(Subcommand)]
enum PostTarget {
    /// Create or update ponder's one comment on a GitHub pull request
    ///
    /// The comment is the markdown report; ponder finds its earlier comment by the marker
    /// on its first line. With a read-only token (a fork's pull request) the report goes
    /// to the job summary (GITHUB_STEP_SUMMARY) instead.
    Github(PostGithub),
    /// Create or update ponder's one note on a GitLab merge request
    ///
    /// The note is the markdown report; ponder finds its earlier note by the marker on its
    /// first line, and keeps the boxes reviewers ticked. The token is a project access
    /// token (scope `api`) in GITLAB_TOKEN: a job's CI_JOB_TOKEN cannot write notes.
    Gitlab(PostGitlab),
}

#[derive(Args)]
struct PostGitlab {
    #[command(flatten)]
    analysis: PostAnalysis,

    /// The project's id or path [default: $CI_PROJECT_ID]
    #[arg(long, value_name = "ID")]
    project: Option<String>,

    /// The merge request's iid [default: $CI_MERGE_REQUEST_IID]
    #[arg(long, value_name = "IID")]
    mr: Option<String>,

    /// The environment variable that holds the token
    #[arg(long, value_name = "NAME", default_value = ponder::gitlab::DEFAULT_TOKEN_ENV)]
    token_env: String,

    /// The REST API's address, e.g. https://HOST/api/v4 for a self-managed GitLab
    /// [default: $CI_API_V4_URL, else $CI_SERVER_URL/api/v4, else https://gitlab.com/api/v4]
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
}

/// What `post github` and `post gitlab` analyse, and how they end.
#[derive(Args)]
struct PostAnalysis {
    /// As for `ponder`; in GitHub Actions, none means the pull request's base...HEAD
    range: Option<String>,

    /// One commit against its first parent
    #[arg(long, value_name = "SHA", conflicts_with = "range")]
    commit: Option<String>,

    /// The repository to analyse
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    /// A configuration file instead of the repository's .ponder.toml
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,

    /// After posting, exit with status 1 while any prompt is unanswered
    #[arg(long)]
    require_answers: bool,
}

#[derive(Args)]
struct PostGithub {
    #[command(flatten)]
    analysis: PostAnalysis,

    /// The GitHub repository, OWNER/NAME [default: $GITHUB_REPOSITORY]
    #[arg(long, value_name = "OWNER/NAME")]
    repository: Option<String>,

    /// The pull request number [default: pull_request.number in $GITHUB_EVENT_PATH]
    #[arg(long, value_name = "NUMBER")]
    pr: Option<u64>,

    /// The environment variable that holds the token
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    token_env: String,

    /// The REST API's address, e.g. https://HOST/api/v3 for GitHub Enterprise Server
    /// [default: $GITHUB_API_URL, else https://api.github.com]
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
}

#[derive(Subcommand)]
enum HookCommand {
    /// Install a pre-push hook that asks ponder's questions about what you push
    Install {
        /// The repository to install the hook in
        #[arg(long, value_name = "PATH", default_value = ".")]
        repo: PathBuf,
        /// Replace a pre-push hook that is already there
        #[arg(long)]
        force: bool,
        /// Make the hook stop the push while any prompt is unanswered
        #[arg(long)]
        require_answers: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// Each prompt with the code it points at, for a terminal
    Human,
    /// One JSON object, for scripts
    Json,
    /// A pull request comment and reviewer's checklist
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF readers
    Sarif,
    /// GitHub Actions workflow commands (`::notice`), one annotation per prompt
    Github,
    /// reviewdog's rdjson, for `reviewdog -f=rdjson`
    Rdjson,
    /// GitLab's Code Quality report, for a `codequality` artifact
    Gitlab,
}

/// `eprintln!` that cannot panic: a message nobody can read (stderr closed or full) is
/// dropped, it does not turn into a crash.
macro_rules! say {
    ($($argument:tt)*) => {
        say_raw(&format!("{}\n", format_args!($($argument)*)))
    };
}

fn say_raw(text: &str) {
    let mut stderr = std::io::stderr().lock();
    // ponder: unhandled-failure: stderr is where failures are told; when it cannot be written there is nowhere left to tell
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

pub fn main() -> ExitCode {
    let mut arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `cargo ponder ARGS` runs `cargo-ponder ponder ARGS`.
    if arguments.get(1).is_some_and(|a| a == "ponder") {
        arguments.remove(1);
    }
    let cli = Cli::parse_from(arguments);
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            let report = miette::Report::new(error);
            say!("{report:?}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Some(Command::Rules) => {
            let mut out = String::new();
            for rule in registry() {
                let definition = rule.definition();
                out.push_str(&format!("{:<20} {}\n", definition.id, definition.summary));
            }
            return after_output(write_stdout(&out), false, 0, &[]);
        }
        Some(Command::Explain { rule }) => {
            let rules = registry();
            let Some(found) = rules.iter().find(|r| r.definition().id == rule) else {
                let known: Vec<String> = rules.iter().map(|r| r.definition().id.clone()).collect();
                return Err(Error::UnknownRule {
                    id: rule,
                    known: known.join(", "),
                });
            };
            return after_output(write_stdout(&explain(found.definition())), false, 0, &[]);
        }
        Some(Command::Post(PostTarget::Github(post))) => return post_github(post),
        Some(Command::Post(PostTarget::Gitlab(post))) => return post_gitlab(post),
        Some(Command::Hook(HookCommand::Install {
            repo,
            force,
            require_answers,
        })) => return install_hook(&repo, force, require_answers),
        None => {}
    }

    let request = Request {
        repo: cli.repo,
        range: range_spec(cli.commit.as_deref(), cli.range.as_deref()),
        config: cli.config,
        coverage: cli.coverage,
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
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: terminal_width(),
    };
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
            &summary, prompts, unanswered, format,
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
fn range_spec(commit: Option<&str>, range: Option<&str>) -> RangeSpec {
    match (commit, range) {
        (Some(sha), _) => RangeSpec::Commit(sha.to_string()),
        (None, Some(range)) => RangeSpec::parse(range),
        (None, None) => github::default_range(&github::process_env).unwrap_or(RangeSpec::Default),
    }
}

/// GitHub caps a comment at 65536 characters; this leaves room to spare.
const COMMENT_BUDGET: usize = 60_000;

fn post_github(post: PostGithub) -> Result<ExitCode, Error> {
    let options = github::PostOptions {
        repository: post.repository,
        pull_request: post.pr,
        token_env: post.token_env,
        api_url: post.api_url,
    };
    // Check the GitHub inputs before the analysis, so a missing token fails fast.
    let target = github::Target::resolve(&options, &github::process_env)
        .map_err(|e| Error::GitHub(Box::new(e)))?;
    let (report, markdown) = report_to_post(&post.analysis, target.blob_link_base())?;
    // A pull request ponder has nothing to ask about gets no new comment; an old one is
    // still updated, so that it does not keep asking.
    let create = !report.prompts.is_empty();
    let posted =
        github::post(&target, &markdown, create).map_err(|e| Error::GitHub(Box::new(e)))?;
    let counts = posted_counts(&report);
    match posted {
        github::Posted::Created { url } => say!("ponder: commented on the pull request ({counts}): {url}"),
        github::Posted::Updated { url } => say!("ponder: updated its pull request comment ({counts}): {url}"),
        github::Posted::NothingToPost => {
            say!("ponder: no questions about this change; the pull request gets no comment")
        }
        github::Posted::StepSummary { path, reason } => say!(
            "ponder: this token may not comment on the pull request (GitHub: {reason}), as for a pull request from a fork; \
             the report ({counts}) is in the job summary instead ({})",
            path.display()
        ),
    }
    Ok(gate(
        post.analysis.require_answers,
        report.unanswered(),
        &report.unread,
    ))
}

/// The report `post` sends: the analysis, and its checklist cut to fit a comment.
fn report_to_post(
    analysis: &PostAnalysis,
    link_base: Option<String>,
) -> Result<(ponder::Report, String), Error> {
    let request = Request {
        repo: analysis.repo.clone(),
        range: range_spec(analysis.commit.as_deref(), analysis.range.as_deref()),
        config: analysis.config.clone(),
        coverage: None,
    };
    let report = analyze(&request)?;
    let markdown = report::markdown::render_with(
        &report,
        &report::markdown::MarkdownOptions {
            link_base,
            max_bytes: Some(COMMENT_BUDGET),
        },
    );
    Ok((report, markdown))
}

fn posted_counts(report: &ponder::Report) -> String {
    let asked = report.prompts.len();
    let noun = if asked == 1 { "question" } else { "questions" };
    format!("{asked} {noun}, {} answered", asked - report.unanswered())
}

fn post_gitlab(post: PostGitlab) -> Result<ExitCode, Error> {
    use ponder::gitlab;
    let options = gitlab::PostOptions {
        project: post.project,
        merge_request: post.mr,
        token_env: post.token_env,
        api_url: post.api_url,
    };
    // Check the GitLab inputs before the analysis, so a missing token fails fast.
    let target = gitlab::Target::resolve(&options, &github::process_env)
        .map_err(|e| Error::GitLab(Box::new(e)))?;
    let (report, markdown) = report_to_post(&post.analysis, target.blob_link_base())?;
    let create = !report.prompts.is_empty();
    let posted =
        gitlab::post(&target, &markdown, create).map_err(|e| Error::GitLab(Box::new(e)))?;
    let counts = posted_counts(&report);
    match posted {
        gitlab::Posted::Created { url } => {
            say!("ponder: added a note to the merge request ({counts}): {url}")
        }
        gitlab::Posted::Updated { url } => {
            say!("ponder: updated its merge request note ({counts}): {url}")
        }
        gitlab::Posted::NothingToPost => {
            say!("ponder: no questions about this change; the merge request gets no note")
        }
    }
    Ok(gate(
        post.analysis.require_answers,
        report.unanswered(),
        &report.unread,
    ))
}

fn install_hook(
    repo: &std::path::Path,
    force: bool,
    require_answers: bool,
) -> Result<ExitCode, Error> {
    let options = hook::HookOptions {
        force,
        require_answers,
    };
    match hook::install_pre_push(repo, options)? {
        hook::Installed::Created(path) => {
            say!("ponder: installed the pre-push hook {}", path.display())
        }
        hook::Installed::Replaced(path) => {
            say!("ponder: replaced the pre-push hook {}", path.display())
        }
        hook::Installed::Unchanged(path) => say!(
            "ponder: the pre-push hook {} is already installed",
            path.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

/// Why stdout took no more of the report.
enum Unwritten {
    /// The reader closed the pipe (`ponder | head`): it has all it wants.
    Closed,
    /// Anything else (a full disk, a revoked file): the report is lost.
    Failed(std::io::Error),
}

/// Writes the whole output at once.
fn write_stdout(text: &str) -> Result<(), Unwritten> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::BrokenPipe => Unwritten::Closed,
            _ => Unwritten::Failed(error),
        })
}

/// The exit status once the output was written, or could not be: a write error is an
/// output error (exit 2); a closed pipe ends ponder quietly, but never lets
/// `--require-answers` pass on a report nobody read to the end.
fn after_output(
    written: Result<(), Unwritten>,
    require_answers: bool,
    unanswered: usize,
    unread: &[Unread],
) -> Result<ExitCode, Error> {
    match written {
        Err(Unwritten::Failed(source)) => Err(Error::OutputFailed { source }),
        Err(Unwritten::Closed) if require_answers => {
            say!("ponder: stdout was closed before the report was written; --require-answers cannot pass on it");
            Ok(ExitCode::from(1))
        }
        Err(Unwritten::Closed) => Ok(ExitCode::SUCCESS),
        Ok(()) => Ok(gate(require_answers, unanswered, unread)),
    }
}

/// `--require-answers`: 1 while a prompt is unanswered, and (saying what and how to fix
/// it) while a changed Rust file could not be read, since no rule judged it.
fn gate(require_answers: bool, unanswered: usize, unread: &[Unread]) -> ExitCode {
    if !require_answers {
        return ExitCode::SUCCESS;
    }
    if !unread.is_empty() {
        say_raw(&format!("ponder: {}", gate_message(unread)));
        return ExitCode::from(1);
    }
    if unanswered > 0 {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn explain(definition: &ponder::rules::RuleDefinition) -> String {
    let docs = &definition.docs;
    let mut out = format!(
        "{} — {}\n\n{}\n",
        definition.id, definition.title, definition.summary
    );
    let sections = [
        ("What it asks about", &docs.asks_about),
        ("Why a reviewer asks", &docs.why),
        ("An example that asks", &docs.example_asks),
        ("An example that stays quiet", &docs.example_quiet),
        ("Known limits", &docs.limits),
        ("How to answer", &docs.answering),
    ];
    for (heading, text) in sections {
        out.push_str(&format!("\n{heading}\n{}\n", text.trim_matches('\n')));
    }
    if !definition.thresholds.is_empty() {
        out.push_str(&format!(
            "\nThresholds (set them in .ponder.toml under [rules.{}])\n",
            definition.id
        ));
        for (key, value) in &definition.thresholds {
            out.push_str(&format!("    {key} = {value}\n"));
        }
    }
    out
}
