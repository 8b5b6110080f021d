//! Agents (filters, a page per agent: its tasks, locks, recent audit, profile and trust) and tasks
//! (filters, a page per task with its dependency graph drawn as SVG, cancel and retry).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bosun_core::agent::AgentStatus;
use bosun_core::task::{Task, TaskStatus};
use bosun_core::{Action, AgentId, TaskId};
use serde::Deserialize;

use super::{CsrfForm, Nav, NoticeQuery, Page, Part, Posted, nav, options, refusal, refused, render};
use crate::http::{App, Ctx};

pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/ui/agents", get(agents))
        .route("/ui/agents/{id}", get(agent))
        .route("/ui/tasks", get(tasks))
        .route("/ui/tasks/{id}", get(task))
        .route("/ui/tasks/{id}/graph.svg", get(graph))
        .route("/ui/tasks/{id}/cancel", post(cancel))
        .route("/ui/tasks/{id}/retry", post(retry))
}

/// Rows a list page shows.
const PAGE: u32 = 100;

fn trimmed(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn query_of(pairs: &[(&str, &String)]) -> String {
    serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default()
}

#[derive(Deserialize, Default)]
struct AgentQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    capability: String,
    #[serde(default)]
    kind: String,
    after: Option<String>,
}

struct AgentLine {
    id: String,
    name: String,
    kind: String,
    status: &'static str,
    profile: String,
    capabilities: String,
    last_seen: String,
}

impl From<bosun_core::model::Agent> for AgentLine {
    fn from(a: bosun_core::model::Agent) -> Self {
        AgentLine {
            id: a.id.to_string(),
            name: a.name,
            kind: a.kind,
            status: a.status.as_str(),
            profile: a.profile,
            capabilities: a.capabilities.join(", "),
            last_seen: bosun_core::clock::format_micros(a.last_seen_at),
        }
    }
}

#[derive(Template)]
#[template(path = "agents.html")]
struct AgentsPage {
    nav: Nav,
    f: AgentQuery,
    statuses: Vec<(String, String, bool)>,
    agents: Vec<AgentLine>,
    next: Option<String>,
    query: String,
    error: Option<String>,
}

async fn agents(State(app): State<App>, Page(signed): Page, Query(f): Query<AgentQuery>) -> Response {
    let (mut lines, mut next, mut error) = (Vec::new(), None, None);
    let status = match trimmed(&f.status) {
        Some(s) => AgentStatus::parse(&s).map(Some).ok_or_else(|| format!("no agent status `{s}`")),
        None => Ok(None),
    };
    let after = match f.after.as_deref().and_then(trimmed) {
        Some(a) => AgentId::parse(&a).map(Some).ok_or_else(|| "`after` is an agent id".to_owned()),
        None => Ok(None),
    };
    match (status, after) {
        (Err(e), _) | (_, Err(e)) => error = Some(e),
        _ if f.capability.len() > 100 || f.kind.len() > 100 => {
            error = Some("filters are at most 100 characters".into())
        }
        (Ok(status), Ok(after)) => {
            let filter =
                bosun_store::AgentFilter { status, capability: trimmed(&f.capability), kind: trimmed(&f.kind) };
            match app.kernel.agents(&signed.caller, filter, after, PAGE).await {
                Ok(found) => {
                    next = (found.len() == PAGE as usize).then(|| found.last().map(|a| a.id.to_string())).flatten();
                    lines = found.into_iter().map(AgentLine::from).collect();
                }
                Err(e) => error = Some(e.to_string()),
            }
        }
    }
    let statuses = ["", "spawning", "idle", "busy", "terminating", "terminated", "failed", "offline"];
    let page = AgentsPage {
        nav: nav(&signed, "agents"),
        statuses: options(&statuses, f.status.trim()),
        query: query_of(&[("status", &f.status), ("capability", &f.capability), ("kind", &f.kind)]),
        f,
        agents: lines,
        next,
        error,
    };
    render(StatusCode::OK, &page)
}

