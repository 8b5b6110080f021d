//! The dashboard's logins: tenants and users by name, password hashes, browser sessions.

use std::sync::Arc;

use bosun_core::model::User;
use bosun_core::{Role, Timestamp, UserId};
use serde_json::json;

use super::new_tenant;
use crate::{Store, WebSession};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub async fn passwords_and_sessions(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "dash").await, new_tenant(store, "dash-other").await);
    let found = store.read(|r| r.tenant_by_name("dash")).await.unwrap().map(|x| x.id);
    assert_eq!(found, Some(t), "a tenant by its name");
    assert!(store.read(|r| r.tenant_by_name("nobody")).await.unwrap().is_none());
    let user = User {
        id: UserId::generate(),
        tenant_id: t,
        name: "dora".into(),
        role: Role::Viewer,
        metadata: json!({}),
        created_at: "2026-01-01T00:00:00.000000Z".into(),
    };
    let (u, uid) = (user.clone(), user.id);
    store.write(move |w| w.create_user(&u)).await.unwrap();
    assert_eq!(store.read(move |r| r.user_by_name(t, "dora")).await.unwrap(), Some(user));
    assert!(store.read(move |r| r.user_by_name(other, "dora")).await.unwrap().is_none(), "per tenant");
    assert_eq!(store.read(move |r| r.password_hash(t, uid)).await.unwrap(), None, "none until set");
    store.write(move |w| w.set_password_hash(t, uid, Some("$argon2id$v=19$x"))).await.unwrap();
    assert_eq!(store.read(move |r| r.password_hash(t, uid)).await.unwrap().as_deref(), Some("$argon2id$v=19$x"));
    assert_eq!(store.read(move |r| r.password_hash(other, uid)).await.unwrap(), None, "per tenant");

    let session = |id: &str, created: &str| WebSession {
        tenant_id: t,
        id: id.into(),
        user_id: uid,
        secret_hash: format!("hash-{id}"),
        csrf: format!("csrf-{id}"),
        created_at: at(created),
        expires_at: at("2026-01-02T00:00:00Z"),
        revoked_at: None,
        ip: Some("127.0.0.1".into()),
        user_agent: Some("test".into()),
    };
    let (s1, s2) = (session("01S1", "2026-01-01T00:00:00Z"), session("01S2", "2026-01-01T01:00:00Z"));
    let (a, b) = (s1.clone(), s2.clone());
    store
        .write(move |w| {
            w.insert_web_session(&a)?;
            w.insert_web_session(&b)
        })
        .await
        .unwrap();
    assert_eq!(store.read(move |r| r.web_session(t, "01S1")).await.unwrap(), Some(s1));
    assert!(store.read(move |r| r.web_session(other, "01S1")).await.unwrap().is_none(), "per tenant");
    let listed = store.read(move |r| r.web_sessions(t, uid, 10)).await.unwrap();
    assert_eq!(listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["01S2", "01S1"], "newest first");
    let now = at("2026-01-01T02:00:00Z");
    assert!(store.write(move |w| w.revoke_web_session(t, "01S2", now)).await.unwrap());
    assert!(!store.write(move |w| w.revoke_web_session(t, "01S2", now)).await.unwrap(), "once");
    let revoked = store.read(move |r| r.web_session(t, "01S2")).await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(now));
    store.write(move |w| w.set_password_hash(t, uid, None)).await.unwrap();
    assert_eq!(store.read(move |r| r.password_hash(t, uid)).await.unwrap(), None, "removed");
}

/// The overview's counts, per tenant.
pub async fn counts(store: &Arc<dyn Store>) {
    use bosun_core::task::Task;
    let (t, other) = (new_tenant(store, "counted").await, new_tenant(store, "counted-other").await);
    let now = at("2026-01-01T00:00:00Z");
    store
        .write(move |w| {
            for (i, project) in ["web", "web", "api"].into_iter().enumerate() {
                w.create_task(&Task::new(t, project, &format!("t{i}"), "me", now))?;
            }
            w.create_task(&Task::new(other, "web", "elsewhere", "me", now))?;
            let busy = bosun_core::model::Agent {
                status: bosun_core::agent::AgentStatus::Busy,
                ..super::fleet::agent(t, "b1", "codex", &[], now)
            };
            w.create_agent(&super::fleet::agent(t, "i1", "codex", &[], now))?;
            w.create_agent(&super::fleet::agent(t, "i2", "codex", &[], now))?;
            w.create_agent(&busy)?;
            w.create_agent(&super::fleet::agent(other, "i1", "codex", &[], now))
        })
        .await
        .unwrap();
    let counts = store.read(move |r| r.task_counts(t)).await.unwrap();
    assert_eq!(counts, [("api".into(), "ready".into(), 1), ("web".into(), "ready".into(), 2)]);
    let agents = store.read(move |r| r.agent_counts(t)).await.unwrap();
    assert_eq!(agents, [("busy".into(), 1), ("idle".into(), 2)], "per status, this tenant's only");
}

/// Text with a NUL character is refused the same way on every backend (PostgreSQL cannot store
/// it; found by fuzzing the API on PostgreSQL: a 500 there, stored on SQLite).
pub async fn nul_is_refused(store: &Arc<dyn Store>) {
    use bosun_core::task::Task;
    let t = new_tenant(store, "nul").await;
    let now = at("2026-01-01T00:00:00Z");
    let mut task = Task::new(t, "web", "a title", "me", now);
    task.description = "before\u{0}after".into();
    let err = store.write(move |w| w.create_task(&task)).await.expect_err("a NUL in text");
    assert!(matches!(err, crate::StoreError::Invalid(_)), "refused as the caller's mistake: {err:?}");
    let found = store.read(move |r| r.search_messages(t, "a\u{0}b", None, 10)).await;
    assert!(matches!(found, Err(crate::StoreError::Invalid(_))), "in a query too: {found:?}");
}
