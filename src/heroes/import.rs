//! Bulk import of heroes from CSV, the way a program catches up on a backlog:
//! upload, a preview of the rows to add, the duplicates to skip and every row's
//! mistakes, then the import itself, in one transaction, with its progress shown
//! on a page that refreshes itself (no script needed).

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::import_queries::{self as queries, NewImport};
use super::model::{HeroForm, HeroInput};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;

pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_ROWS: usize = 20_000;

/// The columns a file may have; `full_name`, `agency`, `country`, `region`,
/// `service`, `end_of_watch` and `cause` are required.
pub const COLUMNS: [&str; 19] = [
    "full_name",
    "rank_title",
    "agency",
    "agency_city",
    "country",
    "region",
    "service",
    "end_of_watch",
    "cause",
    "age",
    "years_of_service",
    "badge_number",
    "military_veteran",
    "narrative",
    "biography",
    "memorial_links",
    "k9_breed",
    "k9_handler",
    "confirmation_source",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Add,
    Duplicate,
    Error,
}

/// One row of the file as the preview shows it and the import uses it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StagedRow {
    pub line: u64,
    pub status: RowStatus,
    pub form: StagedForm,
    pub errors: Vec<String>,
    pub existing: Option<Uuid>,
}

/// The row's fields (the hero form's, plus the confirmation source).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StagedForm {
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

impl StagedForm {
    pub fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }

    pub fn hero_form(&self) -> HeroForm {
        let veteran = matches!(
            self.get("military_veteran").trim().to_ascii_lowercase().as_str(),
            "yes" | "y" | "true" | "1"
        );
        HeroForm {
            full_name: self.get("full_name").into(),
            rank_title: self.get("rank_title").into(),
            agency: self.get("agency").into(),
            agency_city: self.get("agency_city").into(),
            country: self.get("country").into(),
            region: self.get("region").into(),
            service: self.get("service").into(),
            end_of_watch: self.get("end_of_watch").into(),
            cause: self.get("cause").into(),
            age: self.get("age").into(),
            years_of_service: self.get("years_of_service").into(),
            badge_number: self.get("badge_number").into(),
            military_veteran: veteran.then(|| "on".into()),
            narrative: self.get("narrative").into(),
            biography: self.get("biography").into(),
            memorial_links: self
                .get("memorial_links")
                .split([' ', '|'])
                .collect::<Vec<_>>()
                .join("\n"),
            k9_breed: self.get("k9_breed").into(),
            k9_handler: self.get("k9_handler").into(),
            not_a_duplicate: None,
        }
    }
}

/// Reads and checks every row; duplicates are marked afterwards against the database.
pub fn parse_file(bytes: &[u8], today: chrono::NaiveDate) -> Result<Vec<StagedRow>, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.".to_string())?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| "The first line must name the columns.".to_string())?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let unknown: Vec<&str> = headers
        .iter()
        .map(String::as_str)
        .filter(|h| !COLUMNS.contains(h))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "Unknown columns: {}. Use the template's column names.",
            unknown.join(", ")
        ));
    }
    for required in [
        "full_name",
        "agency",
        "country",
        "region",
        "service",
        "end_of_watch",
        "cause",
    ] {
        if !headers.iter().any(|h| h == required) {
            return Err(format!("The file has no {required} column."));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        if rows.len() >= MAX_ROWS {
            return Err(format!(
                "The file has more than {MAX_ROWS} rows; split it into smaller files."
            ));
        }
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("Line {line} could not be read as CSV (a quote left open, or a wrong number of columns).")
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let form = StagedForm {
            fields: headers.iter().cloned().zip(record.iter().map(str::to_string)).collect(),
        };
        let mut errors: Vec<String> = match HeroInput::parse(&form.hero_form(), today) {
            Ok(_) => Vec::new(),
            Err(e) => e.messages().collect(),
        };
        if let Err(message) =
            crate::web::forms::plain_text(form.get("confirmation_source"), "Confirmation source", 500, false)
        {
            errors.push(message.to_string());
        }
        rows.push(StagedRow {
            line,
            status: if errors.is_empty() {
                RowStatus::Add
            } else {
                RowStatus::Error
            },
            form,
            errors,
            existing: None,
        });
    }
    if rows.is_empty() {
        return Err("The file has no rows under its column names.".into());
    }
    Ok(rows)
}

