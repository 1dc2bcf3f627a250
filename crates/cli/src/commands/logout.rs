//! `ssokit logout`: bare, what `aws sso logout` does; with a profile or session, only
//! that one.

use ssokit::env::Env;
use ssokit::logout::logout;

use crate::cli::TargetArgs;
use crate::exit::{CmdResult, Outcome};
use crate::ui::note;

pub(crate) async fn run(args: &TargetArgs) -> CmdResult {
    let report = logout(&super::selector(args), &Env::process()).await?;
    note(&format!(
        "Logged out: removed {} token file(s) and {} cached role credential file(s){}.",
        report.tokens_removed.len(),
        report.role_credentials_removed.len(),
        if report.revoke_failures > 0 {
            format!(
                " ({} token(s) could not be revoked at the portal)",
                report.revoke_failures
            )
        } else {
            String::new()
        }
    ));
    Ok(Outcome::Success)
}
