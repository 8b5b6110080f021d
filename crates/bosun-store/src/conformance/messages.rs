//! Messages with per-recipient receipts, inboxes, threads, search and the allowlist.

use std::sync::Arc;

use bosun_core::message::{Delivery, Importance, MessageType};
use bosun_core::model::{Holder, Message, Owner, Recipient};
use bosun_core::{AgentId, MessageId, TenantId, Timestamp, UserId};
use jiff::SignedDuration;
use serde_json::json;

use super::new_tenant;
use crate::{InboxFilter, Store};

fn at(secs: i64) -> Timestamp {
    "2026-01-01T00:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_secs(secs)
}

fn message(tenant: TenantId, sender: Holder, subject: &str, body: &str, secs: i64) -> Message {
    let id = MessageId::generate();
    Message {
        id,
        tenant_id: tenant,
        thread_id: id,
        reply_to: None,
        project: "default".into(),
        sender,
        kind: MessageType::DataRequest,
        subject: subject.into(),
        body: body.into(),
        payload: json!({"n": 1}),
        importance: Importance::High,
        ack_required: true,
        topic: None,
        created_at: at(secs),
    }
}

fn copy(message: &Message, agent: AgentId, name: &str) -> Recipient {
    Recipient {
        message_id: message.id,
        agent_id: agent,
        agent_name: name.into(),
        state: Delivery::Queued,
        delivered_at: None,
        read_at: None,
        acked_at: None,
    }
}

