//! What the builders set about HTTP and time: the settings, the transport, the clock
//! and the sleep, and the [`HttpClient`] they make.

use std::sync::Arc;

use super::error::ServiceError;
use super::http::HttpClient;
use super::settings::HttpSettings;
use crate::time::{SharedClock, SharedSleeper, SystemClock, TokioSleeper};
use crate::transport::SharedHttpTransport;

/// Which transport carries the requests (none chosen: reqwest from the settings).
#[derive(Clone)]
pub(crate) enum TransportChoice {
    /// A transport given with `http_transport(..)`.
    Custom(SharedHttpTransport),
    /// An `SdkConfig`'s HTTP client, given with `configure(..)`.
    #[cfg(feature = "sdk-config")]
    Sdk(aws_smithy_runtime_api::client::http::SharedHttpClient),
}

/// The HTTP and time settings of a builder; what is not set takes its default.
#[derive(Clone, Default)]
pub(crate) struct HttpSetup {
    /// Timeouts, retries, CA bundle, `User-Agent`.
    pub(crate) settings: Option<HttpSettings>,
    /// The transport.
    pub(crate) transport: Option<TransportChoice>,
    /// The clock (default: the system clock).
    pub(crate) clock: Option<SharedClock>,
    /// The sleep (default: tokio's).
    pub(crate) sleeper: Option<SharedSleeper>,
}

impl HttpSetup {
    /// The clock.
    pub(crate) fn clock(&self) -> SharedClock {
        self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock))
    }

    /// The sleep.
    pub(crate) fn sleeper(&self) -> SharedSleeper {
        self.sleeper
            .clone()
            .unwrap_or_else(|| Arc::new(TokioSleeper))
    }

    /// The HTTP settings, or the defaults with `session`'s CA bundle.
    pub(crate) fn settings_for(&self, session: &crate::config::SsoSession) -> HttpSettings {
        self.settings
            .clone()
            .unwrap_or_else(|| HttpSettings::for_session(session))
    }

    /// The client: the chosen transport (reqwest from `settings` by default) with the
    /// retry policy of `settings`, waiting with the sleep.
    pub(crate) fn client(&self, settings: &HttpSettings) -> Result<HttpClient, ServiceError> {
        if let (Some(ca_bundle), Some(_)) = (&settings.ca_bundle, &self.transport) {
            // Only ssokit's own reqwest transport reads the CA bundle.
            tracing::warn!(
                ca_bundle = %ca_bundle.display(),
                "the CA bundle (ca_bundle or AWS_CA_BUNDLE) is not used: the HTTP client given to ssokit decides which certificates it trusts"
            );
        }
        let client = match &self.transport {
            None => HttpClient::new(settings)?,
            Some(TransportChoice::Custom(transport)) => {
                HttpClient::with_transport(Arc::clone(transport), settings)
            }
            #[cfg(feature = "sdk-config")]
            Some(TransportChoice::Sdk(http_client)) => {
                let transport = super::sdk::SdkTransport::new(
                    http_client,
                    settings,
                    crate::time::time_source_from(&self.clock()),
                    aws_smithy_async::rt::sleep::SharedAsyncSleep::from(self.sleeper()),
                )?;
                HttpClient::with_transport(Arc::new(transport), settings)
            }
        };
        Ok(client.with_sleep(self.sleeper()))
    }

    /// Takes the HTTP client, time source and sleep of `sdk_config`, each only if set.
    #[cfg(feature = "sdk-config")]
    pub(crate) fn configure(&mut self, sdk_config: &aws_types::SdkConfig) {
        if let Some(http_client) = sdk_config.http_client() {
            self.transport = Some(TransportChoice::Sdk(http_client));
        } else {
            tracing::debug!(
                "the SdkConfig has no HTTP client of its own: ssokit keeps its reqwest transport"
            );
        }
        if let Some(time_source) = sdk_config.time_source() {
            self.clock = Some(crate::time::clock_from(time_source));
        }
        if let Some(sleep) = sdk_config.sleep_impl() {
            self.sleeper = Some(crate::time::sleeper_from(sleep));
        }
    }
}
