//! Personal-data detectors: multi-pattern prefilter, validators, context
//! scoring, overlap resolution, column classification and masking.
//!
//! One [`Detector`] is built per scan and shared by every thread. It finds
//! candidates for all enabled types in a single pass of one multi-pattern
//! regex, confirms each with a standard-based validator (Luhn and issuer
//! ranges, SSA rules, ISO 13616 mod-97, libphonenumber metadata, the
//! calendar...), scores it by the words just before it, and resolves overlaps.
//! Structured values go through [`Detector::detect_field`] with their
//! [`ColumnContext`]; [`ColumnStats`] then judges whole columns.

mod address;
pub mod classify;
mod column;
mod context;
mod engine;
pub mod mask;
mod names;
mod patterns;
mod validate;

pub use classify::{ColumnStats, ColumnSummary, Verdict};
pub use column::ColumnContext;
pub use engine::Detector;
use privet_types::PiiType;
pub use validate::phone::PhoneRegion;

/// Which types to detect and how sure a match must be to be reported.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectorConfig {
    /// Enabled types; all by default.
    pub types: Vec<PiiType>,
    /// Matches below this confidence are dropped; 0.5 by default.
    pub min_confidence: f32,
    /// The region a phone number written without a country code is read in first; the
    /// United States when none is given (other regions are still tried after it).
    pub region: Option<PhoneRegion>,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            types: PiiType::ALL.to_vec(),
            min_confidence: 0.5,
            region: None,
        }
    }
}

/// Why a detector could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// The minimum confidence is outside `0.0..=1.0`.
    #[error("minimum confidence {0} is outside 0.0..=1.0")]
    Confidence(f32),
    /// A default phone region that is not an ISO 3166 alpha-2 code with a numbering plan.
    #[error(
        "region {0:?}: not a two-letter ISO 3166 region code with phone numbering metadata (for example US, GB, DE)"
    )]
    Region(String),
    /// A built-in pattern or keyword set failed to compile (a bug in privet).
    #[error("built-in detector pattern failed to compile: {0}")]
    Pattern(String),
}

/// The candidate patterns of every type, in priority order.
#[doc(hidden)]
pub fn candidate_patterns() -> Vec<String> {
    patterns::all().into_iter().map(|(_, p)| p).collect()
}

/// The candidate patterns of every type as one bare regex, without
/// validation: the baseline the throughput example compares against.
#[doc(hidden)]
pub fn bare_regex() -> Result<regex_automata::meta::Regex, DetectError> {
    let sources: Vec<String> = patterns::all().into_iter().map(|(_, p)| p).collect();
    patterns::compile(&sources)
}

/// Runs the detector over arbitrary bytes and checks its output invariants;
/// the fuzz target calls this. Panics if an invariant breaks.
#[doc(hidden)]
pub fn fuzz_detect(data: &[u8]) {
    use std::sync::OnceLock;
    static DETECTOR: OnceLock<Option<Detector>> = OnceLock::new();
    let Some(detector) = DETECTOR
        .get_or_init(|| Detector::new(DetectorConfig::default()).ok())
        .as_ref()
    else {
        panic!("the default detector must build");
    };
    let mut out = Vec::new();
    detector.detect(data, &mut out);
    check_invariants(data, &out);
    for m in &out {
        let text = String::from_utf8_lossy(&data[m.start..m.end]);
        let _ = mask::mask(m.ty, &text);
    }
    // The same bytes as a cell of a few kinds of columns.
    for header in ["email", "ssn", "dob", "first_name", "order_id", "notes"] {
        out.clear();
        detector.detect_field(&ColumnContext::from_header(header), data, &mut out);
        check_invariants(data, &out);
        let mut stats = ColumnStats::default();
        stats.observe(data, &out);
        let _ = stats.summarize(&ColumnContext::from_header(header));
    }
}

fn check_invariants(hay: &[u8], out: &[privet_types::Match]) {
    let mut last_end = 0;
    for m in out {
        assert!(m.start < m.end && m.end <= hay.len(), "span out of bounds");
        assert!(m.start >= last_end, "spans overlap or are unsorted");
        assert!(
            !hay[m.start..m.end].contains(&b'\n'),
            "span crosses a newline"
        );
        assert!(
            (0.0..=1.0).contains(&m.confidence),
            "confidence out of range"
        );
        last_end = m.end;
    }
}

/// Whether `text` as a whole passes the validator of `ty` (Luhn and issuer ranges for cards,
/// SSA rules for SSNs, length and mod-97 for IBANs). Other types have no standalone validator
/// here and give `false`. Format-preserving encryption uses it to cycle-walk: an encrypted
/// identifier that still validates is found again by the detector, so it can be decrypted.
pub fn validates(ty: privet_types::PiiType, text: &str) -> bool {
    use privet_types::PiiType;
    let bytes = text.as_bytes();
    match ty {
        PiiType::CardNumber => validate::card::check(bytes).is_some_and(|c| c.issuer.is_some()),
        PiiType::UsSsn => validate::ssn::check(bytes).is_some(),
        PiiType::Iban => validate::iban::check(bytes).is_some(),
        _ => false,
    }
}
