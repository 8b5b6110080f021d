//! The HTTP edge: routing, the middleware every request passes (correlation id, metrics, access
//! log, problem+json for every error), extractors that turn bad input into 4xx, and the one
//! mapping from [`KernelError`] to an answer.

mod alerts;
mod approvals;
pub(crate) mod audit;
mod budgets;
pub mod contract;
mod coord;
mod direct;
pub mod events;
mod guardrails;
mod identity;
mod memory;
pub(crate) mod messages;
mod policy;
pub mod render;
mod workflows;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, MatchedPath, Request, State};
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::{Answer, Caller, Kernel, KernelError, Purpose, RequestCtx};

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY: usize = 1024 * 1024;
const PROBLEM_JSON: &str = "application/problem+json";

pub struct AppState {
    pub kernel: Arc<Kernel>,
    pub metrics: PrometheusHandle,
    openapi: String,
    /// Requests being handled, per lane (`admission`).
    in_flight: Arc<crate::admission::InFlight>,
}

pub type App = Arc<AppState>;

#[derive(OpenApi)]
#[openapi(
    info(title = "Bosun", description = "Control plane for fleets of AI agents."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(Problem))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("bsn_…").build()),
        );
    }
}

/// The OpenAPI document the server serves, built without a server (`bosun openapi`).
pub fn openapi_document() -> Value {
    document(api().1)
}

fn document(openapi: utoipa::openapi::OpenApi) -> Value {
    let mut value: Value = serde_json::to_value(&openapi).expect("the OpenAPI document serializes");
    contract::complete(&mut value);
    value
}

/// Every REST operation, and the document generated from their annotations.
fn api() -> (Router<App>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(identity::whoami))
        .routes(routes!(identity::create_tenant, identity::list_tenants))
        .routes(routes!(identity::create_user, identity::list_users))
        .routes(routes!(identity::create_key))
        .routes(routes!(identity::set_password))
        .routes(routes!(identity::sign_in_link))
        .routes(routes!(identity::revoke_key))
        .routes(routes!(audit::query_audit))
        .routes(routes!(coord::register_agent, coord::list_agents))
        .routes(routes!(coord::get_agent, coord::deregister_agent))
        .routes(routes!(coord::agent_heartbeat))
        .routes(routes!(coord::submit_task, coord::list_tasks))
        .routes(routes!(coord::submit_batch))
        .routes(routes!(coord::claim_task))
        .routes(routes!(coord::get_task))
        .routes(routes!(coord::task_heartbeat))
        .routes(routes!(coord::complete_task))
        .routes(routes!(coord::fail_task))
        .routes(routes!(coord::cancel_task))
        .routes(routes!(coord::retry_task))
        .routes(routes!(coord::acquire_locks, coord::list_locks))
        .routes(routes!(coord::release_lock))
        .routes(routes!(coord::release_locks))
        .routes(routes!(coord::renew_lock))
        .routes(routes!(coord::write_handoff, coord::read_handoffs))
        .routes(routes!(messages::send, messages::timeline))
        .routes(routes!(messages::get))
        .routes(routes!(messages::read))
        .routes(routes!(messages::ack))
        .routes(routes!(messages::search))
        .routes(routes!(messages::inbox))
        .routes(routes!(messages::thread))
        .routes(routes!(messages::get_allowlist, messages::put_allowlist))
        .routes(routes!(memory::remember, memory::list_memories))
        .routes(routes!(memory::recall))
        .routes(routes!(memory::get_memory, memory::erase_memory))
        .routes(routes!(memory::erase_memories))
        .routes(routes!(memory::get_memory_settings, memory::put_memory_settings))
        .routes(routes!(workflows::list_workflows))
        .routes(routes!(workflows::get_workflow, workflows::put_workflow))
        .routes(routes!(workflows::start_run))
        .routes(routes!(workflows::list_runs))
        .routes(routes!(workflows::get_run))
        .routes(routes!(workflows::cancel_run))
        .routes(routes!(policy::validate))
        .routes(routes!(policy::authorize))
        .routes(routes!(policy::get_policies, policy::put_policies))
        .routes(routes!(policy::list_versions))
        .routes(routes!(policy::get_version))
        .routes(routes!(policy::rollback))
        .routes(routes!(policy::replay))
        .routes(routes!(policy::profiles))
        .routes(routes!(policy::set_profile))
        .routes(routes!(policy::check_egress))
        .routes(routes!(policy::egress_log))
        .routes(routes!(policy::permissions))
        .routes(routes!(guardrails::check))
        .routes(routes!(guardrails::get_rules, guardrails::put_rules))
        .routes(routes!(approvals::request, approvals::list))
        .routes(routes!(approvals::show))
        .routes(routes!(approvals::approve))
        .routes(routes!(approvals::deny))
        .routes(routes!(approvals::redeem))
        .routes(routes!(approvals::keys))
        .routes(routes!(approvals::rotate_key))
        .routes(routes!(approvals::settings, approvals::put_settings))
        .routes(routes!(budgets::list_budgets, budgets::put_budgets))
        .routes(routes!(budgets::budget_usage))
        .routes(routes!(budgets::reserve_budget))
        .routes(routes!(budgets::record_usage))
        .routes(routes!(alerts::list_alerts))
        .routes(routes!(alerts::acknowledge_alert))
        .routes(routes!(alerts::resolve_alert))
        .routes(routes!(alerts::get_alert_rules, alerts::put_alert_rules))
        .routes(routes!(alerts::list_webhooks, alerts::create_webhook))
        .routes(routes!(alerts::delete_webhook))
        .routes(routes!(alerts::dead_letters))
        .routes(routes!(approvals::evidence))
        .routes(routes!(events::events))
        .split_for_parts()
}

