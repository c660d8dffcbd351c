//! Retention in the vault: events that anchor the rules, and purges that delete what the rules
//! say is past its time (a dry run counts the same without deleting), skipping legal holds,
//! erasing subjects left with nothing exactly as an erasure request would, and leaving a
//! receipt and an audit entry per rule.

use std::collections::BTreeMap;

use futures_util::{StreamExt, stream};
use jiff::Timestamp;
use privet_crypto::random_bytes;
use privet_store::{Op, PurgeReceipt, RetentionFacts, StoreError, WriteUnit};
use privet_types::policy::Operation;
use privet_types::retention::{
    Fate, FieldFacts, RetentionAction, RetentionRule, SubjectFacts, fate,
};
use privet_types::{AuditAction, FieldName, SubjectId};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::tokens::base32_id;

/// Subjects read per round.
const PAGE: i64 = 500;
/// Subjects whose same fields go in one statement.
const CHUNK: usize = 64;
/// Purge writes that may wait for the writer at once (see [`Vault::apply`]'s note).
const IN_FLIGHT: usize = 4;
/// How long a node's lease on a rule's purge lasts; a node that dies frees it after this.
const LEASE_SECS: i64 = 3600;

/// What to purge.
#[derive(Debug, Clone, Default)]
pub struct PurgeOptions {
    /// Only this rule (all when None).
    pub rule: Option<String>,
    /// Count without deleting.
    pub dry_run: bool,
}

/// What one rule did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleCounts {
    /// The rule.
    pub rule: String,
    /// Its owner.
    pub owner: String,
    /// Fields deleted.
    pub fields: u64,
    /// Subjects erased.
    pub subjects_erased: u64,
    /// Subjects a legal hold kept.
    pub held: u64,
    /// Fields deleted by category.
    pub by_category: BTreeMap<String, u64>,
}

/// A purge run.
#[derive(Debug, Clone, Default)]
pub struct PurgeReport {
    /// Per rule, in the policy's order.
    pub rules: Vec<RuleCounts>,
    /// Subjects looked at.
    pub subjects: u64,
    /// Whether nothing was deleted.
    pub dry_run: bool,
}

/// An expired field brought back by [`Vault::restore_field`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The rule it expired under.
    pub rule: String,
    /// When it was restored.
    pub restored_at: Timestamp,
    /// When its rule's time is up again (at the earliest: an anchor event may come later).
    pub expires_at: Option<Timestamp>,
}

/// What one subject's purge needs.
struct SubjectPlan {
    subject: SubjectId,
    /// Fields to delete (name, category) and the rule of each.
    fields: Vec<(privet_types::FieldName, String, usize)>,
    /// Erase the subject, under this rule.
    erase: Option<usize>,
    categories: Vec<String>,
    /// The (rule, category) of each field counted for it, to take back if nothing is deleted.
    counted: Vec<(usize, String)>,
    /// Whether a field to delete was restored once (its restore event goes with it).
    restored: bool,
}

