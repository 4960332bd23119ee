//! Runs an analysis on every commit of a range, one commit at a time: each worker thread
//! reads a few commits with its own libgit2 handle, parses and checks them, and the results
//! come back in commit order. Only a window of commits is in memory at once, so a history
//! of thousands of commits costs what its largest commits cost, not what all of them do.
//!
//! Range mode uses it for the commit-level rules; `--each-commit` for every rule.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::change::Commit;
use crate::error::Error;
use crate::git::Repo;
use crate::timings::Timings;

/// Commits one worker reads in a row: enough to keep libgit2's object cache warm between
/// a commit and the next (whose old blobs are this one's new ones), few enough that every
/// thread gets work on a short range.
const CHUNK: usize = 8;

/// Chunks per thread in a window of commits whose results are gathered before the next
/// window starts. Commits differ in size by orders of magnitude, so a window of one
/// chunk per thread left one thread idle while the other finished a large commit; only
/// the results (a few prompts per commit) wait, so a wider window costs little memory.
const WINDOW_CHUNKS_PER_THREAD: usize = 8;

/// The workers' pool, or `None` when its threads could not be started. rayon's global
/// pool panics in that case ("The global thread pool has not been initialized").
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|index| format!("ponder-history-{index}"))
            .build()
            .ok()
    })
    .as_ref()
}

thread_local! {
    /// Each rayon worker's own repository handle, opened on first use and kept for the
    /// run: libgit2 handles must not be shared between threads, and reopening one per
    /// chunk would throw away its caches.
    static WORKER_REPO: RefCell<Option<(PathBuf, Repo)>> = const { RefCell::new(None) };
}

/// Calls `work` on every commit of `commits` (in parallel, each with the worker's own
/// `Repo` for `repo_path`), then `emit` on each result in commit order. Stage times of all
/// workers are added to `timings`, so they sum CPU time rather than wall time. When `emit`
/// breaks, no further results are emitted and no further window of commits is read.
pub(crate) fn each_commit<T: Send>(
    repo: &Repo,
    repo_path: &Path,
    commits: &[&Commit],
    work: impl Fn(&Repo, &Commit, &mut Timings) -> Result<T, Error> + Sync,
    mut emit: impl FnMut(T) -> ControlFlow<()>,
    timings: &mut Timings,
) -> Result<(), Error> {
    // A short branch is done before a second repository handle (which reads the pack
    // indexes again) or a worker thread would pay for itself.
    // Without a pool (no thread could be started: `ulimit -v`, a process limit) the
    // range is read here, with this handle, rather than not at all.
    let pool = if commits.len() <= CHUNK { None } else { pool() };
    let Some(pool) = pool else {
        for commit in commits {
            if emit(work(repo, commit, timings)?).is_break() {
                break;
            }
        }
        return Ok(());
    };
    let window = CHUNK * pool.current_num_threads().max(1) * WINDOW_CHUNKS_PER_THREAD;
    for commits in commits.chunks(window) {
        let results: Vec<Result<(Vec<T>, Timings), Error>> = pool.install(|| {
            commits
                .par_chunks(CHUNK)
                .map(|chunk| {
                    with_worker_repo(repo_path, |repo| {
                        let mut chunk_timings = Timings::default();
                        let results = chunk
                            .iter()
                            .map(|commit| work(repo, commit, &mut chunk_timings))
                            .collect::<Result<Vec<T>, Error>>()?;
                        Ok((results, chunk_timings))
                    })
                })
                .collect()
        });
        for result in results {
            let (results, chunk_timings) = result?;
            timings.merge(&chunk_timings);
            for result in results {
                if emit(result).is_break() {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// The repository handle is taken out of the worker's slot while `work` runs and put back
/// afterwards: a worker that waits for the parsing threads steals other chunks meanwhile
/// (rayon keeps a blocked worker busy), and such a nested chunk opens a handle of its own
/// instead of finding the slot borrowed.
fn with_worker_repo<T>(
    repo_path: &Path,
    work: impl FnOnce(&Repo) -> Result<T, Error>,
) -> Result<T, Error> {
    let held = WORKER_REPO
        .with(|slot| slot.borrow_mut().take())
        .filter(|(path, _)| path == repo_path);
    let (path, repo) = match held {
        Some(held) => held,
        None => (repo_path.to_path_buf(), Repo::open(repo_path)?),
    };
    let result = work(&repo);
    WORKER_REPO.with(|slot| *slot.borrow_mut() = Some((path, repo)));
    result
}
