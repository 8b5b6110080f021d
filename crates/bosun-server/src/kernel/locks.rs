//! Locks (SPEC §3.3): acquiring all or nothing with bounded overlap work, renewing, releasing by
//! id or by key, and the reads. The overlap rule itself is `bosun_core::lockkey`.

use bosun_core::audit::Severity;
use bosun_core::lockkey::{CompiledKey, LockKey, Overlap};
use bosun_core::model::{Holder, Lock, Owner};
use bosun_core::{Action, LockId, Role, TaskId};
use jiff::SignedDuration;
use serde::Serialize;
use serde_json::json;

use super::coord::{check_list, check_project, check_seconds, check_text, invalid, parse_keys};
use super::{Applied, Caller, Kernel, KernelError, Outcome, Principal, Tx};

#[derive(Clone, Debug, Serialize)]
pub struct AcquireLocks {
    pub project: String,
    pub paths: Vec<String>,
    pub exclusive: bool,
    pub ttl_seconds: u32,
    pub reason: Option<String>,
}

pub(super) fn validate_acquire(a: &AcquireLocks) -> Result<(), KernelError> {
    check_project(&a.project)?;
    if a.paths.is_empty() {
        return Err(invalid("`paths` must name at least one lock key"));
    }
    check_list("paths", &a.paths, 100, 512)?;
    parse_keys("paths", &a.paths)?;
    check_seconds("ttl_seconds", a.ttl_seconds, 7 * 86_400)?;
    match &a.reason {
        Some(r) => check_text("reason", r, 0, 2000),
        None => Ok(()),
    }
}

pub(super) fn validate_ttl(ttl_seconds: Option<u32>) -> Result<(), KernelError> {
    ttl_seconds.map_or(Ok(()), |t| check_seconds("ttl_seconds", t, 7 * 86_400))
}

pub(super) fn validate_release_keys(project: &str, paths: &[String]) -> Result<(), KernelError> {
    check_project(project)?;
    if paths.is_empty() {
        return Err(invalid("`paths` must name at least one lock key"));
    }
    check_list("paths", paths, 100, 512)?;
    parse_keys("paths", paths).map(drop)
}

/// A lock is renewed by its holder, and released by its holder or, forcibly, by an admin.
pub(super) async fn authorize_lock(
    kernel: &Kernel,
    caller: &Caller,
    lock_id: LockId,
    releasing: bool,
) -> Result<(), KernelError> {
    let lock = kernel.active_lock(caller, lock_id).await?;
    let holder = caller.holder().map(|h| h.owner);
    let is_admin = matches!(caller.principal, Principal::User { role: Role::Admin, .. });
    if holder == Some(lock.holder.owner) || (releasing && is_admin) || caller.principal == Principal::System {
        Ok(())
    } else {
        Err(KernelError::Forbidden(format!(
            "lock {} on `{}` is held by {}; only its holder{} may {}",
            lock.id,
            lock.key,
            lock.holder.name,
            if releasing { " or an admin" } else { "" },
            if releasing { "release it" } else { "renew it" }
        )))
    }
}

/// Work one lock request may spend deciding overlaps (product-automaton steps, ~10 ns each in
/// a release build): it runs inside the write transaction, so it bounds how long one request can
/// hold up every other writer. Pairs left undecided when it runs out count as conflicts.
pub const REQUEST_OVERLAP_BUDGET: u64 = 2_000_000;

/// Locks one holder may have at once in a tenant (each is checked by every later request).
pub const MAX_LOCKS_PER_HOLDER: usize = 256;

