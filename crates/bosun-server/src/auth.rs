//! API keys: creation, verification, and a small cache so a request does not read the key's
//! record each time.
//!
//! A key carries 192 random bits, so a slow password hash buys nothing: it is stored as
//! HMAC-SHA256 under a server secret kept in the data directory (`key.secret`, 0600), and
//! verified in constant time in about a microsecond, as large API providers do. A stolen
//! database alone does not let anyone test guesses offline. Keys made before this scheme carry an
//! argon2id hash: those are still verified, one at a time (a semaphore bounds the memory argon2
//! takes to one 19 MiB block), and a successful verification is cached like any other.
//!
//! The cache is keyed by SHA-256 of the whole presented key, so a hit proves possession of a
//! key verified before. A hit older than [`RECHECK`] re-reads the key's record so that a
//! revocation takes effect within one second on every node.

use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::PasswordVerifier;
use bosun_core::model::{ApiKey, Owner};
use bosun_core::{KeyId, TenantId, Timestamp, apikey};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::kernel::{Caller, KernelError, Principal};

/// How stale a cached verification may be before the key's record is read again.
pub const RECHECK: jiff::SignedDuration = jiff::SignedDuration::from_secs(1);
/// Enough for a large fleet: one entry per key in use, ~300 bytes each (~60 MB when full).
pub const CACHE_CAP: usize = 200_000;

/// A freshly made key: the plaintext (shown once) and what is stored.
pub struct NewKey {
    pub id: KeyId,
    pub plaintext: String,
    pub prefix: String,
    pub hash: String,
}

impl NewKey {
    pub fn record(&self, tenant: TenantId, owner: Owner, label: Option<String>, at: &str) -> ApiKey {
        ApiKey {
            id: self.id,
            tenant_id: tenant,
            owner,
            prefix: self.prefix.clone(),
            label,
            created_at: at.to_owned(),
            revoked_at: None,
            hash: self.hash.clone(),
            enrolment: false,
        }
    }
}

/// How a stored key hash made with [`KeySecret`] starts.
const HMAC_SCHEME: &str = "hmac-sha256$";

type HmacSha256 = hmac::Hmac<Sha256>;

/// The server's secret for key hashes. Every node serving one database needs the same one.
#[derive(Clone)]
pub struct KeySecret([u8; 32]);

impl std::fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySecret([REDACTED])")
    }
}

