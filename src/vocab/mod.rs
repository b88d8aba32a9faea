//! Words several areas share: dates as people type them, images as they upload
//! them. This floor imports no area, so every area may borrow from it.

pub mod dates;
pub mod images;
