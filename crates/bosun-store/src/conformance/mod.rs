//! Behaviour every backend must show, written only against the [`Store`] trait so that the same
//! checks run on SQLite today and on PostgreSQL later. Each check panics with a message on failure.

use std::sync::Arc;

use bosun_core::audit::{ActorType, AuditDraft, ChainVerifier, Outcome, Severity};
use bosun_core::model::{ApiKey, Tenant, User};
use bosun_core::{KeyId, Role, TenantId, UserId};
use serde_json::json;

use crate::{AuditFilter, IdempotentReply, Page, Store, StoreError, TaskFilter};

mod budgets;
mod dashboard;
mod fleet;
mod governance;
mod memory;
mod messages;
mod workflows;

/// Run every check on a fresh, empty store. Together they call every operation of `ReadTx` and
/// `WriteTx` (a test in `tests/` holds the list).
pub async fn run_all(store: Arc<dyn Store>) {
    identity_round_trip_and_tenant_scoping(&store).await;
    audit_chain_is_gap_free_under_concurrency(&store).await;
    a_failed_job_leaves_no_trace(&store).await;
    audit_filters_and_pages(&store).await;
    idempotent_replies(&store).await;
    tasks_order_cursor_and_timers(&store).await;
    lock_fences_and_expiry(&store).await;
    fleet::agents_keys_and_presence(&store).await;
    fleet::tasks_by_key_and_holder(&store).await;
    fleet::locks_of_holders(&store).await;
    fleet::handoffs_newest_first(&store).await;
    messages::messages_receipts_inbox_and_threads(&store).await;
    messages::search_and_allowlist(&store).await;
    messages::timeline_filters_and_pages(&store).await;
    governance::policy_versions_are_kept(&store).await;
    governance::egress_log_pages(&store).await;
    governance::approvals_keep_their_decision_and_token(&store).await;
    governance::guardrail_rules_are_replaced_whole(&store).await;
    governance::evidence_is_content_addressed(&store).await;
    governance::settings_default_until_set(&store).await;
    budgets::reservations_usage_and_counters(&store).await;
    budgets::alerts_webhooks_and_deliveries(&store).await;
    dashboard::passwords_and_sessions(&store).await;
    dashboard::counts(&store).await;
    dashboard::nul_is_refused(&store).await;
    memory::memories_recall_dedup_and_erasure(&store).await;
    workflows::templates_are_versioned_and_runs_are_kept(&store).await;
}

pub fn draft(action: &str, actor: &str, at: &str) -> AuditDraft {
    AuditDraft {
        at: at.to_owned(),
        actor_type: ActorType::User,
        actor_id: Some(actor.to_owned()),
        actor_name: Some(format!("name-{actor}")),
        action: action.to_owned(),
        target_type: Some("user".into()),
        target_id: Some("target".into()),
        project: None,
        outcome: Outcome::Ok,
        severity: Severity::Info,
        details: json!({"password": "hunter2", "n": 1}),
        ip: Some("127.0.0.1".into()),
        user_agent: None,
        correlation_id: None,
    }
}

pub(crate) async fn new_tenant(store: &Arc<dyn Store>, name: &str) -> TenantId {
    let t = Tenant {
        id: TenantId::generate(),
        name: name.into(),
        system: false,
        created_at: "2026-01-01T00:00:00.000000Z".into(),
    };
    let id = t.id;
    store.write(move |w| w.create_tenant(&t)).await.expect("create tenant");
    id
}

