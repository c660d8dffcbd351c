//! Retention in the vault: events that anchor the rules, and purges that delete what the rules
//! say is past its time (a dry run counts the same without deleting), skipping legal holds,
//! erasing subjects left with nothing exactly as an erasure request would, and leaving a
//! receipt and an audit entry per rule.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use jiff::Timestamp;
use privet_crypto::random_bytes;
use privet_store::{Op, PurgeReceipt, RetentionFacts, StoreError, WriteUnit};
use privet_types::policy::Operation;
use privet_types::retention::{
    Fate, FieldFacts, RetentionAction, RetentionRule, SubjectFacts, fate,
};
use privet_types::{AuditAction, SubjectId};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::tokens::base32_id;

/// Subjects read and purged per round; their writes share group commits.
const PAGE: i64 = 500;
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
        let mut after: Option<SubjectId> = None;
        loop {
            let page = self
                .store
                .retention_page(after.as_ref(), PAGE, started)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.subject.clone());
            let mut plans = Vec::new();
            for facts in &page {
                if let Some(plan) = plan(&rules, facts, started, &mut counts) {
                    plans.push(plan);
                }
            }
            if !options.dry_run {
                self.apply(actor, plans, started, &mut counts).await?;
            }
            report.subjects += page.len() as u64;
            progress(report.subjects);
        }
        if !options.dry_run {
            self.file_receipts(actor, &counts, started).await?;
        }
        report.rules = counts;
        Ok(report)
    }

    /// Deletes what the plans say, subject by subject in concurrent units that share group
    /// commits. A subject erased or held in the meantime is left as it is and no longer counted.
    async fn apply(
        &self,
        actor: &Actor,
        plans: Vec<SubjectPlan>,
        at: Timestamp,
        counts: &mut [RuleCounts],
    ) -> Result<()> {
        let mut units = Vec::with_capacity(plans.len());
        for p in &plans {
            let ops = match p.erase {
                Some(_) => {
                    let mut ops = vec![Op::EraseSubject {
                        subject: p.subject.clone(),
                        at,
                        by: actor.id.clone(),
                    }];
                    ops.extend(self.vendor_notices(&p.subject, &p.categories, None, at)?);
                    ops
                }
                None => p
                    .fields
                    .iter()
                    .map(|(name, _, _)| Op::DeleteField {
                        subject: p.subject.clone(),
                        name: name.clone(),
                    })
                    .collect(),
            };
            units.push(self.store.commit(WriteUnit {
                ops,
                audit: Vec::new(),
            }));
        }
        for (p, result) in plans.iter().zip(join_all(units).await) {
            match result {
                Ok(_) => {}
                Err(StoreError::LegalHold(_)) | Err(StoreError::NotFound(_)) => {
                    // Held or gone since the page was read: nothing deleted, so not counted.
                    if let Some(r) = p.erase {
                        counts[r].subjects_erased = counts[r].subjects_erased.saturating_sub(1);
                        counts[r].held += 1;
                    }
                    for (r, category) in &p.counted {
                        counts[*r].fields = counts[*r].fields.saturating_sub(1);
                        if let Some(n) = counts[*r].by_category.get_mut(category) {
                            *n = n.saturating_sub(1);
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
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
    Some(SubjectPlan {
        subject: facts.subject.clone(),
        fields: if erase.is_some() { Vec::new() } else { doomed },
        erase,
        categories,
        counted,
    })
}
