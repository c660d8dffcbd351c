//! The README, followed literally: every ```console block is run as printed and its output
//! compared, so the README cannot drift from the binary.
//!
//! In a block, a line `$ COMMAND` is run with `sh -c` (stderr folded into stdout) in one
//! temporary directory per block, with the `privet` under test first on `PATH`; the lines up to
//! the next `$ ` are its expected output. `$ cat FILE` of a file that does not exist yet
//! creates it with the shown lines: that is how a block shows its input. A comment
//! `<!-- readme-test: gzip SRC DST -->` before a block adds a gzip copy of a file it created.
//! Blocks of other kinds (```sh) show commands that need a running server, a database or files
//! of the reader's own and are not run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A console block: its setup directives and its commands with their expected output.
struct Block {
    line: usize,
    setup: Vec<String>,
    steps: Vec<(String, Vec<String>)>,
}

fn readme() -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    (path, text)
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut setup = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(block) = current.as_mut() {
            if line.trim_end() == "```" {
                out.extend(current.take());
                continue;
            }
            if let Some(cmd) = line.strip_prefix("$ ") {
                block.steps.push((cmd.to_owned(), Vec::new()));
            } else if let Some((_, expected)) = block.steps.last_mut() {
                expected.push(line.to_owned());
            }
            continue;
        }
        if let Some(d) = line
            .trim()
            .strip_prefix("<!-- readme-test:")
            .and_then(|d| d.strip_suffix("-->"))
        {
            setup.push(d.trim().to_owned());
        } else if line.trim_end() == "```console" {
            current = Some(Block {
                line: i + 1,
                setup: std::mem::take(&mut setup),
                steps: Vec::new(),
            });
        }
    }
    out
}

fn normalise(lines: &[String]) -> Vec<String> {
    let mut v: Vec<String> = lines.iter().map(|l| l.trim_end().to_owned()).collect();
    while v.last().is_some_and(String::is_empty) {
        v.pop();
    }
    v
}

fn gzip(dir: &Path, from: &str, to: &str) {
    let data = std::fs::read(dir.join(from)).unwrap_or_else(|e| panic!("gzip {from}: {e}"));
    let file = std::fs::File::create(dir.join(to)).expect("gzip target");
    let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    enc.write_all(&data).expect("gzip");
    enc.finish().expect("gzip");
}

fn run(block: &Block, dir: &Path, bin_dir: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let mut setup_done = false;
    for (cmd, expected) in &block.steps {
        if let Some(file) = cmd.strip_prefix("cat ").map(str::trim)
            && !dir.join(file).exists()
        {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            let mut body = expected.join("\n");
            body.push('\n');
            std::fs::write(&path, body).expect("write fixture");
            continue;
        }
        if !setup_done {
            setup(block, dir);
            setup_done = true;
        }
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{{ {cmd}\n}} 2>&1"))
            .current_dir(dir)
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .env_remove("PRIVET_MASTER_KEY")
            .env_remove("PRIVET_DEID_KEY")
            .output()
            .expect("sh runs");
        let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        let (got, want) = (normalise(&got), normalise(expected));
        if got != want {
            failures.push(format!(
                "README block at line {}: `$ {cmd}`\n--- expected\n{}\n--- got\n{}",
                block.line,
                want.join("\n"),
                got.join("\n")
            ));
        }
    }
    if !setup_done {
        setup(block, dir);
    }
    failures
}

fn setup(block: &Block, dir: &Path) {
    for d in &block.setup {
        match d.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["gzip", from, to] => gzip(dir, from, to),
            other => panic!(
                "README line {}: unknown readme-test directive {other:?}",
                block.line
            ),
        }
    }
}

#[test]
fn every_console_block_of_the_readme_runs_as_printed() {
    let (path, text) = readme();
    let blocks = blocks(&text);
    assert!(
        !blocks.is_empty(),
        "{} has no console blocks",
        path.display()
    );
    let bin = assert_cmd::cargo::cargo_bin("privet");
    let bin_dir = bin.parent().expect("binary directory");
    let mut failures = Vec::new();
    let mut commands = 0;
    // Blocks that follow each other without prose between them share their files.
    let dir = tempfile::tempdir().expect("temporary directory");
    for block in &blocks {
        commands += block.steps.len();
        failures.extend(run(block, dir.path(), bin_dir));
    }
    assert!(commands >= 5, "only {commands} commands found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
