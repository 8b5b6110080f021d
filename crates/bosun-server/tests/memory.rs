//! Memory (SPEC §3.6, issue 15): remember with deduplication, recall by relevance with filters,
//! visibility and tenant isolation, erasure down to the bytes on disk, and semantic recall
//! through a fake embeddings endpoint that may be down or slow.

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn remember(c: &Coord, key: &str, body: Value) -> (StatusCode, Value) {
    c.call("POST", "/api/v1/memory", key, body).await
}

async fn recall(c: &Coord, key: &str, query: &str) -> Value {
    let (s, r) = c.t.call("GET", &format!("/api/v1/memory/recall?{query}"), Some(key), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r
}

fn summaries(r: &Value) -> Vec<String> {
    r["memories"].as_array().unwrap().iter().map(|m| m["summary"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_same_lesson_within_a_day_is_counted_not_repeated() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    let bob = c.agent("bob", &[]).await;
    let lesson = json!({"event_type": "task_failed", "summary": "The login test times out on a cold dev server.",
        "lessons": "warm the server first", "tags": ["e2e"], "outcome": "failure"});
    let (s, first) = remember(&c, &ann.key, lesson.clone()).await;
    assert_eq!((s, first["action"].as_str()), (StatusCode::CREATED, Some("created")), "{first}");
    c.clock.advance(jiff::SignedDuration::from_hours(23));
    // The same summary, normalised (case, spaces, trailing punctuation), by the same agent.
    let again = json!({"event_type": "task_failed", "summary": "  the LOGIN test times out on a cold dev server "});
    let (s, second) = remember(&c, &ann.key, again.clone()).await;
    assert_eq!((s, second["action"].as_str()), (StatusCode::OK, Some("deduplicated")), "{second}");
    assert_eq!((second["id"].clone(), second["seen"].as_u64()), (first["id"].clone(), Some(2)));
    // Another event type, or another agent: a memory of its own.
    let (s, other_type) = remember(&c, &ann.key, json!({"event_type": "note", "summary": again["summary"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{other_type}");
    let (s, _) = remember(&c, &bob.key, again.clone()).await;
    assert_eq!(s, StatusCode::CREATED);
    // 24 hours after the first, it is a new memory again.
    c.clock.advance(jiff::SignedDuration::from_hours(1) + jiff::SignedDuration::from_secs(1));
    let (s, later) = remember(&c, &ann.key, again).await;
    assert_eq!((s, later["action"].as_str()), (StatusCode::CREATED, Some("created")), "{later}");
    assert_ne!(later["id"], first["id"]);
    let (_, m) =
        c.t.call("GET", &format!("/api/v1/memory/{}", first["id"].as_str().unwrap()), Some(&ann.key), None).await;
    assert_eq!((m["seen"].as_u64(), m["lessons"].as_str()), (Some(2), Some("warm the server first")));
    // Audited without content.
    let events = c.t.audit(&c.t.admin, "&action=memory.remembered").await;
    assert_eq!(events.len(), 5);
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.to_lowercase().contains("login") && !text.contains("warm the server"), "{text}");
    assert!(events.iter().any(|e| e["details"]["action"] == "deduplicated" && e["details"]["seen"] == 2));
}

#[tokio::test]
async fn secrets_in_a_memory_are_redacted_before_it_is_stored() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    let (s, r) = remember(
        &c,
        &ann.key,
        json!({"event_type": "note",
        "summary": format!("Deploy failed: GITHUB_TOKEN {token} was expired"),
        "details": "curl -H 'Authorization: Bearer abcdefghijklmnop' https://api.example.com",
        "lessons": "rotate with password=hunter2hunter2 then retry"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, m) = c.t.call("GET", &format!("/api/v1/memory/{}", r["id"].as_str().unwrap()), Some(&ann.key), None).await;
    let stored = m.to_string();
    assert!(!stored.contains(token) && !stored.contains("abcdefghijklmnop") && !stored.contains("hunter2"), "{m}");
    assert!(m["summary"].as_str().unwrap().contains("[REDACTED]"), "{m}");
    assert!(m["lessons"].as_str().unwrap().starts_with("rotate with password="), "the advice stays readable: {m}");
    if !bosun_store::postgres::tests_use_postgres() {
        let db = std::fs::read(c.t.data_dir().join("bosun.db")).unwrap_or_default();
        let wal = std::fs::read(c.t.data_dir().join("bosun.db-wal")).unwrap_or_default();
        assert!(!contains(&db, token) && !contains(&wal, token), "never written to disk");
    }
}

#[tokio::test]
async fn bad_memories_are_refused_with_the_field_named() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    for (body, field) in [
        (json!({"event_type": "Bad Type", "summary": "x"}), "event_type"),
        (json!({"event_type": "note", "summary": ""}), "summary"),
        (json!({"event_type": "note", "summary": "x", "outcome": "meh"}), "outcome"),
        (json!({"event_type": "note", "summary": "x", "tags": ["a,b"]}), "tag"),
        (json!({"event_type": "note", "summary": "x", "visibility": "world"}), "visibility"),
        (json!({"event_type": "note", "summary": "x".repeat(2001)}), "summary"),
        (json!({"event_type": "note", "summary": "x", "nope": 1}), "nope"),
    ] {
        let (s, r) = remember(&c, &ann.key, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert!(r["detail"].as_str().unwrap().contains(field), "{field}: {r}");
    }
    for q in
        ["limit=0", "limit=101", "min_relevance=2", "tags=a%2Cb%2Cc%2Cd%2Ce%2Cf%2Cg%2Ch%2Ci%2Cj%2Ck", "event_type=Bad"]
    {
        let (s, r) = c.t.call("GET", &format!("/api/v1/memory/recall?q=x&{q}"), Some(&ann.key), None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {r}");
    }
    // FTS syntax in a question is plain words.
    let r = recall(&c, &ann.key, "q=%22%20OR%20NEAR(%20*%20%5E").await;
    assert!(r["memories"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn recall_ranks_by_relevance_and_filters_by_tag_and_event_type() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    let rows = [
        (
            "task_failed",
            "Postgres migration locked the users table for ten minutes",
            &["db", "migration"][..],
            "failure",
        ),
        ("task_done", "Added an index before the migration; it ran in seconds", &["db", "migration"], "success"),
        ("task_failed", "The flaky login test fails when the dev server is cold", &["e2e", "flaky-test"], "failure"),
        ("note", "The release checklist lives in docs/RELEASE.md", &["release"], "success"),
        ("task_failed", "Docker build ran out of disk on the CI runner", &["ci", "docker"], "failure"),
    ];
    for (event_type, summary, tags, outcome) in rows {
        let (s, r) = remember(
            &c,
            &ann.key,
            json!({"event_type": event_type, "summary": summary, "tags": tags,
            "outcome": outcome}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        c.clock.advance(jiff::SignedDuration::from_secs(60));
    }
    let r = recall(&c, &ann.key, "q=table+migration+locked&limit=5").await;
    let found = summaries(&r);
    assert_eq!(found[0], rows[0].1, "{r}");
    assert_eq!(found[1], rows[1].1, "{r}");
    assert_eq!(found.len(), 2, "only memories with the words: {r}");
    let top = &r["memories"][0];
    assert!(top["relevance"].as_f64().unwrap() > r["memories"][1]["relevance"].as_f64().unwrap());
    assert_eq!(top["parts"]["text"].as_f64(), Some(1.0), "the best text match scores 1: {top}");
    assert!(top["parts"]["tags"].is_null(), "no tags asked: not judged");
    assert_eq!(top["parts"]["outcome"].as_f64(), Some(1.0));
    assert_eq!(r["mode"], "text");
    assert!(r["note"].as_str().unwrap().contains("no embeddings endpoint"), "{r}");
    // Deterministic: the same question, the same answer.
    assert_eq!(recall(&c, &ann.key, "q=table+migration+locked&limit=5").await, r);
    // Tags narrow to memories carrying one and count in the score; event types narrow.
    let tagged = recall(&c, &ann.key, "q=migration&tags=db&event_type=task_done").await;
    assert_eq!(summaries(&tagged), [rows[1].1]);
    assert_eq!(tagged["memories"][0]["parts"]["tags"].as_f64(), Some(1.0));
    let by_tag = recall(&c, &ann.key, "tags=docker,release").await;
    let mut found = summaries(&by_tag);
    found.sort();
    assert_eq!(found, [rows[4].1, rows[3].1]);
    // Recency: an old memory ranks below an equally matching new one.
    c.clock.advance(jiff::SignedDuration::from_hours(24 * 90));
    let (s, _) = remember(
        &c,
        &ann.key,
        json!({"event_type": "task_failed", "summary": "Docker build ran out of disk again",
        "tags": ["ci", "docker"], "outcome": "failure"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let docker = recall(&c, &ann.key, "q=docker+build+disk").await;
    assert_eq!(summaries(&docker)[0], "Docker build ran out of disk again", "{docker}");
    let old = docker["memories"][1]["parts"]["recency"].as_f64().unwrap();
    assert!((old - 0.125).abs() < 0.01, "three half-lives (30 days each) old: {old}");
    // min_relevance leaves out the weak.
    let strict = recall(&c, &ann.key, "q=docker+build+disk&min_relevance=0.9").await;
    assert_eq!(strict["memories"].as_array().unwrap().len(), 1, "{strict}");
}

#[tokio::test]
async fn visibility_projects_and_tenants_keep_memories_apart() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    let bob = c.agent("bob", &[]).await;
    let mem = |summary: &str, project: &str, visibility: &str| json!({"event_type": "note", "summary": summary, "project": project, "visibility": visibility});
    for body in [
        mem("ann private cache secret-sauce", "web", "agent"),
        mem("web project cache lesson", "web", "project"),
        mem("api project cache lesson", "api", "project"),
        mem("tenant wide cache lesson", "api", "tenant"),
    ] {
        let (s, r) = remember(&c, &ann.key, body).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    let sorted = |r: Value| {
        let mut v = summaries(&r);
        v.sort();
        v
    };
    assert_eq!(
        sorted(recall(&c, &bob.key, "q=cache&project=web").await),
        ["tenant wide cache lesson", "web project cache lesson"],
        "bob in web: not ann's private memory, not api's project memory"
    );
    assert_eq!(
        sorted(recall(&c, &ann.key, "q=cache&project=web").await),
        ["ann private cache secret-sauce", "tenant wide cache lesson", "web project cache lesson"]
    );
    assert_eq!(
        sorted(recall(&c, &bob.key, "q=cache").await),
        ["tenant wide cache lesson"],
        "agents default to `default`"
    );
    // Users see every memory of the tenant.
    assert_eq!(recall(&c, &c.dev, "q=cache").await["memories"].as_array().unwrap().len(), 4);
    let (_, list) = c.t.call("GET", "/api/v1/memory?project=web", Some(&bob.key), None).await;
    assert_eq!(list["memories"].as_array().unwrap().len(), 2, "{list}");
    let private =
        recall(&c, &ann.key, "q=secret+sauce&project=web").await["memories"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = c.t.call("GET", &format!("/api/v1/memory/{private}"), Some(&bob.key), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another agent's private memory is not there for bob");
    let (s, _) = c.t.call("DELETE", &format!("/api/v1/memory/{private}"), Some(&bob.key), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Another tenant sees nothing of this one.
    let (s, other) =
        c.t.call("POST", "/api/v1/tenants", Some(&c.t.admin), Some(json!({"name": "other", "admin_name": "olga"})))
            .await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let olga = other["admin_key"]["key"].as_str().unwrap();
    let (_, r) = c.t.call("GET", "/api/v1/memory/recall?q=cache", Some(olga), None).await;
    assert_eq!(r["memories"].as_array().unwrap().len(), 0, "{r}");
    let (s, _) = c.t.call("GET", &format!("/api/v1/memory/{private}"), Some(olga), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, r) = c.t.call("POST", "/api/v1/memory/erase", Some(olga), Some(json!({"subject": "cache"}))).await;
    assert_eq!((s, r["erased"].as_u64()), (StatusCode::OK, Some(0)), "{r}");
    assert_eq!(recall(&c, &c.dev, "q=cache").await["memories"].as_array().unwrap().len(), 4, "untouched");
    // Erasing someone else's memory is for admins; one's own is allowed.
    let web = recall(&c, &bob.key, "q=web+project&project=web").await["memories"][0]["id"].as_str().unwrap().to_owned();
    let (s, r) = c.t.call("DELETE", &format!("/api/v1/memory/{web}"), Some(&bob.key), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
    let (s, r) = c.call("POST", "/api/v1/memory/erase", &bob.key, json!({"subject": "cache"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
    let (s, r) = c.t.call("DELETE", &format!("/api/v1/memory/{web}"), Some(&ann.key), None).await;
    assert_eq!((s, r["erased"].as_u64()), (StatusCode::OK, Some(1)), "{r}");
    let (s, r) = c.call("POST", "/api/v1/memory/erase", &ann.key, json!({"agent": "ann"})).await;
    assert_eq!((s, r["erased"].as_u64()), (StatusCode::OK, Some(3)), "{r}");
}

/// Every file of the SQLite database (the file, its WAL and shared memory), as bytes.
fn database_bytes(t: &TestServer) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(t.data_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("bosun.db") {
            all.extend(std::fs::read(&path).unwrap());
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn erased_memories_are_gone_from_the_api_the_index_and_the_disk() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    let (unique, person) = ("Zorblatt", "zorblatt.kestrel@example.com");
    for i in 0..3 {
        let (s, r) = remember(
            &c,
            &ann.key,
            json!({"event_type": "customer_call",
            "summary": format!("Call {i} with {unique} about the invoice export"),
            "details": format!("{unique} asked for CSV; contact {person}"),
            "lessons": format!("send {unique} the export link"), "tags": ["billing"], "subject": person}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    let (s, _) =
        remember(&c, &ann.key, json!({"event_type": "note", "summary": "Unrelated invoice export note"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let sqlite = !bosun_store::postgres::tests_use_postgres();
    if sqlite {
        assert!(contains(&database_bytes(&c.t), unique), "the check can fail: the name is on disk before");
    }
    assert_eq!(recall(&c, &c.dev, &format!("q={unique}")).await["memories"].as_array().unwrap().len(), 3);

    let (s, r) = c.call("POST", "/api/v1/memory/erase", &c.t.admin, json!({"subject": person.to_uppercase()})).await;
    assert_eq!((s, r["erased"].as_u64(), r["more"].as_bool()), (StatusCode::OK, Some(3), Some(false)), "{r}");

    for path in [
        format!("/api/v1/memory/recall?q={unique}"),
        "/api/v1/memory?limit=200".into(),
        "/api/v1/memory/recall?q=invoice+export".into(),
    ] {
        let (_, body) = c.t.call("GET", &path, Some(&c.t.admin), None).await;
        assert!(!body.to_string().to_lowercase().contains(&unique.to_lowercase()), "{path}: {body}");
    }
    let left = recall(&c, &c.dev, "q=invoice+export").await;
    assert_eq!(summaries(&left), ["Unrelated invoice export note"]);
    // The audit log: that it happened, by whom and how many; not the subject or the content.
    let events = c.t.audit(&c.t.admin, "&action=memory.").await;
    let erased: Vec<&Value> = events.iter().filter(|e| e["action"] == "memory.erased").collect();
    assert_eq!(erased.len(), 1);
    assert_eq!(erased[0]["details"]["count"], 3);
    assert_eq!(erased[0]["details"]["by"], "subject");
    assert!(erased[0]["actor_name"].is_string());
    let log = serde_json::to_string(&events).unwrap().to_lowercase();
    assert!(!log.contains("zorblatt") && !log.contains("kestrel"), "{log}");
    if sqlite {
        let bytes = database_bytes(&c.t);
        assert!(!contains(&bytes, unique), "the name is nowhere in the file, its WAL or the FTS tables");
        assert!(!contains(&bytes, &unique.to_lowercase()), "nor the index's lower-case token");
        assert!(!contains(&bytes, "kestrel"));
        assert!(contains(&bytes, "Unrelated invoice export note"), "the scan reads the live data");
    }
}

/// Configure the fake endpoint for the tenant, with a short wait for a question's embedding.
async fn use_embeddings(c: &Coord, url: &str) {
    let (s, r) = c
        .call(
            "PUT",
            "/api/v1/memory/settings",
            &c.t.admin,
            json!({"embeddings": {"url": url, "model": "fake-concepts",
            "api_key": "sk-test-not-shown", "query_timeout_ms": 300}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["embeddings"]["api_key_set"].as_bool(), r["embeddings"].get("api_key")), (Some(true), None));
}

/// Recall until semantic recall answers with `first` first (the embedder stores vectors off
/// the write path, so they arrive a little after the memory).
async fn recall_hybrid(c: &Coord, key: &str, query: &str, first: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = recall(c, key, query).await;
        if r["mode"] == "hybrid" && r["memories"][0]["summary"] == first {
            return r;
        }
        assert!(Instant::now() < deadline, "semantic recall never answered: {r}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn semantic_recall_finds_what_the_words_miss_and_falls_back_to_text() {
    let fake = common::embeddings::FakeEmbeddings::start().await;
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    use_embeddings(&c, &fake.url).await;
    for (summary, tags) in [
        ("Intermittent failure in the signin spec when the session expires", vec!["auth"]),
        ("Docker image too large for the registry", vec!["docker"]),
        ("The flaky login test needs a warm dev server", vec!["e2e"]),
    ] {
        let (s, r) =
            remember(&c, &ann.key, json!({"event_type": "task_failed", "summary": summary, "tags": tags})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    // Text alone finds only the memory sharing words; fused with the vectors, the synonym
    // memory (intermittent ~ flaky, signin ~ login, spec ~ test) comes too.
    let r = recall_hybrid(&c, &ann.key, "q=flaky+login+test", "The flaky login test needs a warm dev server").await;
    let found = summaries(&r);
    assert_eq!(found[0], "The flaky login test needs a warm dev server", "{r}");
    assert!(found.contains(&"Intermittent failure in the signin spec when the session expires".to_owned()), "{r}");
    assert!(r["note"].is_null(), "{r}");
    let signin = r["memories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["summary"].as_str().unwrap().starts_with("Intermittent"))
        .unwrap();
    assert!(signin["similarity"].as_f64().unwrap() > 0.3, "{signin}");
    // The key is stored but never shown or audited.
    let (_, settings) = c.t.call("GET", "/api/v1/memory/settings", Some(&c.t.admin), None).await;
    assert!(!settings.to_string().contains("sk-test"), "{settings}");
    let audit = c.t.audit(&c.t.admin, "&action=memory.settings_updated").await;
    assert!(!serde_json::to_string(&audit).unwrap().contains("sk-test"));
    assert_eq!(audit[0]["details"]["embeddings"]["host"], "127.0.0.1");

    // Down: remembering still succeeds at once; recall answers from text and says why.
    fake.set(common::embeddings::Mode::Down);
    let started = Instant::now();
    let (s, r) =
        remember(&c, &ann.key, json!({"event_type": "note", "summary": "Redis cache went stale after deploy"})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    let r = recall(&c, &ann.key, "q=flaky+login+test").await;
    assert_eq!(r["mode"], "text");
    assert!(r["note"].as_str().unwrap().contains("semantic recall is unavailable"), "{r}");
    assert_eq!(summaries(&r), ["The flaky login test needs a warm dev server"]);

    // Slow: neither a remember nor a recall waits for it beyond the recall's own bound (300 ms).
    fake.set(common::embeddings::Mode::Slow(Duration::from_secs(5)));
    let started = Instant::now();
    let (s, _) =
        remember(&c, &ann.key, json!({"event_type": "note", "summary": "Heap grew until the worker was OOM killed"}))
            .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(started.elapsed() < Duration::from_secs(1), "remember did not wait: {:?}", started.elapsed());
    let started = Instant::now();
    let r = recall(&c, &ann.key, "q=flaky+login+test").await;
    assert!(started.elapsed() < Duration::from_secs(2), "recall gave up on the vectors: {:?}", started.elapsed());
    assert_eq!(r["mode"], "text");
    assert!(r["note"].as_str().unwrap().contains("no answer in 300 ms"), "{r}");

    // Back up: the memories written meanwhile get their vectors (retried, or by the sweep).
    fake.set(common::embeddings::Mode::Up);
    let r = recall_hybrid(&c, &ann.key, "q=memory+leak", "Heap grew until the worker was OOM killed").await;
    assert_eq!(summaries(&r).len(), 1, "nothing unrelated is fused in: {r}");
    // Erasure takes the vectors too.
    let id = r["memories"][0]["id"].as_str().unwrap().to_owned();
    let (s, _) = c.t.call("DELETE", &format!("/api/v1/memory/{id}"), Some(&ann.key), None).await;
    assert_eq!(s, StatusCode::OK);
    let r = recall(&c, &ann.key, "q=memory+leak").await;
    assert!(!summaries(&r).iter().any(|s| s.contains("Heap")), "{r}");
}
