//! Policy versions and the egress access log.

use std::sync::Arc;

use bosun_core::AgentId;

use super::new_tenant;
use crate::{EgressRecord, PolicyVersion, Store, StoreError};

pub async fn policy_versions_are_kept(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "pv").await, new_tenant(store, "pv-other").await);
    assert_eq!(store.read(move |r| r.policy_version(t, None)).await.unwrap(), None, "no versions yet");
    let v = |n: u64| PolicyVersion {
        tenant_id: t,
        version: n,
        text: format!("// version {n}"),
        created_at: format!("2026-01-01T00:00:0{n}.000000Z"),
        created_by: Some("alice".into()),
        note: (n == 2).then(|| "second".into()),
        restored_from: (n == 3).then_some(1),
    };
    for n in 1..=3 {
        let version = v(n);
        store.write(move |w| w.insert_policy_version(&version)).await.unwrap();
    }
    let again = v(2);
    let twice = store.write(move |w| w.insert_policy_version(&again)).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "a version is written once: {twice:?}");
    assert_eq!(store.read(move |r| r.policy_version(t, None)).await.unwrap(), Some(v(3)), "latest");
    assert_eq!(store.read(move |r| r.policy_version(t, Some(2))).await.unwrap(), Some(v(2)));
    assert_eq!(store.read(move |r| r.policy_version(t, Some(9))).await.unwrap(), None);
    assert_eq!(store.read(move |r| r.policy_version(other, None)).await.unwrap(), None, "per tenant");
    let page = store.read(move |r| r.policy_versions(t, None, 2)).await.unwrap();
    assert_eq!(page.iter().map(|p| p.version).collect::<Vec<_>>(), [3, 2], "newest first");
    let rest = store.read(move |r| r.policy_versions(t, Some(2), 10)).await.unwrap();
    assert_eq!(rest, [v(1)]);
}

pub async fn egress_log_pages(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "eg").await, new_tenant(store, "eg-other").await);
    let (a, b) = (AgentId::generate(), AgentId::generate());
    let record = |agent: AgentId, host: &str, allowed: bool| EgressRecord {
        seq: 0,
        at: "2026-01-01T00:00:00.000000Z".into(),
        agent_id: agent,
        agent_name: "n".into(),
        host: host.into(),
        port: 443,
        allowed,
        rule: if allowed { "allow:*".into() } else { "default:cloud".into() },
        policies: "egress-rules-allow".into(),
    };
    let mut seqs = Vec::new();
    for (agent, host, allowed) in [(a, "a.io", true), (b, "b.io", false), (a, "c.io", false)] {
        let r = record(agent, host, allowed);
        seqs.push(store.write(move |w| w.append_egress(t, &r)).await.unwrap());
    }
    assert_eq!(seqs, [1, 2, 3]);
    let r = record(a, "x.io", true);
    assert_eq!(store.write(move |w| w.append_egress(other, &r)).await.unwrap(), 1, "seq per tenant");
    let all = store.read(move |r| r.egress_log(t, None, None, 10)).await.unwrap();
    assert_eq!(all.iter().map(|e| e.host.as_str()).collect::<Vec<_>>(), ["c.io", "b.io", "a.io"]);
    assert_eq!(all[1], EgressRecord { seq: 2, ..record(b, "b.io", false) });
    let of_a = store.read(move |r| r.egress_log(t, Some(a), Some(3), 10)).await.unwrap();
    assert_eq!(of_a.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);

    // Retention: rows from before the cutoff go, at most `limit` at a time, in this tenant only.
    let mut late = record(a, "late.io", true);
    late.at = "2026-02-01T00:00:00.000000Z".into();
    store.write(move |w| w.append_egress(t, &late)).await.unwrap();
    let cutoff = "2026-01-15T00:00:00Z".parse::<bosun_core::Timestamp>().unwrap();
    let prune = move |w: &mut dyn crate::WriteTx| w.prune(t, crate::Prunable::EgressLog, cutoff, 2);
    assert_eq!(store.write(prune).await.unwrap(), 2);
    assert_eq!(store.write(prune).await.unwrap(), 1);
    assert_eq!(store.write(prune).await.unwrap(), 0);
    let left = store.read(move |r| r.egress_log(t, None, None, 10)).await.unwrap();
    assert_eq!(left.iter().map(|e| e.host.as_str()).collect::<Vec<_>>(), ["late.io"]);
    assert_eq!(store.read(move |r| r.egress_log(other, None, None, 10)).await.unwrap().len(), 1, "per tenant");
}