impl Vault {
    /// Records an event of a subject (`activity`, `account_closed` or a name), at `at` or now.
    pub async fn record_event(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        kind: &str,
        at: Option<Timestamp>,
    ) -> Result<()> {
        self.require(actor, Operation::Write, Some(subject.as_str()))
            .await?;
        let shaped = !kind.is_empty()
            && kind.len() <= 64
            && kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !shaped {
            return Err(VaultError::BadRequest(
                "kind: activity, account_closed or a name of a-z, 0-9 and _ (up to 64)".into(),
            ));
        }
        let now = self.now();
        let at = at.map_or(now, crate::store_precision);
        if at > now {
            return Err(VaultError::BadRequest(
                "at: must not be in the future".into(),
            ));
        }
        if self.store.subject(subject).await?.is_none() {
            return Err(VaultError::NotFound("subject"));
        }
        let mut draft = self.draft(actor, AuditAction::SubjectEvent);
        draft.subject = Some(subject.to_string());
        draft.reason = Some(format!("kind={kind}"));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::RecordEvent {
                    subject: subject.clone(),
                    kind: kind.to_owned(),
                    at,
                }],
                audit: vec![draft],
            })
            .await?;
        Ok(())
    }

    /// Restores an expired field of a subject: its rule starts again from now, as if the field
    /// were collected (and the subject active) now, so reads see it again. Open to roles that may
    /// erase, for a field past its time and not yet purged (the grace period is the window that
    /// is sure to exist); audited with the field's category, never its value.
    pub async fn restore_field(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        name: &privet_types::FieldName,
    ) -> Result<Restored> {
        self.require(actor, Operation::Erase, Some(subject.as_str()))
            .await?;
        let record = self
            .store
            .subject(subject)
            .await?
            .ok_or(VaultError::NotFound("subject"))?;
        let field = record
            .fields
            .iter()
            .find(|f| f.name == name.as_str())
            .ok_or(VaultError::NotFound("field"))?;
        let policy = self.policy();
        let events = self.store.subject_events(subject).await?;
        let now = self.now();
        let created_at = Timestamp::from_millisecond(record.created_at).unwrap_or(now);
        let rules = &policy.rights().retention;
        let rule = match crate::records::stored_fate(rules, field, created_at, &events, now) {
            Fate::Expired { rule, .. } | Fate::Purge { rule, .. } | Fate::Held(rule) => rule,
            Fate::Keep(_) | Fate::Uncovered => {
                return Err(VaultError::WrongState(
                    "the field has not expired, so there is nothing to restore".into(),
                ));
            }
        };
        let mut draft = self.draft(actor, AuditAction::RetentionRestore);
        draft.subject = Some(subject.to_string());
        draft.categories = vec![field.category.clone()];
        draft.reason = Some(format!("field={} rule={}", name.as_str(), rule.name));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::RecordEvent {
                    subject: subject.clone(),
                    kind: privet_types::retention::restore_event(name.as_str()),
                    at: now,
                }],
                audit: vec![draft],
            })
            .await?;
        let quiet = rule.inactive_for.and_then(|p| p.after(now));
        Ok(Restored {
            rule: rule.name.clone(),
            restored_at: now,
            expires_at: rule
                .keep_for
                .after(now)
                .map(|at| quiet.map_or(at, |q| at.max(q))),
        })
    }

    /// Runs the retention rules over every subject once. `progress` hears the number of subjects
    /// looked at so far.
    pub async fn purge(
        &self,
        actor: &Actor,
        options: &PurgeOptions,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<PurgeReport> {
        self.require(actor, Operation::Erase, None).await?;
        self.purge_unchecked(actor, options, progress).await
    }

    /// Runs every rule whose schedule says it is due, once each, on this node only if it takes
    /// the rule's lease (with several nodes on one database exactly one runs a given purge). A
    /// rule that never ran, or missed runs while privet was down, runs now, once.
    pub async fn run_due_purges(&self, node: &str) -> Result<Vec<PurgeReport>> {
        let policy = self.policy();
        let last_runs = self.store.purge_schedule().await?;
        let mut reports = Vec::new();
        for rule in &policy.rights().retention {
            let now = self.now();
            let seen_last_run = last_runs.get(&rule.name).copied();
            let due = rule
                .schedule
                .next_run(seen_last_run)
                .is_none_or(|next| next <= now);
            if !due {
                continue;
            }
            let claim = self
                .store
                .commit(WriteUnit {
                    ops: vec![Op::ClaimPurge {
                        rule: rule.name.clone(),
                        node: node.to_owned(),
                        now,
                        until: now
                            .checked_add(jiff::SignedDuration::from_secs(LEASE_SECS))
                            .unwrap_or(now),
                        seen_last_run,
                    }],
                    audit: Vec::new(),
                })
                .await;
            match claim {
                Ok(_) => {}
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
            let options = PurgeOptions {
                rule: Some(rule.name.clone()),
                dry_run: false,
            };
            let report = self
                .purge_unchecked(&Actor::system(), &options, &|_| {})
                .await?;
            self.store
                .commit(WriteUnit {
                    ops: vec![Op::FinishPurge {
                        rule: rule.name.clone(),
                        node: node.to_owned(),
                        started: now,
                    }],
                    audit: Vec::new(),
                })
                .await?;
            reports.push(report);
        }
        Ok(reports)
    }

    async fn purge_unchecked(
        &self,
        actor: &Actor,
        options: &PurgeOptions,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<PurgeReport> {
        let policy = self.policy();
        let all = &policy.rights().retention;
        if let Some(name) = &options.rule
            && !all.iter().any(|r| &r.name == name)
        {
            return Err(VaultError::BadRequest(format!(
                "rule '{}' is not declared under [retention] in privet.toml",
                crate::ids::shown(name)
            )));
        }
        let rules: Vec<RetentionRule> = all
            .iter()
            .filter(|r| options.rule.as_ref().is_none_or(|n| &r.name == n))
            .cloned()
            .collect();
        let started = self.now();
        let mut counts: Vec<RuleCounts> = rules
            .iter()
            .map(|r| RuleCounts {
                rule: r.name.clone(),
                owner: r.owner.clone(),
                ..RuleCounts::default()
            })
            .collect();
        let mut report = PurgeReport {
            dry_run: options.dry_run,
            ..PurgeReport::default()
        };
        let mut page = self.store.retention_page(None, PAGE, started).await?;
        while let Some(last) = page.last() {
            let after = last.subject.clone();
            let mut plans = Vec::new();
            for facts in &page {
                if let Some(plan) = plan(&rules, facts, started, &mut counts) {
                    plans.push(plan);
                }
            }
            report.subjects += page.len() as u64;
            // The next page is read while this one's deletes commit: its subjects come after
            // this page's, so nothing deleted here is in it.
            let next = self.store.retention_page(Some(&after), PAGE, started);
            page = if options.dry_run {
                next.await?
            } else {
                let (applied, next) = futures_util::future::join(
                    self.apply(actor, plans, started, &mut counts),
                    next,
                )
                .await;
                applied?;
                next?
            };
            progress(report.subjects);
        }
        if !options.dry_run {
            self.file_receipts(actor, &counts, started).await?;
            // During a large purge SQLite's WAL grows long, holding the deleted fields' old
            // pages, sealed under keys that still live; emptied now, no copy outlasts the purge.
            if let Err(e) = self.store.checkpoint().await {
                tracing::warn!(error = %e, "emptying the WAL after a purge failed; the next write-ahead restart overwrites it");
            }
        }
        report.rules = counts;
        Ok(report)
    }

    /// Deletes what the plans say. Subjects losing the same fields go together, [`CHUNK`] to a
    /// statement, and at most [`IN_FLIGHT`] units wait for the writer at once: enough that it
    /// always has a batch, few enough that no commit holds the store long enough to stall the
    /// reads served beside the purge. Erasures go subject by subject. A chunk refused because a
    /// hold was placed on one of its subjects since the page was read is retried subject by
    /// subject, so only the held ones are kept (and counted as held); a subject erased in the
    /// meantime is no longer counted.
    async fn apply(
        &self,
        actor: &Actor,
        plans: Vec<SubjectPlan>,
        at: Timestamp,
        counts: &mut [RuleCounts],
    ) -> Result<()> {
        let mut by_fields: BTreeMap<Vec<FieldName>, Vec<&SubjectPlan>> = BTreeMap::new();
        let mut groups: Vec<Vec<&SubjectPlan>> = Vec::new();
        for p in &plans {
            match p.erase {
                Some(_) => groups.push(vec![p]),
                None => by_fields
                    .entry(p.fields.iter().map(|(name, _, _)| name.clone()).collect())
                    .or_default()
                    .push(p),
            }
        }
        for same in by_fields.into_values() {
            groups.extend(same.chunks(CHUNK).map(<[_]>::to_vec));
        }
        let units: Vec<_> = groups
            .iter()
            .map(|group| self.purge_unit(actor, group, at))
            .collect::<Result<_>>()?;
        let results: Vec<_> = stream::iter(units.into_iter().map(|u| self.store.commit_bulk(u)))
            .buffered(IN_FLIGHT)
            .collect()
            .await;
        for (group, result) in groups.iter().zip(results) {
            match (group.as_slice(), result) {
                (_, Ok(_)) => {}
                ([p], failed) => uncount(p, failed, counts)?,
                (_, Err(StoreError::LegalHold(_))) => {
                    for p in group {
                        let unit = self.purge_unit(actor, &[*p], at)?;
                        let alone = self.store.commit_bulk(unit).await;
                        uncount(p, alone, counts)?;
                    }
                }
                (_, Err(e)) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// The write of a group of subjects: an erasure (a group of one), or the same fields of each.
    fn purge_unit(
        &self,
        actor: &Actor,
        group: &[&SubjectPlan],
        at: Timestamp,
    ) -> Result<WriteUnit> {
        let ops = match group {
            [p] if p.erase.is_some() => {
                let mut ops = vec![Op::EraseSubject {
                    subject: p.subject.clone(),
                    at,
                    by: actor.id.clone(),
                }];
                ops.extend(self.vendor_notices(&p.subject, &p.categories, None, at)?);
                ops
            }
            _ => vec![Op::DeleteFields {
                subjects: group.iter().map(|p| p.subject.clone()).collect(),
                names: group
                    .first()
                    .map(|p| p.fields.iter().map(|(name, _, _)| name.clone()).collect())
                    .unwrap_or_default(),
                restored: group.iter().any(|p| p.restored),
                at,
            }],
        };
        Ok(WriteUnit {
            ops,
            audit: Vec::new(),
        })
    }

    /// One receipt and one audit entry per rule, in one commit.
    async fn file_receipts(
        &self,
        actor: &Actor,
        counts: &[RuleCounts],
        started: Timestamp,
    ) -> Result<()> {
        let finished = self.now();
        let mut ops = Vec::with_capacity(counts.len());
        let mut audit = Vec::with_capacity(counts.len());
        for c in counts {
            let receipt = PurgeReceipt {
                id: base32_id("prg_", &random_bytes::<15>()?),
                rule: c.rule.clone(),
                owner: c.owner.clone(),
                started_at: started,
                finished_at: finished,
                fields: c.fields,
                subjects_erased: c.subjects_erased,
                held: c.held,
                by_category: c.by_category.clone(),
            };
            let mut draft = self.draft(actor, AuditAction::RetentionPurge);
            draft.categories = c.by_category.keys().cloned().collect();
            draft.reason = Some(format!(
                "rule={} receipt={} fields={} subjects_erased={} held={}",
                c.rule, receipt.id, c.fields, c.subjects_erased, c.held
            ));
            ops.push(Op::InsertPurgeReceipt(receipt));
            audit.push(draft);
        }
        if !ops.is_empty() {
            self.store.commit(WriteUnit { ops, audit }).await?;
        }
        Ok(())
    }

    /// Purge receipts, newest first.
    pub async fn purge_receipts(&self, actor: &Actor, limit: i64) -> Result<Vec<PurgeReceipt>> {
        self.require(actor, Operation::Audit, None).await?;
        Ok(self.store.purge_receipts(limit).await?)
    }
}

/// Takes back what a subject's plan counted when its write did not go through: held (counted
/// as held) or gone since the page was read. Other failures stop the purge.
fn uncount(
    p: &SubjectPlan,
    result: std::result::Result<privet_store::UnitOutcome, StoreError>,
    counts: &mut [RuleCounts],
) -> Result<()> {
    let held = match result {
        Ok(_) => return Ok(()),
        Err(StoreError::LegalHold(_)) => true,
        Err(StoreError::NotFound(_)) => false,
        Err(e) => return Err(e.into()),
    };
    let mut rules: Vec<usize> = p.counted.iter().map(|(r, _)| *r).collect();
    rules.sort_unstable();
    rules.dedup();
    if let Some(r) = p.erase {
        counts[r].subjects_erased = counts[r].subjects_erased.saturating_sub(1);
    }
    if held {
        for r in rules {
            counts[r].held += 1;
        }
    }
    for (r, category) in &p.counted {
        counts[*r].fields = counts[*r].fields.saturating_sub(1);
        if let Some(n) = counts[*r].by_category.get_mut(category) {
            *n = n.saturating_sub(1);
        }
    }
    Ok(())
}

/// What the rules say about one subject at `now`, counted into `counts`.
fn plan(
    rules: &[RetentionRule],
    facts: &RetentionFacts,
    now: Timestamp,
    counts: &mut [RuleCounts],
) -> Option<SubjectPlan> {
    let subject = SubjectFacts {
        created_at: facts.created_at,
        events: &facts.events,
        held: facts.held,
    };
    let index = |r: &RetentionRule| rules.iter().position(|x| x.name == r.name);
    let mut doomed = Vec::new();
    let mut erase = None;
    let mut held = Vec::new();
    for f in &facts.fields {
        let field = FieldFacts {
            name: f.name.as_str(),
            category: &f.category,
            collected_at: f.collected_at,
            written_at: f.written_at,
        };
        match fate(rules, field, subject, now) {
            Fate::Purge { rule, .. } => {
                let Some(i) = index(rule) else { continue };
                if rule.action == RetentionAction::EraseSubject {
                    erase.get_or_insert(i);
                }
                doomed.push((f.name.clone(), f.category.clone(), i));
            }
            Fate::Held(rule) => held.extend(index(rule)),
            Fate::Uncovered | Fate::Keep(_) | Fate::Expired { .. } => {}
        }
    }
    held.sort_unstable();
    held.dedup();
    for i in held {
        counts[i].held += 1;
    }
    if doomed.is_empty() {
        return None;
    }
    let categories: Vec<String> = facts.fields.iter().map(|f| f.category.clone()).collect();
    // Nothing left after the purge: the subject goes, as an erasure would.
    let erase = erase.or_else(|| (doomed.len() == facts.fields.len()).then(|| doomed[0].2));
    let counted: Vec<(usize, String)> = match erase {
        Some(r) => facts
            .fields
            .iter()
            .map(|f| (r, f.category.clone()))
            .collect(),
        None => doomed.iter().map(|(_, c, i)| (*i, c.clone())).collect(),
    };
    for (r, category) in &counted {
        counts[*r].fields += 1;
        *counts[*r].by_category.entry(category.clone()).or_default() += 1;
    }
    if let Some(r) = erase {
        counts[r].subjects_erased += 1;
    }
    let restored = doomed.iter().any(|(name, _, _)| {
        facts
            .events
            .contains_key(&privet_types::retention::restore_event(name.as_str()))
    });
    Some(SubjectPlan {
        restored,
        subject: facts.subject.clone(),
        fields: if erase.is_some() { Vec::new() } else { doomed },
        erase,
        categories,
        counted,
    })
}
