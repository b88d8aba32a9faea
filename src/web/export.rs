//! CSV downloads: written row by row as the database returns them and sent in
//! chunks of about 64 KiB, so a download holds a few chunks of memory whatever
//! its size; a bounded number at once per instance (each holds a database
//! connection while it runs); and a reader that takes nothing for a while is
//! cut off, so idle clients cannot pile up chunks, connections or slots.
//!
//! Spreadsheets run a cell starting with `=`, `+`, `-` or `@` as a formula: a
//! quote in front keeps text typed by the public (names, agencies) as plain text.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::time::Instant;

use crate::error::AppError;

pub fn spreadsheet_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// Bytes gathered before a chunk is handed to the connection.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting for a slow reader; the writer waits beyond that.
const CHUNKS_AHEAD: usize = 2;
/// The longest a download may last, however steadily it is read.
const LONGEST: Duration = Duration::from_secs(600);

/// The downloads running at once on this instance, and how long one may wait
/// for its reader to take the next chunk.
#[derive(Clone)]
pub struct Exports {
    slots: Arc<Semaphore>,
    stall: Duration,
}

impl Exports {
    pub fn new(at_once: usize, stall: Duration) -> Exports {
        Exports {
            slots: Arc::new(Semaphore::new(at_once.max(1))),
            stall,
        }
    }

    /// Starts a download named `filename`: the sink to write its rows to, and the
    /// response that streams them. Refused with a 503 and `Retry-After` while every
    /// slot is taken.
    pub fn start(&self, filename: &str) -> Result<(CsvSink, Response), AppError> {
        let permit = self.slots.clone().try_acquire_owned().map_err(|_| AppError::Busy {
            message: "Too many downloads are running right now. Please try again in a minute.",
            retry_after_seconds: 30,
        })?;
        let (sender, mut receiver) = mpsc::channel::<Bytes>(CHUNKS_AHEAD);
        let finished = Arc::new(AtomicBool::new(false));
        let complete = finished.clone();
        let mut ended = false;
        // A body that ends without `finish` ends with an error, which aborts the
        // connection: a cut-off file must never look complete.
        let body = futures_util::stream::poll_fn(move |cx| {
            if ended {
                return Poll::Ready(None);
            }
            match receiver.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => Poll::Ready(Some(Ok(chunk))),
                Poll::Ready(None) => {
                    ended = true;
                    if complete.load(Ordering::Acquire) {
                        Poll::Ready(None)
                    } else {
                        Poll::Ready(Some(Err(std::io::Error::other("the download stopped before its end"))))
                    }
                }
                Poll::Pending => Poll::Pending,
            }
        });
        let mut response = Body::from_stream(body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        let disposition = format!("attachment; filename=\"{filename}\"");
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.into()))?,
        );
        let sink = CsvSink {
            buffer: Vec::with_capacity(CHUNK),
            sender,
            finished,
            stall: self.stall,
            deadline: Instant::now() + LONGEST,
            _permit: permit,
        };
        Ok((sink, response))
    }
}

/// Why a download stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum ExportStopped {
    #[error("the reader took nothing for too long, or went away")]
    Reader,
    #[error("the rows could not be read: {0}")]
    Rows(#[from] sqlx::Error),
    #[error("a row could not be written: {0}")]
    Csv(#[from] csv::Error),
}

/// Where a download's rows go. Dropped without [`CsvSink::finish`] (an error,
/// a stalled reader) the connection is cut rather than ended cleanly.
pub struct CsvSink {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Bytes>,
    finished: Arc<AtomicBool>,
    stall: Duration,
    deadline: Instant,
    /// The download's slot, given back when the sink goes.
    _permit: OwnedSemaphorePermit,
}

impl CsvSink {
    pub async fn record<I, T>(&mut self, fields: I) -> Result<(), ExportStopped>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(1024)
            .from_writer(&mut self.buffer);
        writer.write_record(fields)?;
        writer.flush().map_err(csv::Error::from)?;
        drop(writer);
        if self.buffer.len() >= CHUNK {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> Result<(), ExportStopped> {
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        let wait = self.stall.min(self.deadline.saturating_duration_since(Instant::now()));
        match tokio::time::timeout(wait, self.sender.send(chunk)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(ExportStopped::Reader),
        }
    }

    /// Sends what is left; the download then ends cleanly.
    pub async fn finish(mut self) -> Result<(), ExportStopped> {
        if !self.buffer.is_empty() {
            self.send().await?;
        }
        self.finished.store(true, Ordering::Release);
        Ok(())
    }
}

/// Logs why a download stopped early; its reader has seen the connection cut.
pub fn log_stopped(result: Result<(), ExportStopped>, what: &str) {
    match result {
        Ok(()) => {}
        Err(ExportStopped::Reader) => tracing::warn!(what, "download cut: the reader stalled or left"),
        Err(e) => tracing::error!(what, error = %e, "download failed midway"),
    }
}
