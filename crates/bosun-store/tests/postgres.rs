//! The PostgreSQL schema against a real PostgreSQL (started by `.ci/run`, or `scripts/pg.sh`):
//! migrations apply once, also when several nodes start together; a newer database is refused;
//! the audit log refuses UPDATE, DELETE and TRUNCATE. Each test makes its own database.

use bosun_store::StoreError;

use bosun_store::postgres::{ScratchDatabase, test_server_url};

/// A fresh database; dropped when the guard goes.
struct Db(ScratchDatabase);

impl Db {
    fn new() -> Db {
        let server = test_server_url();
        Db(ScratchDatabase::create(&server).unwrap_or_else(|e| {
            panic!("PostgreSQL is not reachable at {server} ({e}); start it with scripts/pg.sh (.ci/run does)")
        }))
    }
}

impl std::ops::Deref for Db {
    type Target = ScratchDatabase;
    fn deref(&self) -> &ScratchDatabase {
        &self.0
    }
}

#[test]
fn migrations_apply_once_even_when_nodes_start_together() {
    let db = Db::new();
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || bosun_store::postgres::migrate(&url))
        })
        .collect();
    for node in nodes {
        assert_eq!(node.join().unwrap().unwrap(), bosun_store::postgres::supported());
    }
    assert_eq!(bosun_store::postgres::migrate(&db.url).unwrap(), bosun_store::postgres::supported(), "idempotent");
    let mut c = bosun_store::postgres::connect(&db.url).unwrap();
    let tables: i64 = c
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables, 37, "36 tables of the schema and bosun_schema");
    let version: i64 = c.query_one("SELECT version FROM bosun_schema", &[]).unwrap().get(0);
    assert_eq!(version, bosun_store::postgres::supported());
}

#[test]
fn a_database_newer_than_the_binary_is_refused() {
    let db = Db::new();
    bosun_store::postgres::migrate(&db.url).unwrap();
    let mut c = bosun_store::postgres::connect(&db.url).unwrap();
    c.execute("UPDATE bosun_schema SET version = 999", &[]).unwrap();
    match bosun_store::postgres::migrate(&db.url) {
        Err(StoreError::TooNew { found: 999, supported }) => assert_eq!(supported, bosun_store::postgres::supported()),
        other => panic!("expected TooNew, got {other:?}"),
    }
}

#[test]
fn the_audit_log_refuses_to_change_history() {
    let db = Db::new();
    bosun_store::postgres::migrate(&db.url).unwrap();
    let mut c = bosun_store::postgres::connect(&db.url).unwrap();
    c.batch_execute(
        "INSERT INTO tenants (id, name, system, created_at) VALUES ('T', 't', 0, 'now');
         INSERT INTO audit_events (tenant_id, seq, at, actor_type, action, outcome, severity, details, prev_hash, hash)
             VALUES ('T', 1, 'now', 'system', 'tenant.created', 'ok', 'info', '{}', '', 'h1');",
    )
    .unwrap();
    for change in ["UPDATE audit_events SET hash = 'forged'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
        let e = c.batch_execute(change).unwrap_err();
        assert!(e.to_string().contains("append-only") || format!("{e:?}").contains("append-only"), "{change}: {e:?}");
    }
    let n: i64 = c.query_one("SELECT count(*) FROM audit_events", &[]).unwrap().get(0);
    assert_eq!(n, 1);
}

#[test]
fn messages_are_searchable_by_their_words() {
    let db = Db::new();
    bosun_store::postgres::migrate(&db.url).unwrap();
    let mut c = bosun_store::postgres::connect(&db.url).unwrap();
    c.batch_execute(
        "INSERT INTO tenants (id, name, system, created_at) VALUES ('T', 't', 0, 'now');
         INSERT INTO messages (tenant_id, id, thread_id, project, sender_type, sender_id, sender_name, type, subject,
             body, payload, importance, ack_required, created_us)
         VALUES ('T', 'M1', 'M1', 'p', 'agent', 'A', 'a', 'note', 'Parser review', 'The lexer tests fail on CRLF', '{}',
             'normal', 0, 1),
                ('T', 'M2', 'M2', 'p', 'agent', 'A', 'a', 'note', 'Lunch', 'Pizza at noon', '{}', 'normal', 0, 2);",
    )
    .unwrap();
    let rows = c
        .query(
            "SELECT id FROM messages WHERE search @@ websearch_to_tsquery('simple', $1) ORDER BY id",
            &[&"lexer CRLF"],
        )
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.get::<_, String>(0)).collect::<Vec<_>>(), ["M1"]);
}

/// The same suite SQLite passes (`sqlite_conformance.rs`). The blocking client must not run on
/// the async runtime's threads, so the database is made outside it.
#[test]
fn postgres_passes_the_conformance_suite() {
    let db = Db::new();
    let store: std::sync::Arc<dyn bosun_store::Store> = std::sync::Arc::new(
        bosun_store::postgres::PgStore::open(&db.url, &bosun_store::postgres::PgOptions::default()).unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(bosun_store::conformance::run_all(store.clone()));
    store.shutdown();
}

/// `sslmode=require` connects over TLS and verifies the server's certificate, its name included:
/// Debian's PostgreSQL serves TLS with the `ssl-cert` package's self-signed certificate for
/// `localhost` (trusted here through `BOSUN_DATABASE_CA`), so `localhost` is accepted and the
/// same server reached as `127.0.0.1` is refused.
#[test]
fn tls_when_the_url_asks_for_it_with_the_certificate_verified() {
    const SNAKEOIL: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    assert!(std::path::Path::new(SNAKEOIL).exists(), "Debian's postgresql (ssl-cert) provides {SNAKEOIL}");
    let db = Db::new();
    // The only test in this binary that reads the variable.
    unsafe { std::env::set_var("BOSUN_DATABASE_CA", SNAKEOIL) };
    let by_name = format!("{}?sslmode=require", db.url.replace("127.0.0.1", "localhost"));
    let mut client = bosun_store::postgres::connect(&by_name).expect("the certificate for localhost is accepted");
    let encrypted: bool =
        client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
    assert!(encrypted, "the session is encrypted");
    let by_address = format!("{}?sslmode=require", db.url.replace("localhost", "127.0.0.1"));
    let refused = bosun_store::postgres::connect(&by_address).err().expect("a certificate for another name is refused");
    assert!(matches!(refused, StoreError::Unavailable(_)), "{refused}");
    // Without sslmode=require the connection is plain TCP (a trusted network or a socket).
    let mut plain = bosun_store::postgres::connect(&db.url).unwrap();
    let encrypted: bool =
        plain.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
    assert!(!encrypted);
    unsafe { std::env::remove_var("BOSUN_DATABASE_CA") };
}
