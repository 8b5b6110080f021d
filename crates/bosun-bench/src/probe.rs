//! Scenarios from the hostile probe (issue 8): what one bad request or one anonymous client
//! costs everyone else. Each prints the figures docs/BENCHMARKS.md records.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bosun_core::SystemClock;
use bosun_server::Server;
use serde_json::{Value, json};

use crate::{bench_config, percentiles, register};

/// One agent holds 30 shared locks of the costliest legal shape, another asks for 30 such keys
/// exclusively, over and over; meanwhile a third client submits tasks. Reports the lock
/// request's latency and what the other writer saw.
pub async fn lock_overlap(seconds: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&bench_config(dir.path()), Arc::new(SystemClock)).await?;
    let (url, admin) = (server.url(), server.admin_key.clone().expect("fresh"));
    let client = reqwest::Client::new();
    let keys = [register(&client, &url, &admin, "holder").await?, register(&client, &url, &admin, "asker").await?];
    // Long literal runs between wildcards and a `**`: no prefix, suffix or segment rule settles a
    // pair, so the product search walks until the request's budget runs out.
    let key = |i: usize, end: char| format!("**/*{}{i:03}{end}/x*", "a".repeat(470));
    let held: Vec<String> = (0..30).map(|i| key(i, 'b')).collect();
    client
        .post(format!("{url}/api/v1/locks"))
        .bearer_auth(&keys[0])
        .json(&json!({"paths": held, "exclusive": false, "ttl_seconds": 3600}))
        .send()
        .await?
        .error_for_status()?;
    // The probe's own keys (250 wildcards each) are now refused outright.
    let probe = format!("{}001b", "*a".repeat(250));
    let refused = client
        .post(format!("{url}/api/v1/locks"))
        .bearer_auth(&keys[1])
        .json(&json!({"paths": [probe]}))
        .send()
        .await?
        .status();
    println!("the probe's 250-wildcard key: HTTP {refused}");

    let running = Arc::new(AtomicBool::new(true));
    let other = {
        let (client, url, admin, running) = (client.clone(), url.clone(), admin.clone(), running.clone());
        tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0u64;
            while running.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = client
                    .post(format!("{url}/api/v1/tasks"))
                    .bearer_auth(&admin)
                    .json(&json!({"title": format!("other {i}"), "project": "other"}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok {
                    lat.push(t.elapsed());
                }
                i += 1;
            }
            lat
        })
    };
    let asked: Vec<String> = (0..30).map(|i| key(i, 'c')).collect();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut lat, mut statuses) = (Vec::new(), std::collections::BTreeMap::new());
    while Instant::now() < deadline {
        let t = Instant::now();
        let status = client
            .post(format!("{url}/api/v1/locks"))
            .bearer_auth(&keys[1])
            .json(&json!({"paths": asked, "exclusive": true, "ttl_seconds": 60}))
            .send()
            .await?
            .status();
        lat.push(t.elapsed());
        *statuses.entry(status.as_u16()).or_insert(0u64) += 1;
        if status.is_success() {
            client
                .post(format!("{url}/api/v1/locks/release"))
                .bearer_auth(&keys[1])
                .json(&json!({"paths": asked}))
                .send()
                .await?;
        }
    }
    running.store(false, Ordering::Relaxed);
    let other = other.await?;
    println!(
        "lock request, 30 worst-case keys vs 30 held ({} requests, statuses {statuses:?}): ms {}",
        lat.len(),
        percentiles(lat)
    );
    println!("another writer meanwhile ({} task submissions): ms {}", other.len(), percentiles(other));
    server.shutdown().await?;
    Ok(())
}

/// A number field of `/proc/PID/status` (kB for memory fields), 0 when unreadable.
pub(crate) fn proc_status(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU seconds (user + system) a process has used.
pub(crate) fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0 // utime, stime (fields 14 and 15 of stat), at 100 Hz
}

