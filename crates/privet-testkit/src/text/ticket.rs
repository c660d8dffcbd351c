//! Support tickets: a header, a greeting, a few sentences and a signature.

use privet_types::PiiType as T;

use super::doc::Doc;
use super::snippets::{Cast, SENTENCES, email, full_name, neg, val};
use crate::label::NegativeKind as N;
use crate::rng::Gen;
use crate::values::person::Person;
use crate::values::{date, negative, phone};

const SUBJECTS: &[&str] = &[
    "Cannot log in",
    "Card declined",
    "Update my address",
    "Refund request",
    "Wrong charge",
    "Package not delivered",
    "Close my account",
    "Data access request",
    "App keeps crashing",
    "Change of name",
    "Billing question",
    "Two-factor code never arrives",
];

/// One ticket of five to ten lines, ending with an empty line.
pub(super) fn ticket(g: &mut Gen, d: &mut Doc) {
    let cast = Cast::random(g);
    d.lit(&format!(
        "Ticket #{} [{}] opened ",
        g.range(10_000, 9_999_999),
        g.word(&["P1", "P2", "P3", "low", "urgent"])
    ));
    neg(g, d, N::Timestamp, date::timestamp);
    d.nl();
    d.lit("Subject: ");
    d.lit(g.word(SUBJECTS));
    if g.chance(0.25) {
        d.lit(" - invoice ");
        neg(g, d, N::Invoice, negative::invoice);
    }
    d.nl();
    header_from(g, d, &cast);
    d.nl();
    greeting(g, d, &cast);
    d.nl();
    for _ in 0..g.range(1, 4) {
        let per_line = g.range(1, 3);
        for i in 0..per_line {
            if i > 0 {
                d.lit(" ");
            }
            (g.pick(SENTENCES))(g, d, &cast);
        }
        d.nl();
    }
    signature(g, d, &cast);
    d.nl();
}

fn header_from(g: &mut Gen, d: &mut Doc, cast: &Cast) {
    match g.below(4) {
        0 => {
            d.lit("From: ");
            full_name(g, d, &cast.customer);
            d.lit(" <");
            email(g, d, &cast.customer);
            d.lit(">");
        }
        1 => {
            d.lit("Customer: ");
            let s = cast.customer.inverted();
            d.pii(T::PersonName, &s);
            d.lit(" | Assigned to: ");
            full_name(g, d, &cast.agent);
        }
        2 => {
            d.lit("Reporter: ");
            email(g, d, &cast.customer);
            d.lit("; assignee: ");
            full_name(g, d, &cast.agent);
        }
        _ => {
            d.lit("Customer ");
            full_name(g, d, &cast.customer);
            d.lit(g.word(&[" reported via web form", " called in", " wrote via the app"]));
        }
    }
}

fn greeting(g: &mut Gen, d: &mut Doc, cast: &Cast) {
    match g.below(5) {
        0 => {
            d.lit(g.word(&["Hi ", "Hello ", "Dear "]));
            d.pii(T::PersonName, cast.agent.given);
            d.lit(",");
        }
        1 => {
            d.lit("Dear ");
            d.lit(Person::title(g));
            d.lit(" ");
            d.pii(T::PersonName, cast.agent.family);
            d.lit(",");
        }
        _ => d.lit(g.word(&[
            "Hello support team,",
            "Hi,",
            "Dear Sir or Madam,",
            "Good morning!",
            "hello",
        ])),
    }
}

fn signature(g: &mut Gen, d: &mut Doc, cast: &Cast) {
    d.lit(g.word(&[
        "Thanks,",
        "Best regards,",
        "Cheers,",
        "Kind regards,",
        "Thank you -",
    ]));
    d.nl();
    match g.below(4) {
        0 => d.pii(T::PersonName, cast.customer.given),
        1 => {
            d.lit("-- ");
            full_name(g, d, &cast.customer);
        }
        _ => full_name(g, d, &cast.customer),
    }
    if g.chance(0.35) {
        d.nl();
        d.lit(g.word(&["Tel: ", "Mobile: ", "ph. ", "Phone "]));
        val(g, d, T::Phone, phone::phone);
    } else if g.chance(0.15) {
        d.nl();
        d.lit("Sent from my phone");
    }
}
