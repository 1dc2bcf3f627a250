//! How a failed response is classified: its status, `x-amzn-ErrorType` header and
//! JSON body (`error`, `__type`, `code`; `error_description`, `message`) become a
//! [`ResponseError`] with its [`ErrorCode`].

use std::time::Duration;

use serde_json::Value;

use super::error::{ErrorCode, ResponseError, ServiceError};

/// The longest service message kept in an error, in characters.
pub(crate) const MAX_MESSAGE_CHARS: usize = 512;
/// The longest error code taken from a response.
const MAX_CODE_CHARS: usize = 128;

/// Which service answered: the meaning of a bare status differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// SSO OIDC.
    Oidc,
    /// The SSO portal.
    Portal,
}

/// The OAuth `error` value (RFC 6749 / 8628) of a code SSO OIDC also sends that way.
fn oauth_code(code: &ErrorCode) -> Option<&'static str> {
    match code {
        ErrorCode::AuthorizationPending => Some("authorization_pending"),
        ErrorCode::SlowDown => Some("slow_down"),
        ErrorCode::ExpiredToken => Some("expired_token"),
        ErrorCode::AccessDenied => Some("access_denied"),
        ErrorCode::InvalidGrant => Some("invalid_grant"),
        ErrorCode::InvalidClient => Some("invalid_client"),
        ErrorCode::InvalidRequest => Some("invalid_request"),
        ErrorCode::InvalidScope => Some("invalid_scope"),
        ErrorCode::UnauthorizedClient => Some("unauthorized_client"),
        ErrorCode::UnsupportedGrantType => Some("unsupported_grant_type"),
        ErrorCode::InvalidClientMetadata => Some("invalid_client_metadata"),
        ErrorCode::InvalidRedirectUri => Some("invalid_redirect_uri"),
        ErrorCode::InternalServer => Some("server_error"),
        ErrorCode::Unauthorized
        | ErrorCode::ResourceNotFound
        | ErrorCode::TooManyRequests
        | ErrorCode::Other(_) => None,
    }
}

/// The known code named by an exception name (with or without `Exception`) or an
/// OAuth code.
fn known_code(code: &str) -> Option<ErrorCode> {
    ErrorCode::KNOWN.into_iter().find(|known| {
        let name = known.as_str().unwrap_or_default();
        code == name
            || code == name.trim_end_matches("Exception")
            || Some(code) == oauth_code(known)
    })
}

/// Whether the portal sends the code: its model lists only UnauthorizedException,
/// ResourceNotFoundException, TooManyRequestsException and InvalidRequestException.
fn portal_sends(code: &ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::Unauthorized
            | ErrorCode::ResourceNotFound
            | ErrorCode::TooManyRequests
            | ErrorCode::InvalidRequest
    )
}

/// Whether the error keeps the server's `Retry-After`: a server error, a throttle, or
/// an unknown code (which may be either).
fn keeps_retry_after(code: &ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::InternalServer | ErrorCode::TooManyRequests | ErrorCode::Other(_)
    )
}

/// Reduces `ns#Name:uri` (header form) or `ns#Name` (`__type` form) to `Name`.
pub(crate) fn bare_code(raw: &str) -> Option<&str> {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let name = before_colon
        .rsplit('#')
        .next()
        .unwrap_or(before_colon)
        .trim();
    // An error code is an identifier: anything else (terminal controls, a megabyte of
    // text) is not one, and is never printed or stored as one.
    let plausible = !name.is_empty()
        && name.len() <= MAX_CODE_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    plausible.then_some(name)
}

/// The error code of a failed response: the `x-amzn-ErrorType` header, else the body's
/// `error` (OAuth code), else its `__type`, else its `code`.
pub(crate) fn error_code(header: Option<&str>, body: Option<&Value>) -> Option<String> {
    let from_body = |key: &str| {
        body.and_then(|b| b.get(key))
            .and_then(Value::as_str)
            .and_then(bare_code)
            .map(str::to_owned)
    };
    header
        .and_then(bare_code)
        .map(str::to_owned)
        .or_else(|| from_body("error"))
        .or_else(|| from_body("__type"))
        .or_else(|| from_body("code"))
}

