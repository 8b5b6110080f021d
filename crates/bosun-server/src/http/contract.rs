//! The OpenAPI document as the contract: what the handlers' annotations say, completed in one
//! place with what every operation can answer besides its successes (problem+json errors,
//! with the statuses the edge and the kernel produce), a description on every response, and
//! the JSON-anything fields typed as such. Checked in CI by a property-based fuzzer
//! (`tests/contract.rs`): no answer the server sends may be off this document.

use serde_json::{Map, Value, json};

/// Errors every authenticated operation can answer, and why.
const ALWAYS: [(&str, &str); 5] = [
    ("401", "Missing, malformed, unknown, wrong or revoked API key (`unauthenticated`)."),
    ("403", "The caller's role, kind (agent or user) or key (enrolment) does not allow this (`forbidden`)."),
    ("422", "A parameter or body that does not fit: names the field and what was expected (`validation_failed`)."),
    ("429", "A rate limit (`rate_limited`); see `Retry-After` and the `RateLimit-*` headers."),
    (
        "503",
        "The database cannot serve right now (`unavailable`), or the server is saturated and refused the write at once (`overloaded`, with `Retry-After`); retry shortly.",
    ),
];
/// Errors of operations that take a body.
const WITH_BODY: [(&str, &str); 3] = [
    ("400", "Malformed JSON (`validation_failed`)."),
    ("413", "A body over 1 MiB (`payload_too_large`)."),
    ("415", "A body that is not `application/json` (`validation_failed`)."),
];
/// Errors of operations that name a resource (by path or in their body).
const NAMED: (&str, &str) = ("404", "No such resource in the caller's tenant (`not_found`).");
/// Errors of operations that change state.
const CHANGING: [(&str, &str); 2] = [
    ("409", "The state does not allow it: a conflict, a stale fence, a lock held by another (`conflict`, …)."),
    (
        "403",
        "Refused: the policies, a profile limit (`forbidden`), or a `Bosun-Gate-Token` that does not open this command (`approval_required`).",
    ),
];

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// Complete the generated document (see the module docs).
pub fn complete(doc: &mut Value) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                complete_operation(path, method, op);
                if let Some(body) = op.pointer_mut("/requestBody/content/application~1json")
                    && body.get("example").is_none()
                    && let Some(name) = body.pointer("/schema/$ref").and_then(Value::as_str)
                    && let Some(example) = request_example(name.rsplit('/').next().unwrap_or_default())
                {
                    body["example"] = example;
                }
            }
        }
    }
    // Fields that hold any JSON value (null included): utoipa renders `serde_json::Value` as an
    // object, which is not what the server sends.
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for schema in schemas.values_mut() {
            if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                for name in ["payload", "result", "arguments", "evidence", "context"] {
                    if let Some(p) = props.get_mut(name) {
                        let description = p.get("description").cloned().unwrap_or(json!("Any JSON value."));
                        *p = json!({ "description": description });
                    }
                }
            }
        }
    }
}

