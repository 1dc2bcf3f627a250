//! The sections of a parsed file and how they are found: [`Section`] (every
//! repetition of a header merged, its properties built on first use and indexed by
//! key once it is large) and [`ParsedFile`] (its profiles, sso-sessions and services
//! sections, indexed by name).

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;

use super::model::{FileKind, Property, SectionKind};
use super::syntax::{LineKind, classify_line, extend, is_valid_name, property_line};

/// FNV-1a: section names are short and not adversarial, and SipHash showed up in
/// profiles of large files.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(super) struct Fnv(u64);

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

pub(super) type NameIndex = HashMap<Arc<str>, usize, BuildHasherDefault<Fnv>>;

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
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line: usize,
}

/// A profile, sso-session or services section, with every repetition of it merged.
///
/// The file is checked completely by the parser; a section's properties are built
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
    pub(super) fn new(
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

    pub(super) fn add_span(&mut self, span: Span) {
        if self.first_span.is_none() {
            self.first_span = Some(span);
        } else {
            self.more_spans.push(span);
        }
    }

    fn props(&self) -> &Properties {
        self.properties.get_or_init(|| self.build())
    }

    /// Builds the properties from the section's spans (already checked by [`parse`](super::parse::parse)).
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
pub(crate) struct ParsedFile {
    pub(super) path: PathBuf,
    pub(super) kind: FileKind,
    pub(super) profiles: Vec<Section>,
    pub(super) profile_index: NameIndex,
    pub(super) sso_sessions: Vec<Section>,
    pub(super) session_index: NameIndex,
    pub(super) services: Vec<Section>,
    pub(super) services_index: NameIndex,
    pub(super) warnings: Vec<String>,
}

impl ParsedFile {
    /// An empty file (what a missing file reads as).
    pub(crate) fn empty(kind: FileKind, path: &Path) -> Self {
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

    /// The file's path (as given to [`parse`](super::parse::parse)).
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Which file it is.
    #[cfg(test)]
    pub(crate) fn kind(&self) -> FileKind {
        self.kind
    }

    /// The profiles, in the order they first appear.
    pub(crate) fn profiles(&self) -> &[Section] {
        &self.profiles
    }

    /// The sso-sessions, in the order they first appear.
    pub(crate) fn sso_sessions(&self) -> &[Section] {
        &self.sso_sessions
    }

    /// The services sections, in the order they first appear.
    #[cfg(test)]
    pub(crate) fn services_sections(&self) -> &[Section] {
        &self.services
    }

    /// The profile `name` (case-sensitive, like the SDKs).
    pub(crate) fn profile(&self, name: &str) -> Option<&Section> {
        lookup(&self.profiles, &self.profile_index, name)
    }

    /// The sso-session `name`.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Section> {
        lookup(&self.sso_sessions, &self.session_index, name)
    }

    /// The services section `name`.
    pub(crate) fn services(&self, name: &str) -> Option<&Section> {
        lookup(&self.services, &self.services_index, name)
    }

    /// Things that were ignored (sections, keys), each naming its line.
    pub(crate) fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

fn lookup<'a>(sections: &'a [Section], index: &NameIndex, name: &str) -> Option<&'a Section> {
    index.get(name).and_then(|&i| sections.get(i))
}

/// The section `name` of `sections`, added (and indexed) if it is new: its position.
pub(super) fn open(
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
