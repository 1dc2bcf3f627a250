//! The shared AWS config and credentials files, and SSO profile resolution.
//!
//! - [`ConfigFiles`] finds the two files (`AWS_CONFIG_FILE`,
//!   `AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/...`).
//! - [`parse`] reads one file into a [`ParsedFile`] of [`Section`]s and
//!   [`Property`]s, with the rules the AWS SDKs share (documented there, with where
//!   botocore differs).
//! - [`AwsConfig`] holds both files and resolves an SSO profile
//!   ([`AwsConfig::resolve_sso_profile`]) or an sso-session
//!   ([`AwsConfig::resolve_sso_session`]) into an [`SsoProfile`] / [`SsoSession`]:
//!   start URL, region, scopes, account and role, and [`Endpoints`].
//! - [`resolve_endpoints`] gives the default OIDC and portal endpoints of a region.
//! - [`validate_region`], [`validate_start_url`], [`validate_account_id`] and
//!   [`validate_endpoint_url`] check values before they are used.
//!
//! ```
//! use ssokit::config::AwsConfig;
//! use ssokit::env::Env;
//!
//! let config = AwsConfig::from_texts(
//!     "[profile dev]\n\
//!      sso_session = my-sso\n\
//!      sso_account_id = 111122223333\n\
//!      sso_role_name = ReadOnly\n\
//!      [sso-session my-sso]\n\
//!      sso_start_url = https://d-1234567890.awsapps.com/start\n\
//!      sso_region = us-east-1\n",
//!     "",
//! )?;
//! let profile = config.resolve_sso_profile("dev", &Env::from_vars([("HOME", "/h")]))?;
//! assert_eq!(profile.session.token_cache_key_source(), "my-sso");
//! assert_eq!(profile.session.endpoints.oidc, "https://oidc.us-east-1.amazonaws.com");
//! # Ok::<(), ssokit::config::ConfigError>(())
//! ```

mod aws_config;
mod endpoints;
mod error;
mod files;
mod index;
mod model;
mod parse;
mod resolve;
mod selection;
mod session;
mod settings;
mod suggest;
mod syntax;
mod validate;

pub use aws_config::AwsConfig;
pub(crate) use aws_config::load_config;
pub use endpoints::{Endpoints, partition_dns_suffix, partition_name, resolve_endpoints};
pub use error::{ConfigError, ValueError};
#[cfg(feature = "login")]
pub(crate) use files::read_shared_file;
pub use files::{ConfigFiles, MAX_CONFIG_FILE_BYTES};
pub use index::{ParsedFile, Section};
pub use model::{FileKind, Property, SectionKind};
pub use parse::parse;
pub(crate) use resolve::resolve_profile;
pub use selection::selected_profile_name;
pub use session::{SsoProfile, SsoSession};
pub use validate::{
    validate_account_id, validate_endpoint_url, validate_region, validate_start_url,
};

#[cfg(test)]
mod tests;
