//! Tenants, users and API keys: validation, the "self" rule for keys, and their changes.

use bosun_core::audit::{ActorType, AuditDraft, AuditEvent, Outcome as AuditOutcome, Severity};
use bosun_core::clock::format_micros;
use bosun_core::model::{ApiKey, Owner, Tenant, User};
use bosun_core::{Action, Role, TenantId, UserId, validate};
use bosun_store::{AuditFilter, Page};
use serde_json::json;

use super::{Applied, Caller, Kernel, KernelError, Outcome, Principal, Profiles, Tx, conflict_as};
use crate::auth;

pub(super) fn validate_tenant(name: &str, admin_name: &str) -> Result<(), KernelError> {
    validate::name("name", name).map_err(KernelError::Validation)?;
    validate::name("admin_name", admin_name).map_err(KernelError::Validation)
}

pub(super) fn validate_user(name: &str, metadata: &serde_json::Value) -> Result<(), KernelError> {
    validate::name("name", name).map_err(KernelError::Validation)?;
    if !metadata.is_object() {
        return Err(KernelError::Validation("`metadata` must be a JSON object".into()));
    }
    Ok(())
}

pub(super) fn validate_key_label(label: Option<&str>) -> Result<(), KernelError> {
    match label {
        Some(l) if l.chars().count() > 100 => {
            Err(KernelError::Validation("`label` must be at most 100 characters".into()))
        }
        _ => Ok(()),
    }
}

/// Keys: a non-admin may create and revoke only its own. `owner` is whose keys the command
/// touches (a key creation names its user; a revocation's key is looked up).
pub(super) async fn authorize_own_keys(
    kernel: &Kernel,
    caller: &Caller,
    action: bosun_core::Action,
    target: KeyTarget,
) -> Result<(), KernelError> {
    let me = match &caller.principal {
        Principal::User { id, .. } => Owner::User(*id),
        Principal::Agent { id, .. } => Owner::Agent(*id),
        Principal::System => return Ok(()),
    };
    let owner = match target {
        KeyTarget::User(user_id) => Owner::User(user_id),
        KeyTarget::Key(key_id) => {
            let tenant = caller.tenant;
            let key = kernel.store.read(move |r| r.key(tenant, key_id)).await?;
            key.ok_or_else(|| KernelError::NotFound(format!("no key with id {key_id}")))?.owner
        }
    };
    if owner == me {
        Ok(())
    } else {
        Err(KernelError::Forbidden(format!("{} on another principal's keys requires the admin role", action.name())))
    }
}

/// Whose keys a key command touches.
pub(super) enum KeyTarget {
    User(UserId),
    Key(bosun_core::KeyId),
}

pub(super) fn create_user(
    tx: &mut Tx<'_>,
    name: String,
    role: Role,
    mut metadata: serde_json::Value,
) -> Result<Applied, KernelError> {
    bosun_core::redact::redact_value(&mut metadata);
    let user = User {
        id: UserId::generate(),
        tenant_id: tx.caller.tenant,
        name: name.clone(),
        role,
        metadata,
        created_at: tx.at.clone(),
    };
    tx.w.create_user(&user).map_err(conflict_as(format!("a user named `{name}` already exists")))?;
    let details = json!({ "name": user.name, "role": user.role, "metadata": user.metadata });
    let target = ("user", user.id.to_string());
    Ok(Applied::new(Action::UserCreate, Outcome::UserCreated(user), target, details).severity(Severity::Notice))
}

pub(super) fn create_key(
    tx: &mut Tx<'_>,
    user_id: UserId,
    label: Option<String>,
    enrolment: bool,
) -> Result<Applied, KernelError> {
    let user =
        tx.w.user(tx.caller.tenant, user_id)?
            .ok_or_else(|| KernelError::NotFound(format!("no user with id {user_id}")))?;
    let key = tx.key.take().ok_or_else(|| KernelError::Internal("no key prepared".into()))?;
    let record = ApiKey { enrolment, ..key.record(tx.caller.tenant, Owner::User(user.id), label, &tx.at) };
    tx.w.create_key(&record)?;
    let details = json!({ "user_id": user.id, "prefix": record.prefix, "label": record.label, "enrolment": enrolment });
    let target = ("key", record.id.to_string());
    let outcome = Outcome::KeyCreated { key: record, plaintext: key.plaintext };
    Ok(Applied::new(Action::KeyCreate, outcome, target, details).severity(Severity::Notice))
}

pub(super) fn revoke_key(tx: &mut Tx<'_>, key_id: bosun_core::KeyId) -> Result<Applied, KernelError> {
    let key =
        tx.w.key(tx.caller.tenant, key_id)?.ok_or_else(|| KernelError::NotFound(format!("no key with id {key_id}")))?;
    if key.revoked_at.is_some() {
        return Err(KernelError::Conflict(format!("key {key_id} is already revoked")));
    }
    tx.w.revoke_key(tx.caller.tenant, key_id, &tx.at)?;
    let revoked = ApiKey { revoked_at: Some(tx.at.clone()), ..key };
    let details =
        json!({ "owner_type": revoked.owner.kind(), "owner_id": revoked.owner.id(), "prefix": revoked.prefix });
    Ok(Applied::new(Action::KeyRevoke, Outcome::KeyRevoked(revoked), ("key", key_id.to_string()), details)
        .severity(Severity::Notice))
}

