//! Episodic memory: remembering, recall's candidates and filters, duplicates, erasure, vectors.

use std::sync::Arc;

use bosun_core::{TenantId, Timestamp};
use jiff::SignedDuration;

use super::new_tenant;
use crate::{EraseBy, Memory, MemoryQuery, Store};

fn at(secs: i64) -> Timestamp {
    "2026-01-01T00:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_secs(secs)
}

fn memory(tenant: TenantId, id: &str, author: &str, summary: &str, tags: &[&str], secs: i64) -> Memory {
    Memory {
        tenant_id: tenant,
        id: id.into(),
        project: "web".into(),
        visibility: "project".into(),
        author_type: "agent".into(),
        author_id: author.into(),
        author_name: format!("name-{author}"),
        event_type: "task_failed".into(),
        summary: summary.into(),
        details: Some("details here".into()),
        outcome: Some("failure".into()),
        lessons: Some("pin the version".into()),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        subject: None,
        dedup_key: summary.to_lowercase(),
        seen: 1,
        created_at: at(secs),
        last_seen_at: at(secs),
    }
}

fn ids(found: &[(Memory, f64)]) -> Vec<&str> {
    found.iter().map(|(m, _)| m.id.as_str()).collect()
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|w| (*w).to_owned()).collect()
}

