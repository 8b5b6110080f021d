//! Load generators and measurements for Bosun. Not run in CI; figures go to docs/BENCHMARKS.md.
//!
//! Every command prints one block of results: throughput and p50/p95/p99 latencies where a
//! latency distribution makes sense.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bosun_core::audit::{ActorType, AuditDraft, Outcome, Severity};
use bosun_core::model::Tenant;
use bosun_core::{SystemClock, TenantId};
use bosun_server::{ServeConfig, Server};
use bosun_store::sqlite::{SqliteOptions, SqliteStore};
use bosun_store::{AuditFilter, Page, Store};
use clap::{Parser, Subcommand};
use serde_json::json;

#[derive(Parser)]
#[command(about = "Bosun load generators")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Audited mutations (user creation) over HTTP against an in-process server
    Http {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Group-committed audit appends straight into the SQLite writer
    Writer {
        #[arg(long, default_value_t = 200_000)]
        appends: usize,
        /// Appends in flight at once
        #[arg(long, default_value_t = 4096)]
        in_flight: usize,
    },
    /// Build (or reuse) a database of N audit events, then verify it
    Verify {
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        #[arg(long, default_value = "target/bench/audit-1m.db")]
        db: PathBuf,
    },
    /// First page of an actor + 30-day audit query on the verify database
    AuditQuery {
        #[arg(long, default_value = "target/bench/audit-1m.db")]
        db: PathBuf,
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
    /// Time `bosun serve` to ready on an existing database, and its idle RSS
    Startup {
        #[arg(long, default_value = "target/release/bosun")]
        bin: PathBuf,
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().cmd {
        Cmd::Http { clients, seconds } => http(clients, seconds).await,
        Cmd::Writer { appends, in_flight } => writer(appends, in_flight).await,
        Cmd::Verify { events, db } => verify(events, &db).await,
        Cmd::AuditQuery { db, runs } => audit_query(&db, runs).await,
        Cmd::Startup { bin, runs } => startup(&bin, runs).await,
    }
}

/// Latency percentiles in milliseconds: "p50 … p95 … p99 … max …".
fn percentiles(mut latencies: Vec<Duration>) -> String {
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    format!("p50 {:.2} p95 {:.2} p99 {:.2} max {:.2}", pct(0.50), pct(0.95), pct(0.99), pct(1.0))
}

/// Print count, rate and latency percentiles.
fn report(name: &str, latencies: Vec<Duration>, elapsed: Duration) {
    let n = latencies.len();
    println!(
        "{name}: {n} ops in {:.2} s = {:.0} ops/s; latency ms {}",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        percentiles(latencies)
    );
}

async fn http(clients: usize, seconds: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = ServeConfig::new("127.0.0.1:0".parse()?, dir.path().to_owned());
    let server = Server::start(&config, Arc::new(SystemClock)).await?;
    let (url, key) = (server.url(), server.admin_key.clone().expect("fresh"));
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    // Warm the key cache and connections.
    client.get(format!("{url}/api/v1/whoami")).bearer_auth(&key).send().await?.error_for_status()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, url, key) = (client.clone(), url.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors) = (Vec::new(), 0u64);
            let mut i = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let resp = client
                    .post(format!("{url}/api/v1/users"))
                    .bearer_auth(&key)
                    .json(&json!({"name": format!("c{c}-{i}")}))
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status() == 201 => lat.push(t.elapsed()),
                    _ => errors += 1,
                }
                i += 1;
            }
            (lat, errors)
        }));
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (lat, e) = t.await?;
        all.extend(lat);
        errors += e;
    }
    let elapsed = started.elapsed();
    report(&format!("http audited mutations ({clients} clients)"), all, elapsed);
    println!("  errors: {errors}");
    let verdict = bosun_store::verify::verify_store(server.kernel.store().as_ref(), &mut |_| {})?;
    println!("  chain after the run: {verdict:?}");
    server.shutdown().await?;
    Ok(())
}

fn draft(i: u64, at: String) -> AuditDraft {
    AuditDraft {
        at,
        actor_type: ActorType::User,
        actor_id: Some(format!("actor-{}", i % 50)),
        actor_name: Some(format!("agent-{}", i % 50)),
        action: ["task.claimed", "lock.acquired", "message.sent", "user.created"][(i % 4) as usize].into(),
        target_type: Some("task".into()),
        target_id: Some(format!("t{i}")),
        project: Some("default".into()),
        outcome: Outcome::Ok,
        severity: Severity::Info,
        details: json!({"i": i, "path": "src/lib.rs", "note": "benchmark event"}),
        ip: Some("127.0.0.1".into()),
        user_agent: Some("bosun-bench".into()),
        correlation_id: Some(format!("corr-{i}")),
    }
}

async fn new_tenant(store: &Arc<dyn Store>) -> anyhow::Result<TenantId> {
    let t = Tenant {
        id: TenantId::generate(),
        name: "bench".into(),
        system: false,
        created_at: "2026-01-01T00:00:00.000000Z".into(),
    };
    let id = t.id;
    store.write(move |w| w.create_tenant(&t)).await?;
    Ok(id)
}

