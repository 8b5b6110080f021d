//! Issue 11: approvals with a deterministic risk score and single-use gate tokens — the whole
//! flow over MCP and REST, self-approval refused, a token reused, expired, presented by another
//! agent or for other arguments refused, and expiry distinct from denial. Manual clock.

mod common;

use common::{Coord, RawMcp};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Risk 20·1 + 10·1 + 15·0.8 + 10·0.5 + 10·0.6 = 53: above the threshold of 50.
fn risky() -> Value {
    json!({"action": "terraform apply", "resource": "infra/prod", "arguments": {"plan": "abc"},
        "factors": {"privilege_impact": 1.0, "blast_radius": 1.0, "vulnerabilities": 0.8, "data_access": 0.5,
            "history": 0.6}})
}

#[tokio::test]
async fn the_whole_flow_over_mcp_and_rest_and_a_token_works_once() {
    let c = Coord::start().await;
    let agent = c.agent("deployer", &[]).await;
    let other = c.agent("bystander", &[]).await;
    let (_, approver) = c.t.user_with_key(&c.t.admin, "carol", "approver").await;
    let mcp = RawMcp::new(&c);
    let session = mcp.open(&agent.key).await;

    // Requested over MCP: risk 53, above the threshold, so it waits for a person.
    let (s, r) = mcp.tool(&agent.key, &session, "request_approval", risky()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let a = &r["result"]["structuredContent"];
    assert_eq!(
        (a["status"].as_str(), a["risk"].as_f64(), a["gate_token"].as_str()),
        (Some("pending"), Some(53.0), None),
        "{a}"
    );
    let points: f64 = a["contributions"].as_array().unwrap().iter().map(|c| c["points"].as_f64().unwrap()).sum();
    assert_eq!(points, 53.0, "each factor's contribution adds up to the risk");
    let id = a["id"].as_str().unwrap().to_owned();

    // Agents do not approve; the approver does, over REST.
    let (s, _) = c.call("POST", &format!("/api/v1/approvals/{id}/approve"), &agent.key, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, d) =
        c.call("POST", &format!("/api/v1/approvals/{id}/approve"), &approver, json!({"reason": "window open"})).await;
    assert_eq!(
        (s, d["status"].as_str(), d["decided_by"].as_str()),
        (StatusCode::OK, Some("approved"), Some("carol")),
        "{d}"
    );
    assert!(d["gate_token"].is_null(), "the token is the requester's, not the approver's");

    // approval_status over MCP returns the token.
    let (_, r) = mcp.tool(&agent.key, &session, "approval_status", json!({"id": id})).await;
    let token = r["result"]["structuredContent"]["gate_token"].as_str().expect("the token").to_owned();
    assert!(token.starts_with("bsg1."));

    let redeem = |key: String, token: String, args: Value| {
        let c = &c;
        async move {
            c.call(
                "POST",
                "/api/v1/gate/redeem",
                &key,
                json!({"token": token, "action": "terraform apply", "resource": "infra/prod", "arguments": args}),
            )
            .await
        }
    };
    // Another agent, other arguments: refused, and the token stays usable.
    let (s, e) = redeem(other.key.clone(), token.clone(), json!({"plan": "abc"})).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("approval_required")), "{e}");
    assert!(e["detail"].as_str().unwrap().contains("another requester"), "{e}");
    let (s, e) = redeem(agent.key.clone(), token.clone(), json!({"plan": "xyz"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e["detail"].as_str().unwrap().contains("another action"), "{e}");
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('0') { '1' } else { '0' });
    let (s, e) = redeem(agent.key.clone(), forged, json!({"plan": "abc"})).await;
    assert!(s == StatusCode::FORBIDDEN && e["detail"].as_str().unwrap().contains("signature"), "{e}");
    // The gated action succeeds once, and fails the second time.
    let (s, ok) = redeem(agent.key.clone(), token.clone(), json!({"plan": "abc"})).await;
    assert_eq!(s, StatusCode::OK, "{ok}");
    assert!(ok["token_used_at"].is_string());
    let (s, e) = redeem(agent.key.clone(), token, json!({"plan": "abc"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e["detail"].as_str().unwrap().contains("used already"), "{e}");

    // The public key verifies the token offline; the trail is in the audit log.
    let (_, keys) = c.call("GET", "/api/v1/gate/keys", &agent.key, Value::Null).await;
    assert_eq!(keys["public_key"].as_str().unwrap().len(), 64);
    let trail: Vec<String> =
        c.t.audit(&c.t.admin, &format!("&target={id}"))
            .await
            .iter()
            .map(|e| format!("{}:{}", e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
            .collect();
    assert!(
        trail.contains(&"approval.requested:ok".to_owned()) && trail.contains(&"approval.approved:ok".to_owned()),
        "{trail:?}"
    );
    assert_eq!(trail.iter().filter(|t| *t == "gate.redeemed:ok").count(), 1, "{trail:?}");
}

#[tokio::test]
async fn low_risk_is_approved_at_once_and_nobody_approves_their_own() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let (s, a) = c
        .call(
            "POST",
            "/api/v1/approvals",
            &agent.key,
            json!({"action": "restart", "resource": "staging",
        "factors": {"blast_radius": 0.2}}),
        )
        .await;
    assert_eq!(
        (s, a["status"].as_str(), a["risk"].as_f64()),
        (StatusCode::CREATED, Some("auto_approved"), Some(2.0)),
        "{a}"
    );
    assert!(a["gate_token"].as_str().is_some_and(|t| t.starts_with("bsg1.")), "{a}");

    // A user with the approver role files a request, then tries to approve it.
    let (_, approver) = c.t.user_with_key(&c.t.admin, "dave", "approver").await;
    let (_, mine) = c.call("POST", "/api/v1/approvals", &approver, risky()).await;
    let id = mine["id"].as_str().unwrap();
    assert_eq!(mine["status"], "pending", "{mine}");
    let (s, e) = c.call("POST", &format!("/api/v1/approvals/{id}/approve"), &approver, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e["detail"].as_str().unwrap().contains("own request"), "{e}");
    // A developer cannot decide at all.
    let (s, _) = c.call("POST", &format!("/api/v1/approvals/{id}/deny"), &c.dev, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Out-of-range factors are refused with the factor's name.
    let (s, e) = c
        .call(
            "POST",
            "/api/v1/approvals",
            &agent.key,
            json!({"action": "x", "resource": "y",
        "factors": {"history": 2}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["detail"].as_str().unwrap().contains("history"), "{e}");
}

#[tokio::test]
async fn a_request_that_waits_too_long_expires_and_so_does_its_token() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let (_, approver) = c.t.user_with_key(&c.t.admin, "erin", "approver").await;
    let mut body = risky();
    body["ttl_seconds"] = json!(60);
    body["factors"]["history"] = json!(1.0);
    let (_, a) = c.call("POST", "/api/v1/approvals", &agent.key, body.clone()).await;
    let id = a["id"].as_str().unwrap().to_owned();
    c.advance(61);
    let (_, shown) = c.call("GET", &format!("/api/v1/approvals/{id}"), &agent.key, Value::Null).await;
    assert_eq!(shown["status"], "expired", "expired, not denied: {shown}");
    let (s, e) = c.call("POST", &format!("/api/v1/approvals/{id}/approve"), &approver, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (_, list) = c.call("GET", "/api/v1/approvals?status=expired", &approver, Value::Null).await;
    assert_eq!(list["approvals"].as_array().unwrap().len(), 1, "{list}");
    let (_, list) = c.call("GET", "/api/v1/approvals?status=denied", &approver, Value::Null).await;
    assert_eq!(list["approvals"].as_array().unwrap().len(), 0);
    // The scheduler records the expiry, once, and the requester hears of it.
    assert_eq!(c.tick().await.expired_approvals, 1);
    assert_eq!(c.tick().await.expired_approvals, 0);
    let expired = c.t.audit(&c.t.admin, &format!("&action=approval.expired&target={id}")).await;
    assert_eq!(expired.len(), 1, "{expired:?}");
    let (_, shown) = c.call("GET", &format!("/api/v1/approvals/{id}"), &agent.key, Value::Null).await;
    assert_eq!(
        (shown["status"].as_str(), shown["reason"].as_str()),
        (Some("expired"), Some("nobody decided before it expired"))
    );

    // Approved, then the token outlives its 15 minutes.
    let (_, a) = c.call("POST", "/api/v1/approvals", &agent.key, body).await;
    let id = a["id"].as_str().unwrap().to_owned();
    c.call("POST", &format!("/api/v1/approvals/{id}/approve"), &approver, json!({})).await;
    let (_, shown) = c.call("GET", &format!("/api/v1/approvals/{id}"), &agent.key, Value::Null).await;
    let token = shown["gate_token"].as_str().unwrap().to_owned();
    c.advance(15 * 60 + 1);
    let (s, e) = c
        .call(
            "POST",
            "/api/v1/gate/redeem",
            &agent.key,
            json!({"token": token, "action": "terraform apply",
        "resource": "infra/prod", "arguments": {"plan": "abc"}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e["detail"].as_str().unwrap().contains("expired"), "{e}");
}

#[tokio::test]
async fn evidence_is_kept_by_its_hash_redacted_and_named_in_the_audit_event() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let mut body = risky();
    body["evidence"] = json!({"plan": "3 to add, 0 to destroy", "password": "hunter2"});
    let (s, a) = c.call("POST", "/api/v1/approvals", &agent.key, body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let hash = a["evidence_sha256"].as_str().expect("a hash").to_owned();
    let (s, e) = c.call("GET", &format!("/api/v1/evidence/{hash}"), &c.t.admin, Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["plan"], "3 to add, 0 to destroy");
    assert_ne!(e["password"], "hunter2", "redacted like the audit log: {e}");
    let (s, _) = c.call("GET", &format!("/api/v1/evidence/{hash}"), &agent.key, Value::Null).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = c.call("GET", &format!("/api/v1/evidence/{}", "0".repeat(64)), &c.t.admin, Value::Null).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let requested = c.t.audit(&c.t.admin, "&action=approval.requested").await;
    assert_eq!(requested[0]["details"]["evidence_sha256"], hash.as_str());
}

/// A policy gates a kernel command (`unless { context.gate }`): the command runs only with a
/// valid, unused token for exactly it (its action on its target), presented as Bosun-Gate-Token.
#[tokio::test]
async fn a_policy_gates_a_kernel_command_behind_an_approval() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let (_, approver) = c.t.user_with_key(&c.t.admin, "frank", "approver").await;
    let text = format!(
        "{}\n@id(\"cancels-need-approval\") @reason(\"an agent cancels work only with an approval\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"task.cancelled\", resource) unless {{ context.gate }};",
        bosun_policy::DEFAULT_POLICIES
    );
    c.t.put_policies(&c.t.admin, &text).await;
    let (one, two) = (c.submit(json!({"title": "one"})).await, c.submit(json!({"title": "two"})).await);
    let cancel = |task: &str, token: Option<&str>| {
        let mut req =
            c.t.client.post(c.t.url(&format!("/api/v1/tasks/{task}/cancel"))).bearer_auth(&agent.key).json(&json!({}));
        if let Some(t) = token {
            req = req.header("bosun-gate-token", t);
        }
        async move {
            let resp = req.send().await.unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (s, e) = cancel(&one, None).await;
    assert_eq!(
        (s, e["detail"].as_str()),
        (StatusCode::FORBIDDEN, Some("an agent cancels work only with an approval (policy cancels-need-approval)"))
    );

    // Ask for exactly this command: its action on its target.
    let mut body = risky();
    body["action"] = json!("task.cancelled");
    body["resource"] = json!(one);
    body.as_object_mut().unwrap().remove("arguments");
    let (_, a) = c.call("POST", "/api/v1/approvals", &agent.key, body).await;
    let id = a["id"].as_str().unwrap().to_owned();
    c.call("POST", &format!("/api/v1/approvals/{id}/approve"), &approver, json!({})).await;
    let (_, shown) = c.call("GET", &format!("/api/v1/approvals/{id}"), &agent.key, Value::Null).await;
    let token = shown["gate_token"].as_str().expect("a token").to_owned();

    let (s, e) = cancel(&two, Some(&token)).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("approval_required")), "another target: {e}");
    let (s, t) = cancel(&one, Some(&token)).await;
    assert_eq!((s, t["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{t}");
    let (_, shown) = c.call("GET", &format!("/api/v1/approvals/{id}"), &agent.key, Value::Null).await;
    assert!(shown["token_used_at"].is_string() && shown["gate_token"].is_null(), "used up: {shown}");
    let (s, e) = cancel(&one, Some(&token)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a second use: {e}");
    assert!(e["detail"].as_str().unwrap().contains("used already"), "{e}");
    let cancelled = c.t.audit(&c.t.admin, &format!("&action=task.cancelled&target={one}&outcome=ok")).await;
    assert_eq!(cancelled[0]["details"]["authz"]["gate"], true, "the gate is among the facts decided on");
}

/// A request retried with the same Idempotency-Key is answered as the first was — 201, the same
/// approval (it was 200 when replayed: found by schemathesis).
#[tokio::test]
async fn a_retried_request_is_the_same_approval_with_the_same_status() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let send = || {
        c.t.client
            .post(c.t.url("/api/v1/approvals"))
            .bearer_auth(&agent.key)
            .header("idempotency-key", "ask-1")
            .json(&risky())
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
}

/// The threshold is the tenant's: an admin sets it, it decides new requests (and is recorded on
/// each), other tenants keep the default, and nobody else may change it.
#[tokio::test]
async fn the_approval_threshold_is_set_per_tenant_by_its_admins() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let (_, settings) = c.call("GET", "/api/v1/governance/settings", &agent.key, Value::Null).await;
    assert_eq!((settings["approval_threshold"].as_f64(), settings["gate_key"].as_u64()), (Some(50.0), Some(1)));
    // Risk 20 (privilege 1.0): approved at once under the default.
    let modest = json!({"action": "restart", "resource": "staging", "factors": {"privilege_impact": 1.0}});
    let (_, a) = c.call("POST", "/api/v1/approvals", &agent.key, modest.clone()).await;
    assert_eq!((a["status"].as_str(), a["threshold"].as_f64()), (Some("auto_approved"), Some(50.0)), "{a}");

    for (who, key) in [("an agent", &agent.key), ("a developer", &c.dev)] {
        let (s, _) = c.call("PUT", "/api/v1/governance/settings", key, json!({"approval_threshold": 10})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who} may not set the threshold");
    }
    for bad in [json!({"approval_threshold": 101}), json!({"approval_threshold": -1}), json!({})] {
        let (s, e) = c.call("PUT", "/api/v1/governance/settings", &c.t.admin, bad.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
    }
    let (s, set) = c.call("PUT", "/api/v1/governance/settings", &c.t.admin, json!({"approval_threshold": 15})).await;
    assert_eq!((s, set["approval_threshold"].as_f64()), (StatusCode::OK, Some(15.0)), "{set}");
    let (_, a) = c.call("POST", "/api/v1/approvals", &agent.key, modest.clone()).await;
    assert_eq!((a["status"].as_str(), a["threshold"].as_f64()), (Some("pending"), Some(15.0)), "{a}");
    let audit = c.t.audit(&c.t.admin, "&action=approval.settings_updated").await;
    assert_eq!(
        (audit[0]["details"]["threshold"].as_f64(), audit[0]["details"]["was"].as_f64()),
        (Some(15.0), Some(50.0))
    );

    // Another tenant keeps the default.
    let (_, created) = c.call("POST", "/api/v1/tenants", &c.t.admin, json!({"name": "elsewhere"})).await;
    let other = created["admin_key"]["key"].as_str().unwrap().to_owned();
    let (_, theirs) = c.call("GET", "/api/v1/governance/settings", &other, Value::Null).await;
    assert_eq!(theirs["approval_threshold"].as_f64(), Some(50.0), "{theirs}");
}

/// Rotating the gate key retires every token signed before; the approval itself stands, and its
/// requester gets the same approval's token under the new key, which works once.
#[tokio::test]
async fn a_rotated_gate_key_retires_old_tokens_and_the_approval_gets_a_fresh_one() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let body = json!({"action": "restart", "resource": "staging", "arguments": {"n": 1}});
    let (_, a) = c.call("POST", "/api/v1/approvals", &agent.key, body.clone()).await;
    let (id, old) = (a["id"].as_str().unwrap().to_owned(), a["gate_token"].as_str().unwrap().to_owned());
    let (_, before) = c.call("GET", "/api/v1/gate/keys", &agent.key, Value::Null).await;

    let (s, _) = c.call("POST", "/api/v1/gate/keys/rotate", &agent.key, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents do not rotate keys");
    let (s, r) = c.call("POST", "/api/v1/gate/keys/rotate", &c.t.admin, json!({})).await;
    assert_eq!((s, r["gate_key"].as_u64()), (StatusCode::OK, Some(2)), "{r}");
    let (_, keys) = c.call("GET", "/api/v1/gate/keys", &agent.key, Value::Null).await;
    assert_eq!(keys["key"], 2);
    assert_eq!(keys["keys"].as_array().map(Vec::len), Some(2), "{keys}");
    assert_eq!((keys["keys"][0]["current"].as_bool(), keys["keys"][1]["current"].as_bool()), (Some(true), Some(false)));
    assert_eq!(keys["keys"][1]["public_key"], before["public_key"], "the retired key is listed for the record");
    assert_ne!(keys["public_key"], before["public_key"]);

    let mut redeem = body.clone();
    redeem["token"] = json!(old);
    let (s, e) = c.call("POST", "/api/v1/gate/redeem", &agent.key, redeem.clone()).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("approval_required")), "{e}");
    assert!(e["detail"].as_str().unwrap().contains("retired"), "{e}");

    let (_, shown) = c.call("GET", &format!("/api/v1/approvals/{id}"), &agent.key, Value::Null).await;
    let fresh = shown["gate_token"].as_str().expect("a fresh token").to_owned();
    assert_ne!(fresh, old);
    redeem["token"] = json!(fresh);
    let (s, r) = c.call("POST", "/api/v1/gate/redeem", &agent.key, redeem.clone()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, _) = c.call("POST", "/api/v1/gate/redeem", &agent.key, redeem).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "still single use");
    let rotated = c.t.audit(&c.t.admin, "&action=gate.key_rotated").await;
    assert_eq!((rotated[0]["details"]["key"].as_u64(), rotated[0]["details"]["retired"].as_u64()), (Some(2), Some(1)));
}

/// A gate token on a kernel command is bound to the request's body too: approved for one reason,
/// it does not open the same cancel with another.
#[tokio::test]
async fn a_gate_token_opens_a_kernel_command_only_with_the_approved_body() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let task = c.submit(json!({"title": "one"})).await;
    let ask = json!({"action": "task.cancelled", "resource": task, "arguments": {"reason": "superseded"}});
    let (_, a) = c.call("POST", "/api/v1/approvals", &agent.key, ask).await;
    let token = a["gate_token"].as_str().expect("low risk: approved at once").to_owned();
    let cancel = |body: Value| {
        let req =
            c.t.client
                .post(c.t.url(&format!("/api/v1/tasks/{task}/cancel")))
                .bearer_auth(&agent.key)
                .header("bosun-gate-token", &token)
                .json(&body);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for other in [json!({"reason": "because"}), json!({})] {
        let (s, e) = cancel(other.clone()).await;
        assert_eq!((s, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("approval_required")), "{other}: {e}");
        assert!(e["detail"].as_str().unwrap().contains("another action"), "{e}");
    }
    // Spaced and ordered differently, it is the same JSON.
    let (s, t) = cancel(json!({ "reason" : "superseded" })).await;
    assert_eq!((s, t["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{t}");
}
