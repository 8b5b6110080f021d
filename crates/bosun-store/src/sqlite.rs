//! The embedded backend: SQLite in WAL mode. One writer thread group-commits queued jobs (each in
//! its own savepoint, so one job's failure rolls back only its own changes); reads run on a small
//! pool of read-only connections.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bosun_core::TenantId;
use rusqlite::{Connection, OpenFlags};

use crate::db::Db;
use crate::queue::{Pool, Queued, WriteQueue};
use crate::tx::{Tx, run_jobs};
use crate::{Lane, ReadTx, Result, Store, StoreError, WriteJob};

/// Versioned migrations, applied in order at start. `PRAGMA user_version` records the last one.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_identity_and_audit.sql")),
    (2, include_str!("../migrations/sqlite/0002_coordination.sql")),
    (3, include_str!("../migrations/sqlite/0003_messages.sql")),
    (4, include_str!("../migrations/sqlite/0004_enrolment_keys.sql")),
    (5, include_str!("../migrations/sqlite/0005_liveness.sql")),
    (6, include_str!("../migrations/sqlite/0006_governance.sql")),
    (7, include_str!("../migrations/sqlite/0007_approvals.sql")),
    (8, include_str!("../migrations/sqlite/0008_guardrail_rules.sql")),
    (9, include_str!("../migrations/sqlite/0009_evidence.sql")),
    (10, include_str!("../migrations/sqlite/0010_governance_settings.sql")),
    (11, include_str!("../migrations/sqlite/0011_budgets.sql")),
    (12, include_str!("../migrations/sqlite/0012_alerts.sql")),
    (13, include_str!("../migrations/sqlite/0013_budget_counters.sql")),
    (14, include_str!("../migrations/sqlite/0014_retention.sql")),
    (15, include_str!("../migrations/sqlite/0015_deliveries_by_tenant.sql")),
    (16, include_str!("../migrations/sqlite/0016_dashboard.sql")),
    (17, include_str!("../migrations/sqlite/0017_memory.sql")),
    (18, include_str!("../migrations/sqlite/0018_workflows.sql")),
];

/// The most jobs one transaction commits together.
const MAX_BATCH: usize = 1024;

#[derive(Clone, Debug)]
pub struct SqliteOptions {
    pub readers: usize,
    /// Jobs each writer lane holds before refusing more (admission control, see `queue`).
    pub writer_queue: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self { readers: 4, writer_queue: crate::queue::DEFAULT_BOUND }
    }
}

pub struct SqliteStore {
    /// `None` for a read-only store.
    queue: Option<Arc<WriteQueue>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Pool<Connection>,
}

impl SqliteStore {
    /// Open (creating if needed) and migrate the database, then start the writer.
    pub fn open(path: &Path, options: &SqliteOptions) -> Result<Self> {
        let mut conn = Connection::open(path).map_err(internal)?;
        // `secure_delete`: what the writer deletes is overwritten with zeros, not left in free
        // pages (erased memories must be gone from the file, SPEC §3.6).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON;",
        )
        .map_err(internal)?;
        stable_plans(&conn)?;
        migrate(&mut conn)?;
        let readers = read_pool(path, options.readers.max(1))?;
        let queue = Arc::new(WriteQueue::new(options.writer_queue));
        let jobs = queue.clone();
        let writer = std::thread::Builder::new()
            .name("bosun-writer".into())
            .spawn(move || writer_loop(conn, &jobs))
            .map_err(internal)?;
        Ok(Self { queue: Some(queue), writer: Mutex::new(Some(writer)), readers })
    }

    /// Open an existing database for reading only (offline verification). Writes are refused.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(StoreError::Unavailable(format!("no database at {}", path.display())));
        }
        let readers = read_pool(path, 1)?;
        readers.with(|conn| check_version(user_version(conn)?))?;
        Ok(Self { queue: None, writer: Mutex::new(None), readers })
    }
}

impl Store for SqliteStore {
    fn submit(&self, lane: Lane, tenant: Option<TenantId>, job: WriteJob) -> Result<()> {
        let queue = self.queue.as_ref().ok_or_else(|| StoreError::Unavailable("the store is read-only".into()))?;
        queue.push(lane, tenant, job)
    }

    fn read_blocking(&self, job: &mut dyn FnMut(&mut dyn ReadTx)) {
        self.readers.with(|conn| job(&mut Tx::new(Db::Lite(conn), None)));
    }

