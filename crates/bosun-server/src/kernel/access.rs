//! Who is calling, and what is refused at the door: authentication (failures audited in
//! windows, not one row each), the enrolment and suspension rules, presence, and auditing a
//! denial in a transaction of its own.

use bosun_core::audit::{ActorType, AuditDraft, Outcome as AuditOutcome, Severity};
use bosun_core::clock::format_micros;
use bosun_core::{Action, TenantId, Timestamp};
use serde_json::json;

use super::{
    Caller, Command, Committed, Decided, Kernel, KernelError, Principal, Published, Purpose, RequestCtx, scheduler,
};
use crate::auth;

/// The audit draft of `caller`'s request: who, from where, what, on what; no project, outcome
/// ok, severity info and no details until the caller of this says otherwise.
pub(super) fn draft(
    caller: &Caller,
    ctx: &RequestCtx,
    at: String,
    action: Action,
    target: Option<(&str, String)>,
) -> AuditDraft {
    let (actor_type, actor_id, actor_name) = caller.actor();
    AuditDraft {
        at,
        actor_type,
        actor_id,
        actor_name,
        action: action.name().into(),
        target_type: target.as_ref().map(|t| t.0.to_owned()),
        target_id: target.map(|t| t.1),
        project: None,
        outcome: AuditOutcome::Ok,
        severity: Severity::Info,
        details: serde_json::Value::Null,
        ip: ctx.ip.clone(),
        user_agent: ctx.user_agent.clone(),
        correlation_id: ctx.correlation_id.clone(),
    }
}

impl Kernel {
    /// Authenticate a presented `Authorization` header. Failures are audited, but not one row
    /// per attempt: the first failure of a kind (address, reason, key named) in a window is
    /// audited at once, the rest of the window are counted into one `auth.failed` event (written
    /// when the window closes, by `tick`). Past the failure budget (per IP and per key prefix) a failure is a 429.
    pub(super) async fn authenticate(&self, ctx: &RequestCtx, header: Option<&str>) -> Result<Caller, KernelError> {
        let now = self.clock.now();
        let failure = match auth::authenticate(&self.store(), &self.keys, &self.key_secret, now, header).await {
            Ok(auth::Authenticated { caller, presence }) => {
                if let Some(seen) = presence {
                    self.presence(&caller, seen, now).await;
                }
                return Ok(caller);
            }
            Err(auth::AuthError::Kernel(e)) => return Err(e),
            Err(auth::AuthError::Denied(f)) => f,
        };
        let prefix = header.and_then(auth::bearer_token).and_then(bosun_core::apikey::parse).map(|k| k.prefix);
        Err(self.auth_failed(ctx, failure, prefix).await)
    }

