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
