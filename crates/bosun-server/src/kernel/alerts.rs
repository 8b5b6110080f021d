//! Security alerts (SPEC §5.7) and their webhooks. The engine (`core::alert`) runs in one task
//! that reads the event bus — every committed audit event — and the failed authentications,
//! which reach it one by one even though their audit rows are aggregated. What it decides becomes
//! system commands: an alert is stored, audited (`alert.raised`, on the event stream) and queued
//! for each webhook of the tenant in one transaction. Deliveries are signed (HMAC-SHA256 over
//! `timestamp.body`), retried with exponential backoff and jitter, cut off by a circuit breaker
//! per webhook, and end in a dead-letter list.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bosun_core::Action;
use bosun_core::alert::{Effect, Engine, RuleSpec, Signal};
use bosun_core::audit::{Outcome as AuditOutcome, Severity};
use bosun_core::clock::format_micros;
use bosun_core::{TenantId, Timestamp};
use bosun_store::{Alert, Delivery, Webhook};
use hmac::{KeyInit, Mac};
use jiff::SignedDuration;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use super::{Applied, Caller, Command, Done, Kernel, KernelError, Outcome, RequestCtx, Tx};

/// Attempts before a delivery is dead-lettered.
pub const MAX_ATTEMPTS: u32 = 8;
/// Consecutive failures that open a webhook's breaker, and how long it stays open.
pub const BREAKER_AFTER: u32 = 5;
pub const BREAKER_OPEN: SignedDuration = SignedDuration::from_secs(300);
/// The most webhooks a tenant has.
pub const MAX_WEBHOOKS: usize = 20;

fn invalid(m: impl Into<String>) -> KernelError {
    KernelError::Validation(m.into())
}

pub(super) fn validate_rules(rules: &[RuleSpec]) -> Result<(), KernelError> {
    if rules.len() > bosun_core::alert::MAX_RULES {
        return Err(invalid(format!("at most {} rules", bosun_core::alert::MAX_RULES)));
    }
    let builtin: Vec<String> = bosun_core::alert::builtin().into_iter().map(|r| r.id).collect();
    let mut seen = std::collections::HashSet::new();
    for r in rules {
        r.validate().map_err(invalid)?;
        if builtin.contains(&r.id) || !seen.insert(r.id.as_str()) {
            return Err(invalid(format!("rule id `{}` is taken (built-in rules: {})", r.id, builtin.join(", "))));
        }
    }
    Ok(())
}

pub(super) fn validate_webhook(url: &str, description: Option<&str>) -> Result<(), KernelError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    if rest.is_none_or(str::is_empty) || url.len() > 2048 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid("`url` must be an http:// or https:// URL of at most 2048 characters"));
    }
    if description.is_some_and(|d| d.len() > 200) {
        return Err(invalid("`description` is limited to 200 characters"));
    }
    Ok(())
}

/// The alert as a webhook receives it (and as views show it).
pub fn alert_json(a: &Alert) -> Value {
    json!({"id": a.id, "tenant": a.tenant_id.to_string(), "rule": a.rule, "title": a.title, "severity": a.severity,
        "group": a.group_key, "count": a.count, "status": a.status, "first_seq": a.first_seq,
        "created_at": a.created_at, "updated_at": a.updated_at})
}

pub(super) fn put_rules(tx: &mut Tx<'_>, rules: Vec<RuleSpec>) -> Result<Applied, KernelError> {
    let document = serde_json::to_string(&rules).map_err(|e| KernelError::Internal(e.to_string()))?;
    tx.w.put_alert_rules(tx.caller.tenant, &document, tx.now)?;
    let details = json!({"rules": rules.len(), "ids": rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()});
    let target = ("alert_rules", tx.caller.tenant.to_string());
    Ok(Applied::new(Action::AlertRulesUpdate, Outcome::AlertRules(rules), target, details).severity(Severity::Notice))
}

