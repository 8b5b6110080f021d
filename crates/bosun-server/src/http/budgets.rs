//! Budgets (SPEC §5.6): set them, reserve before work, record usage after.

use axum::extract::State;
use bosun_core::budget::{self, Amount, BudgetSpec, Metric, Period, ScopeKind};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiError, ApiJson, App, Auth, Handled, Problem, Reply};
use crate::kernel::{Answer, Command, KernelError, Outcome, ReportUsage, Reserve};
use crate::views::{BudgetList, BudgetStanding, BudgetUsage, BudgetView, ReservationView, UsageView};

fn invalid(m: String) -> ApiError {
    ApiError(KernelError::Validation(m))
}

/// Tokens and cost, as a client gives them (cost a decimal string).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AmountBody {
    #[serde(default)]
    #[schema(minimum = 0, example = 20000)]
    pub tokens: i64,
    /// Decimal with at most 6 decimals, e.g. `"0.42"`.
    #[schema(example = "0.42", max_length = 20)]
    pub cost: Option<String>,
    #[schema(example = "USD", min_length = 3, max_length = 3)]
    pub currency: Option<String>,
}

impl AmountBody {
    pub fn amount(self) -> Result<Amount, ApiError> {
        let cost_micros = match &self.cost {
            Some(c) => budget::parse_money(c).map_err(|e| invalid(format!("`cost`: {e}")))?,
            None => 0,
        };
        Ok(Amount { tokens: self.tokens, cost_micros, currency: self.currency })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetBody {
    /// Unique in the tenant: 1–64 of a-z, 0-9, - and _.
    #[schema(example = "team-daily", max_length = 64)]
    pub id: String,
    /// tenant, project, agent or kind.
    #[schema(example = "project")]
    pub scope: String,
    /// The project, agent id or agent kind (absent for the tenant).
    #[schema(example = "web", max_length = 128)]
    pub target: Option<String>,
    /// tokens or cost.
    #[schema(example = "cost")]
    pub metric: String,
    /// For cost: three upper-case letters.
    #[schema(example = "USD")]
    pub currency: Option<String>,
    /// day, week (from Monday), month or rolling.
    #[schema(example = "day")]
    pub period: String,
    /// For rolling: 60–7776000.
    pub window_seconds: Option<u32>,
    /// IANA name; where days, weeks and months begin (default UTC).
    #[schema(example = "Europe/Berlin")]
    pub time_zone: Option<String>,
    /// In the budget's unit: tokens (`"100000"`) or a decimal of the currency (`"50.00"`).
    #[schema(example = "50.00", max_length = 20)]
    pub hard_limit: String,
    /// Crossing it warns (audited) without refusing.
    #[schema(example = "40.00", max_length = 20)]
    pub soft_limit: Option<String>,
}

fn enum_of<T: serde::de::DeserializeOwned>(field: &str, v: &str, allowed: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(v.to_owned()))
        .map_err(|_| invalid(format!("`{field}` `{v}` is not one of {allowed}")))
}

fn limit(metric: Metric, field: &str, v: &str) -> Result<i64, ApiError> {
    match metric {
        Metric::Tokens => v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            invalid(format!("`{field}` of a token budget is a whole number of tokens, e.g. \"100000\""))
        }),
        Metric::Cost => budget::parse_money(v).map_err(|e| invalid(format!("`{field}`: {e}"))),
    }
}

