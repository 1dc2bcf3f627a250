//! The client under OIDC and the portal: endpoint checks, the request, the retry
//! loop above the [transport seam](crate::transport), and reading JSON fields by name.

use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::{Map, Value};
use url::{Host, Url};

use super::cause::innermost;
use super::error::{ServiceError, TransportError};
use super::reqwest_transport::{ReqwestTransport, setup_failure};
use super::response::{Service, from_response};
use super::retry::{send_is_retryable, status_is_retryable};
use super::settings::{HttpSettings, RetryPolicy};
use crate::read_limited::{MIB, show_limit};
use crate::secret::AccessToken;
use crate::time::{SharedSleeper, Stopwatch, TokioSleeper};
use crate::transport::{BodyError, Request, SendError, SendErrorKind, SharedHttpTransport};

/// The largest response body read: 1 MiB (the largest answer, a page of accounts or
/// roles, is a few KiB). A larger body is refused, not retried.
pub(crate) const MAX_RESPONSE_BYTES: u64 = MIB;

/// The header that carries the access token to the portal.
const BEARER_HEADER: &str = "x-amz-sso_bearer_token";
/// The header that names the error of a failed response.
const ERROR_TYPE_HEADER: &str = "x-amzn-ErrorType";

/// A configured HTTP client: a transport, the retry policy, the `User-Agent` and how
/// to wait between attempts.
///
/// Cheap to clone; clones share the transport (and so its connection pool).
#[derive(Debug, Clone)]
pub(crate) struct HttpClient {
    transport: SharedHttpTransport,
    retry: RetryPolicy,
    /// The deadline of one whole attempt (sending, the response and its body),
    /// enforced here whatever the transport's own timeouts.
    request_timeout: Duration,
    user_agent: Option<HeaderValue>,
    sleeper: SharedSleeper,
}

impl HttpClient {
    /// The default transport (reqwest, see [`ReqwestTransport::new`]) with the retry
    /// policy of `settings`, sleeping on tokio's timer.
    pub(crate) fn new(settings: &HttpSettings) -> Result<Self, ServiceError> {
        Ok(Self::with_transport(
            Arc::new(ReqwestTransport::new(settings)?),
            settings,
        ))
    }

    /// `transport` with the retry policy, `User-Agent` and request timeout of
    /// `settings` (its connect timeout, CA bundle and proxy are the transport's
    /// business).
    pub(crate) fn with_transport(transport: SharedHttpTransport, settings: &HttpSettings) -> Self {
        Self {
            transport,
            retry: settings.retry,
            request_timeout: settings.request_timeout,
            user_agent: HeaderValue::from_str(&settings.user_agent).ok(),
            sleeper: Arc::new(TokioSleeper),
        }
    }

    /// The `User-Agent` the client sends, if any.
    #[cfg(feature = "extras")]
    pub(crate) fn user_agent(&self) -> Option<&HeaderValue> {
        self.user_agent.as_ref()
    }

    /// How the client waits between attempts.
    #[cfg(feature = "login")]
    pub(crate) fn sleeper(&self) -> &SharedSleeper {
        &self.sleeper
    }

    /// The same client waiting between attempts with `sleeper`.
    pub(crate) fn with_sleep(mut self, sleeper: SharedSleeper) -> Self {
        self.sleeper = sleeper;
        self
    }
}

impl HttpClient {
    /// One request without a body, as it is: one attempt within the request timeout,
    /// no retry, the body unread and no redirect followed (a custom start URL's
    /// redirect is read this way; see `crate::start_url`).
    #[cfg(feature = "login")]
    pub(crate) async fn send_once(
        &self,
        method: Method,
        url: Url,
    ) -> Result<crate::transport::Response, SendError> {
        let mut headers = HeaderMap::new();
        if let Some(agent) = &self.user_agent {
            headers.insert(reqwest::header::USER_AGENT, agent.clone());
        }
        let request = Request::new(method, url, headers, Vec::new());
        match tokio::time::timeout(self.request_timeout, self.transport.send(request)).await {
            Ok(result) => result,
            Err(_) => Err(SendError::new(
                SendErrorKind::Timeout,
                format!(
                    "no response within {} s",
                    self.request_timeout.as_secs_f64()
                ),
            )),
        }
    }
}

/// A checked service endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    url: Url,
    shown: String,
}

