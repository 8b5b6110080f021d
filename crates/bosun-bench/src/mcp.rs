//! MCP (issue 5): tool-list size per profile, then tool calls over streamable HTTP.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bosun_core::SystemClock;
use bosun_server::Server;
use serde_json::json;

use crate::*;

pub(crate) async fn mcp(sessions: usize, seconds: u64) -> anyhow::Result<()> {
    use rmcp::ServiceExt;
    use rmcp::model::CallToolRequestParams;
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

    let dir = tempfile::tempdir()?;
    let server = Server::start(&bench_config(dir.path()), Arc::new(SystemClock)).await?;
    let (url, admin) = (server.url(), server.admin_key.clone().expect("fresh"));
    let connect = |profile: &str, key: &str| {
        let config = StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp?tools={profile}"))
            .auth_header(key.to_owned());
        ().serve(StreamableHttpClientTransport::with_client(pooled_client(), config))
    };
    // What each profile costs a client's context: bytes/4 of the tools/list answer. Lists show
    // what the caller may do: an admin agent (trust 4) may use every tool.
    let chief: serde_json::Value = pooled_client()
        .post(format!("{url}/api/v1/agents"))
        .bearer_auth(&admin)
        .json(&json!({"name": "chief", "profile": "admin-agent"}))
        .send()
        .await?
        .json()
        .await?;
    let chief = chief["key"]["key"].as_str().ok_or_else(|| anyhow::anyhow!("no key: {chief}"))?.to_owned();
    println!("profile        tools   bytes   ~tokens (bytes/4)");
    for (name, _) in bosun_server::mcp::Profile::NAMED {
        let client = connect(name, &chief).await?;
        let tools = client.list_all_tools().await?;
        let bytes = serde_json::to_string(&json!({"tools": tools}))?.len();
        println!("{name:<14} {:>5} {bytes:>7} {:>9}", tools.len(), bytes / 4);
        client.cancel().await.ok();
    }
    // Load: each session registers an agent, then loops: submit + claim + complete, lock + release, message.
    let mut clients = Vec::new();
    for i in 0..sessions {
        let client = connect("all", &admin).await?;
        let call = CallToolRequestParams::new("register_agent")
            .with_arguments(json!({"name": format!("mcp-{i}")}).as_object().cloned().unwrap_or_default());
        client.call_tool(call).await?;
        clients.push(Arc::new(client));
    }
    let per_tool: Arc<std::sync::Mutex<std::collections::BTreeMap<&'static str, Vec<Duration>>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().enumerate() {
        let (client, per_tool) = (client.clone(), per_tool.clone());
        tasks.push(tokio::spawn(async move {
            let (mut n, mut errors) = (0u64, 0u64);
            while Instant::now() < deadline {
                let timed = |tool: &'static str, args: serde_json::Value| {
                    let (client, per_tool) = (client.clone(), per_tool.clone());
                    async move {
                        let t0 = Instant::now();
                        let params = CallToolRequestParams::new(tool)
                            .with_arguments(args.as_object().cloned().unwrap_or_default());
                        let r = client.call_tool(params).await;
                        per_tool.lock().unwrap().entry(tool).or_default().push(t0.elapsed());
                        match r {
                            Ok(r) if r.is_error != Some(true) => r.structured_content,
                            _ => None,
                        }
                    }
                };
                errors += mcp_round(timed, &format!("mcp-{i}"), &format!("mcp-{}", (i + 1) % sessions), n).await.1;
                n += 1;
            }
            errors
        }));
    }
    let mut errors = 0;
    for t in tasks {
        errors += t.await?;
    }
    let elapsed = started.elapsed();
    let per_tool = std::mem::take(&mut *per_tool.lock().unwrap());
    let calls: usize = per_tool.values().map(Vec::len).sum();
    println!(
        "MCP tool calls over streamable HTTP, {sessions} sessions: {calls} calls in {:.2} s = {:.0} calls/s; errors {errors}",
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64()
    );
    for (tool, lat) in per_tool {
        println!("  {tool:<14} ms {}", percentiles(lat));
    }
    for c in clients {
        if let Ok(c) = Arc::try_unwrap(c) {
            c.cancel().await.ok();
        }
    }
    server.shutdown().await?;
    Ok(())
}

