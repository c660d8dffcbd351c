//! The free-text corpus: support tickets, chat lines and log lines.

mod chat;
mod doc;
mod log;
mod snippets;
mod ticket;

use crate::label::LabeledText;
use crate::rng::Gen;
use doc::Doc;

/// The random stream the text corpus draws from (the CSV uses another).
const TEXT_STREAM: u64 = 1;

/// A seeded, endless source of labeled text records.
///
/// Records come out in the same order for the same seed whatever the caller
/// asks for next, so a corpus cut at N records (or N bytes) is a prefix of any
/// longer corpus of that seed: benchmarks run slow peers on such a prefix and
/// score them against the matching labels.
pub struct TextCorpus {
    source: Gen,
    next_line: u64,
}

impl TextCorpus {
    /// A corpus for `seed`, starting at line 1.
    pub fn new(seed: u64) -> Self {
        Self {
            source: Gen::new(seed, TEXT_STREAM),
            next_line: 1,
        }
    }

    /// Append one record (one or more whole lines) to `out`, with its labels.
    ///
    /// Line numbers continue across calls, so `out` may be drained between
    /// calls (as the streaming writer does) without losing numbering; byte
    /// offsets are always within the line.
    pub fn append_record(&mut self, out: &mut LabeledText) {
        let mut doc = Doc::new(out, self.next_line);
        match self.source.weighted(&[30, 30, 40]) {
            0 => ticket::ticket(&mut self.source, &mut doc),
            1 => chat::chat(&mut self.source, &mut doc),
            _ => log::log(&mut self.source, &mut doc),
        }
        self.next_line = doc.finish();
    }

    /// The number of the line the next record starts on.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }
}

/// Generate `records` text records for `seed`: the same seed always gives the
/// same text and labels.
pub fn generate_text(seed: u64, records: usize) -> LabeledText {
    let mut corpus = TextCorpus::new(seed);
    let mut out = LabeledText::default();
    for _ in 0..records {
        corpus.append_record(&mut out);
    }
    out
}

/// A free-text note for a table cell: one customer sentence, and the distinct
/// types of personal data it holds.
pub(crate) fn note(g: &mut Gen) -> (String, Vec<privet_types::PiiType>) {
    let mut scratch = LabeledText::default();
    let mut doc = Doc::new(&mut scratch, 1);
    let cast = snippets::Cast::random(g);
    (g.pick(snippets::SENTENCES))(g, &mut doc, &cast);
    doc.finish();
    let mut types: Vec<_> = scratch.labels.iter().map(|l| l.ty).collect();
    types.sort();
    types.dedup();
    let text = scratch.text.trim_end_matches('\n').to_string();
    (text, types)
}
