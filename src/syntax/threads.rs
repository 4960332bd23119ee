//! The threads syn runs on. syn parses, visits and drops syntax trees recursively; with
//! nesting bounded by `depth::MAX_DEPTH` the deepest tree still needs more stack than a
//! default thread (2 MiB) has, so every parse runs on a pool of threads with a stack
//! sized for that bound.

use std::sync::OnceLock;

use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

/// Stack of a parsing thread. Measured in a debug build: syn at `MAX_DEPTH` of the deepest
/// construct (see `depth`'s tests) overflows 4 MiB and fits in 16 MiB; twice that leaves a
/// margin. The stack is reserved, not committed: unused depth costs address space only.
pub const PARSE_STACK_BYTES: usize = 32 << 20;

fn pool() -> Option<&'static ThreadPool> {
    static POOL: OnceLock<Option<ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        ThreadPoolBuilder::new()
            .stack_size(PARSE_STACK_BYTES)
            .thread_name(|index| format!("ponder-parse-{index}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `work` on a parsing thread (on this one when it is one already), or `None` when
/// no thread with such a stack could be started.
pub fn on_parse_thread<R: Send>(work: impl FnOnce() -> R + Send) -> Option<R> {
    match pool() {
        Some(pool) => Some(pool.install(work)),
        None => on_own_thread(work),
    }
}

/// `work` on each of `items`, in parallel on the parsing threads, in order; or `None`
/// when no thread with such a stack could be started.
pub fn map_on_parse_threads<T: Send, R: Send>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync + Send,
) -> Option<Vec<R>> {
    match pool() {
        Some(pool) => Some(pool.install(|| items.into_par_iter().map(work).collect())),
        // Not on rayon's global pool, whose threads have the default stack.
        None => on_own_thread(|| items.into_iter().map(work).collect()),
    }
}

fn on_own_thread<R: Send>(work: impl FnOnce() -> R + Send) -> Option<R> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, work)
            .ok()?
            .join()
            .ok()
    })
}
