//! Queries for agents, tasks, locks and handoffs (the coordination core), for both backends.
//! The `ReadTx`/`WriteTx` impls in `tx.rs` delegate here.

use crate::db::{Arg, Db, Dialect, Row, args};
use crate::{AgentFilter, HandoffFilter, Result, StoreError, TaskFilter};
use bosun_core::agent::AgentStatus;
use bosun_core::model::{Agent, Handoff, Holder, Lock, Owner};
use bosun_core::task::{Task, TaskStatus};
use bosun_core::{AgentId, HandoffId, LockId, TaskId, TenantId, Timestamp};

pub(crate) fn us(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn ts(r: &Row<'_>, i: usize) -> Result<Timestamp> {
    Timestamp::from_microsecond(r.get(i)?).map_err(|_| bad_column(i, "time"))
}

pub(crate) fn ts_opt(r: &Row<'_>, i: usize) -> Result<Option<Timestamp>> {
    let v: Option<i64> = r.get(i)?;
    v.map(|v| Timestamp::from_microsecond(v).map_err(|_| bad_column(i, "time"))).transpose()
}

pub(crate) fn json_col<T: serde::de::DeserializeOwned>(r: &Row<'_>, i: usize) -> Result<T> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text).map_err(|_| bad_column(i, "json"))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serializes")
}

pub(crate) fn parse_id<T>(r: &Row<'_>, i: usize, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: String = r.get(i)?;
    parse(&s).ok_or_else(|| bad_column(i, "id"))
}

pub(crate) fn bad_column(i: usize, what: &str) -> StoreError {
    StoreError::Internal(format!("column {i}: bad {what}"))
}

/// Run a query and map every row.
pub(crate) fn rows<T>(c: &Db<'_>, sql: &str, args: &[Arg], map: impl FnMut(&Row<'_>) -> Result<T>) -> Result<Vec<T>> {
    c.rows(sql, args, map)
}

pub(crate) fn one<T>(
    c: &Db<'_>,
    sql: &str,
    args: &[Arg],
    map: impl FnOnce(&Row<'_>) -> Result<T>,
) -> Result<Option<T>> {
    c.one(sql, args, map)
}

pub(crate) fn exec(c: &Db<'_>, sql: &str, args: &[Arg]) -> Result<u64> {
    c.exec(sql, args)
}

// ---- agents ----

const AGENT_COLUMNS: &str =
    "tenant_id, id, name, kind, capabilities, profile, status, metadata, heartbeat_interval, last_seen_us, created_at";

fn agent_row(r: &Row<'_>) -> Result<Agent> {
    let status: String = r.get(6)?;
    Ok(Agent {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: parse_id(r, 1, AgentId::parse)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        capabilities: json_col(r, 4)?,
        profile: r.get(5)?,
        status: AgentStatus::parse(&status).ok_or_else(|| bad_column(6, "status"))?,
        metadata: json_col(r, 7)?,
        heartbeat_interval: r.get(8)?,
        last_seen_at: ts(r, 9)?,
        created_at: r.get(10)?,
    })
}

pub fn agent(c: &Db<'_>, tenant: TenantId, id: AgentId) -> Result<Option<Agent>> {
    one(
        c,
        &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE tenant_id = ?1 AND id = ?2"),
        args![tenant.to_string(), id.to_string()],
        agent_row,
    )
}

pub fn agent_by_name(c: &Db<'_>, tenant: TenantId, name: &str) -> Result<Option<Agent>> {
    one(
        c,
        &format!("SELECT {AGENT_COLUMNS} FROM agents WHERE tenant_id = ?1 AND name = ?2"),
        args![tenant.to_string(), name],
        agent_row,
    )
}

pub fn list_agents(
    c: &Db<'_>,
    tenant: TenantId,
    f: &AgentFilter,
    after: Option<AgentId>,
    limit: u32,
) -> Result<Vec<Agent>> {
    let mut sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE tenant_id = ?1 AND id > ?2");
    let mut args = vec![Arg::Text(tenant.to_string()), Arg::Text(after.map(|a| a.to_string()).unwrap_or_default())];
    if let Some(s) = f.status {
        args.push(Arg::Text(s.as_str().into()));
        sql.push_str(&format!(" AND status = ?{}", args.len()));
    }
    if let Some(k) = &f.kind {
        args.push(Arg::Text(k.clone()));
        sql.push_str(&format!(" AND kind = ?{}", args.len()));
    }
    if let Some(cap) = &f.capability {
        args.push(Arg::Text(cap.clone()));
        let each = match c.dialect() {
            Dialect::Sqlite => "json_each(capabilities)",
            Dialect::Postgres => "json_array_elements_text(capabilities::json) AS e(value)",
        };
        sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM {each} WHERE value = ?{})", args.len()));
    }
    args.push(Arg::Int(i64::from(limit)));
    sql.push_str(&format!(" ORDER BY id LIMIT ?{}", args.len()));
    rows(c, &sql, &args, agent_row)
}

