//! IPv4 and IPv6 addresses, parsed by the standard library.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Checks a dotted quad; the standard parser rejects leading zeros and octets over 255.
pub(crate) fn check_v4(span: &[u8]) -> bool {
    std::str::from_utf8(span)
        .ok()
        .is_some_and(|s| s.parse::<Ipv4Addr>().is_ok())
}

/// Checks an IPv6 candidate; returns how many hex groups it spells out, so
/// that tiny forms such as `a::b` (which also occur in code) can be scored low.
pub(crate) fn check_v6(span: &[u8]) -> Option<usize> {
    let s = std::str::from_utf8(span).ok()?;
    s.parse::<Ipv6Addr>().ok()?;
    if s.bytes().filter(|&b| b == b':').count() < 2 {
        return None;
    }
    Some(s.split(':').filter(|g| !g.is_empty()).count())
}

/// A compressed IPv6 form people write on purpose: the loopback and other
/// addresses that open with `::` (`::1`, `::ffff:10.0.0.1`), or a `::` after a
/// full four-digit first group (`fe80::1`, `2001:db8::`). Code such as
/// `a[1::2]` or `x::y` has neither shape.
pub(crate) fn deliberate_short_v6(span: &[u8]) -> bool {
    if span.starts_with(b"::") {
        return span.len() > 2;
    }
    let first = span.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    first == 4 && memchr::memmem::find(span, b"::").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_table() {
        for s in [
            "192.168.1.1",
            "10.0.0.255",
            "8.8.8.8",
            "255.255.255.255",
            "0.0.0.0",
        ] {
            assert!(check_v4(s.as_bytes()), "{s}");
        }
        for s in [
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            "a.b.c.d",
        ] {
            assert!(!check_v4(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn deliberate_short_forms() {
        for s in [
            "::1",
            "fe80::1",
            "2001:db8::",
            "::ffff:10.0.0.1",
            "fe80::1ff:fe23:4567",
        ] {
            assert!(deliberate_short_v6(s.as_bytes()), "{s}");
        }
        for s in ["1::2", "a::b", "::", "ab::c"] {
            assert!(!deliberate_short_v6(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn v6_table() {
        for s in [
            "2001:db8::8a2e:370:7334",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "::1",
            "fe80::1",
            "::ffff:192.0.2.128",
        ] {
            assert!(check_v6(s.as_bytes()).is_some(), "{s}");
        }
        for s in [
            "12:00:00",
            "1:2",
            "2001:db8:::1",
            "gggg::1",
            "1:2:3:4:5:6:7:8:9",
        ] {
            assert!(check_v6(s.as_bytes()).is_none(), "{s}");
        }
    }
}
