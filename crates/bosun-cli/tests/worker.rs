//! `bosun worker` (issue 16, first step): a real worker process running shell-script "agents"
//! on the queue — every task done exactly once at concurrency 4, results parsed, exit codes
//! mapped, timeouts killing the process group, SIGTERM letting running tasks finish.

mod common;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

fn start_worker(
    url: &str,
    key: &str,
    state: &std::path::Path,
    exec: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.args(["worker", "--exec", exec, "--state-dir", state.to_str().unwrap(), "--lease", "30", "--json"])
        .args(extra)
        .env("BOSUN_URL", url)
        .env("BOSUN_API_KEY", key)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

fn sigterm(child: &Child) {
    // SAFETY: kill(2) on the child's pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
}

/// Wait (bounded) until `count` tasks are in `status`.
async fn until_status(url: &str, key: &str, status: &str, count: usize, within: Duration) -> Vec<Value> {
    let deadline = Instant::now() + within;
    loop {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(a) => format!("/api/v1/tasks?status={status}&limit=500&after={a}"),
                None => format!("/api/v1/tasks?status={status}&limit=500"),
            };
            let page = api("GET", url, key, &path, None).await;
            all.extend(page["items"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(n) => after = Some(n.to_owned()),
                None => break,
            }
        }
        if all.len() >= count {
            return all;
        }
        assert!(Instant::now() < deadline, "{} of {count} tasks {status} in {within:?}", all.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_tasks_at_concurrency_four_each_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    for batch in 0..5 {
        let tasks: Vec<Value> = (0..100).map(|i| json!({"title": format!("t{}", batch * 100 + i)})).collect();
        let r = api("POST", &url, &admin, "/api/v1/tasks/batch", Some(json!({"tasks": tasks}))).await;
        assert_eq!(r["tasks"].as_array().map(Vec::len), Some(100), "{r}");
    }
    let out = dir.path().join("ran.txt");
    // The "agent": records the task it ran, then answers JSON read from its stdin's title.
    let script =
        r#"read -r task; echo "$BOSUN_TASK_ID $BOSUN_FENCE" >> "$RAN"; printf '{"title": "%s"}' "$BOSUN_TASK_TITLE""#;
    let mut worker = start_worker(
        &url,
        &admin,
        &dir.path().join("w"),
        script,
        &["--concurrency", "4"],
        &[("RAN", out.to_str().unwrap())],
    );
    let done = until_status(&url, &admin, "succeeded", 500, Duration::from_secs(120)).await;
    sigterm(&worker);
    let status = worker.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let ran = std::fs::read_to_string(&out).unwrap();
    let mut per_task: HashMap<&str, usize> = HashMap::new();
    for line in ran.lines() {
        *per_task.entry(line.split(' ').next().unwrap()).or_default() += 1;
    }
    assert_eq!(per_task.len(), 500, "every task ran");
    assert!(per_task.values().all(|n| *n == 1), "each exactly once");
    assert!(done.iter().all(|t| t["result"]["title"] == t["title"]), "stdout JSON is the result");
    // Four agents did the work, registered once and kept in the state directory.
    let agents = api("GET", &url, &admin, "/api/v1/agents?kind=worker", None).await;
    assert_eq!(agents["items"].as_array().unwrap().len(), 4, "{agents}");
    assert!(dir.path().join("w/worker-4.key").exists());
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_timeouts_and_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    for title in ["ok", "permanent", "retry", "slow"] {
        api("POST", &url, &admin, "/api/v1/tasks", Some(json!({"title": title, "max_attempts": 1}))).await;
    }
    // ok: text output; permanent: exit 3; retry: exit 1; slow: outlives the timeout (its child
    // too — the whole group is killed, so the marker file never appears).
    let marker = dir.path().join("survived");
    let script = format!(
        r#"case "$BOSUN_TASK_TITLE" in ok) echo plain text;; permanent) exit 3;; retry) echo oops >&2; exit 1;;
           slow) (sleep 4; touch {}) & sleep 30;; esac"#,
        marker.display()
    );
    let mut worker =
        start_worker(&url, &admin, &dir.path().join("w"), &script, &["--concurrency", "4", "--timeout", "2"], &[]);
    let ok = until_status(&url, &admin, "succeeded", 1, Duration::from_secs(30)).await;
    assert_eq!(ok[0]["result"], json!({"output": "plain text\n", "exit_code": 0}));
    let dead = until_status(&url, &admin, "dead", 3, Duration::from_secs(30)).await;
    let errors: HashMap<&str, &str> =
        dead.iter().map(|t| (t["title"].as_str().unwrap(), t["error"].as_str().unwrap_or_default())).collect();
    assert!(errors["permanent"].contains("exited with 3"), "{errors:?}");
    assert!(errors["retry"].contains("exited with 1"), "{errors:?}");
    assert!(errors["slow"].contains("timed out after 2 s"), "{errors:?}");
    let log = std::fs::read_to_string(
        dir.path()
            .join("w/logs")
            .join(format!("{}.log", dead.iter().find(|t| t["title"] == "retry").unwrap()["id"].as_str().unwrap())),
    )
    .unwrap();
    assert_eq!(log, "oops\n", "stderr goes to the task's log");

    // SIGTERM while a task runs: it finishes within the grace period and is completed.
    sigterm(&worker);
    assert!(worker.wait().unwrap().success());
    api("POST", &url, &admin, "/api/v1/tasks", Some(json!({"title": "finishing"}))).await;
    let started = dir.path().join("started");
    let script = format!(r#"touch {}; sleep 1; echo '{{"finished": true}}'"#, started.display());
    // The same state directory: the slot reuses its agent (its key kept there).
    let mut worker = start_worker(&url, &admin, &dir.path().join("w"), &script, &["--grace", "20"], &[]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !started.exists() {
        assert!(Instant::now() < deadline, "the task never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sigterm(&worker);
    let status = worker.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let finished = until_status(&url, &admin, "succeeded", 2, Duration::from_secs(5)).await;
    assert!(finished.iter().any(|t| t["result"] == json!({"finished": true})), "{finished:?}");
    assert!(!marker.exists(), "the timed-out task's whole process group was killed");
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_finished_while_the_server_is_down_waits_in_the_outbox_and_lands_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Spawned::start_with(&data, &[]);
    let (url, admin) = (server.url.clone(), server.admin_key());
    let bind = url.trim_start_matches("http://").to_owned();
    api("POST", &url, &admin, "/api/v1/tasks", Some(json!({"title": "offline"}))).await;
    let (started, go) = (dir.path().join("started"), dir.path().join("go"));
    // The agent starts, waits for the test's go (while the server is stopped), then answers.
    let script = format!(
        r#"touch {}; while [ ! -e {} ]; do sleep 0.05; done; echo '{{"landed": true}}'"#,
        started.display(),
        go.display()
    );
    let state = dir.path().join("w");
    let mut worker = start_worker(&url, &admin, &state, &script, &[], &[]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !started.exists() {
        assert!(Instant::now() < deadline, "the task never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.stop();
    std::fs::write(&go, "").unwrap();
    // The completion cannot be delivered: it waits in the outbox, on disk.
    let outbox = state.join("outbox.db");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let kept: i64 = rusqlite::Connection::open(&outbox)
            .and_then(|c| c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)))
            .unwrap_or(0);
        if kept == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the result never reached the outbox");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The server comes back on the same address: the worker delivers it, once.
    let server = Spawned::start_at(&data, &bind, &[]);
    let done = until_status(&url, &admin, "succeeded", 1, Duration::from_secs(30)).await;
    assert_eq!(done[0]["result"], json!({"landed": true}));
    let completed = api("GET", &url, &admin, "/api/v1/audit?action=task.completed", None).await;
    assert_eq!(completed["items"].as_array().unwrap().len(), 1, "completed once: {completed}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let kept: i64 = rusqlite::Connection::open(&outbox)
            .and_then(|c| c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)))
            .unwrap();
        if kept == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the outbox was not emptied");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sigterm(&worker);
    assert!(worker.wait().unwrap().success());
    server.stop();
}
