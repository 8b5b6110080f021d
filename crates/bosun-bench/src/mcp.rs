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
    let connect = |profile: &str| {
        let config = StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp?tools={profile}"))
            .auth_header(admin.clone());
        ().serve(StreamableHttpClientTransport::from_config(config))
    };
    // What each profile costs a client's context: bytes/4 of the tools/list answer.
    println!("profile        tools   bytes   ~tokens (bytes/4)");
    for (name, _) in bosun_server::mcp::Profile::NAMED {
        let client = connect(name).await?;
        let tools = client.list_all_tools().await?;
        let bytes = serde_json::to_string(&json!({"tools": tools}))?.len();
        println!("{name:<14} {:>5} {bytes:>7} {:>9}", tools.len(), bytes / 4);
        client.cancel().await.ok();
    }
    // Load: each session registers an agent, then loops: submit + claim + complete, lock + release, message.
    let mut clients = Vec::new();
    for i in 0..sessions {
        let client = connect("all").await?;
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
                let timed = async |tool: &'static str, args: serde_json::Value| {
                    let t0 = Instant::now();
                    let r = client
                        .call_tool(
                            CallToolRequestParams::new(tool)
                                .with_arguments(args.as_object().cloned().unwrap_or_default()),
                        )
                        .await;
                    per_tool.lock().unwrap().entry(tool).or_default().push(t0.elapsed());
                    match r {
                        Ok(r) if r.is_error != Some(true) => r.structured_content,
                        _ => None,
                    }
                };
                timed("submit_task", json!({"title": format!("t{i}-{n}")})).await;
                if let Some(c) = timed("claim_task", json!({})).await
                    && let (Some(id), Some(fence)) = (c["task"]["id"].as_str(), c["fence"].as_u64())
                {
                    timed("complete_task", json!({"id": id, "fence": fence})).await;
                } else {
                    errors += 1;
                }
                match timed("acquire_lock", json!({"paths": [format!("src/s{i}/f{}.rs", n % 50)]})).await {
                    Some(l) => {
                        let id = l["locks"][0]["id"].as_str().unwrap_or_default().to_owned();
                        timed("release_lock", json!({"id": id})).await;
                    }
                    None => errors += 1,
                }
                timed("send_message", json!({"to": [format!("mcp-{}", (i + 1) % 16)], "body": "ping"})).await;
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
