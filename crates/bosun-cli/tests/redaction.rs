//! Secrets sent to Bosun never reach the database file, the logs or an answer.

mod common;

use common::Spawned;
use serde_json::json;

const PASSWORD: &str = "hunter2-correct-horse";
const API_KEY: &str = "k3y-5ecret-value-0123456789";
const BEARER: &str = "Bearer abcdefghijklmnopqrstuvwxyz0123456789";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----";
const AWS: &str = "AKIAIOSFODNN7EXAMPLE";

/// The distinctive part of each secret: none of these may appear anywhere.
fn needles() -> Vec<&'static str> {
    vec![
        PASSWORD,
        API_KEY,
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw",
        AWS,
    ]
}

fn assert_clean(what: &str, haystack: &[u8]) {
    for needle in needles() {
        assert!(
            !haystack.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{what} contains the secret {needle:?}"
        );
    }
}

fn data_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[tokio::test]
async fn secrets_reach_neither_database_nor_logs_nor_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let client = reqwest::Client::new();
    let mut answers = Vec::new();

    // Secrets in a body that is stored and audited.
    let metadata = json!({
        "password": PASSWORD, "api_key": API_KEY, "note": format!("use {BEARER} to call"),
        "session": JWT, "deploy": PEM, "aws": AWS,
    });
    let resp = client
        .post(format!("{url}/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"name": "sam", "metadata": metadata}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    answers.push(resp.text().await.unwrap());
    // Secrets as credentials (401s are audited and logged).
    for credential in [BEARER.to_owned(), format!("Bearer {JWT}"), format!("Bearer {AWS}")] {
        let resp = client.get(format!("{url}/api/v1/whoami")).header("authorization", credential).send().await.unwrap();
        assert_eq!(resp.status(), 401);
        answers.push(resp.text().await.unwrap());
    }
    // Secrets inside a rejected body, where the error message would quote the value.
    let resp = client
        .post(format!("{url}/api/v1/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(format!("{{\"name\": 1, \"role\": \"{JWT}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    answers.push(resp.text().await.unwrap());
    let resp = client
        .post(format!("{url}/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"name": AWS, "role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    answers.push(resp.text().await.unwrap());
    // Secrets in the request id and user agent, which are logged and audited.
    let resp = client
        .post(format!("{url}/api/v1/users"))
        .bearer_auth(&admin)
        .header("user-agent", format!("agent {BEARER}"))
        .header("x-request-id", AWS)
        .json(&json!({"name": "tess"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    answers.push(resp.text().await.unwrap());
    for path in ["/api/v1/users", "/api/v1/audit?limit=1000", "/api/v1/audit?format=csv", "/api/v1/audit?format=jsonl"]
    {
        answers
            .push(client.get(format!("{url}{path}")).bearer_auth(&admin).send().await.unwrap().text().await.unwrap());
    }
    assert!(answers[0].contains("[REDACTED]"), "the stored metadata shows where secrets were: {}", answers[0]);

    for (i, a) in answers.iter().enumerate() {
        assert_clean(&format!("answer {i}"), a.as_bytes());
    }
    for (name, bytes) in data_files(&server.data_dir) {
        assert_clean(&name, &bytes); // the database and its WAL while running
    }
    let (data, log) = (server.data_dir.clone(), server.log.clone());
    server.stop();
    for (name, bytes) in data_files(&data) {
        assert_clean(&name, &bytes); // and after the WAL is folded in
    }
    let logs = std::fs::read(&log).unwrap();
    assert!(logs.len() > 100, "the server logged");
    assert_clean("the server log", &logs);
}
