//! Issue 12: security alerts that fire within seconds — five failed authentications fire one
//! alert (a flood after them only counts), a cross-tenant attempt and a guardrail violation fire
//! at once — and webhooks, against receivers on loopback: signed, retried until delivered
//! exactly once, a dead receiver cut off by its breaker and dead-lettered.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use common::Coord;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Alerts of `rule` as `key` sees them, waiting up to `within` for `want` of them.
async fn alerts_of(c: &Coord, key: &str, rule: &str, want: usize, within: Duration) -> Vec<Value> {
    let deadline = Instant::now() + within;
    loop {
        let (s, list) = c.call("GET", "/api/v1/alerts?limit=500", key, Value::Null).await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let found: Vec<Value> =
            list["alerts"].as_array().unwrap().iter().filter(|a| a["rule"] == rule).cloned().collect();
        if found.len() >= want || Instant::now() >= deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wrong_key(c: &Coord) -> StatusCode {
    let resp = c.t.client.get(c.t.url("/api/v1/whoami")).bearer_auth("bsn_000000000000_nottherightsecret").send();
    resp.await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failed_authentications_fire_one_alert_within_two_seconds() {
    let c = Coord::start_unlimited().await;
    for _ in 0..4 {
        assert_eq!(wrong_key(&c).await, StatusCode::UNAUTHORIZED);
    }
    assert!(alerts_of(&c, &c.t.admin, "auth-failures-by-ip", 1, Duration::from_millis(300)).await.is_empty());
    let fifth = Instant::now();
    wrong_key(&c).await;
    let fired = alerts_of(&c, &c.t.admin, "auth-failures-by-ip", 1, Duration::from_secs(10)).await;
    let took = fifth.elapsed();
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(took < Duration::from_secs(2), "the alert took {took:?}");
    println!("5th failed authentication to a stored alert: {took:?}");
    assert_eq!((fired[0]["count"].as_u64(), fired[0]["group"].as_str()), (Some(5), Some("127.0.0.1")));

    // A flood in the same window is one alert with a count, not a thousand alerts.
    for _ in 0..1000 {
        wrong_key(&c).await;
    }
    c.advance(301);
    let deadline = Instant::now() + Duration::from_secs(10);
    let counted = loop {
        let a = alerts_of(&c, &c.t.admin, "auth-failures-by-ip", 1, Duration::ZERO).await;
        if a[0]["count"] == 1005 || Instant::now() > deadline {
            break a;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(counted.len(), 1, "{counted:?}");
    assert_eq!(counted[0]["count"], 1005, "{counted:?}");
    let raised = c.t.audit(&c.t.admin, "&action=alert.raised").await;
    assert_eq!(raised.iter().filter(|e| e["details"]["rule"] == "auth-failures-by-ip").count(), 1);

    // Acknowledged, then resolved, by a person.
    let id = counted[0]["id"].as_str().unwrap();
    let (s, a) = c.call("POST", &format!("/api/v1/alerts/{id}/acknowledge"), &c.dev, json!({})).await;
    assert_eq!(
        (s, a["status"].as_str(), a["acknowledged_by"].as_str()),
        (StatusCode::OK, Some("acknowledged"), Some("dev"))
    );
    let (s, a) = c.call("POST", &format!("/api/v1/alerts/{id}/resolve"), &c.t.admin, json!({})).await;
    assert_eq!((s, a["status"].as_str()), (StatusCode::OK, Some("resolved")));
    let (s, _) = c.call("POST", &format!("/api/v1/alerts/{id}/resolve"), &c.t.admin, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_tenant_attempt_and_a_guardrail_violation_fire_at_once() {
    let c = Coord::start().await;
    let (_, created) = c.call("POST", "/api/v1/tenants", &c.t.admin, json!({"name": "acme"})).await;
    let acme = created["admin_key"]["key"].as_str().unwrap().to_owned();
    let (s, _) = c.call("POST", "/api/v1/tenants", &acme, json!({"name": "evil"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let fired = alerts_of(&c, &acme, "cross-tenant", 1, Duration::from_secs(5)).await;
    assert_eq!((fired.len(), fired[0]["severity"].as_str()), (1, Some("critical")), "{fired:?}");

    // A person watching the event stream sees the alert as it is raised.
    let resp =
        c.t.client
            .get(c.t.url("/api/v1/events?types=alert.*"))
            .bearer_auth(&c.t.admin)
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut stream = resp.bytes_stream();
    let agent = c.agent("w", &[]).await;
    let (_, v) = c.call("POST", "/api/v1/guardrails/check", &agent.key, json!({"operation": "rm -rf /"})).await;
    assert_eq!(v["safe"], false);
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next()).await.unwrap().unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
        if text.starts_with(':') {
            text.clear(); // keep-alive comment
        }
    }
    assert!(text.contains("event: alert.raised") && text.contains("guardrail-violation"), "{text}");
    let fired = alerts_of(&c, &c.t.admin, "guardrail-violation", 1, Duration::from_secs(5)).await;
    assert_eq!((fired.len(), fired[0]["group"].as_str()), (1, Some(agent.id.as_str())), "{fired:?}");
    // Agents do not read alerts; the ops tool set lists them for users.
    let (s, _) = c.call("GET", "/api/v1/alerts", &agent.key, Value::Null).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// A receiver that answers each request with the next status of its script (then 200).
#[derive(Clone, Default)]
struct Receiver {
    script: Arc<Mutex<Vec<u16>>>,
    seen: Arc<Mutex<Vec<(HeaderMap, String, u16)>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> AxumStatus {
    let status = {
        let mut script = r.script.lock().unwrap();
        if script.is_empty() { 200 } else { script.remove(0) }
    };
    r.seen.lock().unwrap().push((headers, body, status));
    AxumStatus::from_u16(status).unwrap()
}

async fn start_receiver(r: Receiver) -> String {
    let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(r);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_retried_until_delivered_once_and_a_dead_one_is_cut_off() {
    let c = Coord::start().await;
    let kernel = c.t.server.kernel.clone();
    let flaky = Receiver { script: Arc::new(Mutex::new(vec![500, 500, 503])), ..Default::default() };
    let url = start_receiver(flaky.clone()).await;
    let (s, _) = c.call("POST", "/api/v1/webhooks", &c.dev, json!({"url": url})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "admins add webhooks");
    let (s, e) = c.call("POST", "/api/v1/webhooks", &c.t.admin, json!({"url": "ftp://example.com/x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, hook) = c.call("POST", "/api/v1/webhooks", &c.t.admin, json!({"url": url, "description": "on call"})).await;
    assert_eq!(s, StatusCode::CREATED, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let (_, list) = c.call("GET", "/api/v1/webhooks", &c.t.admin, Value::Null).await;
    assert!(list["webhooks"][0].get("secret").is_none(), "the secret is shown once: {list}");

    let agent = c.agent("w", &[]).await;
    c.call("POST", "/api/v1/guardrails/check", &agent.key, json!({"operation": "git push --force"})).await;
    let alert = alerts_of(&c, &c.t.admin, "guardrail-violation", 1, Duration::from_secs(5)).await.remove(0);
    let alert_id = alert["id"].as_str().unwrap().to_owned();

    // Three failures, then success: attempted four times, delivered once, never again.
    for _ in 0..10 {
        kernel.deliver_due().await.unwrap();
        c.advance(600);
    }
    let seen = flaky.seen.lock().unwrap().clone();
    let statuses: Vec<u16> = seen.iter().map(|s| s.2).collect();
    assert_eq!(statuses, [500, 500, 503, 200], "{statuses:?}");
    for (headers, body, _) in &seen {
        let ts: i64 = headers["bosun-timestamp"].to_str().unwrap().parse().unwrap();
        let expected = bosun_server::kernel::sign_webhook(&secret, ts, body);
        assert_eq!(headers["bosun-signature"].to_str().unwrap(), expected, "the signature verifies with the secret");
        assert_ne!(bosun_server::kernel::sign_webhook("whsec_wrong", ts, body), expected);
        let sent: Value = serde_json::from_str(body).unwrap();
        assert_eq!(sent["alert"]["id"], alert_id.as_str());
    }
    let shown = alerts_of(&c, &c.t.admin, "guardrail-violation", 1, Duration::ZERO).await.remove(0);
    assert_eq!(
        (shown["deliveries"][0]["status"].as_str(), shown["deliveries"][0]["attempts"].as_u64()),
        (Some("delivered"), Some(4))
    );

    // A receiver that is gone: five failures open its breaker; then it is not called at all, and
    // after the last attempt the delivery is dead-lettered.
    let gone = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    c.call("DELETE", &format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap()), &c.t.admin, Value::Null).await;
    let (_, dead) = c.call("POST", "/api/v1/webhooks", &c.t.admin, json!({"url": gone})).await;
    let other = c.agent("x", &[]).await;
    c.call("POST", "/api/v1/guardrails/check", &other.key, json!({"operation": "rm -rf /"})).await;
    alerts_of(&c, &c.t.admin, "guardrail-violation", 2, Duration::from_secs(5)).await;
    for attempt in 1..=8 {
        let started = Instant::now();
        assert_eq!(kernel.deliver_due().await.unwrap(), 1, "attempt {attempt}");
        if attempt > 5 {
            assert!(
                started.elapsed() < Duration::from_millis(200),
                "an open breaker costs nothing: {:?}",
                started.elapsed()
            );
        }
        if attempt == 5 {
            let (_, hooks) = c.call("GET", "/api/v1/webhooks", &c.t.admin, Value::Null).await;
            assert_eq!(
                (hooks["webhooks"][0]["breaker"].as_str(), hooks["webhooks"][0]["consecutive_failures"].as_u64()),
                (Some("open"), Some(5))
            );
        }
        // Just past the backoff (2^(n-1) s, +20 % jitter at most): within the breaker's 5 minutes.
        c.advance((1i64 << (attempt - 1)) * 6 / 5 + 1);
    }
    assert_eq!(kernel.deliver_due().await.unwrap(), 0, "nothing left to try");
    let (_, letters) = c.call("GET", "/api/v1/webhooks/dead-letters", &c.t.admin, Value::Null).await;
    let letters = letters["deliveries"].as_array().unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!((letters[0]["webhook_id"].as_str(), letters[0]["attempts"].as_u64()), (dead["id"].as_str(), Some(8)));
    assert!(letters[0]["last_error"].as_str().unwrap().contains("circuit open"), "{letters:?}");
    // The server answered all along.
    let (s, _) = c.call("GET", "/api/v1/whoami", &c.dev, Value::Null).await;
    assert_eq!(s, StatusCode::OK);
}

/// An https URL goes through the TLS stack (rustls with ring): pointed at a plain-http receiver,
/// the handshake fails — the receiver never sees a request — and it is an ordinary failed attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_webhooks_speak_tls() {
    let c = Coord::start().await;
    let plain = Receiver::default();
    let url = start_receiver(plain.clone()).await.replace("http://", "https://");
    let (s, hook) = c.call("POST", "/api/v1/webhooks", &c.t.admin, json!({ "url": url })).await;
    assert_eq!(s, StatusCode::CREATED, "{hook}");
    let agent = c.agent("w", &[]).await;
    c.call("POST", "/api/v1/guardrails/check", &agent.key, json!({"operation": "rm -rf /"})).await;
    alerts_of(&c, &c.t.admin, "guardrail-violation", 1, Duration::from_secs(5)).await;
    assert_eq!(c.t.server.kernel.deliver_due().await.unwrap(), 1);
    let a = alerts_of(&c, &c.t.admin, "guardrail-violation", 1, Duration::ZERO).await.remove(0);
    assert_eq!(
        (a["deliveries"][0]["status"].as_str(), a["deliveries"][0]["last_error"].as_str()),
        (Some("pending"), Some("could not reach the receiver")),
        "{a}"
    );
    assert!(plain.seen.lock().unwrap().is_empty(), "a TLS hello is not an HTTP request");
}

#[tokio::test]
async fn tenant_rules_are_validated_and_set_by_admins() {
    let c = Coord::start().await;
    let rule = json!({"id": "key-scan", "title": "one address tries many keys", "actions": ["auth.failed"],
        "correlation": "value_count", "field": "target", "group_by": ["ip"], "window_seconds": 60, "threshold": 3,
        "severity": "critical"});
    let (s, _) = c.call("PUT", "/api/v1/alerts/rules", &c.dev, json!({"rules": [rule]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for (bad, says) in [
        (json!({"rules": [{"id": "x"}]}), "alert rule 1"),
        (
            json!({"rules": [{"id": "auth-failures-by-ip", "title": "t", "correlation": "event_count", "window_seconds": 60, "threshold": 3, "severity": "warning"}]}),
            "taken",
        ),
        (
            json!({"rules": [{"id": "y", "title": "t", "correlation": "value_count", "window_seconds": 60, "threshold": 3, "severity": "warning"}]}),
            "field",
        ),
    ] {
        let (s, e) = c.call("PUT", "/api/v1/alerts/rules", &c.t.admin, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["detail"].as_str().unwrap().contains(says), "{says}: {e}");
    }
    let (s, r) = c.call("PUT", "/api/v1/alerts/rules", &c.t.admin, json!({"rules": [rule]})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, got) = c.call("GET", "/api/v1/alerts/rules", &c.dev, Value::Null).await;
    assert_eq!((got["rules"].as_array().unwrap().len(), got["builtin"].as_array().unwrap().len()), (1, 8));
}
