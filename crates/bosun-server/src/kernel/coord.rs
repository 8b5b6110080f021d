//! Agents, tasks, locks and handoffs (SPEC §3.1–3.3, §3.5): validation, the facts authorization
//! needs, and the changes. State rules live in `bosun_core::{agent, task, lockkey}`; this file
//! applies them inside the store transaction.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bosun_core::agent::{AgentStatus, has_capabilities, memorable_name};
use bosun_core::audit::Severity;
use bosun_core::lockkey::LockKey;
use bosun_core::model::{Agent, Handoff, Holder, Owner};
use bosun_core::task::{Task, TaskError, TaskStatus, find_cycle};
use bosun_core::{Action, AgentId, HandoffId, LockId, TaskId, Timestamp, validate};
use bosun_store::{AgentFilter, HandoffFilter, TaskFilter};
use jiff::SignedDuration;
use serde::Serialize;
use serde_json::{Value, json};

use super::locks::{Grant, conflict_error, grant, lock_conflicts};
use super::{Answer, Applied, Caller, Command, Done, Kernel, KernelError, Outcome, RequestCtx, Tx, conflict_as};

#[derive(Clone, Debug, Serialize)]
pub struct RegisterAgent {
    pub name: Option<String>,
    pub kind: String,
    pub capabilities: Vec<String>,
    /// `None`: the default for the agent's kind (configured; `worker` otherwise).
    pub profile: Option<String>,
    pub metadata: Value,
    pub heartbeat_interval_seconds: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct NewTask {
    /// A name other tasks of the same submission use in `depends_on`.
    #[serde(rename = "ref")]
    pub local_ref: Option<String>,
    pub project: String,
    pub title: String,
    pub description: String,
    pub payload: Value,
    pub priority: u8,
    /// Task ids, or `ref`s of tasks in the same submission.
    pub depends_on: Vec<String>,
    pub required_capabilities: Vec<String>,
    pub max_attempts: u32,
    pub idempotency_key: Option<String>,
    pub deadline_at: Option<String>,
    /// What the task is expected to cost: its claim reserves it on the budgets, or is refused.
    pub estimate: Option<bosun_core::budget::Amount>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SubmitTasks {
    pub tasks: Vec<NewTask>,
    /// Answer with the task itself rather than `{tasks: [...]}`.
    pub single: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClaimTask {
    pub project: String,
    pub lease_seconds: u32,
    /// Lock keys to take (exclusively) with the task, all or nothing.
    pub scope: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct WorkTask {
    pub task_id: TaskId,
    pub fence: u64,
    pub lease_seconds: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FailTask {
    pub task: WorkTask,
    pub error: String,
    pub retryable: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct WriteHandoff {
    pub project: String,
    pub task_id: Option<TaskId>,
    pub summary: String,
    pub completed: Vec<String>,
    pub in_progress: Vec<String>,
    pub next_steps: Vec<String>,
    pub decisions: Vec<String>,
    pub files: Vec<String>,
}

pub(super) fn invalid(detail: impl Into<String>) -> KernelError {
    KernelError::Validation(detail.into())
}

/// A project name: 1–64 letters, digits and `._-`.
pub fn check_project(project: &str) -> Result<(), KernelError> {
    let ok = !project.is_empty()
        && project.len() <= 64
        && project.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(invalid("`project` must be 1 to 64 letters, digits, `.`, `_` or `-`")) }
}

pub(super) fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), KernelError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(invalid(format!("`{field}` must be {min} to {max} characters")));
    }
    Ok(())
}

pub(super) fn check_list(field: &str, items: &[String], max_items: usize, max_len: usize) -> Result<(), KernelError> {
    if items.len() > max_items {
        return Err(invalid(format!("`{field}` may hold at most {max_items} entries")));
    }
    if items.iter().any(|i| i.chars().count() > max_len) {
        return Err(invalid(format!("each entry of `{field}` must be at most {max_len} characters")));
    }
    Ok(())
}

fn check_capabilities(field: &str, caps: &[String]) -> Result<(), KernelError> {
    check_list(field, caps, 64, 64)?;
    let ok = |c: &String| !c.is_empty() && c.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b));
    if caps.iter().all(ok) {
        Ok(())
    } else {
        Err(invalid(format!("`{field}` entries are words of letters, digits, `._:-`")))
    }
}