impl Endpoint {
    /// Parses an endpoint URL: `https://`, or `http://` to a loopback host only.
    pub(crate) fn parse(raw: &str) -> Result<Self, ServiceError> {
        let invalid = |reason: &str| ServiceError::InvalidEndpoint {
            endpoint: raw.chars().take(200).collect(),
            reason: reason.to_owned(),
        };
        let mut url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
        // Credentials, query and fragment have no place in a service endpoint.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_query(None);
        url.set_fragment(None);
        let shown = url.to_string();
        let host = url.host().ok_or_else(|| invalid("no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => return Err(ServiceError::InsecureEndpoint { endpoint: shown }),
            _ => return Err(invalid("the scheme must be https")),
        }
        Ok(Self { url, shown })
    }

    /// The endpoint as shown in errors: no credentials, no query.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// The URL of an operation: the endpoint's path, then `path`, then the query. An
    /// operation at `/` (STS's) is the endpoint's own path, as botocore joins them:
    /// `https://h/sts` stays `/sts`, not `/sts/`.
    pub(crate) fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.url.clone();
        if path != "/" || url.path().is_empty() || url.path() == "/" {
            let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
            url.set_path(&joined);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }
}

/// 127.0.0.0/8, ::1 (also as ::ffff:127.x.x.x) and `localhost`.
pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            name.eq_ignore_ascii_case("localhost")
        }
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => is_loopback_v6(*ip),
    }
}

fn is_loopback_v6(ip: Ipv6Addr) -> bool {
    IpAddr::V6(ip).to_canonical().is_loopback()
}

/// Turns a failed answer (status, `x-amzn-ErrorType`, body, attempt) into its error.
pub(crate) type OnError<'a> =
    dyn Fn(u16, Option<&str>, &[u8], u32) -> ServiceError + Send + Sync + 'a;

/// One operation call. Deliberately not `Debug`: the body holds secrets.
pub(crate) struct Call<'a> {
    /// The service called.
    pub(crate) service: Service,
    /// The operation name, for errors and logs.
    pub(crate) operation: &'static str,
    /// GET or POST.
    pub(crate) method: Method,
    /// The path after the endpoint's own path.
    pub(crate) path: &'static str,
    /// Query parameters, in order.
    pub(crate) query: Vec<(&'static str, &'a str)>,
    /// The portal's bearer token.
    pub(crate) bearer: Option<&'a AccessToken>,
    /// A JSON body (never logged or shown).
    pub(crate) json: Option<Vec<u8>>,
}

impl HttpClient {
    /// Sends a call with retries and returns the response's JSON (`None` for an empty
    /// body), or the error the failure maps to.
    pub(crate) async fn call(
        &self,
        endpoint: &Endpoint,
        call: Call<'_>,
    ) -> Result<Option<Value>, ServiceError> {
        let operation = call.operation;
        let request = self.build(endpoint, &call)?;
        let service = call.service;
        let body = self
            .send_with_retries(
                endpoint,
                operation,
                request,
                &|status, error_type, body, attempt| {
                    let json = serde_json::from_slice::<Value>(body).ok();
                    from_response(
                        service,
                        operation,
                        status,
                        error_type,
                        json.as_ref(),
                        attempt,
                    )
                },
            )
            .await?;
        parse_success(operation, &body)
    }

