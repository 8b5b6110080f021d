//! Typed identifiers. Each is a ULID rendered as its 26-character string; a value of one of these
//! types has been parsed, so nothing downstream re-checks it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Ids of one process only grow, even within one millisecond: "newest" orderings by
/// (time, id) — the latest handoff, pages in creation order — are then exact, not a coin toss
/// between two ids made in the same millisecond.
pub fn next_ulid() -> ulid::Ulid {
    static GENERATOR: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());
    let mut generator = GENERATOR.lock().unwrap_or_else(|e| e.into_inner());
    generator.generate().unwrap_or_else(|_| ulid::Ulid::generate())
}

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(ulid::Ulid);

        impl $name {
            /// A new id, greater than every id this process made before (see [`next_ulid`]).
            pub fn generate() -> Self {
                Self(next_ulid())
            }
            /// A canonical ULID (either case). Values past 128 bits, which the decoder would
            /// silently wrap into another id, are refused.
            pub fn parse(s: &str) -> Option<Self> {
                let id = ulid::Ulid::from_string(s).ok()?;
                id.to_string().eq_ignore_ascii_case(s).then_some(Self(id))
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s).ok_or_else(|| format!("`{s}` is not a valid id (expected a 26-character ULID)"))
            }
        }
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }
    };
}

ulid_id!(
    /// A tenant: the isolation boundary.
    TenantId
);
ulid_id!(
    /// A human user inside a tenant.
    UserId
);
ulid_id!(
    /// An API key (the key's id, never its secret).
    KeyId
);

ulid_id!(
    /// A registered agent.
    AgentId
);
ulid_id!(
    /// A task in a queue.
    TaskId
);
ulid_id!(
    /// A granted lock.
    LockId
);
ulid_id!(
    /// A handoff document.
    HandoffId
);

ulid_id!(
    /// A message (also the id of the thread it starts).
    MessageId
);

ulid_id!(
    /// A request for a gated action; also the id of the gate token it yields.
    ApprovalId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_made_in_one_millisecond_still_grow() {
        let ids: Vec<TaskId> = (0..1000).map(|_| TaskId::generate()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn out_of_range_ulids_are_refused() {
        // 26 base-32 digits hold 130 bits; a ULID is 128, so a first digit above 7 overflows.
        assert!(TaskId::parse("ZZZZZZZZZZZZZZZZZZZZZZZZZZ").is_none());
        assert!(TaskId::parse("8ZZZZZZZZZZZZZZZZZZZZZZZZZ").is_none());
        assert!(TaskId::parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ").is_some());
    }

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = TenantId::generate();
        assert_eq!(TenantId::parse(&id.to_string()), Some(id));
        assert_eq!(TenantId::parse("not-a-ulid"), None);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<TenantId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<TenantId>("\"x\"").is_err());
    }
}
