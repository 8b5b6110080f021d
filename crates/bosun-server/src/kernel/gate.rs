//! Gate tokens (SPEC §5.5): an approval yields a signed, expiring, single-use token bound to the
//! hash of the exact action. Ed25519, one key pair per tenant and key generation, derived from the
//! server's secret (`key.secret`), so every node of one database signs and verifies alike and no
//! private key is stored. Rotating (`POST /api/v1/gate/keys/rotate`) moves the tenant to the next
//! generation: tokens signed with an older one open nothing (the requester asks `approval_status`
//! again and gets the same approval's token under the new key). A token is
//! `bsg1.<payload hex>.<signature hex>`; the payload is canonical JSON
//! `{approval, tenant, agent, action_hash, exp, jti, key}` — verifiable offline with the public
//! key of its generation (`GET /api/v1/gate/keys`). Single use is the store's: redeeming marks the
//! approval's token used in the same transaction.

use bosun_core::TenantId;
use bosun_core::audit::{decode_hex, encode_hex};
pub use ed25519_dalek::VerifyingKey;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};
use serde::{Deserialize, Serialize};

use crate::auth::KeySecret;

/// What a token asserts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    pub approval: String,
    pub tenant: String,
    /// The requester's id: only it may redeem.
    pub agent: String,
    pub action_hash: String,
    /// Unix seconds.
    pub exp: i64,
    pub jti: String,
    /// The generation of the tenant's key that signed it (from 1).
    pub key: u32,
}

/// What a preflight token asserts: room held on the tenant's budgets for this work until `exp`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preflight {
    pub reservation: String,
    pub tenant: String,
    /// The agent that reserved (absent: a user).
    pub agent: Option<String>,
    pub project: String,
    pub tokens: i64,
    /// Decimal, in `currency`.
    pub cost: String,
    pub currency: Option<String>,
    /// Unix seconds: when the hold lapses unless settled.
    pub exp: i64,
    pub key: u32,
}

/// How many generations `GET /api/v1/gate/keys` lists (the current one and those before it).
pub const KEYS_LISTED: u32 = 10;

pub struct GateKeys {
    secret: KeySecret,
    /// Expanded keys (each costs a scalar multiplication to make), per tenant and generation.
    expanded: std::sync::Mutex<std::collections::HashMap<(TenantId, u32), SigningKey>>,
}

/// Expanded keys kept at once; past it the cache starts over.
const EXPANDED: usize = 10_000;

impl GateKeys {
    pub fn new(secret: KeySecret) -> Self {
        GateKeys { secret, expanded: Default::default() }
    }

    fn signing(&self, tenant: TenantId, generation: u32) -> SigningKey {
        let mut cache = self.expanded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(key) = cache.get(&(tenant, generation)) {
            return key.clone();
        }
        // Generation 1 keeps the label keys were first derived under.
        let label = match generation {
            1 => format!("bosun-gate-key-v1:{tenant}"),
            g => format!("bosun-gate-key-v1:{tenant}:{g}"),
        };
        let key = SigningKey::from_bytes(&self.secret.derive(&label));
        if cache.len() >= EXPANDED {
            cache.clear();
        }
        cache.insert((tenant, generation), key.clone());
        key
    }

    /// The public key of one generation of the tenant's key, hex.
    pub fn public_key(&self, tenant: TenantId, generation: u32) -> String {
        encode_hex(self.signing(tenant, generation).verifying_key().as_bytes())
    }

    /// Sign with the generation the claims name.
    pub fn sign(&self, tenant: TenantId, claims: &Claims) -> String {
        self.sign_as(tenant, claims.key, "bsg1", claims)
    }

    /// A budget reservation as a preflight token (`bsp1.…`), signed by the same key.
    pub fn sign_preflight(&self, tenant: TenantId, claims: &Preflight) -> String {
        self.sign_as(tenant, claims.key, "bsp1", claims)
    }

    fn sign_as(&self, tenant: TenantId, generation: u32, prefix: &str, claims: &impl Serialize) -> String {
        let payload = bosun_core::jcs::canonicalize(claims).expect("claims serialise");
        let signature = self.signing(tenant, generation).sign(&payload);
        format!("{prefix}.{}.{}", encode_hex(&payload), encode_hex(&signature.to_bytes()))
    }

    /// The claims of a token signed by the tenant's `current` key, or why not.
    pub fn verify(&self, tenant: TenantId, current: u32, token: &str) -> Result<Claims, &'static str> {
        let (payload, _) = split(token)?;
        let named: Claims = serde_json::from_slice(&payload).map_err(|_| "the token's payload is not valid claims")?;
        if named.key == 0 || named.key > current {
            return Err("the token names a gate key this tenant does not have");
        }
        let claims = verify_with(&self.signing(tenant, named.key).verifying_key(), token)?;
        if claims.key != current {
            return Err(
                "the token was signed with a retired gate key (the key was rotated); ask for the approval's token again",
            );
        }
        Ok(claims)
    }
}

