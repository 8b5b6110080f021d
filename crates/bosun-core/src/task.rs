//! Tasks (SPEC §3.2): the state machine as one table, the transitions as functions over plain
//! values, fencing, backoff, and dependency cycles. The kernel asks these; nothing else sets a
//! task's status.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{AgentId, TaskId, TenantId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Waiting on dependencies.
    Blocked,
    Ready,
    Leased,
    Succeeded,
    /// Failed, waiting for its retry time.
    Failed,
    /// Dead letter: out of attempts, or failed for good.
    Dead,
    Cancelled,
}

use TaskStatus::*;

/// Every allowed transition.
pub const TRANSITIONS: &[(TaskStatus, TaskStatus)] = &[
    (Blocked, Ready),
    (Ready, Leased),
    (Leased, Succeeded),
    (Leased, Failed),
    (Leased, Dead),
    (Leased, Ready),
    (Failed, Ready),
    (Dead, Ready),
    (Blocked, Cancelled),
    (Ready, Cancelled),
    (Leased, Cancelled),
    (Failed, Cancelled),
];

impl TaskStatus {
    pub const ALL: [TaskStatus; 7] = [Blocked, Ready, Leased, Succeeded, Failed, Dead, Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Blocked => "blocked",
            Ready => "ready",
            Leased => "leased",
            Succeeded => "succeeded",
            Failed => "failed",
            Dead => "dead",
            Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Nothing happens to a final task on its own (a dead one can still be retried by hand).
    pub fn is_final(self) -> bool {
        matches!(self, Succeeded | Dead | Cancelled)
    }
}

/// Why a transition was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskError {
    /// The task is not in a state that allows this.
    Transition { from: TaskStatus, to: TaskStatus },
    /// The caller does not hold the current lease (its lease expired and was granted again, or it
    /// never held it).
    StaleFence { presented: u64, current: u64 },
    /// The caller presented the current fence of a leased task that is not leased to it: it
    /// never held this lease.
    NotHolder,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Transition { from, to } => {
                write!(f, "a {} task cannot become {}", from.as_str(), to.as_str())
            }
            TaskError::StaleFence { presented, current } => write!(
                f,
                "fence {presented} is stale (current fence {current}): your lease expired or was never yours; \
                 stop working on this task"
            ),
            TaskError::NotHolder => write!(
                f,
                "you do not hold the lease on this task (another agent claimed it); only the agent that \
                 claimed it may heartbeat, complete or fail it"
            ),
        }
    }
}

/// Defaults from the spec.
pub const DEFAULT_PRIORITY: u8 = 5;
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
pub const DEFAULT_LEASE: SignedDuration = SignedDuration::from_secs(300);

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub id: TaskId,
    pub tenant_id: TenantId,
    pub project: String,
    pub title: String,
    pub description: String,
    pub payload: Value,
    pub priority: u8,
    pub depends_on: Vec<TaskId>,
    pub required_capabilities: Vec<String>,
    pub status: TaskStatus,
    pub assignee: Option<AgentId>,
    pub lease_expires_at: Option<Timestamp>,
    /// Grows by one on every claim; heartbeat, complete and fail must present the current one.
    pub fence: u64,
    /// Leases that ended without success (failures and expiries).
    pub attempts: u32,
    pub max_attempts: u32,
    pub idempotency_key: Option<String>,
    pub result: Option<Value>,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deadline_at: Option<Timestamp>,
    /// When a failed task becomes ready again.
    pub retry_at: Option<Timestamp>,
    /// Lock keys taken with the current lease, released with it.
    pub scope: Vec<String>,
    /// Heartbeats the current (or last) lease had: liveness is not audited one by one, so the
    /// event that ends a lease records the count.
    pub lease_heartbeats: u32,
}