pub fn silent_agents(c: &Db<'_>, tenant: TenantId, seen_before: Timestamp, limit: u32) -> Result<Vec<Agent>> {
    rows(
        c,
        &format!(
            "SELECT {AGENT_COLUMNS} FROM agents WHERE tenant_id = ?1
             AND status IN ('spawning', 'idle', 'busy', 'terminating') AND last_seen_us < ?2 LIMIT ?3"
        ),
        args![tenant.to_string(), us(seen_before), limit],
        agent_row,
    )
}

pub fn create_agent(c: &Db<'_>, a: &Agent) -> Result<()> {
    exec(
        c,
        &format!("INSERT INTO agents ({AGENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        args![
            a.tenant_id.to_string(),
            a.id.to_string(),
            a.name,
            a.kind,
            to_json(&a.capabilities),
            a.profile,
            a.status.as_str(),
            a.metadata.to_string(),
            a.heartbeat_interval,
            us(a.last_seen_at),
            a.created_at
        ],
    )?;
    Ok(())
}

pub fn update_agent(c: &Db<'_>, a: &Agent) -> Result<()> {
    exec(
        c,
        "UPDATE agents SET capabilities = ?3, profile = ?4, status = ?5, metadata = ?6, heartbeat_interval = ?7,
         last_seen_us = ?8 WHERE tenant_id = ?1 AND id = ?2",
        args![
            a.tenant_id.to_string(),
            a.id.to_string(),
            to_json(&a.capabilities),
            a.profile,
            a.status.as_str(),
            a.metadata.to_string(),
            a.heartbeat_interval,
            us(a.last_seen_at)
        ],
    )?;
    Ok(())
}

pub fn revoke_keys_of(c: &Db<'_>, tenant: TenantId, owner: Owner, at: &str) -> Result<u64> {
    let n = exec(
        c,
        "UPDATE api_keys SET revoked_at = ?4 WHERE tenant_id = ?1 AND owner_type = ?2 AND owner_id = ?3
         AND revoked_at IS NULL",
        args![tenant.to_string(), owner.kind(), owner.id(), at],
    )?;
    Ok(n as u64)
}

// ---- tasks ----

