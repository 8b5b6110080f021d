//! Queries for budgets: the tenant's document, reservations, the usage ledger and task
//! estimates.

use crate::db::{Db, Row, args};
use bosun_core::budget::Amount;
use bosun_core::{TenantId, Timestamp};

use crate::coord::{exec, one, rows, ts, ts_opt, us};
use crate::{Reservation, Result, SpendFilter, UsageRecord};

const RESERVATION_COLUMNS: &str = "id, agent_id, agent_kind, project, task_id, tokens, cost_micros, currency, status, \
    created_us, expires_us, settled_us";

fn reservation_row(r: &Row<'_>) -> Result<Reservation> {
    Ok(Reservation {
        id: r.get(0)?,
        agent_id: r.get(1)?,
        agent_kind: r.get(2)?,
        project: r.get(3)?,
        task_id: r.get(4)?,
        amount: Amount { tokens: r.get(5)?, cost_micros: r.get(6)?, currency: r.get(7)? },
        status: r.get(8)?,
        created_at: ts(r, 9)?,
        expires_at: ts(r, 10)?,
        settled_at: ts_opt(r, 11)?,
    })
}

pub fn reservation(c: &Db<'_>, tenant: TenantId, id: &str) -> Result<Option<Reservation>> {
    let sql = format!("SELECT {RESERVATION_COLUMNS} FROM budget_reservations WHERE tenant_id = ?1 AND id = ?2");
    one(c, &sql, args![tenant.to_string(), id], reservation_row)
}

pub fn expired_reservations(c: &Db<'_>, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Reservation>> {
    let sql = format!(
        "SELECT {RESERVATION_COLUMNS} FROM budget_reservations
         WHERE tenant_id = ?1 AND status = 'held' AND expires_us <= ?2 ORDER BY expires_us LIMIT ?3"
    );
    rows(c, &sql, args![tenant.to_string(), us(now), limit], reservation_row)
}

pub fn insert_reservation(c: &Db<'_>, tenant: TenantId, r: &Reservation) -> Result<()> {
    exec(
        c,
        &format!(
            "INSERT INTO budget_reservations (tenant_id, {RESERVATION_COLUMNS})
                  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ),
        args![
            tenant.to_string(),
            r.id,
            r.agent_id,
            r.agent_kind,
            r.project,
            r.task_id,
            r.amount.tokens,
            r.amount.cost_micros,
            r.amount.currency,
            r.status,
            us(r.created_at),
            us(r.expires_at),
            r.settled_at.map(us)
        ],
    )?;
    Ok(())
}

pub fn update_reservation(c: &Db<'_>, tenant: TenantId, r: &Reservation) -> Result<()> {
    exec(
        c,
        "UPDATE budget_reservations SET status = ?3, settled_us = ?4 WHERE tenant_id = ?1 AND id = ?2",
        args![tenant.to_string(), r.id, r.status, r.settled_at.map(us)],
    )?;
    Ok(())
}

pub fn insert_usage(c: &Db<'_>, tenant: TenantId, u: &UsageRecord) -> Result<()> {
    exec(
        c,
        "INSERT INTO budget_usage (tenant_id, reservation_id, agent_id, agent_kind, project, tokens, cost_micros,
             currency, model, provider, overspend, at_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        args![
            tenant.to_string(),
            u.reservation_id,
            u.agent_id,
            u.agent_kind,
            u.project,
            u.amount.tokens,
            u.amount.cost_micros,
            u.amount.currency,
            u.model,
            u.provider,
            u.overspend,
            us(u.at)
        ],
    )?;
    Ok(())
}

/// Tokens and cost (in `f.currency` only) spent since `since` by what `f` selects.
pub fn spent(c: &Db<'_>, tenant: TenantId, f: &SpendFilter<'_>, since: Timestamp) -> Result<(i64, i64)> {
    let found = one(
        c,
        "SELECT CAST(COALESCE(SUM(tokens), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN currency = ?6 THEN cost_micros ELSE 0 END), 0) AS BIGINT)
         FROM budget_usage WHERE tenant_id = ?1 AND at_us >= ?2 AND (project = ?3 OR ?3 IS NULL)
             AND (agent_id = ?4 OR ?4 IS NULL) AND (agent_kind = ?5 OR ?5 IS NULL)",
        args![tenant.to_string(), us(since), f.project, f.agent, f.kind, f.currency],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(found.unwrap_or((0, 0)))
}

/// Tokens and cost held by reservations still in force at `now`.
pub fn held(c: &Db<'_>, tenant: TenantId, f: &SpendFilter<'_>, now: Timestamp) -> Result<(i64, i64)> {
    let found = one(
        c,
        "SELECT CAST(COALESCE(SUM(tokens), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN currency = ?6 THEN cost_micros ELSE 0 END), 0) AS BIGINT)
         FROM budget_reservations WHERE tenant_id = ?1 AND status = 'held' AND expires_us > ?2
             AND (project = ?3 OR ?3 IS NULL) AND (agent_id = ?4 OR ?4 IS NULL) AND (agent_kind = ?5 OR ?5 IS NULL)",
        args![tenant.to_string(), us(now), f.project, f.agent, f.kind, f.currency],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(found.unwrap_or((0, 0)))
}

pub fn task_estimate(c: &Db<'_>, tenant: TenantId, task: &str) -> Result<Option<Amount>> {
    one(
        c,
        "SELECT tokens, cost_micros, currency FROM task_estimates WHERE tenant_id = ?1 AND task_id = ?2",
        args![tenant.to_string(), task],
        |r| Ok(Amount { tokens: r.get(0)?, cost_micros: r.get(1)?, currency: r.get(2)? }),
    )
}

pub fn put_task_estimate(c: &Db<'_>, tenant: TenantId, task: &str, a: &Amount) -> Result<()> {
    exec(
        c,
        "INSERT INTO task_estimates (tenant_id, task_id, tokens, cost_micros, currency) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![tenant.to_string(), task, a.tokens, a.cost_micros, a.currency],
    )?;
    Ok(())
}

/// What a budget counted since `since` (bucket starts at or after it).
pub fn counted(c: &Db<'_>, tenant: TenantId, budget: &str, since: Timestamp) -> Result<i64> {
    let found = one(
        c,
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM budget_counters WHERE tenant_id = ?1 AND budget_id = ?2 AND bucket_us >= ?3",
        args![tenant.to_string(), budget, us(since)],
        |r| r.get(0),
    )?;
    Ok(found.unwrap_or(0))
}

pub fn add_counted(c: &Db<'_>, tenant: TenantId, budget: &str, bucket: Timestamp, amount: i64) -> Result<()> {
    exec(
        c,
        "INSERT INTO budget_counters (tenant_id, budget_id, bucket_us, amount) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (tenant_id, budget_id, bucket_us) DO UPDATE SET amount = budget_counters.amount + excluded.amount",
        args![tenant.to_string(), budget, us(bucket), amount],
    )?;
    Ok(())
}

pub fn clear_counted(c: &Db<'_>, tenant: TenantId) -> Result<()> {
    exec(c, "DELETE FROM budget_counters WHERE tenant_id = ?1", args![tenant.to_string()])?;
    Ok(())
}
