//! Approvals (SPEC §5.5): an agent asks before a gated action; the risk score decides whether it
//! waits for a person; an approval yields a gate token bound to the exact action, which the
//! kernel accepts once (`gate.redeemed`).

use bosun_core::Action;
use bosun_core::risk::{self, Factors};
use bosun_store::Approval;
use jiff::SignedDuration;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::gate::Claims;
use super::{Applied, Caller, Kernel, KernelError, Outcome, Principal, Tx};

/// How long a token is valid after the decision.
pub const TOKEN_TTL: SignedDuration = SignedDuration::from_secs(15 * 60);

#[derive(Clone, Debug)]
pub struct RequestApproval {
    pub action: String,
    pub resource: String,
    pub arguments: Value,
    pub factors: Factors,
    pub evidence: Option<Value>,
    /// How long the request may wait for a decision (60–86400 s, default 3600).
    pub ttl_seconds: u32,
}

#[derive(Clone, Debug)]
pub struct RedeemGate {
    pub token: String,
    pub action: String,
    pub resource: String,
    pub arguments: Value,
}

fn invalid(m: impl Into<String>) -> KernelError {
    KernelError::Validation(m.into())
}

fn canonical(v: &Value) -> Result<String, KernelError> {
    let bytes = bosun_core::jcs::canonicalize(v).map_err(|e| invalid(format!("`arguments`: {e}")))?;
    String::from_utf8(bytes).map_err(|_| invalid("`arguments` must be UTF-8 JSON"))
}

fn check_text(field: &str, v: &str) -> Result<(), KernelError> {
    if v.is_empty() || v.len() > 256 || v.chars().any(char::is_control) {
        return Err(invalid(format!("`{field}` must be 1 to 256 characters without control characters")));
    }
    Ok(())
}

pub(super) fn validate_request(r: &RequestApproval) -> Result<(), KernelError> {
    check_text("action", &r.action)?;
    check_text("resource", &r.resource)?;
    if canonical(&r.arguments)?.len() > 16 * 1024 {
        return Err(invalid("`arguments` are limited to 16 KiB"));
    }
    if r.evidence.as_ref().is_some_and(|e| e.to_string().len() > 64 * 1024) {
        return Err(invalid("`evidence` is limited to 64 KiB"));
    }
    if !(60..=86_400).contains(&r.ttl_seconds) {
        return Err(invalid("`ttl_seconds` must be between 60 and 86400"));
    }
    r.factors.validate().map_err(invalid)
}

pub(super) fn validate_redeem(r: &RedeemGate) -> Result<(), KernelError> {
    check_text("action", &r.action)?;
    check_text("resource", &r.resource)?;
    if r.token.len() > 4096 {
        return Err(invalid("`token` is too long to be a gate token"));
    }
    Ok(())
}

pub(super) fn validate_threshold(threshold: f64) -> Result<(), KernelError> {
    if !(0.0..=100.0).contains(&threshold) {
        return Err(invalid("`threshold` is a risk between 0 and 100"));
    }
    Ok(())
}

/// The hash an approval and its token are bound to: the exact action, by whom, where. No
/// arguments, `null` and `{}` are one and the same (a command sent without a body).
fn action_hash(tenant: &str, requester: &str, action: &str, resource: &str, arguments: &str) -> String {
    let arguments = if arguments == "{}" { "null" } else { arguments };
    let bound = json!({"tenant": tenant, "requester": requester, "action": action, "resource": resource,
        "arguments": arguments});
    let bytes = bosun_core::jcs::canonicalize(&bound).unwrap_or_default();
    bosun_core::audit::encode_hex(&Sha256::digest(&bytes))
}

fn requester(caller: &Caller) -> Result<(&'static str, String, String), KernelError> {
    match &caller.principal {
        Principal::Agent { id, name, .. } => Ok(("agent", id.to_string(), name.clone())),
        Principal::User { id, name, .. } => Ok(("user", id.to_string(), name.clone())),
        Principal::System => Err(KernelError::Forbidden("Bosun itself asks for no approvals".into())),
    }
}

