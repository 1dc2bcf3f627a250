//! `ssokit accounts` and `ssokit roles`.

use std::fmt::Write as _;

use serde_json::json;

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
    let roles = sso.roles(args.account_id.as_deref()).await?;
    if args.list.json {
        print_json(&json!({ "roles": roles }));
        return Ok(Outcome::Success);
    }
    let mut rows = vec![vec![
        "ACCOUNT ID".into(),
        "ACCOUNT NAME".into(),
        "ROLE".into(),
    ]];
    for r in roles {
        rows.push(vec![
            r.account_id,
            r.account_name.unwrap_or_default(),
            r.role_name,
        ]);
    }
    print(&table(&rows));
    Ok(Outcome::Success)
}