pub(super) fn check_seconds(field: &str, v: u32, max: u32) -> Result<(), KernelError> {
    if v == 0 || v > max { Err(invalid(format!("`{field}` must be between 1 and {max}"))) } else { Ok(()) }
}

pub(super) fn parse_keys(field: &str, raw: &[String]) -> Result<Vec<LockKey>, KernelError> {
    raw.iter().map(|k| LockKey::parse(k).map_err(|e| invalid(format!("`{field}`: {e}")))).collect()
}

pub(super) fn validate_register(r: &RegisterAgent) -> Result<(), KernelError> {
    if let Some(name) = &r.name {
        validate::name("name", name).map_err(invalid)?;
    }
    check_text("kind", &r.kind, 1, 64)?;
    check_capabilities("capabilities", &r.capabilities)?;
    if let Some(profile) = &r.profile {
        validate::name("profile", profile).map_err(invalid)?;
    }
    if !r.metadata.is_object() {
        return Err(invalid("`metadata` must be a JSON object"));
    }
    if !(5..=3600).contains(&r.heartbeat_interval_seconds) {
        return Err(invalid("`heartbeat_interval_seconds` must be between 5 and 3600"));
    }
    Ok(())
}

pub(super) fn validate_submit(s: &SubmitTasks) -> Result<(), KernelError> {
    if s.tasks.is_empty() || s.tasks.len() > 1000 {
        return Err(invalid("submit 1 to 1000 tasks at a time"));
    }
    let mut refs = std::collections::HashSet::new();
    for t in &s.tasks {
        check_project(&t.project)?;
        check_text("title", &t.title, 1, 200)?;
        check_text("description", &t.description, 0, 20_000)?;
        if t.priority > 10 {
            return Err(invalid("`priority` must be between 0 and 10 (10 is the highest)"));
        }
        if !(1..=100).contains(&t.max_attempts) {
            return Err(invalid("`max_attempts` must be between 1 and 100"));
        }
        check_list("depends_on", &t.depends_on, 100, 64)?;
        check_capabilities("required_capabilities", &t.required_capabilities)?;
        if let Some(k) = &t.idempotency_key {
            check_text("idempotency_key", k, 1, 200)?;
        }
        if let Some(d) = &t.deadline_at {
            d.parse::<Timestamp>().map_err(|_| invalid("`deadline_at` must be an RFC 3339 time"))?;
        }
        if let Some(r) = &t.local_ref {
            check_text("ref", r, 1, 64)?;
            if !refs.insert(r) {
                return Err(invalid(format!("`ref` `{r}` is used twice in one submission")));
            }
        }
    }
    Ok(())
}

pub(super) fn validate_claim(c: &ClaimTask) -> Result<(), KernelError> {
    check_project(&c.project)?;
    check_seconds("lease_seconds", c.lease_seconds, 86_400)?;
    check_list("scope", &c.scope, 100, 512)?;
    parse_keys("scope", &c.scope).map(drop)
}

/// Heartbeat, complete and fail: a new lease length, when one is given.
pub(super) fn validate_work(w: &WorkTask) -> Result<(), KernelError> {
    match w.lease_seconds {
        Some(s) => check_seconds("lease_seconds", s, 86_400),
        None => Ok(()),
    }
}

pub(super) fn validate_fail(f: &FailTask) -> Result<(), KernelError> {
    check_text("error", &f.error, 1, 10_000)?;
    validate_work(&f.task)
}

pub(super) fn validate_reason(reason: Option<&str>) -> Result<(), KernelError> {
    reason.map_or(Ok(()), |r| check_text("reason", r, 1, 2000))
}

pub(super) fn validate_handoff(h: &WriteHandoff) -> Result<(), KernelError> {
    check_project(&h.project)?;
    check_text("summary", &h.summary, 1, 20_000)?;
    for (field, list) in [
        ("completed", &h.completed),
        ("in_progress", &h.in_progress),
        ("next_steps", &h.next_steps),
        ("decisions", &h.decisions),
        ("files", &h.files),
    ] {
        check_list(field, list, 1000, 2000)?;
    }
    Ok(())
}

