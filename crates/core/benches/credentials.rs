//! Credentials-provider benchmarks (see docs/performance.md), with `aws-config`'s own
//! `SsoCredentialsProvider` measured in the same run:
//! - cached `provide_credentials`: target under 1 µs median;
//! - cold path (token on disk, GetRoleCredentials to a loopback server): under 2 ms.
//!
//! Run: `cargo bench -p ssokit --bench credentials`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use aws_credential_types::provider::ProvideCredentials;
use criterion::{BatchSize, Criterion};
use serde_json::json;
use ssokit::auth::LoginTarget;
use ssokit::auth::credentials::SsoCredentialsProvider;
use ssokit::auth::token::SsoTokenProvider;
use ssokit::cache::{CacheDirs, CachedToken};
use ssokit::client::{HttpSettings, OidcClient, PortalClient};
use ssokit::config::{Endpoints, SsoSession};
use ssokit::secret::AccessToken;
use ssokit::time::{Clock, SystemClock};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Polls a future that is expected to be ready at once (the cached path), without
/// an executor, so the measurement is the provider's own cost.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the cached path should not wait"),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let in_an_hour_ms = (SystemClock.now() + std::time::Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/federation/credentials"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                    "accessKeyId": "ASIABENCH", "secretAccessKey": "s", "sessionToken": "t",
                    // An hour from now: a permission set's session lasts at most 12 hours,
                    // and a later expiration is refused as implausible.
                    "expiration": in_an_hour_ms
                }})),
            )
            .mount(&server)
            .await;
        server
    });
    let home = tempfile::tempdir().unwrap();
    let dirs = CacheDirs::under_home(home.path());
    dirs.tokens()
        .store(
            "bench",
            &CachedToken::new(
                AccessToken::new("bench-token"),
                SystemClock.now() + std::time::Duration::from_secs(8 * 3600),
            ),
        )
        .unwrap();
    // aws-config reads HOME and AWS_ENDPOINT_URL_SSO from the process environment.
    // SAFETY: set once, before any benchmark reads the environment; no other thread
    // reads or writes it concurrently.
    unsafe {
        std::env::set_var("HOME", home.path());
        std::env::set_var("AWS_ENDPOINT_URL_SSO", server.uri());
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    }

    let session = SsoSession {
        name: Some("bench".into()),
        start_url: "https://d-1234567890.awsapps.com/start".into(),
        region: "us-east-1".into(),
        scopes: None,
        endpoints: Endpoints {
            oidc: server.uri(),
            portal: server.uri(),
        },
        ca_bundle: None,
        use_device_code: false,
    };
    // One client of each, cloned: clones share the connection pool.
    let oidc = OidcClient::new(&server.uri(), &HttpSettings::default()).unwrap();
    let portal = PortalClient::new(&server.uri(), &HttpSettings::default()).unwrap();
    let clock = Arc::new(SystemClock);
    let make = || {
        let token = SsoTokenProvider::new(
            session.clone(),
            LoginTarget::Profile("bench".into()),
            dirs.tokens(),
            oidc.clone(),
            clock.clone(),
        );
        SsoCredentialsProvider::new(
            token,
            portal.clone(),
            "111122223333",
            "ReadOnly",
            None,
            clock.clone(),
        )
    };
    let aws_config_provider = {
        let _guard = runtime.enter();
        aws_config::sso::SsoCredentialsProvider::builder()
            .account_id("111122223333")
            .role_name("ReadOnly")
            .start_url("https://d-1234567890.awsapps.com/start")
            .session_name("bench")
            .region(aws_config::Region::new("us-east-1"))
            .build()
    };
    // Both must work before they are measured.
    let ours = make();
    assert_eq!(
        runtime
            .block_on(ours.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIABENCH"
    );
    let theirs = runtime
        .block_on(aws_config_provider.provide_credentials())
        .unwrap();
    assert_eq!(theirs.access_key_id(), "ASIABENCH");

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("ssokit: cached provide_credentials", |b| {
        b.iter(|| black_box(ready(ours.provide_credentials()).unwrap()))
    });
    c.bench_function(
        "ssokit: cold provide_credentials (token file + GetRoleCredentials)",
        |b| {
            b.iter_batched(
                &make,
                |p| black_box(runtime.block_on(p.provide_credentials()).unwrap()),
                BatchSize::SmallInput,
            )
        },
    );
    c.bench_function("aws-config: SsoCredentialsProvider provide_credentials (no provider cache: token file + GetRoleCredentials)", |b| {
        b.iter(|| black_box(runtime.block_on(aws_config_provider.provide_credentials()).unwrap()))
    });
    c.final_summary();
}
