//! Runs the real `bosun` binary: a server on a loopback port with a temp data dir, and CLI verbs.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_bosun");

pub struct Spawned {
    pub child: Child,
    pub url: String,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    /// With `BOSUN_TEST_BACKEND=postgres`, the server's own database (dropped after it stops).
    _db: Option<bosun_store::postgres::ScratchDatabase>,
}

impl Spawned {
    /// Start `bosun serve` on 127.0.0.1 (a free port) with `data_dir`; logs go to `<data_dir>/../serve-N.log`.
    /// With `BOSUN_TEST_BACKEND=postgres` it runs on a fresh PostgreSQL database of its own.
    pub fn start(data_dir: &Path) -> Spawned {
        if !bosun_store::postgres::tests_use_postgres() {
            return Self::start_with(data_dir, &[]);
        }
        let db = bosun_store::postgres::ScratchDatabase::create(&bosun_store::postgres::test_server_url())
            .expect("BOSUN_TEST_BACKEND=postgres needs PostgreSQL (scripts/pg.sh starts it)");
        let mut spawned = Self::start_with(data_dir, &["--database-url", &db.url]);
        spawned._db = Some(db);
        spawned
    }

    /// [`start`](Self::start) with more arguments (`--database-url …`).
    pub fn start_with(data_dir: &Path, args: &[&str]) -> Spawned {
        Self::start_at(data_dir, "127.0.0.1:0", args)
    }

    /// On a given address (a restart on the port clients already know).
    pub fn start_at(data_dir: &Path, bind: &str, args: &[&str]) -> Spawned {
        let log = data_dir.with_extension(format!("log.{}", next_id()));
        let child = Command::new(BIN)
            .args(["serve", "--bind", bind, "--data-dir"])
            .arg(data_dir)
            .args(args)
            .env_remove("BOSUN_CONFIG")
            .env_remove("BOSUN_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("spawn bosun serve");
        let mut child = child;
        let stdout = child.stdout.take().unwrap();
        let mut url = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(u) = line.strip_prefix("Bosun listening on ") {
                url = Some(u.trim().to_owned());
                break;
            }
        }
        let url = url
            .unwrap_or_else(|| panic!("server did not start: {}", std::fs::read_to_string(&log).unwrap_or_default()));
        Spawned { child, url, data_dir: data_dir.to_owned(), log, _db: None }
    }

    pub fn admin_key(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("admin.key")).unwrap().trim().to_owned()
    }

    pub fn db(&self) -> PathBuf {
        self.data_dir.join("bosun.db")
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(mut self) {
        let status = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
    }
}

/// A test that fails before stopping its server does not leave it running.
impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn next_id() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// Start `bosun worker --exec EXEC` (30 s leases, `--json`) with its state in `state`, the URL
/// and key in its environment, and `env` besides.
pub fn start_worker(url: &str, key: &str, state: &Path, exec: &str, extra: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.args(["worker", "--exec", exec, "--state-dir", state.to_str().unwrap(), "--lease", "30", "--json"])
        .args(extra)
        .env("BOSUN_URL", url)
        .env("BOSUN_API_KEY", key)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Run `bosun ARGS` with the given URL and key in the environment.
pub fn bosun(args: &[&str], url: Option<&str>, key: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("BOSUN_URL").env_remove("BOSUN_API_KEY").current_dir(std::env::temp_dir());
    if let Some(u) = url {
        cmd.env("BOSUN_URL", u);
    }
    if let Some(k) = key {
        cmd.env("BOSUN_API_KEY", k);
    }
    cmd.output().expect("run bosun")
}

pub fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// One JSON request to a running server with a key; the answer's JSON (Null when it has none).
pub async fn api(method: &str, url: &str, key: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
    let mut req = reqwest::Client::new().request(method.parse().unwrap(), format!("{url}{path}")).bearer_auth(key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap().json().await.unwrap_or(serde_json::Value::Null)
}
