//! SQL for correcting a written note: the text it replaces is kept, with who
//! replaced it and when, and the flag says when it was last corrected.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// Replaces the note's text while its card is unprinted and the flag unsent,
/// keeping the text it replaces; `false` when the flag has moved on (its card
/// printed, or the flag sent) since the page was read.
pub async fn correct(
    db: impl PgExecutor<'_>,
    id: Uuid,
    text: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query_scalar!(
        r#"with old as (
             select id, note_text, note_writer from flags
             where id = $1 and note_text is not null and card_printed_at is null
               and step in ('note_written', 'ready')
             for update
           ), kept as (
             insert into flag_note_versions (flag_id, note_text, note_writer, replaced_at, replaced_by)
             select id, note_text, note_writer, $3, $4 from old
           )
           update flags f set note_text = $2, note_corrected_at = $3, note_corrected_by = $4,
                  updated_at = $3, updated_by = $4
           from old where f.id = old.id
           returning f.id"#,
        id,
        text,
        now,
        actor
    )
    .fetch_optional(db)
    .await?;
    Ok(done.is_some())
}

/// A text a correction replaced.
pub struct EarlierText {
    pub note_text: String,
    pub replaced_at: DateTime<Utc>,
    pub replaced_by: Option<String>,
}

/// The texts the note had before its corrections, the first one first.
pub async fn earlier_texts(db: impl PgExecutor<'_>, flag_id: Uuid) -> sqlx::Result<Vec<EarlierText>> {
    sqlx::query_as!(
        EarlierText,
        r#"select v.note_text, v.replaced_at as "replaced_at: DateTime<Utc>", u.display_name as "replaced_by?"
           from flag_note_versions v left join users u on u.id = v.replaced_by
           where v.flag_id = $1 order by v.id"#,
        flag_id
    )
    .fetch_all(db)
    .await
}