/// One round of the MCP loop every scenario here runs — submit, claim, complete, acquire,
/// release, send — through `call` (a tool name and arguments to its structured result).
/// Returns the calls made and how many steps found nothing to work on (no task, no lock).
async fn mcp_round<F, Fut>(call: F, me: &str, peer: &str, n: u64) -> (u64, u64)
where
    F: Fn(&'static str, serde_json::Value) -> Fut,
    Fut: std::future::Future<Output = Option<serde_json::Value>>,
{
    let (mut calls, mut misses) = (4, 0);
    call("submit_task", json!({"title": format!("{me}-{n}")})).await;
    match call("claim_task", json!({})).await {
        Some(c) if c["task"]["id"].is_string() => {
            call("complete_task", json!({"id": c["task"]["id"], "fence": c["fence"]})).await;
            calls += 1;
        }
        _ => misses += 1,
    }
    match call("acquire_lock", json!({"paths": [format!("src/{me}/f{}.rs", n % 50)]})).await {
        Some(l) if l["locks"][0]["id"].is_string() => {
            call("release_lock", json!({"id": l["locks"][0]["id"]})).await;
            calls += 1;
        }
        _ => misses += 1,
    }
    call("send_message", json!({"to": [peer], "body": "ping"})).await;
    (calls, misses)
}

/// The same loop of six operations (submit, claim, complete, acquire, release, send) over REST
/// and over MCP, against `bosun serve` in its own process: calls per second, and the server's
/// CPU time per call — which the benchmark's own clients (sharing the two cores) do not blur.
pub(crate) async fn mcp_cpu(bin: &std::path::Path, sessions: usize, seconds: u64) -> anyhow::Result<()> {
    use rmcp::ServiceExt;
    use rmcp::model::CallToolRequestParams;
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

    let dir = tempfile::tempdir()?;
    let config = dir.path().join("bosun.toml");
    std::fs::write(&config, crate::probe::UNLIMITED)?;
    let data = dir.path().join("data");
    let (child, url) = crate::probe::spawn_serve_with(bin, &data, Some(&config))?;
    let pid = child.id();
    let admin = std::fs::read_to_string(data.join("admin.key"))?.trim().to_owned();
    let http = reqwest::Client::builder().pool_max_idle_per_host(sessions).build()?;
    let names: Vec<String> = (0..sessions).map(|i| format!("rest-{i}")).collect();
    let mut keys = Vec::new();
    for name in &names {
        keys.push(register(&http, &url, &admin, name).await?);
    }

    // REST: each agent loops the six operations.
    let cpu0 = crate::probe::cpu_seconds(pid);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let (http, url, key, to) = (http.clone(), url.clone(), key.clone(), names[(i + 1) % sessions].clone());
        tasks.push(tokio::spawn(async move {
            let mut calls = 0u64;
            let mut n = 0u64;
            while Instant::now() < deadline {
                let post = |path: &str, body: serde_json::Value| {
                    http.post(format!("{url}{path}")).bearer_auth(&key).json(&body).send()
                };
                let _ = post("/api/v1/tasks", json!({"title": format!("r{i}-{n}")})).await;
                if let Ok(r) = post("/api/v1/tasks/claim", json!({})).await
                    && let Ok(c) = r.json::<serde_json::Value>().await
                    && let (Some(id), Some(fence)) = (c["task"]["id"].as_str(), c["fence"].as_u64())
                {
                    let _ = post(&format!("/api/v1/tasks/{id}/complete"), json!({"fence": fence})).await;
                }
                if let Ok(r) = post("/api/v1/locks", json!({"paths": [format!("src/s{i}/f{}.rs", n % 50)]})).await
                    && let Ok(l) = r.json::<serde_json::Value>().await
                {
                    let id = l["locks"][0]["id"].as_str().unwrap_or_default().to_owned();
                    let _ = http.delete(format!("{url}/api/v1/locks/{id}")).bearer_auth(&key).send().await;
                }
                let _ = post("/api/v1/messages", json!({"to": [to], "body": "ping"})).await;
                calls += 6;
                n += 1;
            }
            calls
        }));
    }
    let mut rest_calls = 0;
    for t in tasks {
        rest_calls += t.await?;
    }
    let (rest_elapsed, rest_cpu) = (started.elapsed().as_secs_f64(), crate::probe::cpu_seconds(pid) - cpu0);

    // MCP: each session registers an agent, then loops the same six operations as tools.
    let mut clients = Vec::new();
    for i in 0..sessions {
        let config =
            StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp?tools=all")).auth_header(admin.clone());
        let client = ().serve(StreamableHttpClientTransport::with_client(pooled_client(), config)).await?;
        let call = CallToolRequestParams::new("register_agent")
            .with_arguments(json!({"name": format!("mcp-{i}")}).as_object().cloned().unwrap_or_default());
        client.call_tool(call).await?;
        clients.push(Arc::new(client));
    }
    let cpu0 = crate::probe::cpu_seconds(pid);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().enumerate() {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut calls = 0u64;
            let mut n = 0u64;
            while Instant::now() < deadline {
                let call = |tool: &'static str, args: serde_json::Value| {
                    let client = client.clone();
                    async move {
                        let params = CallToolRequestParams::new(tool)
                            .with_arguments(args.as_object().cloned().unwrap_or_default());
                        client.call_tool(params).await.ok().and_then(|r| r.structured_content)
                    }
                };
                calls += mcp_round(call, &format!("mcp-{i}"), &format!("mcp-{}", (i + 1) % sessions), n).await.0;
                n += 1;
            }
            calls
        }));
    }
    let mut mcp_calls = 0;
    for t in tasks {
        mcp_calls += t.await?;
    }
    let (mcp_elapsed, mcp_cpu) = (started.elapsed().as_secs_f64(), crate::probe::cpu_seconds(pid) - cpu0);
    for c in clients {
        if let Ok(c) = Arc::try_unwrap(c) {
            c.cancel().await.ok();
        }
    }
    let (raw_calls, raw_elapsed, raw_cpu) = raw_mcp_phase(&url, &admin, sessions, seconds, pid).await?;
    let per_call = |cpu: f64, calls: u64| cpu * 1e6 / calls.max(1) as f64;
    println!(
        "MCP from a client that reads each answer and keeps its connection, {sessions} sessions: {raw_calls} calls in \
         {raw_elapsed:.1} s = {:.0}/s; server CPU {:.0} µs per call ({:.0} % of REST's throughput)",
        raw_calls as f64 / raw_elapsed,
        per_call(raw_cpu, raw_calls),
        100.0 * (raw_calls as f64 / raw_elapsed) / (rest_calls as f64 / rest_elapsed)
    );
    println!(
        "REST, {sessions} agents: {rest_calls} calls in {rest_elapsed:.1} s = {:.0}/s; server CPU {:.0} µs per call",
        rest_calls as f64 / rest_elapsed,
        per_call(rest_cpu, rest_calls)
    );
    println!(
        "MCP, {sessions} sessions: {mcp_calls} calls in {mcp_elapsed:.1} s = {:.0}/s; server CPU {:.0} µs per call",
        mcp_calls as f64 / mcp_elapsed,
        per_call(mcp_cpu, mcp_calls)
    );
    println!(
        "MCP throughput {:.0} % of REST; server CPU per call {:.0} % of REST's",
        100.0 * (mcp_calls as f64 / mcp_elapsed) / (rest_calls as f64 / rest_elapsed),
        100.0 * per_call(mcp_cpu, mcp_calls) / per_call(rest_cpu, rest_calls)
    );
    crate::probe::stop_serve(child)
}

