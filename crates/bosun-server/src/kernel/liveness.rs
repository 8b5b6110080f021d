//! Liveness is not history (SPEC §4): agent and task heartbeats move `last_seen` or a lease's
//! expiry without an audit event. What they cause is audited — a status change here, and the
//! event that ends a lease records how many heartbeats it had (`lease_record`).

use bosun_core::agent::AgentStatus;
use bosun_core::task::{DEFAULT_LEASE, Task};
use bosun_core::{Action, AgentId};
use jiff::SignedDuration;
use serde_json::{Value, json};

use super::coord::{WorkTask, load_agent, load_task, task_error};
use super::{Applied, Done, KernelError, Outcome, Tx};

/// An agent's heartbeat moves `last_seen` without an audit event.
/// Only a status change it makes (or that it asks for) is audited, as `agent.status_changed`.
pub(super) fn agent_heartbeat(tx: &mut Tx<'_>, id: AgentId, status: Option<AgentStatus>) -> Result<Done, KernelError> {
    let mut agent = load_agent(tx, id)?;
    let from = agent.status;
    let to = status.unwrap_or(match from {
        AgentStatus::Spawning | AgentStatus::Offline => AgentStatus::Idle,
        other => other,
    });
    if to != from && !from.can_become(to) {
        return Err(KernelError::Conflict(format!("an agent cannot go from {} to {}", from.as_str(), to.as_str())));
    }
    if !to.is_live() && to != AgentStatus::Failed {
        return Err(KernelError::Conflict(format!("agent {} is {}", agent.name, from.as_str())));
    }
    agent.status = to;
    agent.last_seen_at = tx.now;
    tx.w.update_agent(&agent)?;
    if to == from {
        return Ok(Done::Quiet(Outcome::AgentUpdated(agent)));
    }
    let details = json!({ "from": from, "to": to, "reason": "heartbeat" });
    let target = ("agent", id.to_string());
    Ok(Done::Changed(Applied::new(Action::AgentStatusChange, Outcome::AgentUpdated(agent), target, details)))
}

/// What the event that ends a lease records of it: the heartbeats it had and its last expiry
/// (taken before the lease is ended).
pub(super) fn lease_record(task: &Task) -> Value {
    json!({
        "heartbeats": task.lease_heartbeats,
        "lease_expires_at": task.lease_expires_at.map(bosun_core::clock::format_micros),
    })
}

/// Liveness, not history: the lease (and its scope's locks) move forward without an audit event;
/// the event that ends the lease counts the heartbeats.
pub(super) fn task_heartbeat(tx: &mut Tx<'_>, w: WorkTask) -> Result<Done, KernelError> {
    let me = tx.caller.agent_id().ok_or_else(|| KernelError::Forbidden("this is done by agents".into()))?;
    let mut task = load_task(tx, w.task_id)?;
    let lease = w.lease_seconds.map_or(DEFAULT_LEASE, |s| SignedDuration::from_secs(i64::from(s)));
    task.heartbeat(me, w.fence, lease, tx.now).map_err(task_error)?;
    tx.w.update_task(&task)?;
    // The scope's locks live as long as the lease.
    for mut lock in tx.w.locks_of(tx.caller.tenant, &me.to_string())? {
        if lock.task_id == Some(task.id) {
            lock.expires_at = tx.now + lease;
            tx.w.update_lock(&lock)?;
        }
    }
    Ok(Done::Quiet(Outcome::TaskUpdated(task)))
}
