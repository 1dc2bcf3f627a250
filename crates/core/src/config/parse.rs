//! The parser for one config or credentials file.
//!
//! It follows the rules the AWS SDKs for Rust, Java, Go and JavaScript share, and
//! accepts `key: value` like botocore. Where botocore (and so the AWS CLI) reads a
//! file differently, the difference is documented on [`parse`].

use std::path::Path;
use std::sync::Arc;

use super::error::ConfigError;
use super::index::{ParsedFile, Section, Span, open};
use super::model::{FileKind, SectionKind};
use super::syntax::{
    ExtendError, LineKind, PropertyLineError, classify_line, comment_start, indented_line,
    is_blank, is_valid_name, property_line, trim_blank,
};

/// Parses the text of one config or credentials file.
///
/// `path` is only used in error messages and [`ParsedFile::path`].
///
/// # Format
/// Lines end in LF or CRLF; blank lines and lines starting with `#` or `;` are
/// skipped. Headers are `[default]`, `[profile NAME]`, `[sso-session NAME]` and
/// `[services NAME]` in the config file and `[NAME]` in the credentials file; other
/// headers, and names with characters outside letters, digits and `- / . % @ _ : +`,
/// are ignored with their properties. In the config file `[profile default]` beats
/// `[default]`. Properties are `key = value` (or `key: value`, split at whichever of
/// `=` and `:` comes first); an inline comment is a `#` or `;` preceded by
/// whitespace; an indented line continues the previous value (`"\n"` + the trimmed
/// line); a property with an empty value followed by indented `k = v` lines has
/// sub-properties. Repeated sections merge and the last value of a key wins. A
/// leading UTF-8 byte-order mark is skipped.
///
/// # Differences from botocore (the AWS CLI)
/// botocore reads the files with Python's `configparser`, which keeps an inline
/// comment as part of the value (see [`Property::raw_value`]), accepts an indented
/// line without `=` under an empty value, and fails on a repeated section or key
/// where the SDKs (and ssokit) merge.
///
/// # Errors
/// [`ConfigError::Parse`], naming the file and line, for a header without `]`, text
/// after a header's `]` that is not a comment, a property before the first header, a
/// non-indented line without `=` or `:`, an empty key, an indented line right after
/// a header, a malformed sub-property line.
pub(crate) fn parse(text: &str, kind: FileKind, path: &Path) -> Result<ParsedFile, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser {
        file: ParsedFile::empty(kind, path),
        source: Arc::from(text),
        bare_default: None,
        bare_default_pos: 0,
        current: Current::None,
        open_span: None,
        last: Last::None,
    };
    // Headers are about one line in five or six: size the tables once.
    let headers = text.bytes().filter(|&b| b == b'[').count();
    parser.file.profiles.reserve(headers.min(1 << 16));
    parser.file.profile_index.reserve(headers.min(1 << 16));
    parser.run(text)
}

/// Where properties currently go.
#[derive(Clone, Copy)]
enum Target {
    Profile(usize),
    BareDefault,
    Session(usize),
    Services(usize),
}

#[derive(Clone, Copy)]
enum Current {
    /// Before the first header.
    None,
    /// Inside a section that is ignored.
    Ignored,
    Section,
}

#[derive(Clone, Copy)]
enum Last {
    /// No property yet in this section.
    None,
    /// A previous property; `sub_properties` when its value was empty.
    Property { sub_properties: bool },
}

/// The first pass: checks every line, finds the sections and their bodies.
struct Parser {
    file: ParsedFile,
    source: Arc<str>,
    bare_default: Option<Section>,
    bare_default_pos: usize,
    current: Current,
    /// The body being read: its target, start byte and first line.
    open_span: Option<(Target, usize, usize)>,
    last: Last,
}

impl Parser {
    fn run(mut self, text: &str) -> Result<ParsedFile, ConfigError> {
        let mut offset = 0;
        for (i, raw_line) in text.split('\n').enumerate() {
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            let next = (offset + raw_line.len() + 1).min(text.len());
            self.line(line, i + 1, offset, next)?;
            offset = next;
        }
        self.close_span(text.len());
        self.finish();
        Ok(self.file)
    }

