//! The REST API over real HTTP on loopback, against a real SQLite file in a temp dir.

mod common;

use std::sync::Arc;

use bosun_core::{ManualClock, SystemClock};
use bosun_server::Server;
use common::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn first_start_bootstraps_an_admin_and_a_restart_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let (config, _db) = common::test_config(dir.path());
    let first = Server::start(&config, Arc::new(SystemClock)).await.unwrap();
    let key = first.admin_key.clone().unwrap();
    let file = config.data_dir.join("admin.key");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), key);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    first.shutdown().await.unwrap();

    let second = Server::start(&config, Arc::new(SystemClock)).await.unwrap();
    assert_eq!(second.admin_key, None, "the key is shown only once");
    let me: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/whoami", second.url()))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "admin");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["tenant"]["name"], "default");
    assert_eq!(me["tenant"]["system"], true);
    second.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_credentials_are_401_wrong_roles_403_and_both_are_audited() {
    let t = TestServer::start().await;
    let (_, viewer) = t.user_with_key(&t.admin, "vera", "viewer").await;
    let (s, body) = t.call("GET", "/api/v1/whoami", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
    let wrong = format!("{}0", &t.admin[..t.admin.len() - 1]);
    let wrong = if wrong == t.admin { format!("{}1", &t.admin[..t.admin.len() - 1]) } else { wrong };
    let (s, body) = t.call("GET", "/api/v1/whoami", Some(&wrong), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["detail"], "wrong API key");
    let (s, _) = t.call("GET", "/api/v1/whoami", Some("bsn_garbage"), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, body) = t.call("POST", "/api/v1/users", Some(&viewer), Some(json!({"name": "mallory"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "forbidden");
    assert!(body["detail"].as_str().unwrap().contains("admin"), "{body}");
    let (s, _) = t.call("GET", "/api/v1/tenants", Some(&viewer), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let failed = t.audit(&t.admin, "&action=auth.failed").await;
    assert_eq!(failed.len(), 3, "every failed authentication is audited");
    assert!(failed.iter().all(|e| e["outcome"] == "denied" && e["actor_type"] == "anonymous"));
    assert!(failed.iter().any(|e| e["details"]["reason"] == "wrong API key" && e["target_type"] == "key"));
    let denied = t.audit(&t.admin, "&outcome=denied&actor=vera").await;
    let actions: Vec<_> = denied.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["tenant.listed", "user.created"], "403s are audited with the actor");
    let (s, users) = t.call("GET", "/api/v1/users", Some(&t.admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(users["items"].as_array().unwrap().iter().all(|u| u["name"] != "mallory"), "nothing was created");
}

#[tokio::test]
async fn tenants_see_nothing_of_each_other() {
    let t = TestServer::start().await;
    t.user_with_key(&t.admin, "alice", "developer").await;
    let (s, created) = t.call("POST", "/api/v1/tenants", Some(&t.admin), Some(json!({"name": "acme"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let acme = created["admin_key"]["key"].as_str().unwrap().to_owned();
    let (s, dup) = t.call("POST", "/api/v1/tenants", Some(&t.admin), Some(json!({"name": "acme"}))).await;
    assert_eq!((s, dup["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    assert!(dup["detail"].as_str().unwrap().contains("acme"), "{dup}");

    let (_, users) = t.call("GET", "/api/v1/users", Some(&acme), None).await;
    let names: Vec<_> = users["items"].as_array().unwrap().iter().map(|u| u["name"].clone()).collect();
    assert_eq!(names, [json!("admin")], "acme sees only its own admin");
    assert!(t.audit(&acme, "").await.is_empty(), "acme sees none of default's audit events");
    let (s, _) = t.call("POST", "/api/v1/tenants", Some(&acme), Some(json!({"name": "evil"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the system tenant's admins create tenants");

    // A user id of one tenant is unknown in another: creating a key for it is 404, not a leak.
    let (_, default_users) = t.call("GET", "/api/v1/users", Some(&t.admin), None).await;
    let alice = default_users["items"].as_array().unwrap().iter().find(|u| u["name"] == "alice").unwrap()["id"].clone();
    let (s, _) =
        t.call("POST", &format!("/api/v1/users/{}/keys", alice.as_str().unwrap()), Some(&acme), Some(json!({}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let acme_events = t.audit(&acme, "").await;
    assert!(acme_events.iter().all(|e| e["tenant"] == acme_events[0]["tenant"]));
}

#[tokio::test]
async fn every_mutation_writes_exactly_one_audit_event_with_who_what_where() {
    let t = TestServer::start().await;
    let before = t.audit(&t.admin, "").await.len();
    let resp = t
        .client
        .post(t.url("/api/v1/users"))
        .bearer_auth(&t.admin)
        .header("x-request-id", "corr-123")
        .header("user-agent", "bosun-test/1")
        .json(&json!({"name": "bob", "role": "approver"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(resp.headers()["x-request-id"], "corr-123", "the correlation id is echoed");
    let bob: Value = resp.json().await.unwrap();
    let bob_id = bob["id"].as_str().unwrap();
    let (_, key) =
        t.call("POST", &format!("/api/v1/users/{bob_id}/keys"), Some(&t.admin), Some(json!({"label": "ci"}))).await;
    let key_id = key["id"].as_str().unwrap();
    let (s, revoked) = t.call("DELETE", &format!("/api/v1/keys/{key_id}"), Some(&t.admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(revoked["revoked_at"].is_string());
    assert!(revoked.get("key").is_none(), "the key is never shown again");

    let events = t.audit(&t.admin, "").await;
    assert_eq!(events.len(), before + 3, "three mutations, three events");
    let (revoke, create_key, create_user) = (&events[0], &events[1], &events[2]);
    assert_eq!(create_user["action"], "user.created");
    assert_eq!(create_user["actor_name"], "admin");
    assert_eq!(create_user["actor_type"], "user");
    assert_eq!(create_user["target_type"], "user");
    assert_eq!(create_user["target_id"], bob_id);
    assert_eq!(create_user["ip"], "127.0.0.1");
    assert_eq!(create_user["correlation_id"], "corr-123");
    assert_eq!(create_user["user_agent"], "bosun-test/1");
    assert_eq!(create_key["action"], "key.created");
    assert_eq!(create_key["target_id"], key_id);
    assert_eq!(revoke["action"], "key.revoked");
    assert_eq!(revoke["target_id"], key_id);
    assert!(revoke["correlation_id"].as_str().is_some_and(|c| c.len() == 26), "a correlation id is generated");
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "gap-free, newest first: {seqs:?}");
}

#[tokio::test]
async fn revoked_keys_stop_working_within_a_second() {
    let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
    let t = TestServer::start_with(clock.clone()).await;
    let (dev_id, dev) = t.user_with_key(&t.admin, "dana", "developer").await;
    let (s, _) = t.call("GET", "/api/v1/whoami", Some(&dev), None).await;
    assert_eq!(s, StatusCode::OK, "the key works (and is now cached)");
    // Another key of the same user revokes nothing of this one.
    let (_, other) = t.call("POST", &format!("/api/v1/users/{dev_id}/keys"), Some(&dev), Some(json!({}))).await;
    let (s, _) = t.call("DELETE", &format!("/api/v1/keys/{}", other["id"].as_str().unwrap()), Some(&dev), None).await;
    assert_eq!(s, StatusCode::OK, "a user may revoke its own key");
    let (s, _) = t.call("GET", "/api/v1/whoami", Some(&dev), None).await;
    assert_eq!(s, StatusCode::OK);

    // Revoke the cached key behind this node's back, as another node sharing the database would:
    // straight in the store. The local cache may serve it until RECHECK has passed, no longer.
    let (_, keys_page) = t.call("GET", "/api/v1/audit?action=key.created", Some(&t.admin), None).await;
    let dev_key_id = keys_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["details"]["user_id"] == dev_id)
        .unwrap()["target_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, me) = t.call("GET", "/api/v1/whoami", Some(&t.admin), None).await;
    let tenant = bosun_core::TenantId::parse(me["tenant"]["id"].as_str().unwrap()).unwrap();
    let key_id = bosun_core::KeyId::parse(&dev_key_id).unwrap();
    let store = t.server.kernel.raw_store().clone();
    store.write(move |w| w.revoke_key(tenant, key_id, "2026-01-01T00:00:00.000000Z")).await.unwrap();
    let (s, _) = t.call("GET", "/api/v1/whoami", Some(&dev), None).await;
    assert_eq!(s, StatusCode::OK, "within the recheck window the cached verification stands");
    clock.advance(jiff::SignedDuration::from_millis(1001));
    let (s, body) = t.call("GET", "/api/v1/whoami", Some(&dev), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["detail"], "API key revoked");
    let (s, _) = t.call("DELETE", &format!("/api/v1/keys/{dev_key_id}"), Some(&t.admin), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "revoking twice is a conflict");
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx_problem_and_changes_nothing() {
    let t = TestServer::start().await;
    let before = t.audit(&t.admin, "").await.len();
    let post_raw = |body: Vec<u8>, ct: &'static str| {
        t.client.post(t.url("/api/v1/users")).bearer_auth(&t.admin).header("content-type", ct).body(body).send()
    };
    let cases: Vec<(reqwest::Response, u16, &str)> = vec![
        (
            post_raw(br#"{"name":"x","rol":"admin"}"#.to_vec(), "application/json").await.unwrap(),
            422,
            "validation_failed",
        ),
        (
            post_raw(br#"{"name":"x","role":"root"}"#.to_vec(), "application/json").await.unwrap(),
            422,
            "validation_failed",
        ),
        (post_raw(br#"{"name":"has space"}"#.to_vec(), "application/json").await.unwrap(), 422, "validation_failed"),
        (post_raw(br#"{"name": "#.to_vec(), "application/json").await.unwrap(), 400, "validation_failed"),
        (post_raw(br#"{"name":"x"}"#.to_vec(), "text/plain").await.unwrap(), 415, "validation_failed"),
        (post_raw(vec![b' '; 1024 * 1024 + 10], "application/json").await.unwrap(), 413, "payload_too_large"),
    ];
    for (resp, status, code) in cases {
        assert_eq!(resp.status().as_u16(), status);
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status);
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(body["correlation_id"].is_string());
    }
    let (s, body) = t.call("GET", "/api/v1/nope", Some(&t.admin), None).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (s, body) = t.call("PUT", "/api/v1/users", Some(&t.admin), None).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));
    let (s, body) = t.call("DELETE", "/api/v1/keys/not-an-id", Some(&t.admin), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["detail"].as_str().unwrap().contains("`id`"));
    let (s, body) = t.call("GET", "/api/v1/audit?from=yesterday", Some(&t.admin), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["detail"].as_str().unwrap().contains("`from`"));
    let (s, _) = t.call("GET", "/api/v1/audit?bogus=1", Some(&t.admin), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "unknown query parameters are refused");
    assert_eq!(t.audit(&t.admin, "").await.len(), before, "no bad request left a trace");
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_answer_once() {
    let t = TestServer::start().await;
    let send = |body: Value, key: &'static str| {
        t.client.post(t.url("/api/v1/users")).bearer_auth(&t.admin).header("idempotency-key", key).json(&body).send()
    };
    let first = send(json!({"name": "ida"}), "k-1").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send(json!({"name": "ida"}), "k-1").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first, "the same answer");
    let other = send(json!({"name": "ivy"}), "k-1").await.unwrap();
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY, "same key, different body");
    assert_eq!(t.audit(&t.admin, "&action=user.created").await.len(), 1, "changed once");

    // A replayed key creation does not reveal the key again.
    let id = first["id"].as_str().unwrap();
    let mk = || {
        t.client
            .post(t.url(&format!("/api/v1/users/{id}/keys")))
            .bearer_auth(&t.admin)
            .header("idempotency-key", "k-2")
            .json(&json!({}))
            .send()
    };
    let k1: Value = mk().await.unwrap().json().await.unwrap();
    let k2: Value = mk().await.unwrap().json().await.unwrap();
    assert!(k1["key"].as_str().unwrap().starts_with("bsn_"));
    assert_eq!(k2["key"], "[REDACTED]");
    assert_eq!(k1["id"], k2["id"]);
}

#[tokio::test]
async fn openapi_health_and_metrics_are_served() {
    let t = TestServer::start().await;
    let (s, doc) = t.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/users",
        "/api/v1/users/{id}/keys",
        "/api/v1/keys/{id}",
        "/api/v1/tenants",
        "/api/v1/whoami",
        "/api/v1/audit",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert_eq!(t.call("GET", "/healthz", None, None).await.0, StatusCode::OK);
    let (s, ready) = t.call("GET", "/readyz", None, None).await;
    assert_eq!((s, ready["status"].as_str()), (StatusCode::OK, Some("ready")));
    t.call("GET", "/api/v1/whoami", Some(&t.admin), None).await;
    let (s, text) = t.call("GET", "/metrics", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let text = text.as_str().unwrap().to_owned();
    assert!(
        text.contains("bosun_http_requests_total{route=\"/api/v1/whoami\",method=\"GET\",status=\"200\"}"),
        "{text}"
    );
    assert!(text.contains("bosun_http_request_duration_seconds_bucket"));
    assert!(text.contains("bosun_audit_appends_total"));
    assert!(text.contains("bosun_writer_batch_size"));

    // A store that cannot write is not ready, and mutations fail cleanly with 503.
    t.server.kernel.shutdown_store();
    let (s, body) = t.call("GET", "/readyz", None, None).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")));
    let (s, body) = t.call("POST", "/api/v1/users", Some(&t.admin), Some(json!({"name": "late"}))).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")));
    assert_eq!(t.call("GET", "/healthz", None, None).await.0, StatusCode::OK, "alive, though not ready");
}

#[tokio::test]
async fn exports_stream_every_format() {
    let t = TestServer::start().await;
    for i in 0..30 {
        t.call("POST", "/api/v1/users", Some(&t.admin), Some(json!({"name": format!("u{i}")}))).await;
    }
    let get = |q: &'static str| t.client.get(t.url(&format!("/api/v1/audit?{q}"))).bearer_auth(&t.admin).send();
    let jsonl = get("format=jsonl").await.unwrap().text().await.unwrap();
    let lines: Vec<String> = jsonl.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 31, "bootstrap + 30 users");
    let mut v = bosun_core::audit::ChainVerifier::new();
    v.feed_lines(&lines).expect("an export verifies");
    let json: Vec<Value> = get("format=json&action=user.").await.unwrap().json().await.unwrap();
    assert_eq!(json.len(), 30);
    assert_eq!(json[0]["seq"], 2, "exports are oldest first");
    let csv = get("format=csv&limit=5").await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().count(), 6, "header + 5 rows");
    assert!(csv.starts_with("tenant,seq,at,"));
}
