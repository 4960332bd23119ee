//! `ponder post github` and `ponder post gitlab`: the analysis, its checklist cut to fit
//! one comment, posted where the reviewers see it.

use std::process::ExitCode;

use ponder::{analyze, github, report, Error, Request};

use super::args::{PostAnalysis, PostGithub, PostGitlab};
use super::output::gate;
use super::run::range_spec;

/// GitHub caps a comment at 65536 characters; this leaves room to spare.
const COMMENT_BUDGET: usize = 60_000;

pub fn github(post: PostGithub) -> Result<ExitCode, Error> {
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
        repo: analysis.repo.clone().unwrap_or_else(|| ".".into()),
        git_env: analysis.repo.is_none(),
        range: range_spec(analysis.commit.as_deref(), analysis.range.as_deref()),
        config: analysis.config.clone(),
        coverage: None,
        description: super::run::description(analysis.description_file.as_deref())?,
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

pub fn gitlab(post: PostGitlab) -> Result<ExitCode, Error> {
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
