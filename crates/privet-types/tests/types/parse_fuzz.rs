//! Policy::parse never panics, whatever it is given.

use privet_types::policy::{DEFAULT_POLICY_TOML, Policy};
use proptest::prelude::*;

proptest! {
    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        let _ = Policy::parse(&text);
    }

    #[test]
    fn toml_like_strings(text in r#"[\[\]a-z_.*="\n 0-9,{}#-]{0,200}"#) {
        if let Err(errors) = Policy::parse(&text) {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert!(e.line >= 1 && e.column >= 1);
                prop_assert!(e.line <= text.lines().count() + 1);
            }
        }
    }

    #[test]
    fn damaged_default_policy(start in 0usize..4000, len in 0usize..200, insert in "[a-z\\[\\]\"=.* \n]{0,10}") {
        let mut text = DEFAULT_POLICY_TOML.to_owned();
        let start = floor_char_boundary(&text, start.min(text.len()));
        let end = floor_char_boundary(&text, (start + len).min(text.len()));
        text.replace_range(start..end, &insert);
        if let Err(errors) = Policy::parse(&text) {
            prop_assert!(!errors.is_empty());
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
