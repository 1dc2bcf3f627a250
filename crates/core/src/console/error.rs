//! The errors of console sign-in that are not the sign-in endpoint's answers.

/// Why a console sign-in URL could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsoleError {
    /// The destination is not an `https://` (or loopback `http://`) URL.
    #[error(
        "the console destination `{destination}` is not usable ({reason}); give an https:// URL of the console, or none for the console home of the profile's region"
    )]
    InvalidDestination {
        /// The destination as given (printable, at most 200 characters).
        destination: String,
        /// Why it is refused.
        reason: String,
    },
}