/// Acknowledge (someone is on it) or resolve an alert.
pub(super) fn decide(tx: &mut Tx<'_>, id: &str, resolve: bool) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let mut a = tx.w.alert(tenant, id)?.ok_or_else(|| KernelError::NotFound(format!("no alert {id}")))?;
    let who = tx.caller.actor().2.unwrap_or_default();
    match (a.status.as_str(), resolve) {
        ("resolved", _) => return Err(KernelError::Conflict(format!("alert {id} is resolved already"))),
        ("acknowledged", false) => return Err(KernelError::Conflict(format!("alert {id} is acknowledged already"))),
        _ => {}
    }
    if resolve {
        a.status = "resolved".into();
        a.resolved_by = Some(who);
    } else {
        a.status = "acknowledged".into();
        a.acknowledged_by = Some(who);
    }
    a.updated_at = tx.at.clone();
    tx.w.upsert_alert(&a)?;
    let action = if resolve { Action::AlertResolve } else { Action::AlertAcknowledge };
    let details = json!({"rule": a.rule, "group": a.group_key, "count": a.count});
    Ok(Applied::new(action, Outcome::Alert(a), ("alert", id.to_owned()), details))
}

pub(super) fn create_webhook(
    tx: &mut Tx<'_>,
    url: String,
    description: Option<String>,
) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    if tx.w.webhooks(tenant)?.len() >= MAX_WEBHOOKS {
        return Err(KernelError::Conflict(format!("a tenant has at most {MAX_WEBHOOKS} webhooks")));
    }
    let w = Webhook {
        tenant_id: tenant,
        id: bosun_core::ids::next_ulid().to_string(),
        url,
        description,
        created_at: tx.at.clone(),
        created_by: tx.caller.actor().2.unwrap_or_default(),
    };
    tx.w.insert_webhook(&w)?;
    let details = json!({"url": w.url, "description": w.description});
    let target = ("webhook", w.id.clone());
    Ok(Applied::new(Action::WebhookCreate, Outcome::Webhook(w), target, details).severity(Severity::Notice))
}

pub(super) fn delete_webhook(tx: &mut Tx<'_>, id: &str) -> Result<Applied, KernelError> {
    if !tx.w.delete_webhook(tx.caller.tenant, id)? {
        return Err(KernelError::NotFound(format!("no webhook {id}")));
    }
    Ok(Applied::new(Action::WebhookDelete, Outcome::SystemDone, ("webhook", id.to_owned()), json!({}))
        .severity(Severity::Notice))
}

/// A rule fired: store the alert and queue it for every webhook of the tenant.
pub(super) fn raise(tx: &mut Tx<'_>, alert: Alert) -> Result<Done, KernelError> {
    tx.w.upsert_alert(&alert)?;
    let webhooks = tx.w.webhooks(tx.caller.tenant)?;
    for w in &webhooks {
        tx.w.upsert_delivery(&Delivery {
            tenant_id: tx.caller.tenant,
            id: bosun_core::ids::next_ulid().to_string(),
            alert_id: alert.id.clone(),
            webhook_id: w.id.clone(),
            status: "pending".into(),
            attempts: 0,
            next_at: tx.now,
            last_error: None,
            updated_at: tx.at.clone(),
        })?;
    }
    let severity = if alert.severity == "critical" { Severity::Critical } else { Severity::Warning };
    let details = json!({"rule": alert.rule, "title": alert.title, "severity": alert.severity, "group": alert.group_key,
        "count": alert.count, "first_seq": alert.first_seq, "webhooks": webhooks.len()});
    let target = ("alert", alert.id.clone());
    Ok(Done::Changed(Applied::new(Action::AlertRaise, Outcome::SystemDone, target, details).severity(severity)))
}

/// A suppression window closed: the alert's final count.
pub(super) fn count(tx: &mut Tx<'_>, id: &str, count: u64) -> Result<Done, KernelError> {
    let Some(mut a) = tx.w.alert(tx.caller.tenant, id)? else {
        return Err(KernelError::Conflict("the alert is gone".into()));
    };
    let before = a.count;
    a.count = count.max(a.count);
    a.updated_at = tx.at.clone();
    tx.w.upsert_alert(&a)?;
    let details = json!({"rule": a.rule, "group": a.group_key, "count": a.count, "suppressed": a.count - before});
    Ok(Done::Changed(Applied::new(Action::AlertCount, Outcome::SystemDone, ("alert", a.id), details)))
}

