//! Benchmarks for the foundation's performance targets (see docs/performance.md):
//! - parse and resolve one profile in a 5,000-profile config: under 5 ms;
//! - read and validate a token cache file: under 50 µs.
//!
//! Run: `cargo bench -p ssokit --bench config_cache`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ssokit::cache::{CachedToken, TokenCache};
use ssokit::config::AwsConfig;
use ssokit::env::Env;

/// A config as a big organisation's generator writes it: 5,000 profiles over 10
/// sso-sessions, each with account, role, region and output.
fn big_config() -> String {
    let mut text = String::new();
    for s in 0..10 {
        let _ = write!(
            text,
            "[sso-session org-{s}]\nsso_start_url = https://d-{s:010}.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n"
        );
    }
    for p in 0..5000 {
        let _ = write!(
            text,
            "[profile acct-{p}-Admin]\n# generated\nsso_session = org-{}\nsso_account_id = {:012}\nsso_role_name = Admin\nregion = eu-west-1\noutput = json\n\n",
            p % 10,
            100_000_000_000u64 + p
        );
    }
    text
}

fn config(c: &mut Criterion) {
    let text = big_config();
    let env = Env::from_vars([("HOME", "/nonexistent")]);
    c.bench_function("parse + resolve, 5000-profile config", |b| {
        b.iter(|| {
            let config = AwsConfig::from_texts(black_box(&text), "").unwrap();
            black_box(config.resolve_sso_profile("acct-4999-Admin", &env).unwrap())
        })
    });
}

fn token_file(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let token = CachedToken::from_slice(
        br#"{"startUrl":"https://d-abc123.awsapps.com/start","region":"us-east-1","accessToken":"aoaAAAAAGcK3sU8hG5d9hlmgcJYR2gcZEhzbYTf9QWmfp9DJybYUNWh0cXBBQ2e9HKpn0cjkhDsnO8mm8mkbIBGlx9xQ5aaptjpPJ5IuMBBtQJQWnHXUSBg8mg84b8VWoFeDzcBFHbKW4bGSoeYx6t0uYbfT5D8DxpAyMcjz7vF97Q4kE5fMrmPVvtfTr5Xg4iV4BNMUYNUBQUtdvEG0mpyQI5KZ23SPvQ9Vb5wBEmjUH22Gep6HW4odpqAlmHp8MuZUZv1sFoaZrMRNQc2eYd6BmZNdeSiTs8G6YzAWmtDXSHuxZ3GmudyRdNLZAa5FUEdT6j8s1tHUC8Oy3RMyqHAiqCzHlqyMxx3X1x5Ju5tHGJ6xXkPDIKuYWb3JNU","expiresAt":"2026-11-27T21:04:05Z","clientId":"_ZsZ6vX7jLn2OaTcd2GbYXVzLWVhc3QtMQ","clientSecret":"eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0.eyJzZXJpYWxpemVkIjoie1wiY2xpZW50SWRcIjp7XCJ2YWx1ZVwiOlwiX1pzWjZ2WDdqTG4yT2FUY2QyR2JZWFZ6TFdWaGMzUXRNUVwifX0ifQ","registrationExpiresAt":"2027-02-25T20:04:05Z","refreshToken":"aorvJYubGpU6i91YnH7Mfo-AT2fIVa1zCfA_Rvq9yjVKIP3onFmmykuQ7E93y2I-9Nyj-A_sVvMufaLNL0bqnDRtgAkc0"}"#,
        "bench.json".as_ref(),
    )
    .unwrap();
    cache.store("my-sso", &token).unwrap();
    c.bench_function("read + validate a token cache file", |b| {
        b.iter(|| black_box(cache.load(black_box("my-sso")).unwrap()))
    });
}

criterion_group!(benches, config, token_file);
criterion_main!(benches);