struct TaskLine {
    id: String,
    title: String,
    project: String,
    status: &'static str,
    priority: u8,
    assignee: String,
    attempts: String,
    updated: String,
}

fn task_line(t: &Task, names: &std::collections::HashMap<AgentId, String>) -> TaskLine {
    TaskLine {
        id: t.id.to_string(),
        title: t.title.clone(),
        project: t.project.clone(),
        status: t.status.as_str(),
        priority: t.priority,
        assignee: t.assignee.map(|a| names.get(&a).cloned().unwrap_or_else(|| a.to_string())).unwrap_or_default(),
        attempts: format!("{}/{}", t.attempts, t.max_attempts),
        updated: bosun_core::clock::format_micros(t.updated_at),
    }
}

struct LockLine {
    project: String,
    key: String,
    mode: &'static str,
    expires_in: String,
}

struct AuditLine {
    seq: u64,
    at: String,
    action: String,
    outcome: &'static str,
}

#[derive(Template)]
#[template(path = "agent.html")]
struct AgentPage {
    nav: Nav,
    a: AgentLine,
    trust: u8,
    heartbeat: u32,
    metadata: String,
    tasks: Vec<TaskLine>,
    locks: Vec<LockLine>,
    recent: Vec<AuditLine>,
}

async fn agent(State(app): State<App>, Page(signed): Page, Path(id): Path<String>) -> Response {
    let Some(id) = AgentId::parse(&id) else { return refusal(StatusCode::NOT_FOUND, "no such agent") };
    let d = match app.kernel.agent_detail(&signed.caller, id).await {
        Ok(d) => d,
        Err(e) => return refused(&e),
    };
    let now = app.kernel.clock().now();
    let names = std::collections::HashMap::from([(d.agent.id, d.agent.name.clone())]);
    let a = d.agent;
    let page = AgentPage {
        nav: nav(&signed, "agents"),
        trust: d.trust,
        heartbeat: a.heartbeat_interval,
        metadata: serde_json::to_string_pretty(&a.metadata).unwrap_or_default(),
        tasks: d.tasks.iter().map(|t| task_line(t, &names)).collect(),
        locks: d
            .locks
            .into_iter()
            .map(|l| LockLine {
                project: l.project,
                key: l.key,
                mode: if l.exclusive { "exclusive" } else { "shared" },
                expires_in: format!("{} s", l.expires_at.duration_since(now).as_secs().max(0)),
            })
            .collect(),
        recent: d
            .recent
            .into_iter()
            .map(|e| AuditLine { seq: e.seq, at: e.at, action: e.action, outcome: e.outcome.as_str() })
            .collect(),
        a: AgentLine::from(a),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize, Default)]
struct TaskQuery {
    #[serde(default)]
    project: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    priority: String,
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    nav: Nav,
    f: TaskQuery,
    statuses: Vec<(String, String, bool)>,
    tasks: Vec<TaskLine>,
    next: Option<String>,
    query: String,
    error: Option<String>,
}

/// The task filter a form asks for, with the assignee named (agent name or id).
async fn task_filter(app: &App, signed: &super::Signed, f: &TaskQuery) -> Result<bosun_store::TaskFilter, String> {
    let status = match trimmed(&f.status) {
        Some(s) => Some(TaskStatus::parse(&s).ok_or_else(|| format!("no task status `{s}`"))?),
        None => None,
    };
    let priority = match trimmed(&f.priority) {
        Some(p) => Some(p.parse::<u8>().ok().filter(|p| *p <= 9).ok_or("the priority is 0 to 9")?),
        None => None,
    };
    if f.project.len() > 100 || f.assignee.len() > 100 {
        return Err("filters are at most 100 characters".into());
    }
    let assignee = match trimmed(&f.assignee) {
        None => None,
        Some(a) => match AgentId::parse(&a) {
            Some(id) => Some(id),
            None => Some(app.kernel.agent_named(&signed.caller, &a).await.map_err(|e| e.to_string())?.id),
        },
    };
    Ok(bosun_store::TaskFilter { project: trimmed(&f.project), status, assignee, priority })
}

