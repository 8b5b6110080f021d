//! Guardrail checks (SPEC §5.4): the caller asks whether a command (or SQL, or paths it will
//! write) is safe before running it. The engine is `bosun_policy::guard`; here the caller's
//! trust level is applied and every check that found violations is audited.

use bosun_core::Action;
use bosun_core::audit::{AuditDraft, Outcome as AuditOutcome, Severity};
use bosun_core::clock::format_micros;
use bosun_policy::guard::{self, Verdict};
use serde_json::json;

use super::{Caller, Committed, Kernel, KernelError, Principal, RequestCtx};

/// The most paths one check names.
pub const MAX_PATHS: usize = 100;

/// The most commands of one task result that are checked.
pub const MAX_RESULT_COMMANDS: usize = 50;

impl Kernel {
    /// A completed task whose result lists the commands it ran (`result.commands`: strings) has
    /// them judged before the transaction; what they broke goes into `task.completed`'s audit
    /// event as `details.guardrails` (the commands ran already: this records, it cannot stop).
    pub(super) fn judge_task_result(&self, caller: &Caller, cmd: &super::Command) -> Option<serde_json::Value> {
        let super::Command::CompleteTask { result, .. } = cmd else { return None };
        let commands = result.get("commands")?.as_array()?;
        let trust = self.trust_of(caller);
        let mut found = Vec::new();
        for text in commands.iter().filter_map(|c| c.as_str()).take(MAX_RESULT_COMMANDS) {
            let Ok(verdict) = guard::check(text, &[], trust) else { continue };
            for v in verdict.violations {
                found.push(json!({"rule": v.rule, "category": v.category.as_str(), "action": v.action.as_str(),
                    "matched": v.matched}));
            }
        }
        if found.is_empty() {
            return None;
        }
        let mut found = serde_json::Value::Array(found);
        bosun_core::redact::redact_value(&mut found);
        Some(found)
    }

    /// The caller's trust level for guardrails: an agent's profile's; users count as 2.
    fn trust_of(&self, caller: &Caller) -> u8 {
        match &caller.principal {
            Principal::Agent { profile, .. } => self.profiles.get(profile).map_or(0, |e| e.profile.trust_level),
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
        let verdict = guard::check(operation, paths, trust).map_err(KernelError::Validation)?;
        if verdict.violations.is_empty() {
            return Ok(verdict);
        }
        let (actor_type, actor_id, actor_name) = caller.actor();
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
        let draft = AuditDraft {
            at: format_micros(self.clock.now()),
            actor_type,
            actor_id,
            actor_name,
            action: Action::GuardrailViolation.name().into(),
            target_type: Some("command".into()),
            target_id: None,
            project: None,
            outcome: if verdict.safe { AuditOutcome::Ok } else { AuditOutcome::Denied },
            severity: if verdict.safe { Severity::Notice } else { Severity::Warning },
            details,
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
            correlation_id: ctx.correlation_id.clone(),
        };
        let (tenant, events) = (caller.tenant, self.events.clone());
        self.store
            .write_in(
                bosun_store::Lane::Work,
                move |w| -> Result<_, KernelError> {
                    Ok(Committed::new(w.append_audit(tenant, draft)?, Action::GuardrailViolation, Vec::new()))
                },
                move |event| {
                    let _ = events.send(event.clone());
                },
            )
            .await?;
        Ok(verdict)
    }
}
