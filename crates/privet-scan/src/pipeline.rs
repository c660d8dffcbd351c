//! Readers, workers and the collector, joined by bounded channels.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded};
use privet_detect::Detector;
use privet_formats::{Batch, InputError, InputErrorKind, Source, TableSelection};

use crate::columns::Columns;
use crate::options::ScanOptions;
use crate::plan::SourceSpec;
use crate::sink::Sink;
use crate::summary::{Problem, ScanSummary};
use crate::worker::{BatchResult, Scratch, scan_batch};

/// Why a scan stopped without finishing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The output could not be written (for example, a closed pipe).
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}

/// Hears about progress; the CLI draws a bar with it.
pub trait Progress {
    /// The scan starts: `total_bytes` is the sum of known file sizes.
    fn start(&self, total_bytes: u64, sources: u64);
    /// `bytes` more of the total were read.
    fn advance(&self, bytes: u64);
    /// A problem is about to be reported; the bar should get out of the way.
    fn suspend(&self, f: &mut dyn FnMut());
    /// The scan ended.
    fn finish(&self);
}

/// Progress that draws nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total_bytes: u64, _sources: u64) {}
    fn advance(&self, _bytes: u64) {}
    fn suspend(&self, f: &mut dyn FnMut()) {
        f();
    }
    fn finish(&self) {}
}

type SourceId = u64;

struct Job {
    source: SourceId,
    seq: u64,
    name: Arc<str>,
    batch: Batch,
}

enum Event {
    Started {
        source: SourceId,
        name: Arc<str>,
        size: u64,
    },
    Done {
        source: SourceId,
        seq: u64,
        result: BatchResult,
    },
    Ended {
        source: SourceId,
        batches: u64,
    },
    Problem(Problem),
}

/// Shared between readers: the queue of specs and the stop flag.
struct Shared<'a> {
    specs: &'a [SourceSpec],
    next_spec: AtomicU64,
    next_source: AtomicU64,
    stop: AtomicBool,
    options: &'a ScanOptions,
}