    /// Sends a built request with retries (5xx, 429 and connection failures, with
    /// backoff, within the policy's attempts and time budget) and returns the body of
    /// a 2xx answer; `on_error` turns a failed answer (status, `x-amzn-ErrorType`,
    /// body, attempt) into its error.
    pub(crate) async fn send_with_retries(
        &self,
        endpoint: &Endpoint,
        operation: &'static str,
        request: Request,
        on_error: &OnError<'_>,
    ) -> Result<Vec<u8>, ServiceError> {
        let max_attempts = self.retry.attempts();
        let since_first = Stopwatch::start();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let watch = Stopwatch::start();
            // Every transport gets the same contract: a server that sends headers and
            // then stalls the body times out like one that never answers. (A real-time
            // limit, on tokio's timer like the file work; the injected sleep paces
            // retries only, so a test's instant sleep cannot end an attempt.)
            let outcome =
                match tokio::time::timeout(self.request_timeout, self.attempt(request.clone()))
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(AttemptError::Transport(SendError::new(
                        SendErrorKind::Timeout,
                        format!(
                            "no complete response within {} s",
                            self.request_timeout.as_secs_f64()
                        ),
                    ))),
                };
            let elapsed_ms = watch.elapsed().as_millis() as u64;
            let (failure, retry_after) = match outcome {
                Ok(Attempt { status, body, .. }) if (200..300).contains(&status) => {
                    tracing::debug!(operation, attempt, status, elapsed_ms, "sso request done");
                    return Ok(body);
                }
                Ok(Attempt {
                    status,
                    error_type,
                    retry_after,
                    body,
                }) => {
                    tracing::debug!(operation, attempt, status, elapsed_ms, "sso request failed");
                    let error = on_error(status, error_type.as_deref(), &body, attempt)
                        .with_retry_after(retry_after);
                    // A redirect (3xx) is never followed, nor retried; a throttling code
                    // is retried whatever its status (STS's `Throttling` comes as 400).
                    if !status_is_retryable(status) && !error.is_retryable() {
                        return Err(error);
                    }
                    (error, retry_after)
                }
                Err(AttemptError::TooLarge) => {
                    tracing::debug!(operation, attempt, elapsed_ms, "sso response too large");
                    return Err(ServiceError::MalformedResponse {
                        operation,
                        reason: format!(
                            "the body is larger than the {} limit",
                            show_limit(MAX_RESPONSE_BYTES)
                        ),
                    });
                }
                Err(AttemptError::Transport(e)) => {
                    // The transport could not be set up (a broken CA bundle): final,
                    // and reported as what it is.
                    if let Some(setup) = setup_failure(&e) {
                        return Err(setup);
                    }
                    let retryable = send_is_retryable(&e);
                    let error = transport_error(operation, endpoint, e, attempt);
                    tracing::debug!(operation, attempt, elapsed_ms, error = %error, "sso request got no response");
                    if !retryable {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            if attempt >= max_attempts {
                return Err(failure);
            }
            let delay = self.retry.delay(attempt, retry_after, fastrand::f64());
            if since_first.elapsed().saturating_add(delay) > self.retry.max_elapsed {
                tracing::debug!(operation, attempt, "sso retry time budget spent");
                return Err(failure);
            }
            tracing::debug!(
                operation,
                attempt,
                delay_ms = delay.as_millis() as u64,
                "sso request will be retried"
            );
            self.sleeper.sleep(delay).await;
        }
    }

    /// Builds the request once; each attempt sends a clone. The bearer header is
    /// marked sensitive here, before any transport sees it.
    fn build(&self, endpoint: &Endpoint, call: &Call<'_>) -> Result<Request, ServiceError> {
        let url = endpoint.url(call.path, &call.query);
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        if let Some(agent) = &self.user_agent {
            headers.insert(reqwest::header::USER_AGENT, agent.clone());
        }
        if let Some(token) = call.bearer {
            let mut value = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
                ServiceError::InvalidInput {
                    operation: call.operation,
                    reason: "the access token holds characters not allowed in an HTTP header",
                }
            })?;
            value.set_sensitive(true);
            headers.insert(BEARER_HEADER, value);
        }
        let body = match &call.json {
            Some(body) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                body.clone()
            }
            None => Vec::new(),
        };
        Ok(Request::new(call.method.clone(), url, headers, body))
    }

    /// One attempt: the status, the headers that matter and the whole body, read
    /// chunk by chunk up to [`MAX_RESPONSE_BYTES`] (a larger `Content-Length` is
    /// refused before reading).
    async fn attempt(&self, request: Request) -> Result<Attempt, AttemptError> {
        let response = self
            .transport
            .send(request)
            .await
            .map_err(AttemptError::Transport)?;
        let status = response.status();
        let headers = response.headers();
        let error_type = headers
            .get(ERROR_TYPE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = headers.get(RETRY_AFTER).and_then(parse_retry_after);
        let too_long = headers
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|len| len > MAX_RESPONSE_BYTES);
        if too_long {
            return Err(AttemptError::TooLarge);
        }
        let body = match response.into_body().read(MAX_RESPONSE_BYTES).await {
            Ok(body) => body,
            Err(BodyError::TooLarge) => return Err(AttemptError::TooLarge),
            Err(BodyError::Send(e)) => return Err(AttemptError::Transport(e)),
        };
        Ok(Attempt {
            status,
            error_type,
            retry_after,
            body,
        })
    }
}

