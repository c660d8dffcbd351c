//! A database table as a [`Source`]: a worker thread streams rows (its own
//! connection and current-thread runtime) and hands batches over a channel
//! of depth two, so memory holds at most a few batches per table.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::batch::{Batch, FieldBatcher, Source};
use crate::error::{InputError, InputErrorKind, Position};

/// What a worker sends: a batch, or an error (after which it stops).
pub(crate) type Item = Result<Batch, InputError>;

/// The work of streaming one table, run on its own thread on first use.
pub(crate) type Job = Box<dyn FnOnce(Sink) + Send>;

/// The worker's end: collects values into batches and sends them.
pub(crate) struct Sink {
    tx: SyncSender<Item>,
    batch: FieldBatcher,
    pub(crate) name: String,
}

impl Sink {
    /// Adds one value; sends a full batch. Returns false when the reader is
    /// gone and the worker should stop.
    pub(crate) fn push(&mut self, row: u64, column: Arc<str>, value: String) -> bool {
        self.batch.push(row, column, value);
        if self.batch.is_full() {
            return self.flush();
        }
        true
    }

    /// Sends what was collected. Returns false when the reader is gone.
    pub(crate) fn flush(&mut self) -> bool {
        match self.batch.take() {
            Some(b) => self.tx.send(Ok(b)).is_ok(),
            None => true,
        }
    }

    /// Sends what was collected, then a fatal error.
    pub(crate) fn fail(mut self, position: Position, message: String) {
        if self.flush() {
            let e = InputError::new(
                self.name.clone(),
                position,
                InputErrorKind::Database(message),
            );
            // The reader may be gone; then nobody needs the error.
            let _ = self.tx.send(Err(e));
        }
    }
}

/// A table read by a worker thread started on the first `next_batch`.
pub(crate) struct TableSource {
    name: String,
    columns: Vec<Arc<str>>,
    job: Option<Job>,
    rx: Option<Receiver<Item>>,
}

impl TableSource {
    /// A source named `name` with these columns, read by `job`.
    pub(crate) fn new(name: String, columns: Vec<Arc<str>>, job: Job) -> Self {
        TableSource {
            name,
            columns,
            job: Some(job),
            rx: None,
        }
    }

    fn start(&mut self, job: Job) -> Result<(), InputError> {
        let (tx, rx) = sync_channel(2);
        let sink = Sink {
            tx,
            batch: FieldBatcher::default(),
            name: self.name.clone(),
        };
        std::thread::Builder::new()
            .name("privet-table".into())
            .spawn(move || job(sink))
            .map_err(|e| {
                InputError::new(
                    self.name.clone(),
                    Position::File,
                    InputErrorKind::Database(format!("cannot start reader thread: {e}")),
                )
            })?;
        self.rx = Some(rx);
        Ok(())
    }
}

impl Source for TableSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_batch(&mut self) -> Option<Result<Batch, InputError>> {
        if let Some(job) = self.job.take()
            && let Err(e) = self.start(job)
        {
            return Some(Err(e));
        }
        let item = self.rx.as_ref()?.recv().ok();
        if matches!(&item, Some(Err(e)) if e.is_fatal()) || item.is_none() {
            self.rx = None;
        }
        item
    }

    fn columns(&self) -> &[Arc<str>] {
        &self.columns
    }
}

/// A small runtime for one thread's database work.
pub(crate) fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Quotes an SQL identifier: double quotes, inner quotes doubled.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `LIMIT n` for a sample, nothing for a full read.
pub(crate) fn limit_clause(sample: Option<u64>) -> String {
    match sample {
        // SQLite and PostgreSQL take a signed 64-bit limit.
        Some(n) => format!(" LIMIT {}", n.min(i64::MAX as u64)),
        None => String::new(),
    }
}

/// Polls the next row of a sqlx stream without pulling in a futures crate.
pub(crate) async fn next_row<T>(
    stream: &mut futures_core::stream::BoxStream<'_, Result<T, sqlx::Error>>,
) -> Option<Result<T, sqlx::Error>> {
    std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("users"), "\"users\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(limit_clause(Some(5)), " LIMIT 5");
        assert_eq!(limit_clause(None), "");
    }
}
