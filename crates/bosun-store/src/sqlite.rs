//! The embedded backend: SQLite in WAL mode. One writer thread group-commits queued jobs (each in
//! its own savepoint, so one job's failure rolls back only its own changes); reads run on a small
//! pool of read-only connections.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use bosun_core::audit::{AuditDraft, AuditEvent, GENESIS};
use bosun_core::model::{Agent, ApiKey, Handoff, Lock, Message, Owner, Recipient, Tenant, User};
use bosun_core::task::Task;
use bosun_core::{AgentId, KeyId, LockId, MessageId, Role, TaskId, TenantId, Timestamp, UserId};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};
use serde_json::Value;

use crate::audit_rows::{AUDIT_COLUMNS, audit_row, collect_audit};
use crate::queue::WriteQueue;
use crate::{
    AgentFilter, Alert, Approval, AuditFilter, Delivery, EgressRecord, Finish, GovernanceSettings, HandoffFilter,
    IdempotentReply, InboxFilter, Lane, Page, PolicyVersion, ReadTx, Reservation, Result, SpendFilter, Store,
    StoreError, TaskFilter, UsageRecord, Webhook, WriteJob, WriteTx, alerts, budgets, coord, governance, messages,
};

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
    readers: ReadPool,
}

impl SqliteStore {
    /// Open (creating if needed) and migrate the database, then start the writer.
    pub fn open(path: &Path, options: &SqliteOptions) -> Result<Self> {
        let mut conn = Connection::open(path).map_err(internal)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;",
        )
        .map_err(internal)?;
        stable_plans(&conn)?;
        migrate(&mut conn)?;
        let readers = ReadPool::open(path, options.readers.max(1))?;
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
        let readers = ReadPool::open(path, 1)?;
        readers.with(|conn| check_version(user_version(conn)?))?;
        Ok(Self { queue: None, writer: Mutex::new(None), readers })
    }
}

impl Store for SqliteStore {
    fn submit(&self, lane: Lane, job: WriteJob) -> Result<()> {
        let queue = self.queue.as_ref().ok_or_else(|| StoreError::Unavailable("the store is read-only".into()))?;
        queue.push(lane, job)
    }

    fn read_blocking(&self, job: &mut dyn FnMut(&mut dyn ReadTx)) {
        self.readers.with(|conn| job(&mut Tx { conn, appends: 0, heads: None }));
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
fn commit_batch(conn: &mut Connection, batch: &mut Vec<WriteJob>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        tracing::error!(error = %e, "cannot begin a write transaction");
        batch.clear(); // dropping a job answers its caller "unavailable"
        return;
    }
    let mut replies = Vec::with_capacity(batch.len());
    let mut appends = 0u64;
    // Chain heads learned in this batch. Only this thread writes, and any rollback clears it, so
    // it never disagrees with the database; it is dropped with the batch.
    let mut heads = HashMap::new();
    for job in batch.drain(..) {
        let step = (|| -> rusqlite::Result<()> {
            conn.prepare_cached("SAVEPOINT job")?.execute([])?;
            let mut tx = Tx { conn, appends: 0, heads: Some(&mut heads) };
            let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut tx)));
            let job_appends = tx.appends;
            match finished {
                Ok(Finish { keep: true, reply }) => {
                    conn.prepare_cached("RELEASE job")?.execute([])?;
                    appends += job_appends;
                    replies.push(reply);
                }
                Ok(Finish { keep: false, reply }) => {
                    heads.clear();
                    conn.prepare_cached("ROLLBACK TO job")?.execute([])?;
                    conn.prepare_cached("RELEASE job")?.execute([])?;
                    replies.push(reply);
                }
                Err(_) => {
                    tracing::error!("a write job panicked; its changes were rolled back");
                    heads.clear();
                    conn.prepare_cached("ROLLBACK TO job")?.execute([])?;
                    conn.prepare_cached("RELEASE job")?.execute([])?;
                }
            }
            Ok(())
        })();
        if let Err(e) = step {
            heads.clear();
            tracing::error!(error = %e, "savepoint handling failed");
        }
    }
    match conn.execute_batch("COMMIT") {
        Ok(()) => {
            metrics::counter!("bosun_audit_appends_total").increment(appends);
            replies.into_iter().for_each(|r| r(Ok(())));
        }
        Err(e) => {
            tracing::error!(error = %e, "commit failed");
            let _ = conn.execute_batch("ROLLBACK");
            replies.into_iter().for_each(|r| r(Err(StoreError::Unavailable("the commit failed".into()))));
        }
    }
}