/// A task's columns and, last, its dependencies as a JSON array.
fn task_columns(c: &Db<'_>) -> &'static str {
    match c.dialect() {
        Dialect::Sqlite => concat!(
            "t.tenant_id, t.id, t.project, t.title, t.description, t.payload, t.priority, ",
            "t.required_capabilities, t.status, t.assignee, t.lease_expires_us, t.fence, t.attempts, t.max_attempts, ",
            "t.idempotency_key, t.result, t.error, t.created_by, t.created_us, t.updated_us, t.deadline_us, t.retry_us, ",
            "t.scope, t.lease_heartbeats, ",
            "(SELECT json_group_array(d.depends_on) FROM task_deps d WHERE d.tenant_id = t.tenant_id AND d.task_id = t.id)"
        ),
        Dialect::Postgres => concat!(
            "t.tenant_id, t.id, t.project, t.title, t.description, t.payload, t.priority, ",
            "t.required_capabilities, t.status, t.assignee, t.lease_expires_us, t.fence, t.attempts, t.max_attempts, ",
            "t.idempotency_key, t.result, t.error, t.created_by, t.created_us, t.updated_us, t.deadline_us, t.retry_us, ",
            "t.scope, t.lease_heartbeats, ",
            "(SELECT COALESCE(json_agg(d.depends_on), '[]')::text FROM task_deps d ",
            "WHERE d.tenant_id = t.tenant_id AND d.task_id = t.id)"
        ),
    }
}

fn task_row(r: &Row<'_>) -> Result<Task> {
    let status: String = r.get(8)?;
    let assignee: Option<String> = r.get(9)?;
    let result: Option<String> = r.get(15)?;
    let deps: Vec<String> = json_col(r, 24)?;
    let mut depends_on =
        deps.iter().map(|d| TaskId::parse(d)).collect::<Option<Vec<_>>>().ok_or_else(|| bad_column(24, "deps"))?;
    depends_on.sort();
    Ok(Task {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: parse_id(r, 1, TaskId::parse)?,
        project: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        payload: json_col(r, 5)?,
        priority: r.get(6)?,
        required_capabilities: json_col(r, 7)?,
        status: TaskStatus::parse(&status).ok_or_else(|| bad_column(8, "status"))?,
        assignee: assignee.map(|a| AgentId::parse(&a).ok_or_else(|| bad_column(9, "assignee"))).transpose()?,
        lease_expires_at: ts_opt(r, 10)?,
        fence: r.get::<i64>(11)? as u64,
        attempts: r.get(12)?,
        max_attempts: r.get(13)?,
        idempotency_key: r.get(14)?,
        result: result.map(|v| serde_json::from_str(&v).map_err(|_| bad_column(15, "result"))).transpose()?,
        error: r.get(16)?,
        created_by: r.get(17)?,
        created_at: ts(r, 18)?,
        updated_at: ts(r, 19)?,
        deadline_at: ts_opt(r, 20)?,
        retry_at: ts_opt(r, 21)?,
        scope: json_col(r, 22)?,
        lease_heartbeats: r.get(23)?,
        depends_on,
    })
}

pub fn task(c: &Db<'_>, tenant: TenantId, id: TaskId) -> Result<Option<Task>> {
    let tc = task_columns(c);
    one(
        c,
        &format!("SELECT {tc} FROM tasks t WHERE t.tenant_id = ?1 AND t.id = ?2"),
        args![tenant.to_string(), id.to_string()],
        task_row,
    )
}

pub fn task_by_idempotency_key(c: &Db<'_>, tenant: TenantId, key: &str) -> Result<Option<Task>> {
    let tc = task_columns(c);
    one(
        c,
        &format!("SELECT {tc} FROM tasks t WHERE t.tenant_id = ?1 AND t.idempotency_key = ?2"),
        args![tenant.to_string(), key],
        task_row,
    )
}

pub fn list_tasks(
    c: &Db<'_>,
    tenant: TenantId,
    f: &TaskFilter,
    after: Option<TaskId>,
    limit: u32,
) -> Result<Vec<Task>> {
    let tc = task_columns(c);
    let mut sql = format!("SELECT {tc} FROM tasks t WHERE t.tenant_id = ?1");
    let mut args = vec![Arg::Text(tenant.to_string())];
    let mut push = |clause: &str, v: Arg| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(a) = after {
        // Correlated on t.tenant_id: a clause passed to `push` holds exactly one `?`.
        push(
            " AND t.ord > (SELECT o.ord FROM tasks o WHERE o.tenant_id = t.tenant_id AND o.id = ?)",
            Arg::Text(a.to_string()),
        );
    }
    if let Some(p) = &f.project {
        push(" AND t.project = ?", Arg::Text(p.clone()));
    }
    if let Some(s) = f.status {
        push(" AND t.status = ?", Arg::Text(s.as_str().into()));
    }
    if let Some(a) = f.assignee {
        push(" AND t.assignee = ?", Arg::Text(a.to_string()));
    }
    if let Some(p) = f.priority {
        push(" AND t.priority = ?", Arg::Int(i64::from(p)));
    }
    push(" ORDER BY t.ord LIMIT ?", Arg::Int(i64::from(limit)));
    rows(c, &sql, &args, task_row)
}

pub fn ready_tasks(c: &Db<'_>, tenant: TenantId, project: &str, skip: u32, limit: u32) -> Result<Vec<Task>> {
    let tc = task_columns(c);
    // `status = 'ready'` is literal so that the partial index `tasks_ready` serves the query.
    rows(
        c,
        &format!(
            "SELECT {tc} FROM tasks t WHERE t.tenant_id = ?1 AND t.project = ?2 AND t.status = 'ready'
             ORDER BY t.priority DESC, t.ord LIMIT ?3 OFFSET ?4"
        ),
        args![tenant.to_string(), project, limit, skip],
        task_row,
    )
}

pub fn dependants(c: &Db<'_>, tenant: TenantId, id: TaskId) -> Result<Vec<Task>> {
    let tc = task_columns(c);
    rows(
        c,
        &format!(
            "SELECT {tc} FROM task_deps d JOIN tasks t ON t.tenant_id = d.tenant_id AND t.id = d.task_id
             WHERE d.tenant_id = ?1 AND d.depends_on = ?2 ORDER BY t.ord"
        ),
        args![tenant.to_string(), id.to_string()],
        task_row,
    )
}

pub fn leased_by(c: &Db<'_>, tenant: TenantId, agent: AgentId) -> Result<Vec<Task>> {
    let tc = task_columns(c);
    rows(
        c,
        &format!("SELECT {tc} FROM tasks t WHERE t.tenant_id = ?1 AND t.assignee = ?2 ORDER BY t.ord"),
        args![tenant.to_string(), agent.to_string()],
        task_row,
    )
}

pub fn due_tasks(c: &Db<'_>, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Task>> {
    let tc = task_columns(c);
    rows(
        c,
        &format!(
            "SELECT {tc} FROM tasks t WHERE t.tenant_id = ?1 AND t.status = 'leased' AND t.lease_expires_us <= ?2
             UNION ALL
             SELECT {tc} FROM tasks t WHERE t.tenant_id = ?1 AND t.status = 'failed' AND t.retry_us <= ?2
             LIMIT ?3"
        ),
        args![tenant.to_string(), us(now), limit],
        task_row,
    )
}

pub fn create_task(c: &Db<'_>, t: &Task) -> Result<()> {
    exec(
        c,
        "INSERT INTO tasks (tenant_id, id, project, title, description, payload, priority, required_capabilities,
         status, assignee, lease_expires_us, fence, attempts, max_attempts, idempotency_key, result, error, created_by,
         created_us, updated_us, deadline_us, retry_us, scope, lease_heartbeats)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
         ?24)",
        args![
            t.tenant_id.to_string(),
            t.id.to_string(),
            t.project,
            t.title,
            t.description,
            t.payload.to_string(),
            t.priority,
            to_json(&t.required_capabilities),
            t.status.as_str(),
            t.assignee.map(|a| a.to_string()),
            t.lease_expires_at.map(us),
            t.fence as i64,
            t.attempts,
            t.max_attempts,
            t.idempotency_key,
            t.result.as_ref().map(|r| r.to_string()),
            t.error,
            t.created_by,
            us(t.created_at),
            us(t.updated_at),
            t.deadline_at.map(us),
            t.retry_at.map(us),
            to_json(&t.scope),
            t.lease_heartbeats
        ],
    )?;
    for dep in &t.depends_on {
        exec(
            c,
            "INSERT INTO task_deps (tenant_id, task_id, depends_on) VALUES (?1, ?2, ?3)",
            args![t.tenant_id.to_string(), t.id.to_string(), dep.to_string()],
        )?;
    }
    Ok(())
}

