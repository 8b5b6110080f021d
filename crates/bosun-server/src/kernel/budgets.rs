//! Budgets (SPEC §5.6): room is reserved before work runs and settled after. The check and the
//! hold are one transaction over every budget that applies (tenant, project, agent, agent kind),
//! so concurrent reservations can never together exceed a limit: the writer runs transactions one
//! at a time, and each sums what was spent in the period plus what is still held.

use bosun_core::Action;
use bosun_core::audit::Severity;
use bosun_core::budget::{self, Amount, BudgetSpec, Metric, Spender};
use bosun_store::{Reservation, SpendFilter, UsageRecord};
use jiff::SignedDuration;
use serde::Serialize;
use serde_json::json;

use super::{Applied, Caller, Kernel, KernelError, Outcome, Principal, Tx};

/// A request for room: what the work is estimated to cost.
#[derive(Clone, Debug, Serialize)]
pub struct Reserve {
    pub project: String,
    pub estimate: Amount,
    /// How long the hold lasts unless settled (10–86400 s, default 900).
    pub ttl_seconds: u32,
}

/// What the work actually cost.
#[derive(Clone, Debug, Serialize)]
pub struct ReportUsage {
    pub reservation_id: Option<String>,
    /// Without a reservation: the project it was spent in.
    pub project: Option<String>,
    pub usage: Amount,
    pub model: Option<String>,
    pub provider: Option<String>,
}

/// A budget that has no room for a request: what it allows, what is spent and held.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exceeded {
    pub budget: String,
    pub metric: Metric,
    pub currency: Option<String>,
    pub period_start: String,
    pub limit: i64,
    pub spent: i64,
    pub reserved: i64,
    pub requested: i64,
    pub remaining: i64,
}

/// One budget as it stands for a spender now.
#[derive(Clone, Debug, Serialize)]
pub struct Standing {
    pub spec: BudgetSpec,
    pub period_start: String,
    pub spent: i64,
    pub reserved: i64,
    pub remaining: i64,
}

fn invalid(m: impl Into<String>) -> KernelError {
    KernelError::Validation(m.into())
}

pub(super) fn validate_specs(specs: &[BudgetSpec]) -> Result<(), KernelError> {
    if specs.len() > budget::MAX_BUDGETS {
        return Err(invalid(format!("at most {} budgets", budget::MAX_BUDGETS)));
    }
    let mut seen = std::collections::HashSet::new();
    for s in specs {
        s.validate().map_err(invalid)?;
        if !seen.insert(s.id.as_str()) {
            return Err(invalid(format!("budget id `{}` is used twice", s.id)));
        }
    }
    Ok(())
}

pub(super) fn validate_amount(what: &str, a: &Amount) -> Result<(), KernelError> {
    if a.tokens < 0 || a.cost_micros < 0 || a.tokens > 1_000_000_000_000 {
        return Err(invalid(format!("`{what}`: tokens and cost are not negative (tokens ≤ 10^12)")));
    }
    match &a.currency {
        Some(c) => budget::currency(c).map_err(|e| invalid(format!("`{what}`: {e}"))),
        None if a.cost_micros > 0 => Err(invalid(format!("`{what}`: a cost names its currency"))),
        None => Ok(()),
    }
}

pub(super) fn validate_reserve(r: &Reserve) -> Result<(), KernelError> {
    bosun_core::validate::name("project", &r.project).map_err(invalid)?;
    if !(10..=86_400).contains(&r.ttl_seconds) {
        return Err(invalid("`ttl_seconds` must be between 10 and 86400"));
    }
    validate_amount("estimate", &r.estimate)
}

pub(super) fn validate_usage(u: &ReportUsage) -> Result<(), KernelError> {
    if let Some(p) = &u.project {
        bosun_core::validate::name("project", p).map_err(invalid)?;
    }
    if u.reservation_id.is_none() && u.project.is_none() {
        return Err(invalid("name the `reservation_id` the work was reserved under, or its `project`"));
    }
    for (field, v) in [("model", &u.model), ("provider", &u.provider)] {
        if v.as_ref().is_some_and(|v| v.is_empty() || v.len() > 128 || v.chars().any(char::is_control)) {
            return Err(invalid(format!("`{field}` must be 1 to 128 characters")));
        }
    }
    validate_amount("usage", &u.usage)
}