    /// Count a failed authentication (an API key, a dashboard password): throttled per address
    /// and key prefix, audited in windows, seen by the alert rules. The error to answer with.
    pub(super) async fn auth_failed(
        &self,
        ctx: &RequestCtx,
        failure: auth::AuthFailure,
        prefix: Option<&str>,
    ) -> KernelError {
        let now = self.clock.now();
        metrics::counter!("bosun_auth_failures_total").increment(1);
        let ip: Option<std::net::IpAddr> = ctx.ip.as_deref().and_then(|ip| ip.parse().ok());
        let throttled = self.limits.failed_auth(ip, prefix);
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
                outcome: AuditOutcome::Denied,
                severity: Severity::Warning,
                details: json!({ "reason": failure.reason, "count": 1 }),
                ip: ctx.ip.clone(),
                user_agent: ctx.user_agent.clone(),
                correlation_id: ctx.correlation_id.clone(),
            };
            // The alert engine counts every failure, though the audit log aggregates them.
            self.alerts.failed_auth(tenant, ctx.ip.clone(), failure.key_id.map(|k| k.to_string()), now);
            let (now_audit, closed) = {
                let mut windows = self.failures.lock().unwrap_or_else(|e| e.into_inner());
                windows.record((tenant, ctx.ip.clone(), failure.reason, failure.key_id), now, draft)
            };
            for (tenant, summary) in closed {
                self.append_logged(tenant, Action::AuthFail, summary).await;
            }
            if let Some(draft) = now_audit {
                self.append_logged(tenant, Action::AuthFail, draft).await;
            }
        }
        if let Err(limited) = throttled {
            metrics::counter!("bosun_rate_limited_total", "scope" => limited.scope).increment(1);
            return KernelError::RateLimited(limited);
        }
        KernelError::Unauthenticated(failure.reason.into())
    }

    /// Write the summaries of failed-authentication windows that have closed.
    pub async fn flush_auth_failures(&self, all: bool) {
        let closed = {
            let mut windows = self.failures.lock().unwrap_or_else(|e| e.into_inner());
            windows.close_due(self.clock.now(), all)
        };
        for (tenant, summary) in closed {
            self.append_logged(tenant, Action::AuthFail, summary).await;
        }
    }

    /// Any authenticated call is a sign of life: record it, at most every few seconds per agent,
    /// and bring a spawning or offline agent to `idle`.
    async fn presence(&self, caller: &Caller, last_seen: Timestamp, now: Timestamp) {
        let Some(agent) = caller.agent_id() else { return };
        const EVERY: jiff::SignedDuration = jiff::SignedDuration::from_secs(5);
        {
            let mut seen = self.presence.lock().unwrap_or_else(|e| e.into_inner());
            let last = seen.get(&agent).copied().unwrap_or(last_seen).max(last_seen);
            if now.duration_since(last) < EVERY {
                return;
            }
            seen.insert(agent, now);
        }
        let cmd = Command::System(scheduler::SystemCommand::Presence { agent_id: agent });
        let system = Caller { principal: Principal::System, key: None, ..caller.clone() };
        if let Err(e) = self.execute(&system, &RequestCtx::default(), cmd).await
            && !matches!(e, KernelError::NotFound(_))
        {
            tracing::warn!(error = %e, "presence update failed");
        }
    }

    /// Authenticate for a purpose. The enrolment rule lives here: an enrolment key may only
    /// register an agent (and open an MCP session to do so); anything else is refused and
    /// audited. Commands are checked again in `authorize` by the same rule.
    pub async fn authenticate_for(
        &self,
        ctx: &RequestCtx,
        header: Option<&str>,
        purpose: Purpose<'_>,
    ) -> Result<Caller, KernelError> {
        let caller = self.authenticate(ctx, header).await?;
        // Trust level 0: everything is refused, at the door, for every edge.
        if let Principal::Agent { profile, name, .. } = &caller.principal
            && self.profiles.trust(profile) == 0
        {
            let reason = format!("agent {name} is suspended (profile {profile}, trust level 0): everything is refused");
            let facts = self.facts(&caller, Action::SuspendedAccess.name(), false);
            let what = match purpose {
                Purpose::RegisterAgent => "agent.registered",
                Purpose::Session => "mcp.session",
                Purpose::Other { what } => what,
            };
            let target = Some(("request", what.chars().take(200).collect::<String>()));
            self.audit_denial(
                &caller,
                ctx,
                Action::SuspendedAccess,
                target,
                &reason,
                Decided { policies: &[], facts: Some(&facts) },
            )
            .await;
            return Err(KernelError::Forbidden(reason));
        }
        match purpose {
            Purpose::Other { what } if caller.enrolment => Err(self.refuse_enrolment(&caller, ctx, what).await),
            _ => Ok(caller),
        }
    }

    /// Refuse (and audit) an enrolment key used for anything but registering an agent.
    async fn refuse_enrolment(&self, caller: &Caller, ctx: &RequestCtx, what: &str) -> KernelError {
        let reason = format!("an enrolment key may only register an agent, not {what}");
        self.audit_denial(caller, ctx, Action::EnrolmentMisuse, None, &reason, Decided::NOTHING).await;
        KernelError::Forbidden(reason)
    }

    pub(super) async fn audit_denial(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        action: Action,
        target: Option<(&str, String)>,
        reason: &str,
        decided: Decided<'_>,
    ) {
        let Decided { policies, facts } = decided;
        // The policies that forbade it, when policies (not the default deny) decided, and the
        // facts it was decided on.
        let mut details = json!({ "reason": reason });
        if !policies.is_empty() {
            details["policies"] = json!(policies);
        }
        if let Some(facts) = facts {
            details["authz"] = json!(facts);
        }
        let draft = AuditDraft {
            outcome: AuditOutcome::Denied,
            severity: Severity::Warning,
            details,
            ..draft(caller, ctx, self.now(), action, target)
        };
        self.append_logged(caller.tenant, action, draft).await;
    }

    /// Append an event in a transaction of its own (a denial, a failed login, a guardrail check).
    pub(super) async fn append_alone(
        &self,
        tenant: TenantId,
        action: Action,
        draft: AuditDraft,
    ) -> Result<(), KernelError> {
        let events = self.events.clone();
        self.store
            .write_then(
                tenant,
                move |w| w.append_audit(tenant, draft).map(|e| Committed::new(e, action, Vec::new())),
                move |event: &Published| {
                    events.committed(event.clone());
                },
            )
            .await?;
        Ok(())
    }

    /// [`append_alone`](Self::append_alone) where the answer does not wait on it: a failure is logged.
    async fn append_logged(&self, tenant: TenantId, action: Action, draft: AuditDraft) {
        if let Err(e) = self.append_alone(tenant, action, draft).await {
            tracing::error!(error = %e, "could not audit a denied attempt");
        }
    }

    /// The system tenant, if the store has been bootstrapped. It never changes once made, so it is
    /// read once: failed logins without a known key are audited there, and a flood of them must
    /// not list every tenant each time.
    pub async fn system_tenant(&self) -> Result<Option<TenantId>, KernelError> {
        if let Some(id) = self.system_tenant.get() {
            return Ok(Some(*id));
        }
        let tenants = self.store.read(|r| r.list_tenants()).await?;
        let found = tenants.into_iter().find(|t| t.system).map(|t| t.id);
        if let Some(id) = found {
            let _ = self.system_tenant.set(id);
        }
        Ok(found)
    }
}
