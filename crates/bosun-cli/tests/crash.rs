//! A server killed with SIGKILL under concurrent writes loses nothing it acknowledged, and its
//! audit chain still verifies, five times over.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Spawned, bosun, text};
use serde_json::{Value, json};
use tokio::sync::Mutex;

const WRITERS: usize = 8;
const ROUNDS: usize = 5;

fn random_below(n: usize) -> usize {
    use std::hash::{BuildHasher, RandomState};
    (RandomState::new().hash_one(std::time::SystemTime::now()) as usize) % n
}

async fn all_user_names(client: &reqwest::Client, url: &str, key: &str) -> HashSet<String> {
    let (mut names, mut after) = (HashSet::new(), String::new());
    loop {
        let q = if after.is_empty() { String::new() } else { format!("&after={after}") };
        let page: Value = client
            .get(format!("{url}/api/v1/users?limit=500{q}"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for u in page["items"].as_array().unwrap() {
            names.insert(u["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(n) => after = n.to_owned(),
            None => return names,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let client = reqwest::Client::new();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut key = None;

    for round in 0..ROUNDS {
        let server = Spawned::start(&data);
        let admin = key.get_or_insert_with(|| server.admin_key()).clone();

        // Everything acknowledged before this restart is there, and the chain verifies.
        let present = all_user_names(&client, &server.url, &admin).await;
        for name in acknowledged.lock().await.iter() {
            assert!(present.contains(name), "round {round}: acknowledged user {name} was lost");
        }
        let out = bosun(&["audit", "verify", "--db", server.db().to_str().unwrap()], None, None);
        assert!(out.status.success(), "round {round}: {}", text(&out.stdout));

        // Write concurrently; kill at a random moment, counted in acknowledged writes.
        let kill_after = 30 + random_below(200);
        let acks = Arc::new(AtomicUsize::new(0));
        let enough = Arc::new(tokio::sync::Notify::new());
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (client, url, admin, acked, acks, enough) =
                (client.clone(), server.url.clone(), admin.clone(), acknowledged.clone(), acks.clone(), enough.clone());
            writers.push(tokio::spawn(async move {
                for i in 0.. {
                    let name = format!("r{round}-w{w}-{i}");
                    let sent = client
                        .post(format!("{url}/api/v1/users"))
                        .bearer_auth(&admin)
                        .json(&json!({"name": name}))
                        .send()
                        .await;
                    match sent {
                        Ok(resp) if resp.status().is_success() => {
                            acked.lock().await.push(name);
                            if acks.fetch_add(1, Ordering::SeqCst) + 1 == kill_after {
                                enough.notify_one();
                            }
                        }
                        Ok(resp) => panic!("unexpected answer {}", resp.status()),
                        Err(_) => return, // the server died mid-request: not acknowledged
                    }
                }
            }));
        }
        enough.notified().await;
        server.kill();
        for w in writers {
            w.await.unwrap();
        }
    }

    let server = Spawned::start(&data);
    let admin = key.unwrap();
    let present = all_user_names(&client, &server.url, &admin).await;
    let acked = acknowledged.lock().await;
    assert!(acked.len() >= ROUNDS * 30);
    for name in acked.iter() {
        assert!(present.contains(name), "acknowledged user {name} was lost");
    }
    let out = bosun(&["audit", "verify", "--db", server.db().to_str().unwrap()], None, None);
    assert!(out.status.success(), "{}", text(&out.stdout));
    server.stop();
}

/// Heartbeats are not audited, but an acknowledged one is as durable as any write: agents keep
/// their leases alive until the server is SIGKILLed, and after the restart every lease is still
/// held, with its fence, and runs at least to the expiry the last acknowledged heartbeat
/// returned; its holder goes on heartbeating it with the same fence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeated_leases_survive_sigkill() {
    const AGENTS: usize = 4;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let client = reqwest::Client::new();
    let server = Spawned::start(&data);
    let admin = server.admin_key();
    let (http, base) = (client.clone(), server.url.clone());
    let post = move |path: String, key: String, body: Value| {
        let (client, url) = (http.clone(), base.clone());
        async move {
            let r = client.post(format!("{url}{path}")).bearer_auth(key).json(&body).send().await?;
            let status = r.status();
            Ok::<_, reqwest::Error>((status, r.json::<Value>().await.unwrap_or(Value::Null)))
        }
    };
    let mut leases = Vec::new();
    for i in 0..AGENTS {
        let (_, reg) =
            post("/api/v1/agents".into(), admin.clone(), json!({"name": format!("worker-{i}")})).await.unwrap();
        let key = reg["key"]["key"].as_str().unwrap().to_owned();
        post("/api/v1/tasks".into(), admin.clone(), json!({"title": format!("job-{i}")})).await.unwrap();
        let (s, claim) = post("/api/v1/tasks/claim".into(), key.clone(), json!({"lease_seconds": 600})).await.unwrap();
        assert_eq!(s, reqwest::StatusCode::OK, "{claim}");
        let (task, fence) = (claim["task"]["id"].as_str().unwrap().to_owned(), claim["fence"].as_u64().unwrap());
        leases.push((key, task, fence));
    }

    // Each agent heartbeats its lease as fast as it can; the last expiry it was told is kept.
    let acks = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(tokio::sync::Notify::new());
    let kill_after = 200 + random_below(300);
    let mut beaters = Vec::new();
    for (key, task, fence) in leases.clone() {
        let (post, acks, enough) = (post.clone(), acks.clone(), enough.clone());
        beaters.push(tokio::spawn(async move {
            let mut last: Option<jiff::Timestamp> = None;
            for n in 0u32.. {
                let body = json!({"fence": fence, "lease_seconds": 600 + n});
                match post(format!("/api/v1/tasks/{task}/heartbeat"), key.clone(), body).await {
                    Ok((s, t)) if s.is_success() => {
                        last = Some(t["lease_expires_at"].as_str().unwrap().parse().unwrap());
                        if acks.fetch_add(1, Ordering::SeqCst) + 1 == kill_after {
                            enough.notify_one();
                        }
                    }
                    Ok((s, t)) => panic!("heartbeat refused: {s} {t}"),
                    Err(_) => return last, // the server died mid-request: not acknowledged
                }
            }
            last
        }));
    }
    enough.notified().await;
    server.kill();
    let mut told = Vec::new();
    for b in beaters {
        told.push(b.await.unwrap().expect("at least one acknowledged heartbeat"));
    }

    let server = Spawned::start(&data);
    for ((key, task, fence), told) in leases.iter().zip(told) {
        let t: Value = client
            .get(format!("{}/api/v1/tasks/{task}", server.url))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(t["status"], "leased", "{t}");
        assert_eq!(t["fence"].as_u64(), Some(*fence), "{t}");
        let stored: jiff::Timestamp = t["lease_expires_at"].as_str().unwrap().parse().unwrap();
        assert!(stored >= told, "task {task}: lease runs to {stored}, but a heartbeat was acknowledged until {told}");
        let again = client
            .post(format!("{}/api/v1/tasks/{task}/heartbeat", server.url))
            .bearer_auth(key)
            .json(&json!({"fence": fence}))
            .send()
            .await
            .unwrap();
        assert!(again.status().is_success(), "{}", again.text().await.unwrap());
    }
    server.stop();
}

/// `bosun backup` while the server writes, then a restore: stop, copy the backup's files into a
/// fresh data directory, start — the old keys work and every chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Spawned::start(&data);
    let (url, admin) = (server.url.clone(), server.admin_key());
    for i in 0..50 {
        common::api("POST", &url, &admin, "/api/v1/tasks", Some(serde_json::json!({"title": format!("before {i}")})))
            .await;
    }
    // Writers keep going while the backup runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (url, admin, stop) = (url.clone(), admin.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = serde_json::json!({"title": format!("during {n}")});
                common::api("POST", &url, &admin, "/api/v1/tasks", Some(body)).await;
                n += 1;
            }
            n
        })
    };
    let out = dir.path().join("backup");
    let backup = tokio::task::spawn_blocking({
        let (data, out) = (data.clone(), out.clone());
        move || {
            common::bosun(
                &["backup", "--data-dir", data.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"],
                None,
                None,
            )
        }
    })
    .await
    .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written_during = writer.await.unwrap();
    assert!(backup.status.success(), "{}{}", common::text(&backup.stdout), common::text(&backup.stderr));
    let report: serde_json::Value = serde_json::from_slice(&backup.stdout).unwrap();
    assert_eq!((report["verified"].as_bool(), report["key_secret"].as_bool()), (Some(true), Some(true)), "{report}");
    server.stop();

    // Restore into a new data directory.
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    for f in ["bosun.db", "key.secret"] {
        std::fs::copy(out.join(f), restored.join(f)).unwrap();
    }
    let again = Spawned::start(&restored);
    let tasks = common::api("GET", &again.url, &admin, "/api/v1/tasks?limit=500", None).await;
    let titles: Vec<&str> = tasks["items"].as_array().unwrap().iter().filter_map(|t| t["title"].as_str()).collect();
    assert!(titles.iter().filter(|t| t.starts_with("before")).count() == 50, "{} tasks", titles.len());
    println!("tasks written while the backup ran: {written_during}; in the backup: {}", titles.len() - 50);
    let verified = common::bosun(&["audit", "verify", "--db", again.db().to_str().unwrap()], None, None);
    assert!(verified.status.success(), "{}", common::text(&verified.stdout));
    let again_backup =
        common::bosun(&["backup", "--data-dir", data.to_str().unwrap(), "--out", out.to_str().unwrap()], None, None);
    assert!(!again_backup.status.success(), "a backup never overwrites one");
    again.stop();
}

