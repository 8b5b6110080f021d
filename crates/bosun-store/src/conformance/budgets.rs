//! Budgets (documents, reservations, the usage ledger, counters, task estimates) and alerts
//! (rules, alerts, webhooks, deliveries).

use std::sync::Arc;

use bosun_core::budget::Amount;
use bosun_core::{TenantId, Timestamp};

use super::new_tenant;
use crate::{Alert, Delivery, Reservation, SpendFilter, Store, UsageRecord, Webhook};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn reservation(id: &str, project: &str, tokens: i64, expires: &str) -> Reservation {
    Reservation {
        id: id.into(),
        agent_id: Some("01AGENT".into()),
        agent_kind: Some("claude-code".into()),
        project: project.into(),
        task_id: None,
        amount: Amount { tokens, cost_micros: 2_000_000, currency: Some("USD".into()) },
        status: "held".into(),
        created_at: at("2026-01-01T00:00:00Z"),
        expires_at: at(expires),
        settled_at: None,
    }
}

pub async fn reservations_usage_and_counters(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "bu").await, new_tenant(store, "bu-other").await);
    let now = at("2026-01-01T00:05:00Z");
    assert_eq!(store.read(move |r| r.budgets(t)).await.unwrap(), None);
    store.write(move |w| w.put_budgets(t, "[1]", now)).await.unwrap();
    assert_eq!(store.read(move |r| r.budgets(t)).await.unwrap().as_deref(), Some("[1]"));
    assert_eq!(store.read(move |r| r.budgets(other)).await.unwrap(), None, "per tenant");

    store
        .write(move |w| {
            w.insert_reservation(t, &reservation("R1", "web", 100, "2026-01-01T00:10:00Z"))?;
            w.insert_reservation(t, &reservation("R2", "api", 50, "2026-01-01T00:01:00Z"))?;
            w.insert_reservation(other, &reservation("R3", "web", 7, "2026-01-01T00:10:00Z"))
        })
        .await
        .unwrap();
    let web = move |r: &mut dyn crate::ReadTx, t: TenantId| {
        r.held(t, &SpendFilter { project: Some("web"), currency: Some("USD"), ..Default::default() }, now)
    };
    assert_eq!(store.read(move |r| web(r, t)).await.unwrap(), (100, 2_000_000), "only what is held in force");
    let all = store.read(move |r| r.held(t, &SpendFilter::default(), now)).await.unwrap();
    assert_eq!(all, (100, 0), "R2 lapsed; no currency asked, no cost counted");
    let expired = store.read(move |r| r.expired_reservations(t, now, 10)).await.unwrap();
    assert_eq!(expired.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["R2"]);

    let mut settled = store.read(move |r| r.reservation(t, "R1")).await.unwrap().unwrap();
    settled.status = "settled".into();
    settled.settled_at = Some(now);
    let s2 = settled.clone();
    store.write(move |w| w.update_reservation(t, &s2)).await.unwrap();
    assert_eq!(store.read(move |r| r.reservation(t, "R1")).await.unwrap(), Some(settled));
    assert_eq!(store.read(move |r| web(r, t)).await.unwrap(), (0, 0), "settled holds nothing");

    let usage = UsageRecord {
        reservation_id: Some("R1".into()),
        agent_id: Some("01AGENT".into()),
        agent_kind: Some("claude-code".into()),
        project: "web".into(),
        amount: Amount { tokens: 80, cost_micros: 1_500_000, currency: Some("USD".into()) },
        model: Some("m".into()),
        provider: Some("p".into()),
        overspend: false,
        at: now,
    };
    store.write(move |w| w.insert_usage(t, &usage)).await.unwrap();
    let kind = SpendFilter { kind: Some("claude-code"), currency: Some("USD"), ..Default::default() };
    assert_eq!(store.read(move |r| r.spent(t, &kind, at("2026-01-01T00:00:00Z"))).await.unwrap(), (80, 1_500_000));
    assert_eq!(store.read(move |r| r.spent(t, &kind, at("2026-01-01T00:06:00Z"))).await.unwrap(), (0, 0));

    store
        .write(move |w| {
            w.add_counted(t, "b1", at("2026-01-01T00:00:00Z"), 30)?;
            w.add_counted(t, "b1", at("2026-01-01T00:00:00Z"), 12)?;
            w.add_counted(t, "b1", at("2026-01-01T00:01:00Z"), 5)
        })
        .await
        .unwrap();
    assert_eq!(store.read(move |r| r.counted(t, "b1", at("2026-01-01T00:00:00Z"))).await.unwrap(), 47);
    assert_eq!(store.read(move |r| r.counted(t, "b1", at("2026-01-01T00:00:30Z"))).await.unwrap(), 5);
    store.write(move |w| w.clear_counted(t)).await.unwrap();
    assert_eq!(store.read(move |r| r.counted(t, "b1", at("2026-01-01T00:00:00Z"))).await.unwrap(), 0);

    // Retention prunes the ledger by age (the counters stay).
    let prune =
        move |w: &mut dyn crate::WriteTx| w.prune(t, crate::Prunable::BudgetUsage, at("2026-01-01T00:05:01Z"), 10);
    assert_eq!(store.write(prune).await.unwrap(), 1);
    assert_eq!(store.read(move |r| r.spent(t, &kind, at("2026-01-01T00:00:00Z"))).await.unwrap(), (0, 0));

    let estimate = Amount { tokens: 9, cost_micros: 0, currency: None };
    let e2 = estimate.clone();
    store.write(move |w| w.put_task_estimate(t, "T1", &e2)).await.unwrap();
    assert_eq!(store.read(move |r| r.task_estimate(t, "T1")).await.unwrap(), Some(estimate));
    assert_eq!(store.read(move |r| r.task_estimate(other, "T1")).await.unwrap(), None);
}

