//! Data categories: what kind of personal data a field holds.
//!
//! Categories are dotted paths (`contact.email`) so policy rules can name a
//! whole family with `contact.*`. The built-in taxonomy below covers what
//! privet detects and what shops commonly store; privet.toml may add custom
//! categories beside it.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::PiiType;
use crate::mask::MaskStyle;
// Short aliases keep the taxonomy table below readable.
use MaskStyle as M;
use Sensitivity as S;

/// How much harm exposure of a category can do.
///
/// Ordered from least to most sensitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Identifiers of little weight on their own (cookie ids, preferences).
    Low,
    /// Ordinary personal data (contact details, names).
    Normal,
    /// Data whose loss enables fraud or identity theft (cards, government ids).
    High,
    /// Special categories under GDPR Art. 9 (health, biometrics): reading them
    /// requires current staff training.
    Special,
}

/// A sensitivity name that is not one of low, normal, high, special.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown sensitivity {0:?}; known: low, normal, high, special")]
pub struct UnknownSensitivity(pub String);

impl Sensitivity {
    /// The snake_case name used in privet.toml.
    pub const fn name(self) -> &'static str {
        match self {
            Sensitivity::Low => "low",
            Sensitivity::Normal => "normal",
            Sensitivity::High => "high",
            Sensitivity::Special => "special",
        }
    }
}

impl fmt::Display for Sensitivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Sensitivity {
    type Err = UnknownSensitivity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Sensitivity::Low,
            Sensitivity::Normal,
            Sensitivity::High,
            Sensitivity::Special,
        ]
        .into_iter()
        .find(|v| v.name() == s)
        .ok_or_else(|| UnknownSensitivity(s.to_owned()))
    }
}

/// The longest category name accepted, in bytes.
const MAX_NAME_LEN: usize = 128;

/// A syntactically valid category name: lower-case `[a-z0-9_]+(\.[a-z0-9_]+)*`.
///
/// Validity says nothing about whether the category exists; see
/// [`builtin_category`] and the policy for that.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryName(String);

/// A string that is not a valid category name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid category name {0:?}: use lower-case dotted words of a-z, 0-9 and _, such as contact.email"
)]
pub struct InvalidCategoryName(pub String);

impl CategoryName {
    /// Validates `name`.
    pub fn new(name: &str) -> Result<Self, InvalidCategoryName> {
        if is_valid_category_name(name) {
            Ok(Self(name.to_owned()))
        } else {
            Err(InvalidCategoryName(name.to_owned()))
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number of dotted segments (`contact.email` has two).
    pub fn depth(&self) -> usize {
        self.0.split('.').count()
    }
}

fn is_valid_category_name(name: &str) -> bool {
    name.len() <= MAX_NAME_LEN && name.split('.').all(is_valid_segment)
}

/// One word of a category name, also the shape of role and purpose names.
pub(crate) fn is_valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl fmt::Display for CategoryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CategoryName {
    type Err = InvalidCategoryName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for CategoryName {
    type Error = InvalidCategoryName;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if is_valid_category_name(&s) {
            Ok(Self(s))
        } else {
            Err(InvalidCategoryName(s))
        }
    }
}

impl From<CategoryName> for String {
    fn from(name: CategoryName) -> Self {
        name.0
    }
}

/// A data category: its name, what it covers, how sensitive it is and how it
/// is masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    name: Cow<'static, str>,
    description: Cow<'static, str>,
    sensitivity: Sensitivity,
    masking: MaskStyle,
    builtin: bool,
}

impl Category {
    const fn builtin(
        name: &'static str,
        description: &'static str,
        sensitivity: Sensitivity,
        masking: MaskStyle,
    ) -> Self {
        Self {
            name: Cow::Borrowed(name),
            description: Cow::Borrowed(description),
            sensitivity,
            masking,
            builtin: true,
        }
    }

    pub(crate) fn custom(
        name: CategoryName,
        description: String,
        sensitivity: Sensitivity,
        masking: MaskStyle,
    ) -> Self {
        Self {
            name: Cow::Owned(name.0),
            description: Cow::Owned(description),
            sensitivity,
            masking,
            builtin: false,
        }
    }

