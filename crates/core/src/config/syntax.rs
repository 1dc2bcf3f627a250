//! The lines of a config or credentials file, one at a time: what a line is
//! (comment, header, property, indented), a property line taken apart, an indented
//! line applied to the property above it, and the character rules (blanks, names,
//! inline comments).

use super::model::{FileKind, Property};

/// What a line is, before looking inside it.
pub(super) enum LineKind<'a> {
    /// Blank or comment.
    Skip,
    Header,
    /// Indented; the trimmed content.
    Indented(&'a str),
    Property,
}

pub(super) fn classify_line(line: &str) -> LineKind<'_> {
    let content = trim_blank(line);
    if content.is_empty() || content.starts_with('#') || content.starts_with(';') {
        LineKind::Skip
    } else if line.starts_with('[') {
        LineKind::Header
    } else if line.starts_with(is_blank) {
        LineKind::Indented(content)
    } else {
        LineKind::Property
    }
}

/// A property line taken apart (nothing allocated).
pub(super) struct PropertyLine<'a> {
    pub(super) key: &'a str,
    pub(super) value: &'a str,
    /// botocore's view of the value, when an inline comment was dropped.
    raw_value: Option<&'a str>,
}

impl PropertyLine<'_> {
    pub(super) fn into_property(self, line: usize, file: FileKind) -> Property {
        let mut text = String::with_capacity(self.key.len() + self.value.len());
        text.push_str(self.key);
        text.push_str(self.value);
        Property {
            text,
            key_len: self.key.len(),
            raw_value: self.raw_value.map(str::to_owned),
            line,
            file,
            sub_properties: Vec::new(),
        }
    }
}

/// Why a property line is malformed.
pub(super) enum PropertyLineError {
    /// No `=` or `:`.
    NoSeparator,
    /// Nothing before the separator.
    EmptyKey,
}

pub(super) fn property_line(line: &str) -> Result<PropertyLine<'_>, PropertyLineError> {
    let trimmed = trim_blank(line);
    let without_comment = match comment_start(trimmed, true) {
        Some(i) => trim_blank(trimmed.get(..i).unwrap_or(trimmed)),
        None => trimmed,
    };
    let (key, value) = split_property(without_comment).ok_or(PropertyLineError::NoSeparator)?;
    let key = trim_blank(key);
    if key.is_empty() {
        return Err(PropertyLineError::EmptyKey);
    }
    // botocore keeps the inline comment: remember its view of the value.
    let raw_value = if without_comment.len() == trimmed.len() {
        None
    } else {
        split_property(trimmed).map(|(_, raw)| trim_blank(raw))
    };
    Ok(PropertyLine {
        key,
        value: trim_blank(value),
        raw_value,
    })
}

/// Why an indented line cannot extend the property above it.
pub(super) enum ExtendError {
    NoSeparator,
    EmptyName,
}

/// Checks an indented line under a property: a sub-property `name = value` when the
/// property's value was empty, else a continuation.
pub(super) fn indented_line(
    content: &str,
    sub_properties: bool,
) -> Result<Option<(&str, &str)>, ExtendError> {
    if !sub_properties {
        return Ok(None);
    }
    let (name, value) = content.split_once('=').ok_or(ExtendError::NoSeparator)?;
    let name = trim_blank(name);
    if name.is_empty() {
        return Err(ExtendError::EmptyName);
    }
    Ok(Some((name, trim_blank(value))))
}

/// Applies an indented line to a property.
pub(super) fn extend(
    p: &mut Property,
    content: &str,
    sub_properties: bool,
) -> Result<(), ExtendError> {
    match indented_line(content, sub_properties)? {
        Some((name, value)) => {
            p.text.push('\n');
            p.text.push_str(name);
            p.text.push_str(" = ");
            p.text.push_str(value);
            p.sub_properties.push((name.to_owned(), value.to_owned()));
        }
        None => {
            // Continuation: `#` and `;` are literal here.
            p.text.push('\n');
            p.text.push_str(content);
            if let Some(raw) = &mut p.raw_value {
                raw.push('\n');
                raw.push_str(content);
            }
        }
    }
    Ok(())
}

pub(super) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

pub(super) fn trim_blank(s: &str) -> &str {
    let bytes = s.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    // Both ends are next to ASCII bytes, so they are char boundaries.
    s.get(start..end).unwrap_or("")
}

/// Letters, digits and `- / . % @ _ : +` (Unicode letters and digits included, as in
/// the SDKs).
pub(super) fn is_valid_name(name: &str) -> bool {
    /// Which ASCII bytes are allowed.
    const ALLOWED: [bool; 128] = {
        let mut table = [false; 128];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric()
                || matches!(c, b'-' | b'/' | b'.' | b'%' | b'@' | b'_' | b':' | b'+');
            b += 1;
        }
        table
    };
    fn ascii_ok(b: u8) -> bool {
        ALLOWED.get(usize::from(b)).copied().unwrap_or(false)
    }
    !name.is_empty()
        && (name.bytes().all(ascii_ok)
            || name
                .chars()
                .all(|c| c.is_alphanumeric() || (c.is_ascii() && ascii_ok(c as u8))))
}

/// The position of an inline comment: `#` or `;` after whitespace (or anywhere, when
/// `need_whitespace` is false). Scans bytes: both markers are ASCII.
pub(super) fn comment_start(line: &str, need_whitespace: bool) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(offset) = bytes
        .get(from..)?
        .iter()
        .position(|&b| b == b'#' || b == b';')
    {
        let i = from + offset;
        if !need_whitespace {
            return Some(i);
        }
        let prev_whitespace = line
            .get(..i)
            .and_then(|before| before.chars().next_back())
            .is_some_and(char::is_whitespace);
        if prev_whitespace {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Splits `key = value` or `key: value` at whichever separator comes first.
fn split_property(line: &str) -> Option<(&str, &str)> {
    let at = line.bytes().position(|b| b == b'=' || b == b':')?;
    Some((line.get(..at)?, line.get(at + 1..)?))
}
