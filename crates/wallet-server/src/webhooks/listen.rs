//! `wallet-server listen --forward-to <url>`: a developer's webhooks on their own machine,
//! as `stripe listen` gives them. It reads the merchant's events through the API
//! (`GET /v1/events`, newest first, paging back to the last one it saw) once a second and
//! posts each new one to `url`, signed with the Standard Webhooks headers under a `whsec_…`
//! secret it makes at start and prints.
//!
//! It registers no webhook endpoint: the wallet never sends to the developer's loopback
//! address (DESIGN.md *Test and live mode*); this client, on the developer's machine,
//! does. Test keys only: live events never leave the wallet this way.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use serde_json::Value;

/// The flags of `wallet-server listen`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListenArgs {
    /// Where each event is posted, e.g. http://127.0.0.1:4242/webhooks.
    #[arg(long = "forward-to", value_name = "URL")]
    pub forward_to: String,
    /// The wallet's origin, whose API is read.
    #[arg(long, env = "BC_WALLET_URL", default_value = "http://localhost:8080")]
    pub api: String,
    /// The merchant's test secret key (`sk_test_…`).
    #[arg(long, env = "BC_MERCHANT_KEY", default_value = "sk_test_demo")]
    pub key: String,
    /// Seconds between two reads of the events.
    #[arg(long, default_value_t = 1)]
    pub interval_secs: u64,
}

/// The ids already forwarded (or there at start), the most recent [`MEMORY`] of them.
const MEMORY: usize = 10_000;

/// Runs until the process ends; `Err` says why it cannot start or go on.
///
/// # Errors
/// A live key, a URL that does not parse, or the wallet refusing the key.
pub async fn run(args: ListenArgs) -> Result<(), String> {
    if !args.key.starts_with("sk_test_") {
        return Err("listen forwards test-mode events only: pass a test key (sk_test_…) with --key or BC_MERCHANT_KEY".to_owned());
    }
    reqwest::Url::parse(&args.forward_to)
        .map_err(|e| format!("--forward-to {:?} is not a URL: {e}", args.forward_to))?;
    let client = reqwest::Client::builder()
        .user_agent("BalanceCheckout-Listen/1")
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
    let secret = super::endpoints::new_secret();
    let mut seen = Seen::default();
    for event in page(&client, &args, None).await?.0 {
        seen.insert(&event);
    }
    println!(
        "Ready. Forwarding {}'s events to {}.\nYour webhook signing secret is {secret}",
        args.api, args.forward_to
    );
    loop {
        tokio::time::sleep(Duration::from_secs(args.interval_secs.max(1))).await;
        let events = match new_events(&client, &args, &seen).await {
            Ok(events) => events,
            Err(e) => {
                eprintln!("listen: {e}; trying again");
                continue;
            }
        };
        // Oldest first, as they happened.
        for event in events.iter().rev().filter(|e| seen.insert(e)) {
            forward(&client, &args.forward_to, &secret, event).await;
        }
    }
}

/// Event ids seen, bounded.
#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    /// Whether the event was seen already.
    fn has(&self, event: &Value) -> bool {
        self.ids.contains(event["id"].as_str().unwrap_or_default())
    }

    /// Notes the event; `false` when it was seen already.
    fn insert(&mut self, event: &Value) -> bool {
        let id = event["id"].as_str().unwrap_or_default().to_owned();
        if !self.ids.insert(id.clone()) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > MEMORY {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        true
    }
}

/// Every event not `seen`, newest first: pages of 100 back from the newest until one holds
/// an event seen already, at most 50 pages a poll. That page's unseen events are all
/// kept, not only those above the seen one: on PostgreSQL a transaction that took its
/// sequence number earlier may commit later, so an event can appear below one already
/// forwarded.
async fn new_events(
    client: &reqwest::Client,
    args: &ListenArgs,
    seen: &Seen,
) -> Result<Vec<Value>, String> {
    let mut events = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..50 {
        let (page, more) = page(client, args, after.as_deref()).await?;
        let known = page.iter().any(|e| seen.has(e));
        after = page
            .last()
            .and_then(|e| e["id"].as_str())
            .map(str::to_owned);
        events.extend(page.into_iter().filter(|e| !seen.has(e)));
        if known || !more || after.is_none() {
            break;
        }
    }
    Ok(events)
}

/// A page of 100 events, newest first, after the event `after`; and whether more follow.
async fn page(
    client: &reqwest::Client,
    args: &ListenArgs,
    after: Option<&str>,
) -> Result<(Vec<Value>, bool), String> {
    let mut url = format!("{}/v1/events?limit=100", args.api.trim_end_matches('/'));
    if let Some(id) = after {
        url.push_str("&starting_after=");
        url.push_str(id);
    }
    let reply = client
        .get(&url)
        .bearer_auth(&args.key)
        .send()
        .await
        .map_err(|e| format!("cannot read {url}: {e}"))?;
    let status = reply.status();
    let body: Value = reply
        .json()
        .await
        .map_err(|e| format!("{url} answered {status} without JSON: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "{url} answered {status}: {}",
            body["error"]["message"]
        ));
    }
    let more = body["has_more"].as_bool().unwrap_or(false);
    Ok((body["data"].as_array().cloned().unwrap_or_default(), more))
}

/// Posts one event, signed, and prints what the developer's server answered.
async fn forward(client: &reqwest::Client, url: &str, secret: &str, event: &Value) {
    let id = event["id"].as_str().unwrap_or_default();
    let kind = event["type"].as_str().unwrap_or_default();
    let payload = event.to_string();
    let timestamp = crate::util::now();
    let signature = match super::transport::signature(&[secret.to_owned()], id, timestamp, &payload)
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("listen: cannot sign {id}: {e}");
            return;
        }
    };
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(standardwebhooks::HEADER_WEBHOOK_ID, id)
        .header(standardwebhooks::HEADER_WEBHOOK_TIMESTAMP, timestamp)
        .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
        .body(payload)
        .send()
        .await;
    match sent {
        Ok(reply) => println!("{kind} {id} → {url} [{}]", reply.status().as_u16()),
        Err(e) => println!("{kind} {id} → {url} [not delivered: {e}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;
    use serde_json::json;

    #[test]
    fn an_event_is_forwarded_once() {
        let mut seen = Seen::default();
        assert!(seen.insert(&json!({"id": "evt_1"})));
        assert!(!seen.insert(&json!({"id": "evt_1"})));
        assert!(seen.insert(&json!({"id": "evt_2"})));
    }
}
