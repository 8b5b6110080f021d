//! Issue 12: budgets that refuse before the spend — concurrent reservations never exceed a limit,
//! expiry releases the hold (manual clock), settlement beyond the reservation is flagged, a claim
//! whose estimate does not fit is refused and the task stays ready, and the preflight token
//! verifies offline.

mod common;

use common::{Coord, RawMcp};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn set_budgets(c: &Coord, budgets: Value) {
    let (s, r) = c.call("PUT", "/api/v1/budgets", &c.t.admin, json!({ "budgets": budgets })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
}

/// 32 reservations of one token at once against room for 10: exactly 10 succeed, every time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reservations_never_exceed_a_limit() {
    let c = Coord::start_unlimited().await;
    let agent = c.agent("spender", &[]).await;
    let budgets: Vec<Value> = (0..50)
        .map(|i| {
            json!({"id": format!("p{i}"), "scope": "project", "target": format!("p{i}"), "metric": "tokens",
            "period": "day", "hard_limit": "10"})
        })
        .collect();
    set_budgets(&c, Value::Array(budgets)).await;
    for round in 0..50 {
        let project = format!("p{round}");
        let tries = (0..32).map(|_| {
            let req = c.t.client.post(c.t.url("/api/v1/budgets/reserve")).bearer_auth(&agent.key);
            let req = req.json(&json!({"project": project, "tokens": 1}));
            async move { req.send().await.unwrap().status() }
        });
        let statuses = futures_util::future::join_all(tries).await;
        let granted = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::PAYMENT_REQUIRED).count();
        assert_eq!((granted, refused), (10, 22), "round {round}: {statuses:?}");
    }
    // Every refusal is audited as a denial.
    let (mut denied, mut cursor) = (0, String::new());
    loop {
        let path = format!("/api/v1/audit?limit=1000&action=budget.reserved&outcome=denied{cursor}");
        let (_, page) = c.call("GET", &path, &c.t.admin, Value::Null).await;
        denied += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_u64() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(denied, 50 * 22);
}