pub(super) fn request(tx: &mut Tx<'_>, r: RequestApproval) -> Result<Applied, KernelError> {
    let (kind, id, name) = requester(tx.caller)?;
    let tenant = tx.caller.tenant;
    let arguments = canonical(&r.arguments)?;
    let score = risk::score(&r.factors);
    let threshold = tx.w.governance_settings(tenant)?.approval_threshold;
    let auto = score.risk <= threshold;
    // Evidence is kept content-addressed, redacted like the audit log.
    let evidence_hash = match r.evidence {
        Some(mut e) => {
            bosun_core::redact::redact_value(&mut e);
            let canonical = canonical(&e)?;
            let hash = bosun_core::audit::encode_hex(&Sha256::digest(canonical.as_bytes()));
            tx.w.put_evidence(tenant, &hash, &canonical, &tx.at)?;
            Some(hash)
        }
        None => None,
    };
    let approval_id = bosun_core::ApprovalId::generate().to_string();
    let approval = Approval {
        tenant_id: tenant,
        id: approval_id,
        requester_type: kind.into(),
        requester_id: id.clone(),
        requester_name: name,
        action_hash: action_hash(&tenant.to_string(), &id, &r.action, &r.resource, &arguments),
        action: r.action,
        resource: r.resource,
        arguments,
        factors: serde_json::to_string(&r.factors).unwrap_or_default(),
        risk: score.risk,
        threshold,
        status: if auto { "auto_approved" } else { "pending" }.into(),
        reason: auto.then(|| format!("risk {} is at or below the threshold {threshold}", score.risk)),
        decided_by: auto.then(|| "bosun".into()),
        evidence_hash: evidence_hash.clone(),
        created_at: tx.at.clone(),
        expires_at: tx.now + SignedDuration::from_secs(i64::from(r.ttl_seconds)),
        decided_at: auto.then(|| tx.at.clone()),
        token_id: auto.then(new_jti),
        token_expires_at: auto.then(|| tx.now + TOKEN_TTL),
        token_used_at: None,
    };
    tx.w.insert_approval(&approval)?;
    let details = json!({
        "action": approval.action,
        "resource": approval.resource,
        "risk": approval.risk,
        "contributions": score.contributions.iter().map(|c| json!({"factor": c.0, "weight": c.1, "value": c.2, "points": c.3})).collect::<Vec<_>>(),
        "status": approval.status,
        "evidence_sha256": evidence_hash,
    });
    let target = ("approval", approval.id.clone());
    Ok(Applied::new(Action::ApprovalRequest, Outcome::ApprovalRequested(approval), target, details))
}

fn new_jti() -> String {
    bosun_core::ApprovalId::generate().to_string()
}

/// The status as of `now`: a pending request past its time is `expired` (not `denied`).
pub fn status_at(a: &Approval, now: bosun_core::Timestamp) -> &str {
    if a.status == "pending" && now >= a.expires_at { "expired" } else { &a.status }
}