    /// The dotted name, such as `contact.email`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One line on what the category covers.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// How sensitive the category is.
    pub fn sensitivity(&self) -> Sensitivity {
        self.sensitivity
    }

    /// How values of the category are shown when the decision is "mask".
    pub fn masking(&self) -> MaskStyle {
        self.masking
    }

    /// Whether the category is part of the built-in taxonomy.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }
}

/// The built-in taxonomy, sorted by name.
pub const BUILTIN_CATEGORIES: &[Category] = &[
    Category::builtin(
        "account.credential",
        "Passwords, API keys, tokens and other secrets",
        S::High,
        M::Full,
    ),
    Category::builtin(
        "account.username",
        "Login or display name chosen by the customer",
        S::Low,
        M::Generic,
    ),
    Category::builtin(
        "biometric.template",
        "Fingerprint, face or voice template used to identify a person",
        S::Special,
        M::Full,
    ),
    Category::builtin("contact.email", "E-mail address", S::Normal, M::Email),
    Category::builtin("contact.phone", "Telephone number", S::Normal, M::Phone),
    Category::builtin(
        "contact.postal_address",
        "Postal or street address",
        S::Normal,
        M::Generic,
    ),
    Category::builtin("demographic.gender", "Gender or sex", S::Normal, M::Full),
    Category::builtin(
        "financial.bank_account",
        "Bank account number or IBAN",
        S::High,
        M::LastFour,
    ),
    Category::builtin(
        "financial.card_number",
        "Payment card number (PAN)",
        S::High,
        M::Card,
    ),
    Category::builtin(
        "financial.transaction",
        "Purchases, payments and their amounts",
        S::Normal,
        M::Generic,
    ),
    Category::builtin(
        "health.record",
        "Health data: conditions, treatments, prescriptions",
        S::Special,
        M::Full,
    ),
    Category::builtin(
        "identity.date_of_birth",
        "Date of birth",
        S::High,
        M::Generic,
    ),
    Category::builtin(
        "identity.government_id",
        "National identity or social security number, tax id, driving licence",
        S::High,
        M::LastFour,
    ),
    Category::builtin(
        "identity.name",
        "Given and family name",
        S::Normal,
        M::Generic,
    ),
    Category::builtin("identity.passport", "Passport number", S::High, M::LastFour),
    Category::builtin(
        "location.precise",
        "Precise geolocation (GPS coordinates, within a few hundred metres)",
        S::High,
        M::Full,
    ),
    Category::builtin(
        "online.cookie_id",
        "Cookie or advertising identifier",
        S::Low,
        M::Generic,
    ),
    Category::builtin("online.device_id", "Device identifier", S::Low, M::Generic),
    Category::builtin("online.ip_address", "IP address", S::Normal, M::Generic),
    Category::builtin(
        "online.url",
        "Web address that may identify a person or their activity",
        S::Low,
        M::Generic,
    ),
    Category::builtin(
        "preferences.marketing",
        "Marketing preferences and interests",
        S::Low,
        M::Generic,
    ),
];

/// The built-in category named `name`, if there is one.
pub fn builtin_category(name: &str) -> Option<&'static Category> {
    BUILTIN_CATEGORIES
        .binary_search_by(|c| c.name().cmp(name))
        .ok()
        .map(|i| &BUILTIN_CATEGORIES[i])
}

