//! Issue 10: what a Cedar decision costs in-process, with a realistic policy set of N policies
//! (the defaults plus generated permits and forbids over Bosun's actions), against parsing the
//! set for every call (how the peer's cedarpy path is usually used).

use std::time::{Duration, Instant};

use bosun_policy::{Bosun, DEFAULT_POLICIES, Principal, Query};

use crate::percentiles;

const ACTIONS: &[&str] = &[
    "task.submitted",
    "task.claimed",
    "task.completed",
    "lock.acquired",
    "lock.released",
    "message.sent",
    "handoff.written",
    "agent.heartbeat",
];

/// The default policies and as many more as make `n`: forbids and permits on single actions with
/// conditions.
pub(crate) fn policy_text(n: usize) -> String {
    let mut text = DEFAULT_POLICIES.to_owned();
    let defaults = DEFAULT_POLICIES.matches("@id(").count();
    for i in 0..n.saturating_sub(defaults) {
        let action = ACTIONS[i % ACTIONS.len()];
        let policy = match i % 4 {
            0 => format!(
                "@id(\"extra-{i}\") @reason(\"rule {i}\") forbid(principal is Bosun::User, action == Bosun::Action::\"{action}\", resource) when {{ principal.rank < 0 && resource.system }};"
            ),
            1 => format!(
                "@id(\"extra-{i}\") permit(principal in Bosun::Tenant::\"tenant-{i}\", action == Bosun::Action::\"{action}\", resource);"
            ),
            2 => format!(
                "@id(\"extra-{i}\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"{action}\", resource) when {{ principal.name == \"quarantined-{i}\" }};"
            ),
            _ => format!(
                "@id(\"extra-{i}\") permit(principal is Bosun::User, action == Bosun::Action::\"{action}\", resource) when {{ principal.role == \"approver\" && context.on_self }};"
            ),
        };
        text.push('\n');
        text.push_str(&policy);
    }
    text
}

pub(crate) fn decisions(policies: usize, iterations: usize) -> anyhow::Result<()> {
    let bosun = Bosun::new();
    let text = policy_text(policies);
    let set = bosun.parse(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    // A new principal id each time, so that every decision is evaluated (decisions are
    // remembered per query); the remembered path is timed after.
    let ids: Vec<String> = (0..iterations.max(1000)).map(|i| format!("01J{i:023}")).collect();
    let ask = |i: usize| Query {
        principal: if i.is_multiple_of(2) {
            Principal::Agent { id: &ids[i], name: "worker-1", kind: "claude-code", profile: "worker", trust_level: 2 }
        } else {
            Principal::User { id: &ids[i], role: "developer", rank: 1 }
        },
        action: ACTIONS[i % ACTIONS.len()],
        tenant: "01JTENANT",
        system_tenant: false,
        on_self: false,
        profile_allows: true,
        project: None,
        gate: false,
        destination: None,
        command: None,
    };
    // Warm up, then time each decision.
    let mut allowed = 0;
    for i in 0..1000 {
        allowed += usize::from(bosun.decide(&set, &ask(i)).allowed);
    }
    let mut lat = Vec::with_capacity(iterations);
    let started = Instant::now();
    for i in 0..iterations {
        let t = Instant::now();
        allowed += usize::from(bosun.decide(&set, &ask(i)).allowed);
        lat.push(t.elapsed());
    }
    let elapsed = started.elapsed();
    println!(
        "Cedar decision, {} policies, pre-parsed, evaluated: {iterations} in {:.2} s = {:.0}/s; µs {}",
        set.len(),
        elapsed.as_secs_f64(),
        iterations as f64 / elapsed.as_secs_f64(),
        micros(lat)
    );
    let mut lat = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let t = Instant::now();
        allowed += usize::from(bosun.decide(&set, &ask(i % 64)).allowed);
        lat.push(t.elapsed());
    }
    println!("Cedar decision, {} policies, remembered (64 queries asked again): µs {}", set.len(), micros(lat));
    // Parsing and validating the set for every decision.
    let runs = (iterations / 100).max(50);
    let mut lat = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        let set = bosun.parse(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
        allowed += usize::from(bosun.decide(&set, &ask(i)).allowed);
        lat.push(t.elapsed());
    }
    println!("Cedar decision, {} policies, parsed + validated per call: {runs} runs; µs {}", set.len(), micros(lat));
    println!("  ({allowed} allowed, so nothing was optimised away)");
    Ok(())
}

/// `percentiles` in microseconds.
fn micros(lat: Vec<Duration>) -> String {
    // `percentiles` prints milliseconds with two decimals; scale by 1000 so they read as µs.
    percentiles(lat.into_iter().map(|d| d * 1000).collect())
}
