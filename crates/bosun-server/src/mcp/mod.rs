//! The MCP edge: Bosun's operations as MCP tools (SPEC §6), over streamable HTTP at `/mcp` and,
//! through `bosun mcp`, over stdio.
//!
//! Tools have no logic of their own. Each is a row of [`TOOLS`]: a name, the REST operation it
//! is, the profiles that list it, and a description written for a model. Its input schema is
//! generated from that operation in the OpenAPI document (path and query parameters and the
//! request body's type), and a call is forwarded as that REST request through a [`Backend`]: the
//! server's own router in-process, or a remote server over HTTP. Authentication, validation,
//! idempotency, the audit trail and error codes are therefore exactly the REST API's. A tool list
//! shows only the tools whose action the caller may do (`permitted`).

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use bosun_core::uri::encode_component;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, JsonObject,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, ResourceUpdatedNotificationParam, ServerCapabilities, ServerConfig,
    SubscribeRequestParams, Tool, UnsubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

pub mod json;
mod permitted;
mod tools;
pub use json::Directory;

/// A REST request on behalf of an MCP session.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    pub method: Method,
    /// Path and query, e.g. `/api/v1/tasks?status=ready`.
    pub path: String,
    pub body: Option<Value>,
    /// The session's API key.
    pub bearer: Option<String>,
    /// The MCP client's HTTP request, when there is one (for ip, user agent, request id).
    pub parts: Option<axum::http::request::Parts>,
}

/// The REST answer: status and JSON body (`null` for 204).
#[derive(Clone, Debug)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where tool calls go: the REST API, in-process or remote.
pub trait Backend: Send + Sync + 'static {
    fn call(&self, req: ApiRequest) -> BoxFuture<'_, ApiResponse>;
}

pub use tools::{Profile, RESOURCES, TOOLS, ToolSpec};

/// Tool definitions with input schemas generated from the OpenAPI document.
pub fn tool_definitions(openapi: &Value) -> Vec<(Tool, &'static [Profile])> {
    TOOLS
        .iter()
        .map(|spec| {
            let mut tool = Tool::default();
            tool.name = Cow::Borrowed(spec.name);
            tool.description = Some(Cow::Borrowed(spec.description));
            tool.input_schema = Arc::new(input_schema(openapi, spec));
            (tool, spec.profiles)
        })
        .collect()
}

/// Inline `$ref`s to `#/components/schemas/…` (the MCP client gets one self-contained schema).
fn resolve(openapi: &Value, v: &Value, depth: u8) -> Value {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
                && depth < 8
            {
                return resolve(openapi, &openapi["components"]["schemas"][name], depth + 1);
            }
            Value::Object(map.iter().map(|(k, v)| (k.clone(), resolve(openapi, v, depth))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| resolve(openapi, i, depth)).collect()),
        other => other.clone(),
    }
}

fn input_schema(openapi: &Value, spec: &ToolSpec) -> JsonObject {
    let op = &openapi["paths"][spec.path][spec.method.as_str().to_lowercase()];
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let place = p["in"].as_str().unwrap_or_default();
        if place != "path" && place != "query" {
            continue;
        }
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        let mut schema = resolve(openapi, &p["schema"], 0);
        if let Some(d) = p["description"].as_str() {
            schema["description"] = Value::String(d.to_owned());
        }
        // The agent's own heartbeat needs no id: the session knows who it is; a release may name
        // paths instead of an id.
        let optional_self = (spec.name == "heartbeat" || spec.name == "release_lock") && name == "id";
        if p["required"] == true && !optional_self {
            required.push(Value::String(name.clone()));
        }
        properties.insert(name, schema);
    }
    let body = resolve(openapi, &op["requestBody"]["content"]["application/json"]["schema"], 0);
    if let Some(props) = body["properties"].as_object() {
        for (k, v) in props {
            properties.insert(k.clone(), v.clone());
        }
        for r in body["required"].as_array().into_iter().flatten() {
            required.push(r.clone());
        }
    }
    if spec.name == "heartbeat" {
        properties
            .insert("task_id".into(), json!({"type": "string", "description": "Extend this task's lease instead."}));
        properties
            .insert("fence".into(), json!({"type": "integer", "description": "The task's fence (with task_id)."}));
        properties.insert(
            "lease_seconds".into(),
            json!({"type": "integer", "description": "New lease from now (with task_id)."}),
        );
    }
    if spec.name == "release_lock" {
        properties.insert(
            "paths".into(),
            json!({"type": "array", "items": {"type": "string"}, "description": "Release your locks on these keys instead of by id."}),
        );
        properties.insert(
            "project".into(),
            json!({"type": "string", "description": "The project of the locks (with paths)."}),
        );
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema
}

