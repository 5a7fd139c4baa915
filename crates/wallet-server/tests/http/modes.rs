//! Test and live mode, and what `serve` refuses to start with (DESIGN.md *Test and live
//! mode*, *Security model*): no pepper or the demo's, the sandbox or a private webhook
//! destination beside a live key, short or unprefixed keys. A live key cannot name a
//! shopper directly.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const PEPPER: &str = "test-pepper-0123456789abcdef0123456789";
const LIVE_KEY: &str = "sk_live_0123456789abcdef0123456789abcdef";
const ADMIN_KEY: &str = "ak_live_0123456789abcdef0123456789abcdef";

fn config(dir: &tempfile::TempDir, merchant_key: &str, extra: &str) -> std::path::PathBuf {
    let path = dir.path().join("server.toml");
    let text = format!(
        "admin_key = \"{ADMIN_KEY}\"\n{extra}\n\n[[merchants]]\nid = \"shop-1\"\nsecret_key = \"{merchant_key}\"\n"
    );
    std::fs::write(&path, text).expect("write config");
    path
}

fn serve(config: &std::path::Path, env: &[(&str, &str)]) -> Command {
    let (listen, public_url) = crate::common::server::loopback_address();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wallet-server"));
    cmd.args([
        "serve",
        "--listen",
        &listen,
        "--database",
        "sqlite::memory:",
    ])
    .arg("--config")
    .arg(config)
    .env("BC_PUBLIC_URL", public_url)
    .env_remove("BC_SANDBOX")
    .env_remove("BC_PASSWORD_PEPPER")
    .env_remove("BC_ADMIN_KEY")
    .envs(env.iter().copied())
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .kill_on_drop(true);
    cmd
}

