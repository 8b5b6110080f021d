//! Agents (SPEC §3.1): the lifecycle as one table, and memorable names.

use serde::{Deserialize, Serialize};

/// An agent's lifecycle state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentStatus {
    Spawning,
    Idle,
    Busy,
    Terminating,
    Terminated,
    Failed,
    Offline,
}

use AgentStatus::*;

/// Every allowed transition: `spawning → idle ⇄ busy → terminating → terminated`, `failed` and
/// `offline` from any live state, an `offline` agent that speaks again is `idle`, and a failed or
/// offline agent can still be deregistered.
pub const TRANSITIONS: &[(AgentStatus, AgentStatus)] = &[
    (Spawning, Idle),
    (Spawning, Busy),
    (Idle, Busy),
    (Busy, Idle),
    (Spawning, Terminating),
    (Idle, Terminating),
    (Busy, Terminating),
    (Terminating, Terminated),
    (Spawning, Failed),
    (Idle, Failed),
    (Busy, Failed),
    (Terminating, Failed),
    (Spawning, Offline),
    (Idle, Offline),
    (Busy, Offline),
    (Terminating, Offline),
    (Offline, Idle),
    (Offline, Terminated),
    (Failed, Terminated),
];

impl AgentStatus {
    pub const ALL: [AgentStatus; 7] = [Spawning, Idle, Busy, Terminating, Terminated, Failed, Offline];

    pub fn as_str(self) -> &'static str {
        match self {
            Spawning => "spawning",
            Idle => "idle",
            Busy => "busy",
            Terminating => "terminating",
            Terminated => "terminated",
            Failed => "failed",
            Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Live agents hold leases and locks, and are watched by the reaper.
    pub fn is_live(self) -> bool {
        matches!(self, Spawning | Idle | Busy | Terminating)
    }

    pub fn can_become(self, to: AgentStatus) -> bool {
        TRANSITIONS.contains(&(self, to))
    }

    /// The path deregistration takes from here to `terminated`, or `None` when it cannot.
    pub fn path_to_terminated(self) -> Option<&'static [AgentStatus]> {
        match self {
            Spawning | Idle | Busy => Some(&[Terminating, Terminated]),
            Terminating | Offline | Failed => Some(&[Terminated]),
            Terminated => None,
        }
    }
}

const ADJECTIVES: [&str; 48] = [
    "Amber", "Bold", "Brave", "Bright", "Brisk", "Calm", "Clever", "Cobalt", "Crimson", "Daring", "Eager", "Fast",
    "Fierce", "Gentle", "Golden", "Green", "Happy", "Hidden", "Honest", "Humble", "Jolly", "Keen", "Kind", "Lively",
    "Lucky", "Mellow", "Merry", "Mighty", "Nimble", "Noble", "Patient", "Proud", "Quick", "Quiet", "Rapid", "Red",
    "Silent", "Silver", "Steady", "Swift", "Tidy", "True", "Vivid", "Wise", "Witty", "Young", "Zesty", "Azure",
];
const NOUNS: [&str; 48] = [
    "Anchor", "Badger", "Beacon", "Bison", "Castle", "Cedar", "Comet", "Condor", "Coral", "Falcon", "Fern", "Forge",
    "Fox", "Glacier", "Harbor", "Hawk", "Heron", "Island", "Lantern", "Lynx", "Maple", "Meadow", "Mesa", "Otter",
    "Owl", "Panda", "Pebble", "Pine", "Quarry", "Raven", "Reef", "River", "Robin", "Sparrow", "Spruce", "Summit",
    "Thistle", "Tiger", "Tundra", "Valley", "Walrus", "Willow", "Wolf", "Yak", "Zephyr", "Canyon", "Delta", "Ember",
];

/// A memorable `AdjectiveNoun` name from a random number; `attempt` > 0 adds a number, for when
/// the plain names are taken.
pub fn memorable_name(random: u64, attempt: u32) -> String {
    let adjective = ADJECTIVES[(random % ADJECTIVES.len() as u64) as usize];
    let noun = NOUNS[((random / ADJECTIVES.len() as u64) % NOUNS.len() as u64) as usize];
    if attempt == 0 {
        format!("{adjective}{noun}")
    } else {
        format!("{adjective}{noun}{}", random % 1000 + u64::from(attempt))
    }
}

/// Does an agent with `have` satisfy a task needing `need`?
pub fn has_capabilities(have: &[String], need: &[String]) -> bool {
    need.iter().all(|n| have.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_table() {
        // Every pair is either in the table or refused; spot-check the spec's shape.
        for from in AgentStatus::ALL {
            for to in AgentStatus::ALL {
                assert_eq!(from.can_become(to), TRANSITIONS.contains(&(from, to)));
            }
            assert!(!from.can_become(from), "{from:?} → itself is not a transition");
        }
        assert!(Idle.can_become(Busy) && Busy.can_become(Idle));
        assert!(!Terminated.can_become(Idle), "terminated is final");
        assert!(!Idle.can_become(Terminated), "deregistration passes through terminating");
        for live in AgentStatus::ALL.into_iter().filter(|s| s.is_live()) {
            assert!(live.can_become(Offline) && live.can_become(Failed));
        }
        for s in AgentStatus::ALL {
            if let Some(path) = s.path_to_terminated() {
                let mut at = s;
                for step in path {
                    assert!(at.can_become(*step), "{at:?} → {step:?}");
                    at = *step;
                }
                assert_eq!(at, Terminated);
            }
        }
    }

    #[test]
    fn names_are_memorable() {
        let n = memorable_name(12345, 0);
        assert!(n.chars().next().unwrap().is_ascii_uppercase() && n.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(memorable_name(12345, 1), n);
        assert!(crate::validate::name("name", &memorable_name(u64::MAX, 3)).is_ok());
    }

    #[test]
    fn capabilities() {
        let have = vec!["rust".to_owned(), "git".to_owned()];
        assert!(has_capabilities(&have, &[]));
        assert!(has_capabilities(&have, &["rust".into()]));
        assert!(!has_capabilities(&have, &["rust".into(), "gpu".into()]));
    }
}
