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

/// A source's place in the output: the index of its spec in the plan, then
/// its rank among the spec's sources (a database yields one per table).
/// Findings are emitted in this order whatever the number of threads.
type SourceId = (u64, u64);

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
    /// Spec `spec` is read: it yielded `sources` sources.
    SpecDone {
        spec: u64,
        sources: u64,
    },
    Problem(Problem),
}

/// Shared between readers: the queue of specs and the stop flag.
struct Shared<'a> {
    specs: &'a [SourceSpec],
    next_spec: AtomicU64,
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
        let index = shared.next_spec.fetch_add(1, Ordering::Relaxed);
        let Some(spec) = usize::try_from(index)
            .ok()
            .and_then(|i| shared.specs.get(i))
        else {
            return;
        };
        let mut yielded = 0;
        match spec {
            SourceSpec::File {
                path,
                explicit,
                size,
            } => match privet_formats::open_file(path, shared.options.input_format) {
                Ok(source) => {
                    read_source(shared, source, *size, (index, 0), jobs, events);
                    yielded = 1;
                }
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
                            let id = (index, sources_read(&mut yielded));
                            read_source(shared, source, 0, id, jobs, events);
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
        if send(
            events,
            Event::SpecDone {
                spec: index,
                sources: yielded,
            },
        )
        .is_err()
        {
            return;
        }
    }
}

/// The rank of the next source of a spec, counting it.
fn sources_read(count: &mut u64) -> u64 {
    *count += 1;
    *count - 1
}

fn read_source(
    shared: &Shared<'_>,
    mut source: Box<dyn Source>,
    size: u64,
    id: SourceId,
    jobs: &Sender<Job>,
    events: &Sender<Event>,
) {
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
    let mut pending: BTreeMap<SourceId, Pending> = BTreeMap::new();
    let mut order = Order::default();
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
            Event::SpecDone { spec, sources } => {
                order.specs.insert(spec, sources);
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
        drain_ready(&mut pending, &mut order, &mut summary, sink, progress)?;
    }
    // Sources whose reader stopped early (strict mode) still get reported.
    for mut p in pending.into_values() {
        p.batches = Some(p.next_seq + p.waiting.len() as u64);
        emit_ready(&mut p, &mut summary, sink, progress)?;
        finish_source(&p, sink)?;
    }
    sink.finish(&summary)?;
    Ok(summary)
}

/// Which source may emit next: sources are emitted one after the other in
/// plan order, so the output does not depend on which reader or worker was
/// faster. Later sources' results wait (bounded by what readers ran ahead).
#[derive(Default)]
struct Order {
    /// The next source to emit.
    head: SourceId,
    /// How many sources each finished spec yielded.
    specs: HashMap<u64, u64>,
}

