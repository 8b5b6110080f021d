//! Gate tokens (SPEC §5.5): an approval yields a signed, expiring, single-use token bound to the
//! hash of the exact action. Ed25519, one key pair per tenant derived from the server's secret
//! (`key.secret`), so every node of one database signs and verifies alike and no private key is
//! stored. A token is `bsg1.<payload hex>.<signature hex>`; the payload is canonical JSON
//! `{approval, tenant, agent, action_hash, exp, jti}` — verifiable offline with the public key
//! (`GET /api/v1/gate/keys`). Single use is the store's: redeeming marks the approval's token used
//! in the same transaction.

use bosun_core::TenantId;
use bosun_core::audit::{decode_hex, encode_hex};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
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
}

pub struct GateKeys {
    secret: KeySecret,
}

impl GateKeys {
    pub fn new(secret: KeySecret) -> Self {
        GateKeys { secret }
    }

    fn signing(&self, tenant: TenantId) -> SigningKey {
        SigningKey::from_bytes(&self.secret.derive(&format!("bosun-gate-key-v1:{tenant}")))
    }

    /// The tenant's public key, hex.
    pub fn public_key(&self, tenant: TenantId) -> String {
        encode_hex(self.signing(tenant).verifying_key().as_bytes())
    }

    pub fn sign(&self, tenant: TenantId, claims: &Claims) -> String {
        let payload = bosun_core::jcs::canonicalize(claims).expect("claims serialise");
        let signature = self.signing(tenant).sign(&payload);
        format!("bsg1.{}.{}", encode_hex(&payload), encode_hex(&signature.to_bytes()))
    }

    /// The claims of a token signed by this tenant's key, or why not.
    pub fn verify(&self, tenant: TenantId, token: &str) -> Result<Claims, &'static str> {
        verify_with(&self.signing(tenant).verifying_key(), token)
    }
}

/// Verify with a public key (offline: `bosun gate verify`).
pub fn verify_with(key: &VerifyingKey, token: &str) -> Result<Claims, &'static str> {
    let mut parts = token.trim().split('.');
    let (Some("bsg1"), Some(payload), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a gate token (expected bsg1.<payload>.<signature>)");
    };
    let payload = decode_hex(payload).ok_or("the token's payload is not hex")?;
    let sig: [u8; 64] = decode_hex(sig).and_then(|s| s.try_into().ok()).ok_or("the token's signature is malformed")?;
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

    #[test]
    fn tokens_verify_only_with_their_tenants_key_and_unaltered() {
        let keys = GateKeys::new(KeySecret::random().unwrap());
        let (t, other) = (TenantId::generate(), TenantId::generate());
        let claims = Claims {
            approval: "01A".into(),
            tenant: t.to_string(),
            agent: "01G".into(),
            action_hash: "ab".into(),
            exp: 1_900_000_000,
            jti: "j1".into(),
        };
        let token = keys.sign(t, &claims);
        assert_eq!(keys.verify(t, &token), Ok(claims.clone()));
        assert_eq!(keys.sign(t, &claims), token, "Ed25519 is deterministic");
        assert!(keys.verify(other, &token).is_err(), "another tenant's key");
        let public = public_key_from_hex(&keys.public_key(t)).unwrap();
        assert_eq!(verify_with(&public, &token), Ok(claims));
        // One changed byte of the payload.
        let mut forged = token.clone();
        let i = forged.find('.').unwrap() + 3;
        forged.replace_range(i..i + 1, if &forged[i..i + 1] == "0" { "1" } else { "0" });
        assert!(keys.verify(t, &forged).is_err());
        assert!(keys.verify(t, "bsg1.zz.yy").is_err() && keys.verify(t, "garbage").is_err());
    }
}