/// Why one attempt got no usable response.
enum AttemptError {
    /// No (complete) response.
    Transport(SendError),
    /// The body is larger than [`MAX_RESPONSE_BYTES`].
    TooLarge,
}

/// What one attempt got back.
struct Attempt {
    status: u16,
    error_type: Option<String>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// `Retry-After` in (possibly fractional) seconds; the HTTP-date form is ignored.
fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let secs: f64 = value.to_str().ok()?.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

/// A successful body: empty, or a JSON value.
fn parse_success(operation: &'static str, body: &[u8]) -> Result<Option<Value>, ServiceError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| ServiceError::MalformedResponse {
            operation,
            // Position only: serde's own text could quote part of the body.
            reason: format!("not JSON (line {}, column {})", e.line(), e.column()),
        })
}

fn transport_error(
    operation: &'static str,
    endpoint: &Endpoint,
    error: SendError,
    attempts: u32,
) -> ServiceError {
    let timed_out = error.is_timeout();
    TransportError {
        operation,
        endpoint: endpoint.shown().to_owned(),
        attempts,
        timed_out,
        reason: innermost(&error),
        // A timeout's message says it all.
        source: (!timed_out).then(|| Box::new(error) as _),
    }
    .into()
}

/// Reads the members of a response object by name, reporting problems by name only.
pub(crate) struct Fields<'a> {
    operation: &'static str,
    prefix: &'static str,
    object: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// The top-level object of a response; `None` (empty body) is an error.
    pub(crate) fn top(
        operation: &'static str,
        body: Option<&'a Value>,
    ) -> Result<Self, ServiceError> {
        match body {
            Some(Value::Object(object)) => Ok(Self {
                operation,
                prefix: "",
                object,
            }),
            Some(_) => Err(malformed(
                operation,
                "the body is not a JSON object".to_owned(),
            )),
            None => Err(malformed(operation, "the body is empty".to_owned())),
        }
    }

    /// A nested object member, required.
    pub(crate) fn object(&self, key: &'static str) -> Result<Fields<'a>, ServiceError> {
        match self.object.get(key) {
            Some(Value::Object(object)) => Ok(Fields {
                operation: self.operation,
                prefix: key,
                object,
            }),
            Some(Value::Null) | None => Err(self.missing(key)),
            Some(_) => Err(self.wrong(key, "an object")),
        }
    }

    /// A list of objects, absent or null meaning empty.
    pub(crate) fn object_list(&self, key: &'static str) -> Result<Vec<Fields<'a>>, ServiceError> {
        match self.object.get(key) {
            Some(Value::Null) | None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Object(object) => Ok(Fields {
                        operation: self.operation,
                        prefix: key,
                        object,
                    }),
                    _ => Err(self.wrong(key, "a list of objects")),
                })
                .collect(),
            Some(_) => Err(self.wrong(key, "a list")),
        }
    }

    /// A string member, required and not empty.
    pub(crate) fn req_str(&self, key: &'static str) -> Result<String, ServiceError> {
        match self.opt_str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            Some(_) => Err(self.wrong(key, "a non-empty string")),
            None => Err(self.missing(key)),
        }
    }

    /// A string member; absent or null is `None`.
    pub(crate) fn opt_str(&self, key: &'static str) -> Result<Option<String>, ServiceError> {
        match self.object.get(key) {
            Some(Value::Null) | None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    /// A non-negative whole number, required.
    pub(crate) fn req_u64(&self, key: &'static str) -> Result<u64, ServiceError> {
        self.opt_u64(key)?.ok_or_else(|| self.missing(key))
    }

    /// A non-negative whole number (a float is truncated); absent or null is `None`.
    pub(crate) fn opt_u64(&self, key: &'static str) -> Result<Option<u64>, ServiceError> {
        match self.object.get(key) {
            Some(Value::Null) | None => Ok(None),
            Some(Value::Number(n)) => {
                if let Some(v) = n.as_u64() {
                    return Ok(Some(v));
                }
                match n.as_f64() {
                    Some(f) if (0.0..1.8e19).contains(&f) => Ok(Some(f as u64)),
                    _ => Err(self.wrong(key, "a non-negative number")),
                }
            }
            Some(_) => Err(self.wrong(key, "a number")),
        }
    }

    fn name(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            format!("`{key}`")
        } else {
            format!("`{}.{key}`", self.prefix)
        }
    }

    fn missing(&self, key: &str) -> ServiceError {
        malformed(self.operation, format!("{} is missing", self.name(key)))
    }

    fn wrong(&self, key: &str, expected: &str) -> ServiceError {
        malformed(
            self.operation,
            format!("{} is not {expected}", self.name(key)),
        )
    }
}

