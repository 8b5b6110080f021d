//! `bosun worker`: run a command for each task of the queue (issue 16). `sandbox.rs` prepares
//! what surrounds the command: `{placeholder}`s quoted for the shell, rlimits, a git worktree per
//! task (`--worktree`) and the task's `scope` locked while it runs. With `--run-checks` a
//! workflow's check task runs its `check_command` instead of `--exec`.
//!
//! Each of `--concurrency` slots is an agent (registered on first use with the caller's key, its
//! own key kept in `--state-dir` and reused), long-polls claims, and runs `--exec` through
//! `sh -c` in its own process group: the task as JSON on stdin and in `BOSUN_TASK_*` variables,
//! the agent's key in `BOSUN_API_KEY` (so the command can call Bosun as the agent). While it runs
//! the lease is heartbeated; stdout (at most 1 MiB kept) becomes the result — parsed when it is
//! JSON, else `{output, exit_code}` with its last 64 KiB — and stderr goes to a per-task log file.
//! Exit 0 completes the task; `--permanent-exit` (default 3) fails it for good; any other code,
//! a timeout (the whole process group killed) or a shutdown fails it retryable. SIGTERM or Ctrl-C
//! stops claiming, gives running tasks `--grace` seconds, then kills and fails them retryable.
//!
//! A finished result is never lost: when the server cannot be reached to report it, the report
//! (with its fence) goes to an outbox (`<state-dir>/outbox.db`, SQLite) and is replayed every two
//! seconds until the server answers; an answer that refuses it (`stale_fence`: the lease ran out
//! and the task went to another agent) is recorded on stderr and dropped, not retried forever.

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use crate::client::{Client, ClientArgs};

mod sandbox;
use sandbox::{Limits, Scope, Worktree};

#[derive(clap::Args)]
pub struct WorkerArgs {
    /// The command run for each task, through `sh -c`
    #[arg(long)]
    exec: String,
    /// Tasks run at once (each slot is an agent of its own)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Capabilities the slots' agents register with (repeat for several)
    #[arg(long = "capability")]
    capabilities: Vec<String>,
    /// The project to take tasks from
    #[arg(long, default_value = "default")]
    project: String,
    /// Seconds a task may run before its process group is killed and it is failed (retryable)
    #[arg(long, default_value_t = 3600)]
    timeout: u64,
    /// Lease seconds per claim (heartbeated every third of it while the command runs)
    #[arg(long, default_value_t = 300)]
    lease: u32,
    /// The exit code that fails a task permanently (0 completes; any other fails it retryable)
    #[arg(long, default_value_t = 3)]
    permanent_exit: i32,
    /// Seconds running tasks get to finish after SIGTERM
    #[arg(long, default_value_t = 30)]
    grace: u64,
    /// Also run workflows' check steps: a task whose payload has a `check_command` runs that
    /// command (not `--exec`) with stderr joined to stdout; exit 0 completes it, any other code
    /// fails it for good with the output's tail in the error. The slots register with the
    /// `check` capability, which only such tasks require. Enable it only on a queue whose
    /// workflows you trust: their commands run on this machine.
    #[arg(long)]
    run_checks: bool,
    /// Run each task in its own `git worktree` of the current repository, on branch
    /// `agent/{agent}/{task}` under `<state-dir>/worktrees/` (removed when the task succeeds,
    /// kept — with its branch — when it fails)
    #[arg(long)]
    worktree: bool,
    /// The command's private writable memory in MiB (RLIMIT_DATA; 0: unlimited)
    #[arg(long, default_value_t = 512)]
    memory_mb: u64,
    /// The command's CPU time in seconds (RLIMIT_CPU; 0: unlimited — `--timeout` bounds wall time)
    #[arg(long, default_value_t = 0)]
    cpu_seconds: u64,
    /// The command's open files (RLIMIT_NOFILE; 0: inherited)
    #[arg(long, default_value_t = 1024)]
    open_files: u64,
    /// Agent names are NAME-1 … NAME-N
    #[arg(long, default_value = "worker")]
    name: String,
    /// Where the slots' agent keys and the per-task logs are kept
    #[arg(long, default_value = ".bosun/worker")]
    state_dir: PathBuf,
    #[command(flatten)]
    client: ClientArgs,
}

