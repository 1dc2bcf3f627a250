//! The AWS sign-in federation endpoint (`<base>/federation`): `getSigninToken` turns
//! role credentials into a sign-in token, and the login URL carries that token to the
//! console. The request's query holds the credentials: it is never logged, and
//! errors name the endpoint without it.

use reqwest::Method;
use url::Url;
use zeroize::Zeroizing;

use super::error::ServiceError;
use super::http::{Call, Endpoint, Fields, HttpClient};
use super::response::Service;
use crate::secret::{SecretAccessKey, SessionToken, SigninToken, SigninUrl};

/// The path of the federation endpoint under the sign-in base URL.
const FEDERATION_PATH: &str = "/federation";

/// A client of one sign-in endpoint (`https://signin.aws.amazon.com` or its
/// partition's, or an override).
#[derive(Debug, Clone)]
pub struct SigninClient {
    http: HttpClient,
    endpoint: Endpoint,
}

impl SigninClient {
    /// A client of the sign-in endpoint at `base` (`https://`, or `http://` to a
    /// loopback host), through `http`.
    pub(crate) fn with_http_client(base: &str, http: &HttpClient) -> Result<Self, ServiceError> {
        Ok(Self {
            http: http.clone(),
            endpoint: Endpoint::parse(base)?,
        })
    }

    /// The endpoint, as errors show it.
    pub fn endpoint(&self) -> &str {
        self.endpoint.shown()
    }

    /// `GET <base>/federation?Action=getSigninToken&Session=<JSON>` with these role
    /// credentials; `SessionDuration` is omitted (role sessions refuse it).
    pub async fn get_signin_token(
        &self,
        access_key_id: &str,
        secret_access_key: &SecretAccessKey,
        session_token: &SessionToken,
    ) -> Result<SigninToken, ServiceError> {
        const OPERATION: &str = "GetSigninToken";
        let session = Zeroizing::new(
            serde_json::json!({
                "sessionId": access_key_id,
                "sessionKey": secret_access_key.expose_secret(),
                "sessionToken": session_token.expose_secret(),
            })
            .to_string(),
        );
        let body = self
            .http
            .call(
                &self.endpoint,
                Call {
                    service: Service::Portal,
                    operation: OPERATION,
                    method: Method::GET,
                    path: FEDERATION_PATH,
                    query: vec![("Action", "getSigninToken"), ("Session", session.as_str())],
                    bearer: None,
                    json: None,
                },
            )
            .await?;
        let token = Fields::top(OPERATION, body.as_ref())?.req_str("SigninToken")?;
        if token.is_empty() {
            return Err(ServiceError::MalformedResponse {
                operation: OPERATION,
                reason: "SigninToken is empty".to_owned(),
            });
        }
        Ok(SigninToken::new(token))
    }

    /// `<base>/federation?Action=login&Issuer=<issuer>&Destination=<destination>&SigninToken=<token>`.
    pub fn login_url(&self, issuer: &str, destination: &Url, token: &SigninToken) -> SigninUrl {
        let mut url = self.endpoint.url(FEDERATION_PATH, &[]);
        url.query_pairs_mut()
            .append_pair("Action", "login")
            .append_pair("Issuer", issuer)
            .append_pair("Destination", destination.as_str())
            .append_pair("SigninToken", token.expose_secret());
        SigninUrl::new(String::from(url))
    }
}
