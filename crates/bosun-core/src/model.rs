//! Records of the identity domain, as the store returns them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{KeyId, Role, TenantId, UserId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    /// The tenant created at first start; its admins administer tenants.
    pub system: bool,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub name: String,
    pub role: Role,
    pub metadata: Value,
    pub created_at: String,
}

/// An API key's record. The key itself is never stored; `hash` is its argon2id PHC string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: KeyId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    #[serde(skip)]
    pub hash: String,
}
