//! Approvals and gate tokens (SPEC §5.5).

use axum::extract::{Path, State};
use bosun_core::risk::Factors;
use bosun_core::validate::PageLimit;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiJson, ApiQuery, App, Auth, Handled, Problem, Reply};
use crate::kernel::{Answer, Command, KernelError, Outcome, RedeemGate, RequestApproval};
use crate::views::{ApprovalList, ApprovalView, GateKey, GateKeys, GovernanceSettingsView};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    /// What is to be done, e.g. `deploy` or the command.
    #[schema(example = "terraform apply", max_length = 256)]
    pub action: String,
    /// Where, e.g. `prod` or a repository.
    #[schema(example = "infra/prod", max_length = 256)]
    pub resource: String,
    /// The exact arguments; the token is bound to them.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub arguments: serde_json::Value,
    /// Each 0–1 (absent: 0): privilege_impact, supply_chain_trust, exploitability, data_access,
    /// vulnerabilities, blast_radius, operational_complexity, history.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub factors: serde_json::Value,
    /// Anything that supports the request (≤ 64 KiB); its SHA-256 is recorded.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub evidence: Option<serde_json::Value>,
    /// How long the request may wait for a decision (60–86400 s, default 3600).
    #[schema(minimum = 60, maximum = 86400)]
    pub ttl_seconds: Option<u32>,
}

/// An approval as the caller sees it now: with its gate token when the caller may use it.
async fn view(app: &App, auth: &Auth, a: &bosun_store::Approval) -> Result<ApprovalView, ApiError> {
    let token = app.kernel.gate_token(&auth.caller, a).await?;
    Ok(ApprovalView::new(a, token, Some(app.kernel.clock().now())))
}

async fn with_token(app: &App, auth: &Auth, answer: Answer, status: axum::http::StatusCode) -> Handled {
    match answer {
        Answer::Fresh(Outcome::Approval(a) | Outcome::ApprovalRequested(a)) => {
            Ok(Reply { status, ..Reply::json(&view(app, auth, &a).await?) })
        }
        other => super::executed(Ok(other)),
    }
}

/// Ask before a gated action. The risk (Σ weight × factor, 0–100) at or below the threshold (50)
/// is approved at once and the answer carries the gate token; above it waits for a user with the
/// approver role (`approval_status` / `GET /api/v1/approvals/{id}` shows the token once approved).
#[utoipa::path(post, path = "/api/v1/approvals", tag = "approvals", request_body = ApprovalBody,
    responses((status = 201, body = ApprovalView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn request(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<ApprovalBody>) -> Handled {
    let factors: Factors = if b.factors.is_null() {
        Factors::default()
    } else {
        serde_json::from_value(b.factors).map_err(|e| ApiError(KernelError::Validation(format!("`factors`: {e}"))))?
    };
    let cmd = Command::RequestApproval(RequestApproval {
        action: b.action,
        resource: b.resource,
        arguments: b.arguments,
        factors,
        evidence: b.evidence,
        ttl_seconds: b.ttl_seconds.unwrap_or(3600),
    });
    let answer = app.kernel.execute(&auth.caller, &auth.ctx, cmd).await?;
    with_token(&app, &auth, answer, axum::http::StatusCode::CREATED).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ApprovalParams {
    /// pending, approved, auto_approved, denied or expired.
    pub status: Option<String>,
    /// The previous page's `next_before`.
    pub before: Option<String>,
    /// 1–500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// Approvals newest first: users see the tenant's, an agent its own.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "approvals", params(ApprovalParams),
    responses((status = 200, body = ApprovalList), (status = 422, body = Problem)))]
pub async fn list(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<ApprovalParams>) -> Handled {
    let limit = PageLimit::or(p.limit, 50).get();
    const STATUSES: [&str; 5] = ["pending", "approved", "auto_approved", "denied", "expired"];
    if let Some(s) = p.status.as_deref().filter(|s| !STATUSES.contains(s)) {
        return Err(ApiError(KernelError::Validation(format!("`status` `{s}` is not one of {}", STATUSES.join(", ")))));
    }
    if p.before.as_deref().is_some_and(|b| b.len() > 64) {
        return Err(ApiError(KernelError::Validation("`before` is an approval id".into())));
    }
    let list = app.kernel.approvals(&auth.caller, p.status, p.before, limit).await?;
    let next_before = (list.len() == limit as usize).then(|| list.last().map(|a| a.id.clone())).flatten();
    let mut approvals = Vec::with_capacity(list.len());
    for a in &list {
        approvals.push(view(&app, &auth, a).await?);
    }
    Ok(Reply::json(&ApprovalList { approvals, next_before }))
}

fn approval_id(id: &str) -> Result<String, ApiError> {
    match bosun_core::ApprovalId::parse(id) {
        Some(_) => Ok(id.to_owned()),
        None => Err(ApiError(KernelError::Validation("`id` is not an approval id (a ULID)".into()))),
    }
}

/// One approval, with its gate token for the requester once approved (until used or expired).
#[utoipa::path(get, path = "/api/v1/approvals/{id}", tag = "approvals", params(("id" = String, Path)),
    responses((status = 200, body = ApprovalView), (status = 404, body = Problem)))]
