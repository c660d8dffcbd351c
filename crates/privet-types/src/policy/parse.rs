//! From privet.toml text to a validated [`Policy`], collecting every error.
//!
//! The document is walked as a spanned TOML tree rather than deserialized
//! with serde, because serde stops at the first problem while `privet check`
//! should list them all, each at the line of the key or value at fault.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::{Range, RangeInclusive};

use jiff::civil::Date;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::PolicyError;
use super::model::{CategoryPattern, LegalBasis, Purpose, Role, Rule, RuleDecision, Selector};
use super::{Limits, MAX_BATCH_LIMIT, Policy};
use crate::category::{Category, CategoryName, Sensitivity, builtin_category, is_valid_segment};
use crate::mask::MaskStyle;
use crate::toml_doc::{self, LineIndex};

mod retention;
mod rights;
mod settings;
mod vendors;

type Key<'i> = Spanned<Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

/// A value found under a key, with where both sit.
struct Field<T> {
    key: Range<usize>,
    at: Range<usize>,
    value: T,
}

pub(super) fn parse(text: &str) -> Result<Policy, Vec<PolicyError>> {
    let (root, index) = toml_doc::parse(text).map_err(|e| vec![e])?;
    let mut parser = Parser {
        index,
        errors: Vec::new(),
    };
    let policy = parser.document(root.get_ref());
    let mut errors = parser.errors;
    errors.sort_by_key(|e| (e.line, e.column));
    match policy {
        Some(policy) if errors.is_empty() => Ok(policy),
        _ => Err(errors),
    }
}

struct Parser<'s> {
    index: LineIndex<'s>,
    errors: Vec<PolicyError>,
}

fn lookup<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<(&'a Key<'i>, &'a Value<'i>)> {
    table.iter().find(|(k, _)| k.get_ref() == key)
}