fn query_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(query_value).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// A tool error carrying the stable code and a sentence on what to do next.
fn tool_error(problem: Value) -> CallToolResult {
    let code = problem["code"].as_str().unwrap_or("internal");
    let detail = problem["detail"].as_str().unwrap_or("the call failed");
    let next = match code {
        "validation_failed" => "Fix the argument named above and call again.",
        "unauthenticated" => "This session has no valid API key; connect with `Authorization: Bearer <agent key>`.",
        "forbidden" => "You are not allowed to do this; ask a human with the right role.",
        "not_found" => "Check the id or name; it does not exist in your tenant.",
        "conflict" => "The state changed; read it again before retrying.",
        "stale_fence" => "Your lease on this task is gone: stop working on it and claim another task.",
        "lock_conflict" => "Pick other files, or wait until the holder releases or the lock expires.",
        "dependency_cycle" => "Break the cycle in depends_on.",
        "message_blocked" => "The allowlist forbids this message; choose another recipient or ask an admin.",
        "unavailable" => "Bosun is busy or its database is down; retry shortly.",
        "rate_limited" => "You are calling too fast; wait the time named above, then retry.",
        _ => "Retry later; if it persists, report the correlation_id to an operator.",
    };
    let mut result = CallToolResult::error(vec![ContentBlock::text(format!("{code}: {detail}. {next}"))]);
    result.structured_content = Some(problem);
    result
}

/// A short sentence for the model, beside the structured result.
fn summary(tool: &str, status: u16, body: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    match tool {
        "claim_task" if status == 204 => "No task is ready for you now; try later or pass wait_seconds.".into(),
        "claim_task" => format!(
            "Claimed task {} \"{}\" with fence {} until {}. Pass the fence to complete_task or fail_task.",
            s(&body["task"]["id"]),
            s(&body["task"]["title"]),
            body["fence"],
            s(&body["lease_expires_at"])
        ),
        "register_agent" => {
            format!("Registered as {}; this session now acts as that agent.", s(&body["agent"]["name"]))
        }
        "acquire_lock" => format!(
            "Locked {}.",
            body["locks"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| format!("{} (id {})", s(&l["key"]), s(&l["id"])))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "fetch_inbox" => format!("{} message(s).", body["messages"].as_array().map_or(0, Vec::len)),
        "submit_task" => format!("Task {} is {}.", s(&body["id"]), s(&body["status"])),
        "complete_task" | "fail_task" => format!("Task {} is now {}.", s(&body["id"]), s(&body["status"])),
        "send_message" => format!("Message {} sent.", s(&body["id"])),
        _ => {
            let text = body.to_string();
            if text.len() > 300 { format!("{}…", &text[..text.floor_char_boundary(300)]) } else { text }
        }
    }
}

/// The kernel, for in-process sessions: committed events (inbox notifications) and the
/// credential watches that end a session when its key is revoked.
#[derive(Clone)]
pub struct Events {
    pub kernel: Arc<crate::kernel::Kernel>,
}

/// An MCP session: its backend, its key (bound to a new agent after `register_agent`), its profile.
/// The state is shared: rmcp's session worker holds the session, and the [`json`] answer path
/// finds it by its session id in the [`Directory`].
pub struct Session(Arc<SessionState>);

impl std::ops::Deref for Session {
    type Target = SessionState;
    fn deref(&self) -> &SessionState {
        &self.0
    }
}

/// What a session knows.
pub struct SessionState {
    backend: Arc<dyn Backend>,
    openapi: Arc<Value>,
    /// The key given when the session was opened (stdio), used when a request carries none.
    key: Option<String>,
    /// The agent this session registered, once it has: the SHA-256 of the key that registered it
    /// and the agent's key. Used only for requests that present that same registering key.
    bound: Mutex<Option<([u8; 32], String)>>,
    /// Fixed for stdio; over HTTP read from `?tools=` on each request.
    profile: Option<Profile>,
    /// In-process sessions get committed events, to notify the agent of new inbox messages.
    events: Option<Events>,
    /// The agent this session acts as, once known.
    agent: Arc<Mutex<Option<String>>>,
    /// Cancelled when the session ends (dropped by the transport, deleted, timed out), when the
    /// server shuts down, or when a credential it was opened or bound with is revoked: its
    /// background work stops with it.
    ended: CancellationToken,
    /// Registrations of `ended` under those credentials.
    watches: Mutex<Vec<crate::kernel::streams::Watch>>,
    /// Where HTTP sessions are listed for the JSON answer path, and under which id.
    directory: Option<Arc<Directory>>,
    listed: std::sync::OnceLock<String>,
    /// When rmcp last saw a request of this session (its idle timer restarts then).
    pub(crate) seen_by_rmcp: Mutex<std::time::Instant>,
}

impl Drop for SessionState {
    fn drop(&mut self) {
        self.ended.cancel();
        if let (Some(directory), Some(id)) = (&self.directory, self.listed.get()) {
            directory.remove(id);
        }
    }
}

fn digest(key: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes()).into()
}

