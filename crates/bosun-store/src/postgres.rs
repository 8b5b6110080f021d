//! The PostgreSQL backend: several nodes on one database.
//!
//! Migrations are versioned like SQLite's (`bosun_schema.version` instead of `PRAGMA
//! user_version`), applied at start or by `bosun migrate`, each in its own transaction, under an
//! advisory lock so that several nodes starting at once apply each migration exactly once; a
//! database newer than the binary is refused.
//!
//! Writes: each node has one writer session that takes queued jobs like SQLite's writer, groups
//! them by tenant, and commits each tenant's group in one transaction that first locks the
//! tenant's chain head (`audit_heads … FOR UPDATE`), each job inside its own savepoint. So the
//! writes of one tenant are serialised across all nodes, in the order of its audit chain (which
//! needs that order anyway: each event links to the one before), every read-modify-write of the
//! kernel sees the latest committed state, and no two transactions can wait on each other in a
//! cycle (the head is always the first lock taken). The commit sends `NOTIFY bosun_events` with
//! the tenant, so every node can read and publish the new events (see [`listen`]). Reads run on a
//! small pool of sessions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bosun_core::TenantId;
use postgres::{Client, NoTls};

use crate::db::{Db, PgSession};
use crate::queue::{Pool, Queued, WriteQueue};
use crate::tx::{Tx, run_jobs};

use crate::{Lane, ReadTx, Result, Store, StoreError, WriteJob};

/// Versioned migrations, applied in order.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_schema.sql")),
    (2, include_str!("../migrations/postgres/0002_retention.sql")),
    (3, include_str!("../migrations/postgres/0003_deliveries_by_tenant.sql")),
    (4, include_str!("../migrations/postgres/0004_dashboard.sql")),
    (5, include_str!("../migrations/postgres/0005_memory.sql")),
    (6, include_str!("../migrations/postgres/0006_workflows.sql")),
];

/// The advisory lock migrations run under (any fixed number; this one spells "bosun").
const MIGRATION_LOCK: i64 = 0x0062_6f73_756e;

fn unavailable(e: postgres::Error) -> StoreError {
    // The driver's text names the server and the failing statement, never the password.
    StoreError::Unavailable(format!("postgres: {e}"))
}

/// The newest schema version this binary knows.
pub fn supported() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

fn config(url: &str) -> Result<postgres::Config> {
    let mut config: postgres::Config =
        url.parse().map_err(|_| StoreError::Invalid("the database URL is not a valid postgres:// URL".into()))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    if config.get_application_name().is_none() {
        config.application_name("bosun");
    }
    Ok(config)
}

/// Connect to `url` (`postgres://user:pass@host:port/db`).
pub fn connect(url: &str) -> Result<Client> {
    open_client(&config(url)?)
}

/// A connection, over TLS when the URL says `sslmode=require`: the server's certificate is
/// verified against the system's roots plus the PEM certificates in `BOSUN_DATABASE_CA` (its
/// host name included). Otherwise plain TCP (a Unix socket or a trusted network).
fn open_client(config: &postgres::Config) -> Result<Client> {
    match config.get_ssl_mode() {
        postgres::config::SslMode::Require => config.connect(tls()?).map_err(unavailable),
        _ => config.connect(NoTls).map_err(unavailable),
    }
}

fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut extra = Vec::new();
    if let Ok(path) = std::env::var("BOSUN_DATABASE_CA") {
        let pem = std::fs::read(&path).map_err(|e| StoreError::Invalid(format!("BOSUN_DATABASE_CA {path}: {e}")))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            extra.push(cert.map_err(|e| StoreError::Invalid(format!("BOSUN_DATABASE_CA {path}: {e}")))?);
        }
    }
    let tls_error = |e: rustls::Error| StoreError::Invalid(format!("TLS to the database: {e}"));
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone()).map_err(tls_error)?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Bring the database at `url` to the newest schema; the version it is at after.
pub fn migrate(url: &str) -> Result<i64> {
    let mut client = connect(url)?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).map_err(unavailable)?;
    let applied = apply(&mut client);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).map_err(unavailable);
    let version = applied?;
    unlocked?;
    Ok(version)
}

