//! Consent ledger vocabulary: where a consent entry came from. Ledger rows store these names.

use std::fmt;
use std::str::FromStr;

/// The channel that captured a consent entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    /// Recorded through the API by an application.
    Api,
    /// Given by the customer in a privacy center or preference page.
    PrivacyCenter,
    /// Brought over from another system (a migration or a bulk load).
    Import,
    /// A Global Privacy Control signal (`Sec-GPC: 1`) on the request: an opt-out.
    Gpc,
    /// Written by privet when it erased the subject: the withdrawals that close the history.
    /// Never accepted from a caller.
    Erasure,
}

impl ConsentSource {
    /// Every source, in the order documentation lists them.
    pub const ALL: [ConsentSource; 5] = [
        ConsentSource::Api,
        ConsentSource::PrivacyCenter,
        ConsentSource::Import,
        ConsentSource::Gpc,
        ConsentSource::Erasure,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentSource::Api => "api",
            ConsentSource::PrivacyCenter => "privacy_center",
            ConsentSource::Import => "import",
            ConsentSource::Gpc => "gpc",
            ConsentSource::Erasure => "erasure",
        }
    }

    /// Whether a caller may name this source (privet writes `erasure` itself).
    pub fn caller_may_record(self) -> bool {
        self != ConsentSource::Erasure
    }
}

impl fmt::Display for ConsentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A consent source name privet does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown consent source {0:?}: use api, privacy_center, import or gpc")]
pub struct UnknownConsentSource(pub String);

impl FromStr for ConsentSource {
    type Err = UnknownConsentSource;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConsentSource::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownConsentSource(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for source in ConsentSource::ALL {
            assert_eq!(source.as_str().parse::<ConsentSource>(), Ok(source));
            let json = serde_json::to_string(&source).expect("serializes");
            assert_eq!(json, format!("\"{}\"", source.as_str()));
        }
        assert!("web-signup".parse::<ConsentSource>().is_err());
        assert!(!ConsentSource::Erasure.caller_may_record());
        assert!(ConsentSource::Gpc.caller_may_record());
    }
}
