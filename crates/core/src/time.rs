//! The injectable clock, and the timestamp formats of the cache files.
//!
//! Nothing in ssokit calls `SystemTime::now` except [`SystemClock`] (clippy enforces
//! it), so tests move time with [`ManualClock`] instead of sleeping.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time: `aws-smithy-async`'s [`TimeSource`], the trait the
/// AWS SDK's own clients use, so an SDK time source (an `SdkConfig`'s, a test's) is
/// a clock for ssokit as it is. Implement it with `fn now(&self) -> SystemTime`.
pub use aws_smithy_async::time::TimeSource as Clock;
pub use aws_smithy_async::time::{SharedTimeSource, TimeSource};

/// A shareable clock.
pub type SharedClock = Arc<dyn Clock>;

/// An SDK time source as a clock.
pub fn clock_from(time_source: SharedTimeSource) -> SharedClock {
    Arc::new(time_source)
}

/// A clock as an SDK time source (for the SDK's HTTP clients).
#[cfg(feature = "sdk-config")]
pub(crate) fn time_source_from(clock: &SharedClock) -> SharedTimeSource {
    SharedTimeSource::new(ClockSource(Arc::clone(clock)))
}

/// Lends a [`SharedClock`] to the SDK as a [`TimeSource`].
#[cfg(feature = "sdk-config")]
#[derive(Debug)]
struct ClockSource(SharedClock);

#[cfg(feature = "sdk-config")]
impl TimeSource for ClockSource {
    fn now(&self) -> SystemTime {
        self.0.now()
    }
}

/// The system's real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place that reads the real clock
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Waits; injected so that tests do not really wait: `aws-smithy-async`'s
/// [`aws_smithy_async::rt::sleep::AsyncSleep`], the trait the AWS SDK's
/// own clients use, so an SDK sleep (an `SdkConfig`'s) works as it is. Implement it
/// with `fn sleep(&self, duration) -> Sleep` ([`Sleep::new`] wraps a future).
pub use aws_smithy_async::rt::sleep::AsyncSleep as Sleeper;
pub use aws_smithy_async::rt::sleep::{AsyncSleep, SharedAsyncSleep, Sleep};

/// A shareable [`Sleeper`].
pub type SharedSleeper = Arc<dyn Sleeper>;

/// An SDK sleep as a [`SharedSleeper`].
pub fn sleeper_from(sleep: SharedAsyncSleep) -> SharedSleeper {
    Arc::new(sleep)
}

/// Sleeps on the tokio timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Sleep {
        Sleep::new(tokio::time::sleep(duration))
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<SystemTime>>,
}

impl ManualClock {
    /// A clock that reads `start` until it is set or advanced.
    pub fn new(start: SystemTime) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// A clock at `secs` seconds after the Unix epoch.
    pub fn at_unix(secs: u64) -> Self {
        Self::new(UNIX_EPOCH + Duration::from_secs(secs))
    }

    /// Sets the time.
    pub fn set(&self, now: SystemTime) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }

    /// Moves the time forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Measures elapsed wall time for waits (lock timeouts), outside the injected clock:
/// a wait is real even when a test's clock is frozen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stopwatch(std::time::Instant);