impl KeySecret {
    pub fn random() -> Result<Self, KernelError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| KernelError::Internal(format!("no randomness: {e}")))?;
        Ok(Self(bytes))
    }

    /// Read the secret from `path` (64 hex digits), or create it there (mode 0600) when absent.
    pub fn load_or_create(path: &std::path::Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => bosun_core::audit::decode_hex32(text.trim())
                .map(Self)
                .ok_or_else(|| format!("{} must hold 64 hex digits (the key-hash secret)", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                use std::io::Write;
                let secret = Self::random().map_err(|e| e.to_string())?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
                file.write_all(format!("{}\n", bosun_core::audit::encode_hex(&secret.0)).as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok(secret)
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// A 32-byte key derived from the secret for one purpose (e.g. a tenant's gate-signing
    /// seed): every node sharing the secret derives the same one, nothing more is stored.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        self.mac(purpose).finalize().into_bytes().into()
    }

    fn mac(&self, key: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(key.as_bytes());
        mac
    }

    /// The stored form of a key.
    pub fn hash(&self, key: &str) -> String {
        format!("{HMAC_SCHEME}{}", bosun_core::audit::encode_hex(&self.mac(key).finalize().into_bytes()))
    }

    /// Does `token` match a stored hash made by [`hash`](Self::hash)? Constant time.
    pub fn matches(&self, token: &str, stored: &str) -> bool {
        stored.strip_prefix(HMAC_SCHEME).is_some_and(|hex| self.verify(token, hex))
    }

    /// Does `key` match a stored `hmac-sha256$…` hash? Compared in constant time.
    fn verify(&self, key: &str, stored_hex: &str) -> bool {
        bosun_core::audit::decode_hex32(stored_hex)
            .is_some_and(|expected| self.mac(key).verify_slice(&expected).is_ok())
    }
}

/// Make a new random key and its stored hash (microseconds: no need to leave the executor).
pub fn new_key(secret: &KeySecret) -> Result<NewKey, KernelError> {
    let mut random = [0u8; 30];
    getrandom::fill(&mut random).map_err(|e| KernelError::Internal(format!("no randomness: {e}")))?;
    let (plaintext, prefix) = apikey::compose(&random);
    let hash = secret.hash(&plaintext);
    Ok(NewKey { id: KeyId::generate(), plaintext, prefix, hash })
}

/// Run argon2 work (hashing or verifying; ~19 MiB and tens of milliseconds each) off the executor
/// and one at a time, so that a flood of sign-ins or old keys cannot take every core and gigabytes.
pub async fn argon2<R: Send + 'static>(
    work: impl FnOnce(&Argon2<'static>) -> R + Send + 'static,
) -> Result<R, KernelError> {
    static ONE_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
    let _permit = ONE_AT_A_TIME.acquire().await.map_err(|e| KernelError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || work(&Argon2::default()))
        .await
        .map_err(|e| KernelError::Internal(e.to_string()))
}

/// Keys hashed with argon2id before the HMAC scheme (and dashboard passwords): does `presented`
/// match the PHC string `hash`?
pub async fn verify_argon2(hash: String, presented: String) -> Result<bool, KernelError> {
    argon2(move |a| a.verify_password(presented.as_bytes(), hash.as_str()).is_ok()).await
}

/// The token of an `Authorization: Bearer <token>` header (either case of `Bearer`), trimmed.
pub fn bearer_token(header: &str) -> Option<&str> {
    header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).map(str::trim)
}

/// Why authentication failed, and where to audit it.
pub struct AuthFailure {
    /// The tenant of the key the caller named, when the prefix matched one.
    pub tenant: Option<TenantId>,
    pub key_id: Option<KeyId>,
    pub reason: &'static str,
}

pub enum AuthError {
    Denied(AuthFailure),
    Kernel(KernelError),
}

impl From<KernelError> for AuthError {
    fn from(e: KernelError) -> Self {
        AuthError::Kernel(e)
    }
}

#[derive(Clone)]
struct Entry {
    caller: Caller,
    key_id: KeyId,
    owner_id: String,
    /// For agents: when the store last heard from them (as of `checked_at`).
    last_seen: Option<Timestamp>,
    checked_at: Timestamp,
}

/// A successful authentication.
pub struct Authenticated {
    pub caller: Caller,
    /// For an agent: when it was last heard from, so the kernel can record its presence.
    pub presence: Option<Timestamp>,
}

/// Verified keys, least recently used evicted first: a fleet of 100,000 agents keeps every key
/// it uses warm (a first use costs a database read and an HMAC; a hit, a hash and a lookup).
pub struct KeyCache(Mutex<hashlink::LruCache<[u8; 32], Entry>>);

impl Default for KeyCache {
    fn default() -> Self {
        Self::with_capacity(CACHE_CAP)
    }
}

impl KeyCache {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Mutex::new(hashlink::LruCache::new(capacity.max(1))))
    }

    fn get(&self, digest: &[u8; 32]) -> Option<Entry> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(digest).cloned()
    }

    fn put(&self, digest: [u8; 32], entry: Entry) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(digest, entry);
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drop every cached verification of a key (on revocation).
    pub fn forget_key(&self, id: KeyId) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, e| e.key_id != id);
    }

    /// Drop every cached verification of a principal's keys (on deregistration).
    pub fn forget_owner(&self, owner_id: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, e| e.owner_id != owner_id);
    }
}

fn deny(tenant: Option<TenantId>, key_id: Option<KeyId>, reason: &'static str) -> AuthError {
    AuthError::Denied(AuthFailure { tenant, key_id, reason })
}