async fn identity_round_trip_and_tenant_scoping(store: &Arc<dyn Store>) {
    store.read(|r| r.ping()).await.expect("an empty store answers");
    let a = new_tenant(store, "conf-a").await;
    let b = new_tenant(store, "conf-b").await;
    let (ta, missing) = (store.read(move |r| r.tenant(a)).await.unwrap(), TenantId::generate());
    assert_eq!(ta.map(|t| (t.name, t.system)), Some(("conf-a".to_owned(), false)), "a tenant reads back");
    assert!(store.read(move |r| r.tenant(missing)).await.unwrap().is_none());
    let names: Vec<String> = store.read(|r| r.list_tenants()).await.unwrap().into_iter().map(|t| t.name).collect();
    assert!(names.contains(&"conf-a".to_owned()) && names.contains(&"conf-b".to_owned()), "{names:?}");
    let dup = Tenant { id: TenantId::generate(), name: "conf-a".into(), system: false, created_at: "x".into() };
    let err = store.write(move |w| w.create_tenant(&dup)).await.expect_err("duplicate tenant name");
    assert!(matches!(err, StoreError::Conflict(_)), "duplicate name is a conflict, got {err:?}");

    let user = User {
        id: UserId::generate(),
        tenant_id: a,
        name: "alice".into(),
        role: Role::Developer,
        metadata: json!({"team": "x"}),
        created_at: "2026-01-01T00:00:00.000000Z".into(),
    };
    let key = ApiKey {
        id: KeyId::generate(),
        tenant_id: a,
        owner: bosun_core::model::Owner::User(user.id),
        prefix: format!("{:012x}", rand_u64() & 0xffff_ffff_ffff),
        label: Some("ci".into()),
        created_at: "2026-01-01T00:00:00.000000Z".into(),
        revoked_at: None,
        hash: "$argon2id$fake".into(),
        enrolment: false,
    };
    let (u, k) = (user.clone(), key.clone());
    store
        .write(move |w| {
            w.create_user(&u)?;
            w.create_key(&k)
        })
        .await
        .expect("create user and key");

    let (uid, kid, prefix) = (user.id, key.id, key.prefix.clone());
    let (in_a, in_b, listed_b, by_prefix, key_in_b) = store
        .read(move |r| {
            Ok((
                r.user(a, uid)?,
                r.user(b, uid)?,
                r.list_users(b, None, 100)?,
                r.key_by_prefix(&prefix)?,
                r.key(b, kid)?,
            ))
        })
        .await
        .expect("reads");
    assert_eq!(in_a.as_ref(), Some(&user), "a user reads back as written");
    assert_eq!(in_b, None, "a user is invisible from another tenant");
    assert!(listed_b.is_empty(), "another tenant lists no users of the first");
    assert_eq!(by_prefix.map(|k| (k.id, k.tenant_id)), Some((key.id, a)), "a key is found by its prefix");
    assert_eq!(key_in_b, None, "a key is invisible from another tenant");

    store.write(move |w| w.revoke_key(a, kid, "2026-01-02T00:00:00.000000Z")).await.expect("revoke");
    let revoked = store.read(move |r| r.key(a, kid)).await.expect("read key").expect("key exists");
    assert_eq!(revoked.revoked_at.as_deref(), Some("2026-01-02T00:00:00.000000Z"));
}

async fn audit_chain_is_gap_free_under_concurrency(store: &Arc<dyn Store>) {
    let tenants = [new_tenant(store, "conf-chain-1").await, new_tenant(store, "conf-chain-2").await];
    let mut tasks = Vec::new();
    for i in 0..400u32 {
        let store = store.clone();
        let tenant = tenants[(i % 2) as usize];
        tasks.push(tokio::spawn(async move {
            store
                .write(move |w| {
                    w.append_audit(
                        tenant,
                        draft("test.appended", &format!("actor{}", i % 7), "2026-01-01T00:00:00.000000Z"),
                    )
                })
                .await
                .expect("append")
        }));
    }
    for t in tasks {
        let e = t.await.expect("join");
        assert_eq!(e.details["password"], "[REDACTED]", "details are redacted before storage");
    }
    let with_events = store.read(|r| r.audit_tenants()).await.expect("tenants with events");
    for tenant in &tenants {
        assert!(with_events.contains(&tenant.to_string()), "offline verification finds every chain");
    }
    for tenant in tenants {
        let name = tenant.to_string();
        let events = store.read(move |r| r.audit_chain(&name, 0, 10_000)).await.expect("chain");
        assert_eq!(events.len(), 200, "every append is stored");
        let mut v = ChainVerifier::new();
        v.feed(&events).expect("the chain verifies");
        assert_eq!(v.count(), 200);
    }
}

async fn a_failed_job_leaves_no_trace(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-rollback").await;
    store.write(move |w| w.append_audit(t, draft("a.first", "x", "2026-01-01T00:00:00.000000Z"))).await.expect("first");
    let failed: Result<(), StoreError> = store
        .write(move |w| {
            w.append_audit(t, draft("a.doomed", "x", "2026-01-01T00:00:00.000000Z"))?;
            Err(StoreError::Conflict("the command failed after appending".into()))
        })
        .await;
    assert!(failed.is_err());
    store
        .write(move |w| w.append_audit(t, draft("a.second", "x", "2026-01-01T00:00:00.000000Z")))
        .await
        .expect("second");
    let name = t.to_string();
    let events = store.read(move |r| r.audit_chain(&name, 0, 100)).await.expect("chain");
    let actions: Vec<_> = events.iter().map(|e| (e.seq, e.action.as_str())).collect();
    assert_eq!(actions, [(1, "a.first"), (2, "a.second")], "a rolled-back job leaves neither event nor gap");
    ChainVerifier::new().feed(&events).expect("verifies");
}

