//! Retention as a table: anchors, the inactivity condition, legal holds, the grace period and
//! the clock moving, for every kind of rule.

use std::collections::BTreeMap;

use jiff::Timestamp;
use privet_types::deadline::Period;
use privet_types::policy::CategoryPattern;
use privet_types::retention::{
    Anchor, Fate, FieldFacts, RetentionAction, RetentionRule, Schedule, SubjectFacts, fate,
};

fn rule(
    name: &str,
    cats: &[&str],
    keep: &str,
    from: Anchor,
    inactive: Option<&str>,
    action: RetentionAction,
) -> RetentionRule {
    RetentionRule {
        name: name.into(),
        categories: cats
            .iter()
            .map(|c| CategoryPattern::parse(c).expect("pattern"))
            .collect(),
        keep_for: keep.parse().expect("period"),
        from,
        inactive_for: inactive.map(|p| p.parse().expect("period")),
        action,
        owner: "Privacy Lead <privacy@example.org>".into(),
        schedule: Schedule::Every(Period::Days(1)),
        grace: Period::Days(30),
    }
}

fn rules() -> Vec<RetentionRule> {
    use RetentionAction::*;
    vec![
        rule(
            "orders",
            &["financial.*"],
            "18m",
            Anchor::CollectedAt,
            None,
            DeleteFields,
        ),
        rule(
            "inactive_contact",
            &["contact.*"],
            "1d",
            Anchor::LastActivity,
            Some("2y"),
            DeleteFields,
        ),
        rule(
            "closed_accounts",
            &["identity.*"],
            "90d",
            Anchor::AccountClosed,
            None,
            EraseSubject,
        ),
        rule(
            "tickets",
            &["online.*"],
            "30d",
            Anchor::Event("ticket_closed".into()),
            None,
            DeleteFields,
        ),
    ]
}

fn t(s: &str) -> Timestamp {
    let full = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_owned()
    };
    full.parse().expect("a time in the table")
}

/// What the table expects: `U` (uncovered), or `K`eep, `E`xpired (with the purge date),
/// `P`urge or `H`eld with the rule's name.
/// (category, collected_at, written_at, events "kind=date;...", held, now, expected)
#[rustfmt::skip]
const TABLE: &[(&str, &str, &str, &str, bool, &str, &str)] = &[
    // No rule covers it.
    ("health.record",         "",           "2026-01-01", "",                          false, "2030-01-01", "U"),
    ("custom.loyalty_id",     "",           "2026-01-01", "",                          false, "2030-01-01", "U"),
    // From collection: 18 months, then 30 days of grace.
    ("financial.card_number", "2026-01-01", "2026-01-05", "",                          false, "2027-06-30", "K orders"),
    ("financial.card_number", "2026-01-01", "2026-01-05", "",                          false, "2027-07-01", "E orders 2027-07-31"),
    ("financial.card_number", "2026-01-01", "2026-01-05", "",                          false, "2027-07-30", "E orders 2027-07-31"),
    ("financial.card_number", "2026-01-01", "2026-01-05", "",                          false, "2027-07-31", "P orders"),
    ("financial.iban",        "2026-01-01", "2026-01-05", "",                          false, "2026-06-01", "K orders"),
    // Not told when collected: from when it was written.
    ("financial.card_number", "",           "2026-01-10", "",                          false, "2027-07-09", "K orders"),
    ("financial.card_number", "",           "2026-01-10", "",                          false, "2027-07-10", "E orders 2027-08-09"),
    // A month's end: 31 August + 18 months is the last day of February, in a leap year too.
    ("financial.card_number", "2026-08-31", "2026-08-31", "",                          false, "2028-02-28", "K orders"),
    ("financial.card_number", "2026-08-31", "2026-08-31", "",                          false, "2028-02-29", "E orders 2028-03-30"),
    // A legal hold keeps what is due, and only that.
    ("financial.card_number", "2026-01-01", "2026-01-01", "",                          true,  "2027-08-15", "H orders"),
    ("financial.card_number", "2026-01-01", "2026-01-01", "",                          true,  "2027-07-15", "H orders"),
    ("financial.card_number", "2026-01-01", "2026-01-01", "",                          true,  "2027-06-01", "K orders"),
    // Inactive customers' contact data: gone 1 day after their last activity, once quiet 2 years;
    // with no activity recorded, quiet since privet first stored them (1 Jan 2026).
    ("contact.email",         "",           "2026-01-01", "",                          false, "2027-12-31", "K inactive_contact"),
    ("contact.email",         "",           "2026-01-01", "",                          false, "2028-01-01", "E inactive_contact 2028-01-31"),
    ("contact.email",         "",           "2026-01-01", "",                          false, "2028-01-31", "P inactive_contact"),
    ("contact.phone",         "",           "2026-01-01", "activity=2027-06-01",       false, "2028-01-01", "K inactive_contact"),
    ("contact.phone",         "",           "2026-01-01", "activity=2027-06-01",       false, "2029-06-01", "E inactive_contact 2029-07-01"),
    ("contact.phone",         "",           "2026-01-01", "activity=2027-06-01",       false, "2029-07-01", "P inactive_contact"),
    ("contact.postal_address","",           "2026-01-01", "activity=2027-06-01",       true,  "2030-01-01", "H inactive_contact"),
    // Closed accounts: 90 days after closing, the whole subject; nothing until it closes.
    ("identity.name",         "",           "2026-01-01", "",                          false, "2035-01-01", "K closed_accounts"),
    ("identity.name",         "",           "2026-01-01", "account_closed=2026-03-01", false, "2026-05-29", "K closed_accounts"),
    ("identity.name",         "",           "2026-01-01", "account_closed=2026-03-01", false, "2026-05-30", "E closed_accounts 2026-06-29"),
    ("identity.name",         "",           "2026-01-01", "account_closed=2026-03-01", false, "2026-06-29", "P closed_accounts"),
    ("identity.date_of_birth","",           "2026-01-01", "account_closed=2026-03-01", true,  "2026-07-01", "H closed_accounts"),
    // A named event anchors its rule; another event does not.
    ("online.ip_address",     "",           "2026-01-01", "",                          false, "2030-01-01", "K tickets"),
    ("online.ip_address",     "",           "2026-01-01", "ticket_opened=2026-02-01",  false, "2030-01-01", "K tickets"),
    ("online.ip_address",     "",           "2026-01-01", "ticket_closed=2026-02-01",  false, "2026-03-02", "K tickets"),
    ("online.ip_address",     "",           "2026-01-01", "ticket_closed=2026-02-01",  false, "2026-03-03", "E tickets 2026-04-02"),
    ("online.device_id",      "",           "2026-01-01", "ticket_closed=2026-02-01",  false, "2026-04-02", "P tickets"),
    // The last event of a kind counts: a later activity keeps contact data longer.
    ("contact.email",         "",           "2026-01-01", "activity=2029-12-31",       false, "2030-06-01", "K inactive_contact"),
    // An administrator's restore (of this field, `f`) starts the rule again from the restore.
    ("financial.card_number", "2026-01-01", "2026-01-05", "restore:f=2027-07-10",      false, "2027-07-15", "K orders"),
    ("financial.card_number", "2026-01-01", "2026-01-05", "restore:f=2027-07-10",      false, "2029-01-10", "E orders 2029-02-09"),
    ("financial.card_number", "2026-01-01", "2026-01-05", "restore:f=2027-07-10",      false, "2029-02-09", "P orders"),
    // A restore of another field does not count.
    ("financial.card_number", "2026-01-01", "2026-01-05", "restore:g=2027-07-10",      false, "2027-07-15", "E orders 2027-07-31"),
    // With an inactivity condition, the restore also counts as activity.
    ("contact.email",         "",           "2026-01-01", "restore:f=2028-01-10",      false, "2029-01-01", "K inactive_contact"),
    ("contact.email",         "",           "2026-01-01", "restore:f=2028-01-10",      false, "2030-01-10", "E inactive_contact 2030-02-09"),
    // A restore before a close does not keep what the close later ends.
    ("identity.name",         "",           "2026-01-01", "restore:f=2026-02-01;account_closed=2026-03-01", false, "2026-05-30", "E closed_accounts 2026-06-29"),
];