async fn writer(appends: usize, in_flight: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("bench.db"), &SqliteOptions::default())?);
    let tenant = new_tenant(&store).await?;
    let semaphore = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(appends);
    for i in 0..appends as u64 {
        let permit = semaphore.clone().acquire_owned().await?;
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let at = bosun_core::clock::format_micros(jiff::Timestamp::now());
            store.write(move |w| w.append_audit(tenant, draft(i, at))).await.expect("append");
            drop(permit);
            t.elapsed()
        }));
    }
    let mut lat = Vec::with_capacity(appends);
    for t in tasks {
        lat.push(t.await?);
    }
    report(&format!("writer group commit ({in_flight} in flight)"), lat, started.elapsed());
    store.shutdown();
    Ok(())
}

/// Fill a database with `events` events in one tenant, spread over 90 days.
async fn build_audit_db(events: u64, db: &Path) -> anyhow::Result<()> {
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db, &SqliteOptions::default())?);
    let tenant = new_tenant(&store).await?;
    let start = jiff::Timestamp::now().as_microsecond() - 90 * 86_400 * 1_000_000;
    let step = (90 * 86_400 * 1_000_000) / events as i64;
    let started = Instant::now();
    const CHUNK: u64 = 2000;
    for base in (0..events).step_by(CHUNK as usize) {
        let end = (base + CHUNK).min(events);
        store
            .write(move |w| {
                for i in base..end {
                    let at = jiff::Timestamp::from_microsecond(start + step * i as i64).expect("in range");
                    w.append_audit(tenant, draft(i, bosun_core::clock::format_micros(at)))?;
                }
                Ok::<_, bosun_store::StoreError>(())
            })
            .await?;
    }
    println!("built {events} events in {:.1} s", started.elapsed().as_secs_f64());
    store.shutdown();
    Ok(())
}

async fn verify(events: u64, db: &Path) -> anyhow::Result<()> {
    if !db.exists() {
        build_audit_db(events, db).await?;
    }
    let store = SqliteStore::open_read_only(db)?;
    let started = Instant::now();
    let verdict = bosun_store::verify::verify_store(&store, &mut |_| {})?;
    let elapsed = started.elapsed();
    let bosun_store::verify::Verdict::Ok { events, .. } = verdict else { anyhow::bail!("{verdict:?}") };
    println!(
        "audit verify: {events} events in {:.2} s = {:.0} events/s ({} threads)",
        elapsed.as_secs_f64(),
        events as f64 / elapsed.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    Ok(())
}

async fn audit_query(db: &Path, runs: usize) -> anyhow::Result<()> {
    anyhow::ensure!(db.exists(), "run `bosun-bench verify` first to build {}", db.display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_read_only(db)?);
    let tenant = store
        .read(|r| r.list_tenants())
        .await?
        .into_iter()
        .find(|t| t.name == "bench")
        .map(|t| t.id)
        .ok_or_else(|| anyhow::anyhow!("no bench tenant"))?;
    let now = jiff::Timestamp::now();
    let filter = AuditFilter {
        actor: Some("actor-7".into()),
        from: Some(bosun_core::clock::format_micros(now - jiff::SignedDuration::from_hours(30 * 24))),
        to: Some(bosun_core::clock::format_micros(now)),
        ..Default::default()
    };
    let mut lat = Vec::new();
    let mut rows = 0;
    let started = Instant::now();
    for _ in 0..runs {
        let f = filter.clone();
        let t = Instant::now();
        let page =
            store.read(move |r| r.query_audit(tenant, &f, Page::Newest { before_seq: None, limit: 100 })).await?;
        lat.push(t.elapsed());
        rows = page.len();
    }
    report(&format!("audit query actor + 30 days, first page ({rows} rows)"), lat, started.elapsed());
    Ok(())
}

async fn startup(bin: &Path, runs: usize) -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    anyhow::ensure!(bin.exists(), "build it first: cargo build --release (looked for {})", bin.display());
    let dir = tempfile::tempdir()?;
    let client = reqwest::Client::new();
    let mut lat = Vec::new();
    let mut rss_kb = 0u64;
    for run in 0..=runs {
        let started = Instant::now();
        let mut child = Command::new(bin)
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env("BOSUN_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let mut url = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            if let Some(u) = line.strip_prefix("Bosun listening on ") {
                url = u.trim().to_owned();
                break;
            }
        }
        loop {
            if client.get(format!("{url}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
                break;
            }
            tokio::task::yield_now().await;
        }
        let ready = started.elapsed();
        if run > 0 {
            lat.push(ready); // run 0 creates the database: not "an existing database"
        }
        if run == runs {
            tokio::time::sleep(Duration::from_secs(2)).await; // idle, then measure
            let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))?;
            rss_kb = status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
        }
        Command::new("kill").arg("-TERM").arg(child.id().to_string()).status()?;
        child.wait()?;
    }
    println!("serve ready on an existing database, spawn to /readyz 200 ({runs} runs): ms {}", percentiles(lat));
    println!("idle RSS after ready + 2 s: {:.1} MB", rss_kb as f64 / 1024.0);
    Ok(())
}
