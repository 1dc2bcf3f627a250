//! The core's modules form one-way layers: a module may use its own files and the
//! modules of the layers below its own, nothing above, and not the other modules of
//! its own layer (modules that share a layer are independent of each other). This
//! test reads every file under `src/`, finds each `crate::<module>` path (and each
//! `super::` path that leaves its top-level module, and each root re-export such as
//! `crate::Error`, by what it re-exports), and fails on every reference that does not
//! point down, naming the file, the line and the edge. The layers are documented in
//! `src/lib.rs` and `docs/rust.md`; keep the three in step.
//!
//! A module that is not in [`LAYERS`] fails the test too: a new module must be given
//! its place.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Every module and its layer, lowest first. A module is named by its path from the
/// crate root; the longest entry that is a prefix of a module's path gives its layer
/// (`auth::error` is below the rest of `auth`).
const LAYERS: &[(&str, u8)] = &[
    // Utilities with no ssokit dependency: the environment, time, secrets, bounded
    // file reads, the warning sink.
    ("env", 0),
    ("time", 0),
    ("secret", 0),
    ("read_limited", 0),
    ("warnings", 0),
    // The HTTP seam: a request in, a response out.
    ("transport", 0),
    // The AWS config and credentials files.
    ("config", 1),
    // The three caches (they take config's sessions), and the HTTP clients of SSO
    // OIDC and the SSO portal: independent of each other.
    ("cache", 2),
    ("client", 2),
    // Leaves over the data layers: printing and opening URLs (with the session's
    // endpoints and the client's loopback rule), and the credential output formats.
    ("browser", 3),
    ("export", 3),
    // Custom start URLs: their one redirect, read through the client, checked
    // against the allow-list of AWS portal hosts.
    ("start_url", 3),
    // Auth's error and what a user logs in to, which the crate-wide error wraps.
    ("auth::error", 4),
    // The container-credentials server's error, which the crate-wide error wraps.
    ("serve::error", 4),
    // Console sign-in's error, which the crate-wide error wraps.
    ("console::error", 4),
    // The crate-wide Error: one variant per lower layer's error.
    ("error", 5),
    // Blocking file work off the executor (fails with Error).
    ("rt", 6),
    // Logins, the token provider and the credentials provider.
    ("auth", 7),
    // Sso: a resolved profile or session with everything to act on it.
    ("sso", 8),
    // The operations each front-end calls once, above Sso.
    ("logout", 9),
    ("populate", 9),
    ("status", 9),
    ("profile", 9),
    // The container-credentials server, over the credentials provider.
    ("serve", 9),
    // Console sign-in: the credentials of an Sso, through the sign-in client.
    ("console", 9),
];

/// Edges that break the layers today and are being removed on other branches: the
/// file, the module it may still use, and why. Each must still occur: the test fails
/// once it is gone, so that its entry goes with it.
const KNOWN_EXCEPTIONS: &[(&str, &str, &str)] = &[];

fn layer_of(path: &[String]) -> Option<(&'static str, u8)> {
    LAYERS
        .iter()
        .filter(|(name, _)| {
            let parts: Vec<&str> = name.split("::").collect();
            parts.len() <= path.len() && parts.iter().zip(path).all(|(a, b)| *a == b)
        })
        .max_by_key(|(name, _)| name.split("::").count())
        .map(|&(name, layer)| (name, layer))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/auth/login.rs` is `auth::login`,
/// `src/auth/mod.rs` is `auth`, `src/lib.rs` is the root.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" {
            parts.push(stem.to_owned());
        }
    }
    parts
}

/// The text with comments blanked out (line structure kept), so that doc links and
/// prose are not references. String literals are kept as they are: a `//` inside a
/// string does not start a comment.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut prev = '\0';
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            match c {
                '"' if prev != '\\' => in_string = !in_string,
                '/' if !in_string && prev == '/' => {
                    cut = i - 1;
                    break;
                }
                _ => {}
            }
            prev = if prev == '\\' && c == '\\' { '\0' } else { c };
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path that starts with `keyword::` (`crate` or `super`) in `code`: the line
/// (from 1) and the segments after the keyword (`crate::a::{b, c::d}` gives `a::b`
/// and `a::c::d`).
fn paths_after(code: &str, keyword: &str) -> Vec<(usize, Vec<String>)> {
    let needle = format!("{keyword}::");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = code[from..].find(&needle) {
        let start = from + offset;
        from = start + needle.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| is_ident(c) || c == '$' || c == ':') {
            continue;
        }
        let line = code[..start].matches('\n').count() + 1;
        for path in expand(&code[from..]) {
            found.push((line, path));
        }
    }
    found
}

