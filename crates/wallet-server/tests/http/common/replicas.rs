//! Several `wallet-server serve` processes — replicas — on one PostgreSQL database, as
//! DESIGN.md *Several replicas* runs them behind a load balancer. Each replica is a real
//! process on its own loopback port; a test spreads its clients over them and may SIGKILL
//! one mid-run.

use std::process::Stdio;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use tokio::process::{Child, Command};

use super::api::Api;
use super::server::{demo_url, loopback_address, postgres_admin_url, server_binary, PgDatabase};

/// The merchant's secret key in the replicas' configuration (`serve` wants 32 characters).
pub const REPLICA_MERCHANT_KEY: &str = "sk_test_replicas_0123456789abcdefghijklmnopq";
/// The admin key in the replicas' configuration.
pub const REPLICA_ADMIN_KEY: &str = "ak_test_replicas_0123456789abcdefghijklmnopq";
/// The webhook secret of the merchant's one endpoint.
pub const REPLICA_WEBHOOK_SECRET: &str = "whsec_cmVwbGljYXMtd2ViaG9vay1zZWNyZXQtZm9yLXRlc3Rz";

/// One replica: its URL and its process (SIGKILLed when dropped).
pub struct Replica {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub url: String,
    child: Option<Child>,
}

/// N replicas on one fresh database.
pub struct Cluster {
    pub replicas: Vec<Replica>,
    database_url: String,
    dir: tempfile::TempDir,
    // Field order: the processes die (with `replicas`) before the database goes.
    _pg: PgDatabase,
}

fn config(webhook_url: &str) -> String {
    // The receiver is on loopback: the operator lets this test instance send there.
    let origin: String = webhook_url
        .splitn(4, '/')
        .take(3)
        .collect::<Vec<_>>()
        .join("/");
    format!(
        "sandbox = true\n\
         webhook_private_origins = [\"{origin}\"]\n\
         admin_key = \"{REPLICA_ADMIN_KEY}\"\n\
         password_pepper = \"replicas-test-pepper-0123456789abcdefghijkl\"\n\
         [[merchants]]\n\
         id = \"demo-shop\"\n\
         secret_key = \"{REPLICA_MERCHANT_KEY}\"\n\
         [merchants.policy]\n\
         accepting_third_party = [\"m-partner\"]\n\
         [[merchants.webhooks]]\n\
         url = \"{webhook_url}\"\n\
         secrets = [\"{REPLICA_WEBHOOK_SECRET}\"]\n"
    )
}

impl Cluster {
    /// `n` replicas of `serve` on a new database of `BC_TEST_POSTGRES_URL`, with webhooks
    /// to `webhook_url` and `env` on top of no rate limits. The first one migrates the
    /// database before the others start (as an operator's deploy does).
    pub async fn start(n: usize, webhook_url: &str, env: &[(&str, &str)]) -> Cluster {
        let admin = postgres_admin_url().expect("BC_TEST_POSTGRES_URL is set");
        let pg = PgDatabase::create(&admin);
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("server.toml"), config(webhook_url)).expect("config");
        let mut cluster = Cluster {
            replicas: Vec::new(),
            database_url: pg.url(),
            dir,
            _pg: pg,
        };
        for i in 0..n {
            let replica = cluster.spawn(i, env).await;
            cluster.replicas.push(replica);
        }
        cluster
    }

    async fn spawn(&self, i: usize, env: &[(&str, &str)]) -> Replica {
        let log_path = self.dir.path().join(format!("replica-{i}.log"));
        let log = std::fs::File::create(&log_path).expect("replica log");
        let (listen, public_url) = loopback_address();
        let mut child = Command::new(server_binary())
            .arg("serve")
            .arg("--config")
            .arg(self.dir.path().join("server.toml"))
            .args(["--listen", &listen, "--database", &self.database_url])
            .env("BC_PUBLIC_URL", public_url)
            .env("BC_RATE_LIMIT_IP_PER_MIN", "0")
            .env("BC_RATE_LIMIT_SESSION_PER_MIN", "0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("spawn a replica");
        let stdout = child.stdout.take().expect("piped stdout");
        let url = tokio::time::timeout(Duration::from_secs(120), demo_url(stdout)).await;
        let Ok(Some(url)) = url else {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("replica {i} did not start; its log:\n{log}");
        };
        Replica {
            url,
            child: Some(child),
        }
    }

    /// A client of replica `i` with the configuration's keys.
    #[must_use]
    pub fn api(&self, i: usize) -> Api {
        Api::at(&self.replicas[i % self.replicas.len()].url)
            .with_keys(REPLICA_MERCHANT_KEY, REPLICA_ADMIN_KEY)
    }

    /// SIGKILLs replica `i`: no graceful shutdown, requests in flight cut.
    pub async fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.replicas[i].child.take() {
            child.start_kill().expect("SIGKILL the replica");
            let _ = child.wait().await;
        }
    }

    /// Every replica's log so far, one after the other.
    #[must_use]
    pub fn logs(&self) -> String {
        (0..self.replicas.len())
            .map(|i| {
                std::fs::read_to_string(self.dir.path().join(format!("replica-{i}.log")))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The database URL the replicas share.
    #[must_use]
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// A small pool on the shared database, for the invariants the API cannot show.
    pub async fn pool(&self) -> AnyPool {
        sqlx::any::install_default_drivers();
        AnyPoolOptions::new()
            .max_connections(2)
            .connect(&self.database_url)
            .await
            .expect("open the replicas' database")
    }
}
