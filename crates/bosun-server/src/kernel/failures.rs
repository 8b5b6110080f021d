//! Failed authentications, aggregated: per tenant, client address, reason and targeted key,
//! the first failure of a window is audited at once and the rest are counted into one summary
//! event when the window closes. A flood from one client therefore writes two audit rows a minute, not thousands a
//! second — while every failure still counts (`details.count`) and the chain stays complete.

use std::collections::HashMap;

use bosun_core::audit::AuditDraft;
use bosun_core::clock::format_micros;
use bosun_core::{TenantId, Timestamp};
use serde_json::json;

/// How long one window counts failures before its summary is written.
pub const WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);
/// Windows kept at once; past it, new addresses share one window per tenant (`ip` null).
const MAX_WINDOWS: usize = 10_000;

struct Window {
    started: Timestamp,
    /// Failures after the first, not yet audited.
    suppressed: u64,
    /// The last suppressed attempt, as the summary's template (reason, user agent, key).
    last: Option<AuditDraft>,
}

/// What makes two failures "the same": tenant, client address, reason, the key they named.
type Kind = (TenantId, Option<String>, &'static str, Option<bosun_core::KeyId>);

#[derive(Default)]
pub struct Windows(HashMap<Kind, Window>);

impl Windows {
    /// Count a failure. Returns the event to audit now (the first of a window), and summaries of
    /// windows this call closed.
    pub fn record(
        &mut self,
        kind: Kind,
        now: Timestamp,
        draft: AuditDraft,
    ) -> (Option<AuditDraft>, Vec<(TenantId, AuditDraft)>) {
        let mut closed = Vec::new();
        let tenant = kind.0;
        let mut key = kind;
        if !self.0.contains_key(&key) && self.0.len() >= MAX_WINDOWS {
            closed = self.close_due(now, false);
            if self.0.len() >= MAX_WINDOWS {
                key = (tenant, None, key.2, None);
            }
        }
        match self.0.get_mut(&key) {
            Some(w) if now.duration_since(w.started) < WINDOW => {
                w.suppressed += 1;
                w.last = Some(draft);
                (None, closed)
            }
            _ => {
                if let Some(old) = self.0.remove(&key)
                    && let Some(summary) = summary(old)
                {
                    closed.push((tenant, summary));
                }
                self.0.insert(key, Window { started: now, suppressed: 0, last: None });
                (Some(draft), closed)
            }
        }
    }

    /// Close windows older than [`WINDOW`] (or all), returning their summaries.
    pub fn close_due(&mut self, now: Timestamp, all: bool) -> Vec<(TenantId, AuditDraft)> {
        self.0
            .extract_if(|_, w| all || now.duration_since(w.started) >= WINDOW)
            .filter_map(|(kind, w)| summary(w).map(|s| (kind.0, s)))
            .collect()
    }
}

/// One event for the failures a window held back.
fn summary(w: Window) -> Option<AuditDraft> {
    let mut draft = w.last?;
    let reason = draft.details["reason"].clone();
    draft.details = json!({
        "reason": reason,
        "count": w.suppressed,
        "window_started_at": format_micros(w.started),
        "window_seconds": WINDOW.as_secs(),
        "aggregated": true,
    });
    Some(draft)
}