/// What one delivery attempt came to.
#[derive(Clone, Debug, serde::Serialize)]
pub enum Attempt {
    Delivered,
    Failed(String),
}

pub(super) fn record_delivery(tx: &mut Tx<'_>, id: &str, attempt: Attempt, jitter: f64) -> Result<Done, KernelError> {
    let Some(mut d) = tx.w.delivery(tx.caller.tenant, id)? else {
        return Err(KernelError::Conflict("the delivery is gone".into()));
    };
    if d.status != "pending" {
        return Err(KernelError::Conflict("the delivery is settled".into()));
    }
    d.attempts += 1;
    d.updated_at = tx.at.clone();
    let (outcome, severity) = match &attempt {
        Attempt::Delivered => {
            d.status = "delivered".into();
            d.last_error = None;
            (AuditOutcome::Ok, Severity::Info)
        }
        Attempt::Failed(error) => {
            d.last_error = Some(error.chars().take(500).collect());
            if d.attempts >= MAX_ATTEMPTS {
                d.status = "dead".into();
            } else {
                d.next_at = tx.now + backoff(d.attempts, jitter);
            }
            (AuditOutcome::Error, Severity::Warning)
        }
    };
    tx.w.upsert_delivery(&d)?;
    let details = json!({"alert": d.alert_id, "webhook": d.webhook_id, "status": d.status, "attempts": d.attempts,
        "error": d.last_error, "next_attempt_at": (d.status == "pending").then(|| format_micros(d.next_at))});
    let applied = Applied::new(Action::WebhookDelivery, Outcome::SystemDone, ("delivery", d.id), details)
        .severity(severity)
        .outcome(outcome);
    Ok(Done::Changed(applied))
}

/// 1 s, 2 s, 4 s … up to 5 minutes, ±20 % (`jitter` in 0..1).
pub fn backoff(attempts: u32, jitter: f64) -> SignedDuration {
    let base = 2f64.powi(attempts.saturating_sub(1).min(16) as i32).min(300.0);
    SignedDuration::from_secs_f64(base * (0.8 + 0.4 * jitter.clamp(0.0, 1.0)))
}

/// The secret a webhook's deliveries are signed with: derived, never stored, shown once.
pub fn webhook_secret(secret: &crate::auth::KeySecret, tenant: TenantId, id: &str) -> String {
    format!("whsec_{}", bosun_core::audit::encode_hex(&secret.derive(&format!("bosun-webhook-v1:{tenant}:{id}"))))
}

/// `v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`: what `Bosun-Signature` carries.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("v1={}", bosun_core::audit::encode_hex(&mac.finalize().into_bytes()))
}

/// A webhook's circuit breaker.
#[derive(Clone, Copy, Debug, Default)]
pub struct Breaker {
    pub failures: u32,
    pub open_until: Option<Timestamp>,
}

/// The engine's state and its inputs.
#[derive(Default)]
pub struct Alerts {
    signals: std::sync::OnceLock<mpsc::Sender<Signal>>,
    rules: Mutex<HashMap<TenantId, Arc<Vec<RuleSpec>>>>,
    breakers: Mutex<HashMap<String, Breaker>>,
}

impl Alerts {
    /// A failed authentication, straight to the engine.
    pub fn failed_auth(&self, tenant: TenantId, ip: Option<String>, key: Option<String>, at: Timestamp) {
        if let Some(tx) = self.signals.get() {
            let signal = Signal {
                tenant: tenant.to_string(),
                action: Action::AuthFail.name().into(),
                outcome: AuditOutcome::Denied,
                actor: None,
                ip,
                target: key,
                details_keys: Vec::new(),
                seq: None,
                at,
            };
            if tx.try_send(signal).is_err() {
                metrics::counter!("bosun_alert_signals_dropped_total").increment(1);
            }
        }
    }

    pub(super) fn forget_rules(&self, tenant: TenantId) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).remove(&tenant);
    }

    pub fn breaker(&self, webhook: &str) -> Breaker {
        self.breakers.lock().unwrap_or_else(|e| e.into_inner()).get(webhook).copied().unwrap_or_default()
    }
}

