//! Retrieval quality on the labelled set (`tests/data/memory-set.txt`): recall@5 and nDCG@10,
//! text-only and fused with the fake embeddings, against floors so that quality cannot silently
//! regress. The figures are printed (run with `--nocapture`) and recorded in docs/BENCHMARKS.md.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bosun_core::memory::{ndcg_at, recall_at};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Set {
    /// (kind R or D, event type, outcome, tags, summary, lessons)
    memories: Vec<Value>,
    /// (question, indexes of the relevant memories)
    queries: Vec<(String, Vec<usize>)>,
}

fn load() -> Set {
    let text = include_str!("data/memory-set.txt");
    let (mut memories, mut queries) = (Vec::new(), Vec::<(String, Vec<usize>)>::new());
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (kind, rest) = line.split_at(2);
        if kind == "Q " {
            queries.push((rest.to_owned(), Vec::new()));
            continue;
        }
        let f: Vec<&str> = rest.split('|').collect();
        assert_eq!(f.len(), 5, "line {}: five fields", n + 1);
        let tags: Vec<&str> = f[2].split(',').filter(|t| !t.is_empty()).collect();
        let mut m = json!({"event_type": f[0], "tags": tags, "summary": f[3], "visibility": "tenant"});
        if !f[1].is_empty() {
            m["outcome"] = json!(f[1]);
        }
        if !f[4].is_empty() {
            m["lessons"] = json!(f[4]);
        }
        match kind {
            "R " => queries.last_mut().expect("an R line follows a Q").1.push(memories.len()),
            "D " => {}
            other => panic!("line {}: unknown kind {other:?}", n + 1),
        }
        memories.push(m);
    }
    Set { memories, queries }
}

/// Mean recall@5 and nDCG@10 over the questions.
async fn score(c: &Coord, key: &str, set: &Set, ids: &[String], mode: &str) -> (f64, f64) {
    let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let (mut r5, mut n10) = (0.0, 0.0);
    let mut misses = Vec::new();
    for (q, relevant) in &set.queries {
        let path = format!("/api/v1/memory/recall?limit=10&q={}", bosun_core::uri::encode_component(q));
        let (s, r) = c.t.call("GET", &path, Some(key), None).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["mode"], mode, "{q}: {r}");
        let ranked: Vec<usize> =
            r["memories"].as_array().unwrap().iter().map(|m| index[m["id"].as_str().unwrap()]).collect();
        let recall = recall_at(5, &ranked, relevant);
        if recall < 1.0 {
            misses.push(format!("{recall:.2} {q}"));
        }
        r5 += recall;
        n10 += ndcg_at(10, &ranked, relevant);
    }
    let n = set.queries.len() as f64;
    println!("{mode}: recall@5 {:.3}, nDCG@10 {:.3} over {} questions", r5 / n, n10 / n, set.queries.len());
    println!("{mode}: questions with a relevant memory missing from the first five:\n  {}", misses.join("\n  "));
    (r5 / n, n10 / n)
}

#[tokio::test]
async fn recall_quality_on_the_labelled_set_stays_above_its_floors() {
    let set = load();
    assert!(
        set.memories.len() >= 300 && set.queries.len() >= 60,
        "{} memories, {} questions",
        set.memories.len(),
        set.queries.len()
    );
    assert!(set.queries.iter().all(|(_, r)| !r.is_empty()), "every question expects something");
    let started = Instant::now();
    let c = Coord::start_unlimited().await;
    let agent = c.agent("lessons", &[]).await;
    let mut ids = Vec::new();
    for m in &set.memories {
        let (s, r) = c.call("POST", "/api/v1/memory", &agent.key, m.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{m}: {r}");
        ids.push(r["id"].as_str().unwrap().to_owned());
    }
    println!("remembered {} in {:?}", ids.len(), started.elapsed());
    // Text only. Floors a little under what this set scores today (docs/BENCHMARKS.md).
    let (r5, n10) = score(&c, &agent.key, &set, &ids, "text").await;
    assert!(r5 >= 0.80, "text recall@5 {r5:.3} fell under its floor");
    assert!(n10 >= 0.80, "text nDCG@10 {n10:.3} fell under its floor");

    // With the fake embeddings (a bag of concepts that knows a few synonyms), once every memory
    // has its vector.
    let fake = common::embeddings::FakeEmbeddings::start().await;
    let (s, r) = c
        .call("PUT", "/api/v1/memory/settings", &c.t.admin, json!({"embeddings": {"url": fake.url, "model": "fake"}}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, s) = c.t.call("GET", "/api/v1/memory/settings", Some(&c.t.admin), None).await;
        if s["embedded"] == s["memories"] {
            break;
        }
        assert!(Instant::now() < deadline, "the sweep never embedded everything: {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("embedded by {:?}", started.elapsed());
    let (hr5, hn10) = score(&c, &agent.key, &set, &ids, "hybrid").await;
    println!("scored by {:?}", started.elapsed());
    assert!(hr5 >= 0.82, "hybrid recall@5 {hr5:.3} fell under its floor");
    assert!(hn10 >= 0.80, "hybrid nDCG@10 {hn10:.3} fell under its floor");
}