fn drain_ready(
    pending: &mut BTreeMap<SourceId, Pending>,
    order: &mut Order,
    summary: &mut ScanSummary,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
) -> Result<(), ScanError> {
    loop {
        let head = order.head;
        if let Some(p) = pending.get_mut(&head) {
            emit_ready(p, summary, sink, progress)?;
            if p.batches != Some(p.next_seq) {
                return Ok(());
            }
            if let Some(p) = pending.remove(&head) {
                finish_source(&p, sink)?;
                progress.advance(p.size.saturating_sub(p.advanced));
            }
            order.head = (head.0, head.1 + 1);
        } else if order.specs.get(&head.0).is_some_and(|&n| head.1 >= n) {
            order.specs.remove(&head.0);
            order.head = (head.0 + 1, 0);
        } else {
            // The head source has not started yet.
            return Ok(());
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::ColumnReport;
    use privet_types::Finding;

    /// Keeps every finding in the order the sink receives it.
    #[derive(Default)]
    struct Collect(Vec<Finding>);

    impl Sink for Collect {
        fn finding(&mut self, finding: &Finding) -> std::io::Result<()> {
            self.0.push(finding.clone());
            Ok(())
        }
        fn source_done(&mut self, _: &str, _: &[ColumnReport]) -> std::io::Result<()> {
            Ok(())
        }
        fn problem(&mut self, _: &Problem) -> std::io::Result<()> {
            Ok(())
        }
        fn finish(&mut self, _: &ScanSummary) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn scan(inputs: &[String], threads: usize) -> (Vec<Finding>, u64) {
        let detector = Detector::new(privet_detect::DetectorConfig::default()).expect("detector");
        let options = ScanOptions {
            threads,
            ..ScanOptions::default()
        };
        let specs = crate::plan::plan_sources(inputs, false);
        let mut sink = Collect::default();
        let summary = run(
            &specs,
            &detector,
            &options,
            &mut sink,
            &NoProgress,
            &mut |_| {},
        )
        .expect("scan");
        (sink.0, summary.bytes)
    }

    /// The JSON and JSONL reports of text and CSV are byte for byte the same
    /// whatever the number of threads.
    #[test]
    fn json_reports_do_not_depend_on_the_thread_count() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::new();
        let mut csv = String::from("name,email,phone,notes\n");
        for i in 0..3_000 {
            text.push_str(&format!(
                "{i}: Maria Garcia <m{i}@example.com> paid with 4111 1111 1111 1111, ip 10.0.{}.1\n",
                i % 250
            ));
            csv.push_str(&format!(
                "Ana Silva,ana{i}@example.org,+44 20 7946 {:04},\"call \"\"me\"\" at 415-555-{:04}\"\n",
                i % 10_000,
                (i * 7) % 10_000
            ));
        }
        std::fs::write(dir.path().join("a.log"), &text).expect("write");
        std::fs::write(dir.path().join("b.csv"), &csv).expect("write");
        let inputs = [dir.path().display().to_string()];
        let detector = Detector::new(privet_detect::DetectorConfig::default()).expect("detector");
        let specs = crate::plan::plan_sources(&inputs, false);
        let render = |threads: usize, json: bool| {
            let mut out = Vec::new();
            {
                let mut sink: Box<dyn Sink + '_> = if json {
                    Box::new(crate::sink::JsonSink::new(Box::new(&mut out)))
                } else {
                    Box::new(crate::sink::JsonlSink::new(Box::new(&mut out)))
                };
                let options = ScanOptions {
                    threads,
                    ..ScanOptions::default()
                };
                run(
                    &specs,
                    &detector,
                    &options,
                    sink.as_mut(),
                    &NoProgress,
                    &mut |_| {},
                )
                .expect("scan");
            }
            out
        };
        for json in [false, true] {
            let one = render(1, json);
            assert!(one.len() > 100_000, "{} bytes", one.len());
            assert_eq!(render(2, json), one, "json document: {json}");
        }
    }

    /// A big file is cut into line-aligned batches scanned on every worker;
    /// many small files are spread the same way. Whatever the thread count,
    /// the findings, their order, lines and offsets are those of one thread.
    #[test]
    fn findings_do_not_depend_on_the_thread_count() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut big = String::new();
        let mut i = 0u64;
        // About 3.5 MB: several 1 MiB blocks, so batch edges fall inside.
        while big.len() < 3_500_000 {
            big.push_str(&format!(
                "{i} ticket from jane.doe{i}@example.com, call +44 20 7946 {:04} or 415-555-{:04}; \
                 order {} shipped, ip 10.{}.{}.7 noted\n",
                i % 10_000,
                (i * 7) % 10_000,
                100_000 + i,
                i % 250,
                (i / 250) % 250,
            ));
            i += 1;
        }
        std::fs::write(dir.path().join("big.log"), &big).expect("write");
        for n in 0..40 {
            let text = format!(
                "customer {n}: ssn 123-45-{:04}, mail a{n}@shop.example\n",
                1000 + n
            );
            std::fs::write(dir.path().join(format!("small{n:02}.txt")), text).expect("write");
        }
        let inputs = [dir.path().display().to_string()];
        let (one, bytes) = scan(&inputs, 1);
        assert!(bytes > 3_500_000);
        assert!(one.len() > 100_000, "{} findings", one.len());
        for threads in [2, 4] {
            let (many, _) = scan(&inputs, threads);
            assert_eq!(many.len(), one.len(), "{threads} threads");
            if let Some(at) = one.iter().zip(&many).position(|(a, b)| a != b) {
                panic!(
                    "{threads} threads differ at finding {at}: {:?} vs {:?}",
                    one[at], many[at]
                );
            }
        }
    }
}
