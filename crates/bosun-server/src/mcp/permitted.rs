//! Tool lists filtered by what the caller may do (SPEC §5.3): an `observer` agent does not see
//! `claim_task`. Listing is not authorizing — every call is still decided by the kernel — but a
//! model offered only what it may do wastes no turns on refusals.

use axum::http::Method;
use rmcp::model::Tool;

use super::{ApiRequest, Backend};

/// The action a tool's call performs (its audit name); `None` for tools that only read.
pub fn action_of(tool: &str) -> Option<&'static str> {
    Some(match tool {
        "register_agent" => "agent.registered",
        "heartbeat" => "agent.heartbeat",
        "submit_task" => "task.submitted",
        "claim_task" => "task.claimed",
        "complete_task" => "task.completed",
        "fail_task" => "task.failed",
        "acquire_lock" => "lock.acquired",
        "release_lock" => "lock.released",
        "renew_lock" => "lock.renewed",
        "send_message" => "message.sent",
        "fetch_inbox" => "message.delivered",
        "ack_message" => "message.acked",
        "write_handoff" => "handoff.written",
        "check_egress" => "egress.checked",
        "request_approval" => "approval.requested",
        _ => return None,
    })
}

/// The actions the caller may do (`GET /api/v1/permissions`); `None` when they cannot be
/// asked (then nothing is filtered: the calls are decided anyway).
pub async fn actions(
    backend: &dyn Backend,
    bearer: Option<String>,
    parts: Option<axum::http::request::Parts>,
) -> Option<Vec<String>> {
    let req = ApiRequest { method: Method::GET, path: "/api/v1/permissions".into(), body: None, bearer, parts };
    let answer = backend.call(req).await;
    if answer.status != 200 {
        return None;
    }
    let list = answer.body.get("actions")?.as_array()?;
    Some(list.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect())
}

/// Keep the tools whose action the caller may do (and every reading tool).
pub fn filter(tools: Vec<Tool>, allowed: Option<&[String]>) -> Vec<Tool> {
    let Some(allowed) = allowed else { return tools };
    tools.into_iter().filter(|t| action_of(&t.name).is_none_or(|action| allowed.iter().any(|a| a == action))).collect()
}