/// The service's explanation: `error_description`, else `message` / `Message`, trimmed
/// to printable text of bounded length.
pub(crate) fn error_message(body: Option<&Value>) -> Option<String> {
    let body = body?;
    let text = ["error_description", "message", "Message"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))?;
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect();
    let clean = clean.trim().to_owned();
    (!clean.is_empty()).then_some(clean)
}

/// The code of a failed response from `service` with `status` and the code it sent.
pub(crate) fn classify(service: Service, status: u16, sent: Option<String>) -> ErrorCode {
    // The portal answers only with its own exceptions; an OIDC code from it is not
    // what it seems.
    let known = sent
        .as_deref()
        .and_then(known_code)
        .filter(|code| service == Service::Oidc || portal_sends(code));
    match (service, status, known) {
        // A 401 from the portal is a rejected token, whatever the code says.
        (Service::Portal, 401, _) => ErrorCode::Unauthorized,
        (_, _, Some(code)) => code,
        // Without a code, the status alone is unambiguous for a few responses.
        (_, 429, None) => ErrorCode::TooManyRequests,
        (Service::Portal, 404, None) => ErrorCode::ResourceNotFound,
        (_, _, None) => ErrorCode::Other(sent),
    }
}

/// Builds the error for an unsuccessful response.
pub(crate) fn from_response(
    service: Service,
    operation: &'static str,
    status: u16,
    header: Option<&str>,
    body: Option<&Value>,
    attempts: u32,
) -> ServiceError {
    let code = classify(service, status, error_code(header, body));
    ResponseError {
        code,
        operation,
        status,
        message: error_message(body),
        attempts,
        retry_after: None,
    }
    .into()
}

