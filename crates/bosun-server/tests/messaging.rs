//! Messages, the allowlist and the live event stream over real HTTP and WebSocket on loopback.

mod common;

use std::time::{Duration, Instant};

use common::{Coord, TestAgent};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

async fn send(c: &Coord, from: &str, body: Value) -> (StatusCode, Value) {
    c.call("POST", "/api/v1/messages", from, body).await
}

async fn inbox(c: &Coord, agent: &TestAgent, query: &str) -> Vec<Value> {
    let (s, r) = c.call("GET", &format!("/api/v1/inbox{query}"), &agent.key, Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r["messages"].as_array().unwrap().clone()
}

fn states(message: &Value) -> Vec<(String, String)> {
    message["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["agent"].as_str().unwrap().to_owned(), r["state"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn delivery_states_progress_per_recipient() {
    let c = Coord::start().await;
    let (a, b, d) = (c.agent("alpha", &[]).await, c.agent("bravo", &[]).await, c.agent("delta", &[]).await);
    let (s, m) = send(&c, &a.key, json!({"to": ["bravo", d.id], "type": "data_request", "subject": "schema?", "body": "Which **schema**?", "ack_required": true})).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(m["thread_id"], m["id"], "a new message starts a thread");
    assert_eq!(states(&m), [("bravo".into(), "queued".into()), ("delta".into(), "queued".into())]);

    // Fetching is peeking: delivered, never read.
    let got = inbox(&c, &b, "").await;
    assert_eq!((got.len(), got[0]["state"].as_str()), (1, Some("delivered")));
    assert!(got[0]["read_at"].is_null() && got[0]["delivered_at"].is_string());
    assert_eq!(inbox(&c, &b, "?unread_only=true").await.len(), 1, "still unread after two peeks");

    let (s, r) = c.call("POST", &format!("/api/v1/messages/{id}/read"), &b.key, json!({})).await;
    assert_eq!((s, r["state"].as_str()), (StatusCode::OK, Some("read")));
    assert!(inbox(&c, &b, "?unread_only=true").await.is_empty());
    let (s, r) = c.call("POST", &format!("/api/v1/messages/{id}/ack"), &d.key, json!({})).await;
    assert_eq!((s, r["state"].as_str()), (StatusCode::OK, Some("acked")), "ack implies read and delivered");
    assert!(r["read_at"].is_string() && r["delivered_at"].is_string());

    // The sender sees what really happened, per recipient.
    let (_, seen) = c.call("GET", &format!("/api/v1/messages/{id}"), &a.key, Value::Null).await;
    assert_eq!(states(&seen), [("bravo".into(), "read".into()), ("delta".into(), "acked".into())]);

    // Only a recipient may ack; someone who never saw it cannot even find it.
    let (s, r) = c.call("POST", &format!("/api/v1/messages/{id}/ack"), &a.key, json!({})).await;
    assert_eq!((s, r["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "the sender is no recipient");
    let stranger = c.agent("stranger", &[]).await;
    let (s, _) = c.call("POST", &format!("/api/v1/messages/{id}/ack"), &stranger.key, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = c.call("GET", &format!("/api/v1/messages/{id}"), &stranger.key, Value::Null).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A reply joins the thread.
    let (_, reply) =
        send(&c, &b.key, json!({"to": ["alpha"], "type": "data_response", "body": "v2", "reply_to": id})).await;
    assert_eq!(reply["thread_id"].as_str(), Some(id.as_str()));
    let (_, thread) = c.call("GET", &format!("/api/v1/threads/{id}"), &a.key, Value::Null).await;
    let bodies: Vec<&str> =
        thread["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Which **schema**?", "v2"]);

    let trail = c.t.audit(&c.t.admin, "&action=message.").await;
    let actions: Vec<&str> = trail.iter().rev().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["message.sent", "message.delivered", "message.read", "message.acked", "message.acked", "message.sent"]
    );
    assert_eq!(trail[2]["outcome"], "ok");
    assert_eq!(trail[1]["outcome"], "denied", "the sender's ack attempt is audited as denied");
    assert_eq!(trail[1]["actor_name"], "alpha");
}

#[tokio::test]
async fn a_long_polling_inbox_answers_when_a_message_arrives() {
    let c = std::sync::Arc::new(Coord::start().await);
    let (a, b) = (c.agent("sender", &[]).await, std::sync::Arc::new(c.agent("waiter", &[]).await));
    let (c2, b2) = (c.clone(), b.clone());
    let waiting = tokio::spawn(async move {
        let got = inbox(&c2, &b2, "?wait_seconds=30&unread_only=true").await;
        (got, Instant::now())
    });
    tokio::task::yield_now().await;
    let (s, _) = send(&c, &a.key, json!({"to": ["waiter"], "body": "wake up"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let sent = Instant::now();
    let (got, answered) = tokio::time::timeout(Duration::from_secs(20), waiting).await.expect("answered").unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["body"], "wake up");
    let after_send = answered.saturating_duration_since(sent);
    assert!(after_send < Duration::from_millis(100), "answered {after_send:?} after the send completed");
}

#[tokio::test]
async fn the_allowlist_blocks_by_rule_and_other_tenants_are_unknown() {
    let c = Coord::start().await;
    let (a, vault) = (c.agent("chatty", &[]).await, c.agent("vault", &[]).await);
    let rules = json!({"default": "open", "rules": [{"from": "*", "to": "vault", "action": "deny"}]});
    let (s, _) = c.call("PUT", "/api/v1/allowlist", &c.dev, rules.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "admins only");
    let (s, _) = c.call("PUT", "/api/v1/allowlist", &c.t.admin, rules).await;
    assert_eq!(s, StatusCode::OK);
    let (s, r) = send(&c, &a.key, json!({"to": ["vault"], "body": "let me in"})).await;
    assert_eq!((s, r["code"].as_str()), (StatusCode::FORBIDDEN, Some("message_blocked")));
    assert!(r["detail"].as_str().unwrap().contains("rule 1 (deny from `*` to `vault`)"), "{r}");
    assert!(inbox(&c, &vault, "").await.is_empty(), "nothing was delivered");
    let denied = c.t.audit(&c.t.admin, "&action=message.sent&outcome=denied").await;
    assert_eq!(denied.len(), 1);
    assert!(denied[0]["details"]["reason"].as_str().unwrap().contains("rule 1"));

    // Another tenant's agent is not addressable, and not even known to exist.
    let (_, other) = c.call("POST", "/api/v1/tenants", &c.t.admin, json!({"name": "other-co"})).await;
    let other_admin = other["admin_key"]["key"].as_str().unwrap().to_owned();
    let (s, r) = c.call("POST", "/api/v1/agents", &other_admin, json!({"name": "outsider"})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let outsider_id = r["agent"]["id"].as_str().unwrap().to_owned();
    for target in ["outsider".to_owned(), outsider_id] {
        let (s, r) = send(&c, &a.key, json!({"to": [target], "body": "hi"})).await;
        assert_eq!((s, r["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{r}");
    }
}

#[tokio::test]
async fn search_finds_words_in_subject_and_body_and_never_across_tenants() {
    let c = Coord::start().await;
    let (a, b, nosy) = (c.agent("writer", &[]).await, c.agent("reader", &[]).await, c.agent("nosy", &[]).await);
    send(&c, &a.key, json!({"to": ["reader"], "subject": "Deploy blocked", "body": "the migration failed on staging"}))
        .await;
    send(&c, &a.key, json!({"to": ["reader"], "subject": "lunch", "body": "pizza at noon"})).await;
    let search = |key: String, q: &'static str| {
        let c = &c;
        async move {
            c.call("GET", &format!("/api/v1/messages/search?q={q}"), &key, Value::Null).await.1["messages"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(search(b.key.clone(), "deploy").await, 1, "a word of the subject");
    assert_eq!(search(b.key.clone(), "migration%20staging").await, 1, "words of the body, all required");
    assert_eq!(search(b.key.clone(), "migration%20pizza").await, 0);
    assert_eq!(search(c.dev.clone(), "pizza").await, 1, "users search the tenant");
    assert_eq!(search(nosy.key.clone(), "pizza").await, 0, "agents search only their own messages");
    let (s, _) = c.call("GET", "/api/v1/messages/search?q=%22%20OR%20*", &b.key, Value::Null).await;
    assert_eq!(s, StatusCode::OK, "search syntax in the words is quoted, not an error");
    let (_, other) = c.call("POST", "/api/v1/tenants", &c.t.admin, json!({"name": "elsewhere"})).await;
    let other_admin = other["admin_key"]["key"].as_str().unwrap().to_owned();
    assert_eq!(search(other_admin, "pizza").await, 0, "never across tenants");
}

async fn subscribe(
    c: &Coord,
    key: &str,
    types: Value,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = c.t.url("/api/v1/events").replace("http://", "ws://");
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert("authorization", format!("Bearer {key}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket");
    ws.send(tungstenite::Message::Text(json!({"subscribe": {"types": types}}).to_string().into())).await.unwrap();
    // Until the server reads the filter it sends every event the key may see; on PostgreSQL a
    // commit made just before connecting can still reach the stream then (published when read
    // back): skip those.
    loop {
        let msg = next_json(&mut ws).await.expect("subscription acknowledged");
        if msg["subscribed"].is_object() {
            return ws;
        }
        assert!(msg["seq"].is_u64(), "an event or the acknowledgement, not {msg}");
    }
}

async fn next_json(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) -> Option<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), ws.next()).await.ok()?? {
            Ok(tungstenite::Message::Text(t)) => return serde_json::from_str(&t).ok(),
            Ok(tungstenite::Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

#[tokio::test]
async fn websocket_subscribers_see_their_tenant_in_commit_order() {
    let c = Coord::start().await;
    let agent = c.agent("streamer", &[]).await;
    let mut watcher = subscribe(&c, &c.dev, json!(["task.*", "lock.*", "message.*"])).await;
    let mut only_locks = subscribe(&c, &c.dev, json!(["lock.*"])).await;
    let (_, other) = c.call("POST", "/api/v1/tenants", &c.t.admin, json!({"name": "watchers-inc"})).await;
    let outsider_key = other["admin_key"]["key"].as_str().unwrap().to_owned();
    let mut outsider = subscribe(&c, &outsider_key, json!(["*"])).await;

    let task = c.submit(json!({"title": "streamed"})).await;
    let (_, fence) = c.claim(&agent, json!({})).await.unwrap();
    let (s, _) = c.call("POST", "/api/v1/locks", &agent.key, json!({"paths": ["src/**"]})).await;
    assert_eq!(s, StatusCode::CREATED);
    send(&c, &c.dev, json!({"to": ["streamer"], "body": "how is it going?"})).await;
    assert_eq!(c.complete(&agent, &task, fence).await.0, StatusCode::OK);

    let mut seen = Vec::new();
    while seen.len() < 5 {
        let e = next_json(&mut watcher).await.expect("an event");
        seen.push((e["type"].as_str().unwrap().to_owned(), e["seq"].as_u64().unwrap()));
    }
    let types: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["task.submitted", "task.claimed", "lock.acquired", "message.sent", "task.completed"]);
    assert!(seen.windows(2).all(|w| w[0].1 < w[1].1), "in commit order: {seen:?}");
    let lock_event = next_json(&mut only_locks).await.unwrap();
    assert_eq!(lock_event["type"], "lock.acquired");
    assert_eq!(lock_event["actor"]["name"], "streamer");

    // The other tenant's subscriber saw nothing: its first event is one of its own.
    let (s, _) = c.call("POST", "/api/v1/users", &outsider_key, json!({"name": "marker"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let first = next_json(&mut outsider).await.unwrap();
    assert_eq!(first["type"], "user.created", "no event of another tenant came first: {first}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_reader_is_cut_off_while_others_keep_receiving() {
    let c = Coord::start().await;
    let mut healthy = subscribe(&c, &c.dev, json!(["task.submitted"])).await;
    let mut stalled = subscribe(&c, &c.dev, json!(["task.submitted"])).await;
    // Big events fill the stalled socket's buffers quickly: 60 batches of 1000 tasks with long titles.
    let title = "x".repeat(180);
    const BATCHES: usize = 60;
    for _ in 0..BATCHES {
        let tasks: Vec<Value> = (0..1000).map(|i| json!({"title": format!("{title}{i}")})).collect();
        let (s, _) = c.call("POST", "/api/v1/tasks/batch", &c.dev, json!({"tasks": tasks})).await;
        assert_eq!(s, StatusCode::CREATED);
        // The healthy subscriber keeps up: it gets each event as it is committed.
        let e = next_json(&mut healthy).await.expect("the healthy subscriber keeps receiving");
        assert_eq!(e["type"], "task.submitted");
    }
    // The stalled one now reads what was buffered, then finds itself cut off (1008), short of all.
    let mut received = 0;
    let mut closed_with = None;
    loop {
        match tokio::time::timeout(Duration::from_secs(30), stalled.next()).await.expect("the server closed it") {
            Some(Ok(tungstenite::Message::Text(_))) => received += 1,
            Some(Ok(tungstenite::Message::Close(frame))) => {
                closed_with = frame.map(|f| u16::from(f.code));
                break;
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => break,
        }
    }
    assert!(received < BATCHES, "the stalled reader was cut off before the end ({received} of {BATCHES})");
    if let Some(code) = closed_with {
        assert_eq!(code, 1008, "closed for policy");
    }
}

#[tokio::test]
async fn server_sent_events_carry_the_same_stream() {
    let c = Coord::start().await;
    let resp =
        c.t.client
            .get(c.t.url("/api/v1/events?types=task.*"))
            .bearer_auth(&c.dev)
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut body = resp.bytes_stream();
    let id = c.submit(json!({"title": "over sse"})).await;
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(20), body.next()).await.unwrap().unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
        if text.starts_with(':') {
            text.clear(); // keep-alive comment
        }
    }
    assert!(text.contains("event: task.submitted"), "{text}");
    assert!(text.contains(&id), "{text}");
    let (s, r) = c.call("GET", "/api/v1/events", &c.dev, Value::Null).await;
    assert_eq!((s, r["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
}

/// `GET /api/v1/messages`: the tenant's timeline for users, newest first, filtered and paged;
/// agents are refused (they have their inbox and threads).
#[tokio::test]
async fn users_read_the_timeline_filtered_and_paged() {
    let c = Coord::start().await;
    let (ann, bob) = (c.agent("ann", &[]).await, c.agent("bob", &[]).await);
    let mut sent = Vec::new();
    for (from, to, kind, importance) in
        [(&ann, "bob", "chat", "normal"), (&bob, "ann", "status_update", "high"), (&ann, "bob", "chat", "urgent")]
    {
        let body = json!({"to": [to], "type": kind, "subject": format!("{kind} {importance}"), "body": "b", "importance": importance});
        let (s, m) = c.call("POST", "/api/v1/messages", &from.key, body).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        sent.push(m["id"].as_str().unwrap().to_owned());
    }
    let ids = |page: &Value| {
        page["messages"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let (s, all) = c.call("GET", "/api/v1/messages", &c.dev, Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{all}");
    assert_eq!(ids(&all), [sent[2].clone(), sent[1].clone(), sent[0].clone()], "newest first");
    assert_eq!(all["messages"][0]["recipients"][0]["state"], "queued", "each recipient's state: {all}");
    let (_, first) = c.call("GET", "/api/v1/messages?limit=2", &c.dev, Value::Null).await;
    assert_eq!(ids(&first), [sent[2].clone(), sent[1].clone()]);
    let next = first["next_before"].as_str().unwrap();
    let (_, rest) = c.call("GET", &format!("/api/v1/messages?limit=2&before={next}"), &c.dev, Value::Null).await;
    assert_eq!((ids(&rest), rest["next_before"].clone()), (vec![sent[0].clone()], Value::Null), "the last page");
    let (_, chats) = c.call("GET", "/api/v1/messages?type=chat&importance=urgent", &c.dev, Value::Null).await;
    assert_eq!(ids(&chats), [sent[2].clone()]);
    let (_, from_bob) = c.call("GET", "/api/v1/messages?agent=bob&type=status_update", &c.dev, Value::Null).await;
    assert_eq!(ids(&from_bob), [sent[1].clone()]);
    let (_, nobody) = c.call("GET", "/api/v1/messages?agent=nobody", &c.dev, Value::Null).await;
    assert!(ids(&nobody).is_empty());
    let (s, e) = c.call("GET", "/api/v1/messages?type=gossip", &c.dev, Value::Null).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")), "{e}");
    let (s, e) = c.call("GET", "/api/v1/messages", &ann.key, Value::Null).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    // Another tenant's admin sees none of them.
    let (_, other) = c.call("POST", "/api/v1/tenants", &c.t.admin, json!({"name": "elsewhere"})).await;
    let (s, theirs) = c.call("GET", "/api/v1/messages", other["admin_key"]["key"].as_str().unwrap(), Value::Null).await;
    assert_eq!((s, ids(&theirs).len()), (StatusCode::OK, 0), "{theirs}");
}
