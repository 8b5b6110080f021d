//! Workflow runs (issue 16): start a run of a template, advance it when one of its tasks ends,
//! cancel it; tenants' own templates, versioned. The rules of a run are core's
//! (`bosun_core::workflow::run`); this file keeps a run's state in the store and turns the tasks
//! it asks for into queue tasks — inside the transaction of the command that ended a task, so a
//! run advances exactly when its tasks do and a restart resumes it from what was committed.

use std::collections::HashMap;

use bosun_core::audit::Severity;
use bosun_core::task::{Task, TaskStatus};
use bosun_core::workflow::run::{self, Finished, RunState};
use bosun_core::workflow::{self, Invalid, Plan, templates};
use bosun_core::{Action, TaskId};
use bosun_store::{WorkflowRun, WorkflowTemplate};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::coord::{check_project, release_scope, settle_agent, task_error};
use super::{Applied, Caller, Done, Kernel, KernelError, Outcome, Tx};

/// The most bytes of a run's parameters (JSON).
pub const MAX_PARAMS: usize = 64 * 1024;
/// What a run keeps of its tasks' results, in all: each result may use an equal share (at least
/// [`MIN_RESULT`], at most [`MAX_RESULT`] bytes); a larger one is kept as a marker naming its task.
const RESULTS_BUDGET: usize = 1 << 20;
const MIN_RESULT: usize = 512;
const MAX_RESULT: usize = 64 * 1024;
/// The most runs one list answers.
pub const MAX_RUNS_PAGE: u32 = 200;

