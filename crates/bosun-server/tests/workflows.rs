//! Workflows (issue 16) through the HTTP API: templates that do not compile are refused with the
//! line and the reason, tenants' templates are versioned, a run advances as its tasks end (a
//! failed check's output reaches the fix task), a forged task advances nothing, a run is
//! cancelled with its tasks, and a run survives a restart of the server mid-way.

mod common;

use std::sync::Arc;

use bosun_core::ManualClock;
use bosun_server::{ServeConfig, Server};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn put(c: &Coord, name: &str, text: &str) -> (StatusCode, Value) {
    c.call("PUT", &format!("/api/v1/workflows/{name}"), &c.dev, json!({"text": text})).await
}

async fn run_of(c: &Coord, id: &str) -> Value {
    let (s, r) = c.t.call("GET", &format!("/api/v1/workflows/runs/{id}"), Some(&c.dev), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r
}

fn step<'a>(run: &'a Value, id: &str) -> &'a Value {
    run["steps"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no step {id}: {run}"))
}

/// Claim the next task as `agent` and end it: complete with `result`, or (None) fail it for good.
async fn work(c: &Coord, agent: &TestAgent, result: Option<Value>) -> Value {
    let (s, claim) = c.call("POST", "/api/v1/tasks/claim", &agent.key, json!({"lease_seconds": 60})).await;
    assert_eq!(s, StatusCode::OK, "nothing to claim: {claim}");
    let (id, fence) = (claim["task"]["id"].as_str().unwrap().to_owned(), claim["fence"].as_u64().unwrap());
    let (s, r) = match result {
        Some(result) => {
            c.call(
                "POST",
                &format!("/api/v1/tasks/{id}/complete"),
                &agent.key,
                json!({"fence": fence, "result": result}),
            )
            .await
        }
        None => {
            let body =
                json!({"fence": fence, "error": "the check exited with 1:\nFAILED tests::login", "retryable": false});
            c.call("POST", &format!("/api/v1/tasks/{id}/fail"), &agent.key, body).await
        }
    };
    assert_eq!(s, StatusCode::OK, "{r}");
    claim["task"].clone()
}

