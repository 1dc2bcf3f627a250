//! Custom ("vanity") start URLs: one HEAD (or GET when HEAD is refused) to the start
//! URL, its one redirect read and never followed, the target checked against the
//! allow-list of AWS portal hosts, and a login through it, against wiremock.
#![cfg(feature = "login")]
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use serde_json::Value;
use ssokit::auth::login::{DevicePrompt, LoginOptions};
use ssokit::env::Env;
use ssokit::start_url::{PortalHosts, StartUrlError};
use ssokit::time::ManualClock;
use ssokit::{Error, ErrorKind, Sso};
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PORTAL: &str = "https://d-1234567890.awsapps.com/start";

struct World {
    server: MockServer,
    home: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let server = MockServer::start().await;
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        Self { server, home }
    }

    /// The wiremock server's URL with `path`, on `host` (`127.0.0.1` or `localhost`).
    fn url(&self, host: &str, path: &str) -> String {
        let port = self.server.address().port();
        format!("http://{host}:{port}{path}")
    }

    fn sso_with(&self, start_url: &str, region: &str, hosts: Option<PortalHosts>) -> Sso {
        std::fs::write(
            self.home.path().join(".aws/config"),
            format!(
                "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = R\n\
                 [sso-session org]\nsso_start_url = {start_url}\nsso_region = {region}\n\
                 sso_registration_scopes = sso:account:access\n"
            ),
        )
        .unwrap();
        let uri = self.server.uri();
        let env = Env::from_vars([
            ("HOME", self.home.path().to_str().unwrap()),
            ("AWS_ENDPOINT_URL_SSO", uri.as_str()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", uri.as_str()),
        ]);
        let clock = ManualClock::new(at(T0));
        Sso::builder()
            .profile_name("dev")
            .env(env)
            .http_settings(fast_http())
            .clock(Arc::new(clock.clone()))
            .sleep(Arc::new(FakeSleeper::new(clock)))
            .set_portal_hosts(hosts)
            .build()
            .unwrap()
    }

    fn sso(&self, start_url: &str) -> Sso {
        self.sso_with(start_url, "us-east-1", None)
    }

    async fn redirect(&self, verb: &str, from: &str, status: u16, location: &str) {
        Mock::given(method(verb))
            .and(path(from))
            .respond_with(ResponseTemplate::new(status).insert_header("location", location))
            .mount(&self.server)
            .await;
    }

    async fn answer(&self, verb: &str, from: &str, status: u16) {
        Mock::given(method(verb))
            .and(path(from))
            .respond_with(ResponseTemplate::new(status))
            .mount(&self.server)
            .await;
    }

    /// `METHOD path` of every request the server received.
    async fn requests(&self) -> Vec<String> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect()
    }
}

fn start_url_error(err: Error) -> StartUrlError {
    match err {
        Error::StartUrl(e) => e,
        other => panic!("not a start URL error: {other:?}"),
    }
}

#[tokio::test]
async fn an_aws_portal_url_is_used_as_written_without_a_request() {
    let w = World::new().await;
    let resolved = w.sso(PORTAL).resolve_start_url().await.unwrap();
    assert_eq!(resolved.portal_url, PORTAL);
    assert_eq!(resolved.start_url, PORTAL);
    assert_eq!(resolved.region, "us-east-1");
    assert!(!resolved.redirected);
    assert!(w.requests().await.is_empty());
}

#[tokio::test]
async fn one_head_reads_the_redirect_to_an_aws_portal() {
    let w = World::new().await;
    for status in [301, 302, 303, 307, 308] {
        let from = format!("/vanity-{status}");
        w.redirect("HEAD", &from, status, PORTAL).await;
        let vanity = w.url("127.0.0.1", &from);
        let resolved = w.sso(&vanity).resolve_start_url().await.unwrap();
        assert_eq!(resolved.start_url, vanity);
        assert_eq!(resolved.portal_url, PORTAL);
        // *.awsapps.com names no region: the configured sso_region.
        assert_eq!(resolved.region, "us-east-1");
        assert!(resolved.redirected);
    }
    assert_eq!(w.requests().await.len(), 5, "one HEAD each, no GET");
}

