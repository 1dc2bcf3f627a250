//! Embeds ssokit as a Rust service would: the credentials provider handed to
//! aws-config, and the token provider, built from the crate root, both configured
//! with the service's `SdkConfig` (`configure`, the `sdk-config` feature) so that
//! their requests go through its HTTP client. Prints the access key id of the
//! credentials aws-config resolves, then the token's expiry, then how many requests
//! went through the `SdkConfig`'s HTTP client.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_credential_types::provider::token::ProvideToken;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

/// The service's HTTP client (aws-config's default hyper client), counting requests.
#[derive(Debug, Clone)]
struct Counting {
    inner: SharedHttpClient,
    calls: Arc<AtomicUsize>,
}

impl HttpClient for Counting {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CountingConnector {
            inner: self.inner.http_connector(settings, components),
            calls: Arc::clone(&self.calls),
        })
    }
}

#[derive(Debug)]
struct CountingConnector {
    inner: SharedHttpConnector,
    calls: Arc<AtomicUsize>,
}

impl HttpConnector for CountingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.call(request)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let profile = std::env::args().nth(1).unwrap_or_else(|| "dev".to_owned());
    let calls = Arc::new(AtomicUsize::new(0));
    let http_client = Counting {
        inner: aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
            .build_https(),
        calls: Arc::clone(&calls),
    };
    let sdk_config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http_client)
        .region(aws_config::Region::new("us-east-1"))
        .load()
        .await;
    let provider = ssokit::SsoCredentialsProvider::builder()
        .profile_name(profile.as_str())
        .configure(&sdk_config)
        .build()?;
    let config = sdk_config
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build();
    let credentials = config
        .credentials_provider()
        .ok_or("aws-config has no credentials provider")?
        .provide_credentials()
        .await?;
    println!("{}", credentials.access_key_id());
    let tokens = ssokit::SsoTokenProvider::builder()
        .profile_name(profile)
        .configure(&config)
        .build()?;
    let token = tokens.provide_token().await?;
    println!("token until {:?}", token.expiration());
    println!(
        "requests through the SdkConfig's client: {}",
        calls.load(Ordering::SeqCst)
    );
    Ok(())
}
