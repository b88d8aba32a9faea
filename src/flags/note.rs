//! Writing a flag's note: the text of the handwritten card as typed by staff,
//! who wrote the card, and optionally a scan or photo of it. A picture is
//! checked to really be one and re-encoded (as hero photos are); a PDF is
//! checked by its first bytes and its size; anything else is refused. Scans are
//! stored under `notes/` and served to staff only.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::model::{Move, Step};
use super::moves::{finish, refusal};
use super::page::{StepForm, refuse};
use super::queries::{self, Flag};
use crate::accounts::acting::Acting;
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::images::{ImageRefusal, normalise};
use crate::vocab::numbers::with_commas;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{Layout, PathId, render, render_status};

pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

/// What the note form posts (read from the multipart upload).
#[derive(Clone, Debug, Default)]
pub struct NoteForm {
    pub note_text: String,
    pub note_writer: String,
}

#[derive(Template)]
#[template(path = "flags/note.html")]
struct NotePage {
    layout: Layout,
    flag: Flag,
    form: NoteForm,
    errors: FormErrors,
}

impl NotePage {
    fn number(&self) -> String {
        with_commas(self.flag.mile_number.into())
    }
}

pub async fn form(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let flag = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let form = NoteForm {
        note_text: flag.note_text.clone().unwrap_or_default(),
        note_writer: flag.note_writer.clone().unwrap_or(me.display_name),
    };
    render(&NotePage {
        layout,
        flag,
        form,
        errors: FormErrors::default(),
    })
}

/// A scan as uploaded, checked: its storage key and the bytes to store.
fn checked_scan(bytes: &[u8]) -> Result<(String, Vec<u8>), String> {
    let digest = |b: &[u8]| hex::encode(Sha256::digest(b));
    if bytes.starts_with(b"%PDF-") {
        if bytes.len() > MAX_SCAN_BYTES {
            return Err("A PDF scan must be at most 10 MB.".into());
        }
        return Ok((format!("notes/{}.pdf", digest(bytes)), bytes.to_vec()));
    }
    let jpeg = normalise(bytes).map_err(|refusal| match refusal {
        ImageRefusal::TooLarge(_) => refusal.message(),
        _ => "This file is neither a picture nor a PDF. Choose a JPEG, PNG or WebP photo, or a PDF scan.".to_string(),
    })?;
    Ok((format!("notes/{}.jpg", digest(&jpeg)), jpeg))
}

/// The posted fields, and the scan's bytes when one was chosen.
async fn read(multipart: &mut Multipart, errors: &mut FormErrors) -> (NoteForm, Option<Vec<u8>>) {
    let mut form = NoteForm::default();
    let mut scan = None;
    let broken = "The upload was interrupted or is larger than 10 MB.";
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                errors.add("scan", broken);
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "note_text" | "note_writer" => {
                let Ok(text) = field.text().await else {
                    errors.add("scan", broken);
                    break;
                };
                if name == "note_text" {
                    form.note_text = text;
                } else {
                    form.note_writer = text;
                }
            }
            "scan" => match field.bytes().await {
                // A browser sends an empty part when no file was chosen.
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => scan = Some(bytes.to_vec()),
                Err(_) => {
                    errors.add("scan", broken);
                    break;
                }
            },
            _ => {}
        }
    }
    (form, scan)
}

pub async fn save(act: Acting<Staff>, PathId(id): PathId, mut multipart: Multipart) -> Result<Response, AppError> {
    let flag = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let step_form = StepForm::starting(act.state.today());
    if let Some(message) = refusal(&flag, Step::NoteWritten) {
        return refuse(&act.state, act.layout(), flag, message, step_form).await;
    }
    let mut errors = FormErrors::default();
    let (form, scan) = read(&mut multipart, &mut errors).await;
    let text = errors.check("note_text", plain_text(&form.note_text, "The note", 4000, true));
    let writer = errors.check(
        "note_writer",
        plain_text(&form.note_writer, "Who wrote the card", 200, true),
    );
    let scan = match scan {
        Some(bytes) => {
            let checked = tokio::task::spawn_blocking(move || checked_scan(&bytes))
                .await
                .map_err(anyhow::Error::from)?;
            errors.check("scan", checked)
        }
        None => None,
    };
    let (Some(text), Some(writer), true) = (text, writer, errors.is_empty()) else {
        let page = NotePage {
            layout: act.layout(),
            flag,
            form,
            errors,
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let scan_key = match scan {
        Some((key, bytes)) => {
            act.state.storage.put(&key, bytes).await?;
            Some(key)
        }
        None => None,
    };
    let change = Move::Note { text, writer, scan_key };
    finish(act, flag, change, step_form).await
}
