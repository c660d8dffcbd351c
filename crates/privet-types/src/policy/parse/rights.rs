//! The `[organization]` and `[regulations.NAME]` tables: the time zone deadlines are computed in,
//! and each regulation's deadline rules (GDPR and CCPA built in, others added or overridden here).

use toml::de::DeTable;

use super::{Key, Parser, Value, lookup};
use crate::deadline::{Period, RegulationRule};
use crate::policy::Rights;

const ORGANIZATION: &str = "[organization]";

impl Parser<'_> {
    pub(super) fn rights(
        &mut self,
        organization: Option<(&Key<'_>, &Value<'_>)>,
        regulations: Option<(&Key<'_>, &Value<'_>)>,
    ) -> Rights {
        let mut rights = Rights::default();
        if let Some((_, value)) = organization
            && let Some(table) = self.table(value, ORGANIZATION)
        {
            {
                self.known_keys(table, &["name", "timezone"], ORGANIZATION);
                if let Some(f) = self.string(table, "name", ORGANIZATION) {
                    rights.organization = f.value.to_owned();
                }
                if let Some(f) = self.string(table, "timezone", ORGANIZATION) {
                    match jiff::tz::TimeZone::get(f.value) {
                        Ok(tz) => {
                            rights.timezone_name = f.value.to_owned();
                            rights.timezone = tz;
                        }
                        Err(_) => self.error(
                            f.at,
                            format!(
                                "unknown time zone {:?} in {ORGANIZATION}: use an IANA name such as \"Europe/Berlin\" or \"America/Los_Angeles\"",
                                f.value
                            ),
                        ),
                    }
                }
            }
        }
        for (key, header, table) in self.named_tables(regulations, "regulations") {
            if !self.valid_name(key, "regulation") {
                continue;
            }
            let name = key.get_ref().to_string();
            let place = format!("[regulations.{name}]");
            let Some(table) = table else { continue };
            let base = rights.regulations.get(&name).cloned();
            if let Some(rule) = self.regulation(table, &header, &name, &place, base) {
                rights.regulations.insert(name, rule);
            }
        }
        rights
    }

    /// `[outbox]`: when a vendor notice is given up, by attempts or by age.
    pub(super) fn outbox(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>, rights: &mut Rights) {
        const OUTBOX: &str = "[outbox]";
        let Some((_, value)) = entry else { return };
        let Some(table) = self.table(value, OUTBOX) else {
            return;
        };
        self.known_keys(table, &["max_attempts", "max_age"], OUTBOX);
        if let Some(n) = self.bounded(table, "max_attempts", OUTBOX, 1..=100, "") {
            rights.outbox_max_attempts = u32::try_from(n).unwrap_or(100);
        }
        if let Some(p) = self.period(table, "max_age", OUTBOX) {
            rights.outbox_max_age = p;
        }
    }

    /// `[backups]`: how long data and key-store backups are kept.
    pub(super) fn backups(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>, rights: &mut Rights) {
        const BACKUPS: &str = "[backups]";
        let Some((_, value)) = entry else { return };
        let Some(table) = self.table(value, BACKUPS) else {
            return;
        };
        self.known_keys(table, &["keys_keep_for", "data_keep_for"], BACKUPS);
        if let Some(p) = self.period(table, "keys_keep_for", BACKUPS) {
            rights.backup_keys_keep_for = p;
        }
        if let Some(p) = self.period(table, "data_keep_for", BACKUPS) {
            rights.backup_data_keep_for = p;
        }
    }

    /// One regulation: every key optional when it overrides a built-in one, `respond_within`
    /// required for a new one.
    fn regulation(
        &mut self,
        table: &DeTable<'_>,
        header: &std::ops::Range<usize>,
        name: &str,
        place: &str,
        base: Option<RegulationRule>,
    ) -> Option<RegulationRule> {
        self.known_keys(
            table,
            &[
                "respond_within",
                "extension",
                "max_extensions",
                "announce_extension_within",
                "confirm_receipt_within",
            ],
            place,
        );
        let respond = self.period(table, "respond_within", place);
        let mut rule = match (base, respond) {
            (Some(mut b), r) => {
                if let Some(r) = r {
                    b.respond_within = r;
                }
                b
            }
            (None, Some(r)) => RegulationRule {
                name: name.to_owned(),
                respond_within: r,
                extension: None,
                max_extensions: 0,
                announce_extension_within: None,
                confirm_receipt_within: None,
            },
            (None, None) => {
                if lookup(table, "respond_within").is_none() {
                    self.error(
                        header.clone(),
                        format!("missing `respond_within` in {place} (such as \"30 days\" or \"1 month\")"),
                    );
                }
                return None;
            }
        };
        if let Some(p) = self.period(table, "extension", place) {
            rule.extension = Some(p);
            if lookup(table, "max_extensions").is_none() && rule.max_extensions == 0 {
                rule.max_extensions = 1;
            }
        }
        if let Some(n) = self.bounded(table, "max_extensions", place, 0..=10, "") {
            rule.max_extensions = u32::try_from(n).unwrap_or(10);
        }
        if let Some(p) = self.period(table, "announce_extension_within", place) {
            rule.announce_extension_within = Some(p);
        }
        if let Some(p) = self.period(table, "confirm_receipt_within", place) {
            rule.confirm_receipt_within = Some(p);
        }
        Some(rule)
    }

    /// A period (`"30 days"`, `"2y"`) under `key`, if present; an error at its value if not one.
    pub(super) fn period(&mut self, table: &DeTable<'_>, key: &str, place: &str) -> Option<Period> {
        let f = self.string(table, key, place)?;
        match f.value.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(f.at, format!("`{key}` in {place}: {e}"));
                None
            }
        }
    }
}
