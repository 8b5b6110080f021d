//! Differential test: on generated policy sets and 10,000+ generated requests, Bosun's decision
//! is the one `cedar-policy` gives when called directly (entities built here from JSON, without
//! Bosun's code, the policy text parsed by Cedar alone) — except where Bosun must deny: a request
//! Cedar evaluated with errors, or an action the schema does not know. Those are asserted too.

use std::str::FromStr;

use bosun_policy::{Bosun, Principal, Query};
use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request};
use serde_json::json;

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const ACTIONS: &[&str] = &[
    "tenant.created",
    "user.created",
    "key.created",
    "agent.registered",
    "agent.heartbeat",
    "task.submitted",
    "task.claimed",
    "task.completed",
    "task.retried",
    "lock.acquired",
    "lock.released",
    "message.sent",
    "allowlist.updated",
];

fn any_action(rng: &mut Rng) -> &'static str {
    ACTIONS[rng.below(ACTIONS.len())]
}

fn action(name: &str) -> String {
    format!("Bosun::Action::\"{name}\"")
}

/// One random policy that fits the schema (conditions on user attributes only for user
/// principals), sometimes one that errors at evaluation (integer overflow).
fn policy(rng: &mut Rng, n: usize) -> String {
    let effect = *rng.pick(&["permit", "forbid"]);
    let (principal, is_user, is_agent) = match rng.below(6) {
        0 => ("principal".to_owned(), false, false),
        1 | 2 => ("principal is Bosun::User".to_owned(), true, false),
        3 | 4 => ("principal is Bosun::Agent".to_owned(), false, true),
        _ => ("principal in Bosun::Tenant::\"t1\"".to_owned(), false, false),
    };
    let act = match rng.below(3) {
        0 => "action".to_owned(),
        1 => format!("action == {}", action(any_action(rng))),
        _ => format!("action in [{}, {}]", action(any_action(rng)), action(any_action(rng))),
    };
    // `is Bosun::Tenant`: the conditions below read a tenant and the context of tenant actions
    // (`network_access` is asked about a Domain, with another context).
    let resource = if rng.below(4) == 0 { "resource == Bosun::Tenant::\"t1\"" } else { "resource is Bosun::Tenant" };
    let mut conditions = Vec::new();
    for _ in 0..rng.below(3) {
        let own = if is_user || is_agent { 4 } else { 0 };
        let which = rng.below(5 + own);
        conditions.push(match which {
            0 => "context.on_self".to_owned(),
            1 => "resource.system".to_owned(),
            2 => "!context.on_self".to_owned(),
            // Overflows (an evaluation error) in the system tenant.
            3 => "9223372036854775807 + (if resource.system then 1 else 0) > 0".to_owned(),
            4 if rng.below(3) == 0 => "context.gate".to_owned(),
            4 if rng.below(2) == 0 => "context.profile_allows".to_owned(),
            4 => format!("context has project && context.project == \"{}\"", rng.pick(&["web", "api"])),
            5 if is_user => format!("principal.rank >= {}", rng.below(4)),
            6 if is_user => format!("principal.role == \"{}\"", rng.pick(&["viewer", "developer", "admin"])),
            7 if is_user => "principal.rank * 9223372036854775807 > 1".to_owned(), // overflows for rank ≥ 2
            _ if is_user => format!("principal.rank < {}", rng.below(4)),
            5 => format!("principal.trust_level >= {}", rng.below(5)),
            6 => format!("principal.profile == \"{}\"", rng.pick(&["observer", "worker", "trusted"])),
            7 => "principal.trust_level * 4611686018427387904 > 1".to_owned(), // overflows for trust ≥ 2
            _ => format!("principal.kind like \"{}\"", rng.pick(&["claude*", "codex", "*"])),
        });
    }
    let when = if conditions.is_empty() { String::new() } else { format!(" when {{ {} }}", conditions.join(" && ")) };
    format!("@id(\"p{n}\") @reason(\"r{n}\") {effect}({principal}, {act}, {resource}){when};")
}

struct Ask {
    /// (entity type, id, role or profile, rank or trust level, agent kind)
    principal: (&'static str, &'static str, &'static str, i64, &'static str),
    action: &'static str,
    tenant: &'static str,
    system: bool,
    on_self: bool,
    profile_allows: bool,
    project: Option<&'static str>,
    gate: bool,
}

fn ask(rng: &mut Rng) -> Ask {
    const PRINCIPALS: &[(&str, &str, &str, i64, &str)] = &[
        ("User", "u1", "viewer", 0, ""),
        ("User", "u2", "developer", 1, ""),
        ("User", "u3", "approver", 2, ""),
        ("User", "u4", "admin", 3, ""),
        ("Agent", "a0", "suspended", 0, "codex"),
        ("Agent", "a1", "observer", 1, "claude-code"),
        ("Agent", "a2", "worker", 2, "claude-code"),
        ("Agent", "a3", "trusted", 3, "codex"),
    ];
    let action = if rng.below(40) == 0 { "task.teleported" } else { any_action(rng) };
    Ask {
        principal: *rng.pick(PRINCIPALS),
        action,
        tenant: if rng.below(2) == 0 { "t1" } else { "t2" },
        system: rng.below(2) == 0,
        on_self: rng.below(2) == 0,
        profile_allows: rng.below(4) != 0,
        project: *rng.pick(&[None, Some("web"), Some("api")]),
        gate: rng.below(3) == 0,
    }
}