impl Session {
    pub fn new(backend: Arc<dyn Backend>, openapi: Arc<Value>, key: Option<String>, profile: Option<Profile>) -> Self {
        Session(Arc::new(SessionState {
            backend,
            openapi,
            key,
            bound: Mutex::new(None),
            profile,
            events: None,
            agent: Arc::default(),
            ended: CancellationToken::new(),
            watches: Mutex::default(),
            directory: None,
            listed: std::sync::OnceLock::new(),
            seen_by_rmcp: Mutex::new(std::time::Instant::now()),
        }))
    }

    fn state_mut(&mut self) -> &mut SessionState {
        Arc::get_mut(&mut self.0).expect("a session is configured before it is shared")
    }

    /// Push `notifications/resources/updated` for `bosun://inbox` when a message to this
    /// session's agent commits.
    pub fn with_events(mut self, events: Events) -> Self {
        let state = self.state_mut();
        state.ended = events.kernel.shutdown_token().child_token();
        state.events = Some(events);
        self
    }

    /// List the session in `directory` once it is initialized, so that its tool calls can be
    /// answered as plain JSON (see [`json`]).
    pub fn listed_in(mut self, directory: Arc<Directory>) -> Self {
        self.state_mut().directory = Some(directory);
        self
    }

    fn parts(ctx: &RequestContext<RoleServer>) -> Option<axum::http::request::Parts> {
        ctx.extensions.get::<axum::http::request::Parts>().cloned()
    }

    /// rmcp handled a request of this session (`parts`, which name the session's id over HTTP):
    /// its idle timer restarted, and from now on the session's tool calls may be answered as
    /// plain JSON.
    fn seen(&self, parts: Option<&axum::http::request::Parts>) {
        *self.seen_by_rmcp.lock().unwrap_or_else(|e| e.into_inner()) = std::time::Instant::now();
        if let (Some(directory), Some(id)) = (&self.directory, parts.and_then(json::session_id)) {
            directory.insert(id, &self.0);
        }
    }
}

impl SessionState {
    /// End this session's background work when `caller`'s key is revoked.
    fn watch(&self, key: Option<bosun_core::KeyId>, owner: Option<String>) {
        if let Some(events) = &self.events {
            let watch = events.kernel.watch_ids(key, owner, self.ended.clone());
            self.watches.lock().unwrap_or_else(|e| e.into_inner()).push(watch);
        }
    }

    /// The key a call runs with: what the request presents (over HTTP, authenticated by the
    /// `/mcp` gate), or the session's key on stdio. The session id is never a credential: only a
    /// request presenting the very key that registered this session's agent acts as that agent.
    fn bearer(&self, parts: Option<&axum::http::request::Parts>) -> Option<String> {
        let header = parts
            .and_then(|p| p.headers.get(axum::http::header::AUTHORIZATION))
            .and_then(|v| v.to_str().ok())
            .and_then(crate::auth::bearer_token)
            .map(str::to_owned);
        let presented = header.or_else(|| self.key.clone())?;
        match &*self.bound.lock().unwrap_or_else(|e| e.into_inner()) {
            Some((opener, agent_key)) if *opener == digest(&presented) => Some(agent_key.clone()),
            _ => Some(presented),
        }
    }

    fn profile(&self, parts: Option<&axum::http::request::Parts>) -> Profile {
        self.profile.unwrap_or_else(|| {
            let query = parts.and_then(|p| p.uri.query()).unwrap_or("");
            let wanted = query.split('&').find_map(|kv| kv.strip_prefix("tools=")).unwrap_or("");
            Profile::parse(wanted).unwrap_or(Profile::Core)
        })
    }