/// The tenant's budgets (a stored document that no longer parses counts as none, with a warning).
pub(super) fn load(
    w: &mut dyn bosun_store::ReadTx,
    tenant: bosun_core::TenantId,
) -> bosun_store::Result<Vec<BudgetSpec>> {
    let Some(doc) = w.budgets(tenant)? else { return Ok(Vec::new()) };
    Ok(serde_json::from_str(&doc).unwrap_or_else(|e| {
        tracing::warn!(%tenant, error = %e, "the stored budgets do not parse; none are enforced");
        Vec::new()
    }))
}

pub(super) fn put(tx: &mut Tx<'_>, specs: Vec<BudgetSpec>) -> Result<Applied, KernelError> {
    let document = serde_json::to_string(&specs).map_err(|e| KernelError::Internal(e.to_string()))?;
    let tenant = tx.caller.tenant;
    tx.w.put_budgets(tenant, &document, tx.now)?;
    // The counters start from what the ledger shows for each budget's current period (for a
    // rolling window, that spend is counted in the current slice: it lapses a window from now).
    tx.w.clear_counted(tenant)?;
    for b in &specs {
        let spent = pick(b, tx.w.spent(tenant, &filter(b), b.period_start(tx.now))?);
        if spent > 0 {
            tx.w.add_counted(tenant, &b.id, b.bucket(tx.now), spent)?;
        }
    }
    let details = json!({"budgets": specs.len(), "ids": specs.iter().map(|s| s.id.as_str()).collect::<Vec<_>>()});
    let target = ("budgets", tx.caller.tenant.to_string());
    Ok(Applied::new(Action::BudgetUpdate, Outcome::Budgets(specs), target, details).severity(Severity::Notice))
}

/// Who spends, as budgets see the caller.
fn spender_of(caller: &Caller) -> (Option<String>, Option<String>) {
    match &caller.principal {
        Principal::Agent { id, kind, .. } => (Some(id.to_string()), Some(kind.clone())),
        _ => (None, None),
    }
}

fn filter<'a>(b: &'a BudgetSpec) -> SpendFilter<'a> {
    let target = b.target.as_deref();
    SpendFilter {
        project: (b.scope == budget::ScopeKind::Project).then_some(target).flatten(),
        agent: (b.scope == budget::ScopeKind::Agent).then_some(target).flatten(),
        kind: (b.scope == budget::ScopeKind::Kind).then_some(target).flatten(),
        currency: b.currency.as_deref(),
    }
}

fn pick(b: &BudgetSpec, (tokens, cost): (i64, i64)) -> i64 {
    match b.metric {
        Metric::Tokens => tokens,
        Metric::Cost => cost,
    }
}

/// What one budget stands at for `now`.
fn standing(
    w: &mut dyn bosun_store::ReadTx,
    tenant: bosun_core::TenantId,
    b: &BudgetSpec,
    now: bosun_core::Timestamp,
) -> bosun_store::Result<Standing> {
    let start = b.period_start(now);
    let spent = w.counted(tenant, &b.id, b.count_since(now))?;
    let reserved = pick(b, w.held(tenant, &filter(b), now)?);
    Ok(Standing {
        spec: b.clone(),
        period_start: bosun_core::clock::format_micros(start),
        spent,
        reserved,
        remaining: b.hard_limit.saturating_sub(spent).saturating_sub(reserved),
    })
}

