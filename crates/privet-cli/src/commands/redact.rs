//! `privet redact` and `privet reveal`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use privet_formats::InputFormat;
use privet_redact::engine::{Engine, Mode, Secrets};
use privet_redact::files::{self, FileStats};
use privet_redact::keys::{
    DEID_KEY_ENV, key_check, key_from_env_value, key_from_file, key_record_path,
};
use privet_redact::policy::Policy;
use privet_redact::report::{KReport, suppress_csv};
use privet_redact::vault::VaultClient;
use privet_types::counted;

use crate::Status;

/// Arguments of `privet redact`.
#[derive(Debug, Args)]
#[command(
    after_help = "Formats: text, CSV/TSV, JSON, NDJSON, Parquet, any of them gzipped; the output keeps the input's format.\nWithout --policy every detected identifier is replaced by a label such as [EMAIL]; hash, fpe, fake and date_shift need a key (PRIVET_DEID_KEY or --key-file).\n\nEXIT STATUS:\n  0  output written\n  2  bad input, policy or key; no output is left behind\n\nEXAMPLES:\n  privet redact support.log -o support.redacted.log\n  privet redact customers.csv -o safe.csv --policy deid.toml --key-file deid.key --report --k 5"
)]
pub(crate) struct RedactArgs {
    /// Input file, or a `sqlite://FILE` / `postgres://...` database with --table and --to.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Output file (written whole or not at all).
    #[arg(short, long, value_name = "OUTPUT", required_unless_present = "to")]
    pub output: Option<PathBuf>,
    /// The database table to redact (database input).
    #[arg(long, value_name = "TABLE", requires = "to")]
    pub table: Option<String>,
    /// Target database for --table (`sqlite://FILE` or `postgres://...`); the table must not exist.
    #[arg(
        long,
        value_name = "URL",
        requires = "table",
        conflicts_with = "output"
    )]
    pub to: Option<String>,
    /// De-identification policy (deid.toml).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Key file (privet key-file format, mode 0600); else PRIVET_DEID_KEY (base64 of 32 bytes).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Print the k-anonymity / l-diversity report of the policy's quasi-identifiers on stderr.
    #[arg(long)]
    pub report: bool,
    /// Suppress quasi-identifiers of rows until every class has N rows (CSV/TSV output).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub k: Option<u32>,
    /// A running `privet serve` for the token operator: https://host:port, or http:// to a
    /// vault on this machine (the API key never crosses a network in clear).
    #[arg(long, value_name = "URL", requires = "vault_key")]
    pub vault_url: Option<String>,
    /// PEM certificate(s) to trust for an https --vault-url (a self-signed vault or a private
    /// CA); without it, the system's trust store.
    #[arg(long, value_name = "FILE", requires = "vault_url")]
    pub vault_ca: Option<PathBuf>,
    /// API key for --vault-url.
    #[arg(
        long,
        value_name = "KEY",
        env = "PRIVET_VAULT_KEY",
        hide_env_values = true
    )]
    pub vault_key: Option<String>,
}

/// Arguments of `privet reveal`.
#[derive(Debug, Args)]
#[command(
    after_help = "Only `fpe` is reversible: values produced by every other operator stay as they are.\nColumn rules reverse exactly; `fpe` on detected spans reverses where the encrypted span is still detected."
)]
pub(crate) struct RevealArgs {
    /// A file written by `privet redact`.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Output file.
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: PathBuf,
    /// The policy the file was redacted with.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The key file it was redacted with; else PRIVET_DEID_KEY.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Decrypt even without the key record (INPUT.deid-key) that redact writes beside its
    /// output; a wrong key then gives wrong values without an error.
    #[arg(long)]
    pub unchecked_key: bool,
}

