//! Wall-clock time per pipeline stage, for `--timings` and the benchmarks: the library
//! records, `main.rs` prints. Stages are named as the benchmarks name them (resolve,
//! diff, parse, rules, answers) so a slow run can be compared with `git diff -p`.

use std::time::{Duration, Instant};

/// Stage name and the time it took, in pipeline order. A stage measured twice (once per
/// commit in history mode) is summed.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
    /// Amounts of work, such as texts parsed, summed the same way.
    pub counts: Vec<(&'static str, u64)>,
}

impl Timings {
    /// Runs `work` and adds its wall-clock time to `stage`.
    pub fn measure<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.add(stage, start.elapsed());
        result
    }

    pub fn add(&mut self, stage: &'static str, elapsed: Duration) {
        match self.stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += elapsed,
            None => self.stages.push((stage, elapsed)),
        }
    }

    pub fn count(&mut self, what: &'static str, amount: u64) {
        match self.counts.iter_mut().find(|(name, _)| *name == what) {
            Some((_, total)) => *total += amount,
            None => self.counts.push((what, amount)),
        }
    }

    /// Adds every stage and count of `other` to this one.
    pub fn merge(&mut self, other: &Timings) {
        for (stage, elapsed) in &other.stages {
            self.add(stage, *elapsed);
        }
        for (what, amount) in &other.counts {
            self.count(what, *amount);
        }
    }

    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, elapsed)| *elapsed).sum()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Timings;

    #[test]
    fn stages_keep_their_order_and_sum_repeats() {
        let mut timings = Timings::default();
        timings.add("diff", Duration::from_millis(5));
        timings.add("parse", Duration::from_millis(7));
        timings.add("diff", Duration::from_millis(1));
        let names: Vec<&str> = timings.stages.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["diff", "parse"]);
        assert_eq!(timings.total(), Duration::from_millis(13));
    }
}