pub(super) async fn memories_recall_dedup_and_erasure(store: &Arc<dyn Store>) {
    let t = new_tenant(store, "conf-memory").await;
    let other = new_tenant(store, "conf-memory-other").await;
    let rows = [
        memory(t, "01M1", "a1", "The flaky login test times out under load", &["ci", "flaky-test"], 0),
        memory(t, "01M2", "a1", "Database migration failed on the users table", &["db", "migration"], 10),
        Memory {
            visibility: "agent".into(),
            ..memory(t, "01M3", "a2", "Private note on login cookies", &["auth"], 20)
        },
        Memory {
            project: "api".into(),
            visibility: "tenant".into(),
            subject: Some("alice@example.com".into()),
            ..memory(t, "01M4", "a2", "Rate limits hit when calling the login provider", &["auth", "ci"], 30)
        },
        Memory { project: "api".into(), ..memory(t, "01M5", "a2", "Login flow rewritten in the api project", &[], 40) },
        memory(other, "01M6", "a1", "The flaky login test of another tenant", &["ci"], 0),
    ];
    store.write(move |w| rows.iter().try_for_each(|m| w.insert_memory(m))).await.expect("memories are stored");

    let find = |q: MemoryQuery| {
        let store = store.clone();
        async move { store.read(move |r| r.find_memories(t, &q)).await.expect("find") }
    };
    // Text: what matches, best first; another tenant's memory never.
    let login = find(MemoryQuery { words: words(&["flaky", "login"]), limit: 10, ..Default::default() }).await;
    assert_eq!(ids(&login)[0], "01M1", "the memory with both words ranks first: {login:?}");
    assert!(login.iter().all(|(m, s)| m.tenant_id == t && *s > 0.0), "scores are positive, tenant-scoped");
    assert!(!ids(&login).contains(&"01M6"));
    let stemmed = find(MemoryQuery { words: words(&["migrations"]), limit: 10, ..Default::default() }).await;
    assert_eq!(ids(&stemmed), ["01M2"], "stemming: migrations finds migration");
    // An agent sees its own private memories and not another's; a project sees its own memories
    // and tenant-wide ones of other projects.
    let as_a1 = find(MemoryQuery {
        words: words(&["login"]),
        viewer: Some("a1".into()),
        project: Some("web".into()),
        limit: 10,
        ..Default::default()
    })
    .await;
    assert_eq!(
        {
            let mut v = ids(&as_a1);
            v.sort();
            v
        },
        ["01M1", "01M4"],
        "a1 in web: its project's, and the tenant-wide one of api; not a2's private note, not api's project memory"
    );
    let as_a2 =
        find(MemoryQuery { words: words(&["cookies"]), viewer: Some("a2".into()), limit: 10, ..Default::default() })
            .await;
    assert_eq!(ids(&as_a2), ["01M3"], "the author sees its private memory");
    // Tags (any of them) and the event type narrow; without words, newest first, paged.
    let tagged = find(MemoryQuery { tags: words(&["ci"]), limit: 10, ..Default::default() }).await;
    assert_eq!(ids(&tagged), ["01M4", "01M1"]);
    let none =
        find(MemoryQuery { tags: words(&["ci"]), event_type: Some("other".into()), limit: 10, ..Default::default() })
            .await;
    assert!(none.is_empty());
    let page = find(MemoryQuery { before: Some("01M4".into()), limit: 2, ..Default::default() }).await;
    assert_eq!(ids(&page), ["01M3", "01M2"]);
    // A tag with LIKE's wildcard matches only itself.
    let wild = find(MemoryQuery { tags: words(&["c_"]), limit: 10, ..Default::default() }).await;
    assert!(wild.is_empty(), "`_` is not a wildcard in a tag filter");

    // Duplicates: by author, key and event type, created since.
    let dup = store
        .read(move |r| r.memory_duplicate(t, "a1", "task_failed", "the flaky login test times out under load", at(-5)))
        .await
        .unwrap();
    assert_eq!(dup.map(|m| m.id), Some("01M1".to_owned()));
    let late = store
        .read(move |r| r.memory_duplicate(t, "a1", "task_failed", "the flaky login test times out under load", at(5)))
        .await
        .unwrap();
    assert!(late.is_none(), "created before `since`");
    store.write(move |w| w.touch_memory(t, "01M1", 3, at(100))).await.unwrap();
    let touched = store.read(move |r| r.memory(t, "01M1")).await.unwrap().unwrap();
    assert_eq!((touched.seen, touched.last_seen_at), (3, at(100)));
    assert_eq!(touched.tags, ["ci", "flaky-test"]);

    // Vectors: stored for a memory that exists, listed after a time; not for one that is gone.
    let stored = store.write(move |w| w.put_memory_vector(t, "01M1", "fake", "AAAA", at(200))).await.unwrap();
    assert!(stored);
    let missing = store.write(move |w| w.put_memory_vector(t, "nope", "fake", "AAAA", at(200))).await.unwrap();
    assert!(!missing);
    let vectors = store.read(move |r| r.memory_vectors(t, 0, 10)).await.unwrap();
    assert_eq!(vectors.len(), 1);
    assert_eq!((vectors[0].0.as_str(), vectors[0].2.as_str()), ("01M1", "AAAA"));
    let seq = vectors[0].1;
    store.write(move |w| w.put_memory_vector(t, "01M2", "fake", "BBBB", at(100))).await.unwrap();
    let later = store.read(move |r| r.memory_vectors(t, seq, 10)).await.unwrap();
    assert_eq!(later.len(), 1, "after the last seq read, whatever the clock said");
    assert!(later[0].1 > seq && later[0].0 == "01M2");
    assert_eq!(store.read(move |r| r.memory_counts(t)).await.unwrap(), (5, 2));
    let unembedded = store.read(move |r| r.unembedded_memories(t, 10)).await.unwrap();
    assert_eq!(unembedded.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["01M3", "01M4", "01M5"]);

    // Erasure: each way of naming memories, then the rows, index entries and vectors are gone.
    let erasable = |by: EraseBy| {
        let store = store.clone();
        async move { store.read(move |r| r.erasable_memories(t, &by, 100)).await.unwrap() }
    };
    assert_eq!(erasable(EraseBy::Subject("ALICE@example.com".into())).await, ["01M4"]);
    assert_eq!(erasable(EraseBy::Subject("users table".into())).await, ["01M2"], "found in the text");
    assert_eq!(erasable(EraseBy::Author("a2".into())).await, ["01M3", "01M4", "01M5"]);
    assert_eq!(erasable(EraseBy::Tag("flaky-test".into())).await, ["01M1"]);
    assert_eq!(erasable(EraseBy::Id("01M6".into())).await, Vec::<String>::new(), "another tenant's id");
    let ids_ = vec!["01M1".to_owned(), "01M4".to_owned(), "01M6".to_owned()];
    let erased = store.write(move |w| w.erase_memories(t, &ids_)).await.unwrap();
    assert_eq!(erased, 2, "another tenant's memory is not erased through this one");
    let after = find(MemoryQuery { words: words(&["login", "flaky"]), limit: 10, ..Default::default() }).await;
    let mut left = ids(&after);
    left.sort();
    assert_eq!(left, ["01M3", "01M5"], "the erased memories are gone from the index");
    let left = store.read(move |r| r.memory_vectors(t, 0, 10)).await.unwrap();
    assert_eq!(left.iter().map(|v| v.0.as_str()).collect::<Vec<_>>(), ["01M2"], "the erased one's vector went too");
    let kept = store.read(move |r| r.find_memories(other, &MemoryQuery { limit: 10, ..Default::default() })).await;
    assert_eq!(kept.unwrap().len(), 1, "the other tenant's memory is untouched");

    // Settings: absent until set, then replaced whole.
    assert_eq!(store.read(move |r| r.memory_settings(t)).await.unwrap(), None);
    store.write(move |w| w.put_memory_settings(t, "{\"a\":1}", at(0))).await.unwrap();
    store.write(move |w| w.put_memory_settings(t, "{\"b\":2}", at(1))).await.unwrap();
    assert_eq!(store.read(move |r| r.memory_settings(t)).await.unwrap().as_deref(), Some("{\"b\":2}"));
}
