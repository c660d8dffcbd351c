//! Sentences customers write in tickets and chats, with their values labeled.
//!
//! Each sentence writes into the current line. Many hold more than one piece
//! of personal data; some hold look-alikes; some hold nothing at all.

use privet_types::PiiType as T;

use super::doc::Doc;
use crate::label::NegativeKind as N;
use crate::rng::Gen;
use crate::values::person::Person;
use crate::values::{address, date, financial, negative, net, phone, secret};

/// The people a record is about: the customer writing and the agent answering.
pub(super) struct Cast {
    pub(super) customer: Person,
    pub(super) agent: Person,
    pub(super) other: Person,
}

impl Cast {
    pub(super) fn random(g: &mut Gen) -> Self {
        Self {
            customer: Person::random(g),
            agent: Person::random(g),
            other: Person::random(g),
        }
    }
}

/// Write `p`'s full name, labeled.
pub(super) fn full_name(g: &mut Gen, d: &mut Doc, p: &Person) {
    let s = p.full(g);
    d.pii(T::PersonName, &s);
}

/// Write an e-mail address for `p`, labeled.
pub(super) fn email(g: &mut Gen, d: &mut Doc, p: &Person) {
    let s = net::email(g, p);
    d.pii(T::Email, &s);
}

/// Write a value produced by `f`, labeled `ty`.
pub(super) fn val(g: &mut Gen, d: &mut Doc, ty: T, f: fn(&mut Gen) -> String) {
    let s = f(g);
    d.pii(ty, &s);
}

/// Write a look-alike produced by `f`, recorded as negative `kind`.
pub(super) fn neg(g: &mut Gen, d: &mut Doc, kind: N, f: fn(&mut Gen) -> String) {
    let s = f(g);
    d.neg(kind, &s);
}

/// Write a street address; the street part is labeled, the locality (if
/// written) is not.
pub(super) fn addr(g: &mut Gen, d: &mut Doc, with_locality: bool) {
    let a = address::address(g);
    d.pii(T::StreetAddress, &a.street);
    if with_locality {
        d.lit(", ");
        d.lit(&a.locality);
    }
}

/// One sentence of a customer's message.
pub(super) type Sentence = fn(&mut Gen, &mut Doc, &Cast);

