//! How long an `--each-commit` run has left, from the commits done so far: the rate over
//! a recent window of progress, so that a slow first window (a cold cache, one huge
//! commit) does not set the estimate for the rest of the run, and no estimate at all until
//! a rate is known. Pure: `main.rs` feeds it and draws the bar.

use std::collections::VecDeque;
use std::time::Duration;

/// Progress samples (time since the start, commits done) over a sliding window.
#[derive(Debug, Clone)]
pub struct Estimator {
    window: Duration,
    samples: VecDeque<(Duration, usize)>,
}

impl Estimator {
    /// Estimates from the progress made in the last `window` of the run.
    pub fn new(window: Duration) -> Estimator {
        let mut samples = VecDeque::new();
        samples.push_back((Duration::ZERO, 0));
        Estimator { window, samples }
    }

    /// `done` commits were finished `elapsed` after the start.
    pub fn record(&mut self, elapsed: Duration, done: usize) {
        self.samples.push_back((elapsed, done));
        // Keep one sample older than the window, so the window always spans some time.
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|(time, _)| elapsed.saturating_sub(*time) >= self.window)
        {
            self.samples.pop_front();
        }
    }

    /// The time left to finish `total` commits at the recent rate; `None` until at least
    /// two commits and a tenth of a second of progress give a rate, and once all are done.
    pub fn remaining(&self, total: usize) -> Option<Duration> {
        let (first_time, first_done) = *self.samples.front()?;
        let (last_time, last_done) = *self.samples.back()?;
        let span = last_time.saturating_sub(first_time);
        let progress = last_done.saturating_sub(first_done);
        if progress < 2 || span < Duration::from_millis(100) || last_done >= total {
            return None;
        }
        let per_commit = span.as_secs_f64() / progress as f64;
        Some(Duration::from_secs_f64(
            per_commit * (total - last_done) as f64,
        ))
    }
}

/// "3m 27s", "12s": a duration as a progress bar shows it.
pub fn short_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..=59 => format!("{seconds}s"),
        60..=3599 => format!("{}m {:02}s", seconds / 60, seconds % 60),
        _ => format!("{}h {:02}m", seconds / 3600, seconds % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{short_duration, Estimator};

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn no_estimate_until_a_rate_is_known() {
        let mut estimate = Estimator::new(secs(10.0));
        assert_eq!(estimate.remaining(217), None);
        estimate.record(secs(1.0), 1);
        assert_eq!(estimate.remaining(217), None, "one commit is no rate");
        estimate.record(secs(2.0), 2);
        assert_eq!(estimate.remaining(217), Some(secs(215.0)));
    }

    #[test]
    fn a_steady_run_of_one_second_per_commit_counts_down_by_the_second() {
        let mut estimate = Estimator::new(secs(10.0));
        for done in 1..=108 {
            estimate.record(secs(done as f64), done);
        }
        let left = estimate.remaining(217).expect("a rate");
        assert!((left.as_secs_f64() - 109.0).abs() < 0.01, "{left:?}");
        for done in 109..=217 {
            estimate.record(secs(done as f64), done);
        }
        assert_eq!(estimate.remaining(217), None, "nothing left at 217/217");
    }

    #[test]
    fn the_rate_follows_the_recent_window_not_a_slow_start() {
        let mut estimate = Estimator::new(secs(10.0));
        // A first window of 8 commits that took 60 s, then 1 s per commit.
        estimate.record(secs(60.0), 8);
        for step in 1..=20 {
            estimate.record(secs(60.0 + step as f64), 8 + step);
        }
        let left = estimate.remaining(128).expect("a rate");
        assert!((left.as_secs_f64() - 100.0).abs() < 0.01, "{left:?}");
    }

    #[test]
    fn durations_read_as_a_bar_shows_them() {
        assert_eq!(short_duration(secs(12.4)), "12s");
        assert_eq!(short_duration(secs(207.0)), "3m 27s");
        assert_eq!(short_duration(secs(3700.0)), "1h 01m");
    }
}
