//! The MCP edge with a real MCP client (rmcp): over streamable HTTP against a running server, and
//! through `bosun mcp` over stdio.

mod common;

use std::collections::HashSet;

use common::{BIN, Spawned};
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

type Client = RunningService<RoleClient, ()>;

async fn over_http(url: &str, key: &str, tools: &str) -> Client {
    let config = StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp?tools={tools}")).auth_header(key);
    ().serve(StreamableHttpClientTransport::from_config(config)).await.expect("MCP session over HTTP")
}

async fn over_stdio(url: &str, key: &str) -> Client {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.args(["mcp", "--tools", "all", "--url", url]).env("BOSUN_API_KEY", key).env_remove("BOSUN_URL");
    ().serve(TokioChildProcess::new(cmd).expect("spawn bosun mcp")).await.expect("MCP session over stdio")
}

async fn call(client: &Client, tool: &str, args: Value) -> CallToolResult {
    let params =
        CallToolRequestParams::new(tool.to_owned()).with_arguments(args.as_object().cloned().unwrap_or_default());
    client.call_tool(params).await.unwrap_or_else(|e| panic!("{tool}: a tool error, never a transport error: {e}"))
}

fn text(r: &CallToolResult) -> String {
    r.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("\n")
}

fn ok(r: CallToolResult, what: &str) -> Value {
    assert_ne!(r.is_error, Some(true), "{what}: {}", text(&r));
    r.structured_content.unwrap_or(Value::Null)
}

/// The standard flow for two agents; returns the task id.
async fn standard_flow(a: &Client, b: &Client, names: (&str, &str)) -> String {
    let reg = ok(
        call(a, "register_agent", json!({"name": names.0, "kind": "claude-code", "capabilities": ["rust"]})).await,
        "register a",
    );
    assert_eq!(reg["agent"]["name"], names.0);
    ok(call(b, "register_agent", json!({"name": names.1, "kind": "codex"})).await, "register b");
    let me = ok(call(a, "whoami", json!({})).await, "whoami");
    assert_eq!(
        (me["name"].as_str(), me["principal_type"].as_str()),
        (Some(names.0), Some("agent")),
        "the session is bound to the new agent"
    );

    let task = ok(
        call(a, "submit_task", json!({"title": "refactor the parser", "required_capabilities": ["rust"]})).await,
        "submit",
    );
    let claimed = call(a, "claim_task", json!({"scope": ["src/**"], "lease_seconds": 600})).await;
    assert!(text(&claimed).starts_with("Claimed task"), "{}", text(&claimed));
    let claimed = ok(claimed, "claim");
    let (task_id, fence) = (claimed["task"]["id"].as_str().unwrap().to_owned(), claimed["fence"].as_u64().unwrap());
    assert_eq!(task_id, task["id"].as_str().unwrap());

    // B wants a file under A's scope: a tool error with the stable code, who, and what to do.
    let conflict = call(b, "acquire_lock", json!({"paths": ["src/parse.rs"]})).await;
    assert_eq!(conflict.is_error, Some(true));
    let msg = text(&conflict);
    assert!(msg.starts_with("lock_conflict: ") && msg.contains(names.0) && msg.contains("Pick other files"), "{msg}");
    assert_eq!(conflict.structured_content.unwrap()["conflicts"][0]["holder"], names.0);

    let sent = ok(call(a, "send_message", json!({"to": [names.1], "type": "status_update", "subject": "parser", "body": "I hold src/** for an hour", "ack_required": true})).await, "send");
    let inbox = ok(call(b, "fetch_inbox", json!({"unread_only": true})).await, "inbox");
    assert_eq!(inbox["messages"][0]["id"], sent["id"]);
    ok(call(b, "ack_message", json!({"id": sent["id"]})).await, "ack");

    let stale = call(a, "complete_task", json!({"id": task_id, "fence": fence + 1})).await;
    assert!(text(&stale).starts_with("stale_fence: "), "{}", text(&stale));
    let done = ok(
        call(a, "complete_task", json!({"id": task_id, "fence": fence, "result": {"lines": 120}})).await,
        "complete",
    );
    assert_eq!(done["status"], "succeeded");

    ok(
        call(
            a,
            "write_handoff",
            json!({"task_id": task_id, "summary": "parser split in two", "next_steps": ["benchmarks"]}),
        )
        .await,
        "handoff",
    );
    let read = ok(call(b, "read_handoff", json!({"task_id": task_id, "latest": true})).await, "read handoff");
    assert_eq!(read["items"][0]["summary"], "parser split in two");
    task_id
}

