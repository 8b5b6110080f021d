//! Governance commands and questions (SPEC §5.2–§5.3): versioned policies per tenant (put, roll
//! back, replay against recorded decisions), an agent's profile, and egress checks.

use bosun_core::audit::{AuditDraft, Outcome as AuditOutcome, Severity};
use bosun_core::clock::format_micros;
use bosun_core::egress::Destination;
use bosun_core::{Action, AgentId, TenantId};
use bosun_store::{AuditFilter, EgressRecord, Page, PolicyVersion};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::policy::{self, About, Egress, Facts};
use super::{Applied, Caller, Command, Committed, Kernel, KernelError, Outcome, Principal, RequestCtx, Tx};

/// A new version of the tenant's policies.
#[derive(Clone, Debug)]
pub struct PutPolicies {
    pub text: String,
    /// The version the change was made against (`If-Match`); `None`: whatever is current.
    pub if_match: Option<u64>,
    pub note: Option<String>,
}

/// A new version with the text of an older one.
#[derive(Clone, Debug)]
pub struct RollbackPolicies {
    pub to_version: u64,
    pub if_match: Option<u64>,
    pub note: Option<String>,
}

pub(super) fn validate_note(note: Option<&str>) -> Result<(), KernelError> {
    match note {
        Some(n) if n.len() > 1000 => Err(KernelError::Validation("`note` is limited to 1000 characters".into())),
        _ => Ok(()),
    }
}

/// Before the transaction: the new text fits the schema, and would not lock the caller out of
/// changing policies again (a tenant whose admins cannot edit its policies needs an operator).
pub(super) async fn authorize_put(kernel: &Kernel, caller: &Caller, text: &str) -> Result<(), KernelError> {
    let set = kernel.parse_policies(text).await?;
    let action = Action::PolicyUpdate.name();
    let facts = kernel.facts(caller, action, false);
    let decision = kernel.decide_under(&set, caller, action, &facts, &policy::About::Tenant);
    if !decision.allowed {
        return Err(KernelError::Validation(format!(
            "these policies would deny you {action}, so nobody could change them back; keep a permit for tenant \
             admins (why: {})",
            decision.explain().unwrap_or_else(|| "nothing permits it".into())
        )));
    }
    Ok(())
}

pub(super) async fn authorize_rollback(kernel: &Kernel, caller: &Caller, to: u64) -> Result<(), KernelError> {
    let tenant = caller.tenant;
    let old = kernel.store.read(move |r| r.policy_version(tenant, Some(to))).await?;
    let old = old.ok_or_else(|| KernelError::NotFound(format!("no policy version {to}")))?;
    authorize_put(kernel, caller, &old.text).await
}

fn check_version(current: u64, if_match: Option<u64>) -> Result<(), KernelError> {
    match if_match {
        Some(expected) if expected != current => Err(KernelError::PreconditionFailed(format!(
            "the policies are at version {current}, not {expected}: someone changed them; get them again and \
             reapply your change"
        ))),
        _ => Ok(()),
    }
}

fn write_version(
    tx: &mut Tx<'_>,
    action: Action,
    text: String,
    if_match: Option<u64>,
    note: Option<String>,
    restored_from: Option<u64>,
) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let current = tx.w.policy_version(tenant, None)?.map_or(0, |v| v.version);
    check_version(current, if_match)?;
    let version = PolicyVersion {
        tenant_id: tenant,
        version: current + 1,
        text,
        created_at: tx.at.clone(),
        created_by: tx.caller.actor().2,
        note,
        restored_from,
    };
    tx.w.insert_policy_version(&version)?;
    let details = json!({
        "version": version.version,
        "previous_version": current,
        "restored_from": version.restored_from,
        "sha256": bosun_core::audit::encode_hex(&Sha256::digest(version.text.as_bytes())),
        "bytes": version.text.len(),
        "note": version.note,
    });
    let target = ("policies", version.version.to_string());
    Ok(Applied::new(action, Outcome::PoliciesSet(version), target, details).severity(Severity::Notice))
}

pub(super) fn put(tx: &mut Tx<'_>, p: PutPolicies) -> Result<Applied, KernelError> {
    write_version(tx, Action::PolicyUpdate, p.text, p.if_match, p.note, None)
}

