//! The real Claude Code CLI (npm `@anthropic-ai/claude-code`, pinned in `e2e/claude-code`) against
//! a real `bosun serve`: `claude mcp add` / `claude mcp list` connect to Bosun's `/mcp`, and a
//! `claude -p` session driven by a scripted stand-in for the model (the Messages API's streaming
//! format on loopback, `ANTHROPIC_BASE_URL`) runs a force-push and a write to `.env` — both
//! stopped by `bosun guard hook claude-code` before they run — then claims and completes a task
//! through Bosun's MCP tools. No model, no network beyond 127.0.0.1 (a dead proxy catches any
//! other request).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use common::{BIN, Spawned, bosun, text};
use serde_json::{Value, json};

/// `e2e/claude-code/node_modules/.bin/claude`, installed from the lock file when missing.
fn claude_bin() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/claude-code");
    let bin = dir.join("node_modules/.bin/claude");
    if !bin.exists() {
        let out = Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir).output().unwrap();
        assert!(out.status.success(), "npm ci in e2e/claude-code: {}{}", text(&out.stdout), text(&out.stderr));
    }
    bin
}

/// What the scripted model saw: every tool result Claude Code sent back, in order.
#[derive(Clone, Default)]
struct Script {
    results: Arc<Mutex<Vec<Value>>>,
    workdir: PathBuf,
}

/// One scripted turn: the first step of the script whose tool call has no result yet (Claude
/// Code may append reminders after the results, so the last message is not always them).
fn next_turn(script: &Script, results: &[Value]) -> Vec<Value> {
    let tool =
        |id: &str, name: &str, input: Value| vec![json!({"type": "tool_use", "id": id, "name": name, "input": input})];
    let answered = |id: &str| results.iter().find(|r| r["tool_use_id"] == id);
    if answered("toolu_bash").is_none() {
        return tool("toolu_bash", "Bash", json!({"command": "git push --force origin main", "description": "Push"}));
    }
    if answered("toolu_write").is_none() {
        let env = script.workdir.join(".env");
        return tool("toolu_write", "Write", json!({"file_path": env.to_string_lossy(), "content": "TOKEN=abc\n"}));
    }
    if answered("toolu_search").is_none() {
        let query = "select:mcp__bosun__claim_task,mcp__bosun__complete_task";
        return tool("toolu_search", "ToolSearch", json!({ "query": query }));
    }
    let Some(claimed) = answered("toolu_claim") else {
        return tool("toolu_claim", "mcp__bosun__claim_task", json!({}));
    };
    if answered("toolu_complete").is_none() {
        // Claude Code hands the model the tool's structured answer: the task and its fence.
        let claim: Value = serde_json::from_str(&result_text(claimed)).unwrap_or_default();
        let input = json!({"id": claim["task"]["id"], "fence": claim["fence"],
            "result": {"commands": ["cargo test", "git push --force origin main"]}});
        return tool("toolu_complete", "mcp__bosun__complete_task", input);
    }
    vec![json!({"type": "text", "text": "Done: the push was refused, the task succeeded."})]
}

fn result_text(result: &Value) -> String {
    match &result["content"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join("\n"),
        _ => String::new(),
    }
}

/// `POST /v1/messages`: the main loop (its request offers `Bash`) follows the script; anything
/// else Claude Code asks on the side gets a short text.
async fn messages(State(script): State<Script>, Json(body): Json<Value>) -> Response {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let results: Vec<Value> = messages
        .iter()
        .filter_map(|m| m["content"].as_array())
        .flatten()
        .filter(|b| b["type"] == "tool_result")
        .cloned()
        .collect();
    let main_loop = body["tools"].as_array().is_some_and(|t| t.iter().any(|t| t["name"] == "Bash"));
    let content = if main_loop {
        *script.results.lock().unwrap() = results.clone();
        next_turn(&script, &results)
    } else {
        vec![json!({"type": "text", "text": "ok"})]
    };
    let stop = if content[0]["type"] == "tool_use" { "tool_use" } else { "end_turn" };
    let model = body["model"].clone();
    if body["stream"] != true {
        return Json(json!({"id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop, "stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 5}}))
        .into_response();
    }
    let mut events = vec![(
        "message_start",
        json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant",
            "model": model, "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 10, "output_tokens": 1}}}),
    )];
    for (i, block) in content.iter().enumerate() {
        let (start, delta) = if block["type"] == "text" {
            (json!({"type": "text", "text": ""}), json!({"type": "text_delta", "text": block["text"]}))
        } else {
            (
                json!({"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}),
                json!({"type": "input_json_delta", "partial_json": block["input"].to_string()}),
            )
        };
        events
            .push(("content_block_start", json!({"type": "content_block_start", "index": i, "content_block": start})));
        events.push(("content_block_delta", json!({"type": "content_block_delta", "index": i, "delta": delta})));
        events.push(("content_block_stop", json!({"type": "content_block_stop", "index": i})));
    }
    events.push((
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null}, "usage": {"output_tokens": 5}}),
    ));
    events.push(("message_stop", json!({"type": "message_stop"})));
    let sse: String = events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect();
    ([(axum::http::header::CONTENT_TYPE, "text/event-stream")], sse).into_response()
}

async fn count_tokens() -> Json<Value> {
    Json(json!({"input_tokens": 10}))
}