pub(super) fn decide(tx: &mut Tx<'_>, id: &str, approve: bool, reason: Option<String>) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let mut a = tx.w.approval(tenant, id)?.ok_or_else(|| KernelError::NotFound(format!("no approval {id}")))?;
    let Principal::User { id: me, name, .. } = &tx.caller.principal else {
        return Err(KernelError::Forbidden("approvals are decided by people (users with the approver role)".into()));
    };
    if a.requester_id == me.to_string() {
        return Err(KernelError::Forbidden("nobody approves their own request".into()));
    }
    match status_at(&a, tx.now) {
        "pending" => {}
        "expired" => {
            return Err(KernelError::Conflict(format!("approval {id} expired at {} before a decision", a.expires_at)));
        }
        other => return Err(KernelError::Conflict(format!("approval {id} is already {other}"))),
    }
    a.status = if approve { "approved" } else { "denied" }.into();
    a.reason = reason;
    a.decided_by = Some(name.clone());
    a.decided_at = Some(tx.at.clone());
    if approve {
        a.token_id = Some(new_jti());
        a.token_expires_at = Some(tx.now + TOKEN_TTL);
    }
    tx.w.update_approval(&a)?;
    let action = if approve { Action::ApprovalApprove } else { Action::ApprovalDeny };
    let details = json!({"status": a.status, "reason": a.reason, "risk": a.risk, "requester": a.requester_name});
    let recipients = bosun_core::AgentId::parse(&a.requester_id).into_iter().collect();
    let target = ("approval", a.id.clone());
    Ok(Applied::new(action, Outcome::Approval(a), target, details).recipients(recipients))
}

/// Redeem a gate token for its exact action: once, by its requester, before it expires.
pub(super) fn redeem(tx: &mut Tx<'_>, r: RedeemGate) -> Result<Applied, KernelError> {
    let refuse = |why: String| KernelError::ApprovalRequired(why);
    let tenant = tx.caller.tenant;
    let current = tx.w.governance_settings(tenant)?.gate_key;
    let claims: Claims = tx.gate.verify(tenant, current, &r.token).map_err(|e| refuse(e.into()))?;
    let (_, me, _) = requester(tx.caller)?;
    let mut a =
        tx.w.approval(tenant, &claims.approval)?
            .ok_or_else(|| refuse("the token names no approval of this tenant".into()))?;
    if claims.agent != me || a.requester_id != me {
        return Err(refuse("this token was issued to another requester".into()));
    }
    if a.token_id.as_deref() != Some(claims.jti.as_str()) || !matches!(a.status.as_str(), "approved" | "auto_approved")
    {
        return Err(refuse("this token is not the approval's current token".into()));
    }
    if a.token_used_at.is_some() {
        return Err(refuse(format!("this token was used already (approval {}); ask again", a.id)));
    }
    if a.token_expires_at.is_none_or(|exp| tx.now >= exp) || tx.now.as_second() >= claims.exp {
        return Err(refuse("this token has expired; ask again".into()));
    }
    let arguments = canonical(&r.arguments)?;
    let hash = action_hash(&tenant.to_string(), &me, &r.action, &r.resource, &arguments);
    if hash != a.action_hash || hash != claims.action_hash {
        return Err(refuse(format!(
            "this token is for another action (approved: {} on {} with other arguments)",
            a.action, a.resource
        )));
    }
    a.token_used_at = Some(tx.at.clone());
    tx.w.update_approval(&a)?;
    let details = json!({"action": a.action, "resource": a.resource, "approval": a.id});
    let target = ("approval", a.id.clone());
    Ok(Applied::new(Action::GateRedeem, Outcome::Approval(a), target, details))
}

/// A gate token presented with a command, checked before the transaction: it is consumed in it.
pub(super) struct GatePass {
    approval: String,
    jti: String,
}

impl Kernel {
    /// Check a gate token presented with `cmd`: signed by the tenant's current key, issued to the
    /// caller, unexpired, and for exactly this command — its action on its target with the
    /// arguments the edge saw (`RequestCtx::gate_arguments`: the request's body, canonical).
    /// `None` without a token; an invalid token is refused (`approval_required`), never ignored.
    pub(super) async fn gate_pass(
        &self,
        caller: &Caller,
        ctx: &super::RequestCtx,
        cmd: &super::Command,
    ) -> Result<Option<GatePass>, KernelError> {
        let Some(token) = ctx.gate_token.as_deref() else { return Ok(None) };
        let refuse = |why: &str| KernelError::ApprovalRequired(format!("the gate token does not open this: {why}"));
        let tenant = caller.tenant;
        let current = self.store.read(move |r| r.governance_settings(tenant)).await?.gate_key;
        let claims = self.gate.verify(caller.tenant, current, token).map_err(refuse)?;
        let (_, me, _) = requester(caller)?;
        if claims.agent != me {
            return Err(refuse("it was issued to another requester"));
        }
        if self.clock.now().as_second() >= claims.exp {
            return Err(refuse("it has expired"));
        }
        let resource = super::dispatch::target_of(cmd).map(|t| t.1).unwrap_or_default();
        let arguments = ctx.gate_arguments.as_deref().unwrap_or("null");
        let hash = action_hash(&caller.tenant.to_string(), &me, cmd.action().name(), &resource, arguments);
        if hash != claims.action_hash {
            return Err(refuse(&format!(
                "it approves another action (ask for `{}` on `{resource}` with the request's body as `arguments`)",
                cmd.action().name()
            )));
        }
        Ok(Some(GatePass { approval: claims.approval, jti: claims.jti }))
    }
}