/// Runs a scan of `specs` and pushes everything to `sink`.
///
/// `problems` is called for every input problem as it happens (the CLI prints
/// them to stderr). Returns the totals; the caller chooses the exit status.
pub fn run(
    specs: &[SourceSpec],
    detector: &Detector,
    options: &ScanOptions,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
    problems: &mut dyn FnMut(&Problem),
) -> Result<ScanSummary, ScanError> {
    let workers = match options.threads {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let readers = workers.min(specs.len()).max(1);
    let total_bytes = specs
        .iter()
        .map(|s| match s {
            SourceSpec::File { size, .. } => *size,
            SourceSpec::Database(_) | SourceSpec::Unreadable(_) => 0,
        })
        .sum();
    progress.start(total_bytes, specs.len() as u64);

    let shared = Shared {
        specs,
        next_spec: AtomicU64::new(0),
        next_source: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        options,
    };
    // Two batches per worker in flight keeps every core busy while bounding
    // memory to a few megabytes whatever the input size.
    let (job_tx, job_rx) = bounded::<Job>(workers * 2);
    let (event_tx, event_rx) = bounded::<Event>(workers * 4);

    thread::scope(|scope| {
        for _ in 0..readers {
            let job_tx = job_tx.clone();
            let event_tx = event_tx.clone();
            let shared = &shared;
            scope.spawn(move || reader_loop(shared, &job_tx, &event_tx));
        }
        for _ in 0..workers {
            let job_rx = job_rx.clone();
            let event_tx = event_tx.clone();
            let show_values = options.show_values;
            scope.spawn(move || worker_loop(detector, show_values, &job_rx, &event_tx));
        }
        drop(job_tx);
        drop(job_rx);
        drop(event_tx);
        let outcome = collect(&event_rx, &shared, sink, progress, problems);
        if outcome.is_err() {
            shared.stop.store(true, Ordering::Relaxed);
            // Drain so blocked senders can finish and the scope can join.
            for _ in event_rx.iter() {}
        }
        progress.finish();
        outcome
    })
}

fn reader_loop(shared: &Shared<'_>, jobs: &Sender<Job>, events: &Sender<Event>) {
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        let index = shared.next_spec.fetch_add(1, Ordering::Relaxed) as usize;
        let Some(spec) = shared.specs.get(index) else {
            return;
        };
        match spec {
            SourceSpec::File {
                path,
                explicit,
                size,
            } => match privet_formats::open_file(path, shared.options.input_format) {
                Ok(source) => read_source(shared, source, *size, jobs, events),
                Err(err) => {
                    let name = path.display().to_string();
                    let skipped = !explicit && matches!(err.kind, InputErrorKind::Binary);
                    let problem = problem_of(&name, &err, !skipped);
                    if send(events, Event::Problem(problem)).is_err() {
                        return;
                    }
                }
            },
            SourceSpec::Unreadable(err) => {
                let problem = Problem {
                    source: err.path.clone(),
                    message: err.to_string(),
                    fatal: true,
                    counts_as_failure: true,
                };
                if send(events, Event::Problem(problem)).is_err() {
                    return;
                }
            }
            SourceSpec::Database(url) => {
                let selection = TableSelection {
                    tables: shared.options.tables.clone(),
                    sample: shared.options.sample,
                };
                match privet_formats::open_database(url, &selection) {
                    Ok(sources) => {
                        for source in sources {
                            if shared.stop.load(Ordering::Relaxed) {
                                return;
                            }
                            read_source(shared, source, 0, jobs, events);
                        }
                    }
                    Err(err) => {
                        let problem = problem_of(&url.to_string(), &err, true);
                        if send(events, Event::Problem(problem)).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    }
}

fn read_source(
    shared: &Shared<'_>,
    mut source: Box<dyn Source>,
    size: u64,
    jobs: &Sender<Job>,
    events: &Sender<Event>,
) {
    let id = shared.next_source.fetch_add(1, Ordering::Relaxed);
    let name: Arc<str> = Arc::from(source.name());
    let started = Event::Started {
        source: id,
        name: name.clone(),
        size,
    };
    if send(events, started).is_err() {
        return;
    }
    let mut seq = 0;
    while let Some(next) = source.next_batch() {
        if shared.stop.load(Ordering::Relaxed) {
            break;
        }
        match next {
            Ok(batch) => {
                let job = Job {
                    source: id,
                    seq,
                    name: name.clone(),
                    batch,
                };
                if jobs.send(job).is_err() {
                    return;
                }
                seq += 1;
            }
            Err(err) => {
                let fatal = err.kind.is_fatal();
                if send(events, Event::Problem(problem_of(&name, &err, true))).is_err() {
                    return;
                }
                if fatal {
                    break;
                }
            }
        }
    }
    let _ = send(
        events,
        Event::Ended {
            source: id,
            batches: seq,
        },
    );
}

fn worker_loop(
    detector: &Detector,
    show_values: bool,
    jobs: &Receiver<Job>,
    events: &Sender<Event>,
) {
    let mut scratch = Scratch::default();
    for job in jobs.iter() {
        let result = scan_batch(detector, &job.name, &job.batch, show_values, &mut scratch);
        let done = Event::Done {
            source: job.source,
            seq: job.seq,
            result,
        };
        if send(events, done).is_err() {
            return;
        }
    }
}

fn send(events: &Sender<Event>, event: Event) -> Result<(), ()> {
    events.send(event).map_err(|_| ())
}

fn problem_of(name: &str, err: &InputError, counts_as_failure: bool) -> Problem {
    let message = if counts_as_failure {
        err.to_string()
    } else {
        format!("{name}: skipped, binary file")
    };
    Problem {
        source: name.to_owned(),
        message,
        fatal: err.kind.is_fatal(),
        counts_as_failure,
    }
}

/// The collector's view of one source still being read.
struct Pending {
    name: Arc<str>,
    size: u64,
    advanced: u64,
    next_seq: u64,
    waiting: BTreeMap<u64, BatchResult>,
    batches: Option<u64>,
    columns: Option<Columns>,
}

fn collect(
    events: &Receiver<Event>,
    shared: &Shared<'_>,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
    problems: &mut dyn FnMut(&Problem),
) -> Result<ScanSummary, ScanError> {
    let mut summary = ScanSummary::default();
    let mut pending: HashMap<SourceId, Pending> = HashMap::new();
    for event in events.iter() {
        match event {
            Event::Started { source, name, size } => {
                summary.sources += 1;
                pending.insert(
                    source,
                    Pending {
                        name,
                        size,
                        advanced: 0,
                        next_seq: 0,
                        waiting: BTreeMap::new(),
                        batches: None,
                        columns: None,
                    },
                );
            }
            Event::Done {
                source,
                seq,
                result,
            } => {
                if let Some(p) = pending.get_mut(&source) {
                    p.waiting.insert(seq, result);
                }
            }
            Event::Ended { source, batches } => {
                if let Some(p) = pending.get_mut(&source) {
                    p.batches = Some(batches);
                }
            }
            Event::Problem(problem) => {
                if problem.counts_as_failure {
                    summary.failures += 1;
                    if shared.options.strict {
                        shared.stop.store(true, Ordering::Relaxed);
                        summary.stopped_early = true;
                    }
                } else {
                    summary.notices += 1;
                }
                progress.suspend(&mut || problems(&problem));
                sink.problem(&problem)?;
                continue;
            }
        }
        drain_ready(&mut pending, &mut summary, sink, progress)?;
    }
    // Sources whose reader stopped early (strict mode) still get reported.
    let mut rest: Vec<_> = pending.into_values().collect();
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    for mut p in rest {
        p.batches = Some(p.next_seq + p.waiting.len() as u64);
        emit_ready(&mut p, &mut summary, sink, progress)?;
        finish_source(&p, sink)?;
    }
    sink.finish(&summary)?;
    Ok(summary)
}

fn drain_ready(
    pending: &mut HashMap<SourceId, Pending>,
    summary: &mut ScanSummary,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
) -> Result<(), ScanError> {
    let mut finished = Vec::new();
    for (id, p) in pending.iter_mut() {
        emit_ready(p, summary, sink, progress)?;
        if p.batches == Some(p.next_seq) {
            finished.push(*id);
        }
    }
    for id in finished {
        if let Some(p) = pending.remove(&id) {
            finish_source(&p, sink)?;
            progress.advance(p.size.saturating_sub(p.advanced));
        }
    }
    Ok(())
}

/// Emits the batches of `p` that are next in order.
fn emit_ready(
    p: &mut Pending,
    summary: &mut ScanSummary,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
) -> Result<(), ScanError> {
    while let Some(result) = p.waiting.remove(&p.next_seq) {
        let is_first = p.next_seq == 0;
        p.next_seq += 1;
        summary.bytes += result.bytes;
        let step = if p.size > 0 {
            result.bytes.min(p.size.saturating_sub(p.advanced))
        } else {
            0
        };
        p.advanced += step;
        progress.advance(step);
        if !result.columns.is_empty() || p.columns.is_some() {
            let columns = p.columns.get_or_insert_with(Columns::default);
            columns.merge(result.columns);
            if is_first {
                columns.decide();
            }
        }
        for finding in &result.findings {
            let keep = p.columns.as_mut().is_none_or(|c| c.keep(finding));
            if keep {
                summary.findings_by_type[finding.ty.index()] += 1;
                sink.finding(finding)?;
            }
        }
    }
    Ok(())
}

fn finish_source(p: &Pending, sink: &mut dyn Sink) -> Result<(), ScanError> {
    let reports = p
        .columns
        .as_ref()
        .map(|c| c.reports(&p.name))
        .unwrap_or_default();
    sink.source_done(&p.name, &reports)?;
    Ok(())
}
