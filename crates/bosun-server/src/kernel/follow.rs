//! Several nodes on one database: every node publishes every node's committed events.
//!
//! On PostgreSQL each commit that appended audit events sends `NOTIFY bosun_events` with the
//! tenant (in the same transaction, so it arrives only if the commit did). The follower listens
//! on a blocking thread of its own, and for each announced tenant reads the events after the
//! last seq it published, in seq order, and publishes them on this node's bus — exactly once and
//! in chain order, whichever node committed them. After (re)connecting it catches up on every
//! tenant, so an announcement missed while disconnected loses nothing. The effects a commit has
//! outside the store (a revoked key forgotten and its streams ended, caches of policies and
//! rules dropped, long-polls woken) follow each event too, so they hold on every node within the
//! follower's delay (milliseconds).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bosun_core::{Action, AgentId, MessageId, TenantId};
use bosun_store::Page;
use tokio::sync::Notify;

use super::{Committed, Kernel, KernelError};

/// Events read per query while catching up.
const PAGE: u32 = 512;

#[derive(Default)]
struct Pending {
    tenants: HashSet<String>,
    /// Catch up on every tenant (after connecting).
    all: bool,
}

impl Kernel {
    /// Follow the shared database at `url` (PostgreSQL): publish every node's commits here.
    /// Returns once the follower listens (commits after that are published), or fails after 10 s.
    pub async fn spawn_follower(self: &Arc<Self>, url: String) -> Result<tokio::task::JoinHandle<()>, KernelError> {
        let pending = Arc::new(std::sync::Mutex::new(Pending::default()));
        let wake = Arc::new(Notify::new());
        let stop = Arc::new(AtomicBool::new(false));
        let (listening, ready) = tokio::sync::oneshot::channel::<()>();
        {
            let (pending, wake, stop) = (pending.clone(), wake.clone(), stop.clone());
            let alive = Arc::downgrade(self);
            let spawned = std::thread::Builder::new().name("bosun-follower".into()).spawn(move || {
                let stopped = || stop.load(Ordering::Relaxed) || alive.strong_count() == 0;
                let result = bosun_store::postgres::listen(&url, &stopped, &mut |tenant| {
                    let mut p = pending.lock().unwrap_or_else(|e| e.into_inner());
                    match tenant {
                        Some(t) => {
                            p.tenants.insert(t.to_owned());
                        }
                        None => p.all = true,
                    }
                    drop(p);
                    wake.notify_one();
                });
                if let Err(e) = result {
                    tracing::error!(error = %e, "the follower stopped");
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start the follower");
            }
        }
        let kernel = Arc::downgrade(self);
        let task = tokio::spawn(async move {
            // Published up to this seq, by tenant; tenants unseen start at their head when the
            // follower starts (history is not replayed), later ones at 0.
            let mut published: HashMap<String, u64> = HashMap::new();
            let mut started = false;
            let mut listening = Some(listening);
            loop {
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                }
                let Some(kernel) = kernel.upgrade() else { break };
                if kernel.shutdown.is_cancelled() {
                    break;
                }
                let work = std::mem::take(&mut *pending.lock().unwrap_or_else(|e| e.into_inner()));
                let tenants: Vec<String> = if work.all {
                    match kernel.store.read(|r| r.list_tenants()).await {
                        Ok(all) => all.into_iter().map(|t| t.id.to_string()).collect(),
                        Err(e) => {
                            tracing::warn!(error = %e, "the follower cannot list tenants");
                            pending.lock().unwrap_or_else(|e| e.into_inner()).all = true;
                            continue;
                        }
                    }
                } else {
                    work.tenants.into_iter().collect()
                };
                for tenant in tenants {
                    if !started && !published.contains_key(&tenant) {
                        // First connection: start at the head.
                        if let Ok(head) = kernel.head_seq(&tenant).await {
                            published.insert(tenant, head);
                        }
                        continue;
                    }
                    let from = published.get(&tenant).copied().unwrap_or(0);
                    match kernel.publish_after(&tenant, from).await {
                        Ok(to) => {
                            published.insert(tenant, to);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "the follower cannot read events; retrying");
                            pending.lock().unwrap_or_else(|e| e.into_inner()).tenants.insert(tenant);
                            wake.notify_one();
                        }
                    }
                }
                if work.all
                    && let Some(listening) = listening.take()
                {
                    let _ = listening.send(());
                }
                started |= work.all;
            }
            stop.store(true, Ordering::Relaxed);
        });
        match tokio::time::timeout(std::time::Duration::from_secs(10), ready).await {
            Ok(Ok(())) => Ok(task),
            _ => {
                task.abort();
                tracing::error!("cannot listen for other nodes' commits on the database");
                Err(KernelError::Unavailable)
            }
        }
    }