pub fn update_task(c: &Db<'_>, t: &Task) -> Result<()> {
    exec(
        c,
        "UPDATE tasks SET status = ?3, assignee = ?4, lease_expires_us = ?5, fence = ?6, attempts = ?7, result = ?8,
         error = ?9, updated_us = ?10, retry_us = ?11, scope = ?12, priority = ?13, lease_heartbeats = ?14
         WHERE tenant_id = ?1 AND id = ?2",
        args![
            t.tenant_id.to_string(),
            t.id.to_string(),
            t.status.as_str(),
            t.assignee.map(|a| a.to_string()),
            t.lease_expires_at.map(us),
            t.fence as i64,
            t.attempts,
            t.result.as_ref().map(|r| r.to_string()),
            t.error,
            us(t.updated_at),
            t.retry_at.map(us),
            to_json(&t.scope),
            t.priority,
            t.lease_heartbeats
        ],
    )?;
    Ok(())
}

// ---- locks ----

const LOCK_COLUMNS: &str = "tenant_id, id, project, key, exclusive, holder_type, holder_id, holder_name, task_id, \
    reason, fence, expires_us, created_us";

fn lock_row(r: &Row<'_>) -> Result<Lock> {
    let (kind, id): (String, String) = (r.get(5)?, r.get(6)?);
    let task: Option<String> = r.get(8)?;
    Ok(Lock {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: parse_id(r, 1, LockId::parse)?,
        project: r.get(2)?,
        key: r.get(3)?,
        exclusive: r.get(4)?,
        holder: Holder { owner: Owner::parse(&kind, &id).ok_or_else(|| bad_column(6, "holder"))?, name: r.get(7)? },
        task_id: task.map(|t| TaskId::parse(&t).ok_or_else(|| bad_column(8, "task"))).transpose()?,
        reason: r.get(9)?,
        fence: r.get::<i64>(10)? as u64,
        expires_at: ts(r, 11)?,
        created_at: ts(r, 12)?,
    })
}

