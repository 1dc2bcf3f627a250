//! HTTPS for the emulator: a certificate and key given by the user (for instance one
//! signed by a test CA that the client trusts through `AWS_CA_BUNDLE`), so clients can
//! be tested, and measured, over TLS as they talk to AWS.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client has to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A server certificate chain and its private key, PEM-encoded.
#[derive(Clone, PartialEq, Eq)]
pub struct TlsIdentity {
    /// The certificate chain, the server's certificate first.
    pub cert_chain_pem: String,
    /// The private key (PKCS #8, PKCS #1 or SEC1).
    pub key_pem: String,
}

impl fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsIdentity")
            .field(
                "cert_chain_pem",
                &format_args!("{} bytes", self.cert_chain_pem.len()),
            )
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// The test root CA that signed [`TlsIdentity::test_localhost`]'s certificate (PEM):
/// write it to a file and name the file in `AWS_CA_BUNDLE` to trust the emulator.
/// For tests only: nothing should trust it beyond a test (the certificate's key is
/// published in the repository).
pub const TEST_CA_PEM: &str = include_str!("../test-tls/ca.pem");

impl TlsIdentity {
    /// A certificate for `localhost` and `127.0.0.1` signed by [`TEST_CA_PEM`], with
    /// its (published, not secret) key: HTTPS for tests with no certificate to make.
    pub fn test_localhost() -> Self {
        Self {
            cert_chain_pem: include_str!("../test-tls/localhost.pem").to_owned(),
            key_pem: include_str!("../test-tls/localhost.key").to_owned(),
        }
    }

    /// The acceptor serving this identity.
    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, String> {
        let chain = CertificateDer::pem_slice_iter(self.cert_chain_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("the certificate is not PEM: {e}"))?;
        if chain.is_empty() {
            return Err("no PEM certificate in the certificate file".into());
        }
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|e| format!("the key is not a PEM private key: {e}"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("the certificate and key do not go together: {e}"))?;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// A listener that hands axum connections once their TLS handshake is done. The
/// handshakes run in their own tasks, so a client that never finishes one holds up
/// nobody else.
pub(crate) struct TlsListener {
    local: std::net::SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, std::net::SocketAddr)>,
}

impl TlsListener {
    /// Serves `acceptor`'s handshakes for the connections of `listener`.
    pub(crate) fn new(listener: TcpListener, acceptor: TlsAcceptor) -> std::io::Result<Self> {
        let local = listener.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                // Ends, closing the port, once the server has dropped the listener.
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    () = tx.closed() => return,
                };
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        tracing::debug!(error = %e, "emulator accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                // A TLS flight is several writes: without this, Nagle's algorithm and
                // the client's delayed ACK stall every handshake by ~40 ms.
                let _ = stream.set_nodelay(true);
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(error = %e, "emulator TLS handshake failed"),
                        Err(_) => tracing::debug!("emulator TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(Self { local, ready })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accepting task ended (it never does while the listener lives).
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}
