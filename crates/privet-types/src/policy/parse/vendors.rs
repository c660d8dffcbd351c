//! `[vendors.NAME]`: each vendor's categories and purposes (checked against the policy), its
//! contract and assessment dates, and its erasure webhook.

use std::collections::BTreeMap;

use jiff::civil::Date;
use toml::de::DeTable;

use super::{Key, Parser, Value, lookup};
use crate::category::Category;
use crate::policy::Purpose;
use crate::vendor::Vendor;

impl Parser<'_> {
    pub(super) fn vendors(
        &mut self,
        entry: Option<(&Key<'_>, &Value<'_>)>,
        categories: &BTreeMap<String, Category>,
        purposes: &BTreeMap<String, Purpose>,
    ) -> Vec<Vendor> {
        let mut out = Vec::new();
        for (key, header, table) in self.named_tables(entry, "vendors") {
            if !self.valid_name(key, "vendor") {
                continue;
            }
            let name = key.get_ref().to_string();
            let place = format!("[vendors.{name}]");
            let Some(table) = table else { continue };
            self.known_keys(
                table,
                &[
                    "contact",
                    "categories",
                    "purposes",
                    "country",
                    "dpa_signed",
                    "dpa_expires",
                    "last_assessment",
                    "assessment_every",
                    "erasure_webhook",
                    "secret_env",
                ],
                &place,
            );
            let contact = self.required_string(table, &header, "contact", &place);
            let country = self.required_string(table, &header, "country", &place);
            let patterns = self.category_patterns(table, &header, categories, &place);
            let vendor_purposes = self.purpose_names(table, purposes, &place);
            let webhook = self.webhook(table, &place);
            let secret_env = self.string(table, "secret_env", &place).map(|f| {
                let ok = !f.value.is_empty()
                    && f.value
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if !ok {
                    self.error(
                        f.at.clone(),
                        format!("`secret_env` in {place} must name an environment variable (A-Z, 0-9, _)"),
                    );
                }
                f.value.to_owned()
            });
            if webhook.is_some() && secret_env.is_none() {
                self.error(
                    header.clone(),
                    format!("{place} has an erasure_webhook but no secret_env: deliveries are signed with the secret that variable holds"),
                );
            }
            let dpa_signed = self.date(table, "dpa_signed", &place);
            let dpa_expires = self.date(table, "dpa_expires", &place);
            let last_assessment = self.date(table, "last_assessment", &place);
            let assessment_every = self.period(table, "assessment_every", &place);
            if let (Some(c), Some(country), Some(patterns), Some(vendor_purposes)) =
                (contact, country, patterns, vendor_purposes)
            {
                out.push(Vendor {
                    name,
                    contact: c.value.to_owned(),
                    categories: patterns.into_iter().map(|(p, _)| p).collect(),
                    purposes: vendor_purposes,
                    country: country.value.to_owned(),
                    dpa_signed,
                    dpa_expires,
                    last_assessment,
                    assessment_every,
                    erasure_webhook: webhook,
                    secret_env,
                });
            }
        }
        out
    }

    fn purpose_names(
        &mut self,
        table: &DeTable<'_>,
        purposes: &BTreeMap<String, Purpose>,
        place: &str,
    ) -> Option<Vec<String>> {
        let Some((_, value)) = lookup(table, "purposes") else {
            return Some(Vec::new());
        };
        let Some(items) = value.get_ref().as_array() else {
            self.error(
                value.span(),
                format!("`purposes` in {place} must be an array of purpose names"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(p) if purposes.contains_key(p) => out.push(p.to_owned()),
                Some(p) => {
                    self.error(
                        item.span(),
                        format!("purpose `{p}` in {place} is not declared under [purposes]"),
                    );
                    return None;
                }
                None => {
                    self.error(
                        item.span(),
                        format!("`purposes` in {place} must hold strings"),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    fn webhook(&mut self, table: &DeTable<'_>, place: &str) -> Option<String> {
        let f = self.string(table, "erasure_webhook", place)?;
        match crate::OutboundUrl::parse(f.value) {
            Ok(_) => Some(f.value.to_owned()),
            Err(why) => {
                self.error(f.at, format!("`erasure_webhook` in {place}: {why}"));
                None
            }
        }
    }

    fn date(&mut self, table: &DeTable<'_>, key: &str, place: &str) -> Option<Date> {
        let f = self.string(table, key, place)?;
        match f.value.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(
                    f.at,
                    format!("`{key}` in {place} must be a date such as \"2026-03-31\""),
                );
                None
            }
        }
    }
}