#[tokio::test]
async fn the_region_comes_from_the_portal_host_and_must_match_sso_region() {
    let w = World::new().await;
    let regional = "https://ssoins-1234.portal.eu-west-1.app.aws/";
    w.redirect("HEAD", "/vanity", 302, regional).await;
    let vanity = w.url("127.0.0.1", "/vanity");
    let resolved = w
        .sso_with(&vanity, "eu-west-1", None)
        .resolve_start_url()
        .await
        .unwrap();
    assert_eq!(
        (resolved.portal_url.as_str(), resolved.region.as_str()),
        (regional, "eu-west-1")
    );
    let err = w.sso(&vanity).resolve_start_url().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let message = err.to_string();
    assert!(
        matches!(start_url_error(err), StartUrlError::RegionMismatch { ref region, ref configured, .. } if region == "eu-west-1" && configured == "us-east-1")
    );
    assert!(
        message.contains("set `sso_region = eu-west-1`"),
        "{message}"
    );
}

#[tokio::test]
async fn head_refused_then_get() {
    let w = World::new().await;
    for (from, refusal) in [("/get-only-405", 405), ("/get-only-501", 501)] {
        w.answer("HEAD", from, refusal).await;
        w.redirect("GET", from, 302, PORTAL).await;
        let resolved = w
            .sso(&w.url("127.0.0.1", from))
            .resolve_start_url()
            .await
            .unwrap();
        assert_eq!(resolved.portal_url, PORTAL);
    }
    assert_eq!(
        w.requests().await,
        [
            "HEAD /get-only-405",
            "GET /get-only-405",
            "HEAD /get-only-501",
            "GET /get-only-501"
        ]
    );
}

#[tokio::test]
async fn no_redirect_is_an_error_naming_the_start_url() {
    let w = World::new().await;
    w.answer("HEAD", "/plain", 200).await;
    w.answer("HEAD", "/missing", 404).await;
    // A redirect status without a Location is no redirect either.
    w.answer("HEAD", "/no-location", 302).await;
    // HEAD refused, and GET answers without a redirect.
    w.answer("HEAD", "/get-plain", 405).await;
    w.answer("GET", "/get-plain", 200).await;
    for (from, status) in [
        ("/plain", 200),
        ("/missing", 404),
        ("/no-location", 302),
        ("/get-plain", 200),
    ] {
        let vanity = w.url("127.0.0.1", from);
        let err = w.sso(&vanity).resolve_start_url().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let message = err.to_string();
        assert!(message.contains(&vanity), "{message}");
        assert!(
            message.contains(&format!("HTTP {status} without a redirect")),
            "{message}"
        );
        assert!(
            message.contains("set sso_start_url to your AWS access portal URL"),
            "{message}"
        );
        assert!(matches!(
            start_url_error(err),
            StartUrlError::NoRedirect { .. }
        ));
    }
}

#[tokio::test]
async fn a_redirect_anywhere_else_is_refused() {
    let w = World::new().await;
    for (i, location) in [
        "https://sso.example.com/start",
        "https://d-1234567890.awsapps.com.evil.example/start",
        // An AWS host, but over plain http.
        "http://d-1234567890.awsapps.com/start",
        // Relative: the custom host itself.
        "/somewhere-else",
        // The loopback server, not on the default allow-list.
        "http://127.0.0.1:1/start",
        "http://[::1",
        // An AWS host with a user, or a port of its own.
        "https://user:pw@d-1234567890.awsapps.com/start",
        "https://d-1234567890.awsapps.com:8443/start",
        // A tab (allowed in a header) never reaches the message.
        "https://evil.example/a\tb",
    ]
    .into_iter()
    .enumerate()
    {
        let from = format!("/hostile-{i}");
        w.redirect("HEAD", &from, 302, location).await;
        let vanity = w.url("127.0.0.1", &from);
        let err = w.sso(&vanity).resolve_start_url().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        let message = err.to_string();
        assert!(message.contains(&vanity), "{message}");
        assert!(
            message.contains("which is not an AWS access portal host"),
            "{message}"
        );
        assert!(!message.contains('\t'), "{message:?}");
        assert!(
            matches!(start_url_error(err), StartUrlError::NotAllowed { .. }),
            "{location}"
        );
    }
    // Only the custom URLs were asked: no redirect was followed.
    assert!(
        w.requests()
            .await
            .iter()
            .all(|r| r.starts_with("HEAD /hostile-"))
    );
}

