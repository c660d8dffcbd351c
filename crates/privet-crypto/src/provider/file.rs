use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::KeyProvider;
use super::format::{parse_file, render_file};
use crate::{CryptoError, MasterKeyring, SecretKey, random};

/// Master keys in a text file readable by its owner only (mode 0600).
///
/// Rotation (`add_version`, `retire`) rewrites the file atomically but does not lock it: run it
/// from one process at a time, as the operator commands do.
#[derive(Debug, Clone)]
pub struct FileKeyProvider {
    path: PathBuf,
}

impl FileKeyProvider {
    /// A provider for the key file at `path`; nothing is read until `load`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The key file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the file with one fresh key (version 1) unless it exists. Returns whether it
    /// created the file. Missing parent directories are created owner-only (0700).
    pub fn create_if_missing(&self) -> Result<bool, CryptoError> {
        let dir = self.dir();
        create_private_dir(dir)
            .map_err(|e| self.error(format!("cannot create {}: {e}", dir.display())))?;
        let mut file = match private_options().open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(self.error(format!("cannot create: {e}"))),
        };
        let text = render_file(&MasterKeyring::single(SecretKey::generate()?));
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| sync_dir(dir));
        if let Err(e) = written {
            // A half-written key file would later read as "no usable key": better no file.
            let _ = fs::remove_file(&self.path);
            return Err(self.error(format!("cannot write: {e}")));
        }
        Ok(true)
    }

    /// Rotation: appends a fresh key as the next version, which becomes active. Returns it.
    pub fn add_version(&self) -> Result<u32, CryptoError> {
        let (ring, version) = self.load()?.with_new_version(SecretKey::generate()?)?;
        self.write_atomic(&ring)?;
        Ok(version)
    }

    /// Marks `version` retired and erases its key bytes from the file. Keys still wrapped
    /// under it can no longer be opened, so re-wrap them first. Refuses the active version.
    pub fn retire(&self, version: u32) -> Result<(), CryptoError> {
        let ring = self.load()?.retire(version)?;
        self.write_atomic(&ring)
    }

    fn dir(&self) -> &Path {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        }
    }

    fn error(&self, reason: String) -> CryptoError {
        CryptoError::KeyFile {
            path: self.path.clone(),
            reason,
        }
    }

    fn read_checked(&self) -> Result<Zeroizing<String>, CryptoError> {
        let mut file =
            File::open(&self.path).map_err(|e| self.error(format!("cannot open: {e}")))?;
        // Checked on the open handle, so the file read is the file checked.
        let meta = file
            .metadata()
            .map_err(|e| self.error(format!("cannot stat: {e}")))?;
        if !meta.is_file() {
            return Err(self.error("is not a regular file".into()));
        }
        check_private(&meta).map_err(|reason| {
            self.error(format!("{reason}; run `chmod 600 {}`", self.path.display()))
        })?;
        // Sized up front so the buffer never reallocates, leaving unzeroized copies behind.
        let capacity = usize::try_from(meta.len()).unwrap_or(0).saturating_add(1);
        let mut text = Zeroizing::new(String::with_capacity(capacity));
        file.read_to_string(&mut text)
            .map_err(|e| self.error(format!("cannot read: {e}")))?;
        Ok(text)
    }

    /// Temp file (0600) in the same directory, fsync, rename over, fsync the directory: a crash
    /// leaves either the old file or the new one, never a mix.
    fn write_atomic(&self, ring: &MasterKeyring) -> Result<(), CryptoError> {
        let dir = self.dir();
        let name = self
            .path
            .file_name()
            .ok_or_else(|| self.error("path has no file name".into()))?;
        let suffix: String = random::random_bytes::<8>()?
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let tmp = dir.join(format!(".{}.tmp-{suffix}", name.to_string_lossy()));
        let text = render_file(ring);
        let written = private_options().open(&tmp).and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        });
        if let Err(e) = written.and_then(|()| fs::rename(&tmp, &self.path)) {
            let _ = fs::remove_file(&tmp);
            return Err(self.error(format!("cannot write: {e}")));
        }
        sync_dir(dir).map_err(|e| self.error(format!("cannot sync directory: {e}")))
    }
}

impl KeyProvider for FileKeyProvider {
    fn load(&self) -> Result<MasterKeyring, CryptoError> {
        let text = self.read_checked()?;
        parse_file(&text).map_err(|reason| self.error(reason))
    }

    fn describe(&self) -> String {
        format!("key file {}", self.path.display())
    }
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(unix)]
fn check_private(meta: &fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "permissions {mode:03o} let group or others read the master keys"
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_meta: &fs::Metadata) -> Result<(), String> {
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}