/// An example of each request body, for people reading the document and for the clients generated
/// from it (a test checks that every body has one, and the contract fuzzer sends them).
fn request_example(schema: &str) -> Option<Value> {
    Some(match schema {
        "RegisterAgentBody" => json!({"name": "worker-1", "kind": "claude-code", "capabilities": ["rust", "git"],
            "heartbeat_interval_seconds": 30}),
        "HeartbeatBody" => json!({"status": "busy"}),
        "HandoffBody" => json!({"summary": "Parser done; tests for the lexer remain.", "project": "web",
            "completed": ["parser"], "next_steps": ["lexer tests"], "files": ["src/parser.rs"]}),
        "LocksBody" => json!({"paths": ["src/parser/**"], "project": "web", "ttl_seconds": 600,
            "reason": "refactoring the parser"}),
        "ReleaseBody" => json!({"paths": ["src/parser/**"], "project": "web"}),
        "RenewBody" => json!({"ttl_seconds": 600}),
        "RememberBody" => json!({"project": "web", "event_type": "task_failed",
            "summary": "The login e2e test times out when the dev server is cold", "outcome": "failure",
            "lessons": "Warm the dev server with one request before running the e2e suite",
            "tags": ["e2e", "flaky-test"]}),
        "EraseBody" => json!({"subject": "alice@example.com"}),
        "MemorySettingsBody" => json!({"half_life_hours": 720, "default_visibility": "project",
            "embeddings": {"url": "http://127.0.0.1:11434/v1/embeddings", "model": "nomic-embed-text"}}),
        "WorkflowTextBody" => {
            json!({"text": bosun_core::workflow::templates::MAP_REDUCE.replace("map-reduce", "summarise")})
        }
        "StartRunBody" => json!({"project": "web", "params": {"check": "cargo test"}}),
        "CancelRunBody" => json!({"reason": "superseded by a new plan"}),
        "SendBody" => json!({"to": ["reviewer-1"], "subject": "Ready for review", "body": "PR #42 is ready.",
            "importance": "normal"}),
        "SubmitTaskBody" => json!({"title": "Add rate limiting to /login", "project": "web", "priority": 3,
            "required_capabilities": ["rust"], "payload": {"issue": 1234}}),
        "BatchBody" => json!({"tasks": [{"ref": "impl", "title": "Implement the parser"},
            {"title": "Review the parser", "depends_on": ["impl"]}]}),
        "ClaimBody" => json!({"project": "web", "scope": ["src/parser/**"], "lease_seconds": 300, "wait_seconds": 10}),
        "CancelBody" => json!({"reason": "superseded by another approach"}),
        "CompleteBody" => json!({"fence": 1, "result": {"pr": 42}}),
        "FailBody" => json!({"fence": 1, "error": "tests fail on CI", "retryable": true}),
        "TaskHeartbeatBody" => json!({"fence": 1, "lease_seconds": 300}),
        "CreateTenantBody" => json!({"name": "acme", "admin_name": "alice"}),
        "CreateUserBody" => json!({"name": "bob", "role": "developer"}),
        "PasswordBody" => json!({"password": "correct horse battery staple"}),
        "CreateKeyBody" => json!({"label": "laptop", "enrolment": false}),
        "ValidatePoliciesBody" => {
            json!({"policies": "@id(\"no-claims\") @reason(\"claims are paused\")\nforbid(principal, action == Bosun::Action::\"task.claimed\", resource);"})
        }
        "PutPoliciesBody" => {
            json!({"text": "@id(\"no-claims\") @reason(\"claims are paused\")\nforbid(principal, action == Bosun::Action::\"task.claimed\", resource);\n@id(\"admins\") permit(principal is Bosun::User, action, resource) when { principal.rank >= 3 };",
            "note": "freeze claims for the release"})
        }
        "RollbackBody" => json!({"version": 2, "note": "the freeze is over"}),
        "ReplayBody" => {
            json!({"text": "@id(\"no-claims\") forbid(principal, action == Bosun::Action::\"task.claimed\", resource);", "limit": 1000})
        }
        "SetProfileBody" => json!({"profile": "trusted"}),
        "ApprovalBody" => {
            json!({"action": "terraform apply", "resource": "infra/prod", "arguments": {"plan": "abc123"},
            "factors": {"privilege_impact": 0.8, "blast_radius": 0.9}, "ttl_seconds": 3600})
        }
        "DecisionBody" => json!({"reason": "change window, plan reviewed"}),
        "SettingsBody" => json!({"approval_threshold": 40}),
        "AlertRulesBody" => {
            json!({"rules": [{"id": "key-scan", "title": "One address tried 3 or more keys in a minute",
            "actions": ["auth.failed"], "correlation": "value_count", "field": "target", "group_by": ["ip"],
            "window_seconds": 60, "threshold": 3, "severity": "critical"}]})
        }
        "WebhookBody" => json!({"url": "http://alerts.internal:8080/bosun", "description": "the on-call relay"}),
        "BudgetsBody" => json!({"budgets": [{"id": "web-daily", "scope": "project", "target": "web", "metric": "cost",
            "currency": "USD", "period": "day", "time_zone": "Europe/Berlin", "hard_limit": "50.00", "soft_limit": "40.00"},
            {"id": "tenant-tokens", "scope": "tenant", "metric": "tokens", "period": "rolling", "window_seconds": 3600,
            "hard_limit": "2000000"}]}),
        "ReserveBody" => {
            json!({"project": "web", "tokens": 20000, "cost": "0.42", "currency": "USD", "ttl_seconds": 900})
        }
        "UsageBody" => json!({"project": "web", "tokens": 18250, "cost": "0.38", "currency": "USD",
            "model": "claude-sonnet-4-5", "provider": "anthropic"}),
        "RedeemBody" => json!({"token": "bsg1.7b…", "action": "terraform apply", "resource": "infra/prod",
            "arguments": {"plan": "abc123"}}),
        "RulesBody" => json!({"rules": [{"id": "no-npm-publish", "program": "npm", "subcommand": "publish",
            "action": "block", "reason": "CI publishes packages"},
            {"id": "grants", "pattern": "\\bgrant\\s+all\\b", "category": "sql_destructive", "action": "require_approval"}]}),
        "GuardrailBody" => json!({"operation": "git push --force origin main", "paths": ["src/main.rs"]}),
        "EgressBody" => json!({"destination": "https://api.github.com/repos"}),
        "AuthorizeBody" => {
            json!({"principal": {"type": "agent", "id": "01JBX8Z6Q4N2W7RS5KJ3M9V0TA"}, "action": "task.claimed"})
        }
        _ => return None,
    })
}

