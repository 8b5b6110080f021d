//! MCP tool calls run here, in-process, without a second trip through the router: the tool's
//! REST operation is matched by method and path, its arguments are parsed into the same typed
//! bodies and queries the REST handlers take, the caller is authenticated by the key the call
//! presents, and the handler's `Reply` (a status and a JSON value, rendered from the kernel's
//! outcome) is handed back as it is — no HTTP request, no middleware, no JSON bytes.

use axum::extract::{Path, State};
use axum::http::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{
    ApiError, ApiJson, ApiQuery, App, Auth, EnrolAuth, Handled, alerts, approvals, audit, budgets, coord, guardrails,
    identity, memory, messages, policy, workflows,
};
use crate::kernel::{KernelError, Purpose, RequestCtx};
use crate::mcp::{ApiRequest, ApiResponse, Backend, BoxFuture};

/// The in-process backend of `/mcp` sessions.
pub struct Direct(pub App);

impl Backend for Direct {
    fn call(&self, req: ApiRequest) -> BoxFuture<'_, ApiResponse> {
        Box::pin(async move {
            // The audit facts of the `/mcp` request that carries the call (address, user agent,
            // correlation id; the gate already refused a request whose headers do not parse); a
            // tool call has no Idempotency-Key of its own.
            let mut ctx = req.parts.as_ref().and_then(|p| super::request_ctx(p).ok()).unwrap_or_default();
            ctx.idempotency_key = None;
            ctx.fingerprint = None;
            let correlation = ctx.correlation_id.get_or_insert_with(|| ulid::Ulid::generate().to_string()).clone();
            match dispatch(&self.0, req, ctx).await {
                Ok(reply) => {
                    let body =
                        if reply.status == axum::http::StatusCode::NO_CONTENT { Value::Null } else { reply.body };
                    ApiResponse { status: reply.status.as_u16(), body }
                }
                Err(e) => {
                    if let KernelError::Internal(detail) = &e.0 {
                        let detail = bosun_core::redact::redact_text(detail);
                        tracing::error!(correlation_id = %correlation, %detail, "internal error in an MCP call");
                    }
                    let (status, problem) = e.problem();
                    let mut body = serde_json::to_value(problem).unwrap_or_default();
                    body["correlation_id"] = Value::String(correlation);
                    ApiResponse { status: status.as_u16(), body }
                }
            }
        })
    }
}

/// A tool's arguments as the body type of its operation.
fn body<T: DeserializeOwned>(value: Value) -> Result<ApiJson<T>, ApiError> {
    serde_json::from_value(value).map(ApiJson).map_err(|e| super::invalid_body(&e))
}

/// A tool's arguments (already a query string) as the query type of its operation.
fn query<T: DeserializeOwned>(query: &str) -> Result<ApiQuery<T>, ApiError> {
    super::parse_query(query).map(ApiQuery)
}

fn segment(raw: &str) -> Result<Path<String>, ApiError> {
    bosun_core::uri::decode_component(raw)
        .map(Path)
        .ok_or_else(|| ApiError(KernelError::Validation("a malformed id in the path".into())))
}

