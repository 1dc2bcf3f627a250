//! Running a program to its end, with a deadline: a test on a busy machine may be
//! slow, but never hangs.
// The deadline is real elapsed time (the programs are real), hence `Instant::now`.
#![allow(clippy::disallowed_methods)]

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long one program may run before the test fails: generous, since a busy
/// machine slows everything down, but never unbounded.
pub const DEADLINE: Duration = Duration::from_secs(180);

/// Runs `command` (no standard input) to its end and returns its output; kills it
/// and panics after [`DEADLINE`]. Panics too when it cannot be started.
pub fn output(command: &mut Command) -> Output {
    try_output(command).unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// [`output`], or the error that kept the program from starting.
pub fn try_output(command: &mut Command) -> io::Result<Output> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;
    // Read both pipes meanwhile, so that a chatty program never blocks on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish within {DEADLINE:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    })
}

/// Runs `command` like [`output`], asserts that it succeeded (showing its standard
/// error if not) and returns its standard output.
pub fn success(command: &mut Command) -> String {
    let out = output(command);
    assert!(
        out.status.success(),
        "{command:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A binary of the workspace (`ssokit`, `ssokit-emulator`), built by cargo beside
/// this test's executable (`<target>/debug/`), or in `$SSOKIT_BIN_DIR`. Cargo builds
/// another package's binaries only when asked: `cargo build -p ssokit-cli -p
/// ssokit-emulator` first (`scripts/test-all.sh` does).
pub fn cargo_bin(name: &str) -> PathBuf {
    let dir = match std::env::var_os("SSOKIT_BIN_DIR") {
        Some(dir) => PathBuf::from(dir),
        // <target>/debug/deps/<test> -> <target>/debug
        None => std::env::current_exe()
            .unwrap()
            .parent()
            .and_then(|deps| deps.parent())
            .unwrap()
            .to_path_buf(),
    };
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is missing: build it first with `cargo build -p ssokit-cli -p ssokit-emulator` \
         (scripts/test-all.sh does), or set SSOKIT_BIN_DIR",
        path.display()
    );
    path
}
