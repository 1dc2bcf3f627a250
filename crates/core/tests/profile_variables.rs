//! `AWS_PROFILE` and `AWS_DEFAULT_PROFILE` set to different profiles: one warning per
//! process (its own test binary, since the warning sink is process-wide).
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use ssokit::config::selected_profile_name;
use ssokit::env::Env;
use ssokit::warnings::{self, Warning};

#[test]
fn differing_profile_variables_warn_once_and_aws_profile_wins() {
    let seen: Arc<Mutex<Vec<Warning>>> = Arc::default();
    let sink = Arc::clone(&seen);
    warnings::set_handler(move |w| sink.lock().unwrap().push(w.clone()));

    // The same value in both: nothing to say.
    let same = Env::from_vars([("AWS_PROFILE", "dev"), ("AWS_DEFAULT_PROFILE", "dev")]);
    assert_eq!(selected_profile_name(None, &same), "dev");
    // An explicit profile makes the variables irrelevant.
    let differ = Env::from_vars([("AWS_PROFILE", "dev"), ("AWS_DEFAULT_PROFILE", "prod")]);
    assert_eq!(selected_profile_name(Some("other"), &differ), "other");
    assert!(seen.lock().unwrap().is_empty());

    for _ in 0..3 {
        assert_eq!(selected_profile_name(None, &differ), "dev");
    }
    let warned = seen.lock().unwrap().clone();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0].code(), "SSOKIT_PROFILE_VARIABLES_DIFFER");
    let text = warned[0].to_string();
    assert!(
        text.contains("AWS_PROFILE (dev)") && text.contains("AWS_DEFAULT_PROFILE (prod)"),
        "{text}"
    );
    assert!(text.contains("ssokit uses AWS_PROFILE"), "{text}");
    warnings::reset_handler();
}
