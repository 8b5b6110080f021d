//! Guardrail checks (SPEC §5.4): the caller asks whether a command (or SQL, or paths it will
//! write) is safe before running it. The engine is `bosun_policy::guard`; here the caller's
//! trust level is applied and every check that found violations is audited.

use bosun_core::Action;
use bosun_core::audit::{AuditDraft, Outcome as AuditOutcome, Severity};
use bosun_core::clock::format_micros;
use bosun_policy::guard::{self, Verdict};
use serde_json::json;

use super::{Caller, Kernel, KernelError, Principal, RequestCtx};

/// Store the tenant's guardrail rules (already compiled once by `validate`), replacing them.
pub(super) fn put_rules(
    tx: &mut super::Tx<'_>,
    rules: Vec<bosun_policy::guard::RuleSpec>,
) -> Result<super::Applied, KernelError> {
    let document = serde_json::to_string(&rules).map_err(|e| KernelError::Internal(e.to_string()))?;
    tx.w.put_guardrail_rules(tx.caller.tenant, &document, tx.now)?;
    let details = json!({"rules": rules.len(), "ids": rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()});
    let target = ("guardrails", tx.caller.tenant.to_string());
    Ok(super::Applied::new(Action::GuardrailRulesUpdate, super::Outcome::GuardrailRules(rules), target, details)
        .severity(Severity::Notice))
}

/// The most paths one check names.
pub const MAX_PATHS: usize = 100;

/// The most commands of one task result that are checked.
pub const MAX_RESULT_COMMANDS: usize = 50;

impl Kernel {
    /// A completed task whose result lists the commands it ran (`result.commands`: strings) has
    /// them judged — by the built-in and the tenant's rules — before the transaction; what they
    /// broke goes into `task.completed`'s audit event as `details.guardrails` (the commands ran
    /// already: this records, it cannot stop).
    pub(super) async fn judge_task_result(
        &self,
        caller: &Caller,
        cmd: &super::Command,
    ) -> Result<Option<serde_json::Value>, KernelError> {
        let super::Command::CompleteTask { result, .. } = cmd else { return Ok(None) };
        let Some(commands) = result.get("commands").and_then(|c| c.as_array()) else { return Ok(None) };
        let trust = self.trust_of(caller);
        let rules = self.tenant_guard_rules(caller.tenant).await?;
        let mut found = Vec::new();
        for text in commands.iter().filter_map(|c| c.as_str()).take(MAX_RESULT_COMMANDS) {
            let Ok(verdict) = guard::check_with(text, &[], trust, &rules) else { continue };
            for v in verdict.violations {
                found.push(json!({"rule": v.rule, "category": v.category.as_str(), "action": v.action.as_str(),
                    "matched": v.matched}));
            }
        }
        if found.is_empty() {
            return Ok(None);
        }
        let mut found = serde_json::Value::Array(found);
        bosun_core::redact::redact_value(&mut found);
        Ok(Some(found))
    }

    /// Cedar's decision on `command.run` with the guardrails' findings as its context.
    async fn decide_command(&self, caller: &Caller, verdict: &Verdict) -> Result<bosun_policy::Decision, KernelError> {
        let action = bosun_policy::COMMAND_RUN;
        let facts = self.facts(caller, action, false);
        let categories = verdict.categories();
        let worst = verdict.action().map_or("none", |a| a.as_str());
        let command = bosun_policy::CommandFacts { categories: &categories, worst, unparsed: verdict.unparsed };
        self.decide(caller, action, &facts, &super::policy::About::Command(command)).await
    }

    /// The tenant's own rules, compiled once (a stored document that no longer compiles is
    /// ignored with a warning: the built-in rules still judge).
    async fn tenant_guard_rules(
        &self,
        tenant: bosun_core::TenantId,
    ) -> Result<std::sync::Arc<guard::TenantRules>, KernelError> {
        if let Some(rules) = self.guard_rules.lock().unwrap_or_else(|e| e.into_inner()).get(&tenant) {
            return Ok(rules.clone());
        }
        let doc = self.store.read(move |r| r.guardrail_rules(tenant)).await?;
        let specs: Vec<guard::RuleSpec> = doc.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default();
        let compiled = guard::TenantRules::compile(&specs).unwrap_or_else(|e| {
            tracing::warn!(%tenant, error = %e, "stored guardrail rules do not compile; judging with the built-in rules");
            guard::TenantRules::default()
        });
        let compiled = std::sync::Arc::new(compiled);
        self.guard_rules.lock().unwrap_or_else(|e| e.into_inner()).insert(tenant, compiled.clone());
        Ok(compiled)
    }

    /// The tenant's guardrail rules as set (any caller of the tenant may read them).
    pub async fn guardrail_rules(&self, caller: &Caller) -> Result<Vec<guard::RuleSpec>, KernelError> {
        let tenant = caller.tenant;
        let doc = self.store.read(move |r| r.guardrail_rules(tenant)).await?;
        Ok(doc.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default())
    }

    /// The caller's trust level for guardrails: an agent's profile's; users count as 2.
    fn trust_of(&self, caller: &Caller) -> u8 {
        match &caller.principal {
            Principal::Agent { profile, .. } => self.profiles.trust(profile),
            _ => 2,
        }
    }

    /// Judge `operation` and `paths` for `caller`. From trust level 3 up what would block is
    /// logged instead (not for credential files); users are judged as trust 2. A check that found
    /// violations is audited (`guardrail.violated`, with the rules, categories and the worst
    /// action); the answer is the same either way.
    pub async fn check_guardrails(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        operation: &str,
        paths: &[String],
    ) -> Result<Verdict, KernelError> {
        if paths.len() > MAX_PATHS || paths.iter().any(|p| p.len() > 4096) {
            return Err(KernelError::Validation(format!("at most {MAX_PATHS} paths of up to 4096 bytes")));
        }
        let trust = self.trust_of(caller);
        let rules = self.tenant_guard_rules(caller.tenant).await?;
        let mut verdict = guard::check_with(operation, paths, trust, &rules).map_err(KernelError::Validation)?;
        // The tenant's policies decide too, on what the guardrails found (`command.run`).
        let decision = self.decide_command(caller, &verdict).await?;
        if !decision.allowed {
            let policies: Vec<String> = decision.determining.iter().map(|d| d.id.clone()).collect();
            let reason = decision.explain().unwrap_or_else(|| "no policy permits command.run".into());
            verdict.forbid_by_policy(&policies, reason);
        }
        if verdict.violations.is_empty() {
            return Ok(verdict);
        }
        let worst = verdict.action().map_or("log", |a| a.as_str());
        let mut details = json!({
            "action": worst,
            "categories": verdict.categories(),
            "rules": verdict.violations.iter().map(|v| v.rule.as_str()).collect::<Vec<_>>(),
            "matched": verdict.violations.iter().map(|v| v.matched.as_str()).take(10).collect::<Vec<_>>(),
            "unparsed": verdict.unparsed,
            "trust_level": trust,
        });
        bosun_core::redact::redact_value(&mut details);
        let at = format_micros(self.clock.now());
        let draft = AuditDraft {
            target_type: Some("command".into()),
            outcome: if verdict.safe { AuditOutcome::Ok } else { AuditOutcome::Denied },
            severity: if verdict.safe { Severity::Notice } else { Severity::Warning },
            details,
            ..super::access::draft(caller, ctx, at, Action::GuardrailViolation, None)
        };
        self.append_alone(caller.tenant, Action::GuardrailViolation, draft).await?;
        Ok(verdict)
    }
}