struct ReadPool {
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

impl ReadPool {
    fn open(path: &Path, n: usize) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conns = (0..n)
            .map(|_| {
                let c = Connection::open_with_flags(path, flags).map_err(internal)?;
                c.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;").map_err(internal)?;
                stable_plans(&c)?;
                Ok(c)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { idle: Mutex::new(conns), returned: Condvar::new() })
    }

    fn with<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        let conn = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(c) = idle.pop() {
                    break c;
                }
                idle = self.returned.wait(idle).unwrap_or_else(|e| e.into_inner());
            }
        };
        // Put the connection back even if `f` panics.
        struct Return<'p>(&'p ReadPool, Option<Connection>);
        impl Drop for Return<'_> {
            fn drop(&mut self) {
                if let Some(c) = self.1.take() {
                    self.0.idle.lock().unwrap_or_else(|e| e.into_inner()).push(c);
                    self.0.returned.notify_one();
                }
            }
        }
        let guard = Return(self, Some(conn));
        f(guard.1.as_ref().expect("present"))
    }
}

pub(crate) fn internal(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(e.to_string())
}

pub(crate) fn write_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Conflict(msg.clone().unwrap_or_else(|| "constraint violated".into()))
        }
        _ => internal(e),
    }
}

/// A connection seen through the store's operations: a write transaction on the writer, or a
/// pooled read connection.
pub(crate) struct Tx<'c> {
    pub(crate) conn: &'c Connection,
    appends: u64,
    /// Chain heads (seq, hash) by tenant, known within the current write batch; `None` on reads.
    heads: Option<&'c mut HashMap<String, (u64, String)>>,
}

fn tenant_row(r: &Row<'_>) -> rusqlite::Result<Tenant> {
    Ok(Tenant { id: parse_id(r, 0, TenantId::parse)?, name: r.get(1)?, system: r.get(2)?, created_at: r.get(3)? })
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    let metadata: String = r.get(4)?;
    Ok(User {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: parse_id(r, 1, UserId::parse)?,
        name: r.get(2)?,
        role: Role::parse(&role).ok_or_else(|| bad_column(3, "role"))?,
        metadata: serde_json::from_str(&metadata).unwrap_or(Value::Null),
        created_at: r.get(5)?,
    })
}

const KEY_COLUMNS: &str = "tenant_id, id, owner_type, owner_id, prefix, hash, label, created_at, revoked_at, enrolment";

fn key_row(r: &Row<'_>) -> rusqlite::Result<ApiKey> {
    let (kind, id): (String, String) = (r.get(2)?, r.get(3)?);
    Ok(ApiKey {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: parse_id(r, 1, KeyId::parse)?,
        owner: Owner::parse(&kind, &id).ok_or_else(|| bad_column(3, "owner"))?,
        prefix: r.get(4)?,
        hash: r.get(5)?,
        label: r.get(6)?,
        created_at: r.get(7)?,
        revoked_at: r.get(8)?,
        enrolment: r.get(9)?,
    })
}

pub(crate) fn parse_id<T>(r: &Row<'_>, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    parse(&s).ok_or_else(|| bad_column(i, "id"))
}

pub(crate) fn bad_column(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, format!("bad {what}").into())
}