/// An agent acts only on itself (users act on any agent, within their role).
pub(super) fn authorize_self_agent(caller: &Caller, agent_id: AgentId, verb: &str) -> Result<(), KernelError> {
    match caller.agent_id() {
        Some(me) if me != agent_id => Err(KernelError::Forbidden(format!("an agent may {verb} only itself"))),
        _ => Ok(()),
    }
}

pub(super) fn task_error(e: TaskError) -> KernelError {
    match e {
        TaskError::StaleFence { .. } | TaskError::NotHolder => KernelError::StaleFence(e.to_string()),
        TaskError::Transition { .. } => KernelError::Conflict(e.to_string()),
    }
}

pub(super) fn load_task(tx: &mut Tx<'_>, id: TaskId) -> Result<Task, KernelError> {
    tx.w.task(tx.caller.tenant, id)?.ok_or_else(|| KernelError::NotFound(format!("no task with id {id}")))
}

pub(super) fn load_agent(tx: &mut Tx<'_>, id: AgentId) -> Result<Agent, KernelError> {
    tx.w.agent(tx.caller.tenant, id)?.ok_or_else(|| KernelError::NotFound(format!("no agent with id {id}")))
}

fn caller_agent(tx: &mut Tx<'_>) -> Result<Agent, KernelError> {
    let id = tx.caller.agent_id().ok_or_else(|| KernelError::Forbidden("this is done by agents".into()))?;
    let agent = load_agent(tx, id)?;
    if !(agent.status.is_live() || agent.status == AgentStatus::Offline) {
        return Err(KernelError::Conflict(format!(
            "agent {} is {}; register a new agent",
            agent.name,
            agent.status.as_str()
        )));
    }
    Ok(agent)
}

// ---- agents ----

pub(super) fn register_agent(tx: &mut Tx<'_>, r: RegisterAgent) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let name = match r.name {
        Some(name) => name,
        None => {
            let mut chosen = None;
            for attempt in 0..20 {
                let candidate = memorable_name(super::random_u64(), attempt / 5);
                if tx.w.agent_by_name(tenant, &candidate)?.is_none() {
                    chosen = Some(candidate);
                    break;
                }
            }
            chosen.ok_or_else(|| KernelError::Conflict("could not find a free name; pass `name`".into()))?
        }
    };
    let profile = r.profile.unwrap_or_else(|| tx.profiles.default_for(&r.kind).to_owned());
    let Some(entry) = tx.profiles.get(&profile) else {
        let known = tx.profiles.names().join(", ");
        return Err(invalid(format!("`profile` `{profile}` is not a profile; one of {known}")));
    };
    // More trust than the default is granted by tenant admins only (an enrolment key or a
    // developer cannot mint a trusted agent).
    let default_trust = tx.profiles.trust(bosun_core::profile::DEFAULT);
    let admin = matches!(tx.caller.principal, super::Principal::User { role: bosun_core::Role::Admin, .. });
    if entry.profile.trust_level > default_trust && !admin {
        return Err(KernelError::Forbidden(format!(
            "registering an agent with the profile {profile} (trust level {}) requires a tenant admin",
            entry.profile.trust_level
        )));
    }
    let mut metadata = r.metadata;
    bosun_core::redact::redact_value(&mut metadata);
    let agent = Agent {
        id: AgentId::generate(),
        tenant_id: tenant,
        name: name.clone(),
        kind: r.kind,
        capabilities: r.capabilities,
        profile,
        status: AgentStatus::Spawning,
        metadata,
        heartbeat_interval: r.heartbeat_interval_seconds,
        last_seen_at: tx.now,
        created_at: tx.at.clone(),
    };
    tx.w.create_agent(&agent).map_err(conflict_as(format!("an agent named `{name}` already exists")))?;
    let key = tx.key.take().ok_or_else(|| KernelError::Internal("no key prepared".into()))?;
    let record = key.record(tenant, Owner::Agent(agent.id), Some("agent".into()), &tx.at);
    tx.w.create_key(&record)?;
    let details =
        json!({ "name": agent.name, "kind": agent.kind, "capabilities": agent.capabilities, "profile": agent.profile });
    let target = ("agent", agent.id.to_string());
    let outcome = Outcome::AgentRegistered { agent, key: record, plaintext: key.plaintext };
    Ok(Applied::new(Action::AgentRegister, outcome, target, details).severity(Severity::Notice))
}