impl ServiceError {
    /// Records the server's `Retry-After` hint on the errors that can carry one.
    pub(crate) fn with_retry_after(mut self, hint: Option<Duration>) -> Self {
        if let Self::Response(e) = &mut self
            && keeps_retry_after(&e.code)
        {
            e.retry_after = hint;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bare_code_strips_namespace_and_uri() {
        let cases = [
            (
                "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/",
                Some("AuthorizationPendingException"),
            ),
            (
                "com.amazonaws.sso#UnauthorizedException",
                Some("UnauthorizedException"),
            ),
            ("aws.proto#FooError:http://x/#y", Some("FooError")),
            ("TooManyRequestsException", Some("TooManyRequestsException")),
            ("", None),
            (":http://x", None),
            ("\u{1b}]52;c;aGk=\u{7}", None),
            ("Bad Code", None),
        ];
        assert_eq!(bare_code(&"E".repeat(129)), None);
        assert_eq!(bare_code(&"E".repeat(128)), Some("E".repeat(128).as_str()));
        for (raw, want) in cases {
            assert_eq!(bare_code(raw), want, "{raw}");
        }
    }

    #[test]
    fn header_wins_then_error_then_type() {
        let body = json!({"error": "slow_down", "__type": "x#InvalidGrantException"});
        assert_eq!(
            error_code(Some("ExpiredTokenException:uri"), Some(&body)).as_deref(),
            Some("ExpiredTokenException")
        );
        assert_eq!(error_code(None, Some(&body)).as_deref(), Some("slow_down"));
        let body = json!({"__type": "x#InvalidGrantException", "message": "m"});
        assert_eq!(
            error_code(None, Some(&body)).as_deref(),
            Some("InvalidGrantException")
        );
        assert_eq!(
            error_code(None, Some(&json!({"code": "Throttling"}))).as_deref(),
            Some("Throttling")
        );
        assert_eq!(error_code(None, None), None);
        assert_eq!(error_code(Some(""), Some(&json!({"error": 3}))), None);
    }

    fn code_of(e: &ServiceError) -> &ErrorCode {
        e.code().expect("a response error")
    }

    #[test]
    fn the_known_codes_are_distinct_and_named() {
        for (i, code) in ErrorCode::KNOWN.iter().enumerate() {
            let name = code.as_str().unwrap_or_default();
            assert!(name.ends_with("Exception"), "{code:?}");
            assert!(
                ErrorCode::KNOWN[..i].iter().all(|other| other != code),
                "{code:?}"
            );
        }
    }

    #[test]
    fn every_code_from_its_header_type_and_oauth_error() {
        for code in ErrorCode::KNOWN {
            let name = code.as_str().unwrap_or_default();
            let via_header = from_response(
                Service::Oidc,
                "Op",
                400,
                Some(&format!("{name}:uri")),
                None,
                1,
            );
            assert_eq!(code_of(&via_header), &code);
            assert_eq!(via_header.service_code(), Some(name));
            assert_eq!(via_header.status(), Some(400));
            let bare = name.trim_end_matches("Exception");
            let via_type = from_response(
                Service::Oidc,
                "Op",
                400,
                None,
                Some(&json!({"__type": format!("com.amazonaws#{bare}")})),
                1,
            );
            assert_eq!(code_of(&via_type), &code);
            let via_code = from_response(
                Service::Oidc,
                "Op",
                400,
                None,
                Some(&json!({"code": name})),
                1,
            );
            assert_eq!(code_of(&via_code), &code);
            if let Some(oauth) = oauth_code(&code) {
                let via_oauth = from_response(
                    Service::Oidc,
                    "Op",
                    400,
                    None,
                    Some(&json!({"error": oauth})),
                    1,
                );
                assert_eq!(code_of(&via_oauth), &code);
                assert_eq!(via_oauth.service_code(), Some(name));
            }
        }
    }

    #[test]
    fn the_portal_sends_only_its_own_codes() {
        for code in ErrorCode::KNOWN {
            let name = code.as_str().unwrap_or_default();
            let e = from_response(Service::Portal, "ListAccounts", 400, Some(name), None, 1);
            if portal_sends(&code) {
                assert_eq!(code_of(&e), &code);
            } else {
                // An OIDC code from the portal is not what it seems: kept, as Other.
                assert_eq!(code_of(&e), &ErrorCode::Other(Some(name.to_owned())));
                assert_eq!(e.service_code(), Some(name));
            }
        }
    }

    #[test]
    fn bare_statuses() {
        let cases = [
            (Service::Portal, 401, ErrorCode::Unauthorized),
            (Service::Portal, 404, ErrorCode::ResourceNotFound),
            (Service::Portal, 429, ErrorCode::TooManyRequests),
            (Service::Oidc, 429, ErrorCode::TooManyRequests),
            (Service::Oidc, 401, ErrorCode::Other(None)),
            (Service::Oidc, 404, ErrorCode::Other(None)),
            (Service::Oidc, 503, ErrorCode::Other(None)),
            (Service::Portal, 500, ErrorCode::Other(None)),
            (Service::Portal, 403, ErrorCode::Other(None)),
        ];
        for (service, status, want) in cases {
            let e = from_response(service, "Op", status, None, None, 1);
            assert_eq!(code_of(&e), &want, "{service:?} {status}");
            assert_eq!(e.service_code(), want.as_str());
        }
    }

    #[test]
    fn unknown_codes_are_other_and_429_without_code_is_throttling() {
        let e = from_response(
            Service::Oidc,
            "ListAccounts",
            418,
            Some("TeapotException"),
            None,
            1,
        );
        assert_eq!(
            code_of(&e),
            &ErrorCode::Other(Some("TeapotException".into()))
        );
        assert_eq!(e.status(), Some(418));
        assert_eq!(e.service_code(), Some("TeapotException"));
        assert!(!e.is_retryable());
        let e = from_response(Service::Portal, "ListAccounts", 429, None, None, 3);
        assert_eq!(code_of(&e), &ErrorCode::TooManyRequests);
        assert_eq!(e.attempts(), Some(3));
        assert!(e.is_retryable());
        assert!(e.to_string().contains("gave up after 3 attempts"), "{e}");
        let e = from_response(Service::Oidc, "ListAccounts", 503, None, None, 4);
        assert!(e.is_retryable());
        assert_eq!(e.service_code(), None);
        assert!(e.to_string().contains("HTTP 503"), "{e}");
        assert!(e.to_string().contains("4 attempts"), "{e}");
        let e = from_response(Service::Portal, "Logout", 401, None, None, 1);
        assert_eq!(code_of(&e), &ErrorCode::Unauthorized, "{e:?}");
        // A portal 401 is a rejected token whatever code it carries, and OIDC codes
        // from the portal are not OIDC errors.
        for code in [
            "SomethingNewException",
            "ExpiredTokenException",
            "AccessDeniedException",
        ] {
            let e = from_response(Service::Portal, "ListAccounts", 401, Some(code), None, 1);
            assert_eq!(code_of(&e), &ErrorCode::Unauthorized, "{code}: {e:?}");
        }
        let e = from_response(
            Service::Portal,
            "ListAccounts",
            403,
            Some("AccessDeniedException"),
            None,
            1,
        );
        assert!(matches!(code_of(&e), ErrorCode::Other(Some(_))), "{e:?}");
        let e = from_response(Service::Oidc, "CreateToken", 401, None, None, 1);
        assert_eq!(code_of(&e), &ErrorCode::Other(None), "{e:?}");
    }

    #[test]
    fn retry_after_is_kept_for_server_errors_throttles_and_unknown_codes() {
        let hint = Some(Duration::from_secs(7));
        let with = |status, header: Option<&str>| {
            from_response(Service::Oidc, "CreateToken", status, header, None, 1)
                .with_retry_after(hint)
                .retry_after()
        };
        assert_eq!(with(500, Some("InternalServerException")), hint);
        assert_eq!(with(429, None), hint);
        assert_eq!(with(503, None), hint);
        assert_eq!(with(400, Some("InvalidGrantException")), None);
        assert_eq!(with(400, Some("AuthorizationPendingException")), None);
    }

    #[test]
    fn message_comes_from_description_or_message_and_is_cleaned() {
        let body = json!({"error_description": "  Authorization is\nstill pending "});
        assert_eq!(
            error_message(Some(&body)).as_deref(),
            Some("Authorization is still pending")
        );
        let body = json!({"message": "Session token not found or invalid"});
        assert_eq!(
            error_message(Some(&body)).as_deref(),
            Some("Session token not found or invalid")
        );
        let body = json!({"Message": "Capitalised"});
        assert_eq!(error_message(Some(&body)).as_deref(), Some("Capitalised"));
        let long = "x".repeat(5000);
        let got = error_message(Some(&json!({"message": long}))).unwrap_or_default();
        assert_eq!(got.chars().count(), MAX_MESSAGE_CHARS);
        assert_eq!(error_message(Some(&json!({"message": "  "}))), None);
        assert_eq!(error_message(None), None);
    }

    #[test]
    fn nothing_but_the_message_and_code_of_a_body_reaches_the_error() {
        let body = json!({
            "error": "invalid_grant",
            "error_description": "Invalid refresh token",
            "refreshToken": "SECRET-refresh",
            "accessToken": "SECRET-access",
            "deviceCode": "SECRET-device",
        });
        for status in [400, 401, 500] {
            for service in [Service::Oidc, Service::Portal] {
                let e = from_response(service, "CreateToken", status, None, Some(&body), 2);
                let shown = format!("{e} {e:?} {e:#?}");
                assert!(!shown.contains("SECRET"), "{shown}");
            }
        }
        // A code that is not an identifier never shows.
        let e = from_response(
            Service::Oidc,
            "CreateToken",
            400,
            Some("SECRET token=abc"),
            None,
            1,
        );
        assert_eq!(code_of(&e), &ErrorCode::Other(None));
        assert!(!format!("{e} {e:?}").contains("SECRET"), "{e:?}");
    }

    #[test]
    fn messages_name_operation_status_and_what_to_do() {
        let e = from_response(
            Service::Oidc,
            "CreateToken",
            400,
            Some("InvalidGrantException"),
            None,
            1,
        );
        let text = e.to_string();
        assert!(text.starts_with("CreateToken: "), "{text}");
        assert!(text.contains("HTTP 400"), "{text}");
        assert!(text.contains("log in again"), "{text}");
        assert!(e.requires_login());
        let e = from_response(
            Service::Portal,
            "GetRoleCredentials",
            401,
            Some("UnauthorizedException"),
            Some(&json!({"message": "Session token not found or invalid"})),
            1,
        );
        let text = e.to_string();
        assert!(
            text.contains("expired, revoked or logged out elsewhere"),
            "{text}"
        );
        assert!(
            text.contains("Session token not found or invalid"),
            "{text}"
        );
        assert!(e.requires_login());
    }
}
