//! Shared vocabulary: the words several areas speak (money, numbers), on a
//! floor of their own that imports no area, so no area borrows another's helpers.

pub mod money;
pub mod numbers;
