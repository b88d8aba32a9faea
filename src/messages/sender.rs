//! The sender every instance runs when a mail server is configured: it claims
//! due messages under a lease, hands each to the mail server with a stable
//! `Message-ID` (`<outbox id@sender's domain>`, the same on every try), marks it
//! sent, or leaves it for a later try after a growing delay, and marks it failed
//! after [`MAX_TRIES`]. A server killed mid-batch loses nothing: its lease runs
//! out and another round sends the message (at least once).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;

use super::model::Claimed;
use super::queries;
use crate::clock::Clock;
use crate::config::Config;

/// Tries before a message is marked failed and shown on the admin desk.
pub const MAX_TRIES: i32 = 8;
/// Messages one round claims; all of them are sent well within the lease.
const BATCH: i64 = 4;
/// One conversation with the mail server gives up after this long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);
/// A round that found nothing waits this long before looking again.
const IDLE: Duration = Duration::from_secs(2);

/// The mail server and what every message is sent as.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The right-hand side of every `Message-ID`.
    domain: String,
    retry_base: Duration,
    lease: Duration,
}

impl Mailer {
    /// The mailer `SMTP_URL` describes; none when it is not set.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Mailer>> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from: Mailbox = config.mail_from.parse()?;
        Ok(Some(Mailer {
            domain: from.email.domain().to_string(),
            transport,
            from,
            retry_base: config.mail_retry_base,
            lease: config.mail_lease,
        }))
    }

    /// Connects (and logs in) without sending, for `honor-mile check`.
    pub async fn test_connection(&self) -> Result<(), String> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("it did not accept a connection".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The delay before try `tries + 1`: the base, doubled each time, at most a day.
    pub fn delay_after(&self, tries: i32) -> chrono::Duration {
        let doubled = self
            .retry_base
            .saturating_mul(1 << tries.clamp(1, 16).saturating_sub(1));
        chrono::Duration::from_std(doubled.min(Duration::from_secs(86_400))).unwrap_or(chrono::Duration::days(1))
    }

    fn letter(&self, m: &Claimed) -> anyhow::Result<Message> {
        Ok(Message::builder()
            .from(self.from.clone())
            .to(m.to_address.parse()?)
            .subject(&m.subject)
            .message_id(Some(format!("<{}@{}>", m.id, self.domain)))
            .multipart(MultiPart::alternative_plain_html(
                m.body_text.clone(),
                m.body_html.clone(),
            ))?)
    }

    /// Hands one message to the mail server; the error says why not, for the outbox page.
    async fn deliver(&self, m: &Claimed) -> Result<(), (String, bool)> {
        let letter = self
            .letter(m)
            .map_err(|e| (format!("The message could not be written: {e}"), true))?;
        match self.transport.send(letter).await {
            Ok(_) => Ok(()),
            Err(e) => Err((e.to_string(), e.is_permanent())),
        }
    }
}

/// One round: claims the due messages and sends each. Returns how many it claimed.
pub async fn send_due(pool: &PgPool, mailer: &Mailer, now: DateTime<Utc>) -> sqlx::Result<usize> {
    let lease_until = now + chrono::Duration::from_std(mailer.lease).unwrap_or(chrono::Duration::minutes(2));
    let claimed = queries::claim(pool, now, lease_until, BATCH).await?;
    for m in &claimed {
        match mailer.deliver(m).await {
            Ok(()) => queries::mark_sent(pool, m.id, now).await?,
            Err((error, permanent)) => {
                tracing::warn!(id = %m.id, tries = m.tries, %error, "message not sent");
                let again = (!permanent && m.tries < MAX_TRIES).then(|| now + mailer.delay_after(m.tries));
                queries::mark_unsent(pool, m.id, &error, again).await?;
            }
        }
    }
    Ok(claimed.len())
}

/// Runs rounds for as long as the server runs; a full round looks again at once.
pub fn spawn(pool: PgPool, mailer: Mailer, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        loop {
            match send_due(&pool, &mailer, clock.now()).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the outbox could not be read"),
            }
            tokio::time::sleep(IDLE).await;
        }
    });
}
