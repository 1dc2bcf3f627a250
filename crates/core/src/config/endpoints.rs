//! The SSO OIDC and SSO portal endpoints: defaults per partition, and overrides.
//!
//! The defaults follow the services' published endpoint rule sets: OIDC
//! `https://oidc.{region}.{suffix}`, portal `https://portal.sso.{region}.{suffix}`,
//! `-fips` hosts for FIPS (except in AWS GovCloud, where the plain hosts are the FIPS
//! ones), and the partition's dual-stack suffix for dual-stack.

use super::error::ConfigError;
use super::validate::validate_region;

/// The two base URLs an SSO login talks to (no trailing `/`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoints {
    /// SSO OIDC: client registration, device and token requests.
    pub oidc: String,
    /// SSO portal: role credentials, accounts, roles, logout.
    pub portal: String,
}

/// One AWS partition's DNS data.
struct Partition {
    name: &'static str,
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
}

const AWS: Partition = Partition {
    name: "aws",
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
};

/// `(region prefix, pseudo-region, partition)`; a region belongs to a partition when
/// it is the pseudo-region or reads `{prefix}{word}-{digits}`. Anything else is in
/// the `aws` partition, as in the SDKs.
const PARTITIONS: &[(&str, &str, Partition)] = &[
    (
        "cn-",
        "aws-cn-global",
        Partition {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        },
    ),
    (
        "us-gov-",
        "aws-us-gov-global",
        Partition {
            name: "aws-us-gov",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
        },
    ),
    (
        "eusc-de-",
        "aws-eusc-global",
        Partition {
            name: "aws-eusc",
            dns_suffix: "amazonaws.eu",
            dual_stack_dns_suffix: "api.amazonwebservices.eu",
        },
    ),
    (
        "us-iso-",
        "aws-iso-global",
        Partition {
            name: "aws-iso",
            dns_suffix: "c2s.ic.gov",
            dual_stack_dns_suffix: "api.aws.ic.gov",
        },
    ),
    (
        "us-isob-",
        "aws-iso-b-global",
        Partition {
            name: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
            dual_stack_dns_suffix: "api.aws.scloud",
        },
    ),
    (
        "eu-isoe-",
        "aws-iso-e-global",
        Partition {
            name: "aws-iso-e",
            dns_suffix: "cloud.adc-e.uk",
            dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        },
    ),
    (
        "us-isof-",
        "aws-iso-f-global",
        Partition {
            name: "aws-iso-f",
            dns_suffix: "csp.hci.ic.gov",
            dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        },
    ),
];

fn partition(region: &str) -> &'static Partition {
    for (prefix, pseudo, partition) in PARTITIONS {
        if region == *pseudo {
            return partition;
        }
        // `{prefix}\w+-\d+`, with the region already one lowercase DNS label.
        if let Some(rest) = region.strip_prefix(prefix)
            && let Some((word, digits)) = rest.split_once('-')
            && !word.is_empty()
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            return partition;
        }
    }
    &AWS
}

/// The name of the partition a region is in (`aws`, `aws-cn`, `aws-us-gov`,
/// `aws-eusc`, `aws-iso`, ...). Unknown regions are in `aws`, as in the SDKs.
#[cfg(test)]
fn partition_name(region: &str) -> &'static str {
    partition(region).name
}

/// The DNS suffix of the partition a region is in (`amazonaws.com`,
/// `amazonaws.com.cn`, ...): the suffix of `device.sso.{region}.{suffix}`, the page
/// where the device code is entered.
// Only the login (the device page's host) asks.
#[cfg_attr(not(feature = "login"), allow(dead_code))]
pub(crate) fn partition_dns_suffix(region: &str) -> &'static str {
    partition(region).dns_suffix
}

/// The default endpoints for `region`.
///
/// # Errors
/// [`ConfigError::InvalidValue`] when `region` is not one lowercase DNS label.
pub fn resolve_endpoints(
    region: &str,
    fips: bool,
    dualstack: bool,
) -> Result<Endpoints, ConfigError> {
    validate_region(region).map_err(|e| ConfigError::InvalidValue {
        key: "region".to_owned(),
        value: region.to_owned(),
        location: "endpoint resolution".to_owned(),
        reason: e.to_string(),
    })?;
    Ok(default_endpoints(region, fips, dualstack))
}

/// The default endpoints for a region already validated.
pub(crate) fn default_endpoints(region: &str, fips: bool, dualstack: bool) -> Endpoints {
    let p = partition(region);
    let suffix = if dualstack {
        p.dual_stack_dns_suffix
    } else {
        p.dns_suffix
    };
    // In GovCloud the plain hosts are FIPS endpoints; the rule set has no -fips host
    // there unless dual-stack is on too.
    let fips_hosts = fips && (dualstack || p.name != "aws-us-gov");
    let (oidc, portal) = if fips_hosts {
        ("oidc-fips", "portal.sso-fips")
    } else {
        ("oidc", "portal.sso")
    };
    Endpoints {
        oidc: format!("https://{oidc}.{region}.{suffix}"),
        portal: format!("https://{portal}.{region}.{suffix}"),
    }
}

