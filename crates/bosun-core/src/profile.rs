//! Agent profiles and trust levels (SPEC §5.3).
//!
//! A profile says how far an agent is trusted (`trust_level` 0–4; 0 is suspended: everything
//! is refused, open streams end), which operations it may do beyond that (`allowed_operations`,
//! `blocked_operations`, by audit name), how much it may hold at once (`limits`), and where it
//! may connect (`egress`). The trust levels are what the default Cedar policies read; the rest is
//! enforced by the kernel and handed to the policies as facts.

use serde::{Deserialize, Serialize};

/// What one agent may hold at once. Enforced by the kernel, in the transaction that would exceed
/// it; a refusal names the limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Tasks leased at once.
    pub max_leases: u32,
    /// Locks held at once.
    pub max_locks: u32,
    /// Keys in one lock request.
    pub max_paths_per_lock: u32,
    /// `*` and `**` segments in one lock key (how much of the tree one pattern can cover).
    pub max_pattern_wildcards: u32,
}

/// Domain rules (see `egress`): deny first, then allow, then the default for the agent's kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EgressLists {
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub deny: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    /// 0 suspended, 1 observer, 2 worker, 3 trusted, 4 admin agent.
    pub trust_level: u8,
    /// Operations (audit names, e.g. `task.claimed`) this profile may do at all; `None`: any the
    /// policies allow.
    #[serde(default)]
    pub allowed_operations: Option<Vec<String>>,
    /// Operations refused whatever the policies say.
    #[serde(default)]
    pub blocked_operations: Vec<String>,
    pub limits: Limits,
    #[serde(default)]
    pub egress: EgressLists,
}

impl Profile {
    /// May this profile do `operation` at all (before the policies decide)?
    pub fn allows(&self, operation: &str) -> bool {
        let listed = |list: &[String]| list.iter().any(|o| o == operation);
        !listed(&self.blocked_operations) && self.allowed_operations.as_deref().is_none_or(listed)
    }
}

/// The profile an agent gets when registration names none.
pub const DEFAULT: &str = "worker";
/// The highest trust level.
pub const MAX_TRUST: u8 = 4;

fn builtin(name: &str, trust_level: u8, limits: [u32; 4]) -> Profile {
    let [max_leases, max_locks, max_paths_per_lock, max_pattern_wildcards] = limits;
    Profile {
        name: name.into(),
        trust_level,
        allowed_operations: None,
        blocked_operations: Vec::new(),
        limits: Limits { max_leases, max_locks, max_paths_per_lock, max_pattern_wildcards },
        egress: EgressLists::default(),
    }
}

/// The preconfigured profiles: `suspended` (0), `observer` (1), `worker` (2), `trusted` (3),
/// `admin-agent` (4). Limits: leases, locks, paths per lock request, wildcards per key.
pub fn builtins() -> Vec<Profile> {
    vec![
        builtin("suspended", 0, [0, 0, 0, 0]),
        builtin("observer", 1, [0, 0, 0, 0]),
        builtin("worker", 2, [16, 128, 50, 8]),
        builtin("trusted", 3, [64, 256, 100, 16]),
        builtin("admin-agent", 4, [256, 256, 100, 32]),
    ]
}

/// Check a profile an operator configured.
pub fn validate(p: &Profile) -> Result<(), String> {
    crate::validate::name("profile name", &p.name)?;
    if p.trust_level > MAX_TRUST {
        return Err(format!("profile `{}`: trust_level is 0 to {MAX_TRUST}", p.name));
    }
    crate::egress::Rules::parse(&p.egress.allow, &p.egress.deny).map_err(|e| format!("profile `{}`: {e}", p.name))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_ordered_and_valid() {
        let all = builtins();
        for (i, p) in all.iter().enumerate() {
            assert_eq!(usize::from(p.trust_level), i, "{}", p.name);
            validate(p).unwrap();
        }
        assert!(all.iter().any(|p| p.name == DEFAULT));
    }

    #[test]
    fn blocked_wins_over_allowed() {
        let mut p = builtin("p", 2, [1, 1, 1, 1]);
        assert!(p.allows("task.claimed"));
        p.allowed_operations = Some(vec!["task.claimed".into(), "lock.acquired".into()]);
        p.blocked_operations = vec!["lock.acquired".into()];
        assert!(p.allows("task.claimed"));
        assert!(!p.allows("lock.acquired"));
        assert!(!p.allows("message.sent"));
    }
}