    fn error(&self, line: usize, reason: impl Into<String>) -> ConfigError {
        ConfigError::Parse {
            path: self.file.path.clone(),
            line,
            reason: reason.into(),
        }
    }

    fn warn(&mut self, line: usize, message: String) {
        tracing::debug!(path = %self.file.path.display(), line, "{message}");
        self.file.warnings.push(format!(
            "{} line {line}: {message}",
            self.file.path.display()
        ));
    }

    fn line(
        &mut self,
        line: &str,
        number: usize,
        offset: usize,
        next: usize,
    ) -> Result<(), ConfigError> {
        match classify_line(line) {
            LineKind::Skip => Ok(()),
            LineKind::Header => self.header(line, number, offset, next),
            LineKind::Indented(content) => self.indented(content, number),
            LineKind::Property => self.property(line, number),
        }
    }

    fn close_span(&mut self, end: usize) {
        if let Some((target, start, line)) = self.open_span.take()
            && let Some(section) = self.section_mut(target)
        {
            section.add_span(Span { start, end, line });
        }
    }

    /// A header line from byte `offset`; its section's body starts at `next`.
    fn header(
        &mut self,
        line: &str,
        number: usize,
        offset: usize,
        next: usize,
    ) -> Result<(), ConfigError> {
        // A comment after the header needs no whitespace before it: `[a]# x`.
        let without_comment = match comment_start(line, false) {
            Some(i) => line.get(..i).unwrap_or(line),
            None => line,
        };
        let header = trim_blank(without_comment);
        if !header.contains(']') {
            return Err(self.error(
                number,
                "section header has no closing `]`; write it as `[profile NAME]` \
                 (a `#` or `;` in a header starts a comment)",
            ));
        }
        let inner_end = if header.ends_with(']') {
            header.len() - 1
        } else {
            return Err(self.error(
                number,
                "unexpected text after the `]` of a section header; only a `#` or `;` \
                 comment may follow it",
            ));
        };
        let inner = trim_blank(header.get(1..inner_end).unwrap_or(""));
        self.close_span(offset);
        self.last = Last::None;
        self.current = match self.classify(inner) {
            Ok((kind, name)) if is_valid_name(name) => {
                let target = self.open_section(kind, name, number);
                self.open_span = Some((target, next, number + 1));
                Current::Section
            }
            Ok((_, name)) => {
                let message = format!(
                    "section [{inner}] ignored: the name {name:?} has characters other than \
                     letters, digits and - / . % @ _ : +"
                );
                self.warn(number, message);
                Current::Ignored
            }
            Err(why) => {
                let message = format!("section [{inner}] ignored: {why}");
                self.warn(number, message);
                Current::Ignored
            }
        };
        Ok(())
    }

