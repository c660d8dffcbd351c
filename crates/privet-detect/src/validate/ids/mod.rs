//! National, financial and device identifiers: one validator per type, each
//! the published check of its issuer (check digit, check letter, ranges or
//! structure), taking the candidate as written (separators allowed where
//! the type's usual forms have them).
//!
//! Which of them may be reported without a cue is the engine's decision
//! ([`needs_cue`]): a single check digit over bare digits (1 in 10 or 11
//! random numbers pass) is no evidence on its own, so those types are found
//! only after their label or under their column.

mod americas;
mod asia_pacific;
mod device;
mod europe;
mod wallet;

use privet_types::PiiType;

/// Whether `span` passes the validator of `ty`; `false` for types that have
/// none here.
pub(crate) fn check(ty: PiiType, span: &[u8]) -> bool {
    match ty {
        PiiType::UkNino => europe::nino(span),
        PiiType::UkNhs => europe::nhs(span),
        PiiType::FrNir => europe::nir(span),
        PiiType::EsDni => europe::dni_or_nie(span),
        PiiType::ItFiscalCode => europe::codice_fiscale(span),
        PiiType::DeTaxId => europe::steuer_id(span),
        PiiType::NlBsn => europe::bsn(span),
        PiiType::CaSin => americas::sin(span),
        PiiType::BrCpf => americas::cpf(span),
        PiiType::BrCnpj => americas::cnpj(span),
        PiiType::UsItin => americas::itin(span),
        PiiType::AbaRouting => americas::aba(span),
        PiiType::InAadhaar => asia_pacific::aadhaar(span),
        PiiType::InPan => asia_pacific::pan(span),
        PiiType::AuTfn => asia_pacific::tfn(span),
        PiiType::AuMedicare => asia_pacific::medicare(span),
        PiiType::SgNric => asia_pacific::nric(span),
        PiiType::Imei => device::imei(span),
        PiiType::Vin => device::vin(span),
        PiiType::MacAddress => device::mac(span),
        PiiType::CryptoWallet => wallet::address(span),
        PiiType::Passport => cued_token(span, 6, 9),
        PiiType::DriversLicense => cued_token(span, 5, 16),
        PiiType::MedicalRecord => cued_token(span, 5, 12),
        PiiType::CardSecurityCode => {
            (3..=4).contains(&span.len()) && span.iter().all(u8::is_ascii_digit)
        }
        PiiType::CardExpiry => card_expiry(span),
        _ => false,
    }
}

/// Types whose check is too weak, or whose shape too common, to report a
/// value without its label or column: bare digit runs with one check digit,
/// and the types that have no check at all.
pub(crate) fn needs_cue(ty: PiiType) -> bool {
    matches!(
        ty,
        PiiType::UkNhs
            | PiiType::CaSin
            | PiiType::DeTaxId
            | PiiType::NlBsn
            | PiiType::InAadhaar
            | PiiType::AuTfn
            | PiiType::AuMedicare
            | PiiType::AbaRouting
            | PiiType::Passport
            | PiiType::DriversLicense
            | PiiType::MedicalRecord
            | PiiType::CardSecurityCode
            | PiiType::CardExpiry
    )
}

/// The confidence of a value of `ty` found by its shape and check alone,
/// without a label: as strong as its check and as rare as its shape.
pub(crate) fn unlabelled_confidence(ty: PiiType, span: &[u8]) -> f32 {
    match ty {
        // Two check digits (1 in 100) in a shape of its own.
        PiiType::BrCpf | PiiType::BrCnpj | PiiType::FrNir => 0.9,
        PiiType::ItFiscalCode | PiiType::CryptoWallet => 0.95,
        PiiType::SgNric | PiiType::Imei => 0.85,
        PiiType::EsDni => 0.75,
        // No check character: the spaced form is the distinctive one.
        PiiType::UkNino if span.contains(&b' ') => 0.8,
        PiiType::UkNino => 0.55,
        PiiType::MacAddress if span.contains(&b':') => 0.9,
        PiiType::MacAddress => 0.6,
        // One check digit in 11 over a common-looking token.
        PiiType::Vin => 0.65,
        // Structure only, but a structure of its own (the fourth letter).
        PiiType::InPan => 0.6,
        _ => 0.6,
    }
}

/// Where the value starts in a `Kind::Cued` candidate (its label first):
/// the last run of letters, digits and dashes, or for an expiry date the
/// month before its separator.
pub(crate) fn cued_value(ty: PiiType, span: &[u8]) -> Option<usize> {
    let tail = |ok: fn(&u8) -> bool| {
        let n = span.iter().rev().take_while(|b| ok(b)).count();
        (n > 0).then(|| span.len() - n)
    };
    match ty {
        PiiType::CardSecurityCode => tail(u8::is_ascii_digit),
        PiiType::CardExpiry => {
            let sep = span.iter().rposition(|&b| b == b'/' || b == b'-')?;
            let month_end = sep - span[..sep].iter().rev().take_while(|&&b| b == b' ').count();
            month_end.checked_sub(2)
        }
        _ => tail(|b| b.is_ascii_alphanumeric() || *b == b'-'),
    }
}

