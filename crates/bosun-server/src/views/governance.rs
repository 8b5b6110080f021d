//! Answers of the governance endpoints: policy versions, replay, profiles, egress.

use bosun_core::AgentId;
use bosun_core::profile::{EgressLists, Limits, Profile};
use serde::Serialize;
use utoipa::ToSchema;

use crate::kernel::{EgressDecision, Flip, Replayed};

/// A tenant's policies at one version.
#[derive(Serialize, ToSchema)]
pub struct PolicyDocumentView {
    /// 0 when the tenant stored none: the server's default policies.
    pub version: u64,
    /// The Cedar text.
    pub text: String,
    /// The policies' ids, in order.
    pub policies: Vec<String>,
    /// Set when the stored text no longer fits Bosun's schema (after an upgrade): the tenant's
    /// decisions deny until an admin puts or rolls back policies.
    pub invalid: Option<String>,
    pub created_at: Option<String>,
    pub created_by: Option<String>,
    pub note: Option<String>,
    /// For a rollback: the version whose text this is.
    pub restored_from: Option<u64>,
}

impl From<&crate::kernel::PolicyDocument> for PolicyDocumentView {
    fn from(d: &crate::kernel::PolicyDocument) -> Self {
        let s = d.stored.as_ref();
        PolicyDocumentView {
            version: d.version,
            text: d.text.clone(),
            policies: d.ids.clone(),
            invalid: d.invalid.clone(),
            created_at: s.map(|s| s.created_at.clone()),
            created_by: s.and_then(|s| s.created_by.clone()),
            note: s.and_then(|s| s.note.clone()),
            restored_from: s.and_then(|s| s.restored_from),
        }
    }
}

/// One stored version, without its text.
#[derive(Serialize, ToSchema)]
pub struct PolicyVersionView {
    pub version: u64,
    pub created_at: String,
    pub created_by: Option<String>,
    pub note: Option<String>,
    pub restored_from: Option<u64>,
    pub bytes: usize,
}

