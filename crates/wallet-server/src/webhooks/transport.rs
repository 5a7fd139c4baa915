//! Sending one webhook: the Standard Webhooks headers and signature (the `standardwebhooks`
//! crate, <https://www.standardwebhooks.com/>), and HTTP clients that never follow a
//! redirect, use no proxy, give up after the configured timeout and speak only to public
//! addresses, checked on the addresses the connection then uses (in live mode over https
//! only). The one exception is an exact origin of the operator's configuration (the demo's
//! shop). What an attempt records is what a merchant can act on, not which ports of a
//! host answer.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

/// A resolver that keeps only public addresses: the connection is made to what it
/// returns, so a name cannot resolve to a public address when checked and a private one
/// when used.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| super::destinations::is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(NoPublicAddress.into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// The resolver found only addresses webhooks never go to.
#[derive(Debug)]
struct NoPublicAddress;

impl std::fmt::Display for NoPublicAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the host resolves to no public address")
    }
}

impl std::error::Error for NoPublicAddress {}

/// The clients: test and live endpoints (public addresses only), and the configuration's
/// private origins.
#[derive(Clone)]
pub struct Clients {
    test: reqwest::Client,
    live: reqwest::Client,
    private: reqwest::Client,
    private_origins: Arc<[String]>,
    timeout: Duration,
}

impl Clients {
    /// Clients with this timeout per attempt, and the origins exempt from the public-address
    /// rule.
    ///
    /// # Errors
    /// When the TLS stack cannot be set up.
    pub fn new(timeout: Duration, private_origins: &[String]) -> Result<Clients, reqwest::Error> {
        let base = || {
            // No proxy from the environment: it would connect where the resolver's check
            // never looks.
            reqwest::Client::builder()
                .no_proxy()
                .redirect(Policy::none())
                .timeout(timeout)
                .user_agent("BalanceCheckout-Webhooks/1")
        };
        Ok(Clients {
            test: base().dns_resolver(Arc::new(PublicOnly)).build()?,
            live: base()
                .https_only(true)
                .dns_resolver(Arc::new(PublicOnly))
                .build()?,
            private: base().build()?,
            private_origins: private_origins.into(),
            timeout,
        })
    }
}

/// What one attempt got.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The answer's HTTP status; `None` when none came.
    pub status: Option<u16>,
    /// Why it failed, when it did (no answer, a non-2xx status, a refused destination).
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl Answer {
    /// Any 2xx is delivered.
    #[must_use]
    pub fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// One message to send.
pub struct Message<'a> {
    pub url: &'a str,
    pub livemode: bool,
    pub event_id: &'a str,
    pub payload: &'a str,
    pub secrets: &'a [String],
}

/// `webhook-signature`: `v1,<base64>` for each secret, space-separated (Standard Webhooks).
///
/// # Errors
/// A stored secret that is not `whsec_` and base64.
pub fn signature(
    secrets: &[String],
    id: &str,
    timestamp: i64,
    payload: &str,
) -> Result<String, String> {
    let mut parts = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let hook = standardwebhooks::Webhook::new(secret).map_err(|e| e.to_string())?;
        parts.push(
            hook.sign(id, timestamp, payload.as_bytes())
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(parts.join(" "))
}

/// The client for `url`, or why none may send to it: an IP literal must be public (a
/// literal is not resolved); names are checked by the clients' resolver.
fn client_for<'c>(
    clients: &'c Clients,
    url: &str,
    livemode: bool,
) -> Result<&'c reqwest::Client, String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| "the URL does not parse".to_owned())?;
    if super::destinations::is_private_origin(&parsed, &clients.private_origins) {
        return Ok(&clients.private);
    }
    let literal = parsed.host_str().and_then(|host| {
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok()
    });
    if literal.is_some_and(|ip| !super::destinations::is_public(ip)) {
        return Err(NoPublicAddress.to_string());
    }
    Ok(if livemode {
        &clients.live
    } else {
        &clients.test
    })
}

/// Sends `m` once. Never fails: the answer says what happened.
pub async fn send(clients: &Clients, m: &Message<'_>) -> Answer {
    let start = Instant::now();
    let elapsed = |start: Instant| i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (client, refused) = match client_for(clients, m.url, m.livemode) {
        Ok(client) => (Some(client), None),
        Err(why) => (None, Some(why)),
    };
    let timestamp = crate::util::now();
    let signed = signature(m.secrets, m.event_id, timestamp, m.payload);
    let (signature, refused) = match (signed, refused) {
        (Ok(s), None) => (s, None),
        (Err(e), _) => (String::new(), Some(format!("cannot sign: {e}"))),
        (_, Some(r)) => (String::new(), Some(r)),
    };
    let (Some(client), None) = (client, &refused) else {
        return Answer {
            status: None,
            error: refused,
            duration_ms: 0,
        };
    };
    let sent = client
        .post(m.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(standardwebhooks::HEADER_WEBHOOK_ID, m.event_id)
        .header(standardwebhooks::HEADER_WEBHOOK_TIMESTAMP, timestamp)
        .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
        .body(m.payload.to_owned())
        .send()
        .await;
    match sent {
        Ok(reply) => {
            let status = reply.status();
            Answer {
                status: Some(status.as_u16()),
                error: (!status.is_success()).then(|| format!("answered {status}")),
                duration_ms: elapsed(start),
            }
        }
        Err(e) => Answer {
            status: None,
            error: Some(describe(&e, clients.timeout)),
            duration_ms: elapsed(start),
        },
    }
}

/// What a merchant can act on, in one of four sentences: the answer never quotes the
/// connection's own error (refused, reset, unreachable, which TLS alert), which would
/// tell a prober which ports of a host are open.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if cause.is::<NoPublicAddress>() {
            return format!("{NoPublicAddress}; webhooks go only to public addresses");
        }
        source = cause.source();
    }
    if e.is_timeout() {
        format!(
            "no answer within {} ms; answer with a 2xx first and do the work afterwards",
            timeout.as_millis()
        )
    } else if e.is_connect() {
        "could not connect; check that the URL's host resolves to your server and accepts connections (and a valid TLS certificate for https)".to_owned()
    } else {
        "the request failed before an answer came; check that your server answers HTTP/1.1 or HTTP/2".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn every_secret_signs_and_the_library_verifies_each() {
        let secrets = [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
            "whsec_ZGVtby1zaG9wLXdlYmhvb2tzLW5vdC1hLXNlY3JldCE=".to_owned(),
        ];
        let now = crate::util::now();
        let sig = signature(&secrets, "evt_1", now, "{\"a\":1}").expect("signs");
        assert_eq!(sig.split(' ').count(), 2);
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("webhook-id", "evt_1".parse().expect("h"));
        headers.insert("webhook-timestamp", now.to_string().parse().expect("h"));
        headers.insert("webhook-signature", sig.parse().expect("h"));
        for secret in &secrets {
            let hook = standardwebhooks::Webhook::new(secret).expect("secret");
            hook.verify(b"{\"a\":1}", &headers).expect("verifies");
        }
    }
}