#[tokio::test]
async fn bad_definitions_are_422_with_the_line_and_the_reason_and_templates_are_versioned() {
    let c = Coord::start().await;
    let cases = [
        (
            "cycle",
            "name = \"cycle\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"A\"\nafter = [\"b\"]\n[[steps]]\nid = \"b\"\nkind = \"task\"\ntitle = \"B\"\nafter = [\"a\"]\n",
            2,
            "cycle",
        ),
        (
            "unknown",
            "name = \"unknown\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"A\"\nafter = [\"nowhere\"]\n",
            2,
            "nowhere",
        ),
        (
            "params",
            "name = \"params\"\n\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"Fix {ticket}\"\n",
            3,
            "ticket",
        ),
        (
            "unbounded",
            "name = \"unbounded\"\n[[steps]]\nid = \"l\"\nkind = \"loop\"\nuntil = { rule = \"test_pass\", step = \"c\" }\n  [[steps.steps]]\n  id = \"c\"\n  kind = \"check\"\n  command = \"true\"\n",
            2,
            "max_iterations",
        ),
        ("syntax", "name = \"syntax\"\n[[steps]\n", 2, ""),
        ("other", "name = \"not-other\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"A\"\n", 1, "not `other`"),
    ];
    for (name, text, line, reason) in cases {
        let (s, r) = put(&c, name, text).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {r}");
        assert_eq!(r["code"], "invalid_workflow", "{name}: {r}");
        assert_eq!(r["line"], line, "{name}: {r}");
        let detail = r["detail"].as_str().unwrap();
        assert!(detail.starts_with(&format!("line {line}: ")) && detail.contains(reason), "{name}: {detail}");
    }
    // A good one: version 1; the same text again stores nothing; a change is version 2.
    let v1 = "name = \"lint\"\n[params.files]\nrequired = true\n[[steps]]\nid = \"each\"\nkind = \"map\"\nover = \"params.files\"\ntitle = \"Lint {item}\"\n";
    let (s, r) = put(&c, "lint", v1).await;
    assert_eq!((s, r["version"].as_u64(), r["created"].as_bool()), (StatusCode::CREATED, Some(1), Some(true)), "{r}");
    let (s, r) = put(&c, "lint", v1).await;
    assert_eq!((s, r["version"].as_u64(), r["created"].as_bool()), (StatusCode::OK, Some(1), Some(false)), "{r}");
    let v2 = v1.replace("Lint {item}", "Lint {item} strictly");
    let (s, r) = put(&c, "lint", &v2).await;
    assert_eq!((s, r["version"].as_u64()), (StatusCode::CREATED, Some(2)), "{r}");
    let (_, old) = c.t.call("GET", "/api/v1/workflows/lint?version=1", Some(&c.dev), None).await;
    assert_eq!(old["text"], v1);
    let (_, list) = c.t.call("GET", "/api/v1/workflows", Some(&c.dev), None).await;
    let names: Vec<(&str, u64)> = list["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["version"].as_u64().unwrap()))
        .collect();
    assert_eq!(names, [("fix-until-green", 0), ("lint", 2), ("map-reduce", 0), ("review", 0)]);
    // Starting: a missing parameter, an unknown template, a viewer.
    let (s, r) = c.call("POST", "/api/v1/workflows/lint/runs", &c.dev, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r["detail"].as_str().unwrap().contains("files"), "{r}");
    let (s, _) = c.call("POST", "/api/v1/workflows/nothing/runs", &c.dev, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, viewer) = c.t.user_with_key(&c.t.admin.clone(), "vera", "viewer").await;
    let (s, _) = c.call("POST", "/api/v1/workflows/lint/runs", &viewer, json!({"params": {"files": ["a"]}})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = put(&c, "runs", "name = \"runs\"\n").await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "`runs` is the runs' address, not a template's");
    // The run uses version 2, and keeps it when the template changes again.
    let (s, run) = c.call("POST", "/api/v1/workflows/lint/runs", &c.dev, json!({"params": {"files": ["a.rs"]}})).await;
    assert_eq!((s, run["version"].as_u64()), (StatusCode::ACCEPTED, Some(2)), "{run}");
    let (s, _) = put(&c, "lint", &v2.replace("strictly", "gently")).await;
    assert_eq!(s, StatusCode::CREATED);
    let ann = c.agent("ann", &[]).await;
    let task = work(&c, &ann, Some(json!({"warnings": 0}))).await;
    assert_eq!(task["title"], "Lint a.rs strictly");
    assert_eq!(run_of(&c, run["id"].as_str().unwrap()).await["status"], "succeeded");
    let audit = c.t.audit(&c.t.admin, "&action=workflow.").await;
    let actions: Vec<&str> = audit.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "workflow.template_updated").count(), 3, "{actions:?}");
    assert!(actions.contains(&"workflow.started"), "{actions:?}");
}

