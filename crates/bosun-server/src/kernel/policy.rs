//! Authorization (SPEC §5.1–§5.3): the kernel's `authorize`, which asks Cedar (`bosun-policy`)
//! for every command but Bosun's own, under the tenant's current policies; the facts each
//! decision was made on (recorded in the audit event, so that a proposed policy set can
//! re-decide it: see `replay`); and asking without acting — validating a policy text, and the
//! dry run of a decision. Those change nothing, so they are not audited.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bosun_core::role::Requirement;
use bosun_core::{Action, AgentId, Role, TenantId, UserId};
use bosun_policy::{Decision, PolicySet};
use serde::{Deserialize, Serialize};

use super::{Caller, Command, Kernel, KernelError, Principal, dispatch};

/// A refusal, with the policies that decided it (none for Cedar's default deny and for the
/// kernel's own checks) and the facts it was decided on.
pub(super) struct Refused {
    pub(super) error: KernelError,
    pub(super) policies: Vec<String>,
    pub(super) facts: Option<Facts>,
}

impl From<KernelError> for Refused {
    fn from(error: KernelError) -> Self {
        Refused { error, policies: Vec::new(), facts: None }
    }
}

/// What a decision depends on besides the caller's id, name and tenant: recorded in the audit
/// event as `details.authz` (a few dozen bytes), so the decision can be made again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// A user's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// An agent's kind, profile and the profile's trust level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_level: Option<u8>,
    pub on_self: bool,
    pub profile_allows: bool,
    /// The project the command names, if it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// A valid gate token for exactly this command was presented.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gate: bool,
}

/// What a decision is about besides the tenant's actions: a network destination
/// (`network_access`) or a command the guardrails judged (`command.run`).
pub(super) enum About<'a> {
    Tenant,
    Domain(Egress<'a>),
    Command(bosun_policy::CommandFacts<'a>),
}

/// Where an egress check goes, and what the profile's rules said (see `governance`).
pub(super) struct Egress<'a> {
    pub(super) host: &'a str,
    pub(super) port: u16,
    pub(super) ip: bool,
    pub(super) rule_allows: bool,
    pub(super) rule: &'a str,
}

/// The query Cedar is asked, from the facts and who asked (shared by live decisions and replay,
/// so that replay decides exactly as the kernel did).
pub(super) fn query<'a>(
    facts: &'a Facts,
    id: &'a str,
    name: &'a str,
    action: &'a str,
    tenant: &'a str,
    system_tenant: bool,
    about: &About<'a>,
) -> Option<bosun_policy::Query<'a>> {
    let principal = match (&facts.role, &facts.profile) {
        // Roles are declared in rank order: viewer 0 … admin 3.
        (Some(role), None) => bosun_policy::Principal::User { id, role, rank: Role::parse(role)? as i64 },
        (None, Some(profile)) => bosun_policy::Principal::Agent {
            id,
            name,
            kind: facts.kind.as_deref().unwrap_or(""),
            profile,
            trust_level: i64::from(facts.trust_level.unwrap_or(0)),
        },
        _ => return None,
    };
    let (destination, command) = match about {
        About::Tenant => (None, None),
        About::Domain(e) => {
            let d = bosun_policy::Destination {
                name: e.host,
                port: e.port,
                ip: e.ip,
                rule_allows: e.rule_allows,
                rule: e.rule,
            };
            (Some(d), None)
        }
        About::Command(c) => (None, Some(c.clone())),
    };
    Some(bosun_policy::Query {
        principal,
        action,
        tenant,
        system_tenant,
        on_self: facts.on_self,
        profile_allows: facts.profile_allows,
        project: facts.project.as_deref(),
        gate: facts.gate,
        destination,
        command,
    })
}

/// Why the default policies deny (nothing permitted): what the role table says the action needs.
fn default_denial(action: Action, caller: &Caller) -> String {
    let (name, role) = (action.name(), caller.role());
    match (&caller.principal, action.requirement()) {
        (Principal::Agent { profile, .. }, _) => {
            format!("no policy permits {name} for agents of the profile {profile}")
        }
        (_, Requirement::System) => format!("{name} is done by Bosun itself"),
        (_, Requirement::Role(needed)) => format!("{name} requires the {needed} role; you are {role}"),
        (_, Requirement::UserRole(needed)) => format!("{name} requires a user with the {needed} role"),
        (_, Requirement::Agent) => format!("{name} is done by agents, with an agent's API key"),
        (_, Requirement::SystemAdmin) => format!("{name} requires an admin of the system tenant"),
        (_, Requirement::AdminOrSelf) => format!("{name} requires a tenant admin, or acting on your own record"),
    }
}

