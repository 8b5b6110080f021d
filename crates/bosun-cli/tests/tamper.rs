//! `bosun audit verify` catches edits and deletions in a database file and in a JSONL export,
//! naming the first bad seq.

mod common;

use common::{Spawned, bosun, text};
use serde_json::json;

/// A stopped server's database with 1 bootstrap event + 20 user creations, and its JSONL export.
async fn populated() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, key) = (server.url.clone(), server.admin_key());
    let client = reqwest::Client::new();
    for i in 0..20 {
        let resp = client
            .post(format!("{url}/api/v1/users"))
            .bearer_auth(&key)
            .json(&json!({"name": format!("u{i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
    }
    let export = client
        .get(format!("{url}/api/v1/audit?format=jsonl"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(export.lines().count(), 21);
    let db = server.db();
    server.stop();
    (dir, db, export)
}

fn verify_db(db: &std::path::Path) -> (i32, String) {
    let out = bosun(&["audit", "verify", "--db", db.to_str().unwrap()], None, None);
    (out.status.code().unwrap(), text(&out.stdout) + &text(&out.stderr))
}

fn verify_file(path: &std::path::Path) -> (i32, String) {
    let out = bosun(&["audit", "verify", "--file", path.to_str().unwrap()], None, None);
    (out.status.code().unwrap(), text(&out.stdout) + &text(&out.stderr))
}

/// Change history the way an attacker with file access would: around the triggers.
fn bypass_triggers(db: &std::path::Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(triggers.len(), 2, "the append-only triggers exist");
    conn.execute_batch("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;").unwrap();
    assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
    for t in triggers {
        conn.execute_batch(&t).unwrap();
    }
}

#[tokio::test]
async fn an_edited_row_is_named_by_seq() {
    let (_dir, db, _) = populated().await;
    assert_eq!(verify_db(&db), (0, "ok: 21 events verified in 1 chain(s)\n".into()));
    bypass_triggers(&db, "UPDATE audit_events SET details = '{\"name\":\"evil\"}' WHERE seq = 7");
    let (code, out) = verify_db(&db);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("seq 7: hash mismatch"), "{out}");
}

#[tokio::test]
async fn a_deleted_row_is_named_as_a_gap() {
    let (_dir, db, _) = populated().await;
    bypass_triggers(&db, "DELETE FROM audit_events WHERE seq = 12");
    let (code, out) = verify_db(&db);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("seq 12: gap"), "{out}");
}

#[tokio::test]
async fn an_edited_or_shortened_export_is_caught() {
    let (dir, _, export) = populated().await;
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, &export).unwrap();
    assert_eq!(verify_file(&path).0, 0);

    let mut lines: Vec<String> = export.lines().map(str::to_owned).collect();
    let original = lines[4].clone();
    lines[4] = original.replace("\"u3\"", "\"u9\"");
    assert_ne!(lines[4], original);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (code, out) = verify_file(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("seq 5: hash mismatch"), "{out}");

    lines[4] = original;
    lines.remove(9);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (code, out) = verify_file(&path);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("seq 10: gap"), "{out}");
}
