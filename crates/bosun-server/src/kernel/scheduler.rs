//! Timers: leases that run out, retries whose backoff has passed, agents silent for three
//! heartbeat intervals, locks past their TTL. There is no timer state in memory: each `tick`
//! asks the store what is due at the clock's `now`, so a restart loses nothing and tests move a
//! `ManualClock` and call `tick` instead of sleeping. Each due item is a system command through
//! the same kernel pipeline as everything else, so each is audited and published.

use std::sync::Arc;
use std::time::Duration;

use bosun_core::agent::AgentStatus;
use bosun_core::audit::Severity;
use bosun_core::task::TaskStatus;
use bosun_core::{Action, AgentId, LockId, TaskId};
use jiff::SignedDuration;
use serde::Serialize;
use serde_json::json;

use super::coord::{cascade_cancel, release_agent_work, release_scope, settle_agent};
use super::{Applied, Caller, Command, Done, Kernel, KernelError, Outcome, RequestCtx, Tx};

/// The most items of each kind one tick handles per tenant; the rest wait for the next tick.
const PER_TICK: u32 = 1000;

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SystemCommand {
    /// An agent was heard from.
    Presence {
        agent_id: AgentId,
    },
    ExpireLease {
        task_id: TaskId,
    },
    Requeue {
        task_id: TaskId,
    },
    ReapAgent {
        agent_id: AgentId,
    },
    ExpireLock {
        lock_id: LockId,
    },
    ExpireApproval {
        id: String,
    },
    ExpireReservation {
        id: String,
    },
    /// A rule fired (by the alert engine).
    RaiseAlert {
        #[serde(skip)]
        alert: Box<bosun_store::Alert>,
    },
    /// A suppression window closed: the alert's final count.
    CountAlert {
        id: String,
        count: u64,
    },
    /// A webhook delivery attempt came to this.
    RecordDelivery {
        id: String,
        attempt: super::alerts::Attempt,
    },
    /// Prune what retention no longer keeps.
    Prune {
        retention: super::Retention,
    },
}

impl SystemCommand {
    pub fn action(&self) -> Action {
        match self {
            SystemCommand::Presence { .. } => Action::AgentStatusChange,
            SystemCommand::ExpireLease { .. } => Action::TaskLeaseExpire,
            SystemCommand::Requeue { .. } => Action::TaskRequeue,
            SystemCommand::ReapAgent { .. } => Action::AgentOffline,
            SystemCommand::ExpireLock { .. } => Action::LockExpire,
            SystemCommand::ExpireApproval { .. } => Action::ApprovalExpire,
            SystemCommand::ExpireReservation { .. } => Action::BudgetReservationExpire,
            SystemCommand::RaiseAlert { .. } => Action::AlertRaise,
            SystemCommand::CountAlert { .. } => Action::AlertCount,
            SystemCommand::RecordDelivery { .. } => Action::WebhookDelivery,
            SystemCommand::Prune { .. } => Action::RetentionPrune,
        }
    }
}

fn not_due(what: &str) -> KernelError {
    KernelError::Conflict(format!("{what} is no longer due"))
}

fn quiet() -> Done {
    Done::Quiet(Outcome::SystemDone)
}