/// Spawn `bosun serve` on `dir`; returns the child and its URL once it listens.
pub(crate) fn spawn_serve(bin: &Path, dir: &Path) -> anyhow::Result<(std::process::Child, String)> {
    spawn_serve_with(bin, dir, None)
}

/// [`spawn_serve`] with a config file.
pub(crate) fn spawn_serve_with(
    bin: &Path,
    dir: &Path,
    config: Option<&Path>,
) -> anyhow::Result<(std::process::Child, String)> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    anyhow::ensure!(bin.exists(), "build it first: cargo build --release (looked for {})", bin.display());
    let mut command = Command::new(bin);
    command.args(["serve", "--bind", "127.0.0.1:0", "--data-dir"]).arg(dir);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let mut child = command.env("BOSUN_LOG", "warn").stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
    let stdout = child.stdout.take().expect("piped");
    let mut url = String::new();
    for line in BufReader::new(stdout).lines() {
        if let Some(u) = line?.strip_prefix("Bosun listening on ") {
            url = u.trim().to_owned();
            break;
        }
    }
    Ok((child, url))
}

/// A config file's text with every rate limit off (one client address, many requests).
pub(crate) const UNLIMITED: &str = "[rate_limits]\nper_key = 0\nper_ip = 0\nauth_failures_per_minute = 0\n";

/// Stop a spawned `bosun serve` the way an operator does (SIGTERM) and wait for it.
pub(crate) fn stop_serve(mut child: std::process::Child) -> anyhow::Result<()> {
    std::process::Command::new("kill").arg("-TERM").arg(child.id().to_string()).status()?;
    child.wait()?;
    Ok(())
}

