//! The JSON shapes of answers. The kernel builds bodies from these types and the OpenAPI
//! document is generated from the same types, so the two cannot drift apart.

use bosun_core::audit::AuditEvent;
use bosun_core::model::{ApiKey, Tenant, User};
use bosun_core::{KeyId, Role, TenantId, UserId};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TenantView {
    #[schema(value_type = String, example = "01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    pub id: TenantId,
    pub name: String,
    /// The tenant created at first start; its admins manage tenants.
    pub system: bool,
    pub created_at: String,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            system: t.system,
            created_at: t.created_at.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    #[schema(value_type = String)]
    pub id: UserId,
    #[schema(value_type = String)]
    pub tenant_id: TenantId,
    pub name: String,
    /// viewer, developer, approver or admin.
    #[schema(value_type = String, example = "developer")]
    pub role: Role,
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub created_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            tenant_id: u.tenant_id,
            name: u.name.clone(),
            role: u.role,
            metadata: u.metadata.clone(),
            created_at: u.created_at.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct KeyView {
    #[schema(value_type = String)]
    pub id: KeyId,
    #[schema(value_type = String)]
    pub user_id: UserId,
    /// The key's public lookup prefix (`bsn_<prefix>_…`).
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// The key itself: present only in the answer that created it, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl KeyView {
    pub fn new(k: &ApiKey, plaintext: Option<&str>) -> Self {
        Self {
            id: k.id,
            user_id: k.user_id,
            prefix: k.prefix.clone(),
            label: k.label.clone(),
            created_at: k.created_at.clone(),
            revoked_at: k.revoked_at.clone(),
            key: plaintext.map(str::to_owned),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TenantCreated {
    pub tenant: TenantView,
    pub admin: UserView,
    pub admin_key: KeyView,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TenantList {
    pub items: Vec<TenantView>,
}

#[derive(Serialize, ToSchema)]
pub struct WhoAmI {
    pub tenant: TenantView,
    /// user, agent or system.
    pub principal_type: String,
    pub id: Option<String>,
    pub name: String,
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Audit events, newest first (fields as in SPEC §4).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<AuditEvent>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    pub next_cursor: Option<u64>,
}

pub fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("views serialize")
}