async fn audit_filters_and_pages(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-filter").await;
    for i in 0..30u32 {
        let at = format!("2026-01-{:02}T00:00:00.000000Z", i + 1);
        let action = if i % 3 == 0 { "key.created" } else { "user.created" };
        let actor = if i % 2 == 0 { "even" } else { "odd" };
        store.write(move |w| w.append_audit(t, draft(action, actor, &at))).await.expect("append");
    }
    let q = |filter: AuditFilter, page: Page| {
        let store = store.clone();
        async move { store.read(move |r| r.query_audit(t, &filter, page)).await.expect("query") }
    };
    let newest = Page::Newest { before_seq: None, limit: 100 };
    let seqs = |v: Vec<bosun_core::audit::AuditEvent>| v.into_iter().map(|e| e.seq).collect::<Vec<_>>();

    let all = seqs(q(AuditFilter::default(), Page::Newest { before_seq: None, limit: 5 }).await);
    assert_eq!(all, [30, 29, 28, 27, 26], "newest first, limited");
    let next = seqs(q(AuditFilter::default(), Page::Newest { before_seq: Some(26), limit: 3 }).await);
    assert_eq!(next, [25, 24, 23], "the cursor continues below");
    let oldest = seqs(q(AuditFilter::default(), Page::Oldest { after_seq: 28, limit: 10 }).await);
    assert_eq!(oldest, [29, 30]);

    let keys = q(AuditFilter { action_prefix: Some("key.".into()), ..Default::default() }, newest).await;
    assert_eq!(keys.len(), 10);
    assert!(keys.iter().all(|e| e.action == "key.created"));
    let wildcard = q(AuditFilter { action_prefix: Some("%".into()), ..Default::default() }, newest).await;
    assert!(wildcard.is_empty(), "a prefix is literal, not a pattern");

    let by_actor = q(AuditFilter { actor: Some("even".into()), ..Default::default() }, newest).await;
    assert_eq!(by_actor.len(), 15);
    let by_name = q(AuditFilter { actor: Some("name-odd".into()), ..Default::default() }, newest).await;
    assert_eq!(by_name.len(), 15, "actor matches the name too");

    let range = AuditFilter {
        from: Some("2026-01-10T00:00:00.000000Z".into()),
        to: Some("2026-01-20T00:00:00.000000Z".into()),
        actor: Some("even".into()),
        ..Default::default()
    };
    let in_range = seqs(q(range, newest).await);
    assert_eq!(in_range, [19, 17, 15, 13, 11], "from is inclusive, to exclusive");

    let other = new_tenant(store, "conf-filter-other").await;
    let leaked = store.read(move |r| r.query_audit(other, &AuditFilter::default(), newest)).await.expect("query");
    assert!(leaked.is_empty(), "no audit event crosses tenants");
}

