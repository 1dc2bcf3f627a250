//! The shared AWS config and credentials files, and SSO profile resolution.
//!
//! - [`ConfigFiles`] finds the two files (`AWS_CONFIG_FILE`,
//!   `AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/...`).
//! - [`AwsConfig`] reads both files (a missing file is an empty one), finds their
//!   [`Section`]s and [`Property`]s, and resolves an SSO profile
//!   ([`AwsConfig::resolve_sso_profile`]) or an sso-session
//!   ([`AwsConfig::resolve_sso_session`]) into an [`SsoProfile`] / [`SsoSession`]:
//!   start URL, region, scopes, account and role, and [`Endpoints`], every value
//!   validated.
//! - [`selected_profile_name`] is the profile the environment selects.
//! - [`resolve_endpoints`] gives the default OIDC and portal endpoints of a region.
//!
//! ## File format
//!
//! The files are read with the rules the AWS SDKs for Rust, Java, Go and JavaScript
//! share, and `key: value` is accepted like botocore. Lines end in LF or CRLF; blank
//! lines and lines starting with `#` or `;` are skipped. Headers are `[default]`,
//! `[profile NAME]`, `[sso-session NAME]` and `[services NAME]` in the config file and
//! `[NAME]` in the credentials file; other headers, and names with characters outside
//! letters, digits and `- / . % @ _ : +`, are ignored with their properties. In the
//! config file `[profile default]` beats `[default]`. Properties are `key = value` (or
//! `key: value`, split at whichever of `=` and `:` comes first); an inline comment is
//! a `#` or `;` preceded by whitespace; an indented line continues the previous value
//! (`"\n"` + the trimmed line); a property with an empty value followed by indented
//! `k = v` lines has sub-properties. Repeated sections merge and the last value of a
//! key wins. A leading UTF-8 byte-order mark is skipped.
//!
//! botocore (the AWS CLI) reads the files with Python's `configparser`, which keeps an
//! inline comment as part of the value (see [`Property::raw_value`]), accepts an
//! indented line without `=` under an empty value, and fails on a repeated section or
//! key where the SDKs (and ssokit) merge.
//!
//! A syntax error is a [`ConfigError::Parse`] naming the file and line: a header
//! without `]`, text after a header's `]` that is not a comment, a property before the
//! first header, a non-indented line without `=` or `:`, an empty key, an indented
//! line right after a header, a malformed sub-property line.
//!
//! Inside, one-way: `parse` (the parser) builds on `index` (sections and files with
//! their indexes), `syntax` (one line at a time) and `model` (file and section kinds,
//! properties); `aws_config` reads the two files with it; `resolve` (profiles and
//! sessions) builds on `settings` (endpoints, CA bundle), `selection`, `session`,
//! `suggest` and `validate`.
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
mod chain;
mod endpoints;
mod error;
mod files;
mod index;
mod model;
mod parse;
mod resolve;
#[cfg(feature = "login")]
pub(crate) use resolve::USE_DEVICE_CODE;
mod selection;
mod session;
mod settings;
mod suggest;
mod syntax;
mod validate;

pub use aws_config::AwsConfig;
pub(crate) use aws_config::load_config;
pub use chain::{MAX_CHAINED_DURATION_SECONDS, MIN_DURATION_SECONDS};
pub use endpoints::Endpoints;
#[cfg(feature = "login")]
pub(crate) use endpoints::partition_dns_suffix;
pub use endpoints::resolve_endpoints;
pub use error::ConfigError;
#[cfg(feature = "login")]
pub(crate) use files::read_shared_file;
pub use files::{ConfigFiles, MAX_CONFIG_FILE_BYTES};
pub use index::Section;
pub use model::{FileKind, Property, SectionKind};
pub(crate) use resolve::resolve_profile;
pub use selection::selected_profile_name;
pub use session::{RoleChain, RoleHop, SsoProfile, SsoSession, StsEndpoint};
pub(crate) use validate::{validate_account_id, validate_region, validate_start_url};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
