//! Memory (issue 15): recall latency over a large tenant (text only, and with vectors), and
//! remember throughput over HTTP.
//!
//! The memories are written straight into the store (as `claim-depth` seeds tasks). Each is one of
//! the labelled set's 310 memories (summary and lessons) with about a third of its words replaced
//! by words drawn from 20,000 made-up ones with a Zipf-like skew — so the real words keep the
//! frequencies they have in lessons agents write, and the corpus has the long tail of names,
//! paths and identifiers real memories carry — with 1–3 tags of 40. The questions are the
//! labelled set's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bosun_core::TenantId;
use bosun_store::Memory;
use serde_json::json;

use crate::{coord_server, report, run_clients};

const SET: &str = include_str!("../../bosun-server/tests/data/memory-set.txt");

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Zipf-like: index i with weight about 1/(i+1).
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (((n as f64 + 1.0).powf(u) - 1.0) as usize).min(n - 1)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    }
}

/// 20,000 made-up words.
fn vocabulary() -> Vec<String> {
    let syllables = ["ka", "lo", "mer", "tiv", "sun", "dra", "pel", "ox", "qui", "ren", "zu", "fa"];
    let mut rng = Rng(7);
    let mut words = std::collections::BTreeSet::new();
    while words.len() < 20_000 {
        let n = 2 + rng.below(4);
        words.insert((0..n).map(|_| syllables[rng.below(syllables.len())]).collect::<String>());
    }
    let mut words: Vec<String> = words.into_iter().collect();
    // A reproducible shuffle, so which made-up words are common is arbitrary.
    for i in (1..words.len()).rev() {
        words.swap(i, rng.below(i + 1));
    }
    words
}

/// The labelled set's memories: (summary, lessons).
fn templates() -> Vec<(String, String)> {
    SET.lines()
        .filter(|l| l.starts_with("R ") || l.starts_with("D "))
        .map(|l| {
            let f: Vec<&str> = l[2..].split('|').collect();
            (f[3].to_owned(), f[4].to_owned())
        })
        .collect()
}

