//! Expanding what the user named into the list of sources to read.

use std::path::{Path, PathBuf};

use privet_formats::{DbUrl, parse_db_url};

/// One thing to read: a file, or a database whose tables become sources.
#[derive(Clone, Debug)]
pub enum SourceSpec {
    /// A file, found by walking or named on the command line.
    File {
        /// Where it is.
        path: PathBuf,
        /// Named by the user rather than found by walking a folder: a binary
        /// file named explicitly is an error, one met while walking is skipped.
        explicit: bool,
        /// Size in bytes when known, for the progress bar.
        size: u64,
    },
    /// A database; its tables are listed when it is opened.
    Database(DbUrl),
    /// A path that could not be walked or opened while planning; reading it
    /// reports the error in order with every other problem.
    Unreadable(PlanError),
}

/// A path that could not be walked.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct PlanError {
    /// The path (or folder entry) that failed.
    pub path: String,
    /// What went wrong, without any file contents.
    pub reason: String,
}

/// Expands inputs into sources, walking folders with ignore rules.
///
/// Sources come in a stable order (inputs as given, folders walked sorted by
/// file name); paths that could not be read are [`SourceSpec::Unreadable`].
pub fn plan_sources(inputs: &[String], no_ignore: bool) -> Vec<SourceSpec> {
    let mut specs = Vec::new();
    for input in inputs {
        if let Some(url) = parse_db_url(input) {
            specs.push(SourceSpec::Database(url));
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, no_ignore, &mut specs),
            Ok(meta) => specs.push(file_spec(path, true, meta.len())),
            Err(err) => specs.push(SourceSpec::Unreadable(PlanError {
                path: input.clone(),
                reason: io_reason(&err),
            })),
        }
    }
    specs
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// A file to read, or a database when its header says SQLite, whatever its name: a `shop.db`
/// in a folder is scanned table by table, not skipped as binary.
fn file_spec(path: &Path, explicit: bool, size: u64) -> SourceSpec {
    let mut head = [0u8; 16];
    let is_sqlite = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| &head == SQLITE_MAGIC);
    if is_sqlite {
        SourceSpec::Database(DbUrl::Sqlite(path.to_path_buf()))
    } else {
        SourceSpec::File {
            path: path.to_path_buf(),
            explicit,
            size,
        }
    }
}

fn walk(root: &Path, no_ignore: bool, specs: &mut Vec<SourceSpec>) {
    // Hidden files are scanned: `.env` and dotfiles are exactly where
    // credentials and customer exports hide. Only VCS internals are skipped.
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(!no_ignore)
        .git_global(!no_ignore)
        .git_exclude(!no_ignore)
        .ignore(!no_ignore)
        .parents(!no_ignore)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                specs.push(file_spec(entry.path(), false, size));
            }
            Err(err) => specs.push(SourceSpec::Unreadable(walk_error(root, &err))),
        }
    }
}

fn walk_error(root: &Path, err: &ignore::Error) -> PlanError {
    let path = walk_error_path(err).unwrap_or(root).display().to_string();
    let reason = match err.io_error() {
        Some(io) => io_reason(io),
        None => "could not be walked".to_owned(),
    };
    PlanError { path, reason }
}

fn walk_error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

/// A short reason for an I/O error that never echoes file contents.
pub(crate) fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(specs: &[SourceSpec]) -> Vec<String> {
        specs
            .iter()
            .filter_map(|s| match s {
                SourceSpec::File { path, .. } => {
                    Some(path.file_name()?.to_string_lossy().into_owned())
                }
                SourceSpec::Database(_) | SourceSpec::Unreadable(_) => None,
            })
            .collect()
    }

    #[test]
    fn walks_folders_honouring_ignore_files_unless_told_not_to() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".gitignore"), "skip.log\n").expect("write");
        std::fs::write(dir.path().join("keep.csv"), "a\n1\n").expect("write");
        std::fs::write(dir.path().join("skip.log"), "x\n").expect("write");
        std::fs::write(dir.path().join(".env"), "PASSWORD=x\n").expect("write");
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
        std::fs::write(dir.path().join(".git").join("config"), "x\n").expect("write");
        let root = dir.path().display().to_string();

        let specs = plan_sources(std::slice::from_ref(&root), false);
        assert_eq!(names(&specs), [".env", ".gitignore", "keep.csv"]);

        let specs = plan_sources(&[root], true);
        assert_eq!(
            names(&specs),
            [".env", ".gitignore", "keep.csv", "skip.log"]
        );
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let specs = plan_sources(&["/no/such/privet/input".to_owned()], false);
        let [SourceSpec::Unreadable(err)] = specs.as_slice() else {
            panic!("expected one unreadable spec: {specs:?}");
        };
        assert_eq!(
            err.to_string(),
            "/no/such/privet/input: no such file or directory"
        );
    }

    #[test]
    fn database_urls_are_not_paths() {
        let specs = plan_sources(&["sqlite://shop.db".to_owned()], false);
        assert!(matches!(specs.as_slice(), [SourceSpec::Database(_)]));
    }
}
