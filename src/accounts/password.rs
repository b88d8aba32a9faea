//! Password hashing (argon2id at OWASP's least-memory parameters: 7 MiB, 5 passes, 1 lane)
//! on a small pool of dedicated threads, one hash per thread at a time: a burst of
//! sign-ins waits its turn instead of exhausting memory or starving other
//! requests, and the 7 MiB work areas stay in those few threads' allocator
//! arenas rather than spreading over every blocking thread. And the password rules.

use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::oneshot;

use crate::error::AppError;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Memory per hash in KiB (7 MiB), passes and lanes: of the argon2id choices
/// OWASP lists as equally strong (19 MiB and 2 passes, 12 MiB and 3, 9 MiB and
/// 4, 7 MiB and 5), the one with the least memory, for about the same time:
/// the server's memory budget holds a sign-in beside a surge of visitors.
/// Written here rather than taken from the crate's defaults, so that an upgrade
/// of the crate cannot change them unseen. A stored hash names its own
/// parameters, so older hashes still verify after a change here (and are made
/// again at the next sign-in: [`Hasher::rehash_if_stale`]).
pub const MEMORY_KIB: u32 = 7 * 1024;
pub const PASSES: u32 = 5;
pub const LANES: u32 = 1;

const PARAMS: Params = match Params::new(MEMORY_KIB, PASSES, LANES, None) {
    Ok(params) => params,
    Err(_) => panic!("the argon2 parameters are out of range"),
};

/// argon2id at [`MEMORY_KIB`], [`PASSES`] and [`LANES`].
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, PARAMS)
}

/// Verified against when the account does not exist, so that an unknown email
/// takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    argon2()
        .hash_password(b"no account has this password")
        .ok()
        .map(|h| h.to_string())
});

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone)]
pub struct Hasher {
    jobs: mpsc::Sender<Job>,
}

impl Hasher {
    /// Starts `threads` hashing threads (at least one).
    pub fn new(threads: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking the next job.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        Hasher { jobs }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(work());
            }))
            .map_err(|_| anyhow::anyhow!("the password hashing threads have stopped"))?;
        result
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("a password hashing thread stopped")))
    }

    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let password = password.0.clone();
        self.run(move || make_hash(&password))
            .await?
            .map_err(AppError::Internal)
    }

    /// A hash of `password` at today's parameters, when `stored` (which it
    /// matched) was made at others: a hash names its own parameters, so one made
    /// before a change here would otherwise keep them, and its memory, for good.
    pub async fn rehash_if_stale(&self, password: &str, stored: &str) -> Result<Option<String>, AppError> {
        if !is_stale(stored) {
            return Ok(None);
        }
        let password = password.to_string();
        let fresh = self
            .run(move || make_hash(&password))
            .await?
            .map_err(AppError::Internal)?;
        Ok(Some(fresh))
    }

    /// True when `password` matches `stored`; with no stored hash, a dummy hash is
    /// checked anyway and the answer is false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let known = stored.is_some();
        let hash = stored.map(str::to_string).or_else(|| DUMMY_HASH.clone());
        let password = password.to_string();
        let matched = self
            .run(move || {
                hash.as_deref()
                    .and_then(|h| PasswordHash::new(h).ok())
                    .is_some_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(known && matched)
    }
}

/// `password` hashed by [`argon2`], as the PHC string stored.
fn make_hash(password: &str) -> anyhow::Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// Whether `stored` was made otherwise than [`argon2`] makes a hash today: another
/// algorithm or version, or other memory, passes or lanes.
fn is_stale(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let same_params = Params::try_from(&parsed)
        .is_ok_and(|params| params.m_cost() == MEMORY_KIB && params.t_cost() == PASSES && params.p_cost() == LANES);
    !(parsed.algorithm == argon2::ARGON2ID_IDENT && parsed.version == Some(Version::V0x13.into()) && same_params)
}

/// A new password that passed the rules: 12 to 128 characters, no composition
/// rules, and not common or easily guessed (zxcvbn score of at least 3).
pub struct Password(String);

impl Password {
    /// `context` holds words the password must not lean on (the email, the name).
    pub fn parse(raw: &str, confirm: &str, context: &[&str]) -> Result<Password, String> {
        let length = raw.chars().count();
        if length == 0 {
            return Err("Choose a password.".into());
        }
        if length < MIN_LENGTH {
            return Err(format!(
                "Use at least {MIN_LENGTH} characters; a few unrelated words make a strong one."
            ));
        }
        if length > MAX_LENGTH {
            return Err(format!("Use at most {MAX_LENGTH} characters."));
        }
        let entropy = zxcvbn::zxcvbn(raw, context);
        if (entropy.score() as u8) < 3 {
            let reason = entropy
                .feedback()
                .and_then(|f| f.warning())
                .map(|w| w.to_string())
                .unwrap_or_else(|| "This password is too easy to guess.".into());
            return Err(format!("{reason} Add more unrelated words or characters."));
        }
        if raw != confirm {
            return Err("The two passwords do not match.".into());
        }
        Ok(Password(raw.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_with(algorithm: Algorithm, memory_kib: u32, passes: u32) -> String {
        let params = Params::new(memory_kib, passes, LANES, None).expect("parameters in range");
        Argon2::new(algorithm, Version::V0x13, params)
            .hash_password(b"correct horse battery staple")
            .expect("hashing")
            .to_string()
    }

    #[test]
    fn only_a_hash_made_otherwise_than_today_is_stale() {
        let today = make_hash("correct horse battery staple").expect("hashing");
        assert!(!is_stale(&today));
        assert!(
            is_stale(&hash_with(Algorithm::Argon2id, 19 * 1024, 2)),
            "other memory and passes"
        );
        assert!(is_stale(&hash_with(Algorithm::Argon2id, MEMORY_KIB, 2)), "other passes");
        assert!(
            is_stale(&hash_with(Algorithm::Argon2i, MEMORY_KIB, PASSES)),
            "another algorithm"
        );
        assert!(!is_stale("not a hash at all"), "what cannot be read is not made again");
    }
}
