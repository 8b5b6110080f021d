//! A real server on a loopback port with a temp SQLite file — or, with `BOSUN_TEST_BACKEND=postgres`,
//! a fresh PostgreSQL database of its own — and helpers to talk to it.

#![allow(dead_code)]

use std::sync::Arc;

use bosun_core::{Clock, ManualClock, SystemClock};
use bosun_server::{ServeConfig, Server};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub mod embeddings;
mod tools;
#[allow(unused_imports)]
pub use tools::*;

pub struct TestServer {
    pub server: Server,
    pub client: reqwest::Client,
    pub admin: String,
    _dir: tempfile::TempDir,
    /// Dropped after the server (fields drop in order).
    _db: Option<bosun_store::postgres::ScratchDatabase>,
}

/// The default configuration in `dir`, on the backend the suite runs on.
pub fn test_config(dir: &std::path::Path) -> (ServeConfig, Option<bosun_store::postgres::ScratchDatabase>) {
    let config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), dir.join("data"));
    if !bosun_store::postgres::tests_use_postgres() {
        return (config, None);
    }
    let db = bosun_store::postgres::ScratchDatabase::create(&bosun_store::postgres::test_server_url())
        .expect("BOSUN_TEST_BACKEND=postgres needs PostgreSQL (scripts/pg.sh starts it)");
    (ServeConfig { database_url: Some(db.url.clone()), ..config }, Some(db))
}

impl TestServer {
    pub async fn start_with(clock: Arc<dyn Clock>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (config, db) = test_config(dir.path());
        let server = Server::start(&config, clock).await.unwrap();
        let admin = server.admin_key.clone().expect("first start prints a key");
        Self { server, client: reqwest::Client::new(), admin, _dir: dir, _db: db }
    }

    pub async fn start() -> Self {
        Self::start_with(Arc::new(SystemClock)).await
    }

    /// A server with every rate limit off (for load and fuzzing from one address).
    pub async fn start_unlimited() -> Self {
        let off = bosun_server::limits::RateLimits {
            per_key: 0,
            per_ip: 0,
            auth_failures_per_minute: 0,
            ..Default::default()
        };
        Self::start_configured(|c| ServeConfig { rate_limits: off, ..c }).await
    }

