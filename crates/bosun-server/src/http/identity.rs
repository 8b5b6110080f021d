//! Tenants, users, API keys and `whoami`. Each handler parses, calls the kernel, maps the answer.

use axum::extract::{Path, State};
use bosun_core::validate::PageLimit;
use bosun_core::{KeyId, Role, UserId};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiJson, ApiQuery, App, Auth, Handled, Problem, Reply, executed};
use crate::kernel::{Command, KernelError};
use crate::views::{KeyView, TenantCreated, TenantList, TenantView, UserPage, UserView, WhoAmI};

pub(super) fn parse_id<T>(field: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T, ApiError> {
    // The rejected value is not echoed: ids come from a URL, and a pasted secret must not bounce.
    parse(raw).ok_or_else(|| {
        ApiError(KernelError::Validation(format!(
            "`{field}` is not a valid id: expected a ULID (26 characters of Crockford base32, first digit 0–7)"
        )))
    })
}

/// Who am I: the caller's tenant, identity and role.
#[utoipa::path(get, path = "/api/v1/whoami", tag = "identity",
    responses((status = 200, body = WhoAmI), (status = 401, body = Problem)))]
pub async fn whoami(State(app): State<App>, auth: Auth) -> Handled {
    match app.kernel.tenant_of(&auth.caller).await {
        Ok(tenant) => {
            let (principal_type, id, name) = auth.caller.actor();
            Ok(Reply::json(&WhoAmI {
                tenant: TenantView::from(&tenant),
                principal_type: principal_type.as_str().into(),
                id,
                name: name.unwrap_or_default(),
                role: auth.caller.role().as_str().into(),
            }))
        }
        Err(e) => Err(ApiError(e)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenantBody {
    /// Unique tenant name: 1–64 letters, digits, `._@-`.
    #[schema(example = "acme")]
    #[schema(pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub name: String,
    /// Name of the tenant's first admin user (default `admin`).
    #[serde(default = "default_admin")]
    #[schema(pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub admin_name: String,
}

fn default_admin() -> String {
    "admin".into()
}

/// Create a tenant with its first admin and that admin's API key (shown once). System admins only.
#[utoipa::path(post, path = "/api/v1/tenants", tag = "tenants", request_body = CreateTenantBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for 24 h")),
    responses((status = 201, body = TenantCreated), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_tenant(State(app): State<App>, auth: Auth, ApiJson(body): ApiJson<CreateTenantBody>) -> Handled {
    let cmd = Command::CreateTenant { name: body.name, admin_name: body.admin_name };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

/// List every tenant. System admins only.
#[utoipa::path(get, path = "/api/v1/tenants", tag = "tenants",
    responses((status = 200, body = TenantList), (status = 403, body = Problem)))]
pub async fn list_tenants(State(app): State<App>, auth: Auth) -> Handled {
    match app.kernel.list_tenants(&auth.caller, &auth.ctx).await {
        Ok(tenants) => Ok(Reply::json(&TenantList { items: tenants.iter().map(TenantView::from).collect() })),
        Err(e) => Err(ApiError(e)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    #[schema(example = "alice")]
    #[schema(pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub name: String,
    /// viewer, developer (default), approver or admin.
    #[schema(value_type = String, example = "developer")]
    #[serde(default = "default_role")]
    pub role: Role,
    /// Free-form JSON object; secret-looking values are redacted before storage.
    #[schema(value_type = Object)]
    #[serde(default = "empty_object")]
    pub metadata: Value,
}

fn default_role() -> Role {
    Role::Developer
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// Create a user in the caller's tenant. Admins only.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for 24 h")),
    responses((status = 201, body = UserView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_user(State(app): State<App>, auth: Auth, ApiJson(body): ApiJson<CreateUserBody>) -> Handled {
    let cmd = Command::CreateUser { name: body.name, role: body.role, metadata: body.metadata };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListUsersParams {
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Page size, 1–500 (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// List the users of the caller's tenant.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListUsersParams),
    responses((status = 200, body = UserPage), (status = 422, body = Problem)))]
pub async fn list_users(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<ListUsersParams>) -> Handled {
    let result = async {
        let after = p.after.as_deref().map(|a| parse_id("after", a, UserId::parse)).transpose()?;
        let limit = PageLimit::or(p.limit, 100).get();
        let users = app.kernel.list_users(&auth.caller, after, limit).await?;
        let next_cursor = (users.len() == limit as usize).then(|| users.last().map(|u| u.id.to_string())).flatten();
        Ok::<_, ApiError>(UserPage { items: users.iter().map(UserView::from).collect(), next_cursor })
    }
    .await;
    match result {
        Ok(page) => Ok(Reply::json(&page)),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyBody {
    /// What the key is for (at most 100 characters).
    #[schema(example = "ci")]
    #[schema(max_length = 100)]
    pub label: Option<String>,
    /// An enrolment key: it may only register agents (`POST /api/v1/agents`, MCP `register_agent`).
    #[serde(default)]
    pub enrolment: bool,
}

/// Create an API key for a user; the answer carries the key once. Admins, or the user itself.
#[utoipa::path(post, path = "/api/v1/users/{id}/keys", tag = "keys", request_body = CreateKeyBody,
    params(("id" = String, Path, description = "User id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer (with the key redacted) for 24 h")),
    responses((status = 201, body = KeyView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn create_key(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateKeyBody>,
) -> Handled {
    let user_id = match parse_id("id", &id, UserId::parse) {
        Ok(id) => id,
        Err(e) => return Err(e),
    };
    let cmd = Command::CreateKey { user_id, label: body.label, enrolment: body.enrolment };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

/// Revoke an API key; it stops working within one second everywhere. Admins, or the key's owner.
#[utoipa::path(delete, path = "/api/v1/keys/{id}", tag = "keys",
    params(("id" = String, Path, description = "Key id")),
    responses((status = 200, body = KeyView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn revoke_key(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let key_id = match parse_id("id", &id, KeyId::parse) {
        Ok(id) => id,
        Err(e) => return Err(e),
    };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::RevokeKey { key_id }).await)
}

/// Issue a one-time sign-in link for a user of the tenant (tenant admins): whoever opens it sets
/// the user's dashboard password and is signed in. Valid 24 hours, void once used (or once the
/// password changes otherwise); shown only in this answer, never stored or audited.
#[utoipa::path(post, path = "/api/v1/users/{id}/sign-in-link", tag = "users",
    params(("id" = String, Path)),
    responses((status = 201, body = crate::views::SignInLinkView), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn sign_in_link(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let user_id = parse_id("id", &id, UserId::parse)?;
    let (user, link, expires_at) = app.kernel.issue_link(&auth.caller, &auth.ctx, user_id).await?;
    let view = crate::views::SignInLinkView {
        user: UserView::from(&user),
        path: format!("/login/link/{link}"),
        expires_at: bosun_core::clock::format_micros(expires_at),
    };
    Ok(Reply { status: axum::http::StatusCode::CREATED, ..Reply::json(&view) })
}

/// A user's new dashboard password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    /// 12–256 characters (a passphrase of a few words is good); `null` removes the password.
    #[schema(min_length = 12, max_length = 256)]
    pub password: Option<String>,
}

/// Set a user's dashboard password (tenant admins: any user of the tenant; a user: their own).
/// Stored as an argon2id hash; the user's dashboard sessions end.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "users", request_body = PasswordBody,
    params(("id" = String, Path)),
    responses((status = 200, body = crate::views::PasswordSetView), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_password(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Handled {
    let user_id = parse_id("id", &id, UserId::parse)?;
    executed(app.kernel.set_password(&auth.caller, &auth.ctx, user_id, body.password).await)
}