/// rmcp's default client turns connection reuse off (a pooled connection whose SSE answer was
/// not read to its end stalls on delayed ACKs), so every call paid a TCP connect and a close.
/// Bosun answers tool calls as plain JSON, read whole, so the benchmark's clients keep their
/// connections, as an agent's HTTP client (Node's fetch, reqwest) does by default.
fn pooled_client() -> reqwest::Client {
    reqwest::Client::builder().tcp_nodelay(true).build().expect("an HTTP client")
}

/// The JSON-RPC answer in a response body: one JSON document, or the event of an SSE stream that
/// carries an id.
pub(crate) fn jsonrpc_answer(text: &str) -> serde_json::Value {
    serde_json::from_str(text).ok().unwrap_or_else(|| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<serde_json::Value>(d.trim()).ok())
            .find(|v| v.get("id").is_some())
            .unwrap_or(serde_json::Value::Null)
    })
}

/// The MCP loop from a hand-written JSON-RPC client on reqwest that reads every answer to its
/// end (so its connection is reused, as a well-behaved agent's client does). Returns calls,
/// seconds and the server's CPU seconds.
async fn raw_mcp_phase(
    url: &str,
    admin: &str,
    sessions: usize,
    seconds: u64,
    pid: u32,
) -> anyhow::Result<(u64, f64, f64)> {
    let http = reqwest::Client::builder().pool_max_idle_per_host(sessions).build()?;
    let (endpoint, admin) = (format!("{url}/mcp?tools=all"), admin.to_owned());
    let post = move |session: Option<String>, body: serde_json::Value| {
        let mut req = http
            .post(&endpoint)
            .bearer_auth(&admin)
            .header("accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(s) = session {
            req = req.header("mcp-session-id", s);
        }
        req.send()
    };
    let answer = jsonrpc_answer;
    let tool = |name: &str, args: serde_json::Value| json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": args}});
    let mut ids = Vec::new();
    for i in 0..sessions {
        let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}});
        let r = post(None, init).await?;
        let id = r.headers().get("mcp-session-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        r.text().await?;
        post(Some(id.clone()), json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await?.text().await?;
        post(Some(id.clone()), tool("register_agent", json!({"name": format!("raw-{i}")}))).await?.text().await?;
        ids.push(id);
    }
    let cpu0 = crate::probe::cpu_seconds(pid);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        let (post, answer, tool) = (post.clone(), answer, tool);
        tasks.push(tokio::spawn(async move {
            let mut calls = 0u64;
            let mut n = 0u64;
            let call = |name: &'static str, args: serde_json::Value| {
                let sent = post(Some(id.clone()), tool(name, args));
                async move {
                    let text = sent.await.ok()?.text().await.ok()?;
                    let result = answer(&text)["result"]["structuredContent"].clone();
                    (!result.is_null()).then_some(result)
                }
            };
            while Instant::now() < deadline {
                calls += mcp_round(&call, &format!("raw-{i}"), &format!("raw-{}", (i + 1) % sessions), n).await.0;
                n += 1;
            }
            calls
        }));
    }
    let mut calls = 0;
    for t in tasks {
        calls += t.await?;
    }
    Ok((calls, started.elapsed().as_secs_f64(), crate::probe::cpu_seconds(pid) - cpu0))
}
