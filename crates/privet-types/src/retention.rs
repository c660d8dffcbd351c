//! Retention: rules that say how long each category is kept and from when, and the pure
//! evaluation of one field against them at a moment. privet serve's purges and reads, and
//! `privet purge`, all ask [`fate`]; it does no I/O and takes time as an argument.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;

use crate::deadline::Period;
use crate::policy::CategoryPattern;

/// From when a rule counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// When the value was collected (or, if not told, first written).
    CollectedAt,
    /// The subject's last recorded activity (or, with none, when privet first stored it).
    LastActivity,
    /// When the subject's account was closed (the rule waits until it is).
    AccountClosed,
    /// The last event of this kind (the rule waits until there is one).
    Event(String),
}

impl Anchor {
    /// Parses `collected_at`, `last_activity`, `account_closed` or an event name.
    pub fn parse(s: &str) -> Anchor {
        match s {
            "collected_at" => Anchor::CollectedAt,
            "last_activity" => Anchor::LastActivity,
            "account_closed" => Anchor::AccountClosed,
            other => Anchor::Event(other.to_owned()),
        }
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Anchor::CollectedAt => "collected_at",
            Anchor::LastActivity => "last_activity",
            Anchor::AccountClosed => "account_closed",
            Anchor::Event(name) => name,
        })
    }
}

/// What happens when a rule's time is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetentionAction {
    /// The covered fields go; the subject stays (erased if nothing is left).
    DeleteFields,
    /// The whole subject is erased.
    EraseSubject,
}

impl RetentionAction {
    /// The name in privet.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionAction::DeleteFields => "delete_fields",
            RetentionAction::EraseSubject => "erase_subject",
        }
    }
}

/// When a rule's purge runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// At this interval.
    Every(Period),
    /// On a five-field cron expression (minute hour day-of-month month day-of-week, UTC).
    Cron(crate::cron::Cron),
}

impl Schedule {
    /// When a rule last run at `last` (never: `None`) runs next. A rule that never ran, or whose
    /// time passed while privet was down, is due at once: missed runs collapse into one.
    pub fn next_run(&self, last: Option<Timestamp>) -> Option<Timestamp> {
        let last = last?;
        match self {
            Schedule::Every(period) => period.after(last),
            Schedule::Cron(cron) => cron.next_after(last),
        }
    }
}

/// A `[retention.NAME]` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRule {
    /// Its name.
    pub name: String,
    /// The categories it covers.
    pub categories: Vec<CategoryPattern>,
    /// How long to keep.
    pub keep_for: Period,
    /// From when.
    pub from: Anchor,
    /// Only for subjects without activity for this long (none: always).
    pub inactive_for: Option<Period>,
    /// What happens at the end.
    pub action: RetentionAction,
    /// The person responsible, by name and contact.
    pub owner: String,
    /// When its purge runs.
    pub schedule: Schedule,
    /// Between expiry and purge: refused to reads, restorable by an administrator.
    pub grace: Period,
}

impl RetentionRule {
    /// Whether it covers `category`.
    pub fn covers(&self, category: &str) -> bool {
        self.categories.iter().any(|p| p.matches(category))
    }

    /// Whether two rules that cover a category in common say the same about it.
    pub fn agrees_with(&self, other: &RetentionRule) -> bool {
        self.keep_for == other.keep_for
            && self.grace == other.grace
            && self.from == other.from
            && self.inactive_for == other.inactive_for
            && self.action == other.action
    }
}

/// The event that records an administrator's restore of field `name`: a kind no caller can
/// send (event names are `a-z`, `0-9` and `_`), kept with the subject's other events so backups
/// carry it and an erasure removes it.
pub fn restore_event(name: &str) -> String {
    format!("restore:{name}")
}

/// What evaluation needs to know about a field.
#[derive(Debug, Clone, Copy)]
pub struct FieldFacts<'a> {
    /// Its name (a restore is recorded per field).
    pub name: &'a str,
    /// Its category.
    pub category: &'a str,
    /// When it was collected, if told.
    pub collected_at: Option<Timestamp>,
    /// When privet last wrote it.
    pub written_at: Timestamp,
}

/// What evaluation needs to know about the field's subject.
#[derive(Debug, Clone, Copy)]
pub struct SubjectFacts<'a> {
    /// When privet first stored it.
    pub created_at: Timestamp,
    /// The last event of each kind (`activity`, `account_closed`, named ones).
    pub events: &'a BTreeMap<String, Timestamp>,
    /// Whether a legal hold stands.
    pub held: bool,
}

/// Where a field stands under the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate<'r> {
    /// No rule covers its category.
    Uncovered,
    /// Kept: its rule's time is not up (or its anchor has not happened).
    Keep(&'r RetentionRule),
    /// Its time is up, but it is in the grace period until `purge_at`: refused to reads,
    /// restorable by an administrator.
    Expired {
        /// The rule.
        rule: &'r RetentionRule,
        /// When its time was up.
        since: Timestamp,
        /// When it will be purged.
        purge_at: Timestamp,
    },
    /// Past its grace period: to be purged now.
    Purge {
        /// The rule.
        rule: &'r RetentionRule,
        /// When its time was up.
        since: Timestamp,
    },
    /// Expired, but a legal hold keeps it.
    Held(&'r RetentionRule),
}

/// The fate of `field` of `subject` at `now` under `rules`, each with its grace period between
/// expiry and purge. The first rule covering the category decides (`privet check` refuses
/// covering rules that disagree).
pub fn fate<'r>(
    rules: &'r [RetentionRule],
    field: FieldFacts<'_>,
    subject: SubjectFacts<'_>,
    now: Timestamp,
) -> Fate<'r> {
    let Some(rule) = rules.iter().find(|r| r.covers(field.category)) else {
        return Fate::Uncovered;
    };
    let last_activity = subject
        .events
        .get("activity")
        .copied()
        .unwrap_or(subject.created_at);
    let anchor = match &rule.from {
        Anchor::CollectedAt => Some(field.collected_at.unwrap_or(field.written_at)),
        Anchor::LastActivity => Some(last_activity),
        Anchor::AccountClosed => subject.events.get("account_closed").copied(),
        Anchor::Event(name) => subject.events.get(name).copied(),
    };
    let Some(mut since) = anchor.and_then(|a| rule.keep_for.after(a)) else {
        return Fate::Keep(rule);
    };
    // A condition on inactivity delays expiry until it holds; the grace period starts then.
    if let Some(inactive) = rule.inactive_for {
        match inactive.after(last_activity) {
            Some(quiet_since) => since = since.max(quiet_since),
            None => return Fate::Keep(rule),
        }
    }
    // A restore starts the rule again as if the field were collected, and its subject active,
    // at the restore.
    if let Some(restored) = subject.events.get(&restore_event(field.name)) {
        let again = rule.keep_for.after(*restored);
        let quiet = rule.inactive_for.map(|p| p.after(*restored));
        match (again, quiet) {
            (Some(a), None) => since = since.max(a),
            (Some(a), Some(Some(q))) => since = since.max(a).max(q),
            _ => return Fate::Keep(rule),
        }
    }
    if now < since {
        return Fate::Keep(rule);
    }
    if subject.held {
        return Fate::Held(rule);
    }
    match rule.grace.after(since) {
        Some(purge_at) if now < purge_at => Fate::Expired {
            rule,
            since,
            purge_at,
        },
        _ => Fate::Purge { rule, since },
    }
}
