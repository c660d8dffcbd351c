//! The closed loop: each connection is a task that sends its next request as
//! soon as the previous answer is read, for warm-up plus the measured window.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::client::{Connection, Target};
use crate::histogram::Histogram;
use crate::scenario::Workload;

/// How long and how wide to drive the load.
pub struct LoadShape {
    /// Concurrent connections (closed-loop tasks).
    pub connections: usize,
    /// Unrecorded time at the start.
    pub warmup: Duration,
    /// Measured window after the warm-up.
    pub duration: Duration,
    /// Seed of each task's random choices (mixed with the task number).
    pub seed: u64,
    /// End the measured window early once this file exists, so a benchmark can measure exactly
    /// while something else (a purge) runs beside the load.
    pub until_exists: Option<std::path::PathBuf>,
}

/// What the measured window saw.
pub struct Outcome {
    /// Latency of every measured request, in microseconds, failures included.
    pub latency_us: Histogram,
    /// Measured requests that failed (non-2xx or no answer).
    pub errors: u64,
    /// From the end of the warm-up until the last task stopped.
    pub elapsed: Duration,
}

/// Drives `workload` against `target` and returns the merged measurements.
/// `label` names the scenario in the one failure report printed on stderr.
pub async fn run(
    label: &'static str,
    target: &Target,
    workload: Arc<Workload>,
    shape: &LoadShape,
) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let measure_from = start + shape.warmup;
    let stop_at = measure_from + shape.duration;
    let reported = Arc::new(AtomicBool::new(false));
    let stopped = Arc::new(AtomicBool::new(false));
    let watcher = shape.until_exists.clone().map(|path| {
        let stopped = stopped.clone();
        tokio::spawn(async move {
            while !path.exists() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            stopped.store(true, Ordering::Relaxed);
        })
    });
    eprintln!("privet-load: {label}: set up; measuring after the warm-up");
    let mut tasks = Vec::with_capacity(shape.connections);
    for task in 0..shape.connections.max(1) {
        let connection = Connection::new(target.clone());
        let (workload, reported, stopped) = (workload.clone(), reported.clone(), stopped.clone());
        let mut rng = SmallRng::seed_from_u64(shape.seed.wrapping_add(task as u64));
        tasks.push(tokio::spawn(async move {
            let mut latency_us = Histogram::default();
            let mut errors = 0u64;
            loop {
                let call = workload.next_call(&mut rng);
                let sent = Instant::now();
                if sent >= stop_at || (sent >= measure_from && stopped.load(Ordering::Relaxed)) {
                    break;
                }
                let failure = match connection.send(&call).await {
                    Ok(reply) if reply.status.is_success() => None,
                    Ok(reply) => Some(format!("{}: {}", reply.status, excerpt(&reply.body))),
                    Err(e) => Some(format!("no answer: {e:#}")),
                };
                let took = sent.elapsed();
                if let Some(failure) = failure {
                    if !reported.swap(true, Ordering::Relaxed) {
                        eprintln!("privet-load: {label}: first failure: {failure}");
                    }
                    if sent >= measure_from {
                        errors += 1;
                    }
                }
                if sent >= measure_from {
                    latency_us.record(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
                }
            }
            (latency_us, errors)
        }));
    }
    let mut latency_us = Histogram::default();
    let mut errors = 0;
    for task in tasks {
        let (histogram, failed) = task.await?;
        latency_us.merge(&histogram);
        errors += failed;
    }
    let elapsed = measure_from.elapsed();
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    Ok(Outcome {
        latency_us,
        errors,
        elapsed,
    })
}

/// The start of a response body, lossily decoded, for one line of stderr.
pub fn excerpt(body: &[u8]) -> String {
    const LIMIT: usize = 300;
    let text = String::from_utf8_lossy(&body[..body.len().min(LIMIT)]);
    let text = text.trim();
    if body.len() > LIMIT {
        format!("{text}...")
    } else {
        text.to_owned()
    }
}