/// Put an agent's leased tasks back (each counts an attempt) and drop its locks.
pub(super) fn release_agent_work(
    tx: &mut Tx<'_>,
    agent: AgentId,
) -> Result<(Vec<TaskId>, Vec<LockId>, bool), KernelError> {
    let tenant = tx.caller.tenant;
    let mut tasks = Vec::new();
    let mut wakes = false;
    for mut task in tx.w.leased_by(tenant, agent)?.into_iter().filter(|t| t.status == TaskStatus::Leased) {
        task.expire(tx.now).map_err(task_error)?;
        tx.w.update_task(&task)?;
        wakes |= task.status == TaskStatus::Ready;
        if task.status == TaskStatus::Dead {
            cascade_cancel(tx, task.id, "is dead")?;
            wakes |= super::workflows::task_ended(tx, &task, &mut Value::Null)?;
        }
        tasks.push(task.id);
    }
    let mut locks = Vec::new();
    for lock in tx.w.locks_of(tenant, &agent.to_string())? {
        tx.w.delete_lock(tenant, lock.id)?;
        locks.push(lock.id);
    }
    Ok((tasks, locks, wakes))
}

pub(super) fn deregister(tx: &mut Tx<'_>, id: AgentId) -> Result<Applied, KernelError> {
    let mut agent = load_agent(tx, id)?;
    let path = agent
        .status
        .path_to_terminated()
        .ok_or_else(|| KernelError::Conflict(format!("agent {} is already terminated", agent.name)))?;
    let (tasks, locks, wakes) = release_agent_work(tx, id)?;
    for step in path {
        debug_assert!(agent.status.can_become(*step));
        agent.status = *step;
    }
    tx.w.update_agent(&agent)?;
    let revoked = tx.w.revoke_keys_of(tx.caller.tenant, Owner::Agent(id), &tx.at)?;
    let details = json!({ "released_tasks": tasks, "released_locks": locks, "revoked_keys": revoked });
    Ok(Applied::new(Action::AgentDeregister, Outcome::AgentUpdated(agent), ("agent", id.to_string()), details)
        .severity(Severity::Notice)
        .wakes(wakes))
}

/// After a lease ends: an agent with no lease left is idle again.
pub(super) fn settle_agent(tx: &mut Tx<'_>, agent: Option<AgentId>) -> Result<(), KernelError> {
    let Some(id) = agent else { return Ok(()) };
    let Some(mut agent) = tx.w.agent(tx.caller.tenant, id)? else { return Ok(()) };
    if agent.status == AgentStatus::Busy && tx.w.leased_by(tx.caller.tenant, id)?.is_empty() {
        agent.status = AgentStatus::Idle;
        tx.w.update_agent(&agent)?;
    }
    Ok(())
}

// ---- tasks ----

