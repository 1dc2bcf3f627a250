//! `ssokit accounts` and `ssokit roles`.

use std::fmt::Write as _;

use serde_json::json;
use ssokit::populate::{DEFAULT_CONCURRENCY, list_assignments};

use crate::cli::{ListArgs, RolesArgs};
use crate::exit::{CmdResult, Outcome};
use crate::output::{print, print_json};

fn table(rows: &[Vec<String>]) -> String {
    let mut widths = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ", w = widths[i]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub(crate) async fn accounts(args: &ListArgs) -> CmdResult {
    let sso = super::resolve(&args.target)?;
    let accounts = sso.list_accounts().await?;
    if args.json {
        let list: Vec<_> = accounts
            .iter()
            .map(|a| json!({"account_id": a.account_id, "account_name": a.account_name, "email_address": a.email_address}))
            .collect();
        print_json(&json!({ "accounts": list }));
        return Ok(Outcome::Success);
    }
    let mut rows = vec![vec!["ACCOUNT ID".into(), "NAME".into(), "EMAIL".into()]];
    for a in &accounts {
        rows.push(vec![
            a.account_id.clone(),
            a.account_name.clone().unwrap_or_default(),
            a.email_address.clone().unwrap_or_default(),
        ]);
    }
    print(&table(&rows));
    Ok(Outcome::Success)
}

pub(crate) async fn roles(args: &RolesArgs) -> CmdResult {
    let sso = super::resolve(&args.list.target)?;
    let found: Vec<(String, Option<String>, String)> = match &args.account_id {
        Some(id) => sso
            .list_roles(id)
            .await?
            .into_iter()
            .map(|r| (id.clone(), None, r.role_name))
            .collect(),
        None => list_assignments(&sso, DEFAULT_CONCURRENCY)
            .await?
            .into_iter()
            .flat_map(|a| {
                let (id, name) = (a.account.account_id, a.account.account_name);
                a.roles
                    .into_iter()
                    .map(move |r| (id.clone(), name.clone(), r.role_name))
            })
            .collect(),
    };
    if args.list.json {
        let list: Vec<_> = found
            .iter()
            .map(|(id, name, role)| json!({"account_id": id, "account_name": name, "role_name": role}))
            .collect();
        print_json(&json!({ "roles": list }));
        return Ok(Outcome::Success);
    }
    let mut rows = vec![vec![
        "ACCOUNT ID".into(),
        "ACCOUNT NAME".into(),
        "ROLE".into(),
    ]];
    for (id, name, role) in found {
        rows.push(vec![id, name.unwrap_or_default(), role]);
    }
    print(&table(&rows));
    Ok(Outcome::Success)
}
