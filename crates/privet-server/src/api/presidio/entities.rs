//! Presidio's entity names and privet's types, both ways.
//!
//! Where Presidio has a recognizer for the same thing, its name is used (`EMAIL_ADDRESS`,
//! `CREDIT_CARD`, `SG_NRIC_FIN`...); privet's date of birth answers to `DATE_TIME` and its street
//! address to `LOCATION` (Presidio's nearest), and types Presidio has no recognizer for keep
//! privet's name in upper case (`FR_NIR`, `SECRET`). Presidio splits Spanish identity numbers
//! into `ES_NIF` and `ES_NIE`; privet's `es_dni` covers both and is named by the value's form.

use privet_types::PiiType;

/// The Presidio name of a privet type (Spanish NIEs aside: see [`presidio_name_of`]).
pub const fn presidio_name(ty: PiiType) -> &'static str {
    match ty {
        PiiType::Email => "EMAIL_ADDRESS",
        PiiType::Phone => "PHONE_NUMBER",
        PiiType::CardNumber => "CREDIT_CARD",
        PiiType::UsSsn => "US_SSN",
        PiiType::Iban => "IBAN_CODE",
        PiiType::IpAddress => "IP_ADDRESS",
        PiiType::Url => "URL",
        PiiType::DateOfBirth => "DATE_TIME",
        PiiType::PersonName => "PERSON",
        PiiType::StreetAddress => "LOCATION",
        PiiType::Secret => "SECRET",
        PiiType::CardSecurityCode => "CARD_SECURITY_CODE",
        PiiType::CardExpiry => "CARD_EXPIRY",
        PiiType::UkNino => "UK_NINO",
        PiiType::UkNhs => "UK_NHS",
        PiiType::CaSin => "CA_SIN",
        PiiType::FrNir => "FR_NIR",
        PiiType::EsDni => "ES_NIF",
        PiiType::ItFiscalCode => "IT_FISCAL_CODE",
        PiiType::DeTaxId => "DE_TAX_ID",
        PiiType::NlBsn => "NL_BSN",
        PiiType::InAadhaar => "IN_AADHAAR",
        PiiType::InPan => "IN_PAN",
        PiiType::BrCpf => "BR_CPF",
        PiiType::BrCnpj => "BR_CNPJ",
        PiiType::AuTfn => "AU_TFN",
        PiiType::AuMedicare => "AU_MEDICARE",
        PiiType::SgNric => "SG_NRIC_FIN",
        PiiType::UsItin => "US_ITIN",
        PiiType::AbaRouting => "ABA_ROUTING_NUMBER",
        PiiType::Imei => "IMEI",
        PiiType::Vin => "VIN",
        PiiType::MacAddress => "MAC_ADDRESS",
        PiiType::CryptoWallet => "CRYPTO",
        PiiType::Passport => "PASSPORT_NUMBER",
        PiiType::DriversLicense => "DRIVERS_LICENSE",
        PiiType::MedicalRecord => "MEDICAL_RECORD_NUMBER",
    }
}

/// Presidio's name for the value `value` found as `ty`: a Spanish foreigner's number (NIE,
/// starting with X, Y or Z) is `ES_NIE`, a citizen's (DNI) `ES_NIF`.
pub fn presidio_name_of(ty: PiiType, value: &str) -> &'static str {
    if ty == PiiType::EsDni
        && value
            .trim_start()
            .starts_with(['X', 'Y', 'Z', 'x', 'y', 'z'])
    {
        return "ES_NIE";
    }
    presidio_name(ty)
}

/// The privet type a Presidio entity name (or privet's own name, in either case) stands for.
/// `ADDRESS` is taken for `LOCATION`, and `ES_NIE` for `ES_NIF`.
pub fn privet_type(name: &str) -> Option<PiiType> {
    match name {
        "ES_NIE" => return Some(PiiType::EsDni),
        "ADDRESS" => return Some(PiiType::StreetAddress),
        _ => {}
    }
    PiiType::ALL
        .into_iter()
        .find(|&t| presidio_name(t) == name)
        .or_else(|| name.parse().ok())
}

/// Every entity name `/analyze` may answer, sorted (what `GET /supportedentities` lists).
pub fn supported() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = PiiType::ALL.into_iter().map(presidio_name).collect();
    names.push("ES_NIE");
    names.sort_unstable();
    names
}

/// Whether `name` has the form of an entity name (a letter, then letters, underscores and at
/// most three digits; at most 64 bytes): only such names are repeated in error messages, since
/// any other text a caller puts there could be data (a card number is letters and digits too).
pub fn well_formed(name: &str) -> bool {
    name.len() <= 64
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && name.bytes().filter(u8::is_ascii_digit).count() <= 3
}

/// `name` in backquotes when it is [`well_formed`], else a description.
pub fn shown(name: &str) -> String {
    if well_formed(name) {
        format!("`{name}`")
    } else {
        "a name that is not an entity name".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_one_name_and_back() {
        let mut seen = std::collections::BTreeSet::new();
        for ty in PiiType::ALL {
            let name = presidio_name(ty);
            assert!(seen.insert(name), "{name} named twice");
            assert!(
                name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{name}"
            );
            assert_eq!(privet_type(name), Some(ty), "{name}");
            assert_eq!(privet_type(ty.name()), Some(ty), "{ty}");
        }
        assert_eq!(supported().len(), PiiType::ALL.len() + 1);
    }

    #[test]
    fn presidio_names_of_the_issue() {
        for (name, ty) in [
            ("EMAIL_ADDRESS", PiiType::Email),
            ("PHONE_NUMBER", PiiType::Phone),
            ("CREDIT_CARD", PiiType::CardNumber),
            ("US_SSN", PiiType::UsSsn),
            ("IBAN_CODE", PiiType::Iban),
            ("IP_ADDRESS", PiiType::IpAddress),
            ("URL", PiiType::Url),
            ("PERSON", PiiType::PersonName),
            ("LOCATION", PiiType::StreetAddress),
            ("ADDRESS", PiiType::StreetAddress),
            ("DATE_TIME", PiiType::DateOfBirth),
            ("UK_NHS", PiiType::UkNhs),
            ("ES_NIE", PiiType::EsDni),
            ("CRYPTO", PiiType::CryptoWallet),
        ] {
            assert_eq!(privet_type(name), Some(ty), "{name}");
        }
        assert_eq!(privet_type("NRP"), None);
        assert_eq!(presidio_name_of(PiiType::EsDni, "X1234567L"), "ES_NIE");
        assert_eq!(presidio_name_of(PiiType::EsDni, "12345678Z"), "ES_NIF");
    }

    #[test]
    fn only_name_shaped_text_is_repeated() {
        assert_eq!(shown("US_BANK_NUMBER"), "`US_BANK_NUMBER`");
        assert!(!shown("ana@example.com").contains("ana"));
        assert!(!shown("4111 1111 1111 1111").contains("4111"));
        assert!(!shown("4111111111111111").contains("4111"));
        assert!(!shown("A123456789").contains("123"));
        assert!(!well_formed(&"A".repeat(65)));
    }
}
