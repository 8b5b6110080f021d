//! The store conformance suite on a real SQLite file, plus SQLite-only behaviour.

use std::sync::Arc;

use bosun_store::sqlite::{SqliteOptions, SqliteStore};
use bosun_store::{Store, StoreError, conformance};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("bosun.db"), &SqliteOptions::default()).unwrap());
    conformance::run_all(store.clone()).await;
    store.shutdown();
}

#[test]
fn the_database_refuses_to_change_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bosun.db");
    drop(SqliteStore::open(&path, &SqliteOptions::default()).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO audit_events VALUES ('t', 1, 'at', 'user', NULL, NULL, 'a.b', NULL, NULL, NULL, 'ok', 'info', '{}', NULL, NULL, NULL, 'p', 'h');",
    )
    .unwrap();
    for sql in ["UPDATE audit_events SET details = '{\"x\":1}'", "DELETE FROM audit_events"] {
        let err = conn.execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn a_newer_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bosun.db");
    drop(SqliteStore::open(&path, &SqliteOptions::default()).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
    match SqliteStore::open(&path, &SqliteOptions::default()) {
        Err(StoreError::TooNew { found: 999, supported }) => assert!(supported >= 1),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer database was opened"),
    }
}
