//! Hero photos: an upload is checked to really be a JPEG, PNG or WebP image,
//! turned upright, resized to at most 800 pixels wide and re-encoded as JPEG, so
//! nothing a camera embeds (GPS position, serial numbers) is ever published.
//! Photos are stored under the digest of their bytes and served with long-lived
//! caching; a draft hero's photo is shown to staff only.

use std::io::Cursor;

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::queries;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::{CurrentUser, Staff};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::PathId;

pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
const MAX_WIDTH: u32 = 800;

/// Decodes, turns upright, shrinks and re-encodes an uploaded picture.
pub fn normalise(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let format =
        image::guess_format(bytes).map_err(|_| "This file is not a picture. Choose a JPEG, PNG or WebP photo.")?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err("Choose a JPEG, PNG or WebP photo.".into());
    }
    let unreadable = |_| "This picture could not be read; it may be damaged. Try another file.".to_string();
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    picture.apply_orientation(orientation);
    if picture.width() > MAX_WIDTH {
        picture = picture.resize(MAX_WIDTH, u32::MAX, FilterType::Lanczos3);
    }
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    picture.to_rgb8().write_with_encoder(encoder).map_err(unreadable)?;
    Ok(out)
}

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
        Ok(bytes) => tokio::task::spawn_blocking(move || normalise(&bytes))
            .await
            .map_err(anyhow::Error::from)?,
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
