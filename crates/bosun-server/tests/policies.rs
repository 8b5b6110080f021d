//! Cedar decides (issue 10): a tenant's policies beyond the roles — a forbid names itself in the
//! 403 and in the audit event, a policy that errors at evaluation denies (fail closed), and a
//! policy file that does not fit the schema stops the server at start.

mod common;

use bosun_policy::DEFAULT_POLICIES;
use common::TestServer;
use reqwest::StatusCode;
use serde_json::json;

fn with(extra: &str) -> String {
    format!("{DEFAULT_POLICIES}\n{extra}")
}

#[tokio::test]
async fn a_forbid_is_named_in_the_answer_and_the_audit_event_and_errors_deny() {
    let policies = with(
        r#"@id("no-claims") @reason("claims are paused for the release")
           forbid(principal is Bosun::Agent, action == Bosun::Action::"task.claimed", resource);
           @id("broken-rule")
           forbid(principal is Bosun::User, action == Bosun::Action::"task.submitted", resource)
             when { principal.rank >= 2 && principal.rank * 9223372036854775807 > 1 };"#,
    );
    let t = TestServer::start_configured(|c| bosun_server::ServeConfig { policies: Some(policies), ..c }).await;
    let (_, dev) = t.user_with_key(&t.admin.clone(), "dev", "developer").await;
    let (s, reg) = t.call("POST", "/api/v1/agents", Some(&dev), Some(json!({"name": "paused"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{reg}");
    let agent_key = reg["key"]["key"].as_str().unwrap().to_owned();

    // A developer submits (the broken rule does not reach rank 1); the agent may not claim.
    let (s, task) = t.call("POST", "/api/v1/tasks", Some(&dev), Some(json!({"title": "ship it"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    let (s, refused) = t.call("POST", "/api/v1/tasks/claim", Some(&agent_key), Some(json!({}))).await;
    assert_eq!((s, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{refused}");
    assert_eq!(refused["detail"], "claims are paused for the release (policy no-claims)");

    // The admin's submission makes the broken rule overflow: denied, saying why.
    let (s, refused) = t.call("POST", "/api/v1/tasks", Some(&t.admin), Some(json!({"title": "x"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("fail closed"), "{refused}");

    let denials = t.audit(&t.admin, "&outcome=denied").await;
    let claim = denials.iter().find(|e| e["action"] == "task.claimed").expect("the claim's denial is audited");
    assert_eq!(claim["details"]["policies"], json!(["no-claims"]));
    assert_eq!(claim["actor_name"], "paused");
    assert!(denials.iter().any(|e| e["action"] == "task.submitted" && e["actor_name"] == "admin"));
}

#[tokio::test]
async fn a_policy_file_off_the_schema_stops_the_server_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let bad = with(r#"@id("typo") permit(principal is Bosun::Agent, action, resource) when { principal.rnak > 1 };"#);
    let config = bosun_server::ServeConfig {
        policies: Some(bad),
        ..bosun_server::ServeConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().join("data"))
    };
    let Err(e) = bosun_server::Server::start(&config, std::sync::Arc::new(bosun_core::SystemClock)).await else {
        panic!("the server started with a policy off the schema");
    };
    let text = e.to_string();
    assert!(text.starts_with("policy_file:") && text.contains("schema"), "{text}");
}

/// The dry run answers what the policies decide for another principal, and which policies
/// decided; validation refuses a policy off the schema with the validator's message.
#[tokio::test]
async fn the_dry_run_and_validation_explain_decisions_without_acting() {
    let policies = with(
        r#"@id("no-claims") @reason("claims are paused for the release")
           forbid(principal is Bosun::Agent, action == Bosun::Action::"task.claimed", resource);"#,
    );
    let t = TestServer::start_configured(|c| bosun_server::ServeConfig { policies: Some(policies), ..c }).await;
    let (dev_id, dev) = t.user_with_key(&t.admin.clone(), "dev", "developer").await;
    let (_, reg) = t.call("POST", "/api/v1/agents", Some(&dev), Some(json!({"name": "paused"}))).await;
    let agent = reg["agent"]["id"].as_str().unwrap().to_owned();
    let before = t.audit(&t.admin, "").await.len();

    let ask = |kind: &str, id: &str, action: &str| json!({"principal": {"type": kind, "id": id}, "action": action});
    let (s, d) = t.call("POST", "/api/v1/authorize", Some(&t.admin), Some(ask("agent", &agent, "task.claimed"))).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["allowed"], false);
    assert_eq!(d["policies"], json!([{"id": "no-claims", "reason": "claims are paused for the release"}]));
    assert_eq!(d["reason"], "claims are paused for the release (policy no-claims)");
    let (_, d) =
        t.call("POST", "/api/v1/authorize", Some(&t.admin), Some(ask("user", &dev_id, "task.submitted"))).await;
    assert_eq!(
        (d["allowed"].as_bool(), d["policies"][0]["id"].as_str()),
        (Some(true), Some("developers-do-work")),
        "{d}"
    );
    let (_, d) =
        t.call("POST", "/api/v1/authorize", Some(&t.admin), Some(ask("user", &dev_id, "task.teleported"))).await;
    assert_eq!(d["allowed"], false);
    assert!(d["errors"][0].as_str().unwrap().contains("not an action"), "{d}");
    // Only tenant admins may ask about others; an unknown principal is 404.
    let (s, _) = t.call("POST", "/api/v1/authorize", Some(&dev), Some(ask("agent", &agent, "task.claimed"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let nobody = ask("agent", "01JBX8Z6Q4N2W7RS5KJ3M9V0TA", "task.claimed");
    assert_eq!(t.call("POST", "/api/v1/authorize", Some(&t.admin), Some(nobody)).await.0, StatusCode::NOT_FOUND);
    // Anyone may ask about itself: the agent learns that its claims are paused, over REST and MCP.
    let agent_key = reg["key"]["key"].as_str().unwrap().to_owned();
    let (s, d) = t.call("POST", "/api/v1/authorize", Some(&agent_key), Some(json!({"action": "task.claimed"}))).await;
    assert_eq!((s, d["allowed"].as_bool()), (StatusCode::OK, Some(false)), "{d}");
    let (_, d) = t.call("POST", "/api/v1/authorize", Some(&agent_key), Some(json!({"action": "lock.acquired"}))).await;
    assert_eq!(d["allowed"], true, "{d}");
    let mcp = common::RawMcp { client: t.client.clone(), url: t.url("/mcp?tools=worker") };
    let session = mcp.open(&agent_key).await;
    let (_, answer) = mcp.tool(&agent_key, &session, "check_policy", json!({"action": "task.claimed"})).await;
    assert_eq!(answer["result"]["structuredContent"]["reason"], "claims are paused for the release (policy no-claims)");
    assert_eq!(t.audit(&t.admin, "").await.len(), before, "a dry run changes and audits nothing");

    let (s, v) =
        t.call("POST", "/api/v1/policies/validate", Some(&dev), Some(json!({"policies": DEFAULT_POLICIES}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["policies"].as_array().unwrap().len(), DEFAULT_POLICIES.matches("@id(").count());
    assert!(v["policies"].as_array().unwrap().iter().any(|p| p == "suspended-agents-do-nothing"), "{v}");
    let typo = r#"@id("typo") permit(principal is Bosun::Agent, action, resource) when { principal.rnak > 1 };"#;
    let (s, v) = t.call("POST", "/api/v1/policies/validate", Some(&dev), Some(json!({"policies": typo}))).await;
    assert_eq!((s, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")), "{v}");
    assert!(v["detail"].as_str().unwrap().contains("rnak"), "{v}");
}
