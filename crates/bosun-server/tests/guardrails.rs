//! Issue 11, guardrails in the server: the check over HTTP with the caller's trust level, its
//! audit trail, and the check of commands a completed task reports having run.

mod common;

use common::{Coord, RawMcp};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn checks_apply_the_trust_level_and_violations_are_audited() {
    let c = Coord::start().await;
    let worker = c.agent("w", &[]).await;
    let (s, r) = c.call("POST", "/api/v1/agents", &c.t.admin, json!({"name": "senior", "profile": "trusted"})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let trusted = r["key"]["key"].as_str().unwrap().to_owned();

    let check = |key: String, operation: &'static str| {
        let c = &c;
        async move { c.call("POST", "/api/v1/guardrails/check", &key, json!({"operation": operation})).await }
    };
    let (s, v) = check(worker.key.clone(), "cd repo && sudo git push -f origin main").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["safe"].as_bool(), v["violations"][0]["action"].as_str()), (Some(false), Some("block")), "{v}");
    assert_eq!(v["violations"][0]["category"], "git_destructive");
    let (_, v) = check(trusted.clone(), "git push -f origin main").await;
    assert_eq!(
        (v["safe"].as_bool(), v["violations"][0]["action"].as_str()),
        (Some(true), Some("log")),
        "trust 3 logs: {v}"
    );
    let (_, v) = check(trusted, "echo KEY=1 >> .env").await;
    assert_eq!(v["safe"], false, "credentials are blocked whatever the trust: {v}");
    let (_, v) = check(worker.key.clone(), "git status && cargo test").await;
    assert_eq!((v["safe"].as_bool(), v["commands"].as_u64()), (Some(true), Some(2)));
    let (s, e) =
        c.call("POST", "/api/v1/guardrails/check", &worker.key, json!({"operation": "x".repeat(20_000)})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    let events = c.t.audit(&c.t.admin, "&action=guardrail.violated").await;
    assert_eq!(events.len(), 3, "three checks found violations, one did not: {events:?}");
    let worst: Vec<&str> = events.iter().map(|e| e["details"]["action"].as_str().unwrap()).collect();
    assert_eq!(worst, ["block", "log", "block"], "newest first");
    assert_eq!(events[2]["outcome"], "denied");
    assert_eq!(events[1]["outcome"], "ok");

    // The MCP tool lists for agents and answers the same.
    let mcp = RawMcp::new(&c);
    let session = mcp.open(&worker.key).await;
    let (_, r) = mcp.tool(&worker.key, &session, "check_guardrails", json!({"operation": "rm -fr /"})).await;
    assert_eq!(r["result"]["structuredContent"]["safe"], false, "{r}");
}

#[tokio::test]
async fn commands_a_task_reports_are_judged_and_recorded_with_its_completion() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    c.submit(json!({"title": "deploy"})).await;
    let (task, fence) = c.claim(&agent, json!({})).await.expect("a task");
    let result = json!({"fence": fence, "result": {"commands": ["cargo build", "terraform apply -auto-approve", "git push --force"]}});
    let (s, r) = c.call("POST", &format!("/api/v1/tasks/{task}/complete"), &agent.key, result).await;
    assert_eq!(s, StatusCode::OK, "the commands ran already: completion is recorded, not refused: {r}");
    let done = c.t.audit(&c.t.admin, &format!("&action=task.completed&target={task}")).await;
    let found = done[0]["details"]["guardrails"].as_array().expect("guardrails recorded");
    let rules: Vec<&str> = found.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["deploy-or-infra", "git-force-push"]);
    assert_eq!(done[0]["severity"], "warning");
}