/// `demo` with `args`, and for each of `--listen`, `--shop-listen` and `--database` that
/// `args` does not give: a free loopback port, an in-memory database.
fn demo(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wallet-server"));
    cmd.arg("demo").args(args);
    for (flag, value) in [
        ("--listen", "127.0.0.1:0"),
        ("--shop-listen", "127.0.0.1:0"),
        ("--database", "sqlite::memory:"),
    ] {
        if !args.contains(&flag) {
            cmd.args([flag, value]);
        }
    }
    cmd.env_remove("BC_SANDBOX")
        .env_remove("BC_ADMIN_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Runs the command expecting it to refuse its configuration: exit code 2 and `expected`
/// in its message.
async fn refused(mut cmd: Command, expected: &str) {
    let out = tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .expect("exits")
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
}

/// Runs `serve` expecting it to refuse: exit code 2 and `expected` in its message.
async fn refuses(config: &std::path::Path, env: &[(&str, &str)], expected: &str) {
    refused(serve(config, env), expected).await;
}

#[tokio::test]
async fn demo_refuses_live_keys_and_addresses_off_loopback() {
    let dir = tempfile::tempdir().expect("tmp");
    let live = dir.path().join("demo.toml");
    let text = format!("[[merchants]]\nid = \"shop-1\"\nsecret_key = \"{LIVE_KEY}\"\n");
    std::fs::write(&live, text).expect("write config");
    let path = live.to_str().expect("utf-8");
    refused(
        demo(&["--config", path]),
        "merchant \"shop-1\" has a live key",
    )
    .await;
    let mut live_admin = demo(&[]);
    live_admin.env("BC_ADMIN_KEY", ADMIN_KEY);
    refused(live_admin, "the admin key is a live key (ak_live_…)").await;
    refused(demo(&["--listen", "0.0.0.0:0"]), "--listen 0.0.0.0:0").await;
    refused(
        demo(&["--shop-listen", "0.0.0.0:0"]),
        "--shop-listen 0.0.0.0:0",
    )
    .await;
}

/// The demo's banner up to its first line containing `until`: the wallet's URL and that
/// line. The child keeps running.
async fn banner(child: &mut tokio::process::Child, until: &str) -> (String, String) {
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut url = String::new();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("prints its banner")
            .expect("reads")
            .expect("a line before exit");
        if let Some(u) = line.strip_prefix("Balance Checkout demo: ") {
            url = u.trim_end_matches('/').to_owned();
        }
        if line.contains(until) {
            return (url, line);
        }
    }
}

#[tokio::test]
async fn the_demo_banner_says_whether_the_sandbox_is_on() {
    for (sandbox, said) in [("true", "sandbox:    on"), ("false", "sandbox:    off")] {
        let mut cmd = demo(&[]);
        cmd.env("BC_SANDBOX", sandbox);
        let mut child = cmd.spawn().expect("spawn");
        let (_, line) = banner(&mut child, "sandbox:").await;
        assert!(line.contains(said), "BC_SANDBOX={sandbox}: {line}");
        child.kill().await.expect("stop");
    }
}

/// `demo --config`: the banner names the keys in force, and the metrics key it names
/// reads `/metrics` (it once printed `mk_demo` for a file that left the key out, and the
/// key was not set).
#[tokio::test]
async fn the_demo_banner_names_the_keys_in_force() {
    let dir = tempfile::tempdir().expect("tmp");
    let own = "admin_keys = [\"ak_test_own_0123456789abcdef\"]\nmetrics_key = \"mk_own_0123\"\n";
    for (text, says, key) in [
        ("sandbox = true\n", "ak_test_demo  (metrics key mk_demo:", "mk_demo"),
        (own, "admin_keys of your configuration  (metrics key: the metrics_key of your configuration)", "mk_own_0123"),
    ] {
        let path = dir.path().join("demo.toml");
        std::fs::write(&path, text).expect("write config");
        let mut child = demo(&["--config", path.to_str().expect("utf-8")])
            .spawn()
            .expect("spawn");
        let (url, line) = banner(&mut child, "admin key:").await;
        assert!(line.contains(says), "{text}: {line}");
        let metrics = reqwest::Client::new()
            .get(format!("{url}/metrics"))
            .bearer_auth(key)
            .send()
            .await
            .expect("GET /metrics");
        assert_eq!(metrics.status(), 200, "{key} reads /metrics");
        child.kill().await.expect("stop");
    }
}

#[tokio::test]
async fn serve_refuses_what_would_make_it_unsafe() {
    let dir = tempfile::tempdir().expect("tmp");
    let live = config(&dir, LIVE_KEY, "");
    refuses(&live, &[], "password_pepper").await;
    let sandbox = config(&dir, LIVE_KEY, "sandbox = true");
    refuses(&sandbox, &[("BC_PASSWORD_PEPPER", PEPPER)], "sandbox").await;
    let short = config(&dir, "sk_live_short", "");
    refuses(&short, &[("BC_PASSWORD_PEPPER", PEPPER)], "at least 32").await;
    let unprefixed = config(&dir, "0123456789abcdef0123456789abcdef0123", "");
    refuses(&unprefixed, &[("BC_PASSWORD_PEPPER", PEPPER)], "sk_test_").await;
    let twice = dir.path().join("twice.toml");
    let text = format!(
        "admin_key = \"{ADMIN_KEY}\"\n[[merchants]]\nid = \"shop-1\"\nsecret_key = \"{LIVE_KEY}\"\n\
         [[merchants]]\nid = \"shop-1\"\nsecret_key = \"{LIVE_KEY}x\"\n"
    );
    std::fs::write(&twice, text).expect("write config");
    refuses(
        &twice,
        &[("BC_PASSWORD_PEPPER", PEPPER)],
        "has two live keys",
    )
    .await;
    let weak_pepper = config(&dir, LIVE_KEY, "");
    refuses(
        &weak_pepper,
        &[("BC_PASSWORD_PEPPER", "short")],
        "password_pepper",
    )
    .await;
    // The demo's published pepper is long enough, and still refused.
    let demo_pepper = config(&dir, LIVE_KEY, "");
    refuses(
        &demo_pepper,
        &[(
            "BC_PASSWORD_PEPPER",
            "demo-pepper-not-a-secret-0123456789abcdef",
        )],
        "the demo's",
    )
    .await;
    let unprefixed_admin = config(&dir, LIVE_KEY, "");
    refuses(
        &unprefixed_admin,
        &[
            ("BC_PASSWORD_PEPPER", PEPPER),
            ("BC_ADMIN_KEY", "0123456789abcdef0123456789abcdef0123"),
        ],
        "ak_test_",
    )
    .await;
    // Its URLs come from public_url alone: without one it does not start.
    let no_public_url = config(&dir, LIVE_KEY, "");
    refuses(
        &no_public_url,
        &[("BC_PASSWORD_PEPPER", PEPPER), ("BC_PUBLIC_URL", " ")],
        "serve needs public_url",
    )
    .await;
    let with_a_path = config(&dir, LIVE_KEY, "");
    refuses(
        &with_a_path,
        &[
            ("BC_PASSWORD_PEPPER", PEPPER),
            ("BC_PUBLIC_URL", "https://wallet.example/pay"),
        ],
        "scheme, host and port only",
    )
    .await;
    // A private webhook destination is never allowed beside a live key.
    let private = config(
        &dir,
        LIVE_KEY,
        "webhook_private_origins = [\"http://127.0.0.1:9\"]",
    );
    refuses(
        &private,
        &[("BC_PASSWORD_PEPPER", PEPPER)],
        "webhook_private_origins",
    )
    .await;
}

#[tokio::test]
async fn a_live_key_cannot_name_a_shopper() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = config(&dir, LIVE_KEY, "");
    let mut child = serve(&path, &[("BC_PASSWORD_PEPPER", PEPPER)])
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("prints its URL")
            .expect("reads")
            .expect("a line before exit");
        if let Some(rest) = line.split("wallet-server: ").nth(1) {
            break rest.trim().trim_end_matches('/').to_owned();
        }
    };
    let reply = reqwest::Client::new()
        .post(format!("{url}/v1/sessions"))
        .bearer_auth(LIVE_KEY)
        .json(&serde_json::json!({"shopper_id": "shopper_1", "cart": {
            "currency": "CNY",
            "lines": [{"id": "L1", "name": "Kettle", "quantity": 1, "unit_price": "10.00",
                       "merchant": {"id": "self", "kind": "self_operated"}, "category": "physical"}]
        }}))
        .send()
        .await
        .expect("answer");
    assert_eq!(reply.status(), 400);
    let body: serde_json::Value = reply.json().await.expect("json");
    assert_eq!(body["error"]["path"], "shopper_id", "{body}");
    // The sandbox is off in live mode: its routes do not exist.
    let sandbox = reqwest::get(format!("{url}/v1/sandbox/intents/pi_1"))
        .await
        .expect("answer");
    assert_eq!(sandbox.status(), 404);
    child.kill().await.expect("stop");
}
