//! The audit chain (SPEC §4): one event per change or denial, per-tenant gap-free `seq`,
//! `hash = SHA-256(prev_hash ‖ JCS(event without hash))`, and its verification.
//!
//! Verification is a pure function over a stream of events. Each event's hash can be checked on
//! its own, so a batch is hashed in parallel; only the links (seq and prev_hash) are sequential.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::jcs::canonicalize;

/// The `prev_hash` of a tenant's first event: 32 zero bytes, hex.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    User,
    Agent,
    System,
    /// A caller whose credential was missing or wrong.
    Anonymous,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Denied,
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Notice,
    Warning,
    Critical,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal),* }) => {
        impl $t {
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $s),* } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some(Self::$v),)* _ => None } }
        }
    };
}
str_enum!(ActorType { User => "user", Agent => "agent", System => "system", Anonymous => "anonymous" });
str_enum!(Outcome { Ok => "ok", Denied => "denied", Error => "error" });
str_enum!(Severity { Info => "info", Notice => "notice", Warning => "warning", Critical => "critical" });

/// What the kernel knows about an event before the store places it in the chain.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditDraft {
    pub at: String,
    pub actor_type: ActorType,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub project: Option<String>,
    pub outcome: Outcome,
    pub severity: Severity,
    /// Redacted by [`AuditDraft::seal`]; callers need not remember to.
    pub details: Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub correlation_id: Option<String>,
}

/// One stored entry of a tenant's log. Field order is the export's column order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    pub tenant: String,
    pub seq: u64,
    pub at: String,
    pub actor_type: ActorType,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub project: Option<String>,
    pub outcome: Outcome,
    pub severity: Severity,
    pub details: Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub correlation_id: Option<String>,
    pub prev_hash: String,
    /// Empty while the event is being hashed: the hash covers every other field.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hash: String,
}

impl AuditDraft {
    /// Place the draft in the chain after `prev_hash` at `seq`: redact, then hash.
    pub fn seal(self, tenant: &str, seq: u64, prev_hash: &str) -> AuditEvent {
        let mut details = self.details;
        crate::redact::redact_value(&mut details);
        let redact_opt = |o: Option<String>| o.map(|s| crate::redact::redact_text(&s).into_owned());
        let mut event = AuditEvent {
            tenant: tenant.to_owned(),
            seq,
            at: self.at,
            actor_type: self.actor_type,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            action: self.action,
            target_type: self.target_type,
            target_id: self.target_id,
            project: self.project,
            outcome: self.outcome,
            severity: self.severity,
            details,
            ip: self.ip,
            user_agent: redact_opt(self.user_agent),
            correlation_id: redact_opt(self.correlation_id),
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        event.hash = compute_hash(&event).expect("a sealed event hashes: its prev_hash is ours");
        event
    }
}

/// `SHA-256(prev_hash bytes ‖ JCS(event without hash))`, hex. The event's own `hash` field is
/// ignored. Fails when `prev_hash` is not 64 hex digits.
pub fn compute_hash(event: &AuditEvent) -> Result<String, &'static str> {
    let prev = decode_hex32(&event.prev_hash).ok_or("prev_hash is not 64 hex digits")?;
    let bytes = canonical_bytes(event, false).map_err(|_| "event cannot be canonicalized")?;
    let mut h = Sha256::new();
    h.update(prev);
    h.update(&bytes);
    Ok(encode_hex(&h.finalize()))
}

