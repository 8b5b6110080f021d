//! The kernel: one road for every change.
//!
//! `execute` runs a typed [`Command`] through validate → authorize → prepare (slow, pure work
//! such as hashing a new key, off the writer) → one store transaction that checks the
//! idempotency record, applies the change and appends the audit event → publish after commit.
//! A denied command is audited in its own transaction. Edges never touch the store for writing.

use std::sync::Arc;

use bosun_core::audit::{ActorType, AuditDraft, AuditEvent, Outcome, Severity};
use bosun_core::clock::format_micros;
use bosun_core::model::{ApiKey, Tenant, User};
use bosun_core::role::Requirement;
use bosun_core::{Action, Clock, KeyId, Role, TenantId, UserId, validate};
use bosun_store::{AuditFilter, IdempotentReply, Page, Store, StoreError, WriteTx};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;

use crate::auth::{self, KeyCache};
use crate::views::{KeyView, TenantCreated, TenantView, UserView, WhoAmI, to_value};

/// How long an `Idempotency-Key` answer is replayed.
const IDEMPOTENCY_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// Who is acting, as established by authentication. Tenancy lives here.
#[derive(Clone, Debug, PartialEq)]
pub struct Caller {
    pub tenant: TenantId,
    /// The caller's tenant is the system tenant (its admins manage tenants).
    pub system_tenant: bool,
    pub principal: Principal,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    User {
        id: UserId,
        name: String,
        role: Role,
    },
    /// Bosun itself (first-start bootstrap, background jobs).
    System,
}

impl Caller {
    pub fn system(tenant: TenantId) -> Self {
        Self {
            tenant,
            system_tenant: true,
            principal: Principal::System,
        }
    }

    pub fn role(&self) -> Role {
        match &self.principal {
            Principal::User { role, .. } => *role,
            Principal::System => Role::Admin,
        }
    }

    pub fn actor(&self) -> (ActorType, Option<String>, Option<String>) {
        match &self.principal {
            Principal::User { id, name, .. } => {
                (ActorType::User, Some(id.to_string()), Some(name.clone()))
            }
            Principal::System => (ActorType::System, None, Some("system".into())),
        }
    }

    fn principal_key(&self) -> String {
        match &self.principal {
            Principal::User { id, .. } => id.to_string(),
            Principal::System => "system".into(),
        }
    }
}

/// Facts about the request that the audit log records.
#[derive(Clone, Debug, Default)]
pub struct RequestCtx {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub correlation_id: Option<String>,
    pub idempotency_key: Option<String>,
}

/// Every change Bosun knows how to make.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    CreateTenant {
        name: String,
        admin_name: String,
    },
    CreateUser {
        name: String,
        role: Role,
        metadata: Value,
    },
    CreateKey {
        user_id: UserId,
        label: Option<String>,
    },
    RevokeKey {
        key_id: KeyId,
    },
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::CreateTenant { .. } => Action::TenantCreate,
            Command::CreateUser { .. } => Action::UserCreate,
            Command::CreateKey { .. } => Action::KeyCreate,
            Command::RevokeKey { .. } => Action::KeyRevoke,
        }
    }

    fn validate(&self) -> Result<(), KernelError> {
        let invalid = |detail: String| KernelError::Validation(detail);
        match self {
            Command::CreateTenant { name, admin_name } => {
                validate::name("name", name).map_err(invalid)?;
                validate::name("admin_name", admin_name).map_err(invalid)
            }
            Command::CreateUser { name, metadata, .. } => {
                validate::name("name", name).map_err(invalid)?;
                if !metadata.is_object() {
                    return Err(invalid("`metadata` must be a JSON object".into()));
                }
                Ok(())
            }
            Command::CreateKey { label, .. } => match label {
                Some(l) if l.chars().count() > 100 => {
                    Err(invalid("`label` must be at most 100 characters".into()))
                }
                _ => Ok(()),
            },
            Command::RevokeKey { .. } => Ok(()),
        }
    }
}

/// The answer to a command: HTTP-shaped because every edge (REST, MCP, CLI) ends up as JSON.
#[derive(Clone, Debug)]
pub struct Executed {
    /// 201 for a creation, 200 otherwise (and for an idempotent replay of either).
    pub status: u16,
    pub body: Value,
    /// True when this is the stored answer to an earlier request with the same key.
    pub replayed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the store is unavailable")]
    Unavailable,
    /// Details are logged, never answered.
    #[error("internal error")]
    Internal(String),
}

