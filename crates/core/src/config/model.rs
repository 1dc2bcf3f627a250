//! The model of a parsed file: which file ([`FileKind`]), what a section is
//! ([`SectionKind`]) and its properties ([`Property`]).

use std::fmt;

/// Which of the two shared files a text comes from. The section headers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[sso-session NAME]`,
    /// `[services NAME]`.
    Config,
    /// `~/.aws/credentials`: bare `[NAME]` profiles only.
    Credentials,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        })
    }
}

/// What a section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `[default]`, `[profile NAME]`, or a credentials-file `[NAME]`.
    Profile,
    /// `[sso-session NAME]`.
    SsoSession,
    /// `[services NAME]`.
    Services,
}

/// One `key = value` of a section, after comments, continuations and merging.
///
/// `Debug` shows the value only when it cannot be a secret: values from the
/// credentials file, and keys that look like secrets, print as `** redacted **`.
#[derive(Clone, PartialEq, Eq)]
pub struct Property {
    /// The key followed by the value, in one allocation.
    pub(super) text: String,
    /// Where the value starts in `text`.
    pub(super) key_len: usize,
    /// The value as botocore reads it (inline comment kept), when it differs.
    pub(super) raw_value: Option<String>,
    pub(super) line: usize,
    pub(super) file: FileKind,
    pub(super) sub_properties: Vec<(String, String)>,
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = self.key().to_ascii_lowercase();
        let secret = self.file == FileKind::Credentials
            || ["secret", "token", "password", "key_id"]
                .iter()
                .any(|word| key.contains(word));
        let mut d = f.debug_struct("Property");
        d.field("key", &self.key()).field("line", &self.line);
        if secret {
            d.field("value", &crate::secret::REDACTED);
        } else {
            d.field("value", &self.value())
                .field("raw_value", &self.raw_value)
                .field("sub_properties", &self.sub_properties);
        }
        d.field("file", &self.file).finish()
    }
}

impl Property {
    /// The key as written (keys compare case-insensitively).
    pub fn key(&self) -> &str {
        self.text.get(..self.key_len).unwrap_or("")
    }

    /// The value: trimmed, inline comment dropped, continuation lines appended after
    /// `\n`. For a property with sub-properties it is `"\nk = v\nk2 = v2"`.
    pub fn value(&self) -> &str {
        self.text.get(self.key_len..).unwrap_or("")
    }

    /// The value as botocore (and so the AWS CLI) reads it: the same as
    /// [`value`](Self::value) except that an inline ` # comment` or ` ; comment` is
    /// kept. Compare the two to warn where ssokit and the AWS CLI would disagree.
    pub fn raw_value(&self) -> &str {
        self.raw_value.as_deref().unwrap_or_else(|| self.value())
    }

    /// Whether an inline comment was dropped from the value.
    pub fn had_inline_comment(&self) -> bool {
        self.raw_value.is_some()
    }

    /// The line (from 1) of the last definition of the key.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Which file the property comes from.
    pub fn file(&self) -> FileKind {
        self.file
    }

    /// The indented `name = value` lines under a property with an empty value, in
    /// file order, names and values trimmed. Empty for any other property.
    pub fn sub_properties(&self) -> &[(String, String)] {
        &self.sub_properties
    }

    /// The last sub-property called `name` (case-insensitive).
    pub fn sub_property(&self, name: &str) -> Option<&str> {
        self.sub_properties
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
