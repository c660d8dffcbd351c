//! How names that come from requests may appear in errors (ids themselves are checked by
//! `privet_types::SubjectId` and `FieldName`).

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
    fn only_name_shaped_input_is_shown() {
        assert_eq!(shown("contact.email"), "contact.email");
        assert_eq!(shown("4111111111111111"), "(not a valid name)");
        assert_eq!(shown("ada@example.com"), "(not a valid name)");
    }
}