/// The STS endpoint of a region already validated, as the STS rule set builds it
/// for a regional endpoint: `sts.{region}.{suffix}`, `sts-fips.` for FIPS (in AWS
/// GovCloud the plain host is the FIPS endpoint, unless dual-stack is on too) and
/// the partition's dual-stack suffix for dual-stack.
pub(crate) fn sts_endpoint(region: &str, fips: bool, dualstack: bool) -> String {
    let p = partition(region);
    let suffix = if dualstack {
        p.dual_stack_dns_suffix
    } else {
        p.dns_suffix
    };
    let host = if fips && (dualstack || p.name != "aws-us-gov") {
        "sts-fips"
    } else {
        "sts"
    };
    format!("https://{host}.{region}.{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (region, fips, dualstack, oidc, portal): written from the rule sets' rules and
    /// the partitions' DNS suffixes.
    const VECTORS: &[(&str, bool, bool, &str, &str)] = &[
        (
            "us-east-1",
            false,
            false,
            "https://oidc.us-east-1.amazonaws.com",
            "https://portal.sso.us-east-1.amazonaws.com",
        ),
        (
            "us-east-1",
            true,
            false,
            "https://oidc-fips.us-east-1.amazonaws.com",
            "https://portal.sso-fips.us-east-1.amazonaws.com",
        ),
        (
            "us-east-1",
            false,
            true,
            "https://oidc.us-east-1.api.aws",
            "https://portal.sso.us-east-1.api.aws",
        ),
        (
            "us-east-1",
            true,
            true,
            "https://oidc-fips.us-east-1.api.aws",
            "https://portal.sso-fips.us-east-1.api.aws",
        ),
        (
            "eu-west-1",
            false,
            false,
            "https://oidc.eu-west-1.amazonaws.com",
            "https://portal.sso.eu-west-1.amazonaws.com",
        ),
        (
            "ap-southeast-5",
            false,
            false,
            "https://oidc.ap-southeast-5.amazonaws.com",
            "https://portal.sso.ap-southeast-5.amazonaws.com",
        ),
        (
            "il-central-1",
            false,
            false,
            "https://oidc.il-central-1.amazonaws.com",
            "https://portal.sso.il-central-1.amazonaws.com",
        ),
        (
            "mx-central-1",
            false,
            false,
            "https://oidc.mx-central-1.amazonaws.com",
            "https://portal.sso.mx-central-1.amazonaws.com",
        ),
        (
            "aws-global",
            false,
            false,
            "https://oidc.aws-global.amazonaws.com",
            "https://portal.sso.aws-global.amazonaws.com",
        ),
        (
            "cn-north-1",
            false,
            false,
            "https://oidc.cn-north-1.amazonaws.com.cn",
            "https://portal.sso.cn-north-1.amazonaws.com.cn",
        ),
        (
            "cn-northwest-1",
            true,
            false,
            "https://oidc-fips.cn-northwest-1.amazonaws.com.cn",
            "https://portal.sso-fips.cn-northwest-1.amazonaws.com.cn",
        ),
        (
            "cn-north-1",
            false,
            true,
            "https://oidc.cn-north-1.api.amazonwebservices.com.cn",
            "https://portal.sso.cn-north-1.api.amazonwebservices.com.cn",
        ),
        (
            "cn-north-1",
            true,
            true,
            "https://oidc-fips.cn-north-1.api.amazonwebservices.com.cn",
            "https://portal.sso-fips.cn-north-1.api.amazonwebservices.com.cn",
        ),
        (
            "aws-cn-global",
            false,
            false,
            "https://oidc.aws-cn-global.amazonaws.com.cn",
            "https://portal.sso.aws-cn-global.amazonaws.com.cn",
        ),
        (
            "us-gov-west-1",
            false,
            false,
            "https://oidc.us-gov-west-1.amazonaws.com",
            "https://portal.sso.us-gov-west-1.amazonaws.com",
        ),
        (
            "us-gov-west-1",
            true,
            false,
            "https://oidc.us-gov-west-1.amazonaws.com",
            "https://portal.sso.us-gov-west-1.amazonaws.com",
        ),
        (
            "us-gov-east-1",
            true,
            false,
            "https://oidc.us-gov-east-1.amazonaws.com",
            "https://portal.sso.us-gov-east-1.amazonaws.com",
        ),
        (
            "us-gov-east-1",
            false,
            true,
            "https://oidc.us-gov-east-1.api.aws",
            "https://portal.sso.us-gov-east-1.api.aws",
        ),
        (
            "us-gov-east-1",
            true,
            true,
            "https://oidc-fips.us-gov-east-1.api.aws",
            "https://portal.sso-fips.us-gov-east-1.api.aws",
        ),
        (
            "eusc-de-east-1",
            false,
            false,
            "https://oidc.eusc-de-east-1.amazonaws.eu",
            "https://portal.sso.eusc-de-east-1.amazonaws.eu",
        ),
        (
            "eusc-de-east-1",
            true,
            false,
            "https://oidc-fips.eusc-de-east-1.amazonaws.eu",
            "https://portal.sso-fips.eusc-de-east-1.amazonaws.eu",
        ),
        (
            "eusc-de-east-1",
            false,
            true,
            "https://oidc.eusc-de-east-1.api.amazonwebservices.eu",
            "https://portal.sso.eusc-de-east-1.api.amazonwebservices.eu",
        ),
        (
            "eusc-de-east-1",
            true,
            true,
            "https://oidc-fips.eusc-de-east-1.api.amazonwebservices.eu",
            "https://portal.sso-fips.eusc-de-east-1.api.amazonwebservices.eu",
        ),
        (
            "us-iso-east-1",
            false,
            false,
            "https://oidc.us-iso-east-1.c2s.ic.gov",
            "https://portal.sso.us-iso-east-1.c2s.ic.gov",
        ),
        (
            "us-iso-east-1",
            true,
            false,
            "https://oidc-fips.us-iso-east-1.c2s.ic.gov",
            "https://portal.sso-fips.us-iso-east-1.c2s.ic.gov",
        ),
        (
            "us-isob-east-1",
            false,
            false,
            "https://oidc.us-isob-east-1.sc2s.sgov.gov",
            "https://portal.sso.us-isob-east-1.sc2s.sgov.gov",
        ),
        (
            "us-isob-east-1",
            false,
            true,
            "https://oidc.us-isob-east-1.api.aws.scloud",
            "https://portal.sso.us-isob-east-1.api.aws.scloud",
        ),
        (
            "eu-isoe-west-1",
            false,
            false,
            "https://oidc.eu-isoe-west-1.cloud.adc-e.uk",
            "https://portal.sso.eu-isoe-west-1.cloud.adc-e.uk",
        ),
        (
            "us-isof-south-1",
            true,
            true,
            "https://oidc-fips.us-isof-south-1.api.aws.hci.ic.gov",
            "https://portal.sso-fips.us-isof-south-1.api.aws.hci.ic.gov",
        ),
        // Not of the partition's shape: the `aws` partition, as the SDKs fall back.
        (
            "cn-north",
            false,
            false,
            "https://oidc.cn-north.amazonaws.com",
            "https://portal.sso.cn-north.amazonaws.com",
        ),
        (
            "eusc-fr-east-1",
            false,
            false,
            "https://oidc.eusc-fr-east-1.amazonaws.com",
            "https://portal.sso.eusc-fr-east-1.amazonaws.com",
        ),
        (
            "us-gov-west-x",
            false,
            false,
            "https://oidc.us-gov-west-x.amazonaws.com",
            "https://portal.sso.us-gov-west-x.amazonaws.com",
        ),
        (
            "mars-1",
            false,
            false,
            "https://oidc.mars-1.amazonaws.com",
            "https://portal.sso.mars-1.amazonaws.com",
        ),
    ];

    #[test]
    fn sts_endpoints_follow_the_partition_fips_and_dual_stack() {
        for (region, fips, dualstack, want) in [
            (
                "eu-west-1",
                false,
                false,
                "https://sts.eu-west-1.amazonaws.com",
            ),
            (
                "eu-west-1",
                true,
                false,
                "https://sts-fips.eu-west-1.amazonaws.com",
            ),
            ("eu-west-1", false, true, "https://sts.eu-west-1.api.aws"),
            (
                "eu-west-1",
                true,
                true,
                "https://sts-fips.eu-west-1.api.aws",
            ),
            (
                "cn-north-1",
                false,
                false,
                "https://sts.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-north-1",
                false,
                true,
                "https://sts.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "us-gov-west-1",
                true,
                false,
                "https://sts.us-gov-west-1.amazonaws.com",
            ),
            (
                "us-gov-west-1",
                true,
                true,
                "https://sts-fips.us-gov-west-1.api.aws",
            ),
        ] {
            assert_eq!(
                sts_endpoint(region, fips, dualstack),
                want,
                "{region} fips={fips} dualstack={dualstack}"
            );
        }
    }

    #[test]
    fn rule_set_vectors() {
        for &(region, fips, dualstack, oidc, portal) in VECTORS {
            let got = resolve_endpoints(region, fips, dualstack).unwrap();
            assert_eq!(got.oidc, oidc, "{region} fips={fips} dualstack={dualstack}");
            assert_eq!(
                got.portal, portal,
                "{region} fips={fips} dualstack={dualstack}"
            );
        }
    }

    #[test]
    fn partition_names() {
        for (region, name) in [
            ("us-east-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("eusc-de-east-1", "aws-eusc"),
            ("us-iso-west-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-east-1", "aws-iso-f"),
            ("nowhere", "aws"),
        ] {
            assert_eq!(partition_name(region), name, "{region}");
        }
    }

    #[test]
    fn invalid_region_is_refused() {
        for bad in ["", "us-east-1.evil.com", "US-EAST-1", "us-east-1/", "a@b"] {
            let err = resolve_endpoints(bad, false, false).unwrap_err();
            assert!(matches!(err, ConfigError::InvalidValue { .. }), "{bad}");
            assert!(err.to_string().contains("region"), "{err}");
        }
    }
}