impl ReadTx for Tx<'_> {
    fn ping(&mut self) -> Result<()> {
        self.conn.query_row("SELECT count(*) FROM tenants", [], |r| r.get::<_, i64>(0)).map_err(internal)?;
        Ok(())
    }

    fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, system, created_at FROM tenants WHERE id = ?1")
            .map_err(internal)?;
        stmt.query_row([id.to_string()], tenant_row).optional().map_err(internal)
    }

    fn list_tenants(&mut self) -> Result<Vec<Tenant>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, system, created_at FROM tenants ORDER BY id")
            .map_err(internal)?;
        stmt.query_map([], tenant_row).map_err(internal)?.collect::<rusqlite::Result<_>>().map_err(internal)
    }

    fn user(&mut self, tenant: TenantId, id: UserId) -> Result<Option<User>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT tenant_id, id, name, role, metadata, created_at FROM users WHERE tenant_id = ?1 AND id = ?2",
            )
            .map_err(internal)?;
        stmt.query_row([tenant.to_string(), id.to_string()], user_row).optional().map_err(internal)
    }

    fn list_users(&mut self, tenant: TenantId, after: Option<UserId>, limit: u32) -> Result<Vec<User>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT tenant_id, id, name, role, metadata, created_at FROM users
                 WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )
            .map_err(internal)?;
        let after = after.map(|a| a.to_string()).unwrap_or_default();
        stmt.query_map(params![tenant.to_string(), after, limit], user_row)
            .map_err(internal)?
            .collect::<rusqlite::Result<_>>()
            .map_err(internal)
    }

    fn key(&mut self, tenant: TenantId, id: KeyId) -> Result<Option<ApiKey>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = ?1 AND id = ?2"))
            .map_err(internal)?;
        stmt.query_row([tenant.to_string(), id.to_string()], key_row).optional().map_err(internal)
    }

    fn key_by_prefix(&mut self, prefix: &str) -> Result<Option<ApiKey>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE prefix = ?1"))
            .map_err(internal)?;
        stmt.query_row([prefix], key_row).optional().map_err(internal)
    }

    fn query_audit(&mut self, tenant: TenantId, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEvent>> {
        use rusqlite::types::Value as V;
        let mut sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE tenant_id = ?1");
        let mut args = vec![V::Text(tenant.to_string())];
        let mut push = |clause: &str, value: V| {
            args.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(actor) = &filter.actor {
            push(" AND (actor_id = ?", V::Text(actor.clone()));
            push(" OR actor_name = ?)", V::Text(actor.clone()));
        }
        if let Some(prefix) = &filter.action_prefix {
            // Exact string prefix: substr avoids LIKE's wildcards and case folding.
            push(" AND substr(action, 1, length(?)) = ", V::Text(prefix.clone()));
            push("?", V::Text(prefix.clone()));
        }
        if let Some(target) = &filter.target {
            push(" AND target_id = ?", V::Text(target.clone()));
        }
        if let Some(o) = filter.outcome {
            push(" AND outcome = ?", V::Text(o.as_str().into()));
        }
        if let Some(s) = filter.severity {
            push(" AND severity = ?", V::Text(s.as_str().into()));
        }
        if let Some(from) = &filter.from {
            push(" AND at >= ?", V::Text(from.clone()));
        }
        if let Some(to) = &filter.to {
            push(" AND at < ?", V::Text(to.clone()));
        }
        if let Some(project) = &filter.project {
            push(" AND project = ?", V::Text(project.clone()));
        }
        let limit = match page {
            Page::Newest { before_seq, limit } => {
                push(" AND seq < ? ORDER BY seq DESC", V::Integer(before_seq.map_or(i64::MAX, |s| s as i64)));
                limit
            }
            Page::Oldest { after_seq, limit } => {
                push(" AND seq > ? ORDER BY seq ASC", V::Integer(after_seq as i64));
                limit
            }
        };
        push(" LIMIT ?", V::Integer(i64::from(limit)));
        let mut stmt = self.conn.prepare_cached(&sql).map_err(internal)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), audit_row).map_err(internal)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(internal)??);
        }
        Ok(out)
    }

    fn audit_tenants(&mut self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT id FROM tenants ORDER BY id").map_err(internal)?;
        stmt.query_map([], |r| r.get(0)).map_err(internal)?.collect::<rusqlite::Result<_>>().map_err(internal)
    }

    fn audit_chain(&mut self, tenant: &str, after_seq: u64, limit: u32) -> Result<Vec<AuditEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE tenant_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            ))
            .map_err(internal)?;
        collect_audit(&mut stmt, params![tenant, after_seq as i64, limit])
    }

    fn agent(&mut self, tenant: TenantId, id: AgentId) -> Result<Option<Agent>> {
        coord::agent(self.conn, tenant, id)
    }
    fn agent_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<Agent>> {
        coord::agent_by_name(self.conn, tenant, name)
    }
    fn list_agents(
        &mut self,
        tenant: TenantId,
        f: &AgentFilter,
        after: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Agent>> {
        coord::list_agents(self.conn, tenant, f, after, limit)
    }
    fn silent_agents(&mut self, tenant: TenantId, seen_before: Timestamp, limit: u32) -> Result<Vec<Agent>> {
        coord::silent_agents(self.conn, tenant, seen_before, limit)
    }
    fn task(&mut self, tenant: TenantId, id: TaskId) -> Result<Option<Task>> {
        coord::task(self.conn, tenant, id)
    }
    fn task_by_idempotency_key(&mut self, tenant: TenantId, key: &str) -> Result<Option<Task>> {
        coord::task_by_idempotency_key(self.conn, tenant, key)
    }
    fn list_tasks(&mut self, tenant: TenantId, f: &TaskFilter, after: Option<TaskId>, limit: u32) -> Result<Vec<Task>> {
        coord::list_tasks(self.conn, tenant, f, after, limit)
    }
    fn ready_tasks(&mut self, tenant: TenantId, project: &str, skip: u32, limit: u32) -> Result<Vec<Task>> {
        coord::ready_tasks(self.conn, tenant, project, skip, limit)
    }
    fn dependants(&mut self, tenant: TenantId, id: TaskId) -> Result<Vec<Task>> {
        coord::dependants(self.conn, tenant, id)
    }
    fn leased_by(&mut self, tenant: TenantId, agent: AgentId) -> Result<Vec<Task>> {
        coord::leased_by(self.conn, tenant, agent)
    }
    fn due_tasks(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Task>> {
        coord::due_tasks(self.conn, tenant, now, limit)
    }
    fn active_locks(&mut self, tenant: TenantId, project: Option<&str>, now: Timestamp) -> Result<Vec<Lock>> {
        coord::active_locks(self.conn, tenant, project, now)
    }
    fn lock(&mut self, tenant: TenantId, id: LockId) -> Result<Option<Lock>> {
        coord::lock(self.conn, tenant, id)
    }
    fn expired_locks(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Lock>> {
        coord::expired_locks(self.conn, tenant, now, limit)
    }
    fn locks_of(&mut self, tenant: TenantId, holder_id: &str) -> Result<Vec<Lock>> {
        coord::locks_of(self.conn, tenant, holder_id)
    }
    fn handoffs(&mut self, tenant: TenantId, f: &HandoffFilter, limit: u32) -> Result<Vec<Handoff>> {
        coord::handoffs(self.conn, tenant, f, limit)
    }

    fn message(&mut self, tenant: TenantId, id: MessageId, viewer: Option<AgentId>) -> Result<Option<Message>> {
        messages::message(self.conn, tenant, id, viewer)
    }
    fn recipients(&mut self, tenant: TenantId, id: MessageId) -> Result<Vec<Recipient>> {
        messages::recipients(self.conn, tenant, id)
    }
    fn inbox(&mut self, tenant: TenantId, agent: AgentId, filter: &InboxFilter) -> Result<Vec<(Message, Recipient)>> {
        messages::inbox(self.conn, tenant, agent, filter)
    }
    fn thread(
        &mut self,
        tenant: TenantId,
        thread: MessageId,
        viewer: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Message>> {
        messages::thread(self.conn, tenant, thread, viewer, limit)
    }
    fn search_messages(
        &mut self,
        tenant: TenantId,
        query: &str,
        viewer: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Message>> {
        messages::search(self.conn, tenant, query, viewer, limit)
    }
    fn allowlist(&mut self, tenant: TenantId) -> Result<Option<String>> {
        messages::allowlist(self.conn, tenant)
    }
    fn policy_version(&mut self, tenant: TenantId, version: Option<u64>) -> Result<Option<PolicyVersion>> {
        governance::policy_version(self.conn, tenant, version)
    }
    fn policy_versions(&mut self, tenant: TenantId, before: Option<u64>, limit: u32) -> Result<Vec<PolicyVersion>> {
        governance::policy_versions(self.conn, tenant, before, limit)
    }
    fn expired_approvals(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Approval>> {
        governance::expired_approvals(self.conn, tenant, now, limit)
    }
    fn evidence(&mut self, tenant: TenantId, sha256: &str) -> Result<Option<String>> {
        governance::evidence(self.conn, tenant, sha256)
    }
    fn guardrail_rules(&mut self, tenant: TenantId) -> Result<Option<String>> {
        governance::document(self.conn, governance::Document::GuardrailRules, tenant)
    }

    fn governance_settings(&mut self, tenant: TenantId) -> Result<GovernanceSettings> {
        governance::settings(self.conn, tenant)
    }

    fn budgets(&mut self, tenant: TenantId) -> Result<Option<String>> {
        governance::document(self.conn, governance::Document::Budgets, tenant)
    }

    fn alert_rules(&mut self, tenant: TenantId) -> Result<Option<String>> {
        governance::document(self.conn, governance::Document::AlertRules, tenant)
    }

    fn alert(&mut self, tenant: TenantId, id: &str) -> Result<Option<Alert>> {
        alerts::alert(self.conn, tenant, id)
    }

    fn alerts(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Alert>> {
        alerts::alerts(self.conn, tenant, status, before, limit)
    }

    fn webhooks(&mut self, tenant: TenantId) -> Result<Vec<Webhook>> {
        alerts::webhooks(self.conn, tenant)
    }

    fn delivery(&mut self, tenant: TenantId, id: &str) -> Result<Option<Delivery>> {
        alerts::delivery(self.conn, tenant, id)
    }

    fn deliveries_of(&mut self, tenant: TenantId, alert: &str) -> Result<Vec<Delivery>> {
        alerts::deliveries_of(self.conn, tenant, alert)
    }

    fn due_deliveries(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Delivery>> {
        alerts::due_deliveries(self.conn, tenant, now, limit)
    }

    fn dead_deliveries(&mut self, tenant: TenantId, limit: u32) -> Result<Vec<Delivery>> {
        alerts::dead_deliveries(self.conn, tenant, limit)
    }

    fn reservation(&mut self, tenant: TenantId, id: &str) -> Result<Option<Reservation>> {
        budgets::reservation(self.conn, tenant, id)
    }

    fn expired_reservations(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Reservation>> {
        budgets::expired_reservations(self.conn, tenant, now, limit)
    }

    fn spent(&mut self, tenant: TenantId, filter: &SpendFilter<'_>, since: Timestamp) -> Result<(i64, i64)> {
        budgets::spent(self.conn, tenant, filter, since)
    }

    fn held(&mut self, tenant: TenantId, filter: &SpendFilter<'_>, now: Timestamp) -> Result<(i64, i64)> {
        budgets::held(self.conn, tenant, filter, now)
    }

    fn task_estimate(&mut self, tenant: TenantId, task: &str) -> Result<Option<bosun_core::budget::Amount>> {
        budgets::task_estimate(self.conn, tenant, task)
    }

    fn counted(&mut self, tenant: TenantId, budget: &str, since: Timestamp) -> Result<i64> {
        budgets::counted(self.conn, tenant, budget, since)
    }
    fn approval(&mut self, tenant: TenantId, id: &str) -> Result<Option<Approval>> {
        governance::approval(self.conn, tenant, id)
    }
    fn approvals(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Approval>> {
        governance::approvals(self.conn, tenant, status, before, limit)
    }
    fn egress_log(
        &mut self,
        tenant: TenantId,
        agent: Option<AgentId>,
        before_seq: Option<u64>,
        limit: u32,
    ) -> Result<Vec<EgressRecord>> {
        governance::egress_log(self.conn, tenant, agent, before_seq, limit)
    }
}

impl WriteTx for Tx<'_> {
    fn create_tenant(&mut self, t: &Tenant) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO tenants (id, name, system, created_at) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut s| s.execute(params![t.id.to_string(), t.name, t.system, t.created_at]))
            .map_err(write_err)?;
        Ok(())
    }

    fn create_user(&mut self, u: &User) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO users (tenant_id, id, name, role, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    u.tenant_id.to_string(),
                    u.id.to_string(),
                    u.name,
                    u.role.as_str(),
                    u.metadata.to_string(),
                    u.created_at
                ])
            })
            .map_err(write_err)?;
        Ok(())
    }

    fn create_key(&mut self, k: &ApiKey) -> Result<()> {
        coord::exec(
            self.conn,
            &format!("INSERT INTO api_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                k.tenant_id.to_string(),
                k.id.to_string(),
                k.owner.kind(),
                k.owner.id(),
                k.prefix,
                k.hash,
                k.label,
                k.created_at,
                k.revoked_at,
                k.enrolment
            ],
        )?;
        Ok(())
    }

    fn revoke_key(&mut self, tenant: TenantId, id: KeyId, at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE api_keys SET revoked_at = ?3 WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS NULL",
            )
            .and_then(|mut s| s.execute(params![tenant.to_string(), id.to_string(), at]))
            .map_err(write_err)?;
        Ok(())
    }

    fn append_audit(&mut self, tenant: TenantId, draft: AuditDraft) -> Result<AuditEvent> {
        let tenant = tenant.to_string();
        let cached = self.heads.as_deref().and_then(|h| h.get(&tenant)).cloned();
        let head = match cached {
            Some(head) => Some(head),
            None => self
                .conn
                .prepare_cached("SELECT seq, hash FROM audit_events WHERE tenant_id = ?1 ORDER BY seq DESC LIMIT 1")
                .and_then(|mut s| s.query_row([&tenant], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))).optional())
                .map_err(internal)?,
        };
        let (seq, prev) = head.map_or((1, GENESIS.to_owned()), |(s, h)| (s + 1, h));
        let e = draft.seal(&tenant, seq, &prev);
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO audit_events ({AUDIT_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    e.tenant,
                    e.seq as i64,
                    e.at,
                    e.actor_type.as_str(),
                    e.actor_id,
                    e.actor_name,
                    e.action,
                    e.target_type,
                    e.target_id,
                    e.project,
                    e.outcome.as_str(),
                    e.severity.as_str(),
                    e.details.to_string(),
                    e.ip,
                    e.user_agent,
                    e.correlation_id,
                    e.prev_hash,
                    e.hash
                ])
            })
            .map_err(write_err)?;
        self.appends += 1;
        if let Some(heads) = self.heads.as_deref_mut() {
            heads.insert(e.tenant.clone(), (e.seq, e.hash.clone()));
        }
        Ok(e)
    }

    fn idempotent_reply(
        &mut self,
        tenant: TenantId,
        principal: &str,
        key: &str,
        not_before: &str,
    ) -> Result<Option<IdempotentReply>> {
        self.conn
            .prepare_cached(
                "SELECT request_hash, status, body FROM idempotency
                 WHERE tenant_id = ?1 AND principal_id = ?2 AND key = ?3 AND created_at >= ?4",
            )
            .and_then(|mut s| {
                s.query_row(params![tenant.to_string(), principal, key, not_before], |r| {
                    Ok(IdempotentReply { request_hash: r.get(0)?, status: r.get(1)?, body: r.get(2)? })
                })
                .optional()
            })
            .map_err(internal)
    }

    fn put_idempotent_reply(
        &mut self,
        tenant: TenantId,
        principal: &str,
        key: &str,
        reply: &IdempotentReply,
        at: &str,
    ) -> Result<()> {
        // An expired record with the same key is replaced.
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO idempotency (tenant_id, principal_id, key, request_hash, status, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![tenant.to_string(), principal, key, reply.request_hash, reply.status, reply.body, at])
            })
            .map_err(write_err)?;
        Ok(())
    }

    fn revoke_keys_of(&mut self, tenant: TenantId, owner: Owner, at: &str) -> Result<u64> {
        coord::revoke_keys_of(self.conn, tenant, owner, at)
    }
    fn create_agent(&mut self, agent: &Agent) -> Result<()> {
        coord::create_agent(self.conn, agent)
    }
    fn update_agent(&mut self, agent: &Agent) -> Result<()> {
        coord::update_agent(self.conn, agent)
    }
    fn create_task(&mut self, task: &Task) -> Result<()> {
        coord::create_task(self.conn, task)
    }
    fn update_task(&mut self, task: &Task) -> Result<()> {
        coord::update_task(self.conn, task)
    }
    fn insert_lock(&mut self, lock: &Lock) -> Result<()> {
        coord::insert_lock(self.conn, lock)
    }
    fn update_lock(&mut self, lock: &Lock) -> Result<()> {
        coord::update_lock(self.conn, lock)
    }
    fn delete_lock(&mut self, tenant: TenantId, id: LockId) -> Result<()> {
        coord::delete_lock(self.conn, tenant, id)
    }
    fn next_lock_fence(&mut self, tenant: TenantId, project: &str, key: &str) -> Result<u64> {
        coord::next_lock_fence(self.conn, tenant, project, key)
    }
    fn insert_handoff(&mut self, handoff: &Handoff) -> Result<()> {
        coord::insert_handoff(self.conn, handoff)
    }

    fn insert_message(&mut self, message: &Message, recipients: &[Recipient]) -> Result<()> {
        messages::insert_message(self.conn, message, recipients)
    }
    fn update_recipient(&mut self, tenant: TenantId, recipient: &Recipient) -> Result<()> {
        messages::update_recipient(self.conn, tenant, recipient)
    }
    fn put_allowlist(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        messages::put_allowlist(self.conn, tenant, document, at)
    }
    fn insert_policy_version(&mut self, version: &PolicyVersion) -> Result<()> {
        governance::insert_policy_version(self.conn, version)
    }
    fn put_evidence(&mut self, tenant: TenantId, sha256: &str, content: &str, at: &str) -> Result<()> {
        governance::put_evidence(self.conn, tenant, sha256, content, at)
    }
    fn put_guardrail_rules(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        governance::put_document(self.conn, governance::Document::GuardrailRules, tenant, document, at)
    }

    fn put_governance_settings(
        &mut self,
        tenant: TenantId,
        settings: &GovernanceSettings,
        at: Timestamp,
    ) -> Result<()> {
        governance::put_settings(self.conn, tenant, settings, at)
    }

    fn put_budgets(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        governance::put_document(self.conn, governance::Document::Budgets, tenant, document, at)
    }

    fn prune(&mut self, tenant: TenantId, what: crate::Prunable, before: Timestamp, limit: u32) -> Result<u64> {
        governance::prune(self.conn, tenant, what, before, limit)
    }

    fn add_counted(&mut self, tenant: TenantId, budget: &str, bucket: Timestamp, amount: i64) -> Result<()> {
        budgets::add_counted(self.conn, tenant, budget, bucket, amount)
    }

    fn clear_counted(&mut self, tenant: TenantId) -> Result<()> {
        budgets::clear_counted(self.conn, tenant)
    }

    fn put_alert_rules(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        governance::put_document(self.conn, governance::Document::AlertRules, tenant, document, at)
    }

    fn upsert_alert(&mut self, alert: &Alert) -> Result<()> {
        alerts::upsert_alert(self.conn, alert)
    }

    fn insert_webhook(&mut self, webhook: &Webhook) -> Result<()> {
        alerts::insert_webhook(self.conn, webhook)
    }

    fn delete_webhook(&mut self, tenant: TenantId, id: &str) -> Result<bool> {
        alerts::delete_webhook(self.conn, tenant, id)
    }

    fn upsert_delivery(&mut self, delivery: &Delivery) -> Result<()> {
        alerts::upsert_delivery(self.conn, delivery)
    }

    fn insert_reservation(&mut self, tenant: TenantId, reservation: &Reservation) -> Result<()> {
        budgets::insert_reservation(self.conn, tenant, reservation)
    }

    fn update_reservation(&mut self, tenant: TenantId, reservation: &Reservation) -> Result<()> {
        budgets::update_reservation(self.conn, tenant, reservation)
    }

    fn insert_usage(&mut self, tenant: TenantId, usage: &UsageRecord) -> Result<()> {
        budgets::insert_usage(self.conn, tenant, usage)
    }

    fn put_task_estimate(&mut self, tenant: TenantId, task: &str, estimate: &bosun_core::budget::Amount) -> Result<()> {
        budgets::put_task_estimate(self.conn, tenant, task, estimate)
    }
    fn insert_approval(&mut self, approval: &Approval) -> Result<()> {
        governance::insert_approval(self.conn, approval)
    }
    fn update_approval(&mut self, approval: &Approval) -> Result<()> {
        governance::update_approval(self.conn, approval)
    }
    fn append_egress(&mut self, tenant: TenantId, record: &EgressRecord) -> Result<u64> {
        governance::append_egress(self.conn, tenant, record)
    }
}