pub async fn approvals_keep_their_decision_and_token(store: &Arc<dyn Store>) {
    use crate::Approval;
    let (t, other) = (new_tenant(store, "ap").await, new_tenant(store, "ap-other").await);
    let at =
        |s: i64| "2026-01-01T00:00:00Z".parse::<bosun_core::Timestamp>().unwrap() + jiff::SignedDuration::from_secs(s);
    let approval = |id: &str, status: &str| Approval {
        tenant_id: t,
        id: id.into(),
        requester_type: "agent".into(),
        requester_id: "01A".into(),
        requester_name: "a".into(),
        action: "deploy".into(),
        resource: "prod".into(),
        arguments: "{}".into(),
        action_hash: "ab".into(),
        factors: "{}".into(),
        risk: 62.5,
        threshold: 50.0,
        status: status.into(),
        reason: None,
        decided_by: None,
        evidence_hash: None,
        created_at: "2026-01-01T00:00:00.000000Z".into(),
        expires_at: at(600),
        decided_at: None,
        token_id: None,
        token_expires_at: None,
        token_used_at: None,
    };
    for (id, status) in [("01A1", "pending"), ("01A2", "denied"), ("01A3", "pending")] {
        let a = approval(id, status);
        store.write(move |w| w.insert_approval(&a)).await.unwrap();
    }
    let decided = Approval {
        status: "approved".into(),
        decided_by: Some("alice".into()),
        decided_at: Some("2026-01-01T00:01:00.000000Z".into()),
        token_id: Some("tok-1".into()),
        token_expires_at: Some(at(900)),
        ..approval("01A1", "pending")
    };
    let d = decided.clone();
    store.write(move |w| w.update_approval(&d)).await.unwrap();
    assert_eq!(store.read(move |r| r.approval(t, "01A1")).await.unwrap(), Some(decided));
    assert_eq!(store.read(move |r| r.approval(other, "01A1")).await.unwrap(), None, "per tenant");
    let pending = store.read(move |r| r.approvals(t, Some("pending"), None, 10)).await.unwrap();
    assert_eq!(pending.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["01A3"]);
    // 01A3 is pending and expires at 600 s: due at 600, not at 599.
    assert!(store.read(move |r| r.expired_approvals(t, at(599), 10)).await.unwrap().is_empty());
    let due = store.read(move |r| r.expired_approvals(t, at(600), 10)).await.unwrap();
    assert_eq!(due.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["01A3"], "pending only");
    let all = store.read(move |r| r.approvals(t, None, Some("01A3"), 10)).await.unwrap();
    assert_eq!(
        all.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["01A2", "01A1"],
        "newest first, below the cursor"
    );
}

pub async fn guardrail_rules_are_replaced_whole(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "gr").await, new_tenant(store, "gr-other").await);
    let at = "2026-01-01T00:00:00Z".parse::<bosun_core::Timestamp>().unwrap();
    assert_eq!(store.read(move |r| r.guardrail_rules(t)).await.unwrap(), None);
    store.write(move |w| w.put_guardrail_rules(t, "[1]", at)).await.unwrap();
    store.write(move |w| w.put_guardrail_rules(t, "[2]", at)).await.unwrap();
    assert_eq!(store.read(move |r| r.guardrail_rules(t)).await.unwrap().as_deref(), Some("[2]"), "the last one wins");
    assert_eq!(store.read(move |r| r.guardrail_rules(other)).await.unwrap(), None, "per tenant");
}

pub async fn settings_default_until_set(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "gs").await, new_tenant(store, "gs-other").await);
    let at = "2026-01-01T00:00:00Z".parse::<bosun_core::Timestamp>().unwrap();
    let defaults = crate::GovernanceSettings::default();
    assert_eq!(store.read(move |r| r.governance_settings(t)).await.unwrap(), defaults);
    let set = crate::GovernanceSettings {
        approval_threshold: 35.5,
        gate_key: 2,
        gate_key_rotated_at: Some("2026-01-01T00:00:00.000000Z".into()),
    };
    let put = set.clone();
    store.write(move |w| w.put_governance_settings(t, &put, at)).await.unwrap();
    assert_eq!(store.read(move |r| r.governance_settings(t)).await.unwrap(), set);
    assert_eq!(store.read(move |r| r.governance_settings(other)).await.unwrap(), defaults, "per tenant");
}

pub async fn evidence_is_content_addressed(store: &Arc<dyn Store>) {
    let (t, other) = (new_tenant(store, "ev").await, new_tenant(store, "ev-other").await);
    for _ in 0..2 {
        store.write(move |w| w.put_evidence(t, "abc", "{\"plan\":1}", "2026-01-01T00:00:00.000000Z")).await.unwrap();
    }
    assert_eq!(store.read(move |r| r.evidence(t, "abc")).await.unwrap().as_deref(), Some("{\"plan\":1}"));
    assert_eq!(store.read(move |r| r.evidence(t, "abd")).await.unwrap(), None);
    assert_eq!(store.read(move |r| r.evidence(other, "abc")).await.unwrap(), None, "per tenant");
}
