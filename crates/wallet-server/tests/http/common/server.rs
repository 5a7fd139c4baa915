//! Spawning `wallet-server demo` on a fresh database, one per test.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

/// The storage a server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The admin URL of the PostgreSQL cluster to test against, when one is configured.
#[must_use]
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("BC_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// A database created for one server and dropped with it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

fn psql(admin_url: &str, sql: &str) -> Result<(), String> {
    let out = std::process::Command::new("psql")
        .args([admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// `postgres://u@h:p/admin?x` with the database replaced by `name`.
fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl PgDatabase {
    /// A new, empty database on the cluster of `admin_url`.
    pub fn create(admin_url: &str) -> PgDatabase {
        let name = format!("bc_test_{}", uuid::Uuid::new_v4().simple());
        if let Err(e) = psql(admin_url, &format!("CREATE DATABASE {name}")) {
            panic!("creating test database {name} through {admin_url}: {e}");
        }
        PgDatabase {
            admin_url: admin_url.to_owned(),
            name,
        }
    }

    /// Its URL.
    #[must_use]
    pub fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Best effort: the cluster is a throwaway one anyway.
        let _ = psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// A running `wallet-server demo` (or `serve`), killed (SIGKILL) when dropped.
pub struct Server {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub url: String,
    pub backend: Backend,
    /// The subcommand and its own arguments: `demo`, or `serve --config <file>`.
    command: Vec<String>,
    database_url: String,
    env: Vec<(String, String)>,
    child: Option<Child>,
    log_path: PathBuf,
    // Field order matters: the child dies before its database and directory go away.
    _pg: Option<PgDatabase>,
    _dir: tempfile::TempDir,
}

/// Knobs every test server gets unless the test overrides them: no rate limits, so that
/// parallel tests and loops never see a 429 they did not ask for.
const DEFAULT_ENV: [(&str, &str); 2] = [
    ("BC_RATE_LIMIT_IP_PER_MIN", "0"),
    ("BC_RATE_LIMIT_SESSION_PER_MIN", "0"),
];

impl Server {
    /// A demo server on a fresh database with the default test knobs.
    pub async fn start(backend: Backend) -> Server {
        Server::start_with(backend, &[]).await
    }

    /// A demo server on a fresh database; `env` overrides the default knobs.
    pub async fn start_with(backend: Backend, env: &[(&str, &str)]) -> Server {
        Server::start_command(backend, None, env).await
    }

    /// `wallet-server serve` with the configuration file `config` (TOML) on a fresh
    /// database; `env` overrides the default knobs.
    pub async fn serve_with(backend: Backend, config: &str, env: &[(&str, &str)]) -> Server {
        Server::start_command(backend, Some(config), env).await
    }

    /// [`Server::serve_with`], once `prepare` has run on the fresh database (given its
    /// URL): e.g. to lay down rows as an earlier release left them.
    pub async fn serve_after(
        backend: Backend,
        config: &str,
        prepare: impl AsyncFnOnce(&str),
    ) -> Server {
        let mut server = Server::unstarted(backend, Some(config), &[]);
        prepare(&server.database_url).await;
        server.spawn().await;
        server
    }

    /// A demo server on `sqlite::memory:`, as the end-to-end tests run it.
    pub async fn start_in_memory() -> Server {
        let mut server = Server::unstarted(Backend::Sqlite, None, &[]);
        server.database_url = "sqlite::memory:".to_owned();
        server.spawn().await;
        server
    }

    async fn start_command(backend: Backend, config: Option<&str>, env: &[(&str, &str)]) -> Server {
        let mut server = Server::unstarted(backend, config, env);
        server.spawn().await;
        server
    }

    /// A server on a fresh database (and directory), not running yet.
    fn unstarted(backend: Backend, config: Option<&str>, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let command = match config {
            None => vec!["demo".to_owned()],
            Some(text) => {
                let path = dir.path().join("server.toml");
                std::fs::write(&path, text).expect("write the configuration");
                vec![
                    "serve".to_owned(),
                    "--config".to_owned(),
                    path.display().to_string(),
                ]
            }
        };
        let (database_url, pg) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("wallet.db").display()),
                None,
            ),
            Backend::Postgres => {
                let admin = postgres_admin_url().expect("BC_TEST_POSTGRES_URL is set");
                let db = PgDatabase::create(&admin);
                (db.url(), Some(db))
            }
        };
        let mut all: Vec<(String, String)> = DEFAULT_ENV
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        for (k, v) in env {
            all.retain(|(key, _)| key != k);
            all.push(((*k).to_owned(), (*v).to_owned()));
        }
        Server {
            url: String::new(),
            backend,
            command,
            database_url,
            env: all,
            child: None,
            log_path: dir.path().join("server.log"),
            _pg: pg,
            _dir: dir,
        }
    }

    /// The `--database` URL this server runs on.
    #[must_use]
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    async fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .expect("server log file");
        // `serve` needs its public URL, so its port is chosen before it starts.
        let (listen, public_url) = match self.command[0].as_str() {
            "serve" => loopback_address(),
            _ => ("127.0.0.1:0".to_owned(), String::new()),
        };
        let mut command = Command::new(server_binary());
        if !public_url.is_empty() {
            command.env("BC_PUBLIC_URL", public_url);
        }
        let mut child = command
            .args(&self.command)
            .args(["--listen", &listen, "--database", &self.database_url])
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("spawn wallet-server");
        let stdout = child.stdout.take().expect("piped stdout");
        self.child = Some(child);
        let found = tokio::time::timeout(Duration::from_secs(120), demo_url(stdout)).await;
        match found {
            Ok(Some(url)) => self.url = url,
            Ok(None) => self.fail("exited before printing its URL"),
            Err(_) => self.fail("printed no `Balance Checkout demo: http://…` line in 120 s"),
        }
        self.wait_healthy().await;
    }

    async fn wait_healthy(&self) {
        let http = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = http.get(format!("{}/healthz", self.url)).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail("GET /healthz did not answer 200 within 30 s");
    }

    fn fail(&self, what: &str) -> ! {
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "wallet-server ({:?}, {}) {what}; its stderr ends with:\n{}",
            self.backend,
            self.database_url,
            tail.join("\n")
        );
    }

    /// Kills the process with SIGKILL, as a power cut would: no graceful shutdown.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL the server");
            let _ = child.wait().await;
        }
    }

    /// Starts the server again on the same database (after [`Server::kill`]); the URL
    /// changes because the port is chosen anew.
    pub async fn restart(&mut self) {
        self.kill().await;
        self.spawn().await;
    }

    /// What the server wrote on stderr so far (its log, `RUST_LOG` permitting).
    #[must_use]
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// The server's process id, while it runs.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(tokio::process::Child::id)
    }

    /// True while the process is alive.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }
}

/// A free loopback address for a `serve` process and its `public_url`
/// (`127.0.0.1:<port>`, `http://127.0.0.1:<port>`): `serve` builds its URLs from
/// `public_url` alone, so the port is chosen first (freed again at once: another process
/// taking it in between is possible, and rare).
#[must_use]
pub fn loopback_address() -> (String, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    (
        format!("127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}"),
    )
}

/// The binary under test: this package's `wallet-server`, or `BC_TEST_SERVER_BIN` (for
/// running the suite against another build, e.g. a release one).
pub fn server_binary() -> String {
    std::env::var("BC_TEST_SERVER_BIN")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_wallet-server").to_owned())
}

/// Reads stdout until the `Balance Checkout demo: http://…/` line, then keeps draining it
/// in the background so that the server never blocks on a full pipe.
pub async fn demo_url(stdout: impl AsyncRead + Unpin + Send + 'static) -> Option<String> {
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let rest = ["Balance Checkout demo:", "Balance Checkout wallet-server:"]
            .iter()
            .find_map(|prefix| line.split(prefix).nth(1));
        if let Some(rest) = rest {
            let url = rest.trim().trim_end_matches('/').to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Some(url);
        }
    }
    None
}