pub async fn alerts_webhooks_and_deliveries(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "al").await, new_tenant(store, "al-other").await);
    let now = at("2026-01-01T00:00:00Z");
    store.write(move |w| w.put_alert_rules(t, "[]", now)).await.unwrap();
    assert_eq!(store.read(move |r| r.alert_rules(t)).await.unwrap().as_deref(), Some("[]"));
    let alert = |id: &str, status: &str| Alert {
        tenant_id: t,
        id: id.into(),
        rule: "r".into(),
        title: "t".into(),
        severity: "warning".into(),
        group_key: "g".into(),
        count: 1,
        status: status.into(),
        first_seq: Some(3),
        created_at: "2026-01-01T00:00:00.000000Z".into(),
        updated_at: "2026-01-01T00:00:00.000000Z".into(),
        acknowledged_by: None,
        resolved_by: None,
    };
    let (a1, a2) = (alert("A1", "open"), alert("A2", "resolved"));
    let (b1, b2) = (a1.clone(), a2.clone());
    store
        .write(move |w| {
            w.upsert_alert(&b1)?;
            w.upsert_alert(&b2)
        })
        .await
        .unwrap();
    let mut counted = a1.clone();
    counted.count = 9;
    let c2 = counted.clone();
    store.write(move |w| w.upsert_alert(&c2)).await.unwrap();
    assert_eq!(store.read(move |r| r.alert(t, "A1")).await.unwrap(), Some(counted));
    let newest = store.read(move |r| r.alerts(t, None, None, 10)).await.unwrap();
    assert_eq!(newest.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["A2", "A1"]);
    let open = store.read(move |r| r.alerts(t, Some("open"), None, 10)).await.unwrap();
    assert_eq!(open.len(), 1);
    assert!(store.read(move |r| r.alerts(other, None, None, 10)).await.unwrap().is_empty(), "per tenant");

    let hook = Webhook {
        tenant_id: t,
        id: "W1".into(),
        url: "http://127.0.0.1:9/".into(),
        description: None,
        created_at: "c".into(),
        created_by: "admin".into(),
    };
    let h2 = hook.clone();
    store.write(move |w| w.insert_webhook(&h2)).await.unwrap();
    assert_eq!(store.read(move |r| r.webhooks(t)).await.unwrap(), vec![hook]);
    let delivery = |id: &str, status: &str, next: &str| Delivery {
        tenant_id: t,
        id: id.into(),
        alert_id: "A1".into(),
        webhook_id: "W1".into(),
        status: status.into(),
        attempts: 0,
        next_at: at(next),
        last_error: None,
        updated_at: "u".into(),
    };
    let (d1, d2, d3) = (
        delivery("D1", "pending", "2026-01-01T00:00:00Z"),
        delivery("D2", "pending", "2026-01-01T01:00:00Z"),
        delivery("D3", "dead", "2026-01-01T00:00:00Z"),
    );
    store
        .write(move |w| {
            w.upsert_delivery(&d1)?;
            w.upsert_delivery(&d2)?;
            w.upsert_delivery(&d3)
        })
        .await
        .unwrap();
    let due = store.read(move |r| r.due_deliveries(t, at("2026-01-01T00:30:00Z"), 10)).await.unwrap();
    assert_eq!(due.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["D1"]);
    assert!(store.read(move |r| r.due_deliveries(other, at("2026-01-01T00:30:00Z"), 10)).await.unwrap().is_empty());
    let mut tried = due[0].clone();
    tried.attempts = 1;
    tried.last_error = Some("refused".into());
    let t2 = tried.clone();
    store.write(move |w| w.upsert_delivery(&t2)).await.unwrap();
    assert_eq!(store.read(move |r| r.delivery(t, "D1")).await.unwrap(), Some(tried));
    assert_eq!(store.read(move |r| r.deliveries_of(t, "A1")).await.unwrap().len(), 3);
    let dead = store.read(move |r| r.dead_deliveries(t, 10)).await.unwrap();
    assert_eq!(dead.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["D3"]);
    // Retention keeps pending deliveries, whatever their age ("u" sorts after any RFC 3339 time).
    let none = move |w: &mut dyn crate::WriteTx| {
        w.prune(t, crate::Prunable::WebhookDeliveries, at("2026-01-01T00:00:00Z"), 10)
    };
    assert_eq!(store.write(none).await.unwrap(), 0);
    assert!(store.write(move |w| w.delete_webhook(t, "W1")).await.unwrap());
    assert!(!store.write(move |w| w.delete_webhook(t, "W1")).await.unwrap(), "gone already");
    let left = store.read(move |r| r.deliveries_of(t, "A1")).await.unwrap();
    assert_eq!(left.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["D3"], "pending deliveries go with it");
}