    fn shutdown(&self) {
        if let Some(queue) = &self.queue {
            queue.close();
        }
        if let Some(handle) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = handle.join();
        }
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Plans that do not depend on bound values (SQLite's Query Planner Stability Guarantee).
/// Without it, SQLite marks parameters used in `LIMIT ?` or near partial indexes as "re-prepare
/// on rebind", and every execution with new values re-plans: profiled at ~25% of the writer's
/// time. Our queries get their plans from their indexes (partial-index queries use literals).
fn stable_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(internal)?;
    Ok(())
}

fn user_version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(internal)
}

/// The newest schema version this binary knows.
pub fn supported() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

fn check_version(found: i64) -> Result<()> {
    let supported = MIGRATIONS.last().map_or(0, |m| m.0);
    if found > supported { Err(StoreError::TooNew { found, supported }) } else { Ok(()) }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let current = user_version(conn)?;
    check_version(current)?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        let tx = conn.transaction().map_err(internal)?;
        tx.execute_batch(sql).map_err(internal)?;
        tx.pragma_update(None, "user_version", version).map_err(internal)?;
        tx.commit().map_err(internal)?;
        tracing::info!(version, "applied migration");
    }
    Ok(())
}

fn writer_loop(mut conn: Connection, jobs: &WriteQueue) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.take(MAX_BATCH, &mut batch).is_some() {
        metrics::histogram!("bosun_writer_batch_size").record(batch.len() as f64);
        commit_batch(&mut conn, &mut batch);
    }
    // Closed and drained: everything queued has been committed. Fold the WAL back in.
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
}

/// Run every job of the batch in one transaction, each inside its own savepoint; commit once;
/// then answer every caller with the transaction's fate.
fn commit_batch(conn: &mut Connection, batch: &mut Vec<Queued>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        tracing::error!(error = %e, "cannot begin a write transaction");
        batch.clear(); // dropping a job answers its caller "unavailable"
        return;
    }
    // Chain heads learned in this batch. Only this thread writes, and any rollback clears it, so
    // it never disagrees with the database; it is dropped with the batch.
    let mut heads = HashMap::new();
    let ran = run_jobs(&Db::Lite(conn), batch.drain(..).map(|(_, job)| job), &mut heads, true);
    let committed = if ran.broken {
        Err("savepoint handling failed".to_owned())
    } else {
        conn.execute_batch("COMMIT").map_err(|e| e.to_string())
    };
    match committed {
        Ok(()) => {
            metrics::counter!("bosun_audit_appends_total").increment(ran.appends);
            if ran.scrub {
                scrub(conn);
            }
            ran.replies.into_iter().for_each(|r| r(Ok(())));
        }
        Err(e) => {
            tracing::error!(error = %e, "commit failed");
            let _ = conn.execute_batch("ROLLBACK");
            ran.replies.into_iter().for_each(|r| r(Err(StoreError::Unavailable("the commit failed".into()))));
        }
    }
}

/// After an erasure: fold the WAL back into the file and empty it, so that no frame still holds
/// a page as it was before (the file's own copies were overwritten: `secure_delete`). Readers
/// in the middle of a read can hold it up for the busy timeout; if one outlasts it, the next
/// erasure (or shutdown) finishes the job, and the failure is logged.
fn scrub(conn: &Connection) {
    match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)) {
        Ok(0) => {}
        Ok(_) => tracing::warn!("the WAL checkpoint after an erasure was blocked by a reader"),
        Err(e) => tracing::warn!(error = %e, "the WAL checkpoint after an erasure failed"),
    }
}

/// SQLite's read-only connections.
fn read_pool(path: &Path, n: usize) -> Result<Pool<Connection>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conns = (0..n)
        .map(|_| {
            let c = Connection::open_with_flags(path, flags).map_err(internal)?;
            c.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;").map_err(internal)?;
            stable_plans(&c)?;
            Ok(c)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Pool::new(conns))
}

pub(crate) fn internal(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(e.to_string())
}

pub(crate) fn read_err(e: rusqlite::Error) -> StoreError {
    internal(e)
}

pub(crate) fn write_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Conflict(msg.clone().unwrap_or_else(|| "constraint violated".into()))
        }
        _ => internal(e),
    }
}
