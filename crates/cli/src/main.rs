//! The `ssokit` command line.
fn main() {}
