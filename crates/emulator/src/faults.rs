//! Fault injection: latency, a number of failures with a status, and a rate of
//! throttling, for one operation or all of them.

use std::sync::Mutex;
use std::time::Duration;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error::ControlError;
use crate::lock;
use crate::operation::Operation;

/// A fault to inject into the service operations (never into the HTML pages or the
/// admin endpoint). Without an `operation`, it applies to every operation.
///
/// As JSON (the admin endpoint `POST /_emulator/faults`):
/// `{"kind": "latency", "millis": 200}`,
/// `{"kind": "fail", "operation": "CreateToken", "status": 500, "times": 2}`,
/// `{"kind": "throttle", "operation": "ListAccountRoles", "rate": 0.5}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Fault {
    /// Every matching request waits this long before it is handled.
    Latency {
        /// The operation, or every one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operation: Option<Operation>,
        /// The delay in milliseconds.
        millis: u64,
    },
    /// The next `times` matching requests fail with `status` (in the service's error
    /// shape: 500 is `InternalServerException`, 429 throttling, ...).
    Fail {
        /// The operation, or every one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operation: Option<Operation>,
        /// The HTTP status, 400 to 599.
        status: u16,
        /// How many requests fail.
        times: u32,
    },
    /// This fraction (0 to 1) of matching requests is throttled with HTTP 429.
    Throttle {
        /// The operation, or every one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operation: Option<Operation>,
        /// The fraction of requests throttled.
        rate: f64,
    },
}

impl Fault {
    /// Delays every request by `delay`.
    pub fn latency(delay: Duration) -> Self {
        Self::Latency {
            operation: None,
            millis: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Fails the next `times` requests with `status`.
    pub fn fail(times: u32, status: u16) -> Self {
        Self::Fail {
            operation: None,
            status,
            times,
        }
    }

    /// Throttles this fraction of requests (HTTP 429).
    pub fn throttle(rate: f64) -> Self {
        Self::Throttle {
            operation: None,
            rate,
        }
    }

    /// Limits the fault to one operation.
    pub fn on(mut self, op: Operation) -> Self {
        match &mut self {
            Self::Latency { operation, .. }
            | Self::Fail { operation, .. }
            | Self::Throttle { operation, .. } => *operation = Some(op),
        }
        self
    }

    fn operation(&self) -> Option<Operation> {
        match self {
            Self::Latency { operation, .. }
            | Self::Fail { operation, .. }
            | Self::Throttle { operation, .. } => *operation,
        }
    }

    fn applies_to(&self, op: Operation) -> bool {
        self.operation().is_none_or(|o| o == op)
    }

    /// Checks the values.
    pub(crate) fn validate(&self) -> Result<(), ControlError> {
        let bad = |m: &str| Err(ControlError::InvalidFault(m.to_owned()));
        match self {
            Self::Fail { status, .. } if !(400..=599).contains(status) => {
                bad("the status of a failure must be 400 to 599")
            }
            Self::Throttle { rate, .. } if !(0.0..=1.0).contains(rate) => {
                bad("the throttle rate must be between 0 and 1")
            }
            _ => Ok(()),
        }
    }
}

/// What the faults decide for one request.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// Wait this long first.
    pub(crate) latency: Duration,
    /// Answer with this status instead of handling the request.
    pub(crate) fail: Option<StatusCode>,
    /// What was injected, for the request log.
    pub(crate) label: Option<String>,
}

/// The active faults.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    list: Mutex<Vec<Fault>>,
}

impl Faults {
    pub(crate) fn add(&self, fault: Fault) -> Result<(), ControlError> {
        fault.validate()?;
        lock(&self.list).push(fault);
        Ok(())
    }

    pub(crate) fn clear(&self) {
        lock(&self.list).clear();
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        lock(&self.list).clone()
    }

    /// Decides for one request of `op`; a `Fail` fault is used up one request at a
    /// time. `unit` is a uniform random number in `[0, 1)`.
    pub(crate) fn decide(&self, op: Operation, unit: f64) -> Verdict {
        let mut list = lock(&self.list);
        if list.is_empty() {
            return Verdict::default();
        }
        let mut verdict = Verdict::default();
        let mut labels = Vec::new();
        for fault in list.iter_mut().filter(|f| f.applies_to(op)) {
            match fault {
                Fault::Latency { millis, .. } => {
                    verdict.latency += Duration::from_millis(*millis);
                    labels.push(format!("latency {millis} ms"));
                }
                Fault::Fail { status, times, .. } if *times > 0 && verdict.fail.is_none() => {
                    *times -= 1;
                    verdict.fail = StatusCode::from_u16(*status).ok();
                    labels.push(format!("fail {status}"));
                }
                Fault::Throttle { rate, .. } if verdict.fail.is_none() && unit < *rate => {
                    verdict.fail = Some(StatusCode::TOO_MANY_REQUESTS);
                    labels.push("throttle 429".to_owned());
                }
                _ => {}
            }
        }
        list.retain(|f| !matches!(f, Fault::Fail { times: 0, .. }));
        if !labels.is_empty() {
            verdict.label = Some(labels.join(", "));
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_is_used_up_and_scoped() {
        let faults = Faults::default();
        faults
            .add(Fault::fail(2, 500).on(Operation::CreateToken))
            .unwrap();
        assert_eq!(
            faults.decide(Operation::ListAccounts, 0.5),
            Verdict::default()
        );
        for _ in 0..2 {
            let v = faults.decide(Operation::CreateToken, 0.5);
            assert_eq!(v.fail, Some(StatusCode::INTERNAL_SERVER_ERROR));
        }
        assert_eq!(faults.decide(Operation::CreateToken, 0.5).fail, None);
        assert!(faults.list().is_empty());
    }

    #[test]
    fn latency_adds_and_throttle_follows_the_rate() {
        let faults = Faults::default();
        faults
            .add(Fault::latency(Duration::from_millis(5)))
            .unwrap();
        faults
            .add(Fault::latency(Duration::from_millis(7)))
            .unwrap();
        faults.add(Fault::throttle(0.25)).unwrap();
        let v = faults.decide(Operation::Logout, 0.1);
        assert_eq!(v.latency, Duration::from_millis(12));
        assert_eq!(v.fail, Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(faults.decide(Operation::Logout, 0.3).fail, None);
        faults.clear();
        assert!(faults.list().is_empty());
    }

    #[test]
    fn invalid_faults_and_json() {
        assert!(Fault::fail(1, 200).validate().is_err());
        assert!(Fault::throttle(1.5).validate().is_err());
        let f: Fault = serde_json::from_str(
            r#"{"kind":"fail","operation":"GetRoleCredentials","status":503,"times":1}"#,
        )
        .unwrap();
        assert_eq!(f, Fault::fail(1, 503).on(Operation::GetRoleCredentials));
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"boom"}"#).is_err());
    }
}
