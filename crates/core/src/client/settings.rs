//! HTTP settings shared by the OIDC and portal clients, and the retry policy.

use std::path::PathBuf;
use std::time::Duration;

/// How long to wait for a TCP and TLS connection by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one request attempt may take, connection included, by default.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How many attempts a request gets by default (the first one and three retries).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
/// The first backoff ceiling; it doubles with every retry.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(200);
/// The largest single wait between attempts, `Retry-After` included.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(5);
/// No retry starts once this much time has passed since the first attempt.
pub const DEFAULT_MAX_ELAPSED: Duration = Duration::from_secs(30);

/// Settings for the HTTP client behind [`OidcClient`](super::OidcClient) and
/// [`PortalClient`](super::PortalClient).
///
/// System proxies (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) are always honoured.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpSettings {
    /// The limit on establishing a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// The limit on one whole attempt: connecting, sending and reading the response.
    pub request_timeout: Duration,
    /// When and how failed attempts are retried.
    pub retry: RetryPolicy,
    /// A PEM file of extra certificate authorities to trust (`AWS_CA_BUNDLE` or the
    /// profile's `ca_bundle`), added to Mozilla's roots (compiled in, as botocore
    /// trusts certifi's). It is read at the first `https` request, once per process;
    /// an unusable file is a [`ServiceError::CaBundle`](super::ServiceError::CaBundle)
    /// then.
    pub ca_bundle: Option<PathBuf>,
    /// The `User-Agent` header sent with every request.
    pub user_agent: String,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            retry: RetryPolicy::default(),
            ca_bundle: None,
            user_agent: default_user_agent(),
        }
    }
}

impl HttpSettings {
    /// The default settings with the CA bundle of a resolved SSO session.
    pub fn for_session(session: &crate::config::SsoSession) -> Self {
        Self {
            ca_bundle: session.ca_bundle.clone(),
            ..Self::default()
        }
    }

    /// Sets the CA bundle.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the connect and request timeouts.
    pub fn timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }
}

/// `ssokit/<version>`.
fn default_user_agent() -> String {
    format!("ssokit/{}", env!("CARGO_PKG_VERSION"))
}

/// Retries with exponential backoff and full jitter.
///
/// Only transient failures are retried: HTTP 5xx, HTTP 429 (throttling), and
/// connection failures and timeouts. Any other 4xx is final. Before retry `n`
/// (1-based) ssokit waits a random time between zero and
/// `min(max_delay, base_delay * 2^(n-1))`, or the server's `Retry-After` (in seconds)
/// capped at `max_delay` when the response has one. No retry starts once
/// `max_elapsed` has passed since the first attempt, or would pass during the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 means never retry. 0 counts as 1.
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry.
    pub base_delay: Duration,
    /// The cap on any single wait.
    pub max_delay: Duration,
    /// The time after the first attempt beyond which no retry starts.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            max_elapsed: DEFAULT_MAX_ELAPSED,
        }
    }
}

impl RetryPolicy {
    /// A policy with the given attempts and delays; `max_elapsed` stays at its default.
    pub fn new(max_attempts: u32, base_delay: Duration, max_delay: Duration) -> Self {
        Self {
            max_attempts,
            base_delay,
            max_delay,
            ..Self::default()
        }
    }

    /// A policy that never retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets `max_elapsed`.
    pub fn max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// The number of attempts allowed, at least one.
    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The backoff ceiling before retry `retry` (1-based), before jitter.
    pub(crate) fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay)
    }

    /// The wait before retry `retry` (1-based). `retry_after` is the server's hint;
    /// `unit` is a uniform random number in `[0, 1)` (full jitter).
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        match retry_after {
            Some(hint) => hint.min(self.max_delay),
            None => self.ceiling(retry).mul_f64(unit.clamp(0.0, 1.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn ceiling_doubles_up_to_the_cap() {
        let p = RetryPolicy::new(10, ms(200), ms(5000));
        let got: Vec<_> = (1..=7).map(|n| p.ceiling(n)).collect();
        assert_eq!(
            got,
            [
                ms(200),
                ms(400),
                ms(800),
                ms(1600),
                ms(3200),
                ms(5000),
                ms(5000)
            ]
        );
        assert_eq!(
            p.ceiling(200),
            ms(5000),
            "no overflow on huge retry numbers"
        );
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_ceiling() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(p.delay(3, None, 0.5), ms(400));
        assert!(p.delay(3, None, 0.999_999) < ms(800));
        assert_eq!(
            p.delay(1, None, 7.0),
            ms(200),
            "out-of-range unit is clamped"
        );
    }

    #[test]
    fn retry_after_is_honoured_but_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2)), 0.0),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(120)), 0.0),
            DEFAULT_MAX_DELAY
        );
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(RetryPolicy::new(0, ms(1), ms(1)).attempts(), 1);
        assert_eq!(RetryPolicy::never().attempts(), 1);
        assert_eq!(RetryPolicy::default().attempts(), 4);
    }

    #[test]
    fn defaults() {
        let s = HttpSettings::default();
        assert_eq!(s.connect_timeout, Duration::from_secs(5));
        assert_eq!(s.request_timeout, Duration::from_secs(30));
        assert!(s.user_agent.starts_with("ssokit/"));
        assert_eq!(s.retry.max_elapsed, Duration::from_secs(30));
    }
}
