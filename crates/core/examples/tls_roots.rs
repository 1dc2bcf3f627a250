//! Where the trusted roots come from, timed: what ssokit does (Mozilla's roots,
//! compiled in) against loading the system's trust store as `rustls-native-certs`
//! does (what aws-config's default HTTP client and reqwest's platform verifier do on
//! Linux: `SSL_CERT_FILE`, `SSL_CERT_DIR`, else the distribution's bundle). Each
//! source is timed in a fresh process by `benches/first_calls.py`, or by hand:
//!
//! ```sh
//! cargo build --release --example tls_roots -p ssokit
//! target/release/examples/tls_roots mozilla
//! target/release/examples/tls_roots system
//! SSL_CERT_DIR=/etc/ssl/certs target/release/examples/tls_roots system
//! ```
//!
//! Prints the number of roots and the microseconds it took to have them in a
//! `RootCertStore`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line program
#![allow(clippy::disallowed_methods)] // it measures the real time

use std::process::ExitCode;
use std::time::Instant;

use rustls::RootCertStore;

fn main() -> ExitCode {
    let source = std::env::args().nth(1).unwrap_or_default();
    let start = Instant::now();
    let store = match source.as_str() {
        "mozilla" => RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
        "system" => {
            let loaded = rustls_native_certs::load_native_certs();
            let mut store = RootCertStore::empty();
            let (added, _ignored) = store.add_parsable_certificates(loaded.certs);
            if added == 0 {
                eprintln!("no system roots: {:?}", loaded.errors);
                return ExitCode::FAILURE;
            }
            store
        }
        _ => {
            eprintln!("usage: tls_roots mozilla|system");
            return ExitCode::from(2);
        }
    };
    let micros = start.elapsed().as_micros();
    println!("{} {micros}", store.len());
    ExitCode::SUCCESS
}