fn apply(client: &mut Client) -> Result<i64> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS bosun_schema (only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                 version BIGINT NOT NULL);
             INSERT INTO bosun_schema (version) VALUES (0) ON CONFLICT DO NOTHING;",
        )
        .map_err(unavailable)?;
    let mut current: i64 = client.query_one("SELECT version FROM bosun_schema", &[]).map_err(unavailable)?.get(0);
    if current > supported() {
        return Err(StoreError::TooNew { found: current, supported: supported() });
    }
    let from = current;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > from) {
        let mut tx = client.transaction().map_err(unavailable)?;
        tx.batch_execute(sql).map_err(unavailable)?;
        tx.execute("UPDATE bosun_schema SET version = $1", &[version]).map_err(unavailable)?;
        tx.commit().map_err(unavailable)?;
        tracing::info!(version, "applied postgres migration");
        current = *version;
    }
    Ok(current)
}

/// The channel commits are announced on; the payload is the tenant id.
pub const EVENTS_CHANNEL: &str = "bosun_events";

/// The most jobs one transaction commits together.
const MAX_BATCH: usize = 1024;

#[derive(Clone, Debug)]
pub struct PgOptions {
    /// Read sessions per node.
    pub readers: usize,
    /// Jobs each writer lane holds before refusing more.
    pub writer_queue: usize,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self { readers: 4, writer_queue: crate::queue::DEFAULT_BOUND }
    }
}

/// A session that reconnects when the server closed it (a restart, a failover).
struct Session {
    config: postgres::Config,
    cell: RefCell<PgSession>,
}

impl Session {
    fn open(config: &postgres::Config) -> Result<Session> {
        let client = open_client(config)?;
        Ok(Session { config: config.clone(), cell: RefCell::new(PgSession::new(client)) })
    }

    /// The session, connected again first if the old connection is gone.
    fn ready(&mut self) -> Result<&RefCell<PgSession>> {
        if self.cell.get_mut().client.is_closed() {
            let client = open_client(&self.config)?;
            *self.cell.get_mut() = PgSession::new(client);
            tracing::info!("reconnected to postgres");
        }
        Ok(&self.cell)
    }
}

pub struct PgStore {
    queue: Arc<WriteQueue>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Pool<Session>,
}

impl PgStore {
    /// Connect, migrate, start the writer. Callable from async code too: the blocking client's
    /// connections are made on a thread of their own.
    pub fn open(url: &str, options: &PgOptions) -> Result<Self> {
        let (url, options) = (url.to_owned(), options.clone());
        std::thread::scope(|s| s.spawn(|| Self::open_here(&url, &options)).join())
            .map_err(|_| StoreError::Internal("opening postgres panicked".into()))?
    }

    fn open_here(url: &str, options: &PgOptions) -> Result<Self> {
        migrate(url)?;
        let config = config(url)?;
        let writer = Session::open(&config)?;
        let readers = (0..options.readers.max(1)).map(|_| Session::open(&config)).collect::<Result<Vec<_>>>()?;
        let queue = Arc::new(WriteQueue::new(options.writer_queue));
        let jobs = queue.clone();
        let writer = std::thread::Builder::new()
            .name("bosun-pg-writer".into())
            .spawn(move || writer_loop(writer, &jobs))
            .map_err(internal)?;
        Ok(Self { queue, writer: Mutex::new(Some(writer)), readers: Pool::new(readers) })
    }
}

fn internal(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(e.to_string())
}

impl Store for PgStore {
    fn submit(&self, lane: Lane, tenant: Option<TenantId>, job: WriteJob) -> Result<()> {
        self.queue.push(lane, tenant, job)
    }

    fn read_blocking(&self, job: &mut dyn FnMut(&mut dyn ReadTx)) {
        self.readers.with(|session| match session.ready() {
            Ok(cell) => job(&mut Tx::new(Db::Pg(cell), None)),
            Err(e) => {
                tracing::warn!(error = %e, "no postgres session for a read");
                // The job sees the failure on its first query.
                job(&mut Tx::new(Db::Pg(&session.cell), None));
            }
        });
    }

    fn shutdown(&self) {
        self.queue.close();
        if let Some(handle) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = handle.join();
        }
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        self.shutdown();
        // Closing a blocking client blocks on its connection: never on an async runtime's thread.
        let sessions = self.readers.drain();
        let _ = std::thread::spawn(move || drop(sessions)).join();
    }
}