/// The scripted model on a loopback port; its URL.
async fn model(script: Script) -> String {
    let app = Router::new()
        .route("/v1/messages", post(messages))
        .route("/v1/messages/count_tokens", post(count_tokens))
        .fallback(|| async { Json(json!({})) })
        .with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// `claude ARGS` in `workdir`, with a private HOME, the model on loopback and Bosun's hook
/// environment; nothing may leave the machine.
fn claude(home: &Path, workdir: &Path, model: &str, bosun_url: &str, key: &str, args: &[&str]) -> Output {
    // A hang is a failure with what it printed, not a stuck suite.
    Command::new("timeout")
        .args(["--kill-after=5", "120"])
        .arg(claude_bin())
        .args(args)
        .current_dir(workdir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("ANTHROPIC_BASE_URL", model)
        .env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-key")
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .env("DISABLE_TELEMETRY", "1")
        .env("DISABLE_ERROR_REPORTING", "1")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("BOSUN_URL", bosun_url)
        .env("BOSUN_API_KEY", key)
        .output()
        .expect("run claude")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_claude_code_is_guarded_by_the_hook_and_works_through_bosuns_mcp_tools() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let run = |args: &[&str], key: &str| bosun(args, Some(&url), Some(key));
    let reg = run(&["agent", "register", "--name", "claude-1", "--kind", "claude-code", "--json"], &admin);
    let key = serde_json::from_slice::<Value>(&reg.stdout).unwrap()["key"]["key"].as_str().unwrap().to_owned();
    let submitted = run(&["task", "submit", "Fix the flaky test", "--json"], &admin);
    assert!(submitted.status.success(), "{}", text(&submitted.stderr));

    let (home, work) = (dir.path().join("home"), dir.path().join("work"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let script = Script { results: Arc::default(), workdir: work.clone() };
    let model = model(script.clone()).await;
    let cc = |args: &[&str]| claude(&home, &work, &model, &url, &key, args);

    // The hook, as `bosun guard install-hook` writes it.
    let out = Command::new(BIN).args(["guard", "install-hook", "claude-code"]).current_dir(&work).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Bosun as an MCP server, added and checked by Claude Code itself.
    let header = format!("Authorization: Bearer {key}");
    let out = cc(&["mcp", "add", "--transport", "http", "bosun", &format!("{url}/mcp"), "--header", &header]);
    assert!(out.status.success(), "claude mcp add: {}{}", text(&out.stdout), text(&out.stderr));
    let out = tokio::task::spawn_blocking({
        let cc = (home.clone(), work.clone(), model.clone(), url.clone(), key.clone());
        move || claude(&cc.0, &cc.1, &cc.2, &cc.3, &cc.4, &["mcp", "list"])
    })
    .await
    .unwrap();
    let listed = text(&out.stdout);
    assert!(listed.contains("bosun") && listed.contains("Connected"), "claude mcp list: {listed}{}", text(&out.stderr));

    // One session: the scripted model asks for a force-push, a write to .env, then Bosun's tools.
    let out = tokio::task::spawn_blocking(move || {
        claude(
            &home,
            &work,
            &model,
            &url,
            &key,
            &[
                "-p",
                "Fix the flaky test and push",
                "--output-format",
                "json",
                "--allowedTools",
                "Bash",
                "Write",
                "mcp__bosun",
            ],
        )
    })
    .await
    .unwrap();
    let answer: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("claude -p: {}{}", text(&out.stdout), text(&out.stderr)));
    assert_eq!(answer["is_error"], false, "{answer}");
    assert_eq!(answer["result"], "Done: the push was refused, the task succeeded.", "{answer}");

    let results = script.results.lock().unwrap().clone();
    let by_id = |id: &str| {
        results.iter().find(|r| r["tool_use_id"] == id).unwrap_or_else(|| panic!("no result for {id}: {results:#?}"))
    };
    let push = by_id("toolu_bash");
    assert_eq!(push["is_error"], true, "{push}");
    assert!(
        result_text(push).contains("Blocked by Bosun's guardrails: git-force-push (git_destructive)"),
        "the hook's reason reaches the model: {push}"
    );
    let write = by_id("toolu_write");
    assert_eq!(write["is_error"], true, "{write}");
    assert!(result_text(write).contains("credentials"), "{write}");
    assert!(!script.workdir.join(".env").exists(), "the write to .env never ran");
    let claimed: Value = serde_json::from_str(&result_text(by_id("toolu_claim"))).unwrap();
    assert_eq!(claimed["task"]["title"], "Fix the flaky test", "{claimed}");
    let completed: Value = serde_json::from_str(&result_text(by_id("toolu_complete"))).unwrap();
    assert_eq!(completed["status"], "succeeded", "{completed}");

    // Bosun's record: both refusals by the hook's checks, and the task done by this agent.
    let audit = common::api("GET", &server.url, &admin, "/api/v1/audit?limit=200&actor=claude-1", None).await;
    let actions: Vec<(&str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == ("guardrail.violated", "denied")).count(), 2, "{actions:?}");
    assert!(actions.contains(&("task.claimed", "ok")) && actions.contains(&("task.completed", "ok")), "{actions:?}");
    let done = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "task.completed").unwrap();
    assert_eq!(done["details"]["guardrails"][0]["rule"], "git-force-push", "the reported commands are judged: {done}");
    server.stop();
}
