//! Roles (SPEC §5.1) and the actions they allow, as one table.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A user's role. Each role includes the rights of the ones before it:
/// `viewer` reads; `developer` also submits work and registers agents; `approver` also decides
/// approvals; `admin` does everything inside its tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Developer,
    Approver,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Developer, Role::Approver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Developer => "developer",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may do an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Any authenticated principal of the tenant with at least this role.
    Role(Role),
    /// A tenant admin, or the principal acting on its own record (its own keys).
    AdminOrSelf,
    /// An admin of the system tenant (the one created at first start).
    SystemAdmin,
}

/// Every action Bosun audits, named `noun.verb` as in the audit log and the event stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    TenantCreate,
    /// Only ever audited as a denial: listing tenants is a read.
    TenantList,
    UserCreate,
    KeyCreate,
    KeyRevoke,
    /// A credential was missing or wrong (401); audited, never allowed.
    AuthFail,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::TenantCreate => "tenant.created",
            Action::TenantList => "tenant.listed",
            Action::UserCreate => "user.created",
            Action::KeyCreate => "key.created",
            Action::KeyRevoke => "key.revoked",
            Action::AuthFail => "auth.failed",
        }
    }

    /// The one table of who may do what.
    pub fn requirement(self) -> Requirement {
        match self {
            Action::TenantCreate | Action::TenantList => Requirement::SystemAdmin,
            Action::UserCreate => Requirement::Role(Role::Admin),
            Action::KeyCreate | Action::KeyRevoke => Requirement::AdminOrSelf,
            Action::AuthFail => Requirement::SystemAdmin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_rights_and_round_trip() {
        assert!(Role::Viewer < Role::Developer && Role::Developer < Role::Approver);
        assert!(Role::Approver < Role::Admin);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn action_table() {
        let table = [
            (
                Action::TenantCreate,
                "tenant.created",
                Requirement::SystemAdmin,
            ),
            (
                Action::UserCreate,
                "user.created",
                Requirement::Role(Role::Admin),
            ),
            (Action::KeyCreate, "key.created", Requirement::AdminOrSelf),
            (Action::KeyRevoke, "key.revoked", Requirement::AdminOrSelf),
        ];
        for (action, name, req) in table {
            assert_eq!(action.name(), name);
            assert_eq!(action.requirement(), req);
        }
    }
}