pub(super) fn submit(tx: &mut Tx<'_>, s: SubmitTasks) -> Result<Done, KernelError> {
    let tenant = tx.caller.tenant;
    // Refs of this submission, and the dependency graph among them.
    let refs: HashMap<String, usize> =
        s.tasks.iter().enumerate().filter_map(|(i, t)| t.local_ref.clone().map(|r| (r, i))).collect();
    let graph: BTreeMap<String, Vec<String>> = s
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let me = t.local_ref.clone().unwrap_or_else(|| format!("#{i}"));
            (me, t.depends_on.iter().filter(|d| refs.contains_key(*d)).cloned().collect())
        })
        .collect();
    if let Some(cycle) = find_cycle(&graph) {
        return Err(KernelError::DependencyCycle(format!("dependency cycle: {}", cycle.join(" → "))));
    }
    // Dependencies on existing tasks must exist in this tenant and not be dead or cancelled.
    let mut existing: HashMap<TaskId, TaskStatus> = HashMap::new();
    for dep in s.tasks.iter().flat_map(|t| &t.depends_on).filter(|d| !refs.contains_key(*d)) {
        let id = TaskId::parse(dep)
            .ok_or_else(|| invalid(format!("unknown dependency `{dep}` (neither a task id nor a ref)")))?;
        let task = tx.w.task(tenant, id)?.ok_or_else(|| invalid(format!("unknown dependency `{dep}`")))?;
        if matches!(task.status, TaskStatus::Dead | TaskStatus::Cancelled) {
            return Err(invalid(format!("dependency `{dep}` is {}; retry it or drop it", task.status.as_str())));
        }
        existing.insert(id, task.status);
    }
    // Create in dependency order.
    let mut order: Vec<usize> = Vec::with_capacity(s.tasks.len());
    let mut placed = vec![false; s.tasks.len()];
    while order.len() < s.tasks.len() {
        for (i, t) in s.tasks.iter().enumerate() {
            if !placed[i] && t.depends_on.iter().filter_map(|d| refs.get(d)).all(|j| placed[*j]) {
                placed[i] = true;
                order.push(i);
            }
        }
    }
    let mut ids: Vec<Option<(TaskId, TaskStatus)>> = vec![None; s.tasks.len()];
    let mut out: Vec<Option<Task>> = vec![None; s.tasks.len()];
    let mut created = Vec::new();
    for i in order {
        let t = &s.tasks[i];
        if let Some(key) = &t.idempotency_key
            && let Some(original) = tx.w.task_by_idempotency_key(tenant, key)?
        {
            ids[i] = Some((original.id, original.status));
            out[i] = Some(original);
            continue;
        }
        let mut depends_on = Vec::new();
        let mut all_done = true;
        for d in &t.depends_on {
            let (id, status) = match refs.get(d) {
                Some(j) => ids[*j].expect("dependencies are created first"),
                None => {
                    let id = TaskId::parse(d).expect("checked above");
                    (id, existing[&id])
                }
            };
            all_done &= status == TaskStatus::Succeeded;
            depends_on.push(id);
        }
        depends_on.sort();
        depends_on.dedup();
        let mut payload = t.payload.clone();
        bosun_core::redact::redact_value(&mut payload);
        let created_by = tx.caller.actor().2.unwrap_or_default();
        let task = Task {
            description: t.description.clone(),
            payload,
            priority: t.priority,
            depends_on,
            required_capabilities: t.required_capabilities.clone(),
            status: if all_done { TaskStatus::Ready } else { TaskStatus::Blocked },
            max_attempts: t.max_attempts,
            idempotency_key: t.idempotency_key.clone(),
            deadline_at: t.deadline_at.as_deref().and_then(|d| d.parse().ok()),
            ..Task::new(tenant, &t.project, &t.title, &created_by, tx.now)
        };
        tx.w.create_task(&task)
            .map_err(conflict_as("a task with this idempotency_key was submitted at the same time; retry".into()))?;
        if let Some(estimate) = &t.estimate {
            tx.w.put_task_estimate(tenant, &task.id.to_string(), estimate)?;
        }
        ids[i] = Some((task.id, task.status));
        created.push(task.id);
        out[i] = Some(task);
    }
    let tasks: Vec<Task> = out.into_iter().map(|t| t.expect("every task placed")).collect();
    let outcome = |tasks: Vec<Task>, fresh: bool| match (s.single, tasks.into_iter().next()) {
        (true, Some(task)) => Outcome::TaskSubmitted { task, created: fresh },
        (_, first) => Outcome::BatchSubmitted { tasks: first.into_iter().collect(), created: fresh },
    };
    if created.is_empty() {
        // Every task was submitted before under its idempotency key: the originals, unchanged.
        return Ok(Done::Quiet(if s.single {
            outcome(tasks, false)
        } else {
            Outcome::BatchSubmitted { tasks, created: false }
        }));
    }
    let wakes = tasks.iter().any(|t| created.contains(&t.id) && t.status == TaskStatus::Ready);
    let first = &tasks[0];
    let details = json!({
        "created": created,
        "titles": tasks.iter().filter(|t| created.contains(&t.id)).map(|t| t.title.as_str()).collect::<Vec<_>>(),
        "priority": first.priority,
    });
    let (project, target) = (first.project.clone(), ("task", created[0].to_string()));
    let outcome = if s.single { outcome(tasks, true) } else { Outcome::BatchSubmitted { tasks, created: true } };
    Ok(Done::Changed(Applied::new(Action::TaskSubmit, outcome, target, details).project(&project).wakes(wakes)))
}