pub fn active_locks(c: &Db<'_>, tenant: TenantId, project: Option<&str>, now: Timestamp) -> Result<Vec<Lock>> {
    match project {
        Some(p) => rows(
            c,
            &format!(
                "SELECT {LOCK_COLUMNS} FROM locks WHERE tenant_id = ?1 AND project = ?2 AND expires_us > ?3
                 ORDER BY created_us, id"
            ),
            args![tenant.to_string(), p, us(now)],
            lock_row,
        ),
        None => rows(
            c,
            &format!(
                "SELECT {LOCK_COLUMNS} FROM locks WHERE tenant_id = ?1 AND expires_us > ?2 ORDER BY project, created_us, id"
            ),
            args![tenant.to_string(), us(now)],
            lock_row,
        ),
    }
}

pub fn lock(c: &Db<'_>, tenant: TenantId, id: LockId) -> Result<Option<Lock>> {
    one(
        c,
        &format!("SELECT {LOCK_COLUMNS} FROM locks WHERE tenant_id = ?1 AND id = ?2"),
        args![tenant.to_string(), id.to_string()],
        lock_row,
    )
}

pub fn expired_locks(c: &Db<'_>, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Lock>> {
    rows(
        c,
        &format!("SELECT {LOCK_COLUMNS} FROM locks WHERE tenant_id = ?1 AND expires_us <= ?2 LIMIT ?3"),
        args![tenant.to_string(), us(now), limit],
        lock_row,
    )
}

pub fn locks_of(c: &Db<'_>, tenant: TenantId, holder_id: &str) -> Result<Vec<Lock>> {
    rows(
        c,
        &format!("SELECT {LOCK_COLUMNS} FROM locks WHERE tenant_id = ?1 AND holder_id = ?2 ORDER BY created_us, id"),
        args![tenant.to_string(), holder_id],
        lock_row,
    )
}

