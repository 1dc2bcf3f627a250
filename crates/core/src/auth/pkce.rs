//! The OAuth authorization-code flow with PKCE, as `aws sso login` does it by default
//! since AWS CLI 2.22 for sso-session profiles: one click in the browser, no code to
//! type.
//!
//! A login registers (or reuses) a client for the `authorization_code` grant, listens
//! on an ephemeral port of 127.0.0.1 only, opens the authorize page with exactly the
//! AWS CLI's parameters, waits for the browser to come back to
//! `http://127.0.0.1:<port>/oauth/callback` with `code` and `state` (or `error`),
//! shows the person a small page, and exchanges the code and the
//! verifier for a token, written as the device flow writes it — under the same
//! single-flight lock, so one browser window serves every waiting process.
//!
//! Only a callback with this login's `state` ends the wait: any other request to the
//! listener (no `state`, a wrong one, an unreadable query) is answered 400 and
//! ignored, so a stray or forged request cannot end (or hijack) the login.
//!
//! Needs the `login` cargo feature (on by default).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

use super::context::{CancelToken, LoginContext, LoginOptions};
use super::{AuthError, LoginTarget};
use crate::Error;
use crate::cache::{CacheDirs, CachedToken, GrantFlow};
use crate::client::{CreateTokenRequest, OidcClient};
use crate::config::SsoSession;
use crate::secret::{AuthorizationCode, CodeVerifier};
use crate::start_url::PortalHosts;
use crate::time::SharedClock;

use super::context::DEFAULT_SCOPE;
/// The callback path of the loopback listener.
pub(crate) const CALLBACK_PATH: &str = "/oauth/callback";
/// How long a PKCE login waits for the browser by default (as the AWS CLI).
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// Fills a buffer with random bytes: the operating system's generator, or a failing
/// one in tests.
type RandomSource = fn(&mut [u8]) -> Result<(), getrandom::Error>;

/// `n` bytes from the operating system's generator. A failure is an error: the
/// verifier and `state` guard the login, so nothing predictable stands in for them.
fn random_bytes(n: usize, fill: RandomSource) -> Result<Vec<u8>, AuthError> {
    let mut buf = vec![0u8; n];
    fill(&mut buf).map_err(|e| AuthError::NoRandomness {
        reason: e.to_string(),
    })?;
    Ok(buf)
}

/// A new code verifier: 64 random characters from `A-Z a-z 0-9 - . _ ~`.
/// [`AuthError::NoRandomness`] when the operating system gives no random bytes.
pub(crate) fn code_verifier() -> Result<CodeVerifier, AuthError> {
    code_verifier_from(getrandom::fill)
}

fn code_verifier_from(fill: RandomSource) -> Result<CodeVerifier, AuthError> {
    // 66 characters: bytes of 198 (3 * 66) and above are rejected to stay uniform.
    let mut out = String::with_capacity(64);
    while out.len() < 64 {
        for b in random_bytes(96, fill)? {
            if out.len() == 64 {
                break;
            }
            if usize::from(b) < UNRESERVED.len() * 3 {
                out.push(char::from(UNRESERVED[usize::from(b) % UNRESERVED.len()]));
            }
        }
    }
    Ok(CodeVerifier::new(out))
}

/// The S256 challenge of a verifier: base64url(SHA-256(verifier)), no padding.
pub(crate) fn code_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A random `state` (a UUID v4, as the AWS CLI sends).
/// [`AuthError::NoRandomness`] when the operating system gives no random bytes.
pub(crate) fn new_state() -> Result<String, AuthError> {
    new_state_from(getrandom::fill)
}

fn new_state_from(fill: RandomSource) -> Result<String, AuthError> {
    let mut b = random_bytes(16, fill)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// Percent-encodes everything but `A-Za-z0-9-._~` (so `:` → `%3A`, space → `%20`).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if UNRESERVED.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The authorize URL, with exactly the AWS CLI's parameters, order and encoding.
pub(crate) fn authorize_url(
    oidc_endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
    scopes: &[String],
) -> String {
    let base = oidc_endpoint.trim_end_matches('/');
    format!(
        "{base}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        encode(client_id),
        encode(redirect_uri),
        encode(state),
        encode(&scopes.join(" ")),
        encode(challenge),
    )
}

/// Opens the authorize URL for the person (the CLI opens a browser and prints the
/// URL; tests drive a headless browser).
pub trait AuthorizePrompt: Send + Sync {
    /// Called once per login with the URL to open.
    fn open(&self, url: &str);
}

impl<F: Fn(&str) + Send + Sync> AuthorizePrompt for F {
    fn open(&self, url: &str) {
        self(url)
    }
}

/// What came back to the loopback listener with this login's `state`.
#[derive(Debug)]
enum Callback {
    Code(AuthorizationCode),
    Denied(String),
}

#[derive(Clone)]
struct ListenerState {
    expected_state: Arc<String>,
    done: Arc<Mutex<Option<oneshot::Sender<Callback>>>>,
}

#[derive(serde::Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn page(title: &str, text: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}}</style></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    ))
}