impl Task {
    /// A new ready task with the defaults of the spec (priority 5, 3 attempts, no dependencies).
    pub fn new(tenant: TenantId, project: &str, title: &str, created_by: &str, now: Timestamp) -> Task {
        Task {
            id: TaskId::generate(),
            tenant_id: tenant,
            project: project.to_owned(),
            title: title.to_owned(),
            description: String::new(),
            payload: Value::Object(Default::default()),
            priority: DEFAULT_PRIORITY,
            depends_on: Vec::new(),
            required_capabilities: Vec::new(),
            status: Ready,
            assignee: None,
            lease_expires_at: None,
            fence: 0,
            attempts: 0,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            idempotency_key: None,
            result: None,
            error: None,
            created_by: created_by.to_owned(),
            created_at: now,
            updated_at: now,
            deadline_at: None,
            retry_at: None,
            scope: Vec::new(),
            lease_heartbeats: 0,
        }
    }

    fn go(&mut self, to: TaskStatus, now: Timestamp) -> Result<(), TaskError> {
        if !TRANSITIONS.contains(&(self.status, to)) {
            return Err(TaskError::Transition { from: self.status, to });
        }
        self.status = to;
        self.updated_at = now;
        Ok(())
    }

    fn end_lease(&mut self) {
        self.assignee = None;
        self.lease_expires_at = None;
        self.scope.clear();
    }

    /// Lease a ready task to an agent; the new fence is returned.
    pub fn claim(
        &mut self,
        agent: AgentId,
        lease: SignedDuration,
        scope: Vec<String>,
        now: Timestamp,
    ) -> Result<u64, TaskError> {
        self.go(Leased, now)?;
        self.assignee = Some(agent);
        self.lease_expires_at = Some(now + lease);
        self.fence += 1;
        self.scope = scope;
        self.retry_at = None;
        self.lease_heartbeats = 0;
        Ok(self.fence)
    }

    /// The caller must hold the current lease with the current fence.
    pub fn check_holder(&self, agent: AgentId, fence: u64) -> Result<(), TaskError> {
        if self.status == Leased && self.assignee == Some(agent) && self.fence == fence {
            Ok(())
        } else if self.fence == fence && self.status == Leased {
            Err(TaskError::NotHolder)
        } else {
            Err(TaskError::StaleFence { presented: fence, current: self.fence })
        }
    }

    pub fn heartbeat(
        &mut self,
        agent: AgentId,
        fence: u64,
        lease: SignedDuration,
        now: Timestamp,
    ) -> Result<(), TaskError> {
        self.check_holder(agent, fence)?;
        self.lease_expires_at = Some(now + lease);
        self.updated_at = now;
        self.lease_heartbeats = self.lease_heartbeats.saturating_add(1);
        Ok(())
    }

    pub fn complete(&mut self, agent: AgentId, fence: u64, result: Value, now: Timestamp) -> Result<(), TaskError> {
        self.check_holder(agent, fence)?;
        self.go(Succeeded, now)?;
        self.end_lease();
        self.result = Some(result);
        self.error = None;
        Ok(())
    }

    /// Fail the current lease: retry after a backoff, or dead-letter when out of attempts or not
    /// retryable. `jitter` in [0, 1) spreads retries.
    pub fn fail(
        &mut self,
        agent: AgentId,
        fence: u64,
        error: String,
        retryable: bool,
        jitter: f64,
        now: Timestamp,
    ) -> Result<(), TaskError> {
        self.check_holder(agent, fence)?;
        self.attempts += 1;
        self.error = Some(error);
        self.end_lease();
        if retryable && self.attempts < self.max_attempts {
            self.go(Failed, now)?;
            self.retry_at = Some(now + backoff(self.attempts, jitter));
        } else {
            self.go(Dead, now)?;
        }
        Ok(())
    }

    /// Is the lease over at `now`?
    pub fn lease_expired(&self, now: Timestamp) -> bool {
        self.status == Leased && self.lease_expires_at.is_some_and(|t| t <= now)
    }

    /// The lease ran out: back to ready, counting an attempt (dead when out of attempts).
    pub fn expire(&mut self, now: Timestamp) -> Result<(), TaskError> {
        self.attempts += 1;
        self.error = Some("lease expired".into());
        self.end_lease();
        if self.attempts < self.max_attempts { self.go(Ready, now) } else { self.go(Dead, now) }
    }