/// Hold room for `estimate` on every budget that applies to the caller in `project`, or refuse
/// with the first budget that has none. Returns the reservation and the budgets whose soft limit
/// it crosses.
pub(super) fn hold(
    tx: &mut Tx<'_>,
    project: &str,
    estimate: Amount,
    ttl: SignedDuration,
    task_id: Option<String>,
) -> Result<(Reservation, Vec<String>), KernelError> {
    let tenant = tx.caller.tenant;
    let (agent, kind) = spender_of(tx.caller);
    let spender = Spender { project, agent: agent.as_deref(), kind: kind.as_deref() };
    let mut warnings = Vec::new();
    for b in load(tx.w, tenant)?.iter().filter(|b| b.applies_to(&spender)) {
        if b.metric == Metric::Cost && estimate.currency.as_deref() != b.currency.as_deref() {
            return Err(invalid(format!(
                "budget `{}` counts cost in {}: the estimate must give a cost in {0}",
                b.id,
                b.currency.as_deref().unwrap_or_default()
            )));
        }
        let requested = b.amount(&estimate);
        let now = standing(tx.w, tenant, b, tx.now)?;
        if now.spent.saturating_add(now.reserved).saturating_add(requested) > b.hard_limit {
            return Err(KernelError::BudgetExceeded(Box::new(Exceeded {
                budget: b.id.clone(),
                metric: b.metric,
                currency: b.currency.clone(),
                period_start: now.period_start,
                limit: b.hard_limit,
                spent: now.spent,
                reserved: now.reserved,
                requested,
                remaining: now.remaining.max(0),
            })));
        }
        if b.soft_limit.is_some_and(|soft| now.spent + now.reserved + requested > soft) {
            warnings.push(b.id.clone());
        }
    }
    let reservation = Reservation {
        id: bosun_core::ids::next_ulid().to_string(),
        agent_id: agent,
        agent_kind: kind,
        project: project.to_owned(),
        task_id,
        amount: estimate,
        status: "held".into(),
        created_at: tx.now,
        expires_at: tx.now + ttl,
        settled_at: None,
    };
    tx.w.insert_reservation(tenant, &reservation)?;
    Ok((reservation, warnings))
}

pub(super) fn reserve(tx: &mut Tx<'_>, r: Reserve) -> Result<Applied, KernelError> {
    let ttl = SignedDuration::from_secs(i64::from(r.ttl_seconds));
    let (reservation, warnings) = hold(tx, &r.project, r.estimate, ttl, None)?;
    let details = json!({"reservation": reservation.id, "project": reservation.project,
        "tokens": reservation.amount.tokens, "cost": budget::format_money(reservation.amount.cost_micros),
        "currency": reservation.amount.currency, "soft_limit_crossed": warnings});
    let severity = if warnings.is_empty() { Severity::Info } else { Severity::Warning };
    let target = ("reservation", reservation.id.clone());
    // The gate key generation the preflight token is signed with, read in the same transaction.
    let gate_key = tx.w.governance_settings(tx.caller.tenant)?.gate_key;
    Ok(Applied::new(Action::BudgetReserve, Outcome::Reserved { reservation, warnings, gate_key }, target, details)
        .project(&r.project)
        .severity(severity))
}

/// Record what was spent; with a reservation, settle it (what it held is freed, and spending
/// beyond it is flagged).
pub(super) fn settle(tx: &mut Tx<'_>, u: ReportUsage) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let (agent, kind) = spender_of(tx.caller);
    let mut reservation = None;
    if let Some(id) = &u.reservation_id {
        let mut r =
            tx.w.reservation(tenant, id)?.ok_or_else(|| KernelError::NotFound(format!("no reservation {id}")))?;
        if r.agent_id.is_some() && r.agent_id != agent {
            return Err(KernelError::Forbidden("this reservation was made by another agent".into()));
        }
        if r.status == "settled" {
            return Err(KernelError::Conflict(format!("reservation {id} was settled already")));
        }
        r.status = "settled".into();
        r.settled_at = Some(tx.now);
        tx.w.update_reservation(tenant, &r)?;
        reservation = Some(r);
    }
    let project = reservation.as_ref().map(|r| r.project.clone()).or(u.project.clone()).unwrap_or_default();
    let beyond_reservation = reservation
        .as_ref()
        .is_some_and(|r| u.usage.tokens > r.amount.tokens || u.usage.cost_micros > r.amount.cost_micros);
    let record = UsageRecord {
        reservation_id: u.reservation_id.clone(),
        agent_id: agent.clone(),
        agent_kind: kind.clone(),
        project: project.clone(),
        amount: u.usage.clone(),
        model: u.model.clone(),
        provider: u.provider.clone(),
        overspend: beyond_reservation,
        at: tx.now,
    };
    tx.w.insert_usage(tenant, &record)?;
    // Budgets the spend now runs over (possible without a reservation, or beyond one).
    let spender = Spender { project: &project, agent: agent.as_deref(), kind: kind.as_deref() };
    let mut over = Vec::new();
    for b in load(tx.w, tenant)?.iter().filter(|b| b.applies_to(&spender) && b.amount(&u.usage) > 0) {
        tx.w.add_counted(tenant, &b.id, b.bucket(tx.now), b.amount(&u.usage))?;
        let now = standing(tx.w, tenant, b, tx.now)?;
        if now.spent > b.hard_limit {
            over.push(b.id.clone());
        }
    }
    let flagged = beyond_reservation || !over.is_empty();
    let details = json!({
        "reservation": u.reservation_id, "project": project, "tokens": u.usage.tokens,
        "cost": budget::format_money(u.usage.cost_micros), "currency": u.usage.currency,
        "model": u.model, "provider": u.provider,
        "reserved_tokens": reservation.as_ref().map(|r| r.amount.tokens),
        "reserved_cost": reservation.as_ref().map(|r| budget::format_money(r.amount.cost_micros)),
        "overspend": beyond_reservation, "over_budget": over,
    });
    let target = ("reservation", u.reservation_id.clone().unwrap_or_default());
    let severity = if flagged { Severity::Warning } else { Severity::Info };
    let outcome = Outcome::UsageRecorded { record, over_budget: over };
    Ok(Applied::new(Action::BudgetSettle, outcome, target, details).project(&project).severity(severity))
}

