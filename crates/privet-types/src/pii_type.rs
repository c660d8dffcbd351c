//! The kinds of personal data privet detects, with their canonical names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A kind of personal data a detector can find.
///
/// The snake_case names returned by [`PiiType::name`] are stable: they appear
/// in every output format and are accepted by `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiType {
    /// An e-mail address.
    Email,
    /// A telephone number in national or international format.
    Phone,
    /// A payment card number (PAN) that passes Luhn and an issuer range.
    CardNumber,
    /// A United States social security number.
    UsSsn,
    /// An international bank account number with a valid checksum.
    Iban,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// A URL with a scheme or a `www.` host.
    Url,
    /// A date that is someone's date of birth (by context or column).
    DateOfBirth,
    /// A person's given and/or family name.
    PersonName,
    /// A street address: house number, street name, suffix, optional unit.
    StreetAddress,
    /// A credential: private key block, API key, JWT, password in a pair.
    Secret,
}

/// A type name that is not one of [`PiiType::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown data type {0:?}; known types: {known}", known = PiiType::known_names())]
pub struct UnknownPiiType(pub String);

impl PiiType {
    /// Every type, in the order outputs list them.
    pub const ALL: [PiiType; 11] = [
        PiiType::Email,
        PiiType::Phone,
        PiiType::CardNumber,
        PiiType::UsSsn,
        PiiType::Iban,
        PiiType::IpAddress,
        PiiType::Url,
        PiiType::DateOfBirth,
        PiiType::PersonName,
        PiiType::StreetAddress,
        PiiType::Secret,
    ];

    /// The canonical, stable snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            PiiType::Email => "email",
            PiiType::Phone => "phone",
            PiiType::CardNumber => "card_number",
            PiiType::UsSsn => "us_ssn",
            PiiType::Iban => "iban",
            PiiType::IpAddress => "ip_address",
            PiiType::Url => "url",
            PiiType::DateOfBirth => "date_of_birth",
            PiiType::PersonName => "person_name",
            PiiType::StreetAddress => "street_address",
            PiiType::Secret => "secret",
        }
    }

    /// A dense index in `0..ALL.len()`, for per-type counters.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// A short upper-case label for redaction placeholders such as `[EMAIL]`.
    pub const fn label(self) -> &'static str {
        match self {
            PiiType::Email => "EMAIL",
            PiiType::Phone => "PHONE",
            PiiType::CardNumber => "CARD_NUMBER",
            PiiType::UsSsn => "US_SSN",
            PiiType::Iban => "IBAN",
            PiiType::IpAddress => "IP_ADDRESS",
            PiiType::Url => "URL",
            PiiType::DateOfBirth => "DATE_OF_BIRTH",
            PiiType::PersonName => "PERSON_NAME",
            PiiType::StreetAddress => "STREET_ADDRESS",
            PiiType::Secret => "SECRET",
        }
    }

    fn known_names() -> String {
        PiiType::ALL.map(PiiType::name).join(", ")
    }
}

impl fmt::Display for PiiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PiiType {
    type Err = UnknownPiiType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        PiiType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownPiiType(wanted.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in PiiType::ALL {
            assert_eq!(t.name().parse::<PiiType>(), Ok(t));
            assert_eq!(PiiType::ALL[t.index()], t);
        }
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let err = "credit_card".parse::<PiiType>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("credit_card"), "{msg}");
        assert!(msg.contains("card_number"), "{msg}");
    }

    #[test]
    fn serde_uses_canonical_names() {
        for t in PiiType::ALL {
            let json = serde_json::to_string(&t).expect("serializes");
            assert_eq!(json, format!("\"{}\"", t.name()));
        }
    }
}
