//! The harness of ssokit's cross-language and external-tool tests (the suites are in
//! `tests/tests/`): the tools they drive and how to find them ([`tools`]), a
//! temporary AWS home pointed at an in-process emulator ([`World`]), commands run
//! with a deadline ([`run`]) and a minimal WebDriver client for Chromium
//! ([`webdriver`]).
//!
//! None of this is needed by `cargo test` at the root: the core, the CLI and the
//! emulator test themselves with Rust and the emulator alone.
#![allow(clippy::unwrap_used)]

pub mod run;
pub mod tools;
pub mod webdriver;
mod world;

pub use world::World;
