//! Issue 17: a fleet of agents against `bosun serve` in its own process — every agent
//! heartbeating at its own offset in the interval, and `claim_rate` work cycles a second (submit,
//! claim, complete, and a message to another agent) spread over the fleet. Open loop: requests go
//! out when they are due whatever the server does, so saturation shows as latency or as refusals.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bosun_core::TenantId;
use bosun_store::Store;
use bosun_store::sqlite::{SqliteOptions, SqliteStore};
use serde_json::{Value, json};

use crate::percentiles;
use crate::probe::{cpu_seconds, proc_status, spawn_serve, stop_serve};

/// What one kind of request did.
#[derive(Default)]
struct Tally {
    latencies: Mutex<Vec<Duration>>,
    /// 503 `overloaded`: refused at once.
    shed: AtomicU64,
    shed_latencies: Mutex<Vec<Duration>>,
    errors: AtomicU64,
}

impl Tally {
    fn record(&self, started: Instant, answer: Result<reqwest::StatusCode, reqwest::Error>) {
        let took = started.elapsed();
        match answer {
            Ok(s) if s.is_success() => self.latencies.lock().unwrap().push(took),
            Ok(s) if s == reqwest::StatusCode::SERVICE_UNAVAILABLE => {
                self.shed.fetch_add(1, Ordering::Relaxed);
                self.shed_latencies.lock().unwrap().push(took);
            }
            _ => {
                self.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn print(&self, name: &str, elapsed: Duration) {
        let lat = std::mem::take(&mut *self.latencies.lock().unwrap());
        let shed = std::mem::take(&mut *self.shed_latencies.lock().unwrap());
        println!(
            "  {name:<11} served {:>8.0}/s  ms {}  shed {} (ms {})  errors {}",
            lat.len() as f64 / elapsed.as_secs_f64(),
            percentiles(lat),
            self.shed.load(Ordering::Relaxed),
            if shed.is_empty() { "-".into() } else { percentiles(shed) },
            self.errors.load(Ordering::Relaxed),
        );
    }
}

pub(crate) struct Fleet {
    pub agents: usize,
    pub interval: u64,
    pub claim_rate: f64,
    pub seconds: u64,
    /// The server's `max_in_flight` (its default when `None`).
    pub max_in_flight: Option<usize>,
}

pub(crate) async fn fleet(bin: &Path, f: Fleet) -> anyhow::Result<()> {
    let Fleet { agents, interval, claim_rate, seconds, max_in_flight } = f;
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    // First start: the server makes its tenant, admin key and key secret; then it stops.
    let (child, url) = spawn_serve(bin, &data)?;
    let admin = std::fs::read_to_string(data.join("admin.key"))?.trim().to_owned();
    let http = reqwest::Client::builder().pool_max_idle_per_host(1024).timeout(Duration::from_secs(60)).build()?;
    let me: Value = http.get(format!("{url}/api/v1/whoami")).bearer_auth(&admin).send().await?.json().await?;
    let tenant = TenantId::parse(me["tenant"]["id"].as_str().unwrap_or_default()).expect("tenant id");
    stop_serve(child)?;
    let seeded = Instant::now();
    let fleet = seed(&data, tenant, agents, interval).await?;
    println!("seeded {agents} agents in {:.1} s", seeded.elapsed().as_secs_f64());

    // Second start, on the seeded database, with rate limits off (one client address).
    let in_flight = max_in_flight.map(|n| format!("max_in_flight = {n}\n")).unwrap_or_default();
    std::fs::write(dir.path().join("bosun.toml"), format!("{in_flight}{}", crate::probe::UNLIMITED))?;
    let (child, url) = crate::probe::spawn_serve_with(bin, &data, Some(&dir.path().join("bosun.toml")))?;
    let pid = child.id();
    let rss_idle = proc_status(pid, "VmRSS:");
    let fleet = Arc::new(fleet);
    let (beats, work) = (Arc::new(Tally::default()), Arc::new(Tally::default()));
    let cpu0 = cpu_seconds(pid);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let hb_rate = agents as f64 / interval as f64;

    // Work: claim_rate cycles a second, by agents taken in turn.
    let worker = {
        let (http, url, fleet, work) = (http.clone(), url.clone(), fleet.clone(), work.clone());
        tokio::spawn(async move {
            if claim_rate <= 0.0 {
                return;
            }
            let mut handles = Vec::new();
            for n in 0usize.. {
                let due = started + Duration::from_secs_f64(n as f64 / claim_rate);
                if due >= deadline {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                let (http, url, fleet, work) = (http.clone(), url.clone(), fleet.clone(), work.clone());
                handles.push(tokio::spawn(async move { cycle(&http, &url, &fleet, n, &work).await }));
            }
            for h in handles {
                let _ = h.await;
            }
        })
    };

    // Heartbeats: each agent at its own offset in the interval.
    let mut handles = Vec::new();
    let mut rss_peak = rss_idle;
    for n in 0usize.. {
        let due = started + Duration::from_secs_f64(n as f64 / hb_rate);
        if due >= deadline {
            break;
        }
        tokio::time::sleep_until(due.into()).await;
        if n % 5000 == 0 {
            rss_peak = rss_peak.max(proc_status(pid, "VmRSS:"));
        }
        let (http, url, fleet, beats) = (http.clone(), url.clone(), fleet.clone(), beats.clone());
        handles.push(tokio::spawn(async move {
            let (id, key) = &fleet[n % fleet.len()];
            let t0 = Instant::now();
            let answer = http
                .post(format!("{url}/api/v1/agents/{id}/heartbeat"))
                .bearer_auth(key)
                .json(&json!({}))
                .send()
                .await
                .map(|r| r.status());
            beats.record(t0, answer);
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    let _ = worker.await;
    let elapsed = started.elapsed();
    let cpu = cpu_seconds(pid) - cpu0;
    let rss_end = proc_status(pid, "VmRSS:");
    let hwm = proc_status(pid, "VmHWM:");
    println!(
        "fleet: {agents} agents every {interval} s (offered {hb_rate:.0} heartbeats/s) and {claim_rate} work cycles/s, \
         {:.1} s, max_in_flight {}",
        elapsed.as_secs_f64(),
        max_in_flight.map_or("default".into(), |n| n.to_string())
    );
    beats.print("heartbeat", elapsed);
    work.print("work calls", elapsed);
    println!(
        "  server: CPU {:.2} cores; RSS idle {} MB, peak {} MB (VmHWM {} MB), at end {} MB",
        cpu / elapsed.as_secs_f64(),
        rss_idle / 1024,
        rss_peak.max(rss_end) / 1024,
        hwm / 1024,
        rss_end / 1024
    );
    stop_serve(child)
}

/// One work cycle by agent `n`: submit, claim, complete, and a message to the next agent. Each
/// request is one sample in `work`.
async fn cycle(http: &reqwest::Client, url: &str, fleet: &[(String, String)], n: usize, work: &Tally) {
    let (_, key) = &fleet[n % fleet.len()];
    let peer = format!("fleet-{}", (n + 1) % fleet.len());
    let post = |path: String, body: Value| http.post(format!("{url}{path}")).bearer_auth(key).json(&body).send();
    let t = Instant::now();
    let submitted =
        post("/api/v1/tasks".into(), json!({"title": format!("job {n}"), "project": format!("p{n}")})).await;
    work.record(t, submitted.map(|r| r.status()));
    let t = Instant::now();
    let Ok(claim) = post("/api/v1/tasks/claim".into(), json!({"project": format!("p{n}")})).await else {
        work.errors.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let status = claim.status();
    let body: Value = claim.json().await.unwrap_or(Value::Null);
    work.record(t, Ok(status));
    if let (Some(id), Some(fence)) = (body["task"]["id"].as_str(), body["fence"].as_u64()) {
        let t = Instant::now();
        let done = post(format!("/api/v1/tasks/{id}/complete"), json!({"fence": fence})).await;
        work.record(t, done.map(|r| r.status()));
    }
    let t = Instant::now();
    let sent = post("/api/v1/messages".into(), json!({"to": [peer], "body": "done"})).await;
    work.record(t, sent.map(|r| r.status()));
}

/// Agents and their keys written straight into the stopped server's database, hashed under its
/// key secret (registering 100,000 agents through the API would take minutes). The only writes
/// outside the kernel, stated in BENCHMARKS.md.
async fn seed(data: &Path, tenant: TenantId, agents: usize, interval: u64) -> anyhow::Result<Vec<(String, String)>> {
    let secret =
        bosun_server::kernel::KeySecret::load_or_create(&data.join("key.secret")).map_err(|e| anyhow::anyhow!(e))?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&data.join("bosun.db"), &SqliteOptions::default())?);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
    let mut fleet = Vec::with_capacity(agents);
    for chunk in 0..agents.div_ceil(5000) {
        let mut batch = Vec::new();
        for i in chunk * 5000..agents.min((chunk + 1) * 5000) {
            let mut random = [0u8; 30];
            random[..8].copy_from_slice(&(i as u64).to_le_bytes());
            random[8..24].copy_from_slice(&nanos.to_le_bytes());
            let (key, prefix) = bosun_core::apikey::compose(&random);
            let now = jiff::Timestamp::now();
            let agent = bosun_core::model::Agent {
                id: bosun_core::AgentId::generate(),
                tenant_id: tenant,
                name: format!("fleet-{i}"),
                kind: "bench".into(),
                capabilities: vec![],
                profile: "worker".into(),
                status: bosun_core::agent::AgentStatus::Idle,
                metadata: json!({}),
                heartbeat_interval: interval as u32,
                last_seen_at: now,
                created_at: bosun_core::clock::format_micros(now),
            };
            let record = bosun_core::model::ApiKey {
                id: bosun_core::KeyId::generate(),
                tenant_id: tenant,
                owner: bosun_core::model::Owner::Agent(agent.id),
                prefix,
                label: None,
                created_at: agent.created_at.clone(),
                revoked_at: None,
                hash: secret.hash(&key),
                enrolment: false,
            };
            fleet.push((agent.id.to_string(), key));
            batch.push((agent, record));
        }
        store
            .write(move |w| {
                for (agent, key) in &batch {
                    w.create_agent(agent)?;
                    w.create_key(key)?;
                }
                Ok::<_, bosun_store::StoreError>(())
            })
            .await?;
    }
    store.shutdown();
    Ok(fleet)
}