/// What the engine sees of a committed event; none for alerts' and webhooks' own events and for
/// failed authentications (those come one by one from `Alerts::failed_auth`).
fn signal_of(event: &bosun_core::audit::AuditEvent) -> Option<Signal> {
    let skip = ["alert.", "webhook.", "auth.failed"];
    if skip.iter().any(|p| event.action.starts_with(p)) {
        return None;
    }
    let truthy = |v: &Value| !(v.is_null() || v == &Value::Bool(false) || v.as_array().is_some_and(Vec::is_empty));
    Some(Signal {
        tenant: event.tenant.clone(),
        action: event.action.clone(),
        outcome: event.outcome,
        actor: event.actor_id.clone().or_else(|| event.actor_name.clone()),
        ip: event.ip.clone(),
        target: event.target_id.clone(),
        details_keys: event
            .details
            .as_object()
            .map(|o| o.iter().filter(|(_, v)| truthy(v)).map(|(k, _)| k.clone()).collect())
            .unwrap_or_default(),
        seq: Some(event.seq),
        at: event.at.parse().ok()?,
    })
}

impl Kernel {
    /// The rules of a tenant: the built-in ones and its own.
    async fn alert_rules_for(&self, tenant: TenantId) -> Result<Arc<Vec<RuleSpec>>, KernelError> {
        if let Some(r) = self.alerts.rules.lock().unwrap_or_else(|e| e.into_inner()).get(&tenant) {
            return Ok(r.clone());
        }
        let own = self.tenant_alert_rules(tenant).await?;
        let mut all = bosun_core::alert::builtin();
        all.extend(own);
        let all = Arc::new(all);
        self.alerts.rules.lock().unwrap_or_else(|e| e.into_inner()).insert(tenant, all.clone());
        Ok(all)
    }

    async fn tenant_alert_rules(&self, tenant: TenantId) -> Result<Vec<RuleSpec>, KernelError> {
        let doc = self.store.read(move |r| r.alert_rules(tenant)).await?;
        Ok(doc.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default())
    }

    /// The tenant's own rules and the built-in ones (any caller of the tenant).
    pub async fn alert_rules(&self, caller: &Caller) -> Result<(Vec<RuleSpec>, Vec<RuleSpec>), KernelError> {
        Ok((self.tenant_alert_rules(caller.tenant).await?, bosun_core::alert::builtin()))
    }

    async fn apply_effect(&self, effect: Effect) {
        let (tenant, cmd) = match effect {
            Effect::Fire { alert, tenant, rule, title, severity, group, count, seq } => {
                let at = format_micros(self.clock.now());
                let Some(t) = TenantId::parse(&tenant) else { return };
                let alert = Alert {
                    tenant_id: t,
                    id: alert,
                    rule,
                    title,
                    severity: severity.as_str().into(),
                    group_key: group,
                    count,
                    status: "open".into(),
                    first_seq: seq,
                    created_at: at.clone(),
                    updated_at: at,
                    acknowledged_by: None,
                    resolved_by: None,
                };
                (t, super::scheduler::SystemCommand::RaiseAlert { alert: Box::new(alert) })
            }
            Effect::Count { alert, tenant, count } => {
                let Some(t) = TenantId::parse(&tenant) else { return };
                (t, super::scheduler::SystemCommand::CountAlert { id: alert, count })
            }
        };
        let system = Caller::system(tenant);
        if let Err(e) = self.execute(&system, &RequestCtx::default(), Command::System(cmd)).await {
            tracing::warn!(error = %e, "could not store an alert");
        }
    }

