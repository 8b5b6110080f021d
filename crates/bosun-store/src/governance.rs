//! Queries for policy versions and the egress access log.

use crate::db::{Db, Dialect, Row, args};
use bosun_core::{AgentId, TenantId};

use crate::coord::parse_id;
use crate::coord::{exec, one, rows, ts, ts_opt, us};
use crate::{Approval, EgressRecord, PolicyVersion, Result};

const POLICY_COLUMNS: &str = "tenant_id, version, text, created_at, created_by, note, restored_from";

fn policy_row(r: &Row<'_>) -> Result<PolicyVersion> {
    Ok(PolicyVersion {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        version: r.get::<i64>(1)? as u64,
        text: r.get(2)?,
        created_at: r.get(3)?,
        created_by: r.get(4)?,
        note: r.get(5)?,
        restored_from: r.get::<Option<i64>>(6)?.map(|v| v as u64),
    })
}

pub fn policy_version(c: &Db<'_>, tenant: TenantId, version: Option<u64>) -> Result<Option<PolicyVersion>> {
    let sql = format!(
        "SELECT {POLICY_COLUMNS} FROM policy_versions WHERE tenant_id = ?1 AND (version = ?2 OR ?2 IS NULL)
         ORDER BY version DESC LIMIT 1"
    );
    one(c, &sql, args![tenant.to_string(), version.map(|v| v as i64)], policy_row)
}

pub fn policy_versions(c: &Db<'_>, tenant: TenantId, before: Option<u64>, limit: u32) -> Result<Vec<PolicyVersion>> {
    let sql = format!(
        "SELECT {POLICY_COLUMNS} FROM policy_versions WHERE tenant_id = ?1 AND (version < ?2 OR ?2 IS NULL)
         ORDER BY version DESC LIMIT ?3"
    );
    rows(c, &sql, args![tenant.to_string(), before.map(|v| v as i64), limit], policy_row)
}

pub fn insert_policy_version(c: &Db<'_>, v: &PolicyVersion) -> Result<()> {
    exec(
        c,
        &format!("INSERT INTO policy_versions ({POLICY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        args![
            v.tenant_id.to_string(),
            v.version as i64,
            v.text,
            v.created_at,
            v.created_by,
            v.note,
            v.restored_from.map(|v| v as i64)
        ],
    )?;
    Ok(())
}

const EGRESS_COLUMNS: &str = "seq, at, agent_id, agent_name, host, port, allowed, rule, policies";

fn egress_row(r: &Row<'_>) -> Result<EgressRecord> {
    Ok(EgressRecord {
        seq: r.get::<i64>(0)? as u64,
        at: r.get(1)?,
        agent_id: parse_id(r, 2, AgentId::parse)?,
        agent_name: r.get(3)?,
        host: r.get(4)?,
        port: r.get(5)?,
        allowed: r.get(6)?,
        rule: r.get(7)?,
        policies: r.get(8)?,
    })
}

pub fn egress_log(
    c: &Db<'_>,
    tenant: TenantId,
    agent: Option<AgentId>,
    before_seq: Option<u64>,
    limit: u32,
) -> Result<Vec<EgressRecord>> {
    let sql = format!(
        "SELECT {EGRESS_COLUMNS} FROM egress_log WHERE tenant_id = ?1 AND (agent_id = ?2 OR ?2 IS NULL)
         AND (seq < ?3 OR ?3 IS NULL) ORDER BY seq DESC LIMIT ?4"
    );
    rows(
        c,
        &sql,
        args![tenant.to_string(), agent.map(|a| a.to_string()), before_seq.map(|s| s as i64), limit],
        egress_row,
    )
}

pub fn append_egress(c: &Db<'_>, tenant: TenantId, e: &EgressRecord) -> Result<u64> {
    let next: i64 = one(
        c,
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM egress_log WHERE tenant_id = ?1",
        args![tenant.to_string()],
        |r| r.get(0),
    )?
    .unwrap_or(1);
    exec(
        c,
        &format!(
            "INSERT INTO egress_log (tenant_id, {EGRESS_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        args![
            tenant.to_string(),
            next,
            e.at,
            e.agent_id.to_string(),
            e.agent_name,
            e.host,
            e.port,
            e.allowed,
            e.rule,
            e.policies
        ],
    )?;
    Ok(next as u64)
}

