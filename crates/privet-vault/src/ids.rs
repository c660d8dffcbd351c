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

/// Field names: 1-64 characters of `a-z 0-9 _ . -`.
pub fn field_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(VaultError::BadRequest(
            "field name must be 1-64 characters of a-z, 0-9, '_', '.' or '-'".into(),
        ))
    }
}

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
        assert!(field_name("email").is_ok());
        assert_eq!(shown("contact.email"), "contact.email");
        assert_eq!(shown("4111111111111111"), "(not a valid name)");
        assert_eq!(shown("ada@example.com"), "(not a valid name)");
        assert!(field_name("Email").is_err());
    }
}