/// Marks rows that repeat a recorded hero, or an earlier row of the same file.
async fn mark_duplicates(pool: &sqlx::PgPool, rows: &mut [StagedRow]) -> Result<(), AppError> {
    let candidates: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].status == RowStatus::Add).collect();
    let names: Vec<String> = candidates
        .iter()
        .map(|i| rows[*i].form.get("full_name").to_string())
        .collect();
    let agencies: Vec<String> = candidates
        .iter()
        .map(|i| rows[*i].form.get("agency").to_string())
        .collect();
    // Rows still marked Add passed every check, so their dates parse.
    let dates: Vec<chrono::NaiveDate> = candidates
        .iter()
        .map(|i| rows[*i].form.get("end_of_watch").trim().parse().unwrap_or_default())
        .collect();
    let found = queries::matches(pool, &names, &agencies, &dates).await?;
    for row in found {
        let Some(index) = usize::try_from(row.ord - 1).ok().and_then(|o| candidates.get(o)) else {
            continue;
        };
        let staged = &mut rows[*index];
        if let Some(existing) = row.existing {
            staged.status = RowStatus::Duplicate;
            staged.existing = Some(existing);
        } else if row.repeat {
            staged.status = RowStatus::Duplicate;
        }
    }
    Ok(())
}

pub async fn upload(act: Acting<Staff>, mut multipart: Multipart) -> Result<Response, AppError> {
    let state = &act.state;
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                file = Some((String::new(), Err("The upload was interrupted or is over 20 MB.")));
                break;
            }
        };
        if field.name() == Some("file") {
            let name = field
                .file_name()
                .unwrap_or("upload.csv")
                .chars()
                .take(255)
                .collect::<String>();
            file = Some((
                name,
                field
                    .bytes()
                    .await
                    .map_err(|_| "The upload was interrupted or is over 20 MB."),
            ));
            break;
        }
    }
    let back = |message: String| act.refused(message, "/staff/heroes/import");
    let (file_name, bytes) = match file {
        Some((name, Ok(bytes))) if !bytes.is_empty() => (name, bytes),
        Some((_, Err(message))) => return back(message.into()).await,
        _ => return back("Choose a CSV file to import.".into()).await,
    };
    let today = state.today();
    let parsed = tokio::task::spawn_blocking(move || parse_file(&bytes, today))
        .await
        .map_err(anyhow::Error::from)?;
    let mut rows = match parsed {
        Ok(rows) => rows,
        Err(message) => return back(message).await,
    };
    mark_duplicates(&state.pool, &mut rows).await?;
    let count = |status| rows.iter().filter(|r| r.status == status).count() as i32;
    let (to_add, duplicates, errors) = (
        count(RowStatus::Add),
        count(RowStatus::Duplicate),
        count(RowStatus::Error),
    );
    let id = Uuid::now_v7();
    let now = act.now;
    let new = NewImport {
        id,
        file_name: &file_name,
        rows: serde_json::to_value(&rows).map_err(anyhow::Error::from)?,
        to_add,
        duplicates,
        errors,
    };
    queries::insert(&state.pool, new, act.me.id, now).await?;
    let change = Change {
        action: "hero_import.previewed",
        entity_type: "hero_import",
        entity_id: id.to_string(),
        summary: format!(
            "{} uploaded {file_name}: {to_add} to add, {duplicates} duplicates, {errors} with errors",
            act.me.email
        ),
        details: json!({ "to_add": to_add, "duplicates": duplicates, "errors": errors }),
    };
    act.record(&state.pool, change).await?;
    Ok(Redirect::to(&format!("/staff/heroes/import/{id}")).into_response())
}
