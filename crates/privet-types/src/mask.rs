//! How a value is shown when the policy says "mask".
//!
//! Every style hides most of the value and never lets the output length
//! follow the input length where that would leak something (the stars are a
//! fixed run of six), except for cards, whose digit count is public knowledge
//! per issuer and whose display form PCI DSS prescribes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The fixed run of stars that stands for a hidden part of any length.
const STARS: &str = "******";

/// A way of masking a value of some data category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskStyle {
    /// Payment card: at most the first six and last four digits (PCI DSS);
    /// cards shorter than 16 digits keep only the last four.
    Card,
    /// E-mail address: first character of the local part and the domain.
    Email,
    /// Telephone number: the last two digits.
    Phone,
    /// Identifiers such as account or passport numbers: the last four
    /// letters or digits, and only when there are at least eight.
    LastFour,
    /// Anything else: the first character, and only when there are at least four.
    Generic,
    /// Nothing of the value is shown.
    Full,
}

/// A masking style name that is not one of [`MaskStyle::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown masking style {0:?}; known styles: card, email, phone, last_four, generic, full")]
pub struct UnknownMaskStyle(pub String);

impl MaskStyle {
    /// Every style.
    pub const ALL: [MaskStyle; 6] = [
        MaskStyle::Card,
        MaskStyle::Email,
        MaskStyle::Phone,
        MaskStyle::LastFour,
        MaskStyle::Generic,
        MaskStyle::Full,
    ];

    /// The snake_case name used in privet.toml.
    pub const fn name(self) -> &'static str {
        match self {
            MaskStyle::Card => "card",
            MaskStyle::Email => "email",
            MaskStyle::Phone => "phone",
            MaskStyle::LastFour => "last_four",
            MaskStyle::Generic => "generic",
            MaskStyle::Full => "full",
        }
    }
}

impl fmt::Display for MaskStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for MaskStyle {
    type Err = UnknownMaskStyle;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MaskStyle::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| UnknownMaskStyle(s.to_owned()))
    }
}

/// Masks `value` in the given style.
pub fn mask_value(style: MaskStyle, value: &str) -> String {
    match style {
        MaskStyle::Card => mask_card(value),
        MaskStyle::Email => mask_email(value),
        MaskStyle::Phone => keep_last(value, |c| c.is_ascii_digit(), 4, 2),
        MaskStyle::LastFour => keep_last(value, |c| c.is_alphanumeric(), 8, 4),
        MaskStyle::Generic => mask_generic(value),
        MaskStyle::Full => STARS.to_owned(),
    }
}

/// Digits only, separators dropped: `411111******1111`.
fn mask_card(value: &str) -> String {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len();
    if n == 0 {
        return STARS.to_owned();
    }
    let (head, tail) = match n {
        16.. => (6, 4),
        5..=15 => (0, 4),
        _ => (0, 0),
    };
    digits
        .iter()
        .enumerate()
        .map(|(i, &d)| if i < head || i >= n - tail { d } else { '*' })
        .collect()
}

fn mask_email(value: &str) -> String {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return mask_generic(value);
    };
    let first: String = local.chars().take(1).collect();
    format!("{first}***@{domain}")
}

/// Stars followed by the last `keep` characters that pass `counts`, shown only
/// when the value holds at least `min` of them.
fn keep_last(value: &str, counts: impl Fn(&char) -> bool, min: usize, keep: usize) -> String {
    let kept: Vec<char> = value.chars().filter(counts).collect();
    if kept.len() < min {
        return STARS.to_owned();
    }
    let tail: String = kept[kept.len() - keep..].iter().collect();
    format!("{STARS}{tail}")
}

fn mask_generic(value: &str) -> String {
    let mut chars = value.chars();
    match chars.next() {
        Some(first) if value.chars().count() >= 4 => format!("{first}{STARS}"),
        _ => STARS.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn card_keeps_bin_and_last_four() {
        assert_eq!(
            mask_value(MaskStyle::Card, "4111 1111 1111 1111"),
            "411111******1111"
        );
        assert_eq!(
            mask_value(MaskStyle::Card, "3782-822463-10005"),
            "***********0005"
        );
        assert_eq!(mask_value(MaskStyle::Card, "1234"), "****");
        assert_eq!(mask_value(MaskStyle::Card, "n/a"), "******");
    }

    #[test]
    fn email_keeps_first_char_and_domain() {
        assert_eq!(
            mask_value(MaskStyle::Email, "jane.doe@example.com"),
            "j***@example.com"
        );
        assert_eq!(
            mask_value(MaskStyle::Email, "@example.com"),
            "***@example.com"
        );
        assert_eq!(mask_value(MaskStyle::Email, "Émile@x.fr"), "É***@x.fr");
        assert_eq!(mask_value(MaskStyle::Email, "not-an-email"), "n******");
    }

    #[test]
    fn phone_keeps_last_two_digits() {
        assert_eq!(mask_value(MaskStyle::Phone, "+44 20 7946 0958"), "******58");
        assert_eq!(mask_value(MaskStyle::Phone, "112"), "******");
    }

    #[test]
    fn last_four_needs_eight() {
        assert_eq!(mask_value(MaskStyle::LastFour, "123-45-6789"), "******6789");
        assert_eq!(mask_value(MaskStyle::LastFour, "AB12"), "******");
    }

    #[test]
    fn generic_hides_length() {
        assert_eq!(mask_value(MaskStyle::Generic, "Jane Doe"), "J******");
        assert_eq!(
            mask_value(MaskStyle::Generic, "Jane Alexandra Doe-Smith"),
            "J******"
        );
        assert_eq!(mask_value(MaskStyle::Generic, "Al"), "******");
        assert_eq!(mask_value(MaskStyle::Generic, ""), "******");
        assert_eq!(mask_value(MaskStyle::Full, "secret"), "******");
    }

    #[test]
    fn style_names_round_trip() {
        for style in MaskStyle::ALL {
            assert_eq!(style.name().parse::<MaskStyle>(), Ok(style));
        }
        assert!("stars".parse::<MaskStyle>().is_err());
    }

    fn card_number() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(0u8..10, 12..=19),
            prop_oneof![Just(""), Just(" "), Just("-")],
        )
            .prop_map(|(digits, sep)| {
                digits
                    .chunks(4)
                    .map(|c| c.iter().map(|d| char::from(b'0' + d)).collect::<String>())
                    .collect::<Vec<_>>()
                    .join(sep)
            })
    }

    proptest! {
        #[test]
        fn masked_card_reveals_at_most_bin_and_last_four(card in card_number()) {
            let masked = mask_value(MaskStyle::Card, &card);
            prop_assert_ne!(&masked, &card);
            let digits: Vec<char> = card.chars().filter(char::is_ascii_digit).collect();
            let n = digits.len();
            let shown: Vec<(usize, char)> = masked
                .chars()
                .enumerate()
                .filter(|(_, c)| *c != '*')
                .collect();
            let head = if n >= 16 { 6 } else { 0 };
            prop_assert!(shown.len() <= head + 4);
            for (i, c) in shown {
                prop_assert!(i < head || i >= n - 4, "digit {i} of {n} shown");
                prop_assert_eq!(c, digits[i]);
            }
        }

        #[test]
        fn masking_never_panics(value in any::<String>()) {
            for style in MaskStyle::ALL {
                let _ = mask_value(style, &value);
            }
        }
    }
}