/// Build the whole HTTP application.
pub fn router(kernel: Arc<Kernel>, metrics: PrometheusHandle, max_in_flight: usize) -> Router {
    let (api, openapi) = api();
    let openapi_value = document(openapi);
    let openapi = openapi_value.to_string();
    let openapi_value = Arc::new(openapi_value);
    let shutdown = kernel.shutdown_token().clone();
    kernel.set_answers(Arc::new(render::HttpAnswers));
    let events = crate::mcp::Events { kernel: kernel.clone() };
    let in_flight = crate::admission::InFlight::new(max_in_flight);
    let state = Arc::new(AppState { kernel, metrics, openapi, in_flight });
    let gate_state = state.clone();
    let rest: Router = Router::new()
        .merge(api)
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .merge(crate::web::routes())
        .fallback(|| async { ApiError(KernelError::NotFound("no such route".into())) })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(fingerprint))
        .layer(middleware::from_fn_with_state(state.clone(), admit))
        .layer(middleware::from_fn(observe))
        .with_state(state);
    // MCP tools run the REST operations' handlers in-process, without the router (`direct`).
    let backend: Arc<dyn crate::mcp::Backend> = Arc::new(direct::Direct(gate_state.clone()));
    let directory = Arc::new(crate::mcp::Directory::default());
    let sessions = directory.clone();
    let mcp = rmcp::transport::streamable_http_server::StreamableHttpService::new(
        move || {
            Ok(crate::mcp::Session::new(backend.clone(), openapi_value.clone(), None, None)
                .with_events(events.clone())
                .listed_in(sessions.clone()))
        },
        Arc::new(rmcp::transport::streamable_http_server::session::local::LocalSessionManager::default()),
        rmcp::transport::streamable_http_server::StreamableHttpServerConfig::default()
            .with_cancellation_token(shutdown),
    );
    let mcp: Router = Router::new()
        .nest_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state((gate_state.clone(), directory), mcp_gate))
        .layer(middleware::from_fn_with_state(gate_state, admit))
        .layer(middleware::from_fn(observe));
    rest.merge(mcp)
}

