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
    /// A card verification code (CVV, CVC, CID) after its label.
    CardSecurityCode,
    /// A card's expiry date after its label or next to a card number.
    CardExpiry,
    /// A United Kingdom National Insurance number (HMRC prefix and suffix rules).
    UkNino,
    /// A United Kingdom NHS number (mod 11 check digit).
    UkNhs,
    /// A Canadian social insurance number (Luhn).
    CaSin,
    /// A French social security number, NIR (mod 97 key).
    FrNir,
    /// A Spanish DNI or NIE (check letter).
    EsDni,
    /// An Italian codice fiscale (check character).
    ItFiscalCode,
    /// A German tax identification number, Steuer-ID (ISO 7064 MOD 11,10).
    DeTaxId,
    /// A Dutch citizen service number, BSN (11-test).
    NlBsn,
    /// An Indian Aadhaar number (Verhoeff).
    InAadhaar,
    /// An Indian permanent account number, PAN (structure).
    InPan,
    /// A Brazilian individual taxpayer number, CPF (two mod 11 digits).
    BrCpf,
    /// A Brazilian company taxpayer number, CNPJ (two mod 11 digits).
    BrCnpj,
    /// An Australian tax file number (weighted mod 11).
    AuTfn,
    /// An Australian Medicare card number (weighted check digit).
    AuMedicare,
    /// A Singapore NRIC or FIN (check letter).
    SgNric,
    /// A United States individual taxpayer identification number (IRS ranges).
    UsItin,
    /// A United States bank routing number (ABA checksum).
    AbaRouting,
    /// A mobile device's IMEI (Luhn).
    Imei,
    /// A vehicle identification number (ISO 3779 check digit).
    Vin,
    /// A network interface's MAC address.
    MacAddress,
    /// A cryptocurrency address (Base58Check or Bech32 checksum).
    CryptoWallet,
    /// A passport number, reported only after a cue or under a passport column.
    #[serde(rename = "passport_number")]
    Passport,
    /// A driver's licence number, reported only after a cue or under a licence column.
    DriversLicense,
    /// A medical record number, reported only after a cue or under an MRN column.
    #[serde(rename = "medical_record_number")]
    MedicalRecord,
}

/// A type name that is not one of [`PiiType::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown data type {0:?}; known types: {known}", known = PiiType::known_names())]
pub struct UnknownPiiType(pub String);