fn writer_loop(mut session: Session, jobs: &WriteQueue) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.take(MAX_BATCH, &mut batch).is_some() {
        metrics::histogram!("bosun_writer_batch_size").record(batch.len() as f64);
        for (tenant, group) in by_tenant(&mut batch) {
            match session.ready() {
                Ok(cell) => commit_group(cell, tenant, group),
                // Dropping the jobs answers their callers "unavailable".
                Err(e) => tracing::error!(error = %e, "postgres is unreachable; writes refused"),
            }
        }
    }
}

/// The batch's jobs grouped by tenant, each group in queue order.
fn by_tenant(batch: &mut Vec<Queued>) -> Vec<(Option<TenantId>, Vec<WriteJob>)> {
    let mut groups: Vec<(Option<TenantId>, Vec<WriteJob>)> = Vec::new();
    for (tenant, job) in batch.drain(..) {
        match groups.iter_mut().find(|(t, _)| *t == tenant) {
            Some((_, jobs)) => jobs.push(job),
            None => groups.push((tenant, vec![job])),
        }
    }
    groups
}

/// One tenant's jobs in one transaction that first locks the tenant's chain head. Round trips
/// are what a write costs here, so the fixed ones are few: `BEGIN` with the head's lock, then the
/// jobs (savepoints only when there are several), then the heads' new values, the announcement
/// and `COMMIT` together.
fn commit_group(cell: &RefCell<PgSession>, tenant: Option<TenantId>, jobs: Vec<WriteJob>) {
    let db = Db::Pg(cell);
    let mut heads = HashMap::new();
    let begun = (|| -> Result<()> {
        let Some(tenant) = tenant else { return db.control("BEGIN") };
        // A tenant id is a ULID (letters and digits): safe as a literal, and one round trip.
        let rows = cell
            .borrow_mut()
            .client
            .simple_query(&format!("BEGIN; SELECT seq, hash FROM audit_heads WHERE tenant_id = '{tenant}' FOR UPDATE"))
            .map_err(|e| crate::db::pg_error(&e))?;
        for row in rows {
            if let postgres::SimpleQueryMessage::Row(r) = row {
                let seq = r.get(0).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
                if seq > 0 {
                    heads.insert(tenant.to_string(), (seq, r.get(1).unwrap_or_default().to_owned()));
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = begun {
        tracing::error!(error = %e, "cannot begin a write transaction");
        let _ = db.control("ROLLBACK");
        return;
    }
    let start = heads.clone();
    let savepoints = jobs.len() > 1;
    let ran = run_jobs(&db, jobs.into_iter(), &mut heads, savepoints);
    let outcome = if ran.broken {
        Err(StoreError::Unavailable("savepoint handling failed".into()))
    } else if ran.discarded && !savepoints {
        // The only job failed: nothing to keep.
        db.control("ROLLBACK")
    } else {
        finish(&db, &start, &heads, ran.appends)
    };
    match outcome {
        Ok(()) => {
            metrics::counter!("bosun_audit_appends_total").increment(ran.appends);
            ran.replies.into_iter().for_each(|r| r(Ok(())));
        }
        Err(e) => {
            tracing::error!(error = %e, "commit failed");
            let _ = db.control("ROLLBACK");
            ran.replies.into_iter().for_each(|r| r(Err(StoreError::Unavailable("the commit failed".into()))));
        }
    }
}

/// Write the heads that moved, announce the tenants, commit: one round trip.
fn finish(
    db: &Db<'_>,
    start: &HashMap<String, (u64, String)>,
    heads: &HashMap<String, (u64, String)>,
    appends: u64,
) -> Result<()> {
    let literal = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
    let mut sql = String::new();
    for (tenant, (seq, hash)) in heads.iter().filter(|(t, h)| start.get(*t) != Some(*h)) {
        if !literal(tenant) || !literal(hash) {
            return Err(StoreError::Internal("a chain head that is not a plain id and hash".into()));
        }
        sql.push_str(&format!("UPDATE audit_heads SET seq = {seq}, hash = '{hash}' WHERE tenant_id = '{tenant}';"));
        if appends > 0 {
            sql.push_str(&format!("SELECT pg_notify('{EVENTS_CHANNEL}', '{tenant}');"));
        }
    }
    sql.push_str("COMMIT");
    db.control(&sql)
}

/// Listen for commits announced by any node: calls `on_commit(tenant)` for each announcement,
/// and `on_commit(None)` after (re)connecting, when announcements may have been missed. Runs
/// until `stop` returns true; reconnects after a lost connection.
pub fn listen(url: &str, stop: &dyn Fn() -> bool, on_commit: &mut dyn FnMut(Option<&str>)) -> Result<()> {
    use postgres::fallible_iterator::FallibleIterator;
    let config = config(url)?;
    while !stop() {
        let mut client = match open_client(&config) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for commits; retrying");
                std::thread::sleep(Duration::from_millis(500));
                continue;
            }
        };
        if let Err(e) = client.batch_execute(&format!("LISTEN {EVENTS_CHANNEL}")) {
            tracing::warn!(error = %e, "LISTEN failed; retrying");
            std::thread::sleep(Duration::from_millis(500));
            continue;
        }
        on_commit(None);
        loop {
            if stop() {
                return Ok(());
            }
            let next = client.notifications().timeout_iter(Duration::from_millis(250)).next();
            match next {
                Ok(Some(n)) => on_commit(Some(n.payload())),
                Ok(None) => {
                    if client.is_closed() {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the commit listener lost its connection");
                    break;
                }
            }
        }
    }
    Ok(())
}

/// The advisory lock whose holder runs the work one node does for all (the alert engine, webhook
/// deliveries).
const LEADER_LOCK: i64 = 0x0062_6f73_756e_4c44;

/// Take part in choosing the node that does the work one node does for all: a session holds an
/// advisory lock while its node leads; when that session ends (the node died, the network
/// failed) the server releases the lock and another node takes it within a second.
/// `on_change(true|false)` reports this node's role, the first time as soon as it is known;
/// runs until `stop` returns true.
pub fn lead(url: &str, stop: &dyn Fn() -> bool, on_change: &mut dyn FnMut(bool)) -> Result<()> {
    let config = config(url)?;
    let mut known: Option<bool> = None;
    let mut set = |now: bool, leading: &mut bool| {
        if known != Some(now) {
            known = Some(now);
            *leading = now;
            on_change(now);
        }
    };
    let mut leading = false;
    while !stop() {
        let mut client = match open_client(&config) {
            Ok(c) => c,
            Err(e) => {
                set(false, &mut leading);
                tracing::warn!(error = %e, "cannot reach postgres to lead; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        while !stop() {
            let held = if leading {
                client.simple_query("SELECT 1").map(|_| true)
            } else {
                client.query_one("SELECT pg_try_advisory_lock($1)", &[&LEADER_LOCK]).map(|r| r.get::<_, bool>(0))
            };
            match held {
                Ok(now) => set(now, &mut leading),
                Err(e) => {
                    tracing::warn!(error = %e, "the leader's session was lost");
                    set(false, &mut leading);
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    set(false, &mut leading);
    Ok(())
}

/// A database of its own for one test, made on a PostgreSQL server and dropped with the guard.
/// Usable from async code (the blocking client runs on a thread of its own).
pub struct ScratchDatabase {
    server: String,
    name: String,
    /// The new database's URL.
    pub url: String,
}

/// The server tests use: `BOSUN_TEST_POSTGRES`, or the role `scripts/pg.sh` makes.
pub fn test_server_url() -> String {
    std::env::var("BOSUN_TEST_POSTGRES").unwrap_or_else(|_| "postgres://bosun:bosun@127.0.0.1:5432/postgres".into())
}

/// Whether the behaviour suites run on PostgreSQL (`BOSUN_TEST_BACKEND=postgres`) instead of SQLite.
pub fn tests_use_postgres() -> bool {
    std::env::var("BOSUN_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

impl ScratchDatabase {
    pub fn create(server: &str) -> Result<ScratchDatabase> {
        let server = server.to_owned();
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut client = connect(&server)?;
                let name = format!("bosun_test_{}", bosun_core::ids::next_ulid().to_string().to_lowercase());
                client.batch_execute(&format!("CREATE DATABASE {name}")).map_err(unavailable)?;
                let url = match server.rsplit_once('/') {
                    Some((host, _)) => format!("{host}/{name}"),
                    None => return Err(StoreError::Invalid("the server URL must name a database".into())),
                };
                Ok(ScratchDatabase { server: server.clone(), name, url })
            })
            .join()
            .map_err(|_| StoreError::Internal("creating a database panicked".into()))?
        })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            if let Ok(mut client) = connect(&server) {
                let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}
