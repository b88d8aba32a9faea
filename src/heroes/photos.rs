//! Hero photos: an upload is checked, shrunk and re-encoded by
//! [`crate::vocab::images`], so nothing a camera embeds (GPS position, serial
//! numbers) is ever published.
//! Photos are stored under the digest of their bytes and served with long-lived
//! caching; a draft hero's photo is shown to staff only.

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use super::queries;
use crate::accounts::session::{CurrentUser, Staff};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::images::{ImageRefusal, normalise};
use crate::web::client::ClientIp;
use crate::web::{FlashKind, PathId, flash};

pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

pub fn key_for(jpeg: &[u8]) -> String {
    format!("{}.jpg", hex::encode(Sha256::digest(jpeg)))
}

/// Takes the `photo` field of the upload; `Err` holds the message for the person.
pub async fn read_upload(multipart: &mut Multipart) -> Result<Vec<u8>, String> {
    let too_big = || "The upload was interrupted or is larger than 10 MB.".to_string();
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        if field.name() == Some("photo") {
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            if bytes.is_empty() {
                return Err("Choose a photo to upload.".into());
            }
            return Ok(bytes.to_vec());
        }
    }
    Err("Choose a photo to upload.".into())
}

pub async fn upload(
    Staff(me): Staff,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let hero = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let back = format!("/staff/heroes/{id}#photo");
    let processed = match read_upload(&mut multipart).await {
        Ok(bytes) => match tokio::task::spawn_blocking(move || normalise(&bytes))
            .await
            .map_err(anyhow::Error::from)?
        {
            // A picture bomb is refused outright, before anything is decoded.
            Err(too_large @ ImageRefusal::TooLarge(_)) => return Err(AppError::BadRequest(too_large.message())),
            processed => processed.map_err(|refusal| refusal.message()),
        },
        Err(message) => Err(message),
    };
    let jpeg = match processed {
        Ok(jpeg) => jpeg,
        Err(message) => {
            flash(&session, FlashKind::Error, format!("Photo not saved: {message}")).await?;
            return Ok(Redirect::to(&back).into_response());
        }
    };
    let key = key_for(&jpeg);
    state.storage.put(&key, jpeg).await?;
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    queries::set_photo(&mut *tx, id, Some(&key), me.id, now).await?;
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "hero.photo_set",
            entity_type: "hero",
            entity_id: Some(id.to_string()),
            summary: format!("{} uploaded a photo of {}", me.email, hero.full_name),
            details: json!({ "photo": key }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(&session, FlashKind::Success, "Photo saved.").await?;
    Ok(Redirect::to(&back).into_response())
}

pub async fn remove(
    Staff(me): Staff,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let hero = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    queries::set_photo(&mut *tx, id, None, me.id, now).await?;
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "hero.photo_removed",
            entity_type: "hero",
            entity_id: Some(id.to_string()),
            summary: format!("{} removed the photo of {}", me.email, hero.full_name),
            details: json!({}),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(&session, FlashKind::Success, "Photo removed.").await?;
    Ok(Redirect::to(&format!("/staff/heroes/{id}#photo")).into_response())
}

/// Serves a photo: to everyone when its hero is confirmed, to staff otherwise.
pub async fn serve(
    CurrentUser(user): CurrentUser,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let valid = name.len() == 68 && name.ends_with(".jpg") && name[..64].bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        return Err(AppError::NotFound);
    }
    let public = sqlx::query_scalar!(
        r#"select bool_or(confirmed_at is not null) as "public" from heroes where photo_key = $1"#,
        name
    )
    .fetch_one(&state.pool)
    .await?;
    let cache = match (public, user) {
        (Some(true), _) => "public, max-age=31536000, immutable",
        (Some(false), Some(_)) => "private, no-store",
        _ => return Err(AppError::NotFound),
    };
    let bytes = state.storage.get(&name).await?.ok_or(AppError::NotFound)?;
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", &name[..64])) {
        headers.insert(header::ETAG, etag);
    }
    *response.status_mut() = StatusCode::OK;
    Ok(response)
}
