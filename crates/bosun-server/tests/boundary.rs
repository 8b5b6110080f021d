//! The kernel's typed boundary seen from outside (issue 9): idempotency keyed on the request as
//! sent, answers rendered by the edge from typed outcomes.

mod common;

use common::Coord;
use reqwest::StatusCode;
use serde_json::Value;

async fn post_raw(c: &Coord, path: &str, key: &str, body: &str) -> (StatusCode, Option<String>, Value) {
    let resp =
        c.t.client
            .post(c.t.url(path))
            .bearer_auth(&c.dev)
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
    let status = resp.status();
    let replayed = resp.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, replayed, resp.json().await.unwrap_or(Value::Null))
}

/// A retry is recognised by what the client sent — the same JSON however it is spaced or
/// ordered — not by the server's internal command (whose Rust field names may change).
#[tokio::test]
async fn idempotency_fingerprints_the_request_as_sent() {
    let c = Coord::start().await;
    let (s, replayed, first) =
        post_raw(&c, "/api/v1/tasks", "fp-1", r#"{"title":"once","priority":7,"payload":{"a":1,"b":2}}"#).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, None), "{first}");
    let (s, replayed, again) =
        post_raw(&c, "/api/v1/tasks", "fp-1", r#"{ "payload": { "b": 2, "a": 1 }, "priority": 7, "title": "once" }"#)
            .await;
    assert_eq!((s, replayed.as_deref()), (StatusCode::CREATED, Some("true")), "{again}");
    assert_eq!(again["id"], first["id"], "the first answer, verbatim");
    let (s, _, other) = post_raw(&c, "/api/v1/tasks", "fp-1", r#"{"title":"twice","priority":7}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{other}");
    // The same key on another route is another request.
    let (s, _, lock) = post_raw(&c, "/api/v1/locks", "fp-1", r#"{"paths":["x.rs"]}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{lock}");
    let (_, tasks) = c.call("GET", "/api/v1/tasks", &c.dev, Value::Null).await;
    assert_eq!(tasks["items"].as_array().unwrap().len(), 1, "one task: {tasks}");
}

/// Every MCP tool runs in-process without the router: each reaches its operation (a call with
/// missing arguments is refused by validation or the kernel, never "no operation").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mcp_tool_reaches_its_operation_directly() {
    let c = Coord::start().await;
    let agent = c.agent("direct", &[]).await;
    let mcp = common::RawMcp::new(&c);
    let session = mcp.open(&agent.key).await;
    let tools_list = serde_json::json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"});
    let (_, _, list) = mcp.post(&agent.key, Some(&session), tools_list).await;
    let tools: Vec<String> =
        list["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
    assert!(tools.len() >= 21, "{tools:?}");
    for tool in tools {
        let args = match tool.as_str() {
            "register_agent" => serde_json::json!({"kind": "test"}),
            _ => serde_json::json!({}),
        };
        let (s, r) = mcp.tool(&agent.key, &session, &tool, args).await;
        assert_eq!(s, StatusCode::OK, "{tool}: {r}");
        let text = r["result"]["content"][0]["text"].as_str().unwrap_or_default();
        assert!(!text.contains("no MCP operation"), "{tool}: {text}");
        assert!(!text.starts_with("internal"), "{tool}: {text}");
    }
}

/// A plain tool call of a session rmcp has seen is answered as one JSON document, with the same
/// result rmcp gives; a request with something rmcp must check still goes to rmcp (an SSE
/// stream); a deleted session is gone from both paths at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_calls_of_a_known_session_are_answered_as_json() {
    use serde_json::json;
    let c = Coord::start().await;
    let agent = c.agent("plain", &[]).await;
    let mcp = common::RawMcp::new(&c);
    let session = mcp.open(&agent.key).await;
    let call = |id: u64| json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": "whoami"}});

    // rmcp handles tools/list, and from then on knows the session as this one.
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let (s, _, kind, _) = mcp.post_with(&agent.key, Some(&session), &[], list).await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "text/event-stream"));

    let (s, _, kind, plain) = mcp.post_with(&agent.key, Some(&session), &[], call(3)).await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "application/json"), "{plain}");
    assert_eq!(plain["id"], 3);
    assert_eq!(plain["result"]["structuredContent"]["name"], "plain", "{plain}");

    // Standard headers that disagree with the body are rmcp's to judge (for this protocol version
    // it ignores them): the same call through rmcp, the same result.
    let (s, _, kind, streamed) =
        mcp.post_with(&agent.key, Some(&session), &[("mcp-name", "list_agents")], call(4)).await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "text/event-stream"), "{streamed}");
    assert_eq!(streamed["result"], plain["result"]);

    // A tool error is a result, as through rmcp.
    let bad = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "no_such_tool"}});
    let (s, _, kind, error) = mcp.post_with(&agent.key, Some(&session), &[], bad).await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "application/json"));
    assert_eq!(error["result"]["isError"], true, "{error}");

    // Another key cannot borrow the session's agent: the call runs as the key presented.
    let other = c.agent("other", &[]).await;
    let (_, _, _, theirs) = mcp.post_with(&other.key, Some(&session), &[], call(6)).await;
    assert_eq!(theirs["result"]["structuredContent"]["name"], "other", "{theirs}");

    // Deleted: neither path answers for it.
    assert!(mcp.delete(&agent.key, &session).await.is_success());
    let (s, _, _, gone) = mcp.post_with(&agent.key, Some(&session), &[], call(7)).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{gone}");
}