impl Stopwatch {
    #[allow(clippy::disallowed_methods)] // elapsed real time for bounded waits only
    pub(crate) fn start() -> Self {
        Self(std::time::Instant::now())
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// Whole seconds since the Unix epoch (0 for an earlier time).
pub(crate) fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The time `secs` seconds after the Unix epoch (the epoch itself if out of range).
pub(crate) fn from_unix_seconds(secs: u64) -> SystemTime {
    std::time::UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .unwrap_or(std::time::UNIX_EPOCH)
}

/// A timestamp in a cache file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a timestamp of the form 2026-11-27T21:04:05Z")]
pub struct TimestampError {
    value: String,
}

/// Formats a time as the AWS CLI writes it in cache files: `YYYY-MM-DDTHH:MM:SSZ`,
/// UTC, whole seconds (fractions are truncated).
pub fn format_timestamp(t: SystemTime) -> String {
    let (date, h, m, s) = civil(t);
    format!("{date}T{h:02}:{m:02}:{s:02}Z")
}

/// Formats a time as `aws configure export-credentials` prints it:
/// `YYYY-MM-DDTHH:MM:SS+00:00`.
pub fn format_timestamp_offset(t: SystemTime) -> String {
    let (date, h, m, s) = civil(t);
    format!("{date}T{h:02}:{m:02}:{s:02}+00:00")
}

fn civil(t: SystemTime) -> (String, u64, u64, u64) {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u64;
    let (y, mo, d) = civil_from_days(days);
    (
        format!("{y:04}-{mo:02}-{d:02}"),
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
    )
}

// Howard Hinnant's days-from-civil algorithms (public domain).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads a cache timestamp leniently, as every AWS tool writes one:
/// `2026-11-27T21:04:05Z`, with or without fractional seconds, with `+00:00` or any
/// other offset, with a lowercase `t`/`z` or a space for `T`, and the
/// `2019-10-26T05:19:09UTC` form of old AWS CLI versions.
pub fn parse_timestamp(value: &str) -> Result<SystemTime, TimestampError> {
    parse_inner(value.trim()).ok_or_else(|| TimestampError {
        value: value.chars().take(64).collect(),
    })
}

fn parse_inner(v: &str) -> Option<SystemTime> {
    let b = v.as_bytes();
    if b.len() < 19 || !v.is_char_boundary(19) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = &b[r];
        if s.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(s).ok()?.parse().ok()
        } else {
            None
        }
    };
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    let minute = num(14..16)?;
    let second = num(17..19)?;
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // 60 is a leap second: read it as the next second's start, as chrono does.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &v[19..];
    let mut nanos: u64 = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (i, c) in frac.bytes().take(digits).enumerate() {
            if i < 9 {
                nanos = nanos * 10 + u64::from(c - b'0');
            }
        }
        for _ in digits..9 {
            nanos *= 10;
        }
        rest = &frac[digits..];
    }
    let offset_secs: i64 = match rest {
        "Z" | "z" | "UTC" | "+00:00" | "-00:00" | "+0000" => 0,
        _ => {
            let rb = rest.as_bytes();
            let sign = match rb.first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: Vec<u8> = rb[1..].iter().copied().filter(|c| *c != b':').collect();
            let colon_ok = rb.len() == 6 && rb[3] == b':' || rb.len() == 5;
            if digits.len() != 4 || !digits.iter().all(u8::is_ascii_digit) || !colon_ok {
                return None;
            }
            let hh = i64::from((digits[0] - b'0') * 10 + (digits[1] - b'0'));
            let mm = i64::from((digits[2] - b'0') * 10 + (digits[3] - b'0'));
            if hh > 23 || mm > 59 {
                return None;
            }
            sign * (hh * 3600 + mm * 60)
        }
    };
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
        - offset_secs;
    let base = if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs as u64))?
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))?
    };
    base.checked_add(Duration::from_nanos(nanos))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_like_the_aws_cli() {
        // 2026-11-27T21:04:05Z
        let t = at(1_795_813_445);
        assert_eq!(format_timestamp(t), "2026-11-27T21:04:05Z");
        assert_eq!(format_timestamp_offset(t), "2026-11-27T21:04:05+00:00");
        assert_eq!(
            format_timestamp(t + Duration::from_millis(999)),
            "2026-11-27T21:04:05Z"
        );
        assert_eq!(format_timestamp(at(0)), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn reads_every_form_the_tools_write() {
        let t = at(1_795_813_445);
        for form in [
            "2026-11-27T21:04:05Z",
            "2026-11-27T21:04:05.000Z",
            "2026-11-27T21:04:05UTC",
            "2026-11-27T21:04:05+00:00",
            "2026-11-27T22:04:05+01:00",
            "2026-11-27T16:04:05-05:00",
            "2026-11-27T22:04:05+0100",
            "2026-11-27 21:04:05Z",
            " 2026-11-27T21:04:05Z ",
        ] {
            assert_eq!(parse_timestamp(form), Ok(t), "{form}");
        }
        assert_eq!(
            parse_timestamp("2026-11-27T21:04:05.25Z"),
            Ok(t + Duration::from_millis(250))
        );
        assert_eq!(
            parse_timestamp("2026-11-27T21:04:05.123456789123Z"),
            Ok(t + Duration::from_nanos(123_456_789))
        );
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in [
            "",
            "2026-11-27",
            "2026-11-27T21:04:05",
            "2026-13-27T21:04:05Z",
            "2026-02-30T21:04:05Z",
            "2026-11-27T24:04:05Z",
            "2026-11-27T21:04:05.Z",
            "2026-11-27T21:04:05+1:00",
            "2026-11-27T21:04:05 PST",
            "1795813445",
            "2026-11-27T21:04:05ZZ",
            "２０２６-11-27T21:04:05Z",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips() {
        for secs in [0, 951_782_400, 1_795_813_445, 4_102_444_800] {
            assert_eq!(parse_timestamp(&format_timestamp(at(secs))), Ok(at(secs)));
        }
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::at_unix(100);
        assert_eq!(clock.now(), at(100));
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.now(), at(105));
    }
}
