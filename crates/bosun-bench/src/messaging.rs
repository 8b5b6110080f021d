//! Messages and live events (issue 4): accepted rate, send → WebSocket delivery, and the message
//! store at a million rows.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bosun_core::TenantId;
use serde_json::json;

use crate::*;

/// Messages accepted per second: `clients` agents each sending to the next.
pub(crate) async fn message_rate(clients: usize, seconds: u64) -> anyhow::Result<()> {
    let (server, _dir, keys, _) = coord_server(clients).await?;
    let url = server.url();
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build()?;
    let (lat, errors, elapsed) = run_clients(clients, seconds, move |c, i| {
        let (http, url, key) = (http.clone(), url.clone(), keys[c].clone());
        let to = format!("bench-{}", (c + 1) % clients);
        async move {
            let t0 = Instant::now();
            http.post(format!("{url}/api/v1/messages"))
                .bearer_auth(&key)
                .json(&json!({"to": [to], "subject": format!("m{i}"), "body": "status: all green"}))
                .checked()
                .await?;
            Ok(vec![t0.elapsed()])
        }
    })
    .await;
    report(&format!("messages accepted ({clients} agents)"), lat, elapsed);
    println!("  errors: {errors}");
    server.shutdown().await?;
    Ok(())
}

/// Send → WebSocket delivery latency: `subscribers` sockets, `rate` messages/s for `seconds`.
pub(crate) async fn fanout(subscribers: usize, rate: u64, seconds: u64) -> anyhow::Result<()> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::{Message as Ws, client::IntoClientRequest};
    let (server, _dir, keys, admin) = coord_server(2).await?;
    let url = server.url();
    let sent: Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>> = Arc::default();
    let lat = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut readers = Vec::new();
    for _ in 0..subscribers {
        let mut req = (url.replace("http://", "ws://") + "/api/v1/events").into_client_request()?;
        req.headers_mut().insert("authorization", format!("Bearer {admin}").parse()?);
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
        use futures_util::SinkExt;
        ws.send(Ws::Text(json!({"subscribe": {"types": ["message.sent"]}}).to_string().into())).await?;
        let (sent, lat) = (sent.clone(), lat.clone());
        readers.push(tokio::spawn(async move {
            while let Some(Ok(msg)) = ws.next().await {
                if let Ws::Text(t) = msg {
                    let at = Instant::now();
                    let Ok(e) = serde_json::from_str::<serde_json::Value>(&t) else { continue };
                    let Some(id) = e["correlation_id"].as_str() else { continue };
                    if let Some(t0) = sent.lock().unwrap().get(id) {
                        lat.lock().unwrap().push(at - *t0);
                    }
                }
            }
        }));
    }
    let http = reqwest::Client::new();
    let total = rate * seconds;
    let started = Instant::now();
    let mut sends = Vec::new();
    for n in 0..total {
        tokio::time::sleep_until((started + Duration::from_secs_f64(n as f64 / rate as f64)).into()).await;
        let (http, url, key, sent) = (http.clone(), url.clone(), keys[0].clone(), sent.clone());
        sends.push(tokio::spawn(async move {
            // Each send carries its own request id, which the event stream echoes.
            let tag = format!("fanout-{n}");
            sent.lock().unwrap().insert(tag.clone(), Instant::now());
            let ok = http
                .post(format!("{url}/api/v1/messages"))
                .bearer_auth(&key)
                .header("x-request-id", &tag)
                .json(&json!({"to": ["bench-1"], "body": format!("n{n}")}))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            ok.then_some(())
        }));
    }
    for s in sends {
        s.await?;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let lat = std::mem::take(&mut *lat.lock().unwrap());
    println!(
        "send → WebSocket delivery, {subscribers} subscribers at {rate} msg/s for {seconds} s: {} deliveries of {} expected; ms {}",
        lat.len(),
        total as usize * subscribers,
        percentiles(lat)
    );
    for r in readers {
        r.abort();
    }
    server.shutdown().await?;
    Ok(())
}