/// RFC 8785 form of an event, with or without its `hash`. Identical to
/// `jcs::canonicalize(event)` (a property test holds it to that), but written directly: the
/// envelope's keys are fixed ASCII, so their canonical order is known statically and only
/// `details` needs the general algorithm. This is the hot path of every append and of `verify`.
pub fn canonical_bytes(event: &AuditEvent, with_hash: bool) -> Result<Vec<u8>, String> {
    fn text(out: &mut Vec<u8>, key: &str, value: &str) {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        // serde_json escapes exactly as JCS does: `"`, `\\`, and controls (short forms, else \u00xx).
        serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
    }
    fn opt(out: &mut Vec<u8>, key: &str, value: Option<&str>) {
        match value {
            Some(v) => text(out, key, v),
            None => {
                out.extend_from_slice(b",\"");
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(b"\":null");
            }
        }
    }
    let e = event;
    if e.seq > 1 << 53 {
        // JCS numbers are IEEE doubles: past 2^53 let the general encoder round as it must.
        let mut copy = e.clone();
        if !with_hash {
            copy.hash.clear();
        }
        return canonicalize(&copy);
    }
    let mut out = Vec::with_capacity(640);
    // Keys in UTF-16 code unit order (plain byte order for ASCII).
    out.extend_from_slice(b"{\"action\":");
    serde_json::to_writer(&mut out, &e.action).map_err(|x| x.to_string())?;
    opt(&mut out, "actor_id", e.actor_id.as_deref());
    opt(&mut out, "actor_name", e.actor_name.as_deref());
    text(&mut out, "actor_type", e.actor_type.as_str());
    text(&mut out, "at", &e.at);
    opt(&mut out, "correlation_id", e.correlation_id.as_deref());
    out.extend_from_slice(b",\"details\":");
    crate::jcs::write_value(&mut out, &e.details)?;
    if with_hash && !e.hash.is_empty() {
        text(&mut out, "hash", &e.hash);
    }
    opt(&mut out, "ip", e.ip.as_deref());
    text(&mut out, "outcome", e.outcome.as_str());
    text(&mut out, "prev_hash", &e.prev_hash);
    opt(&mut out, "project", e.project.as_deref());
    out.extend_from_slice(format!(",\"seq\":{}", e.seq).as_bytes());
    text(&mut out, "severity", e.severity.as_str());
    opt(&mut out, "target_id", e.target_id.as_deref());
    opt(&mut out, "target_type", e.target_type.as_deref());
    text(&mut out, "tenant", &e.tenant);
    opt(&mut out, "user_agent", e.user_agent.as_deref());
    out.push(b'}');
    Ok(out)
}

pub fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Lowercase hex digits as bytes (the inverse of [`encode_hex`]).
pub fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    b.chunks_exact(2).map(|pair| Some(nib(pair[0])? << 4 | nib(pair[1])?)).collect()
}

/// 64 lowercase hex digits as 32 bytes (hashes and secrets).
pub fn decode_hex32(s: &str) -> Option<[u8; 32]> {
    decode_hex(s)?.try_into().ok()
}

/// Why a chain does not verify, naming the first bad place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The event's content does not match its hash: it was edited.
    HashMismatch { seq: u64 },
    /// A seq is missing (or repeated): an event was deleted or inserted.
    Gap { expected: u64, found: u64 },
    /// The event's prev_hash is not the previous event's hash.
    BrokenLink { seq: u64 },
    /// A line of an export is not an event in canonical form (edited or truncated).
    Malformed { line: u64, expected_seq: u64, reason: String },
    /// The stream holds events of another tenant than its first.
    MixedTenants { seq: u64 },
}