pub(super) fn claim(tx: &mut Tx<'_>, c: ClaimTask) -> Result<Done, KernelError> {
    let mut agent = caller_agent(tx)?;
    let tenant = tx.caller.tenant;
    if let Some((profile, limits)) = super::governance::agent_limits(tx) {
        let held = tx.w.leased_by(tenant, agent.id)?.iter().filter(|t| t.status == TaskStatus::Leased).count();
        if held as u64 >= u64::from(limits.max_leases) {
            let what = format!("concurrent leases; this agent holds {held}");
            return Err(super::governance::over_limit(&profile, "max_leases", limits.max_leases, &what));
        }
    }
    let mut found = None;
    let mut skip = 0;
    'pages: loop {
        // The best ready task usually fits the agent: read a few first, more only when it does not.
        let page = tx.w.ready_tasks(tenant, &c.project, skip, if skip == 0 { 8 } else { 64 })?;
        if page.is_empty() {
            break;
        }
        skip += page.len() as u32;
        for task in page {
            if has_capabilities(&agent.capabilities, &task.required_capabilities) {
                found = Some(task);
                break 'pages;
            }
        }
    }
    let Some(mut task) = found else {
        return Ok(Done::Quiet(Outcome::NothingToClaim));
    };
    let keys = parse_keys("scope", &c.scope)?;
    let holder = Holder { owner: Owner::Agent(agent.id), name: agent.name.clone() };
    let conflicts = lock_conflicts(tx, &task.project, &keys, true, holder.owner)?;
    if !conflicts.is_empty() {
        return Err(conflict_error(conflicts));
    }
    let lease = SignedDuration::from_secs(i64::from(c.lease_seconds));
    // A task that declared an estimate is claimed only with room on the budgets, held for the lease.
    let reservation = match tx.w.task_estimate(tenant, &task.id.to_string())? {
        Some(estimate) => {
            Some(Box::new(super::budgets::hold(tx, &task.project, estimate, lease, Some(task.id.to_string()))?.0))
        }
        None => None,
    };
    let fence =
        task.claim(agent.id, lease, keys.iter().map(ToString::to_string).collect(), tx.now).map_err(task_error)?;
    tx.w.update_task(&task)?;
    let reason = Some(format!("task {}", task.id));
    let g = Grant { project: &task.project, exclusive: true, holder: &holder, task: Some(task.id), ttl: lease, reason };
    let locks = grant(tx, &keys, g)?;
    if matches!(agent.status, AgentStatus::Idle | AgentStatus::Spawning | AgentStatus::Offline) {
        agent.status = AgentStatus::Busy;
    }
    agent.last_seen_at = tx.now;
    tx.w.update_agent(&agent)?;
    let details = json!({
        "fence": fence,
        "lease_seconds": c.lease_seconds,
        "scope": task.scope,
        "lock_ids": locks.iter().map(|l| l.id).collect::<Vec<_>>(),
        "reservation": reservation.as_ref().map(|r| r.id.clone()),
    });
    let (project, target) = (task.project.clone(), ("task", task.id.to_string()));
    let outcome = Outcome::Claimed { task, fence, locks, reservation };
    Ok(Done::Changed(Applied::new(Action::TaskClaim, outcome, target, details).project(&project)))
}

/// Drop the locks a task's lease took.
pub(super) fn release_scope(tx: &mut Tx<'_>, task: &Task, holder: Option<AgentId>) -> Result<Vec<LockId>, KernelError> {
    let Some(holder) = holder else { return Ok(Vec::new()) };
    let mut released = Vec::new();
    for lock in tx.w.locks_of(tx.caller.tenant, &holder.to_string())? {
        if lock.task_id == Some(task.id) {
            tx.w.delete_lock(tx.caller.tenant, lock.id)?;
            released.push(lock.id);
        }
    }
    Ok(released)
}

