//! Embeds ssokit as a Rust service would: the credentials provider handed to
//! aws-config, and the token provider, built from the crate root. Prints the access
//! key id of the credentials aws-config resolves, then the token's expiry.

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::token::ProvideToken;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let profile = std::env::args().nth(1).unwrap_or_else(|| "dev".to_owned());
    let provider = ssokit::SsoCredentialsProvider::builder()
        .profile_name(profile.as_str())
        .build()?;
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .credentials_provider(provider)
        .region(aws_config::Region::new("us-east-1"))
        .load()
        .await;
    let credentials = config
        .credentials_provider()
        .ok_or("aws-config has no credentials provider")?
        .provide_credentials()
        .await?;
    println!("{}", credentials.access_key_id());
    let tokens = ssokit::SsoTokenProvider::builder()
        .profile_name(profile)
        .build()?;
    let token = tokens.provide_token().await?;
    println!("token until {:?}", token.expiration());
    Ok(())
}
