//! Authorization decided by Cedar policies (SPEC §5.2).
//!
//! A [`PolicySet`] is a set of Cedar policies validated (strict mode) against Bosun's schema
//! (`bosun.cedarschema`): every policy carries an `@id` (named in decisions and in the audit log)
//! and may carry a `@reason` (what a person reads when it decides). [`PolicySet::default`] is
//! SPEC §5.1's roles (`default.cedar`), what a tenant that never edits its policies gets.
//!
//! Decisions **fail closed**: Cedar skips a policy whose evaluation errors and decides on the
//! rest, which could let a `permit` through when the `forbid` meant to stop it failed to
//! evaluate; here any evaluation error, any request the schema refuses (an unknown action, a
//! principal the action does not apply to) and any entity that does not fit the schema is a deny,
//! with the errors in the decision.
//!
//! This crate knows nothing of the kernel or the store: the kernel builds a [`Query`] from the
//! caller and the facts it established, and asks.

pub mod guard;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use cedar_policy::{
    ActionConstraint, Authorizer, Context, Decision as CedarDecision, Entities, Entity, EntityId, EntityTypeName,
    EntityUid, PolicyId, Request, RestrictedExpression, Schema, ValidationMode, Validator,
};

/// Decisions remembered per policy set (least recently used forgotten first).
const DECISIONS_REMEMBERED: usize = 50_000;

/// The action of an egress check (its resource is a `Domain`).
pub const NETWORK_ACCESS: &str = "network_access";
/// The action of a guardrail check (its context is what the guardrails found).
pub const COMMAND_RUN: &str = "command.run";

/// Bosun's entities and actions.
pub const SCHEMA: &str = include_str!("bosun.cedarschema");
/// SPEC §5.1's roles as policies.
pub const DEFAULT_POLICIES: &str = include_str!("default.cedar");

/// A policy text refused: it does not parse, lacks `@id`s, or does not fit the schema. The
/// message is Cedar's (or ours), for the person who wrote the policy.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// The schema, parsed once.
pub struct Bosun {
    schema: Schema,
    authorizer: Authorizer,
}

impl Bosun {
    pub fn new() -> Bosun {
        let (schema, _warnings) = Schema::from_cedarschema_str(SCHEMA).expect("Bosun's own schema parses");
        Bosun { schema, authorizer: Authorizer::new() }
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Parse and validate a policy text: every policy needs a unique `@id`, and the set must pass
    /// Cedar's strict validation against the schema.
    pub fn parse(&self, text: &str) -> Result<PolicySet, Invalid> {
        let parsed = cedar_policy::PolicySet::from_str(text).map_err(|e| Invalid(format!("{e}")))?;
        let mut set = cedar_policy::PolicySet::new();
        let mut reasons = HashMap::new();
        for policy in parsed.policies() {
            let Some(id) = policy.annotation("id") else {
                return Err(Invalid(format!(
                    "every policy needs an @id(\"…\") annotation (the one starting `{}` has none)",
                    first_line(&policy.to_string())
                )));
            };
            if let Some(reason) = policy.annotation("reason") {
                reasons.insert(id.to_owned(), reason.to_owned());
            }
            set.add(policy.new_id(PolicyId::new(id)))
                .map_err(|_| Invalid(format!("two policies have the @id \"{id}\"")))?;
        }
        if parsed.templates().next().is_some() {
            return Err(Invalid("policy templates are not supported; write the policy out".into()));
        }
        let validated = Validator::new(self.schema.clone()).validate(&set, ValidationMode::Strict);
        if !validated.validation_passed() {
            let errors: Vec<String> = validated.validation_errors().map(|e| format!("{e}")).collect();
            return Err(Invalid(format!("the policy does not fit Bosun's schema: {}", errors.join("; "))));
        }
        let by_action = self.index(&set);
        let decided = Arc::new(Mutex::new(hashlink::LruCache::new(DECISIONS_REMEMBERED)));
        Ok(PolicySet { set, by_action, reasons, text: text.to_owned(), decided })
    }

    /// For each action of the schema, the policies whose action scope can match it. A policy
    /// whose scope excludes an action can neither be satisfied nor err for it (the scope is
    /// checked before the condition), so deciding on the subset is deciding on the set — the
    /// differential test holds it to that — and a decision costs what the relevant policies
    /// cost, not all of them. (Bosun's schema has no action groups: `in` is list membership.)
    fn index(&self, set: &cedar_policy::PolicySet) -> HashMap<String, cedar_policy::PolicySet> {
        let mut by_action = HashMap::new();
        for action in self.schema.actions() {
            let mut subset = cedar_policy::PolicySet::new();
            for policy in set.policies() {
                let applies = match policy.action_constraint() {
                    ActionConstraint::Any => true,
                    ActionConstraint::Eq(uid) => &uid == action,
                    ActionConstraint::In(uids) => uids.contains(action),
                };
                if applies {
                    subset.add(policy.clone()).expect("ids are unique in the whole set");
                }
            }
            by_action.insert(action.id().unescaped().to_owned(), subset);
        }
        by_action
    }

    /// The default policy set (SPEC §5.1's roles).
    pub fn default_policies(&self) -> PolicySet {
        self.parse(DEFAULT_POLICIES).expect("the default policies fit the schema")
    }

    /// Decide `query` under `policies`. Fails closed (see the crate docs).
    ///
    /// Decisions are remembered per policy set: a decision is a function of the set and the
    /// query alone (the entities are built from the query: the principal's id, role or name, the
    /// action, the tenant and the facts), and a set never changes — editing policies makes a new
    /// set, with an empty memory. So a remembered decision can never outlive a change.
    pub fn decide(&self, policies: &PolicySet, query: &Query<'_>) -> Decision {
        let key = query.key();
        if let Some(known) = policies.decided.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return known.clone();
        }
        let decision = self.decide_checked(policies, query, false);
        policies.decided.lock().unwrap_or_else(|e| e.into_inner()).insert(key, decision.clone());
        decision
    }