#[tokio::test]
async fn a_refusal_names_the_budget_and_expiry_releases_the_hold() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    set_budgets(
        &c,
        json!([{"id": "daily-usd", "scope": "tenant", "metric": "cost", "currency": "USD", "period": "day",
            "time_zone": "Europe/Berlin", "hard_limit": "1.00", "soft_limit": "0.50"}]),
    )
    .await;
    let reserve = |cost: &str, ttl: u32| {
        let body = json!({"project": "web", "cost": cost, "currency": "USD", "ttl_seconds": ttl});
        c.call("POST", "/api/v1/budgets/reserve", &agent.key, body)
    };
    let (s, first) = reserve("0.60", 60).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(first["warnings"], json!(["daily-usd"]), "crossing the soft limit warns: {first}");
    assert!(first["preflight_token"].as_str().is_some_and(|t| t.starts_with("bsp1.")), "{first}");

    let (s, e) = reserve("0.50", 60).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::PAYMENT_REQUIRED, Some("budget_exceeded")), "{e}");
    assert_eq!(
        e["budget"],
        json!({"budget": "daily-usd", "metric": "cost", "currency": "USD", "period_start": "2026-11-20T23:00:00.000000Z",
            "limit": "1.00", "spent": "0.00", "reserved": "0.60", "requested": "0.50", "remaining": "0.40"}),
        "{e}"
    );
    // A cost budget needs a cost in its currency.
    let (s, e) = c
        .call(
            "POST",
            "/api/v1/budgets/reserve",
            &agent.key,
            json!({"project": "web", "cost": "0.1", "currency": "EUR"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // The first hold lapses after its 60 s: the scheduler releases it, and the room is back.
    c.advance(61);
    assert_eq!(c.tick().await.expired_reservations, 1);
    let (_, gone) = reserve("0.90", 60).await;
    assert_eq!(gone["status"], "held", "{gone}");
    let expired = c.t.audit(&c.t.admin, "&action=budget.reservation_expired").await;
    assert_eq!(expired[0]["target_id"], first["id"]);
}

#[tokio::test]
async fn settling_frees_the_rest_and_flags_spending_beyond_the_reservation() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    set_budgets(
        &c,
        json!([{"id": "agent-tokens", "scope": "agent", "target": agent.id, "metric": "tokens",
        "period": "rolling", "window_seconds": 3600, "hard_limit": "1000"}]),
    )
    .await;
    let (_, r) = c.call("POST", "/api/v1/budgets/reserve", &agent.key, json!({"tokens": 600})).await;
    let id = r["id"].as_str().unwrap().to_owned();
    let (s, u) = c
        .call(
            "POST",
            "/api/v1/usage",
            &agent.key,
            json!({"reservation_id": id, "tokens": 200, "model": "claude-sonnet-4-5", "provider": "anthropic"}),
        )
        .await;
    assert_eq!((s, u["overspend"].as_bool()), (StatusCode::CREATED, Some(false)), "{u}");
    // Under-spend freed the rest: 800 tokens fit now.
    let (_, usage) = c.call("GET", "/api/v1/budgets/usage", &agent.key, Value::Null).await;
    assert_eq!(
        (usage["budgets"][0]["spent"].as_str(), usage["budgets"][0]["reserved"].as_str()),
        (Some("200"), Some("0"))
    );
    let (_, r2) = c.call("POST", "/api/v1/budgets/reserve", &agent.key, json!({"tokens": 100})).await;
    let (s, u) = c.call("POST", "/api/v1/usage", &agent.key, json!({"reservation_id": r2["id"], "tokens": 950})).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!((u["overspend"].as_bool(), u["over_budget"].clone()), (Some(true), json!(["agent-tokens"])), "{u}");
    let recorded = c.t.audit(&c.t.admin, "&action=usage.recorded").await;
    assert_eq!(
        (recorded[0]["severity"].as_str(), recorded[0]["details"]["overspend"].as_bool()),
        (Some("warning"), Some(true))
    );
    // Settled once only; another agent cannot settle it.
    let (s, _) = c.call("POST", "/api/v1/usage", &agent.key, json!({"reservation_id": r2["id"], "tokens": 1})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let other = c.agent("b", &[]).await;
    let (_, r3) = c.call("POST", "/api/v1/budgets/reserve", &other.key, json!({"tokens": 1})).await;
    let (s, _) = c.call("POST", "/api/v1/usage", &agent.key, json!({"reservation_id": r3["id"], "tokens": 1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_claim_reserves_its_tasks_estimate_or_is_refused_and_the_task_stays_ready() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    set_budgets(
        &c,
        json!([{"id": "web-tokens", "scope": "project", "target": "web", "metric": "tokens",
        "period": "day", "hard_limit": "1000"}]),
    )
    .await;
    let big = c.submit(json!({"title": "big", "project": "web", "estimate": {"tokens": 5000}})).await;
    let (s, e) = c.call("POST", "/api/v1/tasks/claim", &agent.key, json!({"project": "web"})).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::PAYMENT_REQUIRED, Some("budget_exceeded")), "{e}");
    assert_eq!(e["budget"]["budget"], "web-tokens");
    let (_, task) = c.call("GET", &format!("/api/v1/tasks/{big}"), &agent.key, Value::Null).await;
    assert_eq!((task["status"].as_str(), task["fence"].as_u64()), (Some("ready"), Some(0)), "{task}");

    // Room made: the claim reserves for the lease, in the same transaction.
    set_budgets(
        &c,
        json!([{"id": "web-tokens", "scope": "project", "target": "web", "metric": "tokens",
        "period": "day", "hard_limit": "6000"}]),
    )
    .await;
    let (s, claimed) =
        c.call("POST", "/api/v1/tasks/claim", &agent.key, json!({"project": "web", "lease_seconds": 120})).await;
    assert_eq!(s, StatusCode::OK, "{claimed}");
    assert_eq!(
        (claimed["reservation"]["tokens"].as_i64(), claimed["reservation"]["task_id"].as_str()),
        (Some(5000), Some(big.as_str()))
    );
    assert_eq!(claimed["reservation"]["expires_at"], claimed["lease_expires_at"]);
    let (_, usage) = c.call("GET", "/api/v1/budgets/usage", &c.t.admin, Value::Null).await;
    assert_eq!(usage["budgets"][0]["reserved"], "5000");
}

#[tokio::test]
async fn budgets_are_validated_and_set_by_admins_and_the_preflight_token_verifies_offline() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let good = json!([{"id": "t", "scope": "tenant", "metric": "tokens", "period": "week", "hard_limit": "100"}]);
    let (s, _) = c.call("PUT", "/api/v1/budgets", &c.dev, json!({"budgets": good})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "admins set budgets");
    for (bad, says) in [
        (json!({"id": "x", "scope": "tenant", "metric": "cost", "period": "day", "hard_limit": "1"}), "currency"),
        (json!({"id": "x", "scope": "team", "metric": "tokens", "period": "day", "hard_limit": "1"}), "scope"),
        (
            json!({"id": "x", "scope": "tenant", "metric": "tokens", "period": "day", "hard_limit": "1.5"}),
            "whole number",
        ),
        (
            json!({"id": "x", "scope": "tenant", "metric": "cost", "currency": "USD", "period": "day", "hard_limit": "1.0000001"}),
            "6 decimals",
        ),
        (
            json!({"id": "x", "scope": "tenant", "metric": "tokens", "period": "day", "time_zone": "Nowhere/City", "hard_limit": "1"}),
            "time zone",
        ),
    ] {
        let (s, e) = c.call("PUT", "/api/v1/budgets", &c.t.admin, json!({"budgets": [bad]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["detail"].as_str().unwrap().contains(says), "{says}: {e}");
    }
    set_budgets(&c, good).await;
    let (_, list) = c.call("GET", "/api/v1/budgets", &agent.key, Value::Null).await;
    assert_eq!(list["budgets"][0]["hard_limit"], "100");
    let updated = c.t.audit(&c.t.admin, "&action=budget.updated").await;
    assert_eq!(updated[0]["details"]["ids"], json!(["t"]));

    let (_, r) = c.call("POST", "/api/v1/budgets/reserve", &agent.key, json!({"tokens": 10})).await;
    let token = r["preflight_token"].as_str().unwrap();
    let (_, keys) = c.call("GET", "/api/v1/gate/keys", &agent.key, Value::Null).await;
    let public = bosun_server::kernel::gate::public_key_from_hex(keys["public_key"].as_str().unwrap()).unwrap();
    let claims = bosun_server::kernel::gate::verify_preflight_with(&public, token).unwrap();
    assert_eq!(
        (claims.reservation.as_str(), claims.tokens, claims.agent.as_deref()),
        (r["id"].as_str().unwrap(), 10, Some(agent.id.as_str()))
    );
    let forged = token.replacen("bsp1.7b", "bsp1.7c", 1);
    assert!(bosun_server::kernel::gate::verify_preflight_with(&public, &forged).is_err());
}

/// A budget set after spending starts from what the ledger shows for its current period.
#[tokio::test]
async fn a_budget_set_later_counts_what_was_spent_in_its_period() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    let (s, u) = c.call("POST", "/api/v1/usage", &agent.key, json!({"project": "web", "tokens": 300})).await;
    assert_eq!((s, u["over_budget"].clone()), (StatusCode::CREATED, json!([])), "{u}");
    set_budgets(
        &c,
        json!([{"id": "web", "scope": "project", "target": "web", "metric": "tokens", "period": "day",
        "hard_limit": "500"}]),
    )
    .await;
    let (_, usage) = c.call("GET", "/api/v1/budgets/usage", &agent.key, Value::Null).await;
    assert_eq!(usage["budgets"][0]["spent"], "300", "{usage}");
    let (s, e) = c.call("POST", "/api/v1/budgets/reserve", &agent.key, json!({"project": "web", "tokens": 300})).await;
    assert_eq!((s, e["budget"]["remaining"].as_str()), (StatusCode::PAYMENT_REQUIRED, Some("200")), "{e}");
    // Tomorrow (in the budget's time zone) the period starts over.
    c.advance(86_400);
    let (s, r) = c.call("POST", "/api/v1/budgets/reserve", &agent.key, json!({"project": "web", "tokens": 300})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
}

/// Over MCP: an agent sees its budgets with `budget_status`; `list_alerts` is for people, and an
/// agent calling it gets the REST refusal as a tool error.
#[tokio::test]
async fn budget_status_and_list_alerts_over_mcp() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    set_budgets(
        &c,
        json!([{"id": "t", "scope": "tenant", "metric": "tokens", "period": "day", "hard_limit": "100"},
        {"id": "someone-else", "scope": "agent", "target": "01JBX8Z6Q4N2W7RS5KJ3M9V0TA", "metric": "tokens",
            "period": "day", "hard_limit": "5"}]),
    )
    .await;
    c.call("POST", "/api/v1/budgets/reserve", &agent.key, json!({"tokens": 30})).await;
    let mcp = RawMcp::new(&c);
    let session = mcp.open(&agent.key).await;
    let (s, r) = mcp.tool(&agent.key, &session, "budget_status", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let budgets = r["result"]["structuredContent"]["budgets"].as_array().cloned().unwrap_or_default();
    assert_eq!(budgets.len(), 1, "only the budgets that count this agent: {r}");
    assert_eq!((budgets[0]["reserved"].as_str(), budgets[0]["remaining"].as_str()), (Some("30"), Some("70")));
    let (_, r) = mcp.tool(&agent.key, &session, "list_alerts", json!({})).await;
    assert_eq!(r["result"]["isError"], true, "{r}");
    assert!(r["result"]["content"][0]["text"].as_str().unwrap_or_default().contains("forbidden"), "{r}");
}

/// Retention prunes the egress log after 30 days and the usage ledger after 400 (defaults),
/// audited with the counts; the budget counters are not touched.
#[tokio::test]
async fn retention_prunes_old_egress_decisions_and_usage() {
    let c = Coord::start().await;
    let agent = c.agent("a", &[]).await;
    c.call("POST", "/api/v1/egress/check", &agent.key, json!({"destination": "https://example.com"})).await;
    c.call("POST", "/api/v1/usage", &agent.key, json!({"project": "web", "tokens": 5})).await;
    let (_, log) = c.call("GET", "/api/v1/egress/log", &c.t.admin, Value::Null).await;
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(1), "{log}");
    c.advance(29 * 86_400);
    c.tick().await;
    assert!(c.t.audit(&c.t.admin, "&action=retention.pruned").await.is_empty(), "nothing is 30 days old yet");
    c.advance(2 * 86_400);
    assert_eq!(c.tick().await.pruned_tenants, 1);
    let (_, log) = c.call("GET", "/api/v1/egress/log", &c.t.admin, Value::Null).await;
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(0), "{log}");
    let pruned = c.t.audit(&c.t.admin, "&action=retention.pruned").await;
    assert_eq!(
        (pruned[0]["details"]["egress_log"].as_u64(), pruned[0]["details"]["budget_usage"].as_u64()),
        (Some(1), Some(0))
    );
    c.advance(370 * 86_400);
    c.tick().await;
    let pruned = c.t.audit(&c.t.admin, "&action=retention.pruned").await;
    assert_eq!(pruned[0]["details"]["budget_usage"].as_u64(), Some(1), "{}", pruned[0]);
}
