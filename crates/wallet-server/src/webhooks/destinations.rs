//! Where webhooks may go (DESIGN.md *Test and live mode*): public addresses only, in both
//! modes, checked when an endpoint is made and again on every delivery (`super::transport`,
//! on the addresses the connection uses); the one exception is an exact origin of the
//! operator's configuration (`webhook_private_origins`: the demo's shop).

use std::net::IpAddr;

use crate::error::ApiError;

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local, site-local, carrier-grade NAT, unspecified, broadcast, multicast,
/// documentation or IETF protocol space (`192.0.0.0/24`), and no IPv4 address embedded in
/// IPv6 (mapped, translated, compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) that is
/// one of those; Teredo `2001::/32` and NAT64's local-use `64:ff9b:1::/48` are refused
/// outright (what they carry is hidden or local). Webhooks go only there (no server-side
/// request forgery).
#[must_use]
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_ipv4(v6) {
                return is_public(IpAddr::V4(v4));
            }
            let [first, second, third, ..] = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && (second == 0x0db8 || second == 0)
                // NAT64's local-use prefix (RFC 8215): it may translate to anything inside.
                || (first, second, third) == (0x0064, 0xff9b, 0x0001))
        }
    }
}

/// The IPv4 address an IPv6 address carries: IPv4-mapped `::ffff:a.b.c.d`,
/// IPv4-compatible `::a.b.c.d` (RFC 4291, deprecated; not `::` or `::1`), NAT64
/// `64:ff9b::a.b.c.d` (RFC 6052) and 6to4 `2002:aabb:ccdd::/48` (RFC 3056).
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let s = v6.segments();
    let v4 = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        std::net::Ipv4Addr::new(a, b, c, d)
    };
    if let Some(mapped) = v6.to_ipv4_mapped() {
        return Some(mapped);
    }
    match s {
        [0, 0, 0, 0, 0, 0, hi, lo] if (hi, lo) != (0, 0) && (hi, lo) != (0, 1) => Some(v4(hi, lo)),
        [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(hi, lo)),
        // IPv4-translated (RFC 2765).
        [0, 0, 0, 0, 0xffff, 0, hi, lo] => Some(v4(hi, lo)),
        [0x2002, hi, lo, ..] => Some(v4(hi, lo)),
        _ => None,
    }
}

/// Whether the URL's origin is exactly one of `origins` (operator configuration).
#[must_use]
pub fn is_private_origin(url: &reqwest::Url, origins: &[String]) -> bool {
    let origin = url.origin();
    origins
        .iter()
        .filter_map(|o| reqwest::Url::parse(o).ok())
        .any(|o| o.origin() == origin)
}

/// Checks an endpoint URL: absolute `http(s)` (`https` in live mode), at most 2048
/// characters, and in both modes not naming a loopback, private or otherwise non-public
/// address (an IP literal in any form of [`is_public`], `localhost`, `*.localhost`,
/// with or without a trailing dot) unless its origin is one of `private_origins` (operator
/// configuration: the demo's shop). Names are checked again on every delivery, on the
/// addresses the connection then uses (`transport`).
///
/// # Errors
/// 400 `invalid_request` at `url`, saying what to change.
pub fn check_url(url: &str, livemode: bool, private_origins: &[String]) -> Result<(), ApiError> {
    let bad = |why: &str| ApiError::field("url", why.to_owned());
    if url.len() > 2048 {
        return Err(bad("is longer than 2048 characters"));
    }
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| bad("is not an absolute URL; give e.g. https://shop.example/webhooks"))?;
    let scheme_ok = match parsed.scheme() {
        "https" => true,
        "http" => !livemode,
        _ => false,
    };
    if !scheme_ok {
        return Err(bad(if livemode {
            "must be https:// in live mode"
        } else {
            "must be http:// or https://"
        }));
    }
    // `localhost.` is `localhost`: a trailing dot only roots the name.
    let host = parsed.host_str().unwrap_or("").trim_end_matches('.');
    if host.is_empty() || !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("needs a host and no user name or password"));
    }
    if is_private_origin(&parsed, private_origins) {
        return Ok(());
    }
    let literal: Option<std::net::IpAddr> = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok();
    let private = literal.is_some_and(|ip| !is_public(ip))
        || host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost");
    if private {
        return Err(bad(
            "names a loopback, private or otherwise non-public address, which webhooks never go to; use your server's public address",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_go_to_public_hosts_only_and_live_ones_over_https() {
        for live in [true, false] {
            assert!(check_url("https://shop.example/hooks", live, &[]).is_ok());
            for form in [
                "https://127.0.0.1/hooks",
                "https://[::1]:8443/hooks",
                "https://10.0.0.7/hooks",
                "https://localhost/hooks",
                "https://localhost./hooks",
                "https://app.localhost./hooks",
                "https://[::127.0.0.1]/hooks",
                "https://[::ffff:10.0.0.1]/hooks",
                "https://[64:ff9b::7f00:1]/hooks",
                "https://[2002:a00:1::1]/hooks",
                "https://[fec0::1]/hooks",
                "https://169.254.169.254/latest",
                "https://[fd00::1]/hooks",
            ] {
                assert!(check_url(form, live, &[]).is_err(), "{form} live={live}");
            }
        }
        assert!(check_url("http://shop.example/hooks", true, &[]).is_err());
        assert!(check_url("http://shop.example/hooks", false, &[]).is_ok());
        assert!(check_url("ftp://shop.example/", false, &[]).is_err());
        assert!(check_url("https://user:pw@shop.example/", false, &[]).is_err());
        assert!(check_url("/hooks", false, &[]).is_err());
    }

    #[test]
    fn only_the_exact_configured_private_origin_is_exempt() {
        let shop = ["http://127.0.0.1:9000".to_owned()];
        assert!(check_url("http://127.0.0.1:9000/webhooks", false, &shop).is_ok());
        assert!(check_url("http://127.0.0.1:9001/webhooks", false, &shop).is_err());
        assert!(check_url("https://127.0.0.1:9000/webhooks", false, &shop).is_err());
        assert!(check_url("http://localhost:9000/webhooks", false, &shop).is_err());
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b::127.0.0.1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "fec0::1",
            "2001:0:4136:e378::1",
            "::ffff:0:a00:1",
            "64:ff9b:1::a00:1",
            "192.0.0.8",
        ] {
            let ip: IpAddr = private.parse().expect("ip");
            assert!(!is_public(ip), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "64:ff9b::101:101",
            "2002:101:101::1",
        ] {
            let ip: IpAddr = public.parse().expect("ip");
            assert!(is_public(ip), "{public}");
        }
    }
}