fn malformed(operation: &'static str, reason: String) -> ServiceError {
    ServiceError::MalformedResponse { operation, reason }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        for ok in [
            "https://oidc.us-east-1.amazonaws.com",
            "https://portal.sso.eu-west-1.amazonaws.com/",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/prefix/",
            "http://localhost:1234",
            "http://LOCALHOST",
            "http://[::ffff:127.0.0.1]",
        ] {
            assert!(Endpoint::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn plain_http_elsewhere_is_refused() {
        for bad in [
            "http://oidc.us-east-1.amazonaws.com",
            "http://10.0.0.1:8080",
            "http://[::2]",
            "http://localhost.example.com",
            "http://128.0.0.1",
        ] {
            let e = Endpoint::parse(bad).unwrap_err();
            assert!(
                matches!(e, ServiceError::InsecureEndpoint { .. }),
                "{bad}: {e}"
            );
            assert!(e.to_string().contains("clear text"), "{e}");
        }
        for bad in ["ftp://x", "not a url", "https://", "file:///tmp/x"] {
            let e = Endpoint::parse(bad).unwrap_err();
            assert!(
                matches!(e, ServiceError::InvalidEndpoint { .. }),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn credentials_and_query_never_show() {
        let e = Endpoint::parse("http://user:hunter2@example.com/?token=abc").unwrap_err();
        let text = e.to_string();
        assert!(!text.contains("hunter2") && !text.contains("abc"), "{text}");
    }

    #[test]
    fn operation_urls_keep_the_endpoint_path() {
        let ep = Endpoint::parse("https://example.com/base/").unwrap();
        let url = ep.url(
            "/assignment/roles",
            &[("account_id", "1"), ("next_token", "a+b/=")],
        );
        assert_eq!(
            url.as_str(),
            "https://example.com/base/assignment/roles?account_id=1&next_token=a%2Bb%2F%3D"
        );
        let ep = Endpoint::parse("https://example.com").unwrap();
        assert_eq!(ep.url("/token", &[]).as_str(), "https://example.com/token");
    }

    #[test]
    fn retry_after_seconds() {
        let h = |s: &str| parse_retry_after(&HeaderValue::from_str(s).unwrap());
        assert_eq!(h("2"), Some(Duration::from_secs(2)));
        assert_eq!(h(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(h("-1"), None);
        assert_eq!(h("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn fields_report_by_name_only() {
        let body = json!({"a": "secret-value", "n": 1.5, "o": {"x": 3}, "l": [1]});
        let f = Fields::top("Op", Some(&body)).unwrap();
        assert_eq!(f.req_u64("n").unwrap(), 1);
        let e = f.req_u64("a").unwrap_err().to_string();
        assert!(
            e.contains("`a` is not a number") && !e.contains("secret-value"),
            "{e}"
        );
        let e = f.req_str("missing").unwrap_err().to_string();
        assert!(e.contains("`missing` is missing"), "{e}");
        let e = f.object("o").unwrap().req_str("x").unwrap_err().to_string();
        assert!(e.contains("`o.x` is not a string"), "{e}");
        assert!(f.object_list("l").is_err());
        assert!(f.object_list("absent").unwrap().is_empty());
        assert!(Fields::top("Op", None).is_err());
        assert!(Fields::top("Op", Some(&json!([1]))).is_err());
    }

    #[test]
    fn success_bodies() {
        assert_eq!(parse_success("Op", b"").unwrap(), None);
        assert_eq!(parse_success("Op", b" \n").unwrap(), None);
        assert_eq!(parse_success("Op", b"{}").unwrap(), Some(json!({})));
        let e = parse_success("Op", b"{\"accessToken\": \"tok-123\"").unwrap_err();
        assert!(!e.to_string().contains("tok-123"), "{e}");
    }
}
