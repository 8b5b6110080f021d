//! Several `bosun serve` nodes on one PostgreSQL database (real processes, real PostgreSQL):
//! any node answers any request, work is handed out exactly once across nodes, every node's
//! streams carry every node's events in chain order, a long-poll on one node wakes on a commit
//! made on another, and killing a node loses nothing it acknowledged while its leases expire and
//! are granted again, with higher fences, through the other.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bosun_store::postgres::{ScratchDatabase, test_server_url};
use common::{Spawned, bosun, text};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

const TASKS: usize = 10_000;
const CLAIMERS: usize = 16;

#[derive(Clone)]
struct Api {
    client: reqwest::Client,
}

impl Api {
    async fn post(&self, url: &str, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
        let r = self.client.post(format!("{url}{path}")).bearer_auth(key).json(&body).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, url: &str, path: &str, key: &str) -> Value {
        self.client.get(format!("{url}{path}")).bearer_auth(key).send().await.unwrap().json().await.unwrap()
    }

    async fn agent(&self, url: &str, admin: &str, name: &str) -> String {
        let (s, reg) = self.post(url, "/api/v1/agents", admin, json!({"name": name})).await;
        assert_eq!(s, StatusCode::CREATED, "{reg}");
        reg["key"]["key"].as_str().unwrap().to_owned()
    }

