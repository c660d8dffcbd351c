//! The audit log's vocabulary: what was done and what was decided. Entries store these names,
//! and the chain's hashes cover them, so a name never changes once written.

use std::fmt;

use crate::policy::Operation;

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// Fields written to a subject.
    SubjectWrite,
    /// A subject read for a purpose.
    SubjectRead,
    /// A subject erased.
    SubjectErase,
    /// Subjects looked up by e-mail or phone.
    SubjectLookup,
    /// A token issued.
    TokenCreate,
    /// A token turned back into its value.
    TokenDetokenize,
    /// Consent to a purpose granted.
    ConsentGrant,
    /// Consent to a purpose withdrawn.
    ConsentWithdraw,
    /// A master-key rotation begun.
    KeyRotateStart,
    /// A master-key rotation finished.
    KeyRotateFinish,
    /// A master-key version retired.
    KeyRetire,
    /// A data backup written.
    BackupCreate,
    /// A key-store backup written.
    BackupCreateKeys,
    /// A data backup restored.
    BackupRestore,
    /// A key-store backup restored.
    BackupRestoreKeys,
    /// An API key created.
    ApiKeyCreate,
    /// An API key revoked.
    ApiKeyRevoke,
    /// A legal hold placed on a subject.
    HoldPlace,
    /// A legal hold lifted.
    HoldLift,
    /// A subject's processing restricted.
    RestrictionSet,
    /// A subject's restriction lifted.
    RestrictionLift,
    /// An attempt to tell a vendor about an erasure (its outcome in the reason).
    VendorErasure,
    /// A failed vendor notice put back in the outbox by a person.
    VendorErasureRetry,
    /// A retention purge under one rule, with its counts.
    RetentionPurge,
    /// An event of a subject recorded (activity, account closed...).
    SubjectEvent,
    /// An expired field restored by an administrator during its grace period.
    RetentionRestore,
    /// A customer's request entered.
    RequestCreate,
    /// A step in a customer's request (verified, started, extended, completed, rejected).
    Request(crate::RequestStep),
    /// An operation the caller's role may not perform, refused before it began.
    Refused(Operation),
}

impl AuditAction {
    const NAMED: [AuditAction; 32] = [
        AuditAction::SubjectWrite,
        AuditAction::SubjectRead,
        AuditAction::SubjectErase,
        AuditAction::SubjectLookup,
        AuditAction::TokenCreate,
        AuditAction::TokenDetokenize,
        AuditAction::ConsentGrant,
        AuditAction::ConsentWithdraw,
        AuditAction::KeyRotateStart,
        AuditAction::KeyRotateFinish,
        AuditAction::KeyRetire,
        AuditAction::BackupCreate,
        AuditAction::BackupCreateKeys,
        AuditAction::BackupRestore,
        AuditAction::BackupRestoreKeys,
        AuditAction::ApiKeyCreate,
        AuditAction::ApiKeyRevoke,
        AuditAction::HoldPlace,
        AuditAction::HoldLift,
        AuditAction::RestrictionSet,
        AuditAction::RestrictionLift,
        AuditAction::VendorErasure,
        AuditAction::VendorErasureRetry,
        AuditAction::RetentionPurge,
        AuditAction::SubjectEvent,
        AuditAction::RetentionRestore,
        AuditAction::RequestCreate,
        AuditAction::Request(crate::RequestStep::Verify),
        AuditAction::Request(crate::RequestStep::Start),
        AuditAction::Request(crate::RequestStep::Extend),
        AuditAction::Request(crate::RequestStep::Complete),
        AuditAction::Request(crate::RequestStep::Reject),
    ];

