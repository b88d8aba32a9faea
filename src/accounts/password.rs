//! Password hashing (argon2id at the OWASP parameters: 19 MiB, 2 passes, 1 lane)
//! on blocking threads, with a bound on how many hash at once so a burst of
//! sign-ins cannot exhaust memory or starve other requests; and the password rules.

use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::AppError;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Verified against when the account does not exist, so that an unknown email
/// takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(b"no account has this password")
        .ok()
        .map(|h| h.to_string())
});

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Hasher {
    pub fn new(max_concurrent: usize) -> Self {
        Hasher {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
        }
    }

    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        let password = password.0.clone();
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
        })
        .await
        .map_err(anyhow::Error::from)?
        .map_err(AppError::Internal)
    }

    /// True when `password` matches `stored`; with no stored hash, a dummy hash is
    /// checked anyway and the answer is false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        let known = stored.is_some();
        let hash = stored.map(str::to_string).or_else(|| DUMMY_HASH.clone());
        let password = password.to_string();
        let matched = tokio::task::spawn_blocking(move || {
            hash.as_deref()
                .and_then(|h| PasswordHash::new(h).ok())
                .is_some_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .map_err(anyhow::Error::from)?;
        Ok(known && matched)
    }
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
