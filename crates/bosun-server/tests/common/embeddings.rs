//! A stand-in for an OpenAI-compatible embeddings endpoint (`POST /v1/embeddings`) on loopback:
//! deterministic vectors from the words of a text, where words of one concept group (login,
//! signin, auth…) land on the same dimension — a crude "model" that knows a few synonyms, so
//! semantic recall has something to find that full text cannot. It can be switched down (503)
//! or slow (answers after a delay).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    Up,
    Down,
    Slow(Duration),
}

pub struct Fake {
    mode: Mutex<Mode>,
    /// Requests answered with vectors.
    pub served: AtomicUsize,
    /// Every request, answered or not.
    pub requests: AtomicUsize,
}

pub struct FakeEmbeddings {
    pub url: String,
    pub state: Arc<Fake>,
}

/// Concept groups: each word of a group maps to the group's first word.
const GROUPS: &[&[&str]] = &[
    &[
        "login",
        "signin",
        "sign",
        "auth",
        "authentication",
        "sso",
        "oauth",
        "session",
        "password",
        "credentials",
        "token",
    ],
    &["database", "db", "postgres", "postgresql", "sql", "sqlite", "schema", "table", "query", "index"],
    &["migration", "migrate", "migrations", "alter"],
    &["flaky", "intermittent", "intermittently", "sporadic", "nondeterministic", "random", "randomly", "sometimes"],
    &["timeout", "timed", "times", "hang", "hangs", "stall", "stalls", "slow", "latency", "deadline"],
    &["deploy", "deployment", "release", "rollout", "ship", "publish"],
    &["test", "tests", "spec", "specs", "e2e", "suite", "assertion"],
    &["container", "docker", "dockerfile", "kubernetes", "k8s", "pod"],
    &["image", "images", "thumbnail", "thumbnails", "photo", "picture", "resize", "resizing", "exif", "libvips"],
    &["xss", "escaping", "escape", "sanitize", "html", "script", "injection", "template", "templates"],
    &["email", "emails", "mail", "smtp", "spam", "bounce", "bounced", "spf", "dkim"],
    &["timezone", "tz", "utc", "offset", "midnight", "zone"],
    &["lint", "linter", "eslint", "clippy", "rustfmt", "fmt", "formatting"],
    &["encoding", "utf", "bom", "unicode", "charset"],
    &["webhook", "webhooks", "callback", "signature", "hmac"],
    &["flag", "flags", "toggle", "experiment"],
    &["translation", "translations", "i18n", "locale", "localization", "catalog"],
    &["accessibility", "a11y", "aria", "wcag", "contrast"],
    &["benchmark", "benchmarks", "measure", "measuring", "profiling"],
    &["cron", "schedule", "scheduled", "scheduling", "monthly", "nightly"],
    &["upload", "uploads", "multipart", "presigned"],
    &["backup", "backups", "restore", "snapshot"],
    &["mobile", "app", "ios", "android"],
    &["memory", "oom", "leak", "heap", "rss"],
    &["cache", "redis", "memcached", "caching", "stale"],
    &["dependency", "dependencies", "package", "crate", "npm", "version", "pin", "upgrade", "lockfile"],
    &["disk", "storage", "space", "volume", "quota"],
    &["network", "dns", "proxy", "tls", "certificate", "ssl", "connection"],
    &["permission", "permissions", "forbidden", "denied", "acl", "role", "rbac"],
    &["build", "compile", "compiler", "linker", "rustc", "cargo", "webpack"],
    &["api", "endpoint", "rest", "http", "route"],
    &["error", "failure", "fails", "failed", "crash", "panic", "exception", "broke", "broken"],
    &["lock", "locks", "mutex", "deadlock", "contention", "race"],
    &["queue", "job", "jobs", "worker", "workers", "backlog"],
    &["log", "logs", "logging", "trace", "tracing"],
];

const DIMENSIONS: usize = 256;

fn concept(word: &str) -> String {
    for group in GROUPS {
        if group.contains(&word) {
            return group[0].to_owned();
        }
    }
    word.to_owned()
}

/// Words that say nothing about a text's subject (a model learns to ignore them).
const STOPWORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "is", "are", "was", "were", "be",
    "it", "its", "this", "that", "when", "why", "how", "what", "does", "do", "did", "not", "no", "from", "as", "after",
    "before", "because", "so", "we", "our", "every", "all", "one", "two", "then", "than", "into", "too",
];

/// The fake model: a normalised bag of concepts (plural `s` dropped, stop words ignored)
/// hashed into 256 dimensions.
pub fn embed(text: &str) -> Vec<f32> {
    let mut v = vec![0f32; DIMENSIONS];
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1) {
        let word = word.to_lowercase();
        if STOPWORDS.contains(&word.as_str()) {
            continue;
        }
        let c = concept(&word);
        let c = if GROUPS.iter().any(|g| g[0] == c) { c } else { c.strip_suffix('s').unwrap_or(&c).to_owned() };
        let mut h: u64 = 0xcbf29ce484222325;
        for b in c.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
        v[(h % DIMENSIONS as u64) as usize] += 1.0;
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

async fn embeddings(State(fake): State<Arc<Fake>>, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    fake.requests.fetch_add(1, Ordering::SeqCst);
    let mode = *fake.mode.lock().unwrap();
    match mode {
        Mode::Down => return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"error": "down"}))),
        Mode::Slow(d) => tokio::time::sleep(d).await,
        Mode::Up => {}
    }
    let inputs: Vec<String> = match &body["input"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect(),
        _ => return (StatusCode::BAD_REQUEST, Json(json!({"error": "no input"}))),
    };
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": embed(t)}))
        .collect();
    fake.served.fetch_add(1, Ordering::SeqCst);
    (StatusCode::OK, Json(json!({"object": "list", "data": data, "model": body["model"]})))
}

impl FakeEmbeddings {
    pub async fn start() -> FakeEmbeddings {
        let state =
            Arc::new(Fake { mode: Mutex::new(Mode::Up), served: AtomicUsize::new(0), requests: AtomicUsize::new(0) });
        let app =
            axum::Router::new().route("/v1/embeddings", axum::routing::post(embeddings)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1/embeddings", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeEmbeddings { url, state }
    }

    pub fn set(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }
}
