//! Workflow runs (issue 16): a `map-reduce` run of N items worked by agents over HTTP — the
//! latency of each completion (each rewrites the run's state in the completing transaction),
//! and how long after its last item the fan-in's merge is there to read.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};

use crate::{coord_server, percentiles};

pub async fn map_reduce(items: usize, agents: usize) -> anyhow::Result<()> {
    let (server, _dir, keys, admin) = coord_server(agents).await?;
    let url = server.url();
    let http = reqwest::Client::builder().pool_max_idle_per_host(agents * 2).build()?;
    let list: Vec<String> = (0..items).map(|i| format!("src/file_{i}.rs")).collect();
    let started = Instant::now();
    let run: Value = http
        .post(format!("{url}/api/v1/workflows/map-reduce/runs"))
        .bearer_auth(&admin)
        .json(&json!({"params": {"items": list, "task": "Summarise"}}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = run["id"].as_str().unwrap_or_default().to_owned();
    let start_ms = started.elapsed().as_secs_f64() * 1000.0;
    let last_ack = Arc::new(std::sync::Mutex::new(Instant::now()));
    let mut workers = Vec::new();
    for key in keys {
        let (http, url, last_ack) = (http.clone(), url.clone(), last_ack.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let r = http
                    .post(format!("{url}/api/v1/tasks/claim"))
                    .bearer_auth(&key)
                    .json(&json!({"lease_seconds": 60}))
                    .send()
                    .await?;
                if r.status() == reqwest::StatusCode::NO_CONTENT {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let claim: Value = r.error_for_status()?.json().await?;
                let task = claim["task"]["id"].as_str().unwrap_or_default().to_owned();
                let item = claim["task"]["payload"]["item"].as_str().unwrap_or_default().to_owned();
                let body = json!({"fence": claim["fence"], "result": {"lines": {item: 120}}});
                let t = Instant::now();
                http.post(format!("{url}/api/v1/tasks/{task}/complete"))
                    .bearer_auth(&key)
                    .json(&body)
                    .send()
                    .await?
                    .error_for_status()?;
                latencies.push(t.elapsed());
                *last_ack.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
            }
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await??);
    }
    let last = *last_ack.lock().unwrap_or_else(|e| e.into_inner());
    let done: Value =
        http.get(format!("{url}/api/v1/workflows/runs/{id}")).bearer_auth(&admin).send().await?.json().await?;
    let fan_in = last.elapsed();
    let merged = done["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == "merge"))
        .and_then(|m| m["result"]["merged"]["lines"].as_object())
        .map_or(0, serde_json::Map::len);
    println!(
        "map-reduce of {items} items, {agents} agents: run started in {start_ms:.1} ms; all done in {:.2} s; \
         status {}; {merged} items merged; the merge was read {:.1} ms after the last item's completion \
         was answered (it is made in that completion's transaction)",
        started.elapsed().as_secs_f64(),
        done["status"],
        fan_in.as_secs_f64() * 1000.0
    );
    println!("  completion latency ms {} ({} completions)", percentiles(latencies.clone()), latencies.len());
    server.shutdown().await?;
    Ok(())
}