async fn idempotent_replies(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-idem").await;
    let reply = IdempotentReply { request_hash: "h1".into(), status: 201, body: "{\"id\":1}".into() };
    let r = reply.clone();
    store.write(move |w| w.put_idempotent_reply(t, "p1", "k1", &r, "2026-01-02T00:00:00.000000Z")).await.expect("put");
    let (found, too_old, other_principal) = store
        .write(move |w| {
            Ok::<_, StoreError>((
                w.idempotent_reply(t, "p1", "k1", "2026-01-01T00:00:00.000000Z")?,
                w.idempotent_reply(t, "p1", "k1", "2026-01-03T00:00:00.000000Z")?,
                w.idempotent_reply(t, "p2", "k1", "2026-01-01T00:00:00.000000Z")?,
            ))
        })
        .await
        .expect("get");
    assert_eq!(found, Some(reply));
    assert_eq!(too_old, None, "an expired record is not replayed");
    assert_eq!(other_principal, None, "keys are per principal");
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

pub(crate) fn task(tenant: TenantId, title: &str, priority: u8, at: bosun_core::Timestamp) -> bosun_core::task::Task {
    bosun_core::task::Task { priority, ..bosun_core::task::Task::new(tenant, "p", title, "test", at) }
}

async fn tasks_order_cursor_and_timers(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-tasks").await;
    let other = new_tenant(store, "conf-tasks-other").await;
    let now: bosun_core::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let tasks: Vec<_> =
        [("low", 1), ("high-1", 9), ("mid", 5), ("high-2", 9)].iter().map(|(n, p)| task(t, n, *p, now)).collect();
    let mut dependant = task(t, "after-low", 10, now);
    dependant.depends_on = vec![tasks[0].id];
    dependant.status = bosun_core::task::TaskStatus::Blocked;
    let (all, dep) = (tasks.clone(), dependant.clone());
    store
        .write(move |w| {
            for task in &all {
                w.create_task(task)?;
            }
            w.create_task(&dep)
        })
        .await
        .expect("create tasks");
    let ready: Vec<String> =
        store.read(move |r| r.ready_tasks(t, "p", 0, 10)).await.unwrap().into_iter().map(|x| x.title).collect();
    assert_eq!(ready, ["high-1", "high-2", "mid", "low"], "claim order: priority, then submission");
    let first_two = store.read(move |r| r.list_tasks(t, &TaskFilter::default(), None, 2)).await.unwrap();
    let cursor = first_two[1].id;
    let rest: Vec<String> = store
        .read(move |r| r.list_tasks(t, &TaskFilter::default(), Some(cursor), 10))
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.title)
        .collect();
    assert_eq!(rest, ["mid", "high-2", "after-low"], "the cursor continues in submission order");
    let low = tasks[0].id;
    let deps = store.read(move |r| r.dependants(t, low)).await.unwrap();
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0].depends_on, vec![low], "dependencies read back");
    assert!(store.read(move |r| r.ready_tasks(other, "p", 0, 10)).await.unwrap().is_empty(), "no task crosses tenants");

    // A lease that ends and a retry that comes due are both found at `now`, not before.
    let mut leased = tasks[1].clone();
    let holder = bosun_core::AgentId::generate();
    let fence = leased.claim(holder, jiff::SignedDuration::from_secs(29), vec![], now).unwrap();
    leased.heartbeat(holder, fence, jiff::SignedDuration::from_secs(30), now).unwrap();
    let id = leased.id;
    store.write(move |w| w.update_task(&leased)).await.unwrap();
    let stored = store.read(move |r| r.task(t, id)).await.unwrap().unwrap();
    assert_eq!(stored.lease_heartbeats, 1, "the lease's heartbeat count is stored");
    let before = now + jiff::SignedDuration::from_secs(29);
    let after = now + jiff::SignedDuration::from_secs(30);
    assert!(store.read(move |r| r.due_tasks(t, before, 10)).await.unwrap().is_empty());
    let due = store.read(move |r| r.due_tasks(t, after, 10)).await.unwrap();
    assert_eq!(due.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), ["high-1"]);
}

async fn lock_fences_and_expiry(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-locks").await;
    let fences = store
        .write(move |w| {
            Ok::<_, StoreError>([
                w.next_lock_fence(t, "p", "src/**")?,
                w.next_lock_fence(t, "p", "src/**")?,
                w.next_lock_fence(t, "q", "src/**")?,
            ])
        })
        .await
        .unwrap();
    assert_eq!(fences, [1, 2, 1], "fences grow per project and key");
    let now: bosun_core::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let holder = bosun_core::model::Holder {
        owner: bosun_core::model::Owner::Agent(bosun_core::AgentId::generate()),
        name: "h".into(),
    };
    let lock = bosun_core::model::Lock {
        id: bosun_core::LockId::generate(),
        tenant_id: t,
        project: "p".into(),
        key: "src/**".into(),
        exclusive: true,
        holder,
        task_id: None,
        reason: None,
        fence: 3,
        expires_at: now + jiff::SignedDuration::from_secs(60),
        created_at: now,
    };
    let l = lock.clone();
    store.write(move |w| w.insert_lock(&l)).await.unwrap();
    let active = store.read(move |r| r.active_locks(t, Some("p"), now)).await.unwrap();
    assert_eq!(active, vec![lock.clone()], "a lock reads back as written");
    let later = now + jiff::SignedDuration::from_secs(60);
    assert!(store.read(move |r| r.active_locks(t, None, later)).await.unwrap().is_empty(), "expired is invisible");
    assert_eq!(store.read(move |r| r.expired_locks(t, later, 10)).await.unwrap().len(), 1);
}
