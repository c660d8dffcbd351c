//! Gold labels and the corpora that carry them.

use privet_types::PiiType;
use serde::{Deserialize, Serialize};

/// A labeled span in a line of text.
///
/// `line` is 1-based; `start`/`end` are 0-based byte offsets within the line,
/// `end` exclusive: the same shape `privet scan --format jsonl` prints, so
/// predictions deserialize into this type too (extra keys are ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Label {
    /// 1-based line number.
    pub line: u64,
    /// Start byte offset within the line.
    pub start: usize,
    /// End byte offset within the line (exclusive).
    pub end: usize,
    /// The kind of personal data.
    #[serde(rename = "type")]
    pub ty: PiiType,
}

/// A labeled cell of a table: this cell holds data of this type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CellLabel {
    /// 1-based data row (the header is row 0 and never labeled).
    pub row: u64,
    /// Header name of the column.
    pub column: String,
    /// The kind of personal data.
    #[serde(rename = "type")]
    pub ty: PiiType,
}

/// The kinds of look-alikes the corpus plants that must not be reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NegativeKind {
    /// A card-shaped number that fails Luhn.
    LuhnFail,
    /// An SSN-shaped number in a reserved range (area 000/666/9xx, group 00, serial 0000).
    InvalidSsn,
    /// A bare 9-digit order or account id.
    OrderId,
    /// A UUID.
    Uuid,
    /// A dotted version or build number that looks like an IPv4 address.
    Version,
    /// An ISO timestamp.
    Timestamp,
    /// A date that is not a birth date (created, shipped, due).
    OtherDate,
    /// A price or amount.
    Price,
    /// A parcel tracking number.
    Tracking,
    /// An invoice number.
    Invoice,
    /// An IBAN-shaped string whose check digits are wrong.
    BadIban,
    /// A hexadecimal hash or commit id.
    HexHash,
}

/// A planted look-alike: where it is and what it imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Negative {
    /// 1-based line number.
    pub line: u64,
    /// Start byte offset within the line.
    pub start: usize,
    /// End byte offset within the line (exclusive).
    pub end: usize,
    /// What it imitates.
    pub kind: NegativeKind,
}

/// A generated text corpus with its gold labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabeledText {
    /// The corpus, lines separated by `\n`, ending with a newline.
    pub text: String,
    /// Every piece of personal data in the text, in order.
    pub labels: Vec<Label>,
    /// Every planted look-alike, in order (none of them overlaps a label).
    pub negatives: Vec<Negative>,
}

/// A generated customer table with its gold cell labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabeledCsv {
    /// The CSV document, header first.
    pub csv: String,
    /// One label per (row, column, type) that holds personal data.
    pub labels: Vec<CellLabel>,
}
