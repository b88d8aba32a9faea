//! SQL for printing in batches: the flags whose card is to be printed (the note
//! written, the flag not yet sent, the card not printed, the mile not voided),
//! the address each one's label carries, and marking their cards printed.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::FlagKind;

/// A card on the batch print.
pub struct BatchCard {
    pub id: Uuid,
    pub mile_number: i32,
    pub k9_number: Option<i32>,
    pub mile_date: NaiveDate,
    pub hero_name: String,
    pub rank_title: String,
    pub agency: String,
    pub kind: FlagKind,
    pub note_text: String,
    pub note_writer: String,
}

/// Every card to print now, the mile run longest ago first.
pub async fn cards(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<BatchCard>> {
    sqlx::query_as!(
        BatchCard,
        r#"select f.id, m.number as mile_number, m.k9_number, m.run_date as mile_date, h.full_name as hero_name,
                  h.rank_title, h.agency, f.kind as "kind: FlagKind", f.note_text as "note_text!",
                  f.note_writer as "note_writer!"
           from flags f join miles m on m.id = f.mile_id join heroes h on h.id = m.hero_id
           where m.voided_at is null and f.step in ('note_written', 'ready') and f.card_printed_at is null
           order by m.run_date, m.number"#
    )
    .fetch_all(db)
    .await
}

/// The address label of a flag on the batch print (private: staff pages only).
pub struct Label {
    pub flag_id: Uuid,
    pub mile_number: i32,
    pub hero_name: String,
    /// Who the label is addressed to, and where; `None` when neither the flag's
    /// recipient nor any of the hero's family contacts has a postal address.
    pub name: Option<String>,
    pub address: Option<String>,
}

/// One label per flag on the batch print, in the cards' order: the flag's
/// chosen recipient when they have a postal address, otherwise the hero's
/// first family contact with one.
pub async fn labels(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Label>> {
    sqlx::query_as!(
        Label,
        r#"select f.id as flag_id, m.number as mile_number, h.full_name as hero_name,
                  case when f.recipient_address <> '' then f.recipient_name else c.name end as "name?",
                  case when f.recipient_address <> '' then f.recipient_address else c.postal_address end as "address?"
           from flags f join miles m on m.id = f.mile_id join heroes h on h.id = m.hero_id
                left join lateral (
                    select hc.name, hc.postal_address from hero_contacts hc
                    where hc.hero_id = h.id and hc.kind = 'family' and hc.postal_address <> ''
                    order by hc.created_at, hc.id limit 1
                ) c on true
           where m.voided_at is null and f.step in ('note_written', 'ready') and f.card_printed_at is null
           order by m.run_date, m.number"#
    )
    .fetch_all(db)
    .await
}

/// A card marked printed.
pub struct Printed {
    pub id: Uuid,
    pub mile_number: i32,
    pub hero_name: String,
}

/// Marks printed the cards of these flags that are still to be printed and
/// whose note was not corrected after `shown_at` (when the print was made);
/// the ones it marked (a card someone else marked first is left out).
pub async fn mark_printed(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
    shown_at: DateTime<Utc>,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Printed>> {
    sqlx::query_as!(
        Printed,
        r#"update flags f set card_printed_at = $2, card_printed_by = $3, updated_at = $2, updated_by = $3
           from miles m join heroes h on h.id = m.hero_id
           where m.id = f.mile_id and f.id = any($1) and m.voided_at is null
             and f.step in ('note_written', 'ready') and f.card_printed_at is null
             and (f.note_corrected_at is null or f.note_corrected_at <= $4)
           returning f.id, m.number as mile_number, h.full_name as hero_name"#,
        ids,
        now,
        actor,
        shown_at
    )
    .fetch_all(db)
    .await
}