/// Whose decision a dry run asks for.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    User(UserId),
    Agent(AgentId),
}

/// The longest policy text accepted (the whole body limit is 1 MiB).
pub const MAX_POLICY_TEXT: usize = 256 * 1024;

/// A tenant's policies as the kernel decides with them: the latest stored version (0: none
/// stored, the server's default set). A stored text that no longer fits the schema (after an
/// upgrade) denies everything but putting or rolling back policies (fail closed).
pub(super) struct Current {
    pub(super) set: Result<Arc<PolicySet>, String>,
}

/// The policies in force per tenant, read from the store on first use and forgotten when a
/// version is written (after its commit).
#[derive(Default)]
pub(super) struct InForce(Mutex<HashMap<TenantId, Arc<Current>>>);

impl InForce {
    pub(super) fn forget(&self, tenant: TenantId) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&tenant);
    }
}

impl Kernel {
    /// The policies in force in `tenant`.
    pub(super) async fn policies_of(&self, tenant: TenantId) -> Result<Arc<Current>, KernelError> {
        if let Some(current) = self.in_force.0.lock().unwrap_or_else(|e| e.into_inner()).get(&tenant) {
            return Ok(current.clone());
        }
        let stored = self.store.read(move |r| r.policy_version(tenant, None)).await?;
        let current = match stored {
            None => Current { set: Ok(self.policies.clone()) },
            Some(v) => Current {
                set: self.parse_text(&v.text).await.map(Arc::new).map_err(|e| {
                    format!("the tenant's policies (version {}) no longer fit Bosun's schema: {e}", v.version)
                }),
            },
        };
        let current = Arc::new(current);
        self.in_force.0.lock().unwrap_or_else(|e| e.into_inner()).insert(tenant, current.clone());
        Ok(current)
    }

    /// The facts a decision on `action` (its Cedar name) by `caller` depends on.
    pub(super) fn facts(&self, caller: &Caller, action: &str, on_self: bool) -> Facts {
        match &caller.principal {
            Principal::Agent { kind, profile, .. } => {
                let entry = self.profiles.get(profile);
                Facts {
                    role: None,
                    kind: Some(kind.clone()),
                    profile: Some(profile.clone()),
                    // A profile the configuration no longer has is suspended (fail closed).
                    trust_level: Some(self.profiles.trust(profile)),
                    on_self,
                    profile_allows: entry.is_some_and(|e| e.profile.allows(action)),
                    project: None,
                    gate: false,
                }
            }
            // Bosun itself acts as an admin (it is never asked, but its facts read so).
            Principal::User { .. } | Principal::System => Facts {
                role: Some(caller.role().as_str().into()),
                kind: None,
                profile: None,
                trust_level: None,
                on_self,
                profile_allows: true,
                project: None,
                gate: false,
            },
        }
    }

    /// Cedar's decision under `set`.
    pub(super) fn decide_under(
        &self,
        set: &PolicySet,
        caller: &Caller,
        action: &str,
        facts: &Facts,
        about: &About<'_>,
    ) -> Decision {
        let (tenant, id) = (caller.tenant.to_string(), caller.principal_key());
        let name = match &caller.principal {
            Principal::User { name, .. } | Principal::Agent { name, .. } => name.as_str(),
            Principal::System => "system",
        };
        match query(facts, &id, name, action, &tenant, caller.system_tenant, about) {
            Some(q) => self.policy.decide(set, &q),
            None => Decision::deny("unknown principal"),
        }
    }

    /// The tenant's decision on `action` by `caller`; a tenant whose stored policies no longer
    /// parse denies, naming why.
    pub(super) async fn decide(
        &self,
        caller: &Caller,
        action: &str,
        facts: &Facts,
        about: &About<'_>,
    ) -> Result<Decision, KernelError> {
        let current = self.policies_of(caller.tenant).await?;
        Ok(match &current.set {
            Ok(set) => self.decide_under(set, caller, action, facts, about),
            Err(why) => Decision::deny(why.clone()),
        })
    }

