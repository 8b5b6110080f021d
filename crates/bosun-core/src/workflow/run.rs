//! A workflow run as a state machine over plain values: [`start`] a run from a plan and its
//! parameters, then feed it each finished task ([`finished`]); both answer the tasks to create
//! next. The kernel keeps the [`RunState`] in the database and calls these inside the
//! transaction that completes or fails a task, so a run advances exactly when its tasks do and
//! resumes after a restart from what is stored.
//!
//! Rules:
//! - A step starts when every step it waits for has ended. If one of them failed, the step is
//!   skipped — unless its `when` asks for exactly that failure. A `when` not met skips the step.
//! - A `map` creates one task per item (none: it succeeds at once with `[]`); it succeeds when
//!   all its tasks succeeded, and fails when any failed (after all ended). Its result is the list
//!   of results in item order.
//! - A `reduce` over a map aggregates at once (no task) — `concatenate`, `merge`, `vote` — or,
//!   for `reduce`, creates one task with every result in its payload. A vote that is a tie, or
//!   has no votes, fails (the tie is in the result).
//! - A `loop` runs its steps; when they have all ended, the iteration is judged by the rule
//!   (`custom`: a task runs the command first). Converged: the loop succeeds with the iteration's
//!   result; exhausted: it fails; otherwise the next iteration starts. A failed step inside an
//!   iteration does not fail the run (a failing check is what a loop is for).
//! - The run succeeds when every top-level step has ended and none failed; it fails when a
//!   top-level step failed and everything that could still run has ended.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Convergence, Iteration, Kind, Plan, Source, Step, Strategy, TaskTemplate, Verdict, fill};

/// The capability a check's task (and a custom rule's command) requires: only workers that run
/// commands from workflows (`bosun worker --run-checks`) claim them.
pub const CHECK_CAPABILITY: &str = "check";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
    Cancelled,
}

impl Status {
    pub fn ended(self) -> bool {
        !matches!(self, Status::Pending | Status::Running)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Cancelled => "cancelled",
        }
    }
}

/// One task a step created, by its key (unique within the run).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSlot {
    pub key: String,
    /// The task's id, once the kernel created it: only that task's end advances the slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    pub status: Status,
    pub result: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct StepState {
    pub status: Status,
    /// Its tasks in order (a map's in item order).
    pub tasks: Vec<TaskSlot>,
    pub result: Option<Value>,
    /// Why it was skipped or failed, when that is not a task's own error.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct LoopState {
    /// The iteration running (from 1), or the last one.
    pub iteration: u32,
    /// Each finished iteration: its result and its checks.
    pub history: Vec<IterationRecord>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct IterationRecord {
    pub result: Value,
    pub checks: BTreeMap<String, bool>,
    pub custom_passed: Option<bool>,
}

/// Everything a run knows, stored as one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct RunState {
    pub status: Status,
    pub steps: BTreeMap<String, StepState>,
    pub loops: BTreeMap<String, LoopState>,
}

impl RunState {
    /// The slot of a task key, wherever it is.
    pub fn slot(&self, key: &str) -> Option<&TaskSlot> {
        self.steps.values().flat_map(|st| &st.tasks).find(|t| t.key == key)
    }

    /// Record the id of the task created for `key`.
    pub fn assign(&mut self, key: &str, task: String) {
        if let Some(slot) = self.steps.values_mut().flat_map(|st| &mut st.tasks).find(|t| t.key == key) {
            slot.task = Some(task);
        }
    }

    /// Cancel the run: every step still pending or running is cancelled. Answers the ids of the
    /// tasks that were still running, for the kernel to cancel.
    pub fn cancel(&mut self) -> Vec<String> {
        if self.status.ended() {
            return Vec::new();
        }
        self.status = Status::Cancelled;
        let mut running = Vec::new();
        for st in self.steps.values_mut() {
            for t in &mut st.tasks {
                if !t.status.ended() {
                    t.status = Status::Cancelled;
                    running.extend(t.task.clone());
                }
            }
            if !st.status.ended() {
                st.status = Status::Cancelled;
            }
        }
        running
    }
}

