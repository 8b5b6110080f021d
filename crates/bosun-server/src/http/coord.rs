//! Agents, tasks, locks and handoffs over REST. Each handler parses, calls the kernel, maps.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use bosun_core::agent::AgentStatus;
use bosun_core::task::{DEFAULT_MAX_ATTEMPTS, DEFAULT_PRIORITY, TaskStatus};
use bosun_core::validate::{PageLimit, WaitSeconds};
use bosun_core::{AgentId, LockId, TaskId};
use bosun_store::{AgentFilter, HandoffFilter, TaskFilter};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::identity::parse_id;
use super::{ApiError, ApiJson, ApiQuery, App, Auth, EnrolAuth, Handled, Problem, Reply, executed, leave_to_wait};
use crate::admission::Place;
use crate::kernel::{
    AcquireLocks, ClaimTask, Command, FailTask, KernelError, NewTask, RegisterAgent, SubmitTasks, WorkTask,
    WriteHandoff,
};
use crate::views::{
    AgentPage, AgentRegistered, AgentView, ClaimView, HandoffList, HandoffView, LockList, LockView, TaskBatch,
    TaskPage, TaskView,
};

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError(KernelError::Validation(detail.into()))
}

pub(super) fn default_project() -> String {
    "default".into()
}
fn default_true() -> bool {
    true
}
fn empty_object() -> Value {
    Value::Object(Default::default())
}

fn respond<T: serde::Serialize>(result: Result<T, ApiError>) -> Handled {
    result.map(|body| Reply::json(&body))
}

// ---- agents ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterAgentBody {
    /// Unique in the tenant; a memorable AdjectiveNoun (e.g. `GreenCastle`) when omitted.
    #[schema(pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub name: Option<String>,
    /// Free text: claude-code, codex, worker…
    #[serde(default = "default_kind")]
    #[schema(example = "claude-code")]
    #[schema(min_length = 1, max_length = 64)]
    pub kind: String,
    #[serde(default)]
    #[schema(example = json!(["rust", "git"]))]
    pub capabilities: Vec<String>,
    /// A profile from GET /api/v1/profiles (observer, worker, trusted, admin-agent…); absent:
    /// the default for the agent's kind (`worker` unless configured). Above `worker`'s trust
    /// level, tenant admins only.
    #[serde(default)]
    #[schema(example = "worker", max_length = 64)]
    pub profile: Option<String>,
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    pub metadata: Value,
    /// Seconds between heartbeats (5–3600, default 30); silent for three means offline.
    #[serde(default = "default_interval")]
    #[schema(minimum = 5, maximum = 3600)]
    pub heartbeat_interval_seconds: u32,
}

fn default_kind() -> String {
    "agent".into()
}
fn default_interval() -> u32 {
    30
}

/// Register an agent; the answer carries its API key once. Users with the developer role or above.
#[utoipa::path(post, path = "/api/v1/agents", tag = "agents", request_body = RegisterAgentBody,
    responses((status = 201, body = AgentRegistered), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn register_agent(
    State(app): State<App>,
    EnrolAuth(auth): EnrolAuth,
    ApiJson(b): ApiJson<RegisterAgentBody>,
) -> Handled {
    let cmd = Command::RegisterAgent(RegisterAgent {
        name: b.name,
        kind: b.kind,
        capabilities: b.capabilities,
        profile: b.profile,
        metadata: b.metadata,
        heartbeat_interval_seconds: b.heartbeat_interval_seconds,
    });
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AgentParams {
    pub status: Option<String>,
    pub capability: Option<String>,
    pub kind: Option<String>,
    pub after: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// List agents, filtered by status, capability or kind.
#[utoipa::path(get, path = "/api/v1/agents", tag = "agents", params(AgentParams),
    responses((status = 200, body = AgentPage), (status = 422, body = Problem)))]
pub async fn list_agents(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<AgentParams>) -> Handled {
    respond(
        async {
            let status = p
                .status
                .as_deref()
                .map(|s| AgentStatus::parse(s).ok_or_else(|| invalid(format!("`status` `{s}` is not an agent status"))))
                .transpose()?;
            let after = p.after.as_deref().map(|a| parse_id("after", a, AgentId::parse)).transpose()?;
            let limit = PageLimit::or(p.limit, 100).get();
            let filter = AgentFilter { status, capability: p.capability, kind: p.kind };
            let agents = app.kernel.agents(&auth.caller, filter, after, limit).await?;
            let next_cursor =
                (agents.len() == limit as usize).then(|| agents.last().map(|a| a.id.to_string())).flatten();
            Ok(AgentPage { items: agents.iter().map(AgentView::from).collect(), next_cursor })
        }
        .await,
    )
}

/// Show one agent.
#[utoipa::path(get, path = "/api/v1/agents/{id}", tag = "agents", params(("id" = String, Path)),
    responses((status = 200, body = AgentView), (status = 404, body = Problem)))]