async fn tasks(State(app): State<App>, Page(signed): Page, Query(f): Query<TaskQuery>) -> Response {
    let (mut lines, mut next, mut error) = (Vec::new(), None, None);
    let after = match f.after.as_deref().and_then(trimmed) {
        Some(a) => TaskId::parse(&a).map(Some).ok_or_else(|| "`after` is a task id".to_owned()),
        None => Ok(None),
    };
    match (task_filter(&app, &signed, &f).await, after) {
        (Err(e), _) | (_, Err(e)) => error = Some(e),
        (Ok(filter), Ok(after)) => match app.kernel.tasks(&signed.caller, filter, after, PAGE).await {
            Ok(found) => {
                next = (found.len() == PAGE as usize).then(|| found.last().map(|t| t.id.to_string())).flatten();
                let names = app.kernel.agent_names(&signed.caller, found.iter().filter_map(|t| t.assignee)).await;
                lines = found.iter().map(|t| task_line(t, &names)).collect();
            }
            Err(e) => error = Some(e.to_string()),
        },
    }
    let statuses: Vec<&str> = std::iter::once("").chain(TaskStatus::ALL.iter().map(|s| s.as_str())).collect();
    let page = TasksPage {
        nav: nav(&signed, "tasks"),
        statuses: options(&statuses, f.status.trim()),
        query: query_of(&[
            ("project", &f.project),
            ("status", &f.status),
            ("assignee", &f.assignee),
            ("priority", &f.priority),
        ]),
        f,
        tasks: lines,
        next,
        error,
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    nav: Nav,
    t: TaskLine,
    description: String,
    result: String,
    error: String,
    scope: String,
    capabilities: String,
    lease_expires: String,
    needs: Vec<TaskLine>,
    needed_by: Vec<TaskLine>,
    graph_nodes: usize,
    truncated: bool,
    can_cancel: bool,
    can_retry: bool,
    notice: Option<String>,
}

async fn task(
    State(app): State<App>,
    Page(signed): Page,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let Some(id) = TaskId::parse(&id) else { return refusal(StatusCode::NOT_FOUND, "no such task") };
    let g = match app.kernel.task_graph(&signed.caller, id).await {
        Ok(g) => g,
        Err(e) => return refused(&e),
    };
    let assignees = g.nodes.iter().filter_map(|t| t.assignee);
    let names = app.kernel.agent_names(&signed.caller, assignees).await;
    let t = &g.task;
    let needs = g.nodes.iter().filter(|n| t.depends_on.contains(&n.id)).map(|n| task_line(n, &names)).collect();
    let needed_by = g.nodes.iter().filter(|n| n.depends_on.contains(&t.id)).map(|n| task_line(n, &names)).collect();
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| serde_json::to_string_pretty(v).unwrap_or_default());
    let open = matches!(t.status, TaskStatus::Blocked | TaskStatus::Ready | TaskStatus::Leased | TaskStatus::Failed);
    let page = TaskPage {
        nav: nav(&signed, "tasks"),
        description: t.description.clone(),
        result: json(&t.result).unwrap_or_default(),
        error: t.error.clone().unwrap_or_default(),
        scope: t.scope.join(", "),
        capabilities: t.required_capabilities.join(", "),
        lease_expires: t.lease_expires_at.map(bosun_core::clock::format_micros).unwrap_or_default(),
        t: task_line(t, &names),
        needs,
        needed_by,
        graph_nodes: g.nodes.len(),
        truncated: g.truncated,
        can_cancel: open && app.kernel.may(&signed.caller, Action::TaskCancel).await,
        can_retry: t.status == TaskStatus::Dead && app.kernel.may(&signed.caller, Action::TaskRetry).await,
        notice: q.notice.map(|n| n.chars().take(200).collect()),
    };
    render(StatusCode::OK, &page)
}

