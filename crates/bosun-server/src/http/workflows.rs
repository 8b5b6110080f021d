//! Workflows over REST (issue 16): templates (built-in and the tenant's own, versioned), runs
//! started from them, their status, and cancellation.

use axum::extract::{Path, State};
use bosun_core::validate::PageLimit;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiJson, ApiQuery, App, Auth, Handled, Problem, Reply, executed};
use crate::kernel::{Command, KernelError, PutWorkflowTemplate, StartWorkflow};
use crate::views::{
    WorkflowRunList, WorkflowRunSummary, WorkflowRunView, WorkflowTemplateList, WorkflowTemplateStored,
    WorkflowTemplateView,
};

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError(KernelError::Validation(detail.into()))
}

fn run_id(id: &str) -> Result<String, ApiError> {
    ulid::Ulid::from_string(id).map(|_| id.to_owned()).map_err(|_| invalid("`id` is a run id (a ULID)"))
}

/// Every template you can run: the built-ins (`review`, `fix-until-green`, `map-reduce`) and
/// the tenant's own (a template of the same name replaces the built-in), with their parameters.
#[utoipa::path(get, path = "/api/v1/workflows", tag = "workflows",
    responses((status = 200, body = WorkflowTemplateList)))]
pub async fn list_workflows(State(app): State<App>, auth: Auth) -> Handled {
    let all = app.kernel.workflow_templates(&auth.caller).await?;
    Ok(Reply::json(&WorkflowTemplateList {
        templates: all.iter().map(|t| WorkflowTemplateView::new(t, false)).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TemplateParams {
    /// A version of the tenant's own template (absent: the latest; 0: the built-in).
    pub version: Option<u64>,
}

/// One template with its text.
#[utoipa::path(get, path = "/api/v1/workflows/{name}", tag = "workflows",
    params(("name" = String, Path), TemplateParams),
    responses((status = 200, body = WorkflowTemplateView), (status = 404, body = Problem)))]
pub async fn get_workflow(
    State(app): State<App>,
    auth: Auth,
    Path(name): Path<String>,
    ApiQuery(p): ApiQuery<TemplateParams>,
) -> Handled {
    let t = app.kernel.workflow_template(&auth.caller, &name, p.version).await?;
    Ok(Reply::json(&WorkflowTemplateView::new(&t, true)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowTextBody {
    /// The workflow (TOML, at most 64 KiB); its `name` must be the one in the address. See
    /// docs/WORKFLOWS.md for the format.
    #[schema(
        max_length = 65536,
        example = "name = \"lint-each\"\n[params.files]\nrequired = true\n[[steps]]\nid = \"lint\"\nkind = \"map\"\nover = \"params.files\"\ntitle = \"Lint {item}\"\n"
    )]
    pub text: String,
}

/// Store a new version of the tenant's template (developers and above). The text is compiled
/// first: a definition that does not compile (a cycle, an unknown step, an undeclared
/// parameter, a loop without `max_iterations`…) is 422 `invalid_workflow` with its `line`.
/// The same text as the latest version stores nothing (200, `created: false`). Runs keep the
/// text they started with.
#[utoipa::path(put, path = "/api/v1/workflows/{name}", tag = "workflows", params(("name" = String, Path)),
    request_body = WorkflowTextBody,
    responses((status = 201, body = WorkflowTemplateStored), (status = 200, body = WorkflowTemplateStored),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_workflow(
    State(app): State<App>,
    auth: Auth,
    Path(name): Path<String>,
    ApiJson(b): ApiJson<WorkflowTextBody>,
) -> Handled {
    let cmd = Command::PutWorkflowTemplate(PutWorkflowTemplate { name, text: b.text });
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

fn default_project() -> String {
    "default".into()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRunBody {
    /// The project its tasks are queued in.
    #[serde(default = "default_project")]
    #[schema(example = "web", max_length = 128)]
    pub project: String,
    /// The template's parameters (at most 64 KiB of JSON); the required ones must be given.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"check": "cargo test"}))]
    pub params: Map<String, Value>,
}

/// Start a run: its first tasks are queued at once and it advances as they end (202 with the
/// run). Workers claim its tasks like any other; a check step's task needs a worker that runs
/// checks (`bosun worker --run-checks`).
#[utoipa::path(post, path = "/api/v1/workflows/{name}/runs", tag = "workflows", params(("name" = String, Path)),
    request_body = StartRunBody,
    responses((status = 202, body = WorkflowRunView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn start_run(
    State(app): State<App>,
    auth: Auth,
    Path(name): Path<String>,
    ApiJson(b): ApiJson<StartRunBody>,
) -> Handled {
    let cmd = Command::StartWorkflow(StartWorkflow { template: name, project: b.project, params: b.params });
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RunListParams {
    /// `running`, `succeeded`, `failed` or `cancelled`.
    pub status: Option<String>,
    /// Only runs older than this id (the previous page's `next_before`).
    pub before: Option<String>,
    /// 1–200 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageLimit>,
}

/// Runs, newest first.
#[utoipa::path(get, path = "/api/v1/workflows/runs", tag = "workflows", params(RunListParams),
    responses((status = 200, body = WorkflowRunList), (status = 422, body = Problem)))]
pub async fn list_runs(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<RunListParams>) -> Handled {
    let limit = PageLimit::or(p.limit, 20).get().min(crate::kernel::MAX_RUNS_PAGE);
    if let Some(s) = &p.status
        && !["running", "succeeded", "failed", "cancelled"].contains(&s.as_str())
    {
        return Err(invalid("`status` is one of running, succeeded, failed, cancelled"));
    }
    let before = p.before.as_deref().map(run_id).transpose()?;
    let runs = app.kernel.workflow_runs(&auth.caller, p.status, before, limit).await?;
    let next_before = (runs.len() == limit as usize).then(|| runs.last().map(|r| r.id.clone())).flatten();
    Ok(Reply::json(&WorkflowRunList { runs: runs.iter().map(WorkflowRunSummary::from).collect(), next_before }))
}

/// A run: its status, every step (in definition order) with its tasks, a loop's iteration, each
/// step's result (a map's in item order, a reduce's aggregate) and why a step was skipped or
/// failed.
#[utoipa::path(get, path = "/api/v1/workflows/runs/{id}", tag = "workflows", params(("id" = String, Path)),
    responses((status = 200, body = WorkflowRunView), (status = 404, body = Problem)))]
pub async fn get_run(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let v = app.kernel.workflow_run(&auth.caller, &run_id(&id)?).await?;
    Ok(Reply::json(&WorkflowRunView::new(&v)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRunBody {
    #[schema(max_length = 2000, example = "superseded by a new plan")]
    pub reason: Option<String>,
}

/// Cancel a running run: its running tasks are cancelled (their locks released) and no step
/// starts again. 409 when it already ended.
#[utoipa::path(post, path = "/api/v1/workflows/runs/{id}/cancel", tag = "workflows", params(("id" = String, Path)),
    request_body = CancelRunBody,
    responses((status = 200, body = WorkflowRunView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn cancel_run(
    State(app): State<App>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CancelRunBody>,
) -> Handled {
    let cmd = Command::CancelWorkflow { id: run_id(&id)?, reason: b.reason };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}