/// Constant-time comparison, so a local process cannot guess `state` by timing.
fn same_state(got: &str, expected: &str) -> bool {
    got.len() == expected.len()
        && got
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Answers a request to the callback path. Only a request that carries this login's
/// `state` ends the wait (with `code`, or with `error`); any other request — a
/// stray or forged one from anything on this machine or a web page, without
/// `state`, with another `state`, or with neither `code` nor `error` — is answered
/// 400 and ignored, and the login keeps waiting for the browser.
async fn callback(
    State(state): State<ListenerState>,
    query: Result<Query<CallbackQuery>, QueryRejection>,
) -> Response {
    let ignored =
        |text: &str| (StatusCode::BAD_REQUEST, page("Request ignored", text)).into_response();
    let Ok(Query(q)) = query else {
        return ignored(
            "This request is not a login callback, so it was ignored. The login goes on: return to the terminal.",
        );
    };
    if !q
        .state
        .as_deref()
        .is_some_and(|s| same_state(s, &state.expected_state))
    {
        return ignored(
            "This request does not belong to the login in progress (missing or wrong state), so it was ignored. The login goes on: return to the terminal.",
        );
    }
    let (result, response) = match (q.code, q.error) {
        (_, Some(error)) => (
            Callback::Denied(error),
            page(
                "Login denied",
                "The request was not approved. You can close this tab and return to the terminal.",
            ),
        ),
        (Some(code), None) => (
            Callback::Code(AuthorizationCode::new(code)),
            page(
                "Login complete",
                "ssokit has your token. You can close this tab and return to the terminal.",
            ),
        ),
        (None, None) => {
            return ignored(
                "The request had neither a code nor an error, so it was ignored. The login goes on: return to the terminal.",
            );
        }
    };
    if let Some(tx) = state.done.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = tx.send(result);
    }
    response.into_response()
}

/// Logs users in to one sso-session with the authorization-code flow and PKCE.
#[derive(Clone)]
pub struct PkceLogin {
    session: SsoSession,
    target: LoginTarget,
    caches: CacheDirs,
    oidc: OidcClient,
    clock: SharedClock,
    portal_hosts: PortalHosts,
}

