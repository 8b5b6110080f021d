//! Workflows (issue 16), first step: the declarative format, its compilation into a validated
//! plan, and the rules a run follows — how results are aggregated at a fan-in and when a loop has
//! converged — as pure functions over plain values, ahead of the kernel commands and the worker.
//!
//! A workflow is TOML:
//!
//! ```toml
//! name = "fix-until-green"
//! [params.check]
//! required = true
//!
//! [[steps]]
//! id = "fix"
//! kind = "loop"
//! max_iterations = 5
//! until = { rule = "test_pass", step = "run-check" }
//!
//!   [[steps.steps]]
//!   id = "run-check"
//!   kind = "check"
//!   command = "{check}"
//!
//!   [[steps.steps]]
//!   id = "repair"
//!   kind = "task"
//!   title = "Make `{check}` pass"
//!   after = ["run-check"]
//!   when = { step = "run-check", outcome = "failed" }
//! ```
//!
//! Step kinds: `task` (one task for an agent), `check` (a command whose exit status is the
//! outcome), `map` (one task per item of a list parameter or of an earlier step's result field),
//! `reduce` (a fan-in barrier over a map's results with a strategy: `concatenate`, `merge`, `vote`
//! or `reduce` — a task that receives them all), and `loop` (its steps again until a convergence
//! rule holds, at most `max_iterations`). `after` orders steps; `when` runs a step only if an
//! earlier one ended a given way. Placeholders `{name}` in titles, prompts and commands name a
//! parameter, or `{item}` in a map and `{iteration}` in a loop.
//!
//! Out of scope, with the reason: seed 002's finite-state machines with arbitrary back edges and
//! behaviour trees. A plan here is a DAG, and its only repetition is a bounded loop — which is
//! what makes a run's progress, its resumption after a restart and its audit trail simple to state.
//! An FSM's "go back to state X" is a loop whose body holds the states; a behaviour tree's
//! sequence is `after`, its selector is `when` on a failed outcome.

pub mod run;
pub mod templates;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

/// The most steps a workflow has, loop bodies included.
pub const MAX_STEPS: usize = 100;
/// The most iterations a loop may declare.
pub const MAX_ITERATIONS: u32 = 100;
/// The most items one map fans out to.
pub const MAX_MAP_ITEMS: usize = 1_000;
/// The most bytes of a workflow's text.
pub const MAX_TEXT: usize = 64 * 1024;

/// A definition that does not compile: the line it is about and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct Invalid {
    pub line: usize,
    pub reason: String,
}

fn invalid(line: usize, reason: impl Into<String>) -> Invalid {
    Invalid { line, reason: reason.into() }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub required: bool,
    pub default: Option<Value>,
}

/// What one task looks like before its placeholders are filled.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TaskTemplate {
    pub title: String,
    pub prompt: Option<String>,
    pub capabilities: Vec<String>,
}