/// A task the kernel must create for the run.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTask {
    /// The step it belongs to.
    pub step: String,
    /// Unique within the run (step, iteration, item); the run records the id of the task made
    /// for it.
    pub key: String,
    pub title: String,
    pub prompt: Option<String>,
    pub capabilities: Vec<String>,
    /// What the task carries: the step, the item, the iteration, a check's command, a reduce's
    /// results.
    pub payload: Value,
}

/// How a task of the run ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub key: String,
    pub succeeded: bool,
    pub result: Value,
}

struct Runner<'a> {
    plan: &'a Plan,
    params: &'a HashMap<String, Value>,
    state: &'a mut RunState,
    out: Vec<NewTask>,
}

fn all_steps(steps: &[Step]) -> Vec<&Step> {
    let mut out = Vec::new();
    for s in steps {
        out.push(s);
        if let Kind::Loop { steps, .. } = &s.kind {
            out.extend(all_steps(steps));
        }
    }
    out
}

impl Runner<'_> {
    fn status(&self, id: &str) -> Status {
        self.state.steps.get(id).map(|s| s.status).unwrap_or_default()
    }

    fn values(&self, extra: &[(&str, Value)]) -> HashMap<String, Value> {
        let mut v = self.params.clone();
        for (k, x) in extra {
            v.insert((*k).to_owned(), x.clone());
        }
        v
    }

    fn task(&mut self, step: &str, key: String, t: &TaskTemplate, values: &HashMap<String, Value>, payload: Value) {
        self.out.push(NewTask {
            step: step.to_owned(),
            title: fill(&t.title, values),
            prompt: t.prompt.as_ref().map(|p| fill(p, values)),
            capabilities: t.capabilities.clone(),
            key,
            payload,
        });
    }

    /// Start every step of `steps` that can start; repeat until nothing changes (a skip or an
    /// immediate result can let the next step start).
    fn schedule(&mut self, steps: &[Step], iteration: Option<u32>) {
        loop {
            let mut changed = false;
            for s in steps {
                if self.status(&s.id) != Status::Pending || !s.after.iter().all(|a| self.status(a).ended()) {
                    continue;
                }
                changed = true;
                let failed_dep = s.after.iter().find(|a| self.status(a) == Status::Failed).cloned();
                let wanted_failure =
                    |dep: &str| s.when.as_ref().is_some_and(|w| w.step == dep && w.outcome == "failed");
                if let Some(dep) = failed_dep.filter(|d| !wanted_failure(d)) {
                    self.skip(&s.id, format!("`{dep}` failed"));
                    continue;
                }
                if let Some(w) = &s.when {
                    let got = self.status(&w.step);
                    let met = match w.outcome.as_str() {
                        "succeeded" => got == Status::Succeeded,
                        _ => got == Status::Failed,
                    };
                    if !met {
                        self.skip(&s.id, format!("`{}` did not end {}", w.step, w.outcome));
                        continue;
                    }
                }
                self.launch(s, iteration);
            }
            if !changed {
                return;
            }
        }
    }

    fn skip(&mut self, id: &str, reason: String) {
        let st = self.state.steps.entry(id.to_owned()).or_default();
        st.status = Status::Skipped;
        st.reason = Some(reason);
    }

    fn end(&mut self, id: &str, ok: bool, result: Option<Value>, reason: Option<String>) {
        let st = self.state.steps.entry(id.to_owned()).or_default();
        st.status = if ok { Status::Succeeded } else { Status::Failed };
        st.result = result;
        st.reason = reason;
    }

    fn launch(&mut self, s: &Step, iteration: Option<u32>) {
        let it = iteration.map_or(String::new(), |i| format!("#{i}"));
        let base = |extra: Value| {
            let mut p = json!({"workflow_step": s.id, "iteration": iteration});
            if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
                p.extend(e.clone());
            }
            p
        };
        let values = self.values(&iteration.map(|i| vec![("iteration", json!(i))]).unwrap_or_default());
        // What the steps it waited for ended with (a failed check's output, a plan's files).
        let inputs: serde_json::Map<String, Value> = s
            .after
            .iter()
            .filter_map(|a| self.state.steps.get(a).and_then(|st| st.result.clone()).map(|r| (a.clone(), r)))
            .collect();
        let base = |extra: Value| {
            let mut p = base(extra);
            if !inputs.is_empty() {
                p["inputs"] = Value::Object(inputs.clone());
            }
            p
        };
        let mut tasks = Vec::new();
        match &s.kind {
            Kind::Task(t) => {
                let key = format!("{}{it}", s.id);
                self.task(&s.id, key.clone(), t, &values, base(json!({})));
                tasks.push(key);
            }
            Kind::Check { command } => {
                let key = format!("{}{it}", s.id);
                let t = TaskTemplate {
                    title: format!("check: {}", fill(command, &values)),
                    capabilities: vec![CHECK_CAPABILITY.into()],
                    ..Default::default()
                };
                self.task(&s.id, key.clone(), &t, &values, base(json!({"check_command": fill(command, &values)})));
                tasks.push(key);
            }
            Kind::Map { over, task } => {
                let items = match over {
                    Source::Param(p) => self.params.get(p).cloned(),
                    Source::Step { step, field } => {
                        self.state.steps.get(step).and_then(|st| st.result.as_ref()).and_then(|r| r.get(field)).cloned()
                    }
                };
                let items = match items {
                    Some(Value::Array(a)) if a.len() <= super::MAX_MAP_ITEMS => a,
                    Some(Value::Array(_)) => {
                        return self.end(&s.id, false, None, Some(format!("more than {} items", super::MAX_MAP_ITEMS)));
                    }
                    _ => return self.end(&s.id, false, None, Some("`over` is not a list".into())),
                };
                if items.is_empty() {
                    return self.end(&s.id, true, Some(json!([])), None);
                }
                for (i, item) in items.iter().enumerate() {
                    let key = format!("{}{it}[{i}]", s.id);
                    let mut v = values.clone();
                    v.insert("item".into(), item.clone());
                    self.task(&s.id, key.clone(), task, &v, base(json!({"item": item, "index": i})));
                    tasks.push(key);
                }
            }
            Kind::Reduce { from, strategy } => {
                let results: Vec<Value> = self
                    .state
                    .steps
                    .get(from)
                    .map(|st| st.tasks.iter().map(|t| t.result.clone().unwrap_or(Value::Null)).collect())
                    .unwrap_or_default();
                match strategy {
                    Strategy::Concatenate => return self.end(&s.id, true, Some(super::concatenate(&results)), None),
                    Strategy::Merge => {
                        let m = super::merge(&results);
                        return self.end(&s.id, true, Some(json!({"merged": m.value, "conflicts": m.conflicts})), None);
                    }
                    Strategy::Vote { field, pass } => {
                        let v = super::vote(&results, field);
                        let counts: Vec<Value> =
                            v.counts.iter().map(|(x, n)| json!({"value": x, "votes": n})).collect();
                        let result =
                            json!({"winner": v.winner, "tie": v.tie, "counts": counts, "abstained": v.abstained});
                        let reason = if v.winner.is_none() {
                            Some("no votes".to_owned())
                        } else if v.tie {
                            Some("the vote is a tie".to_owned())
                        } else {
                            let lost = pass.as_ref().filter(|p| v.winner.as_ref() != Some(*p));
                            lost.map(|p| format!("the vote did not come out {p}"))
                        };
                        return self.end(&s.id, reason.is_none(), Some(result), reason);
                    }
                    Strategy::Reduce(t) => {
                        let key = format!("{}{it}", s.id);
                        self.task(&s.id, key.clone(), t, &values, base(json!({"results": results})));
                        tasks.push(key);
                    }
                }
            }
            Kind::Loop { steps, .. } => {
                self.state.loops.insert(s.id.clone(), LoopState { iteration: 1, history: Vec::new() });
                self.state.steps.entry(s.id.clone()).or_default().status = Status::Running;
                self.reset_body(steps);
                return self.schedule(steps, Some(1));
            }
        }
        let st = self.state.steps.entry(s.id.clone()).or_default();
        st.status = Status::Running;
        st.tasks =
            tasks.into_iter().map(|key| TaskSlot { key, task: None, status: Status::Running, result: None }).collect();
    }

    fn reset_body(&mut self, steps: &[Step]) {
        for b in steps {
            self.state.steps.insert(b.id.clone(), StepState::default());
        }
    }

    /// A step's tasks have all ended: the step's outcome.
    fn settle(&mut self, s: &Step) {
        let Some(st) = self.state.steps.get(&s.id) else { return };
        if st.status != Status::Running || !st.tasks.iter().all(|t| t.status.ended()) {
            return;
        }
        let ok = st.tasks.iter().all(|t| t.status == Status::Succeeded);
        let result = match &s.kind {
            Kind::Map { .. } => {
                Some(Value::Array(st.tasks.iter().map(|t| t.result.clone().unwrap_or(Value::Null)).collect()))
            }
            _ => st.tasks.first().and_then(|t| t.result.clone()),
        };
        self.end(&s.id, ok, result, None);
    }

    /// After a change inside a loop: settle its iteration if every body step ended.
    fn judge(&mut self, l: &Step) {
        let Kind::Loop { steps, until, max_iterations } = &l.kind else { return };
        if self.status(&l.id) != Status::Running || !steps.iter().all(|b| self.status(&b.id).ended()) {
            return;
        }
        let iteration = self.state.loops.get(&l.id).map_or(1, |x| x.iteration);
        let custom_key = format!("{}#{iteration}:until", l.id);
        let mut record = IterationRecord {
            // The iteration's result: its last step (in definition order) that has one.
            result: steps
                .iter()
                .rev()
                .find_map(|b| self.state.steps.get(&b.id).and_then(|st| st.result.clone()))
                .unwrap_or(Value::Null),
            checks: steps
                .iter()
                .filter(|b| matches!(b.kind, Kind::Check { .. }))
                .map(|b| (b.id.clone(), self.status(&b.id) == Status::Succeeded))
                .collect(),
            custom_passed: None,
        };
        if let Convergence::Custom { command } = until {
            // The command runs as a task first; its end comes back through `finished`.
            let slot =
                self.state.steps.get(&l.id).and_then(|st| st.tasks.iter().find(|t| t.key == custom_key)).cloned();
            match slot {
                None => {
                    let values = self.values(&[("iteration", json!(iteration))]);
                    let t = TaskTemplate {
                        title: format!("converged? {}", fill(command, &values)),
                        capabilities: vec![CHECK_CAPABILITY.into()],
                        ..Default::default()
                    };
                    let payload =
                        json!({"workflow_step": l.id, "iteration": iteration, "check_command": fill(command, &values)});
                    self.task(&l.id, custom_key.clone(), &t, &values, payload);
                    let st = self.state.steps.entry(l.id.clone()).or_default();
                    st.tasks.push(TaskSlot { key: custom_key, task: None, status: Status::Running, result: None });
                    return;
                }
                Some(t) if !t.status.ended() => return,
                Some(t) => record.custom_passed = Some(t.status == Status::Succeeded),
            }
        }
        let state = self.state.loops.entry(l.id.clone()).or_default();
        state.history.push(record.clone());
        let history: Vec<Iteration> = state
            .history
            .iter()
            .map(|r| Iteration { result: r.result.clone(), checks: r.checks.clone(), custom_passed: r.custom_passed })
            .collect();
        match super::converged(until, &history, *max_iterations) {
            Verdict::Converged => self.end(&l.id, true, Some(record.result), None),
            Verdict::Exhausted => {
                let reason = format!("did not converge in {max_iterations} iterations");
                self.end(&l.id, false, Some(record.result), Some(reason));
            }
            Verdict::Again => {
                let next = iteration + 1;
                self.state.loops.entry(l.id.clone()).or_default().iteration = next;
                if let Some(st) = self.state.steps.get_mut(&l.id) {
                    st.tasks.clear();
                }
                self.reset_body(steps);
                self.schedule(steps, Some(next));
            }
        }
    }

    fn conclude(&mut self) {
        let top = &self.plan.steps;
        if top.iter().all(|s| self.status(&s.id).ended()) {
            let failed = top.iter().any(|s| self.status(&s.id) == Status::Failed);
            self.state.status = if failed { Status::Failed } else { Status::Succeeded };
        }
    }
}