    /// A server whose default configuration `edit` changes.
    pub async fn start_configured(edit: impl FnOnce(ServeConfig) -> ServeConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (config, db) = test_config(dir.path());
        let config = edit(config);
        let server = Server::start(&config, Arc::new(SystemClock)).await.unwrap();
        let admin = server.admin_key.clone().expect("first start prints a key");
        Self { server, client: reqwest::Client::new(), admin, _dir: dir, _db: db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// The data directory (on SQLite, `bosun.db` and its WAL are in it).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("data")
    }

    pub async fn call(&self, method: &str, path: &str, key: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.client.request(method.parse().unwrap(), self.url(path));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Put the tenant's policies as `admin`, whatever version is current.
    pub async fn put_policies(&self, admin: &str, text: &str) {
        let req = self.client.put(self.url("/api/v1/policies")).bearer_auth(admin).header("if-match", "*");
        let resp = req.json(&json!({ "text": text })).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{}", resp.text().await.unwrap_or_default());
    }

    pub async fn audit(&self, key: &str, query: &str) -> Vec<Value> {
        let (status, page) = self.call("GET", &format!("/api/v1/audit?limit=1000{query}"), Some(key), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"].as_array().unwrap().clone()
    }

    /// Create a user and a key for it; returns (user id, key).
    pub async fn user_with_key(&self, admin: &str, name: &str, role: &str) -> (String, String) {
        let (s, user) =
            self.call("POST", "/api/v1/users", Some(admin), Some(json!({"name": name, "role": role}))).await;
        assert_eq!(s, StatusCode::CREATED, "{user}");
        let id = user["id"].as_str().unwrap().to_owned();
        let (s, key) = self.call("POST", &format!("/api/v1/users/{id}/keys"), Some(admin), Some(json!({}))).await;
        assert_eq!(s, StatusCode::CREATED, "{key}");
        (id, key["key"].as_str().unwrap().to_owned())
    }
}

/// A registered agent and its key.
pub struct TestAgent {
    pub id: String,
    pub name: String,
    pub key: String,
}

/// A server on a manual clock with no background scheduler: tests move time and call `tick`.
pub struct Coord {
    pub t: TestServer,
    pub clock: Arc<ManualClock>,
    /// A developer user's key (submits tasks, registers agents).
    pub dev: String,
}

impl Coord {
    pub async fn start() -> Self {
        Self::start_configured(|c| c).await
    }

    /// With every rate limit off (many requests from one key and address).
    pub async fn start_unlimited() -> Self {
        let off = bosun_server::limits::RateLimits {
            per_key: 0,
            per_ip: 0,
            auth_failures_per_minute: 0,
            ..Default::default()
        };
        Self::start_configured(|c| ServeConfig { rate_limits: off, ..c }).await
    }

    pub async fn start_configured(edit: impl FnOnce(ServeConfig) -> ServeConfig) -> Self {
        let clock = Arc::new(ManualClock::new("2026-11-21T10:00:00Z".parse().unwrap()));
        let dir = tempfile::tempdir().unwrap();
        let (config, db) = test_config(dir.path());
        let config = edit(ServeConfig { tick_every: None, ..config });
        let server = Server::start(&config, clock.clone()).await.unwrap();
        let admin = server.admin_key.clone().unwrap();
        let t = TestServer { server, client: reqwest::Client::new(), admin, _dir: dir, _db: db };
        let (_, dev) = t.user_with_key(&t.admin.clone(), "dev", "developer").await;
        Self { t, clock, dev }
    }

    pub async fn agent(&self, name: &str, capabilities: &[&str]) -> TestAgent {
        self.agent_with(json!({"name": name, "kind": "test", "capabilities": capabilities})).await
    }

    pub async fn agent_with(&self, body: Value) -> TestAgent {
        let (s, r) = self.t.call("POST", "/api/v1/agents", Some(&self.dev), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        TestAgent {
            id: r["agent"]["id"].as_str().unwrap().to_owned(),
            name: r["agent"]["name"].as_str().unwrap().to_owned(),
            key: r["key"]["key"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn call(&self, method: &str, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
        self.t.call(method, path, Some(key), Some(body)).await
    }

    /// Submit one task as the developer; returns its id.
    pub async fn submit(&self, body: Value) -> String {
        let (s, r) = self.call("POST", "/api/v1/tasks", &self.dev, body).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        r["id"].as_str().unwrap().to_owned()
    }

    /// Claim as an agent: Some((task id, fence)) or None for 204.
    pub async fn claim(&self, agent: &TestAgent, body: Value) -> Option<(String, u64)> {
        let (s, r) = self.call("POST", "/api/v1/tasks/claim", &agent.key, body).await;
        match s {
            StatusCode::OK => Some((r["task"]["id"].as_str().unwrap().to_owned(), r["fence"].as_u64().unwrap())),
            StatusCode::NO_CONTENT => None,
            other => panic!("claim answered {other}: {r}"),
        }
    }

    pub async fn complete(&self, agent: &TestAgent, task: &str, fence: u64) -> (StatusCode, Value) {
        self.call(
            "POST",
            &format!("/api/v1/tasks/{task}/complete"),
            &agent.key,
            json!({"fence": fence, "result": {"ok": true}}),
        )
        .await
    }

    pub async fn task(&self, id: &str) -> Value {
        let (s, r) = self.call("GET", &format!("/api/v1/tasks/{id}"), &self.dev, Value::Null).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        r
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(jiff::SignedDuration::from_secs(seconds));
    }

    pub async fn tick(&self) -> bosun_server::kernel::TickReport {
        self.t.server.kernel.tick().await.unwrap()
    }
}

/// A raw MCP client over streamable HTTP (JSON-RPC POSTs, answers as SSE), enough to test the
/// gate without trusting any client library's behaviour.
pub struct RawMcp {
    pub client: reqwest::Client,
    pub url: String,
}

impl RawMcp {
    pub fn new(c: &Coord) -> Self {
        Self { client: reqwest::Client::new(), url: c.t.url("/mcp?tools=all") }
    }

    /// POST one JSON-RPC message; returns the status, the session id header and the JSON answer.
    pub async fn post(&self, key: &str, session: Option<&str>, body: Value) -> (StatusCode, Option<String>, Value) {
        let (status, session, _, answer) = self.post_with(key, session, &[], body).await;
        (status, session, answer)
    }

    /// POST with extra headers; also returns the answer's content type (an SSE stream or JSON).
    pub async fn post_with(
        &self,
        key: &str,
        session: Option<&str>,
        headers: &[(&str, &str)],
        body: Value,
    ) -> (StatusCode, Option<String>, String, Value) {
        let mut req = self
            .client
            .post(&self.url)
            .header("authorization", format!("Bearer {key}"))
            .header("accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(s) = session {
            req = req.header("mcp-session-id", s);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (session, content_type) = (header("mcp-session-id"), header("content-type").unwrap_or_default());
        let text = resp.text().await.unwrap();
        let answer = text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|v| v.get("id").is_some())
            .or_else(|| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null);
        (status, session, content_type, answer)
    }

    /// initialize + initialized: a session id.
    pub async fn open(&self, key: &str) -> String {
        let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}});
        let (s, session, answer) = self.post(key, None, init).await;
        assert_eq!(s, StatusCode::OK, "{answer}");
        let session = session.expect("a session id");
        let (s, _, _) =
            self.post(key, Some(&session), json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await;
        assert!(s.is_success(), "{s}");
        session
    }

    pub async fn tool(&self, key: &str, session: &str, name: &str, args: Value) -> (StatusCode, Value) {
        let call =
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": args}});
        let (s, _, answer) = self.post(key, Some(session), call).await;
        (s, answer)
    }

    pub async fn delete(&self, key: &str, session: &str) -> StatusCode {
        let req = self.client.delete(&self.url).header("authorization", format!("Bearer {key}"));
        req.header("mcp-session-id", session).send().await.unwrap().status()
    }
}