/// The dependency graph as an SVG image (the page shows it with `<img>`, and lists the same
/// tasks as links, for screen readers and for browsers without images). Laid out by
/// `layout-rs`; task titles are escaped by its SVG writer, and the image's own policy forbids
/// scripts should someone open it directly.
async fn graph(State(app): State<App>, Part(signed): Part, Path(id): Path<String>) -> Response {
    let Some(id) = TaskId::parse(&id) else { return refusal(StatusCode::NOT_FOUND, "no such task") };
    let g = match app.kernel.task_graph(&signed.caller, id).await {
        Ok(g) => g,
        Err(e) => return refused(&e),
    };
    let drawn = tokio::task::spawn_blocking(move || std::panic::catch_unwind(|| draw(&g)).ok()).await.ok().flatten();
    let Some(svg) = drawn else { return refusal(StatusCode::INTERNAL_SERVER_ERROR, "the graph could not be drawn") };
    let mut response = svg.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A status's fill, as layout-rs takes colours (RGBA).
fn status_color(status: TaskStatus) -> u32 {
    match status {
        TaskStatus::Succeeded => 0xb7e4c7ff,
        TaskStatus::Leased => 0xbfdbfeff,
        TaskStatus::Ready => 0xfef3c7ff,
        TaskStatus::Blocked => 0xe5e7ebff,
        TaskStatus::Failed => 0xfed7aaff,
        TaskStatus::Dead | TaskStatus::Cancelled => 0xfecacaff,
    }
}

fn draw(g: &crate::kernel::dashboard::TaskGraph) -> String {
    use layout::backends::svg::SVGWriter;
    use layout::core::base::Orientation;
    use layout::core::color::Color;
    use layout::core::geometry::Point;
    use layout::core::style::StyleAttr;
    use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
    use layout::topo::layout::VisualGraph;

    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let mut handles = std::collections::HashMap::new();
    for t in &g.nodes {
        let mut title: String = t.title.chars().take(28).collect();
        if title.len() < t.title.len() {
            title.push('…');
        }
        let label = format!("{title}\n{}", t.status.as_str());
        let width = label.lines().map(|l| l.chars().count()).max().unwrap_or(1) as f64 * 8.5 + 24.;
        let color = Color::new(status_color(t.status));
        let line = if t.id == g.task.id { 4 } else { 1 };
        let look = StyleAttr::new(Color::fast("black"), line, Some(color), 6, 14);
        let node = Element::create(ShapeKind::new_box(&label), look, Orientation::TopToBottom, Point::new(width, 48.));
        handles.insert(t.id, vg.add_node(node));
    }
    for (from, to) in &g.edges {
        if let (Some(a), Some(b)) = (handles.get(from), handles.get(to)) {
            vg.add_edge(Arrow::simple(""), *a, *b);
        }
    }
    let mut svg = SVGWriter::new();
    vg.do_it(false, false, false, &mut svg);
    svg.finalize()
}

async fn task_command(
    app: &App,
    ctx: &crate::kernel::RequestCtx,
    signed: &super::Signed,
    id: &str,
    make: impl FnOnce(TaskId) -> crate::kernel::Command,
    done: &str,
) -> Response {
    let Some(task_id) = TaskId::parse(id) else { return refusal(StatusCode::NOT_FOUND, "no such task") };
    match app.kernel.execute(&signed.caller, ctx, make(task_id)).await {
        Ok(_) => Redirect::to(&format!("/ui/tasks/{task_id}?notice={done}")).into_response(),
        Err(e) => refused(&e),
    }
}

async fn cancel(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Posted(signed, _): Posted<CsrfForm>,
) -> Response {
    let cancel =
        |task_id| crate::kernel::Command::CancelTask { task_id, reason: Some("cancelled from the dashboard".into()) };
    task_command(&app, &ctx, &signed, &id, cancel, "Cancelled.").await
}

async fn retry(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Posted(signed, _): Posted<CsrfForm>,
) -> Response {
    let retry = |task_id| crate::kernel::Command::RetryTask { task_id };
    task_command(&app, &ctx, &signed, &id, retry, "Queued again.").await
}