/// Every `/mcp` request is authenticated by the key it presents, before a session is opened or
/// used: a bad or revoked key is 401 at `initialize` and on every later request (the session
/// id is never a credential). A POST body must be JSON. The response (for streamable HTTP, a
/// stream) ends when the key is revoked or its agent deregistered. A plain tool call of an
/// initialized session is answered here as one JSON document (`mcp::json`), the rest by rmcp.
async fn mcp_gate(
    State((app, directory)): State<(App, Arc<crate::mcp::Directory>)>,
    req: Request,
    next: Next,
) -> Response {
    use futures_util::StreamExt;
    let (mut parts, body) = req.into_parts();
    // An enrolment key may open a session: its one permitted call, register_agent, runs inside.
    let caller = match authenticate(&parts, &app, Purpose::Session).await {
        Ok(auth) => auth.caller,
        Err(refused) => return refused,
    };
    parts.extensions.insert(caller.clone());
    let body = if parts.method == axum::http::Method::POST {
        let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
            return too_large();
        };
        if let Some(answer) = crate::mcp::json::answer(&directory, &parts, &bytes).await {
            return answer;
        }
        if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
            return client_error(
                StatusCode::BAD_REQUEST,
                "validation_failed",
                "malformed JSON-RPC: the body is not a JSON document (JSON-RPC parse error -32700)",
            );
        }
        Body::from(bytes)
    } else {
        body
    };
    if parts.method == axum::http::Method::DELETE
        && let Some(id) = crate::mcp::json::session_id(&parts)
    {
        directory.remove(id); // rmcp closes it next; no call is answered for it meanwhile
    }
    let (ended, watch) = app.kernel.stream_token(&caller);
    let response = next.run(Request::from_parts(parts, body)).await;
    let (parts, body) = response.into_parts();
    let stream = body.into_data_stream().take_until(ended.cancelled_owned()).map(move |chunk| {
        let _alive = &watch;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

async fn openapi_json(State(app): State<App>) -> Response {
    ([(CONTENT_TYPE, "application/json")], app.openapi.clone()).into_response()
}

async fn healthz() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

/// Ready when the database answers a read and the writer commits (an empty transaction).
async fn readyz(State(app): State<App>) -> Response {
    match tokio::time::timeout(std::time::Duration::from_secs(2), app.kernel.ready()).await {
        Ok(Ok(())) => axum::Json(json!({"status": "ready"})).into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError(KernelError::Unavailable).into_response()
        }
        Err(_) => ApiError(KernelError::Unavailable).into_response(),
    }
}

async fn metrics_text(State(app): State<App>) -> Response {
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], app.metrics.render()).into_response()
}

/// An RFC 9457 problem document, the body of every error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine code: validation_failed, not_found, conflict, unauthenticated, forbidden, …
    pub code: String,
    /// The request's correlation id, under which the server logged anything more.
    pub correlation_id: Option<String>,
    /// For `lock_conflict`: each conflicting lock (holder, key, expiry, the requested key, and an
    /// example path both cover).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub conflicts: Option<Vec<Value>>,
    /// For `budget_exceeded`: the budget that has no room — `{budget, metric, currency,
    /// period_start, limit, spent, reserved, requested, remaining}` in the budget's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub budget: Option<Value>,
    /// For `invalid_workflow`: the line of the workflow text the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Problem {
    /// A problem document; the detail is redacted, the correlation id is added on the way out.
    fn new(status: StatusCode, code: &str, detail: &str) -> Problem {
        Problem {
            kind: format!("https://bosun.dev/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: bosun_core::redact::redact_text(detail).into_owned(),
            code: code.to_owned(),
            correlation_id: None,
            conflicts: None,
            budget: None,
            line: None,
        }
    }
}

fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let mut response = (status, axum::Json(Problem::new(status, code, detail))).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// Internal details travel to the access log on the response, never in its body.
#[derive(Clone)]
struct InternalDetail(String);

/// The one mapping from kernel errors to HTTP answers.
pub struct ApiError(pub KernelError);

