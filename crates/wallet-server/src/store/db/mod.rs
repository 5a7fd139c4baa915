//! Storage: one `sqlx::Any` pool over embedded SQLite (default) or PostgreSQL, with the
//! same queries for both. The few dialect differences live here: how a writing
//! transaction starts and how a row is locked.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Transaction};

pub mod rows;

/// Which database the URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The isolation level of the transactions [`Db::begin`] starts on PostgreSQL
/// (`isolation` / `BC_DB_ISOLATION`). SQLite is always serializable: one writer at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Isolation {
    /// PostgreSQL's default, `READ COMMITTED`: the money path locks what it reads
    /// (`FOR UPDATE`, guarded `UPDATE`s), so it needs no more.
    #[default]
    ReadCommitted,
    /// `SERIALIZABLE`, as Postgres-compatible distributed SQL engines run: conflicts end
    /// in SQLSTATE 40001 and `retry::retrying` runs the transaction again.
    Serializable,
}

impl Isolation {
    /// `read_committed` or `serializable`.
    ///
    /// # Errors
    /// Any other word, with what is accepted.
    pub fn parse(word: &str) -> Result<Isolation, String> {
        match word.trim().to_ascii_lowercase().replace(' ', "_").as_str() {
            "read_committed" => Ok(Isolation::ReadCommitted),
            "serializable" => Ok(Isolation::Serializable),
            other => Err(format!(
                "isolation {other:?}: use read_committed (the default) or serializable"
            )),
        }
    }
}

/// The pool, its dialect and the isolation of writing transactions.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub dialect: Dialect,
    pub isolation: Isolation,
    /// For `sqlite::memory:`: a connection held, never used, for as long as the server
    /// runs. A shared-cache in-memory database lives while one connection to it is open;
    /// the pool's own connection is closed when a client hangs up mid-query, and without
    /// this one every table went with it.
    _keeper: Option<std::sync::Arc<std::sync::Mutex<sqlx::AnyConnection>>>,
}

pub type Tx = Transaction<'static, Any>;

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}; use sqlite://path, sqlite::memory: or postgres://user@host/db")]
    UnsupportedUrl(String),
    #[error("cannot open the database {url}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the database")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
pub type Row = AnyRow;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A SQLite URL with `mode=rwc`, so that a new file is created rather than refused;
/// `sqlite::memory:` as a shared-cache in-memory database of its own name (`memory_name`),
/// which every connection of the pool opens (sqlx would give each new connection of an
/// `Any` pool a new, empty one).
fn sqlite_url(url: &str, memory_name: &str) -> String {
    if url.contains(":memory:") {
        format!("sqlite:file:{memory_name}?mode=memory&cache=shared")
    } else if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl Db {
    /// Connects to `sqlite://path`, `sqlite::memory:` or `postgres://…`; on PostgreSQL
    /// [`Db::begin`] starts its transactions at `isolation`.
    ///
    /// # Errors
    /// [`DbError::UnsupportedUrl`] for another scheme, [`DbError::Connect`] when it cannot
    /// be opened (the URL in the error has its password hidden).
    pub async fn connect(url: &str, isolation: Isolation) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let memory = url.starts_with("sqlite:") && url.contains(":memory:");
        let (dialect, url) = if url.starts_with("sqlite:") {
            let name = crate::util::random_id("balance-checkout-memory-", 16);
            (Dialect::Sqlite, sqlite_url(url, &name))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_owned())
        } else {
            return Err(DbError::UnsupportedUrl(redact(url)));
        };
        let options = match dialect {
            Dialect::Sqlite => {
                // An in-memory database lives in one connection; a file takes a few
                // readers while writers queue on SQLite's own lock (BEGIN IMMEDIATE).
                AnyPoolOptions::new()
                    .max_connections(if memory { 1 } else { 8 })
                    .min_connections(u32::from(memory))
                    .idle_timeout(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(600))
                    })
                    .max_lifetime(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(3600))
                    })
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
            }
            Dialect::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let pool = options
            .acquire_timeout(Duration::from_secs(30))
            .connect(&url)
            .await
            .map_err(|source| DbError::Connect {
                url: redact(&url),
                source,
            })?;
        // Detached from the pool, it keeps the in-memory database and leaves the pool its
        // one connection for the work.
        let keeper = if memory {
            let held = pool.acquire().await.map_err(|source| DbError::Connect {
                url: redact(&url),
                source,
            })?;
            Some(std::sync::Arc::new(std::sync::Mutex::new(held.detach())))
        } else {
            None
        };
        Ok(Db {
            pool,
            dialect,
            isolation,
            _keeper: keeper,
        })
    }

    /// Applies the migrations of the dialect.
    ///
    /// # Errors
    /// [`DbError::Migrate`] when a migration fails or the database is newer than this build.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        Ok(migrator.run(&self.pool).await?)
    }

    /// A transaction that may write. SQLite takes its write lock at once (waiting up to
    /// the busy timeout) so that a read-then-write transaction never fails half-way;
    /// PostgreSQL locks rows as they are touched (see [`Db::for_update`]), at the
    /// configured [`Isolation`]. Callers run it inside `retry::retrying`.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match (self.dialect, self.isolation) {
            (Dialect::Sqlite, _) => self.pool.begin_with("BEGIN IMMEDIATE").await,
            (Dialect::Postgres, Isolation::ReadCommitted) => self.pool.begin().await,
            (Dialect::Postgres, Isolation::Serializable) => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    .await
            }
        }
    }

    /// The suffix that claims the selected rows for this transaction and passes over
    /// rows another transaction holds, so that replicas share background work without
    /// waiting on each other (SQLite: one writer at a time, nothing to add).
    #[must_use]
    pub fn skip_locked(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The suffix that locks the selected rows until commit (SQLite's transaction already
    /// holds the database's write lock).
    #[must_use]
    pub fn for_update(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }
}

/// The URL without its password, for messages and logs.
#[must_use]
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, sqlite_url};

    #[test]
    fn it_hides_the_password_of_a_database_url() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn it_lets_sqlite_create_a_missing_file() {
        assert_eq!(sqlite_url("sqlite://x.db", "m"), "sqlite://x.db?mode=rwc");
        assert_eq!(
            sqlite_url("sqlite::memory:", "m"),
            "sqlite:file:m?mode=memory&cache=shared"
        );
        assert_eq!(
            sqlite_url("sqlite://x.db?mode=ro", "m"),
            "sqlite://x.db?mode=ro"
        );
    }
}