/// Use up a gate pass in the command's transaction (a second use is refused and rolls back).
pub(super) fn consume(tx: &mut Tx<'_>, pass: &GatePass) -> Result<(), KernelError> {
    let refuse = |why: &str| KernelError::ApprovalRequired(format!("the gate token does not open this: {why}"));
    let mut a = tx.w.approval(tx.caller.tenant, &pass.approval)?.ok_or_else(|| refuse("no such approval"))?;
    if a.token_id.as_deref() != Some(pass.jti.as_str()) || !matches!(a.status.as_str(), "approved" | "auto_approved") {
        return Err(refuse("it is not the approval's current token"));
    }
    if a.token_used_at.is_some() {
        return Err(refuse("it was used already; ask again"));
    }
    if a.token_expires_at.is_none_or(|exp| tx.now >= exp) {
        return Err(refuse("it has expired"));
    }
    a.token_used_at = Some(tx.at.clone());
    tx.w.update_approval(&a)?;
    Ok(())
}

impl Kernel {
    /// The gate token of an approval, for its requester, while it can be used: signed with the
    /// tenant's current key (after a rotation, the same approval's token under the new key).
    pub async fn gate_token(&self, caller: &Caller, a: &Approval) -> Result<Option<String>, KernelError> {
        let Ok((_, me, _)) = requester(caller) else { return Ok(None) };
        let usable = matches!(a.status.as_str(), "approved" | "auto_approved") && a.token_used_at.is_none();
        let (Some(exp), Some(jti)) = (a.token_expires_at, a.token_id.clone()) else { return Ok(None) };
        if me != a.requester_id || !usable || self.clock.now() >= exp {
            return Ok(None);
        }
        let tenant = a.tenant_id;
        let key = self.store.read(move |r| r.governance_settings(tenant)).await?.gate_key;
        let claims = Claims {
            approval: a.id.clone(),
            tenant: a.tenant_id.to_string(),
            agent: a.requester_id.clone(),
            action_hash: a.action_hash.clone(),
            exp: exp.as_second(),
            jti,
            key,
        };
        Ok(Some(self.gate.sign(a.tenant_id, &claims)))
    }

    /// One approval: its requester, or users of the tenant.
    pub async fn approval(&self, caller: &Caller, id: &str) -> Result<Approval, KernelError> {
        let tenant = caller.tenant;
        let owned = id.to_owned();
        let a = self.store.read(move |r| r.approval(tenant, &owned)).await?;
        let a = a.ok_or_else(|| KernelError::NotFound(format!("no approval {id}")))?;
        let mine = requester(caller).is_ok_and(|(_, me, _)| me == a.requester_id);
        if !mine && !matches!(caller.principal, Principal::User { .. }) {
            return Err(KernelError::NotFound(format!("no approval {id}")));
        }
        Ok(a)
    }