impl From<KernelError> for ApiError {
    fn from(e: KernelError) -> Self {
        ApiError(e)
    }
}

impl ApiError {
    /// The status and problem document of this error (without a correlation id).
    pub fn problem(&self) -> (StatusCode, Problem) {
        let e = &self.0;
        let status = match e {
            KernelError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            KernelError::Forbidden(_) | KernelError::MessageBlocked(_) | KernelError::ApprovalRequired(_) => {
                StatusCode::FORBIDDEN
            }
            KernelError::BudgetExceeded(_) => StatusCode::PAYMENT_REQUIRED,
            KernelError::NotFound(_) => StatusCode::NOT_FOUND,
            KernelError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            KernelError::Conflict(_) | KernelError::StaleFence(_) | KernelError::LockConflict { .. } => {
                StatusCode::CONFLICT
            }
            KernelError::DependencyCycle(_) | KernelError::InvalidWorkflow { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            KernelError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            KernelError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            KernelError::Unavailable | KernelError::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
            KernelError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            KernelError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let detail = match e {
            KernelError::Internal(_) => {
                "internal error; the server logged the details under this correlation_id".into()
            }
            KernelError::Unavailable => "the database is unavailable; retry shortly".into(),
            other => other.to_string(),
        };
        let conflicts = match e {
            KernelError::LockConflict { conflicts, .. } => Some(conflicts.iter().map(render::conflict).collect()),
            _ => None,
        };
        let budget = match e {
            KernelError::BudgetExceeded(x) => {
                let unit = |v| crate::views::in_unit(x.metric, v);
                Some(serde_json::json!({"budget": x.budget, "metric": x.metric, "currency": x.currency,
                    "period_start": x.period_start, "limit": unit(x.limit), "spent": unit(x.spent),
                    "reserved": unit(x.reserved), "requested": unit(x.requested), "remaining": unit(x.remaining)}))
            }
            _ => None,
        };
        let line = match e {
            KernelError::InvalidWorkflow { line, .. } => Some(*line),
            _ => None,
        };
        (status, Problem { conflicts, budget, line, ..Problem::new(status, e.code(), &detail) })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.problem();
        let mut response = (status, axum::Json(body)).into_response();
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match self.0 {
            KernelError::Internal(d) => {
                response.extensions_mut().insert(InternalDetail(d));
            }
            KernelError::RateLimited(limited) => {
                let wait = limited.retry_after.as_secs_f64().ceil().max(1.0) as u64;
                let headers = response.headers_mut();
                for (name, value) in [
                    ("retry-after", wait),
                    ("ratelimit-limit", u64::from(limited.limit)),
                    ("ratelimit-remaining", 0),
                    ("ratelimit-reset", wait),
                ] {
                    headers.insert(name, HeaderValue::from(value));
                }
            }
            KernelError::Overloaded(_) => {
                response.headers_mut().insert("retry-after", HeaderValue::from(OVERLOADED_RETRY_AFTER));
            }
            _ => {}
        }
        response
    }
}

/// Seconds an overloaded server asks a client to wait: the writer's queue drains in well under
/// that.
pub const OVERLOADED_RETRY_AFTER: u64 = 1;

/// A body over [`MAX_BODY`] (the JSON extractor, the fingerprint and the `/mcp` gate buffer bodies).
fn too_large() -> Response {
    client_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("request bodies are limited to {MAX_BODY} bytes"),
    )
}

/// A body-level client mistake with its own status (400 syntax, 413 size, 415 media type).
fn client_error(status: StatusCode, code: &str, detail: impl Into<String>) -> Response {
    problem(status, code, &detail.into())
}

/// A handler's answer before it is HTTP: a status and a JSON body. REST sends it; the MCP edge
/// returns it as a tool's structured content without encoding it to bytes and back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    /// The stored answer to an earlier request with the same `Idempotency-Key`.
    pub replayed: bool,
}

/// What a handler that MCP can call returns.
pub type Handled = Result<Reply, ApiError>;