#[tokio::test]
async fn fix_until_green_hands_the_failure_to_the_fix_and_stops_when_the_check_passes() {
    let c = Coord::start().await;
    let checker = c.agent("checker", &["check"]).await;
    let fixer = c.agent("fixer", &[]).await;
    let (s, run) = c
        .call("POST", "/api/v1/workflows/fix-until-green/runs", &c.dev, json!({"params": {"check": "cargo test"}}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{run}");
    let id = run["id"].as_str().unwrap().to_owned();
    // The check's task needs the `check` capability: an ordinary agent is offered nothing.
    assert!(c.claim(&fixer, json!({})).await.is_none());
    for round in 1..=2 {
        let check = work(&c, &checker, None).await;
        assert_eq!(check["payload"]["check_command"], "cargo test");
        assert_eq!(check["max_attempts"], 1, "a failing check is not retried");
        let fix = work(&c, &fixer, Some(json!({"changed": ["src/login.rs"]}))).await;
        assert_eq!(fix["title"], format!("Make `cargo test` pass (round {round})"));
        let input = &fix["payload"]["inputs"]["run-check"];
        assert!(input["error"].as_str().unwrap().contains("FAILED tests::login"), "{fix}");
        let r = run_of(&c, &id).await;
        assert_eq!((r["status"].as_str(), step(&r, "fix")["iteration"].as_u64()), (Some("running"), Some(round + 1)));
    }
    work(&c, &checker, Some(json!({"output": "ok", "exit_code": 0}))).await;
    let r = run_of(&c, &id).await;
    assert_eq!(r["status"], "succeeded", "{r}");
    assert_eq!(r["params"], json!({"check": "cargo test"}));
    assert_eq!(step(&r, "fix")["iteration"], 3);
    assert_eq!(step(&r, "repair")["status"], "skipped");
    assert!(c.claim(&fixer, json!({})).await.is_none(), "nothing more was queued");
    // Each step's progress is in the audit event of the task that ended.
    let done = c.t.audit(&c.t.admin, "&action=task.completed").await;
    let last = done.iter().find(|e| e["details"]["workflow"]["run_status"] == "succeeded").expect("the last step");
    assert_eq!(last["details"]["workflow"]["run"], id.as_str());
}

#[tokio::test]
async fn a_forged_task_advances_nothing_and_a_cancelled_run_cancels_its_tasks() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    let (_, run) =
        c.call("POST", "/api/v1/workflows/review/runs", &c.dev, json!({"params": {"change": "rate limits"}})).await;
    let id = run["id"].as_str().unwrap().to_owned();
    // A task that claims to be the run's `implement`: completing it changes nothing.
    let forged = c
        .submit(json!({"title": "forged", "priority": 9, "payload": {"workflow_run": id, "workflow_key": "implement"}}))
        .await;
    let (claimed, fence) = c.claim(&ann, json!({})).await.unwrap();
    assert_eq!(claimed, forged, "the forged task has the higher priority");
    let (s, _) = c.complete(&ann, &forged, fence).await;
    assert_eq!(s, StatusCode::OK);
    let r = run_of(&c, &id).await;
    assert_eq!(
        (step(&r, "implement")["status"].as_str(), step(&r, "review")["status"].as_str()),
        (Some("running"), Some("pending"))
    );
    // Implement, then cancel while the two reviews run.
    work(&c, &ann, Some(json!({"pr": 7}))).await;
    let (s, claim) = c.call("POST", "/api/v1/tasks/claim", &ann.key, json!({"lease_seconds": 60})).await;
    assert_eq!(s, StatusCode::OK);
    let held = claim["task"]["id"].as_str().unwrap().to_owned();
    let (s, r) =
        c.call("POST", &format!("/api/v1/workflows/runs/{id}/cancel"), &c.dev, json!({"reason": "wrong repo"})).await;
    assert_eq!((s, r["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{r}");
    let review = step(&r, "review");
    assert_eq!(review["status"], "cancelled");
    for t in review["tasks"].as_array().unwrap() {
        let task = c.task(t["task_id"].as_str().unwrap()).await;
        assert_eq!(task["status"], "cancelled", "{task}");
    }
    let (s, r) = c
        .call(
            "POST",
            &format!("/api/v1/tasks/{held}/complete"),
            &ann.key,
            json!({"fence": claim["fence"], "result": {}}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "the held review was cancelled: {r}");
    let (s, _) = c.call("POST", &format!("/api/v1/workflows/runs/{id}/cancel"), &c.dev, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "already ended");
    let (s, r) = c.t.call("GET", "/api/v1/workflows/runs?status=cancelled", Some(&c.dev), None).await;
    assert_eq!((s, r["runs"][0]["id"].as_str()), (StatusCode::OK, Some(id.as_str())), "{r}");
}

#[tokio::test]
async fn a_run_survives_a_restart_of_the_server_mid_way() {
    let dir = tempfile::tempdir().unwrap();
    let (config, _db) = test_config(dir.path());
    let config = ServeConfig { tick_every: None, ..config };
    let clock = Arc::new(ManualClock::new("2026-11-21T10:00:00Z".parse().unwrap()));
    let first = Server::start(&config, clock.clone()).await.unwrap();
    let admin = first.admin_key.clone().unwrap();
    let http = reqwest::Client::new();
    let call = |url: String, key: String, method: &'static str, body: Value| {
        let http = http.clone();
        async move {
            let resp = http.request(method.parse().unwrap(), url).bearer_auth(key).json(&body).send().await.unwrap();
            let status = resp.status();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let base = first.url();
    let (_, agent) =
        call(format!("{base}/api/v1/agents"), admin.clone(), "POST", json!({"name": "ann", "kind": "test"})).await;
    let key = agent["key"]["key"].as_str().unwrap().to_owned();
    let (s, run) = call(
        format!("{base}/api/v1/workflows/map-reduce/runs"),
        admin.clone(),
        "POST",
        json!({"params": {"items": ["a", "b", "c"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{run}");
    let id = run["id"].as_str().unwrap().to_owned();
    let finish = |base: String, key: String| async move {
        let (s, claim) = call(format!("{base}/api/v1/tasks/claim"), key.clone(), "POST", json!({})).await;
        assert_eq!(s, StatusCode::OK, "{claim}");
        let item = claim["task"]["payload"]["item"].as_str().unwrap().to_owned();
        let task = claim["task"]["id"].as_str().unwrap();
        let body = json!({"fence": claim["fence"], "result": {"seen": {item: 1}}});
        let (s, r) = call(format!("{base}/api/v1/tasks/{task}/complete"), key, "POST", body).await;
        assert_eq!(s, StatusCode::OK, "{r}");
    };
    finish(base.clone(), key.clone()).await;
    first.shutdown().await.unwrap();

    let second = Server::start(&config, clock).await.unwrap();
    let base = second.url();
    finish(base.clone(), key.clone()).await;
    finish(base.clone(), key.clone()).await;
    let (_, r) = call(format!("{base}/api/v1/workflows/runs/{id}"), admin.clone(), "GET", Value::Null).await;
    assert_eq!(r["status"], "succeeded", "{r}");
    assert_eq!(step(&r, "merge")["result"]["merged"], json!({"seen": {"a": 1, "b": 1, "c": 1}}));
    second.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_task_failed_but_to_be_retried_does_not_advance_its_run() {
    let c = Coord::start().await;
    let ann = c.agent("ann", &[]).await;
    let (_, run) =
        c.call("POST", "/api/v1/workflows/map-reduce/runs", &c.dev, json!({"params": {"items": ["only"]}})).await;
    let id = run["id"].as_str().unwrap().to_owned();
    // A retryable failure, then a lost lease: the task goes back to the queue both times.
    let (task, fence) = c.claim(&ann, json!({"lease_seconds": 30})).await.unwrap();
    let body = json!({"fence": fence, "error": "flaky network", "retryable": true});
    let (s, r) = c.call("POST", &format!("/api/v1/tasks/{task}/fail"), &ann.key, body).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r["status"] != "dead", "{r}");
    let waiting = run_of(&c, &id).await;
    assert_eq!(
        (waiting["status"].as_str(), step(&waiting, "each")["status"].as_str()),
        (Some("running"), Some("running"))
    );
    c.advance(3600);
    c.tick().await;
    let (again, _) = c.claim(&ann, json!({"lease_seconds": 30})).await.expect("requeued");
    assert_eq!(again, task);
    c.advance(31);
    c.tick().await;
    assert_eq!(run_of(&c, &id).await["status"], "running", "a lost lease with attempts left is not an end");
    c.advance(3600);
    c.tick().await;
    // The third attempt succeeds: now the run moves on.
    let (_, fence) = c.claim(&ann, json!({"lease_seconds": 30})).await.expect("requeued again");
    let (s, _) = c.complete(&ann, &task, fence).await;
    assert_eq!(s, StatusCode::OK);
    let done = run_of(&c, &id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(step(&done, "merge")["result"]["merged"], json!({"ok": true}));
}

#[tokio::test]
async fn an_agent_starts_and_follows_a_run_over_mcp() {
    let c = Coord::start().await;
    let planner = c.agent("planner", &[]).await;
    let mcp = RawMcp::new(&c);
    let session = mcp.open(&planner.key).await;
    let args = json!({"name": "map-reduce", "project": "web", "params": {"items": ["a", "b"], "task": "Count"}});
    let (s, r) = mcp.tool(&planner.key, &session, "start_workflow", args).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let run = &r["result"]["structuredContent"];
    assert_eq!((run["status"].as_str(), run["project"].as_str()), (Some("running"), Some("web")), "{r}");
    let id = run["id"].as_str().unwrap();
    let (_, r) = mcp.tool(&planner.key, &session, "workflow_status", json!({"id": id})).await;
    let each = step(&r["result"]["structuredContent"], "each");
    assert_eq!(each["tasks"].as_array().map(Vec::len), Some(2), "{r}");
    assert_eq!(c.task(each["tasks"][0]["task_id"].as_str().unwrap()).await["title"], "Count: a");
    let audit = c.t.audit(&c.t.admin, "&action=workflow.started").await;
    assert_eq!(audit[0]["actor_name"], "planner", "{audit:?}");
}
