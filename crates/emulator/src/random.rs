//! Random identifiers, secrets and user codes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Letters that cannot be mistaken for one another or spell words, as device-flow
/// user codes use (RFC 8628 §6.1).
const USER_CODE_LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `n` bytes from the operating system's random source (fastrand if that fails).
fn bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if getrandom::fill(&mut buf).is_err() {
        fastrand::fill(&mut buf);
    }
    buf
}

/// `len` characters drawn from `alphabet`.
fn from_alphabet(alphabet: &[u8], len: usize) -> String {
    bytes(len)
        .into_iter()
        .map(|b| char::from(alphabet[usize::from(b) % alphabet.len()]))
        .collect()
}

/// An opaque token: `prefix` then `len` random alphanumeric characters.
pub(crate) fn token(prefix: &str, len: usize) -> String {
    format!("{prefix}{}", from_alphabet(ALPHANUMERIC, len))
}

/// A long base64url secret (`bytes` random bytes).
pub(crate) fn secret(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(bytes(n))
}

/// A user code such as `BDFG-HJKL`.
pub(crate) fn user_code() -> String {
    let raw = from_alphabet(USER_CODE_LETTERS, 8);
    format!("{}-{}", &raw[..4], &raw[4..])
}

/// An access key id in the shape of STS temporary keys (`ASIA` + 16).
pub(crate) fn access_key_id() -> String {
    format!("ASIA{}", from_alphabet(UPPER_DIGITS, 16))
}

/// A 40-character secret access key.
pub(crate) fn secret_access_key() -> String {
    let chars = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    from_alphabet(chars, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let code = user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(access_key_id().starts_with("ASIA"));
        assert_eq!(access_key_id().len(), 20);
        assert_eq!(secret_access_key().len(), 40);
        assert_ne!(token("aoa", 32), token("aoa", 32));
        assert!(secret(48).len() >= 64);
    }
}
