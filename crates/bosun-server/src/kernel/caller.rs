//! Who is acting and the facts of the request: what authentication establishes and every
//! command carries.

use bosun_core::audit::ActorType;
use bosun_core::{AgentId, KeyId, Role, TenantId, UserId};

/// Who is acting, as established by authentication. Tenancy lives here.
#[derive(Clone, Debug, PartialEq)]
pub struct Caller {
    pub tenant: TenantId,
    /// The caller's tenant is the system tenant (its admins manage tenants).
    pub system_tenant: bool,
    pub principal: Principal,
    /// Authenticated with an enrolment key: may only register an agent.
    pub enrolment: bool,
    /// The API key presented (none for Bosun itself): revoking it ends the caller's streams.
    pub key: Option<KeyId>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    User {
        id: UserId,
        name: String,
        role: Role,
    },
    /// `kind` and `profile` as registered (the profile's trust and limits are the kernel's).
    Agent {
        id: AgentId,
        name: String,
        kind: String,
        profile: String,
    },
    /// Bosun itself (first-start bootstrap, timers, presence).
    System,
}

impl Caller {
    pub fn system(tenant: TenantId) -> Self {
        Self { tenant, system_tenant: true, principal: Principal::System, enrolment: false, key: None }
    }

    /// The role the role table sees: agents act at `developer` level.
    pub fn role(&self) -> Role {
        match &self.principal {
            Principal::User { role, .. } => *role,
            Principal::Agent { .. } => Role::Developer,
            Principal::System => Role::Admin,
        }
    }

    pub fn actor(&self) -> (ActorType, Option<String>, Option<String>) {
        match &self.principal {
            Principal::User { id, name, .. } => (ActorType::User, Some(id.to_string()), Some(name.clone())),
            Principal::Agent { id, name, .. } => (ActorType::Agent, Some(id.to_string()), Some(name.clone())),
            Principal::System => (ActorType::System, None, Some("system".into())),
        }
    }

    /// The caller as a lock holder or handoff author (system acts as no one).
    pub fn holder(&self) -> Option<bosun_core::model::Holder> {
        use bosun_core::model::{Holder, Owner};
        match &self.principal {
            Principal::User { id, name, .. } => Some(Holder { owner: Owner::User(*id), name: name.clone() }),
            Principal::Agent { id, name, .. } => Some(Holder { owner: Owner::Agent(*id), name: name.clone() }),
            Principal::System => None,
        }
    }

    pub fn agent_id(&self) -> Option<AgentId> {
        match &self.principal {
            Principal::Agent { id, .. } => Some(*id),
            _ => None,
        }
    }

    pub(super) fn principal_key(&self) -> String {
        match &self.principal {
            Principal::User { id, .. } => id.to_string(),
            Principal::Agent { id, .. } => id.to_string(),
            Principal::System => "system".into(),
        }
    }
}

/// What a caller authenticates for (see [`Kernel::authenticate_for`]).
#[derive(Clone, Copy, Debug)]
pub enum Purpose<'a> {
    /// `register_agent`: the one thing an enrolment key may do.
    RegisterAgent,
    /// Opening or using an MCP session (whose calls are checked one by one).
    Session,
    /// Anything else, described for the audit log (e.g. `GET /api/v1/tasks`).
    Other { what: &'a str },
}

/// Facts about the request that the audit log records.
#[derive(Clone, Debug, Default)]
pub struct RequestCtx {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub correlation_id: Option<String>,
    pub idempotency_key: Option<String>,
    /// With an idempotency key: a fingerprint of the request as the client sent it (method,
    /// path, canonical body), made by the edge. A replay must match it; renaming a Rust field
    /// therefore never invalidates stored answers.
    pub fingerprint: Option<String>,
    /// A gate token presented with the request (`Bosun-Gate-Token`): an approval of exactly this
    /// command, which a policy may require (`context.gate`).
    pub gate_token: Option<String>,
    /// With a gate token: the arguments it must have approved — the request's body as canonical
    /// JSON (`null` without one), made by the edge.
    pub gate_arguments: Option<String>,
}
