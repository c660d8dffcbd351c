//! Generators of valid values for each labeled type, and of look-alikes.
//!
//! Every function here draws from a [`Gen`](crate::rng::Gen) and returns the
//! value as it is written into the corpus. Labeled values are valid by the
//! standard rules (see [`crate::checks`]); look-alikes are built to fail them
//! or to be told apart only by context.

pub(crate) mod address;
pub(crate) mod date;
pub(crate) mod financial;
pub(crate) mod negative;
pub(crate) mod net;
pub(crate) mod person;
pub(crate) mod phone;
pub(crate) mod secret;