    /// A failed task whose retry time has come is ready again.
    pub fn retry_due(&self, now: Timestamp) -> bool {
        self.status == Failed && self.retry_at.is_some_and(|t| t <= now)
    }

    pub fn promote(&mut self, now: Timestamp) -> Result<(), TaskError> {
        self.retry_at = None;
        self.go(Ready, now)
    }

    /// All dependencies succeeded.
    pub fn unblock(&mut self, now: Timestamp) -> Result<(), TaskError> {
        self.go(Ready, now)
    }

    pub fn cancel(&mut self, reason: String, now: Timestamp) -> Result<(), TaskError> {
        self.go(Cancelled, now)?;
        self.end_lease();
        self.retry_at = None;
        self.error = Some(reason);
        Ok(())
    }

    /// Move a dead task back to ready with fresh attempts.
    pub fn retry(&mut self, now: Timestamp) -> Result<(), TaskError> {
        if self.status != Dead {
            return Err(TaskError::Transition { from: self.status, to: Ready });
        }
        self.go(Ready, now)?;
        self.attempts = 0;
        self.error = None;
        Ok(())
    }
}

/// Retry delay after the `attempt`-th failure: 10 s·2ⁿ⁻¹ capped at 5 min, with "equal jitter"
/// (half fixed, half spread by `jitter` in [0, 1)).
pub fn backoff(attempt: u32, jitter: f64) -> SignedDuration {
    let base_ms: i64 = (10_000i64 << attempt.saturating_sub(1).min(16)).min(300_000);
    let jitter = jitter.clamp(0.0, 1.0);
    SignedDuration::from_millis(base_ms / 2 + ((base_ms / 2) as f64 * jitter) as i64)
}

/// A dependency cycle in a graph given as node → nodes it depends on, named in order and closed
/// (`a → b → a`), or `None`. Deterministic: the smallest node on a cycle starts the search.
pub fn find_cycle<K: Ord + Clone>(graph: &BTreeMap<K, Vec<K>>) -> Option<Vec<K>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit<K: Ord + Clone>(
        node: &K,
        graph: &BTreeMap<K, Vec<K>>,
        marks: &mut BTreeMap<K, Mark>,
        stack: &mut Vec<K>,
    ) -> Option<Vec<K>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = stack.iter().position(|n| n == node).expect("open nodes are on the stack");
                let mut cycle = stack[start..].to_vec();
                cycle.push(node.clone());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.clone(), Mark::Open);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(node, graph, &mut marks, &mut stack) {
            return Some(cycle);
        }
    }
    None
}