pub(super) fn apply(tx: &mut Tx<'_>, cmd: SystemCommand) -> Result<Done, KernelError> {
    let tenant = tx.caller.tenant;
    match cmd {
        SystemCommand::Presence { agent_id } => {
            let Some(mut agent) = tx.w.agent(tenant, agent_id)? else { return Ok(quiet()) };
            let from = agent.status;
            agent.last_seen_at = tx.now;
            let wakes_up = matches!(from, AgentStatus::Spawning | AgentStatus::Offline);
            if wakes_up {
                agent.status = AgentStatus::Idle;
            }
            tx.w.update_agent(&agent)?;
            if !wakes_up {
                // A presence timestamp alone is a liveness signal, not a state change: no event.
                return Ok(quiet());
            }
            let details = json!({ "from": from, "to": agent.status, "reason": "the agent made a call" });
            Ok(Done::Changed(Applied::new(
                Action::AgentStatusChange,
                Outcome::SystemDone,
                ("agent", agent_id.to_string()),
                details,
            )))
        }
        SystemCommand::ExpireLease { task_id } => {
            let Some(mut task) = tx.w.task(tenant, task_id)? else { return Err(not_due("the lease")) };
            if !task.lease_expired(tx.now) {
                return Err(not_due("the lease"));
            }
            let (holder, fence, lease) = (task.assignee, task.fence, super::liveness::lease_record(&task));
            task.expire(tx.now).map_err(|e| KernelError::Conflict(e.to_string()))?;
            tx.w.update_task(&task)?;
            let released = release_scope(tx, &task, holder)?;
            settle_agent(tx, holder)?;
            let cancelled =
                if task.status == TaskStatus::Dead { cascade_cancel(tx, task_id, "is dead")? } else { vec![] };
            let mut details = json!({
                "former_holder": holder,
                "stale_fence": fence,
                "attempts": task.attempts,
                "status": task.status,
                "released_locks": released,
                "cancelled_dependants": cancelled,
                "lease": lease,
            });
            let started = super::workflows::task_ended(tx, &task, &mut details)?;
            Ok(Done::Changed(
                Applied::new(Action::TaskLeaseExpire, Outcome::SystemDone, ("task", task_id.to_string()), details)
                    .project(&task.project)
                    .severity(Severity::Warning)
                    .wakes(task.status == TaskStatus::Ready || started),
            ))
        }
        SystemCommand::Requeue { task_id } => {
            let Some(mut task) = tx.w.task(tenant, task_id)? else { return Err(not_due("the retry")) };
            if !task.retry_due(tx.now) {
                return Err(not_due("the retry"));
            }
            task.promote(tx.now).map_err(|e| KernelError::Conflict(e.to_string()))?;
            tx.w.update_task(&task)?;
            let details = json!({ "attempts": task.attempts });
            Ok(Done::Changed(
                Applied::new(Action::TaskRequeue, Outcome::SystemDone, ("task", task_id.to_string()), details)
                    .project(&task.project)
                    .wakes(true),
            ))
        }
        SystemCommand::ReapAgent { agent_id } => {
            let Some(mut agent) = tx.w.agent(tenant, agent_id)? else { return Err(not_due("the reaping")) };
            let silent_for = tx.now.duration_since(agent.last_seen_at);
            if !agent.status.is_live() || silent_for < reap_after(agent.heartbeat_interval) {
                return Err(not_due("the reaping"));
            }
            let (tasks, locks, wakes) = release_agent_work(tx, agent_id)?;
            let from = agent.status;
            agent.status = AgentStatus::Offline;
            tx.w.update_agent(&agent)?;
            let details = json!({
                "from": from,
                "last_seen_at": bosun_core::clock::format_micros(agent.last_seen_at),
                "released_tasks": tasks,
                "released_locks": locks,
            });
            Ok(Done::Changed(
                Applied::new(Action::AgentOffline, Outcome::SystemDone, ("agent", agent_id.to_string()), details)
                    .severity(Severity::Warning)
                    .wakes(wakes),
            ))
        }
        SystemCommand::ExpireApproval { id } => {
            let Some(mut a) = tx.w.approval(tenant, &id)? else { return Err(not_due("the approval's expiry")) };
            if a.status != "pending" || tx.now < a.expires_at {
                return Err(not_due("the approval's expiry"));
            }
            a.status = "expired".into();
            a.decided_at = Some(tx.at.clone());
            a.reason = Some("nobody decided before it expired".into());
            tx.w.update_approval(&a)?;
            let details = json!({ "action": a.action, "resource": a.resource, "requester": a.requester_name });
            let recipients = AgentId::parse(&a.requester_id).into_iter().collect();
            Ok(Done::Changed(
                Applied::new(Action::ApprovalExpire, Outcome::SystemDone, ("approval", id), details)
                    .recipients(recipients),
            ))
        }
        SystemCommand::ExpireReservation { id } => super::budgets::expire(tx, &id).map(Done::Changed),
        SystemCommand::RaiseAlert { alert } => super::alerts::raise(tx, *alert),
        SystemCommand::Prune { retention } => super::retention::prune(tx, &retention),
        SystemCommand::CountAlert { id, count } => super::alerts::count(tx, &id, count),
        SystemCommand::RecordDelivery { id, attempt } => {
            let jitter = tx.jitter;
            super::alerts::record_delivery(tx, &id, attempt, jitter)
        }
        SystemCommand::ExpireLock { lock_id } => {
            let Some(lock) = tx.w.lock(tenant, lock_id)? else { return Err(not_due("the lock expiry")) };
            if lock.expires_at > tx.now {
                return Err(not_due("the lock expiry"));
            }
            tx.w.delete_lock(tenant, lock_id)?;
            let details = json!({ "key": lock.key, "holder": lock.holder.name, "holder_id": lock.holder.owner.id() });
            Ok(Done::Changed(
                Applied::new(Action::LockExpire, Outcome::SystemDone, ("lock", lock_id.to_string()), details)
                    .project(&lock.project),
            ))
        }
    }
}