/// `bosun migrate` brings a PostgreSQL database (and a SQLite file) to this binary's schema,
/// twice without harm, and never prints the URL's password.
#[test]
fn migrate_prepares_postgres_and_sqlite() {
    let admin = std::env::var("BOSUN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://bosun:bosun@127.0.0.1:5432/postgres".into());
    let mut client = bosun_store::postgres::connect(&admin)
        .unwrap_or_else(|e| panic!("PostgreSQL is not reachable at {admin} ({e}); start it with scripts/pg.sh"));
    let name = format!("bosun_cli_{}", std::process::id());
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
    client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    for _ in 0..2 {
        let out = bosun(&["migrate", "--database-url", &url], None, None);
        assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            text(&out.stdout).contains(&format!("schema at version {} (postgres)", bosun_store::postgres::supported())),
            "{}",
            text(&out.stdout)
        );
        assert!(!text(&out.stdout).contains(":bosun@"), "no password printed");
    }
    client.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = format!("sqlite://{}", dir.path().join("x.db").display());
    let out = bosun(&["migrate", "--database-url", &file], None, None);
    assert!(
        out.status.success() && text(&out.stdout).contains("(sqlite"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let out = bosun(&["migrate", "--database-url", "mysql://x"], None, None);
    assert!(!out.status.success());
}
