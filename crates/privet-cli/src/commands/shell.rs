//! `privet completions` and `privet man`: both are generated from the clap definition of the
//! command line, so they cannot drift from the flags the binary really takes.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::Status;
use crate::cli::Cli;

/// Arguments of `privet completions`.
#[derive(Debug, Args)]
#[command(
    after_help = "EXAMPLES:\n  privet completions bash > /etc/bash_completion.d/privet\n  privet completions zsh > \"${fpath[1]}/_privet\"\n  privet completions fish > ~/.config/fish/completions/privet.fish"
)]
pub(crate) struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_name = "bash|zsh|fish|elvish|powershell")]
    pub shell: Shell,
}

/// Arguments of `privet man`.
#[derive(Debug, Args)]
#[command(
    after_help = "EXAMPLES:\n  privet man | man -l -\n  privet man --dir /usr/local/share/man/man1"
)]
pub(crate) struct ManArgs {
    /// Write privet.1 and one page per subcommand (privet-scan.1, ...) into DIR instead of
    /// printing privet.1 to standard output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the completion script for one shell.
pub(crate) fn completions(args: CompletionsArgs) -> anyhow::Result<Status> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "privet", &mut out);
    write_stdout(&out)?;
    Ok(Status::Ok)
}

/// Prints the man page, or writes a page per command into a directory.
pub(crate) fn man(args: ManArgs) -> anyhow::Result<Status> {
    let cmd = Cli::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("cannot write man pages into {}", dir.display()))?;
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .context("cannot render the man page")?;
            write_stdout(&out)?;
        }
    }
    Ok(Status::Ok)
}

/// Writes all of `bytes` to standard output; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}