    /// The name stored in the log (`subject.read`; a refused operation by its policy name).
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::SubjectWrite => "subject.write",
            AuditAction::SubjectRead => "subject.read",
            AuditAction::SubjectErase => "subject.erase",
            AuditAction::SubjectLookup => "subject.lookup",
            AuditAction::TokenCreate => "token.create",
            AuditAction::TokenDetokenize => "token.detokenize",
            AuditAction::ConsentGrant => "consent.grant",
            AuditAction::ConsentWithdraw => "consent.withdraw",
            AuditAction::KeyRotateStart => "key.rotate.start",
            AuditAction::KeyRotateFinish => "key.rotate.finish",
            AuditAction::KeyRetire => "key.retire",
            AuditAction::BackupCreate => "backup.create",
            AuditAction::BackupCreateKeys => "backup.create_keys",
            AuditAction::BackupRestore => "backup.restore",
            AuditAction::BackupRestoreKeys => "backup.restore_keys",
            AuditAction::ApiKeyCreate => "api_key.create",
            AuditAction::ApiKeyRevoke => "api_key.revoke",
            AuditAction::HoldPlace => "hold.place",
            AuditAction::HoldLift => "hold.lift",
            AuditAction::RestrictionSet => "restriction.set",
            AuditAction::RestrictionLift => "restriction.lift",
            AuditAction::VendorErasure => "vendor.erasure",
            AuditAction::VendorErasureRetry => "vendor.erasure.retry",
            AuditAction::RetentionPurge => "retention.purge",
            AuditAction::SubjectEvent => "subject.event",
            AuditAction::RetentionRestore => "retention.restore",
            AuditAction::RequestCreate => "request.create",
            AuditAction::Request(step) => match step {
                crate::RequestStep::Verify => "request.verify",
                crate::RequestStep::Start => "request.start",
                crate::RequestStep::Extend => "request.extend",
                crate::RequestStep::Complete => "request.complete",
                crate::RequestStep::Reject => "request.reject",
            },
            AuditAction::Refused(op) => op.name(),
        }
    }

    /// The action a stored name stands for.
    pub fn from_name(name: &str) -> Option<AuditAction> {
        AuditAction::NAMED
            .into_iter()
            .find(|a| a.as_str() == name)
            .or_else(|| Operation::from_name(name).map(AuditAction::Refused))
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What was decided about an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditDecision {
    /// Done (writes, administration).
    Ok,
    /// Shown in clear.
    Allow,
    /// Shown masked.
    Mask,
    /// Some fields shown, some withheld.
    Partial,
    /// Refused.
    Deny,
    /// Looked for and not found.
    Miss,
    /// Failed.
    Error,
}

impl AuditDecision {
    const ALL: [AuditDecision; 7] = [
        AuditDecision::Ok,
        AuditDecision::Allow,
        AuditDecision::Mask,
        AuditDecision::Partial,
        AuditDecision::Deny,
        AuditDecision::Miss,
        AuditDecision::Error,
    ];

    /// The name stored in the log.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditDecision::Ok => "ok",
            AuditDecision::Allow => "allow",
            AuditDecision::Mask => "mask",
            AuditDecision::Partial => "partial",
            AuditDecision::Deny => "deny",
            AuditDecision::Miss => "miss",
            AuditDecision::Error => "error",
        }
    }

    /// The decision a stored name stands for.
    pub fn from_name(name: &str) -> Option<AuditDecision> {
        AuditDecision::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

impl fmt::Display for AuditDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_itself_and_names_are_distinct() {
        let mut names = std::collections::HashSet::new();
        let all = AuditAction::NAMED
            .into_iter()
            .chain(Operation::ALL.into_iter().map(AuditAction::Refused));
        for a in all {
            assert_eq!(AuditAction::from_name(a.as_str()), Some(a));
            assert!(names.insert(a.as_str()), "{a} twice");
        }
        for d in AuditDecision::ALL {
            assert_eq!(AuditDecision::from_name(d.as_str()), Some(d));
        }
        assert_eq!(AuditAction::from_name("subject.delete"), None);
        assert_eq!(AuditDecision::from_name("maybe"), None);
    }

    /// The chain's hashes cover these names: they are the stored format, not labels to tidy.
    #[test]
    fn stored_names_do_not_change() {
        assert_eq!(AuditAction::SubjectRead.as_str(), "subject.read");
        assert_eq!(AuditAction::KeyRotateStart.as_str(), "key.rotate.start");
        assert_eq!(AuditAction::Refused(Operation::Erase).as_str(), "erase");
        assert_eq!(AuditDecision::Miss.as_str(), "miss");
    }
}
