//! Agents, keys by owner, tasks by idempotency key and holder, locks by holder, handoffs.

use std::sync::Arc;

use bosun_core::agent::AgentStatus;
use bosun_core::model::{Agent, ApiKey, Handoff, Holder, Lock, Owner};
use bosun_core::{AgentId, HandoffId, KeyId, LockId, TaskId, TenantId, Timestamp};
use jiff::SignedDuration;
use serde_json::json;

use super::{new_tenant, task};
use crate::{AgentFilter, HandoffFilter, Store, StoreError};

fn at() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

pub(crate) fn agent(tenant: TenantId, name: &str, kind: &str, caps: &[&str], seen: Timestamp) -> Agent {
    Agent {
        id: AgentId::generate(),
        tenant_id: tenant,
        name: name.into(),
        kind: kind.into(),
        capabilities: caps.iter().map(|c| c.to_string()).collect(),
        profile: "worker".into(),
        status: AgentStatus::Idle,
        metadata: json!({"team": "core"}),
        heartbeat_interval: 30,
        last_seen_at: seen,
        created_at: "2026-01-01T00:00:00.000000Z".into(),
    }
}

fn key(tenant: TenantId, owner: Owner, prefix: &str) -> ApiKey {
    ApiKey {
        id: KeyId::generate(),
        tenant_id: tenant,
        owner,
        prefix: prefix.into(),
        label: None,
        created_at: "2026-01-01T00:00:00.000000Z".into(),
        revoked_at: None,
        hash: "hmac-sha256$00".into(),
        enrolment: false,
    }
}

