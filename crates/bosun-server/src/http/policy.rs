//! Policies, profiles and egress (SPEC §5.2–§5.3): versioned policy sets with rollback and
//! replay, validation and the dry run of a decision; profiles; egress checks and their log.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::{ETAG, IF_MATCH};
use axum::response::{IntoResponse, Response};
use bosun_core::validate::PageLimit;
use bosun_core::{AgentId, UserId};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::identity::parse_id;
use super::{ApiError, ApiJson, ApiQuery, App, Auth, Handled, Problem, Reply, executed};
use crate::kernel::{Command, KernelError, PutPolicies, RollbackPolicies, Subject};
use crate::views::{
    AgentView, AuthorizeView, EgressLog, EgressLogEntry, EgressView, PermissionsView, PolicyDocumentView, PolicyIds,
    PolicyVersionList, PolicyVersionView, ProfileList, ProfileView, ReplayView,
};

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
    let policies = app.kernel.validate_policies(&b.policies).await?;
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

// ---- versioned policies ----

/// `If-Match` as a version: `"3"`, `W/"3"`, `3`, or `*` (whatever is current). Required: a
/// change made against an old version must not silently undo someone else's.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(raw) = headers.get(IF_MATCH) else {
        return Err(ApiError(KernelError::PreconditionRequired(
            "send `If-Match` with the version you changed (the ETag of GET /api/v1/policies), or `*`".into(),
        )));
    };
    let raw = raw.to_str().unwrap_or("").trim();
    if raw == "*" {
        return Ok(None);
    }
    let digits = raw.trim_start_matches("W/").trim_matches('"');
    digits.parse::<u64>().map(Some).map_err(|_| {
        ApiError(KernelError::Validation("`If-Match` must be a policy version such as \"3\", or `*`".into()))
    })
}

fn etag(version: u64) -> [(axum::http::HeaderName, String); 1] {
    [(ETAG, format!("\"{version}\""))]
}

/// The tenant's policies in force (version 0: none stored, the server's default set), with
/// their version as the ETag. Users of the tenant.
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies",
    responses((status = 200, body = PolicyDocumentView, headers(("etag" = String, description = "The version, quoted"))),
        (status = 403, body = Problem)))]
pub async fn get_policies(State(app): State<App>, auth: Auth) -> Result<Response, ApiError> {
    let doc = app.kernel.policy_document(&auth.caller, None).await?;
    Ok((etag(doc.version), Reply::json(&PolicyDocumentView::from(&doc))).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutPoliciesBody {
    /// Cedar policies; every policy needs a unique `@id("…")` and may have a `@reason("…")`.
    #[schema(max_length = 262144)]
    pub text: String,
    /// Why, for the version history.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// Store a new version of the tenant's policies (tenant admins). Validated against the schema
/// (422 with the validator's message); refused when it would deny you changing policies again;
/// `If-Match` names the version you changed (412 when it is no longer current, 428 without it).
#[utoipa::path(put, path = "/api/v1/policies", tag = "policies", request_body = PutPoliciesBody,
    params(("If-Match" = String, Header, description = "The version changed, e.g. \"3\", or *")),
    responses((status = 200, body = PolicyVersionView, headers(("etag" = String, description = "The new version, quoted"))),
        (status = 403, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)))]
pub async fn put_policies(
    State(app): State<App>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutPoliciesBody>,
) -> Result<Response, ApiError> {
    let if_match = if_match(&headers)?;
    let cmd = Command::PutPolicies(PutPolicies { text: b.text, if_match, note: b.note });
    with_etag(executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)?)
}

