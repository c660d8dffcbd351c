//! E-mail addresses, IP addresses and URLs.

use crate::rng::{Gen, HEX, LOWER_ALNUM};
use crate::values::person::{Person, ascii_fold};

/// Mail domains: consumer providers and made-up company domains.
const MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "proton.me",
    "web.de",
    "orange.fr",
    "libero.it",
    "icloud.com",
    "hotmail.fr",
    "gmx.net",
    "rediffmail.com",
    "naver.com",
    "qq.com",
    "uol.com.br",
    "bigpond.com",
    "yahoo.co.jp",
    "fastmail.fm",
    "mail.ru",
    "t-online.de",
    "northwind-traders.com",
    "contoso.io",
    "acme-logistics.co",
    "blueharbor.org",
    "example.com",
    "example.org",
    "support.example.net",
    "kestrel-analytics.ai",
];

/// Web hosts used in URLs.
const WEB_HOSTS: &[&str] = &[
    "www.example.com",
    "shop.example.co.uk",
    "portal.contoso.io",
    "help.northwind-traders.com",
    "status.blueharbor.org",
    "docs.kestrel-analytics.ai",
    "app.acme-logistics.co",
    "cdn.example.net",
    "billing.example.org",
    "forum.example.de",
    "api.example.com",
];

/// Path segments used in URLs.
const PATHS: &[&str] = &[
    "account",
    "orders",
    "help",
    "reset-password",
    "invoices",
    "settings",
    "tickets",
    "track",
    "returns",
    "profile",
    "download",
    "faq",
    "checkout",
    "cart",
];

/// An e-mail address, usually derived from `person`'s name.
pub(crate) fn email(g: &mut Gen, person: &Person) -> String {
    let first = ascii_fold(person.given).to_lowercase();
    let last = ascii_fold(person.family).to_lowercase().replace(' ', "");
    let local = match g.below(9) {
        0 => format!("{first}.{last}"),
        1 => format!("{}{last}", &first[..1]),
        2 => format!("{first}_{last}"),
        3 => format!("{first}.{last}{}", g.range(1, 99)),
        4 => format!("{first}+{}", g.word(&["shop", "news", "billing", "2024"])),
        5 => format!("{last}.{first}"),
        6 => format!("{first}{}", g.range(70, 2005)),
        7 => format!("{}-{}", first, g.chars(3, LOWER_ALNUM)),
        _ => g
            .word(&["info", "billing", "accounts", "j.doe.work", "helpdesk"])
            .to_string(),
    };
    let domain = g.word(MAIL_DOMAINS);
    if g.chance(0.05) {
        format!("{}@{}", local.to_uppercase(), domain.to_uppercase())
    } else {
        format!("{local}@{domain}")
    }
}

/// An IPv4 address: documentation, private or public-looking ranges.
pub(crate) fn ipv4(g: &mut Gen) -> String {
    let oct = |g: &mut Gen| g.range(0, 255);
    match g.below(6) {
        0 => format!("203.0.113.{}", g.range(1, 254)),
        1 => format!("198.51.100.{}", g.range(1, 254)),
        2 => format!("192.168.{}.{}", oct(g), g.range(1, 254)),
        3 => format!("10.{}.{}.{}", oct(g), oct(g), g.range(1, 254)),
        4 => format!("172.{}.{}.{}", g.range(16, 31), oct(g), g.range(1, 254)),
        _ => format!(
            "{}.{}.{}.{}",
            g.range(11, 223),
            oct(g),
            oct(g),
            g.range(1, 254)
        ),
    }
}

/// One IPv6 group without leading zeros.
fn group6(g: &mut Gen) -> String {
    let n = g.range(1, 4) as usize;
    let s = g.chars(n, HEX);
    let trimmed = s.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

/// An IPv6 address, full or with `::` compression.
pub(crate) fn ipv6(g: &mut Gen) -> String {
    match g.below(4) {
        0 => (0..8).map(|_| group6(g)).collect::<Vec<_>>().join(":"),
        1 => {
            let tail: Vec<String> = (0..g.range(1, 4)).map(|_| group6(g)).collect();
            format!("2001:db8:{}::{}", group6(g), tail.join(":"))
        }
        2 => format!(
            "fe80::{}:{}:{}:{}",
            group6(g),
            group6(g),
            group6(g),
            group6(g)
        ),
        _ => {
            let head: Vec<String> = (0..3).map(|_| group6(g)).collect();
            format!("2a0{}:{}::{}", g.range(0, 9), head.join(":"), group6(g))
        }
    }
}

/// An IP address, mostly IPv4.
pub(crate) fn ip(g: &mut Gen) -> String {
    if g.chance(0.75) { ipv4(g) } else { ipv6(g) }
}

/// A URL with a scheme, or a bare `www.` host with a path.
pub(crate) fn url(g: &mut Gen) -> String {
    let host = g.word(WEB_HOSTS);
    let path = g.word(PATHS);
    let base = match g.below(6) {
        0 => format!("https://{host}/{path}"),
        1 => format!("https://{host}/{path}/{}", g.digits(6)),
        2 => format!(
            "http://{host}/{path}?ref={}&id={}",
            g.word(&["email", "sms", "app"]),
            g.digits(5)
        ),
        3 => format!("https://{host}/{path}#section-{}", g.range(1, 9)),
        4 => format!("https://{host}"),
        _ => format!(
            "https://{host}/{path}/{}/{}",
            g.word(PATHS),
            g.chars(8, LOWER_ALNUM)
        ),
    };
    if g.chance(0.12) && base.starts_with("https://www.") {
        base.trim_start_matches("https://").to_string()
    } else {
        base
    }
}