impl VerifyError {
    /// The seq the error is about (for a malformed line, the seq expected there).
    pub fn seq(&self) -> u64 {
        match self {
            VerifyError::HashMismatch { seq } | VerifyError::BrokenLink { seq } | VerifyError::MixedTenants { seq } => {
                *seq
            }
            VerifyError::Gap { expected, .. } => *expected,
            VerifyError::Malformed { expected_seq, .. } => *expected_seq,
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::HashMismatch { seq } => {
                write!(f, "seq {seq}: hash mismatch (the event was changed after it was written)")
            }
            VerifyError::Gap { expected, found } => {
                write!(f, "seq {expected}: gap (expected seq {expected}, found seq {found}; an event is missing)")
            }
            VerifyError::BrokenLink { seq } => {
                write!(f, "seq {seq}: broken link (prev_hash does not match the previous event's hash)")
            }
            VerifyError::Malformed { line, expected_seq, reason } => {
                write!(f, "seq {expected_seq}: line {line} is not a canonical audit event ({reason})")
            }
            VerifyError::MixedTenants { seq } => {
                write!(f, "seq {seq}: event belongs to another tenant")
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// Verifies one tenant's chain fed in order, batch by batch, so memory stays bounded.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    tenant: Option<String>,
    next_seq: u64,
    prev_hash: String,
    lines: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { tenant: None, next_seq: 1, prev_hash: GENESIS.to_owned(), lines: 0 }
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Events verified so far.
    pub fn count(&self) -> u64 {
        self.next_seq - 1
    }

    /// Check a batch of events that continues the chain.
    pub fn feed(&mut self, events: &[AuditEvent]) -> Result<(), VerifyError> {
        let ok = par_map(events, |e| compute_hash(e).is_ok_and(|h| h == e.hash));
        for (e, hash_ok) in events.iter().zip(ok) {
            self.link(e, hash_ok)?;
        }
        Ok(())
    }

    /// Check a batch of JSONL lines (an export) that continues the chain. Each line must be the
    /// JCS form of its event, so any changed byte is caught even where JSON would not care.
    pub fn feed_lines(&mut self, lines: &[String]) -> Result<(), VerifyError> {
        let parsed = par_map(lines, |line| -> Result<(AuditEvent, bool), String> {
            let event: AuditEvent = serde_json::from_str(line).map_err(|e| e.to_string())?;
            let canonical = canonical_bytes(&event, true)?;
            if canonical != line.as_bytes() {
                return Err("not in canonical form".into());
            }
            let hash_ok = compute_hash(&event).is_ok_and(|h| h == event.hash);
            Ok((event, hash_ok))
        });
        for result in parsed {
            self.lines += 1;
            match result {
                Ok((event, hash_ok)) => self.link(&event, hash_ok)?,
                Err(reason) => {
                    return Err(VerifyError::Malformed { line: self.lines, expected_seq: self.next_seq, reason });
                }
            }
        }
        Ok(())
    }

    fn link(&mut self, e: &AuditEvent, hash_ok: bool) -> Result<(), VerifyError> {
        match &self.tenant {
            None => self.tenant = Some(e.tenant.clone()),
            Some(t) if *t != e.tenant => return Err(VerifyError::MixedTenants { seq: e.seq }),
            Some(_) => {}
        }
        if e.seq != self.next_seq {
            return Err(VerifyError::Gap { expected: self.next_seq, found: e.seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(VerifyError::BrokenLink { seq: e.seq });
        }
        if !hash_ok {
            return Err(VerifyError::HashMismatch { seq: e.seq });
        }
        self.next_seq += 1;
        self.prev_hash.clone_from(&e.hash);
        Ok(())
    }
}

/// Map over a slice on every core; order is kept.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 256 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("verifier thread panicked")).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn draft(i: u64) -> AuditDraft {
        AuditDraft {
            at: format!("2026-11-21T10:00:{:02}.000000Z", i % 60),
            actor_type: ActorType::User,
            actor_id: Some("01JZ0000000000000000000000".into()),
            actor_name: Some("admin".into()),
            action: "user.created".into(),
            target_type: Some("user".into()),
            target_id: Some(format!("u{i}")),
            project: None,
            outcome: Outcome::Ok,
            severity: Severity::Info,
            details: json!({"i": i, "name": format!("user-{i}"), "ratio": 0.5}),
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            correlation_id: Some(format!("c{i}")),
        }
    }

    pub(crate) fn chain(n: u64) -> Vec<AuditEvent> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let e = draft(seq).seal("T1", seq, &prev);
                prev.clone_from(&e.hash);
                e
            })
            .collect()
    }

    fn export(events: &[AuditEvent]) -> String {
        events.iter().map(|e| String::from_utf8(canonicalize(e).unwrap()).unwrap() + "\n").collect()
    }

    fn arb_text() -> impl Strategy<Value = String> {
        prop_oneof!["[a-z0-9._-]{0,12}", ".{0,16}", "[\\x00-\\x1f\"\\\\/\\x7f\u{80}-\u{10ffff}]{0,8}"]
    }

