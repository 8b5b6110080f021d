//! Budgets as the API shows them. Budget amounts are strings in the budget's unit — an integer
//! of tokens (`"100000"`), or a decimal of the currency (`"50.00"`) — so money is never a float.

use bosun_core::budget::{self, BudgetSpec, Metric};
use serde::Serialize;
use utoipa::ToSchema;

/// An amount in a budget's unit.
pub fn in_unit(metric: Metric, v: i64) -> String {
    match metric {
        Metric::Tokens => v.to_string(),
        Metric::Cost => budget::format_money(v),
    }
}

/// One budget as configured.
#[derive(Serialize, ToSchema)]
pub struct BudgetView {
    pub id: String,
    /// tenant, project, agent or kind.
    pub scope: String,
    /// The project, agent id or agent kind (absent for the tenant).
    pub target: Option<String>,
    /// tokens or cost.
    pub metric: String,
    pub currency: Option<String>,
    /// day, week, month or rolling.
    pub period: String,
    pub window_seconds: Option<u32>,
    pub time_zone: String,
    /// In the budget's unit: tokens (`"100000"`) or a decimal of the currency (`"50.00"`).
    pub hard_limit: String,
    pub soft_limit: Option<String>,
}

fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl From<&BudgetSpec> for BudgetView {
    fn from(b: &BudgetSpec) -> Self {
        BudgetView {
            id: b.id.clone(),
            scope: b.scope.as_str().into(),
            target: b.target.clone(),
            metric: name(&b.metric),
            currency: b.currency.clone(),
            period: name(&b.period),
            window_seconds: b.window_seconds,
            time_zone: b.time_zone.clone().unwrap_or_else(|| "UTC".into()),
            hard_limit: in_unit(b.metric, b.hard_limit),
            soft_limit: b.soft_limit.map(|s| in_unit(b.metric, s)),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BudgetList {
    pub budgets: Vec<BudgetView>,
}

/// A budget as it stands now.
#[derive(Serialize, ToSchema)]
pub struct BudgetStanding {
    pub budget: BudgetView,
    pub period_start: String,
    /// In the budget's unit, like its limits.
    pub spent: String,
    pub reserved: String,
    pub remaining: String,
    /// The soft limit is crossed (spent and reserved together).
    pub soft_limit_crossed: bool,
}

impl From<&crate::kernel::Standing> for BudgetStanding {
    fn from(s: &crate::kernel::Standing) -> Self {
        let m = s.spec.metric;
        BudgetStanding {
            budget: BudgetView::from(&s.spec),
            period_start: s.period_start.clone(),
            spent: in_unit(m, s.spent),
            reserved: in_unit(m, s.reserved),
            remaining: in_unit(m, s.remaining.max(0)),
            soft_limit_crossed: s.spec.soft_limit.is_some_and(|soft| s.spent + s.reserved > soft),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BudgetUsage {
    pub budgets: Vec<BudgetStanding>,
}

/// Room held on the budgets.
#[derive(Serialize, ToSchema)]
pub struct ReservationView {
    pub id: String,
    pub project: String,
    pub tokens: i64,
    /// Decimal, in `currency`.
    pub cost: String,
    pub currency: Option<String>,
    /// held, settled or expired.
    pub status: String,
    pub expires_at: String,
    /// The task whose claim reserved it.
    pub task_id: Option<String>,
    /// Budgets whose soft limit this crosses (a warning, not a refusal).
    pub warnings: Vec<String>,
    /// Ed25519-signed (the tenant's gate key): a worker verifies the hold offline.
    pub preflight_token: Option<String>,
}

impl ReservationView {
    pub fn new(r: &bosun_store::Reservation, warnings: Vec<String>, token: Option<String>) -> Self {
        ReservationView {
            id: r.id.clone(),
            project: r.project.clone(),
            tokens: r.amount.tokens,
            cost: budget::format_money(r.amount.cost_micros),
            currency: r.amount.currency.clone(),
            status: r.status.clone(),
            expires_at: bosun_core::clock::format_micros(r.expires_at),
            task_id: r.task_id.clone(),
            warnings,
            preflight_token: token,
        }
    }
}

/// Usage as recorded.
#[derive(Serialize, ToSchema)]
pub struct UsageView {
    pub reservation_id: Option<String>,
    pub project: String,
    pub tokens: i64,
    pub cost: String,
    pub currency: Option<String>,
    pub model: Option<String>,
    pub provider: Option<String>,
    /// More than the reservation held.
    pub overspend: bool,
    /// Budgets this spend runs over (possible without a reservation, or beyond one).
    pub over_budget: Vec<String>,
}

impl UsageView {
    pub fn new(u: &bosun_store::UsageRecord, over_budget: &[String]) -> Self {
        UsageView {
            reservation_id: u.reservation_id.clone(),
            project: u.project.clone(),
            tokens: u.amount.tokens,
            cost: budget::format_money(u.amount.cost_micros),
            currency: u.amount.currency.clone(),
            model: u.model.clone(),
            provider: u.provider.clone(),
            overspend: u.overspend,
            over_budget: over_budget.to_vec(),
        }
    }
}
