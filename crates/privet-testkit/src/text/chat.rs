//! Chat lines: a time, a handle and a short, informal message.

use privet_types::PiiType as T;

use super::doc::Doc;
use super::snippets::{Cast, SENTENCES, addr, email, full_name, neg, val};
use crate::label::NegativeKind as N;
use crate::rng::Gen;
use crate::values::{date, financial, negative, net, phone};

const HANDLES: &[&str] = &[
    "guest_4821",
    "cust-0093",
    "agent42",
    "support-bot",
    "visitor",
    "tier2",
    "anon_77",
    "helpdesk",
];

type Message = fn(&mut Gen, &mut Doc, &Cast);

const MESSAGES: &[Message] = &[
    |g, d, c| {
        d.lit("hey, it's ");
        full_name(g, d, &c.customer);
        d.lit(", my email is ");
        email(g, d, &c.customer);
    },
    |g, d, _| {
        d.lit(g.word(&["can u call me on ", "my number: ", "cell is "]));
        val(g, d, T::Phone, phone::phone);
    },
    |g, d, _| {
        d.lit("card is ");
        val(g, d, T::CardNumber, financial::card);
        d.lit(g.word(&[" exp 09/27", "", " cvv i wont send lol"]));
    },
    |g, d, _| {
        d.lit("my ip is ");
        val(g, d, T::IpAddress, net::ip);
        d.lit(" if u need it");
    },
    |g, d, _| {
        d.lit(g.word(&["dob ", "DOB: ", "birthday is ", "date of birth "]));
        val(g, d, T::DateOfBirth, date::birth_date);
    },
    |g, d, _| {
        d.lit("pls ship to ");
        let with_locality = g.chance(0.5);
        addr(g, d, with_locality);
    },
    |g, d, c| {
        d.lit(g.word(&["ok thanks ", "thank you so much ", "great, cheers "]));
        d.pii(T::PersonName, c.agent.given);
        d.lit(g.word(&["!", " :)", "", "!!"]));
    },
    |g, d, c| {
        d.lit("I'm ");
        full_name(g, d, &c.customer);
        d.lit(", customer since ");
        d.lit(&g.range(2009, 2024).to_string());
    },
    |g, d, _| {
        d.lit("link: ");
        val(g, d, T::Url, net::url);
    },
    |g, d, _| {
        d.lit("order ");
        neg(g, d, N::OrderId, negative::order_id);
        d.lit(" still not here, tracking ");
        neg(g, d, N::Tracking, negative::tracking);
    },
    |g, d, _| {
        d.lit(g.word(&[
            "lol ok",
            "thanks!",
            "brb",
            "still waiting...",
            "?",
            "that worked, ty",
            "one sec",
        ]))
    },
    |g, d, c| {
        d.lit("@");
        d.pii(T::PersonName, c.agent.given);
        d.lit(" can you check ");
        email(g, d, &c.other);
        d.lit("?");
    },
    |g, d, _| {
        d.lit("my ssn is ");
        val(g, d, T::UsSsn, financial::ssn);
        d.lit(" and iban ");
        val(g, d, T::Iban, financial::iban);
    },
    |g, d, _| {
        d.lit("shipped ");
        neg(g, d, N::OtherDate, date::event_date);
        d.lit(", total ");
        neg(g, d, N::Price, negative::price);
    },
    |g, d, c| (g.pick(SENTENCES))(g, d, c),
];

/// One chat line.
pub(super) fn chat(g: &mut Gen, d: &mut Doc) {
    let cast = Cast::random(g);
    match g.below(3) {
        0 => d.lit(&format!("[{}] {}: ", date::clock(g), g.word(HANDLES))),
        1 => d.lit(&format!("{} <{}> ", date::clock(g), g.word(HANDLES))),
        _ => d.lit(&format!("({}) {} > ", date::clock(g), g.word(HANDLES))),
    }
    (g.pick(MESSAGES))(g, d, &cast);
}