pub async fn get_agent(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    respond(
        async {
            let id = parse_id("id", &id, AgentId::parse)?;
            Ok(AgentView::from(&app.kernel.agent(&auth.caller, id).await?))
        }
        .await,
    )
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatBody {
    /// Optionally report a status change: idle, busy, terminating or failed.
    pub status: Option<String>,
}

/// An agent's heartbeat (only the agent itself). Any call by the agent also counts as presence.
#[utoipa::path(post, path = "/api/v1/agents/{id}/heartbeat", tag = "agents", request_body = HeartbeatBody,
    params(("id" = String, Path)),
    responses((status = 200, body = AgentView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn agent_heartbeat(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<HeartbeatBody>,
) -> Handled {
    let parsed = (|| {
        let agent_id = parse_id("id", &id, AgentId::parse)?;
        let status = b
            .status
            .as_deref()
            .map(|s| AgentStatus::parse(s).ok_or_else(|| invalid(format!("`status` `{s}` is not an agent status"))))
            .transpose()?;
        Ok::<_, ApiError>(Command::AgentHeartbeat { agent_id, status })
    })();
    match parsed {
        Ok(cmd) => executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await),
        Err(e) => Err(e),
    }
}

/// Deregister an agent: it becomes `terminated`, its keys are revoked, its leases and locks
/// released. Users with the developer role, or the agent itself.
#[utoipa::path(delete, path = "/api/v1/agents/{id}", tag = "agents", params(("id" = String, Path)),
    responses((status = 200, body = AgentView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn deregister_agent(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    match parse_id("id", &id, AgentId::parse) {
        Ok(agent_id) => {
            executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::DeregisterAgent { agent_id }).await)
        }
        Err(e) => Err(e),
    }
}

// ---- tasks ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitTaskBody {
    /// In a batch: a name other tasks of the batch use in `depends_on`.
    #[serde(rename = "ref")]
    pub local_ref: Option<String>,
    #[serde(default = "default_project")]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub project: String,
    #[schema(example = "Add pagination to /users")]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub payload: Value,
    /// 0–10, 10 highest (default 5).
    #[serde(default = "default_priority")]
    #[schema(maximum = 10)]
    pub priority: u8,
    /// Task ids (or, in a batch, refs) that must succeed first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub required_capabilities: Vec<String>,
    #[serde(default = "default_attempts")]
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: u32,
    /// Submitting again with the same key returns the original task (200).
    pub idempotency_key: Option<String>,
    pub deadline_at: Option<String>,
    /// What the task is expected to cost: its claim then reserves this on the budgets, in the
    /// same transaction as the lease, or is refused (402 `budget_exceeded`).
    pub estimate: Option<super::budgets::AmountBody>,
}

fn default_priority() -> u8 {
    DEFAULT_PRIORITY
}
fn default_attempts() -> u32 {
    DEFAULT_MAX_ATTEMPTS
}

impl SubmitTaskBody {
    fn into_new(self) -> Result<NewTask, ApiError> {
        Ok(NewTask {
            local_ref: self.local_ref,
            project: self.project,
            title: self.title,
            description: self.description,
            payload: self.payload,
            priority: self.priority,
            depends_on: self.depends_on,
            required_capabilities: self.required_capabilities,
            max_attempts: self.max_attempts,
            idempotency_key: self.idempotency_key,
            deadline_at: self.deadline_at,
            estimate: self.estimate.map(super::budgets::AmountBody::amount).transpose()?,
        })
    }
}

/// Submit a task. 201 with the task; 200 with the original when `idempotency_key` was used before.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", request_body = SubmitTaskBody,
    responses((status = 201, body = TaskView), (status = 200, body = TaskView), (status = 422, body = Problem)))]
pub async fn submit_task(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<SubmitTaskBody>) -> Handled {
    let cmd = Command::SubmitTasks(SubmitTasks { tasks: vec![b.into_new()?], single: true });
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// Up to 1000 tasks; `depends_on` may name `ref`s within the batch. A cycle is refused (422
    /// `dependency_cycle`, naming it) and nothing is created.
    pub tasks: Vec<SubmitTaskBody>,
}

