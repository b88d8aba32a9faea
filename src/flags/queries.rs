//! SQL for flags. Every move updates the row only if it is still at the step the
//! move started from, so of two staff moving one flag at once exactly one wins.
//! Flags of voided miles are left off the board and the counts.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::model::{Carrier, FlagKind, Move, Step};
use crate::heroes::contact_model::ContactKind;

/// A flag with its mile and hero, for the staff pages (recipient included: private).
pub struct Flag {
    pub id: Uuid,
    pub mile_id: Uuid,
    pub mile_number: i32,
    pub k9_number: Option<i32>,
    pub mile_date: NaiveDate,
    pub mile_voided: bool,
    pub hero_id: Uuid,
    pub hero_name: String,
    pub rank_title: String,
    pub agency: String,
    pub kind: FlagKind,
    pub step: Step,
    pub note_text: Option<String>,
    pub note_writer: Option<String>,
    pub note_scan_key: Option<String>,
    pub recipient_contact_id: Option<Uuid>,
    pub recipient_kind: Option<ContactKind>,
    pub recipient_name: Option<String>,
    pub recipient_address: String,
    pub sent_on: Option<NaiveDate>,
    pub carrier: Option<Carrier>,
    pub tracking_number: Option<String>,
    pub delivered_on: Option<NaiveDate>,
    pub delivery_confirmed_by: Option<String>,
    pub returned_on: Option<NaiveDate>,
    pub return_reason: Option<String>,
    pub card_printed_at: Option<DateTime<Utc>>,
    pub note_corrected_at: Option<DateTime<Utc>>,
    pub note_corrected_by: Option<String>,
}