/// Locks of other holders that a request would collide with, as JSON for the 409.
pub(super) fn lock_conflicts(
    tx: &mut Tx<'_>,
    project: &str,
    wanted: &[LockKey],
    exclusive: bool,
    me: Owner,
) -> Result<Vec<Conflict>, KernelError> {
    let wanted: Vec<_> = wanted.iter().map(LockKey::compile).collect();
    let mut budget = REQUEST_OVERLAP_BUDGET;
    let mut conflicts = Vec::new();
    for lock in tx.w.active_locks(tx.caller.tenant, Some(project), tx.now)? {
        if lock.holder.owner == me || !(exclusive || lock.exclusive) {
            continue;
        }
        // Parsed and compiled in one pass: every held lock of the project is, on every request.
        let Ok(held) = CompiledKey::parse(&lock.key) else { continue };
        for want in &wanted {
            let example = match want.overlap(&held, &mut budget) {
                Overlap::Disjoint => continue,
                Overlap::Overlaps(example) => Some(example),
                Overlap::Undecided => None,
            };
            conflicts.push(Conflict { requested: want.key.to_string(), example, lock });
            // One conflict refuses the request: stop at the first, the answer names it.
            return Ok(conflicts);
        }
    }
    Ok(conflicts)
}

/// A requested key that collides with another holder's lock.
#[derive(Clone, Debug)]
pub struct Conflict {
    /// The held lock (holder, key, expiry, exclusivity).
    pub lock: Lock,
    /// The requested key, normalised.
    pub requested: String,
    /// A path both cover; `None` when the work budget ran out before a decision.
    pub example: Option<String>,
}

pub(super) fn conflict_error(conflicts: Vec<Conflict>) -> KernelError {
    let c = &conflicts[0];
    let verb =
        if c.example.is_none() { "could not be shown (within the work limit) not to overlap" } else { "overlaps" };
    let detail = format!(
        "{} {verb} `{}`, held {}by {} until {}; pick other files (or a simpler pattern) or wait",
        c.requested,
        c.lock.key,
        if c.lock.exclusive { "exclusively " } else { "" },
        c.lock.holder.name,
        bosun_core::clock::format_micros(c.lock.expires_at),
    );
    KernelError::LockConflict { detail, conflicts }
}

/// What a grant of locks is for.
pub(super) struct Grant<'a> {
    pub(super) project: &'a str,
    pub(super) exclusive: bool,
    pub(super) holder: &'a Holder,
    pub(super) task: Option<TaskId>,
    pub(super) ttl: SignedDuration,
    pub(super) reason: Option<String>,
}

/// Grant locks (all or nothing is the caller's job: check conflicts first).
pub(super) fn grant(tx: &mut Tx<'_>, keys: &[LockKey], g: Grant<'_>) -> Result<Vec<Lock>, KernelError> {
    let Grant { project, exclusive, holder, task, ttl, reason } = g;
    let mut locks = Vec::with_capacity(keys.len());
    for key in keys {
        let key = key.to_string();
        let fence = tx.w.next_lock_fence(tx.caller.tenant, project, &key)?;
        let lock = Lock {
            id: LockId::generate(),
            tenant_id: tx.caller.tenant,
            project: project.to_owned(),
            key,
            exclusive,
            holder: holder.clone(),
            task_id: task,
            reason: reason.clone(),
            fence,
            expires_at: tx.now + ttl,
            created_at: tx.now,
        };
        tx.w.insert_lock(&lock)?;
        locks.push(lock);
    }
    Ok(locks)
}

// ---- locks ----

