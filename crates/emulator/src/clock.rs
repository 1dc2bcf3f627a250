//! The emulator's clock: the system time plus an offset that tests can advance, so
//! tokens and codes expire without waiting.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The system clock, moved forward by [`Clock::advance`].
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

impl Clock {
    /// The current emulated time.
    pub(crate) fn now(&self) -> SystemTime {
        system_now() + Duration::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the emulated time forward.
    pub(crate) fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(ms))
            });
    }
}

/// The one place that reads the system time.
#[allow(clippy::disallowed_methods)]
fn system_now() -> SystemTime {
    SystemTime::now()
}

/// Seconds since the Unix epoch.
pub(crate) fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Milliseconds since the Unix epoch.
pub(crate) fn epoch_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `later - earlier`, zero when `later` is not later.
pub(crate) fn since(later: SystemTime, earlier: SystemTime) -> Duration {
    later.duration_since(earlier).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_time_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(since(clock.now(), before) >= Duration::from_secs(3600));
        clock.advance(Duration::MAX);
        let _ = clock.now();
    }
}