const APPROVAL_COLUMNS: &str = "tenant_id, id, requester_type, requester_id, requester_name, action, resource, \
    arguments, action_hash, factors, risk, threshold, status, reason, decided_by, evidence_hash, created_at, \
    expires_us, decided_at, token_id, token_expires_us, token_used_at";

fn approval_row(r: &Row<'_>) -> Result<Approval> {
    Ok(Approval {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: r.get(1)?,
        requester_type: r.get(2)?,
        requester_id: r.get(3)?,
        requester_name: r.get(4)?,
        action: r.get(5)?,
        resource: r.get(6)?,
        arguments: r.get(7)?,
        action_hash: r.get(8)?,
        factors: r.get(9)?,
        risk: r.get(10)?,
        threshold: r.get(11)?,
        status: r.get(12)?,
        reason: r.get(13)?,
        decided_by: r.get(14)?,
        evidence_hash: r.get(15)?,
        created_at: r.get(16)?,
        expires_at: ts(r, 17)?,
        decided_at: r.get(18)?,
        token_id: r.get(19)?,
        token_expires_at: ts_opt(r, 20)?,
        token_used_at: r.get(21)?,
    })
}

pub fn approval(c: &Db<'_>, tenant: TenantId, id: &str) -> Result<Option<Approval>> {
    let sql = format!("SELECT {APPROVAL_COLUMNS} FROM approvals WHERE tenant_id = ?1 AND id = ?2");
    one(c, &sql, args![tenant.to_string(), id], approval_row)
}

pub fn approvals(
    c: &Db<'_>,
    tenant: TenantId,
    status: Option<&str>,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<Approval>> {
    let sql = format!(
        "SELECT {APPROVAL_COLUMNS} FROM approvals WHERE tenant_id = ?1 AND (status = ?2 OR ?2 IS NULL)
         AND (id < ?3 OR ?3 IS NULL) ORDER BY id DESC LIMIT ?4"
    );
    rows(c, &sql, args![tenant.to_string(), status, before, limit], approval_row)
}

pub fn insert_approval(c: &Db<'_>, a: &Approval) -> Result<()> {
    exec(
        c,
        &format!(
            "INSERT INTO approvals ({APPROVAL_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
             ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
        ),
        args![
            a.tenant_id.to_string(),
            a.id,
            a.requester_type,
            a.requester_id,
            a.requester_name,
            a.action,
            a.resource,
            a.arguments,
            a.action_hash,
            a.factors,
            a.risk,
            a.threshold,
            a.status,
            a.reason,
            a.decided_by,
            a.evidence_hash,
            a.created_at,
            us(a.expires_at),
            a.decided_at,
            a.token_id,
            a.token_expires_at.map(us),
            a.token_used_at
        ],
    )?;
    Ok(())
}

pub fn update_approval(c: &Db<'_>, a: &Approval) -> Result<()> {
    exec(
        c,
        "UPDATE approvals SET status = ?3, reason = ?4, decided_by = ?5, decided_at = ?6, token_id = ?7,
         token_expires_us = ?8, token_used_at = ?9 WHERE tenant_id = ?1 AND id = ?2",
        args![
            a.tenant_id.to_string(),
            a.id,
            a.status,
            a.reason,
            a.decided_by,
            a.decided_at,
            a.token_id,
            a.token_expires_at.map(us),
            a.token_used_at
        ],
    )?;
    Ok(())
}

/// The tables that keep one JSON document per tenant, replaced whole.
#[derive(Clone, Copy)]
pub enum Document {
    GuardrailRules,
    Budgets,
    AlertRules,
}

impl Document {
    fn table(self) -> &'static str {
        match self {
            Document::GuardrailRules => "guardrail_rules",
            Document::Budgets => "budgets",
            Document::AlertRules => "alert_rules",
        }
    }
}

pub fn document(c: &Db<'_>, which: Document, tenant: TenantId) -> Result<Option<String>> {
    let sql = format!("SELECT document FROM {} WHERE tenant_id = ?1", which.table());
    one(c, &sql, args![tenant.to_string()], |r| r.get(0))
}

pub fn put_document(
    c: &Db<'_>,
    which: Document,
    tenant: TenantId,
    document: &str,
    at: bosun_core::Timestamp,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {} (tenant_id, document, updated_us) VALUES (?1, ?2, ?3)
         ON CONFLICT (tenant_id) DO UPDATE SET document = excluded.document, updated_us = excluded.updated_us",
        which.table()
    );
    exec(c, &sql, args![tenant.to_string(), document, us(at)])?;
    Ok(())
}