pub(super) fn acquire(tx: &mut Tx<'_>, a: AcquireLocks) -> Result<Applied, KernelError> {
    let holder = tx.caller.holder().ok_or_else(|| KernelError::Forbidden("Bosun itself holds no locks".into()))?;
    let keys = parse_keys("paths", &a.paths)?;
    let limits = super::governance::agent_limits(tx);
    if let Some((profile, limits)) = &limits {
        use super::governance::over_limit;
        if keys.len() as u64 > u64::from(limits.max_paths_per_lock) {
            return Err(over_limit(profile, "max_paths_per_lock", limits.max_paths_per_lock, "paths per lock request"));
        }
        if let Some(key) = keys.iter().find(|k| k.wildcards() > limits.max_pattern_wildcards as usize) {
            let what = format!("wildcard segments per lock key; `{key}` has {}", key.wildcards());
            return Err(over_limit(profile, "max_pattern_wildcards", limits.max_pattern_wildcards, &what));
        }
    }
    let conflicts = lock_conflicts(tx, &a.project, &keys, a.exclusive, holder.owner)?;
    if !conflicts.is_empty() {
        return Err(conflict_error(conflicts));
    }
    let ttl = SignedDuration::from_secs(i64::from(a.ttl_seconds));
    // Asking again for a key you hold renews that lock (a client retrying after a timeout must
    // not leak a second lock for the TTL); only the keys you do not hold yet are granted.
    let mine = tx.w.locks_of(tx.caller.tenant, &holder.owner.id())?;
    let active = |l: &&Lock| l.expires_at > tx.now && l.project == a.project && l.task_id.is_none();
    let mut renewed = Vec::new();
    let mut fresh = Vec::new();
    for key in keys {
        let text = key.to_string();
        match mine.iter().filter(active).find(|l| l.key == text && l.exclusive == a.exclusive) {
            Some(held) if !renewed.iter().any(|r: &Lock| r.id == held.id) => {
                let mut lock = held.clone();
                lock.expires_at = tx.now + ttl;
                if a.reason.is_some() {
                    lock.reason = a.reason.clone();
                }
                tx.w.update_lock(&lock)?;
                renewed.push(lock);
            }
            Some(_) => {}
            None if fresh.contains(&key) => {}
            None => fresh.push(key),
        }
    }
    let held_now = mine.iter().filter(|l| l.expires_at > tx.now).count();
    if let Some((profile, limits)) = &limits
        && (held_now + fresh.len()) as u64 > u64::from(limits.max_locks)
    {
        let what = format!("locks held at once; this agent holds {held_now} and asked for {} more", fresh.len());
        return Err(super::governance::over_limit(profile, "max_locks", limits.max_locks, &what));
    }
    if held_now + fresh.len() > MAX_LOCKS_PER_HOLDER {
        return Err(invalid(format!(
            "you hold {held_now} locks and asked for {} more; a holder may have at most {MAX_LOCKS_PER_HOLDER} \
             (release some, or lock a directory with a glob instead of each file)",
            fresh.len()
        )));
    }
    let g = Grant {
        project: &a.project,
        exclusive: a.exclusive,
        holder: &holder,
        task: None,
        ttl,
        reason: a.reason.clone(),
    };
    let mut locks = grant(tx, &fresh, g)?;
    let renewed_ids: Vec<LockId> = renewed.iter().map(|l| l.id).collect();
    locks.extend(renewed);
    let details = json!({
        "keys": locks.iter().map(|l| l.key.as_str()).collect::<Vec<_>>(),
        "exclusive": a.exclusive,
        "ttl_seconds": a.ttl_seconds,
        "fences": locks.iter().map(|l| l.fence).collect::<Vec<_>>(),
        "lock_ids": locks.iter().map(|l| l.id).collect::<Vec<_>>(),
        "renewed": renewed_ids,
        "reason": a.reason,
    });
    let target = ("lock", locks[0].id.to_string());
    Ok(Applied::new(Action::LockAcquire, Outcome::LocksAcquired(locks), target, details).project(&a.project))
}

fn load_active_lock(tx: &mut Tx<'_>, id: LockId) -> Result<Lock, KernelError> {
    match tx.w.lock(tx.caller.tenant, id)? {
        Some(lock) if lock.expires_at > tx.now => Ok(lock),
        _ => Err(KernelError::NotFound(format!("no active lock with id {id}"))),
    }
}