pub(super) fn complete(tx: &mut Tx<'_>, w: WorkTask, result: Value) -> Result<Applied, KernelError> {
    let me = tx.caller.agent_id().ok_or_else(|| KernelError::Forbidden("this is done by agents".into()))?;
    let mut task = load_task(tx, w.task_id)?;
    let mut result = result;
    bosun_core::redact::redact_value(&mut result);
    let lease = super::liveness::lease_record(&task);
    task.complete(me, w.fence, result, tx.now).map_err(task_error)?;
    tx.w.update_task(&task)?;
    let released = release_scope(tx, &task, Some(me))?;
    // Dependants whose every dependency has now succeeded become ready.
    let mut unblocked = Vec::new();
    for mut dependant in tx.w.dependants(tx.caller.tenant, task.id)? {
        if dependant.status != TaskStatus::Blocked {
            continue;
        }
        let mut all = true;
        for dep in &dependant.depends_on {
            all &= tx.w.task(tx.caller.tenant, *dep)?.is_some_and(|d| d.status == TaskStatus::Succeeded);
        }
        if all {
            dependant.unblock(tx.now).map_err(task_error)?;
            tx.w.update_task(&dependant)?;
            unblocked.push(dependant.id);
        }
    }
    settle_agent(tx, Some(me))?;
    let mut details = json!({ "fence": w.fence, "unblocked": unblocked, "released_locks": released, "lease": lease });
    let started = super::workflows::task_ended(tx, &task, &mut details)?;
    let wakes = !unblocked.is_empty() || started;
    let (project, target) = (task.project.clone(), ("task", task.id.to_string()));
    Ok(Applied::new(Action::TaskComplete, Outcome::TaskUpdated(task), target, details).project(&project).wakes(wakes))
}

pub(super) fn fail(tx: &mut Tx<'_>, f: FailTask) -> Result<Applied, KernelError> {
    let me = tx.caller.agent_id().ok_or_else(|| KernelError::Forbidden("this is done by agents".into()))?;
    let mut task = load_task(tx, f.task.task_id)?;
    let error = bosun_core::redact::redact_text(&f.error).into_owned();
    let lease = super::liveness::lease_record(&task);
    task.fail(me, f.task.fence, error, f.retryable, tx.jitter, tx.now).map_err(task_error)?;
    tx.w.update_task(&task)?;
    let released = release_scope(tx, &task, Some(me))?;
    let cancelled = if task.status == TaskStatus::Dead { cascade_cancel(tx, task.id, "is dead")? } else { Vec::new() };
    settle_agent(tx, Some(me))?;
    let mut details = json!({
        "fence": f.task.fence,
        "retryable": f.retryable,
        "status": task.status,
        "attempts": task.attempts,
        "retry_at": task.retry_at.map(bosun_core::clock::format_micros),
        "error": task.error,
        "released_locks": released,
        "cancelled_dependants": cancelled,
        "lease": lease,
    });
    let started = super::workflows::task_ended(tx, &task, &mut details)?;
    let severity = if task.status == TaskStatus::Dead { Severity::Warning } else { Severity::Notice };
    let (project, target) = (task.project.clone(), ("task", task.id.to_string()));
    Ok(Applied::new(Action::TaskFail, Outcome::TaskUpdated(task), target, details)
        .project(&project)
        .severity(severity)
        .wakes(started))
}

/// Cancel every task that depends, directly or not, on `root`; returns their ids.
pub(super) fn cascade_cancel(tx: &mut Tx<'_>, root: TaskId, why: &str) -> Result<Vec<TaskId>, KernelError> {
    let mut cancelled = Vec::new();
    let mut todo = vec![(root, root)];
    while let Some((id, cause)) = todo.pop() {
        for mut dependant in tx.w.dependants(tx.caller.tenant, id)? {
            if dependant.status.is_final() {
                continue;
            }
            let reason = if cause == root {
                format!("dependency {root} {why}")
            } else {
                format!("dependency {cause} was cancelled because dependency {root} {why}")
            };
            let holder = dependant.assignee;
            dependant.cancel(reason, tx.now).map_err(task_error)?;
            tx.w.update_task(&dependant)?;
            release_scope(tx, &dependant, holder)?;
            settle_agent(tx, holder)?;
            cancelled.push(dependant.id);
            todo.push((dependant.id, dependant.id));
        }
    }
    Ok(cancelled)
}

