//! A local stand-in for AWS IAM Identity Center (SSO OIDC and the SSO portal).
//!
//! This crate is reserved for the emulator that lets ssokit's demo, tests and
//! benchmarks run offline. It has no public API yet.