/// The most of a command's stdout kept, and of its tail put in a text result.
const MAX_STDOUT: usize = 1 << 20;
const TAIL: usize = 64 << 10;
/// The most of a failed check's output put in the task's error (what a fix task reads).
const CHECK_TAIL: usize = 8 << 10;
/// The capability workflows' check tasks require (core's `workflow::run::CHECK_CAPABILITY`).
const CHECK_CAPABILITY: &str = "check";

/// The last `n` bytes of a text, cut at a character boundary.
fn tail(text: &str, n: usize) -> &str {
    let start = text.len().saturating_sub(n);
    let start = (start..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
    &text[start..]
}

#[derive(Default)]
struct Counts {
    running: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
}

/// The slot's agent: its key from the state directory, or registered now with the caller's key.
async fn agent_key(args: &WorkerArgs, slot: u16) -> anyhow::Result<String> {
    let name = format!("{}-{slot}", args.name);
    let file = args.state_dir.join(format!("{name}.key"));
    if let Ok(key) = std::fs::read_to_string(&file) {
        return Ok(key.trim().to_owned());
    }
    let c = Client::new(&args.client);
    let mut capabilities = args.capabilities.clone();
    if args.run_checks {
        capabilities.push(CHECK_CAPABILITY.into());
    }
    let r = c
        .post("/api/v1/agents", &json!({"name": name, "kind": "worker", "capabilities": capabilities}))
        .await
        .with_context(|| format!("registering agent {name} (its key is not in {})", args.state_dir.display()))?;
    let key = r["key"]["key"].as_str().context("the registration answer has no key")?.to_owned();
    std::fs::create_dir_all(&args.state_dir)?;
    write_private(&file, &key)?;
    Ok(key)
}

fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().create(true).truncate(true).write(true).mode(0o600).open(path)?;
    std::io::Write::write_all(&mut f, text.as_bytes())?;
    Ok(())
}