/// Where a map's items come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A list parameter.
    Param(String),
    /// A list field of an earlier step's result.
    Step { step: String, field: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Strategy {
    /// The results as a list, in item order.
    Concatenate,
    /// A deep merge of object results (see [`merge`]).
    Merge,
    /// The majority value of a field (see [`vote`]); with `pass`, the step succeeds only when
    /// that value wins.
    Vote { field: String, pass: Option<Value> },
    /// A task that receives every result.
    Reduce(TaskTemplate),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Convergence {
    /// The last iteration's result `field` is at least `at_least`.
    Threshold { field: String, at_least: f64 },
    /// The result `field` was the same in the last `k` iterations.
    Stability { field: String, k: u32 },
    /// The loop's `step` (a check) passed in the last iteration.
    TestPass { step: String },
    /// A command (run by the worker) exits 0.
    Custom { command: String },
}

/// Run a step only when an earlier step ended this way.
#[derive(Clone, Debug, PartialEq)]
pub struct When {
    pub step: String,
    /// `succeeded` or `failed`.
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Task(TaskTemplate),
    Check { command: String },
    Map { over: Source, task: TaskTemplate },
    Reduce { from: String, strategy: Strategy },
    Loop { steps: Vec<Step>, until: Convergence, max_iterations: u32 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub id: String,
    /// Where the step is defined (for errors met later, at run time).
    pub line: usize,
    /// Steps this one waits for: its `after`, plus what it reads (a map's source step, a
    /// reduce's map, a `when`'s step).
    pub after: Vec<String>,
    pub when: Option<When>,
    pub kind: Kind,
}

/// A compiled workflow: every reference resolved, no cycle, every loop bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub name: String,
    pub description: String,
    pub params: Vec<Param>,
    pub steps: Vec<Step>,
}

// ---- the format ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    name: toml::Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    params: BTreeMap<String, toml::Spanned<ParamSpec>>,
    #[serde(default)]
    steps: Vec<toml::Spanned<StepSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamSpec {
    #[serde(default)]
    required: bool,
    #[serde(default)]
    default: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenSpec {
    step: String,
    outcome: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UntilSpec {
    rule: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    at_least: Option<f64>,
    #[serde(default)]
    k: Option<u32>,
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    command: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSpec {
    id: String,
    kind: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    prompt: Option<String>,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
    #[serde(default)]
    when: Option<WhenSpec>,
    #[serde(default)]
    over: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    strategy: Option<String>,
    #[serde(default)]
    field: Option<String>,
    /// A vote's winning value that lets the step succeed.
    #[serde(default)]
    pass: Option<toml::Value>,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    steps: Vec<toml::Spanned<StepSpec>>,
    #[serde(default)]
    until: Option<UntilSpec>,
    #[serde(default)]
    max_iterations: Option<u32>,
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// A workflow's or a step's name: 1–64 of a-z, 0-9, `-` and `_`.
pub fn valid_name(id: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    !id.is_empty() && id.len() <= 64 && id.chars().all(ok)
}

fn check_id(line: usize, what: &str, id: &str) -> Result<(), Invalid> {
    if !valid_name(id) {
        return Err(invalid(line, format!("{what} `{id}` must be 1 to 64 of a-z, 0-9, `-` and `_`")));
    }
    Ok(())
}

/// The placeholders `{name}` of a text.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

/// Fill `{name}` placeholders from `values` (strings as they are, other JSON as JSON text);
/// unknown names stay as written.
pub fn fill(text: &str, values: &HashMap<String, Value>) -> String {
    let mut out = text.to_owned();
    for name in placeholders(text) {
        if let Some(v) = values.get(name) {
            let s = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out = out.replace(&format!("{{{name}}}"), &s);
        }
    }
    out
}

struct Compiler<'a> {
    text: &'a str,
    params: HashSet<String>,
    /// Every step id, with its line and whether it is a map (for reduce's `from`).
    ids: HashMap<String, (usize, bool)>,
    count: usize,
}

impl Compiler<'_> {
    fn template(
        &self,
        line: usize,
        title: Option<String>,
        prompt: Option<String>,
        caps: Vec<String>,
        extra: &[&str],
    ) -> Result<TaskTemplate, Invalid> {
        let title = title.ok_or_else(|| invalid(line, "a task needs a `title`"))?;
        if title.is_empty() || title.chars().count() > 500 {
            return Err(invalid(line, "`title` must be 1 to 500 characters"));
        }
        self.known_placeholders(line, &title, extra)?;
        if let Some(p) = &prompt {
            self.known_placeholders(line, p, extra)?;
        }
        Ok(TaskTemplate { title, prompt, capabilities: caps })
    }

    fn known_placeholders(&self, line: usize, text: &str, extra: &[&str]) -> Result<(), Invalid> {
        for name in placeholders(text) {
            if !self.params.contains(name) && !extra.contains(&name) {
                return Err(invalid(line, format!("`{{{name}}}` is not a parameter of the workflow")));
            }
        }
        Ok(())
    }

    /// First pass: every id, unique, and how many steps there are.
    fn collect(&mut self, steps: &[toml::Spanned<StepSpec>]) -> Result<(), Invalid> {
        for s in steps {
            let line = line_of(self.text, s.span().start);
            let spec = s.get_ref();
            check_id(line, "step id", &spec.id)?;
            if self.ids.insert(spec.id.clone(), (line, spec.kind == "map")).is_some() {
                return Err(invalid(line, format!("step id `{}` is used twice", spec.id)));
            }
            self.count += 1;
            if self.count > MAX_STEPS {
                return Err(invalid(line, format!("a workflow has at most {MAX_STEPS} steps")));
            }
            self.collect(&spec.steps)?;
        }
        Ok(())
    }

    fn step(&self, s: toml::Spanned<StepSpec>, in_loop: bool) -> Result<Step, Invalid> {
        let line = line_of(self.text, s.span().start);
        let spec = s.into_inner();
        let mut after = spec.after.clone();
        for a in &after {
            if !self.ids.contains_key(a) {
                return Err(invalid(line, format!("`after` names `{a}`, which is not a step")));
            }
        }
        let when = match spec.when {
            Some(w) => {
                if !self.ids.contains_key(&w.step) {
                    return Err(invalid(line, format!("`when` names `{}`, which is not a step", w.step)));
                }
                if !matches!(w.outcome.as_str(), "succeeded" | "failed") {
                    return Err(invalid(line, "`when.outcome` must be succeeded or failed"));
                }
                after.push(w.step.clone());
                Some(When { step: w.step, outcome: w.outcome })
            }
            None => None,
        };
        let iteration: &[&str] = if in_loop { &["iteration"] } else { &[] };
        let only = |fields: &[(&str, bool)]| -> Result<(), Invalid> {
            for (name, present) in fields {
                if *present {
                    return Err(invalid(line, format!("a `{}` step has no `{name}`", spec.kind)));
                }
            }
            Ok(())
        };
        let kind = match spec.kind.as_str() {
            "task" => {
                only(&[
                    ("over", spec.over.is_some()),
                    ("from", spec.from.is_some()),
                    ("command", spec.command.is_some()),
                    ("steps", !spec.steps.is_empty()),
                    ("until", spec.until.is_some()),
                ])?;
                Kind::Task(self.template(line, spec.title, spec.prompt, spec.capabilities, iteration)?)
            }
            "check" => {
                only(&[
                    ("over", spec.over.is_some()),
                    ("from", spec.from.is_some()),
                    ("steps", !spec.steps.is_empty()),
                ])?;
                let command = spec.command.ok_or_else(|| invalid(line, "a check needs a `command`"))?;
                if command.is_empty() || command.len() > 4096 {
                    return Err(invalid(line, "`command` must be 1 to 4096 bytes"));
                }
                self.known_placeholders(line, &command, iteration)?;
                Kind::Check { command }
            }
            "map" => {
                let over =
                    spec.over.ok_or_else(|| invalid(line, "a map needs `over` (params.NAME or steps.ID.FIELD)"))?;
                let source = if let Some(p) = over.strip_prefix("params.") {
                    if !self.params.contains(p) {
                        return Err(invalid(line, format!("`over` names parameter `{p}`, which is not declared")));
                    }
                    Source::Param(p.to_owned())
                } else if let Some((step, field)) = over.strip_prefix("steps.").and_then(|r| r.split_once('.')) {
                    if !self.ids.contains_key(step) {
                        return Err(invalid(line, format!("`over` names step `{step}`, which is not a step")));
                    }
                    after.push(step.to_owned());
                    Source::Step { step: step.to_owned(), field: field.to_owned() }
                } else {
                    return Err(invalid(line, "`over` must be params.NAME or steps.ID.FIELD"));
                };
                let mut extra = vec!["item"];
                extra.extend_from_slice(iteration);
                Kind::Map {
                    over: source,
                    task: self.template(line, spec.title, spec.prompt, spec.capabilities, &extra)?,
                }
            }
            "reduce" => {
                let from = spec.from.ok_or_else(|| invalid(line, "a reduce needs `from` (a map step)"))?;
                match self.ids.get(&from) {
                    Some((_, true)) => {}
                    Some(_) => return Err(invalid(line, format!("`from` names `{from}`, which is not a map"))),
                    None => return Err(invalid(line, format!("`from` names `{from}`, which is not a step"))),
                }
                after.push(from.clone());
                let strategy = match spec.strategy.as_deref().unwrap_or("concatenate") {
                    "concatenate" => Strategy::Concatenate,
                    "merge" => Strategy::Merge,
                    "vote" => Strategy::Vote {
                        field: spec.field.ok_or_else(|| invalid(line, "a vote needs the `field` to vote on"))?,
                        pass: spec.pass.map(|v| serde_json::to_value(v).unwrap_or(Value::Null)),
                    },
                    "reduce" => {
                        Strategy::Reduce(self.template(line, spec.title, spec.prompt, spec.capabilities, iteration)?)
                    }
                    other => {
                        return Err(invalid(
                            line,
                            format!("strategy `{other}` is not concatenate, merge, vote or reduce"),
                        ));
                    }
                };
                Kind::Reduce { from, strategy }
            }
            "loop" => {
                if in_loop {
                    return Err(invalid(line, "loops do not nest"));
                }
                let max_iterations = spec.max_iterations.ok_or_else(|| {
                    invalid(line, "a loop needs `max_iterations` (a loop without a bound never ends)")
                })?;
                if !(1..=MAX_ITERATIONS).contains(&max_iterations) {
                    return Err(invalid(line, format!("`max_iterations` must be 1 to {MAX_ITERATIONS}")));
                }
                if spec.steps.is_empty() {
                    return Err(invalid(line, "a loop needs `steps`"));
                }
                let body_ids: HashSet<String> = spec.steps.iter().map(|s| s.get_ref().id.clone()).collect();
                let u = spec.until.ok_or_else(|| invalid(line, "a loop needs `until` (its convergence rule)"))?;
                let field =
                    |f: Option<String>| f.ok_or_else(|| invalid(line, format!("rule `{}` needs `field`", u.rule)));
                let until = match u.rule.as_str() {
                    "threshold" => Convergence::Threshold {
                        field: field(u.field.clone())?,
                        at_least: u.at_least.ok_or_else(|| invalid(line, "rule `threshold` needs `at_least`"))?,
                    },
                    "stability" => {
                        let k = u.k.unwrap_or(2);
                        if !(2..=MAX_ITERATIONS).contains(&k) {
                            return Err(invalid(line, "`k` must be 2 or more"));
                        }
                        Convergence::Stability { field: field(u.field.clone())?, k }
                    }
                    "test_pass" => {
                        let step =
                            u.step.clone().ok_or_else(|| invalid(line, "rule `test_pass` needs the check `step`"))?;
                        if !body_ids.contains(&step) {
                            return Err(invalid(line, format!("`until.step` `{step}` is not a step of this loop")));
                        }
                        Convergence::TestPass { step }
                    }
                    "custom" => Convergence::Custom {
                        command: u.command.clone().ok_or_else(|| invalid(line, "rule `custom` needs a `command`"))?,
                    },
                    other => {
                        return Err(invalid(
                            line,
                            format!("rule `{other}` is not threshold, stability, test_pass or custom"),
                        ));
                    }
                };
                let steps = spec.steps.into_iter().map(|s| self.step(s, true)).collect::<Result<Vec<_>, _>>()?;
                check_cycles(&steps)?;
                Kind::Loop { steps, until, max_iterations }
            }
            other => {
                return Err(invalid(line, format!("kind `{other}` is not task, check, map, reduce or loop")));
            }
        };
        after.sort();
        after.dedup();
        if after.contains(&spec.id) {
            return Err(invalid(line, format!("step `{}` waits for itself", spec.id)));
        }
        Ok(Step { id: spec.id, line, after, when, kind })
    }
}

/// A cycle among steps of one level (a loop's body is checked on its own): reported at the
/// line of a step on it.
fn check_cycles(steps: &[Step]) -> Result<(), Invalid> {
    let index: HashMap<&str, &Step> = steps.iter().map(|s| (s.id.as_str(), s)).collect();
    // 0 unvisited, 1 on the path, 2 done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    fn visit<'a>(
        s: &'a Step,
        index: &HashMap<&'a str, &'a Step>,
        state: &mut HashMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Result<(), Invalid> {
        match state.get(s.id.as_str()) {
            Some(2) => return Ok(()),
            Some(1) => {
                let from = path.iter().position(|p| *p == s.id).unwrap_or(0);
                let mut cycle: Vec<&str> = path[from..].to_vec();
                cycle.push(&s.id);
                return Err(invalid(
                    s.line,
                    format!("the steps wait for each other in a cycle: {}", cycle.join(" → ")),
                ));
            }
            _ => {}
        }
        state.insert(&s.id, 1);
        path.push(&s.id);
        for a in &s.after {
            if let Some(next) = index.get(a.as_str()) {
                visit(next, index, state, path)?;
            }
        }
        path.pop();
        state.insert(&s.id, 2);
        Ok(())
    }
    for s in steps {
        visit(s, &index, &mut state, &mut Vec::new())?;
    }
    Ok(())
}

/// Compile a workflow's text: parse it (a syntax error names its line), then check every
/// reference, bound and placeholder.
pub fn compile(text: &str) -> Result<Plan, Invalid> {
    if text.len() > MAX_TEXT {
        return Err(invalid(1, format!("a workflow is at most {MAX_TEXT} bytes")));
    }
    let doc: Doc = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        invalid(line, e.message().to_owned())
    })?;
    let name_line = line_of(text, doc.name.span().start);
    let name = doc.name.into_inner();
    check_id(name_line, "workflow name", &name)?;
    let mut params = Vec::new();
    for (pname, spec) in doc.params {
        let line = line_of(text, spec.span().start);
        check_id(line, "parameter", &pname)?;
        if matches!(pname.as_str(), "item" | "iteration") {
            return Err(invalid(line, format!("`{pname}` is reserved (a map's item, a loop's iteration)")));
        }
        let spec = spec.into_inner();
        let default = spec.default.map(|d| serde_json::to_value(d).unwrap_or(Value::Null));
        params.push(Param { name: pname, required: spec.required, default });
    }
    if doc.steps.is_empty() {
        return Err(invalid(name_line, "a workflow needs at least one step"));
    }
    let mut c =
        Compiler { text, params: params.iter().map(|p| p.name.clone()).collect(), ids: HashMap::new(), count: 0 };
    c.collect(&doc.steps)?;
    let steps = doc.steps.into_iter().map(|s| c.step(s, false)).collect::<Result<Vec<_>, _>>()?;
    check_cycles(&steps)?;
    Ok(Plan { name, description: doc.description, params, steps })
}

impl Plan {
    /// The parameters of one run: every required one given, defaults filled in, none unknown.
    pub fn bind(&self, given: &serde_json::Map<String, Value>) -> Result<HashMap<String, Value>, String> {
        for name in given.keys() {
            if !self.params.iter().any(|p| &p.name == name) {
                return Err(format!("`{name}` is not a parameter of workflow `{}`", self.name));
            }
        }
        let mut out = HashMap::new();
        for p in &self.params {
            match given.get(&p.name).or(p.default.as_ref()) {
                Some(v) => {
                    out.insert(p.name.clone(), v.clone());
                }
                None if p.required => return Err(format!("parameter `{}` is required", p.name)),
                None => {}
            }
        }
        Ok(out)
    }
}

// ---- aggregation ----

/// The results as a list, in order.
pub fn concatenate(results: &[Value]) -> Value {
    Value::Array(results.to_vec())
}

/// A deep merge and where the results disagreed.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub value: Value,
    /// JSON pointers of the places where results disagreed (the earlier result's value kept).
    pub conflicts: Vec<String>,
}

/// Merge results in order: objects key by key, recursively; arrays concatenated; equal values
/// are one; for anything else that differs (two scalars, or a scalar and an object) the earlier
/// result's value is kept and the place is listed as a conflict. `null` yields to any value.
pub fn merge(results: &[Value]) -> Merged {
    fn into(acc: &mut Value, next: &Value, at: &str, conflicts: &mut Vec<String>) {
        match (acc, next) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in b {
                    let path = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    match a.get_mut(k) {
                        Some(existing) => into(existing, v, &path, conflicts),
                        None => {
                            a.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) => a.extend(b.iter().cloned()),
            (acc @ Value::Null, v) => *acc = v.clone(),
            (_, Value::Null) => {}
            (a, b) if *a == *b => {}
            _ => conflicts.push(if at.is_empty() { "/".into() } else { at.to_owned() }),
        }
    }
    let mut value = Value::Null;
    let mut conflicts = Vec::new();
    for r in results {
        into(&mut value, r, "", &mut conflicts);
    }
    conflicts.dedup();
    Merged { value, conflicts }
}

/// A vote's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Vote {
    /// The value with the most votes; on a tie, the tied value that was cast first.
    pub winner: Option<Value>,
    /// Each value and its votes, most first (ties in the order first cast).
    pub counts: Vec<(Value, usize)>,
    /// The top count is shared.
    pub tie: bool,
    /// Results without the field (they abstain).
    pub abstained: usize,
}

/// The majority value of `field` (a top-level key) among the results.
pub fn vote(results: &[Value], field: &str) -> Vote {
    let mut counts: Vec<(Value, usize)> = Vec::new();
    let mut abstained = 0;
    for r in results {
        match r.get(field) {
            Some(v) if !v.is_null() => match counts.iter_mut().find(|(x, _)| x == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v.clone(), 1)),
            },
            _ => abstained += 1,
        }
    }
    // Stable: equal counts keep the order first cast.
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let tie = counts.len() > 1 && counts[0].1 == counts[1].1;
    Vote { winner: counts.first().map(|(v, _)| v.clone()), counts, tie, abstained }
}

