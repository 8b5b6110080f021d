//! Policies (SPEC §5.2): validate a policy text, and the dry run of a decision.

use axum::extract::State;
use bosun_core::{AgentId, UserId};
use serde::Deserialize;
use utoipa::ToSchema;

use super::identity::parse_id;
use super::{ApiError, ApiJson, App, Auth, Handled, Problem, Reply};
use crate::kernel::{KernelError, Subject};
use crate::views::{AuthorizeView, PolicyIds};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidatePoliciesBody {
    /// Cedar policies; every policy needs a unique `@id("…")` and may have a `@reason("…")`.
    #[schema(max_length = 262144)]
    pub policies: String,
}

/// Validate Cedar policies against Bosun's schema (strict mode); nothing is stored. 422 with the
/// validator's message when they do not fit.
#[utoipa::path(post, path = "/api/v1/policies/validate", tag = "policies", request_body = ValidatePoliciesBody,
    responses((status = 200, body = PolicyIds), (status = 422, body = Problem)))]
pub async fn validate(State(app): State<App>, _auth: Auth, ApiJson(b): ApiJson<ValidatePoliciesBody>) -> Handled {
    let policies = app.kernel.validate_policies(&b.policies)?;
    Ok(Reply::json(&PolicyIds { policies }))
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum SubjectType {
    User,
    Agent,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectBody {
    #[serde(rename = "type")]
    pub kind: SubjectType,
    /// The user's or agent's id.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$")]
    pub id: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeBody {
    /// Whose decision: a user or agent of the tenant (tenant admins only), or, when absent, the
    /// caller's own.
    #[serde(default)]
    pub principal: Option<SubjectBody>,
    /// The action's audit name, e.g. `task.claimed` (an unknown action is denied).
    #[schema(max_length = 128)]
    pub action: String,
    /// Whether the action would be on the principal's own record (its own keys).
    #[serde(default)]
    pub on_self: bool,
}

/// Dry run: what this tenant's policies decide for a principal doing an action, and which
/// policies decided — for the caller itself, or (tenant admins) any user or agent of the tenant.
/// Nothing is changed or audited.
#[utoipa::path(post, path = "/api/v1/authorize", tag = "policies", request_body = AuthorizeBody,
    responses((status = 200, body = AuthorizeView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn authorize(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<AuthorizeBody>) -> Handled {
    if b.action.len() > 128 {
        return Err(ApiError(KernelError::Validation("`action` is limited to 128 characters".into())));
    }
    let subject = match &b.principal {
        None => None,
        Some(SubjectBody { kind: SubjectType::User, id }) => {
            Some(Subject::User(parse_id("principal.id", id, UserId::parse)?))
        }
        Some(SubjectBody { kind: SubjectType::Agent, id }) => {
            Some(Subject::Agent(parse_id("principal.id", id, AgentId::parse)?))
        }
    };
    let decision = app.kernel.dry_run(&auth.caller, subject, &b.action, b.on_self).await?;
    Ok(Reply::json(&AuthorizeView::from(&decision)))
}