/// Kill a process group (the command and everything it started).
fn kill_group(pid: Option<u32>) {
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with a negative pid signals the group; no memory is involved.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

enum Ended {
    Exited(i32),
    /// Killed by a signal (a resource limit, or something else).
    Signaled(i32),
    TimedOut,
    Stopped,
}

/// Run one claimed task to its end and report it.
async fn run_task(
    args: &WorkerArgs,
    c: &Client,
    key: &str,
    claim: &Value,
    stop: &Stop,
    outbox: &Outbox,
    slot: u16,
) -> anyhow::Result<bool> {
    let task = &claim["task"];
    let (id, fence) = (task["id"].as_str().unwrap_or_default().to_owned(), claim["fence"].as_u64().unwrap_or(0));
    let logs = args.state_dir.join("logs");
    std::fs::create_dir_all(&logs)?;
    let log = std::fs::File::create(logs.join(format!("{id}.log")))?;
    let prompt = task["payload"]["prompt"].as_str().unwrap_or_default();
    let check = task["payload"]["check_command"].as_str().filter(|_| args.run_checks);
    // A check's stderr joins its stdout: a failure's explanation is usually on stderr.
    let (command, stderr) = match check {
        Some(cmd) => (format!("exec 2>&1\n{cmd}"), Stdio::null()),
        None => (sandbox::expand(&args.exec, task, fence), Stdio::from(log)),
    };
    let path = format!("/api/v1/tasks/{id}");
    let give_up = |error: String| json!({"fence": fence, "error": error, "retryable": true});
    // The task's scope, locked for as long as it runs; held by another: tried again later.
    let scope = match Scope::lock(c, task, args.lease).await {
        Ok(scope) => scope,
        Err(e) => {
            c.post(&format!("{path}/fail"), &give_up(format!("its scope is not free: {e}"))).await?;
            return Ok(false);
        }
    };
    let agent = format!("{}-{slot}", args.name);
    let repo = std::env::current_dir()?;
    let worktree = if args.worktree {
        match Worktree::open(&repo, &args.state_dir.join("worktrees"), &agent, &id) {
            Ok(w) => Some(w),
            Err(e) => {
                c.post(&format!("{path}/fail"), &give_up(format!("no worktree: {e}"))).await?;
                if let Some(s) = &scope {
                    s.release(c).await;
                }
                return Ok(false);
            }
        }
    } else {
        None
    };
    let limits = Limits { memory_mb: args.memory_mb, cpu_seconds: args.cpu_seconds, open_files: args.open_files };
    let mut cmd = tokio::process::Command::new("sh");
    if let Some(w) = &worktree {
        cmd.current_dir(&w.path).env("BOSUN_WORKTREE", &w.path).env("BOSUN_BRANCH", &w.branch);
    }
    limits.apply(&mut cmd);
    let mut child = cmd
        .arg("-c")
        .arg(&command)
        .env("BOSUN_TASK_ID", &id)
        .env("BOSUN_FENCE", fence.to_string())
        .env("BOSUN_TASK_TITLE", task["title"].as_str().unwrap_or_default())
        .env("BOSUN_TASK_PROMPT", prompt)
        .env("BOSUN_TASK_PAYLOAD", task["payload"].to_string())
        .env("BOSUN_PROJECT", task["project"].as_str().unwrap_or_default())
        .env("BOSUN_API_KEY", key)
        .env("BOSUN_URL", &args.client.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .context("cannot start the command")?;
    let pid = child.id();
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(task.to_string().as_bytes()).await;
    }
    let mut stdout = child.stdout.take().context("no stdout")?;
    let reader = tokio::spawn(async move {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match stdout.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) if kept.len() < MAX_STDOUT => kept.extend_from_slice(&buf[..n.min(MAX_STDOUT - kept.len())]),
                Ok(_) => {}
            }
        }
        kept
    });
    let beat = Duration::from_secs(u64::from(args.lease / 3).max(1));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout);
    let ended = loop {
        tokio::select! {
            status = child.wait() => {
                use std::os::unix::process::ExitStatusExt;
                let status = status?;
                break match (status.code(), status.signal()) {
                    (Some(code), _) => Ended::Exited(code),
                    (None, Some(signal)) => Ended::Signaled(signal),
                    (None, None) => Ended::Exited(-1),
                };
            }
            _ = tokio::time::sleep(beat) => {
                if let Some(s) = &scope {
                    s.renew(c, args.lease).await;
                }
                let r = c.post(&format!("{path}/heartbeat"), &json!({"fence": fence, "lease_seconds": args.lease})).await;
                if let Err(e) = r {
                    // The lease is gone (stale fence) or the server is away: keep running; the
                    // completion will tell.
                    eprintln!("bosun worker: heartbeat for {id}: {e}");
                }
            }
            _ = tokio::time::sleep_until(deadline) => break Ended::TimedOut,
            _ = stop.killed.cancelled() => break Ended::Stopped,
        }
    };
    if !matches!(ended, Ended::Exited(_)) {
        kill_group(pid);
        let _ = child.wait().await;
    }
    let out = reader.await.unwrap_or_default();
    let text = String::from_utf8_lossy(&out);
    let (ok, verb, body) = match ended {
        Ended::Exited(0) if check.is_some() => {
            (true, "complete", json!({"fence": fence, "result": {"output": tail(&text, CHECK_TAIL), "exit_code": 0}}))
        }
        Ended::Exited(code) if check.is_some() => {
            let error = format!("the check exited with {code}:\n{}", tail(&text, CHECK_TAIL));
            (false, "fail", json!({"fence": fence, "error": error, "retryable": false}))
        }
        Ended::Exited(0) => {
            let result = serde_json::from_slice::<Value>(&out)
                .unwrap_or_else(|_| json!({"output": tail(&text, TAIL), "exit_code": 0}));
            (true, "complete", json!({"fence": fence, "result": result}))
        }
        Ended::Exited(code) => {
            let retryable = code != args.permanent_exit;
            let error = format!("the command exited with {code}");
            (false, "fail", json!({"fence": fence, "error": error, "retryable": retryable}))
        }
        Ended::Signaled(signal) => {
            let (error, retryable) = limits.explain(signal);
            (false, "fail", json!({"fence": fence, "error": error, "retryable": retryable}))
        }
        Ended::TimedOut => {
            let error = format!("timed out after {} s (its process group was killed)", args.timeout);
            (false, "fail", json!({"fence": fence, "error": error, "retryable": true}))
        }
        Ended::Stopped => {
            let error = "the worker stopped before the command finished".to_owned();
            (false, "fail", json!({"fence": fence, "error": error, "retryable": true}))
        }
    };
    let (ok, body) = match &worktree {
        Some(w) if ok => {
            if let Err(e) = w.remove(&repo) {
                eprintln!("bosun worker: removing the worktree of {id}: {e}");
            }
            (ok, body)
        }
        Some(w) => {
            // Kept for a person (or the next attempt) to look at.
            let mut body = body;
            if let Some(e) = body["error"].as_str() {
                body["error"] = json!(format!("{e} (worktree kept at {} on {})", w.path.display(), w.branch));
            }
            (ok, body)
        }
        None => (ok, body),
    };
    if let Some(s) = &scope {
        s.release(c).await;
    }
    let report = format!("{path}/{verb}");
    if let Err(e) = c.post(&report, &body).await {
        if !unreachable(&e) {
            bail!("reporting task {id}: {e}");
        }
        outbox.keep(slot, &report, &body)?;
        eprintln!("bosun worker: Bosun is unreachable; the result of {id} waits in the outbox");
    }
    Ok(ok)
}

