//! Loading the config files from disk (temporary directories, never the real ~/.aws).

use std::fs;

use ssokit::config::{AwsConfig, ConfigError, ConfigFiles};
use ssokit::env::Env;

const CONFIG: &str = "[profile dev]\n\
    sso_session = s\n\
    sso_account_id = 111122223333\n\
    sso_role_name = R\n\
    [sso-session s]\n\
    sso_start_url = https://d-1234567890.awsapps.com/start\n\
    sso_region = us-east-1\n";

#[test]
fn load_reads_the_files_under_home() {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    fs::create_dir(&aws).unwrap();
    fs::write(aws.join("config"), CONFIG).unwrap();
    fs::write(aws.join("credentials"), "[ci]\naws_access_key_id = A\n").unwrap();
    let env = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
    let config = AwsConfig::load(&env).unwrap();
    assert_eq!(config.config_path(), aws.join("config"));
    assert_eq!(config.profile_names(), ["dev", "ci"]);
    let p = config.resolve_sso_profile("dev", &env).unwrap();
    assert_eq!(p.account_id.as_deref(), Some("111122223333"));
}

#[test]
fn aws_config_file_with_tilde_and_vars() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir(home.path().join("cfgs")).unwrap();
    fs::write(home.path().join("cfgs").join("work"), CONFIG).unwrap();
    let env = Env::from_vars([
        ("HOME", home.path().to_str().unwrap()),
        ("WHICH", "work"),
        ("AWS_CONFIG_FILE", "~/cfgs/${WHICH}"),
    ]);
    let files = ConfigFiles::from_env(&env).unwrap();
    assert_eq!(files.config, home.path().join("cfgs").join("work"));
    let config = AwsConfig::load(&env).unwrap();
    assert_eq!(config.profile_names(), ["dev"]);
}

#[test]
fn missing_files_are_empty_and_the_error_names_the_file_searched() {
    let dir = tempfile::tempdir().unwrap();
    let files = ConfigFiles {
        config: dir.path().join("nope-config"),
        credentials: dir.path().join("nope-credentials"),
    };
    let config = AwsConfig::load_files(&files).unwrap();
    assert!(config.profile_names().is_empty());
    assert_eq!(config.config_path(), files.config.as_path());
    assert_eq!(config.credentials_path(), files.credentials.as_path());
    assert!(config.sso_session_names().is_empty());
    let e = config
        .resolve_sso_profile("default", &Env::from_vars([("HOME", "/h")]))
        .unwrap_err();
    let message = e.to_string();
    assert!(message.contains("\"default\""), "{message}");
    assert!(
        message.contains(&files.config.display().to_string()),
        "{message}"
    );
}

#[test]
fn unreadable_file_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let files = ConfigFiles {
        config: dir.path().to_path_buf(), // a directory
        credentials: dir.path().join("credentials"),
    };
    let e = AwsConfig::load_files(&files).unwrap_err();
    assert!(matches!(e, ConfigError::Read { .. }), "{e:?}");
    assert!(
        e.to_string().contains(&dir.path().display().to_string()),
        "{e}"
    );
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn syntax_and_encoding_errors_name_the_real_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    let config = dir.path().join("config");
    fs::write(&config, "[default]\nregion = us-east-1\n").unwrap();
    fs::write(&credentials, b"[default]\nk = v\n\xff\xfe = x\n").unwrap();
    let files = ConfigFiles {
        config: config.clone(),
        credentials: credentials.clone(),
    };
    let e = AwsConfig::load_files(&files).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{} line 3: the file is not valid UTF-8; save it as UTF-8",
            credentials.display()
        )
    );
    fs::write(&credentials, "[default]\r\nk = v\r\n[oops\r\n").unwrap();
    let e = AwsConfig::load_files(&files).unwrap_err();
    let message = e.to_string();
    assert!(
        message.starts_with(&format!("{} line 3: ", credentials.display())),
        "{message}"
    );
}

#[test]
fn byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    fs::write(&config, format!("\u{feff}{CONFIG}")).unwrap();
    let files = ConfigFiles {
        config,
        credentials: dir.path().join("credentials"),
    };
    let config = AwsConfig::load_files(&files).unwrap();
    assert_eq!(config.profile_names(), ["dev"]);
}

#[test]
fn no_home_is_an_error_not_a_panic() {
    let e = AwsConfig::load(&Env::from_vars::<[(&str, &str); 0], &str, &str>([])).unwrap_err();
    assert!(matches!(e, ConfigError::NoHome { .. }), "{e:?}");
    assert!(e.to_string().contains("AWS_CONFIG_FILE"), "{e}");
}

/// botocore reads `AWS_CONFIG_FILE=<(...)`: a pipe still works, capped like a file.
#[cfg(unix)]
#[test]
fn a_config_file_from_a_pipe_is_read_and_huge_files_are_refused() {
    use std::io::Write;
    use std::sync::mpsc;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        pipe.write_all(CONFIG.as_bytes()).unwrap();
    });
    let files = ConfigFiles {
        config: fifo,
        credentials: dir.path().join("missing"),
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(AwsConfig::load_files(&files));
    });
    let config = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("reading the config pipe hung")
        .unwrap();
    writer.join().unwrap();
    assert_eq!(config.profile_names(), ["dev"]);

    // Over 64 MiB (sparse: never read).
    let huge = dir.path().join("huge");
    fs::File::create(&huge)
        .unwrap()
        .set_len(ssokit::config::MAX_CONFIG_FILE_BYTES + 1)
        .unwrap();
    let files = ConfigFiles {
        config: huge.clone(),
        credentials: dir.path().join("missing"),
    };
    let err = AwsConfig::load_files(&files).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("64 MiB") && msg.contains(&huge.display().to_string()),
        "{msg}"
    );
}

#[test]
fn what_the_parser_ignored_is_listed_with_its_file_and_line() {
    let config = AwsConfig::from_texts(
        "[profile ok]\nregion = eu-west-1\n[nope]\nx = 1\n",
        "[creds]\nbad key = 1\n",
    )
    .unwrap();
    let warnings: Vec<&str> = config.parse_warnings().collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("<config> line 3: section [nope] ignored"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("<credentials> line 2: key \"bad key\" ignored"),
        "{warnings:?}"
    );
    assert_eq!(config.profile_names(), ["ok", "creds"]);
}