#[test]
fn retention_table() {
    let rules = rules();
    let mut failures = Vec::new();
    for (i, (category, collected, written, events, held, now, want)) in TABLE.iter().enumerate() {
        let events: BTreeMap<String, Timestamp> = events
            .split(';')
            .filter(|e| !e.is_empty())
            .map(|e| {
                let (k, v) = e.split_once('=').expect("kind=date");
                (k.to_owned(), t(v))
            })
            .collect();
        let field = FieldFacts {
            name: "f",
            category,
            collected_at: (!collected.is_empty()).then(|| t(collected)),
            written_at: t(written),
        };
        let subject = SubjectFacts {
            created_at: t("2026-01-01"),
            events: &events,
            held: *held,
        };
        let got = match fate(&rules, field, subject, t(now)) {
            Fate::Uncovered => "U".to_owned(),
            Fate::Keep(r) => format!("K {}", r.name),
            Fate::Expired { rule, purge_at, .. } => {
                format!("E {} {}", rule.name, &purge_at.to_string()[..10])
            }
            Fate::Purge { rule, .. } => format!("P {}", rule.name),
            Fate::Held(r) => format!("H {}", r.name),
        };
        if got != *want {
            failures.push(format!(
                "row {i}: {category} at {now}: expected {want:?}, got {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn zero_grace_purges_at_expiry_and_the_action_is_the_rules() {
    let mut rules = rules();
    for r in &mut rules {
        r.grace = Period::Days(0);
    }
    let events = BTreeMap::from([("account_closed".to_owned(), t("2026-03-01"))]);
    let subject = SubjectFacts {
        created_at: t("2026-01-01"),
        events: &events,
        held: false,
    };
    let field = FieldFacts {
        name: "f",
        category: "identity.name",
        collected_at: None,
        written_at: t("2026-01-01"),
    };
    match fate(&rules, field, subject, t("2026-05-30")) {
        Fate::Purge { rule, since } => {
            assert_eq!(rule.action, RetentionAction::EraseSubject);
            assert_eq!(since, t("2026-05-30"));
        }
        other => panic!("{other:?}"),
    }
}
