//! The text both key sources share: a version and either base64 key bytes or `retired`.
//! Reasons returned here never quote the input, which is key material.

use std::collections::{BTreeMap, BTreeSet};

use zeroize::Zeroizing;

use crate::key::{decode_key, encode_key};
use crate::{MasterKeyring, SecretKey};

/// First line of every key file.
pub(crate) const HEADER: &str = "# privet master keys — keep secret, mode 0600";

const RETIRED: &str = "retired";

/// Collects versions one entry at a time and checks the whole on `finish`.
#[derive(Default)]
pub(crate) struct RingBuilder {
    keys: BTreeMap<u32, SecretKey>,
    retired: BTreeSet<u32>,
}

impl RingBuilder {
    /// Adds `version` with `value`, a base64 key or `retired`.
    pub(crate) fn add(&mut self, version: &str, value: &str) -> Result<(), String> {
        let version = parse_version(version)?;
        if self.keys.contains_key(&version) || self.retired.contains(&version) {
            return Err(format!("version {version} appears more than once"));
        }
        if value == RETIRED {
            self.retired.insert(version);
        } else {
            let key = decode_key(value).map_err(|reason| format!("version {version}: {reason}"))?;
            self.keys.insert(version, key);
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<MasterKeyring, String> {
        if self.keys.is_empty() {
            return Err(
                "no usable key version (every version is retired or none is present)".into(),
            );
        }
        MasterKeyring::new(self.keys, self.retired).map_err(|e| e.to_string())
    }
}

fn parse_version(text: &str) -> Result<u32, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("version must be a whole number".into());
    }
    match text.parse::<u32>() {
        Ok(0) => Err("versions start at 1".into()),
        Ok(v) => Ok(v),
        Err(_) => Err("version number is too large".into()),
    }
}

/// Parses key-file text: comment and blank lines, then `v<N> <base64url key>` or `v<N> retired`.
pub(crate) fn parse_file(text: &str) -> Result<MasterKeyring, String> {
    let mut ring = RingBuilder::default();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let entry = line
            .split_once(char::is_whitespace)
            .and_then(|(tag, value)| Some((tag.strip_prefix('v')?, value.trim())))
            .filter(|(version, _)| {
                !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())
            });
        let Some((version, value)) = entry else {
            return Err(format!(
                "line {number}: expected `v<N> <base64url key>` or `v<N> retired`"
            ));
        };
        ring.add(version, value)
            .map_err(|reason| format!("line {number}: {reason}"))?;
    }
    ring.finish()
}

/// Key-file text for `ring`, in a buffer that is zeroized on drop.
pub(crate) fn render_file(ring: &MasterKeyring) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(64 * (ring.versions().len() + 1)));
    out.push_str(HEADER);
    out.push('\n');
    for version in ring.versions() {
        out.push('v');
        out.push_str(&version.to_string());
        out.push(' ');
        match ring.key(version) {
            Some(key) => out.push_str(&encode_key(key)),
            None => out.push_str(RETIRED),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";

    #[test]
    fn render_then_parse_round_trips() {
        let text = format!("{HEADER}\nv1 retired\nv2 {K1}\n");
        let ring = parse_file(&text).unwrap();
        assert_eq!(ring.versions(), vec![1, 2]);
        assert_eq!(ring.active_version(), 2);
        assert!(ring.is_retired(1));
        assert_eq!(ring.key(2).unwrap().expose(), &[1; 32]);
        assert_eq!(*render_file(&ring), text);
    }

    #[test]
    fn errors_name_the_line_and_not_the_key() {
        let cases = [
            (
                format!("{HEADER}\n\nv1 {K1} extra\n"),
                "line 3: version 1: key is not valid base64",
            ),
            (
                format!("{HEADER}\nkey {K1}\n"),
                "line 2: expected `v<N> <base64url key>` or `v<N> retired`",
            ),
            (
                format!("{HEADER}\nv1\n"),
                "line 2: expected `v<N> <base64url key>` or `v<N> retired`",
            ),
            (format!("v0 {K1}\n"), "line 1: versions start at 1"),
            (
                format!("v+1 {K1}\n"),
                "line 1: expected `v<N> <base64url key>` or `v<N> retired`",
            ),
            (
                format!("v99999999999 {K1}\n"),
                "line 1: version number is too large",
            ),
            (
                format!("v1 {K1}\nv1 retired\n"),
                "line 2: version 1 appears more than once",
            ),
            (
                "v1 AQEB\n".to_owned(),
                "line 1: version 1: key is 3 bytes, expected 32",
            ),
            (
                format!("{HEADER}\nv1 retired\n"),
                "no usable key version (every version is retired or none is present)",
            ),
            (
                String::new(),
                "no usable key version (every version is retired or none is present)",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_file(&text).unwrap_err();
            assert_eq!(err, expected, "for {text:?}");
            assert!(!err.contains(K1));
        }
    }
}