    /// `decide`, optionally validating the request and entities against the schema. The
    /// entities and request are built here from a `Query`, so they fit the schema by
    /// construction (every action applies to users and agents in their tenant, with the same
    /// context): checking that on every decision cost ~10 µs, so it is done by a test over
    /// every action and principal kind instead, and an action the schema does not know is
    /// refused by name.
    fn decide_checked(&self, policies: &PolicySet, query: &Query<'_>, validate: bool) -> Decision {
        let Some(relevant) = policies.by_action.get(query.action) else {
            let error = format!("`{}` is not an action of Bosun's schema", query.action);
            return Decision::deny(error);
        };
        if (query.action == NETWORK_ACCESS) != query.destination.is_some() {
            let error = format!("`{NETWORK_ACCESS}`, and only it, is asked about a destination");
            return Decision::deny(error);
        }
        if (query.action == COMMAND_RUN) != query.command.is_some() {
            let error = format!("`{COMMAND_RUN}`, and only it, is asked about a command");
            return Decision::deny(error);
        }
        let schema = validate.then_some(&self.schema);
        let built = (|| -> Result<(Request, Entities), String> {
            let tenant = uid("Tenant", query.tenant)?;
            let mut entities = vec![
                Entity::new(
                    tenant.clone(),
                    HashMap::from([("system".into(), RestrictedExpression::new_bool(query.system_tenant))]),
                    HashSet::new(),
                )
                .map_err(|e| e.to_string())?,
            ];
            let principal = match &query.principal {
                Principal::User { id, role, rank } => {
                    let user = uid("User", id)?;
                    let attrs = HashMap::from([
                        ("role".into(), RestrictedExpression::new_string((*role).to_owned())),
                        ("rank".into(), RestrictedExpression::new_long(*rank)),
                    ]);
                    entities.push(
                        Entity::new(user.clone(), attrs, HashSet::from([tenant.clone()])).map_err(|e| e.to_string())?,
                    );
                    user
                }
                Principal::Agent { id, name, kind, profile, trust_level } => {
                    let agent = uid("Agent", id)?;
                    let attrs = HashMap::from([
                        ("name".into(), RestrictedExpression::new_string((*name).to_owned())),
                        ("kind".into(), RestrictedExpression::new_string((*kind).to_owned())),
                        ("profile".into(), RestrictedExpression::new_string((*profile).to_owned())),
                        ("trust_level".into(), RestrictedExpression::new_long(*trust_level)),
                    ]);
                    entities.push(
                        Entity::new(agent.clone(), attrs, HashSet::from([tenant.clone()]))
                            .map_err(|e| e.to_string())?,
                    );
                    agent
                }
            };
            let action = uid("Action", query.action)?;
            let allows = ("profile_allows".into(), RestrictedExpression::new_bool(query.profile_allows));
            let (resource, context) = match (&query.destination, &query.command) {
                (None, Some(c)) => {
                    let categories = c.categories.iter().map(|k| RestrictedExpression::new_string((*k).to_owned()));
                    let context = Context::from_pairs([
                        allows,
                        ("on_self".into(), RestrictedExpression::new_bool(query.on_self)),
                        ("gate".into(), RestrictedExpression::new_bool(query.gate)),
                        ("categories".into(), RestrictedExpression::new_set(categories)),
                        ("worst".into(), RestrictedExpression::new_string(c.worst.to_owned())),
                        ("unparsed".into(), RestrictedExpression::new_bool(c.unparsed)),
                    ])
                    .map_err(|e| e.to_string())?;
                    (tenant, context)
                }
                (None, None) => {
                    let on_self = ("on_self".into(), RestrictedExpression::new_bool(query.on_self));
                    let gate = ("gate".into(), RestrictedExpression::new_bool(query.gate));
                    let mut pairs = vec![on_self, allows, gate];
                    if let Some(project) = query.project {
                        pairs.push(("project".into(), RestrictedExpression::new_string(project.to_owned())));
                    }
                    (tenant, Context::from_pairs(pairs).map_err(|e| e.to_string())?)
                }
                (Some(d), _) => {
                    let domain = uid("Domain", &format!("{}:{}", d.name, d.port))?;
                    let attrs = HashMap::from([
                        ("name".into(), RestrictedExpression::new_string(d.name.to_owned())),
                        ("port".into(), RestrictedExpression::new_long(i64::from(d.port))),
                        ("ip".into(), RestrictedExpression::new_bool(d.ip)),
                    ]);
                    entities.push(Entity::new(domain.clone(), attrs, HashSet::new()).map_err(|e| e.to_string())?);
                    let context = Context::from_pairs([
                        allows,
                        ("rule_allows".into(), RestrictedExpression::new_bool(d.rule_allows)),
                        ("rule".into(), RestrictedExpression::new_string(d.rule.to_owned())),
                    ])
                    .map_err(|e| e.to_string())?;
                    (domain, context)
                }
            };
            let request = Request::new(principal, action, resource, context, schema)
                .map_err(|e| format!("the request does not fit the schema: {e}"))?;
            let entities = Entities::from_entities(entities, schema).map_err(|e| e.to_string())?;
            Ok((request, entities))
        })();
        let (request, entities) = match built {
            Ok(built) => built,
            Err(error) => return Decision::deny(error),
        };
        let response = self.authorizer.is_authorized(&request, relevant, &entities);
        let errors: Vec<String> = response.diagnostics().errors().map(|e| e.to_string()).collect();
        let mut determining: Vec<Determining> = response
            .diagnostics()
            .reason()
            .map(|id| {
                let id = id.to_string();
                let reason = policies.reasons.get(&id).cloned();
                Determining { id, reason }
            })
            .collect();
        determining.sort_by(|a, b| a.id.cmp(&b.id)); // Cedar's order is a set's: made stable
        Decision { allowed: response.decision() == CedarDecision::Allow && errors.is_empty(), determining, errors }
    }
}