/// Inbox of 200 and search over `total` messages (seeded through the store: no audit events).
pub(crate) async fn message_store(total: usize) -> anyhow::Result<()> {
    let (server, _dir, keys, admin) = coord_server(2).await?;
    let url = server.url();
    let http = reqwest::Client::new();
    let me: serde_json::Value =
        http.get(format!("{url}/api/v1/whoami")).bearer_auth(&admin).send().await?.json().await?;
    let tenant = TenantId::parse(me["tenant"]["id"].as_str().unwrap_or_default()).expect("tenant id");
    let agents: serde_json::Value =
        http.get(format!("{url}/api/v1/agents")).bearer_auth(&admin).send().await?.json().await?;
    let to_id = bosun_core::AgentId::parse(agents["items"][1]["id"].as_str().unwrap_or_default()).expect("agent id");
    let from_id = bosun_core::AgentId::parse(agents["items"][0]["id"].as_str().unwrap_or_default()).expect("agent id");
    let words = [
        "deploy",
        "build",
        "migration",
        "review",
        "tests",
        "lint",
        "release",
        "schema",
        "cache",
        "index",
        "latency",
        "flaky",
        "green",
        "red",
        "rollback",
        "staging",
        "merge",
        "branch",
        "docs",
        "bench",
    ];
    let started = Instant::now();
    for chunk in 0..total.div_ceil(5000) {
        let n = 5000.min(total - chunk * 5000);
        let names = (
            agents["items"][0]["name"].as_str().unwrap_or_default().to_owned(),
            agents["items"][1]["name"].as_str().unwrap_or_default().to_owned(),
        );
        server
            .kernel
            .raw_store()
            .write(move |w| {
                let now = jiff::Timestamp::now();
                for i in 0..n {
                    let k = chunk * 5000 + i;
                    let body: Vec<&str> = (0..12).map(|j| words[(k * 7 + j * 13 + k / 20) % words.len()]).collect();
                    let rare = if k % 1000 == 0 { " zebra" } else { "" };
                    let id = bosun_core::MessageId::generate();
                    let message = bosun_core::model::Message {
                        id,
                        tenant_id: tenant,
                        thread_id: id,
                        reply_to: None,
                        project: "default".into(),
                        sender: bosun_core::model::Holder {
                            owner: bosun_core::model::Owner::Agent(from_id),
                            name: names.0.clone(),
                        },
                        kind: bosun_core::message::MessageType::StatusUpdate,
                        subject: format!("{} {}", words[k % words.len()], words[(k / 3) % words.len()]),
                        body: body.join(" ") + rare,
                        payload: json!({}),
                        importance: bosun_core::message::Importance::Normal,
                        ack_required: false,
                        topic: None,
                        created_at: now,
                    };
                    let copy = bosun_core::model::Recipient {
                        message_id: id,
                        agent_id: to_id,
                        agent_name: names.1.clone(),
                        state: bosun_core::message::Delivery::Queued,
                        delivered_at: None,
                        read_at: None,
                        acked_at: None,
                    };
                    // Only the newest 200 land in the inbox being measured.
                    let copies = if k + 200 >= total { vec![copy] } else { vec![] };
                    w.insert_message(&message, &copies)?;
                }
                Ok::<_, bosun_store::StoreError>(())
            })
            .await?;
    }
    println!("seeded {total} messages in {:.1} s", started.elapsed().as_secs_f64());
    let mut inbox = Vec::new();
    for _ in 0..50 {
        let t0 = Instant::now();
        let r: serde_json::Value =
            http.get(format!("{url}/api/v1/inbox?limit=200")).bearer_auth(&keys[1]).send().await?.json().await?;
        inbox.push(t0.elapsed());
        anyhow::ensure!(r["messages"].as_array().map_or(0, Vec::len) == 200, "inbox holds 200");
    }
    println!("inbox fetch of 200 messages over HTTP (first marks delivered): ms {}", percentiles(inbox));
    // Long-poll: a waiting inbox answered by a send (send start → answer).
    let mut woken = Vec::new();
    for n in 0..50 {
        let (http2, url2, key) = (http.clone(), url.clone(), keys[1].clone());
        let since = bosun_core::clock::format_micros(jiff::Timestamp::now());
        let waiter = tokio::spawn(async move {
            http2
                .get(format!("{url2}/api/v1/inbox?wait_seconds=30&since={since}"))
                .bearer_auth(&key)
                .send()
                .await?
                .json::<serde_json::Value>()
                .await
        });
        tokio::time::sleep(Duration::from_millis(20)).await; // let the waiter park
        let t0 = Instant::now();
        http.post(format!("{url}/api/v1/messages"))
            .bearer_auth(&keys[0])
            .json(&json!({"to": [agents["items"][1]["name"]], "body": format!("poke {n}")}))
            .send()
            .await?;
        waiter.await??;
        woken.push(t0.elapsed());
    }
    println!("long-polling inbox answered after a send (send start → answer): ms {}", percentiles(woken));
    for q in ["zebra", "migration%20rollback", "deploy"] {
        let mut lat = Vec::new();
        let mut hits = 0;
        for _ in 0..30 {
            let t0 = Instant::now();
            let r: serde_json::Value = http
                .get(format!("{url}/api/v1/messages/search?q={q}&limit=50"))
                .bearer_auth(&admin)
                .send()
                .await?
                .json()
                .await?;
            lat.push(t0.elapsed());
            hits = r["messages"].as_array().map_or(0, Vec::len);
        }
        println!(
            "search `{}` over {total} messages ({hits} shown, limit 50): ms {}",
            q.replace("%20", " "),
            percentiles(lat)
        );
    }
    server.shutdown().await?;
    Ok(())
}
