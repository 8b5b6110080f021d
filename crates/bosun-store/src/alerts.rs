//! Queries for alerts, their rules, webhooks and deliveries.

use crate::db::{Db, Row, args};
use bosun_core::{TenantId, Timestamp};

use crate::coord::parse_id;
use crate::coord::{exec, one, rows, us};
use crate::{Alert, Delivery, Result, Webhook};

const ALERT_COLUMNS: &str = "tenant_id, id, rule, title, severity, group_key, count, status, first_seq, created_at, \
    updated_at, acknowledged_by, resolved_by";

fn alert_row(r: &Row<'_>) -> Result<Alert> {
    Ok(Alert {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: r.get(1)?,
        rule: r.get(2)?,
        title: r.get(3)?,
        severity: r.get(4)?,
        group_key: r.get(5)?,
        count: r.get::<i64>(6)? as u64,
        status: r.get(7)?,
        first_seq: r.get::<Option<i64>>(8)?.map(|s| s as u64),
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        acknowledged_by: r.get(11)?,
        resolved_by: r.get(12)?,
    })
}

pub fn alert(c: &Db<'_>, tenant: TenantId, id: &str) -> Result<Option<Alert>> {
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE tenant_id = ?1 AND id = ?2");
    one(c, &sql, args![tenant.to_string(), id], alert_row)
}

pub fn alerts(
    c: &Db<'_>,
    tenant: TenantId,
    status: Option<&str>,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<Alert>> {
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts WHERE tenant_id = ?1 AND (status = ?2 OR ?2 IS NULL)
             AND (id < ?3 OR ?3 IS NULL) ORDER BY id DESC LIMIT ?4"
    );
    rows(c, &sql, args![tenant.to_string(), status, before, limit], alert_row)
}

pub fn upsert_alert(c: &Db<'_>, a: &Alert) -> Result<()> {
    exec(
        c,
        &format!(
            "INSERT INTO alerts ({ALERT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (tenant_id, id) DO UPDATE SET count = excluded.count, status = excluded.status,
                 updated_at = excluded.updated_at, acknowledged_by = excluded.acknowledged_by,
                 resolved_by = excluded.resolved_by"
        ),
        args![
            a.tenant_id.to_string(),
            a.id,
            a.rule,
            a.title,
            a.severity,
            a.group_key,
            a.count as i64,
            a.status,
            a.first_seq.map(|s| s as i64),
            a.created_at,
            a.updated_at,
            a.acknowledged_by,
            a.resolved_by
        ],
    )?;
    Ok(())
}

const WEBHOOK_COLUMNS: &str = "tenant_id, id, url, description, created_at, created_by";

fn webhook_row(r: &Row<'_>) -> Result<Webhook> {
    Ok(Webhook {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: r.get(1)?,
        url: r.get(2)?,
        description: r.get(3)?,
        created_at: r.get(4)?,
        created_by: r.get(5)?,
    })
}

pub fn webhooks(c: &Db<'_>, tenant: TenantId) -> Result<Vec<Webhook>> {
    let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = ?1 ORDER BY id");
    rows(c, &sql, args![tenant.to_string()], webhook_row)
}

pub fn insert_webhook(c: &Db<'_>, w: &Webhook) -> Result<()> {
    exec(
        c,
        &format!("INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        args![w.tenant_id.to_string(), w.id, w.url, w.description, w.created_at, w.created_by],
    )?;
    Ok(())
}

/// Remove a webhook and its pending deliveries; whether it existed.
pub fn delete_webhook(c: &Db<'_>, tenant: TenantId, id: &str) -> Result<bool> {
    let n = exec(c, "DELETE FROM webhooks WHERE tenant_id = ?1 AND id = ?2", args![tenant.to_string(), id])?;
    exec(
        c,
        "DELETE FROM webhook_deliveries WHERE tenant_id = ?1 AND webhook_id = ?2 AND status = 'pending'",
        args![tenant.to_string(), id],
    )?;
    Ok(n > 0)
}

const DELIVERY_COLUMNS: &str = "tenant_id, id, alert_id, webhook_id, status, attempts, next_us, last_error, updated_at";

fn delivery_row(r: &Row<'_>) -> Result<Delivery> {
    Ok(Delivery {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: r.get(1)?,
        alert_id: r.get(2)?,
        webhook_id: r.get(3)?,
        status: r.get(4)?,
        attempts: r.get(5)?,
        next_at: crate::coord::ts(r, 6)?,
        last_error: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

pub fn upsert_delivery(c: &Db<'_>, d: &Delivery) -> Result<()> {
    exec(
        c,
        &format!(
            "INSERT INTO webhook_deliveries ({DELIVERY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (tenant_id, id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                 next_us = excluded.next_us, last_error = excluded.last_error, updated_at = excluded.updated_at"
        ),
        args![
            d.tenant_id.to_string(),
            d.id,
            d.alert_id,
            d.webhook_id,
            d.status,
            d.attempts,
            us(d.next_at),
            d.last_error,
            d.updated_at
        ],
    )?;
    Ok(())
}

pub fn delivery(c: &Db<'_>, tenant: TenantId, id: &str) -> Result<Option<Delivery>> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE tenant_id = ?1 AND id = ?2");
    one(c, &sql, args![tenant.to_string(), id], delivery_row)
}

pub fn deliveries_of(c: &Db<'_>, tenant: TenantId, alert: &str) -> Result<Vec<Delivery>> {
    let sql =
        format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE tenant_id = ?1 AND alert_id = ?2 ORDER BY id");
    rows(c, &sql, args![tenant.to_string(), alert], delivery_row)
}

/// The tenant's pending deliveries due at `now`, soonest first.
pub fn due_deliveries(c: &Db<'_>, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE tenant_id = ?1 AND status = 'pending' AND next_us <= ?2
         ORDER BY next_us LIMIT ?3"
    );
    rows(c, &sql, args![tenant.to_string(), us(now), limit], delivery_row)
}

/// Deliveries that gave up (the dead-letter list), newest first.
pub fn dead_deliveries(c: &Db<'_>, tenant: TenantId, limit: u32) -> Result<Vec<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE tenant_id = ?1 AND status = 'dead' ORDER BY id DESC LIMIT ?2"
    );
    rows(c, &sql, args![tenant.to_string(), limit], delivery_row)
}
