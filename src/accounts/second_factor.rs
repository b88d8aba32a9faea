//! The second factor: a time-based one-time password (RFC 6238: HMAC-SHA1, 6
//! digits, 30-second steps, the defaults every authenticator app expects), and
//! ten single-use recovery codes for a lost phone. A code is accepted for one
//! step either side of now (clocks drift) and only for a step later than the
//! last one accepted, so no code works twice. Wrong codes count with the
//! account's sign-in failures and are in the audit trail.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgExecutor;
use totp_rs::{Builder, Secret, Totp};
use uuid::Uuid;

use super::throttle::{self, Limit, Reservation};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;

pub const ISSUER: &str = "Honor Mile";
/// RFC 4226 recommends 160 bits.
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be mistaken for one another when copied by hand.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// 24 characters of a 31-letter alphabet hold about 119 random bits: above the
/// 112 bits under which ASVS 6.5.2 would want a salted, slow hash, so a plain
/// SHA-256 of each code is enough to keep them safe at rest.
const RECOVERY_LENGTH: usize = 24;
/// Nothing longer is even looked at.
const MAX_TYPED: usize = 40;

pub const ENTER_CODE: &str = "Enter the 6-digit code from your authenticator app.";
const MALFORMED: &str = "A code is 6 digits; a recovery code is 24 letters and digits.";
const WRONG: &str = "This code is not right. Type the code your app shows now.";
const REPLAYED: &str = "This code has already been used. Wait for the next code in your app.";
pub const LOCKED: &str =
    "Too many wrong attempts. Sign-in and codes are paused for 15 minutes, longer after repeated pauses.";

/// A new secret, for enrolment.
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::rng().fill(bytes.as_mut_slice());
    bytes
}

/// The secret as the letters a person types into an app by hand, in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let encoded = Secret::from(secret.to_vec()).to_base32();
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn secret_from_text(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.split_whitespace().collect();
    Secret::try_from_base32(compact)
        .ok()
        .map(|s| s.as_ref().to_vec())
        .filter(|s| s.len() == SECRET_BYTES)
}

fn totp(secret: &[u8], account: &str) -> Result<Totp, AppError> {
    Builder::new()
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("second factor: {e}")))
}

/// The enrolment QR code, as a `data:` URI for an `<img>`.
pub fn qr_data_uri(secret: &[u8], account: &str) -> Result<String, AppError> {
    let png = totp(secret, account)?
        .to_qr_base64()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))?;
    Ok(format!("data:image/png;base64,{png}"))
}

fn unix_seconds(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or_default()
}

/// The time step a 6-digit code matches at `now`, if any.
pub fn matching_step(secret: &[u8], code: &str, now: DateTime<Utc>) -> Result<Option<i64>, AppError> {
    let step = totp(secret, "")?.check(code, unix_seconds(now));
    Ok(step.and_then(|s| i64::try_from(s).ok()))
}

/// What a person typed into a code field.
#[derive(Debug, PartialEq, Eq)]
pub enum Typed {
    Code(String),
    Recovery(String),
}

impl Typed {
    /// A 6-digit code (spaces allowed) or a recovery code (hyphen and case ignored).
    pub fn parse(raw: &str) -> Result<Typed, &'static str> {
        if raw.trim().is_empty() {
            return Err(ENTER_CODE);
        }
        if raw.chars().count() > MAX_TYPED {
            return Err(MALFORMED);
        }
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_lowercase();
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Typed::Code(compact))
        } else if compact.len() == RECOVERY_LENGTH && compact.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            Ok(Typed::Recovery(compact))
        } else {
            Err(MALFORMED)
        }
    }

    /// Only a 6-digit code: enrolment proves the app, not a recovery code.
    pub fn parse_code(raw: &str) -> Result<String, &'static str> {
        match Typed::parse(raw)? {
            Typed::Code(code) => Ok(code),
            Typed::Recovery(_) => Err(MALFORMED),
        }
    }
}

fn hash_recovery(code: &str) -> Vec<u8> {
    Sha256::digest(code.as_bytes()).to_vec()
}