pub(super) fn rollback(tx: &mut Tx<'_>, r: RollbackPolicies) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let old = tx.w.policy_version(tenant, Some(r.to_version))?;
    let old = old.ok_or_else(|| KernelError::NotFound(format!("no policy version {}", r.to_version)))?;
    write_version(tx, Action::PolicyRollback, old.text, r.if_match, r.note, Some(r.to_version))
}

/// Give an agent another profile. Its cached credentials are forgotten and its open streams
/// end after the commit, so the new trust level holds at once.
pub(super) fn set_profile(tx: &mut Tx<'_>, agent_id: AgentId, profile: String) -> Result<Applied, KernelError> {
    let entry = tx
        .profiles
        .get(&profile)
        .ok_or_else(|| KernelError::Validation(format!("no profile `{profile}`; see GET /api/v1/profiles")))?;
    let trust_level = entry.profile.trust_level;
    let tenant = tx.caller.tenant;
    let mut agent =
        tx.w.agent(tenant, agent_id)?.ok_or_else(|| KernelError::NotFound(format!("no agent with id {agent_id}")))?;
    let from = std::mem::replace(&mut agent.profile, profile);
    tx.w.update_agent(&agent)?;
    let details = json!({ "name": agent.name, "from": from, "to": agent.profile, "trust_level": trust_level });
    let severity = if trust_level == 0 { Severity::Warning } else { Severity::Notice };
    let target = ("agent", agent.id.to_string());
    Ok(Applied::new(Action::AgentProfileChange, Outcome::AgentUpdated(agent), target, details).severity(severity))
}

