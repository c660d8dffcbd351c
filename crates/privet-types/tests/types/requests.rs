//! The request state machine as a table: (state, verified, step) -> next state or refusal.

use privet_types::{RequestStatus, RequestStep, next_status};

use RequestStatus::{
    Completed as C, Extended as X, InProgress as P, Received as R, Rejected as J, Verified as V,
};
use RequestStep::{Complete, Extend, Reject, Start, Verify};

#[rustfmt::skip]
const TABLE: &[(RequestStatus, bool, RequestStep, Option<RequestStatus>)] = &[
    // Verification: once, from any open state; it moves a fresh request on.
    (R, false, Verify,   Some(V)),
    (X, false, Verify,   Some(X)),
    (V, true,  Verify,   None),
    (P, true,  Verify,   None),
    // Work starts and completes only for a verified customer.
    (R, false, Start,    None),
    (R, false, Complete, None),
    (X, false, Complete, None),
    (V, true,  Start,    Some(P)),
    (X, true,  Start,    Some(P)),
    (P, true,  Start,    None),
    (V, true,  Complete, Some(C)),
    (P, true,  Complete, Some(C)),
    (X, true,  Complete, Some(C)),
    // Extension and refusal: from any open state, verified or not.
    (R, false, Extend,   Some(X)),
    (V, true,  Extend,   Some(X)),
    (P, true,  Extend,   Some(X)),
    (X, true,  Extend,   Some(X)),
    (R, false, Reject,   Some(J)),
    (V, true,  Reject,   Some(J)),
    (P, true,  Reject,   Some(J)),
    (X, false, Reject,   Some(J)),
    // Closed requests take no step.
    (C, true,  Complete, None),
    (C, true,  Extend,   None),
    (C, true,  Reject,   None),
    (J, false, Verify,   None),
    (J, true,  Start,    None),
    (J, true,  Complete, None),
];

#[test]
fn transitions() {
    let mut failures = Vec::new();
    for &(status, verified, step, expected) in TABLE {
        let got = next_status(status, verified, step);
        if got.as_ref().ok().copied() != expected {
            failures.push(format!(
                "{status} (verified {verified}) + {step}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_refusal_names_the_current_state() {
    let err = next_status(C, true, Complete).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the request is completed; it cannot be completed"
    );
    let err = next_status(R, false, Complete).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the request is received and the customer's identity is not verified; it cannot be completed"
    );
}

#[test]
fn names_round_trip() {
    use privet_types::RequestKind;
    for k in RequestKind::ALL {
        assert_eq!(k.as_str().parse::<RequestKind>(), Ok(k));
    }
    for s in RequestStatus::ALL {
        assert_eq!(s.as_str().parse::<RequestStatus>(), Ok(s));
    }
    let err = "delete".parse::<RequestKind>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown request kind: use access, portability, rectify, erase, restrict, opt_out"
    );
}