pub async fn show(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let a = app.kernel.approval(&auth.caller, &approval_id(&id)?).await?;
    Ok(Reply::json(&view(&app, &auth, &a).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// Why (recorded with the decision).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

async fn decide(app: App, auth: Auth, id: String, approve: bool, reason: Option<String>) -> Handled {
    let cmd = Command::DecideApproval { id: approval_id(&id)?, approve, reason };
    let answer = app.kernel.execute(&auth.caller, &auth.ctx, cmd).await?;
    with_token(&app, &auth, answer, axum::http::StatusCode::OK).await
}

/// Approve (users with the approver role; never your own request; not once expired).
#[utoipa::path(post, path = "/api/v1/approvals/{id}/approve", tag = "approvals", request_body = DecisionBody,
    params(("id" = String, Path)),
    responses((status = 200, body = ApprovalView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn approve(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Handled {
    decide(app, auth, id, true, b.reason).await
}

/// Deny (users with the approver role; never your own request; not once expired).
#[utoipa::path(post, path = "/api/v1/approvals/{id}/deny", tag = "approvals", request_body = DecisionBody,
    params(("id" = String, Path)),
    responses((status = 200, body = ApprovalView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn deny(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Handled {
    decide(app, auth, id, false, b.reason).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemBody {
    /// The gate token (`bsg1.…`).
    #[schema(max_length = 4096)]
    pub token: String,
    /// The exact action, resource and arguments the token was approved for.
    #[schema(max_length = 256)]
    pub action: String,
    #[schema(max_length = 256)]
    pub resource: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub arguments: serde_json::Value,
}

/// Run a gated action: accepted once, with a valid unused token for exactly this action, by the
/// agent it was issued to, before it expires; otherwise 403 `approval_required` with the reason.
#[utoipa::path(post, path = "/api/v1/gate/redeem", tag = "approvals", request_body = RedeemBody,
    responses((status = 200, body = ApprovalView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn redeem(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<RedeemBody>) -> Handled {
    let cmd = Command::RedeemGate(RedeemGate {
        token: b.token,
        action: b.action,
        resource: b.resource,
        arguments: b.arguments,
    });
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

/// The tenant's gate public keys: verify tokens offline (`bosun gate verify`).
#[utoipa::path(get, path = "/api/v1/gate/keys", tag = "approvals", responses((status = 200, body = GateKeys)))]
pub async fn keys(State(app): State<App>, auth: Auth) -> Handled {
    let (current, keys) = app.kernel.gate_public_keys(&auth.caller).await?;
    let keys: Vec<GateKey> =
        keys.into_iter().map(|(key, public_key)| GateKey { key, public_key, current: key == current }).collect();
    let public_key = keys.first().map(|k| k.public_key.clone()).unwrap_or_default();
    Ok(Reply::json(&GateKeys { public_key, key: current, algorithm: "Ed25519".into(), keys }))
}

/// Rotate the tenant's gate signing key (tenant admins): tokens signed before open nothing; a
/// requester's approval shows a fresh token under the new key.
#[utoipa::path(post, path = "/api/v1/gate/keys/rotate", tag = "approvals",
    responses((status = 200, body = GovernanceSettingsView), (status = 403, body = Problem)))]
pub async fn rotate_key(State(app): State<App>, auth: Auth) -> Handled {
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::RotateGateKey).await)
}

/// The tenant's governance settings.
#[utoipa::path(get, path = "/api/v1/governance/settings", tag = "approvals",
    responses((status = 200, body = GovernanceSettingsView)))]
pub async fn settings(State(app): State<App>, auth: Auth) -> Handled {
    Ok(Reply::json(&GovernanceSettingsView::from(&app.kernel.governance_settings(&auth.caller).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// Risk (0–100) above which an approval waits for a person (SPEC default 50).
    #[schema(minimum = 0, maximum = 100, example = 40)]
    pub approval_threshold: f64,
}

/// Set the tenant's approval threshold (tenant admins).
#[utoipa::path(put, path = "/api/v1/governance/settings", tag = "approvals", request_body = SettingsBody,
    responses((status = 200, body = GovernanceSettingsView), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_settings(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<SettingsBody>) -> Handled {
    let cmd = Command::SetApprovalThreshold { threshold: b.approval_threshold };
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

/// Evidence an approval was filed with, by its SHA-256 (users of the tenant).
#[utoipa::path(get, path = "/api/v1/evidence/{sha256}", tag = "approvals", params(("sha256" = String, Path)),
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn evidence(State(app): State<App>, auth: Auth, Path(sha256): Path<String>) -> Handled {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(ApiError(KernelError::Validation("`sha256` is 64 lower-case hex digits".into())));
    }
    Ok(Reply::json(&app.kernel.evidence(&auth.caller, &sha256).await?))
}