impl BudgetBody {
    fn spec(self) -> Result<BudgetSpec, ApiError> {
        let metric: Metric = enum_of("metric", &self.metric, "tokens, cost")?;
        Ok(BudgetSpec {
            scope: enum_of::<ScopeKind>("scope", &self.scope, "tenant, project, agent, kind")?,
            metric,
            period: enum_of::<Period>("period", &self.period, "day, week, month, rolling")?,
            hard_limit: limit(metric, "hard_limit", &self.hard_limit)?,
            soft_limit: self.soft_limit.as_deref().map(|s| limit(metric, "soft_limit", s)).transpose()?,
            id: self.id,
            target: self.target,
            currency: self.currency,
            window_seconds: self.window_seconds,
            time_zone: self.time_zone,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetsBody {
    /// Replaces the tenant's budgets (at most 200).
    pub budgets: Vec<BudgetBody>,
}

/// The tenant's budgets.
#[utoipa::path(get, path = "/api/v1/budgets", tag = "budgets", responses((status = 200, body = BudgetList)))]
pub async fn list_budgets(State(app): State<App>, auth: Auth) -> Handled {
    let specs = app.kernel.budgets(&auth.caller).await?;
    Ok(Reply::json(&BudgetList { budgets: specs.iter().map(BudgetView::from).collect() }))
}

/// Replace the tenant's budgets (tenant admins); each is validated (422 names the budget).
#[utoipa::path(put, path = "/api/v1/budgets", tag = "budgets", request_body = BudgetsBody,
    responses((status = 200, body = BudgetList), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_budgets(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<BudgetsBody>) -> Handled {
    if b.budgets.len() > budget::MAX_BUDGETS {
        return Err(invalid(format!("at most {} budgets", budget::MAX_BUDGETS)));
    }
    let specs = b.budgets.into_iter().map(BudgetBody::spec).collect::<Result<Vec<_>, _>>()?;
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::PutBudgets(specs)).await)
}

/// Each budget as it stands now: spent this period, reserved, remaining (users: the tenant's; an
/// agent: those that count its spending). MCP `budget_status`.
#[utoipa::path(get, path = "/api/v1/budgets/usage", tag = "budgets", responses((status = 200, body = BudgetUsage)))]
pub async fn budget_usage(State(app): State<App>, auth: Auth) -> Handled {
    let list = app.kernel.budget_usage(&auth.caller).await?;
    Ok(Reply::json(&BudgetUsage { budgets: list.iter().map(BudgetStanding::from).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReserveBody {
    #[serde(default = "super::coord::default_project")]
    #[schema(example = "web", pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub project: String,
    #[serde(default)]
    #[schema(minimum = 0, example = 20000)]
    pub tokens: i64,
    /// Decimal with at most 6 decimals, e.g. `"0.42"`.
    #[schema(example = "0.42", max_length = 20)]
    pub cost: Option<String>,
    #[schema(example = "USD", min_length = 3, max_length = 3)]
    pub currency: Option<String>,
    /// How long the hold lasts unless settled (10–86400 s, default 900).
    #[schema(minimum = 10, maximum = 86400)]
    pub ttl_seconds: Option<u32>,
}

/// Reserve room before work: one transaction over every budget that applies (tenant, project,
/// agent, agent kind). 201 with the reservation and a signed preflight token, or 402
/// `budget_exceeded` naming the budget, the period's spend, what is reserved and the room left.
#[utoipa::path(post, path = "/api/v1/budgets/reserve", tag = "budgets", request_body = ReserveBody,
    responses((status = 201, body = ReservationView), (status = 402, body = Problem), (status = 422, body = Problem)))]
pub async fn reserve_budget(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<ReserveBody>) -> Handled {
    let cmd = Command::Reserve(Reserve {
        project: b.project,
        estimate: AmountBody { tokens: b.tokens, cost: b.cost, currency: b.currency }.amount()?,
        ttl_seconds: b.ttl_seconds.unwrap_or(900),
    });
    match app.kernel.execute(&auth.caller, &auth.ctx, cmd).await? {
        Answer::Fresh(Outcome::Reserved { reservation, warnings, gate_key }) => {
            let token = app.kernel.preflight_token(&auth.caller, &reservation, gate_key);
            let view = ReservationView::new(&reservation, warnings, Some(token));
            Ok(Reply { status: axum::http::StatusCode::CREATED, ..Reply::json(&view) })
        }
        other => super::executed(Ok(other)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageBody {
    /// The reservation this settles (its hold is freed; spending beyond it is flagged).
    #[schema(max_length = 64)]
    pub reservation_id: Option<String>,
    /// Without a reservation: the project it was spent in.
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub project: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0, example = 18250)]
    pub tokens: i64,
    /// Decimal with at most 6 decimals, e.g. `"0.38"`.
    #[schema(example = "0.38", max_length = 20)]
    pub cost: Option<String>,
    #[schema(example = "USD", min_length = 3, max_length = 3)]
    pub currency: Option<String>,
    /// For cost attribution, e.g. `claude-sonnet-4-5`.
    #[schema(max_length = 128)]
    pub model: Option<String>,
    #[schema(max_length = 128)]
    pub provider: Option<String>,
}

/// Record what work cost, settling its reservation.
#[utoipa::path(post, path = "/api/v1/usage", tag = "budgets", request_body = UsageBody,
    responses((status = 201, body = UsageView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_usage(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<UsageBody>) -> Handled {
    if b.reservation_id.as_deref().is_some_and(|r| ulid::Ulid::from_string(r).is_err()) {
        return Err(invalid("`reservation_id` is not a reservation id (a ULID)".into()));
    }
    let cmd = Command::ReportUsage(ReportUsage {
        reservation_id: b.reservation_id,
        project: b.project,
        usage: AmountBody { tokens: b.tokens, cost: b.cost, currency: b.currency }.amount()?,
        model: b.model,
        provider: b.provider,
    });
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}