impl Flag {
    /// The note may be corrected once written, until its card is printed or the flag is sent.
    pub fn note_correctable(&self) -> bool {
        self.note_text.is_some() && self.card_printed_at.is_none() && !self.step.is_sent()
    }
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Flag>> {
    sqlx::query_as!(
        Flag,
        r#"select f.id, f.mile_id, m.number as mile_number, m.k9_number, m.run_date as mile_date,
                  m.voided_at is not null as "mile_voided!", h.id as hero_id, h.full_name as hero_name, h.rank_title,
                  h.agency, f.kind as "kind: FlagKind", f.step as "step: Step", f.note_text, f.note_writer,
                  f.note_scan_key, f.recipient_contact_id, f.recipient_kind as "recipient_kind: ContactKind",
                  f.recipient_name, f.recipient_address, f.sent_on, f.carrier as "carrier: Carrier", f.tracking_number,
                  f.delivered_on, f.delivery_confirmed_by, f.returned_on, f.return_reason,
                  f.card_printed_at as "card_printed_at: DateTime<Utc>",
                  f.note_corrected_at as "note_corrected_at: DateTime<Utc>", c.display_name as "note_corrected_by?"
           from flags f join miles m on m.id = f.mile_id join heroes h on h.id = m.hero_id
                left join users c on c.id = f.note_corrected_by
           where f.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// A flag as the board lists it.
pub struct BoardRow {
    pub id: Uuid,
    pub step: Step,
    pub kind: FlagKind,
    pub mile_number: i32,
    pub mile_date: NaiveDate,
    pub hero_id: Uuid,
    pub hero_name: String,
    pub recipient_kind: Option<ContactKind>,
    pub recipient_name: Option<String>,
    pub carrier: Option<Carrier>,
    pub tracking_number: Option<String>,
    pub delivered_on: Option<NaiveDate>,
}

/// The board's rows: every flag not yet delivered, the one whose mile was run
/// longest ago first; or (`delivered`) the `limit` delivered most recently.
pub async fn board(db: impl PgExecutor<'_>, delivered: bool, limit: i64) -> sqlx::Result<Vec<BoardRow>> {
    sqlx::query_as!(
        BoardRow,
        r#"select f.id, f.step as "step: Step", f.kind as "kind: FlagKind", m.number as mile_number,
                  m.run_date as mile_date, h.id as hero_id, h.full_name as hero_name,
                  f.recipient_kind as "recipient_kind: ContactKind", f.recipient_name,
                  f.carrier as "carrier: Carrier", f.tracking_number, f.delivered_on
           from flags f join miles m on m.id = f.mile_id join heroes h on h.id = m.hero_id
           where m.voided_at is null and (f.step = 'delivered') = $1
           order by case when $1 then f.delivered_on end desc, m.run_date, m.number
           limit $2"#,
        delivered,
        limit
    )
    .fetch_all(db)
    .await
}

/// Flags not yet delivered whose mile was run before `run_before`.
pub async fn count_waiting_since(db: impl PgExecutor<'_>, run_before: NaiveDate) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from flags f join miles m on m.id = f.mile_id
           where m.voided_at is null and f.step <> 'delivered' and m.run_date < $1"#,
        run_before
    )
    .fetch_one(db)
    .await
}

/// How many flags not yet delivered stand at each step (steps with none are left out).
pub async fn count_open_by_step(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(Step, i64)>> {
    let rows = sqlx::query!(
        r#"select f.step as "step: Step", count(*) as "count!" from flags f join miles m on m.id = f.mile_id
           where m.voided_at is null and f.step <> 'delivered'
           group by f.step"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.step, r.count)).collect())
}

pub async fn count_delivered(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from flags f join miles m on m.id = f.mile_id
           where m.voided_at is null and f.step = 'delivered'"#
    )
    .fetch_one(db)
    .await
}

pub struct HistoryRow {
    pub occurred_at: DateTime<Utc>,
    pub actor: Option<String>,
    pub from_step: Option<Step>,
    pub to_step: Step,
    pub details: Value,
}

pub async fn history(db: impl PgExecutor<'_>, flag_id: Uuid) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as!(
        HistoryRow,
        r#"select h.occurred_at as "occurred_at: DateTime<Utc>", u.display_name as "actor?",
                  h.from_step as "from_step: Step", h.to_step as "to_step: Step", h.details
           from flag_history h left join users u on u.id = h.actor_id
           where h.flag_id = $1 order by h.id"#,
        flag_id
    )
    .fetch_all(db)
    .await
}

/// Inserts a new mile's flag, waiting for its note, with the first line of its history.
pub async fn insert(
    conn: &mut PgConnection,
    mile_id: Uuid,
    kind: FlagKind,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into flags (id, mile_id, kind, created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $4, $5)",
        id,
        mile_id,
        kind as FlagKind,
        now,
        actor
    )
    .execute(&mut *conn)
    .await?;
    record_step(conn, id, None, Step::WaitingForNote, &serde_json::json!({}), actor, now).await?;
    Ok(id)
}

pub async fn record_step(
    conn: &mut PgConnection,
    flag_id: Uuid,
    from: Option<Step>,
    to: Step,
    details: &Value,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into flag_history (flag_id, occurred_at, actor_id, from_step, to_step, details)
         values ($1, $2, $3, $4, $5, $6)",
        flag_id,
        now,
        actor,
        from as Option<Step>,
        to as Step,
        details
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Applies a move if the flag is still at `from`; `false` when someone else moved it first.
pub async fn apply(
    conn: &mut PgConnection,
    id: Uuid,
    from: Step,
    change: &Move,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = match change {
        Move::Note { text, writer, scan_key } => {
            sqlx::query!(
                "update flags set step = 'note_written', note_text = $3, note_writer = $4, note_scan_key = $5,
                    updated_at = $6, updated_by = $7
             where id = $1 and step = $2",
                id,
                from as Step,
                text,
                writer,
                scan_key.as_deref(),
                now,
                actor
            )
            .execute(conn)
            .await?
        }
        // Ready again after a return: the last sending is cleared (the history keeps it).
        Move::Ready => {
            sqlx::query!(
            "update flags set step = 'ready', dispatch = null, sent_on = null, carrier = null, tracking_number = null,
                    delivered_on = null, delivery_confirmed_by = null, returned_on = null, return_reason = null,
                    updated_at = $3, updated_by = $4
             where id = $1 and step = $2",
            id,
            from as Step,
            now,
            actor
        )
            .execute(conn)
            .await?
        }
        Move::Ship { carrier, tracking, on } => {
            sqlx::query!(
            "update flags set step = 'shipped', dispatch = 'mail', sent_on = $3, carrier = $4, tracking_number = $5,
                    updated_at = $6, updated_by = $7
             where id = $1 and step = $2",
            id,
            from as Step,
            on,
            *carrier as Carrier,
            tracking,
            now,
            actor
        )
            .execute(conn)
            .await?
        }
        Move::HandOver { on } => {
            sqlx::query!(
                "update flags set step = 'handed_over', dispatch = 'in_person', sent_on = $3, updated_at = $4,
                    updated_by = $5
             where id = $1 and step = $2",
                id,
                from as Step,
                on,
                now,
                actor
            )
            .execute(conn)
            .await?
        }
        Move::Deliver { on, confirmed_by } => {
            sqlx::query!(
                "update flags set step = 'delivered', delivered_on = $3, delivery_confirmed_by = $4, updated_at = $5,
                    updated_by = $6
             where id = $1 and step = $2",
                id,
                from as Step,
                on,
                confirmed_by,
                now,
                actor
            )
            .execute(conn)
            .await?
        }
        Move::Return { on, reason } => {
            sqlx::query!(
                "update flags set step = 'returned', returned_on = $3, return_reason = $4, updated_at = $5,
                    updated_by = $6
             where id = $1 and step = $2",
                id,
                from as Step,
                on,
                reason,
                now,
                actor
            )
            .execute(conn)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// The recipient, copied onto the flag.
pub struct Recipient {
    pub contact_id: Uuid,
    pub kind: ContactKind,
    pub name: String,
    pub address: String,
}

/// Sets the flag's recipient; refused (`false`) once the flag has been sent.
pub async fn set_recipient(
    conn: &mut PgConnection,
    id: Uuid,
    recipient: &Recipient,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update flags set recipient_contact_id = $2, recipient_kind = $3, recipient_name = $4, recipient_address = $5,
                updated_at = $6, updated_by = $7
         where id = $1 and step in ('waiting_for_note', 'note_written', 'ready', 'returned')",
        id,
        recipient.contact_id,
        recipient.kind as ContactKind,
        recipient.name,
        recipient.address,
        now,
        actor
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
