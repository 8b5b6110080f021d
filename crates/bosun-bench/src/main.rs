//! Load generators and measurements for Bosun. Not run in CI; figures go to docs/BENCHMARKS.md.
//!
//! Every command prints one block of results: throughput and p50/p95/p99 latencies where a
//! latency distribution makes sense.

/// mimalloc: the bash parser of the guardrails allocates per token and word, and the 1 KB check
/// runs ~25 % faster on it than on glibc's allocator (docs/BENCHMARKS.md, issue 11).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

mod budgets;
mod dashboard;
mod fleet;
mod guard;
mod mcp;
mod memory;
mod messaging;
mod policy;
mod probe;
mod workflows;

#[derive(Parser)]
#[command(about = "Bosun load generators")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// The dashboard's overview with many agents and tasks, users reloading it
    Dashboard {
        #[arg(long, default_value_t = 1000)]
        agents: usize,
        #[arg(long, default_value_t = 100_000)]
        tasks: usize,
        #[arg(long, default_value_t = 50)]
        users: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Each user's pause between reloads (a live page waits 250 ms after a change)
        #[arg(long, default_value_t = 250)]
        pause_ms: u64,
    },
    /// Recall latency over a tenant of many memories (text; with --dims, vectors too)
    MemoryRecall {
        #[arg(long, default_value_t = 1_000_000)]
        memories: usize,
        /// Give every memory a random vector of this length and fuse vector search in (0: text)
        #[arg(long, default_value_t = 0)]
        dims: usize,
        #[arg(long, default_value_t = 1)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Keep the data directory here, and reuse its memories on the next run
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// A map-reduce workflow run of N items worked by agents over HTTP: completion latency and
    /// the fan-in after the last item
    MapReduce {
        #[arg(long, default_value_t = 1000)]
        items: usize,
        #[arg(long, default_value_t = 8)]
        agents: usize,
    },
    /// Remember throughput over HTTP (each client an agent writing distinct lessons)
    Remember {
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
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
    /// Full task cycles (submit + claim + complete) over HTTP
    Tasks {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Servers on one database, clients spread over them (more than 1 needs BOSUN_BENCH_POSTGRES)
        #[arg(long, default_value_t = 1)]
        nodes: usize,
    },
    /// Issue 12: budget reservations (3 budgets apply) and settlements, reservers at once
    Reservations {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Run this `bosun` binary as the server, in its own process
        #[arg(long)]
        bin: Option<PathBuf>,
    },
    /// Claim latency with a deep queue
    ClaimDepth {
        #[arg(long, default_value_t = 1_000_000)]
        queued: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Lock acquire + release pairs over HTTP
    Locks {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Servers on one database, clients spread over them (more than 1 needs BOSUN_BENCH_POSTGRES)
        #[arg(long, default_value_t = 1)]
        nodes: usize,
    },
    /// Issue 17: a fleet heartbeating at its interval plus work cycles (submit, claim, complete,
    /// message), against `bosun serve` in its own process: served rate, latency, shed count, server
    /// CPU and RSS. `--claim-rate 0` is heartbeats only.
    Fleet {
        #[arg(long, default_value_t = 100_000)]
        agents: usize,
        #[arg(long, default_value_t = 30)]
        interval: u64,
        /// Work cycles per second
        #[arg(long, default_value_t = 50.0)]
        claim_rate: f64,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// The server's max_in_flight (its default when absent)
        #[arg(long)]
        max_in_flight: Option<usize>,
        #[arg(long, default_value = "target/release/bosun")]
        bin: PathBuf,
    },
    /// Messages accepted over HTTP
    Messages {
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Send → WebSocket delivery latency
    Fanout {
        #[arg(long, default_value_t = 50)]
        subscribers: usize,
        #[arg(long, default_value_t = 500)]
        rate: u64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Inbox fetch of N messages, and search over a large message table
    MessageStore {
        #[arg(long, default_value_t = 1_000_000)]
        messages: usize,
    },
    /// MCP: tool-list size per profile, then tool calls over streamable HTTP
    Mcp {
        #[arg(long, default_value_t = 16)]
        sessions: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Issue 9: the same six operations over REST and MCP against a server in its own process:
    /// throughput and the server's CPU time per call
    McpCpu {
        #[arg(long, default_value = "target/release/bosun")]
        bin: PathBuf,
        #[arg(long, default_value_t = 16)]
        sessions: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Issue 8: 30 held worst-case globs against 30 requested, and another writer's latency meanwhile
    LockOverlap {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Issue 8: first-use key verification, then wrong-secret clients against a spawned server:
    /// latency, RSS (peak and idle after), CPU, audit rows written
    AuthFlood {
        #[arg(long, default_value = "target/release/bosun")]
        bin: PathBuf,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 8)]
        seconds: u64,
    },
    /// Issue 8: claim + complete cycles over /mcp from a raw client that leaves Nagle on
    McpRaw {
        #[arg(long, default_value_t = 200)]
        cycles: usize,
        /// Set TCP_NODELAY on the client too (the probe's "quick ACK" comparison)
        #[arg(long)]
        nodelay: bool,
    },
    /// Issue 10: a Cedar decision in-process with N policies (pre-parsed, and parsed per call)
    Policy {
        #[arg(long, default_value_t = 100)]
        policies: usize,
        #[arg(long, default_value_t = 200_000)]
        iterations: usize,
    },
    /// Issue 11: a guardrail check on a 1 KB command in-process, and the Claude Code hook's round trip
    Guard {
        #[arg(long, default_value = "target/release/bosun")]
        bin: PathBuf,
        #[arg(long, default_value_t = 20_000)]
        iterations: usize,
        #[arg(long, default_value_t = 100)]
        hooks: usize,
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
    let result = run(Cli::parse().cmd).await;
    tokio::task::spawn_blocking(drop_bench_databases).await?;
    result
}

async fn run(cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Http { clients, seconds } => http(clients, seconds).await,
        Cmd::Dashboard { agents, tasks, users, seconds, pause_ms } => {
            dashboard::overview(agents, tasks, users, seconds, pause_ms).await
        }
        Cmd::MemoryRecall { memories, dims, clients, seconds, keep } => {
            memory::recall(memories, dims, clients, seconds, keep).await
        }
        Cmd::Remember { clients, seconds } => memory::remember(clients, seconds).await,
        Cmd::MapReduce { items, agents } => workflows::map_reduce(items, agents).await,
        Cmd::Writer { appends, in_flight } => writer(appends, in_flight).await,
        Cmd::Verify { events, db } => verify(events, &db).await,
        Cmd::AuditQuery { db, runs } => audit_query(&db, runs).await,
        Cmd::Startup { bin, runs } => startup(&bin, runs).await,
        Cmd::Policy { policies, iterations } => policy::decisions(policies, iterations),
        Cmd::Guard { bin, iterations, hooks } => guard::guard(&bin, iterations, hooks).await,
        Cmd::Tasks { clients, seconds, nodes } => task_cycles(clients, seconds, nodes).await,
        Cmd::Reservations { clients, seconds, bin } => budgets::reservations(clients, seconds, bin.as_deref()).await,
        Cmd::ClaimDepth { queued, clients, seconds } => claim_depth(queued, clients, seconds).await,
        Cmd::Locks { clients, seconds, nodes } => lock_pairs(clients, seconds, nodes).await,
        Cmd::Fleet { agents, interval, claim_rate, seconds, max_in_flight, bin } => {
            fleet::fleet(&bin, fleet::Fleet { agents, interval, claim_rate, seconds, max_in_flight }).await
        }
        Cmd::Messages { clients, seconds } => messaging::message_rate(clients, seconds).await,
        Cmd::Fanout { subscribers, rate, seconds } => messaging::fanout(subscribers, rate, seconds).await,
        Cmd::MessageStore { messages } => messaging::message_store(messages).await,
        Cmd::Mcp { sessions, seconds } => mcp::mcp(sessions, seconds).await,
        Cmd::McpCpu { bin, sessions, seconds } => mcp::mcp_cpu(&bin, sessions, seconds).await,
        Cmd::LockOverlap { seconds } => probe::lock_overlap(seconds).await,
        Cmd::AuthFlood { bin, clients, seconds } => probe::auth_flood(&bin, clients, seconds).await,
        Cmd::McpRaw { cycles, nodelay } => probe::mcp_raw(cycles, nodelay).await,
    }
}

/// A server config for throughput runs: every client is on 127.0.0.1 and many share one key,
/// so the rate limits (which would cap exactly what is measured) are off.
pub fn bench_config(dir: &Path) -> ServeConfig {
    let off =
        bosun_server::limits::RateLimits { per_key: 0, per_ip: 0, auth_failures_per_minute: 0, ..Default::default() };
    // BOSUN_BENCH_ALERTS=off measures what the alert engine costs (issue 12).
    let alerts = std::env::var("BOSUN_BENCH_ALERTS").map_or(true, |v| v != "off");
    ServeConfig {
        rate_limits: off,
        alerts,
        database_url: bench_database(),
        ..ServeConfig::new("127.0.0.1:0".parse().expect("address"), dir.to_owned())
    }
}

/// With `BOSUN_BENCH_POSTGRES=postgres://…/postgres`, each benchmark server runs on a fresh
/// PostgreSQL database made on that server (dropped when the benchmark ends).
static BENCH_DATABASES: std::sync::Mutex<Vec<bosun_store::postgres::ScratchDatabase>> =
    std::sync::Mutex::new(Vec::new());

fn bench_database() -> Option<String> {
    let server = std::env::var("BOSUN_BENCH_POSTGRES").ok()?;
    let db = bosun_store::postgres::ScratchDatabase::create(&server).expect("BOSUN_BENCH_POSTGRES is reachable");
    let url = db.url.clone();
    BENCH_DATABASES.lock().unwrap_or_else(|e| e.into_inner()).push(db);
    Some(url)
}

/// Drop the benchmark's PostgreSQL databases.
fn drop_bench_databases() {
    // Taking them out of the static drops them here (statics are never dropped).
    let made: Vec<_> = std::mem::take(&mut *BENCH_DATABASES.lock().unwrap_or_else(|e| e.into_inner()));
    drop(made);
}

/// Latency percentiles in milliseconds: "p50 … p95 … p99 … max …".
pub(crate) fn percentiles(mut latencies: Vec<Duration>) -> String {
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    format!("p50 {:.2} p95 {:.2} p99 {:.2} max {:.2}", pct(0.50), pct(0.95), pct(0.99), pct(1.0))
}

/// A request that must succeed: sent, and any error or non-2xx answer as a string.
trait Checked {
    async fn checked(self) -> Result<reqwest::Response, String>;
}

impl Checked for reqwest::RequestBuilder {
    async fn checked(self) -> Result<reqwest::Response, String> {
        self.send().await.and_then(reqwest::Response::error_for_status).map_err(|e| e.to_string())
    }
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
    let server = Server::start(&bench_config(dir.path()), Arc::new(SystemClock)).await?;
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
    let verdict = bosun_store::verify::verify_store(server.kernel.raw_store().as_ref(), &mut |_| {})?;
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
    let dir = tempfile::tempdir()?;
    let client = reqwest::Client::new();
    let mut lat = Vec::new();
    let mut rss_kb = 0u64;
    for run in 0..=runs {
        let started = Instant::now();
        let (child, url) = probe::spawn_serve(bin, dir.path())?;
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
            rss_kb = probe::proc_status(child.id(), "VmRSS:");
        }
        probe::stop_serve(child)?;
    }
    println!("serve ready on an existing database, spawn to /readyz 200 ({runs} runs): ms {}", percentiles(lat));
    println!("idle RSS after ready + 2 s: {:.1} MB", rss_kb as f64 / 1024.0);
    Ok(())
}

// ---- coordination (issue 3) ----

/// A server with `agents` registered agents, returned with their keys and a developer key.
async fn coord_server(agents: usize) -> anyhow::Result<(Server, tempfile::TempDir, Vec<String>, String)> {
    let (mut servers, dir, keys, admin) = coord_nodes(agents, 1).await?;
    Ok((servers.remove(0), dir, keys, admin))
}

/// `nodes` servers on one database (several need `BOSUN_BENCH_POSTGRES`), sharing the first's
/// key secret; the agents are registered through the first.
async fn coord_nodes(
    agents: usize,
    nodes: usize,
) -> anyhow::Result<(Vec<Server>, tempfile::TempDir, Vec<String>, String)> {
    let dir = tempfile::tempdir()?;
    let first = bench_config(&dir.path().join("node-0"));
    let server = Server::start(&first, Arc::new(SystemClock)).await?;
    let mut servers = vec![];
    for n in 1..nodes {
        let Some(url) = first.database_url.clone() else { anyhow::bail!("--nodes > 1 needs BOSUN_BENCH_POSTGRES") };
        let data = dir.path().join(format!("node-{n}"));
        std::fs::create_dir_all(&data)?;
        std::fs::copy(first.data_dir.join("key.secret"), data.join("key.secret"))?;
        let config = ServeConfig { database_url: Some(url), ..bench_config(&data) };
        servers.push(Server::start(&config, Arc::new(SystemClock)).await?);
    }
    let (url, admin) = (server.url(), server.admin_key.clone().expect("fresh"));
    let client = reqwest::Client::new();
    let mut keys = Vec::new();
    for i in 0..agents {
        keys.push(register(&client, &url, &admin, &format!("bench-{i}")).await?);
    }
    servers.insert(0, server);
    Ok((servers, dir, keys, admin))
}

/// Register an agent through the API; its key.
pub(crate) async fn register(client: &reqwest::Client, url: &str, admin: &str, name: &str) -> anyhow::Result<String> {
    let r: serde_json::Value = client
        .post(format!("{url}/api/v1/agents"))
        .bearer_auth(admin)
        .json(&json!({ "name": name }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(r["key"]["key"].as_str().unwrap_or_default().to_owned())
}

/// Run `work` on `clients` concurrent tasks for `seconds`; each call returns per-op latencies.
async fn run_clients<F, Fut>(clients: usize, seconds: u64, work: F) -> (Vec<Duration>, u64, Duration)
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Vec<Duration>, String>> + Send,
{
    let work = Arc::new(work);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let work = work.clone();
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut i) = (Vec::new(), 0u64, 0u64);
            while Instant::now() < deadline {
                match work(c, i).await {
                    Ok(l) => lat.extend(l),
                    Err(_) => errors += 1,
                }
                i += 1;
            }
            (lat, errors)
        }));
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (l, e) = t.await.expect("client task");
        all.extend(l);
        errors += e;
    }
    (all, errors, started.elapsed())
}

/// Full task cycles (submit + claim + complete) by 32 agents.
async fn task_cycles(clients: usize, seconds: u64, nodes: usize) -> anyhow::Result<()> {
    let (servers, _dir, keys, _) = coord_nodes(clients, nodes).await?;
    let urls: Vec<String> = servers.iter().map(Server::url).collect();
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build()?;
    let claims = Arc::new(std::sync::Mutex::new(Vec::new()));
    let claims2 = claims.clone();
    let (lat, errors, elapsed) = run_clients(clients, seconds, move |c, i| {
        let (http, url, key, claims) = (http.clone(), urls[c % urls.len()].clone(), keys[c].clone(), claims2.clone());
        async move {
            let t0 = Instant::now();
            http.post(format!("{url}/api/v1/tasks"))
                .bearer_auth(&key)
                .json(&json!({"title": format!("c{c}-{i}")}))
                .checked()
                .await?;
            let t1 = Instant::now();
            let claim = http
                .post(format!("{url}/api/v1/tasks/claim"))
                .bearer_auth(&key)
                .json(&json!({}))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let claim_lat = t1.elapsed();
            claims.lock().unwrap().push(claim_lat);
            if claim.status() == 204 {
                return Err("nothing to claim".into());
            }
            let claim: serde_json::Value = claim.json().await.map_err(|e| e.to_string())?;
            let id = claim["task"]["id"].as_str().unwrap_or_default().to_owned();
            http.post(format!("{url}/api/v1/tasks/{id}/complete"))
                .bearer_auth(&key)
                .json(&json!({"fence": claim["fence"]}))
                .checked()
                .await?;
            Ok(vec![t0.elapsed()])
        }
    })
    .await;
    report(&format!("task cycles submit+claim+complete ({clients} agents, {nodes} node(s))"), lat, elapsed);
    println!("  claim latency ms {}; errors {errors}", percentiles(std::mem::take(&mut claims.lock().unwrap())));
    for server in servers {
        server.shutdown().await?;
    }
    Ok(())
}

/// Claim latency with a deep queue: `queued` ready tasks written through the store first.
async fn claim_depth(queued: usize, clients: usize, seconds: u64) -> anyhow::Result<()> {
    let (server, _dir, keys, admin) = coord_server(clients).await?;
    let url = server.url();
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build()?;
    let me: serde_json::Value =
        http.get(format!("{url}/api/v1/whoami")).bearer_auth(&admin).send().await?.json().await?;
    let tenant = TenantId::parse(me["tenant"]["id"].as_str().unwrap_or_default()).expect("tenant id");
    // Setup shortcut: the queue is filled straight through the store (no audit events), which is
    // not how users submit, but is how to get a million rows in seconds.
    let started = Instant::now();
    let store = server.kernel.raw_store().clone();
    for chunk in 0..queued.div_ceil(5000) {
        let n = 5000.min(queued - chunk * 5000);
        store
            .write(move |w| {
                let now = jiff::Timestamp::now();
                for i in 0..n {
                    let mut t = bosun_core::task::Task::new(tenant, "default", "queued", "bench", now);
                    t.priority = ((chunk * 5000 + i) % 11) as u8;
                    w.create_task(&t)?;
                }
                Ok::<_, bosun_store::StoreError>(())
            })
            .await?;
    }
    println!("queued {queued} tasks in {:.1} s", started.elapsed().as_secs_f64());
    let (lat, errors, elapsed) = run_clients(clients, seconds, move |c, _| {
        let (http, url, key) = (http.clone(), url.clone(), keys[c].clone());
        async move {
            let t0 = Instant::now();
            let claim = http
                .post(format!("{url}/api/v1/tasks/claim"))
                .bearer_auth(&key)
                .json(&json!({}))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let lat = t0.elapsed();
            let claim: serde_json::Value = claim.json().await.map_err(|e| e.to_string())?;
            let id = claim["task"]["id"].as_str().unwrap_or_default().to_owned();
            http.post(format!("{url}/api/v1/tasks/{id}/complete"))
                .bearer_auth(&key)
                .json(&json!({"fence": claim["fence"]}))
                .checked()
                .await?;
            Ok(vec![lat])
        }
    })
    .await;
    report(&format!("claim with {queued} queued ({clients} agents claiming and completing)"), lat, elapsed);
    println!("  errors: {errors}");
    server.shutdown().await?;
    Ok(())
}

/// Lock acquire + release pairs, each client on its own path.
async fn lock_pairs(clients: usize, seconds: u64, nodes: usize) -> anyhow::Result<()> {
    let (servers, _dir, keys, _) = coord_nodes(clients, nodes).await?;
    let urls: Vec<String> = servers.iter().map(Server::url).collect();
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build()?;
    let (lat, errors, elapsed) = run_clients(clients, seconds, move |c, i| {
        let (http, url, key) = (http.clone(), urls[c % urls.len()].clone(), keys[c].clone());
        async move {
            let t0 = Instant::now();
            let r: serde_json::Value = http
                .post(format!("{url}/api/v1/locks"))
                .bearer_auth(&key)
                .json(&json!({"paths": [format!("src/c{c}/f{}.rs", i % 100)]}))
                .checked()
                .await?
                .json()
                .await
                .map_err(|e| e.to_string())?;
            let id = r["locks"][0]["id"].as_str().unwrap_or_default().to_owned();
            http.delete(format!("{url}/api/v1/locks/{id}")).bearer_auth(&key).checked().await?;
            Ok(vec![t0.elapsed()])
        }
    })
    .await;
    report(&format!("lock acquire+release pairs ({clients} clients, {nodes} node(s))"), lat, elapsed);
    println!("  errors: {errors}");
    for server in servers {
        server.shutdown().await?;
    }
    Ok(())
}