    /// Run one tool call as REST requests.
    pub async fn call(
        &self,
        name: &str,
        args: Option<JsonObject>,
        parts: Option<axum::http::request::Parts>,
    ) -> CallToolResult {
        let Some(spec) = TOOLS.iter().find(|t| t.name == name) else {
            return tool_error(json!({"code": "not_found", "detail": format!("no tool named `{name}`")}));
        };
        let mut args = args.unwrap_or_default();
        let bearer = self.bearer(parts.as_ref());
        let request = |method: Method, path: String, body: Option<Value>| ApiRequest {
            method,
            path,
            body,
            bearer: bearer.clone(),
            parts: parts.clone(),
        };
        // heartbeat: a task's lease when task_id is given, else the session's own agent.
        let (method, mut path) = (spec.method.clone(), spec.path.to_owned());
        let (method, template) = if spec.name == "heartbeat" && args.contains_key("task_id") {
            (Method::POST, "/api/v1/tasks/{task_id}/heartbeat".to_owned())
        } else if spec.name == "release_lock" && args.contains_key("paths") {
            (Method::POST, "/api/v1/locks/release".to_owned())
        } else {
            (method, std::mem::take(&mut path))
        };
        if spec.name == "heartbeat" && !args.contains_key("task_id") && !args.contains_key("id") {
            let me = self.backend.call(request(Method::GET, "/api/v1/whoami".into(), None)).await;
            if me.status >= 400 {
                return tool_error(me.body);
            }
            args.insert("id".into(), me.body["id"].clone());
        }
        let mut path = String::new();
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            path.push_str(&rest[..open]);
            let param = &rest[open + 1..close];
            match args.remove(param) {
                Some(Value::String(v)) => path.push_str(&encode_component(&v)),
                Some(other) if !other.is_null() => path.push_str(&encode_component(&query_value(&other))),
                _ => {
                    return tool_error(json!({"code": "validation_failed", "detail": format!("missing `{param}`")}));
                }
            }
            rest = &rest[(close + 1).min(rest.len())..];
        }
        path.push_str(rest);
        let body = if method == Method::GET || method == Method::DELETE {
            let query: Vec<String> = args
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(&query_value(v))))
                .collect();
            if !query.is_empty() {
                path.push('?');
                path.push_str(&query.join("&"));
            }
            None
        } else {
            Some(Value::Object(args))
        };
        let answer = self.backend.call(request(method, path, body)).await;
        if answer.status >= 400 {
            return tool_error(answer.body);
        }
        if spec.name == "register_agent"
            && let Some(key) = answer.body["key"]["key"].as_str()
            && let Some(opener) = bearer.as_deref()
        {
            *self.bound.lock().unwrap_or_else(|e| e.into_inner()) = Some((digest(opener), key.to_owned()));
            let agent = answer.body["agent"]["id"].as_str().map(str::to_owned);
            let key_id = answer.body["key"]["id"].as_str().and_then(bosun_core::KeyId::parse);
            self.watch(key_id, agent.clone());
            *self.agent.lock().unwrap_or_else(|e| e.into_inner()) = agent;
        }
        let structured = if answer.status == 204 { json!({"task": null}) } else { answer.body };
        let mut result = CallToolResult::structured(structured.clone());
        result.content = vec![ContentBlock::text(summary(spec.name, answer.status, &structured))];
        result
    }

    /// Read a resource by its uri.
    pub async fn read(&self, uri: &str, parts: Option<axum::http::request::Parts>) -> Result<Value, McpError> {
        let Some((_, _, path, _)) = RESOURCES.iter().find(|r| r.0 == uri) else {
            return Err(McpError::resource_not_found(format!("no resource `{uri}`"), None));
        };
        let get = |path: String| ApiRequest {
            method: Method::GET,
            path,
            body: None,
            bearer: self.bearer(parts.as_ref()),
            parts: parts.clone(),
        };
        let answer = self.backend.call(get((*path).to_owned())).await;
        if answer.status >= 400 {
            let detail = format!(
                "{}: {}",
                answer.body["code"].as_str().unwrap_or("error"),
                answer.body["detail"].as_str().unwrap_or("")
            );
            return Err(McpError::invalid_request(detail, Some(answer.body)));
        }
        if uri == "bosun://profile" && answer.body["principal_type"] == "agent" {
            let id = answer.body["id"].as_str().unwrap_or_default();
            let agent = self.backend.call(get(format!("/api/v1/agents/{}", encode_component(id)))).await;
            let permissions = self.backend.call(get("/api/v1/permissions".into())).await;
            return Ok(json!({
                "whoami": answer.body,
                "agent": agent.body,
                "profile": permissions.body["profile"],
                "actions": permissions.body["actions"],
            }));
        }
        Ok(answer.body)
    }

    pub fn list(&self, profile: Profile) -> Vec<Tool> {
        tool_definitions(&self.openapi)
            .into_iter()
            .filter(|(_, profiles)| profile == Profile::All || profiles.contains(&profile))
            .map(|(t, _)| t)
            .collect()
    }
}