impl Default for Bosun {
    fn default() -> Self {
        Self::new()
    }
}

fn uid(kind: &str, id: &str) -> Result<EntityUid, String> {
    let name = EntityTypeName::from_str(&format!("Bosun::{kind}")).map_err(|e| e.to_string())?;
    Ok(EntityUid::from_type_name_and_id(name, EntityId::new(id)))
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('@'))
        .unwrap_or("")
        .chars()
        .take(60)
        .collect()
}

/// A validated set of policies, with the text it came from.
#[derive(Clone, Debug)]
pub struct PolicySet {
    set: cedar_policy::PolicySet,
    /// The policies that can apply, by action name (see `Bosun::index`).
    by_action: HashMap<String, cedar_policy::PolicySet>,
    /// `@reason` by policy id.
    reasons: HashMap<String, String>,
    text: String,
    /// Decisions made under this set, by query (see `Bosun::decide`).
    decided: Arc<Mutex<hashlink::LruCache<String, Decision>>>,
}

impl PolicySet {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The Cedar policy set (ids are the `@id`s).
    pub fn cedar(&self) -> &cedar_policy::PolicySet {
        &self.set
    }

    pub fn len(&self) -> usize {
        self.set.policies().count()
    }

    /// The policies' ids.
    pub fn ids(&self) -> Vec<String> {
        self.set.policies().map(|p| p.id().to_string()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Is `action` an action of Bosun's schema (asked about a tenant, not a destination)?
    pub fn knows(&self, action: &str) -> bool {
        action != NETWORK_ACCESS && action != COMMAND_RUN && self.by_action.contains_key(action)
    }
}

/// Who asks.
#[derive(Clone, Debug)]
pub enum Principal<'a> {
    /// `rank`: viewer 0, developer 1, approver 2, admin 3.
    User { id: &'a str, role: &'a str, rank: i64 },
    /// `trust_level`: 0 suspended … 4 admin agent (the profile's).
    Agent { id: &'a str, name: &'a str, kind: &'a str, profile: &'a str, trust_level: i64 },
}

/// For `network_access`: the destination and what the profile's egress rules say of it.
#[derive(Clone, Debug)]
pub struct Destination<'a> {
    pub name: &'a str,
    pub port: u16,
    pub ip: bool,
    pub rule_allows: bool,
    pub rule: &'a str,
}

