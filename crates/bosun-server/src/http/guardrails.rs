//! Guardrails (SPEC §5.4): is a command safe to run?

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, App, Auth, Handled, Problem, Reply};
use crate::views::GuardrailVerdict;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardrailBody {
    /// The shell command (or SQL text) about to run; parsed, not pattern-matched.
    #[schema(example = "git push --force origin main", max_length = 16384)]
    pub operation: String,
    /// Files about to be written (credential files are refused whatever the trust level).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub paths: Vec<String>,
    /// Free-form context (SPEC §5.4); accepted and not used yet (reserved for tenant rules).
    #[serde(default, rename = "context")]
    #[schema(value_type = Object)]
    pub _context: serde_json::Value,
}

/// Check a command before running it: `safe` is false when a rule asks to block or to wait for an
/// approval. Shell text is split into the commands a shell would run (through `;`, `&&`, pipes,
/// subshells, `$(…)`, `bash -c`, `eval` and wrappers such as `sudo`, `env`, `xargs`,
/// `find -exec`), each judged on its program and normalised options. Violations are audited.
#[utoipa::path(post, path = "/api/v1/guardrails/check", tag = "guardrails", request_body = GuardrailBody,
    responses((status = 200, body = GuardrailVerdict), (status = 422, body = Problem)))]
pub async fn check(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<GuardrailBody>) -> Handled {
    let verdict = app.kernel.check_guardrails(&auth.caller, &auth.ctx, &b.operation, &b.paths).await?;
    Ok(Reply::json(&GuardrailVerdict::from(&verdict)))
}

/// A tenant's own guardrail rule.
#[derive(Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleBody {
    /// Named in violations: letters, digits and `-_.` (unique).
    #[schema(example = "no-npm-publish", max_length = 64)]
    pub id: String,
    /// The program, as a shell would run it (wrappers, paths and quotes are seen through).
    #[schema(example = "npm")]
    pub program: Option<String>,
    /// Its first operand.
    #[schema(example = "publish")]
    pub subcommand: Option<String>,
    /// Options that must all be present, in any order or combination (`-f`, `--force`).
    #[serde(default)]
    #[schema(max_items = 16)]
    pub flags: Vec<String>,
    /// A regular expression (case-insensitive, ≤ 512 bytes) over the raw text, for SQL and other
    /// non-shell text; with a `program`, over that command.
    #[schema(max_length = 512)]
    pub pattern: Option<String>,
    /// A built-in category (git_destructive, recursive_delete, sql_destructive, credentials,
    /// deploy_infra, migration, remote_script, system) or `custom` (the default).
    pub category: Option<String>,
    /// block, require_approval or log.
    #[schema(example = "block")]
    pub action: String,
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesBody {
    /// Replaces the tenant's rules (at most 200).
    #[schema(max_items = 200)]
    pub rules: Vec<RuleBody>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct RulesView {
    pub rules: Vec<RuleBody>,
}

fn to_specs(rules: Vec<RuleBody>) -> Result<Vec<bosun_policy::guard::RuleSpec>, super::ApiError> {
    let value = serde_json::to_value(
        rules
            .into_iter()
            .map(|r| {
                serde_json::json!({"id": r.id, "program": r.program, "subcommand": r.subcommand, "flags": r.flags,
                    "pattern": r.pattern, "category": r.category.unwrap_or_else(|| "custom".into()),
                    "action": r.action, "reason": r.reason})
            })
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    serde_json::from_value(value).map_err(|e| {
        super::ApiError(crate::kernel::KernelError::Validation(format!(
            "a rule's `action` must be block, require_approval or log ({e})"
        )))
    })
}

fn to_view(specs: &[bosun_policy::guard::RuleSpec]) -> RulesView {
    let rules = specs
        .iter()
        .map(|s| RuleBody {
            id: s.id.clone(),
            program: s.program.clone(),
            subcommand: s.subcommand.clone(),
            flags: s.flags.clone(),
            pattern: s.pattern.clone(),
            category: Some(s.category.clone()),
            action: s.action.as_str().into(),
            reason: s.reason.clone(),
        })
        .collect();
    RulesView { rules }
}

/// The tenant's own guardrail rules (judged beside the built-in ones).
#[utoipa::path(get, path = "/api/v1/guardrails/rules", tag = "guardrails", responses((status = 200, body = RulesView)))]
pub async fn get_rules(State(app): State<App>, auth: Auth) -> Handled {
    Ok(Reply::json(&to_view(&app.kernel.guardrail_rules(&auth.caller).await?)))
}

/// Replace the tenant's own guardrail rules (tenant admins); each is validated (a bad pattern,
/// an unknown category or a duplicate id is 422 naming the rule).
#[utoipa::path(put, path = "/api/v1/guardrails/rules", tag = "guardrails", request_body = RulesBody,
    responses((status = 200, body = RulesView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_rules(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<RulesBody>) -> Handled {
    let specs = to_specs(b.rules)?;
    let answer = app.kernel.execute(&auth.caller, &auth.ctx, crate::kernel::Command::PutGuardrailRules(specs)).await?;
    match answer {
        crate::kernel::Answer::Fresh(crate::kernel::Outcome::GuardrailRules(specs)) => {
            Ok(Reply::json(&to_view(&specs)))
        }
        other => super::executed(Ok(other)),
    }
}
