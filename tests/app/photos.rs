//! Hero photos: real images only, re-encoded without camera metadata, drafts private.

use std::io::Cursor;

use axum_test::multipart::{MultipartForm, Part};
use image::{ImageBuffer, Rgb};
use sqlx::PgPool;

use crate::helpers::{Role, TestApp, follow, hero_form, location};

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = ImageBuffer::from_fn(width, height, |x, y| Rgb([(x % 255) as u8, (y % 255) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// A JPEG carrying an EXIF block with a recognisable marker, as a camera would.
fn jpeg_with_exif() -> Vec<u8> {
    let picture = ImageBuffer::from_fn(1200, 900, |x, _| Rgb([(x % 255) as u8, 30, 30]));
    let mut plain = Cursor::new(Vec::new());
    picture
        .write_to(&mut plain, image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    let plain = plain.into_inner();
    let payload = b"Exif\0\0GPS-MARKER-27.9N-82.4W";
    let length = u16::try_from(payload.len() + 2).expect("short");
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

async fn upload(
    staff: &axum_test::TestServer,
    hero: uuid::Uuid,
    bytes: Vec<u8>,
    name: &str,
) -> axum_test::TestResponse {
    let form = MultipartForm::new().add_part("photo", Part::bytes(bytes).file_name(name));
    staff.post(&format!("/staff/heroes/{hero}/photo")).multipart(form).await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_photo_is_resized_stripped_and_served_with_long_caching(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = app
        .add_confirmed_hero(&staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    let original = jpeg_with_exif();
    assert!(original.windows(10).any(|w| w == b"GPS-MARKER"));
    let response = upload(&staff, hero, original, "camera.jpg").await;
    assert_eq!(location(&response), format!("/staff/heroes/{hero}#photo"));

    let key: String = sqlx::query_scalar("select photo_key from heroes where id = $1")
        .bind(hero)
        .fetch_one(&app.pool)
        .await
        .expect("photo key");
    let served = app.browser().get(&format!("/photos/{key}")).await;
    assert_eq!(served.status_code(), 200);
    assert_eq!(served.header("content-type"), "image/jpeg");
    assert!(
        served
            .header("cache-control")
            .to_str()
            .expect("ascii")
            .contains("max-age=31536000")
    );
    let bytes = served.as_bytes().to_vec();
    assert!(
        !bytes.windows(10).any(|w| w == b"GPS-MARKER"),
        "camera metadata is gone"
    );
    let decoded = image::load_from_memory(&bytes).expect("a real image");
    assert_eq!(decoded.width(), 800, "resized to the published width");
    assert!(
        app.browser()
            .get(&format!("/heroes/{hero}"))
            .await
            .text()
            .contains(&key)
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_fake_image_is_refused_and_nothing_changes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = app
        .add_hero(&staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    let fakes: Vec<(Vec<u8>, &str)> = vec![
        (b"<script>alert(1)</script>".to_vec(), "evil.jpg"),
        (b"GIF89a\x01\x00\x01\x00".to_vec(), "anim.gif"),
        (
            [&[0x89u8, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..], &[0u8; 64][..]].concat(),
            "broken.png",
        ),
        (Vec::new(), "empty.jpg"),
    ];
    for (bytes, name) in fakes {
        let response = upload(&staff, hero, bytes, name).await;
        assert_eq!(response.status_code(), 303, "{name}");
        let page = follow(&staff, &response).await.text();
        assert!(page.contains("Photo not saved"), "{name} is refused with a message");
    }
    assert_eq!(
        app.count("select count(*) from heroes where photo_key is not null")
            .await,
        0
    );
    let ok = upload(&staff, hero, png(300, 200), "small.png").await;
    assert!(follow(&staff, &ok).await.text().contains("Photo saved."));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_drafts_photo_is_shown_to_staff_only(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = app
        .add_hero(&staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    upload(&staff, hero, png(100, 100), "small.png").await;
    let key: String = sqlx::query_scalar("select photo_key from heroes where id = $1")
        .bind(hero)
        .fetch_one(&app.pool)
        .await
        .expect("photo key");
    assert_eq!(staff.get(&format!("/photos/{key}")).await.status_code(), 200);
    assert_eq!(app.browser().get(&format!("/photos/{key}")).await.status_code(), 404);
    assert_eq!(app.browser().get("/photos/../../etc/passwd").await.status_code(), 404);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_oversized_upload_is_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = app
        .add_hero(&staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    let response = upload(&staff, hero, vec![0xFF; 11 * 1024 * 1024], "huge.jpg").await;
    let page = follow(&staff, &response).await.text();
    assert!(page.contains("larger than 10 MB"), "a clear message");
    assert_eq!(
        app.count("select count(*) from heroes where photo_key is not null")
            .await,
        0
    );
}

/// A PNG that claims `width` by `height` pixels in a few dozen bytes: a valid
/// header and one tiny compressed row, as a picture bomb is built.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).expect("short").to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    // zlib: an empty stored block, enough for a decoder to start allocating.
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_picture_claiming_too_many_pixels_is_refused_at_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = app
        .add_hero(&staff, &hero_form("Ann Smith", "Springfield PD", "US-IL", "2020-01-05"))
        .await;
    // Too long a side, and within the sides but too many pixels in all.
    for (width, height) in [(30_000, 30_000), (11_000, 11_000), (12_000, 2_500)] {
        let started = std::time::Instant::now();
        let response = upload(&staff, hero, png_claiming(width, height), "bomb.png").await;
        assert_eq!(response.status_code(), 400, "{width} x {height}");
        assert!(
            response.text().contains("too many pixels"),
            "{width} x {height}: {}",
            response.text()
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "refused before decoding"
        );
    }
    assert_eq!(
        app.count("select count(*) from heroes where photo_key is not null")
            .await,
        0
    );
    let ok = upload(&staff, hero, png(300, 200), "small.png").await;
    assert!(follow(&staff, &ok).await.text().contains("Photo saved."));
}

#[test]
fn every_format_is_measured_before_it_is_decoded() {
    use honor_mile::vocab::images::{ImageRefusal, MAX_PIXELS, normalise};
    assert_eq!(MAX_PIXELS, 25_000_000);
    assert_eq!(
        normalise(&png_claiming(6_000, 5_000)),
        Err(ImageRefusal::TooLarge(Some((6_000, 5_000))))
    );
    // A real picture of each format within the limits goes through.
    let picture = ImageBuffer::from_fn(64, 48, |x, y| Rgb([(x * 3) as u8, (y * 5) as u8, 90]));
    for format in [
        image::ImageFormat::Png,
        image::ImageFormat::Jpeg,
        image::ImageFormat::WebP,
    ] {
        let mut bytes = Cursor::new(Vec::new());
        picture.write_to(&mut bytes, format).expect("encode");
        assert!(normalise(&bytes.into_inner()).is_ok(), "{format:?}");
    }
}
