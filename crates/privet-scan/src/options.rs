//! What a scan looks for and how it reports.

use std::str::FromStr;

use privet_types::{PiiType, UnknownPiiType};

/// Settings of one scan run.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// The types to look for; empty means all.
    pub types: Vec<PiiType>,
    /// Findings below this confidence are not reported.
    pub min_confidence: f32,
    /// Put raw values in findings (`--show-values`). Off by default.
    pub show_values: bool,
    /// Walk folders without honouring `.gitignore`/`.ignore` (`--no-ignore`).
    pub no_ignore: bool,
    /// Force one input format instead of detecting it.
    pub input_format: Option<privet_formats::InputFormat>,
    /// Rows read per database table; `None` reads every row (`--full`).
    pub sample: Option<u64>,
    /// Only these tables of a database (`--table`); empty means all.
    pub tables: Vec<String>,
    /// Stop at the first input error (`--strict`).
    pub strict: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            types: Vec::new(),
            min_confidence: 0.5,
            show_values: false,
            no_ignore: false,
            input_format: None,
            sample: Some(DEFAULT_SAMPLE_ROWS),
            tables: Vec::new(),
            strict: false,
            threads: 0,
        }
    }
}

/// Rows sampled per table when neither `--sample` nor `--full` is given:
/// enough to classify a column with a tight share estimate, few enough that a
/// scan of a large database takes seconds.
pub const DEFAULT_SAMPLE_ROWS: u64 = 5_000;

/// The `--fail-on` gate: which findings make the scan exit with status 3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any finding at all.
    Any,
    /// A finding of one of these types.
    Types(Vec<PiiType>),
}

impl FailOn {
    /// Whether a finding of `ty` trips the gate.
    pub fn trips(&self, ty: PiiType) -> bool {
        match self {
            FailOn::Any => true,
            FailOn::Types(types) => types.contains(&ty),
        }
    }
}

impl FromStr for FailOn {
    type Err = UnknownPiiType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut types = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.eq_ignore_ascii_case("any") {
                return Ok(FailOn::Any);
            }
            types.push(part.parse::<PiiType>()?);
        }
        if types.is_empty() {
            return Err(UnknownPiiType(s.to_owned()));
        }
        Ok(FailOn::Types(types))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_parses_lists_and_any() {
        assert_eq!("any".parse::<FailOn>(), Ok(FailOn::Any));
        assert_eq!(
            "card_number, us_ssn".parse::<FailOn>(),
            Ok(FailOn::Types(vec![PiiType::CardNumber, PiiType::UsSsn]))
        );
        assert!("card_number,creditcard".parse::<FailOn>().is_err());
        assert!("".parse::<FailOn>().is_err());
        assert!(FailOn::Any.trips(PiiType::Url));
        assert!(!FailOn::Types(vec![PiiType::Email]).trips(PiiType::Url));
    }
}