    fn arb_event() -> impl Strategy<Value = AuditEvent> {
        let opt = || prop::option::of(arb_text());
        let details = prop_oneof![
            Just(json!({})),
            (arb_text(), any::<f64>().prop_filter("finite", |f| f.is_finite()), any::<i64>())
                .prop_map(|(k, f, i)| json!({ k: [f, i, null, true], "z": {"b": 1, "a": "x"} })),
        ];
        (
            (arb_text(), any::<u64>(), arb_text(), opt(), opt(), arb_text(), opt(), opt()),
            (opt(), details, opt(), opt(), opt(), arb_text(), prop_oneof![Just(String::new()), arb_text()]),
        )
            .prop_map(
                |(
                    (tenant, seq, at, actor_id, actor_name, action, target_type, target_id),
                    (project, details, ip, user_agent, correlation_id, prev_hash, hash),
                )| AuditEvent {
                    tenant,
                    seq,
                    at,
                    actor_type: ActorType::Agent,
                    actor_id,
                    actor_name,
                    action,
                    target_type,
                    target_id,
                    project,
                    outcome: Outcome::Denied,
                    severity: Severity::Critical,
                    details,
                    ip,
                    user_agent,
                    correlation_id,
                    prev_hash,
                    hash,
                },
            )
    }

    fn verify_text(text: &str) -> Result<u64, VerifyError> {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut v = ChainVerifier::new();
        v.feed_lines(&lines)?;
        Ok(v.count())
    }

    #[test]
    fn a_sound_chain_verifies() {
        let events = chain(1000);
        assert_eq!(events[0].prev_hash, GENESIS);
        let mut v = ChainVerifier::new();
        v.feed(&events[..400]).unwrap();
        v.feed(&events[400..]).unwrap();
        assert_eq!(v.count(), 1000);
        assert_eq!(verify_text(&export(&events)), Ok(1000));
    }

    #[test]
    fn edit_gap_and_relink_are_named() {
        let mut edited = chain(10);
        edited[4].details = json!({"i": 999});
        assert_eq!(ChainVerifier::new().feed(&edited), Err(VerifyError::HashMismatch { seq: 5 }));

        let mut gap = chain(10);
        gap.remove(6);
        assert_eq!(ChainVerifier::new().feed(&gap), Err(VerifyError::Gap { expected: 7, found: 8 }));

        // An attacker who edits an event and re-hashes it breaks the next link.
        let mut rehashed = chain(10);
        rehashed[2].details = json!({"i": 999});
        rehashed[2].hash = compute_hash(&rehashed[2]).unwrap();
        assert_eq!(ChainVerifier::new().feed(&rehashed), Err(VerifyError::BrokenLink { seq: 4 }));
    }

    #[test]
    fn secrets_are_redacted_before_hashing() {
        let mut d = draft(1);
        d.details = json!({"password": "hunter2", "note": "AKIAIOSFODNN7EXAMPLE"});
        let e = d.seal("T1", 1, GENESIS);
        assert_eq!(e.details, json!({"password": "[REDACTED]", "note": "[REDACTED]"}));
    }

    proptest! {
        /// The direct writer is byte-for-byte the general JCS encoder, with and without the hash.
        #[test]
        fn canonical_bytes_match_the_general_encoder(e in arb_event()) {
            prop_assert_eq!(canonical_bytes(&e, true).unwrap(), canonicalize(&e).unwrap());
            let mut unsealed = e.clone();
            unsealed.hash.clear();
            prop_assert_eq!(canonical_bytes(&e, false).unwrap(), canonicalize(&unsealed).unwrap());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Any single-byte change anywhere in an export is detected.
        #[test]
        fn any_single_byte_change_is_detected(n in 1u64..12, pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let text = export(&chain(n));
            let mut bytes = text.clone().into_bytes();
            let i = pos.index(bytes.len());
            prop_assume!(bytes[i] != byte);
            bytes[i] = byte;
            let tampered = String::from_utf8_lossy(&bytes);
            prop_assert!(verify_text(&tampered).is_err(), "undetected change at byte {} to {:?}", i, byte as char);
        }
    }
}
