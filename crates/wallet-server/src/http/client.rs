//! Who is asking: the client's address as the sign-in throttle and the rate limits count
//! it, behind the operator's trusted proxies or not.

use axum::http::HeaderMap;

/// The client's address: the TCP peer, or — when the peer is one of `trusted` (the
/// operator's TLS proxies) — the rightmost address of `X-Forwarded-For` that is not a
/// trusted proxy (each proxy appends the address it got the request from; what is left of
/// it could be written by anyone). IPv4 addresses mapped into IPv6 (a dual-stack listener's
/// peers) are compared and answered as IPv4. `None` when the connection recorded no peer.
#[must_use]
pub fn client_ip(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?.to_canonical();
    let trusted_one = |a: &std::net::IpAddr| trusted.iter().any(|t| t.to_canonical() == *a);
    if !trusted_one(&peer) {
        return Some(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .map(|a| a.to_canonical())
        .collect::<Vec<_>>();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted_one(a))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let ip = |peer: &str, trusted: &[std::net::IpAddr]| {
            super::client_ip(Some(peer.parse().unwrap()), &headers, trusted).map(|a| a.to_string())
        };
        assert_eq!(ip("10.0.0.2", &[proxy]).as_deref(), Some("203.0.113.7"));
        assert_eq!(
            ip("::ffff:10.0.0.2", &[proxy]).as_deref(),
            Some("203.0.113.7"),
            "a proxy seen through a dual-stack socket is still the proxy"
        );
        assert_eq!(
            ip("10.0.0.2", &[]).as_deref(),
            Some("10.0.0.2"),
            "untrusted: the peer"
        );
        assert_eq!(
            ip("198.51.100.1", &[proxy]).as_deref(),
            Some("198.51.100.1")
        );
        assert_eq!(super::client_ip(None, &headers, &[proxy]), None);
    }
}