/// One question: may this principal do this action in its tenant?
#[derive(Clone, Debug)]
pub struct Query<'a> {
    pub principal: Principal<'a>,
    /// The action's audit name, e.g. `task.claimed`.
    pub action: &'a str,
    pub tenant: &'a str,
    pub system_tenant: bool,
    /// The command acts on the principal's own record.
    pub on_self: bool,
    /// The agent's profile does not block the operation (true for users).
    pub profile_allows: bool,
    /// The project the command names, if it names one.
    pub project: Option<&'a str>,
    /// A valid gate token for exactly this command was presented.
    pub gate: bool,
    /// For `network_access` (and only for it): where to.
    pub destination: Option<Destination<'a>>,
    /// For `command.run` (and only for it): what the guardrails found.
    pub command: Option<CommandFacts<'a>>,
}

/// What the guardrails found in a command (see `guard`).
#[derive(Clone, Debug)]
pub struct CommandFacts<'a> {
    pub categories: &'a [&'a str],
    /// block, require_approval, log or none.
    pub worst: &'a str,
    pub unparsed: bool,
}

impl Query<'_> {
    /// Everything a decision depends on besides the policies, as one string.
    fn key(&self) -> String {
        use std::fmt::Write;
        let mut key = match &self.principal {
            Principal::User { id, role, rank } => format!("U\u{1f}{id}\u{1f}{role}\u{1f}{rank}"),
            Principal::Agent { id, name, kind, profile, trust_level } => {
                format!("A\u{1f}{id}\u{1f}{name}\u{1f}{kind}\u{1f}{profile}\u{1f}{trust_level}")
            }
        };
        let _ = write!(
            key,
            "\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.action, self.tenant, self.system_tenant, self.on_self, self.profile_allows
        );
        if let Some(project) = self.project {
            let _ = write!(key, "\u{1f}p\u{1f}{project}");
        }
        if self.gate {
            key.push_str("\u{1f}gate");
        }
        if let Some(c) = &self.command {
            let _ = write!(key, "\u{1f}c\u{1f}{}\u{1f}{}\u{1f}{}", c.categories.join(","), c.worst, c.unparsed);
        }
        if let Some(d) = &self.destination {
            let _ =
                write!(key, "\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}", d.name, d.port, d.ip, d.rule_allows, d.rule);
        }
        key
    }
}

/// The answer, with what decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// The policies that decided: the permits that allowed, or the forbids that denied (none
    /// when nothing permitted: Cedar's default deny).
    pub determining: Vec<Determining>,
    /// Why the decision is a deny whatever the policies say (fail closed).
    pub errors: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Determining {
    pub id: String,
    pub reason: Option<String>,
}

impl Decision {
    /// A deny whatever the policies say (fail closed), with why.
    pub fn deny(error: impl Into<String>) -> Decision {
        Decision { allowed: false, determining: Vec::new(), errors: vec![error.into()] }
    }