impl fmt::Debug for PkceLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkceLogin")
            .field("session", &self.session.token_cache_key_source())
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl PkceLogin {
    /// A login for `session`, writing to `caches`, through `oidc`.
    pub fn new(
        session: SsoSession,
        target: LoginTarget,
        caches: CacheDirs,
        oidc: OidcClient,
        clock: SharedClock,
    ) -> Self {
        Self {
            session,
            target,
            caches,
            oidc,
            clock,
            portal_hosts: PortalHosts::aws(),
        }
    }

    /// The allow-list a custom start URL's redirect must lead into (default:
    /// [`PortalHosts::aws`]); see [`crate::start_url`].
    pub fn with_portal_hosts(mut self, hosts: PortalHosts) -> Self {
        self.portal_hosts = hosts;
        self
    }

    /// Logs in (see the module documentation) and returns the token it wrote, or the
    /// one another process wrote meanwhile. `options.timeout` bounds the wait for the
    /// browser (10 minutes when unset, as the AWS CLI).
    pub async fn login(
        &self,
        prompt: &dyn AuthorizePrompt,
        options: &LoginOptions,
    ) -> Result<CachedToken, Error> {
        let ctx = LoginContext {
            session: &self.session,
            caches: &self.caches,
            oidc: &self.oidc,
            clock: &self.clock,
            portal_hosts: &self.portal_hosts,
        };
        ctx.single_flight(options.force, || async {
            let portal = ctx.resolve_start_url().await?;
            let registration = ctx
                .registration(
                    GrantFlow::AuthorizationCode,
                    options.client_name.as_deref(),
                    &portal,
                )
                .await?;
            let scopes = registration
                .scopes
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| vec![DEFAULT_SCOPE.to_owned()]);
            let verifier = code_verifier()?;
            let state = new_state()?;

            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(|e| {
                    Error::Internal(format!(
                        "cannot listen on 127.0.0.1 for the login callback: {e}"
                    ))
                })?;
            let port = listener
                .local_addr()
                .map_err(|e| Error::Internal(format!("cannot read the callback port: {e}")))?
                .port();
            let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
            let (tx, rx) = oneshot::channel();
            let app = axum::Router::new()
                .route(CALLBACK_PATH, get(callback))
                .with_state(ListenerState {
                    expected_state: Arc::new(state.clone()),
                    done: Arc::new(Mutex::new(Some(tx))),
                });
            let (stop_tx, stop_rx) = oneshot::channel::<()>();
            let server = tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });

            let url = authorize_url(
                &self.session.endpoints.oidc,
                &registration.client_id,
                &redirect_uri,
                &state,
                &code_challenge(verifier.expose_secret()),
                &scopes,
            );
            // Shown to the person: never with control characters (from configuration).
            prompt.open(&crate::browser::printable(&url));
            let outcome = self
                .wait(
                    rx,
                    options.timeout.unwrap_or(DEFAULT_TIMEOUT),
                    options.cancel.as_ref(),
                )
                .await;
            // Give the browser its page before the listener closes.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = stop_tx.send(());
            let _ = server.await;

            let code = match outcome? {
                Callback::Code(code) => code,
                Callback::Denied(error) if error == "access_denied" => {
                    return Err(AuthError::AccessDenied {
                        target: self.target.clone(),
                    }
                    .into());
                }
                Callback::Denied(error) => {
                    // Any local request can set this text: keep it short and plain.
                    let error: String = error
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || "_-.".contains(*c))
                        .take(64)
                        .collect();
                    return Err(AuthError::AuthorizeFailed {
                        target: self.target.clone(),
                        error,
                    }
                    .into());
                }
            };
            let request = CreateTokenRequest::authorization_code(
                registration.client_id.clone(),
                registration.client_secret.clone(),
                code,
                verifier,
                redirect_uri,
            );
            let token = self.oidc.create_token(&request).await?;
            ctx.store_token(&registration, token, &portal).await
        })
        .await
    }

    async fn wait(
        &self,
        rx: oneshot::Receiver<Callback>,
        timeout: Duration,
        cancel: Option<&CancelToken>,
    ) -> Result<Callback, Error> {
        let cancelled = async {
            match cancel {
                Some(c) => c.cancelled().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            got = rx => got.map_err(|_| Error::Internal("the login callback listener stopped".into())),
            () = tokio::time::sleep(timeout) => Err(AuthError::LoginTimeout { target: self.target.clone(), after: timeout }.into()),
            () = cancelled => Err(AuthError::Cancelled { target: self.target.clone() }.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_url_passes_the_browsers_check_unchanged() {
        use crate::browser::{AllowedHosts, check_url};
        let emulator = SsoSession {
            name: Some("dev".into()),
            start_url: "https://d-1234567890.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            scopes: None,
            endpoints: crate::config::Endpoints {
                oidc: "http://127.0.0.1:4567".into(),
                portal: "http://127.0.0.1:4567".into(),
            },
            ca_bundle: None,
            use_device_code: false,
        };
        let mut aws = emulator.clone();
        aws.endpoints = crate::config::resolve_endpoints("eu-west-1", false, false).unwrap();
        for session in [&emulator, &aws] {
            let url = authorize_url(
                &session.endpoints.oidc,
                "client-id_-.~",
                "http://127.0.0.1:51234/oauth/callback",
                "0c3a-state",
                "chal_lenge-",
                &["sso:account:access".into()],
            );
            let allowed = AllowedHosts::for_session(session);
            assert_eq!(check_url(&url, &allowed).unwrap().as_str(), url);
        }
    }

    #[test]
    fn challenge_vector() {
        assert_eq!(
            code_challenge(&"a".repeat(64)),
            "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs"
        );
    }

    #[test]
    fn verifiers_are_64_unreserved_characters_and_differ() {
        let a = code_verifier().unwrap();
        let b = code_verifier().unwrap();
        assert_eq!(a.expose_secret().len(), 64);
        assert!(a.expose_secret().bytes().all(|c| UNRESERVED.contains(&c)));
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(!format!("{a:?}").contains(a.expose_secret()));
    }

    #[test]
    fn state_is_a_uuid_v4() {
        let s = new_state().unwrap();
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "{s}");
        assert_eq!(
            s.char_indices()
                .filter(|&(_, c)| c == '-')
                .map(|(i, _)| i)
                .collect::<Vec<_>>(),
            [8, 13, 18, 23]
        );
        assert!(s.bytes().all(|c| c == b'-' || c.is_ascii_hexdigit()));
        assert_ne!(s, new_state().unwrap());
    }

    #[test]
    fn no_random_bytes_is_an_error_not_a_weaker_generator() {
        fn broken(_: &mut [u8]) -> Result<(), getrandom::Error> {
            Err(getrandom::Error::UNSUPPORTED)
        }
        for err in [
            code_verifier_from(broken).map(|_| ()).unwrap_err(),
            new_state_from(broken).map(|_| ()).unwrap_err(),
        ] {
            assert!(matches!(err, AuthError::NoRandomness { .. }), "{err:?}");
            let message = err.to_string();
            assert!(
                message.starts_with("cannot get random bytes from the operating system"),
                "{message}"
            );
            assert!(message.contains("device-code flow"), "{message}");
            assert_eq!(err.target(), None);
            assert_eq!(crate::Error::from(err).kind(), crate::ErrorKind::Internal);
        }
    }

    #[test]
    fn authorize_url_matches_the_aws_cli() {
        let url = authorize_url(
            "https://oidc.us-east-1.amazonaws.com/",
            "client-id",
            "http://127.0.0.1:51234/oauth/callback",
            "0c3a-state",
            "chal_lenge-",
            &[
                "sso:account:access".into(),
                "codewhisperer:completions".into(),
            ],
        );
        assert_eq!(
            url,
            "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A51234%2Foauth%2Fcallback&state=0c3a-state&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20codewhisperer%3Acompletions&code_challenge=chal_lenge-"
        );
    }
}