/// The server could not be reached (as opposed to answering with a refusal).
fn unreachable(e: &anyhow::Error) -> bool {
    e.to_string().starts_with("cannot reach Bosun")
}

/// Reports that could not be delivered, kept on disk until the server answers them.
pub struct Outbox(std::sync::Mutex<rusqlite::Connection>);

impl Outbox {
    fn open(path: &std::path::Path) -> anyhow::Result<Outbox> {
        // Results can hold what the command printed: the file is the worker's alone.
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path)?;
        let conn =
            rusqlite::Connection::open(path).with_context(|| format!("opening the outbox {}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, slot INTEGER NOT NULL, path TEXT NOT NULL,
                 body TEXT NOT NULL)",
        )?;
        Ok(Outbox(std::sync::Mutex::new(conn)))
    }

    /// Keep a report of the slot's agent (replayed with its key: only the holder may report).
    fn keep(&self, slot: u16, path: &str, body: &Value) -> anyhow::Result<()> {
        let conn = self.0.lock().unwrap_or_else(|e| e.into_inner());
        conn.execute("INSERT INTO outbox (slot, path, body) VALUES (?1, ?2, ?3)", (slot, path, body.to_string()))?;
        Ok(())
    }

    fn pending(&self, slot: u16) -> anyhow::Result<Vec<(i64, String, Value)>> {
        let conn = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut stmt = conn.prepare("SELECT id, path, body FROM outbox WHERE slot = ?1 ORDER BY id LIMIT 100")?;
        let rows = stmt.query_map([slot], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))?;
        Ok(rows
            .filter_map(Result::ok)
            .map(|(id, path, body)| (id, path, serde_json::from_str(&body).unwrap_or(Value::Null)))
            .collect())
    }

    fn done(&self, id: i64) -> anyhow::Result<()> {
        let conn = self.0.lock().unwrap_or_else(|e| e.into_inner());
        conn.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Deliver the slot's reports, oldest first, until the server cannot be reached; how many
    /// are left.
    async fn replay(&self, slot: u16, c: &Client) -> anyhow::Result<usize> {
        let pending = self.pending(slot)?;
        let total = pending.len();
        for (n, (id, path, body)) in pending.into_iter().enumerate() {
            match c.post(&path, &body).await {
                Ok(_) => eprintln!("bosun worker: delivered {path} from the outbox"),
                Err(e) if unreachable(&e) => return Ok(total - n),
                // Refused (the fence is stale: another agent has the task now): recorded, dropped.
                Err(e) => eprintln!("bosun worker: {path} from the outbox was refused: {e}"),
            }
            self.done(id)?;
        }
        Ok(0)
    }
}

/// Stop signals shared by the slots: `stopping` (claim no more) and `killed` (grace is over).
#[derive(Clone, Default)]
struct Stop {
    stopping: CancellationToken,
    killed: CancellationToken,
}

