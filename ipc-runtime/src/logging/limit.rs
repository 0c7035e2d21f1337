//! Refusal logs at a bounded rate: per kind of refusal, the first `per_interval` of each interval are
//! logged, the rest counted, and the count logged as one summary line when that kind is next refused after
//! the interval (a client refused thousands of times a second must not flood the log, nor fill a pipe).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Refusal lines logged per kind per interval; default 20.
static PER_INTERVAL: AtomicU32 = AtomicU32::new(20);
/// The interval, in milliseconds; default 1 s.
static INTERVAL_MS: AtomicU64 = AtomicU64::new(1000);

/// Sets how many refusals of each kind (request refused by the Host check, WebSocket refused at upgrade, at
/// the connection cap or at hello, message refused, event dropped on a full queue, stdio frame refused) are
/// logged per `interval`, for the whole process; past that they are counted, and one line per kind and
/// interval says how many were not logged. Default: 20 per second. `per_interval` 0 logs only the counts.
pub fn limit_refusal_logs(per_interval: u32, interval: Duration) {
    PER_INTERVAL.store(per_interval, Ordering::Relaxed);
    let ms = u64::try_from(interval.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    INTERVAL_MS.store(ms, Ordering::Relaxed);
}

/// One kind of refusal's log budget.
#[derive(Debug)]
pub(crate) struct RefusalLog {
    what: &'static str,
    window: Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    start: Option<Instant>,
    logged: u32,
    suppressed: u64,
}

impl RefusalLog {
    pub(crate) const fn new(what: &'static str) -> Self {
        Self {
            what,
            window: Mutex::new(Window {
                start: None,
                logged: 0,
                suppressed: 0,
            }),
        }
    }

    /// Whether this refusal may be logged (`if LOG.admit() { tracing::warn!(...) }`). Logs the summary of
    /// the interval before first, when refusals were suppressed in it.
    pub(crate) fn admit(&self) -> bool {
        let interval = Duration::from_millis(INTERVAL_MS.load(Ordering::Relaxed));
        let (admitted, suppressed) = self.admit_at(
            Instant::now(),
            PER_INTERVAL.load(Ordering::Relaxed),
            interval,
        );
        if suppressed > 0 {
            let what = self.what;
            tracing::warn!(
                suppressed,
                "{suppressed} more \"{what}\" not logged in the last {interval:?}"
            );
        }
        admitted
    }

    /// `admit` at `now`: whether to log, and how many of the last interval's refusals were not logged
    /// (non-zero only for the first refusal of an interval).
    fn admit_at(&self, now: Instant, per_interval: u32, interval: Duration) -> (bool, u64) {
        let mut window = self
            .window
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut suppressed = 0;
        if window
            .start
            .is_none_or(|start| now.saturating_duration_since(start) >= interval)
        {
            suppressed = std::mem::take(&mut window.suppressed);
            window.start = Some(now);
            window.logged = 0;
        }
        if window.logged < per_interval {
            window.logged += 1;
            (true, suppressed)
        } else {
            window.suppressed += 1;
            (false, suppressed)
        }
    }
}

/// `Host` header refused (421).
#[cfg(feature = "web")]
pub(crate) static REQUEST_REFUSED: RefusalLog = RefusalLog::new("request refused");
/// WebSocket upgrade refused: Origin (403).
#[cfg(feature = "web")]
pub(crate) static UPGRADE_REFUSED: RefusalLog = RefusalLog::new("web socket refused at upgrade");
/// WebSocket upgrade refused: connection cap (503).
#[cfg(feature = "web")]
pub(crate) static CAP_REFUSED: RefusalLog =
    RefusalLog::new("web socket refused: connection cap reached");
/// WebSocket refused at hello (token, timeout, fingerprint).
#[cfg(feature = "web")]
pub(crate) static HELLO_REFUSED: RefusalLog = RefusalLog::new("web socket refused at hello");
/// An envelope refused by a connection.
pub(crate) static MESSAGE_REFUSED: RefusalLog = RefusalLog::new("message refused");
/// An event dropped because the caller's outbound queue was full.
pub(crate) static EVENT_DROPPED: RefusalLog = RefusalLog::new("outbound queue full; event dropped");
/// A stdio frame refused.
#[cfg(feature = "stdio")]
pub(crate) static STDIO_FRAME_REFUSED: RefusalLog = RefusalLog::new("stdio frame refused");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_logs_the_budget_then_one_summary_per_interval() {
        let log = RefusalLog::new("test refusal");
        let second = Duration::from_secs(1);
        let start = Instant::now();
        // 10,000 refusals in each of three seconds: 5 logged per second, and the count of the ones not
        // logged comes with the first refusal of the next second.
        let mut logged = 0;
        let mut summaries = Vec::new();
        for s in 0..3u32 {
            for i in 0..10_000u32 {
                let now = start + second * s + Duration::from_micros(u64::from(i) * 50);
                let (admitted, suppressed) = log.admit_at(now, 5, second);
                logged += u32::from(admitted);
                if suppressed > 0 {
                    summaries.push(suppressed);
                }
            }
        }
        assert_eq!(logged, 15);
        assert_eq!(summaries, [9_995, 9_995]);
        // A quiet interval later: the third second's count, and a fresh budget.
        assert_eq!(log.admit_at(start + second * 10, 5, second), (true, 9_995));
        assert_eq!(log.admit_at(start + second * 10, 5, second), (true, 0));
    }

    #[test]
    fn a_zero_budget_logs_only_the_counts() {
        let log = RefusalLog::new("test refusal");
        let start = Instant::now();
        let interval = Duration::from_millis(100);
        assert_eq!(log.admit_at(start, 0, interval), (false, 0));
        assert_eq!(log.admit_at(start, 0, interval), (false, 0));
        assert_eq!(log.admit_at(start + interval, 0, interval), (false, 2));
    }
}