pub(super) fn renew(tx: &mut Tx<'_>, id: LockId, ttl_seconds: Option<u32>) -> Result<Applied, KernelError> {
    let mut lock = load_active_lock(tx, id)?;
    let ttl = SignedDuration::from_secs(i64::from(ttl_seconds.unwrap_or(3600)));
    lock.expires_at = tx.now + ttl;
    tx.w.update_lock(&lock)?;
    let details = json!({ "key": lock.key, "expires_at": bosun_core::clock::format_micros(lock.expires_at) });
    let project = lock.project.clone();
    Ok(Applied::new(Action::LockRenew, Outcome::LockUpdated(lock), ("lock", id.to_string()), details).project(&project))
}

pub(super) fn release(tx: &mut Tx<'_>, id: LockId) -> Result<Applied, KernelError> {
    let lock = load_active_lock(tx, id)?;
    let forced = tx.caller.holder().map(|h| h.owner) != Some(lock.holder.owner);
    tx.w.delete_lock(tx.caller.tenant, id)?;
    let details =
        json!({ "key": lock.key, "holder": lock.holder.name, "holder_id": lock.holder.owner.id(), "forced": forced });
    let severity = if forced { Severity::Warning } else { Severity::Info };
    let project = lock.project.clone();
    Ok(Applied::new(Action::LockRelease, Outcome::LockUpdated(lock), ("lock", id.to_string()), details)
        .project(&project)
        .severity(severity))
}

/// Release the caller's own active locks whose keys are among `paths` (after normalising).
pub(super) fn release_keys(tx: &mut Tx<'_>, project: &str, paths: &[String]) -> Result<Applied, KernelError> {
    let holder = tx.caller.holder().ok_or_else(|| KernelError::Forbidden("Bosun itself holds no locks".into()))?;
    let keys: Vec<String> = parse_keys("paths", paths)?.iter().map(ToString::to_string).collect();
    let mut released = Vec::new();
    for lock in tx.w.locks_of(tx.caller.tenant, &holder.owner.id())? {
        if lock.expires_at > tx.now && lock.project == project && keys.contains(&lock.key) {
            tx.w.delete_lock(tx.caller.tenant, lock.id)?;
            released.push(lock);
        }
    }
    let Some(first) = released.first() else {
        return Err(KernelError::NotFound(format!(
            "you hold no active lock on {} in project `{project}`",
            keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        )));
    };
    let target = ("lock", first.id.to_string());
    let details = json!({
        "keys": released.iter().map(|l| l.key.as_str()).collect::<Vec<_>>(),
        "lock_ids": released.iter().map(|l| l.id).collect::<Vec<_>>(),
        "holder": holder.name,
        "forced": false,
    });
    Ok(Applied::new(Action::LockRelease, Outcome::LocksReleased(released), target, details).project(project))
}

impl Kernel {
    /// Active locks of a project (or all), optionally only those covering a path.
    pub async fn locks(
        &self,
        caller: &Caller,
        project: Option<String>,
        path: Option<String>,
    ) -> Result<Vec<Lock>, KernelError> {
        let (tenant, now) = (caller.tenant, self.clock.now());
        let locks = self.store.read(move |r| r.active_locks(tenant, project.as_deref(), now)).await?;
        Ok(match path {
            None => locks,
            Some(path) => {
                let probe = LockKey::parse(&path).map_err(|e| invalid(format!("`path`: {e}")))?.compile();
                // The same bounded work as a request; an undecided lock is listed (it may cover).
                let mut budget = REQUEST_OVERLAP_BUDGET;
                locks
                    .into_iter()
                    .filter(|l| {
                        CompiledKey::parse(&l.key).is_ok_and(|k| probe.overlap(&k, &mut budget) != Overlap::Disjoint)
                    })
                    .collect()
            }
        })
    }

    pub(super) async fn active_lock(&self, caller: &Caller, id: LockId) -> Result<Lock, KernelError> {
        let (tenant, now) = (caller.tenant, self.clock.now());
        match self.store.read(move |r| r.lock(tenant, id)).await? {
            Some(lock) if lock.expires_at > now => Ok(lock),
            _ => Err(KernelError::NotFound(format!("no active lock with id {id}"))),
        }
    }
}