/// A new run: its state and its first tasks.
pub fn start(plan: &Plan, params: &HashMap<String, Value>) -> (RunState, Vec<NewTask>) {
    let mut state = RunState { status: Status::Running, ..RunState::default() };
    let mut r = Runner { plan, params, state: &mut state, out: Vec::new() };
    r.schedule(&plan.steps, None);
    r.conclude();
    let out = std::mem::take(&mut r.out);
    (state, out)
}

/// A task of the run ended: record it, advance, and answer the tasks to create next. A key the
/// run does not know (or that already ended) changes nothing.
pub fn finished(plan: &Plan, params: &HashMap<String, Value>, state: &mut RunState, done: &Finished) -> Vec<NewTask> {
    if state.status.ended() {
        return Vec::new();
    }
    let steps = all_steps(&plan.steps);
    let Some((step_id, slot)) = state.steps.iter_mut().find_map(|(id, st)| {
        st.tasks.iter_mut().find(|t| t.key == done.key && !t.status.ended()).map(|t| (id.clone(), t))
    }) else {
        return Vec::new();
    };
    slot.status = if done.succeeded { Status::Succeeded } else { Status::Failed };
    slot.result = Some(done.result.clone());
    let mut r = Runner { plan, params, state, out: Vec::new() };
    let Some(step) = steps.iter().find(|s| s.id == step_id) else { return Vec::new() };
    // A loop's own task (its custom rule's command) is judged by the loop.
    if !matches!(step.kind, Kind::Loop { .. }) {
        r.settle(step);
    }
    // The enclosing loop, if any, then everything that can start now.
    let owner = plan.steps.iter().find(|l| match &l.kind {
        Kind::Loop { steps, .. } => l.id == step_id || steps.iter().any(|b| b.id == step_id),
        _ => false,
    });
    if let Some(l) = owner {
        if let Kind::Loop { steps: body, .. } = &l.kind {
            let iteration = r.state.loops.get(&l.id).map(|x| x.iteration);
            r.schedule(body, iteration);
        }
        r.judge(l);
    }
    r.schedule(&plan.steps, None);
    r.conclude();
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::compile;

    fn params(v: Value) -> HashMap<String, Value> {
        v.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    fn ok(key: &str, result: Value) -> Finished {
        Finished { key: key.into(), succeeded: true, result }
    }

    fn failed(key: &str) -> Finished {
        Finished { key: key.into(), succeeded: false, result: json!({"exit_code": 1}) }
    }

    fn keys(tasks: &[NewTask]) -> Vec<&str> {
        tasks.iter().map(|t| t.key.as_str()).collect()
    }

    /// The built-in fix-until-green: at most 5 iterations.
    const FIX: &str = crate::workflow::templates::FIX_UNTIL_GREEN;

    #[test]
    fn fix_until_green_converges_on_the_third_iteration() {
        let plan = compile(FIX).unwrap();
        let p = params(json!({"check": "cargo test"}));
        let (mut state, first) = start(&plan, &p);
        assert_eq!(keys(&first), ["run-check#1"]);
        assert_eq!(first[0].payload["check_command"], "cargo test");
        // Iteration 1: the check fails, a repair runs.
        let next = finished(&plan, &p, &mut state, &failed("run-check#1"));
        assert_eq!(keys(&next), ["repair#1"]);
        assert_eq!(next[0].title, "Make `cargo test` pass (round 1)");
        // The repair done: iteration 2 starts with the check again.
        assert_eq!(keys(&finished(&plan, &p, &mut state, &ok("repair#1", json!({})))), ["run-check#2"]);
        assert_eq!(keys(&finished(&plan, &p, &mut state, &failed("run-check#2"))), ["repair#2"]);
        assert_eq!(keys(&finished(&plan, &p, &mut state, &ok("repair#2", json!({})))), ["run-check#3"]);
        // Iteration 3: the check passes; the repair is skipped; the loop converges.
        let last = finished(&plan, &p, &mut state, &ok("run-check#3", json!({"exit_code": 0})));
        assert!(last.is_empty(), "{last:?}");
        assert_eq!(state.steps["repair"].status, Status::Skipped);
        assert_eq!(state.loops["fix"].iteration, 3);
        assert_eq!(state.steps["fix"].status, Status::Succeeded);
        assert_eq!(state.status, Status::Succeeded);
        // Late or repeated news changes nothing.
        assert!(finished(&plan, &p, &mut state, &ok("run-check#3", json!({}))).is_empty());
        // The state survives a round trip through JSON (it is stored as a document).
        let stored: RunState = serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
        assert_eq!(stored, state);
    }

    #[test]
    fn fix_until_green_stops_at_max_iterations() {
        let plan = compile(FIX).unwrap();
        let p = params(json!({"check": "false"}));
        let (mut state, _) = start(&plan, &p);
        for i in 1..=5 {
            finished(&plan, &p, &mut state, &failed(&format!("run-check#{i}")));
            finished(&plan, &p, &mut state, &ok(&format!("repair#{i}"), json!({})));
        }
        assert_eq!(state.steps["fix"].status, Status::Failed);
        assert_eq!(state.steps["fix"].reason.as_deref(), Some("did not converge in 5 iterations"));
        assert_eq!(state.status, Status::Failed);
        assert_eq!(state.loops["fix"].history.len(), 5);
    }

    const REVIEW: &str = r#"name = "review"
[params.change]
required = true
[params.reviewers]
default = ["a", "b"]
[[steps]]
id = "implement"
kind = "task"
title = "Implement {change}"
[[steps]]
id = "review"
kind = "map"
over = "params.reviewers"
title = "Review {change} as {item}"
after = ["implement"]
[[steps]]
id = "verdict"
kind = "reduce"
from = "review"
strategy = "vote"
field = "verdict"
[[steps]]
id = "apply"
kind = "task"
title = "Merge {change}"
when = { step = "verdict", outcome = "succeeded" }
[[steps]]
id = "rework"
kind = "task"
title = "Rework {change}"
when = { step = "verdict", outcome = "failed" }
"#;

    #[test]
    fn review_fans_out_votes_and_applies_or_sends_back() {
        let plan = compile(REVIEW).unwrap();
        let p = plan.bind(json!({"change": "PR 7"}).as_object().unwrap()).unwrap();
        // Two approvals: apply.
        let (mut state, first) = start(&plan, &p);
        assert_eq!(keys(&first), ["implement"]);
        let reviews = finished(&plan, &p, &mut state, &ok("implement", json!({"pr": 7})));
        assert_eq!(keys(&reviews), ["review[0]", "review[1]"]);
        assert_eq!(reviews[1].title, "Review PR 7 as b");
        assert!(
            finished(&plan, &p, &mut state, &ok("review[0]", json!({"verdict": "approve"}))).is_empty(),
            "a barrier"
        );
        let after = finished(&plan, &p, &mut state, &ok("review[1]", json!({"verdict": "approve"})));
        assert_eq!(keys(&after), ["apply"]);
        assert_eq!(state.steps["verdict"].result.as_ref().unwrap()["winner"], "approve");
        assert_eq!(state.steps["rework"].status, Status::Skipped);
        finished(&plan, &p, &mut state, &ok("apply", json!({})));
        assert_eq!(state.status, Status::Succeeded);
        // A split vote: sent back.
        let (mut state, _) = start(&plan, &p);
        finished(&plan, &p, &mut state, &ok("implement", json!({})));
        finished(&plan, &p, &mut state, &ok("review[0]", json!({"verdict": "approve"})));
        let after = finished(&plan, &p, &mut state, &ok("review[1]", json!({"verdict": "reject"})));
        assert_eq!(keys(&after), ["rework"]);
        assert_eq!(state.steps["verdict"].reason.as_deref(), Some("the vote is a tie"));
        finished(&plan, &p, &mut state, &ok("rework", json!({})));
        assert_eq!(state.status, Status::Failed, "the vote failed, even though rework ran");
    }

    #[test]
    fn map_reduce_merges_and_a_failed_item_fails_the_map() {
        let text = r#"name = "map-reduce"
[params.items]
required = true
[[steps]]
id = "each"
kind = "map"
over = "params.items"
title = "Summarise {item}"
[[steps]]
id = "all"
kind = "reduce"
from = "each"
strategy = "merge"
"#;
        let plan = compile(text).unwrap();
        let p = params(json!({"items": ["a.rs", "b.rs"]}));
        let (mut state, first) = start(&plan, &p);
        assert_eq!(first[0].payload["item"], "a.rs");
        finished(&plan, &p, &mut state, &ok("each[1]", json!({"files": {"b.rs": 2}})));
        finished(&plan, &p, &mut state, &ok("each[0]", json!({"files": {"a.rs": 1}})));
        assert_eq!(
            state.steps["all"].result,
            Some(json!({"merged": {"files": {"a.rs": 1, "b.rs": 2}}, "conflicts": []}))
        );
        assert_eq!(state.status, Status::Succeeded);
        // No items: the map succeeds at once; the reduce merges nothing.
        let (state, first) = start(&plan, &params(json!({"items": []})));
        assert!(first.is_empty());
        assert_eq!(state.status, Status::Succeeded);
        // A failed item: the map fails and the reduce is skipped.
        let (mut state, _) = start(&plan, &p);
        finished(&plan, &p, &mut state, &failed("each[0]"));
        finished(&plan, &p, &mut state, &ok("each[1]", json!({})));
        assert_eq!(state.steps["each"].status, Status::Failed);
        assert_eq!(state.steps["all"].status, Status::Skipped);
        assert_eq!(state.status, Status::Failed);
    }

    #[test]
    fn a_custom_rule_runs_its_command_and_a_map_reads_an_earlier_result() {
        let text = r#"name = "plan-then-polish"
[[steps]]
id = "plan"
kind = "task"
title = "Plan"
[[steps]]
id = "do"
kind = "map"
over = "steps.plan.files"
title = "Edit {item}"
[[steps]]
id = "polish"
kind = "loop"
max_iterations = 3
until = { rule = "custom", command = "make lint" }
after = ["do"]
  [[steps.steps]]
  id = "tidy"
  kind = "task"
  title = "Tidy, round {iteration}"
"#;
        let plan = compile(text).unwrap();
        let p = HashMap::new();
        let (mut state, _) = start(&plan, &p);
        let edits = finished(&plan, &p, &mut state, &ok("plan", json!({"files": ["x.rs"]})));
        assert_eq!((keys(&edits), edits[0].title.as_str()), (vec!["do[0]"], "Edit x.rs"));
        assert_eq!(keys(&finished(&plan, &p, &mut state, &ok("do[0]", json!({})))), ["tidy#1"]);
        // The body ended: the rule's command runs as a task before the iteration is judged.
        let judge = finished(&plan, &p, &mut state, &ok("tidy#1", json!({"round": 1})));
        assert_eq!(keys(&judge), ["polish#1:until"]);
        assert_eq!(judge[0].payload["check_command"], "make lint");
        assert_eq!(keys(&finished(&plan, &p, &mut state, &failed("polish#1:until"))), ["tidy#2"]);
        finished(&plan, &p, &mut state, &ok("tidy#2", json!({"round": 2})));
        finished(&plan, &p, &mut state, &ok("polish#2:until", json!({})));
        assert_eq!(state.steps["polish"].status, Status::Succeeded);
        assert_eq!(state.steps["polish"].result, Some(json!({"round": 2})));
        assert_eq!(state.status, Status::Succeeded);
    }
}
