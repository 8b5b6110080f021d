//! `bosun mcp`: MCP over stdio for clients that launch a command. Each tool call is forwarded to a
//! running Bosun's REST API (`--url`, `--key`), exactly as `/mcp` does in-process.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bosun_server::mcp::{ApiRequest, ApiResponse, Backend, BoxFuture, Profile, Session};
use rmcp::ServiceExt;
use serde_json::{Value, json};

use crate::client::{Client, ClientArgs};

#[derive(clap::Args)]
pub struct McpArgs {
    /// Tool set: core (default), worker, orchestrator, ops or all
    #[arg(long, default_value = "core")]
    tools: String,
    #[command(flatten)]
    client: ClientArgs,
}

/// Forwards tool calls to a remote Bosun over HTTP.
struct Remote {
    http: reqwest::Client,
    base: String,
}

impl Backend for Remote {
    fn call(&self, req: ApiRequest) -> BoxFuture<'_, ApiResponse> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(req.method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
            let mut r = self.http.request(method, format!("{}{}", self.base, req.path));
            if let Some(key) = &req.bearer {
                r = r.bearer_auth(key);
            }
            if let Some(body) = &req.body {
                r = r.json(body);
            }
            match r.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let bytes = resp.bytes().await.unwrap_or_default();
                    let body = if bytes.is_empty() {
                        Value::Null
                    } else {
                        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
                    };
                    ApiResponse { status, body }
                }
                Err(e) => ApiResponse {
                    status: 503,
                    body: json!({"code": "unavailable", "detail": format!("cannot reach Bosun at {}: {e}", self.base)}),
                },
            }
        })
    }
}

pub async fn run(args: McpArgs) -> anyhow::Result<ExitCode> {
    let profile = Profile::parse(&args.tools)
        .with_context(|| format!("--tools: `{}` is not core, worker, orchestrator, ops or all", args.tools))?;
    let client = Client::new(&args.client);
    let openapi = client.get("/api/v1/openapi.json").await.context("cannot read the server's OpenAPI document")?;
    let backend = Remote { http: reqwest::Client::new(), base: args.client.url.trim_end_matches('/').to_owned() };
    let session = Session::new(Arc::new(backend), Arc::new(openapi), client.key().map(str::to_owned), Some(profile));
    let running = session.serve(rmcp::transport::stdio()).await.context("MCP handshake on stdio failed")?;
    running.waiting().await?;
    Ok(ExitCode::SUCCESS)
}