pub(super) fn create_tenant(
    tx: &mut Tx<'_>,
    id: TenantId,
    system: bool,
    name: String,
    admin_name: String,
) -> Result<Applied, KernelError> {
    let tenant = Tenant { id, name: name.clone(), system, created_at: tx.at.clone() };
    tx.w.create_tenant(&tenant).map_err(conflict_as(format!("a tenant named `{name}` already exists")))?;
    let admin = User {
        id: UserId::generate(),
        tenant_id: id,
        name: admin_name,
        role: Role::Admin,
        metadata: json!({}),
        created_at: tx.at.clone(),
    };
    tx.w.create_user(&admin)?;
    let key = tx.key.take().ok_or_else(|| KernelError::Internal("no key prepared".into()))?;
    let record = key.record(id, Owner::User(admin.id), Some("admin".into()), &tx.at);
    tx.w.create_key(&record)?;
    let details = json!({ "name": tenant.name, "admin_user_id": admin.id, "admin_key_prefix": record.prefix });
    let outcome = Outcome::TenantCreated { tenant, admin, key: record, plaintext: key.plaintext };
    Ok(Applied::new(Action::TenantCreate, outcome, ("tenant", id.to_string()), details).severity(Severity::Notice))
}

impl Kernel {
    /// First start: create the `default` tenant (the system tenant), its admin and the admin's key.
    /// Returns the admin key, or `None` when the store was bootstrapped already.
    pub async fn bootstrap(&self) -> Result<Option<String>, KernelError> {
        if self.system_tenant().await?.is_some() {
            return Ok(None);
        }
        let tenant = TenantId::generate();
        let key = auth::new_key(&self.key_secret)?;
        let now = self.clock.now();
        let (admin_key, event) = self
            .store
            .write(move |w| -> Result<(String, AuditEvent), KernelError> {
                let caller = Caller::system(tenant);
                let at = format_micros(now);
                let profiles = Profiles::default();
                let gate = super::gate::GateKeys::new(crate::auth::KeySecret::random()?);
                let mut tx = Tx {
                    w,
                    caller: &caller,
                    now,
                    at: at.clone(),
                    jitter: 0.5,
                    key: Some(key),
                    profiles: &profiles,
                    gate: &gate,
                };
                let applied = create_tenant(&mut tx, tenant, true, "default".into(), "admin".into())?;
                let event = w.append_audit(
                    tenant,
                    AuditDraft {
                        at,
                        actor_type: ActorType::System,
                        actor_id: None,
                        actor_name: Some("system".into()),
                        action: Action::TenantCreate.name().into(),
                        target_type: Some("tenant".into()),
                        target_id: Some(tenant.to_string()),
                        project: None,
                        outcome: AuditOutcome::Ok,
                        severity: Severity::Notice,
                        details: applied.details,
                        ip: None,
                        user_agent: None,
                        correlation_id: None,
                    },
                )?;
                let Outcome::TenantCreated { plaintext: key, .. } = applied.outcome else {
                    return Err(KernelError::Internal("bootstrap created no tenant".into()));
                };
                Ok((key, event))
            })
            .await?;
        // Nothing else runs before the first start.
        self.events.committed(super::Committed::new(event, bosun_core::Action::TenantCreate, Vec::new()));
        Ok(Some(admin_key))
    }

    /// The caller's tenant (the rest of "who am I" is the caller itself).
    pub async fn tenant_of(&self, caller: &Caller) -> Result<Tenant, KernelError> {
        let tenant_id = caller.tenant;
        self.store
            .read(move |r| r.tenant(tenant_id))
            .await?
            .ok_or_else(|| KernelError::NotFound("the caller's tenant no longer exists".into()))
    }

    /// Users of the caller's tenant, by id, after a cursor.
    pub async fn list_users(
        &self,
        caller: &Caller,
        after: Option<UserId>,
        limit: u32,
    ) -> Result<Vec<User>, KernelError> {
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.list_users(tenant, after, limit)).await?)
    }

    /// Every tenant; system admins only (a denial is audited).
    pub async fn list_tenants(&self, caller: &Caller, ctx: &super::RequestCtx) -> Result<Vec<Tenant>, KernelError> {
        if !is_system_admin(caller) {
            let reason = "listing tenants requires an admin of the system tenant";
            self.audit_denial(caller, ctx, Action::TenantList, None, reason, super::Decided::NOTHING).await;
            return Err(KernelError::Forbidden(reason.into()));
        }
        Ok(self.store.read(|r| r.list_tenants()).await?)
    }

    /// A page of the caller's tenant's audit log.
    pub async fn audit_page(
        &self,
        caller: &Caller,
        filter: AuditFilter,
        page: Page,
    ) -> Result<Vec<AuditEvent>, KernelError> {
        self.audit_page_of(caller, caller.tenant, filter, page).await
    }

    /// A page of `tenant`'s audit log: the caller's own tenant's, or any tenant's for a user
    /// admin of the system tenant (the operators' view of every tenant; reading only).
    pub async fn audit_page_of(
        &self,
        caller: &Caller,
        tenant: TenantId,
        filter: AuditFilter,
        page: Page,
    ) -> Result<Vec<AuditEvent>, KernelError> {
        if tenant != caller.tenant && !is_system_admin(caller) {
            return Err(KernelError::Forbidden("another tenant's audit log is for admins of the system tenant".into()));
        }
        Ok(self.store.read(move |r| r.query_audit(tenant, &filter, page)).await?)
    }
}

/// A user with the admin role in the system tenant.
pub fn is_system_admin(caller: &Caller) -> bool {
    caller.system_tenant && caller.role() == Role::Admin && matches!(caller.principal, Principal::User { .. })
}