/// An unsettled reservation past its time releases its hold (by the scheduler).
pub(super) fn expire(tx: &mut Tx<'_>, id: &str) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let gone = || KernelError::Conflict("the reservation's expiry is no longer due".into());
    let mut r = tx.w.reservation(tenant, id)?.ok_or_else(gone)?;
    if r.status != "held" || tx.now < r.expires_at {
        return Err(gone());
    }
    r.status = "expired".into();
    tx.w.update_reservation(tenant, &r)?;
    let details = json!({"project": r.project, "tokens": r.amount.tokens,
        "cost": budget::format_money(r.amount.cost_micros), "currency": r.amount.currency, "task": r.task_id});
    let recipients = r.agent_id.as_deref().and_then(bosun_core::AgentId::parse).into_iter().collect();
    let project = r.project.clone();
    Ok(Applied::new(Action::BudgetReservationExpire, Outcome::SystemDone, ("reservation", r.id), details)
        .project(&project)
        .recipients(recipients))
}

impl Kernel {
    /// The tenant's budgets as configured.
    pub async fn budgets(&self, caller: &Caller) -> Result<Vec<BudgetSpec>, KernelError> {
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| load(r, tenant)).await?)
    }

    /// Each budget as it stands now: users see the tenant's; an agent those that count its
    /// spending (the tenant's, its own, its kind's, and every project's).
    pub async fn budget_usage(&self, caller: &Caller) -> Result<Vec<Standing>, KernelError> {
        let (tenant, now) = (caller.tenant, self.clock.now());
        let (agent, kind) = spender_of(caller);
        let is_user = matches!(caller.principal, Principal::User { .. });
        let list = self
            .store
            .read(move |r| {
                let mut out = Vec::new();
                for b in load(r, tenant)? {
                    let mine = match b.scope {
                        budget::ScopeKind::Tenant | budget::ScopeKind::Project => true,
                        budget::ScopeKind::Agent => b.target.is_some() && b.target == agent,
                        budget::ScopeKind::Kind => b.target.is_some() && b.target == kind,
                    };
                    if is_user || mine {
                        out.push(standing(r, tenant, &b, now)?);
                    }
                }
                Ok(out)
            })
            .await?;
        Ok(list)
    }

    /// A signed preflight token for a reservation: a worker verifies it offline with the tenant's
    /// gate public key (`bosun budget verify`).
    pub fn preflight_token(&self, caller: &Caller, r: &Reservation, key: u32) -> String {
        let tenant = caller.tenant;
        let claims = super::gate::Preflight {
            reservation: r.id.clone(),
            tenant: tenant.to_string(),
            agent: r.agent_id.clone(),
            project: r.project.clone(),
            tokens: r.amount.tokens,
            cost: budget::format_money(r.amount.cost_micros),
            currency: r.amount.currency.clone(),
            exp: r.expires_at.as_second(),
            key,
        };
        self.gate.sign_preflight(tenant, &claims)
    }
}