/// One recorded decision that a proposed policy set decides the other way.
#[derive(Clone, Debug)]
pub struct Flip {
    pub seq: u64,
    pub at: String,
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub was_allowed: bool,
    /// The proposed set's determining policies.
    pub policies: Vec<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Replayed {
    /// Events read (newest first, up to the limit).
    pub examined: usize,
    /// Of those, decisions re-made (events that carry their facts).
    pub decided: usize,
    pub flips: Vec<Flip>,
}

/// The most events one replay reads.
pub const MAX_REPLAY: u32 = 10_000;

/// An egress decision.
#[derive(Clone, Debug)]
pub struct EgressDecision {
    pub allowed: bool,
    pub host: String,
    pub port: u16,
    /// The egress rule that matched.
    pub rule: String,
    pub policies: Vec<String>,
    pub reason: Option<String>,
    pub seq: u64,
}

impl Kernel {
    /// Re-decide the tenant's last `limit` recorded events under a proposed policy text and list
    /// every decision that would flip. Reads only; nothing is stored or audited.
    pub async fn replay_policies(&self, caller: &Caller, text: &str, limit: u32) -> Result<Replayed, KernelError> {
        if !matches!(caller.principal, Principal::User { role: bosun_core::Role::Admin, .. }) {
            return Err(KernelError::Forbidden("replaying policies requires a tenant admin".into()));
        }
        if limit == 0 || limit > MAX_REPLAY {
            return Err(KernelError::Validation(format!("`limit` must be between 1 and {MAX_REPLAY}")));
        }
        let proposed = self.parse_policies(text).await?;
        let tenant = caller.tenant;
        let mut events = Vec::new();
        let mut before = None;
        // Pages of 1000: the store's own page bound.
        while events.len() < limit as usize {
            let want = (limit as usize - events.len()).min(1000) as u32;
            let page = Page::Newest { before_seq: before, limit: want };
            let got = self.store.read(move |r| r.query_audit(tenant, &AuditFilter::default(), page)).await?;
            let done = got.len() < want as usize;
            before = got.last().map(|e| e.seq);
            events.extend(got);
            if done {
                break;
            }
        }
        // Up to 10,000 decisions (~15 µs each): on a blocking thread, not the executor.
        let (bosun, system_tenant) = (self.policy.clone(), caller.system_tenant);
        let replayed = tokio::task::spawn_blocking(move || redecide(&bosun, &proposed, &events, tenant, system_tenant));
        replayed.await.map_err(|e| KernelError::Internal(format!("replay: {e}")))
    }
}

fn redecide(
    bosun: &bosun_policy::Bosun,
    proposed: &bosun_policy::PolicySet,
    events: &[bosun_core::audit::AuditEvent],
    tenant: TenantId,
    system_tenant: bool,
) -> Replayed {
    let tenant_text = tenant.to_string();
    let mut decided = 0;
    let mut flips = Vec::new();
    // Only commands' decisions: refusals at the door (suspension) and egress checks record facts
    // but are not the policies' decision on a command.
    for e in events.iter().filter(|e| proposed.knows(&e.action)) {
        let Some(facts) = e.details.get("authz").and_then(|f| serde_json::from_value::<Facts>(f.clone()).ok()) else {
            continue;
        };
        let was_allowed = match e.outcome {
            AuditOutcome::Ok => true,
            AuditOutcome::Denied => false,
            AuditOutcome::Error => continue,
        };
        let (id, name) = (e.actor_id.as_deref().unwrap_or(""), e.actor_name.as_deref().unwrap_or(""));
        let Some(q) = policy::query(&facts, id, name, &e.action, &tenant_text, system_tenant, &policy::About::Tenant)
        else {
            continue;
        };
        let d = bosun.decide(proposed, &q);
        decided += 1;
        if d.allowed != was_allowed {
            flips.push(Flip {
                seq: e.seq,
                at: e.at.clone(),
                action: e.action.clone(),
                actor_id: e.actor_id.clone(),
                actor_name: e.actor_name.clone(),
                was_allowed,
                reason: d.explain(),
                policies: d.determining.into_iter().map(|p| p.id).collect(),
            });
        }
    }
    Replayed { examined: events.len(), decided, flips }
}

impl Kernel {
    /// May the calling agent connect to `destination`? The profile's egress rules give a
    /// verdict, the tenant's policies decide on it (`network_access` on a `Domain`); the decision
    /// is written to the egress access log, and a denial to the audit chain, in one transaction.
    pub async fn check_egress(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        destination: &str,
    ) -> Result<EgressDecision, KernelError> {
        let Principal::Agent { id, name, kind, profile } = &caller.principal else {
            return Err(KernelError::Forbidden("egress checks are asked by agents, with an agent's API key".into()));
        };
        let d = Destination::parse(destination, 443).map_err(KernelError::Validation)?;
        let verdict = match self.profiles.get(profile) {
            Some(entry) => entry.egress.decide(&d, self.profiles.is_cloud(kind)),
            None => bosun_core::egress::Verdict { allowed: false, rule: format!("unknown profile {profile}") },
        };
        let action = Action::EgressCheck.cedar_name();
        let facts = self.facts(caller, action, false);
        let egress = About::Domain(Egress {
            host: &d.host,
            port: d.port,
            ip: d.ip.is_some(),
            rule_allows: verdict.allowed,
            rule: &verdict.rule,
        });
        let decision = self.decide(caller, action, &facts, &egress).await?;
        let policies: Vec<String> = decision.determining.iter().map(|p| p.id.clone()).collect();
        let at = format_micros(self.clock.now());
        let record = EgressRecord {
            seq: 0,
            at: at.clone(),
            agent_id: *id,
            agent_name: name.clone(),
            host: d.host.clone(),
            port: d.port,
            allowed: decision.allowed,
            rule: verdict.rule.clone(),
            policies: policies.join(","),
        };
        let denial = (!decision.allowed).then(|| AuditDraft {
            outcome: AuditOutcome::Denied,
            severity: Severity::Warning,
            details: json!({"reason": decision.explain(), "rule": verdict.rule, "policies": policies, "authz": facts}),
            ..super::access::draft(
                caller,
                ctx,
                at,
                Action::EgressCheck,
                Some(("domain", format!("{}:{}", d.host, d.port))),
            )
        });
        let tenant: TenantId = caller.tenant;
        let events = self.events.clone();
        let seq = self
            .store
            .write_in(
                bosun_store::Lane::Work,
                Some(tenant),
                move |w| -> Result<_, KernelError> {
                    let seq = w.append_egress(tenant, &record)?;
                    let event = match denial {
                        Some(draft) => {
                            Some(Committed::new(w.append_audit(tenant, draft)?, Action::EgressCheck, Vec::new()))
                        }
                        None => None,
                    };
                    Ok((seq, event))
                },
                move |(_, event)| {
                    if let Some(event) = event {
                        events.committed(event.clone());
                    }
                },
            )
            .await?
            .0;
        Ok(EgressDecision {
            allowed: decision.allowed,
            host: d.host,
            port: d.port,
            rule: verdict.rule,
            reason: decision.explain(),
            policies,
            seq,
        })
    }
}

impl Command {
    /// The policy commands, for the break-glass rule in `authorize`.
    pub(super) fn is_policy_write(&self) -> bool {
        matches!(self, Command::PutPolicies(_) | Command::RollbackPolicies(_))
    }
}

/// A tenant's policies at one version (0: none stored, the server's default set).
#[derive(Clone, Debug)]
pub struct PolicyDocument {
    pub version: u64,
    pub text: String,
    /// The policies' ids, when the text still fits the schema.
    pub ids: Vec<String>,
    /// Why the text no longer fits the schema, if it does not.
    pub invalid: Option<String>,
    /// `None` for version 0.
    pub stored: Option<PolicyVersion>,
}

pub(super) fn users_only(caller: &Caller, what: &str) -> Result<(), KernelError> {
    match caller.principal {
        Principal::User { .. } => Ok(()),
        _ => Err(KernelError::Forbidden(format!("{what} is for users of the tenant"))),
    }
}

impl Kernel {
    /// The tenant's policies, current (`None`) or at a version. Users of the tenant read them.
    pub async fn policy_document(&self, caller: &Caller, version: Option<u64>) -> Result<PolicyDocument, KernelError> {
        users_only(caller, "reading policies")?;
        let tenant = caller.tenant;
        let stored = match version {
            Some(0) => None,
            v => self.store.read(move |r| r.policy_version(tenant, v)).await?,
        };
        if let (Some(v), None) = (version.filter(|v| *v > 0), &stored) {
            return Err(KernelError::NotFound(format!("no policy version {v}")));
        }
        let (version, text) = match &stored {
            Some(s) => (s.version, s.text.clone()),
            None => (0, self.policies.text().to_owned()),
        };
        // The text in force is parsed already; another version is parsed (one at a time).
        let current = self.policies_of(tenant).await?;
        let (ids, invalid) = match &current.set {
            Ok(set) if set.text() == text => (set.ids(), None),
            _ => match self.parse_text(&text).await {
                Ok(set) => (set.ids(), None),
                Err(e) => (Vec::new(), Some(e.0)),
            },
        };
        Ok(PolicyDocument { version, text, ids, invalid, stored })
    }

