//! The parser for one config or credentials file.
//!
//! It follows the rules the AWS SDKs for Rust, Java, Go and JavaScript share, and
//! accepts `key: value` like botocore. Where botocore (and so the AWS CLI) reads a
//! file differently, the difference is documented on [`parse`].

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;

use super::error::ConfigError;

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
    text: String,
    /// Where the value starts in `text`.
    key_len: usize,
    /// The value as botocore reads it (inline comment kept), when it differs.
    raw_value: Option<String>,
    line: usize,
    file: FileKind,
    sub_properties: Vec<(String, String)>,
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

/// FNV-1a: section names are short and not adversarial, and SipHash showed up in
/// profiles of large files.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type NameIndex = HashMap<Arc<str>, usize, BuildHasherDefault<Fnv>>;

/// Sections bigger than this get a hash index for key lookups.
const INDEX_THRESHOLD: usize = 16;

/// The merged properties of a section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Properties {
    list: Vec<Property>,
    /// Lower-case key -> position, built once the section is large.
    index: Option<HashMap<String, usize>>,
}

impl Properties {
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => {
                if key.bytes().any(|b| b.is_ascii_uppercase()) {
                    index.get(&key.to_ascii_lowercase()).copied()
                } else {
                    index.get(key).copied()
                }
            }
            None => self
                .list
                .iter()
                .position(|p| p.key().eq_ignore_ascii_case(key)),
        }
    }

    /// Adds or replaces (last wins) a property; returns its position.
    fn set(&mut self, property: Property) -> usize {
        if let Some(i) = self.position(property.key()) {
            if let Some(slot) = self.list.get_mut(i) {
                *slot = property;
            }
            return i;
        }
        let i = self.list.len();
        if let Some(index) = &mut self.index {
            index.insert(property.key().to_ascii_lowercase(), i);
        }
        self.list.push(property);
        if self.index.is_none() && self.list.len() > INDEX_THRESHOLD {
            self.index = Some(
                self.list
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.key().to_ascii_lowercase(), i))
                    .collect(),
            );
        }
        i
    }
}

/// The body of one header's occurrence: byte range in the file text and the line
/// number of its first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    line: usize,
}

/// A profile, sso-session or services section, with every repetition of it merged.
///
/// The file is checked completely by [`parse`]; a section's properties are built
/// from the text the first time they are looked at, so that reading a large file
/// to use one profile stays fast.
#[derive(Clone)]
pub struct Section {
    name: Arc<str>,
    kind: SectionKind,
    line: usize,
    file: FileKind,
    source: Arc<str>,
    first_span: Option<Span>,
    more_spans: Vec<Span>,
    properties: OnceLock<Properties>,
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("line", &self.line)
            .field("file", &self.file)
            .field("properties", &self.props().list)
            .finish()
    }
}

impl PartialEq for Section {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.kind == other.kind
            && self.line == other.line
            && self.file == other.file
            && self.props().list == other.props().list
    }
}

impl Eq for Section {}

impl Section {
    fn new(
        name: Arc<str>,
        kind: SectionKind,
        line: usize,
        file: FileKind,
        source: Arc<str>,
    ) -> Self {
        Self {
            name,
            kind,
            line,
            file,
            source,
            first_span: None,
            more_spans: Vec::new(),
            properties: OnceLock::new(),
        }
    }

    fn add_span(&mut self, span: Span) {
        if self.first_span.is_none() {
            self.first_span = Some(span);
        } else {
            self.more_spans.push(span);
        }
    }

    fn props(&self) -> &Properties {
        self.properties.get_or_init(|| self.build())
    }

    /// Builds the properties from the section's spans (already checked by [`parse`]).
    fn build(&self) -> Properties {
        let mut props = Properties::default();
        for span in self.first_span.iter().chain(&self.more_spans) {
            let body = self.source.get(span.start..span.end).unwrap_or("");
            let mut last: Option<(usize, bool)> = None;
            for (i, line) in body.split('\n').enumerate() {
                let line = line.strip_suffix('\r').unwrap_or(line);
                match classify_line(line) {
                    LineKind::Skip | LineKind::Header => {}
                    LineKind::Property => match property_line(line) {
                        Ok(p) if is_valid_name(p.key) => {
                            let sub = p.value.is_empty();
                            let at = props.set(p.into_property(span.line + i, self.file));
                            last = Some((at, sub));
                        }
                        _ => last = None,
                    },
                    LineKind::Indented(content) => {
                        if let Some((at, sub)) = last
                            && let Some(p) = props.list.get_mut(at)
                        {
                            let _ = extend(p, content, sub);
                        }
                    }
                }
            }
        }
        props
    }

    /// The name: `dev` for `[profile dev]`, `default` for `[default]`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the section is.
    pub fn kind(&self) -> SectionKind {
        self.kind
    }

    /// The line (from 1) of the section's first header.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Which file the section comes from.
    pub fn file(&self) -> FileKind {
        self.file
    }

    /// The property `key` (case-insensitive), if present.
    pub fn get(&self, key: &str) -> Option<&Property> {
        let props = self.props();
        props.position(key).and_then(|i| props.list.get(i))
    }