impl Reply {
    pub fn json<T: Serialize>(value: &T) -> Reply {
        Reply { status: StatusCode::OK, body: serde_json::to_value(value).unwrap_or_default(), replayed: false }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = if self.status == StatusCode::NO_CONTENT {
            StatusCode::NO_CONTENT.into_response()
        } else {
            (self.status, axum::Json(self.body)).into_response()
        };
        if self.replayed {
            response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

/// The answer to an executed command.
pub fn executed(result: Result<Answer, KernelError>) -> Handled {
    match result? {
        Answer::Fresh(outcome) => {
            let (status, body) = render::render(&outcome);
            Ok(Reply { status, body, replayed: false })
        }
        Answer::Replayed(stored) => {
            let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
            Ok(Reply { status, body: stored.body, replayed: true })
        }
    }
}

/// JSON body extractor: 413 over [`MAX_BODY`], 415 without a JSON content type, 400 for bad
/// syntax, 422 for a body that does not fit (unknown fields included). An empty body reads as `{}`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let json_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(is_json_media_type);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                client_error(status, "validation_failed", rejection.body_text())
            }
        })?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        if bytes != b"{}" && !json_type {
            return Err(client_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "validation_failed",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        serde_json::from_slice(bytes).map(ApiJson).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Syntax | Category::Eof | Category::Io => {
                    client_error(StatusCode::BAD_REQUEST, "validation_failed", format!("malformed JSON: {e}"))
                }
                Category::Data => invalid_body(&e).into_response(),
            }
        })
    }
}

/// `application/json` or `application/<something>+json`, with any parameters (`; charset=utf-8`).
fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json"
        || essence.strip_prefix("application/").is_some_and(|sub| sub.len() > 5 && sub.ends_with("+json"))
}

/// Query-string extractor answering 422 with the serde message (unknown parameters included).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let query = parts.uri.query().unwrap_or("");
        parse_query(query).map(ApiQuery).map_err(IntoResponse::into_response)
    }
}

/// A body that is JSON but does not fit its type: 422 naming the field, never echoing the value.
fn invalid_body(e: &serde_json::Error) -> ApiError {
    ApiError(KernelError::Validation(format!("invalid body: {}", bosun_core::redact::without_values(&e.to_string()))))
}

/// A query string as its parameter type (422 naming the parameter, never echoing the value).
fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let uri = format!("/?{query}").parse().map_err(|_| ApiError(KernelError::Validation("bad query string".into())))?;
    axum::extract::Query::<T>::try_from_uri(&uri).map(|q| q.0).map_err(|e| {
        let detail = format!("invalid query: {}", bosun_core::redact::without_values(&e.body_text()));
        ApiError(KernelError::Validation(detail))
    })
}

/// The authenticated caller and the request's audit facts.
pub struct Auth {
    pub caller: Caller,
    pub ctx: RequestCtx,
}

#[derive(Clone)]
struct CorrelationId(String);

/// The fingerprint of a request that carries an `Idempotency-Key`: SHA-256 over the method, the
/// path and query, and the body in RFC 8785 canonical form (the raw bytes when it is not JSON),
/// so that a retry matches however its JSON was spaced or ordered.
#[derive(Clone)]
struct Fingerprint(String);

/// The arguments a request carrying `Bosun-Gate-Token` presents to the gate: its body as
/// canonical JSON ([`gate_arguments`]).
#[derive(Clone)]
struct GateArguments(String);

/// A body as the arguments a gate token must have approved: canonical JSON; no body, `null` and
/// `{}` all read `null`; a body that is not JSON is never an approved one.
pub(crate) fn gate_arguments(body: Option<&Value>) -> String {
    match body {
        None | Some(Value::Null) => "null".into(),
        Some(Value::Object(o)) if o.is_empty() => "null".into(),
        Some(v) => bosun_core::jcs::canonicalize(v)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_else(|| "\"<not JSON>\"".into()),
    }
}