fn with_etag(reply: Reply) -> Result<Response, ApiError> {
    let version = reply.body.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    Ok((etag(version), reply).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionParams {
    /// Versions below this one (the previous page's `next_before`).
    pub before: Option<u64>,
    /// 1–500 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// The tenant's stored policy versions, newest first (users of the tenant).
#[utoipa::path(get, path = "/api/v1/policies/versions", tag = "policies", params(VersionParams),
    responses((status = 200, body = PolicyVersionList), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_versions(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<VersionParams>) -> Handled {
    let limit = PageLimit::or(p.limit, 20).get();
    let versions = app.kernel.policy_versions(&auth.caller, p.before, limit).await?;
    let next_before = (versions.len() == limit as usize).then(|| versions.last().map(|v| v.version)).flatten();
    Ok(Reply::json(&PolicyVersionList {
        versions: versions.iter().map(PolicyVersionView::from).collect(),
        next_before,
    }))
}

/// One version's text (0: the server's default policies).
#[utoipa::path(get, path = "/api/v1/policies/versions/{version}", tag = "policies",
    params(("version" = u64, Path)),
    responses((status = 200, body = PolicyDocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn get_version(State(app): State<App>, auth: Auth, Path(version): Path<String>) -> Handled {
    let version = version
        .parse::<u64>()
        .map_err(|_| ApiError(KernelError::Validation("`version` must be a whole number".into())))?;
    let doc = app.kernel.policy_document(&auth.caller, Some(version)).await?;
    Ok(Reply::json(&PolicyDocumentView::from(&doc)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackBody {
    /// The version whose text becomes current again (as a new version).
    pub version: u64,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// Roll back: a new version with an older version's text (tenant admins; `If-Match` as for PUT).
#[utoipa::path(post, path = "/api/v1/policies/rollback", tag = "policies", request_body = RollbackBody,
    params(("If-Match" = String, Header, description = "The current version, e.g. \"3\", or *")),
    responses((status = 200, body = PolicyVersionView, headers(("etag" = String, description = "The new version, quoted"))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn rollback(
    State(app): State<App>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(b): ApiJson<RollbackBody>,
) -> Result<Response, ApiError> {
    let if_match = if_match(&headers)?;
    let cmd = Command::RollbackPolicies(RollbackPolicies { to_version: b.version, if_match, note: b.note });
    with_etag(executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)?)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayBody {
    /// The proposed Cedar policies.
    #[schema(max_length = 262144)]
    pub text: String,
    /// How many of the latest audit events to re-decide (1–10000, default 1000).
    #[schema(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
}

/// Replay: re-decide the latest recorded decisions under proposed policies and list every one
/// that would flip, allowed ↔ denied, with the audit event it came from (tenant admins). Nothing
/// is stored.
#[utoipa::path(post, path = "/api/v1/policies/replay", tag = "policies", request_body = ReplayBody,
    responses((status = 200, body = ReplayView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn replay(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<ReplayBody>) -> Handled {
    let replayed = app.kernel.replay_policies(&auth.caller, &b.text, b.limit.unwrap_or(1000)).await?;
    Ok(Reply::json(&ReplayView::from(&replayed)))
}

// ---- profiles ----

/// The profiles agents act within, with their trust levels, limits and egress rules.
#[utoipa::path(get, path = "/api/v1/profiles", tag = "profiles", responses((status = 200, body = ProfileList)))]
pub async fn profiles(State(app): State<App>, _auth: Auth) -> Handled {
    let p = app.kernel.profiles();
    Ok(Reply::json(&ProfileList {
        profiles: p.all().map(|e| ProfileView::from(&e.profile)).collect(),
        cloud_kinds: p.cloud_kinds().to_vec(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetProfileBody {
    /// A profile name from GET /api/v1/profiles; `suspended` (trust 0) cuts the agent off at once.
    #[schema(example = "trusted", max_length = 64)]
    pub profile: String,
}

/// Give an agent another profile (tenant admins). It holds at once: the agent's open streams
/// and MCP sessions end, and its next request is decided under the new profile.
#[utoipa::path(put, path = "/api/v1/agents/{id}/profile", tag = "profiles", request_body = SetProfileBody,
    params(("id" = String, Path)),
    responses((status = 200, body = AgentView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn set_profile(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SetProfileBody>,
) -> Handled {
    let agent_id = parse_id("id", &id, AgentId::parse)?;
    executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::SetProfile { agent_id, profile: b.profile }).await)
}

// ---- egress ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EgressBody {
    /// A URL, `host:port` or a host (port 443 when neither port nor scheme says).
    #[schema(example = "https://api.github.com/repos", max_length = 512)]
    pub destination: String,
}

/// May the calling agent connect there? The profile's egress rules, then the tenant's policies
/// (`network_access` on a `Domain`), decide; every decision is logged, denials also audited.
#[utoipa::path(post, path = "/api/v1/egress/check", tag = "profiles", request_body = EgressBody,
    responses((status = 200, body = EgressView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn check_egress(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<EgressBody>) -> Handled {
    let decision = app.kernel.check_egress(&auth.caller, &auth.ctx, &b.destination).await?;
    Ok(Reply::json(&EgressView::from(&decision)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EgressLogParams {
    /// Only this agent's decisions (an agent sees only its own).
    pub agent: Option<String>,
    /// Entries below this seq (the previous page's `next_before`).
    pub before: Option<u64>,
    /// 1–500 (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// The egress access log, newest first.
#[utoipa::path(get, path = "/api/v1/egress/log", tag = "profiles", params(EgressLogParams),
    responses((status = 200, body = EgressLog), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn egress_log(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<EgressLogParams>) -> Handled {
    let limit = PageLimit::or(p.limit, 100).get();
    let agent = p.agent.as_deref().map(|a| parse_id("agent", a, AgentId::parse)).transpose()?;
    let entries = app.kernel.egress_log(&auth.caller, agent, p.before, limit).await?;
    let next_before = (entries.len() == limit as usize).then(|| entries.last().map(|e| e.seq)).flatten();
    Ok(Reply::json(&EgressLog { entries: entries.iter().map(EgressLogEntry::from).collect(), next_before }))
}

/// What the caller may do at all under the tenant's policies (the actions, by audit name), and,
/// for an agent, its profile with its limits. MCP tool lists are filtered by it.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "policies", responses((status = 200, body = PermissionsView)))]
pub async fn permissions(State(app): State<App>, auth: Auth) -> Handled {
    let actions = app.kernel.permitted(&auth.caller).await.into_iter().map(str::to_owned).collect();
    let profile = match &auth.caller.principal {
        crate::kernel::Principal::Agent { profile, .. } => {
            app.kernel.profiles().get(profile).map(|e| ProfileView::from(&e.profile))
        }
        _ => None,
    };
    Ok(Reply::json(&PermissionsView { actions, profile }))
}
