//! The fleet's pulse for the overview's charts: per tenant, what happened in each of the last 60
//! minutes (tasks submitted, completed and failed, messages sent), counted from the events this
//! node publishes — on a shared database that is every node's, through the follower — and the
//! queue depth as the overview last read it in each minute. Kept in memory (60 minutes × a few
//! counters per tenant): after a restart the charts start empty, and no request pays for them.

use std::collections::HashMap;
use std::sync::Mutex;

use bosun_core::Action;
use bosun_core::audit::AuditEvent;

/// Minutes kept.
pub const MINUTES: usize = 60;

/// One minute of a tenant's activity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Minute {
    pub submitted: u32,
    pub completed: u32,
    pub failed: u32,
    pub messages: u32,
    /// Open tasks (blocked, ready, leased, failed) when the overview last looked in this minute.
    pub depth: Option<u64>,
}

struct Ring {
    /// The tenant's newest published seq.
    seq: u64,
    /// The newest minute (since the epoch) recorded; a minute's slot is the minute mod 60.
    newest: i64,
    minutes: [Minute; MINUTES],
}

impl Default for Ring {
    fn default() -> Self {
        Ring { seq: 0, newest: 0, minutes: [Minute::default(); MINUTES] }
    }
}

impl Ring {
    /// The slot for `minute`, clearing the slots skipped since the newest; `None` for a minute
    /// older than the ring.
    fn slot(&mut self, minute: i64) -> Option<&mut Minute> {
        if minute > self.newest {
            let skipped = (minute - self.newest).min(MINUTES as i64);
            for m in 1..=skipped {
                self.minutes[((self.newest + m).rem_euclid(MINUTES as i64)) as usize] = Minute::default();
            }
            self.newest = minute;
        } else if self.newest - minute >= MINUTES as i64 {
            return None;
        }
        Some(&mut self.minutes[minute.rem_euclid(MINUTES as i64) as usize])
    }
}

#[derive(Default)]
pub struct Pulse {
    tenants: Mutex<HashMap<String, Ring>>,
}

fn minute_of(at: &str) -> Option<i64> {
    at.parse::<jiff::Timestamp>().ok().map(|t| t.as_second().div_euclid(60))
}

impl Pulse {
    /// Count a published event.
    pub fn record(&self, event: &AuditEvent, action: Action) {
        if event.outcome != bosun_core::audit::Outcome::Ok {
            self.saw(&event.tenant, event.seq);
            return;
        }
        let counted: fn(&mut Minute, u32) = match action {
            Action::TaskSubmit => |m, n| m.submitted += n,
            Action::TaskComplete => |m, n| m.completed += n,
            Action::TaskFail => |m, n| m.failed += n,
            Action::MessageSend => |m, n| m.messages += n,
            _ => return self.saw(&event.tenant, event.seq),
        };
        let Some(minute) = minute_of(&event.at) else { return self.saw(&event.tenant, event.seq) };
        // A batch submit is one event naming every task it created.
        let n = event.details.get("created").and_then(|c| c.as_array()).map_or(1, |c| c.len() as u32);
        let mut tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        let ring = tenants.entry(event.tenant.clone()).or_default();
        ring.seq = ring.seq.max(event.seq);
        if let Some(m) = ring.slot(minute) {
            counted(m, n);
        }
    }

    /// An event of the tenant was published (for [`latest_seq`](Self::latest_seq)).
    fn saw(&self, tenant: &str, seq: u64) {
        let mut tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        let ring = tenants.entry(tenant.to_owned()).or_default();
        ring.seq = ring.seq.max(seq);
    }

    /// The tenant's newest published seq (0 before any): what a cached read of it has seen.
    pub fn latest_seq(&self, tenant: &str) -> u64 {
        self.tenants.lock().unwrap_or_else(|e| e.into_inner()).get(tenant).map_or(0, |r| r.seq)
    }

    /// The queue depth the overview read at `now`.
    pub fn sample_depth(&self, tenant: &str, now: jiff::Timestamp, depth: u64) {
        let mut tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = tenants.entry(tenant.to_owned()).or_default().slot(now.as_second().div_euclid(60)) {
            m.depth = Some(depth);
        }
    }

    /// The last 60 minutes up to `now`'s, oldest first.
    pub fn last_hour(&self, tenant: &str, now: jiff::Timestamp) -> Vec<Minute> {
        let now = now.as_second().div_euclid(60);
        let tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        let Some(ring) = tenants.get(tenant) else { return vec![Minute::default(); MINUTES] };
        (0..MINUTES as i64)
            .rev()
            .map(|ago| {
                let minute = now - ago;
                let held = minute <= ring.newest && ring.newest - minute < MINUTES as i64;
                if held { ring.minutes[minute.rem_euclid(MINUTES as i64) as usize] } else { Minute::default() }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(tenant: &str, at: &str, details: serde_json::Value) -> AuditEvent {
        let mut e: AuditEvent = serde_json::from_value(serde_json::json!({
            "tenant": tenant, "seq": 1, "at": at, "actor_type": "system", "actor_id": null, "actor_name": null,
            "action": "task.submitted", "target_type": null, "target_id": null, "project": null, "outcome": "ok",
            "severity": "info", "details": {}, "ip": null, "user_agent": null, "correlation_id": null,
            "prev_hash": "", "hash": ""
        }))
        .unwrap();
        e.details = details;
        e
    }

    #[test]
    fn minutes_roll_over_and_batches_count_each_task() {
        let pulse = Pulse::default();
        let t0: jiff::Timestamp = "2026-11-30T10:00:30Z".parse().unwrap();
        pulse.record(
            &event("a", "2026-11-30T10:00:01Z", serde_json::json!({"created": ["x", "y", "z"]})),
            Action::TaskSubmit,
        );
        pulse.record(&event("a", "2026-11-30T10:00:02Z", serde_json::json!({})), Action::TaskComplete);
        pulse.record(&event("b", "2026-11-30T10:00:02Z", serde_json::json!({})), Action::TaskComplete);
        pulse.record(&event("a", "2026-11-30T10:00:03Z", serde_json::json!({})), Action::LockAcquire);
        pulse.sample_depth("a", t0, 7);
        let hour = pulse.last_hour("a", t0);
        assert_eq!(hour.len(), MINUTES);
        assert_eq!(hour[59], Minute { submitted: 3, completed: 1, failed: 0, messages: 0, depth: Some(7) });
        assert!(hour[..59].iter().all(|m| *m == Minute::default()));
        // Ten minutes on, the minute is 10 back; an hour on, it is gone; a stale event is dropped.
        let later = t0 + jiff::SignedDuration::from_mins(10);
        pulse.record(&event("a", "2026-11-30T10:10:00Z", serde_json::json!({})), Action::TaskFail);
        let hour = pulse.last_hour("a", later);
        assert_eq!((hour[49].submitted, hour[59].failed), (3, 1));
        pulse.record(&event("a", "2026-11-30T08:00:00Z", serde_json::json!({})), Action::TaskFail);
        let hour = pulse.last_hour("a", t0 + jiff::SignedDuration::from_mins(70));
        assert!(hour.iter().all(|m| m.submitted == 0 && m.depth.is_none()), "an hour on, nothing is left");
        assert_eq!(pulse.last_hour("b", t0)[59].completed, 1, "per tenant");
    }
}
