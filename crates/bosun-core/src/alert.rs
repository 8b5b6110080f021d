//! Security alerts (SPEC §5.7): rules over the stream of committed audit events, modelled on Sigma
//! correlation rules — `event_count` (at least N matching events in a window, per group) and
//! `value_count` (at least N distinct values of a field, per group). Suppression: a group fires
//! once per window; what follows in that window only counts. Pure: the kernel feeds signals and
//! turns effects into stored, audited, delivered alerts.

use std::collections::{HashMap, VecDeque};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::audit::{Outcome, Severity};

/// A field events are grouped by or counted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Actor,
    Ip,
    Target,
    Tenant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correlation {
    /// At least `threshold` matching events.
    EventCount,
    /// At least `threshold` distinct values of `field`.
    ValueCount,
}

/// One rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// 1–64 of a-z, 0-9, - and _; unique beside the built-in rules.
    pub id: String,
    /// What the alert says.
    pub title: String,
    /// Audit action names or prefixes ending in `.` (`auth.failed`, `guardrail.`); none: any.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Only events with this outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Only events whose details carry this key (e.g. `policies`: a policy decided the denial).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
    pub correlation: Correlation,
    /// For `value_count`: the field whose distinct values count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    #[serde(default)]
    pub group_by: Vec<Field>,
    /// 1 s to 1 day.
    pub window_seconds: u32,
    /// 1 to 100000.
    pub threshold: u32,
    /// warning or critical.
    pub severity: Severity,
}

/// The most rules one tenant sets.
pub const MAX_RULES: usize = 100;
/// Groups one rule tracks per tenant at once; past it, new groups share one (`*`).
pub const MAX_GROUPS: usize = 10_000;

impl RuleSpec {
    pub fn validate(&self) -> Result<(), String> {
        let id = &self.id;
        crate::validate::slug("rule id", id)?;
        if self.title.is_empty() || self.title.len() > 200 {
            return Err(format!("rule `{id}`: `title` must be 1 to 200 characters"));
        }
        if self.actions.len() > 20 || self.actions.iter().any(|a| a.is_empty() || a.len() > 64) {
            return Err(format!("rule `{id}`: at most 20 `actions` of 1 to 64 characters"));
        }
        if !(1..=86_400).contains(&self.window_seconds) {
            return Err(format!("rule `{id}`: `window_seconds` must be 1 to 86400"));
        }
        if !(1..=100_000).contains(&self.threshold) {
            return Err(format!("rule `{id}`: `threshold` must be 1 to 100000"));
        }
        if self.group_by.len() > 4 {
            return Err(format!("rule `{id}`: group by at most 4 fields"));
        }
        match (self.correlation, self.field) {
            (Correlation::ValueCount, None) => Err(format!("rule `{id}`: a value_count rule names its `field`")),
            (Correlation::EventCount, Some(_)) => Err(format!("rule `{id}`: only a value_count rule has a `field`")),
            _ if !matches!(self.severity, Severity::Warning | Severity::Critical) => {
                Err(format!("rule `{id}`: `severity` is warning or critical"))
            }
            _ => Ok(()),
        }
    }

    fn matches(&self, s: &Signal) -> bool {
        let action = self.actions.is_empty()
            || self
                .actions
                .iter()
                .any(|a| if a.ends_with('.') { s.action.starts_with(a.as_str()) } else { s.action == *a });
        action
            && self.outcome.is_none_or(|o| o == s.outcome)
            && self.requires.as_ref().is_none_or(|k| s.details_keys.iter().any(|d| d == k))
    }
}

