//! Starts Honor Mile; everything else lives in the library.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    honor_mile::cli::run().await
}
