//! Validation of identifiers that come from requests.

use crate::error::{Result, VaultError};

/// Subject ids are opaque keys from the client's system: 1-128 characters of `A-Z a-z 0-9 . _ : -`.
/// `@` and spaces are refused so that e-mail addresses and names are not used as ids (ids appear in
/// the audit log and the erasure ledger, which hold no personal data).
pub fn subject_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(VaultError::BadRequest(
            "subject id must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'".into(),
        ))
    }
}

/// Field names are identifiers: 1-64 characters of `a-z 0-9 _ .`, starting with a letter, with
/// no run of more than four digits. Names are stored in clear (they are what the audit log and
/// exports name), so they must not be able to carry a value: an SSN, a card or a phone number
/// cannot pass as a name.
pub fn field_name(name: &str) -> Result<()> {
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
        Ok(())
    } else {
        Err(VaultError::BadRequest(
            "field name must be an identifier: 1-64 characters of a-z, 0-9, '_' or '.', starting with a letter, with at most 4 digits in a row".into(),
        ))
    }
}

/// Longest run of digits a field name may hold (`address_line2`, `phone_2024` pass; a value does not).
const MAX_NAME_DIGITS: usize = 4;

/// A caller-supplied name as error messages may repeat it: only when it has the shape of a
/// policy name (a category, purpose or role), so a value sent in the wrong field is never echoed.
pub fn shown(name: &str) -> &str {
    let plausible = name.len() <= 64
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'*')
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'*')
        });
    if plausible {
        name
    } else {
        "(not a valid name)"
    }
}

/// Largest value accepted, in bytes.
pub const MAX_VALUE: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_table() {
        for (id, ok) in [
            ("cus_123", true),
            ("a", true),
            ("tenant:42-x.y", true),
            ("", false),
            ("ada@example.com", false),
            ("has space", false),
            (&"x".repeat(129), false),
            ("é", false),
        ] {
            assert_eq!(subject_id(id).is_ok(), ok, "{id}");
        }
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
            (&"x".repeat(65), false),
        ] {
            assert_eq!(field_name(name).is_ok(), ok, "{name}");
        }
        assert_eq!(shown("contact.email"), "contact.email");
        assert_eq!(shown("4111111111111111"), "(not a valid name)");
        assert_eq!(shown("ada@example.com"), "(not a valid name)");
        assert!(field_name("Email").is_err());
    }
}