async fn slot(
    args: Arc<WorkerArgs>,
    n: u16,
    stop: Stop,
    counts: Arc<Counts>,
    outbox: Arc<Outbox>,
) -> anyhow::Result<()> {
    let key = agent_key(&args, n).await?;
    let c = Client::new(&ClientArgs { url: args.client.url.clone(), key: Some(key.clone()), json: args.client.json });
    let claim_body = json!({"project": args.project, "lease_seconds": args.lease, "wait_seconds": 10});
    let mut replayed = Instant::now() - Duration::from_secs(10);
    while !stop.stopping.is_cancelled() {
        // What could not be reported before goes first (every 2 s at most while it waits).
        if replayed.elapsed() >= Duration::from_secs(2) {
            replayed = Instant::now();
            if outbox.replay(n, &c).await? > 0 {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                    _ = stop.stopping.cancelled() => break,
                }
            }
        }
        let claimed = tokio::select! {
            r = c.post("/api/v1/tasks/claim", &claim_body) => r,
            _ = stop.stopping.cancelled() => break,
        };
        let claim = match claimed {
            Ok(Value::Null) => continue, // 204: nothing to claim within the wait
            Ok(claim) => claim,
            Err(e) => {
                eprintln!("bosun worker: slot {n}: {e}");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    _ = stop.stopping.cancelled() => break,
                }
            }
        };
        let started = Instant::now();
        let id = claim["task"]["id"].as_str().unwrap_or_default().to_owned();
        counts.running.fetch_add(1, Ordering::Relaxed);
        let ran = run_task(&args, &c, &key, &claim, &stop, &outbox, n).await;
        counts.running.fetch_sub(1, Ordering::Relaxed);
        match ran {
            Ok(true) => counts.done.fetch_add(1, Ordering::Relaxed),
            Ok(false) => counts.failed.fetch_add(1, Ordering::Relaxed),
            Err(e) => {
                eprintln!("bosun worker: {e}");
                counts.failed.fetch_add(1, Ordering::Relaxed)
            }
        };
        if args.client.json {
            println!(
                "{}",
                json!({"task": id, "slot": n, "ms": started.elapsed().as_millis() as u64,
                "done": counts.done.load(Ordering::Relaxed), "failed": counts.failed.load(Ordering::Relaxed)})
            );
        }
    }
    Ok(())
}

pub async fn worker(args: WorkerArgs) -> anyhow::Result<ExitCode> {
    if args.worktree {
        let out = std::process::Command::new("git").args(["rev-parse", "--show-toplevel"]).output();
        if !out.is_ok_and(|o| o.status.success()) {
            bail!("--worktree runs each task in a git worktree: start the worker inside a git repository");
        }
    }
    let args = Arc::new(args);
    let stop = Stop::default();
    let counts = Arc::new(Counts::default());
    std::fs::create_dir_all(&args.state_dir)?;
    let outbox = Arc::new(Outbox::open(&args.state_dir.join("outbox.db"))?);
    let mut slots = tokio::task::JoinSet::new();
    for n in 1..=args.concurrency {
        slots.spawn(slot(args.clone(), n, stop.clone(), counts.clone(), outbox.clone()));
    }
    let started = Instant::now();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    // On a terminal one status line redrawn every second; in a log a line every 5 s.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = tokio::time::interval(Duration::from_secs(if terminal { 1 } else { 5 }));
    let mut failed_slot = None;
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = progress.tick(), if !args.client.json => {
                let (d, f) = (counts.done.load(Ordering::Relaxed), counts.failed.load(Ordering::Relaxed));
                let line = format!("bosun worker: {} slots, {} running, {d} done, {f} failed, {:.1} tasks/s",
                    args.concurrency, counts.running.load(Ordering::Relaxed),
                    (d + f) as f64 / started.elapsed().as_secs_f64().max(1e-3));
                if terminal {
                    eprint!("\r{line}\x1b[K");
                } else {
                    eprintln!("{line}");
                }
            }
            joined = slots.join_next() => match joined {
                Some(Ok(Err(e))) => { failed_slot = Some(e); break; }
                Some(_) => {}
                None => break,
            },
        }
    }
    // Claim no more; running tasks get the grace period, then are killed and failed retryable.
    stop.stopping.cancel();
    let grace = tokio::time::sleep(Duration::from_secs(args.grace));
    tokio::pin!(grace);
    let mut killed = false;
    loop {
        tokio::select! {
            joined = slots.join_next() => if joined.is_none() { break },
            _ = &mut grace, if !killed => {
                stop.killed.cancel();
                killed = true;
            }
        }
    }
    let (d, f) = (counts.done.load(Ordering::Relaxed), counts.failed.load(Ordering::Relaxed));
    eprintln!("{}bosun worker: stopped; {d} done, {f} failed", if terminal { "\r\x1b[K" } else { "" });
    match failed_slot {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}