pub(super) async fn messages_receipts_inbox_and_threads(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-messages").await;
    let other = new_tenant(store, "conf-messages-other").await;
    let (r1, r2, stranger) = (AgentId::generate(), AgentId::generate(), AgentId::generate());
    let user = Holder { owner: Owner::User(UserId::generate()), name: "alice".into() };
    let first = message(t, user.clone(), "schema?", "which users table version", 0);
    let reply = Message {
        thread_id: first.id,
        reply_to: Some(first.id),
        ..message(t, Holder { owner: Owner::Agent(r1), name: "one".into() }, "re: schema?", "version 7", 10)
    };
    let later = message(t, user.clone(), "later", "another question", 20);
    let (m1, m2, m3) = (first.clone(), reply.clone(), later.clone());
    store
        .write(move |w| {
            w.insert_message(&m1, &[copy(&m1, r1, "one"), copy(&m1, r2, "two")])?;
            w.insert_message(&m2, &[copy(&m2, r2, "two")])?;
            w.insert_message(&m3, &[copy(&m3, r1, "one")])
        })
        .await
        .expect("insert messages");

    let id = first.id;
    assert_eq!(store.read(move |r| r.message(t, id, None)).await.unwrap(), Some(first.clone()), "reads back");
    assert!(store.read(move |r| r.message(t, id, Some(r2))).await.unwrap().is_some(), "a recipient sees it");
    assert!(store.read(move |r| r.message(t, id, Some(stranger))).await.unwrap().is_none(), "a stranger does not");
    assert!(store.read(move |r| r.message(other, id, None)).await.unwrap().is_none(), "never across tenants");
    let copies = store.read(move |r| r.recipients(t, id)).await.unwrap();
    assert_eq!(copies.iter().map(|c| c.agent_name.as_str()).collect::<Vec<_>>(), ["one", "two"]);
    assert!(copies.iter().all(|c| c.state == Delivery::Queued && c.delivered_at.is_none()));

    // A receipt moves one recipient's copy only.
    let mut read = copies[0].clone();
    (read.state, read.delivered_at, read.read_at) = (Delivery::Read, Some(at(30)), Some(at(31)));
    let written = read.clone();
    store.write(move |w| w.update_recipient(t, &written)).await.unwrap();
    let copies = store.read(move |r| r.recipients(t, id)).await.unwrap();
    assert_eq!(copies[0], read);
    assert_eq!(copies[1].state, Delivery::Queued);

    // Inboxes: oldest first, the agent's own copy, unread and since filters, a limit.
    let inbox = |agent: AgentId, unread_only: bool, since: Option<Timestamp>, limit: u32| {
        let store = store.clone();
        async move {
            let f = InboxFilter { unread_only, since, limit };
            let got = store.read(move |r| r.inbox(t, agent, &f)).await.unwrap();
            got.into_iter().map(|(m, c)| (m.subject, c.state)).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        inbox(r1, false, None, 10).await,
        [("schema?".to_owned(), Delivery::Read), ("later".to_owned(), Delivery::Queued)]
    );
    assert_eq!(inbox(r1, true, None, 10).await, [("later".to_owned(), Delivery::Queued)], "unread only");
    assert_eq!(inbox(r2, false, Some(at(5)), 10).await.len(), 1, "since");
    assert_eq!(inbox(r2, false, None, 1).await.len(), 1, "limit");
    assert!(inbox(stranger, false, None, 10).await.is_empty());

    // Threads: oldest first; an agent sees only what it sent or received.
    let thread = |viewer: Option<AgentId>| {
        let store = store.clone();
        async move {
            let got = store.read(move |r| r.thread(t, id, viewer, 10)).await.unwrap();
            got.into_iter().map(|m| m.subject).collect::<Vec<_>>()
        }
    };
    assert_eq!(thread(None).await, ["schema?", "re: schema?"]);
    assert_eq!(thread(Some(r1)).await, ["schema?", "re: schema?"], "r1 received one and sent the other");
    assert!(thread(Some(stranger)).await.is_empty());
}

pub(super) async fn search_and_allowlist(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-search").await;
    let other = new_tenant(store, "conf-search-other").await;
    let (to, stranger) = (AgentId::generate(), AgentId::generate());
    let user = Holder { owner: Owner::User(UserId::generate()), name: "alice".into() };
    let old = message(t, user.clone(), "pizza friday", "bring napkins", 0);
    let new = message(t, user.clone(), "lunch", "pizza again", 10);
    let unrelated = message(t, user.clone(), "deploy", "tonight", 20);
    let elsewhere = message(other, user, "pizza", "pizza", 30);
    let all = [old.clone(), new.clone(), unrelated, elsewhere.clone()];
    store
        .write(move |w| {
            for m in &all {
                w.insert_message(m, &[copy(m, to, "to")])?;
            }
            Ok::<_, crate::StoreError>(())
        })
        .await
        .unwrap();
    let search = |tenant: TenantId, q: &'static str, viewer: Option<AgentId>, limit: u32| {
        let store = store.clone();
        async move {
            let got = store.read(move |r| r.search_messages(tenant, q, viewer, limit)).await.unwrap();
            got.into_iter().map(|m| m.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(search(t, "\"pizza\"", None, 10).await, [new.id, old.id], "subject and body, newest first");
    assert_eq!(search(t, "\"pizza\" \"napkins\"", None, 10).await, [old.id], "every word required");
    assert_eq!(search(t, "\"pizza\"", None, 1).await, [new.id], "limit");
    assert_eq!(search(t, "\"pizza\"", Some(to), 10).await.len(), 2, "a recipient finds its messages");
    assert!(search(t, "\"pizza\"", Some(stranger), 10).await.is_empty(), "a stranger finds none");
    assert_eq!(search(other, "\"pizza\"", None, 10).await, [elsewhere.id], "never across tenants");

    assert_eq!(store.read(move |r| r.allowlist(t)).await.unwrap(), None);
    let doc = r#"{"default":"closed","rules":[]}"#;
    store.write(move |w| w.put_allowlist(t, doc, at(0))).await.unwrap();
    let replaced = r#"{"default":"open","rules":[]}"#;
    store.write(move |w| w.put_allowlist(t, replaced, at(1))).await.unwrap();
    assert_eq!(store.read(move |r| r.allowlist(t)).await.unwrap().as_deref(), Some(replaced), "the last one wins");
    assert_eq!(store.read(move |r| r.allowlist(other)).await.unwrap(), None, "per tenant");
}

pub(super) async fn timeline_filters_and_pages(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-timeline").await;
    let other = new_tenant(store, "conf-timeline-other").await;
    let (ann, bob) = (AgentId::generate(), AgentId::generate());
    let agent = |id: AgentId, name: &str| Holder { owner: Owner::Agent(id), name: name.into() };
    let first = message(t, agent(ann, "ann"), "one", "from ann to bob", 0);
    let mut second = message(t, agent(bob, "bob"), "two", "from bob to ann, in one's thread", 1);
    second.thread_id = first.id;
    second.reply_to = Some(first.id);
    second.kind = MessageType::Chat;
    let mut third = message(t, agent(bob, "bob"), "three", "bob to nobody we track", 2);
    third.importance = Importance::Low;
    let elsewhere = message(other, agent(ann, "ann"), "four", "another tenant", 3);
    let sent = [
        (first.clone(), Some((bob, "bob"))),
        (second.clone(), Some((ann, "ann"))),
        (third.clone(), None),
        (elsewhere, Some((bob, "bob"))),
    ];
    store
        .write(move |w| {
            for (m, to) in &sent {
                let copies: Vec<Recipient> = to.iter().map(|(id, name)| copy(m, *id, name)).collect();
                w.insert_message(m, &copies)?;
            }
            Ok::<_, crate::StoreError>(())
        })
        .await
        .unwrap();
    let list = |f: crate::MessageFilter| {
        let store = store.clone();
        async move { store.read(move |r| r.messages(t, &f)).await.unwrap().into_iter().map(|m| m.id).collect::<Vec<_>>() }
    };
    let all = crate::MessageFilter { limit: 10, ..Default::default() };
    assert_eq!(list(all.clone()).await, [third.id, second.id, first.id], "newest first, one tenant");
    let page = crate::MessageFilter { limit: 2, ..all.clone() };
    assert_eq!(list(page.clone()).await, [third.id, second.id], "limit");
    assert_eq!(list(crate::MessageFilter { before: Some(second.id), ..page }).await, [first.id], "the next page");
    let party = |id: AgentId| crate::MessageFilter { party: Some(id.to_string()), ..all.clone() };
    assert_eq!(list(party(ann)).await, [second.id, first.id], "sent or received by ann");
    assert_eq!(list(party(bob)).await, [third.id, second.id, first.id], "sent or received by bob");
    let kind = crate::MessageFilter { kind: Some(MessageType::Chat), ..all.clone() };
    assert_eq!(list(kind).await, [second.id], "by type");
    let thread = crate::MessageFilter { thread: Some(first.id), ..all.clone() };
    assert_eq!(list(thread).await, [second.id, first.id], "by thread");
    let low = crate::MessageFilter { importance: Some(Importance::Low), ..all.clone() };
    assert_eq!(list(low).await, [third.id], "by importance");
    let both = crate::MessageFilter { party: Some(ann.to_string()), importance: Some(Importance::Low), ..all };
    assert!(list(both).await.is_empty(), "filters narrow together");
}
