//! `privet completions` and `privet man`: generated from the command definition, so these tests
//! check that each runs, names every subcommand, and that the output is usable by its consumer
//! (bash loads the script; groff renders the page) where that consumer is installed.

use std::process::Command as Process;

use crate::scan::privet;

/// Every subcommand a user can type; the generated outputs must name each one.
const SUBCOMMANDS: [&str; 12] = [
    "scan",
    "redact",
    "reveal",
    "serve",
    "init",
    "check",
    "keys",
    "audit",
    "backup",
    "restore",
    "completions",
    "man",
];

fn stdout_of(args: &[&str]) -> String {
    let output = privet().args(args).output().expect("privet runs");
    assert!(
        output.status.success(),
        "privet {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

#[test]
fn completions_for_each_shell_name_every_subcommand() {
    for (shell, marker) in [
        ("bash", "complete -F _privet"),
        ("zsh", "#compdef privet"),
        ("fish", "complete -c privet"),
    ] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: subcommand {sub} missing");
        }
        assert!(
            script.contains("min-confidence"),
            "{shell}: scan flags missing"
        );
    }
}

#[test]
fn bash_loads_the_completion_script_and_completes_a_subcommand() {
    let script = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("privet.bash");
    std::fs::write(&path, script).expect("write script");
    // Ask the completion function what follows `privet sc`, as bash would on TAB.
    let probe = format!(
        "source {}; COMP_WORDS=(privet sc); COMP_CWORD=1; COMP_LINE='privet sc'; COMP_POINT=9; \
         _privet privet sc privet; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let output = Process::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "bash could not load the script: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let replies = String::from_utf8_lossy(&output.stdout);
    assert!(
        replies.lines().any(|l| l == "scan"),
        "no `scan` among {replies:?}"
    );
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let output = privet()
        .args(["completions", "tcsh"])
        .output()
        .expect("privet runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bash"), "{stderr}");
}

#[test]
fn man_page_is_roff_naming_every_subcommand() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH privet 1"), "no title line");
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "subcommand {sub} missing");
    }
    // groff renders it without warnings where it is installed (it is on Debian with man-db).
    let Ok(mut child) = Process::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("groff not installed: rendering not checked");
        return;
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(page.as_bytes())
        .expect("feed groff");
    let output = child.wait_with_output().expect("groff runs");
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "groff warnings: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("man1");
    stdout_of(&["man", "--dir", target.to_str().expect("utf-8 path")]);
    for page in ["privet.1", "privet-scan.1", "privet-keys.1", "privet-man.1"] {
        let text = std::fs::read_to_string(target.join(page))
            .unwrap_or_else(|e| panic!("{page} not written: {e}"));
        assert!(text.contains(".TH"), "{page} is not a man page");
    }
}
