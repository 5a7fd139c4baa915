//! Payment passwords (DESIGN.md *Security model*): six digits, so the hash alone could not
//! survive an offline search of 10^6 candidates. Hence:
//!
//! - every hash is Argon2id keyed with a **pepper** from the configuration (Argon2's
//!   `secret` parameter), never stored in the database; the wallet row records only which
//!   pepper (`pepper_id`, a digest of it). Previous peppers still verify and the password
//!   is re-hashed with the current one on the next success (rotation); a legacy hash
//!   without a pepper is upgraded the same way.
//! - an attempt is **counted before it is checked**, atomically in SQL: a burst of guesses
//!   can never check more than the attempts left; the fifth counted attempt locks the
//!   wallet (`lockout_secs`), and a right password clears the count.
//! - Argon2id (19 MiB each) runs on `password_workers` dedicated threads: at most that many
//!   at once, and memory stays near that many × 19 MiB;
//!   a request that cannot get a worker within [`QUEUE_WAIT`] is answered 503
//!   `server_busy` with `Retry-After`, without counting an attempt.

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use checkout_core::ErrorCode;
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{ApiError, ServerError};
use crate::store::db::Db;
use crate::store::ledger::WalletRef;

/// Wrong passwords in a row that lock the wallet.
pub use crate::security::lock::MAX_ATTEMPTS;

/// How long a check waits for an Argon2id worker before answering 503.
pub const QUEUE_WAIT: Duration = Duration::from_secs(5);

/// A pepper and its public id (hex of a SHA-256 of it: names it without revealing it).
#[derive(Clone)]
struct Pepper {
    secret: Arc<[u8]>,
    id: String,
}

impl Pepper {
    fn new(secret: &str) -> Pepper {
        let digest = Sha256::digest([b"balance-checkout pepper id:", secret.as_bytes()].concat());
        Pepper {
            secret: Arc::from(secret.as_bytes()),
            id: hex::encode(&digest[..8]),
        }
    }

    fn argon2(&self) -> Result<Argon2<'_>, ServerError> {
        Argon2::new_with_secret(
            &self.secret,
            Algorithm::Argon2id,
            Version::V0x13,
            Params::default(),
        )
        .map_err(|e| ServerError::internal("argon2 with the pepper", e.to_string()))
    }
}

/// The password hasher: current and previous peppers and the worker pool. Cheap to clone.
#[derive(Clone)]
pub struct Passwords {
    current: Pepper,
    previous: Vec<Pepper>,
    workers: Arc<Semaphore>,
    /// The queue of the Argon2id threads (as many as `workers`' permits).
    jobs: std::sync::mpsc::Sender<Job>,
    /// Keys the idempotency body hashes (bodies may carry a password): derived from the
    /// current pepper, so nothing unkeyed derived from a password is stored.
    body_key: Arc<[u8]>,
    /// [`Passwords::matches`]'s stand-in hash for unknown accounts.
    dummy: Arc<tokio::sync::OnceCell<String>>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("pepper_id", &self.current.id)
            .field("previous", &self.previous.len())
            .finish_non_exhaustive()
    }
}

/// Work for an Argon2id thread.
type Job = Box<dyn FnOnce() + Send>;

