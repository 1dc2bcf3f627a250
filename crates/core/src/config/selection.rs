//! Which profile to use: an explicit name, else the environment, else `default`.

use crate::env::Env;

/// The profile to use, in the AWS CLI v2's order: `explicit` (a `--profile` option or
/// a binding's argument), else `$AWS_PROFILE`, else `$AWS_DEFAULT_PROFILE` (each when
/// not empty), else `default`.
///
/// When both variables are set and differ, a [`Warning::ProfileVariablesDiffer`]
/// is raised once per process: stock boto3 reverses the two (botocore reads
/// `AWS_DEFAULT_PROFILE` first), and the JavaScript and Rust SDKs read only
/// `AWS_PROFILE`, so tools would disagree on the account.
///
/// [`Warning::ProfileVariablesDiffer`]: crate::warnings::Warning::ProfileVariablesDiffer
pub fn selected_profile_name(explicit: Option<&str>, env: &Env) -> String {
    if let Some(name) = explicit.filter(|n| !n.is_empty()) {
        return name.to_owned();
    }
    let profile = env.get_non_empty("AWS_PROFILE");
    let default_profile = env.get_non_empty("AWS_DEFAULT_PROFILE");
    match (profile, default_profile) {
        (Some(profile), Some(default_profile)) => {
            if profile != default_profile {
                crate::warnings::emit_once(
                    format!("profile-variables\0{profile}\0{default_profile}"),
                    crate::warnings::Warning::ProfileVariablesDiffer {
                        aws_profile: profile.clone(),
                        aws_default_profile: default_profile,
                    },
                );
            }
            profile
        }
        (Some(name), None) | (None, Some(name)) => name,
        (None, None) => "default".to_owned(),
    }
}