/// The paths at the start of `rest`: `a::b::C` or a group `{a, b::{c, d}}`.
fn expand(rest: &str) -> Vec<Vec<String>> {
    let rest = rest.trim_start();
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 1;
        let mut end = group.len();
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &group[..end];
        let mut items = Vec::new();
        let (mut depth, mut item_start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[item_start..i]);
                    item_start = i + 1;
                }
                _ => {}
            }
        }
        items.push(&inner[item_start..]);
        return items
            .into_iter()
            .filter(|i| !i.trim().is_empty())
            .flat_map(expand)
            .collect();
    }
    let ident: String = rest.chars().take_while(|&c| is_ident(c)).collect();
    if ident.is_empty() {
        return vec![Vec::new()];
    }
    let after = &rest[ident.len()..];
    match after.strip_prefix("::") {
        Some(more) => expand(more)
            .into_iter()
            .map(|mut tail| {
                tail.insert(0, ident.clone());
                tail
            })
            .collect(),
        None => vec![vec![ident]],
    }
}

/// The crate root's re-exports (`pub use auth::token::SsoTokenProvider;`): name to
/// path.
fn root_reexports(lib: &str) -> BTreeMap<String, Vec<String>> {
    let code = code_only(lib);
    let mut names = BTreeMap::new();
    for statement in code.split(';') {
        let Some(at) = statement.find("pub use ") else {
            continue;
        };
        for path in expand(&statement[at + "pub use ".len()..]) {
            if let Some(name) = path.last() {
                names.insert(name.clone(), path.clone());
            }
        }
    }
    names
}