/// The rules every tenant has (SPEC §5.7): failed authentications, cross-tenant attempts, policy
/// and guardrail violations, bursts of denials, budgets exceeded.
pub fn builtin() -> Vec<RuleSpec> {
    let rule = |id: &str,
                title: &str,
                actions: &[&str],
                outcome: Option<Outcome>,
                group_by: Vec<Field>,
                window: u32,
                threshold: u32,
                severity| RuleSpec {
        id: id.into(),
        title: title.into(),
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        outcome,
        requires: None,
        correlation: Correlation::EventCount,
        field: None,
        group_by,
        window_seconds: window,
        threshold,
        severity,
    };
    let denied = Some(Outcome::Denied);
    vec![
        rule(
            "auth-failures-by-ip",
            "5 or more failed authentications from one address in 5 minutes",
            &["auth.failed"],
            None,
            vec![Field::Ip],
            300,
            5,
            Severity::Warning,
        ),
        rule(
            "auth-failures-by-key",
            "5 or more failed authentications with one key in 5 minutes",
            &["auth.failed"],
            None,
            vec![Field::Target],
            300,
            5,
            Severity::Warning,
        ),
        rule(
            "cross-tenant",
            "An attempt to act on tenants from outside the system tenant",
            &["tenant."],
            denied,
            vec![Field::Actor],
            60,
            1,
            Severity::Critical,
        ),
        rule(
            "guardrail-violation",
            "A guardrail stopped a command",
            &["guardrail.violated"],
            denied,
            vec![Field::Actor],
            60,
            1,
            Severity::Warning,
        ),
        RuleSpec {
            requires: Some("policies".into()),
            ..rule(
                "policy-violation",
                "A policy denied an action",
                &[],
                denied,
                vec![Field::Actor],
                60,
                1,
                Severity::Warning,
            )
        },
        rule(
            "denial-burst",
            "20 or more denials for one actor in a minute",
            &[],
            denied,
            vec![Field::Actor],
            60,
            20,
            Severity::Warning,
        ),
        rule(
            "budget-exceeded",
            "A budget refused a reservation",
            &["budget.reserved"],
            denied,
            vec![Field::Actor],
            300,
            1,
            Severity::Warning,
        ),
        RuleSpec {
            requires: Some("over_budget".into()),
            ..rule(
                "budget-overrun",
                "Spending ran over a budget",
                &["usage.recorded"],
                None,
                vec![Field::Actor],
                300,
                1,
                Severity::Warning,
            )
        },
    ]
}

/// What the engine sees of an audited event (or of an authentication failure, which reaches it
/// one by one even when its audit rows are aggregated).
#[derive(Clone, Debug)]
pub struct Signal {
    pub tenant: String,
    pub action: String,
    pub outcome: Outcome,
    pub actor: Option<String>,
    pub ip: Option<String>,
    pub target: Option<String>,
    pub details_keys: Vec<String>,
    pub seq: Option<u64>,
    pub at: Timestamp,
}

impl Signal {
    fn field(&self, f: Field) -> Option<&str> {
        match f {
            Field::Actor => self.actor.as_deref(),
            Field::Ip => self.ip.as_deref(),
            Field::Target => self.target.as_deref(),
            Field::Tenant => Some(&self.tenant),
        }
    }
}

/// What the engine decided.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A group reached the threshold: raise an alert (its id is chosen here, for the count later).
    Fire {
        alert: String,
        tenant: String,
        rule: String,
        title: String,
        severity: Severity,
        group: String,
        count: u64,
        seq: Option<u64>,
    },
    /// A window closed on an alert that matched more events after it fired: its final count.
    Count { alert: String, tenant: String, count: u64 },
}

struct Fired {
    alert: String,
    until: Timestamp,
    count: u64,
    reported: u64,
}

#[derive(Default)]
struct Group {
    /// Recent hits (time, counted value), at most `threshold` (event_count) or 1024 (value_count).
    hits: VecDeque<(Timestamp, Option<String>)>,
    fired: Option<Fired>,
}

/// Windows per (tenant, rule, group).
#[derive(Default)]
pub struct Engine {
    groups: HashMap<(String, String, String), Group>,
    per_rule: HashMap<(String, String), usize>,
}