/// Ten new recovery codes, as shown to the person (`abcd-efgh-jkmn-pqrs-tuvw-xyz2`).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let code: String = (0..RECOVERY_LENGTH)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())]))
                .collect();
            // Groups of four are easier to copy by hand; the hyphens are ignored when typed.
            code.as_bytes()
                .chunks(4)
                .map(|group| String::from_utf8_lossy(group).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

pub async fn enrolled(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(
        r#"select exists(select 1 from second_factors where user_id = $1) as "found!""#,
        user_id
    )
    .fetch_one(db)
    .await?;
    Ok(found)
}

pub struct Enrolment {
    pub enrolled_at: DateTime<Utc>,
    pub recovery_codes_left: i64,
}

pub async fn enrolment(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Option<Enrolment>> {
    sqlx::query_as!(
        Enrolment,
        r#"select f.enrolled_at as "enrolled_at: DateTime<Utc>",
                  (select count(*) from recovery_codes r where r.user_id = f.user_id and r.used_at is null)
                      as "recovery_codes_left!"
           from second_factors f where f.user_id = $1"#,
        user_id
    )
    .fetch_optional(db)
    .await
}

/// Stores a newly proven secret (replacing any earlier one, with its recovery
/// codes); `step` is the step of the code that proved it, so it cannot be reused.
pub async fn save(
    tx: &mut sqlx::PgConnection,
    user_id: Uuid,
    secret: &[u8],
    step: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!("delete from second_factors where user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into second_factors (user_id, secret, enrolled_at, last_used_step) values ($1, $2, $3, $4)",
        user_id,
        secret,
        now,
        step
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Replaces the account's recovery codes with `codes`; the old ones stop working.
pub async fn replace_recovery_codes(
    tx: &mut sqlx::PgConnection,
    user_id: Uuid,
    codes: &[String],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!("delete from recovery_codes where user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    for code in codes {
        let compact: String = code.chars().filter(|c| *c != '-').collect();
        sqlx::query!(
            "insert into recovery_codes (user_id, code_hash, created_at) values ($1, $2, $3)",
            user_id,
            hash_recovery(&compact),
            now
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Removes the account's second factor and its recovery codes.
pub async fn remove(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<bool> {
    let removed = sqlx::query!("delete from second_factors where user_id = $1", user_id)
        .execute(db)
        .await?;
    Ok(removed.rows_affected() > 0)
}

async fn secret_of(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar!("select secret from second_factors where user_id = $1", user_id)
        .fetch_optional(db)
        .await
}

/// Marks `step` as the last accepted one; false when it is not later than that.
/// Only a later step moves the mark, so two requests racing with the same code
/// cannot both pass.
async fn step_taken(db: impl PgExecutor<'_>, user_id: Uuid, step: i64) -> sqlx::Result<bool> {
    let moved = sqlx::query!(
        "update second_factors set last_used_step = $2
                 where user_id = $1 and (last_used_step is null or last_used_step < $2)",
        user_id,
        step
    )
    .execute(db)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Uses up an unused recovery code of the account; false when there is none such.
async fn recovery_code_used(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let used = sqlx::query!(
        "update recovery_codes set used_at = $3
                 where user_id = $1 and code_hash = $2 and used_at is null",
        user_id,
        hash_recovery(code),
        now
    )
    .execute(db)
    .await?;
    Ok(used.rows_affected() == 1)
}

#[derive(Debug, PartialEq, Eq)]
enum Checked {
    Accepted,
    Wrong,
    Replayed,
}

async fn check(state: &AppState, user_id: Uuid, typed: &Typed, now: DateTime<Utc>) -> Result<Checked, AppError> {
    match typed {
        Typed::Code(code) => {
            let Some(secret) = secret_of(&state.pool, user_id).await? else {
                return Ok(Checked::Wrong);
            };
            let Some(step) = matching_step(&secret, code, now)? else {
                return Ok(Checked::Wrong);
            };
            Ok(if step_taken(&state.pool, user_id, step).await? {
                Checked::Accepted
            } else {
                Checked::Replayed
            })
        }
        Typed::Recovery(code) => Ok(if recovery_code_used(&state.pool, user_id, code, now).await? {
            Checked::Accepted
        } else {
            Checked::Wrong
        }),
    }
}

/// Who is proving their factor, and from where.
pub struct Attempt<'a> {
    pub user_id: Uuid,
    pub email: &'a str,
    pub ip: &'a str,
    /// What the code is for, in the audit trail ("sign-in", "approving a grant", ...).
    pub purpose: &'a str,
    /// Whether the person is signed in (then the attempt is their act in the trail).
    pub signed_in: bool,
}

impl<'a> Attempt<'a> {
    /// The trail's entry for what was typed; the person's own act only when signed in.
    fn event(&self, action: &'a str, what: &str) -> Event<'a> {
        let summary = format!("{} typed {what} for {}", self.email, self.purpose);
        Event::visitor(action, "account", Some(self.user_id.to_string()), summary, self.ip)
            .by(Some(self.user_id).filter(|_| self.signed_in))
    }
}

/// Checks a typed code or recovery code for the account. `Ok(None)` when it is
/// accepted; otherwise the message to show beside the field. The attempt is
/// reserved with the throttle before the code is checked; a wrong or reused code
/// keeps its reservation as a failure and is audited; an empty or malformed one
/// is only refused, as it could never pass.
pub async fn prove(state: &AppState, attempt: Attempt<'_>, raw: &str) -> Result<Option<&'static str>, AppError> {
    let now = state.now();
    let typed = match Typed::parse(raw) {
        Ok(typed) => typed,
        Err(message) => return Ok(Some(message)),
    };
    // Signing in counts with the password's failures; a signed-in session counts
    // apart, so failures from elsewhere never block the account's own sessions.
    let limits: Vec<Limit> = if attempt.signed_in {
        throttle::signed_in_limit(attempt.email).to_vec()
    } else {
        throttle::sign_in_limits(attempt.email, attempt.ip).to_vec()
    };
    let reserved = match throttle::reserve(&state.pool, &limits, now).await? {
        Reservation::Reserved(reserved) => reserved,
        Reservation::Refused => return Ok(Some(LOCKED)),
    };
    let checked = check(state, attempt.user_id, &typed, now).await?;
    let recovery = matches!(typed, Typed::Recovery(_));
    if checked == Checked::Accepted {
        throttle::give_back(&state.pool, &limits, &reserved).await?;
        if recovery {
            let event = attempt.event("second_factor.recovery_code_used", "used a recovery code");
            audit::record(&state.pool, event, now).await?;
        }
        return Ok(None);
    }
    metrics::counter!("sign_in_failures_total", "step" => "code").increment(1);
    let why = if checked == Checked::Replayed {
        "a code already used"
    } else {
        "a wrong code"
    };
    let event = attempt
        .event("second_factor.code_refused", why)
        .with(json!({ "recovery_code": recovery, "replayed": checked == Checked::Replayed }));
    audit::record(&state.pool, event, now).await?;
    if reserved.locked() {
        if reserved.locked_account() {
            super::notices::tell_paused(state, attempt.user_id).await?;
        }
        return Ok(Some(LOCKED));
    }
    Ok(Some(if checked == Checked::Replayed { REPLAYED } else { WRONG }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_recovery_codes_are_told_apart() {
        assert_eq!(Typed::parse(" 123 456 "), Ok(Typed::Code("123456".into())));
        assert_eq!(
            Typed::parse("ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2"),
            Ok(Typed::Recovery("abcdefghjkmnpqrstuvwxyz2".into()))
        );
        assert_eq!(Typed::parse("abcde-fghjk"), Err(MALFORMED), "the old, shorter shape");
        assert_eq!(Typed::parse(""), Err(ENTER_CODE));
        assert_eq!(Typed::parse("12345a"), Err(MALFORMED));
        assert_eq!(Typed::parse("1234567"), Err(MALFORMED));
        assert_eq!(Typed::parse(&"1".repeat(41)), Err(MALFORMED));
        assert_eq!(Typed::parse("<script>"), Err(MALFORMED));
        assert_eq!(Typed::parse_code("abcd-efgh-jkmn-pqrs-tuvw-xyz2"), Err(MALFORMED));
    }

    #[test]
    fn new_recovery_codes_parse_back() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for code in &codes {
            assert!(matches!(Typed::parse(code), Ok(Typed::Recovery(_))), "{code}");
        }
    }

    #[test]
    fn the_secret_text_round_trips() {
        let secret = new_secret();
        assert_eq!(secret_from_text(&secret_text(&secret)), Some(secret));
    }
}