/// Defects 5 and 6: key verification cost and what a wrong-secret flood does to the server.
pub async fn auth_flood(bin: &Path, clients: usize, seconds: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (child, url) = spawn_serve(bin, dir.path())?;
    let admin = std::fs::read_to_string(dir.path().join("admin.key"))?.trim().to_owned();
    let pid = child.id();
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    client.get(format!("{url}/api/v1/whoami")).bearer_auth(&admin).send().await?.error_for_status()?;
    let idle_before = proc_status(pid, "VmRSS:");

    // First use of 32 fresh agent keys at once (each one's verification is uncached).
    let mut agent_keys = Vec::new();
    for i in 0..32 {
        agent_keys.push(register(&client, &url, &admin, &format!("first-{i}")).await?);
    }
    let mut first = Vec::new();
    let handles: Vec<_> = agent_keys
        .iter()
        .map(|key| {
            let (client, url, key) = (client.clone(), url.clone(), key.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                let ok = client.get(format!("{url}/api/v1/whoami")).bearer_auth(key).send().await;
                (t.elapsed(), ok.is_ok_and(|r| r.status().is_success()))
            })
        })
        .collect();
    for h in handles {
        let (t, ok) = h.await?;
        anyhow::ensure!(ok, "a fresh agent key was refused");
        first.push(t);
    }
    println!("first request of 32 fresh agent keys at once: ms {}", percentiles(first));
    // One at a time: the whole uncached verification path (prefix read + HMAC) per request.
    let mut sequential = Vec::new();
    for i in 0..200 {
        let key = register(&client, &url, &admin, &format!("seq-{i}")).await?;
        let t = Instant::now();
        client.get(format!("{url}/api/v1/whoami")).bearer_auth(&key).send().await?.error_for_status()?;
        sequential.push(t.elapsed());
    }
    println!(
        "first request of a fresh key, one at a time (200 keys), whole HTTP request: ms {}",
        percentiles(sequential)
    );

    // Key verification alone, warm: 2,000 whoami calls with one cached key, then uncached ones.
    let wrong = format!("{}{}", &admin[..admin.len() - 6], "000000");
    let cpu_before = cpu_seconds(pid);
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(proc_status(pid, "VmRSS:"), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, wrong) = (client.clone(), url.clone(), wrong.clone());
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut by_status) = (Vec::new(), std::collections::BTreeMap::<u16, u64>::new());
            while Instant::now() < deadline {
                let t = Instant::now();
                if let Ok(r) = client.get(format!("{url}/api/v1/whoami")).bearer_auth(&wrong).send().await {
                    *by_status.entry(r.status().as_u16()).or_default() += 1;
                    lat.push(t.elapsed());
                }
            }
            (lat, by_status)
        }));
    }
    let (mut lat, mut by_status) = (Vec::new(), std::collections::BTreeMap::<u16, u64>::new());
    for t in tasks {
        let (l, s) = t.await?;
        lat.extend(l);
        for (k, v) in s {
            *by_status.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    sampler.await?;
    let cpu = cpu_seconds(pid) - cpu_before;
    println!(
        "{clients} wrong-secret clients for {seconds} s: {} requests = {:.0}/s, statuses {by_status:?}; ms {}",
        lat.len(),
        lat.len() as f64 / elapsed.as_secs_f64(),
        percentiles(lat)
    );
    println!(
        "  server CPU {cpu:.2} s over {:.1} s; RSS idle before {:.1} MB, peak {:.1} MB",
        elapsed.as_secs_f64(),
        idle_before as f64 / 1024.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0
    );
    tokio::time::sleep(Duration::from_secs(10)).await;
    println!("  RSS 10 s after the flood: {:.1} MB", proc_status(pid, "VmRSS:") as f64 / 1024.0);
    let page: Value = client
        .get(format!("{url}/api/v1/audit?action=auth.failed&limit=500"))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    let rows = page["items"].as_array().map_or(0, Vec::len);
    println!("  auth.failed audit rows written during the flood: {rows} (the window's summary follows when it closes)");
    stop_serve(child)
}

/// Defect 11: claim + complete over /mcp with a hand-written JSON-RPC client on reqwest with
/// Nagle left on (as an untuned client would), against the in-process server.
pub async fn mcp_raw(cycles: usize, nodelay: bool) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&bench_config(dir.path()), Arc::new(SystemClock)).await?;
    let (url, admin) = (server.url(), server.admin_key.clone().expect("fresh"));
    let client = reqwest::Client::builder().tcp_nodelay(nodelay).build()?;
    let post = |key: &str, session: Option<&str>, body: Value| {
        let mut req = client
            .post(format!("{url}/mcp?tools=all"))
            .bearer_auth(key)
            .header("accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(s) = session {
            req = req.header("mcp-session-id", s);
        }
        req.send()
    };
    let r = post(
        &admin,
        None,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}),
    )
    .await?;
    let session = r.headers().get("mcp-session-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    r.text().await?;
    post(&admin, Some(&session), json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await?
        .text()
        .await?;
    let answer = |text: String| crate::mcp::jsonrpc_answer(&text);
    let call = |name: &str, args: Value| json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": args}});
    post(&admin, Some(&session), call("register_agent", json!({"name": "raw"}))).await?.text().await?;
    let mut lat = Vec::new();
    for i in 0..cycles {
        post(&admin, Some(&session), call("submit_task", json!({"title": format!("raw {i}")}))).await?.text().await?;
        let t = Instant::now();
        let claimed = answer(post(&admin, Some(&session), call("claim_task", json!({}))).await?.text().await?);
        let task = &claimed["result"]["structuredContent"];
        let (id, fence) = (task["task"]["id"].as_str().unwrap_or_default(), task["fence"].as_u64().unwrap_or(0));
        post(&admin, Some(&session), call("complete_task", json!({"id": id, "fence": fence}))).await?.text().await?;
        lat.push(t.elapsed());
    }
    println!(
        "claim + complete over /mcp, raw client (client TCP_NODELAY {nodelay}), {cycles} cycles: ms {}",
        percentiles(lat)
    );
    server.shutdown().await?;
    Ok(())
}
