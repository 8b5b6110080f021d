//! The store's operations over one connection of either backend: a write transaction (SQLite's
//! writer, a PostgreSQL session) or a pooled read connection. The queries live in the per-area
//! modules; this is where the `ReadTx`/`WriteTx` traits meet them, and where the audit chain is
//! appended to.

use std::collections::HashMap;

use bosun_core::audit::{AuditDraft, AuditEvent, GENESIS};
use bosun_core::model::{Agent, ApiKey, Handoff, Lock, Message, Owner, Recipient, Tenant, User};
use bosun_core::task::Task;
use bosun_core::{AgentId, KeyId, LockId, MessageId, Role, TaskId, TenantId, Timestamp, UserId};
use serde_json::Value;

use crate::audit_rows::{AUDIT_COLUMNS, audit_row};
use crate::coord::{bad_column, exec, one, parse_id, rows, ts, ts_opt, us};
use crate::db::{Arg, Db, Dialect, Row, args};
use crate::{
    AgentFilter, Alert, Approval, AuditFilter, Delivery, EgressRecord, Finish, GovernanceSettings, HandoffFilter,
    IdempotentReply, InboxFilter, Page, PolicyVersion, ReadTx, Reservation, Result, SpendFilter, TaskFilter,
    UsageRecord, WebSession, Webhook, WriteJob, WriteTx, alerts, budgets, coord, governance, memories, messages,
    workflows,
};

/// A connection seen through the store's operations.
pub(crate) struct Tx<'c> {
    pub(crate) db: Db<'c>,
    pub(crate) appends: u64,
    /// Chain heads (seq, hash) by tenant, known within the current write batch; `None` on reads
    /// and on PostgreSQL (where the head row is locked and read by each append).
    pub(crate) heads: Option<&'c mut HashMap<String, (u64, String)>>,
    /// Content was erased: once committed, old copies must be overwritten on disk (SQLite folds
    /// its WAL back into the file).
    pub(crate) scrub: bool,
}

impl<'c> Tx<'c> {
    pub(crate) fn new(db: Db<'c>, heads: Option<&'c mut HashMap<String, (u64, String)>>) -> Self {
        Self { db, appends: 0, heads, scrub: false }
    }
}

/// How a job's caller learns the fate of the transaction.
pub(crate) type Reply = Box<dyn FnOnce(Result<()>) + Send>;

/// What running a group of jobs left to do.
pub(crate) struct Ran {
    /// To answer once the transaction's fate is known.
    pub(crate) replies: Vec<Reply>,
    /// Audit events the kept jobs appended.
    pub(crate) appends: u64,
    /// A kept job erased content (see [`Tx::scrub`]).
    pub(crate) scrub: bool,
    /// A job failed or panicked. With savepoints its changes are already undone; without, the
    /// caller must roll the transaction back (it held only that job).
    pub(crate) discarded: bool,
    /// Savepoint handling failed: the transaction must be rolled back and every caller told so.
    pub(crate) broken: bool,
}

/// Run jobs inside the open transaction, each in its own savepoint when `savepoints` (a job that
/// fails or panics rolls back only its own changes); without, the caller runs one job alone.
/// After a job whose changes are undone, `heads` (the chain heads known in this transaction) is
/// put back as it was (PostgreSQL) or emptied, to be read again from the log (SQLite).
pub(crate) fn run_jobs(
    db: &Db<'_>,
    jobs: impl Iterator<Item = WriteJob>,
    heads: &mut HashMap<String, (u64, String)>,
    savepoints: bool,
) -> Ran {
    let mut ran = Ran { replies: Vec::new(), appends: 0, scrub: false, discarded: false, broken: false };
    // A savepoint is open from the job before (COMMIT ends any that is left).
    let mut open = false;
    for job in jobs {
        // PostgreSQL writes the heads at commit, so a discarded job must put back the heads it
        // moved; SQLite re-reads them from the log after a clear (no copy per job on its hot path).
        let before = (db.dialect() == Dialect::Postgres).then(|| heads.clone());
        let step = (|| -> Result<()> {
            if savepoints {
                match (open, db.dialect()) {
                    // One round trip instead of two.
                    (true, Dialect::Postgres) => db.control("RELEASE job; SAVEPOINT job")?,
                    (true, Dialect::Sqlite) => {
                        db.control("RELEASE job")?;
                        db.control("SAVEPOINT job")?;
                    }
                    (false, _) => db.control("SAVEPOINT job")?,
                }
                open = true;
            }
            let mut tx = Tx::new(*db, Some(&mut *heads));
            let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut tx)));
            let (job_appends, job_scrub) = (tx.appends, tx.scrub);
            let kept = match finished {
                Ok(Finish { keep: true, reply }) => {
                    ran.appends += job_appends;
                    ran.scrub |= job_scrub;
                    ran.replies.push(reply);
                    true
                }
                Ok(Finish { keep: false, reply }) => {
                    ran.replies.push(reply);
                    false
                }
                Err(_) => {
                    tracing::error!("a write job panicked; its changes were rolled back");
                    false
                }
            };
            if !kept {
                match before {
                    Some(before) => *heads = before,
                    None => heads.clear(),
                }
                ran.discarded = true;
                if savepoints {
                    db.control("ROLLBACK TO job")?;
                }
            }
            Ok(())
        })();
        if let Err(e) = step {
            tracing::error!(error = %e, "savepoint handling failed");
            ran.broken = true;
            break;
        }
    }
    ran
}