    /// Run the alert engine until the kernel is dropped: committed events from the bus, failed
    /// authentications from the door, and a once-a-second close of suppression windows.
    pub fn spawn_alerts(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let (tx, mut rx) = mpsc::channel(65_536);
        let _ = self.alerts.signals.set(tx);
        let mut events = self.events.subscribe();
        let kernel = Arc::downgrade(self);
        let leader = self.leader.clone();
        tokio::spawn(async move {
            let mut engine = Engine::default();
            let mut closing = tokio::time::interval(Duration::from_secs(1));
            loop {
                let signal = tokio::select! {
                    ev = events.recv() => match ev {
                        // Every node sees every event; the leading node alone judges them.
                        Ok(published) if leader.load(std::sync::atomic::Ordering::Relaxed) => {
                            signal_of(&published.event)
                        }
                        Ok(_) => None,
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            metrics::counter!("bosun_alert_signals_dropped_total").increment(n);
                            None
                        }
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    s = rx.recv() => match s { Some(s) => Some(s), None => return },
                    _ = closing.tick() => {
                        let Some(kernel) = kernel.upgrade() else { return };
                        let rules = kernel.alerts.rules.lock().unwrap_or_else(|e| e.into_inner()).clone();
                        let window = |tenant: &str, rule: &str| {
                            let t = TenantId::parse(tenant)?;
                            rules.get(&t)?.iter().find(|r| r.id == rule).map(|r| r.window_seconds)
                        };
                        for effect in engine.close_due(kernel.clock.now(), &window) {
                            kernel.apply_effect(effect).await;
                        }
                        None
                    }
                };
                let Some(signal) = signal else { continue };
                let Some(kernel) = kernel.upgrade() else { return };
                let Some(tenant) = TenantId::parse(&signal.tenant) else { continue };
                let rules = match kernel.alert_rules_for(tenant).await {
                    Ok(r) => r,
                    Err(e) => {
                        tracing::warn!(error = %e, "alert rules unavailable");
                        continue;
                    }
                };
                let mut new_id = || bosun_core::ids::next_ulid().to_string();
                for effect in engine.observe(&rules, &signal, &mut new_id) {
                    kernel.apply_effect(effect).await;
                }
            }
        })
    }

    /// Attempt every delivery due now (at most 32 at once): sign, post, record. A webhook whose
    /// breaker is open is not called: the attempt fails at once. Returns how many were attempted.
    pub async fn deliver_due(&self) -> Result<usize, KernelError> {
        const AT_ONCE: u32 = 32;
        if !self.leads() {
            return Ok(0); // another node delivers
        }
        let now = self.clock.now();
        // One read for everything: each tenant's due deliveries with their alert and webhook.
        let due = self
            .store
            .read(move |r| {
                let mut due = Vec::new();
                for tenant in r.list_tenants()? {
                    let left = AT_ONCE - due.len() as u32;
                    if left == 0 {
                        break;
                    }
                    let mine = r.due_deliveries(tenant.id, now, left)?;
                    if mine.is_empty() {
                        continue;
                    }
                    let hooks = r.webhooks(tenant.id)?;
                    for d in mine {
                        let alert = r.alert(tenant.id, &d.alert_id)?;
                        let hook = hooks.iter().find(|w| w.id == d.webhook_id).cloned();
                        due.push((d, alert, hook));
                    }
                }
                Ok(due)
            })
            .await?;
        let n = due.len();
        futures_util::future::join_all(due.into_iter().map(|(d, alert, hook)| self.attempt(d, alert, hook, now))).await;
        Ok(n)
    }

    async fn attempt(&self, d: Delivery, alert: Option<Alert>, hook: Option<Webhook>, now: Timestamp) {
        let tenant = d.tenant_id;
        let attempt = match (alert, hook) {
            (Some(alert), Some(hook)) => self.post(&hook, &alert, now).await,
            _ => Attempt::Failed("the alert or the webhook is gone".into()),
        };
        let cmd = super::scheduler::SystemCommand::RecordDelivery { id: d.id.clone(), attempt };
        if let Err(e) = self.execute(&Caller::system(tenant), &RequestCtx::default(), Command::System(cmd)).await
            && !matches!(e, KernelError::Conflict(_))
        {
            tracing::warn!(error = %e, "cannot record a delivery");
        }
    }

