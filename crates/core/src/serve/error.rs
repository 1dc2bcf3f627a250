//! The errors of the container-credentials server: it could not listen, or could not
//! make its token. A failed credentials request is not one of them: the server
//! answers it with a JSON error and keeps serving.

/// Why the container-credentials server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The port could not be bound on 127.0.0.1 (in use, or not allowed).
    #[error(
        "cannot listen on 127.0.0.1:{port} for the container-credentials server ({reason}); choose another port, or 0 for any free one"
    )]
    Bind {
        /// The port asked for (0: any).
        port: u16,
        /// The system's reason.
        reason: String,
    },
    /// The system's random source failed, so no authorization token could be made.
    #[error(
        "cannot make the container-credentials server's authorization token: the system's random source failed ({reason})"
    )]
    NoRandomness {
        /// The random source's reason.
        reason: String,
    },
    /// The server stopped on an I/O failure.
    #[error("the container-credentials server on 127.0.0.1:{port} failed: {reason}")]
    Serve {
        /// The port it listened on.
        port: u16,
        /// The system's reason.
        reason: String,
    },
}