type Parts = (Vec<u8>, [u8; 64]);

fn split(token: &str) -> Result<Parts, &'static str> {
    split_as(token, "bsg1", "not a gate token (expected bsg1.<payload>.<signature>)")
}

/// A token's payload and signature, when it has the prefix (otherwise `not_one`).
fn split_as(token: &str, prefix: &str, not_one: &'static str) -> Result<Parts, &'static str> {
    let mut parts = token.trim().split('.');
    let (Some(p), Some(payload), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(not_one);
    };
    if p != prefix {
        return Err(not_one);
    }
    decode_parts(payload, sig)
}

fn decode_parts(payload: &str, sig: &str) -> Result<Parts, &'static str> {
    let payload = decode_hex(payload).ok_or("the token's payload is not hex")?;
    let sig = decode_hex(sig).and_then(|s| s.try_into().ok()).ok_or("the token's signature is malformed")?;
    Ok((payload, sig))
}

/// Verify a preflight token with a public key (offline: `bosun budget verify`).
pub fn verify_preflight_with(key: &VerifyingKey, token: &str) -> Result<Preflight, &'static str> {
    let (payload, sig) = split_as(token, "bsp1", "not a preflight token (expected bsp1.<payload>.<signature>)")?;
    key.verify(&payload, &Signature::from_bytes(&sig)).map_err(|_| "the token's signature does not verify")?;
    serde_json::from_slice(&payload).map_err(|_| "the token's payload is not valid preflight claims")
}

/// Verify with a public key (offline: `bosun gate verify`).
pub fn verify_with(key: &VerifyingKey, token: &str) -> Result<Claims, &'static str> {
    let (payload, sig) = split(token)?;
    key.verify(&payload, &Signature::from_bytes(&sig)).map_err(|_| "the token's signature does not verify")?;
    serde_json::from_slice(&payload).map_err(|_| "the token's payload is not valid claims")
}

/// A public key from its hex form.
pub fn public_key_from_hex(hex: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = decode_hex(hex)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(t: TenantId, key: u32) -> Claims {
        Claims {
            approval: "01A".into(),
            tenant: t.to_string(),
            agent: "01G".into(),
            action_hash: "ab".into(),
            exp: 1_900_000_000,
            jti: "j1".into(),
            key,
        }
    }

    #[test]
    fn tokens_verify_only_with_their_tenants_key_and_unaltered() {
        let keys = GateKeys::new(KeySecret::random().unwrap());
        let (t, other) = (TenantId::generate(), TenantId::generate());
        let claims = claims(t, 1);
        let token = keys.sign(t, &claims);
        assert_eq!(keys.verify(t, 1, &token), Ok(claims.clone()));
        assert_eq!(keys.sign(t, &claims), token, "Ed25519 is deterministic");
        assert!(keys.verify(other, 1, &token).is_err(), "another tenant's key");
        let public = public_key_from_hex(&keys.public_key(t, 1)).unwrap();
        assert_eq!(verify_with(&public, &token), Ok(claims.clone()));
        // One changed byte of the payload.
        let mut forged = token.clone();
        let i = forged.find('.').unwrap() + 3;
        forged.replace_range(i..i + 1, if &forged[i..i + 1] == "0" { "1" } else { "0" });
        assert!(keys.verify(t, 1, &forged).is_err());
        assert!(keys.verify(t, 1, "bsg1.zz.yy").is_err() && keys.verify(t, 1, "garbage").is_err());
    }

    #[test]
    fn a_rotated_key_retires_the_tokens_it_signed() {
        let keys = GateKeys::new(KeySecret::random().unwrap());
        let t = TenantId::generate();
        let claims = |key| claims(t, key);
        assert_ne!(keys.public_key(t, 1), keys.public_key(t, 2), "each generation is its own key");
        let old = keys.sign(t, &claims(1));
        let retired = keys.verify(t, 2, &old).unwrap_err();
        assert!(retired.contains("retired"), "{retired}");
        assert_eq!(keys.verify(t, 2, &keys.sign(t, &claims(2))), Ok(claims(2)));
        // A token claiming a generation to come, or signed by another generation than it names.
        assert!(keys.verify(t, 1, &keys.sign(t, &claims(2))).unwrap_err().contains("does not have"));
        let (payload, _) = split(&keys.sign(t, &claims(1))).unwrap();
        let (_, sig2) = split(&keys.sign(t, &claims(2))).unwrap();
        let mixed = format!("bsg1.{}.{}", encode_hex(&payload), encode_hex(&sig2));
        assert!(keys.verify(t, 1, &mixed).is_err());
        // Still verifiable offline with the retired generation's public key (for the record).
        let public1 = public_key_from_hex(&keys.public_key(t, 1)).unwrap();
        assert_eq!(verify_with(&public1, &old), Ok(claims(1)));
    }
}
