//! Where master keys come from. A trait, so a cloud KMS can be added beside the file and the
//! environment variable.

mod env;
mod file;
pub(crate) mod format;

pub use env::{EnvKeyProvider, MASTER_KEY_ENV};
pub use file::FileKeyProvider;

use crate::{CryptoError, MasterKeyring};

/// A source of the master keyring.
pub trait KeyProvider: Send + Sync {
    /// Reads and validates the keyring.
    fn load(&self) -> Result<MasterKeyring, CryptoError>;
    /// Where the keys come from, for logs and error messages (never key bytes),
    /// e.g. `key file ./privet-data/master.key`.
    fn describe(&self) -> String;
}
