//! Data-subject requests: their kinds, their states and the transitions between them, as pure
//! rules. Stored rows and the audit log use these names.

use std::fmt;
use std::str::FromStr;

/// What a customer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// A copy of the data held (GDPR Art. 15, CCPA right to know).
    Access,
    /// The data in a machine-readable form to take elsewhere (GDPR Art. 20).
    Portability,
    /// Correct what is wrong (GDPR Art. 16).
    Rectify,
    /// Erase (GDPR Art. 17, CCPA right to delete).
    Erase,
    /// Stop processing except for legal obligations (GDPR Art. 18).
    Restrict,
    /// Stop selling or sharing (CCPA/CPRA).
    OptOut,
}

impl RequestKind {
    /// Every kind.
    pub const ALL: [RequestKind; 6] = [
        RequestKind::Access,
        RequestKind::Portability,
        RequestKind::Rectify,
        RequestKind::Erase,
        RequestKind::Restrict,
        RequestKind::OptOut,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Portability => "portability",
            RequestKind::Rectify => "rectify",
            RequestKind::Erase => "erase",
            RequestKind::Restrict => "restrict",
            RequestKind::OptOut => "opt_out",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Entered; the customer's identity is not yet verified.
    Received,
    /// Identity verified by a person or a service.
    Verified,
    /// Being worked on.
    InProgress,
    /// Given more time, with a reason and a new due date.
    Extended,
    /// Answered.
    Completed,
    /// Refused, with a reason.
    Rejected,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Received,
        RequestStatus::Verified,
        RequestStatus::InProgress,
        RequestStatus::Extended,
        RequestStatus::Completed,
        RequestStatus::Rejected,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Received => "received",
            RequestStatus::Verified => "verified",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Extended => "extended",
            RequestStatus::Completed => "completed",
            RequestStatus::Rejected => "rejected",
        }
    }

    /// Whether the request still needs an answer.
    pub fn is_open(self) -> bool {
        !matches!(self, RequestStatus::Completed | RequestStatus::Rejected)
    }
}

/// A step in a request's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStep {
    /// The customer's identity was verified.
    Verify,
    /// Work began.
    Start,
    /// More time was taken.
    Extend,
    /// The request was answered.
    Complete,
    /// The request was refused.
    Reject,
}

impl RequestStep {
    /// Every step.
    pub const ALL: [RequestStep; 5] = [
        RequestStep::Verify,
        RequestStep::Start,
        RequestStep::Extend,
        RequestStep::Complete,
        RequestStep::Reject,
    ];

    /// The name in routes and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStep::Verify => "verify",
            RequestStep::Start => "start",
            RequestStep::Extend => "extend",
            RequestStep::Complete => "complete",
            RequestStep::Reject => "reject",
        }
    }
}

/// A step that the request's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the request is {status}{why}; it cannot be {step}")]
pub struct IllegalStep {
    /// The state it is in.
    pub status: RequestStatus,
    /// Why, beyond the state, when there is more to say.
    pub why: &'static str,
    /// What was asked, as a past participle (`completed`).
    pub step: &'static str,
}

/// The state a request moves to when `step` is taken from `status` (identity `verified` or
/// not). Closed requests take no step; a request is verified before work starts or it completes;
/// extension and refusal are open to any open request (the regulation's limits on extensions are
/// checked by [`crate::deadline::RegulationRule::may_extend`]).
pub fn next_status(
    status: RequestStatus,
    verified: bool,
    step: RequestStep,
) -> Result<RequestStatus, IllegalStep> {
    use RequestStatus as S;
    use RequestStep as T;
    let refuse = |why| {
        Err(IllegalStep {
            status,
            why,
            step: match step {
                T::Verify => "verified",
                T::Start => "started",
                T::Extend => "extended",
                T::Complete => "completed",
                T::Reject => "rejected",
            },
        })
    };
    if !status.is_open() {
        return refuse("");
    }
    match step {
        T::Verify if verified => refuse(" and already verified"),
        T::Verify => Ok(if status == S::Received {
            S::Verified
        } else {
            status
        }),
        T::Start | T::Complete if !verified => {
            refuse(" and the customer's identity is not verified")
        }
        T::Start if status == S::InProgress => refuse(""),
        T::Start => Ok(S::InProgress),
        T::Complete => Ok(S::Completed),
        T::Extend => Ok(S::Extended),
        T::Reject => Ok(S::Rejected),
    }
}

macro_rules! names {
    ($t:ty, $err:ident, $what:literal) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[doc = concat!("A ", $what, " name privet does not know.")]
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        #[error("unknown {}: use {}", $what, <$t>::ALL.map(|v| v.as_str()).join(", "))]
        pub struct $err;

        impl FromStr for $t {
            type Err = $err;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$t>::ALL.into_iter().find(|v| v.as_str() == s).ok_or($err)
            }
        }
    };
}

names!(RequestKind, UnknownRequestKind, "request kind");
names!(RequestStatus, UnknownRequestStatus, "request status");

impl fmt::Display for RequestStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