#[test]
fn modules_use_only_their_own_layer_and_those_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let reexports = root_reexports(&lib);
    assert!(
        reexports.contains_key("Error") && reexports.contains_key("Sso"),
        "the test no longer finds the root re-exports of src/lib.rs: {reexports:?}"
    );

    let mut violations = Vec::new();
    let mut unknown = Vec::new();
    let mut exceptions_seen = BTreeSet::new();
    for file in &files {
        let module = module_of(&src, file);
        if module.is_empty() {
            continue; // lib.rs: declares the modules and re-exports
        }
        let shown = file
            .strip_prefix(src.parent().unwrap_or(&src))
            .unwrap_or(file);
        let Some((from, from_layer)) = layer_of(&module) else {
            unknown.push(format!(
                "{}: module `{}` has no layer in LAYERS",
                shown.display(),
                module.join("::")
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("a source file");
        let code = code_only(&text);
        let mut references = paths_after(&code, "crate");
        // `super::` from a file is its parent module; only paths that leave the
        // top-level module matter (`super::x` in `src/a.rs` is `crate::x`).
        for (line, path) in paths_after(&code, "super") {
            let mut absolute: Vec<String> = module[..module.len() - 1].to_vec();
            let mut rest = path.as_slice();
            while let Some((first, tail)) = rest.split_first() {
                if first != "super" {
                    break;
                }
                absolute.pop();
                rest = tail;
            }
            absolute.extend(rest.iter().cloned());
            if absolute.first() != module.first() {
                references.push((line, absolute));
            }
        }
        for (line, path) in references {
            let Some(first) = path.first() else { continue };
            let target_path = match reexports.get(first) {
                Some(real) if layer_of(&path).is_none() => real.clone(),
                _ => path.clone(),
            };
            let Some((to, to_layer)) = layer_of(&target_path) else {
                if first.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                    unknown.push(format!(
                        "{}:{line}: `crate::{}` is not in a module of LAYERS",
                        shown.display(),
                        path.join("::")
                    ));
                }
                continue;
            };
            if to_layer < from_layer || to == from {
                continue;
            }
            let file_name = shown.to_string_lossy().replace('\\', "/");
            let to_top = to.split("::").next().unwrap_or(to);
            let known = KNOWN_EXCEPTIONS
                .iter()
                .find(|(file, module, _)| *file == file_name && *module == to_top);
            if let Some(&(file, module, _)) = known {
                exceptions_seen.insert((file, module));
                continue;
            }
            violations.push(format!(
                "{}:{line}: `{from}` (layer {from_layer}) uses `{}` of `{to}` (layer {to_layer}), {}",
                shown.display(),
                path.join("::"),
                if to_layer == from_layer {
                    "a module of its own layer"
                } else {
                    "a layer above it"
                },
            ));
        }
    }

    let mut report = String::new();
    for v in &violations {
        let _ = writeln!(report, "  {v}");
    }
    for u in &unknown {
        let _ = writeln!(report, "  {u}");
    }
    for (a, b, why) in KNOWN_EXCEPTIONS {
        if !exceptions_seen.contains(&(*a, *b)) {
            let _ = writeln!(
                report,
                "  the known exception `{a}` -> `{b}` no longer occurs ({why}): remove it from KNOWN_EXCEPTIONS"
            );
        }
    }
    assert!(
        report.is_empty(),
        "the core's layers point the wrong way (see LAYERS in crates/core/tests/layers.rs, \
         src/lib.rs and docs/rust.md):\n{report}"
    );
}

/// File-level edges that close a cycle today and are being removed on other branches:
/// the module, the file, the file it uses, and why. Each must still occur: the test
/// fails once it is gone, so that its entry goes with it.
const KNOWN_FILE_EDGES: &[(&str, &str, &str, &str)] = &[];

/// `code` without its test modules (`#[cfg(test)] mod tests { ... }`, which sit at
/// the end of a file): tests may use any sibling.
fn without_test_modules(code: &str) -> &str {
    let mut from = 0;
    while let Some(offset) = code[from..].find("#[cfg(test)]") {
        let at = from + offset;
        let mut rest = code[at + "#[cfg(test)]".len()..].trim_start();
        while rest.starts_with("#[") {
            rest = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        }
        if rest.starts_with("mod ") || rest.starts_with("pub(crate) mod ") {
            return &code[..at];
        }
        from = at + 1;
    }
    code
}

/// Within a directory module (`src/auth/`), the files may not use each other in a
/// cycle: `auth::login` and `auth::pkce` share `auth::context` instead. A reference is
/// `super::<file>`, `crate::<module>::<file>`, or a name that `mod.rs` re-exports from
/// a file; test modules are left out.
#[test]
fn the_files_of_a_module_do_not_use_each_other_in_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&src)
        .expect("src")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut cycles = Vec::new();
    let mut seen_known = BTreeSet::new();
    for dir in dirs {
        let module = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        let stem = |f: &Path| {
            f.file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let names: BTreeSet<String> = files
            .iter()
            .filter(|f| f.parent() == Some(dir.as_path()))
            .map(|f| stem(f))
            .filter(|n| n != "mod")
            .collect();
        // What mod.rs re-exports, by name: the file it comes from.
        let mut reexported = BTreeMap::new();
        if let Ok(text) = std::fs::read_to_string(dir.join("mod.rs")) {
            for statement in code_only(&text).split(';') {
                let Some(at) = statement.find("use ") else {
                    continue;
                };
                for path in expand(&statement[at + "use ".len()..]) {
                    if let (Some(first), Some(last)) = (path.first(), path.last())
                        && names.contains(first)
                    {
                        reexported.insert(last.clone(), first.clone());
                    }
                }
            }
        }
        // file -> (file it uses -> first line that does)
        let mut edges: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for file in files.iter().filter(|f| f.parent() == Some(dir.as_path())) {
            let from = stem(file);
            if !names.contains(&from) {
                continue;
            }
            let text = std::fs::read_to_string(file).expect("a source file");
            let code = code_only(&text);
            let code = without_test_modules(&code);
            let mut targets: Vec<(usize, Vec<String>)> = paths_after(code, "super");
            targets.extend(
                paths_after(code, "crate")
                    .into_iter()
                    .filter(|(_, p)| p.first() == Some(&module))
                    .map(|(line, p)| (line, p[1..].to_vec())),
            );
            for (line, path) in targets {
                let Some(first) = path.first() else { continue };
                let to = if names.contains(first) {
                    first.clone()
                } else if let Some(file) = reexported.get(first) {
                    file.clone()
                } else {
                    continue;
                };
                let known = KNOWN_FILE_EDGES
                    .iter()
                    .any(|(m, a, b, _)| *m == module && *a == from && *b == to);
                if known {
                    seen_known.insert((module.clone(), from.clone(), to.clone()));
                } else if to != from {
                    edges
                        .entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_insert(line);
                }
            }
        }
        // Every cycle shows up as an edge back to a file on the current path.
        fn visit(
            node: &str,
            edges: &BTreeMap<String, BTreeMap<String, usize>>,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
            found: &mut Vec<Vec<String>>,
        ) {
            if done.contains(node) {
                return;
            }
            path.push(node.to_owned());
            for next in edges.get(node).into_iter().flat_map(|e| e.keys()) {
                if let Some(start) = path.iter().position(|p| p == next) {
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next.clone());
                    found.push(cycle);
                } else {
                    visit(next, edges, path, done, found);
                }
            }
            path.pop();
            done.insert(node.to_owned());
        }
        let mut found = Vec::new();
        let mut done = BTreeSet::new();
        for name in &names {
            visit(name, &edges, &mut Vec::new(), &mut done, &mut found);
        }
        for cycle in found {
            let steps: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    let line = edges[&w[0]][&w[1]];
                    format!("src/{module}/{}.rs:{line} uses {}", w[0], w[1])
                })
                .collect();
            cycles.push(format!(
                "  {module}: {} ({})",
                cycle.join(" -> "),
                steps.join("; ")
            ));
        }
    }
    for (module, from, to, why) in KNOWN_FILE_EDGES {
        let key = (module.to_string(), from.to_string(), to.to_string());
        if !seen_known.contains(&key) {
            cycles.push(format!(
                "  the known edge {module}: {from} -> {to} no longer occurs ({why}): remove it from KNOWN_FILE_EDGES"
            ));
        }
    }
    assert!(
        cycles.is_empty(),
        "files of one module use each other in a cycle; move what they share to a \
         file both use:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_reference_finder_sees_groups_super_paths_and_skips_comments() {
    let code = code_only(
        "use crate::a::{b, c::{d, e}};\n\
         // crate::hidden\n\
         let x = \"//\"; crate::f::g(); // crate::also_hidden\n\
         use super::super::h;\n\
         $crate::macro_local; ssokit::crate_like;\n",
    );
    let crate_paths: Vec<String> = paths_after(&code, "crate")
        .into_iter()
        .map(|(line, p)| format!("{line}:{}", p.join("::")))
        .collect();
    assert_eq!(crate_paths, ["1:a::b", "1:a::c::d", "1:a::c::e", "3:f::g"]);
    let super_paths: Vec<Vec<String>> = paths_after(&code, "super")
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(super_paths, [vec!["super", "h"]]);
    assert_eq!(
        layer_of(&["auth".into(), "error".into()]),
        Some(("auth::error", 4))
    );
    assert_eq!(
        layer_of(&["auth".into(), "login".into()]),
        Some(("auth", 7))
    );
    let roots = root_reexports(
        "pub use auth::token::SsoTokenProvider;\npub use error::{Error, ErrorKind};\n",
    );
    assert_eq!(roots["Error"], ["error", "Error"]);
    assert_eq!(
        roots["SsoTokenProvider"],
        ["auth", "token", "SsoTokenProvider"]
    );
}