/// `count` long-lived threads that run Argon2id jobs. Long-lived, rather than the async
/// runtime's blocking pool, so that the allocator keeps (and reuses) one 19 MiB block per
/// thread: memory stays near `count` × 19 MiB whatever the load.
fn start_threads(count: usize) -> std::sync::mpsc::Sender<Job> {
    let (jobs, queue) = std::sync::mpsc::channel::<Job>();
    let queue = Arc::new(std::sync::Mutex::new(queue));
    for n in 0..count {
        let queue = queue.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || loop {
                let next = match queue.lock() {
                    Ok(q) => q.recv(),
                    Err(poisoned) => poisoned.into_inner().recv(),
                };
                match next {
                    Ok(job) => job(),
                    Err(_) => break, // every sender dropped: the server is stopping
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start an Argon2id thread");
        }
    }
    jobs
}

/// A stored hash: its PHC string and the id of the pepper that keyed it (`None`: none).
struct Stored {
    phc: String,
    pepper_id: Option<String>,
}

impl Passwords {
    /// `pepper` keys new hashes; `previous` still verify; `workers` (at least 1) bounds
    /// the concurrent Argon2id runs.
    #[must_use]
    pub fn new(pepper: &str, previous: &[String], workers: usize) -> Passwords {
        let current = Pepper::new(pepper);
        let body_key: Vec<u8> =
            Sha256::digest([b"balance-checkout idempotency:", pepper.as_bytes()].concat()).to_vec();
        Passwords {
            current,
            previous: previous.iter().map(|p| Pepper::new(p)).collect(),
            workers: Arc::new(Semaphore::new(workers.max(1))),
            jobs: start_threads(workers.max(1)),
            body_key: Arc::from(body_key),
            dummy: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// The id of the current pepper, as stored with each hash.
    #[must_use]
    pub fn pepper_id(&self) -> &str {
        &self.current.id
    }

    /// Hex HMAC-SHA256 of a request body under a key derived from the pepper: what the
    /// idempotency table stores to tell a retry from another request.
    #[must_use]
    pub fn body_hash(&self, body: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.body_key) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    /// A worker, waiting at most [`QUEUE_WAIT`].
    async fn worker(&self) -> Result<OwnedSemaphorePermit, ServerError> {
        let _waiting = crate::telemetry::metrics::password_waiting();
        tokio::time::timeout(QUEUE_WAIT, self.workers.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|e| ServerError::internal("password workers", e))
    }

    /// Runs `work` on one of the Argon2id threads, holding `worker` until it is done.
    async fn run<T: Send + 'static>(
        &self,
        worker: OwnedSemaphorePermit,
        work: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        let _running = crate::telemetry::metrics::password_running();
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .send(job)
            .map_err(|_| ServerError::internal("password threads", "stopped"))?;
        let result = result
            .await
            .map_err(|e| ServerError::internal("password thread", e))?;
        drop(worker);
        result
    }

    /// The PHC string of an Argon2id hash keyed with the current pepper (default
    /// parameters: 19 MiB, 2 passes), and the pepper's id to store beside it.
    ///
    /// # Errors
    /// 503 `server_busy` when no worker is free; internal when hashing fails.
    pub async fn hash(&self, password: String) -> Result<(String, String), ServerError> {
        let pepper = self.current.clone();
        let worker = self.worker().await?;
        let phc = self
            .run(worker, move || {
                let salt = SaltString::generate(&mut OsRng);
                pepper
                    .argon2()?
                    .hash_password(password.as_bytes(), &salt)
                    .map(|h| h.to_string())
                    .map_err(|e| ServerError::internal("hashing a payment password", e.to_string()))
            })
            .await?;
        Ok((phc, self.current.id.clone()))
    }

    /// Whether `password` matches `stored` (a PHC string and the id of its pepper). Without
    /// a stored hash (an unknown account, or none set) a hash of the same cost is checked
    /// all the same and the answer is `false`, so both take as long.
    ///
    /// # Errors
    /// 503 `server_busy` when no worker is free; internal when the stored hash is corrupt.
    pub async fn matches(
        &self,
        stored: Option<(String, Option<String>)>,
        password: String,
    ) -> Result<bool, ServerError> {
        let (stored, real) = match stored {
            Some((phc, pepper_id)) if !phc.is_empty() => (Stored { phc, pepper_id }, true),
            _ => (self.dummy().await?, false),
        };
        let worker = self.worker().await?;
        Ok(self.verify(worker, stored, password).await? && real)
    }

    /// A hash nobody's password matches, made once with the current pepper.
    async fn dummy(&self) -> Result<Stored, ServerError> {
        let phc = self
            .dummy
            .get_or_try_init(|| async {
                let (phc, _) = self.hash(crate::util::random_id("", 32)).await?;
                Ok::<_, ServerError>(phc)
            })
            .await?;
        Ok(Stored {
            phc: phc.clone(),
            pepper_id: Some(self.current.id.clone()),
        })
    }

    /// The configured pepper a stored hash names (`None` for a hash made before peppers).
    ///
    /// # Errors
    /// Internal when the pepper is not configured (any more): no password can verify.
    fn pepper_of(&self, stored: &Stored) -> Result<Option<Pepper>, ServerError> {
        let Some(id) = stored.pepper_id.as_deref() else {
            return Ok(None);
        };
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|p| p.id == id)
            .cloned()
            .map(Some)
            .ok_or_else(|| {
                ServerError::internal(
                    "verifying a payment password",
                    format!("pepper {id} is not configured (password_pepper or password_previous_peppers)"),
                )
            })
    }

    /// Whether `password` matches the stored hash, with the pepper it names, on `worker`.
    async fn verify(
        &self,
        worker: OwnedSemaphorePermit,
        stored: Stored,
        password: String,
    ) -> Result<bool, ServerError> {
        let pepper = self.pepper_of(&stored)?;
        self.run(worker, move || {
            let parsed = PasswordHash::new(&stored.phc)
                .map_err(|e| ServerError::internal("stored password hash", e.to_string()))?;
            let ok = match &pepper {
                Some(p) => p.argon2()?.verify_password(password.as_bytes(), &parsed),
                None => Argon2::default().verify_password(password.as_bytes(), &parsed),
            };
            Ok(ok.is_ok())
        })
        .await
    }
}

fn busy() -> ServerError {
    ApiError::new(
        ErrorCode::ServerBusy,
        "the server is checking too many payment passwords right now; try again in a few seconds",
    )
    .with("retry_after", 2)
    .into()
}

/// Checks the wallet's payment password at `now` (unix seconds): the attempt is counted
/// first; a right password clears the count (and re-hashes with the current pepper when
/// the stored hash used another).
///
/// # Errors
/// 423 `password_locked` with `locked_until` while locked or when this attempt locks it;
/// 403 `wrong_password` with `attempts_left`; 402 `insufficient_balance` without a
/// wallet; 503 `server_busy` when no Argon2id worker is free.
pub async fn check(
    db: &Db,
    passwords: &Passwords,
    wallet: WalletRef<'_>,
    password: &str,
    now: i64,
    lockout_secs: i64,
) -> Result<(), ServerError> {
    let row: Option<(String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT password_hash, pepper_id, locked_until FROM wallets \
         WHERE shopper_id = $1 AND livemode = $2",
    )
    .bind(wallet.shopper)
    .bind(i64::from(wallet.livemode))
    .fetch_optional(&db.pool)
    .await?;
    let Some((phc, pepper_id, _)) = row else {
        return Err(ApiError::new(
            ErrorCode::InsufficientBalance,
            "the shopper has no wallet yet, so nothing can be paid from balance; pay with another method",
        )
        .into());
    };
    if phc.is_empty() {
        // A live wallet its shopper has not activated yet: nothing to check, no attempt.
        return Err(ApiError::new(
            ErrorCode::WrongPassword,
            "this wallet has no payment password yet: its owner sets one when activating the wallet",
        )
        .with("attempts_left", crate::security::lock::MAX_ATTEMPTS)
        .into());
    }
    let stored = Stored { phc, pepper_id };
    // A missing pepper (a configuration error) and a request turned away for load must
    // not cost the shopper an attempt: both are found before it is counted.
    passwords.pepper_of(&stored)?;
    let worker = passwords.worker().await?;
    let counted = crate::security::lock::count_attempt(db, wallet, now, lockout_secs).await?;
    let legacy = stored.pepper_id.as_deref() != Some(passwords.pepper_id());
    if passwords
        .verify(worker, stored, password.to_owned())
        .await?
    {
        crate::security::lock::clear(db, wallet).await?;
        if legacy {
            rehash(db, passwords, wallet, password).await?;
        }
        return Ok(());
    }
    Err(crate::security::lock::failed(
        counted,
        now,
        lockout_secs,
        |left| {
            ApiError::new(
                ErrorCode::WrongPassword,
                format!("wrong payment password; {left} attempts left before the wallet locks"),
            )
        },
    ))
}

/// Stores a hash keyed with the current pepper (rotation, or a legacy unpeppered hash).
async fn rehash(
    db: &Db,
    passwords: &Passwords,
    wallet: WalletRef<'_>,
    password: &str,
) -> Result<(), ServerError> {
    let (phc, pepper_id) = passwords.hash(password.to_owned()).await?;
    sqlx::query(
        "UPDATE wallets SET password_hash = $2, pepper_id = $3 WHERE shopper_id = $1 AND livemode = $4",
    )
    .bind(wallet.shopper)
    .bind(phc)
    .bind(pepper_id)
    .bind(i64::from(wallet.livemode))
    .execute(&db.pool)
    .await?;
    tracing::info!(shopper = %wallet.shopper, "payment password re-hashed with the current pepper");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Passwords;

    #[test]
    fn the_pepper_id_names_the_pepper_without_revealing_it() {
        let a = Passwords::new("pepper-a-0123456789abcdef0123456789", &[], 1);
        let b = Passwords::new("pepper-b-0123456789abcdef0123456789", &[], 1);
        assert_eq!(a.pepper_id().len(), 16);
        assert_ne!(a.pepper_id(), b.pepper_id());
        assert!(!a.pepper_id().contains("pepper"));
    }

    #[test]
    fn body_hashes_are_keyed_with_the_pepper() {
        let a = Passwords::new("pepper-a-0123456789abcdef0123456789", &[], 1);
        let b = Passwords::new("pepper-b-0123456789abcdef0123456789", &[], 1);
        let body = br#"{"payment_password":"123456"}"#;
        assert_eq!(a.body_hash(body), a.body_hash(body));
        assert_ne!(a.body_hash(body), b.body_hash(body));
        assert_ne!(a.body_hash(body), crate::util::sha256_hex(body));
    }

    #[tokio::test]
    async fn a_hash_verifies_only_with_its_pepper() {
        let a = Passwords::new("pepper-a-0123456789abcdef0123456789", &[], 1);
        let (phc, id) = a.hash("123456".into()).await.expect("hash");
        let stored = || super::Stored {
            phc: phc.clone(),
            pepper_id: Some(id.clone()),
        };
        let w = || a.worker();
        assert!(a
            .verify(w().await.expect("w"), stored(), "123456".into())
            .await
            .expect("verify"));
        assert!(!a
            .verify(w().await.expect("w"), stored(), "654321".into())
            .await
            .expect("verify"));
        // Without the pepper, the hash verifies nothing (a copy of the database is not enough).
        let parsed = argon2::PasswordHash::new(&phc).expect("phc");
        use argon2::PasswordVerifier as _;
        assert!(argon2::Argon2::default()
            .verify_password(b"123456", &parsed)
            .is_err());
        // A rotated pepper still verifies as a previous one.
        let rotated = Passwords::new(
            "pepper-c-0123456789abcdef0123456789",
            &["pepper-a-0123456789abcdef0123456789".to_owned()],
            1,
        );
        let w = rotated.worker().await.expect("w");
        assert!(rotated
            .verify(w, stored(), "123456".into())
            .await
            .expect("verify"));
    }
}
