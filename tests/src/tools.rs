//! The external tools the suites drive, each looked for once per test process:
//! Python with botocore, Python with the built `ssokit` extension, Node with the
//! built `ssokit` addon, and Debian's Chromium with chromedriver.
//!
//! A test asks for what it needs and returns when it gets `None`: the tool is
//! missing, and the test says so on the terminal (past cargo's output capture) as
//! `skipped: <test>: ...` — skipped, never passed silently. With
//! `SSOKIT_TESTS_REQUIRE_TOOLS=1` (`scripts/test-all.sh` sets it) a missing tool fails
//! the test instead, so the full run cannot skip anything.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::run;
use crate::webdriver::{CHROMEDRIVER, CHROMIUM};

/// Set to `1` to turn every skip into a failure.
pub const REQUIRE_TOOLS: &str = "SSOKIT_TESTS_REQUIRE_TOOLS";

/// The repository's root directory.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The Python interpreter: `$SSOKIT_TEST_PYTHON`, else the repository's `.venv` (made
/// by `scripts/test-all.sh`, with botocore and the `ssokit` extension), else
/// `python3` from `PATH`.
pub fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("SSOKIT_TEST_PYTHON") {
        return python.into();
    }
    let venv = repo_root().join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

/// Node with the `ssokit` addon built in `crates/node` (by `npm run build`).
#[derive(Debug, Clone)]
pub struct Node {
    /// The `node` program: `$SSOKIT_TEST_NODE`, else `node` from `PATH`.
    pub program: PathBuf,
    /// `crates/node/ssokit.js`, the package's entry point, to `require`.
    pub module: PathBuf,
}

/// Python with botocore, for the interop suites; `None` (the test is skipped) when
/// either is missing.
pub fn python_with_botocore() -> Option<PathBuf> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    python_importing("botocore", "python3 with botocore", &FOUND)
}

/// Python with the `ssokit` extension installed (`maturin develop`) and botocore;
/// `None` (the test is skipped) when any is missing.
pub fn python_with_ssokit() -> Option<PathBuf> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    python_importing(
        "ssokit, botocore",
        "python3 with botocore and the ssokit extension (maturin develop)",
        &FOUND,
    )
}

/// [`python`], if it can import `modules` (checked once, into `found`).
fn python_importing(
    modules: &str,
    what: &str,
    found: &OnceLock<Result<PathBuf, String>>,
) -> Option<PathBuf> {
    let found = found.get_or_init(|| {
        let python = python();
        let import = format!("import {modules}");
        probe(Command::new(&python).args(["-c", &import])).map(|()| python)
    });
    available(what, found)
}

/// Node with the built addon; `None` (the test is skipped) when either is missing.
pub fn node_with_ssokit() -> Option<Node> {
    static FOUND: OnceLock<Result<Node, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let node = Node {
            program: std::env::var_os("SSOKIT_TEST_NODE")
                .map_or_else(|| "node".into(), PathBuf::from),
            module: repo_root().join("crates/node/ssokit.js"),
        };
        probe(
            Command::new(&node.program)
                .args(["-e", "require(process.argv[1])"])
                .arg(&node.module),
        )
        .map(|()| node)
    });
    available(
        "node with the ssokit addon (npm run build in crates/node)",
        found,
    )
}

/// Whether Chromium and chromedriver are installed; `None` (the test is skipped)
/// when not.
pub fn chromium() -> Option<()> {
    static FOUND: OnceLock<Result<(), String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        match [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .find(|bin| !Path::new(bin).exists())
        {
            Some(missing) => Err(format!("{missing} is missing")),
            None => Ok(()),
        }
    });
    available(
        "Chromium and chromedriver (Debian's chromium and chromium-driver)",
        found,
    )
}

/// Runs a check command: `Ok` when it succeeds, else why not.
fn probe(command: &mut Command) -> Result<(), String> {
    let program = command.get_program().to_owned();
    let out = run::try_output(command).map_err(|e| format!("cannot run {program:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(stderr.lines().last().unwrap_or("failed").to_owned())
    }
}

/// The tool, or `None` after saying that the current test is skipped (or failing it
/// under [`REQUIRE_TOOLS`]).
fn available<T: Clone>(what: &str, found: &Result<T, String>) -> Option<T> {
    let why = match found {
        Ok(tool) => return Some(tool.clone()),
        Err(why) => why,
    };
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_owned();
    let missing = format!(
        "{test}: needs {what}, which is not available ({why}); scripts/test-all.sh provides it"
    );
    assert!(
        std::env::var_os(REQUIRE_TOOLS).is_none_or(|v| v != "1"),
        "{missing}; {REQUIRE_TOOLS}=1 forbids skipping"
    );
    // Straight to the terminal: libtest captures only the print macros.
    let _ = writeln!(std::io::stderr().lock(), "skipped: {missing}");
    None
}