async fn dispatch(app: &App, req: ApiRequest, ctx: RequestCtx) -> Handled {
    let (path, q) = req.path.split_once('?').unwrap_or((req.path.as_str(), ""));
    let route: Vec<&str> = path.strip_prefix("/api/v1/").unwrap_or_default().split('/').collect();
    let registering = req.method == Method::POST && route == ["agents"];
    let what = format!("{} {path}", req.method);
    let purpose = if registering { Purpose::RegisterAgent } else { Purpose::Other { what: &what } };
    let bearer = req.bearer.as_ref().map(|k| format!("Bearer {k}"));
    let caller = app.kernel.authenticate_for(&ctx, bearer.as_deref(), purpose).await?;
    let auth = Auth { caller, ctx };
    let b = req.body.unwrap_or_else(|| json!({}));
    // A gate token on the `/mcp` request opens this call only with its arguments (the body part).
    let mut auth = auth;
    if auth.ctx.gate_token.is_some() {
        auth.ctx.gate_arguments = Some(super::gate_arguments(Some(&b)));
    }
    let app = State(app.clone());
    match (req.method, route.as_slice()) {
        (Method::GET, ["whoami"]) => identity::whoami(app, auth).await,
        (Method::POST, ["agents"]) => coord::register_agent(app, EnrolAuth(auth), body(b)?).await,
        (Method::GET, ["agents"]) => coord::list_agents(app, auth, query(q)?).await,
        (Method::GET, ["agents", id]) => coord::get_agent(app, auth, segment(id)?).await,
        (Method::POST, ["agents", id, "heartbeat"]) => coord::agent_heartbeat(app, auth, segment(id)?, body(b)?).await,
        (Method::POST, ["tasks"]) => coord::submit_task(app, auth, body(b)?).await,
        (Method::POST, ["tasks", "claim"]) => coord::claim_task(app, None, auth, body(b)?).await,
        (Method::GET, ["tasks"]) => coord::list_tasks(app, auth, query(q)?).await,
        (Method::GET, ["tasks", id]) => coord::get_task(app, auth, segment(id)?).await,
        (Method::POST, ["tasks", id, "heartbeat"]) => coord::task_heartbeat(app, auth, segment(id)?, body(b)?).await,
        (Method::POST, ["tasks", id, "complete"]) => coord::complete_task(app, auth, segment(id)?, body(b)?).await,
        (Method::POST, ["tasks", id, "fail"]) => coord::fail_task(app, auth, segment(id)?, body(b)?).await,
        (Method::POST, ["locks"]) => coord::acquire_locks(app, auth, body(b)?).await,
        (Method::GET, ["locks"]) => coord::list_locks(app, auth, query(q)?).await,
        (Method::POST, ["locks", "release"]) => coord::release_locks(app, auth, body(b)?).await,
        (Method::DELETE, ["locks", id]) => coord::release_lock(app, auth, segment(id)?).await,
        (Method::POST, ["locks", id, "renew"]) => coord::renew_lock(app, auth, segment(id)?, body(b)?).await,
        (Method::POST, ["handoffs"]) => coord::write_handoff(app, auth, body(b)?).await,
        (Method::GET, ["handoffs"]) => coord::read_handoffs(app, auth, query(q)?).await,
        (Method::POST, ["messages"]) => messages::send(app, auth, body(b)?).await,
        (Method::GET, ["inbox"]) => messages::inbox(app, None, auth, query(q)?).await,
        (Method::POST, ["messages", id, "ack"]) => messages::ack(app, auth, segment(id)?).await,
        (Method::GET, ["threads", id]) => messages::thread(app, auth, segment(id)?).await,
        (Method::GET, ["messages", "search"]) => messages::search(app, auth, query(q)?).await,
        (Method::POST, ["memory"]) => memory::remember(app, auth, body(b)?).await,
        (Method::GET, ["memory"]) => memory::list_memories(app, auth, query(q)?).await,
        (Method::GET, ["memory", "recall"]) => memory::recall(app, auth, query(q)?).await,
        (Method::POST, ["workflows", name, "runs"]) => workflows::start_run(app, auth, segment(name)?, body(b)?).await,
        (Method::GET, ["workflows", "runs", id]) => workflows::get_run(app, auth, segment(id)?).await,
        (Method::POST, ["authorize"]) => policy::authorize(app, auth, body(b)?).await,
        (Method::POST, ["egress", "check"]) => policy::check_egress(app, auth, body(b)?).await,
        (Method::GET, ["permissions"]) => policy::permissions(app, auth).await,
        (Method::POST, ["guardrails", "check"]) => guardrails::check(app, auth, body(b)?).await,
        (Method::POST, ["approvals"]) => approvals::request(app, auth, body(b)?).await,
        (Method::GET, ["budgets", "usage"]) => budgets::budget_usage(app, auth).await,
        (Method::GET, ["alerts"]) => alerts::list_alerts(app, auth, query(q)?).await,
        (Method::GET, ["approvals", id]) => approvals::show(app, auth, segment(id)?).await,
        (Method::POST, ["gate", "redeem"]) => approvals::redeem(app, auth, body(b)?).await,
        (Method::GET, ["audit"]) => {
            let ApiQuery(params) = query(q)?;
            audit::audit_page(&app.0, &auth, params).await
        }
        (method, _) => Err(ApiError(KernelError::NotFound(format!("no MCP operation for {method} {path}")))),
    }
}