    /// Claim with a long-poll; the task id and fence, or `None` after `wait` seconds.
    async fn claim(&self, url: &str, key: &str, wait: u32, lease: u32) -> Option<(String, u64)> {
        let body = json!({"wait_seconds": wait, "lease_seconds": lease});
        let (s, c) = self.post(url, "/api/v1/tasks/claim", key, body).await;
        match s {
            StatusCode::OK => Some((c["task"]["id"].as_str().unwrap().to_owned(), c["fence"].as_u64().unwrap())),
            StatusCode::NO_CONTENT => None,
            other => panic!("claim: {other} {c}"),
        }
    }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(url: &str, key: &str, types: Value) -> Ws {
    let mut req = format!("{}/api/v1/events", url.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("authorization", format!("Bearer {key}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket");
    ws.send(tungstenite::Message::Text(json!({"subscribe": {"types": types}}).to_string().into())).await.unwrap();
    // Until the server reads the filter it sends every event the key may see (docs/API.md), and
    // on a shared database a commit made just before connecting can reach this node's stream
    // after the socket opened (followers publish what they read back): skip those.
    loop {
        let msg = next_json(&mut ws).await.expect("subscription acknowledged");
        if msg["subscribed"].is_object() {
            return ws;
        }
        assert!(msg["seq"].is_u64(), "an event or the acknowledgement, not {msg}");
    }
}

async fn next_json(ws: &mut Ws) -> Option<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await.ok()?? {
            Ok(tungstenite::Message::Text(t)) => return serde_json::from_str(&t).ok(),
            Ok(tungstenite::Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Node A bootstraps the database; node B shares it and A's key secret (API keys are hashed,
/// and gate tokens signed, under it: every node needs the same one).
fn two_nodes(db: &ScratchDatabase, dir: &std::path::Path) -> (Spawned, Spawned) {
    let (a, b) = (dir.join("a"), dir.join("b"));
    let node_a = Spawned::start_with(&a, &["--database-url", &db.url]);
    std::fs::create_dir(&b).unwrap();
    std::fs::copy(a.join("key.secret"), b.join("key.secret")).unwrap();
    let node_b = Spawned::start_with(&b, &["--database-url", &db.url]);
    (node_a, node_b)
}

/// Two nodes on a fresh database, their URLs, the admin key and a client.
struct Cluster {
    _db: ScratchDatabase,
    _dir: tempfile::TempDir,
    node_a: Spawned,
    node_b: Spawned,
    a: String,
    b: String,
    admin: String,
    api: Api,
}

impl Cluster {
    fn start() -> Cluster {
        let db = ScratchDatabase::create(&test_server_url()).expect("PostgreSQL (scripts/pg.sh starts it)");
        let dir = tempfile::tempdir().unwrap();
        let (node_a, node_b) = two_nodes(&db, dir.path());
        let (a, b) = (node_a.url.clone(), node_b.url.clone());
        let admin = node_a.admin_key();
        Cluster { _db: db, _dir: dir, node_a, node_b, a, b, admin, api: Api { client: reqwest::Client::new() } }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_hand_out_every_task_once_and_stream_each_others_events() {
    let Cluster { _db, _dir, node_a, node_b, a, b, admin, api } = Cluster::start();
    assert_eq!(api.get(&b, "/api/v1/whoami", &admin).await["name"], "admin", "a key made on A works on B");

    // A long-poll on A is woken by a submit on B.
    let waiter = api.agent(&a, &admin, "waiter").await;
    let started = Instant::now();
    let poll = {
        let (api, a, waiter) = (api.clone(), a.clone(), waiter.clone());
        tokio::spawn(async move { api.claim(&a, &waiter, 30, 300).await })
    };
    let mut watcher = subscribe(&a, &admin, json!(["task.*"])).await;
    let (s, first) = api.post(&b, "/api/v1/tasks", &admin, json!({"title": "wake up"})).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let (claimed, fence) = poll.await.unwrap().expect("the claim on A got the task submitted on B");
    assert_eq!(claimed, first["id"].as_str().unwrap());
    assert!(started.elapsed() < Duration::from_secs(10), "woken, not timed out: {:?}", started.elapsed());
    let (s, done) = api.post(&a, &format!("/api/v1/tasks/{claimed}/complete"), &waiter, json!({"fence": fence})).await;
    assert_eq!(s, StatusCode::OK, "{done}");

    // A key revoked through B stops working on A (which had it cached) within a second.
    let (s, user) = api.post(&a, "/api/v1/users", &admin, json!({"name": "temp", "role": "viewer"})).await;
    assert_eq!(s, StatusCode::CREATED, "{user}");
    let path = format!("/api/v1/users/{}/keys", user["id"].as_str().unwrap());
    let (s, made) = api.post(&a, &path, &admin, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let temp = made["key"].as_str().unwrap().to_owned();
    let whoami = |url: String, key: String| {
        let client = api.client.clone();
        async move { client.get(format!("{url}/api/v1/whoami")).bearer_auth(key).send().await.unwrap().status() }
    };
    assert_eq!(whoami(a.clone(), temp.clone()).await, StatusCode::OK);
    let r = api.client.delete(format!("{b}/api/v1/keys/{}", made["id"].as_str().unwrap())).bearer_auth(&admin);
    assert!(r.send().await.unwrap().status().is_success());
    let revoked = Instant::now();
    while whoami(a.clone(), temp.clone()).await == StatusCode::OK {
        assert!(revoked.elapsed() < Duration::from_secs(1), "the revoked key still works on A after 1 s");
        tokio::task::yield_now().await;
    }
    eprintln!("revocation through B held on A after {:?}", revoked.elapsed());

    // A lease taken through A runs out while both nodes' schedulers run: it expires once.
    let sleeper = api.agent(&a, &admin, "sleeper").await;
    let (s, lapsed) = api.post(&b, "/api/v1/tasks", &admin, json!({"title": "lapse"})).await;
    assert_eq!(s, StatusCode::CREATED, "{lapsed}");
    let (first_hold, fence) = api.claim(&a, &sleeper, 0, 1).await.expect("the task");
    let (again, later) = api.claim(&b, &waiter, 10, 300).await.expect("granted again once the lease ran out");
    assert_eq!((again.as_str(), later), (first_hold.as_str(), fence + 1));
    let path = format!("/api/v1/tasks/{again}/complete");
    assert_eq!(api.post(&b, &path, &waiter, json!({"fence": later})).await.0, StatusCode::OK);
    let query = format!("/api/v1/audit?action=task.lease_expired&target={again}");
    let expired = api.get(&a, &query, &admin).await;
    assert_eq!(expired["items"].as_array().map(Vec::len), Some(1), "expired exactly once: {expired}");

    // The WebSocket client on A reads every task event, from both nodes, in the background.
    let seen = Arc::new(Mutex::new(Vec::<(u64, String)>::new()));
    let reader = {
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Some(e) = next_json(&mut watcher).await {
                let kind = e["type"].as_str().unwrap_or_default().to_owned();
                let done = kind == "task.completed";
                seen.lock().await.push((e["seq"].as_u64().unwrap(), kind));
                let completed = seen.lock().await.iter().filter(|(_, k)| k == "task.completed").count();
                if done && completed == TASKS + 2 {
                    return;
                }
            }
        })
    };

    // 10,000 tasks, submitted half through each node.
    for batch in 0..TASKS / 1000 {
        let url = if batch % 2 == 0 { &a } else { &b };
        let tasks: Vec<Value> = (0..1000).map(|i| json!({"title": format!("t{batch}-{i}")})).collect();
        let (s, r) = api.post(url, "/api/v1/tasks/batch", &admin, json!({"tasks": tasks})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }

    // 16 claimers, 8 on each node, claim and complete until the queue is empty.
    let mut claimers = Vec::new();
    for i in 0..CLAIMERS {
        let url = if i % 2 == 0 { a.clone() } else { b.clone() };
        let key = api.agent(&url, &admin, &format!("claimer-{i}")).await;
        let api = api.clone();
        claimers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            while let Some((task, fence)) = api.claim(&url, &key, 1, 300).await {
                let (s, r) =
                    api.post(&url, &format!("/api/v1/tasks/{task}/complete"), &key, json!({"fence": fence})).await;
                assert_eq!(s, StatusCode::OK, "{r}");
                done.push((task, fence));
            }
            done
        }));
    }
    let mut completed: HashMap<String, u64> = HashMap::new();
    for c in claimers {
        for (task, fence) in c.await.unwrap() {
            assert!(completed.insert(task.clone(), fence).is_none(), "task {task} was handed out twice");
        }
    }
    assert_eq!(completed.len(), TASKS, "every task exactly once");
    assert!(completed.values().all(|f| *f == 1), "each task claimed once, with fence 1");

    tokio::time::timeout(Duration::from_secs(60), reader).await.expect("A's stream carried every completion").unwrap();
    let seen = seen.lock().await;
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "events arrive in seq order");
    // One event per submission (a batch of 1,000 is one), half of them made through B; half the
    // completions too.
    let submitted = seen.iter().filter(|(_, k)| k == "task.submitted").count();
    assert_eq!(submitted, 2 + TASKS / 1000, "A's client saw the submissions made through B as well");

    // One chain, gap-free, whichever node appended.
    let out = bosun(&["audit", "verify"], Some(&b), Some(&admin));
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("ok: "), "{}", text(&out.stdout));
    node_a.stop();
    node_b.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_node_loses_nothing_and_its_leases_are_granted_again() {
    let Cluster { _db, _dir, node_a, node_b, a, b, admin, api } = Cluster::start();
    let tasks: Vec<Value> = (0..200).map(|i| json!({"title": format!("job-{i}")})).collect();
    let (s, r) = api.post(&b, "/api/v1/tasks/batch", &admin, json!({"tasks": tasks})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    // Workers on A complete tasks until A is killed; the last claim of each is left leased (1 s).
    let acknowledged = Arc::new(Mutex::new(HashSet::<String>::new()));
    let orphaned = Arc::new(Mutex::new(HashMap::<String, u64>::new()));
    let mut workers = Vec::new();
    for i in 0..4 {
        let key = api.agent(&a, &admin, &format!("on-a-{i}")).await;
        let (api, a, acknowledged, orphaned) = (api.clone(), a.clone(), acknowledged.clone(), orphaned.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let body = json!({"lease_seconds": 1});
                let Ok(r) =
                    api.client.post(format!("{a}/api/v1/tasks/claim")).bearer_auth(&key).json(&body).send().await
                else {
                    return;
                };
                let Ok(claim) = r.json::<Value>().await else { return }; // 204 (none left) or died
                let (task, fence) =
                    (claim["task"]["id"].as_str().unwrap().to_owned(), claim["fence"].as_u64().unwrap());
                orphaned.lock().await.insert(task.clone(), fence);
                let url = format!("{a}/api/v1/tasks/{task}/complete");
                match api.client.post(url).bearer_auth(&key).json(&json!({"fence": fence})).send().await {
                    Ok(r) if r.status() == StatusCode::OK => {
                        orphaned.lock().await.remove(&task);
                        acknowledged.lock().await.insert(task);
                    }
                    _ => return, // died mid-request: not acknowledged
                }
            }
        }));
    }
    // One lease taken through A is certainly held when A dies.
    let holder = api.agent(&a, &admin, "holder-on-a").await;
    let held = api.claim(&a, &holder, 0, 1).await.expect("a task to hold");
    // B keeps serving while A works and after A dies.
    let b_worker = api.agent(&b, &admin, "on-b").await;
    let mut on_b = HashMap::new();
    while acknowledged.lock().await.len() < 40 {
        if let Some((task, fence)) = api.claim(&b, &b_worker, 1, 300).await {
            let (s, r) =
                api.post(&b, &format!("/api/v1/tasks/{task}/complete"), &b_worker, json!({"fence": fence})).await;
            assert_eq!(s, StatusCode::OK, "{r}");
            on_b.insert(task, fence);
        }
    }
    assert_eq!((leads(&a).await, leads(&b).await), (true, false), "A started first and leads");
    node_a.kill();
    for w in workers {
        w.await.unwrap();
    }
    let mut orphaned = orphaned.lock().await.clone();
    orphaned.insert(held.0.clone(), held.1);

    // Through B, the rest — including A's expired leases, granted again with a higher fence.
    let mut regranted = HashMap::new();
    while let Some((task, fence)) = api.claim(&b, &b_worker, 5, 300).await {
        let (s, r) = api.post(&b, &format!("/api/v1/tasks/{task}/complete"), &b_worker, json!({"fence": fence})).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        if let Some(old) = orphaned.get(&task) {
            assert!(fence > *old, "task {task}: re-granted with fence {fence}, had {old}");
            regranted.insert(task.clone(), fence);
        }
        on_b.insert(task, fence);
    }
    assert!(regranted.get(&held.0).is_some_and(|f| *f > held.1), "the lease held on A was granted again");
    eprintln!(
        "acknowledged through A: {}, completed through B: {}, A's leases granted again: {}",
        acknowledged.lock().await.len(),
        on_b.len(),
        regranted.len()
    );
    for task in acknowledged.lock().await.iter() {
        let t = api.get(&b, &format!("/api/v1/tasks/{task}"), &admin).await;
        assert_eq!(t["status"], "succeeded", "an acknowledged completion was lost: {t}");
    }
    // A lease A held was granted again — or its completion committed as A died, unanswered.
    for task in orphaned.keys().filter(|t| !regranted.contains_key(*t)) {
        let t = api.get(&b, &format!("/api/v1/tasks/{task}"), &admin).await;
        assert_eq!(t["status"], "succeeded", "A's lease on {task} was neither granted again nor completed: {t}");
    }
    let completed = api.get(&b, "/api/v1/tasks?status=succeeded&limit=500", &admin).await;
    let completed = completed["items"].as_array().map_or(0, Vec::len);
    assert_eq!(completed, 200, "every task completed");
    let unanswered = orphaned.len() - regranted.len();
    assert_eq!(acknowledged.lock().await.len() + on_b.len() + unanswered, 200, "each task completed exactly once");
    let out = bosun(&["audit", "verify"], Some(&b), Some(&admin));
    assert!(out.status.success(), "{}", text(&out.stdout));
    // A's session ended with it, so B took the lead (the alert engine, webhook deliveries).
    let dead = Instant::now();
    while !leads(&b).await {
        assert!(dead.elapsed() < Duration::from_secs(10), "B did not take the lead");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    node_b.stop();
}

/// Whether the node at `url` runs the work one node does for all (`bosun_leader` in /metrics).
async fn leads(url: &str) -> bool {
    let metrics = reqwest::get(format!("{url}/metrics")).await.unwrap().text().await.unwrap();
    metrics.lines().any(|l| l.trim() == "bosun_leader 1")
}

/// A tenant moves from SQLite to PostgreSQL and back with its chain intact: `bosun export`, then
/// `bosun import`, each verifying; a node on PostgreSQL then serves the tenant as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_moves_from_sqlite_to_postgres_and_back() {
    let db = ScratchDatabase::create(&test_server_url()).expect("PostgreSQL (scripts/pg.sh starts it)");
    let dir = tempfile::tempdir().unwrap();
    let api = Api { client: reqwest::Client::new() };
    let lite = dir.path().join("lite");
    let server = Spawned::start(&lite);
    let (url, admin) = (server.url.clone(), server.admin_key());
    let worker = api.agent(&url, &admin, "mover").await;
    for i in 0..20 {
        let (s, r) = api.post(&url, "/api/v1/tasks", &admin, json!({"title": format!("move-{i}")})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    for _ in 0..5 {
        let (task, fence) = api.claim(&url, &worker, 0, 300).await.unwrap();
        let (s, r) = api.post(&url, &format!("/api/v1/tasks/{task}/complete"), &worker, json!({"fence": fence})).await;
        assert_eq!(s, StatusCode::OK, "{r}");
    }
    let (s, r) =
        api.post(&url, "/api/v1/messages", &admin, json!({"to": ["mover"], "body": "the lexer eats CRLF"})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let lesson = json!({"event_type": "task_failed", "summary": "The lexer chokes on CRLF line endings",
        "lessons": "normalise line endings first", "tags": ["lexer"]});
    let (s, r) = api.post(&url, "/api/v1/memory", &worker, lesson).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    server.stop();

    let sqlite_url = format!("sqlite://{}", lite.join("bosun.db").display());
    let export = dir.path().join("default.jsonl");
    let out = bosun(
        &["export", "--database-url", &sqlite_url, "--tenant", "default", "--out", export.to_str().unwrap()],
        None,
        None,
    );
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("chain verified"), "{}", text(&out.stdout));
    let out = bosun(&["import", "--database-url", &db.url, export.to_str().unwrap()], None, None);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("chain verified"), "{}", text(&out.stdout));
    let again = bosun(&["import", "--database-url", &db.url, export.to_str().unwrap()], None, None);
    assert!(!again.status.success(), "a tenant is imported once: {}", text(&again.stdout));

    // A node on PostgreSQL, with the SQLite node's key secret: the same keys, tasks, messages.
    let pg = dir.path().join("pg");
    std::fs::create_dir(&pg).unwrap();
    std::fs::copy(lite.join("key.secret"), pg.join("key.secret")).unwrap();
    let node = Spawned::start_with(&pg, &["--database-url", &db.url]);
    assert!(!pg.join("admin.key").exists(), "the imported tenant is the system tenant: no second bootstrap");
    let done = api.get(&node.url, "/api/v1/tasks?status=succeeded", &admin).await;
    assert_eq!(done["items"].as_array().unwrap().len(), 5, "{done}");
    let found = api.get(&node.url, "/api/v1/messages/search?q=CRLF", &admin).await;
    assert_eq!(found["messages"].as_array().map(Vec::len), Some(1), "search works on the imported messages: {found}");
    let recalled = api.get(&node.url, "/api/v1/memory/recall?q=lexer+line+endings", &admin).await;
    assert_eq!(recalled["memories"][0]["lessons"], "normalise line endings first", "{recalled}");
    let (task, fence) = api.claim(&node.url, &worker, 0, 300).await.expect("the agent's key works");
    let (s, r) = api.post(&node.url, &format!("/api/v1/tasks/{task}/complete"), &worker, json!({"fence": fence})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let out = bosun(&["audit", "verify"], Some(&node.url), Some(&admin));
    assert!(out.status.success(), "the chain goes on from where SQLite left it: {}", text(&out.stdout));
    node.stop();

    // And back to a fresh SQLite file.
    let back = dir.path().join("back.jsonl");
    let out = bosun(
        &["export", "--database-url", &db.url, "--tenant", "default", "--out", back.to_str().unwrap()],
        None,
        None,
    );
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let fresh = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let out = bosun(&["import", "--database-url", &fresh, back.to_str().unwrap()], None, None);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let out = bosun(&["audit", "verify", "--db", dir.path().join("fresh.db").to_str().unwrap()], None, None);
    assert!(out.status.success(), "{}", text(&out.stdout));
    // The memory is found there too (its full-text entry rebuilt, in the tenant's row id range).
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::copy(lite.join("key.secret"), home.join("key.secret")).unwrap();
    let node = Spawned::start_with(&home, &["--database-url", &fresh]);
    let recalled = api.get(&node.url, "/api/v1/memory/recall?q=CRLF+lexer", &admin).await;
    assert_eq!(recalled["memories"][0]["summary"], "The lexer chokes on CRLF line endings", "{recalled}");
    node.stop();
}