/// Submit a set of tasks with dependencies among them (a DAG), all or nothing.
#[utoipa::path(post, path = "/api/v1/tasks/batch", tag = "tasks", request_body = BatchBody,
    responses((status = 201, body = TaskBatch), (status = 422, body = Problem)))]
pub async fn submit_batch(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<BatchBody>) -> Handled {
    let tasks = b.tasks.into_iter().map(SubmitTaskBody::into_new).collect::<Result<_, _>>()?;
    let cmd = Command::SubmitTasks(SubmitTasks { tasks, single: false });
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    #[serde(default = "default_project")]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub project: String,
    /// Lease length (default 300 s); heartbeat to extend it.
    #[serde(default = "default_lease")]
    #[schema(minimum = 1, maximum = 86400)]
    pub lease_seconds: u32,
    /// Wait up to this long (max 60 s) for a task when none is ready now.
    #[serde(default)]
    #[schema(value_type = u32, maximum = 60)]
    pub wait_seconds: WaitSeconds,
    /// Lock keys (paths or globs) the task will write, taken exclusively with the claim.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub scope: Vec<String>,
}

fn default_lease() -> u32 {
    300
}

/// Claim the best ready task this agent can do (priority, then submission order). 204 when none.
/// A task that declared an `estimate` is claimed only with room on the budgets (402 otherwise).
#[utoipa::path(post, path = "/api/v1/tasks/claim", tag = "tasks", request_body = ClaimBody,
    responses((status = 200, body = ClaimView), (status = 204, description = "Nothing to claim"),
        (status = 402, body = Problem, description = "budget_exceeded: the task's estimate does not fit a budget"),
        (status = 409, body = Problem, description = "lock_conflict: the scope is locked by another holder")))]
pub async fn claim_task(
    State(app): State<App>,
    place: Option<Extension<Arc<Place>>>,
    auth: Auth,
    ApiJson(b): ApiJson<ClaimBody>,
) -> Handled {
    let claim = ClaimTask { project: b.project, lease_seconds: b.lease_seconds, scope: b.scope };
    let wait = b.wait_seconds.duration();
    leave_to_wait(place, wait);
    executed(app.kernel.claim(&auth.caller, &auth.ctx, claim, wait).await)
}

/// Show one task.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = String, Path)),
    responses((status = 200, body = TaskView), (status = 404, body = Problem)))]
pub async fn get_task(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    respond(
        async {
            let id = parse_id("id", &id, TaskId::parse)?;
            Ok(TaskView::from(&app.kernel.task(&auth.caller, id).await?))
        }
        .await,
    )
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskParams {
    pub project: Option<String>,
    pub status: Option<String>,
    /// Agent id.
    pub assignee: Option<String>,
    pub priority: Option<u8>,
    pub after: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// List tasks in submission order.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TaskParams),
    responses((status = 200, body = TaskPage), (status = 422, body = Problem)))]
pub async fn list_tasks(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<TaskParams>) -> Handled {
    respond(
        async {
            let status = p
                .status
                .as_deref()
                .map(|s| TaskStatus::parse(s).ok_or_else(|| invalid(format!("`status` `{s}` is not a task status"))))
                .transpose()?;
            let assignee = p.assignee.as_deref().map(|a| parse_id("assignee", a, AgentId::parse)).transpose()?;
            let after = p.after.as_deref().map(|a| parse_id("after", a, TaskId::parse)).transpose()?;
            let limit = PageLimit::or(p.limit, 100).get();
            let filter = TaskFilter { project: p.project, status, assignee, priority: p.priority };
            let tasks = app.kernel.tasks(&auth.caller, filter, after, limit).await?;
            let next_cursor = (tasks.len() == limit as usize).then(|| tasks.last().map(|t| t.id.to_string())).flatten();
            Ok(TaskPage { items: tasks.iter().map(TaskView::from).collect(), next_cursor })
        }
        .await,
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskHeartbeatBody {
    /// The fence from the claim.
    pub fence: u64,
    /// New lease length from now (default 300 s).
    #[schema(minimum = 1, maximum = 86400)]
    pub lease_seconds: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    pub fence: u64,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub result: Value,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FailBody {
    pub fence: u64,
    #[schema(min_length = 1, max_length = 10000)]
    pub error: String,
    /// Retry with backoff until max_attempts (default true); false dead-letters at once.
    #[serde(default = "default_true")]
    pub retryable: bool,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub reason: Option<String>,
}

fn task_id(raw: &str) -> Result<TaskId, ApiError> {
    parse_id("id", raw, TaskId::parse)
}

async fn run(app: &App, auth: &Auth, cmd: Result<Command, ApiError>) -> Handled {
    match cmd {
        Ok(cmd) => executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await),
        Err(e) => Err(e),
    }
}

/// Extend the lease (the holder, with the current fence; 409 `stale_fence` otherwise).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/heartbeat", tag = "tasks", request_body = TaskHeartbeatBody,
    params(("id" = String, Path)), responses((status = 200, body = TaskView), (status = 409, body = Problem)))]