/// A template's words with about a third replaced by made-up ones.
fn vary(rng: &mut Rng, text: &str, words: &[String]) -> String {
    text.split_whitespace()
        .map(|w| if rng.below(3) == 0 { words[rng.skewed(words.len())].as_str() } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

fn questions() -> Vec<String> {
    SET.lines().filter_map(|l| l.strip_prefix("Q ")).map(str::to_owned).collect()
}

fn memory_text(rng: &mut Rng, templates: &[(String, String)], words: &[String]) -> (String, String) {
    let (summary, lessons) = &templates[rng.below(templates.len())];
    (vary(rng, summary, words), vary(rng, lessons, words))
}

/// Write `n` generated memories (and, with `dims`, a random vector for each) into the tenant.
async fn seed(store: &Arc<dyn bosun_store::Store>, tenant: TenantId, n: usize, dims: usize) -> anyhow::Result<()> {
    let words = Arc::new(vocabulary());
    let templates = Arc::new(templates());
    let tags: Vec<String> = (0..40).map(|i| format!("tag-{i}")).collect();
    let started = Instant::now();
    let outcomes = [Some("failure"), Some("success"), Some("partial"), None];
    for chunk in 0..n.div_ceil(5000) {
        let (words, tags, templates) = (words.clone(), tags.clone(), templates.clone());
        let count = 5000.min(n - chunk * 5000);
        store
            .write(move |w| {
                let mut rng = Rng(0x9E3779B97F4A7C15 ^ chunk as u64);
                let now = jiff::Timestamp::now();
                for i in 0..count {
                    let (summary, lessons) = memory_text(&mut rng, &templates, &words);
                    let at = now - jiff::SignedDuration::from_secs(rng.below(86_400 * 365) as i64);
                    let m = Memory {
                        tenant_id: tenant,
                        id: ulid::Ulid::from_parts(at.as_millisecond() as u64, u128::from(rng.next())).to_string(),
                        project: format!("project-{}", rng.below(10)),
                        visibility: "tenant".into(),
                        author_type: "agent".into(),
                        author_id: format!("agent-{}", rng.below(1000)),
                        author_name: format!("agent-{}", i % 1000),
                        event_type: ["task_failed", "task_done", "decision", "incident"][rng.below(4)].into(),
                        dedup_key: summary.clone(),
                        summary,
                        details: None,
                        outcome: outcomes[rng.below(4)].map(str::to_owned),
                        lessons: Some(lessons),
                        tags: (0..1 + rng.below(3)).map(|_| tags[rng.skewed(tags.len())].clone()).collect(),
                        subject: None,
                        seen: 1,
                        created_at: at,
                        last_seen_at: at,
                    };
                    w.insert_memory(&m)?;
                    if dims > 0 {
                        let v: Vec<f32> = (0..dims).map(|_| rng.unit()).collect();
                        w.put_memory_vector(tenant, &m.id, "bench", &bosun_core::memory::encode_vector(&v), now)?;
                    }
                }
                Ok::<_, bosun_store::StoreError>(())
            })
            .await?;
        if chunk % 20 == 19 {
            eprintln!("  {} memories written in {:.0} s", (chunk + 1) * 5000, started.elapsed().as_secs_f64());
        }
    }
    println!(
        "{n} memories{} written in {:.1} s",
        if dims > 0 { " with vectors" } else { "" },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A stand-in embeddings endpoint answering random vectors of `dims` (the cost measured is
/// Bosun's: the request, the search over every vector, the fusion).
async fn fake_endpoint(dims: usize) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/v1/embeddings", listener.local_addr()?);
    let app = axum::Router::new().route(
        "/v1/embeddings",
        axum::routing::post(move |axum::Json(body): axum::Json<serde_json::Value>| async move {
            let n = body["input"].as_array().map_or(1, Vec::len);
            let mut rng = Rng(Instant::now().elapsed().as_nanos() as u64 | 1);
            let data: Vec<_> =
                (0..n).map(|_| json!({"embedding": (0..dims).map(|_| rng.unit()).collect::<Vec<_>>()})).collect();
            axum::Json(json!({"data": data}))
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

pub async fn recall(
    memories: usize,
    dims: usize,
    clients: usize,
    seconds: u64,
    keep: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    // With --keep DIR the seeded database is kept there and reused by the next run.
    let (server, _dir, key, admin, seeded) = match &keep {
        Some(dir) => {
            let seeded = dir.join("bosun.db").exists();
            let config = crate::bench_config(dir);
            let server = bosun_server::Server::start(&config, Arc::new(bosun_core::SystemClock)).await?;
            let admin = std::fs::read_to_string(dir.join("admin.key"))?.trim().to_owned();
            let client = reqwest::Client::new();
            let key =
                crate::register(&client, &server.url(), &admin, &format!("recaller-{}", std::process::id())).await?;
            (server, None, key, admin, seeded)
        }
        None => {
            let (server, dir, keys, admin) = coord_server(1).await?;
            (server, Some(dir), keys[0].clone(), admin, false)
        }
    };
    let url = server.url();
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build()?;
    let me: serde_json::Value =
        http.get(format!("{url}/api/v1/whoami")).bearer_auth(&admin).send().await?.json().await?;
    let tenant = TenantId::parse(me["tenant"]["id"].as_str().unwrap_or_default()).expect("tenant id");
    if seeded {
        println!("reusing the memories in {}", keep.as_ref().map(|k| k.display().to_string()).unwrap_or_default());
    } else {
        seed(server.kernel.raw_store(), tenant, memories, dims).await?;
    }
    if dims > 0 {
        let endpoint = fake_endpoint(dims).await?;
        http.put(format!("{url}/api/v1/memory/settings"))
            .bearer_auth(&admin)
            .json(&json!({"embeddings": {"url": endpoint, "model": "bench"}}))
            .send()
            .await?
            .error_for_status()?;
    }
    let questions = Arc::new(questions());
    // One warm-up recall (on the vector path it loads every vector into memory).
    let t0 = Instant::now();
    let first: serde_json::Value = http
        .get(format!("{url}/api/v1/memory/recall?q=flaky+login+test&project=project-1"))
        .bearer_auth(&key)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("first recall (mode {}) in {:.0} ms", first["mode"], t0.elapsed().as_secs_f64() * 1000.0);
    let (lat, errors, elapsed) = run_clients(clients, seconds, move |_, i| {
        let (http, url, key, questions) = (http.clone(), url.clone(), key.clone(), questions.clone());
        async move {
            let q = bosun_core::uri::encode_component(&questions[i as usize % questions.len()]);
            let t = Instant::now();
            let r = http
                .get(format!("{url}/api/v1/memory/recall?q={q}&limit=10&project=project-{}", i % 10))
                .bearer_auth(&key)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !r.status().is_success() {
                return Err(r.status().to_string());
            }
            let body: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
            if dims > 0 && body["mode"] != "hybrid" {
                return Err(format!("not hybrid: {}", body["note"]));
            }
            Ok(vec![t.elapsed()])
        }
    })
    .await;
    let what = if dims > 0 { format!("recall with {dims}-dim vectors") } else { "recall (text)".into() };
    report(&format!("{what} over {memories} memories, {clients} clients"), lat, elapsed);
    println!("  errors: {errors}");
    server.shutdown().await?;
    Ok(())
}

pub async fn remember(clients: usize, seconds: u64) -> anyhow::Result<()> {
    let (server, _dir, keys, _admin) = coord_server(clients).await?;
    let url = server.url();
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build()?;
    let words = Arc::new(vocabulary());
    let templates = Arc::new(templates());
    let keys = Arc::new(keys);
    let (lat, errors, elapsed) = run_clients(clients, seconds, move |c, i| {
        let (http, url, keys, words, templates) =
            (http.clone(), url.clone(), keys.clone(), words.clone(), templates.clone());
        async move {
            let mut rng = Rng((c as u64) << 32 | i | 1);
            let (summary, lessons) = memory_text(&mut rng, &templates, &words);
            let body = json!({"event_type": "task_failed", "summary": format!("{summary} {c}-{i}"),
                "lessons": lessons, "outcome": "failure", "tags": ["bench", format!("tag-{}", i % 40)]});
            let t = Instant::now();
            let r = http
                .post(format!("{url}/api/v1/memory"))
                .bearer_auth(&keys[c])
                .json(&body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if r.status() != reqwest::StatusCode::CREATED {
                return Err(r.status().to_string());
            }
            Ok(vec![t.elapsed()])
        }
    })
    .await;
    report(&format!("remember over HTTP, {clients} clients"), lat, elapsed);
    println!("  errors: {errors}");
    server.shutdown().await?;
    let _ = Duration::ZERO;
    Ok(())
}