    /// Stored versions, newest first, below `before`.
    pub async fn policy_versions(
        &self,
        caller: &Caller,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<PolicyVersion>, KernelError> {
        users_only(caller, "reading policies")?;
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.policy_versions(tenant, before, limit)).await?)
    }

    /// The egress access log, newest first: users see the tenant's, an agent its own.
    pub async fn egress_log(
        &self,
        caller: &Caller,
        agent: Option<AgentId>,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<EgressRecord>, KernelError> {
        let agent = match (&caller.principal, agent) {
            (Principal::User { .. }, agent) => agent,
            (Principal::Agent { id, .. }, None) => Some(*id),
            (Principal::Agent { id, .. }, Some(asked)) if asked == *id => Some(asked),
            _ => return Err(KernelError::Forbidden("an agent reads only its own egress log".into())),
        };
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.egress_log(tenant, agent, before, limit)).await?)
    }
}

/// The calling agent's profile name and limits (`None` for users: limits are for agents).
pub(super) fn agent_limits(tx: &Tx<'_>) -> Option<(String, bosun_core::profile::Limits)> {
    let Principal::Agent { profile, .. } = &tx.caller.principal else { return None };
    Some((profile.clone(), tx.profiles.limits(profile)))
}

/// A refusal naming the limit.
pub(super) fn over_limit(profile: &str, limit: &str, max: u32, what: &str) -> KernelError {
    KernelError::Forbidden(format!("the profile {profile} allows at most {max} {what} ({limit}); refused"))
}