/// Turn an `Authorization` header into a caller.
pub async fn authenticate(
    store: &bosun_store::ReadStore,
    cache: &KeyCache,
    secret: &KeySecret,
    now: Timestamp,
    header: Option<&str>,
) -> Result<Authenticated, AuthError> {
    let header =
        header.ok_or_else(|| deny(None, None, "missing credential: send `Authorization: Bearer <API key>`"))?;
    let presented =
        bearer_token(header).ok_or_else(|| deny(None, None, "the Authorization header must be `Bearer <API key>`"))?;
    let parsed = apikey::parse(presented).ok_or_else(|| deny(None, None, "malformed API key (expected bsn_…)"))?;
    let digest: [u8; 32] = Sha256::digest(parsed.full.as_bytes()).into();
    let cached = cache.get(&digest);
    if let Some(entry) = &cached
        && now.duration_since(entry.checked_at) < RECHECK
    {
        return Ok(Authenticated { caller: entry.caller.clone(), presence: entry.last_seen });
    }

    let prefix = parsed.prefix.to_owned();
    let found = store
        .read(move |r| {
            let Some(key) = r.key_by_prefix(&prefix)? else { return Ok(None) };
            let tenant = r.tenant(key.tenant_id)?;
            let principal = match key.owner {
                Owner::User(id) => r
                    .user(key.tenant_id, id)?
                    .map(|u| (Principal::User { id: u.id, name: u.name, role: u.role }, None, true)),
                Owner::Agent(id) => r.agent(key.tenant_id, id)?.map(|a| {
                    let usable = a.status != bosun_core::agent::AgentStatus::Terminated;
                    let principal = Principal::Agent { id: a.id, name: a.name, kind: a.kind, profile: a.profile };
                    (principal, Some(a.last_seen_at), usable)
                }),
            };
            Ok(Some((key, tenant, principal)))
        })
        .await
        .map_err(KernelError::from)?;
    let Some((key, tenant, principal)) = found else {
        return Err(deny(None, None, "unknown API key"));
    };
    if key.revoked_at.is_some() {
        cache.forget_key(key.id);
        return Err(deny(Some(key.tenant_id), Some(key.id), "API key revoked"));
    }
    if cached.is_none() {
        let ok = match key.hash.strip_prefix(HMAC_SCHEME) {
            Some(stored) => secret.verify(parsed.full, stored),
            None => verify_argon2(key.hash.clone(), parsed.full.to_owned()).await?,
        };
        if !ok {
            return Err(deny(Some(key.tenant_id), Some(key.id), "wrong API key"));
        }
    }
    let (Some((principal, last_seen, true)), Some(tenant)) = (principal, tenant) else {
        cache.forget_key(key.id);
        return Err(deny(Some(key.tenant_id), Some(key.id), "the key's owner no longer exists or was deregistered"));
    };
    let caller = Caller {
        tenant: tenant.id,
        system_tenant: tenant.system,
        principal,
        enrolment: key.enrolment,
        key: Some(key.id),
    };
    let entry = Entry { caller: caller.clone(), key_id: key.id, owner_id: key.owner.id(), last_seen, checked_at: now };
    cache.put(digest, entry);
    Ok(Authenticated { caller, presence: last_seen })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u8) -> ([u8; 32], Entry) {
        let now = Timestamp::UNIX_EPOCH;
        let caller = Caller::system(TenantId::generate());
        let entry =
            Entry { caller, key_id: KeyId::generate(), owner_id: format!("o{n}"), last_seen: None, checked_at: now };
        ([n; 32], entry)
    }

    /// Full, the cache forgets the key used least recently, not everything and not the newest.
    #[test]
    fn the_key_cache_evicts_the_least_recently_used() {
        let cache = KeyCache::with_capacity(2);
        let ((a, ea), (b, eb), (c, ec)) = (entry(1), entry(2), entry(3));
        cache.put(a, ea);
        cache.put(b, eb);
        assert!(cache.get(&a).is_some()); // a is now the most recently used
        cache.put(c, ec);
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&b).is_none(), "b was least recently used");
        assert!(cache.get(&a).is_some() && cache.get(&c).is_some());
    }
}
