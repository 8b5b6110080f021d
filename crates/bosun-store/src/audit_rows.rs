//! Audit rows as both backends store them: the columns, and reading a row (reporting a
//! hand-edited one by its seq).

use bosun_core::audit::{ActorType, AuditEvent, Outcome, Severity};
use serde_json::Value;

use crate::db::Row;
use crate::{Result, StoreError};

pub(crate) const AUDIT_COLUMNS: &str = "tenant_id, seq, at, actor_type, actor_id, actor_name, action, target_type, \
    target_id, project, outcome, severity, details, ip, user_agent, correlation_id, prev_hash, hash";

/// Read an audit row. A hand-edited row that no longer parses is reported with its seq; a
/// `details` that is no longer JSON is kept as text so that verification names a hash mismatch.
pub(crate) fn audit_row(r: &Row<'_>) -> Result<std::result::Result<AuditEvent, StoreError>> {
    let seq: u64 = r.get(1)?;
    let corrupt = |what: &str| StoreError::Corrupt { seq, reason: format!("bad {what}") };
    let actor_type: String = r.get(3)?;
    let outcome: String = r.get(10)?;
    let severity: String = r.get(11)?;
    let details: String = r.get(12)?;
    let (Some(actor_type), Some(outcome), Some(severity)) =
        (ActorType::parse(&actor_type), Outcome::parse(&outcome), Severity::parse(&severity))
    else {
        return Ok(Err(corrupt("actor_type, outcome or severity")));
    };
    Ok(Ok(AuditEvent {
        tenant: r.get(0)?,
        seq,
        at: r.get(2)?,
        actor_type,
        actor_id: r.get(4)?,
        actor_name: r.get(5)?,
        action: r.get(6)?,
        target_type: r.get(7)?,
        target_id: r.get(8)?,
        project: r.get(9)?,
        outcome,
        severity,
        details: serde_json::from_str(&details).unwrap_or(Value::String(details)),
        ip: r.get(13)?,
        user_agent: r.get(14)?,
        correlation_id: r.get(15)?,
        prev_hash: r.get(16)?,
        hash: r.get(17)?,
    }))
}