// ---- convergence ----

/// What a loop does after an iteration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Converged,
    Again,
    /// `max_iterations` ran without converging.
    Exhausted,
}

/// One finished iteration, as convergence sees it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Iteration {
    /// The iteration's result (its last step's).
    pub result: Value,
    /// Whether the loop's checks passed, by step id.
    pub checks: BTreeMap<String, bool>,
    /// For a `custom` rule: whether its command exited 0 (the worker runs it).
    pub custom_passed: Option<bool>,
}

fn number_at(v: &Value, field: &str) -> Option<f64> {
    field.split('.').try_fold(v, |v, k| v.get(k)).and_then(Value::as_f64)
}

/// Has the loop converged after the iterations so far (oldest first)?
pub fn converged(rule: &Convergence, history: &[Iteration], max_iterations: u32) -> Verdict {
    let Some(last) = history.last() else { return Verdict::Again };
    let done = match rule {
        Convergence::Threshold { field, at_least } => number_at(&last.result, field).is_some_and(|v| v >= *at_least),
        Convergence::Stability { field, k } => {
            let k = *k as usize;
            history.len() >= k && {
                let at = |i: &Iteration| field.split('.').try_fold(&i.result, |v, key| v.get(key)).cloned();
                let recent: Vec<Option<Value>> = history[history.len() - k..].iter().map(at).collect();
                recent[0].is_some() && recent.iter().all(|v| *v == recent[0])
            }
        }
        Convergence::TestPass { step } => last.checks.get(step).copied().unwrap_or(false),
        Convergence::Custom { .. } => last.custom_passed.unwrap_or(false),
    };
    if done {
        Verdict::Converged
    } else if history.len() as u32 >= max_iterations {
        Verdict::Exhausted
    } else {
        Verdict::Again
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FIX: &str = r#"name = "fix-until-green"
description = "run a check; fix until it passes"

[params.check]
required = true

[[steps]]
id = "fix"
kind = "loop"
max_iterations = 5
until = { rule = "test_pass", step = "run-check" }

  [[steps.steps]]
  id = "run-check"
  kind = "check"
  command = "{check}"

  [[steps.steps]]
  id = "repair"
  kind = "task"
  title = "Make `{check}` pass (iteration {iteration})"
  after = ["run-check"]
  when = { step = "run-check", outcome = "failed" }
"#;

    #[test]
    fn a_loop_with_a_check_compiles() {
        let plan = compile(FIX).unwrap();
        assert_eq!(plan.name, "fix-until-green");
        let Kind::Loop { steps, until, max_iterations } = &plan.steps[0].kind else { panic!("{plan:?}") };
        assert_eq!((*max_iterations, until), (5, &Convergence::TestPass { step: "run-check".into() }));
        assert_eq!(steps[1].after, ["run-check"]);
        assert_eq!(steps[1].line, 18, "the line of its [[steps.steps]] table");
        let params = plan.bind(json!({"check": "cargo test"}).as_object().unwrap()).unwrap();
        assert_eq!(fill("run {check} now, {nope}", &params), "run cargo test now, {nope}");
        assert_eq!(plan.bind(&Default::default()).unwrap_err(), "parameter `check` is required");
        assert!(plan.bind(json!({"check": "x", "typo": 1}).as_object().unwrap()).unwrap_err().contains("typo"));
    }

    #[test]
    fn the_documented_example_compiles() {
        let doc = include_str!("../../../docs/WORKFLOWS.md");
        let start = doc.find("```toml\n").expect("a toml block") + 8;
        let text = &doc[start..start + doc[start..].find("```").unwrap()];
        let plan = compile(text).unwrap_or_else(|e| panic!("docs/WORKFLOWS.md: {e}"));
        assert_eq!(plan.steps.len(), 4);
        assert_eq!(plan.steps[3].after, ["verdict"], "`when` orders too");
        let reviewers = plan.bind(json!({"change": "x"}).as_object().unwrap()).unwrap();
        assert_eq!(reviewers["reviewers"], json!(["reviewer-a", "reviewer-b"]), "defaults fill in");
    }

    #[test]
    fn map_and_reduce_compile_with_their_implicit_order() {
        let text = r#"name = "map-reduce"
[params.items]
required = true
[[steps]]
id = "each"
kind = "map"
over = "params.items"
title = "Handle {item}"
[[steps]]
id = "all"
kind = "reduce"
from = "each"
strategy = "vote"
field = "verdict"
"#;
        let plan = compile(text).unwrap();
        assert_eq!(plan.steps[1].after, ["each"], "a reduce waits for its map");
        assert_eq!(
            plan.steps[1].kind,
            Kind::Reduce { from: "each".into(), strategy: Strategy::Vote { field: "verdict".into(), pass: None } }
        );
    }

    /// Bad definitions: the line and the reason.
    #[test]
    fn bad_definitions_name_the_line_and_the_reason() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "name = \"x\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"t\"\nafter = [\"b\"]\n[[steps]]\nid = \"b\"\nkind = \"task\"\ntitle = \"t\"\nafter = [\"a\"]\n",
                2,
                "cycle: a → b → a",
            ),
            (
                "name = \"x\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"t\"\nafter = [\"ghost\"]\n",
                2,
                "`ghost`, which is not a step",
            ),
            (
                "name = \"x\"\n\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"hello {who}\"\n",
                3,
                "`{who}` is not a parameter",
            ),
            (
                "name = \"x\"\n[[steps]]\nid = \"l\"\nkind = \"loop\"\nuntil = { rule = \"custom\", command = \"true\" }\n[[steps.steps]]\nid = \"t\"\nkind = \"task\"\ntitle = \"t\"\n",
                2,
                "without a bound",
            ),
            (
                "name = \"x\"\n[[steps]]\nid = \"l\"\nkind = \"loop\"\nmax_iterations = 1000\n",
                2,
                "`max_iterations` must be 1 to 100",
            ),
            ("name = \"x\"\n[[steps]]\nid = \"a\"\nkind = \"teleport\"\n", 2, "kind `teleport`"),
            (
                "name = \"x\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"t\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"t\"\n",
                6,
                "used twice",
            ),
            (
                "name = \"x\"\n[[steps]]\nid = \"r\"\nkind = \"reduce\"\nfrom = \"a\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"t\"\n",
                2,
                "which is not a map",
            ),
            (
                "name = \"x\"\n[[steps]]\nid = \"m\"\nkind = \"map\"\nover = \"params.files\"\ntitle = \"t\"\n",
                2,
                "parameter `files`, which is not declared",
            ),
            ("name = \"x\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitel = \"typo\"\n", 5, "unknown field `titel`"),
            ("name = \"x\"\n[[steps]\n", 2, ""),
            ("name = \"Bad Name\"\n[[steps]]\nid = \"a\"\nkind = \"task\"\ntitle = \"t\"\n", 1, "workflow name"),
        ];
        for (text, line, reason) in cases {
            let e = compile(text).expect_err(text);
            assert_eq!(e.line, *line, "{text}\n→ {e}");
            assert!(e.reason.contains(reason), "{text}\n→ {e}");
        }
    }

    #[test]
    fn aggregation_strategies_as_data() {
        // concatenate: in order.
        assert_eq!(concatenate(&[json!(1), json!({"a": 2})]), json!([1, {"a": 2}]));
        // merge: (inputs, merged, conflicts)
        let merges: &[(Value, Value, &[&str])] = &[
            (json!([{"a": 1}, {"b": 2}]), json!({"a": 1, "b": 2}), &[]),
            (json!([{"a": {"x": 1}}, {"a": {"y": 2}}]), json!({"a": {"x": 1, "y": 2}}), &[]),
            (json!([{"files": ["a"]}, {"files": ["b"]}]), json!({"files": ["a", "b"]}), &[]),
            (json!([{"a": 1}, {"a": 2}, {"a": 3}]), json!({"a": 1}), &["/a"]),
            (json!([{"a": null}, {"a": 2}]), json!({"a": 2}), &[]),
            (json!([{"a": {"x": 1}}, {"a": 5}]), json!({"a": {"x": 1}}), &["/a"]),
            (json!([{"a/b": 1}, {"a/b": 2}]), json!({"a/b": 1}), &["/a~1b"]),
            (json!([]), Value::Null, &[]),
        ];
        for (inputs, want, conflicts) in merges {
            let m = merge(inputs.as_array().unwrap());
            assert_eq!(
                (&m.value, m.conflicts.iter().map(String::as_str).collect::<Vec<_>>()),
                (want, conflicts.to_vec()),
                "{inputs}"
            );
        }
        // vote: (inputs, winner, tie, abstained)
        let votes: &[(Value, Option<Value>, bool, usize)] = &[
            (json!([{"v": "approve"}, {"v": "reject"}, {"v": "approve"}]), Some(json!("approve")), false, 0),
            (json!([{"v": "reject"}, {"v": "approve"}]), Some(json!("reject")), true, 0),
            (json!([{"v": "approve"}, {}, {"v": null}]), Some(json!("approve")), false, 2),
            (json!([{}, {}]), None, false, 2),
            (json!([{"v": 1}, {"v": 2}, {"v": 2}, {"v": 1}, {"v": 3}]), Some(json!(1)), true, 0),
        ];
        for (inputs, winner, tie, abstained) in votes {
            let v = vote(inputs.as_array().unwrap(), "v");
            assert_eq!((&v.winner, v.tie, v.abstained), (winner, *tie, *abstained), "{inputs}");
        }
    }

    #[test]
    fn convergence_rules_as_data() {
        let it = |result: Value| Iteration { result, ..Default::default() };
        let checked = |ok: bool| Iteration { checks: [("check".to_owned(), ok)].into(), ..Default::default() };
        let threshold = Convergence::Threshold { field: "score.total".into(), at_least: 0.9 };
        let stability = Convergence::Stability { field: "plan".into(), k: 3 };
        let test_pass = Convergence::TestPass { step: "check".into() };
        let cases: &[(&Convergence, Vec<Iteration>, u32, Verdict)] = &[
            (&threshold, vec![], 5, Verdict::Again),
            (&threshold, vec![it(json!({"score": {"total": 0.5}}))], 5, Verdict::Again),
            (&threshold, vec![it(json!({"score": {"total": 0.95}}))], 5, Verdict::Converged),
            (&threshold, vec![it(json!({"score": "high"}))], 1, Verdict::Exhausted),
            (&stability, vec![it(json!({"plan": "a"})), it(json!({"plan": "a"}))], 5, Verdict::Again),
            (
                &stability,
                vec![
                    it(json!({"plan": "b"})),
                    it(json!({"plan": "a"})),
                    it(json!({"plan": "a"})),
                    it(json!({"plan": "a"})),
                ],
                5,
                Verdict::Converged,
            ),
            (&stability, vec![it(json!({})), it(json!({})), it(json!({}))], 5, Verdict::Again),
            (&test_pass, vec![checked(false), checked(false), checked(true)], 5, Verdict::Converged),
            (&test_pass, vec![checked(false), checked(false), checked(false)], 3, Verdict::Exhausted),
        ];
        for (rule, history, max, want) in cases {
            assert_eq!(converged(rule, history, *max), *want, "{rule:?} after {history:?}");
        }
        let custom = Convergence::Custom { command: "true".into() };
        let passed = Iteration { custom_passed: Some(true), ..Default::default() };
        assert_eq!(converged(&custom, &[passed], 2), Verdict::Converged);
    }
}
