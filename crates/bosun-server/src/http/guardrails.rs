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
