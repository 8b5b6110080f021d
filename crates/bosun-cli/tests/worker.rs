//! `bosun worker` (issue 16, first step): a real worker process running shell-script "agents"
//! on the queue — every task done exactly once at concurrency 4, results parsed, exit codes
//! mapped, timeouts killing the process group, SIGTERM letting running tasks finish.

mod common;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

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

/// Poll a task (bounded) until `done` says so.
async fn task_until(url: &str, key: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let t = api("GET", url, key, &format!("/api/v1/tasks/{id}"), None).await;
        if done(&t) {
            return t;
        }
        assert!(Instant::now() < deadline, "task {id} did not get there: {t}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placeholders_limits_worktrees_and_the_tasks_scope() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let submit = |body: Value| {
        let (url, admin) = (url.clone(), admin.clone());
        async move { api("POST", &url, &admin, "/api/v1/tasks", Some(body)).await["id"].as_str().unwrap().to_owned() }
    };
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README"), "hello\n").unwrap();
    git(&repo, &["add", "README"]);
    git(&repo, &["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "start"]);

    // One worker: a {title} placeholder, limits, a worktree per task; the script answers by title.
    let script = r#"case "$BOSUN_TASK_TITLE" in
  limits*) printf '{"data_kib": "%s", "files": "%s", "cpu": "%s"}' "$(ulimit -d)" "$(ulimit -n)" "$(ulimit -t)" ;;
  spin*) while :; do :; done ;;
  commit*) echo change > f.txt && git add f.txt && git -c user.email=a@example.com -c user.name=a commit -qm "$BOSUN_TASK_ID" && printf '{"title": %s}' "$(printf '%s' {title} | wc -c)" ;;
  fail*) exit 3 ;;
  hold*) while [ ! -e "$RELEASE" ]; do sleep 0.05; done; echo '{}' ;;
esac"#;
    let state = dir.path().join("w");
    let release = dir.path().join("release");
    let mut worker = Command::new(BIN)
        .args(["worker", "--exec", script, "--state-dir", state.to_str().unwrap(), "--json", "--worktree"])
        .args(["--memory-mb", "256", "--open-files", "64", "--cpu-seconds", "1"])
        .current_dir(&repo)
        .env("BOSUN_URL", &url)
        .env("BOSUN_API_KEY", &admin)
        .env("RELEASE", &release)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // The limits are set on the command (ulimit -d is in KiB).
    let limits = submit(json!({"title": "limits"})).await;
    let t = task_until(&url, &admin, &limits, |t| t["status"] == "succeeded").await;
    assert_eq!(t["result"], json!({"data_kib": "262144", "files": "64", "cpu": "1"}), "{t}");
    // A command past its CPU time limit is stopped and the limit named; it is not tried again.
    let spin = submit(json!({"title": "spin"})).await;
    let t = task_until(&url, &admin, &spin, |t| t["status"] == "dead").await;
    assert!(t["error"].as_str().unwrap().starts_with("the command hit its CPU time limit (1 s) (worktree kept"), "{t}");

    // A worktree per task on agent/worker-1/<task>: removed after success, its branch and commit
    // kept; a failure keeps the worktree. The title placeholder arrives as one quoted word.
    let title = "commit it's \"quoted\" $(touch pwned)";
    let ok = submit(json!({"title": title})).await;
    let t = task_until(&url, &admin, &ok, |t| t["status"] == "succeeded").await;
    assert_eq!(t["result"]["title"], title.len(), "{t}");
    let branch = format!("agent/worker-1/{ok}");
    assert_eq!(git(&repo, &["log", "-1", "--format=%s", &branch]), ok, "the task's commit is on its branch");
    assert!(!state.join("worktrees").join(&ok).exists(), "the worktree of a success is removed");
    assert!(!repo.join("f.txt").exists() && !repo.join("pwned").exists(), "the main checkout is untouched");
    let failed = submit(json!({"title": "fail"})).await;
    let t = task_until(&url, &admin, &failed, |t| t["status"] == "dead").await;
    assert!(t["error"].as_str().unwrap().contains("worktree kept at"), "{t}");
    assert!(state.join("worktrees").join(&failed).is_dir(), "the worktree of a failure is kept");

    // The task's scope is locked while it runs and released after; held by someone else, the
    // task is given back (retryable) with the holder named.
    let held = submit(json!({"title": "hold", "payload": {"scope": ["src/**"]}})).await;
    task_until(&url, &admin, &held, |t| t["status"] == "leased").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let locks = api("GET", &url, &admin, "/api/v1/locks", None).await;
        if locks["locks"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["key"] == "src/**" && l["holder"] == "worker-1"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "the scope was never locked: {locks}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::fs::write(&release, "").unwrap();
    task_until(&url, &admin, &held, |t| t["status"] == "succeeded").await;
    let locks = api("GET", &url, &admin, "/api/v1/locks", None).await;
    assert_eq!(locks["locks"], json!([]), "the scope is released after the task");
    let other =
        api("POST", &url, &admin, "/api/v1/locks", Some(json!({"paths": ["docs/**"], "ttl_seconds": 600}))).await;
    assert!(other["locks"].is_array(), "{other}");
    let busy = submit(json!({"title": "hold", "payload": {"scope": ["docs/guide.md"]}})).await;
    let t = task_until(&url, &admin, &busy, |t| t["attempts"] == 1).await;
    assert!(t["error"].as_str().unwrap().starts_with("its scope is not free: lock_conflict"), "{t}");
    assert_ne!(t["status"], "dead", "given back to be tried again: {t}");
    worker.kill().unwrap();
    worker.wait().unwrap();
}
