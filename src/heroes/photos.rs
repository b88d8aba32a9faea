//! Hero photos: an upload is checked, shrunk and re-encoded by
//! [`crate::vocab::images`], so nothing a camera embeds (GPS position, serial
//! numbers) is ever published.
//! Photos are stored under the digest of their bytes and served with long-lived
//! caching; a draft hero's photo is shown to staff only.

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::queries;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::{CurrentUser, Staff};
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::images::{ImageRefusal, normalise};
use crate::web::PathId;

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

pub async fn upload(act: Acting<Staff>, PathId(id): PathId, mut multipart: Multipart) -> Result<Response, AppError> {
    let hero = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
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
        Err(message) => return act.refused(format!("Photo not saved: {message}"), &back).await,
    };
    let key = key_for(&jpeg);
    act.state.storage.put(&key, jpeg).await?;
    let now = act.now;
    let mut tx = act.state.pool.begin().await?;
    queries::set_photo(&mut *tx, id, Some(&key), act.me.id, now).await?;
    let change = Change {
        action: "hero.photo_set",
        entity_type: "hero",
        entity_id: id.to_string(),
        summary: format!("{} uploaded a photo of {}", act.me.email, hero.full_name),
        details: json!({ "photo": key }),
    };
    act.commit(tx, change, "Photo saved.", &back).await
}

pub async fn remove(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let hero = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let now = act.now;
    let mut tx = act.state.pool.begin().await?;
    queries::set_photo(&mut *tx, id, None, act.me.id, now).await?;
    let change = Change {
        action: "hero.photo_removed",
        entity_type: "hero",
        entity_id: id.to_string(),
        summary: format!("{} removed the photo of {}", act.me.email, hero.full_name),
        details: json!({}),
    };
    act.commit(tx, change, "Photo removed.", &format!("/staff/heroes/{id}#photo"))
        .await
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
    let public = queries::photo_is_public(&state.pool, &name).await?;
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
