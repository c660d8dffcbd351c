//! Log lines: a timestamp, a level, a component and key=value fields.

use privet_types::PiiType as T;

use super::doc::Doc;
use super::snippets::{Cast, email, full_name, neg, val};
use crate::label::NegativeKind as N;
use crate::rng::{Gen, HEX};
use crate::values::{address, date, financial, negative, net, phone, secret};

type Message = fn(&mut Gen, &mut Doc, &Cast);

const MESSAGES: &[Message] = &[
    |g, d, c| {
        d.lit("auth: login succeeded user=\"");
        full_name(g, d, &c.customer);
        d.lit("\" email=");
        email(g, d, &c.customer);
        d.lit(" ip=");
        val(g, d, T::IpAddress, net::ip);
    },
    |g, d, _| {
        d.lit("payment: authorization declined card=");
        val(g, d, T::CardNumber, financial::card);
        d.lit(" amount=");
        neg(g, d, N::Price, negative::price);
        d.lit(" order_id=");
        neg(g, d, N::OrderId, negative::order_id);
    },
    |g, d, _| {
        d.lit(g.word(&["http: GET ", "http: POST ", "proxy: upstream "]));
        val(g, d, T::Url, net::url);
        d.lit(&format!(
            " {} {}ms client=",
            g.word(&["200", "302", "404", "500"]),
            g.range(1, 2400)
        ));
        val(g, d, T::IpAddress, net::ip);
        d.lit(&format!(
            " ua=\"Mozilla/5.0 (X11; Linux x86_64) Firefox/{}.0\"",
            g.range(100, 131)
        ));
    },
    |g, d, c| {
        d.lit("crm: updated customer ");
        neg(g, d, N::Uuid, negative::uuid);
        d.lit(" name=\"");
        full_name(g, d, &c.customer);
        d.lit("\" phone=\"");
        val(g, d, T::Phone, phone::phone);
        d.lit("\" dob=");
        val(g, d, T::DateOfBirth, date::birth_date);
    },
    |g, d, c| {
        d.lit("billing: payout iban=");
        val(g, d, T::Iban, financial::iban);
        d.lit(" holder=\"");
        full_name(g, d, &c.customer);
        d.lit("\" ref=");
        neg(g, d, N::Invoice, negative::invoice);
    },
    |g, d, c| {
        d.lit("kyc: verified ssn=");
        val(g, d, T::UsSsn, financial::ssn);
        d.lit(" for ");
        email(g, d, &c.customer);
    },
    |g, d, _| {
        d.lit("deploy: rolled out build ");
        neg(g, d, N::Version, negative::version);
        d.lit(&format!(" to {} hosts commit=", g.range(2, 40)));
        neg(g, d, N::HexHash, negative::hex_hash);
    },
    |g, d, _| {
        d.lit("agent: starting v");
        neg(g, d, N::Version, negative::version);
        d.lit(" (go1.22) pid=");
        d.lit(&g.range(100, 65000).to_string());
    },
    |g, d, _| {
        d.lit("config: loaded aws_access_key_id=");
        val(g, d, T::Secret, secret::aws_key);
        d.lit(" region=eu-west-1");
    },
    |g, d, _| {
        d.lit("config: aws_secret_access_key=");
        val(g, d, T::Secret, secret::aws_secret);
    },
    |g, d, _| {
        d.lit("auth: issued token Authorization: Bearer ");
        val(g, d, T::Secret, secret::jwt);
    },
    |g, d, _| {
        d.lit("scanner: token ");
        val(g, d, T::Secret, secret::github_token);
        d.lit(" found in commit ");
        neg(g, d, N::HexHash, negative::hex_hash);
    },
    |g, d, _| {
        d.lit("db: connecting host=");
        val(g, d, T::IpAddress, net::ipv4);
        d.lit(" user=app password=");
        val(g, d, T::Secret, secret::password);
        d.lit(" dbname=orders");
    },
    |g, d, _| {
        d.lit("upload: rejected file containing ");
        val(g, d, T::Secret, secret::pem_begin);
        d.lit(" id=");
        neg(g, d, N::Uuid, negative::uuid);
    },
    |g, d, _| {
        d.lit("shipping: label created tracking=");
        neg(g, d, N::Tracking, negative::tracking);
        d.lit(" to=\"");
        let a = address::address(g);
        d.pii(T::StreetAddress, &a.street);
        d.lit(", ");
        d.lit(&a.locality);
        d.lit("\"");
    },
    |g, d, _| {
        d.lit(&format!(
            "scheduler: job {} finished in {}.{:02}s",
            g.chars(12, HEX),
            g.range(0, 90),
            g.range(0, 99)
        ));
    },
    |g, d, _| {
        d.lit("health: ok version=");
        neg(g, d, N::Version, negative::version);
        d.lit(&format!(" uptime={}s", g.range(10, 999_999)));
    },
    |g, d, c| {
        d.lit(&format!(
            "tickets: #{} assigned to ",
            g.range(10_000, 999_999)
        ));
        full_name(g, d, &c.agent);
    },
    |g, d, _| {
        d.lit("net: peer ");
        val(g, d, T::IpAddress, net::ipv6);
        d.lit(&format!(" connected on port {}", g.range(1024, 65535)));
    },
    |g, d, _| {
        d.lit("payments: stripe api_key=");
        val(g, d, T::Secret, secret::stripe_key);
        d.lit(" mode=live");
    },
    |g, d, c| {
        d.lit("audit: ");
        d.lit(g.word(&["user=", "actor="]));
        d.lit("\"");
        let s = c.agent.inverted();
        d.pii(T::PersonName, &s);
        d.lit("\" exported report created=");
        neg(g, d, N::Timestamp, date::timestamp);
    },
    |g, d, _| {
        d.lit("sms: delivered to ");
        val(g, d, T::Phone, phone::phone);
        d.lit(&format!(" segments={}", g.range(1, 3)));
    },
    |g, d, _| {
        d.lit("billing: charge failed card=");
        neg(g, d, N::LuhnFail, financial::luhn_failing);
        d.lit(" reason=invalid_number");
    },
    |g, d, _| {
        d.lit("export: row skipped ssn=");
        neg(g, d, N::InvalidSsn, financial::invalid_ssn);
        d.lit(" reason=invalid");
    },
];

/// One log line with a leading timestamp in one of three styles.
pub(super) fn log(g: &mut Gen, d: &mut Doc) {
    let cast = Cast::random(g);
    let level = g.word(&["INFO", "WARN", "ERROR", "DEBUG", "info", "warn"]);
    match g.below(3) {
        0 => {
            neg(g, d, N::Timestamp, date::timestamp);
            d.lit(&format!(" {level} "));
        }
        1 => {
            d.lit(&format!("{level} ["));
            neg(g, d, N::Timestamp, date::timestamp);
            d.lit("] ");
        }
        _ => {
            d.lit("ts=");
            neg(g, d, N::Timestamp, date::timestamp);
            d.lit(&format!(" level={} ", level.to_lowercase()));
        }
    }
    (g.pick(MESSAGES))(g, d, &cast);
}
