//! Fleet scale on one node (issue 17): heartbeats are liveness, not history, and a saturated
//! writer refuses at once instead of queueing.

mod common;

use common::{Coord, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The writer, held by a job that waits until the test lets it go (fault injection).
struct Held {
    release: std::sync::mpsc::Sender<()>,
    job: tokio::task::JoinHandle<Result<(), bosun_store::StoreError>>,
}

impl Held {
    /// Returns once the writer is running the holding job (and its queue is empty).
    async fn writer(t: &TestServer) -> Held {
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let store = t.server.kernel.raw_store().clone();
        let job = tokio::spawn(async move {
            store
                .write(move |_| {
                    let _ = started_tx.send(());
                    let _ = released.recv();
                    Ok::<_, bosun_store::StoreError>(())
                })
                .await
        });
        tokio::task::spawn_blocking(move || started.recv()).await.unwrap().unwrap();
        Held { release, job }
    }

    async fn release(self) {
        self.release.send(()).unwrap();
        self.job.await.unwrap().unwrap();
    }
}

/// Events on one target, in order.
fn on<'a>(events: &'a [Value], target: &str) -> Vec<&'a str> {
    let mut mine: Vec<&Value> = events.iter().filter(|e| e["target_id"] == target).collect();
    mine.sort_by_key(|e| e["seq"].as_u64());
    mine.iter().map(|e| e["action"].as_str().unwrap_or_default()).collect()
}

