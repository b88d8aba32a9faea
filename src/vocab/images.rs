//! Pictures people upload (hero photos, note-card scans): checked to really be
//! a JPEG, PNG or WebP; their size read from the file's header and refused
//! before a single pixel is decoded when it is too large (a few hundred bytes
//! of PNG can claim 30,000 by 30,000 pixels, gigabytes once decoded); decoded
//! under a memory limit; turned upright, shrunk and re-encoded as JPEG, so
//! nothing a camera embeds (GPS position, serial numbers) is ever kept.

use std::io::Cursor;

use image::error::ImageError;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The longest side accepted, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// The most pixels accepted: more than any phone camera takes.
pub const MAX_PIXELS: u64 = 25_000_000;
/// The most memory a decoder may take for one picture, its decoded pixels included.
pub const MAX_DECODER_BYTES: u64 = 128 * 1024 * 1024;
/// Pictures are kept at most this wide.
const MAX_WIDTH: u32 = 800;

/// Why a picture was refused; [`ImageRefusal::message`] says it to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRefusal {
    NotAPicture,
    OtherFormat,
    /// Too many pixels (the dimensions, when the header gave them).
    TooLarge(Option<(u32, u32)>),
    Unreadable,
}

impl ImageRefusal {
    pub fn message(&self) -> String {
        match self {
            ImageRefusal::NotAPicture => "This file is not a picture. Choose a JPEG, PNG or WebP photo.".into(),
            ImageRefusal::OtherFormat => "Choose a JPEG, PNG or WebP photo.".into(),
            ImageRefusal::TooLarge(size) => {
                let what = size.map_or("This picture has".to_string(), |(w, h)| {
                    format!("This picture is {w} by {h} pixels:")
                });
                format!("{what} too many pixels. Choose one of at most 25 million pixels and {MAX_SIDE} pixels a side.")
            }
            ImageRefusal::Unreadable => "This picture could not be read; it may be damaged. Try another file.".into(),
        }
    }
}

fn refused(e: ImageError) -> ImageRefusal {
    match e {
        ImageError::Limits(_) => ImageRefusal::TooLarge(None),
        _ => ImageRefusal::Unreadable,
    }
}

/// The limits every decoder gets, whatever the format.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODER_BYTES);
    limits
}

/// Decodes, turns upright, shrinks and re-encodes an uploaded picture as JPEG.
pub fn normalise(bytes: &[u8]) -> Result<Vec<u8>, ImageRefusal> {
    let format = image::guess_format(bytes).map_err(|_| ImageRefusal::NotAPicture)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(ImageRefusal::OtherFormat);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    // Reads the header only; the limits refuse a side above MAX_SIDE here.
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || decoder.total_bytes() > MAX_DECODER_BYTES {
        return Err(ImageRefusal::TooLarge(Some((width, height))));
    }
    let orientation = decoder.orientation().map_err(refused)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refused)?;
    picture.apply_orientation(orientation);
    if picture.width() > MAX_WIDTH {
        picture = picture.resize(MAX_WIDTH, u32::MAX, FilterType::Lanczos3);
    }
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    picture.to_rgb8().write_with_encoder(encoder).map_err(refused)?;
    Ok(out)
}
