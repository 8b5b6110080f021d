//! Retention: what is kept for a while and then pruned by the scheduler — the egress access log,
//! settled webhook deliveries and the budget usage ledger. The audit log is never pruned (it is a
//! chain), nor are budget counters, alerts, approvals or policy versions.

use bosun_core::Action;
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Applied, Done, KernelError, Outcome, Tx};

/// The `[retention]` table of the config file: days to keep each (0: keep forever).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Retention {
    pub egress_log_days: u32,
    pub webhook_deliveries_days: u32,
    pub budget_usage_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention { egress_log_days: 30, webhook_deliveries_days: 30, budget_usage_days: 400 }
    }
}

/// Rows each kind prunes per tenant and tick (the rest waits for the next tick).
pub const PER_TICK: u32 = 10_000;

fn cutoff(now: bosun_core::Timestamp, days: u32) -> Option<bosun_core::Timestamp> {
    (days > 0).then(|| now - SignedDuration::from_hours(24 * i64::from(days)))
}

/// Prune what is past its time in the caller's tenant (a conflict when there is nothing: the
/// scheduler's "not due").
pub(super) fn prune(tx: &mut Tx<'_>, r: &Retention) -> Result<Done, KernelError> {
    let tenant = tx.caller.tenant;
    let mut pruned = [0u64; 3];
    let kinds = [
        (bosun_store::Prunable::EgressLog, r.egress_log_days),
        (bosun_store::Prunable::WebhookDeliveries, r.webhook_deliveries_days),
        (bosun_store::Prunable::BudgetUsage, r.budget_usage_days),
    ];
    for (i, (kind, days)) in kinds.into_iter().enumerate() {
        if let Some(before) = cutoff(tx.now, days) {
            pruned[i] = tx.w.prune(tenant, kind, before, PER_TICK)?;
        }
    }
    if pruned.iter().all(|n| *n == 0) {
        return Err(KernelError::Conflict("nothing is past its retention".into()));
    }
    let details = json!({"egress_log": pruned[0], "webhook_deliveries": pruned[1], "budget_usage": pruned[2],
        "days": {"egress_log": r.egress_log_days, "webhook_deliveries": r.webhook_deliveries_days,
            "budget_usage": r.budget_usage_days}});
    let target = ("tenant", tenant.to_string());
    Ok(Done::Changed(Applied::new(Action::RetentionPrune, Outcome::SystemDone, target, details)))
}
