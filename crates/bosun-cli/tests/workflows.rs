//! Workflows end to end (issue 16): a real `bosun serve`, a real `bosun worker --run-checks`
//! whose "agents" are shell scripts, and each built-in template run to its end — `review`
//! approving and applying, `fix-until-green` converging on iteration 3 and another stopping at
//! `max_iterations`, `map-reduce` merging — and a worker killed mid-task whose lease runs out
//! (on a manual clock) so that a second worker finishes the task with a higher fence.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

/// The shell "agent": answers by the task's title, as a model-driven agent would.
const AGENT: &str = r#"case "$BOSUN_TASK_TITLE" in
  Implement:*) echo '{"implemented": true}' ;;
  Review*) echo '{"verdict": "approve", "notes": "fine"}' ;;
  Apply:*) echo '{"merged": true}' ;;
  Make*) printf '%s\n' "$BOSUN_TASK_PAYLOAD" >> "$WORK/fixes"; echo '{"fixed": true}' ;;
  Process:*) printf '{"seen": {"%s": 1}}' "${BOSUN_TASK_TITLE#Process: }" ;;
  *) echo "unknown task: $BOSUN_TASK_TITLE" >&2; exit 3 ;;
esac"#;

/// Poll a run (bounded) until it ends.
async fn ended(url: &str, key: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let run = api("GET", url, key, &format!("/api/v1/workflows/runs/{id}"), None).await;
        if run["status"] != "running" {
            return run;
        }
        assert!(Instant::now() < deadline, "the run did not end in 60 s: {run}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn step<'a>(run: &'a Value, id: &str) -> &'a Value {
    run["steps"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no step {id}: {run}"))
}

/// `bosun workflow run … --wait --json` off the async runtime: its exit status and its last line.
async fn run_and_wait(url: &str, key: &str, args: Vec<String>) -> (bool, Value) {
    let (url, key) = (url.to_owned(), key.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut all = vec!["workflow".to_owned(), "run".to_owned()];
        all.extend(args);
        all.extend(["--wait".to_owned(), "--json".to_owned()]);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = bosun(&refs, Some(&url), Some(&key));
        let stdout = text(&out.stdout);
        // The final document is the pretty-printed run after the progress lines.
        let start = stdout.find("{\n").unwrap_or_else(|| panic!("no run printed: {stdout} {}", text(&out.stderr)));
        (out.status.success(), serde_json::from_str(&stdout[start..]).unwrap())
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_builtin_template_runs_to_its_end_with_shell_agents() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let work = dir.path().to_str().unwrap().to_owned();
    let mut worker = start_worker(
        &url,
        &admin,
        &dir.path().join("w"),
        AGENT,
        &["--run-checks", "--concurrency", "3"],
        &[("WORK", &work)],
    );

    // review: implement, two reviews in parallel, a unanimous vote, apply.
    let r =
        api("POST", &url, &admin, "/api/v1/workflows/review/runs", Some(json!({"params": {"change": "PR 7"}}))).await;
    let review = ended(&url, &admin, r["id"].as_str().expect("a run id")).await;
    assert_eq!(review["status"], "succeeded", "{review}");
    assert_eq!(step(&review, "review")["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(step(&review, "verdict")["result"]["winner"], "approve");
    assert_eq!(step(&review, "apply")["tasks"][0]["result"], json!({"merged": true}));
    assert_eq!(step(&review, "send-back")["status"], "skipped");

    // fix-until-green converging on iteration 3: the check passes once two fixes were made.
    let check = format!("n=$(cat {work}/fixes 2>/dev/null | wc -l); echo \"$n fixes so far\"; test \"$n\" -ge 2");
    let (ok, green) =
        run_and_wait(&url, &admin, vec!["fix-until-green".into(), "--param".into(), format!("check={check}")]).await;
    assert!(ok, "the run succeeded, so --wait exits 0: {green}");
    assert_eq!(green["status"], "succeeded");
    assert_eq!(
        (step(&green, "fix")["iteration"].as_u64(), step(&green, "repair")["status"].as_str()),
        (Some(3), Some("skipped")),
        "{green:#}"
    );
    let checks = step(&green, "run-check")["tasks"].as_array().unwrap().clone();
    assert_eq!(checks[0]["status"], "succeeded", "the last iteration's check passed: {green}");
    // Each fix got the failing check's output (its stderr-joined stdout) in its payload.
    let fixes = std::fs::read_to_string(dir.path().join("fixes")).unwrap();
    let payloads: Vec<Value> = fixes.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(payloads.len(), 2);
    assert!(payloads[0]["inputs"]["run-check"]["error"].as_str().unwrap().contains("0 fixes so far"), "{fixes}");
    assert!(payloads[1]["inputs"]["run-check"]["error"].as_str().unwrap().contains("1 fixes so far"), "{fixes}");

    // fix-until-green that never goes green: it stops at max_iterations (5), and --wait exits 1.
    let (ok, red) = run_and_wait(
        &url,
        &admin,
        vec!["fix-until-green".into(), "--param".into(), "check=echo still red; exit 1".into()],
    )
    .await;
    assert!(!ok, "a failed run makes --wait exit 1");
    assert_eq!(red["status"], "failed");
    let fix = step(&red, "fix");
    assert_eq!(
        (fix["iteration"].as_u64(), fix["reason"].as_str()),
        (Some(5), Some("did not converge in 5 iterations"))
    );

    // map-reduce over three items, merged.
    let body = json!({"params": {"items": ["a.rs", "b.rs", "c.rs"]}});
    let r = api("POST", &url, &admin, "/api/v1/workflows/map-reduce/runs", Some(body)).await;
    let mr = ended(&url, &admin, r["id"].as_str().unwrap()).await;
    assert_eq!(mr["status"], "succeeded", "{mr}");
    assert_eq!(
        step(&mr, "merge")["result"],
        json!({"merged": {"seen": {"a.rs": 1, "b.rs": 1, "c.rs": 1}}, "conflicts": []})
    );

    // `bosun workflow status` and `list` as a person sees them.
    let id = mr["id"].as_str().unwrap();
    let out = bosun(&["workflow", "status", id], Some(&url), Some(&admin));
    let shown = text(&out.stdout);
    assert!(out.status.success() && shown.contains("merge") && shown.contains("succeeded"), "{shown}");
    let out = bosun(&["workflow", "list"], Some(&url), Some(&admin));
    assert!(text(&out.stdout).contains("fix-until-green  built-in  check*"), "{}", text(&out.stdout));
    worker.kill().unwrap();
    worker.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_task_loses_its_lease_and_another_finishes_it_with_a_higher_fence() {
    // The server in-process on a manual clock: the lease runs out when the test says so.
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(bosun_core::ManualClock::new("2026-11-21T10:00:00Z".parse().unwrap()));
    let mut config = bosun_server::ServeConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().join("data"));
    config.tick_every = None;
    let server = bosun_server::Server::start(&config, clock.clone()).await.unwrap();
    let (url, admin) = (server.url(), server.admin_key.clone().unwrap());
    let task = api("POST", &url, &admin, "/api/v1/tasks", Some(json!({"title": "long job"}))).await;
    let id = task["id"].as_str().unwrap().to_owned();
    let work = dir.path().to_str().unwrap().to_owned();
    // The first attempt records its shell's pid and hangs; a later one answers at once.
    let agent = r#"echo $$ > "$WORK/pid-$BOSUN_FENCE"; if [ "$BOSUN_FENCE" = 1 ]; then sleep 600; fi; echo "{\"fence\": $BOSUN_FENCE}""#;
    let mut first = start_worker(&url, &admin, &dir.path().join("w1"), agent, &["--name", "first"], &[("WORK", &work)]);
    let pid_file = dir.path().join("pid-1");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !pid_file.exists() {
        assert!(Instant::now() < deadline, "the first worker never started the task");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.kill().unwrap(); // SIGKILL: no report, no heartbeat ever again
    first.wait().unwrap();
    // Its command was in its own process group, which SIGKILL of the worker does not reach.
    let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    // SAFETY: kill(2) on the orphaned command's process group.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
    let held = api("GET", &url, &admin, &format!("/api/v1/tasks/{id}"), None).await;
    assert_eq!((held["status"].as_str(), held["fence"].as_u64()), (Some("leased"), Some(1)), "{held}");
    clock.advance(jiff::SignedDuration::from_secs(31));
    server.kernel.tick().await.unwrap();
    let expired = api("GET", &url, &admin, &format!("/api/v1/tasks/{id}"), None).await;
    assert_eq!(expired["status"], "ready", "the lease ran out and the task went back: {expired}");

    let mut second =
        start_worker(&url, &admin, &dir.path().join("w2"), agent, &["--name", "second"], &[("WORK", &work)]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let done = loop {
        let t = api("GET", &url, &admin, &format!("/api/v1/tasks/{id}"), None).await;
        if t["status"] == "succeeded" {
            break t;
        }
        assert!(Instant::now() < deadline, "the second worker did not finish the task: {t}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((done["fence"].as_u64(), done["result"]["fence"].as_u64()), (Some(2), Some(2)), "{done}");
    assert_eq!(done["attempts"], 1, "the lost lease counted one attempt");
    let audit = api("GET", &url, &admin, "/api/v1/audit?action=task.lease_expired", None).await;
    assert_eq!(audit["items"][0]["details"]["stale_fence"], 1, "{audit}");
    second.kill().unwrap();
    second.wait().unwrap();
    server.shutdown().await.unwrap();
}
