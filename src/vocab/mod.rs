//! Shared vocabulary: the words several areas speak (money, numbers, dates as
//! people type them, images as they upload them), on a floor of their own that
//! imports no area, so no area borrows another's helpers.

pub mod dates;
pub mod images;
pub mod money;
pub mod numbers;
pub mod secrets;
