//! Workflow views: templates, and runs with their steps and tasks.

use bosun_core::clock::format_micros;
use bosun_core::workflow::{Kind, Step};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::kernel::{RunView, TemplateInfo};

#[derive(Serialize, ToSchema)]
pub struct WorkflowParamView {
    pub name: String,
    pub required: bool,
    pub default: Option<Value>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateView {
    #[schema(example = "fix-until-green")]
    pub name: String,
    /// The tenant's own template's version (from 1); 0 for a built-in.
    pub version: u64,
    pub builtin: bool,
    pub description: String,
    pub params: Vec<WorkflowParamView>,
    /// The workflow text (TOML); only when one template is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl WorkflowTemplateView {
    pub fn new(t: &TemplateInfo, with_text: bool) -> Self {
        WorkflowTemplateView {
            name: t.name.clone(),
            version: t.version,
            builtin: t.version == 0,
            description: t.description.clone(),
            params: t
                .params
                .iter()
                .map(|p| WorkflowParamView { name: p.name.clone(), required: p.required, default: p.default.clone() })
                .collect(),
            text: with_text.then(|| t.text.clone()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateList {
    pub templates: Vec<WorkflowTemplateView>,
}

/// What `PUT /api/v1/workflows/{name}` stored.
#[derive(Serialize, ToSchema)]
pub struct WorkflowTemplateStored {
    pub name: String,
    pub version: u64,
    /// `false`: the text is the latest version's already; nothing was stored.
    pub created: bool,
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowTaskView {
    /// The task's key in the run: `step`, `step#iteration`, `step[item]`.
    #[schema(example = "run-check#2")]
    pub key: String,
    pub task_id: Option<String>,
    /// `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    pub result: Option<Value>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowStepView {
    pub id: String,
    /// `task`, `check`, `map`, `reduce` or `loop`.
    pub kind: String,
    /// The loop it belongs to.
    pub parent: Option<String>,
    /// `pending`, `running`, `succeeded`, `failed`, `skipped` or `cancelled`.
    pub status: String,
    /// A loop's iteration (running, or the last).
    pub iteration: Option<u32>,
    pub max_iterations: Option<u32>,
    pub tasks: Vec<WorkflowTaskView>,
    /// A map's results in item order; a reduce's aggregate; a loop's last iteration's.
    pub result: Option<Value>,
    /// Why it was skipped or failed.
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowRunView {
    #[serde(flatten)]
    pub run: WorkflowRunSummary,
    #[schema(value_type = Object)]
    pub params: Map<String, Value>,
    /// Every step in definition order (a loop's steps after it), with its tasks.
    pub steps: Vec<WorkflowStepView>,
}

fn kind(k: &Kind) -> &'static str {
    match k {
        Kind::Task(_) => "task",
        Kind::Check { .. } => "check",
        Kind::Map { .. } => "map",
        Kind::Reduce { .. } => "reduce",
        Kind::Loop { .. } => "loop",
    }
}

fn steps(v: &RunView, list: &[Step], parent: Option<&str>, out: &mut Vec<WorkflowStepView>) {
    for s in list {
        let st = v.state.steps.get(&s.id).cloned().unwrap_or_default();
        let (iteration, max_iterations) = match &s.kind {
            Kind::Loop { max_iterations, .. } => {
                (Some(v.state.loops.get(&s.id).map_or(0, |l| l.iteration)), Some(*max_iterations))
            }
            _ => (None, None),
        };
        out.push(WorkflowStepView {
            id: s.id.clone(),
            kind: kind(&s.kind).into(),
            parent: parent.map(str::to_owned),
            status: st.status.as_str().into(),
            iteration,
            max_iterations,
            tasks: st
                .tasks
                .iter()
                .map(|t| WorkflowTaskView {
                    key: t.key.clone(),
                    task_id: t.task.clone(),
                    status: t.status.as_str().into(),
                    result: t.result.clone(),
                })
                .collect(),
            result: st.result.clone(),
            reason: st.reason.clone(),
        });
        if let Kind::Loop { steps: body, .. } = &s.kind {
            steps(v, body, Some(&s.id), out);
        }
    }
}

impl WorkflowRunView {
    pub fn new(v: &RunView) -> Self {
        let mut list = Vec::new();
        steps(v, &v.plan.steps, None, &mut list);
        WorkflowRunView { run: WorkflowRunSummary::from(&v.run), params: v.params.clone(), steps: list }
    }
}

/// A run in a list: without its steps.
#[derive(Serialize, ToSchema)]
pub struct WorkflowRunSummary {
    #[schema(example = "01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    pub id: String,
    pub template: String,
    /// The template version it runs (0: built in).
    pub version: u64,
    pub project: String,
    /// `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&bosun_store::WorkflowRun> for WorkflowRunSummary {
    fn from(r: &bosun_store::WorkflowRun) -> Self {
        WorkflowRunSummary {
            id: r.id.clone(),
            template: r.template.clone(),
            version: r.version,
            project: r.project.clone(),
            status: r.status.clone(),
            created_by: r.created_by.clone(),
            created_at: format_micros(r.created_at),
            updated_at: format_micros(r.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowRunList {
    pub runs: Vec<WorkflowRunSummary>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<String>,
}
