//! Asking about policies without acting: validating a policy text, and the dry run of a decision
//! for any principal of the tenant (SPEC §5.2). Neither changes anything, so neither is audited.

use bosun_core::{AgentId, Role, UserId};

use super::{Caller, Kernel, KernelError, Principal};

/// Whose decision a dry run asks for.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    User(UserId),
    Agent(AgentId),
}

/// The longest policy text accepted for validation (the whole body limit is 1 MiB).
pub const MAX_POLICY_TEXT: usize = 256 * 1024;

impl Kernel {
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