async fn fingerprint(req: Request, next: Next) -> Response {
    use sha2::Digest;
    let (idempotent, gated) =
        (req.headers().contains_key("idempotency-key"), req.headers().contains_key("bosun-gate-token"));
    if !idempotent && !gated {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return too_large();
    };
    let json = if bytes.is_empty() { None } else { Some(serde_json::from_slice::<Value>(&bytes).ok()) };
    if gated {
        let arguments = match &json {
            None => gate_arguments(None),
            Some(Some(v)) => gate_arguments(Some(v)),
            Some(None) => "\"<not JSON>\"".into(),
        };
        parts.extensions.insert(GateArguments(arguments));
    }
    if idempotent {
        let canonical =
            json.flatten().and_then(|v| bosun_core::jcs::canonicalize(&v).ok()).unwrap_or_else(|| bytes.to_vec());
        let mut hash = sha2::Sha256::new();
        for part in [parts.method.as_str().as_bytes(), b"\n", parts.uri.to_string().as_bytes(), b"\n", &canonical] {
            hash.update(part);
        }
        parts.extensions.insert(Fingerprint(bosun_core::audit::encode_hex(&hash.finalize())));
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Every request from an address spends from its bucket first, then takes a place in its lane
/// of requests in flight (`admission`); health probes and metrics do neither, so monitoring
/// always answers. The place is in the request's extensions, for a long poll to give back.
async fn admit(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if matches!(path, "/healthz" | "/readyz" | "/metrics") {
        return next.run(req).await;
    }
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    if let Err(limited) = app.kernel.limits().check_ip(ip) {
        metrics::counter!("bosun_rate_limited_total", "scope" => limited.scope).increment(1);
        return ApiError(KernelError::RateLimited(limited)).into_response();
    }
    let route = req.extensions().get::<MatchedPath>().map_or(path, |m| m.as_str());
    let lane = crate::admission::EdgeLane::of(req.method(), route);
    let Some(place) = app.in_flight.enter(lane) else {
        return ApiError(KernelError::Overloaded(lane.name())).into_response();
    };
    let place = Arc::new(place);
    req.extensions_mut().insert(place.clone());
    let response = next.run(req).await;
    drop(place);
    response
}

/// A request that may wait (a long poll) gives its place in flight back before it starts: a
/// waiting request costs nothing, and agents waiting for work must not crowd out those doing it.
fn leave_to_wait(place: Option<axum::Extension<Arc<crate::admission::Place>>>, wait: std::time::Duration) {
    if let Some(axum::Extension(place)) = place
        && !wait.is_zero()
    {
        place.leave();
    }
}

impl FromRequestParts<App> for Auth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let what = format!("{} {}", parts.method, parts.uri.path());
        authenticate(parts, app, Purpose::Other { what: &what }).await
    }
}

/// The request's context alone, for routes that authenticate otherwise (the dashboard's cookie).
pub struct Ctx(pub RequestCtx);

impl FromRequestParts<App> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, Response> {
        request_ctx(parts).map(Ctx).map_err(IntoResponse::into_response)
    }
}

/// The caller of the one route an enrolment key may use: registering an agent.
pub struct EnrolAuth(pub Auth);

impl FromRequestParts<App> for EnrolAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        authenticate(parts, app, Purpose::RegisterAgent).await.map(EnrolAuth)
    }
}

async fn authenticate(parts: &Parts, app: &App, purpose: Purpose<'_>) -> Result<Auth, Response> {
    let ctx = request_ctx(parts).map_err(IntoResponse::into_response)?;
    let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let caller = app.kernel.authenticate_for(&ctx, header, purpose).await.map_err(|e| ApiError(e).into_response())?;
    app.kernel.limits().check_key(caller.key).map_err(|l| ApiError(KernelError::RateLimited(l)).into_response())?;
    Ok(Auth { caller, ctx })
}