    /// The enrolment rule, then Cedar (with the facts it needs), then the facts a command's own
    /// rules depend on. The facts decided on are returned, for the audit event.
    pub(super) async fn authorize(&self, caller: &Caller, cmd: &Command, gate: bool) -> Result<Option<Facts>, Refused> {
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
            dispatch::authorize_facts(self, caller, cmd).await?;
            return Ok(None);
        }
        // "On its own record" is a fact only the store knows; it is established first and handed
        // to the policies, which decide.
        let own = match action.requirement() {
            Requirement::AdminOrSelf if !(is_user && role == Role::Admin) => {
                Some(dispatch::authorize_self(self, caller, cmd).await)
            }
            _ => None,
        };
        let facts = Facts { gate, ..self.facts(caller, action.cedar_name(), matches!(own, Some(Ok(())))) };
        let current = self.policies_of(caller.tenant).await?;
        // One decision per project the command names (a batch may name several; none: one).
        let projects = dispatch::projects(cmd);
        let mut asked = projects.iter().map(|p| Some((*p).to_owned())).collect::<Vec<_>>();
        if asked.is_empty() {
            asked.push(None);
        }
        let mut recorded = None;
        for project in asked {
            let facts = Facts { project, ..facts.clone() };
            let decision = match &current.set {
                Ok(set) => self.decide_under(set, caller, action.cedar_name(), &facts, &About::Tenant),
                // Break glass: stored policies that no longer fit the schema deny everything but
                // a tenant admin putting or rolling back policies.
                Err(_) if is_user && role == Role::Admin && cmd.is_policy_write() => {
                    Decision { allowed: true, determining: vec![], errors: vec![] }
                }
                Err(why) => Decision::deny(why.clone()),
            };
            if !decision.allowed {
                if let Some(Err(own)) = own {
                    return Err(Refused { facts: Some(facts), ..own.into() }); // says which record is not the caller's
                }
                let why = decision.explain().unwrap_or_else(|| default_denial(action, caller));
                let policies = decision.determining.into_iter().map(|d| d.id).collect();
                return Err(Refused { error: KernelError::Forbidden(why), policies, facts: Some(facts) });
            }
            recorded.get_or_insert(facts);
        }
        let facts = recorded.unwrap_or(facts);
        // A refusal by the command's own rules is not the policies' decision: its event carries
        // no facts, so replay does not re-decide it.
        dispatch::authorize_facts(self, caller, cmd).await?;
        Ok(Some(facts))
    }

    /// Validate a policy text against Bosun's schema; the set. Nothing is stored.
    pub(super) async fn parse_policies(&self, text: &str) -> Result<PolicySet, KernelError> {
        if text.len() > MAX_POLICY_TEXT {
            return Err(KernelError::Validation(format!("policies are limited to {MAX_POLICY_TEXT} bytes")));
        }
        self.parse_text(text).await.map_err(|e| KernelError::Validation(e.0))
    }

    /// Parse on a blocking thread, one text at a time.
    pub(super) async fn parse_text(&self, text: &str) -> Result<PolicySet, bosun_policy::Invalid> {
        let _one = self.parsing.acquire().await.map_err(|_| bosun_policy::Invalid("the server is stopping".into()))?;
        let (bosun, text) = (self.policy.clone(), text.to_owned());
        tokio::task::spawn_blocking(move || bosun.parse(&text))
            .await
            .unwrap_or_else(|e| Err(bosun_policy::Invalid(format!("parsing failed: {e}"))))
    }

    /// Validate a policy text against Bosun's schema; the ids of its policies, in order. Nothing
    /// is stored.
    pub async fn validate_policies(&self, text: &str) -> Result<Vec<String>, KernelError> {
        Ok(self.parse_policies(text).await?.ids())
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
    ) -> Result<Decision, KernelError> {
        let Some(subject) = subject else {
            let facts = self.facts(caller, action, on_self);
            return self.decide(caller, action, &facts, &About::Tenant).await;
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
                Principal::Agent { id: agent.id, name: agent.name, kind: agent.kind, profile: agent.profile }
            }
        };
        let subject = Caller { principal, key: None, enrolment: false, ..caller.clone() };
        let facts = self.facts(&subject, action, on_self);
        self.decide(&subject, action, &facts, &About::Tenant).await
    }

    /// The actions `caller` may do at all (see `may`), by audit name.
    pub async fn permitted(&self, caller: &Caller) -> Vec<&'static str> {
        if caller.enrolment {
            return vec![Action::AgentRegister.name()];
        }
        let mut allowed = Vec::new();
        for action in Action::all().filter(|a| a.requirement() != Requirement::System) {
            if self.may(caller, action).await {
                allowed.push(action.name());
            }
        }
        allowed
    }

    /// May `caller` do `action` at all, by the tenant's policies (without the facts of a
    /// particular command)? For listing what a caller can do (MCP tool lists).
    pub async fn may(&self, caller: &Caller, action: Action) -> bool {
        if matches!(caller.principal, Principal::System) {
            return true;
        }
        let facts = self.facts(caller, action.cedar_name(), true);
        match action {
            // Asked about a destination: listed when the caller may check at all.
            Action::EgressCheck => facts.profile_allows && facts.trust_level.is_some_and(|t| t > 0),
            _ => self.decide(caller, action.cedar_name(), &facts, &About::Tenant).await.is_ok_and(|d| d.allowed),
        }
    }
}
