//! Issue 10, the governance half: versioned policies with If-Match and rollback, replay of a
//! proposed policy against recorded decisions, profiles with trust levels and limits (trust 0
//! cuts an agent off at once, on every edge), tool lists filtered by what the caller may do, and
//! egress checks with their log. Real server on loopback, real SQLite.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use bosun_core::profile::{Limits, Profile};
use bosun_policy::DEFAULT_POLICIES;
use bosun_server::kernel::Governance;
use common::{RawMcp, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn put(t: &TestServer, key: &str, if_match: Option<&str>, body: Value) -> (StatusCode, Option<String>, Value) {
    let mut req = t.client.put(t.url("/api/v1/policies")).bearer_auth(key).json(&body);
    if let Some(m) = if_match {
        req = req.header("if-match", m);
    }
    let resp = req.send().await.unwrap();
    let etag = resp.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    (resp.status(), etag, resp.json().await.unwrap_or(Value::Null))
}

async fn agent(t: &TestServer, key: &str, name: &str, kind: &str, profile: Option<&str>) -> (String, String) {
    let mut body = json!({"name": name, "kind": kind});
    if let Some(p) = profile {
        body["profile"] = json!(p);
    }
    let (s, r) = t.call("POST", "/api/v1/agents", Some(key), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    (r["agent"]["id"].as_str().unwrap().to_owned(), r["key"]["key"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn policies_are_versioned_with_if_match_and_roll_back() {
    let t = TestServer::start().await;
    let admin = t.admin.clone();
    let (_, dev) = t.user_with_key(&admin, "dev", "developer").await;
    let (_, agent_key) = agent(&t, &dev, "w1", "claude-code", None).await;

    // Nothing stored: version 0, the default policies.
    let resp = t.client.get(t.url("/api/v1/policies")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(resp.headers()["etag"], "\"0\"");
    let doc: Value = resp.json().await.unwrap();
    assert_eq!((doc["version"].as_u64(), doc["text"].as_str()), (Some(0), Some(DEFAULT_POLICIES)));
    assert!(doc["policies"].as_array().unwrap().iter().any(|p| p == "agents-work"), "{doc}");

    let paused = format!(
        "{DEFAULT_POLICIES}\n@id(\"no-claims\") @reason(\"claims are paused\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"task.claimed\", resource);"
    );
    // A change must say which version it changes.
    let (s, _, e) = put(&t, &admin, None, json!({"text": paused})).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::PRECONDITION_REQUIRED, Some("precondition_required")), "{e}");
    let (s, _, e) = put(&t, &admin, Some("\"4\""), json!({"text": paused})).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::PRECONDITION_FAILED, Some("precondition_failed")), "{e}");
    // Off the schema: the validator's message; a developer: refused.
    let (s, _, e) = put(
        &t,
        &admin,
        Some("\"0\""),
        json!({"text": "@id(\"x\") permit(principal, action, resource) when { principal.rnak > 1 };"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("schema"), "{e}");
    let (s, _, _) = put(&t, &dev, Some("\"0\""), json!({"text": paused})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Policies that would lock the admins out are refused.
    let (s, _, e) = put(&t, &admin, Some("*"), json!({"text": "// nothing permitted"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("policy.updated"), "{e}");

    // Version 1 takes effect at once.
    let (s, etag, v1) = put(&t, &admin, Some("\"0\""), json!({"text": paused, "note": "release freeze"})).await;
    assert_eq!((s, etag.as_deref()), (StatusCode::OK, Some("\"1\"")), "{v1}");
    assert_eq!((v1["version"].as_u64(), v1["note"].as_str()), (Some(1), Some("release freeze")));
    let (s, _) = t.call("POST", "/api/v1/tasks", Some(&dev), Some(json!({"title": "t"}))).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = t.call("POST", "/api/v1/tasks/claim", Some(&agent_key), Some(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["detail"], "claims are paused (policy no-claims)");
    // The same stale If-Match is now refused: version 0 is gone.
    let (s, _, _) = put(&t, &admin, Some("\"0\""), json!({"text": DEFAULT_POLICIES})).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    let (s, _, _) = put(&t, &admin, Some("W/\"1\""), json!({"text": DEFAULT_POLICIES, "note": "thaw"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = t.call("POST", "/api/v1/tasks/claim", Some(&agent_key), Some(json!({}))).await;
    assert_eq!(s, StatusCode::OK, "version 2 permits claims again: {e}");

    // Roll back to version 1: a new version 3 with version 1's text.
    let rollback = |m: &'static str, v: u64| {
        t.client
            .post(t.url("/api/v1/policies/rollback"))
            .bearer_auth(&admin)
            .header("if-match", m)
            .json(&json!({"version": v}))
    };
    assert_eq!(rollback("\"1\"", 1).send().await.unwrap().status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(rollback("\"2\"", 9).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let resp = rollback("\"2\"", 1).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let v3: Value = resp.json().await.unwrap();
    assert_eq!((v3["version"].as_u64(), v3["restored_from"].as_u64()), (Some(3), Some(1)), "{v3}");
    let (s, _) = t.call("POST", "/api/v1/tasks", Some(&dev), Some(json!({"title": "t2"}))).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = t.call("POST", "/api/v1/tasks/claim", Some(&agent_key), Some(json!({}))).await;
    assert_eq!((s, e["detail"].as_str()), (StatusCode::FORBIDDEN, Some("claims are paused (policy no-claims)")));

    let (s, list) = t.call("GET", "/api/v1/policies/versions?limit=2", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    let versions: Vec<u64> =
        list["versions"].as_array().unwrap().iter().map(|v| v["version"].as_u64().unwrap()).collect();
    assert_eq!((versions, list["next_before"].as_u64()), (vec![3, 2], Some(2)), "{list}");
    let (s, old) = t.call("GET", "/api/v1/policies/versions/2", Some(&admin), None).await;
    assert_eq!((s, old["text"].as_str(), old["note"].as_str()), (StatusCode::OK, Some(DEFAULT_POLICIES), Some("thaw")));

    // Every write is audited, with the version.
    let writes = t.audit(&admin, "&action=policy.&outcome=ok").await;
    let mut seen: Vec<(String, u64)> = writes
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["details"]["version"].as_u64().unwrap()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [("policy.rolled_back".into(), 3), ("policy.updated".into(), 1), ("policy.updated".into(), 2)],
        "{writes:?}"
    );
}

/// A proposed policy forbidding claims by `worker` agents lists exactly the recorded claims by
/// worker agents as flips — not the trusted agent's, not any other action's.
#[tokio::test]
async fn replay_lists_exactly_the_decisions_a_proposed_policy_would_flip() {
    let t = TestServer::start_unlimited().await;
    let admin = t.admin.clone();
    let (_, dev) = t.user_with_key(&admin, "dev", "developer").await;
    let mut workers = Vec::new();
    for i in 0..3 {
        workers.push(agent(&t, &dev, &format!("worker-{i}"), "claude-code", Some("worker")).await);
    }
    let (_, trusted) = agent(&t, &admin, "senior", "codex", Some("trusted")).await;
    for i in 0..8 {
        let (s, _) = t.call("POST", "/api/v1/tasks", Some(&dev), Some(json!({"title": format!("t{i}")}))).await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let mut claims = Vec::new();
    for key in workers.iter().map(|w| &w.1).chain([&trusted, &workers[0].1]) {
        let (s, r) = t.call("POST", "/api/v1/tasks/claim", Some(key), Some(json!({}))).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        claims.push(r);
    }
    let events = t.audit(&admin, "&action=task.claimed").await;
    let expected: BTreeSet<u64> = events
        .iter()
        .filter(|e| e["actor_name"].as_str().unwrap().starts_with("worker-"))
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(expected.len(), 4, "four claims by workers were recorded");

    let proposed = format!(
        "{DEFAULT_POLICIES}\n@id(\"workers-stop-claiming\") @reason(\"workers wait for review\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"task.claimed\", resource) when {{ principal.profile == \"worker\" }};"
    );
    let (s, r) = t.call("POST", "/api/v1/policies/replay", Some(&admin), Some(json!({"text": proposed}))).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let flips = r["flips"].as_array().unwrap();
    let flipped: BTreeSet<u64> = flips.iter().map(|f| f["seq"].as_u64().unwrap()).collect();
    assert_eq!(flipped, expected, "{r}");
    for f in flips {
        assert_eq!((f["was"].as_str(), f["would_be"].as_str()), (Some("allowed"), Some("denied")));
        assert_eq!(f["policies"], json!(["workers-stop-claiming"]));
    }
    assert!(r["decided"].as_u64().unwrap() >= 10, "submissions, registrations and claims were re-decided: {r}");
    // The policies in force replay without a single flip; nothing was stored.
    let (_, same) =
        t.call("POST", "/api/v1/policies/replay", Some(&admin), Some(json!({"text": DEFAULT_POLICIES}))).await;
    assert_eq!(same["flips"], json!([]), "{same}");
    let (_, doc) = t.call("GET", "/api/v1/policies", Some(&admin), None).await;
    assert_eq!(doc["version"], 0);
    let (s, _) = t.call("POST", "/api/v1/policies/replay", Some(&dev), Some(json!({"text": proposed}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "replay is for tenant admins");
}

fn limited_profiles() -> Governance {
    let tight = Profile {
        name: "tight".into(),
        trust_level: 2,
        allowed_operations: None,
        blocked_operations: vec!["message.sent".into()],
        limits: Limits { max_leases: 2, max_locks: 3, max_paths_per_lock: 2, max_pattern_wildcards: 1 },
        egress: bosun_core::profile::EgressLists {
            allow: vec!["**.github.com".into()],
            deny: vec!["gist.github.com".into()],
        },
    };
    Governance { profiles: vec![tight], ..Governance::default() }
}

#[tokio::test]
async fn profile_limits_and_blocked_operations_are_enforced_with_a_reason() {
    let t = TestServer::start_configured(|c| bosun_server::ServeConfig { governance: limited_profiles(), ..c }).await;
    let admin = t.admin.clone();
    let (_, dev) = t.user_with_key(&admin, "dev", "developer").await;
    let (_, key) = agent(&t, &dev, "tight-1", "claude-code", Some("tight")).await;
    for i in 0..3 {
        t.call("POST", "/api/v1/tasks", Some(&dev), Some(json!({"title": format!("t{i}")}))).await;
    }
    for _ in 0..2 {
        let (s, r) = t.call("POST", "/api/v1/tasks/claim", Some(&key), Some(json!({}))).await;
        assert_eq!(s, StatusCode::OK, "{r}");
    }
    let (s, e) = t.call("POST", "/api/v1/tasks/claim", Some(&key), Some(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let detail = e["detail"].as_str().unwrap();
    assert!(detail.contains("max_leases") && detail.contains("at most 2"), "{detail}");
    let denied = t.audit(&admin, "&outcome=denied&action=task.claimed").await;
    assert!(denied.iter().any(|d| d["details"]["reason"].as_str().unwrap().contains("max_leases")), "{denied:?}");

    let lock = |paths: Value| json!({"project": "p", "paths": paths, "ttl_seconds": 60});
    let (s, e) = t.call("POST", "/api/v1/locks", Some(&key), Some(lock(json!(["a", "b", "c"])))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("max_paths_per_lock"), "{e}");
    let (s, e) = t.call("POST", "/api/v1/locks", Some(&key), Some(lock(json!(["src/**/*.rs"])))).await;
    assert!(s == StatusCode::FORBIDDEN && e["detail"].as_str().unwrap().contains("max_pattern_wildcards"), "{e}");
    // Two claims hold no plain locks; three more would pass max_locks.
    let (s, e) = t.call("POST", "/api/v1/locks", Some(&key), Some(lock(json!(["a", "b"])))).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (s, e) = t.call("POST", "/api/v1/locks", Some(&key), Some(lock(json!(["c", "d"])))).await;
    assert!(s == StatusCode::FORBIDDEN && e["detail"].as_str().unwrap().contains("max_locks"), "{e}");

    // A blocked operation is refused by the profile-operations policy, named.
    let msg = json!({"to": ["dev"], "subject": "hi", "body": "x"});
    let (s, e) = t.call("POST", "/api/v1/messages", Some(&key), Some(msg)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("profile-operations"), "{e}");

    // Registering above the default trust is for tenant admins.
    let (s, e) = t.call("POST", "/api/v1/agents", Some(&dev), Some(json!({"name": "x", "profile": "trusted"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, e) = t.call("POST", "/api/v1/agents", Some(&dev), Some(json!({"name": "y", "profile": "nope"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    let (s, p) = t.call("GET", "/api/v1/profiles", Some(&key), None).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = p["profiles"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["suspended", "observer", "worker", "trusted", "admin-agent", "tight"]);
}

/// Trust 0 cuts an agent off at once: REST refuses, its open event stream ends, its MCP session
/// is refused — and putting it back restores it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspension_cuts_an_agent_off_at_once_on_every_edge() {
    use futures_util::StreamExt;
    let t = TestServer::start().await;
    let admin = t.admin.clone();
    let (_, dev) = t.user_with_key(&admin, "dev", "developer").await;
    let (id, key) = agent(&t, &dev, "rogue", "claude-code", None).await;
    let mcp = RawMcp { client: reqwest::Client::new(), url: t.url("/mcp?tools=all") };
    let session = mcp.open(&key).await;
    let (s, me) = mcp.tool(&key, &session, "whoami", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    let resp = t.client.get(t.url("/api/v1/events")).bearer_auth(&key).header("accept", "text/event-stream");
    let resp = resp.send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut sse = Box::pin(resp.bytes_stream());

    let (s, r) =
        t.call("PUT", &format!("/api/v1/agents/{id}/profile"), Some(&dev), Some(json!({"profile": "suspended"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "developers do not change profiles: {r}");
    let (s, r) = t
        .call("PUT", &format!("/api/v1/agents/{id}/profile"), Some(&admin), Some(json!({"profile": "suspended"})))
        .await;
    assert_eq!((s, r["profile"].as_str()), (StatusCode::OK, Some("suspended")), "{r}");

    loop {
        match tokio::time::timeout(Duration::from_secs(2), sse.next()).await.expect("the stream ended within 2 s") {
            None | Some(Err(_)) => break,
            Some(Ok(_)) => continue,
        }
    }
    let (s, e) = t.call("GET", "/api/v1/tasks", Some(&key), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("suspended"), "{e}");
    let (s, _) = t.call("POST", &format!("/api/v1/agents/{id}/heartbeat"), Some(&key), Some(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, answer) = mcp.tool(&key, &session, "whoami", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(t.server.kernel.open_streams(), 0, "nothing of the agent stays open");
    let refused = t.audit(&admin, "&action=agent.access_refused").await;
    assert!(!refused.is_empty() && refused[0]["actor_name"] == "rogue");
    let changed = t.audit(&admin, "&action=agent.profile_changed").await;
    assert_eq!(
        (changed[0]["details"]["to"].as_str(), changed[0]["details"]["trust_level"].as_u64()),
        (Some("suspended"), Some(0))
    );

    let (s, _) =
        t.call("PUT", &format!("/api/v1/agents/{id}/profile"), Some(&admin), Some(json!({"profile": "worker"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.call("GET", "/api/v1/tasks", Some(&key), None).await;
    assert_eq!(s, StatusCode::OK, "reinstated at once");
}

/// An observer's tool list has no claim_task; a worker's has; the profile resource shows the
/// caller's profile and limits.
#[tokio::test]
async fn tool_lists_follow_what_the_caller_may_do() {
    let t = TestServer::start().await;
    let admin = t.admin.clone();
    let (_, dev) = t.user_with_key(&admin, "dev", "developer").await;
    let (_, observer) = agent(&t, &dev, "watcher", "claude-code", Some("observer")).await;
    let (_, worker) = agent(&t, &dev, "doer", "claude-code", Some("worker")).await;
    let mcp = RawMcp { client: reqwest::Client::new(), url: t.url("/mcp?tools=all") };
    let tools = |key: String| {
        let mcp = &mcp;
        async move {
            let session = mcp.open(&key).await;
            let (_, _, list) =
                mcp.post(&key, Some(&session), json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"})).await;
            let names: BTreeSet<String> = list["result"]["tools"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_owned())
                .collect();
            (session, names)
        }
    };
    let (session, seen) = tools(observer.clone()).await;
    assert!(
        !seen.contains("claim_task") && !seen.contains("acquire_lock") && !seen.contains("send_message"),
        "{seen:?}"
    );
    assert!(seen.contains("fetch_inbox") && seen.contains("list_tasks") && seen.contains("whoami"), "{seen:?}");
    let (_, all) = tools(worker).await;
    assert!(all.contains("claim_task") && all.contains("check_egress"), "{all:?}");
    assert!(all.len() > seen.len());

    let read = json!({"jsonrpc": "2.0", "id": 4, "method": "resources/read", "params": {"uri": "bosun://profile"}});
    let (_, _, r) = mcp.post(&observer, Some(&session), read).await;
    let text = r["result"]["contents"][0]["text"].as_str().unwrap();
    let profile: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        (profile["profile"]["name"].as_str(), profile["profile"]["trust_level"].as_u64()),
        (Some("observer"), Some(1))
    );
    assert_eq!(profile["profile"]["limits"]["max_leases"], 0);
}

#[tokio::test]
async fn egress_is_decided_by_profile_rules_and_policies_and_logged() {
    let t = TestServer::start_configured(|c| bosun_server::ServeConfig { governance: limited_profiles(), ..c }).await;
    let admin = t.admin.clone();
    let (_, dev) = t.user_with_key(&admin, "dev", "developer").await;
    let (cloud_id, cloud) = agent(&t, &dev, "remote", "devin", None).await;
    let (_, local) = agent(&t, &dev, "laptop", "claude-code", None).await;
    let (_, tight) = agent(&t, &dev, "tight", "devin", Some("tight")).await;
    let check = |key: &str, dest: &str| {
        let key = key.to_owned();
        let body = json!({"destination": dest});
        let t = &t;
        async move { t.call("POST", "/api/v1/egress/check", Some(&key), Some(body)).await }
    };
    let (s, d) = check(&cloud, "https://Example.COM./x").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (d["allowed"].as_bool(), d["rule"].as_str(), d["host"].as_str()),
        (Some(false), Some("default:cloud"), Some("example.com"))
    );
    assert_eq!(d["policies"], json!(["egress-rules-deny"]));
    let (_, d) = check(&local, "example.com:8443").await;
    assert_eq!(
        (d["allowed"].as_bool(), d["rule"].as_str(), d["port"].as_u64()),
        (Some(true), Some("default:local"), Some(8443))
    );
    let (_, d) = check(&tight, "api.github.com").await;
    assert_eq!((d["allowed"].as_bool(), d["rule"].as_str()), (Some(true), Some("allow:**.github.com")));
    let (_, d) = check(&tight, "gist.github.com").await;
    assert_eq!((d["allowed"].as_bool(), d["rule"].as_str()), (Some(false), Some("deny:gist.github.com")));
    let (_, d) = check(&tight, "https://github.com@evil.io").await;
    assert_eq!((d["allowed"].as_bool(), d["host"].as_str()), (Some(false), Some("evil.io")));
    let (s, e) = check(&tight, "gopher://x").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = check(&dev, "example.com").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "egress is asked by agents");

    // A tenant policy overrides the rules: one language for everything.
    let text = format!(
        "{DEFAULT_POLICIES}\n@id(\"docs-for-all\") permit(principal is Bosun::Agent, action == Bosun::Action::\"network_access\", resource is Bosun::Domain) when {{ resource.name == \"docs.rs\" }};\n@id(\"no-metadata\") @reason(\"cloud metadata is off limits\") forbid(principal, action == Bosun::Action::\"network_access\", resource is Bosun::Domain) when {{ resource.ip && resource.name == \"169.254.169.254\" }};"
    );
    t.put_policies(&admin, &text).await;
    let (_, d) = check(&local, "http://169.254.169.254/latest").await;
    assert_eq!((d["allowed"].as_bool(), d["policies"].clone()), (Some(false), json!(["no-metadata"])));
    // The rules still deny docs.rs for a cloud agent: the forbid decides over the new permit.
    let (_, d) = check(&cloud, "docs.rs").await;
    assert_eq!(d["allowed"], false, "{d}");

    // Logged, every decision; the agent sees its own, users all; denials in the audit chain.
    let (s, log) = t.call("GET", "/api/v1/egress/log?limit=3", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(log["entries"].as_array().unwrap().len(), 3);
    assert_eq!(log["entries"][0]["host"], "docs.rs");
    let (_, mine) = t.call("GET", "/api/v1/egress/log", Some(&cloud), None).await;
    assert!(mine["entries"].as_array().unwrap().iter().all(|e| e["agent_id"] == cloud_id.as_str()), "{mine}");
    assert_eq!(mine["entries"].as_array().unwrap().len(), 2);
    let denials = t.audit(&admin, "&action=egress.checked").await;
    assert_eq!(denials.len(), 5, "{denials:?}");
    assert!(denials.iter().all(|e| e["outcome"] == "denied"));
}

/// "Agents of the worker profile may claim only in project web": the project a command names is
/// in the policies' context; a batch naming several projects is decided for each.
#[tokio::test]
async fn policies_see_the_project_a_command_names() {
    let t = TestServer::start().await;
    let admin = t.admin.clone();
    let (_, dev) = t.user_with_key(&admin, "dev", "developer").await;
    let (_, worker) = agent(&t, &dev, "w", "claude-code", None).await;
    let text = format!(
        "{DEFAULT_POLICIES}\n@id(\"workers-in-web\") @reason(\"workers claim only in web\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"task.claimed\", resource) when {{ principal.profile == \"worker\" }} unless {{ context has project && context.project == \"web\" }};\n@id(\"no-ops-submissions\") forbid(principal is Bosun::User, action == Bosun::Action::\"task.submitted\", resource) when {{ context has project && context.project == \"ops\" && principal.rank < 3 }};"
    );
    let (s, _, e) = put(&t, &admin, Some("*"), json!({"text": text})).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    for project in ["web", "api"] {
        let (s, _) = t.call("POST", "/api/v1/tasks", Some(&dev), Some(json!({"title": "t", "project": project}))).await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let (s, e) = t.call("POST", "/api/v1/tasks/claim", Some(&worker), Some(json!({"project": "api"}))).await;
    assert_eq!(
        (s, e["detail"].as_str()),
        (StatusCode::FORBIDDEN, Some("workers claim only in web (policy workers-in-web)"))
    );
    let (s, e) = t.call("POST", "/api/v1/tasks/claim", Some(&worker), Some(json!({"project": "web"}))).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    // A batch that names ops among others is refused whole; nothing of it is stored.
    let batch = json!({"tasks": [{"title": "a", "project": "web"}, {"title": "b", "project": "ops"}]});
    let (s, e) = t.call("POST", "/api/v1/tasks/batch", Some(&dev), Some(batch)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (_, tasks) = t.call("GET", "/api/v1/tasks?limit=100", Some(&dev), None).await;
    assert_eq!(tasks["items"].as_array().unwrap().len(), 2, "{tasks}");
    let denied = t.audit(&admin, "&outcome=denied&action=task.submitted").await;
    assert_eq!(denied[0]["details"]["authz"]["project"], "ops", "{denied:?}");
}