/// Nodes that depend, directly or not, on `root` (for cancellation cascades), given node → its
/// dependants.
pub fn dependants_closure<K: Ord + Clone>(root: &K, dependants: &BTreeMap<K, Vec<K>>) -> BTreeSet<K> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.clone()];
    while let Some(n) = todo.pop() {
        for d in dependants.get(&n).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Timestamp {
        "2026-11-21T10:00:00Z".parse().unwrap()
    }

    fn task() -> Task {
        Task::new(TenantId::generate(), "default", "t", "u", t0())
    }

    #[test]
    fn transition_table_is_the_only_way() {
        for from in TaskStatus::ALL {
            for to in TaskStatus::ALL {
                let mut t = task();
                t.status = from;
                let allowed = TRANSITIONS.contains(&(from, to));
                assert_eq!(t.go(to, t0()).is_ok(), allowed, "{from:?} → {to:?}");
            }
        }
        for s in [Succeeded, Cancelled] {
            assert!(TaskStatus::ALL.iter().all(|to| !TRANSITIONS.contains(&(s, *to))), "{s:?} is final");
        }
    }

    #[test]
    fn claim_complete_and_fencing() {
        let (a, b) = (AgentId::generate(), AgentId::generate());
        let mut t = task();
        let f1 = t.claim(a, DEFAULT_LEASE, vec![], t0()).unwrap();
        assert_eq!((t.status, f1, t.assignee), (Leased, 1, Some(a)));
        assert!(t.claim(b, DEFAULT_LEASE, vec![], t0()).is_err(), "a leased task cannot be claimed again");
        assert_eq!(t.complete(b, f1, Value::Null, t0()), Err(TaskError::NotHolder), "b never held the lease");
        // The lease lapses and b gets the task: a's fence is now stale.
        let later = t0() + SignedDuration::from_secs(301);
        assert!(t.lease_expired(later));
        t.expire(later).unwrap();
        assert_eq!((t.status, t.attempts), (Ready, 1));
        let f2 = t.claim(b, DEFAULT_LEASE, vec![], later).unwrap();
        assert_eq!(f2, 2);
        assert_eq!(t.complete(a, f1, Value::Null, later), Err(TaskError::StaleFence { presented: 1, current: 2 }));
        assert!(t.heartbeat(a, f1, DEFAULT_LEASE, later).is_err());
        t.complete(b, f2, serde_json::json!({"ok": true}), later).unwrap();
        assert_eq!((t.status, t.assignee), (Succeeded, None));
        assert!(t.complete(b, f2, Value::Null, later).is_err(), "completing twice is refused");
    }

    #[test]
    fn failures_back_off_then_dead_letter() {
        let a = AgentId::generate();
        let mut t = task();
        let mut now = t0();
        for attempt in 1..=3u32 {
            let fence = t.claim(a, DEFAULT_LEASE, vec![], now).unwrap();
            t.fail(a, fence, format!("boom {attempt}"), true, 0.0, now).unwrap();
            if attempt < 3 {
                assert_eq!(t.status, Failed);
                let wait = t.retry_at.unwrap().duration_since(now);
                assert_eq!(wait, backoff(attempt, 0.0));
                assert!(!t.retry_due(now + wait - SignedDuration::from_millis(1)));
                now += wait;
                assert!(t.retry_due(now));
                t.promote(now).unwrap();
            }
        }
        assert_eq!((t.status, t.attempts, t.error.as_deref()), (Dead, 3, Some("boom 3")));
        t.retry(now).unwrap();
        assert_eq!((t.status, t.attempts), (Ready, 0));

        let fence = t.claim(a, DEFAULT_LEASE, vec![], now).unwrap();
        t.fail(a, fence, "fatal".into(), false, 0.5, now).unwrap();
        assert_eq!(t.status, Dead, "a non-retryable failure dead-letters at once");
    }

    #[test]
    fn backoff_doubles_jitters_and_caps() {
        assert_eq!(backoff(1, 0.0), SignedDuration::from_secs(5));
        assert_eq!(backoff(1, 0.999_999), SignedDuration::from_millis(9_999));
        assert_eq!(backoff(2, 0.0), SignedDuration::from_secs(10));
        assert_eq!(backoff(3, 0.0), SignedDuration::from_secs(20));
        assert_eq!(backoff(9, 0.0), SignedDuration::from_secs(150), "capped at 5 min before jitter");
        assert_eq!(backoff(40, 1.0), SignedDuration::from_secs(300));
    }

    #[test]
    fn cycles_are_named() {
        let g: BTreeMap<&str, Vec<&str>> =
            [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec!["a"])].into();
        assert_eq!(find_cycle(&g), Some(vec!["a", "b", "c", "a"]));
        let dag: BTreeMap<&str, Vec<&str>> =
            [("a", vec!["b", "c"]), ("b", vec!["d"]), ("c", vec!["d"]), ("d", vec![])].into();
        assert_eq!(find_cycle(&dag), None);
        let selfloop: BTreeMap<&str, Vec<&str>> = [("x", vec!["x"])].into();
        assert_eq!(find_cycle(&selfloop), Some(vec!["x", "x"]));
        let dependants: BTreeMap<&str, Vec<&str>> = [("a", vec!["b", "c"]), ("b", vec!["d"]), ("c", vec!["d"])].into();
        assert_eq!(dependants_closure(&"a", &dependants), ["b", "c", "d"].into());
    }
}