/// An agent silent this long is offline: three heartbeat intervals.
pub fn reap_after(interval_seconds: u32) -> SignedDuration {
    SignedDuration::from_secs(3 * i64::from(interval_seconds))
}

/// What one tick did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TickReport {
    pub expired_leases: u32,
    pub requeued: u32,
    pub reaped_agents: u32,
    pub expired_locks: u32,
    pub expired_approvals: u32,
    pub expired_reservations: u32,
    /// Tenants in which retention pruned something.
    pub pruned_tenants: u32,
}

impl Kernel {
    /// Handle everything due at the clock's now, in every tenant.
    pub async fn tick(&self) -> Result<TickReport, KernelError> {
        let now = self.clock.now();
        let mut report = TickReport::default();
        self.flush_auth_failures(false).await;
        self.limits().shrink();
        let tenants = self.store.read(|r| r.list_tenants()).await?;
        // Retention runs at most once a minute (a write per tenant: not every tick).
        let prune_now = {
            let mut last = self.last_prune.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|at| now.duration_since(at) >= SignedDuration::from_secs(60));
            if due {
                *last = Some(now);
            }
            due
        };
        for tenant in tenants {
            let t = tenant.id;
            // The shortest interval is 5 s: anyone quieter than 15 s is a candidate.
            let quiet_since = now - reap_after(5);
            let (due, silent, locks, approvals, reservations) = self
                .store
                .read(move |r| {
                    Ok((
                        r.due_tasks(t, now, PER_TICK)?,
                        r.silent_agents(t, quiet_since, PER_TICK)?,
                        r.expired_locks(t, now, PER_TICK)?,
                        r.expired_approvals(t, now, PER_TICK)?,
                        r.expired_reservations(t, now, PER_TICK)?,
                    ))
                })
                .await?;
            let system = Caller::system(t);
            let run = async |cmd: SystemCommand| -> Result<bool, KernelError> {
                match self.execute(&system, &RequestCtx::default(), Command::System(cmd)).await {
                    Ok(_) => Ok(true),
                    // Someone acted first (completed, heartbeated, released): nothing to do.
                    Err(KernelError::Conflict(_) | KernelError::NotFound(_)) => Ok(false),
                    Err(e) => Err(e),
                }
            };
            for task in due {
                if task.status == TaskStatus::Leased {
                    report.expired_leases += u32::from(run(SystemCommand::ExpireLease { task_id: task.id }).await?);
                } else {
                    report.requeued += u32::from(run(SystemCommand::Requeue { task_id: task.id }).await?);
                }
            }
            for agent in
                silent.into_iter().filter(|a| now.duration_since(a.last_seen_at) >= reap_after(a.heartbeat_interval))
            {
                report.reaped_agents += u32::from(run(SystemCommand::ReapAgent { agent_id: agent.id }).await?);
            }
            for lock in locks {
                report.expired_locks += u32::from(run(SystemCommand::ExpireLock { lock_id: lock.id }).await?);
            }
            for approval in approvals {
                report.expired_approvals += u32::from(run(SystemCommand::ExpireApproval { id: approval.id }).await?);
            }
            for r in reservations {
                report.expired_reservations += u32::from(run(SystemCommand::ExpireReservation { id: r.id }).await?);
            }
            if prune_now {
                let prune = SystemCommand::Prune { retention: self.retention.clone() };
                report.pruned_tenants += u32::from(run(prune).await?);
            }
        }
        Ok(report)
    }

    /// Run `tick` every `every` until the kernel is dropped.
    pub fn spawn_scheduler(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        self.spawn_every(every, "scheduler tick", |k| Box::pin(async move { k.tick().await.map(|_| ()) }))
    }

    /// Run `work` every `every` (missed ticks delayed, never bunched) until the kernel is dropped.
    pub(super) fn spawn_every(
        self: &Arc<Self>,
        every: Duration,
        what: &'static str,
        work: fn(Arc<Kernel>) -> futures_util::future::BoxFuture<'static, Result<(), KernelError>>,
    ) -> tokio::task::JoinHandle<()> {
        let kernel = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                let Some(kernel) = kernel.upgrade() else { return };
                if let Err(e) = work(kernel).await {
                    tracing::warn!(error = %e, "{what} failed");
                }
            }
        })
    }
}