/// 1,000 heartbeats (agent and task) write no audit row; what heartbeats cause — a status
/// change, a lease running out, an agent going silent — each writes exactly one, and the event
/// that ends the lease counts its heartbeats and keeps its last expiry.
#[tokio::test]
async fn heartbeats_write_no_history_but_what_they_cause_does() {
    let c = Coord::start().await;
    let reg = json!({"name": "pulse", "kind": "test", "heartbeat_interval_seconds": 5});
    let (s, r) = c.call("POST", "/api/v1/agents", &c.dev, reg).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (agent, key) = (r["agent"]["id"].as_str().unwrap().to_owned(), r["key"]["key"].as_str().unwrap().to_owned());
    let beat = format!("/api/v1/agents/{agent}/heartbeat");

    // The first heartbeat moves the agent from spawning to idle: that is a status change.
    let (s, a) = c.call("POST", &beat, &key, json!({})).await;
    assert_eq!((s, a["status"].as_str()), (StatusCode::OK, Some("idle")), "{a}");
    let task = c.submit(json!({"title": "long job"})).await;
    let (s, claim) = c.call("POST", "/api/v1/tasks/claim", &key, json!({"lease_seconds": 30})).await;
    assert_eq!(s, StatusCode::OK, "{claim}");
    let fence = claim["fence"].as_u64().unwrap();
    let before = c.t.audit(&c.t.admin, "").await.len();

    let mut last_expiry = Value::Null;
    for i in 0..500 {
        if i % 100 == 0 {
            c.advance(1); // the lease moves with the clock
        }
        let (s, a) = c.call("POST", &beat, &key, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        let (s, t) = c
            .call(
                "POST",
                &format!("/api/v1/tasks/{task}/heartbeat"),
                &key,
                json!({"fence": fence, "lease_seconds": 30}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        last_expiry = t["lease_expires_at"].clone();
    }
    assert_eq!(c.t.audit(&c.t.admin, "").await.len(), before, "1,000 heartbeats wrote audit rows");
    let ts = |v: &Value| v.as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
    assert_eq!(ts(&last_expiry), ts(&json!("2026-11-21T10:00:35Z")), "the lease moved: 5 s on the clock + 30 s");

    // The agent stays alive (quietly) while its lease runs out: one event, with the heartbeats
    // the lease had and its last expiry.
    for wait in [14, 14] {
        c.advance(wait);
        assert_eq!(c.call("POST", &beat, &key, json!({})).await.0, StatusCode::OK);
    }
    c.advance(3);
    let report = c.tick().await;
    assert_eq!((report.expired_leases, report.reaped_agents), (1, 0));
    // Then it falls silent for three intervals: reaped, one event.
    c.advance(16);
    assert_eq!(c.tick().await.reaped_agents, 1);

    let events = c.t.audit(&c.t.admin, "").await;
    assert_eq!(events.len(), before + 2, "exactly the lease expiry and the reaping");
    assert_eq!(on(&events, &agent), ["agent.registered", "agent.status_changed", "agent.offline"]);
    assert_eq!(on(&events, &task), ["task.submitted", "task.claimed", "task.lease_expired"]);
    let expired = events.iter().find(|e| e["action"] == "task.lease_expired").unwrap();
    assert_eq!(expired["details"]["lease"]["heartbeats"], 500);
    assert_eq!(ts(&expired["details"]["lease"]["lease_expires_at"]), ts(&last_expiry));
    let changed = events.iter().find(|e| e["action"] == "agent.status_changed").unwrap();
    assert_eq!(
        (changed["details"]["from"].as_str(), changed["details"]["to"].as_str()),
        (Some("spawning"), Some("idle"))
    );
}

/// With the writer busy and a small queue, more writes than the queue holds are refused at once
/// with 503 `overloaded` and `Retry-After` (REST) or a tool error with that code (MCP); a
/// heartbeat waits in its own lane instead of being refused; and every accepted write completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saturated_writer_sheds_new_work_at_once_and_finishes_what_it_took() {
    const QUEUE: usize = 4;
    const SENT: usize = 20;
    let t = TestServer::start_configured(|c| bosun_server::ServeConfig { writer_queue: QUEUE, ..c }).await;
    let (_, dev) = t.user_with_key(&t.admin.clone(), "dev", "developer").await;
    let (s, reg) = t.call("POST", "/api/v1/agents", Some(&dev), Some(json!({"name": "steady"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{reg}");
    let (agent, agent_key) =
        (reg["agent"]["id"].as_str().unwrap().to_owned(), reg["key"]["key"].as_str().unwrap().to_owned());
    let mcp = common::RawMcp { client: t.client.clone(), url: t.url("/mcp?tools=all") };
    let session = mcp.open(&dev).await;
    mcp.post(&dev, Some(&session), json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})).await;
    // Authenticate both keys now, so that nothing below needs the writer before it is released.
    assert_eq!(t.call("GET", "/api/v1/whoami", Some(&agent_key), None).await.0, StatusCode::OK);

    let held = Held::writer(&t).await;

    // SENT submissions at once: QUEUE of them wait, the rest are refused without waiting.
    let (answers_tx, mut answers) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..SENT {
        let (client, url, dev, tx) = (t.client.clone(), t.url("/api/v1/tasks"), dev.clone(), answers_tx.clone());
        tokio::spawn(async move {
            let sent = std::time::Instant::now();
            let r = client.post(url).bearer_auth(dev).json(&json!({"title": format!("t{i}")})).send().await.unwrap();
            let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            let _ = tx.send((status, retry, body, sent.elapsed()));
        });
    }
    let heartbeat = {
        let (client, url, key) =
            (t.client.clone(), t.url(&format!("/api/v1/agents/{agent}/heartbeat")), agent_key.clone());
        tokio::spawn(async move { client.post(url).bearer_auth(key).json(&json!({})).send().await.unwrap().status() })
    };
    for _ in 0..SENT - QUEUE {
        let (status, retry, body, took) = answers.recv().await.unwrap();
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["code"], "overloaded", "{body}");
        assert_eq!(retry.as_deref(), Some("1"));
        assert!(took < std::time::Duration::from_secs(2), "a refusal took {took:?}");
    }
    // MCP sees the same refusal as a tool error.
    let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "submit_task", "arguments": {"title": "via mcp"}}});
    let (_, _, refused) = mcp.post(&dev, Some(&session), call).await;
    assert_eq!(refused["result"]["isError"], true, "{refused}");
    assert!(refused["result"]["content"][0]["text"].as_str().unwrap().starts_with("overloaded"), "{refused}");

    // Let the writer go: the accepted writes and the heartbeat all complete.
    held.release().await;
    for _ in 0..QUEUE {
        let (status, _, body, _) = answers.recv().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert_eq!(heartbeat.await.unwrap(), StatusCode::OK);
    let (_, page) = t.call("GET", "/api/v1/tasks?limit=100", Some(&dev), None).await;
    assert_eq!(page["items"].as_array().unwrap().len(), QUEUE, "exactly the accepted tasks exist");
    let metrics = t.client.get(t.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("bosun_writer_shed_total{lane=\"work\"}"), "shed count in /metrics");
}

/// Past saturation the CPU runs out before the writer does, so requests in flight are bounded
/// per lane at the edge too: with every place of the work lane taken, more writes are refused at
/// once (503 `overloaded`), while reads — their own lane — and health probes still answer; the
/// writes that had a place finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_are_bounded_per_lane() {
    const PLACES: usize = 3;
    const SENT: usize = 8;
    let t = TestServer::start_configured(|c| bosun_server::ServeConfig { max_in_flight: PLACES, ..c }).await;
    let (_, dev) = t.user_with_key(&t.admin.clone(), "dev", "developer").await;
    assert_eq!(t.call("GET", "/api/v1/whoami", Some(&dev), None).await.0, StatusCode::OK);

    let held = Held::writer(&t).await;

    let (answers_tx, mut answers) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..SENT {
        let (client, url, dev, tx) = (t.client.clone(), t.url("/api/v1/tasks"), dev.clone(), answers_tx.clone());
        tokio::spawn(async move {
            let sent = std::time::Instant::now();
            let r = client.post(url).bearer_auth(dev).json(&json!({"title": format!("t{i}")})).send().await.unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            let _ = tx.send((status, body, sent.elapsed()));
        });
    }
    for _ in 0..SENT - PLACES {
        let (status, body, took) = answers.recv().await.unwrap();
        assert_eq!((status, body["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("overloaded")), "{body}");
        assert!(body["detail"].as_str().unwrap().contains("work lane"), "{body}");
        assert!(took < std::time::Duration::from_secs(2), "a refusal took {took:?}");
    }
    // The read lane and the health probe are not the work lane's.
    assert_eq!(t.call("GET", "/api/v1/tasks", Some(&dev), None).await.0, StatusCode::OK);
    assert_eq!(t.client.get(t.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);

    held.release().await;
    for _ in 0..PLACES {
        let (status, body, _) = answers.recv().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Places are given back: the lane takes writes again.
    let (s, _) = t.call("POST", "/api/v1/tasks", Some(&dev), Some(json!({"title": "after"}))).await;
    assert_eq!(s, StatusCode::CREATED);
}

/// Reaping is bounded per tick: 2,500 agents gone silent at once are reaped over three ticks
/// (at most 1,000 each, one small write at a time), and other writes go through meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reaping_a_crowd_is_bounded_per_tick_and_never_holds_the_writer() {
    let c = Coord::start().await;
    let (_, me) = c.call("GET", "/api/v1/whoami", &c.dev, Value::Null).await;
    let tenant = bosun_core::TenantId::parse(me["tenant"]["id"].as_str().unwrap()).unwrap();
    let now = bosun_core::Clock::now(&*c.clock);
    // Fault injection: a crowd written straight into the store (registering 2,500 agents one by
    // one would only slow the test down).
    c.t.server
        .kernel
        .raw_store()
        .write(move |w| {
            for i in 0..2500 {
                w.create_agent(&bosun_core::model::Agent {
                    id: bosun_core::AgentId::generate(),
                    tenant_id: tenant,
                    name: format!("crowd-{i}"),
                    kind: "test".into(),
                    capabilities: vec![],
                    profile: "worker".into(),
                    status: bosun_core::agent::AgentStatus::Idle,
                    metadata: json!({}),
                    heartbeat_interval: 5,
                    last_seen_at: now,
                    created_at: bosun_core::clock::format_micros(now),
                })?;
            }
            Ok::<_, bosun_store::StoreError>(())
        })
        .await
        .unwrap();
    c.advance(16);

    let kernel = c.t.server.kernel.clone();
    let ticking = tokio::spawn(async move {
        let mut reaped = Vec::new();
        for _ in 0..4 {
            reaped.push(kernel.tick().await.unwrap().reaped_agents);
        }
        reaped
    });
    let mut slowest = std::time::Duration::ZERO;
    for i in 0..20 {
        let started = std::time::Instant::now();
        let (s, _) = c.call("POST", "/api/v1/tasks", &c.dev, json!({"title": format!("meanwhile {i}")})).await;
        assert_eq!(s, StatusCode::CREATED);
        slowest = slowest.max(started.elapsed());
    }
    assert_eq!(ticking.await.unwrap(), [1000, 1000, 500, 0]);
    assert!(slowest < std::time::Duration::from_secs(2), "a write waited {slowest:?} behind the reaper");
}
