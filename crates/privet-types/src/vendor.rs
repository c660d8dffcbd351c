//! Vendors: who receives which categories for which purposes, their contracts and assessments,
//! and where to tell them about an erasure.

use jiff::civil::Date;

use crate::deadline::Period;
use crate::policy::CategoryPattern;

/// A vendor from `[vendors.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    /// Its name in privet.toml.
    pub name: String,
    /// Whom to contact (an address or a person).
    pub contact: String,
    /// The categories it receives.
    pub categories: Vec<CategoryPattern>,
    /// The purposes it receives them for.
    pub purposes: Vec<String>,
    /// The country it processes in (ISO 3166 code or name, as written).
    pub country: String,
    /// When the data-processing agreement was signed.
    pub dpa_signed: Option<Date>,
    /// When it expires.
    pub dpa_expires: Option<Date>,
    /// When its security was last assessed.
    pub last_assessment: Option<Date>,
    /// How often it must be assessed.
    pub assessment_every: Option<Period>,
    /// Where erasures are posted (https, or http to this machine).
    pub erasure_webhook: Option<String>,
    /// The environment variable holding the webhook's signing secret.
    pub secret_env: Option<String>,
}

/// Something about a vendor that needs attention on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VendorIssue {
    /// No data-processing agreement is recorded.
    NoDpa,
    /// The agreement expired on that day.
    DpaExpired(Date),
    /// No security assessment is recorded while an interval is set.
    NeverAssessed,
    /// The next assessment was due on that day.
    AssessmentDue(Date),
}

impl std::fmt::Display for VendorIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VendorIssue::NoDpa => f.write_str("no DPA recorded"),
            VendorIssue::DpaExpired(d) => write!(f, "DPA expired {d}"),
            VendorIssue::NeverAssessed => f.write_str("never assessed"),
            VendorIssue::AssessmentDue(d) => write!(f, "assessment due since {d}"),
        }
    }
}

impl Vendor {
    /// Whether it receives data of `category`.
    pub fn receives(&self, category: &str) -> bool {
        self.categories.iter().any(|p| p.matches(category))
    }

    /// What is expired or due on `today`.
    pub fn issues(&self, today: Date) -> Vec<VendorIssue> {
        let mut out = Vec::new();
        match (self.dpa_signed, self.dpa_expires) {
            (None, None) => out.push(VendorIssue::NoDpa),
            (_, Some(end)) if end < today => out.push(VendorIssue::DpaExpired(end)),
            _ => {}
        }
        if let Some(every) = self.assessment_every {
            match self.last_assessment.and_then(|d| every.end_from(d)) {
                None => out.push(VendorIssue::NeverAssessed),
                Some(next) if next < today => out.push(VendorIssue::AssessmentDue(next)),
                Some(_) => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn vendor() -> Vendor {
        Vendor {
            name: "mailer".into(),
            contact: "dpo@mailer.example".into(),
            categories: vec![CategoryPattern::parse("contact.*").unwrap()],
            purposes: vec!["marketing".into()],
            country: "IE".into(),
            dpa_signed: Some(date(2025, 1, 10)),
            dpa_expires: Some(date(2027, 1, 10)),
            last_assessment: Some(date(2025, 6, 1)),
            assessment_every: Some(Period::Months(12)),
            erasure_webhook: None,
            secret_env: None,
        }
    }

    #[test]
    fn issues_by_day() {
        let v = vendor();
        assert!(v.receives("contact.email") && !v.receives("financial.card_number"));
        assert_eq!(v.issues(date(2026, 5, 31)), []);
        assert_eq!(
            v.issues(date(2026, 6, 2)),
            [VendorIssue::AssessmentDue(date(2026, 6, 1))]
        );
        assert_eq!(
            v.issues(date(2027, 1, 11)),
            [
                VendorIssue::DpaExpired(date(2027, 1, 10)),
                VendorIssue::AssessmentDue(date(2026, 6, 1))
            ]
        );
        let bare = Vendor {
            dpa_signed: None,
            dpa_expires: None,
            last_assessment: None,
            ..vendor()
        };
        assert_eq!(
            bare.issues(date(2026, 1, 1)),
            [VendorIssue::NoDpa, VendorIssue::NeverAssessed]
        );
        assert_eq!(
            VendorIssue::DpaExpired(date(2027, 1, 10)).to_string(),
            "DPA expired 2027-01-10"
        );
    }
}