/// What Cedar decides when called directly: entities from JSON, no schema.
fn cedar_directly(parsed: &PolicySet, q: &Ask) -> (Decision, Vec<String>, bool) {
    let (kind, id, role, rank, agent_kind) = q.principal;
    let mut principal = json!({"uid": {"type": format!("Bosun::{kind}"), "id": id}, "parents": [{"type": "Bosun::Tenant", "id": q.tenant}]});
    principal["attrs"] = if kind == "User" {
        json!({"role": role, "rank": rank})
    } else {
        json!({"name": id, "kind": agent_kind, "profile": role, "trust_level": rank})
    };
    let tenant =
        json!({"uid": {"type": "Bosun::Tenant", "id": q.tenant}, "attrs": {"system": q.system}, "parents": []});
    let entities = Entities::from_json_value(json!([principal, tenant]), None).unwrap();
    let uid = |s: String| EntityUid::from_str(&s).unwrap();
    let request = Request::new(
        uid(format!("Bosun::{kind}::\"{id}\"")),
        uid(action(q.action)),
        uid(format!("Bosun::Tenant::\"{}\"", q.tenant)),
        Context::from_json_value(
            match q.project {
                Some(p) => {
                    json!({"on_self": q.on_self, "profile_allows": q.profile_allows, "project": p, "gate": q.gate})
                }
                None => json!({"on_self": q.on_self, "profile_allows": q.profile_allows, "gate": q.gate}),
            },
            None,
        )
        .unwrap(),
        None,
    )
    .unwrap();
    let response = Authorizer::new().is_authorized(&request, parsed, &entities);
    // Cedar named the policies policy0, policy1…; map back to their @id.
    let mut determining: Vec<String> = response
        .diagnostics()
        .reason()
        .map(|p| parsed.policy(p).and_then(|p| p.annotation("id")).unwrap().to_owned())
        .collect();
    determining.sort();
    (response.decision(), determining, response.diagnostics().errors().next().is_some())
}

#[test]
fn bosun_decides_as_cedar_does_except_where_it_must_deny() {
    let bosun = Bosun::new();
    let mut rng = Rng(0x5EED_B05C);
    let (mut compared, mut errored, mut unknown, mut allowed) = (0, 0, 0, 0);
    let mut sets = 0;
    while compared + errored + unknown < 10_000 {
        let text: String = (0..1 + rng.below(8)).map(|n| policy(&mut rng, n)).collect::<Vec<_>>().join("\n");
        let Ok(policies) = bosun.parse(&text) else { panic!("a generated policy set was refused:\n{text}") };
        sets += 1;
        let parsed = PolicySet::from_str(&text).unwrap();
        for _ in 0..250 {
            let q = ask(&mut rng);
            let (kind, id, role, rank, agent_kind) = q.principal;
            let principal = if kind == "User" {
                Principal::User { id, role, rank }
            } else {
                Principal::Agent { id, name: id, kind: agent_kind, profile: role, trust_level: rank }
            };
            let query = Query {
                principal,
                action: q.action,
                tenant: q.tenant,
                system_tenant: q.system,
                on_self: q.on_self,
                profile_allows: q.profile_allows,
                project: q.project,
                gate: q.gate,
                destination: None,
                command: None,
            };
            let ours = bosun.decide(&policies, &query);
            let (theirs, determining, errors) = cedar_directly(&parsed, &q);
            let context = || {
                format!(
                    "policies:\n{text}\nrequest: {kind} {id} {} {} system={} on_self={} profile_allows={} project={:?}",
                    q.action, q.tenant, q.system, q.on_self, q.profile_allows, q.project
                )
            };
            if q.action == "task.teleported" {
                assert!(
                    !ours.allowed && !ours.errors.is_empty(),
                    "an unknown action must deny: {ours:?}\n{}",
                    context()
                );
                unknown += 1;
            } else if errors {
                assert!(!ours.allowed, "Cedar met errors, Bosun must deny: {ours:?}\n{}", context());
                assert!(!ours.errors.is_empty(), "{}", context());
                errored += 1;
            } else {
                assert_eq!(ours.allowed, theirs == Decision::Allow, "{ours:?}\n{}", context());
                let mut ids: Vec<String> = ours.determining.iter().map(|d| d.id.clone()).collect();
                ids.sort();
                assert_eq!(ids, determining, "{}", context());
                assert!(ours.errors.is_empty());
                compared += 1;
                allowed += usize::from(ours.allowed);
            }
        }
    }
    // The generator reaches every branch in earnest.
    assert!(compared >= 8_000 && errored >= 100 && unknown >= 100, "{compared} {errored} {unknown}");
    assert!(allowed >= 1_000 && allowed <= compared - 1_000, "allowed {allowed} of {compared}");
    println!(
        "{sets} policy sets: {compared} decisions compared ({allowed} allowed), {errored} fail-closed, {unknown} unknown actions"
    );
}
