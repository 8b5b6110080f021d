//! The writer's queue: two bounded lanes, taken liveness first; and the read connections' pool.
//!
//! Admission control lives here. A write that finds its lane full is refused at once
//! ([`StoreError::Overloaded`]) instead of waiting behind thousands of others: the caller gets a
//! fast 503 and retries, and the work that was accepted still finishes in bounded time. Liveness
//! (heartbeats, presence, timers) has its own lane, and the writer takes from it first, so a
//! flood of bulk writes can never delay a heartbeat into a false "agent offline".

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use bosun_core::TenantId;

use crate::{Lane, Result, StoreError, WriteJob};

/// A queued job and the tenant it writes for (when its caller knows).
pub(crate) type Queued = (Option<TenantId>, WriteJob);

/// Jobs each lane holds by default before refusing more.
pub const DEFAULT_BOUND: usize = 2048;

pub(crate) struct WriteQueue {
    state: Mutex<State>,
    ready: Condvar,
    bound: usize,
}

struct State {
    liveness: VecDeque<(Instant, Queued)>,
    work: VecDeque<(Instant, Queued)>,
    closed: bool,
}

impl WriteQueue {
    pub(crate) fn new(bound: usize) -> Self {
        let state = State { liveness: VecDeque::new(), work: VecDeque::new(), closed: false };
        Self { state: Mutex::new(state), ready: Condvar::new(), bound: bound.max(1) }
    }

    /// Queue a job, or refuse it at once when its lane is full or the writer has stopped.
    pub(crate) fn push(&self, lane: Lane, tenant: Option<TenantId>, job: WriteJob) -> Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.closed {
            return Err(StoreError::Unavailable("the store is shut down".into()));
        }
        let queue = match lane {
            Lane::Liveness => &mut state.liveness,
            Lane::Work => &mut state.work,
        };
        if queue.len() >= self.bound {
            metrics::counter!("bosun_writer_shed_total", "lane" => lane.name()).increment(1);
            return Err(StoreError::Overloaded(lane));
        }
        queue.push_back((Instant::now(), (tenant, job)));
        metrics::gauge!("bosun_writer_queue_depth", "lane" => lane.name()).set(queue.len() as f64);
        drop(state);
        self.ready.notify_one();
        Ok(())
    }

    /// Wait for jobs and take up to `max` of them, liveness first; `None` once closed and empty.
    pub(crate) fn take(&self, max: usize, batch: &mut Vec<Queued>) -> Option<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state.liveness.is_empty() && state.work.is_empty() {
            if state.closed {
                return None;
            }
            state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        for lane in [Lane::Liveness, Lane::Work] {
            let queue = match lane {
                Lane::Liveness => &mut state.liveness,
                Lane::Work => &mut state.work,
            };
            let n = queue.len().min(max - batch.len());
            let waited = metrics::histogram!("bosun_writer_wait_seconds", "lane" => lane.name());
            for (queued, job) in queue.drain(..n) {
                waited.record(queued.elapsed().as_secs_f64());
                batch.push(job);
            }
            metrics::gauge!("bosun_writer_queue_depth", "lane" => lane.name()).set(queue.len() as f64);
        }
        Some(())
    }

    /// Refuse new jobs; the writer finishes the queued ones and stops.
    pub(crate) fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.ready.notify_all();
    }

    /// Jobs waiting, both lanes.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.liveness.len() + state.work.len()
    }
}

/// A fixed set of connections lent out one at a time; a borrower waits for one to come back.
pub(crate) struct Pool<C> {
    idle: Mutex<Vec<C>>,
    returned: Condvar,
}

impl<C> Pool<C> {
    pub(crate) fn new(conns: Vec<C>) -> Self {
        Self { idle: Mutex::new(conns), returned: Condvar::new() }
    }

    /// Take every idle connection out (to close them somewhere else).
    pub(crate) fn drain(&self) -> Vec<C> {
        std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut C) -> R) -> R {
        let conn = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(c) = idle.pop() {
                    break c;
                }
                idle = self.returned.wait(idle).unwrap_or_else(|e| e.into_inner());
            }
        };
        // Put the connection back even if `f` panics.
        struct Return<'p, C>(&'p Pool<C>, Option<C>);
        impl<C> Drop for Return<'_, C> {
            fn drop(&mut self) {
                if let Some(c) = self.1.take() {
                    self.0.idle.lock().unwrap_or_else(|e| e.into_inner()).push(c);
                    self.0.returned.notify_one();
                }
            }
        }
        let mut guard = Return(self, Some(conn));
        f(guard.1.as_mut().expect("present"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Finish;

    fn job() -> WriteJob {
        Box::new(|_| Finish { keep: true, reply: Box::new(|_| {}) })
    }

    #[test]
    fn a_full_lane_refuses_at_once_and_liveness_goes_first() {
        let q = WriteQueue::new(2);
        q.push(Lane::Work, None, job()).unwrap();
        q.push(Lane::Work, None, job()).unwrap();
        assert!(matches!(q.push(Lane::Work, None, job()), Err(StoreError::Overloaded(Lane::Work))));
        // The other lane has its own room.
        q.push(Lane::Liveness, None, job()).unwrap();
        assert_eq!(q.len(), 3);
        let mut batch = Vec::new();
        q.take(1, &mut batch).unwrap();
        assert_eq!((batch.len(), q.len()), (1, 2), "one job taken");
        // It was the liveness job: the work lane is still full.
        assert!(q.push(Lane::Work, None, job()).is_err());
        batch.clear();
        q.take(10, &mut batch).unwrap();
        assert_eq!(batch.len(), 2);
        q.close();
        assert!(q.push(Lane::Liveness, None, job()).is_err());
        assert!(q.take(10, &mut batch).is_none());
    }
}