/// The category a detected data type belongs to.
///
/// National identifiers, tax numbers and driver's licences are
/// `identity.government_id`; health-service numbers (NHS, Medicare, medical
/// record numbers) are `health.record`, a special category; routing numbers
/// and crypto addresses, which lead to money, are `financial.bank_account`;
/// IMEI, MAC and vehicle identification numbers name a device a person
/// owns or carries, `online.device_id`; card verification codes and expiry
/// dates belong with the card, `financial.card_number`.
pub fn category_for(pii: PiiType) -> &'static str {
    match pii {
        PiiType::Email => "contact.email",
        PiiType::Phone => "contact.phone",
        PiiType::CardNumber => "financial.card_number",
        PiiType::UsSsn => "identity.government_id",
        PiiType::Iban => "financial.bank_account",
        PiiType::IpAddress => "online.ip_address",
        PiiType::Url => "online.url",
        PiiType::DateOfBirth => "identity.date_of_birth",
        PiiType::PersonName => "identity.name",
        PiiType::StreetAddress => "contact.postal_address",
        PiiType::Secret => "account.credential",
        PiiType::CardSecurityCode => "financial.card_number",
        PiiType::CardExpiry => "financial.card_number",
        PiiType::UkNino => "identity.government_id",
        PiiType::UkNhs => "health.record",
        PiiType::CaSin => "identity.government_id",
        PiiType::FrNir => "identity.government_id",
        PiiType::EsDni => "identity.government_id",
        PiiType::ItFiscalCode => "identity.government_id",
        PiiType::DeTaxId => "identity.government_id",
        PiiType::NlBsn => "identity.government_id",
        PiiType::InAadhaar => "identity.government_id",
        PiiType::InPan => "identity.government_id",
        PiiType::BrCpf => "identity.government_id",
        PiiType::BrCnpj => "identity.government_id",
        PiiType::AuTfn => "identity.government_id",
        PiiType::AuMedicare => "health.record",
        PiiType::SgNric => "identity.government_id",
        PiiType::UsItin => "identity.government_id",
        PiiType::AbaRouting => "financial.bank_account",
        PiiType::Imei => "online.device_id",
        PiiType::Vin => "online.device_id",
        PiiType::MacAddress => "online.device_id",
        PiiType::CryptoWallet => "financial.bank_account",
        PiiType::Passport => "identity.passport",
        PiiType::DriversLicense => "identity.government_id",
        PiiType::MedicalRecord => "health.record",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_sorted_unique_and_valid() {
        for pair in BUILTIN_CATEGORIES.windows(2) {
            assert!(pair[0].name() < pair[1].name(), "{}", pair[1].name());
        }
        for c in BUILTIN_CATEGORIES {
            assert!(CategoryName::new(c.name()).is_ok(), "{}", c.name());
            assert_eq!(c.name().split('.').count(), 2, "{}", c.name());
            assert!(!c.description().is_empty());
            assert!(c.is_builtin());
            assert_eq!(builtin_category(c.name()), Some(c));
        }
    }

    #[test]
    fn special_categories() {
        let special: Vec<&str> = BUILTIN_CATEGORIES
            .iter()
            .filter(|c| c.sensitivity() == Sensitivity::Special)
            .map(Category::name)
            .collect();
        assert_eq!(special, ["biometric.template", "health.record"]);
        assert_eq!(
            builtin_category("account.credential").map(Category::sensitivity),
            Some(Sensitivity::High)
        );
    }

    #[test]
    fn every_detected_type_has_a_builtin_category() {
        for pii in PiiType::ALL {
            assert!(builtin_category(category_for(pii)).is_some(), "{pii}");
        }
        assert_eq!(category_for(PiiType::CardNumber), "financial.card_number");
    }

    #[test]
    fn category_names_are_validated() {
        for ok in ["contact.email", "a", "custom.loyalty_id", "x.y.z_9"] {
            assert!(CategoryName::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Contact.email",
            "contact.",
            ".email",
            "contact..email",
            "contact.*",
            "a-b",
            "é",
        ] {
            assert!(CategoryName::new(bad).is_err(), "{bad}");
        }
        assert!(CategoryName::new(&"a".repeat(129)).is_err());
        assert_eq!(CategoryName::new("a.b.c").map(|n| n.depth()), Ok(3));
    }

    #[test]
    fn category_name_serde_validates() {
        let name: CategoryName = serde_json::from_str("\"contact.email\"").unwrap();
        assert_eq!(name.as_str(), "contact.email");
        assert!(serde_json::from_str::<CategoryName>("\"Contact\"").is_err());
    }

    #[test]
    fn sensitivity_orders_and_parses() {
        assert!(Sensitivity::Low < Sensitivity::Special);
        assert_eq!("special".parse::<Sensitivity>(), Ok(Sensitivity::Special));
        assert!("secret".parse::<Sensitivity>().is_err());
    }
}