impl Parser<'_> {
    fn error(&mut self, span: Range<usize>, message: String) {
        self.errors.push(self.index.error(span, message));
    }

    fn document(&mut self, root: &DeTable<'_>) -> Option<Policy> {
        self.known_keys(
            root,
            &[
                "policy",
                "categories",
                "purposes",
                "roles",
                "rules",
                "limits",
                "server",
                "tokens",
                "presidio",
                "organization",
                "regulations",
                "vendors",
                "retention",
                "outbox",
                "backups",
            ],
            "the top level",
        );
        let (reviewed_on, require_retention) = self.policy_section(lookup(root, "policy"));
        let categories = self.categories(lookup(root, "categories"));
        let purposes = self.purposes(lookup(root, "purposes"));
        let roles = self.roles(lookup(root, "roles"));
        let rules = self.rules(lookup(root, "rules"), &categories, &purposes, &roles);
        let limits = self.limits(lookup(root, "limits"));
        let server = self.server(lookup(root, "server"));
        let tokens = self.tokens(lookup(root, "tokens"), &categories);
        let presidio = self.presidio(lookup(root, "presidio"));
        let mut rights = self.rights(lookup(root, "organization"), lookup(root, "regulations"));
        rights.vendors = self.vendors(lookup(root, "vendors"), &categories, &purposes);
        rights.retention = self.retention(lookup(root, "retention"), &categories);
        self.outbox(lookup(root, "outbox"), &mut rights);
        self.backups(lookup(root, "backups"), &mut rights);
        Some(Policy {
            reviewed_on: reviewed_on?,
            require_retention,
            categories,
            purposes,
            roles,
            rules,
            limits,
            server,
            tokens,
            presidio,
            rights,
        })
    }

    /// Reports every key of `table` that is not in `allowed`.
    fn known_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], place: &str) {
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                self.error(
                    key.span(),
                    format!(
                        "unknown key `{}` in {place}; expected one of: {}",
                        key.get_ref(),
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    fn table<'a, 'i>(&mut self, value: &'a Value<'i>, place: &str) -> Option<&'a DeTable<'i>> {
        toml_doc::expect_table(value, place)
            .map_err(|(span, message)| self.error(span, message))
            .ok()
    }

    /// A sub-table of named tables such as `[purposes.<name>]`.
    fn named_tables<'a, 'i>(
        &mut self,
        entry: Option<(&'a Key<'i>, &'a Value<'i>)>,
        section: &str,
    ) -> Vec<(&'a Key<'i>, Range<usize>, Option<&'a DeTable<'i>>)> {
        let Some((_, value)) = entry else {
            return Vec::new();
        };
        let Some(table) = self.table(value, &format!("[{section}]")) else {
            return Vec::new();
        };
        table
            .iter()
            .map(|(key, value)| {
                let place = format!("[{section}.{}]", key.get_ref());
                (key, value.span(), self.table(value, &place))
            })
            .collect()
    }

    fn typed<'a, T>(
        &mut self,
        table: &'a DeTable<'a>,
        key: &str,
        place: &str,
        kind: &str,
        get: impl Fn(&'a DeValue<'a>) -> Option<T>,
    ) -> Option<Field<T>> {
        let (k, v) = lookup(table, key)?;
        let raw = v.get_ref();
        match get(raw) {
            Some(value) => Some(Field {
                key: k.span(),
                at: v.span(),
                value,
            }),
            None => {
                self.error(
                    v.span(),
                    format!(
                        "`{key}` in {place} must be {kind}, found {}",
                        raw.type_str()
                    ),
                );
                None
            }
        }
    }

    fn string<'a>(
        &mut self,
        table: &'a DeTable<'a>,
        key: &str,
        place: &str,
    ) -> Option<Field<&'a str>> {
        self.typed(table, key, place, "a string", DeValue::as_str)
    }

    fn required_string<'a>(
        &mut self,
        table: &'a DeTable<'a>,
        header: &Range<usize>,
        key: &str,
        place: &str,
    ) -> Option<Field<&'a str>> {
        if lookup(table, key).is_none() {
            self.error(header.clone(), format!("missing `{key}` in {place}"));
            return None;
        }
        self.string(table, key, place)
    }

    fn description(&mut self, table: &DeTable<'_>, place: &str) -> String {
        self.string(table, "description", place)
            .map(|f| f.value.to_owned())
            .unwrap_or_default()
    }

    /// `[policy]`: the review date, and whether every stored category needs a retention rule.
    fn policy_section(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>) -> (Option<Date>, bool) {
        const HINT: &str =
            "the date the policy was last reviewed, such as version = \"2026-11-23\"";
        let Some((_, value)) = entry else {
            self.error(
                0..0,
                format!("missing [policy] table with `version`, {HINT}"),
            );
            return (None, true);
        };
        let Some(table) = self.table(value, "[policy]") else {
            return (None, true);
        };
        self.known_keys(table, &["version", "require_retention"], "[policy]");
        let require_retention = self
            .typed(
                table,
                "require_retention",
                "[policy]",
                "true or false",
                DeValue::as_bool,
            )
            .is_none_or(|f| f.value);
        let Some((_, version)) = lookup(table, "version") else {
            self.error(
                value.span(),
                format!("missing `version` in [policy], {HINT}"),
            );
            return (None, require_retention);
        };
        let date = match version.get_ref() {
            DeValue::String(s) => s.parse::<Date>().ok(),
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => i16::try_from(d.year)
                    .ok()
                    .and_then(|y| Date::new(y, d.month as i8, d.day as i8).ok()),
                _ => None,
            },
            _ => None,
        };
        if date.is_none() {
            self.error(
                version.span(),
                format!("`version` in [policy] must be {HINT}"),
            );
        }
        (date, require_retention)
    }

    fn categories(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>) -> BTreeMap<String, Category> {
        let mut out = BTreeMap::new();
        for (key, header, table) in self.named_tables(entry, "categories") {
            let name = key.get_ref().as_ref();
            let place = format!("[categories.\"{name}\"]");
            let Ok(valid) = CategoryName::new(name) else {
                self.error(
                    key.span(),
                    format!("invalid category name `{name}`: use lower-case dotted words of a-z, 0-9 and _, such as custom.loyalty_id"),
                );
                continue;
            };
            if builtin_category(name).is_some() {
                self.error(
                    key.span(),
                    format!(
                        "`{name}` is a built-in category; a custom category needs a name of its own"
                    ),
                );
                continue;
            }
            let mut sensitivity = Sensitivity::Normal;
            let mut masking = MaskStyle::Generic;
            let mut description = String::new();
            if let Some(table) = table {
                self.known_keys(table, &["description", "sensitivity", "masking"], &place);
                description = self.description(table, &place);
                if let Some(f) = self.required_string(table, &header, "sensitivity", &place) {
                    match f.value.parse() {
                        Ok(s) => sensitivity = s,
                        Err(e) => self.error(f.at, format!("{e}")),
                    }
                }
                if let Some(f) = self.string(table, "masking", &place) {
                    match f.value.parse() {
                        Ok(m) => masking = m,
                        Err(e) => self.error(f.at, format!("{e}")),
                    }
                }
            }
            out.insert(
                name.to_owned(),
                Category::custom(valid, description, sensitivity, masking),
            );
        }
        out
    }

    /// Checks a role or purpose name; `*` is reserved for rules.
    fn valid_name(&mut self, key: &Key<'_>, kind: &str) -> bool {
        let ok = is_valid_segment(key.get_ref());
        if !ok {
            self.error(
                key.span(),
                format!(
                    "invalid {kind} name `{}`: use lower-case a-z, 0-9 and _",
                    key.get_ref()
                ),
            );
        }
        ok
    }

    fn purposes(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>) -> BTreeMap<String, Purpose> {
        let mut out = BTreeMap::new();
        for (key, header, table) in self.named_tables(entry, "purposes") {
            if !self.valid_name(key, "purpose") {
                continue;
            }
            let name = key.get_ref().to_string();
            let place = format!("[purposes.{name}]");
            let mut purpose = Purpose {
                name: name.clone(),
                description: String::new(),
                legal_basis: LegalBasis::Consent,
                consent_required: true,
                sale_or_sharing: false,
            };
            if let Some(table) = table {
                self.known_keys(
                    table,
                    &[
                        "description",
                        "legal_basis",
                        "consent_required",
                        "sale_or_sharing",
                    ],
                    &place,
                );
                if let Some(f) = self.typed(
                    table,
                    "sale_or_sharing",
                    &place,
                    "true or false",
                    DeValue::as_bool,
                ) {
                    purpose.sale_or_sharing = f.value;
                }
                purpose.description = self.description(table, &place);
                let basis = self
                    .required_string(table, &header, "legal_basis", &place)
                    .and_then(|f| match f.value.parse::<LegalBasis>() {
                        Ok(b) => Some(b),
                        Err(e) => {
                            self.error(f.at, format!("{e}"));
                            None
                        }
                    });
                let consent = self.typed(
                    table,
                    "consent_required",
                    &place,
                    "true or false",
                    DeValue::as_bool,
                );
                if let Some(basis) = basis {
                    purpose.legal_basis = basis;
                    purpose.consent_required = basis == LegalBasis::Consent;
                }
                if let Some(f) = consent {
                    purpose.consent_required = f.value;
                    if basis == Some(LegalBasis::Consent) && !f.value {
                        self.error(
                            f.at,
                            format!("purpose `{name}` has legal_basis = \"consent\", so consent_required must be true (processing based on consent needs the subject's consent)"),
                        );
                    }
                }
            }
            out.insert(name, purpose);
        }
        out
    }

    fn roles(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>) -> BTreeMap<String, Role> {
        let mut out = BTreeMap::new();
        for (key, _, table) in self.named_tables(entry, "roles") {
            if !self.valid_name(key, "role") {
                continue;
            }
            let name = key.get_ref().to_string();
            let place = format!("[roles.{name}]");
            let mut description = String::new();
            let mut can = std::collections::BTreeSet::new();
            if let Some(table) = table {
                self.known_keys(table, &["description", "can"], &place);
                description = self.description(table, &place);
                can = self.operations(table, &place);
            }
            out.insert(
                name.clone(),
                Role {
                    name,
                    description,
                    can,
                },
            );
        }
        out
    }

    /// `can = ["write", ...]` of a role.
    fn operations(
        &mut self,
        table: &DeTable<'_>,
        place: &str,
    ) -> std::collections::BTreeSet<super::model::Operation> {
        let mut out = std::collections::BTreeSet::new();
        let Some((_, value)) = lookup(table, "can") else {
            return out;
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`can` in {place} must be an array of operations, found {}",
                    value.get_ref().type_str()
                ),
            );
            return out;
        };
        for item in items.iter() {
            match item.get_ref().as_str().map(super::model::Operation::from_name) {
                Some(Some(op)) => {
                    out.insert(op);
                }
                Some(None) => self.error(
                    item.span(),
                    format!(
                        "unknown operation {:?} in `can` of {place}: use write, erase, tokenize, consent, audit or requests",
                        item.get_ref().as_str().unwrap_or_default()
                    ),
                ),
                None => self.error(
                    item.span(),
                    format!(
                        "operations in `can` must be strings, found {}",
                        item.get_ref().type_str()
                    ),
                ),
            }
        }
        out
    }

    fn rules(
        &mut self,
        entry: Option<(&Key<'_>, &Value<'_>)>,
        categories: &BTreeMap<String, Category>,
        purposes: &BTreeMap<String, Purpose>,
        roles: &BTreeMap<String, Role>,
    ) -> Vec<Rule> {
        let Some((_, value)) = entry else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                "`rules` must be an array of tables: write each rule under its own [[rules]] header".to_owned(),
            );
            return Vec::new();
        };
        let mut seen = HashMap::new();
        let mut out = Vec::new();
        for item in items.iter() {
            let Some(table) = self.table(item, "each [[rules]] entry") else {
                continue;
            };
            let header = item.span();
            let place = "[[rules]]";
            self.known_keys(table, &["role", "purpose", "categories", "decision"], place);
            let role = self.rule_selector(table, &header, "role", |n| roles.contains_key(n));
            let purpose =
                self.rule_selector(table, &header, "purpose", |n| purposes.contains_key(n));
            let decision = self
                .required_string(table, &header, "decision", place)
                .and_then(|f| {
                    let d = RuleDecision::parse(f.value);
                    if d.is_none() {
                        self.error(
                            f.at,
                            format!(
                                "`decision` must be \"allow\", \"mask\" or \"deny\", found {:?}",
                                f.value
                            ),
                        );
                    }
                    d
                });
            let patterns = self.category_patterns(table, &header, categories, "[[rules]]");
            let (Some(role), Some(purpose), Some(decision), Some(patterns)) =
                (role, purpose, decision, patterns)
            else {
                continue;
            };
            let rule = Rule {
                role,
                purpose,
                categories: patterns.iter().map(|(p, _)| p.clone()).collect(),
                decision,
            };
            self.check_duplicates(&rule, &patterns, &mut seen);
            out.push(rule);
        }
        out
    }

    /// Reports a (role, purpose, pattern) that an earlier rule already gave
    /// another decision: the author meant one of them, and which is unclear.
    fn check_duplicates(
        &mut self,
        rule: &Rule,
        patterns: &[(CategoryPattern, Range<usize>)],
        seen: &mut HashMap<(Selector, Selector, CategoryPattern), (RuleDecision, usize)>,
    ) {
        let (role, purpose, decision) = (&rule.role, &rule.purpose, rule.decision);
        for (pattern, span) in patterns {
            let key = (role.clone(), purpose.clone(), pattern.clone());
            match seen.get(&key) {
                Some(&(earlier, line)) if earlier != decision => self.error(
                    span.clone(),
                    format!("rule for role `{role}`, purpose `{purpose}`, category `{pattern}` says {decision} but the rule on line {line} says {earlier}"),
                ),
                Some(_) => {}
                None => {
                    let (line, _) = self.index.position(span.start);
                    seen.insert(key, (decision, line));
                }
            }
        }
    }

    /// A rule's `role` or `purpose`: `*` or a declared name.
    fn rule_selector(
        &mut self,
        table: &DeTable<'_>,
        header: &Range<usize>,
        key: &str,
        declared: impl Fn(&str) -> bool,
    ) -> Option<Selector> {
        let f = self.required_string(table, header, key, "[[rules]]")?;
        if f.value != "*" && !declared(f.value) {
            let section = if key == "role" { "roles" } else { "purposes" };
            self.error(
                f.key,
                format!("rule names undeclared {key} `{}`; declare it under [{section}.{}] or use \"*\"", f.value, f.value),
            );
            return None;
        }
        Some(Selector::parse(f.value))
    }

    /// A rule's `categories`, each with its span; `None` if any is wrong.
    /// The `categories` array of `place`: patterns that each match a known category.
    fn category_patterns(
        &mut self,
        table: &DeTable<'_>,
        header: &Range<usize>,
        custom: &BTreeMap<String, Category>,
        place: &str,
    ) -> Option<Vec<(CategoryPattern, Range<usize>)>> {
        let Some((key, value)) = lookup(table, "categories") else {
            self.error(header.clone(), format!("missing `categories` in {place}"));
            return None;
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`categories` in {place} must be an array of category patterns, found {}",
                    value.get_ref().type_str()
                ),
            );
            return None;
        };
        if items.is_empty() {
            self.error(
                key.span(),
                format!("`categories` in {place} must name at least one category pattern"),
            );
            return None;
        }
        let known = || {
            crate::category::BUILTIN_CATEGORIES
                .iter()
                .map(Category::name)
                .chain(custom.keys().map(String::as_str))
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items.iter() {
            let Some(text) = item.get_ref().as_str() else {
                self.error(
                    item.span(),
                    format!(
                        "category patterns must be strings, found {}",
                        item.get_ref().type_str()
                    ),
                );
                ok = false;
                continue;
            };
            let Some(pattern) = CategoryPattern::parse(text) else {
                self.error(
                    item.span(),
                    format!("invalid category name or pattern {text:?}: use a name such as contact.email, a prefix such as contact.*, or *"),
                );
                ok = false;
                continue;
            };
            if !known().any(|name| pattern.matches(name)) {
                self.error(
                    item.span(),
                    format!("category pattern `{text}` matches no built-in or custom category"),
                );
                ok = false;
                continue;
            }
            out.push((pattern, item.span()));
        }
        ok.then_some(out)
    }

    fn limits(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>) -> Limits {
        let mut limits = Limits::default();
        let Some((_, value)) = entry else {
            return limits;
        };
        let Some(table) = self.table(value, "[limits]") else {
            return limits;
        };
        const P: &str = "[limits]";
        self.known_keys(
            table,
            &[
                "max_batch",
                "max_fields_per_subject",
                "max_subject_bytes",
                "max_read_bytes",
                "header_timeout_secs",
                "request_timeout_secs",
                "misses_per_minute",
                "auth_failures_per_minute",
            ],
            P,
        );
        let set = |this: &mut Self, key: &str, range: RangeInclusive<usize>, slot: &mut usize| {
            if let Some(n) = this.bounded(table, key, P, range, "") {
                *slot = n;
            }
        };
        set(
            self,
            "max_batch",
            1..=MAX_BATCH_LIMIT,
            &mut limits.max_batch,
        );
        set(
            self,
            "max_fields_per_subject",
            1..=1_000_000,
            &mut limits.max_fields_per_subject,
        );
        set(
            self,
            "max_subject_bytes",
            1024..=1 << 30,
            &mut limits.max_subject_bytes,
        );
        set(
            self,
            "max_read_bytes",
            1024..=1 << 32,
            &mut limits.max_read_bytes,
        );
        let mut secs = limits.header_timeout_secs as usize;
        set(self, "header_timeout_secs", 1..=3600, &mut secs);
        limits.header_timeout_secs = secs as u64;
        let mut secs = limits.request_timeout_secs as usize;
        set(self, "request_timeout_secs", 1..=3600, &mut secs);
        limits.request_timeout_secs = secs as u64;
        let mut n = limits.misses_per_minute as usize;
        set(self, "misses_per_minute", 1..=1_000_000, &mut n);
        limits.misses_per_minute = u32::try_from(n).unwrap_or(u32::MAX);
        let mut n = limits.auth_failures_per_minute as usize;
        set(self, "auth_failures_per_minute", 1..=1_000_000, &mut n);
        limits.auth_failures_per_minute = u32::try_from(n).unwrap_or(u32::MAX);
        limits
    }

    /// An integer in `range`; `hint`, when not empty, says why the range is what it is.
    fn bounded<'a>(
        &mut self,
        table: &'a DeTable<'a>,
        key: &str,
        place: &str,
        range: RangeInclusive<usize>,
        hint: &str,
    ) -> Option<usize> {
        let f = self.typed(table, key, place, "an integer", |v| match v {
            DeValue::Integer(i) => Some(i64::from_str_radix(i.as_str(), i.radix()).ok()),
            _ => None,
        })?;
        let n = f.value.and_then(|n| usize::try_from(n).ok());
        if let Some(n) = n.filter(|n| range.contains(n)) {
            return Some(n);
        }
        let hint = if hint.is_empty() {
            String::new()
        } else {
            format!(" ({hint})")
        };
        self.error(
            f.at,
            format!(
                "`{key}` in {place} must be between {} and {}{hint}",
                range.start(),
                range.end()
            ),
        );
        None
    }
}