pub async fn task_heartbeat(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TaskHeartbeatBody>,
) -> Handled {
    let cmd = task_id(&id)
        .map(|task_id| Command::TaskHeartbeat(WorkTask { task_id, fence: b.fence, lease_seconds: b.lease_seconds }));
    run(&app, &auth, cmd).await
}

/// Complete a leased task with its result (the holder, with the current fence).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/complete", tag = "tasks", request_body = CompleteBody,
    params(("id" = String, Path)), responses((status = 200, body = TaskView), (status = 409, body = Problem)))]
pub async fn complete_task(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CompleteBody>,
) -> Handled {
    let cmd = task_id(&id).map(|task_id| Command::CompleteTask {
        task: WorkTask { task_id, fence: b.fence, lease_seconds: None },
        result: b.result,
    });
    run(&app, &auth, cmd).await
}

/// Fail a leased task: retried after a backoff, or dead-lettered.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/fail", tag = "tasks", request_body = FailBody,
    params(("id" = String, Path)), responses((status = 200, body = TaskView), (status = 409, body = Problem)))]
pub async fn fail_task(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<FailBody>,
) -> Handled {
    let cmd = task_id(&id).map(|task_id| {
        Command::FailTask(FailTask {
            task: WorkTask { task_id, fence: b.fence, lease_seconds: None },
            error: b.error,
            retryable: b.retryable,
        })
    });
    run(&app, &auth, cmd).await
}

/// Cancel a task; its dependants are cancelled with a reason.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/cancel", tag = "tasks", request_body = CancelBody,
    params(("id" = String, Path)), responses((status = 200, body = TaskView), (status = 409, body = Problem)))]
pub async fn cancel_task(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CancelBody>,
) -> Handled {
    let cmd = task_id(&id).map(|task_id| Command::CancelTask { task_id, reason: b.reason });
    run(&app, &auth, cmd).await
}

/// Move a dead task back to ready with fresh attempts (users with the developer role or above).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/retry", tag = "tasks",
    params(("id" = String, Path)), responses((status = 200, body = TaskView), (status = 409, body = Problem)))]
pub async fn retry_task(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let cmd = task_id(&id).map(|task_id| Command::RetryTask { task_id });
    run(&app, &auth, cmd).await
}

// ---- locks ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocksBody {
    #[serde(default = "default_project")]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub project: String,
    /// Path globs (`src/**/*.rs`) or logical keys (`db:migrations`, `api:/v1/*`).
    #[schema(min_items = 1, max_items = 100)]
    pub paths: Vec<String>,
    #[serde(default = "default_true")]
    pub exclusive: bool,
    #[serde(default = "default_ttl")]
    #[schema(minimum = 1, maximum = 604800)]
    pub ttl_seconds: u32,
    pub reason: Option<String>,
}

fn default_ttl() -> u32 {
    3600
}

/// Acquire locks, all or nothing: 409 `lock_conflict` lists every conflicting lock.
#[utoipa::path(post, path = "/api/v1/locks", tag = "locks", request_body = LocksBody,
    responses((status = 201, body = LockList), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn acquire_locks(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<LocksBody>) -> Handled {
    let cmd = Command::AcquireLocks(AcquireLocks {
        project: b.project,
        paths: b.paths,
        exclusive: b.exclusive,
        ttl_seconds: b.ttl_seconds,
        reason: b.reason,
    });
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LockParams {
    pub project: Option<String>,
    /// Only locks covering this path (or overlapping this glob).
    pub path: Option<String>,
}

/// Active locks (expired ones never appear).
#[utoipa::path(get, path = "/api/v1/locks", tag = "locks", params(LockParams),
    responses((status = 200, body = LockList), (status = 422, body = Problem)))]