impl From<&bosun_store::PolicyVersion> for PolicyVersionView {
    fn from(v: &bosun_store::PolicyVersion) -> Self {
        PolicyVersionView {
            version: v.version,
            created_at: v.created_at.clone(),
            created_by: v.created_by.clone(),
            note: v.note.clone(),
            restored_from: v.restored_from,
            bytes: v.text.len(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PolicyVersionList {
    /// Newest first.
    pub versions: Vec<PolicyVersionView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<u64>,
}

/// A recorded decision the proposed policies decide the other way.
#[derive(Serialize, ToSchema)]
pub struct FlipView {
    /// The audit event's sequence number.
    pub seq: u64,
    pub at: String,
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    /// `allowed` or `denied`, as recorded.
    pub was: String,
    /// What the proposed policies decide.
    pub would_be: String,
    /// The proposed policies that decide it.
    pub policies: Vec<String>,
    pub reason: Option<String>,
}

impl From<&Flip> for FlipView {
    fn from(f: &Flip) -> Self {
        let word = |allowed: bool| if allowed { "allowed" } else { "denied" }.to_owned();
        FlipView {
            seq: f.seq,
            at: f.at.clone(),
            action: f.action.clone(),
            actor_id: f.actor_id.clone(),
            actor_name: f.actor_name.clone(),
            was: word(f.was_allowed),
            would_be: word(!f.was_allowed),
            policies: f.policies.clone(),
            reason: f.reason.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReplayView {
    /// Audit events read, newest first.
    pub examined: usize,
    /// Of those, decisions made again (events that record their facts).
    pub decided: usize,
    pub flips: Vec<FlipView>,
}

impl From<&Replayed> for ReplayView {
    fn from(r: &Replayed) -> Self {
        ReplayView { examined: r.examined, decided: r.decided, flips: r.flips.iter().map(FlipView::from).collect() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LimitsView {
    pub max_leases: u32,
    pub max_locks: u32,
    pub max_paths_per_lock: u32,
    pub max_pattern_wildcards: u32,
}

impl From<&Limits> for LimitsView {
    fn from(l: &Limits) -> Self {
        LimitsView {
            max_leases: l.max_leases,
            max_locks: l.max_locks,
            max_paths_per_lock: l.max_paths_per_lock,
            max_pattern_wildcards: l.max_pattern_wildcards,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EgressListsView {
    pub allow: Vec<String>,
    pub deny: Vec<String>,
}

impl From<&EgressLists> for EgressListsView {
    fn from(e: &EgressLists) -> Self {
        EgressListsView { allow: e.allow.clone(), deny: e.deny.clone() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProfileView {
    pub name: String,
    /// 0 suspended, 1 observer, 2 worker, 3 trusted, 4 admin agent.
    pub trust_level: u8,
    /// Operations (audit names) the profile may do at all; absent: any the policies allow.
    pub allowed_operations: Option<Vec<String>>,
    pub blocked_operations: Vec<String>,
    pub limits: LimitsView,
    pub egress: EgressListsView,
}

impl From<&Profile> for ProfileView {
    fn from(p: &Profile) -> Self {
        ProfileView {
            name: p.name.clone(),
            trust_level: p.trust_level,
            allowed_operations: p.allowed_operations.clone(),
            blocked_operations: p.blocked_operations.clone(),
            limits: LimitsView::from(&p.limits),
            egress: EgressListsView::from(&p.egress),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProfileList {
    pub profiles: Vec<ProfileView>,
    /// Agent kinds denied egress unless a rule allows it.
    pub cloud_kinds: Vec<String>,
}

/// An egress decision.
#[derive(Serialize, ToSchema)]
pub struct EgressView {
    pub allowed: bool,
    /// The destination as decided: lower-case ASCII host (or IP) and port.
    pub host: String,
    pub port: u16,
    /// The egress rule that matched: `allow:RULE`, `deny:RULE`, `default:cloud` or `default:local`.
    pub rule: String,
    /// The policies that decided.
    pub policies: Vec<String>,
    pub reason: Option<String>,
    /// Its entry in the egress access log.
    pub log_seq: u64,
}

impl From<&EgressDecision> for EgressView {
    fn from(d: &EgressDecision) -> Self {
        EgressView {
            allowed: d.allowed,
            host: d.host.clone(),
            port: d.port,
            rule: d.rule.clone(),
            policies: d.policies.clone(),
            reason: d.reason.clone(),
            log_seq: d.seq,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EgressLogEntry {
    pub seq: u64,
    pub at: String,
    #[schema(value_type = String)]
    pub agent_id: AgentId,
    pub agent_name: String,
    pub host: String,
    pub port: u16,
    pub allowed: bool,
    pub rule: String,
    pub policies: Vec<String>,
}

impl From<&bosun_store::EgressRecord> for EgressLogEntry {
    fn from(e: &bosun_store::EgressRecord) -> Self {
        EgressLogEntry {
            seq: e.seq,
            at: e.at.clone(),
            agent_id: e.agent_id,
            agent_name: e.agent_name.clone(),
            host: e.host.clone(),
            port: e.port,
            allowed: e.allowed,
            rule: e.rule.clone(),
            policies: e.policies.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EgressLog {
    /// Newest first.
    pub entries: Vec<EgressLogEntry>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct PermissionsView {
    /// The actions (audit names) the caller may do at all; a command's own rules (holding the
    /// lease, the lock…) still apply.
    pub actions: Vec<String>,
    /// For an agent: its profile, trust level and limits.
    pub profile: Option<ProfileView>,
}

/// One rule a command broke.
#[derive(Serialize, ToSchema)]
pub struct GuardrailViolationView {
    #[schema(example = "git-force-push")]
    pub rule: String,
    /// git_destructive, recursive_delete, sql_destructive, credentials, deploy_infra, migration,
    /// remote_script or system.
    pub category: String,
    /// critical (block), warning (approval), info (log).
    pub severity: String,
    /// The command (as judged, after unwrapping) or text that matched.
    pub matched: String,
    /// block, require_approval or log.
    pub action: String,
}

#[derive(Serialize, ToSchema)]
pub struct GuardrailVerdict {
    /// No rule asks to block or to wait for an approval.
    pub safe: bool,
    /// Part of the text could not be parsed as shell and was judged on its raw words.
    pub unparsed: bool,
    pub violations: Vec<GuardrailViolationView>,
    /// How many simple commands were judged.
    pub commands: usize,
}

impl From<&bosun_policy::guard::Verdict> for GuardrailVerdict {
    fn from(v: &bosun_policy::guard::Verdict) -> Self {
        GuardrailVerdict {
            safe: v.safe,
            unparsed: v.unparsed,
            commands: v.commands,
            violations: v
                .violations
                .iter()
                .map(|x| GuardrailViolationView {
                    rule: x.rule.clone(),
                    category: x.category.as_str().into(),
                    severity: x.severity.into(),
                    matched: x.matched.clone(),
                    action: x.action.as_str().into(),
                })
                .collect(),
        }
    }
}

/// One factor's share of the risk.
#[derive(Serialize, ToSchema)]
pub struct RiskContribution {
    pub factor: String,
    pub weight: f64,
    pub value: f64,
    /// weight × value.
    pub points: f64,
}

/// A request for a gated action.
#[derive(Serialize, ToSchema)]
pub struct ApprovalView {
    pub id: String,
    pub action: String,
    pub resource: String,
    #[schema(value_type = Object)]
    pub arguments: serde_json::Value,
    /// `user` or `agent`.
    pub requester_type: String,
    pub requester_id: String,
    pub requester: String,
    /// 0–100: Σ weight × factor, clamped.
    pub risk: f64,
    pub threshold: f64,
    pub contributions: Vec<RiskContribution>,
    /// pending, approved, auto_approved, denied or expired (a pending request past its time).
    pub status: String,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    /// SHA-256 of the canonical evidence, when some was given.
    pub evidence_sha256: Option<String>,
    /// The single-use gate token, shown to the requester while it can be used.
    pub gate_token: Option<String>,
    pub token_expires_at: Option<String>,
    pub token_used_at: Option<String>,
}

impl ApprovalView {
    /// `now`: to show a pending request past its time as expired (`None`: as stored).
    pub fn new(a: &bosun_store::Approval, token: Option<String>, now: Option<bosun_core::Timestamp>) -> Self {
        let factors: bosun_core::risk::Factors = serde_json::from_str(&a.factors).unwrap_or_default();
        let score = bosun_core::risk::score(&factors);
        let status = match now {
            Some(now) => crate::kernel::status_at(a, now).to_owned(),
            None => a.status.clone(),
        };
        ApprovalView {
            id: a.id.clone(),
            action: a.action.clone(),
            resource: a.resource.clone(),
            arguments: serde_json::from_str(&a.arguments).unwrap_or_default(),
            requester_type: a.requester_type.clone(),
            requester_id: a.requester_id.clone(),
            requester: a.requester_name.clone(),
            risk: a.risk,
            threshold: a.threshold,
            contributions: score
                .contributions
                .iter()
                .map(|c| RiskContribution { factor: c.0.into(), weight: c.1, value: c.2, points: c.3 })
                .collect(),
            status,
            reason: a.reason.clone(),
            decided_by: a.decided_by.clone(),
            decided_at: a.decided_at.clone(),
            created_at: a.created_at.clone(),
            expires_at: bosun_core::clock::format_micros(a.expires_at),
            evidence_sha256: a.evidence_hash.clone(),
            gate_token: token,
            token_expires_at: a.token_expires_at.map(bosun_core::clock::format_micros),
            token_used_at: a.token_used_at.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApprovalList {
    /// Newest first.
    pub approvals: Vec<ApprovalView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GateKeys {
    /// The current key's Ed25519 public key (hex): gate tokens verify with it offline.
    pub public_key: String,
    /// The current key's generation (a token's `key` claim names the one that signed it).
    pub key: u32,
    pub algorithm: String,
    /// The current key and up to 9 retired ones, newest first. Tokens signed by a retired key
    /// open nothing; their keys are listed to check old tokens for the record.
    pub keys: Vec<GateKey>,
}

#[derive(Serialize, ToSchema)]
pub struct GateKey {
    pub key: u32,
    pub public_key: String,
    pub current: bool,
}

/// A tenant's governance settings.
#[derive(Serialize, ToSchema)]
pub struct GovernanceSettingsView {
    /// Risk (0–100) above which an approval waits for a person; at or below it is approved at once.
    pub approval_threshold: f64,
    /// The generation of the tenant's gate signing key.
    pub gate_key: u32,
    /// When the gate key was last rotated.
    pub gate_key_rotated_at: Option<String>,
}

impl From<&bosun_store::GovernanceSettings> for GovernanceSettingsView {
    fn from(s: &bosun_store::GovernanceSettings) -> Self {
        GovernanceSettingsView {
            approval_threshold: s.approval_threshold,
            gate_key: s.gate_key,
            gate_key_rotated_at: s.gate_key_rotated_at.clone(),
        }
    }
}

/// One delivery of an alert to a webhook.
#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub alert_id: String,
    pub webhook_id: String,
    /// pending, delivered or dead (the dead-letter list).
    pub status: String,
    pub attempts: u32,
    /// When a pending delivery is next attempted.
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub updated_at: String,
}

impl From<&bosun_store::Delivery> for DeliveryView {
    fn from(d: &bosun_store::Delivery) -> Self {
        DeliveryView {
            id: d.id.clone(),
            alert_id: d.alert_id.clone(),
            webhook_id: d.webhook_id.clone(),
            status: d.status.clone(),
            attempts: d.attempts,
            next_attempt_at: (d.status == "pending").then(|| bosun_core::clock::format_micros(d.next_at)),
            last_error: d.last_error.clone(),
            updated_at: d.updated_at.clone(),
        }
    }
}

/// A security alert.
#[derive(Serialize, ToSchema)]
pub struct AlertView {
    pub id: String,
    pub rule: String,
    pub title: String,
    /// warning or critical.
    pub severity: String,
    /// The values of the rule's group_by fields, joined with `|`.
    pub group: String,
    /// Matching events: those that fired it and those suppressed in its window.
    pub count: u64,
    /// open, acknowledged or resolved.
    pub status: String,
    /// The audit seq of the event that fired it (none for failed authentications).
    pub first_seq: Option<u64>,
    pub created_at: String,
    pub updated_at: String,
    pub acknowledged_by: Option<String>,
    pub resolved_by: Option<String>,
    /// Its delivery to each webhook.
    pub deliveries: Vec<DeliveryView>,
}

impl AlertView {
    pub fn new(a: &bosun_store::Alert, deliveries: &[bosun_store::Delivery]) -> Self {
        AlertView {
            id: a.id.clone(),
            rule: a.rule.clone(),
            title: a.title.clone(),
            severity: a.severity.clone(),
            group: a.group_key.clone(),
            count: a.count,
            status: a.status.clone(),
            first_seq: a.first_seq,
            created_at: a.created_at.clone(),
            updated_at: a.updated_at.clone(),
            acknowledged_by: a.acknowledged_by.clone(),
            resolved_by: a.resolved_by.clone(),
            deliveries: deliveries.iter().map(DeliveryView::from).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AlertList {
    /// Newest first.
    pub alerts: Vec<AlertView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<String>,
}

/// Where alerts are posted.
#[derive(Serialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub created_at: String,
    pub created_by: String,
    /// closed, or open (not called) after consecutive failures.
    pub breaker: String,
    pub consecutive_failures: u32,
    /// Shown once, when the webhook is created: verify `Bosun-Signature` with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookView {
    pub fn new(
        w: &bosun_store::Webhook,
        breaker: crate::kernel::Breaker,
        now: bosun_core::Timestamp,
        secret: Option<String>,
    ) -> Self {
        WebhookView {
            id: w.id.clone(),
            url: w.url.clone(),
            description: w.description.clone(),
            created_at: w.created_at.clone(),
            created_by: w.created_by.clone(),
            breaker: if breaker.open_until.is_some_and(|u| now < u) { "open" } else { "closed" }.into(),
            consecutive_failures: breaker.failures,
            secret,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Serialize, ToSchema)]
pub struct AlertRulesView {
    /// The tenant's own rules.
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<bosun_core::alert::RuleSpec>,
    /// The rules every tenant has.
    #[schema(value_type = Vec<Object>)]
    pub builtin: Vec<bosun_core::alert::RuleSpec>,
}