impl PiiType {
    /// Every type, in the order outputs list them.
    pub const ALL: [PiiType; 37] = [
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
        PiiType::CardSecurityCode,
        PiiType::CardExpiry,
        PiiType::UkNino,
        PiiType::UkNhs,
        PiiType::CaSin,
        PiiType::FrNir,
        PiiType::EsDni,
        PiiType::ItFiscalCode,
        PiiType::DeTaxId,
        PiiType::NlBsn,
        PiiType::InAadhaar,
        PiiType::InPan,
        PiiType::BrCpf,
        PiiType::BrCnpj,
        PiiType::AuTfn,
        PiiType::AuMedicare,
        PiiType::SgNric,
        PiiType::UsItin,
        PiiType::AbaRouting,
        PiiType::Imei,
        PiiType::Vin,
        PiiType::MacAddress,
        PiiType::CryptoWallet,
        PiiType::Passport,
        PiiType::DriversLicense,
        PiiType::MedicalRecord,
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
            PiiType::CardSecurityCode => "card_security_code",
            PiiType::CardExpiry => "card_expiry",
            PiiType::UkNino => "uk_nino",
            PiiType::UkNhs => "uk_nhs",
            PiiType::CaSin => "ca_sin",
            PiiType::FrNir => "fr_nir",
            PiiType::EsDni => "es_dni",
            PiiType::ItFiscalCode => "it_fiscal_code",
            PiiType::DeTaxId => "de_tax_id",
            PiiType::NlBsn => "nl_bsn",
            PiiType::InAadhaar => "in_aadhaar",
            PiiType::InPan => "in_pan",
            PiiType::BrCpf => "br_cpf",
            PiiType::BrCnpj => "br_cnpj",
            PiiType::AuTfn => "au_tfn",
            PiiType::AuMedicare => "au_medicare",
            PiiType::SgNric => "sg_nric",
            PiiType::UsItin => "us_itin",
            PiiType::AbaRouting => "aba_routing",
            PiiType::Imei => "imei",
            PiiType::Vin => "vin",
            PiiType::MacAddress => "mac_address",
            PiiType::CryptoWallet => "crypto_wallet",
            PiiType::Passport => "passport_number",
            PiiType::DriversLicense => "drivers_license",
            PiiType::MedicalRecord => "medical_record_number",
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
            PiiType::CardSecurityCode => "CARD_SECURITY_CODE",
            PiiType::CardExpiry => "CARD_EXPIRY",
            PiiType::UkNino => "UK_NINO",
            PiiType::UkNhs => "UK_NHS",
            PiiType::CaSin => "CA_SIN",
            PiiType::FrNir => "FR_NIR",
            PiiType::EsDni => "ES_DNI",
            PiiType::ItFiscalCode => "IT_FISCAL_CODE",
            PiiType::DeTaxId => "DE_TAX_ID",
            PiiType::NlBsn => "NL_BSN",
            PiiType::InAadhaar => "IN_AADHAAR",
            PiiType::InPan => "IN_PAN",
            PiiType::BrCpf => "BR_CPF",
            PiiType::BrCnpj => "BR_CNPJ",
            PiiType::AuTfn => "AU_TFN",
            PiiType::AuMedicare => "AU_MEDICARE",
            PiiType::SgNric => "SG_NRIC",
            PiiType::UsItin => "US_ITIN",
            PiiType::AbaRouting => "ABA_ROUTING",
            PiiType::Imei => "IMEI",
            PiiType::Vin => "VIN",
            PiiType::MacAddress => "MAC_ADDRESS",
            PiiType::CryptoWallet => "CRYPTO_WALLET",
            PiiType::Passport => "PASSPORT_NUMBER",
            PiiType::DriversLicense => "DRIVERS_LICENSE",
            PiiType::MedicalRecord => "MEDICAL_RECORD_NUMBER",
        }
    }

    /// A short human description, as SARIF rules and reports show it.
    pub const fn description(self) -> &'static str {
        match self {
            PiiType::Email => "E-mail address",
            PiiType::Phone => "Telephone number",
            PiiType::CardNumber => "Payment card number",
            PiiType::UsSsn => "US social security number",
            PiiType::Iban => "International bank account number",
            PiiType::IpAddress => "IP address",
            PiiType::Url => "URL",
            PiiType::DateOfBirth => "Date of birth",
            PiiType::PersonName => "Person name",
            PiiType::StreetAddress => "Street address",
            PiiType::Secret => "Credential or private key",
            PiiType::CardSecurityCode => "Card verification code",
            PiiType::CardExpiry => "Card expiry date",
            PiiType::UkNino => "UK National Insurance number",
            PiiType::UkNhs => "UK NHS number",
            PiiType::CaSin => "Canadian social insurance number",
            PiiType::FrNir => "French social security number (NIR)",
            PiiType::EsDni => "Spanish DNI or NIE",
            PiiType::ItFiscalCode => "Italian fiscal code",
            PiiType::DeTaxId => "German tax identification number",
            PiiType::NlBsn => "Dutch citizen service number (BSN)",
            PiiType::InAadhaar => "Indian Aadhaar number",
            PiiType::InPan => "Indian permanent account number (PAN)",
            PiiType::BrCpf => "Brazilian CPF",
            PiiType::BrCnpj => "Brazilian CNPJ",
            PiiType::AuTfn => "Australian tax file number",
            PiiType::AuMedicare => "Australian Medicare number",
            PiiType::SgNric => "Singapore NRIC/FIN",
            PiiType::UsItin => "US individual taxpayer identification number",
            PiiType::AbaRouting => "US bank routing number (ABA)",
            PiiType::Imei => "Mobile device IMEI",
            PiiType::Vin => "Vehicle identification number",
            PiiType::MacAddress => "MAC address",
            PiiType::CryptoWallet => "Cryptocurrency wallet address",
            PiiType::Passport => "Passport number",
            PiiType::DriversLicense => "Driver's licence number",
            PiiType::MedicalRecord => "Medical record number",
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