    async fn post(&self, hook: &Webhook, alert: &Alert, now: Timestamp) -> Attempt {
        {
            let breakers = self.alerts.breakers.lock().unwrap_or_else(|e| e.into_inner());
            if breakers.get(&hook.id).and_then(|b| b.open_until).is_some_and(|until| now < until) {
                return Attempt::Failed("circuit open: the webhook failed repeatedly; not called".into());
            }
        }
        let body = json!({"type": "alert", "alert": alert_json(alert)}).to_string();
        let secret = webhook_secret(&self.key_secret, hook.tenant_id, &hook.id);
        let timestamp = now.as_second();
        let signature = sign(&secret, timestamp, &body);
        let headers = [
            ("bosun-webhook-id", hook.id.clone()),
            ("bosun-timestamp", timestamp.to_string()),
            ("bosun-signature", signature),
        ];
        let attempt = match post_json(&hook.url, headers, body).await {
            Ok(status) if (200..300).contains(&status) => Attempt::Delivered,
            Ok(status) => Attempt::Failed(format!("the receiver answered {status}")),
            Err(why) => Attempt::Failed(why),
        };
        let mut breakers = self.alerts.breakers.lock().unwrap_or_else(|e| e.into_inner());
        let b = breakers.entry(hook.id.clone()).or_default();
        match attempt {
            Attempt::Delivered => *b = Breaker::default(),
            Attempt::Failed(_) => {
                b.failures += 1;
                if b.failures >= BREAKER_AFTER {
                    b.open_until = Some(now + BREAKER_OPEN);
                }
            }
        }
        attempt
    }

    /// Attempt due deliveries every `every` until the kernel is dropped.
    pub fn spawn_deliveries(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        self.spawn_every(every, "webhook deliveries", |k| Box::pin(async move { k.deliver_due().await.map(|_| ()) }))
    }

    /// Alerts newest first (users of the tenant).
    pub async fn alerts(
        &self,
        caller: &Caller,
        status: Option<String>,
        before: Option<String>,
        limit: u32,
    ) -> Result<Vec<(Alert, Vec<Delivery>)>, KernelError> {
        super::governance::users_only(caller, "reading alerts")?;
        let tenant = caller.tenant;
        Ok(self
            .store
            .read(move |r| {
                let list = r.alerts(tenant, status.as_deref(), before.as_deref(), limit)?;
                list.into_iter()
                    .map(|a| {
                        let d = r.deliveries_of(tenant, &a.id)?;
                        Ok((a, d))
                    })
                    .collect()
            })
            .await?)
    }

    /// The tenant's webhooks with their breakers (tenant users).
    pub async fn webhooks(&self, caller: &Caller) -> Result<Vec<(Webhook, Breaker)>, KernelError> {
        super::governance::users_only(caller, "reading webhooks")?;
        let tenant = caller.tenant;
        let list = self.store.read(move |r| r.webhooks(tenant)).await?;
        Ok(list
            .into_iter()
            .map(|w| {
                let b = self.alerts.breaker(&w.id);
                (w, b)
            })
            .collect())
    }

    /// The dead-letter list (tenant users).
    pub async fn dead_letters(&self, caller: &Caller, limit: u32) -> Result<Vec<Delivery>, KernelError> {
        super::governance::users_only(caller, "reading webhook deliveries")?;
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.dead_deliveries(tenant, limit)).await?)
    }

    /// A webhook's signing secret (shown once, when it is created).
    pub fn webhook_secret(&self, tenant: TenantId, id: &str) -> String {
        webhook_secret(&self.key_secret, tenant, id)
    }
}

/// POST `body` with the delivery's headers; the status, or why there is none.
async fn post_json(url: &str, headers: [(&str, String); 3], body: String) -> Result<u16, String> {
    super::outbound::post_json(url, &headers, body, Duration::from_secs(5)).await.map(|(status, _)| status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_five_minutes() {
        assert_eq!(backoff(1, 0.5), SignedDuration::from_secs(1));
        assert_eq!(backoff(3, 0.5), SignedDuration::from_secs(4));
        assert_eq!(backoff(30, 0.5), SignedDuration::from_secs(300));
        assert_eq!(backoff(1, 0.0), SignedDuration::from_millis(800));
        assert_eq!(backoff(1, 1.0), SignedDuration::from_millis(1200));
    }

    #[test]
    fn signatures_cover_the_timestamp_and_the_body() {
        let s = sign("whsec_x", 1_700_000_000, "{}");
        assert!(s.starts_with("v1=") && s.len() == 67);
        assert_ne!(s, sign("whsec_x", 1_700_000_001, "{}"));
        assert_ne!(s, sign("whsec_x", 1_700_000_000, "{ }"));
        assert_ne!(s, sign("whsec_y", 1_700_000_000, "{}"));
    }
}