pub(super) fn cancel(tx: &mut Tx<'_>, id: TaskId, reason: Option<String>) -> Result<Applied, KernelError> {
    let mut task = load_task(tx, id)?;
    let holder = task.assignee;
    let reason = reason.unwrap_or_else(|| format!("cancelled by {}", tx.caller.actor().2.unwrap_or_default()));
    task.cancel(reason.clone(), tx.now).map_err(task_error)?;
    tx.w.update_task(&task)?;
    let released = release_scope(tx, &task, holder)?;
    settle_agent(tx, holder)?;
    let cascaded = cascade_cancel(tx, id, "was cancelled")?;
    let mut details =
        json!({ "reason": reason, "former_holder": holder, "cascaded": cascaded, "released_locks": released });
    let started = super::workflows::task_ended(tx, &task, &mut details)?;
    let project = task.project.clone();
    Ok(Applied::new(Action::TaskCancel, Outcome::TaskUpdated(task), ("task", id.to_string()), details)
        .project(&project)
        .severity(Severity::Notice)
        .wakes(started))
}

pub(super) fn retry(tx: &mut Tx<'_>, id: TaskId) -> Result<Applied, KernelError> {
    let mut task = load_task(tx, id)?;
    let previous_error = task.error.clone();
    task.retry(tx.now).map_err(task_error)?;
    tx.w.update_task(&task)?;
    let details = json!({ "previous_error": previous_error });
    let project = task.project.clone();
    Ok(Applied::new(Action::TaskRetry, Outcome::TaskUpdated(task), ("task", id.to_string()), details)
        .project(&project)
        .wakes(true))
}

// ---- handoffs ----

pub(super) fn handoff(tx: &mut Tx<'_>, h: WriteHandoff) -> Result<Applied, KernelError> {
    let author = tx.caller.holder().ok_or_else(|| KernelError::Forbidden("Bosun itself writes no handoffs".into()))?;
    if let Some(task) = h.task_id {
        load_task(tx, task)?;
    }
    let mut document = json!({
        "summary": h.summary,
        "completed": h.completed,
        "in_progress": h.in_progress,
        "next_steps": h.next_steps,
        "decisions": h.decisions,
        "files": h.files,
    });
    bosun_core::redact::redact_value(&mut document);
    let handoff = Handoff {
        id: HandoffId::generate(),
        tenant_id: tx.caller.tenant,
        project: h.project.clone(),
        task_id: h.task_id,
        author,
        document,
        created_at: tx.now,
    };
    tx.w.insert_handoff(&handoff)?;
    let details = json!({ "task_id": h.task_id, "files": handoff.document["files"] });
    let target = ("handoff", handoff.id.to_string());
    Ok(Applied::new(Action::HandoffWrite, Outcome::HandoffWritten(handoff), target, details).project(&h.project))
}

// ---- reads and the long-polling claim ----

impl Kernel {
    /// Claim the best task for the calling agent; with `wait`, long-poll until one is claimable
    /// (woken by the commit that makes one ready, not by polling).
    pub async fn claim(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        c: ClaimTask,
        wait: Duration,
    ) -> Result<Answer, KernelError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let woken = self.claimable.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let answer = self.execute(caller, ctx, Command::ClaimTask(c.clone())).await?;
            if !answer.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(answer);
            }
            if tokio::time::timeout_at(deadline, woken).await.is_err() {
                return Ok(answer);
            }
        }
    }

    pub async fn agent(&self, caller: &Caller, id: AgentId) -> Result<Agent, KernelError> {
        let tenant = caller.tenant;
        self.store
            .read(move |r| r.agent(tenant, id))
            .await?
            .ok_or_else(|| KernelError::NotFound(format!("no agent with id {id}")))
    }

    pub async fn agents(
        &self,
        caller: &Caller,
        filter: AgentFilter,
        after: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Agent>, KernelError> {
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.list_agents(tenant, &filter, after, limit)).await?)
    }

    pub async fn task(&self, caller: &Caller, id: TaskId) -> Result<Task, KernelError> {
        let tenant = caller.tenant;
        self.store
            .read(move |r| r.task(tenant, id))
            .await?
            .ok_or_else(|| KernelError::NotFound(format!("no task with id {id}")))
    }

    pub async fn tasks(
        &self,
        caller: &Caller,
        filter: TaskFilter,
        after: Option<TaskId>,
        limit: u32,
    ) -> Result<Vec<Task>, KernelError> {
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.list_tasks(tenant, &filter, after, limit)).await?)
    }

    pub async fn handoffs(
        &self,
        caller: &Caller,
        filter: HandoffFilter,
        limit: u32,
    ) -> Result<Vec<Handoff>, KernelError> {
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.handoffs(tenant, &filter, limit)).await?)
    }
}