#[derive(Clone, Debug, Serialize)]
pub struct StartWorkflow {
    pub template: String,
    pub project: String,
    /// The run's parameters (checked against the template's).
    pub params: Map<String, Value>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PutWorkflowTemplate {
    pub name: String,
    /// The workflow text (TOML); its `name` must be `name`.
    pub text: String,
}

/// A workflow text that does not compile: answered with its line.
fn invalid_workflow(e: Invalid) -> KernelError {
    KernelError::InvalidWorkflow { line: e.line, reason: e.reason }
}

fn check_name(name: &str) -> Result<(), KernelError> {
    // `runs` names the runs' own address (`/api/v1/workflows/runs/...`).
    if !workflow::valid_name(name) || name == "runs" {
        return Err(KernelError::Validation(format!(
            "workflow name `{}` must be 1 to 64 of a-z, 0-9, `-` and `_` (and not `runs`)",
            name.chars().take(64).collect::<String>()
        )));
    }
    Ok(())
}

pub(super) fn validate_start(s: &StartWorkflow) -> Result<(), KernelError> {
    check_name(&s.template)?;
    check_project(&s.project)?;
    let size = serde_json::to_string(&s.params).map_or(usize::MAX, |t| t.len());
    if size > MAX_PARAMS {
        return Err(KernelError::Validation(format!("`params` is {size} bytes; at most {MAX_PARAMS}")));
    }
    Ok(())
}

pub(super) fn validate_put(p: &PutWorkflowTemplate) -> Result<(), KernelError> {
    check_name(&p.name)?;
    let plan = workflow::compile(&p.text).map_err(invalid_workflow)?;
    if plan.name != p.name {
        let reason = format!("the workflow is named `{}`, not `{}` as the address says", plan.name, p.name);
        return Err(invalid_workflow(Invalid { line: 1, reason }));
    }
    Ok(())
}

pub(super) fn validate_cancel(id: &str, reason: Option<&str>) -> Result<(), KernelError> {
    if id.is_empty() || id.len() > 64 {
        return Err(KernelError::Validation("`id` is a run id (a ULID)".into()));
    }
    super::coord::validate_reason(reason)
}

/// The text a run of `name` starts from: the tenant's latest version, else the built-in.
fn template_text(tx: &mut Tx<'_>, name: &str) -> Result<(String, u64), KernelError> {
    if let Some(t) = tx.w.workflow_template(tx.caller.tenant, name, None)? {
        return Ok((t.text, t.version));
    }
    templates::builtin(name)
        .map(|t| (t.to_owned(), 0))
        .ok_or_else(|| KernelError::NotFound(format!("no workflow template `{name}`")))
}

/// A stored text compiles (it did when it was stored); if it no longer does, that is ours.
fn plan_of(text: &str) -> Result<Plan, KernelError> {
    workflow::compile(text).map_err(|e| KernelError::Internal(format!("a stored workflow no longer compiles: {e}")))
}

fn params_of(run: &WorkflowRun) -> Result<HashMap<String, Value>, KernelError> {
    serde_json::from_str(&run.params).map_err(|e| KernelError::Internal(format!("run {} params: {e}", run.id)))
}

fn state_of(run: &WorkflowRun) -> Result<RunState, KernelError> {
    serde_json::from_str(&run.state).map_err(|e| KernelError::Internal(format!("run {} state: {e}", run.id)))
}

/// Write a run's state (and the status it implies) into its record.
fn record(r: &mut WorkflowRun, state: &RunState, now: bosun_core::Timestamp) {
    r.state = serde_json::to_string(state).unwrap_or_default();
    r.status = state.status.as_str().to_owned();
    r.updated_at = now;
}

/// A result as the run keeps it: whole when it fits its share, else a marker naming the task.
fn kept(result: Value, share: usize, task: TaskId) -> Value {
    let bytes = serde_json::to_string(&result).map_or(usize::MAX, |t| t.len());
    if bytes <= share { result } else { json!({"truncated": true, "bytes": bytes, "task": task}) }
}

fn share(state: &RunState) -> usize {
    let slots = state.steps.values().map(|s| s.tasks.len()).sum::<usize>().max(1);
    (RESULTS_BUDGET / slots).clamp(MIN_RESULT, MAX_RESULT)
}

/// Create the queue tasks a run asked for; record their ids in its state.
fn create_tasks(
    tx: &mut Tx<'_>,
    run: &WorkflowRun,
    new: Vec<run::NewTask>,
    state: &mut RunState,
) -> Result<Vec<TaskId>, KernelError> {
    let mut created = Vec::with_capacity(new.len());
    for t in new {
        let mut payload = t.payload;
        payload["workflow_run"] = json!(run.id);
        payload["workflow_key"] = json!(t.key);
        if let Some(p) = &t.prompt {
            payload["prompt"] = json!(p);
        }
        bosun_core::redact::redact_value(&mut payload);
        let check = payload.get("check_command").is_some();
        // A title is a line for people (an item can be long): at most 500 characters.
        let title: String = t.title.chars().take(500).collect();
        let task = Task {
            description: t.prompt.clone().unwrap_or_default(),
            payload,
            required_capabilities: t.capabilities.clone(),
            // A failing check is an outcome, not a hiccup: it is not tried again.
            max_attempts: if check { 1 } else { bosun_core::task::DEFAULT_MAX_ATTEMPTS },
            ..Task::new(tx.caller.tenant, &run.project, &title, &run.created_by, tx.now)
        };
        tx.w.create_task(&task)?;
        state.assign(&t.key, task.id.to_string());
        created.push(task.id);
    }
    Ok(created)
}

pub(super) fn start(tx: &mut Tx<'_>, s: StartWorkflow) -> Result<Applied, KernelError> {
    let (text, version) = template_text(tx, &s.template)?;
    let plan = plan_of(&text)?;
    let params = plan.bind(&s.params).map_err(KernelError::Validation)?;
    let (mut state, first) = run::start(&plan, &params);
    let mut r = WorkflowRun {
        tenant_id: tx.caller.tenant,
        id: bosun_core::ids::next_ulid().to_string(),
        template: s.template.clone(),
        version,
        project: s.project.clone(),
        text,
        params: serde_json::to_string(&params).unwrap_or_default(),
        state: String::new(),
        status: String::new(),
        created_by: tx.caller.actor().2.unwrap_or_default(),
        created_at: tx.now,
        updated_at: tx.now,
    };
    let created = create_tasks(tx, &r, first, &mut state)?;
    record(&mut r, &state, tx.now);
    tx.w.insert_workflow_run(&r)?;
    let details = json!({"template": s.template, "version": version, "created": created, "status": r.status});
    let target = ("workflow_run", r.id.clone());
    let wakes = !created.is_empty();
    let view = RunView { run: r, state, plan, params: params.into_iter().collect() };
    Ok(Applied::new(Action::WorkflowStart, Outcome::WorkflowRun(Box::new(view)), target, details)
        .project(&s.project)
        .wakes(wakes))
}

/// A task ended for good (succeeded, dead or cancelled): if it is a run's, advance the run and
/// say what happened in the ending command's audit `details` (as `workflow`). Answers whether
/// new tasks are claimable. A task that only claims to be a run's (its id is not the one the
/// run recorded for that key) changes nothing.
pub(super) fn task_ended(tx: &mut Tx<'_>, task: &Task, details: &mut Value) -> Result<bool, KernelError> {
    // A task failed but to be tried again (or back in the queue after a lost lease) has not
    // ended: its run waits for it.
    if !matches!(task.status, TaskStatus::Succeeded | TaskStatus::Dead | TaskStatus::Cancelled) {
        return Ok(false);
    }
    let (Some(run_id), Some(key)) = (
        task.payload.get("workflow_run").and_then(Value::as_str),
        task.payload.get("workflow_key").and_then(Value::as_str),
    ) else {
        return Ok(false);
    };
    let Some(mut r) = tx.w.workflow_run(tx.caller.tenant, run_id)? else { return Ok(false) };
    if r.status != "running" {
        return Ok(false);
    }
    let mut state = state_of(&r)?;
    let id = task.id.to_string();
    if state.slot(key).and_then(|s| s.task.as_deref()) != Some(id.as_str()) {
        return Ok(false);
    }
    let succeeded = task.status == TaskStatus::Succeeded;
    let result = if succeeded {
        task.result.clone().unwrap_or(Value::Null)
    } else {
        json!({"status": task.status, "error": task.error})
    };
    let done = Finished { key: key.to_owned(), succeeded, result: kept(result, share(&state), task.id) };
    let (plan, params) = (plan_of(&r.text)?, params_of(&r)?);
    let next = run::finished(&plan, &params, &mut state, &done);
    let started: Vec<String> = next.iter().map(|t| t.key.clone()).collect();
    let created = create_tasks(tx, &r, next, &mut state)?;
    record(&mut r, &state, tx.now);
    tx.w.update_workflow_run(&r)?;
    details["workflow"] =
        json!({"run": r.id, "key": key, "started": started, "created": created, "run_status": r.status});
    Ok(!created.is_empty())
}

pub(super) fn cancel(tx: &mut Tx<'_>, id: &str, reason: Option<String>) -> Result<Applied, KernelError> {
    let mut r =
        tx.w.workflow_run(tx.caller.tenant, id)?
            .ok_or_else(|| KernelError::NotFound(format!("no workflow run {id}")))?;
    let mut state = state_of(&r)?;
    if state.status.ended() {
        return Err(KernelError::Conflict(format!("run {id} already {}", state.status.as_str())));
    }
    let reason = reason.unwrap_or_else(|| format!("run cancelled by {}", tx.caller.actor().2.unwrap_or_default()));
    let mut cancelled = Vec::new();
    for task_id in state.cancel().iter().filter_map(|t| TaskId::parse(t)) {
        let Some(mut task) = tx.w.task(tx.caller.tenant, task_id)? else { continue };
        if task.status.is_final() {
            continue;
        }
        let holder = task.assignee;
        task.cancel(reason.clone(), tx.now).map_err(task_error)?;
        tx.w.update_task(&task)?;
        release_scope(tx, &task, holder)?;
        settle_agent(tx, holder)?;
        cancelled.push(task_id);
    }
    record(&mut r, &state, tx.now);
    tx.w.update_workflow_run(&r)?;
    let details = json!({"reason": reason, "cancelled_tasks": cancelled, "template": r.template});
    let (project, target) = (r.project.clone(), ("workflow_run", r.id.clone()));
    let view =
        RunView { plan: plan_of(&r.text)?, params: serde_json::from_str(&r.params).unwrap_or_default(), run: r, state };
    Ok(Applied::new(Action::WorkflowCancel, Outcome::WorkflowRun(Box::new(view)), target, details)
        .project(&project)
        .severity(Severity::Notice))
}

pub(super) fn put_template(tx: &mut Tx<'_>, p: PutWorkflowTemplate) -> Result<Done, KernelError> {
    let tenant = tx.caller.tenant;
    let latest = tx.w.workflow_template(tenant, &p.name, None)?;
    if let Some(t) = latest.as_ref().filter(|t| t.text == p.text) {
        // The same text again: the version it already is.
        return Ok(Done::Quiet(Outcome::WorkflowTemplate { template: Box::new(t.clone()), created: false }));
    }
    let plan = workflow::compile(&p.text).map_err(invalid_workflow)?;
    let t = WorkflowTemplate {
        tenant_id: tenant,
        name: p.name.clone(),
        version: latest.map_or(1, |l| l.version + 1),
        description: plan.description,
        text: p.text,
        created_by: tx.caller.actor().2.unwrap_or_default(),
        created_at: tx.now,
    };
    tx.w.insert_workflow_template(&t)
        .map_err(super::conflict_as("the template was changed at the same time; retry".into()))?;
    let details =
        json!({"name": t.name, "version": t.version, "replaces_builtin": templates::builtin(&t.name).is_some()});
    let target = ("workflow_template", t.name.clone());
    Ok(Done::Changed(Applied::new(
        Action::WorkflowTemplatePut,
        Outcome::WorkflowTemplate { template: Box::new(t), created: true },
        target,
        details,
    )))
}

/// A template as a list shows it: the tenant's own (latest version) or a built-in.
#[derive(Clone, Debug)]
pub struct TemplateInfo {
    pub name: String,
    /// 0: built in.
    pub version: u64,
    pub description: String,
    pub text: String,
    pub params: Vec<workflow::Param>,
}

fn info(name: &str, version: u64, text: &str) -> Option<TemplateInfo> {
    let plan = workflow::compile(text).ok()?;
    Some(TemplateInfo {
        name: name.to_owned(),
        version,
        description: plan.description,
        text: text.to_owned(),
        params: plan.params,
    })
}

/// A run as read: the stored record, its state and its plan (for the steps' kinds and order).
#[derive(Clone, Debug)]
pub struct RunView {
    pub run: WorkflowRun,
    pub state: RunState,
    pub plan: Plan,
    pub params: Map<String, Value>,
}

impl RunView {
    /// A stored run with its state and plan read.
    pub fn read(run: WorkflowRun) -> Result<RunView, KernelError> {
        let state = state_of(&run)?;
        let plan = plan_of(&run.text)?;
        let params = serde_json::from_str(&run.params).unwrap_or_default();
        Ok(RunView { run, state, plan, params })
    }
}

impl Kernel {
    /// Every template the tenant can run: its own (latest versions) and the built-ins it did not
    /// replace, by name.
    pub async fn workflow_templates(&self, caller: &Caller) -> Result<Vec<TemplateInfo>, KernelError> {
        let tenant = caller.tenant;
        let own = self.store.read(move |r| r.workflow_templates(tenant)).await?;
        let mut all: Vec<TemplateInfo> = own.iter().filter_map(|t| info(&t.name, t.version, &t.text)).collect();
        for (name, text) in templates::BUILTIN {
            if !own.iter().any(|t| t.name == *name) {
                all.extend(info(name, 0, text));
            }
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// One template: a version of the tenant's own, its latest, or the built-in.
    pub async fn workflow_template(
        &self,
        caller: &Caller,
        name: &str,
        version: Option<u64>,
    ) -> Result<TemplateInfo, KernelError> {
        let (tenant, n) = (caller.tenant, name.to_owned());
        let own = self.store.read(move |r| r.workflow_template(tenant, &n, version.filter(|v| *v > 0))).await?;
        let found = match (own, version) {
            (Some(t), _) => info(&t.name, t.version, &t.text),
            (None, None | Some(0)) => templates::builtin(name).and_then(|t| info(name, 0, t)),
            (None, Some(_)) => None,
        };
        found.ok_or_else(|| KernelError::NotFound(format!("no workflow template `{name}` (of that version)")))
    }

    pub async fn workflow_run(&self, caller: &Caller, id: &str) -> Result<RunView, KernelError> {
        let (tenant, id2) = (caller.tenant, id.to_owned());
        let run = self.store.read(move |r| r.workflow_run(tenant, &id2)).await?;
        RunView::read(run.ok_or_else(|| KernelError::NotFound(format!("no workflow run {id}")))?)
    }

    /// Runs newest first, as stored (a list does not read their states).
    pub async fn workflow_runs(
        &self,
        caller: &Caller,
        status: Option<String>,
        before: Option<String>,
        limit: u32,
    ) -> Result<Vec<WorkflowRun>, KernelError> {
        let tenant = caller.tenant;
        let limit = limit.clamp(1, MAX_RUNS_PAGE);
        Ok(self.store.read(move |r| r.workflow_runs(tenant, status.as_deref(), before.as_deref(), limit)).await?)
    }
}