impl KernelError {
    pub fn code(&self) -> &'static str {
        match self {
            KernelError::Unauthenticated(_) => "unauthenticated",
            KernelError::Forbidden(_) => "forbidden",
            KernelError::NotFound(_) => "not_found",
            KernelError::Validation(_) => "validation_failed",
            KernelError::Conflict(_) => "conflict",
            KernelError::Unavailable => "unavailable",
            KernelError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for KernelError {
    fn from(e: StoreError) -> Self {
        match e {
            // Store conflict texts name SQL columns; commands that expect a conflict say better.
            StoreError::Conflict(_) => {
                KernelError::Conflict("conflicts with an existing record".into())
            }
            StoreError::Unavailable(_) => KernelError::Unavailable,
            other => KernelError::Internal(other.to_string()),
        }
    }
}

/// An audit event after commit, for the live stream.
pub type Published = Arc<AuditEvent>;

pub struct Kernel {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    keys: KeyCache,
    events: broadcast::Sender<Published>,
}

impl Kernel {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let (events, _) = broadcast::channel(4096);
        Self {
            store,
            clock,
            keys: KeyCache::default(),
            events,
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Audit events as they commit.
    pub fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.events.subscribe()
    }

    fn now(&self) -> String {
        format_micros(self.clock.now())
    }

    /// Run a command for a caller. See the module docs for the pipeline.
    pub async fn execute(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        cmd: Command,
    ) -> Result<Executed, KernelError> {
        cmd.validate()?;
        if let Err(denied) = self.authorize(caller, &cmd).await {
            if let KernelError::Forbidden(reason) = &denied {
                self.audit_denial(caller, ctx, cmd.action(), target_of(&cmd), reason)
                    .await;
            }
            return Err(denied);
        }
        let request_hash = request_hash(&cmd);
        let prepared = self.prepare(cmd).await?;
        let (caller2, ctx2, now) = (caller.clone(), ctx.clone(), self.clock.now());
        let (executed, event) = self
            .store
            .write(move |w| -> Result<_, KernelError> {
                let not_before = format_micros(now.checked_sub(IDEMPOTENCY_WINDOW).unwrap_or(now));
                let at = format_micros(now);
                let principal = caller2.principal_key();
                if let Some(key) = &ctx2.idempotency_key
                    && let Some(reply) =
                        w.idempotent_reply(caller2.tenant, &principal, key, &not_before)?
                {
                    if reply.request_hash != request_hash {
                        return Err(KernelError::Validation(
                            "this Idempotency-Key was used with a different request; use a new key"
                                .into(),
                        ));
                    }
                    let body = serde_json::from_str(&reply.body)
                        .map_err(|e| KernelError::Internal(e.to_string()))?;
                    return Ok((
                        Executed {
                            status: reply.status,
                            body,
                            replayed: true,
                        },
                        None,
                    ));
                }
                let applied = apply(w, &caller2, prepared, &at)?;
                let (actor_type, actor_id, actor_name) = caller2.actor();
                let event = w.append_audit(
                    caller2.tenant,
                    AuditDraft {
                        at: at.clone(),
                        actor_type,
                        actor_id,
                        actor_name,
                        action: applied.action.name().into(),
                        target_type: Some(applied.target_type.into()),
                        target_id: Some(applied.target_id),
                        project: None,
                        outcome: Outcome::Ok,
                        severity: applied.severity,
                        details: applied.details,
                        ip: ctx2.ip.clone(),
                        user_agent: ctx2.user_agent.clone(),
                        correlation_id: ctx2.correlation_id.clone(),
                    },
                )?;
                if let Some(key) = &ctx2.idempotency_key {
                    // Stored redacted: a key shown once is not replayed from the database.
                    let mut stored = applied.body.clone();
                    bosun_core::redact::redact_value(&mut stored);
                    let reply = IdempotentReply {
                        request_hash,
                        status: applied.status,
                        body: stored.to_string(),
                    };
                    w.put_idempotent_reply(caller2.tenant, &principal, key, &reply, &at)?;
                }
                Ok((
                    Executed {
                        status: applied.status,
                        body: applied.body,
                        replayed: false,
                    },
                    Some(event),
                ))
            })
            .await?;
        if let Some(event) = event {
            if event.action == Action::KeyRevoke.name()
                && let Some(id) = event.target_id.as_deref().and_then(KeyId::parse)
            {
                self.keys.forget_key(id);
            }
            let _ = self.events.send(Arc::new(event));
        }
        Ok(executed)
    }

    /// Roles first (the table in core), then the facts a rule depends on.
    async fn authorize(&self, caller: &Caller, cmd: &Command) -> Result<(), KernelError> {
        let action = cmd.action();
        let role = caller.role();
        match action.requirement() {
            Requirement::Role(needed) if role >= needed => Ok(()),
            Requirement::Role(needed) => Err(KernelError::Forbidden(format!(
                "{} requires the {needed} role; you are {role}",
                action.name()
            ))),
            Requirement::SystemAdmin if caller.system_tenant && role == Role::Admin => Ok(()),
            Requirement::SystemAdmin => Err(KernelError::Forbidden(format!(
                "{} requires an admin of the system tenant",
                action.name()
            ))),
            Requirement::AdminOrSelf if role == Role::Admin => Ok(()),
            Requirement::AdminOrSelf => {
                let me = match &caller.principal {
                    Principal::User { id, .. } => *id,
                    Principal::System => return Ok(()),
                };
                let owner = match cmd {
                    Command::CreateKey { user_id, .. } => Some(*user_id),
                    Command::RevokeKey { key_id } => {
                        let (tenant, key_id) = (caller.tenant, *key_id);
                        let key = self.store.read(move |r| r.key(tenant, key_id)).await?;
                        Some(
                            key.ok_or_else(|| {
                                KernelError::NotFound(format!("no key with id {key_id}"))
                            })?
                            .user_id,
                        )
                    }
                    _ => None,
                };
                if owner == Some(me) {
                    Ok(())
                } else {
                    Err(KernelError::Forbidden(format!(
                        "{} on another user's keys requires the admin role",
                        action.name()
                    )))
                }
            }
        }
    }

    /// Slow work that needs no transaction: hashing a new key.
    async fn prepare(&self, cmd: Command) -> Result<Prepared, KernelError> {
        Ok(match cmd {
            Command::CreateTenant { name, admin_name } => Prepared::CreateTenant {
                name,
                admin_name,
                key: auth::new_key().await?,
            },
            Command::CreateUser {
                name,
                role,
                mut metadata,
            } => {
                bosun_core::redact::redact_value(&mut metadata);
                Prepared::CreateUser {
                    name,
                    role,
                    metadata,
                }
            }
            Command::CreateKey { user_id, label } => Prepared::CreateKey {
                user_id,
                label,
                key: auth::new_key().await?,
            },
            Command::RevokeKey { key_id } => Prepared::RevokeKey { key_id },
        })
    }

    /// Authenticate a presented `Authorization` header. Failures are audited.
    pub async fn authenticate(
        &self,
        ctx: &RequestCtx,
        header: Option<&str>,
    ) -> Result<Caller, KernelError> {
        let now = self.clock.now();
        let failure = match auth::authenticate(&self.store, &self.keys, now, header).await {
            Ok(caller) => return Ok(caller),
            Err(auth::AuthError::Kernel(e)) => return Err(e),
            Err(auth::AuthError::Denied(f)) => f,
        };
        let tenant = match failure.tenant {
            Some(t) => Some(t),
            None => self.system_tenant().await.ok().flatten(),
        };
        if let Some(tenant) = tenant {
            let draft = AuditDraft {
                at: format_micros(now),
                actor_type: ActorType::Anonymous,
                actor_id: None,
                actor_name: None,
                action: Action::AuthFail.name().into(),
                target_type: failure.key_id.map(|_| "key".into()),
                target_id: failure.key_id.map(|k| k.to_string()),
                project: None,
                outcome: Outcome::Denied,
                severity: Severity::Warning,
                details: json!({ "reason": failure.reason }),
                ip: ctx.ip.clone(),
                user_agent: ctx.user_agent.clone(),
                correlation_id: ctx.correlation_id.clone(),
            };
            self.append_alone(tenant, draft).await;
        }
        Err(KernelError::Unauthenticated(failure.reason.into()))
    }

    async fn audit_denial(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        action: Action,
        target: Option<(&str, String)>,
        reason: &str,
    ) {
        let (actor_type, actor_id, actor_name) = caller.actor();
        let draft = AuditDraft {
            at: self.now(),
            actor_type,
            actor_id,
            actor_name,
            action: action.name().into(),
            target_type: target.as_ref().map(|t| t.0.to_owned()),
            target_id: target.map(|t| t.1),
            project: None,
            outcome: Outcome::Denied,
            severity: Severity::Warning,
            details: json!({ "reason": reason }),
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
            correlation_id: ctx.correlation_id.clone(),
        };
        self.append_alone(caller.tenant, draft).await;
    }

    /// Append an event in a transaction of its own (denials, failed logins).
    async fn append_alone(&self, tenant: TenantId, draft: AuditDraft) {
        match self
            .store
            .write(move |w| w.append_audit(tenant, draft))
            .await
        {
            Ok(event) => {
                let _ = self.events.send(Arc::new(event));
            }
            Err(e) => tracing::error!(error = %e, "could not audit a denied attempt"),
        }
    }

    /// The caller's own identity.
    pub async fn whoami(&self, caller: &Caller) -> Result<WhoAmI, KernelError> {
        let tenant_id = caller.tenant;
        let tenant = self
            .store
            .read(move |r| r.tenant(tenant_id))
            .await?
            .ok_or_else(|| KernelError::NotFound("the caller's tenant no longer exists".into()))?;
        let (principal_type, id, name) = caller.actor();
        Ok(WhoAmI {
            tenant: TenantView::from(&tenant),
            principal_type: principal_type.as_str().into(),
            id,
            name: name.unwrap_or_default(),
            role: caller.role().as_str().into(),
        })
    }

    /// Users of the caller's tenant, by id, after a cursor.
    pub async fn list_users(
        &self,
        caller: &Caller,
        after: Option<UserId>,
        limit: u32,
    ) -> Result<Vec<User>, KernelError> {
        let tenant = caller.tenant;
        Ok(self
            .store
            .read(move |r| r.list_users(tenant, after, limit))
            .await?)
    }

    /// Every tenant; system admins only (a denial is audited).
    pub async fn list_tenants(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
    ) -> Result<Vec<Tenant>, KernelError> {
        if !(caller.system_tenant && caller.role() == Role::Admin) {
            let reason = "listing tenants requires an admin of the system tenant";
            self.audit_denial(caller, ctx, Action::TenantList, None, reason)
                .await;
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
        let tenant = caller.tenant;
        Ok(self
            .store
            .read(move |r| r.query_audit(tenant, &filter, page))
            .await?)
    }

    /// The system tenant, if the store has been bootstrapped.
    pub async fn system_tenant(&self) -> Result<Option<TenantId>, KernelError> {
        let tenants = self.store.read(|r| r.list_tenants()).await?;
        Ok(tenants.into_iter().find(|t| t.system).map(|t| t.id))
    }

    /// First start: create the `default` tenant (the system tenant), its admin and the admin's key.
    /// Returns the admin key, or `None` when the store was bootstrapped already.
    pub async fn bootstrap(&self) -> Result<Option<String>, KernelError> {
        if self.system_tenant().await?.is_some() {
            return Ok(None);
        }
        let tenant = TenantId::generate();
        let prepared = Prepared::CreateTenant {
            name: "default".into(),
            admin_name: "admin".into(),
            key: auth::new_key().await?,
        };
        let at = self.now();
        let (key, event) = self
            .store
            .write(move |w| -> Result<_, KernelError> {
                let applied = apply_create_tenant(w, tenant, true, prepared, &at)?;
                let event = w.append_audit(
                    tenant,
                    AuditDraft {
                        at: at.clone(),
                        actor_type: ActorType::System,
                        actor_id: None,
                        actor_name: Some("system".into()),
                        action: Action::TenantCreate.name().into(),
                        target_type: Some("tenant".into()),
                        target_id: Some(tenant.to_string()),
                        project: None,
                        outcome: Outcome::Ok,
                        severity: Severity::Notice,
                        details: applied.details,
                        ip: None,
                        user_agent: None,
                        correlation_id: None,
                    },
                )?;
                let key = applied.body["admin_key"]["key"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                Ok((key, event))
            })
            .await?;
        let _ = self.events.send(Arc::new(event));
        Ok(Some(key))
    }
}

/// A command after its slow, transaction-free work.
enum Prepared {
    CreateTenant {
        name: String,
        admin_name: String,
        key: auth::NewKey,
    },
    CreateUser {
        name: String,
        role: Role,
        metadata: Value,
    },
    CreateKey {
        user_id: UserId,
        label: Option<String>,
        key: auth::NewKey,
    },
    RevokeKey {
        key_id: KeyId,
    },
}

/// What a command did, for its answer and its audit event.
struct Applied {
    action: Action,
    status: u16,
    body: Value,
    target_type: &'static str,
    target_id: String,
    severity: Severity,
    details: Value,
}

fn conflict_as(detail: String) -> impl FnOnce(StoreError) -> KernelError {
    move |e| match e {
        StoreError::Conflict(_) => KernelError::Conflict(detail),
        other => other.into(),
    }
}

/// Apply a prepared command inside the write transaction.
fn apply(
    w: &mut dyn WriteTx,
    caller: &Caller,
    cmd: Prepared,
    at: &str,
) -> Result<Applied, KernelError> {
    match cmd {
        Prepared::CreateTenant { .. } => {
            apply_create_tenant(w, TenantId::generate(), false, cmd, at)
        }
        Prepared::CreateUser {
            name,
            role,
            metadata,
        } => {
            let user = User {
                id: UserId::generate(),
                tenant_id: caller.tenant,
                name: name.clone(),
                role,
                metadata,
                created_at: at.to_owned(),
            };
            w.create_user(&user)
                .map_err(conflict_as(format!("a user named `{name}` already exists")))?;
            Ok(Applied {
                action: Action::UserCreate,
                status: 201,
                body: to_value(&UserView::from(&user)),
                target_type: "user",
                target_id: user.id.to_string(),
                severity: Severity::Notice,
                details: json!({ "name": user.name, "role": user.role, "metadata": user.metadata }),
            })
        }
        Prepared::CreateKey {
            user_id,
            label,
            key,
        } => {
            let user = w
                .user(caller.tenant, user_id)?
                .ok_or_else(|| KernelError::NotFound(format!("no user with id {user_id}")))?;
            let record = key.record(caller.tenant, user.id, label, at);
            w.create_key(&record)?;
            Ok(Applied {
                action: Action::KeyCreate,
                status: 201,
                body: to_value(&KeyView::new(&record, Some(&key.plaintext))),
                target_type: "key",
                target_id: record.id.to_string(),
                severity: Severity::Notice,
                details: json!({ "user_id": user.id, "prefix": record.prefix, "label": record.label }),
            })
        }
        Prepared::RevokeKey { key_id } => {
            let key = w
                .key(caller.tenant, key_id)?
                .ok_or_else(|| KernelError::NotFound(format!("no key with id {key_id}")))?;
            if key.revoked_at.is_some() {
                return Err(KernelError::Conflict(format!(
                    "key {key_id} is already revoked"
                )));
            }
            w.revoke_key(caller.tenant, key_id, at)?;
            let revoked = ApiKey {
                revoked_at: Some(at.to_owned()),
                ..key
            };
            Ok(Applied {
                action: Action::KeyRevoke,
                status: 200,
                body: to_value(&KeyView::new(&revoked, None)),
                target_type: "key",
                target_id: key_id.to_string(),
                severity: Severity::Notice,
                details: json!({ "user_id": revoked.user_id, "prefix": revoked.prefix }),
            })
        }
    }
}

fn apply_create_tenant(
    w: &mut dyn WriteTx,
    id: TenantId,
    system: bool,
    cmd: Prepared,
    at: &str,
) -> Result<Applied, KernelError> {
    let Prepared::CreateTenant {
        name,
        admin_name,
        key,
    } = cmd
    else {
        return Err(KernelError::Internal(
            "apply_create_tenant called with another command".into(),
        ));
    };
    let tenant = Tenant {
        id,
        name: name.clone(),
        system,
        created_at: at.to_owned(),
    };
    w.create_tenant(&tenant).map_err(conflict_as(format!(
        "a tenant named `{name}` already exists"
    )))?;
    let admin = User {
        id: UserId::generate(),
        tenant_id: id,
        name: admin_name,
        role: Role::Admin,
        metadata: json!({}),
        created_at: at.to_owned(),
    };
    w.create_user(&admin)?;
    let record = key.record(id, admin.id, Some("admin".into()), at);
    w.create_key(&record)?;
    Ok(Applied {
        action: Action::TenantCreate,
        status: 201,
        body: to_value(&TenantCreated {
            tenant: TenantView::from(&tenant),
            admin: UserView::from(&admin),
            admin_key: KeyView::new(&record, Some(&key.plaintext)),
        }),
        target_type: "tenant",
        target_id: id.to_string(),
        severity: Severity::Notice,
        details: json!({ "name": tenant.name, "admin_user_id": admin.id, "admin_key_prefix": record.prefix }),
    })
}

fn target_of(cmd: &Command) -> Option<(&'static str, String)> {
    match cmd {
        Command::CreateKey { user_id, .. } => Some(("user", user_id.to_string())),
        Command::RevokeKey { key_id } => Some(("key", key_id.to_string())),
        Command::CreateTenant { .. } | Command::CreateUser { .. } => None,
    }
}

fn request_hash(cmd: &Command) -> String {
    let canonical = bosun_core::jcs::canonicalize(cmd).unwrap_or_default();
    bosun_core::audit::encode_hex(&Sha256::digest(&canonical))
}
