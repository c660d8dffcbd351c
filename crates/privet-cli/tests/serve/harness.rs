//! A `privet serve` process per test: a temporary directory (data dir, logs, backups), the store
//! (SQLite in the data dir, or a PostgreSQL database of the test's own, dropped afterwards), the
//! server started on a free port with debug logs captured to files, and the operator commands
//! pointed at the same vault.

use std::ffi::OsString;
use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use privet_testkit::postgres::{TempDatabase, postgres_base};
use tempfile::TempDir;

use super::http::Client;

/// How long a server may take to say it is serving.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Variables of the developer's shell that would point the binary elsewhere.
const PRIVET_VARS: [&str; 10] = [
    "PRIVET_LOG",
    "PRIVET_DEID_KEY",
    "PRIVET_DATA_DIR",
    "PRIVET_DATABASE_URL",
    "PRIVET_MASTER_KEY",
    "PRIVET_MASTER_KEY_FILE",
    "PRIVET_POLICY",
    "PRIVET_LISTEN",
    "PRIVET_TLS_CERT",
    "PRIVET_TLS_KEY",
];

/// Where one test's vault lives.
pub struct Env {
    /// `sqlite` or `postgres`, for messages.
    pub backend: &'static str,
    dir: TempDir,
    database: Option<TempDatabase>,
    started: AtomicU32,
}

impl Env {
    /// A vault on SQLite in a fresh temporary directory.
    pub fn sqlite() -> Env {
        Env {
            backend: "sqlite",
            dir: TempDir::new().expect("temporary directory"),
            database: None,
            started: AtomicU32::new(0),
        }
    }

    /// A vault on a fresh PostgreSQL database, or None (with the reason on stderr) when
    /// `PRIVET_TEST_POSTGRES_URL` is unset. Under `CI=true` a missing server fails the test.
    pub fn postgres() -> Option<Env> {
        let base = postgres_base()?;
        Some(Env {
            backend: "postgres",
            dir: TempDir::new().expect("temporary directory"),
            database: Some(TempDatabase::create(&base)),
            started: AtomicU32::new(0),
        })
    }

    /// The temporary directory: data dir, logs, backups, policy files.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The data directory (SQLite's files and the master key).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The flags that name this vault, for `serve` and the operator commands.
    pub fn vault_args(&self) -> Vec<OsString> {
        let mut args = vec![OsString::from("--data-dir"), self.data_dir().into()];
        if let Some(db) = &self.database {
            args.push("--database".into());
            args.push(db.url().into());
        }
        args
    }