    /// Take part in choosing the node that runs the alert engine and webhook deliveries;
    /// returns once this node knows whether it leads (or after 10 s).
    pub async fn spawn_leadership(self: &Arc<Self>, url: String) {
        let (leader, alive) = (self.leader.clone(), Arc::downgrade(self));
        let (known, decided) = tokio::sync::oneshot::channel::<()>();
        let mut known = Some(known);
        let spawned = std::thread::Builder::new().name("bosun-leader".into()).spawn(move || {
            let stopped = || alive.strong_count() == 0;
            let result = bosun_store::postgres::lead(&url, &stopped, &mut |now| {
                leader.store(now, Ordering::Relaxed);
                metrics::gauge!("bosun_leader").set(if now { 1.0 } else { 0.0 });
                tracing::info!(leading = now, "alert engine and webhook deliveries on this node");
                if let Some(known) = known.take() {
                    let _ = known.send(());
                }
            });
            if let Err(e) = result {
                tracing::error!(error = %e, "leadership stopped");
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot take part in leadership");
            return;
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), decided).await;
    }

    async fn head_seq(&self, tenant: &str) -> Result<u64, KernelError> {
        let Some(id) = TenantId::parse(tenant) else { return Ok(0) };
        let page = Page::Newest { before_seq: None, limit: 1 };
        let last = self.store.read(move |r| r.query_audit(id, &Default::default(), page)).await?;
        Ok(last.first().map_or(0, |e| e.seq))
    }

    /// Publish a tenant's events after `from`, in seq order; the last seq published.
    async fn publish_after(&self, tenant: &str, mut from: u64) -> Result<u64, KernelError> {
        loop {
            let t = tenant.to_owned();
            let events = self.store.read(move |r| r.audit_chain(&t, from, PAGE)).await?;
            let n = events.len();
            for event in events {
                from = event.seq;
                let Some(action) = Action::from_name(&event.action) else {
                    tracing::debug!(action = %event.action, "an event the follower does not know");
                    continue;
                };
                let recipients = match (action, event.target_id.as_deref().and_then(MessageId::parse)) {
                    (Action::MessageSend, Some(message)) => self.recipients_of(&event.tenant, message).await?,
                    _ => Vec::new(),
                };
                let wakes_claimers = event.action.starts_with("task.") || event.action.starts_with("lock.");
                let committed = Committed::new(event, action, recipients);
                self.after_commit(&committed);
                self.events.followed(committed);
                if wakes_claimers {
                    self.claimable.notify_waiters();
                }
            }
            if n < PAGE as usize {
                return Ok(from);
            }
        }
    }

    async fn recipients_of(&self, tenant: &str, message: MessageId) -> Result<Vec<AgentId>, KernelError> {
        let Some(tenant) = TenantId::parse(tenant) else { return Ok(Vec::new()) };
        let copies = self.store.read(move |r| r.recipients(tenant, message)).await?;
        Ok(copies.into_iter().map(|c| c.agent_id).collect())
    }
}