pub fn insert_lock(c: &Db<'_>, l: &Lock) -> Result<()> {
    exec(
        c,
        &format!("INSERT INTO locks ({LOCK_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
        args![
            l.tenant_id.to_string(),
            l.id.to_string(),
            l.project,
            l.key,
            l.exclusive,
            l.holder.owner.kind(),
            l.holder.owner.id(),
            l.holder.name,
            l.task_id.map(|t| t.to_string()),
            l.reason,
            l.fence as i64,
            us(l.expires_at),
            us(l.created_at)
        ],
    )?;
    Ok(())
}

pub fn update_lock(c: &Db<'_>, l: &Lock) -> Result<()> {
    exec(
        c,
        "UPDATE locks SET expires_us = ?3, reason = ?4 WHERE tenant_id = ?1 AND id = ?2",
        args![l.tenant_id.to_string(), l.id.to_string(), us(l.expires_at), l.reason],
    )?;
    Ok(())
}

pub fn delete_lock(c: &Db<'_>, tenant: TenantId, id: LockId) -> Result<()> {
    exec(c, "DELETE FROM locks WHERE tenant_id = ?1 AND id = ?2", args![tenant.to_string(), id.to_string()])?;
    Ok(())
}

pub fn next_lock_fence(c: &Db<'_>, tenant: TenantId, project: &str, key: &str) -> Result<u64> {
    exec(
        c,
        "INSERT INTO lock_fences (tenant_id, project, key, fence) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (tenant_id, project, key) DO UPDATE SET fence = lock_fences.fence + 1",
        args![tenant.to_string(), project, key],
    )?;
    let fence: Option<i64> = one(
        c,
        "SELECT fence FROM lock_fences WHERE tenant_id = ?1 AND project = ?2 AND key = ?3",
        args![tenant.to_string(), project, key],
        |r| r.get(0),
    )?;
    Ok(fence.unwrap_or(1) as u64)
}

// ---- handoffs ----

const HANDOFF_COLUMNS: &str =
    "tenant_id, id, project, task_id, author_type, author_id, author_name, document, created_us";

fn handoff_row(r: &Row<'_>) -> Result<Handoff> {
    let (kind, id): (String, String) = (r.get(4)?, r.get(5)?);
    let task: Option<String> = r.get(3)?;
    Ok(Handoff {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: parse_id(r, 1, HandoffId::parse)?,
        project: r.get(2)?,
        task_id: task.map(|t| TaskId::parse(&t).ok_or_else(|| bad_column(3, "task"))).transpose()?,
        author: Holder { owner: Owner::parse(&kind, &id).ok_or_else(|| bad_column(5, "author"))?, name: r.get(6)? },
        document: json_col(r, 7)?,
        created_at: ts(r, 8)?,
    })
}

pub fn handoffs(c: &Db<'_>, tenant: TenantId, f: &HandoffFilter, limit: u32) -> Result<Vec<Handoff>> {
    let mut sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE tenant_id = ?1");
    let mut args = vec![Arg::Text(tenant.to_string())];
    let mut push = |clause: &str, v: Arg| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(p) = &f.project {
        push(" AND project = ?", Arg::Text(p.clone()));
    }
    if let Some(t) = f.task_id {
        push(" AND task_id = ?", Arg::Text(t.to_string()));
    }
    if let Some(a) = &f.author {
        push(" AND (author_id = ?", Arg::Text(a.clone()));
        push(" OR author_name = ?)", Arg::Text(a.clone()));
    }
    push(" ORDER BY created_us DESC, id DESC LIMIT ?", Arg::Int(i64::from(limit)));
    rows(c, &sql, &args, handoff_row)
}

pub fn insert_handoff(c: &Db<'_>, h: &Handoff) -> Result<()> {
    exec(
        c,
        &format!("INSERT INTO handoffs ({HANDOFF_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        args![
            h.tenant_id.to_string(),
            h.id.to_string(),
            h.project,
            h.task_id.map(|t| t.to_string()),
            h.author.owner.kind(),
            h.author.owner.id(),
            h.author.name,
            h.document.to_string(),
            us(h.created_at)
        ],
    )?;
    Ok(())
}