fn tenant_row(r: &Row<'_>) -> Result<Tenant> {
    Ok(Tenant { id: parse_id(r, 0, TenantId::parse)?, name: r.get(1)?, system: r.get(2)?, created_at: r.get(3)? })
}

fn user_row(r: &Row<'_>) -> Result<User> {
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

fn key_row(r: &Row<'_>) -> Result<ApiKey> {
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

const SESSION_COLUMNS: &str =
    "tenant_id, id, user_id, secret_hash, csrf, created_us, expires_us, revoked_us, ip, user_agent";

fn session_row(r: &Row<'_>) -> Result<WebSession> {
    Ok(WebSession {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: r.get(1)?,
        user_id: parse_id(r, 2, UserId::parse)?,
        secret_hash: r.get(3)?,
        csrf: r.get(4)?,
        created_at: ts(r, 5)?,
        expires_at: ts(r, 6)?,
        revoked_at: ts_opt(r, 7)?,
        ip: r.get(8)?,
        user_agent: r.get(9)?,
    })
}

fn audit_events(db: &Db<'_>, sql: &str, args: &[Arg]) -> Result<Vec<AuditEvent>> {
    rows(db, sql, args, audit_row)?.into_iter().collect()
}

impl ReadTx for Tx<'_> {
    fn ping(&mut self) -> Result<()> {
        one(&self.db, "SELECT count(*) FROM tenants", args![], |r| r.get::<i64>(0))?;
        Ok(())
    }

    fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>> {
        one(
            &self.db,
            "SELECT id, name, system, created_at FROM tenants WHERE id = ?1",
            args![id.to_string()],
            tenant_row,
        )
    }

    fn list_tenants(&mut self) -> Result<Vec<Tenant>> {
        rows(&self.db, "SELECT id, name, system, created_at FROM tenants ORDER BY id", args![], tenant_row)
    }

    fn user(&mut self, tenant: TenantId, id: UserId) -> Result<Option<User>> {
        one(
            &self.db,
            "SELECT tenant_id, id, name, role, metadata, created_at FROM users WHERE tenant_id = ?1 AND id = ?2",
            args![tenant.to_string(), id.to_string()],
            user_row,
        )
    }

    fn list_users(&mut self, tenant: TenantId, after: Option<UserId>, limit: u32) -> Result<Vec<User>> {
        let after = after.map(|a| a.to_string()).unwrap_or_default();
        rows(
            &self.db,
            "SELECT tenant_id, id, name, role, metadata, created_at FROM users
             WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            args![tenant.to_string(), after, limit],
            user_row,
        )
    }

    fn key(&mut self, tenant: TenantId, id: KeyId) -> Result<Option<ApiKey>> {
        one(
            &self.db,
            &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = ?1 AND id = ?2"),
            args![tenant.to_string(), id.to_string()],
            key_row,
        )
    }

    fn key_by_prefix(&mut self, prefix: &str) -> Result<Option<ApiKey>> {
        one(&self.db, &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE prefix = ?1"), args![prefix], key_row)
    }

    fn agent_counts(&mut self, tenant: TenantId) -> Result<Vec<(String, u64)>> {
        rows(
            &self.db,
            "SELECT status, count(*) FROM agents WHERE tenant_id = ?1 GROUP BY status ORDER BY status",
            args![tenant.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn task_counts(&mut self, tenant: TenantId) -> Result<Vec<(String, String, u64)>> {
        rows(
            &self.db,
            "SELECT project, status, count(*) FROM tasks WHERE tenant_id = ?1 GROUP BY project, status
             ORDER BY project, status",
            args![tenant.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    fn tenant_by_name(&mut self, name: &str) -> Result<Option<Tenant>> {
        one(&self.db, "SELECT id, name, system, created_at FROM tenants WHERE name = ?1", args![name], tenant_row)
    }

    fn user_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<User>> {
        one(
            &self.db,
            "SELECT tenant_id, id, name, role, metadata, created_at FROM users WHERE tenant_id = ?1 AND name = ?2",
            args![tenant.to_string(), name],
            user_row,
        )
    }

    fn password_hash(&mut self, tenant: TenantId, user: UserId) -> Result<Option<String>> {
        Ok(one(
            &self.db,
            "SELECT password_hash FROM users WHERE tenant_id = ?1 AND id = ?2",
            args![tenant.to_string(), user.to_string()],
            |r| r.get::<Option<String>>(0),
        )?
        .flatten())
    }

    fn web_session(&mut self, tenant: TenantId, id: &str) -> Result<Option<WebSession>> {
        one(
            &self.db,
            &format!("SELECT {SESSION_COLUMNS} FROM web_sessions WHERE tenant_id = ?1 AND id = ?2"),
            args![tenant.to_string(), id],
            session_row,
        )
    }

    fn web_sessions(&mut self, tenant: TenantId, user: UserId, limit: u32) -> Result<Vec<WebSession>> {
        rows(
            &self.db,
            &format!(
                "SELECT {SESSION_COLUMNS} FROM web_sessions WHERE tenant_id = ?1 AND user_id = ?2
                 ORDER BY id DESC LIMIT ?3"
            ),
            args![tenant.to_string(), user.to_string(), limit],
            session_row,
        )
    }

    fn query_audit(&mut self, tenant: TenantId, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEvent>> {
        let mut sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE tenant_id = ?1");
        let mut args = vec![Arg::Text(tenant.to_string())];
        let mut push = |clause: &str, value: Arg| {
            args.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(actor) = &filter.actor {
            push(" AND (actor_id = ?", Arg::Text(actor.clone()));
            push(" OR actor_name = ?)", Arg::Text(actor.clone()));
        }
        if let Some(prefix) = &filter.action_prefix {
            // Exact string prefix: substr avoids LIKE's wildcards and case folding.
            push(" AND substr(action, 1, length(CAST(? AS TEXT))) = ", Arg::Text(prefix.clone()));
            push("?", Arg::Text(prefix.clone()));
        }
        if let Some(target) = &filter.target {
            push(" AND target_id = ?", Arg::Text(target.clone()));
        }
        if let Some(o) = filter.outcome {
            push(" AND outcome = ?", Arg::Text(o.as_str().into()));
        }
        if let Some(s) = filter.severity {
            push(" AND severity = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(from) = &filter.from {
            push(" AND at >= ?", Arg::Text(from.clone()));
        }
        if let Some(to) = &filter.to {
            push(" AND at < ?", Arg::Text(to.clone()));
        }
        if let Some(project) = &filter.project {
            push(" AND project = ?", Arg::Text(project.clone()));
        }
        let limit = match page {
            Page::Newest { before_seq, limit } => {
                push(" AND seq < ? ORDER BY seq DESC", Arg::Int(before_seq.map_or(i64::MAX, |s| s as i64)));
                limit
            }
            Page::Oldest { after_seq, limit } => {
                push(" AND seq > ? ORDER BY seq ASC", Arg::Int(after_seq as i64));
                limit
            }
        };
        push(" LIMIT ?", Arg::Int(i64::from(limit)));
        audit_events(&self.db, &sql, &args)
    }

    fn audit_tenants(&mut self) -> Result<Vec<String>> {
        rows(&self.db, "SELECT id FROM tenants ORDER BY id", args![], |r| r.get(0))
    }

    fn audit_chain(&mut self, tenant: &str, after_seq: u64, limit: u32) -> Result<Vec<AuditEvent>> {
        audit_events(
            &self.db,
            &format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE tenant_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            ),
            args![tenant, after_seq, limit],
        )
    }

    fn agent(&mut self, tenant: TenantId, id: AgentId) -> Result<Option<Agent>> {
        coord::agent(&self.db, tenant, id)
    }
    fn agent_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<Agent>> {
        coord::agent_by_name(&self.db, tenant, name)
    }
    fn list_agents(
        &mut self,
        tenant: TenantId,
        f: &AgentFilter,
        after: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Agent>> {
        coord::list_agents(&self.db, tenant, f, after, limit)
    }
    fn silent_agents(&mut self, tenant: TenantId, seen_before: Timestamp, limit: u32) -> Result<Vec<Agent>> {
        coord::silent_agents(&self.db, tenant, seen_before, limit)
    }
    fn task(&mut self, tenant: TenantId, id: TaskId) -> Result<Option<Task>> {
        coord::task(&self.db, tenant, id)
    }
    fn task_by_idempotency_key(&mut self, tenant: TenantId, key: &str) -> Result<Option<Task>> {
        coord::task_by_idempotency_key(&self.db, tenant, key)
    }
    fn list_tasks(&mut self, tenant: TenantId, f: &TaskFilter, after: Option<TaskId>, limit: u32) -> Result<Vec<Task>> {
        coord::list_tasks(&self.db, tenant, f, after, limit)
    }
    fn ready_tasks(&mut self, tenant: TenantId, project: &str, skip: u32, limit: u32) -> Result<Vec<Task>> {
        coord::ready_tasks(&self.db, tenant, project, skip, limit)
    }
    fn dependants(&mut self, tenant: TenantId, id: TaskId) -> Result<Vec<Task>> {
        coord::dependants(&self.db, tenant, id)
    }
    fn leased_by(&mut self, tenant: TenantId, agent: AgentId) -> Result<Vec<Task>> {
        coord::leased_by(&self.db, tenant, agent)
    }
    fn due_tasks(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Task>> {
        coord::due_tasks(&self.db, tenant, now, limit)
    }
    fn active_locks(&mut self, tenant: TenantId, project: Option<&str>, now: Timestamp) -> Result<Vec<Lock>> {
        coord::active_locks(&self.db, tenant, project, now)
    }
    fn lock(&mut self, tenant: TenantId, id: LockId) -> Result<Option<Lock>> {
        coord::lock(&self.db, tenant, id)
    }
    fn expired_locks(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Lock>> {
        coord::expired_locks(&self.db, tenant, now, limit)
    }
    fn locks_of(&mut self, tenant: TenantId, holder_id: &str) -> Result<Vec<Lock>> {
        coord::locks_of(&self.db, tenant, holder_id)
    }
    fn handoffs(&mut self, tenant: TenantId, f: &HandoffFilter, limit: u32) -> Result<Vec<Handoff>> {
        coord::handoffs(&self.db, tenant, f, limit)
    }

    fn message(&mut self, tenant: TenantId, id: MessageId, viewer: Option<AgentId>) -> Result<Option<Message>> {
        messages::message(&self.db, tenant, id, viewer)
    }
    fn recipients(&mut self, tenant: TenantId, id: MessageId) -> Result<Vec<Recipient>> {
        messages::recipients(&self.db, tenant, id)
    }
    fn inbox(&mut self, tenant: TenantId, agent: AgentId, filter: &InboxFilter) -> Result<Vec<(Message, Recipient)>> {
        messages::inbox(&self.db, tenant, agent, filter)
    }
    fn thread(
        &mut self,
        tenant: TenantId,
        thread: MessageId,
        viewer: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Message>> {
        messages::thread(&self.db, tenant, thread, viewer, limit)
    }
    fn messages(&mut self, tenant: TenantId, filter: &crate::MessageFilter) -> Result<Vec<Message>> {
        messages::timeline(&self.db, tenant, filter)
    }
    fn search_messages(
        &mut self,
        tenant: TenantId,
        query: &str,
        viewer: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Message>> {
        messages::search(&self.db, tenant, query, viewer, limit)
    }
    fn workflow_template(
        &mut self,
        tenant: TenantId,
        name: &str,
        version: Option<u64>,
    ) -> Result<Option<crate::WorkflowTemplate>> {
        workflows::template(&self.db, tenant, name, version)
    }
    fn workflow_templates(&mut self, tenant: TenantId) -> Result<Vec<crate::WorkflowTemplate>> {
        workflows::templates(&self.db, tenant)
    }
    fn workflow_run(&mut self, tenant: TenantId, id: &str) -> Result<Option<crate::WorkflowRun>> {
        workflows::run(&self.db, tenant, id)
    }
    fn workflow_runs(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<crate::WorkflowRun>> {
        workflows::runs(&self.db, tenant, status, before, limit)
    }
    fn allowlist(&mut self, tenant: TenantId) -> Result<Option<String>> {
        messages::allowlist(&self.db, tenant)
    }
    fn memory(&mut self, tenant: TenantId, id: &str) -> Result<Option<crate::Memory>> {
        memories::memory(&self.db, tenant, id)
    }
    fn memory_duplicate(
        &mut self,
        tenant: TenantId,
        author: &str,
        event_type: &str,
        key: &str,
        since: Timestamp,
    ) -> Result<Option<crate::Memory>> {
        memories::duplicate(&self.db, tenant, author, event_type, key, since)
    }
    fn find_memories(&mut self, tenant: TenantId, query: &crate::MemoryQuery) -> Result<Vec<(crate::Memory, f64)>> {
        memories::find(&self.db, tenant, query)
    }
    fn erasable_memories(&mut self, tenant: TenantId, by: &crate::EraseBy, limit: u32) -> Result<Vec<String>> {
        memories::erasable(&self.db, tenant, by, limit)
    }
    fn memory_vectors(&mut self, tenant: TenantId, after_seq: i64, limit: u32) -> Result<Vec<(String, i64, String)>> {
        memories::vectors(&self.db, tenant, after_seq, limit)
    }
    fn unembedded_memories(&mut self, tenant: TenantId, limit: u32) -> Result<Vec<crate::Memory>> {
        memories::unembedded(&self.db, tenant, limit)
    }
    fn memory_counts(&mut self, tenant: TenantId) -> Result<(u64, u64)> {
        memories::counts(&self.db, tenant)
    }
    fn memory_settings(&mut self, tenant: TenantId) -> Result<Option<String>> {
        memories::settings(&self.db, tenant)
    }
    fn policy_version(&mut self, tenant: TenantId, version: Option<u64>) -> Result<Option<PolicyVersion>> {
        governance::policy_version(&self.db, tenant, version)
    }
    fn policy_versions(&mut self, tenant: TenantId, before: Option<u64>, limit: u32) -> Result<Vec<PolicyVersion>> {
        governance::policy_versions(&self.db, tenant, before, limit)
    }
    fn expired_approvals(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Approval>> {
        governance::expired_approvals(&self.db, tenant, now, limit)
    }
    fn evidence(&mut self, tenant: TenantId, sha256: &str) -> Result<Option<String>> {
        governance::evidence(&self.db, tenant, sha256)
    }
    fn guardrail_rules(&mut self, tenant: TenantId) -> Result<Option<String>> {
        governance::document(&self.db, governance::Document::GuardrailRules, tenant)
    }

    fn governance_settings(&mut self, tenant: TenantId) -> Result<GovernanceSettings> {
        governance::settings(&self.db, tenant)
    }

    fn budgets(&mut self, tenant: TenantId) -> Result<Option<String>> {
        governance::document(&self.db, governance::Document::Budgets, tenant)
    }

    fn alert_rules(&mut self, tenant: TenantId) -> Result<Option<String>> {
        governance::document(&self.db, governance::Document::AlertRules, tenant)
    }

    fn alert(&mut self, tenant: TenantId, id: &str) -> Result<Option<Alert>> {
        alerts::alert(&self.db, tenant, id)
    }

    fn alerts(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Alert>> {
        alerts::alerts(&self.db, tenant, status, before, limit)
    }

    fn webhooks(&mut self, tenant: TenantId) -> Result<Vec<Webhook>> {
        alerts::webhooks(&self.db, tenant)
    }

    fn delivery(&mut self, tenant: TenantId, id: &str) -> Result<Option<Delivery>> {
        alerts::delivery(&self.db, tenant, id)
    }

    fn deliveries_of(&mut self, tenant: TenantId, alert: &str) -> Result<Vec<Delivery>> {
        alerts::deliveries_of(&self.db, tenant, alert)
    }

    fn due_deliveries(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Delivery>> {
        alerts::due_deliveries(&self.db, tenant, now, limit)
    }

    fn dead_deliveries(&mut self, tenant: TenantId, limit: u32) -> Result<Vec<Delivery>> {
        alerts::dead_deliveries(&self.db, tenant, limit)
    }

    fn reservation(&mut self, tenant: TenantId, id: &str) -> Result<Option<Reservation>> {
        budgets::reservation(&self.db, tenant, id)
    }

    fn expired_reservations(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Reservation>> {
        budgets::expired_reservations(&self.db, tenant, now, limit)
    }

    fn spent(&mut self, tenant: TenantId, filter: &SpendFilter<'_>, since: Timestamp) -> Result<(i64, i64)> {
        budgets::spent(&self.db, tenant, filter, since)
    }

    fn held(&mut self, tenant: TenantId, filter: &SpendFilter<'_>, now: Timestamp) -> Result<(i64, i64)> {
        budgets::held(&self.db, tenant, filter, now)
    }

    fn task_estimate(&mut self, tenant: TenantId, task: &str) -> Result<Option<bosun_core::budget::Amount>> {
        budgets::task_estimate(&self.db, tenant, task)
    }

    fn counted(&mut self, tenant: TenantId, budget: &str, since: Timestamp) -> Result<i64> {
        budgets::counted(&self.db, tenant, budget, since)
    }
    fn approval(&mut self, tenant: TenantId, id: &str) -> Result<Option<Approval>> {
        governance::approval(&self.db, tenant, id)
    }
    fn approvals(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Approval>> {
        governance::approvals(&self.db, tenant, status, before, limit)
    }
    fn egress_log(
        &mut self,
        tenant: TenantId,
        agent: Option<AgentId>,
        before_seq: Option<u64>,
        limit: u32,
    ) -> Result<Vec<EgressRecord>> {
        governance::egress_log(&self.db, tenant, agent, before_seq, limit)
    }
}

impl WriteTx for Tx<'_> {
    fn create_tenant(&mut self, t: &Tenant) -> Result<()> {
        exec(
            &self.db,
            "INSERT INTO tenants (id, name, system, created_at) VALUES (?1, ?2, ?3, ?4)",
            args![t.id.to_string(), &t.name, t.system, &t.created_at],
        )?;
        if self.db.dialect() == Dialect::Postgres {
            exec(
                &self.db,
                "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?1, 0, ?2)",
                args![t.id.to_string(), GENESIS],
            )?;
        }
        Ok(())
    }

    fn create_user(&mut self, u: &User) -> Result<()> {
        exec(
            &self.db,
            "INSERT INTO users (tenant_id, id, name, role, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                u.tenant_id.to_string(),
                u.id.to_string(),
                &u.name,
                u.role.as_str(),
                u.metadata.to_string(),
                &u.created_at
            ],
        )?;
        Ok(())
    }

    fn create_key(&mut self, k: &ApiKey) -> Result<()> {
        exec(
            &self.db,
            &format!("INSERT INTO api_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            args![
                k.tenant_id.to_string(),
                k.id.to_string(),
                k.owner.kind(),
                k.owner.id(),
                &k.prefix,
                &k.hash,
                &k.label,
                &k.created_at,
                &k.revoked_at,
                k.enrolment
            ],
        )?;
        Ok(())
    }

    fn revoke_key(&mut self, tenant: TenantId, id: KeyId, at: &str) -> Result<()> {
        exec(
            &self.db,
            "UPDATE api_keys SET revoked_at = ?3 WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS NULL",
            args![tenant.to_string(), id.to_string(), at],
        )?;
        Ok(())
    }

    fn set_password_hash(&mut self, tenant: TenantId, user: UserId, hash: Option<&str>) -> Result<()> {
        exec(
            &self.db,
            "UPDATE users SET password_hash = ?3 WHERE tenant_id = ?1 AND id = ?2",
            args![tenant.to_string(), user.to_string(), hash],
        )?;
        Ok(())
    }

    fn insert_web_session(&mut self, s: &WebSession) -> Result<()> {
        exec(
            &self.db,
            &format!("INSERT INTO web_sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            args![
                s.tenant_id.to_string(),
                &s.id,
                s.user_id.to_string(),
                &s.secret_hash,
                &s.csrf,
                us(s.created_at),
                us(s.expires_at),
                s.revoked_at.map(us),
                &s.ip,
                &s.user_agent
            ],
        )?;
        Ok(())
    }

    fn revoke_web_session(&mut self, tenant: TenantId, id: &str, at: Timestamp) -> Result<bool> {
        let n = exec(
            &self.db,
            "UPDATE web_sessions SET revoked_us = ?3 WHERE tenant_id = ?1 AND id = ?2 AND revoked_us IS NULL",
            args![tenant.to_string(), id, us(at)],
        )?;
        Ok(n > 0)
    }

    fn append_audit(&mut self, tenant: TenantId, draft: AuditDraft) -> Result<AuditEvent> {
        let tenant = tenant.to_string();
        let cached = self.heads.as_deref().and_then(|h| h.get(&tenant)).cloned();
        let head = match (cached, self.db.dialect()) {
            (Some(head), _) => Some(head),
            // The head row, locked until this transaction ends: appends of one tenant are
            // serialised across nodes, and seq has no gaps.
            (None, Dialect::Postgres) => one(
                &self.db,
                "SELECT seq, hash FROM audit_heads WHERE tenant_id = ?1 FOR UPDATE",
                args![&tenant],
                |r| Ok((r.get::<u64>(0)?, r.get::<String>(1)?)),
            )?
            .filter(|(seq, _)| *seq > 0),
            (None, Dialect::Sqlite) => one(
                &self.db,
                "SELECT seq, hash FROM audit_events WHERE tenant_id = ?1 ORDER BY seq DESC LIMIT 1",
                args![&tenant],
                |r| Ok((r.get::<u64>(0)?, r.get::<String>(1)?)),
            )?,
        };
        let (seq, prev) = head.map_or((1, GENESIS.to_owned()), |(s, h)| (s + 1, h));
        let e = draft.seal(&tenant, seq, &prev);
        exec(
            &self.db,
            &format!(
                "INSERT INTO audit_events ({AUDIT_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
            ),
            args![
                &e.tenant,
                e.seq,
                &e.at,
                e.actor_type.as_str(),
                &e.actor_id,
                &e.actor_name,
                &e.action,
                &e.target_type,
                &e.target_id,
                &e.project,
                e.outcome.as_str(),
                e.severity.as_str(),
                e.details.to_string(),
                &e.ip,
                &e.user_agent,
                &e.correlation_id,
                &e.prev_hash,
                &e.hash
            ],
        )?;
        self.appends += 1;
        // PostgreSQL's head row is written once per transaction, from `heads`, by the writer
        // (`postgres::commit_group`); without a batch (no `heads`), here.
        if self.db.dialect() == Dialect::Postgres && self.heads.is_none() {
            exec(
                &self.db,
                "UPDATE audit_heads SET seq = ?2, hash = ?3 WHERE tenant_id = ?1",
                args![&e.tenant, e.seq, &e.hash],
            )?;
        }
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
        one(
            &self.db,
            "SELECT request_hash, status, body FROM idempotency
             WHERE tenant_id = ?1 AND principal_id = ?2 AND key = ?3 AND created_at >= ?4",
            args![tenant.to_string(), principal, key, not_before],
            |r| Ok(IdempotentReply { request_hash: r.get(0)?, status: r.get(1)?, body: r.get(2)? }),
        )
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
        exec(
            &self.db,
            "INSERT INTO idempotency (tenant_id, principal_id, key, request_hash, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (tenant_id, principal_id, key) DO UPDATE SET request_hash = excluded.request_hash,
             status = excluded.status, body = excluded.body, created_at = excluded.created_at",
            args![tenant.to_string(), principal, key, &reply.request_hash, reply.status, &reply.body, at],
        )?;
        Ok(())
    }

    fn revoke_keys_of(&mut self, tenant: TenantId, owner: Owner, at: &str) -> Result<u64> {
        coord::revoke_keys_of(&self.db, tenant, owner, at)
    }
    fn create_agent(&mut self, agent: &Agent) -> Result<()> {
        coord::create_agent(&self.db, agent)
    }
    fn update_agent(&mut self, agent: &Agent) -> Result<()> {
        coord::update_agent(&self.db, agent)
    }
    fn create_task(&mut self, task: &Task) -> Result<()> {
        coord::create_task(&self.db, task)
    }
    fn update_task(&mut self, task: &Task) -> Result<()> {
        coord::update_task(&self.db, task)
    }
    fn insert_lock(&mut self, lock: &Lock) -> Result<()> {
        coord::insert_lock(&self.db, lock)
    }
    fn update_lock(&mut self, lock: &Lock) -> Result<()> {
        coord::update_lock(&self.db, lock)
    }
    fn delete_lock(&mut self, tenant: TenantId, id: LockId) -> Result<()> {
        coord::delete_lock(&self.db, tenant, id)
    }
    fn next_lock_fence(&mut self, tenant: TenantId, project: &str, key: &str) -> Result<u64> {
        coord::next_lock_fence(&self.db, tenant, project, key)
    }
    fn insert_handoff(&mut self, handoff: &Handoff) -> Result<()> {
        coord::insert_handoff(&self.db, handoff)
    }

    fn insert_message(&mut self, message: &Message, recipients: &[Recipient]) -> Result<()> {
        messages::insert_message(&self.db, message, recipients)
    }
    fn update_recipient(&mut self, tenant: TenantId, recipient: &Recipient) -> Result<()> {
        messages::update_recipient(&self.db, tenant, recipient)
    }
    fn insert_workflow_template(&mut self, template: &crate::WorkflowTemplate) -> Result<()> {
        workflows::insert_template(&self.db, template)
    }
    fn insert_workflow_run(&mut self, run: &crate::WorkflowRun) -> Result<()> {
        workflows::insert_run(&self.db, run)
    }
    fn update_workflow_run(&mut self, run: &crate::WorkflowRun) -> Result<()> {
        workflows::update_run(&self.db, run)
    }
    fn put_allowlist(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        messages::put_allowlist(&self.db, tenant, document, at)
    }
    fn insert_memory(&mut self, memory: &crate::Memory) -> Result<()> {
        memories::insert(&self.db, memory)
    }
    fn touch_memory(&mut self, tenant: TenantId, id: &str, seen: u32, at: Timestamp) -> Result<()> {
        memories::touch(&self.db, tenant, id, seen, at)
    }
    fn erase_memories(&mut self, tenant: TenantId, ids: &[String]) -> Result<u64> {
        let n = memories::erase(&self.db, tenant, ids)?;
        self.scrub |= n > 0;
        Ok(n)
    }
    fn put_memory_vector(
        &mut self,
        tenant: TenantId,
        id: &str,
        model: &str,
        vector: &str,
        at: Timestamp,
    ) -> Result<bool> {
        memories::put_vector(&self.db, tenant, id, model, vector, at)
    }
    fn put_memory_settings(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        memories::put_settings(&self.db, tenant, document, at)
    }
    fn insert_policy_version(&mut self, version: &PolicyVersion) -> Result<()> {
        governance::insert_policy_version(&self.db, version)
    }
    fn put_evidence(&mut self, tenant: TenantId, sha256: &str, content: &str, at: &str) -> Result<()> {
        governance::put_evidence(&self.db, tenant, sha256, content, at)
    }
    fn put_guardrail_rules(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        governance::put_document(&self.db, governance::Document::GuardrailRules, tenant, document, at)
    }

    fn put_governance_settings(
        &mut self,
        tenant: TenantId,
        settings: &GovernanceSettings,
        at: Timestamp,
    ) -> Result<()> {
        governance::put_settings(&self.db, tenant, settings, at)
    }

    fn put_budgets(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        governance::put_document(&self.db, governance::Document::Budgets, tenant, document, at)
    }

    fn prune(&mut self, tenant: TenantId, what: crate::Prunable, before: Timestamp, limit: u32) -> Result<u64> {
        governance::prune(&self.db, tenant, what, before, limit)
    }

    fn add_counted(&mut self, tenant: TenantId, budget: &str, bucket: Timestamp, amount: i64) -> Result<()> {
        budgets::add_counted(&self.db, tenant, budget, bucket, amount)
    }

    fn clear_counted(&mut self, tenant: TenantId) -> Result<()> {
        budgets::clear_counted(&self.db, tenant)
    }

    fn put_alert_rules(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
        governance::put_document(&self.db, governance::Document::AlertRules, tenant, document, at)
    }

    fn upsert_alert(&mut self, alert: &Alert) -> Result<()> {
        alerts::upsert_alert(&self.db, alert)
    }

    fn insert_webhook(&mut self, webhook: &Webhook) -> Result<()> {
        alerts::insert_webhook(&self.db, webhook)
    }

    fn delete_webhook(&mut self, tenant: TenantId, id: &str) -> Result<bool> {
        alerts::delete_webhook(&self.db, tenant, id)
    }

    fn upsert_delivery(&mut self, delivery: &Delivery) -> Result<()> {
        alerts::upsert_delivery(&self.db, delivery)
    }

    fn insert_reservation(&mut self, tenant: TenantId, reservation: &Reservation) -> Result<()> {
        budgets::insert_reservation(&self.db, tenant, reservation)
    }

    fn update_reservation(&mut self, tenant: TenantId, reservation: &Reservation) -> Result<()> {
        budgets::update_reservation(&self.db, tenant, reservation)
    }

    fn insert_usage(&mut self, tenant: TenantId, usage: &UsageRecord) -> Result<()> {
        budgets::insert_usage(&self.db, tenant, usage)
    }

    fn put_task_estimate(&mut self, tenant: TenantId, task: &str, estimate: &bosun_core::budget::Amount) -> Result<()> {
        budgets::put_task_estimate(&self.db, tenant, task, estimate)
    }
    fn insert_approval(&mut self, approval: &Approval) -> Result<()> {
        governance::insert_approval(&self.db, approval)
    }
    fn update_approval(&mut self, approval: &Approval) -> Result<()> {
        governance::update_approval(&self.db, approval)
    }
    fn append_egress(&mut self, tenant: TenantId, record: &EgressRecord) -> Result<u64> {
        governance::append_egress(&self.db, tenant, record)
    }
}