/// A ULID as the server accepts it: 26 Crockford base-32 digits, the first 0–7 (128 bits).
pub const ULID_PATTERN: &str = "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$";

fn complete_operation(path: &str, method: &str, op: &mut Value) {
    // Ids in paths are ULIDs; say so, so that a client (or a fuzzer) knows before it sends.
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params.iter_mut().filter(|p| p["in"] == "path" && p["name"] == "id") {
            p["schema"] = json!({"type": "string", "pattern": ULID_PATTERN});
        }
    }
    // Every change may carry an Idempotency-Key.
    if method != "get" {
        let header = json!({
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "Replays the first answer to a retry of the same request within 24 h (1–255 visible ASCII characters).",
            "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"}
        });
        let gate = json!({
            "name": "Bosun-Gate-Token",
            "in": "header",
            "required": false,
            "description": "A gate token approving exactly this command (its action on its target); policies may require one (`context.gate`). Used up by the command.",
            "schema": {"type": "string", "pattern": "^[!-~]{1,4096}$"}
        });
        if let Some(params) =
            op.as_object_mut().and_then(|o| o.entry("parameters").or_insert_with(|| json!([])).as_array_mut())
        {
            let named = |p: &Value| p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key"));
            match params.iter_mut().find(|p| named(p)) {
                Some(existing) => existing["schema"] = header["schema"].clone(),
                None => params.push(header),
            }
            params.push(gate);
        }
    }
    let has_body = op.get("requestBody").is_some();
    let names_something = path.contains('{') || method != "get";
    let changes = method != "get";
    let responses = op.as_object_mut().map(|o| o.entry("responses").or_insert_with(|| json!({})));
    let Some(responses) = responses.and_then(Value::as_object_mut) else { return };
    let mut wanted: Vec<(&str, &str)> = ALWAYS.to_vec();
    if has_body {
        wanted.extend(WITH_BODY);
    }
    if names_something {
        wanted.push(NAMED);
    }
    if changes {
        wanted.extend(CHANGING);
    }
    for (status, description) in wanted {
        responses.entry(status.to_owned()).or_insert_with(|| problem_response(description));
    }
    for (status, response) in responses.iter_mut() {
        // Every error, documented by a handler or added here, is problem+json.
        if status.starts_with(['4', '5'])
            && let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
            && let Some(schema) = content.remove("application/json")
        {
            content.insert("application/problem+json".into(), schema);
        }
        let Some(response) = response.as_object_mut() else { continue };
        if !response.contains_key("description") {
            response.insert("description".into(), Value::String(default_description(status)));
        }
    }
    let sorted: Map<String, Value> = {
        let mut entries: Vec<_> = std::mem::take(responses).into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.into_iter().collect()
    };
    *responses = sorted;
}

fn default_description(status: &str) -> String {
    match status {
        "200" => "Success.",
        "201" => "Created.",
        "204" => "Nothing to return (for a claim: no task is ready for you).",
        "101" => "Switching to the WebSocket protocol.",
        _ => "See the body.",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_documents_its_errors_as_problem_json() {
        let mut doc = json!({"paths": {"/x/{id}": {"post": {
            "requestBody": {"content": {"application/json": {}}},
            "responses": {"200": {"content": {"application/json": {}}},
                          "404": {"content": {"application/json": {"schema": {}}}}}
        }}}});
        complete(&mut doc);
        let r = &doc["paths"]["/x/{id}"]["post"]["responses"];
        for s in ["200", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503"] {
            assert!(r[s]["description"].is_string(), "{s}: {r}");
        }
        assert!(r["404"]["content"]["application/problem+json"].is_object(), "{r}");
        assert!(r["404"]["content"]["application/json"].is_null(), "{r}");
    }
}