impl ServerHandler for Session {
    fn get_info(&self) -> ServerConfig {
        let mut implementation = Implementation::default();
        implementation.name = "bosun".into();
        implementation.version = env!("CARGO_PKG_VERSION").into();
        ServerConfig::new(
            ServerCapabilities::builder().enable_tools().enable_resources().enable_resources_subscribe().build(),
        )
        .with_server_info(implementation)
        .with_instructions(
            "Bosun coordinates a fleet of agents. Typical flow: whoami (or register_agent) → read_handoff → \
                 claim_task (with the files you will edit in scope) → work → complete_task or fail_task with the \
                 fence → write_handoff. Lock files with acquire_lock before editing outside a claim's scope. Check \
                 fetch_inbox now and then.",
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let parts = Self::parts(&ctx);
        self.seen(parts.as_ref());
        let tools = self.list(self.profile(parts.as_ref()));
        let allowed = permitted::actions(self.backend.as_ref(), self.bearer(parts.as_ref()), parts.clone()).await;
        Ok(ListToolsResult { tools: permitted::filter(tools, allowed.as_deref()), ..Default::default() })
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let parts = Self::parts(&ctx);
        self.seen(parts.as_ref());
        Ok(self.call(&request.name, request.arguments, parts).await.into())
    }

    async fn on_initialized(&self, ctx: NotificationContext<RoleServer>) {
        let Some(events) = self.events.clone() else { return };
        let parts = ctx.extensions.get::<axum::http::request::Parts>().cloned();
        self.seen(parts.as_ref());
        // The gate authenticated the request and left the caller: the session ends with its key.
        if let Some(caller) = parts.as_ref().and_then(|p| p.extensions.get::<crate::kernel::Caller>()) {
            self.watch(caller.key, caller.agent_id().map(|a| a.to_string()));
        }
        if self.agent.lock().unwrap_or_else(|e| e.into_inner()).is_none() {
            let who = ApiRequest {
                method: Method::GET,
                path: "/api/v1/whoami".into(),
                body: None,
                bearer: self.bearer(parts.as_ref()),
                parts,
            };
            let me = self.backend.call(who).await;
            if me.body["principal_type"] == "agent" {
                *self.agent.lock().unwrap_or_else(|e| e.into_inner()) = me.body["id"].as_str().map(str::to_owned);
            }
        }
        let (agent, peer, mut rx) = (self.agent.clone(), ctx.peer.clone(), events.kernel.subscribe());
        let ended = self.ended.clone();
        tokio::spawn(async move {
            loop {
                let event = tokio::select! {
                    event = rx.recv() => event,
                    () = ended.cancelled() => return,
                };
                match event {
                    Ok(e) => {
                        let me = agent.lock().unwrap_or_else(|p| p.into_inner()).clone();
                        let mine =
                            me.and_then(|me| bosun_core::AgentId::parse(&me)).is_some_and(|me| e.is_new_mail_for(me));
                        if mine
                            && peer
                                .notify_resource_updated(ResourceUpdatedNotificationParam::new("bosun://inbox"))
                                .await
                                .is_err()
                        {
                            return; // the session is gone
                        }
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }

    async fn subscribe(
        &self,
        _request: SubscribeRequestParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Ok(()) // bosun://inbox updates are pushed to every session that acts as an agent
    }

    async fn unsubscribe(
        &self,
        _request: UnsubscribeRequestParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Ok(())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let resources = RESOURCES
            .iter()
            .map(|(uri, name, _, description)| {
                let mut r = Resource::new(*uri, *name).with_description(*description);
                r.mime_type = Some("application/json".into());
                r
            })
            .collect();
        Ok(ListResourcesResult { resources, ..Default::default() })
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let parts = Self::parts(&ctx);
        self.seen(parts.as_ref());
        let value = self.read(&request.uri, parts).await?;
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        Ok(ReadResourceResult::new(vec![ResourceContents::text(text, request.uri)]).into())
    }
}