/// What the guardrails found is Cedar's context for `command.run`: a tenant policy can forbid
/// more than the built-in actions do.
#[tokio::test]
async fn policies_decide_on_what_the_guardrails_found() {
    let c = Coord::start().await;
    let worker = c.agent("w", &[]).await;
    let (_, r) = c.call("POST", "/api/v1/agents", &c.t.admin, json!({"name": "chief", "profile": "admin-agent"})).await;
    let chief = r["key"]["key"].as_str().unwrap().to_owned();
    let text = format!(
        "{}\n@id(\"deploys-by-admin-agents\") @reason(\"only admin agents deploy\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"command.run\", resource) when {{ context.categories.contains(\"deploy_infra\") && principal.trust_level < 4 }};",
        bosun_policy::DEFAULT_POLICIES
    );
    c.t.put_policies(&c.t.admin, &text).await;
    let ask = |key: String| {
        let c = &c;
        async move {
            c.call("POST", "/api/v1/guardrails/check", &key, json!({"operation": "helm upgrade api ./chart"})).await.1
        }
    };
    let v = ask(worker.key.clone()).await;
    let rules: Vec<&str> = v["violations"].as_array().unwrap().iter().map(|x| x["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["deploy-or-infra", "policy:deploys-by-admin-agents"], "{v}");
    assert_eq!(v["violations"][1]["action"], "block");
    assert_eq!(v["violations"][1]["matched"], "only admin agents deploy (policy deploys-by-admin-agents)");
    let v = ask(chief).await;
    assert_eq!(v["violations"].as_array().unwrap().len(), 1, "the admin agent needs only the approval: {v}");
    let (_, v) = c.call("POST", "/api/v1/guardrails/check", &worker.key, json!({"operation": "ls"})).await;
    assert_eq!(v["safe"], true, "{v}");
}

#[tokio::test]
async fn a_tenants_own_rules_are_validated_stored_and_judged() {
    let c = Coord::start().await;
    let agent = c.agent("w", &[]).await;
    let rules = json!({"rules": [
        {"id": "no-npm-publish", "program": "npm", "subcommand": "publish", "action": "block", "reason": "CI publishes"},
        {"id": "grants", "pattern": "\\bgrant\\s+all\\b", "category": "sql_destructive", "action": "require_approval"}]});
    let (s, _) = c.call("PUT", "/api/v1/guardrails/rules", &c.dev, rules.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "tenant admins set rules");
    let bad = json!({"rules": [{"id": "x", "pattern": "(", "action": "block"}]});
    let (s, e) = c.call("PUT", "/api/v1/guardrails/rules", &c.t.admin, bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("guardrail rule 1 (`x`)"), "{e}");
    let (s, r) = c.call("PUT", "/api/v1/guardrails/rules", &c.t.admin, rules).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, got) = c.call("GET", "/api/v1/guardrails/rules", &agent.key, serde_json::Value::Null).await;
    assert_eq!(got["rules"].as_array().unwrap().len(), 2, "{got}");

    let (_, v) =
        c.call("POST", "/api/v1/guardrails/check", &agent.key, json!({"operation": "cd pkg && npx npm publish"})).await;
    assert_eq!(v["safe"], false, "{v}");
    assert_eq!(v["violations"][0]["rule"], "no-npm-publish");
    let (_, v) =
        c.call("POST", "/api/v1/guardrails/check", &agent.key, json!({"operation": "GRANT ALL ON db TO intern"})).await;
    assert_eq!(v["violations"][0]["action"], "require_approval", "{v}");
    let (_, v) = c.call("POST", "/api/v1/guardrails/check", &agent.key, json!({"operation": "npm test"})).await;
    assert_eq!(v["safe"], true);
    let updated = c.t.audit(&c.t.admin, "&action=guardrail.rules_updated&outcome=ok").await;
    assert_eq!(updated[0]["details"]["ids"], json!(["no-npm-publish", "grants"]));

    // The tenant's rules judge the commands a completed task reports too.
    c.submit(json!({"title": "release"})).await;
    let (task, fence) = c.claim(&agent, json!({})).await.expect("a task");
    let result = json!({"fence": fence, "result": {"commands": ["npm test", "npm publish --access public"]}});
    let (s, r) = c.call("POST", &format!("/api/v1/tasks/{task}/complete"), &agent.key, result).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let done = c.t.audit(&c.t.admin, &format!("&action=task.completed&target={task}")).await;
    assert_eq!(done[0]["details"]["guardrails"][0]["rule"], "no-npm-publish", "{}", done[0]["details"]);
}
