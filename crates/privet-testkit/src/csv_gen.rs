//! The customer table: one row per customer, labels per cell.

use privet_types::PiiType;

use crate::label::{CellLabel, LabeledCsv};
use crate::rng::Gen;
use crate::text::note;
use crate::values::person::Person;
use crate::values::{address, date, financial, negative, net, phone};

/// The random stream the CSV draws from (the text corpus uses another).
const CSV_STREAM: u64 = 2;

/// The header of the customer table, in column order.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "dob",
    "street",
    "city",
    "zip",
    "card",
    "ssn",
    "iban",
    "ip",
    "signup_ts",
    "order_id",
    "notes",
];

/// A seeded, endless source of customer rows; like [`crate::TextCorpus`], a
/// shorter table is always a prefix of a longer one with the same seed.
pub struct CsvCorpus {
    source: Gen,
    next_row: u64,
}

/// Append `field` to `out`, quoted when it holds a comma, quote or line break.
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

impl CsvCorpus {
    /// A table for `seed`, starting at data row 1.
    pub fn new(seed: u64) -> Self {
        Self {
            source: Gen::new(seed, CSV_STREAM),
            next_row: 1,
        }
    }

    /// The header line, with its line break.
    pub fn header() -> String {
        format!("{}\n", CSV_COLUMNS.join(","))
    }

    /// Append one data row to `csv` and its cell labels to `labels`.
    pub fn append_row(&mut self, csv: &mut String, labels: &mut Vec<CellLabel>) {
        let g = &mut self.source;
        let row = self.next_row;
        self.next_row += 1;
        let person = Person::random(g);
        let addr = address::address(g);
        // Optional fields are sometimes blank, as in real exports.
        let opt = |g: &mut Gen, f: &dyn Fn(&mut Gen) -> String| {
            if g.chance(0.06) { String::new() } else { f(g) }
        };
        let cells: [(String, Option<PiiType>); 16] = [
            (row.to_string(), None),
            (person.given.to_string(), Some(PiiType::PersonName)),
            (person.family.to_string(), Some(PiiType::PersonName)),
            (net::email(g, &person), Some(PiiType::Email)),
            (opt(g, &phone::phone), Some(PiiType::Phone)),
            (opt(g, &date::birth_date), Some(PiiType::DateOfBirth)),
            (addr.street, Some(PiiType::StreetAddress)),
            (addr.city, None),
            (addr.zip, None),
            (opt(g, &financial::card), Some(PiiType::CardNumber)),
            (opt(g, &financial::ssn), Some(PiiType::UsSsn)),
            (opt(g, &financial::iban), Some(PiiType::Iban)),
            (opt(g, &net::ip), Some(PiiType::IpAddress)),
            (date::timestamp(g), None),
            (negative::order_id(g), None),
            (String::new(), None),
        ];
        let (notes, note_types) = if g.chance(0.4) {
            note(g)
        } else {
            (String::new(), Vec::new())
        };
        for (i, (value, ty)) in cells.iter().enumerate() {
            if i > 0 {
                csv.push(',');
            }
            let value = if i == 15 { &notes } else { value };
            push_field(csv, value);
            if let (Some(ty), false) = (ty, value.is_empty()) {
                labels.push(CellLabel {
                    row,
                    column: CSV_COLUMNS[i].to_string(),
                    ty: *ty,
                });
            }
        }
        csv.push('\n');
        for ty in note_types {
            labels.push(CellLabel {
                row,
                column: "notes".to_string(),
                ty,
            });
        }
    }
}

/// Generate a customer table of `rows` data rows for `seed`.
pub fn generate_csv(seed: u64, rows: usize) -> LabeledCsv {
    let mut corpus = CsvCorpus::new(seed);
    let mut out = LabeledCsv {
        csv: CsvCorpus::header(),
        labels: Vec::new(),
    };
    for _ in 0..rows {
        corpus.append_row(&mut out.csv, &mut out.labels);
    }
    out
}