    /// What a header's inside means in this file: the section kind and name.
    fn classify<'a>(&self, inner: &'a str) -> Result<(HeaderKind, &'a str), &'static str> {
        let prefixed = |prefix: &str| -> Option<&'a str> {
            let rest = inner.strip_prefix(prefix)?;
            if rest.starts_with(is_blank) {
                Some(trim_blank(rest))
            } else {
                None
            }
        };
        match self.file.kind {
            FileKind::Credentials => {
                if prefixed("profile").is_some() {
                    Err("the credentials file uses [NAME], not [profile NAME]")
                } else {
                    Ok((HeaderKind::Profile, inner))
                }
            }
            FileKind::Config => {
                if inner == "default" {
                    Ok((HeaderKind::BareDefault, inner))
                } else if let Some(name) = prefixed("profile") {
                    Ok((HeaderKind::Profile, name))
                } else if let Some(name) = prefixed("sso-session") {
                    Ok((HeaderKind::SsoSession, name))
                } else if let Some(name) = prefixed("services") {
                    Ok((HeaderKind::Services, name))
                } else {
                    Err("in the config file a profile header is [profile NAME] \
                         (only [default] may omit `profile`)")
                }
            }
        }
    }

    fn open_section(&mut self, kind: HeaderKind, name: &str, line: usize) -> Target {
        let file_kind = self.file.kind;
        match kind {
            HeaderKind::BareDefault => {
                if self.bare_default.is_none() {
                    self.bare_default = Some(Section::new(
                        Arc::from("default"),
                        SectionKind::Profile,
                        line,
                        file_kind,
                        Arc::clone(&self.source),
                    ));
                    self.bare_default_pos = self.file.profiles.len();
                }
                Target::BareDefault
            }
            HeaderKind::Profile => Target::Profile(open(
                &mut self.file.profiles,
                &mut self.file.profile_index,
                name,
                SectionKind::Profile,
                line,
                file_kind,
                &self.source,
            )),
            HeaderKind::SsoSession => Target::Session(open(
                &mut self.file.sso_sessions,
                &mut self.file.session_index,
                name,
                SectionKind::SsoSession,
                line,
                file_kind,
                &self.source,
            )),
            HeaderKind::Services => Target::Services(open(
                &mut self.file.services,
                &mut self.file.services_index,
                name,
                SectionKind::Services,
                line,
                file_kind,
                &self.source,
            )),
        }
    }

    fn section_mut(&mut self, target: Target) -> Option<&mut Section> {
        match target {
            Target::Profile(i) => self.file.profiles.get_mut(i),
            Target::BareDefault => self.bare_default.as_mut(),
            Target::Session(i) => self.file.sso_sessions.get_mut(i),
            Target::Services(i) => self.file.services.get_mut(i),
        }
    }

    fn property(&mut self, line: &str, number: usize) -> Result<(), ConfigError> {
        let parsed = match property_line(line) {
            Ok(p) => p,
            Err(PropertyLineError::NoSeparator) => {
                if matches!(self.current, Current::None) {
                    return Err(self.error(
                        number,
                        "text before the first section header; put properties under a \
                         header such as [default] or [profile NAME]",
                    ));
                }
                return Err(self.error(
                    number,
                    "expected `key = value` but the line has no `=`; indent the line to \
                     continue the previous value, or start it with `#` to make it a comment",
                ));
            }
            Err(PropertyLineError::EmptyKey) => {
                return Err(self.error(
                    number,
                    "property has no name before the `=`; write it as `key = value`",
                ));
            }
        };
        match self.current {
            Current::None => {
                return Err(self.error(
                    number,
                    format!(
                        "property {:?} appears before the first section header; put it \
                         under a header such as [default] or [profile NAME]",
                        parsed.key
                    ),
                ));
            }
            Current::Section if !is_valid_name(parsed.key) => {
                let message = format!(
                    "key {:?} ignored: keys are made of letters, digits and - / . % @ _ : +",
                    parsed.key
                );
                self.warn(number, message);
            }
            _ => {}
        }
        self.last = Last::Property {
            sub_properties: parsed.value.is_empty(),
        };
        Ok(())
    }

    fn indented(&mut self, content: &str, number: usize) -> Result<(), ConfigError> {
        let sub_properties = match self.last {
            Last::Property { sub_properties } => sub_properties,
            Last::None => {
                return Err(match self.current {
                    Current::None => self.error(
                        number,
                        "indented text before the first section header; remove it or put \
                         it under a header such as [default]",
                    ),
                    _ => self.error(
                        number,
                        "indented line right after a section header, with no property to \
                         continue; remove the indentation",
                    ),
                });
            }
        };
        match indented_line(content, sub_properties) {
            Ok(_) => Ok(()),
            Err(ExtendError::NoSeparator) => Err(self.error(
                number,
                "expected an indented sub-property `name = value` (the property above \
                 has an empty value, so the lines under it are sub-properties)",
            )),
            Err(ExtendError::EmptyName) => Err(self.error(
                number,
                "sub-property has no name before the `=`; write it as `name = value`",
            )),
        }
    }

    fn finish(&mut self) {
        let Some(bare) = self.bare_default.take() else {
            return;
        };
        if self.file.profile_index.contains_key("default") {
            let message = "section [default] ignored: the file also has [profile default], \
                           which wins"
                .to_owned();
            self.warn(bare.line(), message);
            return;
        }
        let pos = self.bare_default_pos.min(self.file.profiles.len());
        self.file.profiles.insert(pos, bare);
        for i in self.file.profile_index.values_mut() {
            if *i >= pos {
                *i += 1;
            }
        }
        self.file.profile_index.insert(Arc::from("default"), pos);
    }
}

#[derive(Clone, Copy)]
enum HeaderKind {
    BareDefault,
    Profile,
    SsoSession,
    Services,
}
