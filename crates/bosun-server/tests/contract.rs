//! The OpenAPI document is the contract: it validates as OpenAPI 3.1 (`openapi-spec-validator`),
//! and a property-based fuzzer (`schemathesis`, from PyPI) that sends thousands of requests
//! generated from it — as an admin and as an agent — finds no server error, no answer off its
//! documented schema, and no undocumented status code or content type.
//!
//! The Python tools live in a virtualenv under `target/py-venv`, made here on first use (or by
//! `.ci/run`), so `cargo test --workspace` on a fresh machine needs only Python 3 and PyPI.

mod common;

use std::process::Command;

use common::{TestServer, run};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_is_valid_openapi_and_the_server_keeps_to_it() {
    let venv = tokio::task::spawn_blocking(common::py_venv).await.unwrap();
    // Rate limits off: the fuzzer sends thousands of requests from one address with one key, and
    // 429s (documented everywhere) would leave the logic behind them untested.
    let t = TestServer::start_unlimited().await;
    let doc = t.client.get(t.url("/api/v1/openapi.json")).send().await.unwrap().text().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &doc).unwrap();
    let (ok, out) = run(Command::new(venv.join("bin/openapi-spec-validator")).arg(&file));
    assert!(ok, "openapi-spec-validator refused the served document:\n{out}");

    let (s, agent) =
        t.call("POST", "/api/v1/agents", Some(&t.admin), Some(json!({"name": "fuzzer", "kind": "test"}))).await;
    assert!(s.is_success(), "{agent}");
    let agent_key = agent["key"]["key"].as_str().unwrap().to_owned();
    for (who, key) in [("admin", t.admin.clone()), ("agent", agent_key)] {
        let (url, venv) = (t.url("/api/v1/openapi.json"), venv.clone());
        let (ok, out) = tokio::task::spawn_blocking(move || {
            run(Command::new(venv.join("bin/schemathesis"))
                .args(["run", &url, "--header", &format!("Authorization: Bearer {key}")])
                .args([
                    "--checks",
                    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                ])
                .args(["--max-examples", "30", "--request-timeout", "10", "--seed", "8"])
                .args(["--phases", "examples,coverage,fuzzing", "--no-color"])
                // Its cache goes to a scratch directory, not the source tree.
                .current_dir(std::env::temp_dir()))
        })
        .await
        .unwrap();
        assert!(ok, "schemathesis as {who} found answers off the contract:\n{out}");
        assert!(out.contains(" passed"), "schemathesis as {who} ran no test case:\n{out}");
    }
}

/// `bosun openapi` prints what the server serves; every operation has an operationId, a summary
/// and tags, and every request body an example (what the SDK generators and readers rely on).
#[tokio::test]
async fn every_operation_is_named_summarised_tagged_and_its_body_exemplified() {
    let t = TestServer::start().await;
    let served: serde_json::Value =
        t.client.get(t.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(served, bosun_server::http::openapi_document(), "the offline document is the served one");
    let mut ids = std::collections::HashSet::new();
    let mut operations = 0;
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let what = format!("{method} {path}");
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{what}: no operationId"));
            assert!(ids.insert(id.to_owned()), "{what}: operationId {id} is used twice");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{what}: no summary");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{what}: no tags");
            if let Some(body) = op.pointer("/requestBody/content/application~1json") {
                assert!(body.get("example").is_some(), "{what}: the request body has no example");
            }
        }
    }
    assert!(operations >= 40, "{operations}");
}