impl Engine {
    /// Feed one signal through `rules`; `new_id` names alerts that fire.
    pub fn observe(&mut self, rules: &[RuleSpec], s: &Signal, new_id: &mut dyn FnMut() -> String) -> Vec<Effect> {
        let mut out = Vec::new();
        for rule in rules.iter().filter(|r| r.matches(s)) {
            // An event without a field the rule groups by is not the rule's (a failure naming no
            // key is not "one key").
            let Some(parts) = rule.group_by.iter().map(|f| s.field(*f)).collect::<Option<Vec<_>>>() else { continue };
            let group = if parts.is_empty() { "*".to_owned() } else { parts.join("|") };
            let rule_key = (s.tenant.clone(), rule.id.clone());
            let mut key = (s.tenant.clone(), rule.id.clone(), group);
            if !self.groups.contains_key(&key) {
                let n = self.per_rule.entry(rule_key.clone()).or_default();
                if *n >= MAX_GROUPS {
                    key.2 = "*".into();
                } else {
                    *n += 1;
                }
            }
            let window = SignedDuration::from_secs(i64::from(rule.window_seconds));
            let g = self.groups.entry(key.clone()).or_default();
            if let Some(f) = &mut g.fired
                && s.at < f.until
            {
                f.count += 1;
                continue;
            }
            let value = match rule.correlation {
                Correlation::EventCount => None,
                Correlation::ValueCount => Some(rule.field.and_then(|f| s.field(f)).unwrap_or("-").to_owned()),
            };
            while g.hits.front().is_some_and(|(t, _)| s.at.duration_since(*t) >= window) {
                g.hits.pop_front();
            }
            g.hits.push_back((s.at, value));
            let cap = match rule.correlation {
                Correlation::EventCount => rule.threshold as usize,
                Correlation::ValueCount => 1024,
            };
            while g.hits.len() > cap {
                g.hits.pop_front();
            }
            let reached = match rule.correlation {
                Correlation::EventCount => g.hits.len() as u64,
                Correlation::ValueCount => {
                    let mut seen: Vec<&str> = g.hits.iter().filter_map(|(_, v)| v.as_deref()).collect();
                    seen.sort_unstable();
                    seen.dedup();
                    seen.len() as u64
                }
            };
            if reached >= u64::from(rule.threshold) {
                let alert = new_id();
                // The group stays quiet for a window from now; what matches meanwhile is counted.
                let count = g.hits.len() as u64;
                g.fired = Some(Fired { alert: alert.clone(), until: s.at + window, count, reported: count });
                g.hits.clear();
                out.push(Effect::Fire {
                    alert,
                    tenant: s.tenant.clone(),
                    rule: rule.id.clone(),
                    title: rule.title.clone(),
                    severity: rule.severity,
                    group: key.2.clone(),
                    count,
                    seq: s.seq,
                });
            }
        }
        out
    }

    /// Close suppression windows that ended by `now`: the final counts of alerts that matched
    /// more after firing. Idle groups are forgotten.
    pub fn close_due(&mut self, now: Timestamp, windows: &dyn Fn(&str, &str) -> Option<u32>) -> Vec<Effect> {
        let mut out = Vec::new();
        let per_rule = &mut self.per_rule;
        self.groups.retain(|(tenant, rule, _), g| {
            if let Some(f) = &g.fired
                && now >= f.until
            {
                if f.count > f.reported {
                    out.push(Effect::Count { alert: f.alert.clone(), tenant: tenant.clone(), count: f.count });
                }
                g.fired = None;
            }
            let window = windows(tenant, rule).map(|w| SignedDuration::from_secs(i64::from(w)));
            let idle = g.fired.is_none()
                && window.is_none_or(|w| g.hits.back().is_none_or(|(t, _)| now.duration_since(*t) >= w));
            if idle && let Some(n) = per_rule.get_mut(&(tenant.clone(), rule.clone())) {
                *n = n.saturating_sub(1);
            }
            !idle
        });
        out
    }