    /// One line for a denial: the forbidding policies' reasons, or the errors.
    pub fn explain(&self) -> Option<String> {
        if self.allowed {
            return None;
        }
        if !self.errors.is_empty() {
            return Some(format!(
                "denied because the policies could not be evaluated (fail closed): {}",
                self.errors.join("; ")
            ));
        }
        let named: Vec<String> = self
            .determining
            .iter()
            .map(|d| match &d.reason {
                Some(reason) => format!("{reason} (policy {})", d.id),
                None => format!("policy {}", d.id),
            })
            .collect();
        (!named.is_empty()).then(|| named.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user<'a>(role: &'a str, rank: i64) -> Principal<'a> {
        Principal::User { id: "01U", role, rank }
    }

    fn ask<'a>(principal: Principal<'a>, action: &'a str) -> Query<'a> {
        Query {
            principal,
            action,
            tenant: "01T",
            system_tenant: false,
            on_self: false,
            profile_allows: true,
            project: None,
            gate: false,
            destination: None,
            command: None,
        }
    }

    fn agent(trust_level: i64) -> Principal<'static> {
        Principal::Agent { id: "01A", name: "a", kind: "claude-code", profile: "worker", trust_level }
    }

    #[test]
    fn the_default_policies_are_the_roles() {
        let bosun = Bosun::new();
        let defaults = bosun.default_policies();
        let agent = agent(2);
        let allowed = |q: Query<'_>| bosun.decide(&defaults, &q).allowed;
        assert!(allowed(ask(user("developer", 1), "task.submitted")));
        assert!(!allowed(ask(user("viewer", 0), "task.submitted")));
        assert!(!allowed(ask(user("developer", 1), "user.created")));
        assert!(allowed(ask(user("admin", 3), "user.created")));
        assert!(allowed(ask(agent.clone(), "task.claimed")));
        assert!(!allowed(ask(user("admin", 3), "task.claimed")), "claiming is for agents");
        assert!(!allowed(ask(agent.clone(), "task.retried")), "retrying is for users");
        assert!(!allowed(ask(user("admin", 3), "tenant.created")), "only in the system tenant");
        assert!(allowed(Query { system_tenant: true, ..ask(user("admin", 3), "tenant.created") }));
        assert!(allowed(Query { on_self: true, ..ask(agent, "key.created") }));
        let d = bosun.decide(&defaults, &ask(user("admin", 3), "user.created"));
        assert_eq!(d.determining.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["admins-run-the-tenant"]);
    }

    #[test]
    fn the_default_policies_are_the_trust_levels() {
        let bosun = Bosun::new();
        let defaults = bosun.default_policies();
        let allowed = |q: Query<'_>| bosun.decide(&defaults, &q).allowed;
        assert!(allowed(ask(agent(1), "agent.heartbeat")));
        assert!(!allowed(ask(agent(1), "task.claimed")), "observers do not claim");
        assert!(allowed(ask(agent(2), "task.claimed")));
        assert!(!allowed(ask(agent(3), "task.retried")));
        assert!(allowed(ask(agent(4), "task.retried")));
        let suspended = bosun.decide(&defaults, &ask(agent(0), "agent.heartbeat"));
        assert!(!suspended.allowed);
        assert_eq!(
            suspended.explain().unwrap(),
            "the agent is suspended (trust level 0) (policy suspended-agents-do-nothing)"
        );
        // A project restriction, through the context.
        let web_only = bosun
            .parse(&format!(
                "{DEFAULT_POLICIES}\n@id(\"web-only\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"task.claimed\", resource) unless {{ context has project && context.project == \"web\" }};"
            ))
            .unwrap();
        let claim_in = |project| Query { project, ..ask(agent(2), "task.claimed") };
        assert!(bosun.decide(&web_only, &claim_in(Some("web"))).allowed);
        assert!(!bosun.decide(&web_only, &claim_in(Some("api"))).allowed);
        assert!(!bosun.decide(&web_only, &claim_in(None)).allowed, "no project named: the forbid holds");
        let blocked = bosun.decide(&defaults, &Query { profile_allows: false, ..ask(agent(4), "task.claimed") });
        assert!(!blocked.allowed);
        assert_eq!(blocked.determining[0].id, "profile-operations");
        // Egress: the rule's verdict decides, through the policies.
        let to = |rule_allows| Query {
            destination: Some(Destination { name: "example.com", port: 443, ip: false, rule_allows, rule: "x" }),
            ..ask(agent(2), NETWORK_ACCESS)
        };
        assert!(allowed(to(true)));
        let denied = bosun.decide(&defaults, &to(false));
        assert!(!denied.allowed && denied.determining[0].id == "egress-rules-deny", "{denied:?}");
        // A destination is for network_access only, and network_access needs one.
        assert!(
            !bosun
                .decide(&defaults, &Query { destination: to(true).destination, ..ask(agent(2), "task.claimed") })
                .allowed
        );
        assert!(!bosun.decide(&defaults, &ask(agent(2), NETWORK_ACCESS)).allowed);
    }

    /// What `decide` builds fits the schema for every action and both kinds of principal (so it
    /// need not be checked on every decision), and deciding with the check gives the same answer.
    #[test]
    fn every_query_fits_the_schema() {
        let bosun = Bosun::new();
        let defaults = bosun.default_policies();
        let actions: Vec<String> = defaults.by_action.keys().cloned().collect();
        assert!(actions.len() >= 20, "{actions:?}");
        for action in &actions {
            for principal in [user("admin", 3), user("viewer", 0), agent(2)] {
                let is_agent = matches!(principal, Principal::Agent { .. });
                if *action == NETWORK_ACCESS && !is_agent {
                    continue; // only agents reach the network
                }
                for (system_tenant, on_self) in [(false, false), (true, true)] {
                    let destination = (*action == NETWORK_ACCESS).then_some(Destination {
                        name: "example.com",
                        port: 443,
                        ip: false,
                        rule_allows: on_self,
                        rule: "allow:example.com",
                    });
                    let q = Query {
                        principal: principal.clone(),
                        action,
                        tenant: "01T",
                        system_tenant,
                        on_self,
                        profile_allows: !on_self,
                        project: (on_self && *action != NETWORK_ACCESS).then_some("web"),
                        gate: on_self,
                        destination,
                        command: (*action == COMMAND_RUN).then_some(CommandFacts {
                            categories: &["git_destructive"],
                            worst: "block",
                            unparsed: false,
                        }),
                    };
                    let checked = bosun.decide_checked(&defaults, &q, true);
                    assert!(checked.errors.is_empty(), "{action}: {checked:?}");
                    assert_eq!(checked, bosun.decide(&defaults, &q), "{action}");
                }
            }
        }
    }

    #[test]
    fn unknown_actions_and_evaluation_errors_deny() {
        let bosun = Bosun::new();
        let d = bosun.decide(&bosun.default_policies(), &ask(user("admin", 3), "task.teleported"));
        assert!(!d.allowed && !d.errors.is_empty(), "{d:?}");
        // A permit that holds, and a forbid that overflows at evaluation: Cedar alone would
        // allow (it skips the erroring forbid); Bosun denies.
        let set = bosun
            .parse(
                r#"@id("p") permit(principal, action, resource);
                   @id("f") @reason("never") forbid(principal is Bosun::User, action, resource)
                     when { principal.rank * 9223372036854775807 > 1 };"#,
            )
            .unwrap();
        let d = bosun.decide(&set, &ask(user("admin", 3), "task.submitted"));
        assert!(!d.allowed, "{d:?}");
        assert!(d.errors.iter().any(|e| e.contains("overflow")), "{d:?}");
        assert!(d.explain().unwrap().contains("fail closed"));
    }

    #[test]
    fn invalid_policies_are_refused_with_a_reason() {
        let bosun = Bosun::new();
        let no_id = bosun.parse("permit(principal, action, resource);").unwrap_err();
        assert!(no_id.0.contains("@id"), "{no_id}");
        let off_schema =
            bosun.parse(r#"@id("x") permit(principal is Bosun::Agent, action, resource) when { principal.rank > 1 };"#);
        assert!(off_schema.unwrap_err().0.contains("schema"));
        let twice = bosun
            .parse(r#"@id("x") permit(principal, action, resource); @id("x") forbid(principal, action, resource);"#);
        assert!(twice.unwrap_err().0.contains("two policies"));
        assert!(bosun.parse("permit(").is_err());
    }

    #[test]
    fn a_forbid_explains_the_denial() {
        let bosun = Bosun::new();
        let text = format!(
            "{DEFAULT_POLICIES}\n@id(\"no-claims-on-fridays\") @reason(\"claims are paused\") forbid(principal, action == Bosun::Action::\"task.claimed\", resource);"
        );
        let set = bosun.parse(&text).unwrap();
        let d = bosun.decide(&set, &ask(agent(2), "task.claimed"));
        assert!(!d.allowed);
        assert_eq!(d.explain().unwrap(), "claims are paused (policy no-claims-on-fridays)");
    }
}
