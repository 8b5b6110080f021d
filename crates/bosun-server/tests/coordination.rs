//! The coordination core over real HTTP: exactly-once claims under concurrency (with stalls),
//! dependencies, retries on a manual clock, locks, the reaper, and the audit trail of it all.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bosun_core::Clock;
use common::{Coord, TestAgent};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// Submit `n` tasks in batches of 1000.
async fn submit_many(c: &Coord, n: usize, extra: Value) {
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let tasks: Vec<Value> = chunk
            .iter()
            .map(|i| {
                let mut t = json!({"title": format!("task {i}"), "priority": (i % 11) as u64});
                for (k, v) in extra.as_object().unwrap() {
                    t[k] = v.clone();
                }
                t
            })
            .collect();
        let (s, r) = c.call("POST", "/api/v1/tasks/batch", &c.dev, json!({"tasks": tasks})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
}

async fn count_status(c: &Coord, status: &str) -> usize {
    let (mut n, mut after) = (0, String::new());
    loop {
        let q = if after.is_empty() { String::new() } else { format!("&after={after}") };
        let (s, page) =
            c.call("GET", &format!("/api/v1/tasks?status={status}&limit=500{q}"), &c.dev, Value::Null).await;
        assert_eq!(s, StatusCode::OK);
        n += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(next) => after = next.to_owned(),
            None => return n,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_claimers_complete_twenty_thousand_tasks_exactly_once() {
    const TASKS: usize = 20_000;
    let c = Arc::new(Coord::start().await);
    submit_many(&c, TASKS, json!({})).await;
    let mut agents = Vec::new();
    for i in 0..16 {
        agents.push(Arc::new(c.agent(&format!("worker-{i}"), &[]).await));
    }
    // Every claim ever granted, and every completion that succeeded.
    let claims = Arc::new(Mutex::new(HashMap::<String, Vec<(String, u64)>>::new()));
    let completions = Arc::new(Mutex::new(HashMap::<String, u32>::new()));
    let mut workers = Vec::new();
    for agent in agents {
        let (c, claims, completions) = (c.clone(), claims.clone(), completions.clone());
        workers.push(tokio::spawn(async move {
            while let Some((task, fence)) = c.claim(&agent, json!({})).await {
                claims.lock().await.entry(task.clone()).or_default().push((agent.name.clone(), fence));
                let (s, body) = c.complete(&agent, &task, fence).await;
                assert_eq!(s, StatusCode::OK, "{body}");
                *completions.lock().await.entry(task).or_default() += 1;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let claims = claims.lock().await;
    let completions = completions.lock().await;
    assert_eq!(claims.len(), TASKS, "every task was claimed");
    assert!(claims.values().all(|c| c.len() == 1), "no task was ever granted twice");
    assert_eq!(completions.len(), TASKS);
    assert!(completions.values().all(|n| *n == 1), "every task completed exactly once");
    assert_eq!(count_status(&c, "succeeded").await, TASKS);
    let per_agent: HashSet<&String> = claims.values().map(|v| &v[0].0).collect();
    assert!(per_agent.len() > 1, "the work was shared");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_claimers_are_fenced_off_and_tasks_still_end_exactly_once() {
    const TASKS: usize = 1500;
    let c = Arc::new(Coord::start().await);
    submit_many(&c, TASKS, json!({"max_attempts": 100})).await;
    let mut agents = Vec::new();
    for i in 0..16 {
        agents.push(Arc::new(c.agent(&format!("staller-{i}"), &[]).await));
    }
    let successes = Arc::new(Mutex::new(HashMap::<String, u32>::new()));
    let mut stale_refusals = 0;
    let mut stalled: Vec<(Arc<TestAgent>, String, u64)> = Vec::new();
    let mut round = 0u64;
    while count_status(&c, "succeeded").await < TASKS {
        round += 1;
        assert!(round < 50, "the queue drains");
        // A round: everyone claims until nothing is left; about one claim in eight stalls.
        let mut workers = Vec::new();
        for (i, agent) in agents.iter().enumerate() {
            let (c, agent, successes) = (c.clone(), agent.clone(), successes.clone());
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                let mut n = 0u64;
                while let Some((task, fence)) = c.claim(&agent, json!({"lease_seconds": 60})).await {
                    n += 1;
                    if (n * 7 + i as u64 + round).is_multiple_of(8) {
                        mine.push((agent.clone(), task, fence)); // stalls: holds the lease, does nothing
                        continue;
                    }
                    let (s, body) = c.complete(&agent, &task, fence).await;
                    assert_eq!(s, StatusCode::OK, "{body}");
                    *successes.lock().await.entry(task).or_default() += 1;
                }
                mine
            }));
        }
        let mut new_stalls = Vec::new();
        for w in workers {
            new_stalls.extend(w.await.unwrap());
        }
        // The stalled leases run out; their tasks go back to the queue for the next round.
        c.advance(61);
        let report = c.tick().await;
        assert_eq!(report.expired_leases as usize, new_stalls.len());
        // Stalled claimers from the round before wake up now, after their task was granted again
        // (or is waiting to be): completing with the old fence must fail and change nothing.
        for (agent, task, fence) in stalled.drain(..) {
            let before = c.task(&task).await;
            let (s, body) = c.complete(&agent, &task, fence).await;
            assert_eq!(s, StatusCode::CONFLICT, "{body}");
            assert_eq!(body["code"], "stale_fence");
            let after = c.task(&task).await;
            assert_eq!((&before["status"], &before["fence"]), (&after["status"], &after["fence"]), "nothing changed");
            stale_refusals += 1;
        }
        stalled = new_stalls;
    }
    for (agent, task, fence) in stalled {
        let (s, body) = c.complete(&agent, &task, fence).await;
        assert_eq!((s, body["code"].as_str()), (StatusCode::CONFLICT, Some("stale_fence")));
        stale_refusals += 1;
    }
    let successes = successes.lock().await;
    assert_eq!(successes.len(), TASKS);
    assert!(successes.values().all(|n| *n == 1), "exactly once, stalls notwithstanding");
    assert!(stale_refusals > 50, "stalls happened ({stale_refusals})");
}

/// Claim and complete everything claimable, recording the completion order.
async fn drain(c: &Coord, agent: &TestAgent, order: &mut Vec<String>) {
    while let Some((task, fence)) = c.claim(agent, json!({})).await {
        let (s, body) = c.complete(agent, &task, fence).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        order.push(body["title"].as_str().unwrap().to_owned());
    }
}

#[tokio::test]
async fn dependency_graphs_run_in_order_and_cycles_are_refused() {
    let c = Coord::start().await;
    let agent = c.agent("runner", &[]).await;
    let dag = json!({"tasks": [
        {"ref": "d", "title": "d", "depends_on": ["b", "c"], "priority": 10},
        {"ref": "b", "title": "b", "depends_on": ["a"]},
        {"ref": "c", "title": "c", "depends_on": ["a"], "priority": 9},
        {"ref": "a", "title": "a", "priority": 0},
        {"ref": "c1", "title": "c1"},
        {"ref": "c2", "title": "c2", "depends_on": ["c1"]},
        {"ref": "c3", "title": "c3", "depends_on": ["c2"]},
        {"ref": "c4", "title": "c4", "depends_on": ["c3"]},
    ]});
    let (s, r) = c.call("POST", "/api/v1/tasks/batch", &c.dev, dag).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let statuses: HashMap<&str, &str> = r["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["title"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses["a"], "ready");
    assert_eq!(statuses["d"], "blocked");
    let mut order = Vec::new();
    drain(&c, &agent, &mut order).await;
    assert_eq!(order.len(), 8, "{order:?}");
    let at = |t: &str| order.iter().position(|x| x == t).unwrap();
    assert!(at("a") < at("b") && at("a") < at("c") && at("b") < at("d") && at("c") < at("d"), "diamond: {order:?}");
    assert!(at("c1") < at("c2") && at("c2") < at("c3") && at("c3") < at("c4"), "chain: {order:?}");

    let cycle = json!({"tasks": [
        {"ref": "x", "title": "x", "depends_on": ["z"]},
        {"ref": "y", "title": "y", "depends_on": ["x"]},
        {"ref": "z", "title": "z", "depends_on": ["y"]},
        {"ref": "ok", "title": "ok"},
    ]});
    let (s, r) = c.call("POST", "/api/v1/tasks/batch", &c.dev, cycle).await;
    assert_eq!((s, r["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("dependency_cycle")));
    assert_eq!(r["detail"], "dependency cycle: x → z → y → x");
    let (_, unknown) = c
        .call("POST", "/api/v1/tasks", &c.dev, json!({"title": "u", "depends_on": ["01JDX3Q2V9Z8K7M6N5P4R3S2T1"]}))
        .await;
    assert_eq!(unknown["code"], "validation_failed");
    assert!(unknown["detail"].as_str().unwrap().contains("01JDX3Q2V9Z8K7M6N5P4R3S2T1"), "{unknown}");
    assert_eq!(count_status(&c, "ready").await + count_status(&c, "blocked").await, 0, "nothing was created");
}

#[tokio::test]
async fn a_dead_dependency_cancels_its_dependants() {
    let c = Coord::start().await;
    let agent = c.agent("doomed", &[]).await;
    let chain = json!({"tasks": [
        {"ref": "x", "title": "x"},
        {"ref": "y", "title": "y", "depends_on": ["x"]},
        {"ref": "z", "title": "z", "depends_on": ["y"]},
    ]});
    let (_, r) = c.call("POST", "/api/v1/tasks/batch", &c.dev, chain).await;
    let ids: Vec<String> =
        r["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect();
    let (task, fence) = c.claim(&agent, json!({})).await.unwrap();
    assert_eq!(task, ids[0]);
    let (s, body) = c
        .call(
            "POST",
            &format!("/api/v1/tasks/{task}/fail"),
            &agent.key,
            json!({"fence": fence, "error": "disk on fire", "retryable": false}),
        )
        .await;
    assert_eq!((s, body["status"].as_str()), (StatusCode::OK, Some("dead")));
    for (id, why) in [
        (&ids[1], format!("dependency {} is dead", ids[0])),
        (&ids[2], format!("dependency {} was cancelled because dependency {} is dead", ids[1], ids[0])),
    ] {
        let t = c.task(id).await;
        assert_eq!(t["status"], "cancelled");
        assert_eq!(t["error"], why);
    }
    assert_eq!(c.claim(&agent, json!({})).await, None);
}

#[tokio::test]
async fn failures_back_off_then_dead_letter_then_retry() {
    let c = Coord::start().await;
    let agent = c.agent("flaky", &[]).await;
    let id = c.submit(json!({"title": "flaky job", "max_attempts": 3})).await;
    for attempt in 1..=3u64 {
        let (task, fence) = c.claim(&agent, json!({})).await.expect("ready");
        assert_eq!((task.as_str(), fence), (id.as_str(), attempt));
        let (s, t) = c
            .call(
                "POST",
                &format!("/api/v1/tasks/{id}/fail"),
                &agent.key,
                json!({"fence": fence, "error": format!("boom {attempt}")}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        if attempt == 3 {
            assert_eq!(t["status"], "dead");
            break;
        }
        assert_eq!(t["status"], "failed");
        // Backoff: 10 s·2ⁿ⁻¹ with equal jitter, so between half and all of it.
        let base = 10 * (1 << (attempt - 1));
        let retry_at: jiff::Timestamp = t["retry_at"].as_str().unwrap().parse().unwrap();
        let wait = retry_at.duration_since(c.clock.now()).as_secs_f64();
        assert!(wait >= base as f64 / 2.0 && wait < base as f64, "attempt {attempt}: waits {wait}s of {base}s");
        assert_eq!(c.claim(&agent, json!({})).await, None, "not before its time");
        assert_eq!(c.tick().await.requeued, 0);
        c.advance(base);
        assert_eq!(c.tick().await.requeued, 1);
    }
    let (s, _) = c.call("POST", &format!("/api/v1/tasks/{id}/retry"), &agent.key, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "retrying a dead task is for users");
    let (s, t) = c.call("POST", &format!("/api/v1/tasks/{id}/retry"), &c.dev, json!({})).await;
    assert_eq!((s, t["status"].as_str(), t["attempts"].as_u64()), (StatusCode::OK, Some("ready"), Some(0)));
    let (_, fence) = c.claim(&agent, json!({})).await.unwrap();
    assert_eq!(c.complete(&agent, &id, fence).await.0, StatusCode::OK);
    let audit = c.t.audit(&c.t.admin, &format!("&target={id}")).await;
    let trail: Vec<(&str, &str)> =
        audit.iter().rev().map(|e| (e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap())).collect();
    let expected = [
        ("task.submitted", "ok"),
        ("task.claimed", "ok"),
        ("task.failed", "ok"),
        ("task.requeued", "ok"),
        ("task.claimed", "ok"),
        ("task.failed", "ok"),
        ("task.requeued", "ok"),
        ("task.claimed", "ok"),
        ("task.failed", "ok"),
        ("task.retried", "denied"),
        ("task.retried", "ok"),
        ("task.claimed", "ok"),
        ("task.completed", "ok"),
    ];
    assert_eq!(trail, expected);
    let requeue = audit.iter().find(|e| e["action"] == "task.requeued").unwrap();
    assert_eq!((requeue["actor_type"].as_str(), requeue["actor_name"].as_str()), (Some("system"), Some("system")));
    let claimed = audit.iter().find(|e| e["action"] == "task.claimed").unwrap();
    assert_eq!((claimed["actor_type"].as_str(), claimed["actor_name"].as_str()), (Some("agent"), Some("flaky")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_for_overlapping_globs_exactly_one_wins_and_the_loser_learns_who() {
    let c = Arc::new(Coord::start().await);
    let a = Arc::new(c.agent("GreenCastle", &[]).await);
    let b = Arc::new(c.agent("BlueRiver", &[]).await);
    for round in 0..20 {
        let project = format!("race{round}");
        let (ca, cb) = (c.clone(), c.clone());
        let (aa, bb, pa, pb) = (a.clone(), b.clone(), project.clone(), project.clone());
        let ra = tokio::spawn(async move {
            ca.call("POST", "/api/v1/locks", &aa.key, json!({"project": pa, "paths": ["src/**"]})).await
        });
        let rb = tokio::spawn(async move {
            cb.call("POST", "/api/v1/locks", &bb.key, json!({"project": pb, "paths": ["src/lib.rs"]})).await
        });
        let (ra, rb) = (ra.await.unwrap(), rb.await.unwrap());
        let (winner, loser) = match (ra.0, rb.0) {
            (StatusCode::CREATED, StatusCode::CONFLICT) => ((&a, ra), rb),
            (StatusCode::CONFLICT, StatusCode::CREATED) => ((&b, rb), ra),
            other => panic!("round {round}: exactly one must win, got {other:?}"),
        };
        assert_eq!(loser.1["code"], "lock_conflict");
        let conflict = &loser.1["conflicts"][0];
        assert_eq!(conflict["holder"], winner.0.name.as_str(), "the 409 names the winner");
        assert_eq!(conflict["lock_id"], winner.1.1["locks"][0]["id"]);
        assert!(conflict["expires_at"].is_string() && conflict["key"].is_string());
        assert!(loser.1["detail"].as_str().unwrap().contains(&winner.0.name), "{}", loser.1);
    }
}

#[tokio::test]
async fn shared_exclusive_release_expiry_and_all_or_nothing() {
    let c = Coord::start().await;
    let (a, b) = (c.agent("reader-a", &[]).await, c.agent("reader-b", &[]).await);
    let lock = async |agent: &TestAgent, paths: Value, exclusive: bool| {
        c.call("POST", "/api/v1/locks", &agent.key, json!({"paths": paths, "exclusive": exclusive, "ttl_seconds": 60}))
            .await
    };
    // Shared locks coexist; an exclusive request against them conflicts, and vice versa.
    assert_eq!(lock(&a, json!(["docs/**"]), false).await.0, StatusCode::CREATED);
    assert_eq!(lock(&b, json!(["docs/*.md"]), false).await.0, StatusCode::CREATED);
    assert_eq!(lock(&b, json!(["docs/a.md"]), true).await.0, StatusCode::CONFLICT);
    let (s, excl) = lock(&a, json!(["db:migrations"]), true).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(lock(&b, json!(["db:migrations"]), false).await.0, StatusCode::CONFLICT);

    // All or nothing: one conflicting key and nothing is granted.
    let (s, r) = lock(&b, json!(["free.txt", "db:migrations"]), true).await;
    assert_eq!(s, StatusCode::CONFLICT, "{r}");
    assert_eq!(r["conflicts"].as_array().unwrap().len(), 1);
    let (_, list) = c.call("GET", "/api/v1/locks?path=free.txt", &b.key, Value::Null).await;
    assert!(list["locks"].as_array().unwrap().is_empty(), "free.txt was not granted");

    // Release frees the key; fences only grow.
    let lock_id = excl["locks"][0]["id"].as_str().unwrap();
    assert_eq!(excl["locks"][0]["fence"], 1);
    let (s, _) = c.call("DELETE", &format!("/api/v1/locks/{lock_id}"), &b.key, Value::Null).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the holder (or an admin) releases");
    let (s, _) = c.call("DELETE", &format!("/api/v1/locks/{lock_id}"), &a.key, Value::Null).await;
    assert_eq!(s, StatusCode::OK);
    let (s, again) = lock(&b, json!(["db:migrations"]), true).await;
    assert_eq!((s, again["locks"][0]["fence"].as_u64()), (StatusCode::CREATED, Some(2)));

    // Expiry frees the key and hides the lock everywhere.
    c.advance(61);
    let (_, list) = c.call("GET", "/api/v1/locks", &a.key, Value::Null).await;
    assert!(list["locks"].as_array().unwrap().is_empty(), "expired locks are gone from every answer");
    assert_eq!(lock(&a, json!(["db:migrations"]), true).await.0, StatusCode::CREATED);
    let expired_id = again["locks"][0]["id"].as_str().unwrap();
    let (s, _) = c.call("POST", &format!("/api/v1/locks/{expired_id}/renew"), &b.key, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(c.tick().await.expired_locks, 3, "the scheduler sweeps what expired");

    // An admin may force a release; it is audited as forced.
    let (_, held) = c.call("GET", "/api/v1/locks?path=db:migrations", &a.key, Value::Null).await;
    let held_id = held["locks"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = c.call("DELETE", &format!("/api/v1/locks/{held_id}"), &c.t.admin, Value::Null).await;
    assert_eq!(s, StatusCode::OK);
    let forced = c.t.audit(&c.t.admin, &format!("&target={held_id}&action=lock.released")).await;
    assert_eq!(forced[0]["details"]["forced"], true);
    assert_eq!(forced[0]["actor_name"], "admin");
    assert_eq!(forced[0]["severity"], "warning");
}

#[tokio::test]
async fn a_claim_takes_task_scope_and_busy_status_together_or_nothing() {
    let c = Coord::start().await;
    let (holder, worker) = (c.agent("holder", &[]).await, c.agent("worker", &["rust"]).await);
    let id = c.submit(json!({"title": "edit src", "required_capabilities": ["rust"]})).await;
    assert_eq!(c.claim(&holder, json!({})).await, None, "holder lacks the capability");
    let (s, _) = c.call("POST", "/api/v1/locks", &holder.key, json!({"paths": ["src/**"]})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, r) = c.call("POST", "/api/v1/tasks/claim", &worker.key, json!({"scope": ["src/x.rs"]})).await;
    assert_eq!((s, r["code"].as_str()), (StatusCode::CONFLICT, Some("lock_conflict")));
    let t = c.task(&id).await;
    assert_eq!((t["status"].as_str(), t["fence"].as_u64()), (Some("ready"), Some(0)), "the task was not taken");
    let (_, me) = c.call("GET", &format!("/api/v1/agents/{}", worker.id), &worker.key, Value::Null).await;
    assert_ne!(me["status"], "busy");

    let (s, r) = c.call("POST", "/api/v1/tasks/claim", &worker.key, json!({"scope": ["tests/x.rs"]})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["locks"][0]["key"], "tests/x.rs");
    let (_, me) = c.call("GET", &format!("/api/v1/agents/{}", worker.id), &worker.key, Value::Null).await;
    assert_eq!(me["status"], "busy");
    let fence = r["fence"].as_u64().unwrap();
    assert_eq!(c.complete(&worker, &id, fence).await.0, StatusCode::OK);
    let (_, locks) = c.call("GET", "/api/v1/locks?path=tests/x.rs", &worker.key, Value::Null).await;
    assert!(locks["locks"].as_array().unwrap().is_empty(), "the scope is released with the lease");
    let (_, me) = c.call("GET", &format!("/api/v1/agents/{}", worker.id), &worker.key, Value::Null).await;
    assert_eq!(me["status"], "idle");
}

#[tokio::test]
async fn an_agent_killed_without_deregistering_is_reaped() {
    let c = Coord::start().await;
    let ghost = c.agent_with(json!({"name": "ghost", "heartbeat_interval_seconds": 5})).await;
    let heir = c.agent_with(json!({"name": "heir", "heartbeat_interval_seconds": 30})).await;
    let id = c.submit(json!({"title": "orphan"})).await;
    let (s, r) = c.call("POST", "/api/v1/tasks/claim", &ghost.key, json!({"scope": ["src/**"]})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, _) = c.call("POST", "/api/v1/locks", &ghost.key, json!({"paths": ["db:schema"]})).await;
    assert_eq!(s, StatusCode::CREATED);
    // The ghost goes silent. Two intervals is not enough; three is.
    c.advance(10);
    assert_eq!(c.tick().await.reaped_agents, 0);
    c.advance(6);
    let report = c.tick().await;
    assert_eq!(report.reaped_agents, 1, "{report:?}");
    let t = c.task(&id).await;
    assert_eq!((t["status"].as_str(), t["assignee"].is_null()), (Some("ready"), true));
    let (_, locks) = c.call("GET", "/api/v1/locks", &heir.key, Value::Null).await;
    assert!(locks["locks"].as_array().unwrap().is_empty(), "its locks are free");
    let (_, g) = c.call("GET", &format!("/api/v1/agents/{}", ghost.id), &heir.key, Value::Null).await;
    assert_eq!(g["status"], "offline");
    let (task, fence) = c.claim(&heir, json!({"scope": ["src/**"]})).await.expect("the orphan is claimable");
    assert_eq!((task.as_str(), fence), (id.as_str(), 2));
    let offline = c.t.audit(&c.t.admin, &format!("&action=agent.offline&target={}", ghost.id)).await;
    assert_eq!(offline.len(), 1);
    assert_eq!(offline[0]["details"]["released_tasks"], json!([id]));

    // A reaped agent that speaks again is back.
    let (s, me) = c.call("POST", &format!("/api/v1/agents/{}/heartbeat", ghost.id), &ghost.key, json!({})).await;
    assert_eq!((s, me["status"].as_str()), (StatusCode::OK, Some("idle")));
}

#[tokio::test]
async fn agents_lifecycle_names_and_self_rules() {
    let c = Coord::start().await;
    let named = c.agent_with(json!({"kind": "codex", "capabilities": ["rust"]})).await;
    assert!(named.name.chars().next().unwrap().is_ascii_uppercase(), "a memorable name: {}", named.name);
    let other = c.agent("other", &[]).await;
    let (s, dup) = c.call("POST", "/api/v1/agents", &c.dev, json!({"name": "other"})).await;
    assert_eq!((s, dup["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    let (s, me) = c.call("GET", "/api/v1/whoami", &named.key, Value::Null).await;
    assert_eq!(
        (s, me["principal_type"].as_str(), me["name"].as_str()),
        (StatusCode::OK, Some("agent"), Some(named.name.as_str()))
    );
    // Lifecycle: spawning → idle (heartbeat) → busy → terminating is allowed; busy → spawning is not.
    let hb = async |agent: &TestAgent, status: Value| {
        c.call("POST", &format!("/api/v1/agents/{}/heartbeat", agent.id), &agent.key, json!({"status": status})).await
    };
    assert_eq!(hb(&named, Value::Null).await.1["status"], "idle");
    assert_eq!(hb(&named, json!("busy")).await.1["status"], "busy");
    let (s, r) = hb(&named, json!("spawning")).await;
    assert_eq!((s, r["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    let (s, _) = c.call("POST", &format!("/api/v1/agents/{}/heartbeat", other.id), &named.key, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an agent may heartbeat only itself");
    let (s, _) = c.call("DELETE", &format!("/api/v1/agents/{}", other.id), &named.key, Value::Null).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, list) = c.call("GET", "/api/v1/agents?capability=rust", &c.dev, Value::Null).await;
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, [named.name.as_str()]);
    // Deregistration terminates and revokes the keys.
    let (s, r) = c.call("DELETE", &format!("/api/v1/agents/{}", named.id), &named.key, Value::Null).await;
    assert_eq!((s, r["status"].as_str()), (StatusCode::OK, Some("terminated")));
    let (s, _) = c.call("GET", "/api/v1/whoami", &named.key, Value::Null).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = c.call("DELETE", &format!("/api/v1/agents/{}", named.id), &c.dev, Value::Null).await;
    assert_eq!(s, StatusCode::CONFLICT, "terminated is final");
}

#[tokio::test]
async fn idempotent_submission_long_poll_and_handoffs() {
    let c = Arc::new(Coord::start().await);
    let body = json!({"title": "once", "idempotency_key": "job-42"});
    let (s1, first) = c.call("POST", "/api/v1/tasks", &c.dev, body.clone()).await;
    let (s2, again) = c.call("POST", "/api/v1/tasks", &c.dev, body).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(first["id"], again["id"]);
    assert_eq!(c.t.audit(&c.t.admin, "&action=task.submitted").await.len(), 1);

    let agent = Arc::new(c.agent("poller", &[]).await);
    let (task, fence) = c.claim(&agent, json!({})).await.unwrap();
    assert_eq!(c.complete(&agent, &task, fence).await.0, StatusCode::OK);
    // A waiting claim is answered by the submission that makes work available.
    let (c2, a2) = (c.clone(), agent.clone());
    let started = std::time::Instant::now();
    let waiter = tokio::spawn(async move { c2.claim(&a2, json!({"wait_seconds": 30})).await });
    tokio::task::yield_now().await;
    let id = c.submit(json!({"title": "late work"})).await;
    let claimed = tokio::time::timeout(std::time::Duration::from_secs(20), waiter).await.expect("answered").unwrap();
    assert_eq!(claimed.map(|(t, _)| t), Some(id.clone()));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));

    let handoff = json!({"task_id": id, "summary": "half done", "completed": ["parser"], "next_steps": ["tests"], "files": ["src/parse.rs"]});
    let (s, h) = c.call("POST", "/api/v1/handoffs", &agent.key, handoff).await;
    assert_eq!((s, h["author"].as_str()), (StatusCode::CREATED, Some("poller")), "{h}");
    let (s, _) = c.call("POST", "/api/v1/handoffs", &agent.key, json!({"summary": "second", "task_id": id})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, latest) = c.call("GET", &format!("/api/v1/handoffs?task_id={id}&latest=true"), &c.dev, Value::Null).await;
    let items = latest["items"].as_array().unwrap();
    assert_eq!((items.len(), items[0]["summary"].as_str()), (1, Some("second")));
    let (_, all) = c.call("GET", "/api/v1/handoffs?agent=poller", &c.dev, Value::Null).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert_eq!(all["items"][1]["files"], json!(["src/parse.rs"]));
}

#[tokio::test]
async fn every_coordination_operation_is_audited_with_its_actor_and_target() {
    let c = Coord::start().await;
    let (s, reg) =
        c.call("POST", "/api/v1/agents", &c.dev, json!({"name": "auditee", "heartbeat_interval_seconds": 5})).await;
    assert_eq!(s, StatusCode::CREATED);
    let agent = TestAgent {
        id: reg["agent"]["id"].as_str().unwrap().to_owned(),
        name: "auditee".into(),
        key: reg["key"]["key"].as_str().unwrap().to_owned(),
    };
    let hb = c.call("POST", &format!("/api/v1/agents/{}/heartbeat", agent.id), &agent.key, json!({})).await;
    assert_eq!(hb.0, StatusCode::OK);
    let t1 = c.submit(json!({"title": "one"})).await;
    let t2 = c.submit(json!({"title": "two", "priority": 0})).await;
    let (task, fence) = c.claim(&agent, json!({})).await.unwrap();
    assert_eq!(task, t1);
    assert_eq!(
        c.call("POST", &format!("/api/v1/tasks/{t1}/heartbeat"), &agent.key, json!({"fence": fence})).await.0,
        StatusCode::OK
    );
    assert_eq!(c.complete(&agent, &t1, fence).await.0, StatusCode::OK);
    let (_, locks) = c.call("POST", "/api/v1/locks", &agent.key, json!({"paths": ["src/**"]})).await;
    let lock = locks["locks"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(c.call("POST", &format!("/api/v1/locks/{lock}/renew"), &agent.key, json!({})).await.0, StatusCode::OK);
    assert_eq!(c.call("DELETE", &format!("/api/v1/locks/{lock}"), &agent.key, Value::Null).await.0, StatusCode::OK);
    let (_, h) = c.call("POST", "/api/v1/handoffs", &agent.key, json!({"summary": "s", "task_id": t1})).await;
    let handoff = h["id"].as_str().unwrap().to_owned();
    let (claimed, _) = c.claim(&agent, json!({"lease_seconds": 10})).await.unwrap();
    assert_eq!(claimed, t2);
    c.advance(11);
    assert_eq!(c.tick().await.expired_leases, 1);
    assert_eq!(
        c.call("POST", &format!("/api/v1/tasks/{t2}/cancel"), &c.dev, json!({"reason": "done"})).await.0,
        StatusCode::OK
    );
    assert_eq!(
        c.call("DELETE", &format!("/api/v1/agents/{}", agent.id), &agent.key, Value::Null).await.0,
        StatusCode::OK
    );

    let events = c.t.audit(&c.t.admin, "").await;
    let find = |action: &str, target: &str| {
        events
            .iter()
            .find(|e| e["action"] == action && e["target_id"] == target)
            .unwrap_or_else(|| panic!("no {action} on {target}"))
            .clone()
    };
    let expect = [
        ("agent.registered", agent.id.as_str(), "dev"),
        // Heartbeats are liveness, not history (SPEC §4): the first one is audited because it
        // moved the agent from spawning to idle; the task's heartbeat is counted in the event
        // that ends its lease.
        ("agent.status_changed", agent.id.as_str(), "auditee"),
        ("task.submitted", t1.as_str(), "dev"),
        ("task.claimed", t1.as_str(), "auditee"),
        ("task.completed", t1.as_str(), "auditee"),
        ("lock.acquired", lock.as_str(), "auditee"),
        ("lock.renewed", lock.as_str(), "auditee"),
        ("lock.released", lock.as_str(), "auditee"),
        ("handoff.written", handoff.as_str(), "auditee"),
        ("task.lease_expired", t2.as_str(), "system"),
        ("task.cancelled", t2.as_str(), "dev"),
        ("agent.deregistered", agent.id.as_str(), "auditee"),
    ];
    for (action, target, actor) in expect {
        let e = find(action, target);
        assert_eq!(e["actor_name"], actor, "{action}");
        assert_eq!(e["outcome"], "ok", "{action}");
        assert_eq!(e["ip"], if actor == "system" { Value::Null } else { json!("127.0.0.1") }, "{action}");
    }
    assert_eq!(find("task.claimed", &t1)["actor_type"], "agent");
    assert!(!events.iter().any(|e| e["action"] == "agent.heartbeat" || e["action"] == "task.heartbeat"));
    assert_eq!(find("task.completed", &t1)["details"]["lease"]["heartbeats"], 1);
    assert_eq!(find("task.lease_expired", &t2)["details"]["lease"]["heartbeats"], 0);
    assert_eq!(find("task.claimed", &t1)["project"], "default");
    // The chain over all of it verifies.
    let jsonl =
        c.t.client
            .get(c.t.url("/api/v1/audit?format=jsonl"))
            .bearer_auth(&c.t.admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    let lines: Vec<String> = jsonl.lines().map(str::to_owned).collect();
    let mut v = bosun_core::audit::ChainVerifier::new();
    v.feed_lines(&lines).expect("verifies");
}

#[tokio::test]
async fn an_enrolment_key_may_only_register_an_agent() {
    let c = Coord::start().await;
    let (_, me) = c.call("GET", "/api/v1/whoami", &c.dev, Value::Null).await;
    let dev_id = me["id"].as_str().unwrap().to_owned();
    let (s, key) =
        c.call("POST", &format!("/api/v1/users/{dev_id}/keys"), &c.t.admin, json!({"enrolment": true})).await;
    assert_eq!((s, key["enrolment"].as_bool()), (StatusCode::CREATED, Some(true)));
    let enrol = key["key"].as_str().unwrap().to_owned();
    for (method, path, body) in [
        ("GET", "/api/v1/whoami", Value::Null),
        ("POST", "/api/v1/tasks", json!({"title": "sneaky"})),
        ("GET", "/api/v1/tasks", Value::Null),
    ] {
        let (s, r) = c.call(method, path, &enrol, body).await;
        assert_eq!((s, r["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{method} {path}");
        assert!(r["detail"].as_str().unwrap().contains("enrolment key"), "{r}");
    }
    let (s, reg) = c.call("POST", "/api/v1/agents", &enrol, json!({"name": "enrolled"})).await;
    assert_eq!(s, StatusCode::CREATED, "{reg}");
    let agent_key = reg["key"]["key"].as_str().unwrap();
    assert_eq!(reg["key"]["enrolment"], false, "the agent's own key is a full key");
    let (s, who) = c.call("GET", "/api/v1/whoami", agent_key, Value::Null).await;
    assert_eq!((s, who["name"].as_str()), (StatusCode::OK, Some("enrolled")));
    let misuse = c.t.audit(&c.t.admin, "&action=key.enrolment_misused").await;
    assert_eq!(misuse.len(), 3, "every misuse is audited");
    assert_eq!(misuse[0]["outcome"], "denied");
}
