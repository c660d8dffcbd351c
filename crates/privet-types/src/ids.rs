//! Identifiers that come from outside: checked once, where a request or a stored row enters,
//! then carried as their own types down to the SQL, so a bare string can never stand in for one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not an identifier: the rule it broke, never the string itself (it may be
/// personal data sent in the wrong place).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidId(&'static str);

/// A subject's id: an opaque key from the client's system, 1-128 characters of
/// `A-Z a-z 0-9 . _ : -`. `@` and spaces are refused so that e-mail addresses and names are not
/// used as ids: ids appear in the audit log and the erasure ledger, which hold no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubjectId(String);

impl SubjectId {
    const RULE: &'static str =
        "subject id must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";

    /// Checks `id` against the rule.
    pub fn parse(id: &str) -> Result<SubjectId, InvalidId> {
        let ok = !id.is_empty()
            && id.len() <= 128
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
        if ok {
            Ok(SubjectId(id.to_owned()))
        } else {
            Err(InvalidId(Self::RULE))
        }
    }

    /// The id as text (for SQL binds, URLs and audit entries).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for SubjectId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SubjectId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for SubjectId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl TryFrom<String> for SubjectId {
    type Error = InvalidId;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        SubjectId::parse(&id)
    }
}

impl From<SubjectId> for String {
    fn from(id: SubjectId) -> String {
        id.0
    }
}

impl std::str::FromStr for SubjectId {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SubjectId::parse(s)
    }
}

/// A field's name: an identifier of 1-64 characters of `a-z 0-9 _ .`, starting with a letter,
/// with no run of more than four digits. Names are stored in clear (the audit log and exports
/// name them), so they must not be able to carry a value: an SSN, a card or a phone number cannot
/// pass as a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldName(String);

/// Longest run of digits a field name may hold (`address_line2`, `phone_2024` pass; a value does not).
const MAX_NAME_DIGITS: usize = 4;

impl FieldName {
    const RULE: &'static str = "field name must be an identifier: 1-64 characters of a-z, 0-9, '_' or '.', starting with a letter, with at most 4 digits in a row";

    /// Checks `name` against the rule.
    pub fn parse(name: &str) -> Result<FieldName, InvalidId> {
        let chars_ok = name.len() <= 64
            && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.'));
        let longest_digits = name
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        if chars_ok && longest_digits <= MAX_NAME_DIGITS {
            Ok(FieldName(name.to_owned()))
        } else {
            Err(InvalidId(Self::RULE))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_ids_table() {
        for (id, ok) in [
            ("cus_123", true),
            ("a", true),
            ("tenant:42-x.y", true),
            ("", false),
            ("ada@example.com", false),
            ("has space", false),
            (&"x".repeat(128), true),
            (&"x".repeat(129), false),
            ("é", false),
        ] {
            assert_eq!(SubjectId::parse(id).is_ok(), ok, "{id}");
        }
        let err = SubjectId::parse("ada@example.com").unwrap_err().to_string();
        assert!(
            err.starts_with("subject id must be") && !err.contains("ada"),
            "{err}"
        );
    }

    #[test]
    fn field_names_table() {
        for (name, ok) in [
            ("email", true),
            ("address.line2", true),
            ("consent_2024", true),
            ("e", true),
            ("", false),
            ("Email", false),
            ("2fa_phone", false),
            ("_hidden", false),
            ("536-22-8145", false),
            ("ssn536228145", false),
            ("card_4111111111111111", false),
            ("ada@example.com", false),
            ("has space", false),
            ("first-name", false),
            (&"x".repeat(64), true),
            (&"x".repeat(65), false),
        ] {
            assert_eq!(FieldName::parse(name).is_ok(), ok, "{name}");
        }
    }
}