fn request_ctx(parts: &Parts) -> Result<RequestCtx, ApiError> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // Checked on the raw bytes: a key that is not visible ASCII is refused, never ignored (which
    // would run a retried request twice).
    let idempotency_key = match parts.headers.get("idempotency-key").map(HeaderValue::as_bytes) {
        None => None,
        Some(k) if !k.is_empty() && k.len() <= 255 && k.iter().all(u8::is_ascii_graphic) => {
            Some(String::from_utf8_lossy(k).into_owned())
        }
        Some(_) => {
            return Err(ApiError(KernelError::Validation(
                "`Idempotency-Key` must be 1 to 255 visible ASCII characters".into(),
            )));
        }
    };
    let gate_token = match parts.headers.get("bosun-gate-token").map(HeaderValue::as_bytes) {
        None => None,
        Some(t) if !t.is_empty() && t.len() <= 4096 && t.iter().all(u8::is_ascii_graphic) => {
            Some(String::from_utf8_lossy(t).into_owned())
        }
        Some(_) => {
            return Err(ApiError(KernelError::Validation("`Bosun-Gate-Token` is not a gate token".into())));
        }
    };
    Ok(RequestCtx {
        gate_arguments: gate_token
            .as_ref()
            .map(|_| parts.extensions.get::<GateArguments>().map_or_else(|| gate_arguments(None), |a| a.0.clone())),
        gate_token,
        fingerprint: parts.extensions.get::<Fingerprint>().map(|f| f.0.clone()),
        ip: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()),
        user_agent: header("user-agent").map(|ua| ua.chars().take(256).collect()),
        correlation_id: parts.extensions.get::<CorrelationId>().map(|c| c.0.clone()),
        idempotency_key,
    })
}

/// Correlation id, metrics and the access log for every request; and every error answer becomes
/// problem+json carrying the correlation id (including axum's own 404/405/413).
async fn observe(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let correlation = correlation_id(req.headers());
    req.extensions_mut().insert(CorrelationId(correlation.clone()));
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();

    let mut response = next.run(req).await;
    // The dashboard's pages answer their errors as pages.
    let is_page = response.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if response.status().as_u16() >= 400 && !is_page {
        response = finish_problem(response, &correlation).await;
    }
    if let Ok(v) = HeaderValue::from_str(&correlation) {
        response.headers_mut().insert("x-request-id", v);
    }
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let labels = [("route", route.clone()), ("method", method.to_string()), ("status", status.to_string())];
    metrics::counter!("bosun_http_requests_total", &labels).increment(1);
    metrics::histogram!("bosun_http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    if let Some(InternalDetail(detail)) = response.extensions().get::<InternalDetail>() {
        tracing::error!(correlation_id = %correlation, %method, %route, status, detail = %bosun_core::redact::redact_text(detail), "internal error");
    }
    tracing::info!(correlation_id = %correlation, %method, %route, status, latency_us = elapsed.as_micros() as u64, "request");
    response
}

/// Honour a sane `X-Request-Id` (short, plain, not shaped like a credential), else make one.
fn correlation_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
                && bosun_core::redact::redact_text(v) == *v
        })
        .map_or_else(|| ulid::Ulid::generate().to_string(), str::to_owned)
}

async fn finish_problem(response: Response, correlation: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    let is_problem = parts.headers.get(CONTENT_TYPE).is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let mut doc: Value = if is_problem {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| json!({}))
    } else {
        let code = match parts.status {
            StatusCode::UNAUTHORIZED => "unauthenticated",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            s if s.is_server_error() => "internal",
            _ => "validation_failed",
        };
        let text = String::from_utf8_lossy(&bytes);
        let detail = if text.trim().is_empty() || parts.status.is_server_error() {
            parts.status.canonical_reason().unwrap_or("error").to_owned()
        } else {
            bosun_core::redact::redact_text(&text).into_owned()
        };
        json!({
            "type": format!("https://bosun.dev/problems/{code}"),
            "title": parts.status.canonical_reason().unwrap_or("Error"),
            "status": parts.status.as_u16(),
            "detail": detail,
            "code": code,
        })
    };
    doc["correlation_id"] = Value::String(correlation.to_owned());
    parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(doc.to_string()))
}