#[tokio::test]
async fn the_allow_list_is_widened_through_the_api_and_a_second_redirect_is_not_followed() {
    let w = World::new().await;
    let portal = w.url("127.0.0.1", "/portal");
    // The custom URL on `localhost`, the portal on `127.0.0.1`: one server, two hosts.
    w.redirect("HEAD", "/vanity", 302, &portal).await;
    // The portal redirects again: that redirect is never requested.
    w.redirect("HEAD", "/portal", 302, "https://sso.example.com/")
        .await;
    w.redirect("GET", "/portal", 302, "https://sso.example.com/")
        .await;
    let vanity = w.url("localhost", "/vanity");
    let hosts = PortalHosts::aws().allow_host("127.0.0.1");
    let resolved = w
        .sso_with(&vanity, "us-east-1", Some(hosts))
        .resolve_start_url()
        .await
        .unwrap();
    assert_eq!(resolved.portal_url, portal);
    assert_eq!(resolved.region, "us-east-1");
    assert_eq!(w.requests().await, ["HEAD /vanity"]);
    // Without the API's allow-list, the loopback portal is refused (whatever the
    // environment says: there is no variable for it).
    let err = w.sso(&vanity).resolve_start_url().await.unwrap_err();
    assert!(matches!(
        start_url_error(err),
        StartUrlError::NotAllowed { .. }
    ));
}

#[tokio::test]
async fn an_unreachable_start_url_is_a_network_error() {
    let w = World::new().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let vanity = format!("http://127.0.0.1:{closed}/start");
    let err = w.sso(&vanity).resolve_start_url().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert!(err.to_string().contains(&vanity), "{err}");
}

#[tokio::test]
async fn a_device_login_through_a_custom_start_url_writes_the_url_as_written() {
    let w = World::new().await;
    w.redirect("HEAD", "/vanity", 302, PORTAL).await;
    mount_register(&w.server, 1).await;
    // The device authorization names the portal the redirect gave.
    mount_device(&w.server, 1).await;
    token_poll()
        .respond_with(token_ok())
        .expect(1)
        .mount(&w.server)
        .await;
    let vanity = w.url("127.0.0.1", "/vanity");
    let sso = w.sso(&vanity);
    let prompt = |_: &DevicePrompt| {};
    let token = sso
        .login(&prompt, &LoginOptions::default().with_force(true))
        .await
        .unwrap();
    assert_eq!(token.start_url.as_deref(), Some(vanity.as_str()));
    // The token file: keyed by the session name, the URL as written, the region.
    let file = sso.caches().tokens().path("org");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(json["startUrl"], vanity.as_str());
    assert_eq!(json["region"], "us-east-1");
    let requests = w.requests().await;
    assert_eq!(requests.first().map(String::as_str), Some("HEAD /vanity"));
    assert_eq!(requests.iter().filter(|r| r.starts_with("HEAD")).count(), 1);
}

#[tokio::test]
async fn a_refused_redirect_stops_the_login_before_any_oidc_request() {
    let w = World::new().await;
    w.redirect("HEAD", "/vanity", 302, "https://sso.example.com/start")
        .await;
    let sso = w.sso(&w.url("127.0.0.1", "/vanity"));
    let prompt = |_: &DevicePrompt| {};
    let err = sso
        .login(&prompt, &LoginOptions::default().with_force(true))
        .await
        .unwrap_err();
    assert!(matches!(
        start_url_error(err),
        StartUrlError::NotAllowed { .. }
    ));
    assert_eq!(w.requests().await, ["HEAD /vanity"]);
    assert!(!sso.caches().tokens().path("org").exists());
}