pub async fn list_locks(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<LockParams>) -> Handled {
    respond(
        async {
            let locks = app.kernel.locks(&auth.caller, p.project, p.path).await?;
            Ok(LockList { locks: locks.iter().map(LockView::from).collect() })
        }
        .await,
    )
}

/// Release a lock: its holder, or an admin (a forced release, audited as such).
#[utoipa::path(delete, path = "/api/v1/locks/{id}", tag = "locks", params(("id" = String, Path)),
    responses((status = 200, body = LockView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn release_lock(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let cmd = parse_id("id", &id, LockId::parse).map(|lock_id| Command::ReleaseLock { lock_id });
    run(&app, &auth, cmd).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseBody {
    #[serde(default = "default_project")]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub project: String,
    /// The keys you locked (as given to acquire; `./a//b` and `a/b` are the same key).
    #[schema(min_items = 1, max_items = 100)]
    pub paths: Vec<String>,
}

/// Release your own locks by key instead of by id: a client that lost the ids (a retry after a
/// timeout, a restarted agent) can still let go. 404 when you hold none of them.
#[utoipa::path(post, path = "/api/v1/locks/release", tag = "locks", request_body = ReleaseBody,
    responses((status = 200, body = LockList), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn release_locks(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<ReleaseBody>) -> Handled {
    let cmd = Command::ReleaseLocksByKey { project: b.project, paths: b.paths };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RenewBody {
    /// New TTL from now (default 3600 s).
    #[schema(minimum = 1, maximum = 604800)]
    pub ttl_seconds: Option<u32>,
}

/// Renew a lock (its holder).
#[utoipa::path(post, path = "/api/v1/locks/{id}/renew", tag = "locks", request_body = RenewBody,
    params(("id" = String, Path)), responses((status = 200, body = LockView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn renew_lock(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RenewBody>,
) -> Handled {
    let cmd =
        parse_id("id", &id, LockId::parse).map(|lock_id| Command::RenewLock { lock_id, ttl_seconds: b.ttl_seconds });
    run(&app, &auth, cmd).await
}

// ---- handoffs ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoffBody {
    #[serde(default = "default_project")]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub project: String,
    #[schema(value_type = Option<String>)]
    pub task_id: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub summary: String,
    #[serde(default)]
    pub completed: Vec<String>,
    #[serde(default)]
    pub in_progress: Vec<String>,
    #[serde(default)]
    pub next_steps: Vec<String>,
    #[serde(default)]
    pub decisions: Vec<String>,
    #[serde(default)]
    pub files: Vec<String>,
}

/// Leave a handoff for whoever continues the work.
#[utoipa::path(post, path = "/api/v1/handoffs", tag = "handoffs", request_body = HandoffBody,
    responses((status = 201, body = HandoffView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn write_handoff(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<HandoffBody>) -> Handled {
    let cmd = b.task_id.as_deref().map(|t| parse_id("task_id", t, TaskId::parse)).transpose().map(|task_id| {
        Command::WriteHandoff(WriteHandoff {
            project: b.project,
            task_id,
            summary: b.summary,
            completed: b.completed,
            in_progress: b.in_progress,
            next_steps: b.next_steps,
            decisions: b.decisions,
            files: b.files,
        })
    });
    run(&app, &auth, cmd).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HandoffParams {
    pub project: Option<String>,
    pub task_id: Option<String>,
    /// Author id or name.
    pub agent: Option<String>,
    /// Only the newest one.
    #[serde(default)]
    pub latest: bool,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// Read handoffs, newest first.
#[utoipa::path(get, path = "/api/v1/handoffs", tag = "handoffs", params(HandoffParams),
    responses((status = 200, body = HandoffList), (status = 422, body = Problem)))]
pub async fn read_handoffs(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<HandoffParams>) -> Handled {
    respond(
        async {
            let task_id = p.task_id.as_deref().map(|t| parse_id("task_id", t, TaskId::parse)).transpose()?;
            let limit = if p.latest { 1 } else { PageLimit::or(p.limit, 100).get() };
            let filter = HandoffFilter { project: p.project, task_id, author: p.agent };
            let handoffs = app.kernel.handoffs(&auth.caller, filter, limit).await?;
            Ok(HandoffList { items: handoffs.iter().map(HandoffView::from).collect() })
        }
        .await,
    )
}