    /// Approvals newest first (users: all; an agent: its own), of one status or all.
    pub async fn approvals(
        &self,
        caller: &Caller,
        status: Option<String>,
        before: Option<String>,
        limit: u32,
    ) -> Result<Vec<Approval>, KernelError> {
        let tenant = caller.tenant;
        // `expired` is pending past its time: read pending, keep the expired.
        let stored = match status.as_deref() {
            Some("expired") => Some("pending".to_owned()),
            other => other.map(str::to_owned),
        };
        let list = self.store.read(move |r| r.approvals(tenant, stored.as_deref(), before.as_deref(), limit)).await?;
        let now = self.clock.now();
        let me = requester(caller).map(|r| r.1).unwrap_or_default();
        let is_user = matches!(caller.principal, Principal::User { .. });
        Ok(list
            .into_iter()
            .filter(|a| is_user || a.requester_id == me)
            .filter(|a| status.as_deref().is_none_or(|s| status_at(a, now) == s))
            .collect())
    }

    /// Evidence by its hash (users of the tenant).
    pub async fn evidence(&self, caller: &Caller, sha256: &str) -> Result<Value, KernelError> {
        super::governance::users_only(caller, "reading evidence")?;
        let (tenant, hash) = (caller.tenant, sha256.to_owned());
        let text = self.store.read(move |r| r.evidence(tenant, &hash)).await?;
        let text = text.ok_or_else(|| KernelError::NotFound(format!("no evidence {sha256}")))?;
        serde_json::from_str(&text).map_err(|e| KernelError::Internal(e.to_string()))
    }

    /// The tenant's governance settings (any caller of the tenant may read them).
    pub async fn governance_settings(&self, caller: &Caller) -> Result<bosun_store::GovernanceSettings, KernelError> {
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.governance_settings(tenant)).await?)
    }

    /// The tenant's gate public keys (hex), newest first: the current generation, then up to
    /// [`KEYS_LISTED`](super::gate::KEYS_LISTED) retired ones, to verify tokens offline.
    pub async fn gate_public_keys(&self, caller: &Caller) -> Result<(u32, Vec<(u32, String)>), KernelError> {
        let current = self.governance_settings(caller).await?.gate_key;
        let oldest = current.saturating_sub(super::gate::KEYS_LISTED - 1).max(1);
        let keys = (oldest..=current).rev().map(|g| (g, self.gate.public_key(caller.tenant, g))).collect();
        Ok((current, keys))
    }
}

/// Set the tenant's approval threshold (validated already).
pub(super) fn set_threshold(tx: &mut Tx<'_>, threshold: f64) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let mut settings = tx.w.governance_settings(tenant)?;
    let before = settings.approval_threshold;
    settings.approval_threshold = threshold;
    tx.w.put_governance_settings(tenant, &settings, tx.now)?;
    let details = json!({"threshold": threshold, "was": before});
    let target = ("tenant", tenant.to_string());
    Ok(Applied::new(Action::ApprovalSettingsUpdate, Outcome::GovernanceSettings(settings), target, details)
        .severity(bosun_core::audit::Severity::Notice))
}

/// Move the tenant to the next generation of its gate key: every token signed before opens
/// nothing any more (approvals themselves are untouched; their requesters fetch a fresh token).
pub(super) fn rotate_gate_key(tx: &mut Tx<'_>) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let mut settings = tx.w.governance_settings(tenant)?;
    let retired = settings.gate_key;
    settings.gate_key = retired
        .checked_add(1)
        .ok_or_else(|| KernelError::Conflict("the gate key cannot be rotated any further".into()))?;
    settings.gate_key_rotated_at = Some(tx.at.clone());
    tx.w.put_governance_settings(tenant, &settings, tx.now)?;
    let details = json!({"key": settings.gate_key, "retired": retired,
        "public_key": tx.gate.public_key(tenant, settings.gate_key)});
    let target = ("tenant", tenant.to_string());
    Ok(Applied::new(Action::GateKeyRotate, Outcome::GovernanceSettings(settings), target, details)
        .severity(bosun_core::audit::Severity::Notice))
}