async fn audit(url: &str, admin: &str, query: &str) -> Vec<Value> {
    let page: Value = reqwest::Client::new()
        .get(format!("{url}/api/v1/audit?limit=1000{query}"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_work_through_mcp_over_http_and_the_audit_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let (a, b) = (over_http(&url, &admin, "core").await, over_http(&url, &admin, "all").await);
    let task = standard_flow(&a, &b, ("GreenCastle", "BlueRiver")).await;

    let trail = audit(&url, &admin, &format!("&target={task}")).await;
    let actions: Vec<(&str, &str)> =
        trail.iter().rev().map(|e| (e["action"].as_str().unwrap(), e["actor_name"].as_str().unwrap())).collect();
    assert_eq!(
        actions,
        [("task.submitted", "GreenCastle"), ("task.claimed", "GreenCastle"), ("task.completed", "GreenCastle")]
    );
    assert!(
        trail.iter().all(|e| e["actor_type"] == "agent" && e["ip"] == "127.0.0.1"),
        "the agent, from its own address"
    );
    let acked = audit(&url, &admin, "&action=message.acked").await;
    assert_eq!(acked[0]["actor_name"], "BlueRiver");
    let written = audit(&url, &admin, "&action=handoff.written").await;
    assert_eq!(written[0]["actor_name"], "GreenCastle");
    a.cancel().await.ok();
    b.cancel().await.ok();
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_flow_through_bosun_mcp_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let (a, b) = (over_stdio(&url, &admin).await, over_stdio(&url, &admin).await);
    let task = standard_flow(&a, &b, ("QuietOtter", "SwiftHeron")).await;
    let claimed = audit(&url, &admin, &format!("&target={task}&action=task.claimed")).await;
    assert_eq!(claimed[0]["actor_name"], "QuietOtter");
    a.cancel().await.ok();
    b.cancel().await.ok();
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_lists_describe_themselves_and_profiles_stay_small() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    // Tool lists follow what the caller may do: an admin agent (trust 4) may use every tool.
    let chief = json!({"name": "Chief", "profile": "admin-agent"});
    let reg = common::api("POST", &url, &admin, "/api/v1/agents", Some(chief)).await;
    let admin = reg["key"]["key"].as_str().expect("an admin agent's key").to_owned();
    let all = over_http(&url, &admin, "all").await.list_all_tools().await.unwrap();
    let mut names = HashSet::new();
    for tool in &all {
        assert!(names.insert(tool.name.to_string()), "{} is listed once", tool.name);
        let d = tool.description.as_deref().unwrap_or_default();
        assert!(d.len() > 60 && d.contains("Example: "), "{} has a description with an example", tool.name);
        assert_eq!(tool.input_schema.get("type"), Some(&json!("object")), "{} has a schema", tool.name);
    }
    for spec_name in [
        "register_agent",
        "heartbeat",
        "whoami",
        "list_agents",
        "submit_task",
        "claim_task",
        "complete_task",
        "fail_task",
        "list_tasks",
        "acquire_lock",
        "release_lock",
        "renew_lock",
        "check_locks",
        "send_message",
        "fetch_inbox",
        "ack_message",
        "read_thread",
        "search_messages",
        "write_handoff",
        "read_handoff",
        "remember",
        "recall",
        "query_audit",
    ] {
        assert!(names.contains(spec_name), "SPEC §6 names `{spec_name}`");
    }
    let claim = all.iter().find(|t| t.name == "claim_task").unwrap();
    assert!(claim.input_schema["properties"]["scope"].is_object(), "schemas come from the REST types");
    let complete = all.iter().find(|t| t.name == "complete_task").unwrap();
    let required: Vec<&str> =
        complete.input_schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(required.contains(&"id") && required.contains(&"fence"), "{required:?}");

    let core_client = over_http(&url, &admin, "core").await;
    let core = core_client.list_all_tools().await.unwrap();
    let core_names: Vec<&str> = core.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(core_names.len(), 14, "{core_names:?}");
    assert!(core_names.contains(&"recall") && core_names.contains(&"remember"), "memory is in the agent's loop");
    let tokens = serde_json::to_string(&json!({"tools": core})).unwrap().len() / 4;
    assert!(tokens < 5000, "the compact profile costs about {tokens} tokens");
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_are_tool_errors_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let c = over_http(&url, &admin, "all").await;
    ok(call(&c, "register_agent", json!({"name": "Fumbler"})).await, "register");
    for (tool, args, field) in [
        ("complete_task", json!({"id": "01JDX3Q2V9Z8K7M6N5P4R3S2T1", "fence": "one"}), "invalid type"),
        ("complete_task", json!({"fence": 1}), "`id`"),
        ("claim_task", json!({"lease_seconds": 0}), "`lease_seconds`"),
        ("acquire_lock", json!({"paths": ["../etc/passwd"]}), "`paths`"),
        ("submit_task", json!({"title": "x", "priority": 11}), "`priority`"),
        ("submit_task", json!({"titel": "typo"}), "titel"),
        ("send_message", json!({"to": ["nobody-at-all"], "body": "hi"}), "nobody-at-all"),
    ] {
        let r = call(&c, tool, args).await;
        assert_eq!(r.is_error, Some(true), "{tool}");
        let msg = text(&r);
        let code = r.structured_content.as_ref().unwrap()["code"].as_str().unwrap().to_owned();
        assert!(code == "validation_failed" || code == "not_found", "{tool}: {msg}");
        assert!(msg.contains(field), "{tool}: `{msg}` names {field}");
    }
    server.stop();
}

async fn resource(client: &Client, uri: &str) -> Value {
    let read = client.read_resource(rmcp::model::ReadResourceRequestParams::new(uri)).await.expect(uri);
    match &read.contents[0] {
        rmcp::model::ResourceContents::TextResourceContents { text, .. } => serde_json::from_str(text).unwrap(),
        other => panic!("{uri}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_show_inbox_ready_tasks_locks_and_profile() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let (a, b) = (over_http(&url, &admin, "core").await, over_http(&url, &admin, "core").await);
    ok(call(&a, "register_agent", json!({"name": "Reader"})).await, "register a");
    ok(call(&b, "register_agent", json!({"name": "Writer"})).await, "register b");
    let uris: Vec<String> = a.list_all_resources().await.unwrap().into_iter().map(|r| r.uri.clone()).collect();
    assert_eq!(
        uris,
        ["bosun://inbox", "bosun://tasks/ready", "bosun://locks", "bosun://memories/recent", "bosun://profile"]
    );

    ok(call(&b, "submit_task", json!({"title": "visible in the queue"})).await, "submit");
    ok(call(&b, "acquire_lock", json!({"paths": ["docs/**"]})).await, "lock");
    ok(call(&b, "send_message", json!({"to": ["Reader"], "body": "see the queue"})).await, "send");
    assert_eq!(resource(&a, "bosun://tasks/ready").await["items"][0]["title"], "visible in the queue");
    assert_eq!(resource(&a, "bosun://locks").await["locks"][0]["holder"], "Writer");
    assert_eq!(resource(&a, "bosun://inbox").await["messages"][0]["body"], "see the queue");
    let profile = resource(&a, "bosun://profile").await;
    assert_eq!((profile["whoami"]["name"].as_str(), profile["agent"]["status"].is_string()), (Some("Reader"), true));
    // Memory: remembered through one session, recalled and listed through the other.
    let lesson = json!({"event_type": "task_failed", "summary": "docs build needs mdbook 0.4", "outcome": "failure",
        "lessons": "pin mdbook", "tags": ["docs"]});
    let remembered = ok(call(&b, "remember", lesson.clone()).await, "remember");
    assert_eq!(remembered["action"], "created");
    assert_eq!(ok(call(&b, "remember", lesson).await, "remember again")["action"], "deduplicated");
    let recalled =
        ok(call(&a, "recall", json!({"q": "mdbook docs build", "tags": "docs", "limit": 3})).await, "recall");
    assert_eq!(recalled["memories"][0]["lessons"], "pin mdbook");
    assert!(recalled["memories"][0]["relevance"].as_f64().unwrap() > 0.5, "{recalled}");
    assert_eq!(resource(&a, "bosun://memories/recent").await["memories"][0]["summary"], "docs build needs mdbook 0.4");
    assert!(a.read_resource(rmcp::model::ReadResourceRequestParams::new("bosun://nope")).await.is_err());
    a.cancel().await.ok();
    b.cancel().await.ok();
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolment_key_session_may_only_register_then_acts_as_the_agent() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let http = reqwest::Client::new();
    let me: Value =
        http.get(format!("{url}/api/v1/whoami")).bearer_auth(&admin).send().await.unwrap().json().await.unwrap();
    let key: Value = http
        .post(format!("{url}/api/v1/users/{}/keys", me["id"].as_str().unwrap()))
        .bearer_auth(&admin)
        .json(&json!({"enrolment": true, "label": "enrol agents"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let c = over_http(&url, key["key"].as_str().unwrap(), "core").await;
    let refused = call(&c, "claim_task", json!({})).await;
    assert_eq!(refused.is_error, Some(true));
    assert!(
        text(&refused).starts_with("forbidden: ") && text(&refused).contains("enrolment key"),
        "{}",
        text(&refused)
    );
    ok(call(&c, "register_agent", json!({"name": "Enrollee"})).await, "register");
    let me = ok(call(&c, "whoami", json!({})).await, "whoami");
    assert_eq!(me["name"], "Enrollee", "bound to the new agent");
    let claimed = call(&c, "claim_task", json!({})).await;
    assert_ne!(claimed.is_error, Some(true), "{}", text(&claimed));
    c.cancel().await.ok();
    server.stop();
}

/// A client that reports `notifications/resources/updated`.
#[derive(Clone)]
struct Notified(tokio::sync::mpsc::UnboundedSender<String>);

impl rmcp::ClientHandler for Notified {
    async fn on_resource_updated(
        &self,
        params: rmcp::model::ResourceUpdatedNotificationParam,
        _ctx: rmcp::service::NotificationContext<RoleClient>,
    ) {
        let _ = self.0.send(params.uri);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_session_is_notified_of_new_inbox_messages() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    // The listener connects with its own agent key.
    let reg: Value = reqwest::Client::new()
        .post(format!("{url}/api/v1/agents"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Listener"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp"))
        .auth_header(reg["key"]["key"].as_str().unwrap());
    let listener = Notified(tx).serve(StreamableHttpClientTransport::from_config(config)).await.expect("session");
    let talker = over_http(&url, &admin, "core").await;
    ok(call(&talker, "register_agent", json!({"name": "Talker"})).await, "register");
    // Keep sending until the listener's subscription is live and its notification arrives
    // (which messages notify whom is unit-tested in bosun-server's mcp module).
    let mut got = None;
    for _ in 0..20 {
        ok(call(&talker, "send_message", json!({"to": ["Listener"], "body": "ping"})).await, "send");
        if let Ok(Some(uri)) = tokio::time::timeout(std::time::Duration::from_secs(1), rx.recv()).await {
            got = Some(uri);
            break;
        }
    }
    assert_eq!(got.as_deref(), Some("bosun://inbox"), "the listener was notified");
    listener.cancel().await.ok();
    talker.cancel().await.ok();
    server.stop();
}
