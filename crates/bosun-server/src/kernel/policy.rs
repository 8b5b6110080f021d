//! Authorization (SPEC §5.1–§5.2): the kernel's `authorize`, which asks Cedar (`bosun-policy`)
//! for every command but Bosun's own; and asking without acting — validating a policy text, and
//! the dry run of a decision. Those change nothing, so they are not audited.

use bosun_core::role::Requirement;
use bosun_core::{Action, AgentId, Role, UserId};

use super::{Caller, Command, Kernel, KernelError, Principal, dispatch};

/// A refusal, with the policies that decided it (none for Cedar's default deny and for the
/// kernel's own checks).
pub(super) struct Refused {
    pub(super) error: KernelError,
    pub(super) policies: Vec<String>,
}

impl From<KernelError> for Refused {
    fn from(error: KernelError) -> Self {
        Refused { error, policies: Vec::new() }
    }
}

/// Why the default policies deny (nothing permitted): what the role table says the action needs.
fn default_denial(action: Action, caller: &Caller) -> String {
    let (name, role) = (action.name(), caller.role());
    match action.requirement() {
        Requirement::System => format!("{name} is done by Bosun itself"),
        Requirement::Role(needed) => format!("{name} requires the {needed} role; you are {role}"),
        Requirement::UserRole(needed) => format!("{name} requires a user with the {needed} role"),
        Requirement::Agent => format!("{name} is done by agents, with an agent's API key"),
        Requirement::SystemAdmin => format!("{name} requires an admin of the system tenant"),
        Requirement::AdminOrSelf => format!("{name} requires a tenant admin, or acting on your own record"),
    }
}

/// Whose decision a dry run asks for.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    User(UserId),
    Agent(AgentId),
}

/// The longest policy text accepted for validation (the whole body limit is 1 MiB).
pub const MAX_POLICY_TEXT: usize = 256 * 1024;

impl Kernel {
    /// The enrolment rule, then Cedar (with the facts it needs), then the facts a command's own
    /// rules depend on.
    pub(super) async fn authorize(&self, caller: &Caller, cmd: &Command) -> Result<(), Refused> {
        let action = cmd.action();
        let role = caller.role();
        let is_user = matches!(caller.principal, Principal::User { .. });
        if caller.enrolment && action != Action::AgentRegister {
            return Err(KernelError::Forbidden(format!(
                "{} is refused: an enrolment key may only register an agent",
                action.name()
            ))
            .into());
        }
        if matches!(caller.principal, Principal::System) {
            return Ok(dispatch::authorize_facts(self, caller, cmd).await?);
        }
        // "On its own record" is a fact only the store knows; it is established first and handed
        // to the policies, which decide.
        let own = match action.requirement() {
            Requirement::AdminOrSelf if !(is_user && role == Role::Admin) => {
                Some(dispatch::authorize_self(self, caller, cmd).await)
            }
            _ => None,
        };
        let decision = self.decide(caller, action.name(), matches!(own, Some(Ok(()))));
        if !decision.allowed {
            if let Some(Err(own)) = own {
                return Err(own.into()); // says which record is not the caller's
            }
            let why = decision.explain().unwrap_or_else(|| default_denial(action, caller));
            let policies = decision.determining.into_iter().map(|d| d.id).collect();
            return Err(Refused { error: KernelError::Forbidden(why), policies });
        }
        Ok(dispatch::authorize_facts(self, caller, cmd).await?)
    }

    /// Cedar's decision on `action` (its audit name) by `caller` in its tenant, under the
    /// tenant's policies.
    fn decide(&self, caller: &Caller, action: &str, on_self: bool) -> bosun_policy::Decision {
        let tenant = caller.tenant.to_string();
        let id = match &caller.principal {
            Principal::User { id, .. } => id.to_string(),
            Principal::Agent { id, .. } => id.to_string(),
            Principal::System => String::new(), // never asked: Bosun's own commands bypass policies
        };
        let principal = match &caller.principal {
            // Roles are declared in rank order: viewer 0 … admin 3.
            Principal::User { role, .. } => {
                bosun_policy::Principal::User { id: &id, role: role.as_str(), rank: *role as i64 }
            }
            Principal::Agent { name, .. } => bosun_policy::Principal::Agent { id: &id, name },
            Principal::System => bosun_policy::Principal::Agent { id: &id, name: "system" },
        };
        let query =
            bosun_policy::Query { principal, action, tenant: &tenant, system_tenant: caller.system_tenant, on_self };
        self.policy.decide(&self.policies, &query)
    }

    /// Validate a policy text against Bosun's schema; the ids of its policies, in order. Nothing
    /// is stored.
    pub fn validate_policies(&self, text: &str) -> Result<Vec<String>, KernelError> {
        if text.len() > MAX_POLICY_TEXT {
            return Err(KernelError::Validation(format!("policies are limited to {MAX_POLICY_TEXT} bytes")));
        }
        let set = self.policy.parse(text).map_err(|e| KernelError::Validation(e.0))?;
        Ok(set.ids())
    }

    /// What the tenant's policies decide for `subject` (the caller itself when `None`) doing
    /// `action` (an action's audit name, e.g. `task.claimed`). Asking about another principal is
    /// for tenant admins: it shows what someone else may do.
    pub async fn dry_run(
        &self,
        caller: &Caller,
        subject: Option<Subject>,
        action: &str,
        on_self: bool,
    ) -> Result<bosun_policy::Decision, KernelError> {
        let Some(subject) = subject else {
            return Ok(self.decide(caller, action, on_self));
        };
        if !matches!(caller.principal, Principal::User { role: Role::Admin, .. }) {
            return Err(KernelError::Forbidden("the authorization dry run requires a tenant admin".into()));
        }
        let tenant = caller.tenant;
        let principal = match subject {
            Subject::User(id) => {
                let user = self.store.read(move |r| r.user(tenant, id)).await?;
                let user = user.ok_or_else(|| KernelError::NotFound(format!("no user with id {id}")))?;
                Principal::User { id: user.id, name: user.name, role: user.role }
            }
            Subject::Agent(id) => {
                let agent = self.store.read(move |r| r.agent(tenant, id)).await?;
                let agent = agent.ok_or_else(|| KernelError::NotFound(format!("no agent with id {id}")))?;
                Principal::Agent { id: agent.id, name: agent.name }
            }
        };
        let subject = Caller { principal, key: None, enrolment: false, ..caller.clone() };
        Ok(self.decide(&subject, action, on_self))
    }
}