pub fn settings(c: &Db<'_>, tenant: TenantId) -> Result<crate::GovernanceSettings> {
    let found = one(
        c,
        "SELECT approval_threshold, gate_key, gate_key_rotated_at FROM governance_settings WHERE tenant_id = ?1",
        args![tenant.to_string()],
        |r| {
            Ok(crate::GovernanceSettings {
                approval_threshold: r.get(0)?,
                gate_key: r.get(1)?,
                gate_key_rotated_at: r.get(2)?,
            })
        },
    )?;
    Ok(found.unwrap_or_default())
}

pub fn put_settings(
    c: &Db<'_>,
    tenant: TenantId,
    s: &crate::GovernanceSettings,
    at: bosun_core::Timestamp,
) -> Result<()> {
    exec(
        c,
        "INSERT INTO governance_settings (tenant_id, approval_threshold, gate_key, gate_key_rotated_at, updated_us)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant_id) DO UPDATE SET approval_threshold = excluded.approval_threshold,
             gate_key = excluded.gate_key, gate_key_rotated_at = excluded.gate_key_rotated_at,
             updated_us = excluded.updated_us",
        args![tenant.to_string(), s.approval_threshold, s.gate_key, s.gate_key_rotated_at, us(at)],
    )?;
    Ok(())
}

pub fn evidence(c: &Db<'_>, tenant: TenantId, sha256: &str) -> Result<Option<String>> {
    one(
        c,
        "SELECT content FROM evidence WHERE tenant_id = ?1 AND sha256 = ?2",
        args![tenant.to_string(), sha256],
        |r| r.get(0),
    )
}

pub fn put_evidence(c: &Db<'_>, tenant: TenantId, sha256: &str, content: &str, at: &str) -> Result<()> {
    exec(
        c,
        "INSERT INTO evidence (tenant_id, sha256, content, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (tenant_id, sha256) DO NOTHING",
        args![tenant.to_string(), sha256, content, at],
    )?;
    Ok(())
}

pub fn expired_approvals(
    c: &Db<'_>,
    tenant: TenantId,
    now: bosun_core::Timestamp,
    limit: u32,
) -> Result<Vec<Approval>> {
    let sql = format!(
        "SELECT {APPROVAL_COLUMNS} FROM approvals WHERE tenant_id = ?1 AND status = 'pending' AND expires_us <= ?2
         ORDER BY expires_us LIMIT ?3"
    );
    rows(c, &sql, args![tenant.to_string(), us(now), limit], approval_row)
}

/// Retention: delete at most `limit` rows of one kind from before `before`.
pub fn prune(
    c: &Db<'_>,
    tenant: TenantId,
    what: crate::Prunable,
    before: bosun_core::Timestamp,
    limit: u32,
) -> Result<u64> {
    let t = tenant.to_string();
    let n = match what {
        crate::Prunable::EgressLog => exec(
            c,
            "DELETE FROM egress_log WHERE tenant_id = ?1 AND seq IN
                 (SELECT seq FROM egress_log WHERE tenant_id = ?1 AND at < ?2 ORDER BY seq LIMIT ?3)",
            args![t, bosun_core::clock::format_micros(before), limit],
        )?,
        crate::Prunable::WebhookDeliveries => exec(
            c,
            "DELETE FROM webhook_deliveries WHERE tenant_id = ?1 AND id IN
                 (SELECT id FROM webhook_deliveries WHERE tenant_id = ?1 AND status <> 'pending' AND updated_at < ?2
                  ORDER BY id LIMIT ?3)",
            args![t, bosun_core::clock::format_micros(before), limit],
        )?,
        crate::Prunable::BudgetUsage => {
            let row = match c.dialect() {
                Dialect::Sqlite => "rowid",
                Dialect::Postgres => "ctid",
            };
            exec(
                c,
                &format!(
                    "DELETE FROM budget_usage WHERE {row} IN
                     (SELECT {row} FROM budget_usage WHERE tenant_id = ?1 AND at_us < ?2 ORDER BY at_us LIMIT ?3)"
                ),
                args![t, us(before), limit],
            )?
        }
    };
    Ok(n as u64)
}