pub(super) async fn agents_keys_and_presence(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-fleet").await;
    let other = new_tenant(store, "conf-fleet-other").await;
    let a = agent(t, "GreenCastle", "claude-code", &["rust", "git"], at());
    let b = agent(t, "BlueRiver", "codex", &["go"], at() + SignedDuration::from_secs(100));
    let c = Agent { status: AgentStatus::Offline, ..agent(t, "RedHill", "codex", &["rust"], at()) };
    let namesake = agent(other, "GreenCastle", "claude-code", &[], at());
    let (all, ns) = (vec![a.clone(), b.clone(), c.clone()], namesake.clone());
    store
        .write(move |w| {
            for x in &all {
                w.create_agent(x)?;
            }
            w.create_agent(&ns)
        })
        .await
        .expect("create agents (a name may repeat across tenants)");
    let dup = agent(t, "GreenCastle", "x", &[], at());
    let err = store.write(move |w| w.create_agent(&dup)).await.expect_err("duplicate agent name");
    assert!(matches!(err, StoreError::Conflict(_)), "a name is unique in its tenant: {err:?}");

    let (aid, nid) = (a.id, namesake.id);
    assert_eq!(store.read(move |r| r.agent(t, aid)).await.unwrap(), Some(a.clone()), "an agent reads back");
    assert_eq!(store.read(move |r| r.agent(other, aid)).await.unwrap(), None, "never across tenants");
    let by_name = store.read(move |r| r.agent_by_name(t, "GreenCastle")).await.unwrap().unwrap();
    assert_eq!(by_name.id, aid);
    assert_eq!(store.read(move |r| r.agent_by_name(other, "GreenCastle")).await.unwrap().unwrap().id, nid);

    let names = |agents: Vec<Agent>| agents.into_iter().map(|a| a.name).collect::<Vec<_>>();
    let list = |f: AgentFilter, after: Option<AgentId>, limit: u32| {
        let store = store.clone();
        async move { names(store.read(move |r| r.list_agents(t, &f, after, limit)).await.unwrap()) }
    };
    let mut everyone = list(AgentFilter::default(), None, 10).await;
    everyone.sort();
    assert_eq!(everyone, ["BlueRiver", "GreenCastle", "RedHill"]);
    let rust = list(AgentFilter { capability: Some("rust".into()), ..Default::default() }, None, 10).await;
    assert_eq!(rust.len(), 2, "capability filter: {rust:?}");
    let codex_idle = list(
        AgentFilter { kind: Some("codex".into()), status: Some(AgentStatus::Idle), ..Default::default() },
        None,
        10,
    )
    .await;
    assert_eq!(codex_idle, ["BlueRiver"]);
    let first = store.read(move |r| r.list_agents(t, &AgentFilter::default(), None, 1)).await.unwrap();
    let rest = list(AgentFilter::default(), Some(first[0].id), 10).await;
    assert_eq!(rest.len(), 2, "the cursor continues after the first page");
    assert!(!rest.contains(&first[0].name));

    // Presence and the reaper's candidates: live agents quieter than the bound.
    let bound = at() + SignedDuration::from_secs(50);
    assert_eq!(names(store.read(move |r| r.silent_agents(t, bound, 10)).await.unwrap()), ["GreenCastle"]);
    let mut busy = a.clone();
    busy.status = AgentStatus::Busy;
    busy.last_seen_at = at() + SignedDuration::from_secs(60);
    busy.capabilities.push("python".into());
    let written = busy.clone();
    store.write(move |w| w.update_agent(&written)).await.unwrap();
    assert_eq!(store.read(move |r| r.agent(t, aid)).await.unwrap(), Some(busy), "update writes back");
    assert!(store.read(move |r| r.silent_agents(t, bound, 10)).await.unwrap().is_empty());

    // Keys by owner: revoking an agent's keys leaves others alone.
    let (k1, k2, k3) = (
        key(t, Owner::Agent(aid), "aaaaaaaaaaa1"),
        key(t, Owner::Agent(aid), "aaaaaaaaaaa2"),
        key(t, Owner::Agent(b.id), "bbbbbbbbbbb1"),
    );
    let keys = [k1.clone(), k2.clone(), k3.clone()];
    store
        .write(move |w| {
            for k in &keys {
                w.create_key(k)?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    let revoked =
        store.write(move |w| w.revoke_keys_of(t, Owner::Agent(aid), "2026-01-02T00:00:00.000000Z")).await.unwrap();
    assert_eq!(revoked, 2);
    let again = store.write(move |w| w.revoke_keys_of(t, Owner::Agent(aid), "2026-01-03T00:00:00.000000Z")).await;
    assert_eq!(again.unwrap(), 0, "already revoked keys are not revoked again");
    let read = |p: &'static str| {
        let store = store.clone();
        async move { store.read(move |r| r.key_by_prefix(p)).await.unwrap().unwrap() }
    };
    assert_eq!(read("aaaaaaaaaaa1").await.revoked_at.as_deref(), Some("2026-01-02T00:00:00.000000Z"));
    assert!(read("bbbbbbbbbbb1").await.revoked_at.is_none());
}

pub(super) async fn tasks_by_key_and_holder(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-task-keys").await;
    let other = new_tenant(store, "conf-task-keys-other").await;
    let keyed = bosun_core::task::Task { idempotency_key: Some("deploy-42".into()), ..task(t, "keyed", 5, at()) };
    let mut leased = task(t, "leased", 5, at());
    let holder = AgentId::generate();
    leased.claim(holder, SignedDuration::from_secs(60), vec!["src/**".into()], at()).unwrap();
    let (k, l) = (keyed.clone(), leased.clone());
    store.write(move |w| w.create_task(&k).and_then(|()| w.create_task(&l))).await.unwrap();
    let found = store.read(move |r| r.task_by_idempotency_key(t, "deploy-42")).await.unwrap();
    assert_eq!(found.map(|x| x.id), Some(keyed.id));
    assert!(store.read(move |r| r.task_by_idempotency_key(other, "deploy-42")).await.unwrap().is_none());
    let (lid, missing) = (leased.id, TaskId::generate());
    assert_eq!(store.read(move |r| r.task(t, lid)).await.unwrap(), Some(leased.clone()), "a lease reads back");
    assert!(store.read(move |r| r.task(t, missing)).await.unwrap().is_none());
    let mine = store.read(move |r| r.leased_by(t, holder)).await.unwrap();
    assert_eq!(mine.iter().map(|x| x.id).collect::<Vec<_>>(), [leased.id]);
}

pub(super) async fn locks_of_holders(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-lock-holders").await;
    let (alice, bob) = (AgentId::generate(), AgentId::generate());
    let lock = |owner: AgentId, k: &str| Lock {
        id: LockId::generate(),
        tenant_id: t,
        project: "p".into(),
        key: k.into(),
        exclusive: false,
        holder: Holder { owner: Owner::Agent(owner), name: "h".into() },
        task_id: None,
        reason: Some("r".into()),
        fence: 1,
        expires_at: at() + SignedDuration::from_secs(60),
        created_at: at(),
    };
    let (a1, a2, b1) = (lock(alice, "a/1"), lock(alice, "a/2"), lock(bob, "b/1"));
    let all = [a1.clone(), a2.clone(), b1.clone()];
    store
        .write(move |w| {
            for l in &all {
                w.insert_lock(l)?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    let of = |who: AgentId| {
        let store = store.clone();
        async move { store.read(move |r| r.locks_of(t, &who.to_string())).await.unwrap() }
    };
    assert_eq!(of(alice).await.len(), 2);
    let mut renewed = a1.clone();
    renewed.expires_at = at() + SignedDuration::from_secs(600);
    renewed.reason = None;
    let r = renewed.clone();
    store.write(move |w| w.update_lock(&r)).await.unwrap();
    let id = a1.id;
    assert_eq!(store.read(move |r| r.lock(t, id)).await.unwrap(), Some(renewed), "update writes back");
    store.write(move |w| w.delete_lock(t, id)).await.unwrap();
    assert!(store.read(move |r| r.lock(t, id)).await.unwrap().is_none(), "deleted");
    assert_eq!(of(alice).await, vec![a2]);
    assert_eq!(of(bob).await, vec![b1]);
}

pub(super) async fn handoffs_newest_first(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-handoffs").await;
    let other = new_tenant(store, "conf-handoffs-other").await;
    let author = Holder { owner: Owner::Agent(AgentId::generate()), name: "writer".into() };
    let task_id = TaskId::generate();
    let handoff = |tenant: TenantId, project: &str, task: Option<TaskId>, secs: i64, summary: &str| Handoff {
        id: HandoffId::generate(),
        tenant_id: tenant,
        project: project.into(),
        task_id: task,
        author: author.clone(),
        document: json!({"summary": summary, "files": ["src/a.rs"]}),
        created_at: at() + SignedDuration::from_secs(secs),
    };
    let all = [
        handoff(t, "p", Some(task_id), 0, "first"),
        handoff(t, "p", Some(task_id), 10, "second"),
        handoff(t, "q", None, 20, "elsewhere"),
        handoff(other, "p", Some(task_id), 30, "other tenant"),
    ];
    let written = all.clone();
    store
        .write(move |w| {
            for h in &written {
                w.insert_handoff(h)?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    let summaries = |f: HandoffFilter, limit: u32| {
        let store = store.clone();
        async move {
            let found = store.read(move |r| r.handoffs(t, &f, limit)).await.unwrap();
            found.into_iter().map(|h| h.document["summary"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>()
        }
    };
    assert_eq!(summaries(HandoffFilter::default(), 10).await, ["elsewhere", "second", "first"], "newest first");
    let for_task = HandoffFilter { task_id: Some(task_id), ..Default::default() };
    assert_eq!(summaries(for_task.clone(), 1).await, ["second"], "the latest for a task");
    assert_eq!(summaries(HandoffFilter { project: Some("q".into()), ..Default::default() }, 10).await, ["elsewhere"]);
    for who in ["writer".to_owned(), author.owner.id()] {
        let by = HandoffFilter { author: Some(who), ..Default::default() };
        assert_eq!(summaries(by, 10).await.len(), 3, "by author name or id");
    }
    let back = store.read(move |r| r.handoffs(t, &for_task, 10)).await.unwrap();
    assert_eq!(back.last(), Some(&all[0]), "a handoff reads back as written");
}