    /// The `privet` binary, run in the temporary directory with the shell's PRIVET_* variables
    /// removed.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("privet"));
        cmd.current_dir(self.dir.path()).stdin(Stdio::null());
        for var in PRIVET_VARS {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Runs `privet ARGS` followed by this vault's flags.
    pub fn privet(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .args(self.vault_args())
            .output()
            .expect("privet runs")
    }

    /// Runs `privet ARGS` with this vault's flags and asserts success; returns stdout.
    #[track_caller]
    pub fn privet_ok(&self, args: &[&str]) -> String {
        let out = self.privet(args);
        assert!(
            out.status.success(),
            "privet {args:?} failed ({}) on {}:\n{}",
            out.status,
            self.backend,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// A new API key for `role`, made by `privet keys create-api-key`.
    pub fn create_api_key(&self, role: &str) -> String {
        let stdout = self.privet_ok(&["keys", "create-api-key", "--role", role]);
        stdout.trim().to_owned()
    }

    /// Starts `privet serve` on this vault; panics with its log if it does not come up.
    pub fn start(&self) -> Server {
        self.start_with(&[])
    }

    /// Starts `privet serve EXTRA...` on this vault; panics with its log if it does not come up.
    pub fn start_with(&self, extra: &[&str]) -> Server {
        match self.try_start(extra) {
            Ok(server) => server,
            Err(exited) => panic!(
                "privet serve exited with {:?} on {}:\n{}",
                exited.code, self.backend, exited.stderr
            ),
        }
    }

    /// Starts `privet serve` on this vault, its client holding `key` (made earlier): for a vault
    /// that can no longer write, so no key can be made now.
    pub fn start_with_key(&self, key: &str) -> Server {
        let vault_args = self.vault_args();
        let mut server = self
            .spawn_serve(
                |cmd| {
                    cmd.args(vault_args).args(["--listen", "127.0.0.1:0"]);
                },
                AdminKey::Later,
            )
            .unwrap_or_else(|e| panic!("privet serve exited: {}", e.stderr));
        server.admin_key = key.to_owned();
        server
    }

    /// `privet init`'s policy with `extra` appended (vendors, retention rules...), written to
    /// privet.toml in this vault's directory; its path. Retention rules in `extra` replace the
    /// default's, which would overlap them.
    pub fn policy_with(&self, extra: &str) -> PathBuf {
        let path = self.path().join("privet.toml");
        let out = self
            .command()
            .arg("init")
            .arg(&path)
            .output()
            .expect("privet init runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut text = std::fs::read_to_string(&path).expect("privet init wrote the policy");
        if extra.contains("[retention.") {
            text = privet_testkit::policy::without_retention(&text);
        }
        text.push('\n');
        text.push_str(extra);
        std::fs::write(&path, text).expect("write the policy");
        path
    }

    /// Starts `privet serve EXTRA...` with environment variables `vars` set for it alone.
    pub fn start_with_env(&self, extra: &[&str], vars: &[(&str, &str)]) -> Server {
        let vault_args = self.vault_args();
        self.spawn_serve(
            |cmd| {
                cmd.args(vault_args)
                    .args(["--listen", "127.0.0.1:0"])
                    .args(extra)
                    .envs(vars.iter().copied());
            },
            AdminKey::Create,
        )
        .unwrap_or_else(|e| panic!("privet serve exited: {}", e.stderr))
    }

    /// Starts `privet serve EXTRA...` and waits for it to serve, or for it to exit.
    pub fn try_start(&self, extra: &[&str]) -> Result<Server, Exited> {
        let vault_args = self.vault_args();
        self.spawn_serve(
            |cmd| {
                cmd.args(vault_args)
                    .args(["--listen", "127.0.0.1:0"])
                    .args(extra);
            },
            AdminKey::Create,
        )
    }

    /// Starts `privet serve` with only what `configure` adds (arguments, variables): where the
    /// vault lives and listens comes from there, not from this harness. The vault must be new,
    /// since its admin key is taken from what the server prints on first start.
    pub fn start_configured(&self, configure: impl FnOnce(&mut Command)) -> Server {
        match self.spawn_serve(configure, AdminKey::Printed) {
            Ok(server) => server,
            Err(exited) => panic!(
                "privet serve exited with {:?} on {}:\n{}",
                exited.code, self.backend, exited.stderr
            ),
        }
    }

    /// The URL of this test's PostgreSQL database, if it runs on PostgreSQL.
    pub fn database_url(&self) -> Option<&str> {
        self.database.as_ref().map(TempDatabase::url)
    }

    /// Spawns `privet serve` as `configure` sets it up and waits for it to serve, or to exit.
    /// Without a printed admin key, `make_key` says where it comes from.
    fn spawn_serve(
        &self,
        configure: impl FnOnce(&mut Command),
        make_key: AdminKey,
    ) -> Result<Server, Exited> {
        let n = self.started.fetch_add(1, Ordering::SeqCst) + 1;
        let stdout_path = self.path().join(format!("server-{n}.stdout"));
        let stderr_path = self.path().join(format!("server-{n}.stderr"));
        let stdout = File::create(&stdout_path).expect("server stdout file");
        let stderr = File::create(&stderr_path).expect("server stderr file");
        let mut cmd = self.command();
        cmd.arg("serve");
        configure(&mut cmd);
        let child = cmd
            .env("PRIVET_LOG", "debug")
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("privet serve starts");
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            admin_key: String::new(),
            stdout: stdout_path,
            stderr: stderr_path,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let err = server.stderr();
            if let Some(addr) = serving_address(&err) {
                server.addr = addr;
                break;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(Exited {
                    code: status.code(),
                    stderr: server.stderr(),
                });
            }
            if Instant::now() > deadline {
                panic!("privet serve did not start within {START_TIMEOUT:?}:\n{err}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        // The key line is printed before the serving line; a restarted vault prints none.
        let printed = std::fs::read_to_string(&server.stdout)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("pvt_"))
            .map(str::to_owned);
        server.admin_key = match printed {
            Some(key) => key,
            None if make_key == AdminKey::Create => self.create_api_key("admin"),
            None if make_key == AdminKey::Later => String::new(),
            None => panic!(
                "privet serve printed no admin key: not a new vault?\n{}",
                server.stderr()
            ),
        };
        Ok(server)
    }
}

/// Where a started server's admin key comes from when it prints none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AdminKey {
    /// Made with `privet keys create-api-key`.
    Create,
    /// It must print one (a new vault).
    Printed,
    /// The caller sets one it made earlier.
    Later,
}

/// The address in `privet: serving on http(s)://ADDR (store: ...)`, or in the same message of a
/// JSON log line.
fn serving_address(stderr: &str) -> Option<SocketAddr> {
    let line = stderr.lines().find(|l| {
        l.starts_with("privet: serving on ") || l.contains("\"message\":\"serving on ")
    })?;
    let (_, rest) = line.split_once("://")?;
    rest.split_whitespace().next()?.parse().ok()
}

/// A server that exited instead of serving.
#[derive(Debug)]
pub struct Exited {
    /// Its exit code.
    pub code: Option<i32>,
    /// What it said.
    pub stderr: String,
}

/// A running `privet serve`; killed when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    admin_key: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Server {
    /// A client holding an admin API key.
    pub fn client(&self) -> Client {
        Client::new(self.addr, Some(&self.admin_key))
    }

    /// The admin API key.
    pub fn admin_key(&self) -> &str {
        &self.admin_key
    }

    /// What the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Sends a signal (`HUP`, `TERM`...) with `kill(1)`.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill(1) runs");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits until stderr holds `needle` (at least `times` times); panics after `timeout`.
    pub fn wait_for_stderr(&self, needle: &str, times: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.stderr().matches(needle).count() < times {
            assert!(
                Instant::now() < deadline,
                "the server did not say {needle:?} within {timeout:?}:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Stops the server with SIGTERM and waits for it (SIGKILL after 15 s).
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        self.kill();
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Exit code and both outputs of a command, for assertions.
pub fn outcome(out: &Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
