//! `[retention.NAME]`: which categories are kept how long from when, under what condition, what
//! happens then, who owns the rule and when it runs. Rules that cover a category in common must
//! agree; the second one is refused at its line.

use std::collections::BTreeMap;

use super::{Key, Parser, Value, lookup};
use crate::category::{BUILTIN_CATEGORIES, Category};
use crate::deadline::Period;
use crate::retention::{Anchor, RetentionAction, RetentionRule, Schedule};

impl Parser<'_> {
    pub(super) fn retention(
        &mut self,
        entry: Option<(&Key<'_>, &Value<'_>)>,
        categories: &BTreeMap<String, Category>,
    ) -> Vec<RetentionRule> {
        let mut out: Vec<RetentionRule> = Vec::new();
        for (key, header, table) in self.named_tables(entry, "retention") {
            if !self.valid_name(key, "retention rule") {
                continue;
            }
            let name = key.get_ref().to_string();
            let place = format!("[retention.{name}]");
            let Some(table) = table else { continue };
            self.known_keys(
                table,
                &[
                    "categories",
                    "keep_for",
                    "from",
                    "inactive_for",
                    "action",
                    "owner",
                    "every",
                    "cron",
                    "grace",
                    "description",
                ],
                &place,
            );
            let patterns = self.category_patterns(table, &header, categories, &place);
            let keep_for = self.required_period(table, &header, "keep_for", &place);
            let from = self
                .string(table, "from", &place)
                .map_or(Anchor::CollectedAt, |f| Anchor::parse(f.value));
            let inactive_for = self.period(table, "inactive_for", &place);
            let grace = if lookup(table, "grace").is_some() {
                self.period(table, "grace", &place)
            } else {
                Some(DEFAULT_GRACE)
            };
            let action = match self.string(table, "action", &place) {
                None => Some(RetentionAction::DeleteFields),
                Some(f) => match f.value {
                    "delete_fields" => Some(RetentionAction::DeleteFields),
                    "erase_subject" => Some(RetentionAction::EraseSubject),
                    other => {
                        self.error(
                            f.at,
                            format!("`action` in {place} must be \"delete_fields\" or \"erase_subject\", found {other:?}"),
                        );
                        None
                    }
                },
            };
            let owner = self.required_string(table, &header, "owner", &place);
            let schedule = match (
                lookup(table, "every").is_some(),
                lookup(table, "cron").is_some(),
            ) {
                (true, true) => {
                    self.error(
                        header.clone(),
                        format!("{place} has both `every` and `cron`: keep one"),
                    );
                    None
                }
                (false, false) => {
                    self.error(
                        header.clone(),
                        format!(
                            "{place} needs a schedule: `every = \"1d\"` or `cron = \"0 3 * * *\"`"
                        ),
                    );
                    None
                }
                (true, false) => self.period(table, "every", &place).map(Schedule::Every),
                (false, true) => {
                    self.string(table, "cron", &place)
                        .and_then(|f| match crate::cron::Cron::parse(f.value) {
                            Ok(c) => Some(Schedule::Cron(c)),
                            Err(e) => {
                                self.error(f.at, format!("`cron` in {place}: {e}"));
                                None
                            }
                        })
                }
            };
            let (
                Some(patterns),
                Some(keep_for),
                Some(action),
                Some(owner),
                Some(schedule),
                Some(grace),
            ) = (patterns, keep_for, action, owner, schedule, grace)
            else {
                continue;
            };
            let rule = RetentionRule {
                name,
                categories: patterns.into_iter().map(|(p, _)| p).collect(),
                keep_for,
                from,
                inactive_for,
                action,
                owner: owner.value.to_owned(),
                schedule,
                grace,
            };
            // Two rules covering a category in common must say the same about it.
            let known = BUILTIN_CATEGORIES
                .iter()
                .map(Category::name)
                .chain(categories.keys().map(String::as_str));
            let clash = known.into_iter().find_map(|c| {
                out.iter()
                    .find(|other| rule.covers(c) && other.covers(c) && !rule.agrees_with(other))
                    .map(|other| (c.to_owned(), other.name.clone()))
            });
            if let Some((category, other)) = clash {
                self.error(
                    header.clone(),
                    format!("{place} and [retention.{other}] both cover {category} but disagree on how long or what then"),
                );
                continue;
            }
            out.push(rule);
        }
        out
    }

    fn required_period(
        &mut self,
        table: &toml::de::DeTable<'_>,
        header: &std::ops::Range<usize>,
        key: &str,
        place: &str,
    ) -> Option<Period> {
        if lookup(table, key).is_none() {
            self.error(
                header.clone(),
                format!("missing `{key}` in {place} (such as \"365d\" or \"2y\")"),
            );
            return None;
        }
        self.period(table, key, place)
    }
}

/// The grace period when a rule names none: a month to notice a mistake and restore.
const DEFAULT_GRACE: Period = Period::Days(30);