/// Sentences with personal data, look-alikes, both, or neither.
pub(super) const SENTENCES: &[Sentence] = &[
    |g, d, _| {
        d.lit("My card ");
        val(g, d, T::CardNumber, financial::card);
        d.lit(" was charged twice for order #");
        neg(g, d, N::OrderId, negative::order_id);
        d.lit(", ");
        neg(g, d, N::Price, negative::price);
        d.lit(" each.");
    },
    |g, d, _| {
        d.lit(g.word(&[
            "Please update my address to ",
            "New shipping address: ",
            "I moved, please use ",
        ]));
        addr(g, d, true);
        d.lit(".");
    },
    |g, d, c| {
        d.lit("You can reach me at ");
        val(g, d, T::Phone, phone::phone);
        d.lit(" or ");
        email(g, d, &c.customer);
        d.lit(g.word(&[".", "!", " anytime.", " (evenings)."]));
    },
    |g, d, _| {
        d.lit(g.word(&[
            "For verification: DOB ",
            "For ID purposes, my date of birth is ",
            "Verification details - D.O.B.: ",
        ]));
        val(g, d, T::DateOfBirth, date::birth_date);
        d.lit(g.word(&[", SSN ", " and my SSN is ", "; social security number "]));
        val(g, d, T::UsSsn, financial::ssn);
        d.lit(".");
    },
    |g, d, _| {
        d.lit("I was born on ");
        val(g, d, T::DateOfBirth, date::birth_date);
        d.lit(" but the order that shipped on ");
        neg(g, d, N::OtherDate, date::event_date);
        d.lit(" has the wrong age check?");
    },
    |g, d, c| {
        d.lit("Refunds should go to IBAN ");
        val(g, d, T::Iban, financial::iban);
        d.lit(" (account holder: ");
        full_name(g, d, &c.customer);
        d.lit(").");
    },
    |g, d, _| {
        d.lit("Tracking number ");
        neg(g, d, N::Tracking, negative::tracking);
        d.lit(" hasn't moved since ");
        neg(g, d, N::OtherDate, date::event_date);
        d.lit("...");
    },
    |g, d, _| {
        d.lit("Invoice ");
        neg(g, d, N::Invoice, negative::invoice);
        d.lit(" is due ");
        neg(g, d, N::OtherDate, date::event_date);
        d.lit(" but shows ");
        neg(g, d, N::Price, negative::price);
        d.lit(" instead of the quoted amount.");
    },
    |g, d, _| {
        d.lit("I tried the reset link ");
        val(g, d, T::Url, net::url);
        d.lit(g.word(&[
            " but it says expired.",
            " - nothing happens",
            ", it loops back to login.",
        ]));
    },
    |g, d, c| {
        d.lit("Our office manager ");
        full_name(g, d, &c.other);
        d.lit(" set the account up; call ");
        d.lit(g.word(&["her", "him", "them"]));
        d.lit(" at ");
        val(g, d, T::Phone, phone::phone);
        d.lit(".");
    },
    |g, d, _| {
        d.lit("The login came from ");
        val(g, d, T::IpAddress, net::ip);
        d.lit("?? I have never been there.");
    },
    |g, d, _| {
        d.lit("The SSN on file reads ");
        neg(g, d, N::InvalidSsn, financial::invalid_ssn);
        d.lit(", which is wrong - it should be ");
        val(g, d, T::UsSsn, financial::ssn);
        d.lit(".");
    },
    |g, d, _| {
        d.lit(g.word(&["The gift card number ", "Loyalty member no. ", "Reference "]));
        neg(g, d, N::LuhnFail, financial::luhn_failing);
        d.lit(" is not accepted at checkout.");
    },
    |g, d, _| {
        d.lit("The bank rejected transfer details ");
        neg(g, d, N::BadIban, financial::bad_iban);
        d.lit(" as invalid.");
    },
    |g, d, _| {
        let (intro, outro) = *g.pick(&[
            ("The app (version ", ") crashes on login."),
            ("Desktop client ver. ", " freezes at the splash screen."),
            ("Since the update to build ", " nothing syncs."),
        ]);
        d.lit(intro);
        neg(g, d, N::Version, negative::version);
        d.lit(outro);
    },
    |g, d, c| {
        d.lit(g.word(&["My husband ", "My wife ", "My partner ", "Our son "]));
        full_name(g, d, &c.other);
        d.lit(" (born ");
        val(g, d, T::DateOfBirth, date::birth_date);
        d.lit(") is also on the account.");
    },
    |g, d, _| {
        d.lit("We moved from ");
        addr(g, d, false);
        d.lit(" to ");
        addr(g, d, true);
        d.lit(" last month.");
    },
    |g, d, _| {
        d.lit(g.word(&[
            "It has been three days and nobody answered.",
            "This is really frustrating!!",
            "Could you escalate this, please?",
            "I've attached a screenshot (IMG_2041.png).",
            "Nothing else has changed on my side.",
            "Same problem on Wi-Fi and mobile data.",
        ]));
    },
    |g, d, _| {
        d.lit("Session id ");
        neg(g, d, N::Uuid, negative::uuid);
        d.lit(" if that helps.");
    },
    |g, d, _| {
        d.lit("Order ");
        neg(g, d, N::OrderId, negative::order_id);
        d.lit(" placed on ");
        neg(g, d, N::OtherDate, date::event_date);
        d.lit(" for ");
        neg(g, d, N::Price, negative::price);
        d.lit(" never arrived.");
    },
    |g, d, _| {
        d.lit("Phone: ");
        val(g, d, T::Phone, phone::phone);
        d.lit(" | Alt: ");
        val(g, d, T::Phone, phone::phone);
    },
    |g, d, _| {
        d.lit("Social Security number: ");
        val(g, d, T::UsSsn, financial::ssn_compact);
        d.lit(g.word(&["", ".", " (needed for the credit check)"]));
    },
    |g, d, _| {
        d.lit("Please charge the ");
        d.lit(g.word(&["card", "other card", "backup card", "company card"]));
        d.lit(" instead: ");
        val(g, d, T::CardNumber, financial::card);
        d.lit(g.word(&[", exp 09/27.", ".", " (expires 11/28)", " - thanks"]));
    },
    |g, d, c| {
        d.lit("Please send the copy to ");
        email(g, d, &c.other);
        d.lit(" and cc ");
        full_name(g, d, &c.agent);
        d.lit(".");
    },
    |g, d, _| {
        d.lit("Date of birth: ");
        val(g, d, T::DateOfBirth, date::birth_date);
        d.lit(" / account created ");
        neg(g, d, N::OtherDate, date::event_date);
    },
    |g, d, c| {
        d.lit("Ask for ");
        d.lit(Person::title(g));
        d.lit(" ");
        d.pii(T::PersonName, c.other.family);
        d.lit(" at the front desk.");
    },
    |g, d, _| {
        d.lit("Commit ");
        neg(g, d, N::HexHash, negative::hex_hash);
        d.lit(" broke the export, see ");
        val(g, d, T::Url, net::url);
    },
    |g, d, _| {
        d.lit("The VPN gave me ");
        val(g, d, T::IpAddress, net::ipv6);
        d.lit(" and then dropped.");
    },
    |g, d, _| {
        d.lit(g.word(&[
            "I accidentally pasted my password=",
            "the old config had password=",
        ]));
        val(g, d, T::Secret, secret::password);
        d.lit(g.word(&[" in the form, please delete it.", " - is it exposed?"]));
    },
];