    /// Groups tracked now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(action: &str, outcome: Outcome, ip: &str, at: &str) -> Signal {
        Signal {
            tenant: "t".into(),
            action: action.into(),
            outcome,
            actor: None,
            ip: Some(ip.into()),
            target: None,
            details_keys: Vec::new(),
            seq: None,
            at: at.parse().unwrap(),
        }
    }

    #[test]
    fn five_failures_fire_once_and_the_flood_only_counts() {
        let rules = builtin();
        let mut e = Engine::default();
        let mut n = 0;
        let mut id = || {
            n += 1;
            format!("a{n}")
        };
        let mut fired = Vec::new();
        for i in 0..4 {
            fired.extend(e.observe(
                &rules,
                &signal("auth.failed", Outcome::Denied, "10.0.0.1", &format!("2026-01-01T00:0{i}:00Z")),
                &mut id,
            ));
        }
        assert!(fired.is_empty(), "4 in 5 minutes is not enough");
        fired.extend(e.observe(
            &rules,
            &signal("auth.failed", Outcome::Denied, "10.0.0.1", "2026-01-01T00:04:00Z"),
            &mut id,
        ));
        assert_eq!(fired.len(), 1, "{fired:?}");
        assert!(
            matches!(&fired[0], Effect::Fire { rule, count: 5, group, .. } if rule == "auth-failures-by-ip" && group == "10.0.0.1")
        );
        for _ in 0..1000 {
            assert!(
                e.observe(&rules, &signal("auth.failed", Outcome::Denied, "10.0.0.1", "2026-01-01T00:05:00Z"), &mut id)
                    .is_empty()
            );
        }
        // Another address is its own group.
        assert!(
            e.observe(&rules, &signal("auth.failed", Outcome::Denied, "10.0.0.2", "2026-01-01T00:05:00Z"), &mut id)
                .is_empty()
        );
        let closed = e.close_due("2026-01-01T00:09:00Z".parse().unwrap(), &|_, _| Some(300));
        assert_eq!(closed, vec![Effect::Count { alert: "a1".into(), tenant: "t".into(), count: 1005 }]);
        // Old failures fell out of the window: 4 more do not fire, the fifth does.
        for m in 10..14 {
            assert!(
                e.observe(
                    &rules,
                    &signal("auth.failed", Outcome::Denied, "10.0.0.1", &format!("2026-01-01T00:{m}:00Z")),
                    &mut id
                )
                .is_empty()
            );
        }
        assert_eq!(
            e.observe(&rules, &signal("auth.failed", Outcome::Denied, "10.0.0.1", "2026-01-01T00:14:00Z"), &mut id)
                .len(),
            1
        );
    }

    #[test]
    fn value_count_counts_distinct_values() {
        let rule = RuleSpec {
            id: "scan".into(),
            title: "one address tries many keys".into(),
            actions: vec!["auth.".into()],
            outcome: None,
            requires: None,
            correlation: Correlation::ValueCount,
            field: Some(Field::Target),
            group_by: vec![Field::Ip],
            window_seconds: 60,
            threshold: 3,
            severity: Severity::Critical,
        };
        assert_eq!(rule.validate(), Ok(()));
        let mut e = Engine::default();
        let mut id = || "x".to_owned();
        let mut s = signal("auth.failed", Outcome::Denied, "1.2.3.4", "2026-01-01T00:00:00Z");
        for key in ["k1", "k1", "k2", "k2"] {
            s.target = Some(key.into());
            assert!(e.observe(std::slice::from_ref(&rule), &s, &mut id).is_empty());
        }
        s.target = Some("k3".into());
        assert_eq!(e.observe(std::slice::from_ref(&rule), &s, &mut id).len(), 1);
    }

    #[test]
    fn rules_are_validated() {
        for r in builtin() {
            assert_eq!(r.validate(), Ok(()), "{}", r.id);
        }
        let mut r = builtin().remove(0);
        r.threshold = 0;
        assert!(r.validate().unwrap_err().contains("threshold"));
        let mut r = builtin().remove(0);
        r.severity = Severity::Info;
        assert!(r.validate().unwrap_err().contains("severity"));
    }
}
