//! Starts Honor Mile; everything else lives in the library.

use std::process::ExitCode;

/// mimalloc hands the password hasher's work areas (7 MiB) back to the system
/// after each sign-in; the system allocator kept them, and a burst of sign-ins
/// left the server holding hundreds of megabytes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    honor_mile::cli::main()
}