fn load_policy(path: Option<&Path>) -> anyhow::Result<Policy> {
    let Some(path) = path else {
        return Ok(Policy::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the policy {}", path.display()))?;
    Policy::parse(&text).map_err(|errors| {
        let lines: Vec<String> = errors.0.iter().map(|e| e.located(path.display())).collect();
        anyhow::anyhow!("invalid policy\n{}", lines.join("\n"))
    })
}

/// The de-identification key: `key_file` (privet key-file format, 0600), else `PRIVET_DEID_KEY`,
/// else none. `privet serve` takes it the same way for the Presidio-compatible `hash`.
pub(crate) fn load_key(
    key_file: Option<&Path>,
) -> anyhow::Result<Option<privet_crypto::SecretKey>> {
    if let Some(path) = key_file {
        return Ok(Some(key_from_file(path)?));
    }
    match std::env::var(DEID_KEY_ENV) {
        Ok(value) => Ok(Some(key_from_env_value(&value)?)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{DEID_KEY_ENV} is not valid UTF-8"),
    }
}

fn is_database(input: &Path) -> bool {
    let s = input.to_string_lossy();
    ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|p| s.starts_with(p))
}

/// Runs the engine over one file; Parquet through its own adapter.
fn run_file(input: &Path, output: &Path, engine: &Engine) -> anyhow::Result<FileStats> {
    if is_database(input) {
        bail!(
            "redacting database tables is not wired into this build yet; export the table to CSV or Parquet"
        );
    }
    let (format, gzip) = files::detect(input)?;
    if format == InputFormat::Parquet {
        let stats = privet_redact::parquet::redact_parquet(input, output, engine)?;
        return Ok(FileStats {
            format,
            gzip,
            rows: stats.rows,
            changed: stats.cells_changed,
        });
    }
    let total = std::fs::metadata(input).map(|m| m.len()).unwrap_or(0);
    let read = std::sync::atomic::AtomicU64::new(0);
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| crate::progress::follow("redacting", total, &read, &done));
        let result = files::redact_file_with_progress(input, output, engine, &read);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(result?)
    })
}

/// Rows of a table-like format, lines of text.
fn units(format: InputFormat, n: u64) -> String {
    match format {
        InputFormat::Text => counted(n, "line", "lines"),
        _ => counted(n, "row", "rows"),
    }
}

/// Whether two paths name one file (the same inode once both exist, or the same path).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// `privet redact`.
pub(crate) fn redact(args: RedactArgs) -> anyhow::Result<Status> {
    let policy = load_policy(args.policy.as_deref())?;
    let wants_report = args.report || args.k.is_some();
    if wants_report && policy.report.quasi_identifiers.is_empty() {
        bail!("--report and --k need `quasi_identifiers` in the policy's [report] section");
    }
    let vault = match (&args.vault_url, &args.vault_key) {
        (Some(url), Some(key)) => Some(VaultClient::new(url, key, args.vault_ca.as_deref())?),
        _ => None,
    };
    let secrets = Secrets {
        key: load_key(args.key_file.as_deref())?,
        vault,
    };
    if let (Some(table), Some(to)) = (&args.table, &args.to) {
        if args.k.is_some() {
            bail!("--k suppresses rows of CSV/TSV output only");
        }
        let engine = Engine::new(policy, secrets, Mode::Redact)?;
        let from = args.input.to_string_lossy();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the database runtime")?;
        let stats = runtime.block_on(privet_redact::table::redact_table(
            &from, table, to, &engine,
        ))?;
        eprintln!(
            "privet: redacted table {table}: {} rows, {} values changed",
            stats.rows, stats.cells_changed
        );
        if args.report {
            print_report(&engine, None, spec_rows(&engine));
        }
        return Ok(Status::Ok);
    }
    let Some(output) = args.output.clone() else {
        bail!("--output is required for files (`-o -` writes to standard output)");
    };
    let to_stdout = output.as_os_str() == "-";
    if !to_stdout && same_file(&args.input, &output) {
        bail!(
            "refused: the output {} is the input; redact writes a new file and never overwrites its source",
            output.display()
        );
    }
    if to_stdout && wants_report {
        bail!("--report and --k read the written output back: write it to a file with -o FILE");
    }
    if to_stdout && (args.key_file.is_some() || std::env::var_os(DEID_KEY_ENV).is_some()) {
        // The key record goes beside the output file; standard output has no beside.
        eprintln!(
            "privet: note: writing to standard output, so no key record is written; `privet reveal` will need --unchecked-key"
        );
    }
    // Standard output: redacted into a temporary file first (so a failure prints nothing
    // half-done), then copied out.
    let staged = if to_stdout {
        Some(
            tempfile::Builder::new()
                .prefix(".privet-redact-")
                .tempdir()
                .context("cannot create a temporary directory")?,
        )
    } else {
        None
    };
    let output = match &staged {
        Some(dir) => dir.path().join(
            args.input
                .file_name()
                .map_or_else(|| "out".into(), std::ffi::OsStr::to_owned),
        ),
        None => output,
    };
    let (format, _) = files::detect(&args.input)?;
    if args.k.is_some() && !matches!(format, InputFormat::Csv | InputFormat::Tsv) {
        bail!("--k suppresses rows of CSV/TSV output only; this input is {format}");
    }
    let check = secrets.key.as_ref().map(key_check);
    let engine = Engine::new(policy, secrets, Mode::Redact)?;
    let stats = run_file(&args.input, &output, &engine)?;
    if staged.is_some() {
        let mut file =
            std::fs::File::open(&output).context("cannot read back the redacted output")?;
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        std::io::copy(&mut file, &mut lock).context("cannot write to standard output")?;
        std::io::Write::flush(&mut lock).context("cannot write to standard output")?;
        eprintln!(
            "privet: redacted {} to standard output ({}{}): {}, {} changed",
            args.input.display(),
            stats.format,
            if stats.gzip { ", gzip" } else { "" },
            units(stats.format, stats.rows),
            counted(stats.changed, "value", "values")
        );
        return Ok(Status::Ok);
    }
    if let Some(check) = check {
        let record = key_record_path(&output);
        std::fs::write(&record, format!("key_check={check}\n"))
            .with_context(|| format!("cannot write the key record {}", record.display()))?;
    }
    eprintln!(
        "privet: redacted {} into {} ({}{}): {}, {} changed",
        args.input.display(),
        output.display(),
        stats.format,
        if stats.gzip { ", gzip" } else { "" },
        units(stats.format, stats.rows),
        counted(stats.changed, "value", "values")
    );
    if wants_report {
        report(&args, &output, &engine, stats.format)?;
    }
    Ok(Status::Ok)
}