    /// The value of `key` (case-insensitive), if present.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(Property::value)
    }

    /// The properties, in the order their keys first appear.
    pub fn properties(&self) -> impl Iterator<Item = &Property> {
        self.props().list.iter()
    }

    /// The number of properties.
    pub fn len(&self) -> usize {
        self.props().list.len()
    }

    /// Whether the section has no properties.
    pub fn is_empty(&self) -> bool {
        self.props().list.is_empty()
    }

    /// How the header reads in the config file: `[profile dev]`, `[default]`,
    /// `[sso-session s]`, `[services x]`; `[dev]` for a credentials-file profile.
    pub fn header(&self) -> String {
        match (self.kind, self.file) {
            (SectionKind::Profile, FileKind::Credentials) => format!("[{}]", self.name),
            (SectionKind::Profile, FileKind::Config) if &*self.name == "default" => {
                "[default]".to_owned()
            }
            (SectionKind::Profile, FileKind::Config) => format!("[profile {}]", self.name),
            (SectionKind::SsoSession, _) => format!("[sso-session {}]", self.name),
            (SectionKind::Services, _) => format!("[services {}]", self.name),
        }
    }

    /// Merges another section of the same name into this one (its keys win).
    pub(crate) fn merge_from(&mut self, other: &Section) {
        let mut props = self.props().clone();
        for p in other.properties() {
            props.set(p.clone());
        }
        self.properties = OnceLock::from(props);
    }
}

/// One parsed file: its profiles, sso-sessions and services sections in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    path: PathBuf,
    kind: FileKind,
    profiles: Vec<Section>,
    profile_index: NameIndex,
    sso_sessions: Vec<Section>,
    session_index: NameIndex,
    services: Vec<Section>,
    services_index: NameIndex,
    warnings: Vec<String>,
}

impl ParsedFile {
    /// An empty file (what a missing file reads as).
    pub fn empty(kind: FileKind, path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            kind,
            profiles: Vec::new(),
            profile_index: NameIndex::default(),
            sso_sessions: Vec::new(),
            session_index: NameIndex::default(),
            services: Vec::new(),
            services_index: NameIndex::default(),
            warnings: Vec::new(),
        }
    }

    /// The file's path (as given to [`parse`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which file it is.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The profiles, in the order they first appear.
    pub fn profiles(&self) -> &[Section] {
        &self.profiles
    }

    /// The sso-sessions, in the order they first appear.
    pub fn sso_sessions(&self) -> &[Section] {
        &self.sso_sessions
    }

    /// The services sections, in the order they first appear.
    pub fn services_sections(&self) -> &[Section] {
        &self.services
    }

    /// The profile `name` (case-sensitive, like the SDKs).
    pub fn profile(&self, name: &str) -> Option<&Section> {
        lookup(&self.profiles, &self.profile_index, name)
    }

    /// The sso-session `name`.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        lookup(&self.sso_sessions, &self.session_index, name)
    }

    /// The services section `name`.
    pub fn services(&self, name: &str) -> Option<&Section> {
        lookup(&self.services, &self.services_index, name)
    }

    /// Things that were ignored (sections, keys), each naming its line.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

fn lookup<'a>(sections: &'a [Section], index: &NameIndex, name: &str) -> Option<&'a Section> {
    index.get(name).and_then(|&i| sections.get(i))
}

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
pub fn parse(text: &str, kind: FileKind, path: &Path) -> Result<ParsedFile, ConfigError> {
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

/// What a line is, before looking inside it.
enum LineKind<'a> {
    /// Blank or comment.
    Skip,
    Header,
    /// Indented; the trimmed content.
    Indented(&'a str),
    Property,
}

fn classify_line(line: &str) -> LineKind<'_> {
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
struct PropertyLine<'a> {
    key: &'a str,
    value: &'a str,
    /// botocore's view of the value, when an inline comment was dropped.
    raw_value: Option<&'a str>,
}

impl PropertyLine<'_> {
    fn into_property(self, line: usize, file: FileKind) -> Property {
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
enum PropertyLineError {
    /// No `=` or `:`.
    NoSeparator,
    /// Nothing before the separator.
    EmptyKey,
}

fn property_line(line: &str) -> Result<PropertyLine<'_>, PropertyLineError> {
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
enum ExtendError {
    NoSeparator,
    EmptyName,
}

/// Checks an indented line under a property: a sub-property `name = value` when the
/// property's value was empty, else a continuation.
fn indented_line(content: &str, sub_properties: bool) -> Result<Option<(&str, &str)>, ExtendError> {
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
fn extend(p: &mut Property, content: &str, sub_properties: bool) -> Result<(), ExtendError> {
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

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn trim_blank(s: &str) -> &str {
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
pub(crate) fn is_valid_name(name: &str) -> bool {
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
fn comment_start(line: &str, need_whitespace: bool) -> Option<usize> {
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
            self.warn(bare.line, message);
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

fn open(
    sections: &mut Vec<Section>,
    index: &mut NameIndex,
    name: &str,
    kind: SectionKind,
    line: usize,
    file: FileKind,
    source: &Arc<str>,
) -> usize {
    if let Some(&i) = index.get(name) {
        return i;
    }
    let i = sections.len();
    let name: Arc<str> = Arc::from(name);
    sections.push(Section::new(
        Arc::clone(&name),
        kind,
        line,
        file,
        Arc::clone(source),
    ));
    index.insert(name, i);
    i
}