/// The identifier types whose values are digits (with separators), found
/// among the numeric candidates when their cue stands before them.
pub(crate) const NUMERIC: [PiiType; 13] = [
    PiiType::UkNhs,
    PiiType::CaSin,
    PiiType::FrNir,
    PiiType::DeTaxId,
    PiiType::NlBsn,
    PiiType::InAadhaar,
    PiiType::BrCpf,
    PiiType::BrCnpj,
    PiiType::AuTfn,
    PiiType::AuMedicare,
    PiiType::UsItin,
    PiiType::AbaRouting,
    PiiType::Imei,
];

/// The digits of `span` if every other byte is one of `seps`, else `None`.
/// At most 20 digits are kept.
pub(super) fn digits_with(span: &[u8], seps: &[u8]) -> Option<([u8; 20], usize)> {
    let mut out = [0u8; 20];
    let mut n = 0;
    for &b in span {
        if b.is_ascii_digit() {
            *out.get_mut(n)? = b - b'0';
            n += 1;
        } else if !seps.contains(&b) {
            return None;
        }
    }
    Some((out, n))
}

/// The letters and digits of `span` upper-cased, if every other byte is a
/// space, dash or dot; at most 20 kept.
pub(super) fn alnum_with_seps(span: &[u8]) -> Option<([u8; 20], usize)> {
    let mut out = [0u8; 20];
    let mut n = 0;
    for &b in span {
        if b.is_ascii_alphanumeric() {
            *out.get_mut(n)? = b.to_ascii_uppercase();
            n += 1;
        } else if !matches!(b, b' ' | b'-' | b'.') {
            return None;
        }
    }
    Some((out, n))
}

/// A number that only its label identifies (passport, licence, record):
/// `min..=max` letters and digits (dashes allowed), at least two digits.
fn cued_token(span: &[u8], min: usize, max: usize) -> bool {
    let alnum = span.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    (min..=max).contains(&alnum)
        && span.iter().filter(|b| b.is_ascii_digit()).count() >= 2
        && span.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// `MM/YY`, `MM/YYYY`, `MM-YY` with a real month.
fn card_expiry(span: &[u8]) -> bool {
    let Some(sep) = span.iter().position(|b| matches!(b, b'/' | b'-')) else {
        return false;
    };
    let (month, year) = (span[..sep].trim_ascii(), span[sep + 1..].trim_ascii());
    let num = |s: &[u8]| {
        s.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    month.len() == 2
        && matches!(year.len(), 2 | 4)
        && num(month).is_some_and(|m| (1..=12).contains(&m))
        && num(year).is_some_and(|y| year.len() == 2 || (2000..=2099).contains(&y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_identifier_type_has_a_validator() {
        for ty in PiiType::ALL.into_iter().skip(11) {
            // Each type accepts some value: the validator is wired.
            let sample: &[u8] = match ty {
                PiiType::CardSecurityCode => b"123",
                PiiType::CardExpiry => b"11/27",
                PiiType::UkNino => b"AB 12 34 56 C",
                PiiType::UkNhs => b"943 476 5919",
                PiiType::CaSin => b"046 454 286",
                PiiType::FrNir => b"2 55 08 14 168 025 38",
                PiiType::EsDni => b"12345678Z",
                PiiType::ItFiscalCode => b"RSSMRA85T10A562S",
                PiiType::DeTaxId => b"86095742719",
                PiiType::NlBsn => b"111222333",
                PiiType::InAadhaar => b"2345 6789 0124",
                PiiType::InPan => b"ABCPE1234F",
                PiiType::BrCpf => b"529.982.247-25",
                PiiType::BrCnpj => b"11.222.333/0001-81",
                PiiType::AuTfn => b"123 456 782",
                PiiType::AuMedicare => b"2123 45670 1",
                PiiType::SgNric => b"S1234567D",
                PiiType::UsItin => b"912-70-1234",
                PiiType::AbaRouting => b"011000015",
                PiiType::Imei => b"49-015420-323751-8",
                PiiType::Vin => b"1M8GDM9AXKP042788",
                PiiType::MacAddress => b"00:1A:2B:3C:4D:5E",
                PiiType::CryptoWallet => b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                PiiType::Passport => b"X1234567",
                PiiType::DriversLicense => b"D123-4567-8901",
                PiiType::MedicalRecord => b"MRN-0012345",
                other => panic!("no sample for {other}"),
            };
            assert!(
                check(ty, sample),
                "{ty}: {}",
                String::from_utf8_lossy(sample)
            );
        }
    }

    #[test]
    fn expiry_dates() {
        for ok in ["11/27", "01/2030", "12-29", "11 / 27"] {
            assert!(card_expiry(ok.as_bytes()), "{ok}");
        }
        for bad in ["13/27", "00/27", "1/27", "11/270", "11.27", "11/1999"] {
            assert!(!card_expiry(bad.as_bytes()), "{bad}");
        }
    }
}