fn spec_rows(engine: &Engine) -> Vec<Vec<String>> {
    engine
        .report_rows()
        .map(|(rows, _)| rows)
        .unwrap_or_default()
}

fn print_report(engine: &Engine, target: Option<usize>, rows: Vec<Vec<String>>) {
    let spec = &engine.policy().report;
    let report = KReport::compute(
        &rows,
        &spec.quasi_identifiers,
        spec.sensitive.as_deref(),
        target.or(spec.k),
    );
    eprint!("{}", report.render());
}

fn report(
    args: &RedactArgs,
    output: &Path,
    engine: &Engine,
    format: InputFormat,
) -> anyhow::Result<()> {
    let spec = &engine.policy().report;
    let mut rows = spec_rows(engine);
    let target = args.k.map(|k| usize::try_from(k).unwrap_or(usize::MAX));
    if let Some(k) = target {
        let (changed, after) = suppress_csv(
            output,
            &spec.quasi_identifiers,
            k,
            format == InputFormat::Tsv,
        )?;
        eprintln!("privet: suppressed the quasi-identifiers of {changed} rows to reach k = {k}");
        // The sensitive column is not rewritten, so it is carried over row by row.
        let qi = spec.quasi_identifiers.len();
        rows = after
            .into_iter()
            .zip(
                rows.iter()
                    .map(|r| r[qi.min(r.len())..].to_vec())
                    .chain(std::iter::repeat(Vec::new())),
            )
            .map(|(mut q, s)| {
                q.extend(s);
                q
            })
            .collect();
    }
    print_report(engine, target, rows);
    Ok(())
}

/// Refuses a key other than the one `input` was redacted with, as its key record says. Without
/// a record, refuses unless `unchecked`: decrypting under the wrong key gives valid-looking,
/// wrong values, with nothing to tell.
fn check_reveal_key(
    input: &Path,
    key: &privet_crypto::SecretKey,
    unchecked: bool,
) -> anyhow::Result<()> {
    let record = key_record_path(input);
    let ours = key_check(key);
    match std::fs::read_to_string(&record) {
        Ok(text) => {
            let recorded = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("key_check="))
                .map(str::trim)
                .unwrap_or_default();
            if recorded != ours {
                bail!(
                    "refused: this key is not the one {} was redacted with (its record {} says key check {recorded}; this key's is {ours}); nothing was written",
                    input.display(),
                    record.display()
                );
            }
            Ok(())
        }
        Err(_) if unchecked => Ok(()),
        Err(_) => bail!(
            "refused: no key record {} beside the input, so the key cannot be checked (a wrong key would give wrong values silently); keep the record redact wrote, or pass --unchecked-key",
            record.display()
        ),
    }
}

/// `privet reveal`.
pub(crate) fn reveal(args: RevealArgs) -> anyhow::Result<Status> {
    let policy = load_policy(Some(&args.policy))?;
    let secrets = Secrets {
        key: load_key(args.key_file.as_deref())?,
        vault: None,
    };
    if let Some(key) = &secrets.key {
        check_reveal_key(&args.input, key, args.unchecked_key)?;
    }
    let engine = Engine::new(policy, secrets, Mode::Reveal)?;
    let stats = run_file(&args.input, &args.output, &engine)?;
    eprintln!(
        "privet: revealed {} into {}: {} values decrypted (only fpe is reversible; other operators' output stays as it is)",
        args.input.display(),
        args.output.display(),
        stats.changed
    );
    Ok(Status::Ok)
}
