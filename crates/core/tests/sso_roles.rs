//! `Sso::roles` / `Sso::all_roles`, the one listing of roles behind `ssokit roles`,
//! Python's `list_roles` and Node's `listRoles`: at most `DEFAULT_CONCURRENCY`
//! ListAccountRoles calls in flight, and one order whatever order the answers come in.
//!
//! The portal here is a small axum server that counts the ListAccountRoles requests
//! it is serving at once. Each request is held until `DEFAULT_CONCURRENCY` are in
//! flight together (or every request the test expects has arrived), so the bound is
//! reached and observed without timing anything; the hold has a deadline far beyond
//! any run.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use ssokit::auth::{LoginTarget, TokioSleeper};
use ssokit::client::{HttpSettings, RetryPolicy};
use ssokit::sso::DEFAULT_CONCURRENCY;
use ssokit::time::ManualClock;
use ssokit::{AccountRole, Sso};
use support::{T0, caches, refreshable_token, session};
use tokio::sync::watch;

/// How many accounts the portal has: more than two rounds of the bound.
const ACCOUNTS: usize = 20;

/// A hold that outlives this is a failure of the code under test, not a slow machine.
const HOLD_DEADLINE: Duration = Duration::from_secs(60);

/// The ListAccountRoles calls of one listing.
#[derive(Debug, Default, Clone, Copy)]
struct Calls {
    /// How many the listing will make (held requests go on once all have arrived).
    expected: usize,
    in_flight: usize,
    max_in_flight: usize,
    started: usize,
}

#[derive(Clone)]
struct Portal {
    calls: Arc<watch::Sender<Calls>>,
}

impl Portal {
    /// Starts counting a listing that will make `expected` calls.
    fn expect(&self, expected: usize) {
        self.calls.send_replace(Calls {
            expected,
            ..Calls::default()
        });
    }

    fn calls(&self) -> Calls {
        *self.calls.borrow()
    }
}

/// Account ids in a scrambled order (the portal does not sort), each with its roles
/// in reverse order of name.
fn account_ids() -> Vec<String> {
    (0..ACCOUNTS)
        .map(|i| format!("{:012}", (i * 7) % ACCOUNTS))
        .collect()
}

async fn list_accounts() -> Json<Value> {
    let list: Vec<Value> = account_ids()
        .into_iter()
        .map(|id| json!({"accountId": id, "accountName": format!("name-{id}")}))
        .collect();
    Json(json!({"accountList": list, "nextToken": null}))
}

async fn list_roles(
    State(portal): State<Portal>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Json<Value> {
    portal.calls.send_modify(|c| {
        c.in_flight += 1;
        c.started += 1;
        c.max_in_flight = c.max_in_flight.max(c.in_flight);
    });
    let mut calls = portal.calls.subscribe();
    let _ = tokio::time::timeout(
        HOLD_DEADLINE,
        calls.wait_for(|c| c.in_flight >= DEFAULT_CONCURRENCY || c.started >= c.expected),
    )
    .await;
    portal.calls.send_modify(|c| c.in_flight -= 1);
    let id = query.get("account_id").cloned().unwrap_or_default();
    Json(json!({
        "roleList": [
            {"roleName": "ReadOnly", "accountId": id},
            {"roleName": "Deployer", "accountId": id},
            {"roleName": "Admin", "accountId": id},
        ],
        "nextToken": null
    }))
}

/// The portal on a loopback port, and an `Sso` logged in to it.
async fn portal_and_sso(home: &std::path::Path) -> (Portal, Sso) {
    let portal = Portal {
        calls: Arc::new(watch::channel(Calls::default()).0),
    };
    let app = Router::new()
        .route("/assignment/accounts", get(list_accounts))
        .route("/assignment/roles", get(list_roles))
        .with_state(portal.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dirs = caches(home);
    dirs.tokens()
        .store("my-sso", &refreshable_token(T0 + 8 * 3600))
        .unwrap();
    let settings = HttpSettings::default()
        .retry(RetryPolicy::never())
        .timeouts(Duration::from_secs(5), HOLD_DEADLINE * 2);
    let sso = Sso::new(
        session(&uri),
        None,
        LoginTarget::Session("my-sso".into()),
        dirs,
    )
    .unwrap()
    .with_http_settings(settings)
    .unwrap()
    .with_clock(Arc::new(ManualClock::at_unix(T0)))
    .with_sleep(Arc::new(TokioSleeper));
    (portal, sso)
}

fn role(account: &str, name: Option<&str>, role: &str) -> AccountRole {
    AccountRole {
        account_id: account.into(),
        account_name: name.map(Into::into),
        role_name: role.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_is_listed_with_bounded_concurrency_in_one_order() {
    let home = tempfile::tempdir().unwrap();
    let (portal, sso) = portal_and_sso(home.path()).await;

    portal.expect(ACCOUNTS);
    let roles = sso.roles(None).await.unwrap();

    let calls = portal.calls();
    assert_eq!(calls.started, ACCOUNTS, "one ListAccountRoles per account");
    assert_eq!(calls.in_flight, 0);
    assert_eq!(
        calls.max_in_flight, DEFAULT_CONCURRENCY,
        "at most {DEFAULT_CONCURRENCY} calls in flight, and that many at once"
    );
    let mut ids = account_ids();
    ids.sort();
    let expected: Vec<AccountRole> = ids
        .iter()
        .flat_map(|id| {
            let name = format!("name-{id}");
            ["Admin", "Deployer", "ReadOnly"].map(|r| role(id, Some(&name), r))
        })
        .collect();
    assert_eq!(roles, expected);
    // The answers are released in another order each time; the result is the same.
    portal.expect(ACCOUNTS);
    assert_eq!(sso.all_roles().await.unwrap(), expected);
    assert_eq!(portal.calls().max_in_flight, DEFAULT_CONCURRENCY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roles_of_one_account_are_sorted_by_name() {
    let home = tempfile::tempdir().unwrap();
    let (portal, sso) = portal_and_sso(home.path()).await;
    // One call: nothing else will come, so let it through at once.
    portal.calls.send_modify(|c| c.started = ACCOUNTS - 1);

    let roles = sso.roles(Some("000000000003")).await.unwrap();

    assert_eq!(
        roles,
        ["Admin", "Deployer", "ReadOnly"].map(|r| role("000000000003", None, r))
    );
    assert_eq!(portal.calls.borrow().started, ACCOUNTS);
}
