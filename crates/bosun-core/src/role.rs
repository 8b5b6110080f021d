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
    /// A user with at least this role, or an agent (agents act at `developer` level, within what
    /// each command checks of them: holding the lease, holding the lock, being themselves).
    Role(Role),
    /// A user with at least this role; agents may not.
    UserRole(Role),
    /// A tenant admin, or the principal acting on its own record (its own keys).
    AdminOrSelf,
    /// An admin of the system tenant (the one created at first start).
    SystemAdmin,
    /// An agent (claiming and working tasks, heartbeats).
    Agent,
    /// Bosun itself: timers and presence.
    System,
}

/// Who may see an action's events on the live stream (users of the tenant see them all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Every agent of the tenant: coordination (tasks, locks, agents, handoffs).
    Fleet,
    /// The agents it concerns: its actor, its target, and a message's recipients.
    Parties,
    /// Users only: identity, keys, policy, failed logins.
    Users,
}

/// Every action Bosun audits, named `noun.verb` as in the audit log and the event stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    TenantCreate,
    /// Only ever audited as a denial: listing tenants is a read.
    TenantList,
    UserCreate,
    KeyCreate,
    UserPasswordSet,
    UserLinkIssued,
    SessionStart,
    SessionEnd,
    KeyRevoke,
    /// A credential was missing or wrong (401); audited, never allowed.
    AuthFail,
    AgentRegister,
    AgentHeartbeat,
    AgentDeregister,
    AgentStatusChange,
    AgentOffline,
    TaskSubmit,
    TaskClaim,
    TaskHeartbeat,
    TaskComplete,
    TaskFail,
    TaskCancel,
    TaskRetry,
    TaskLeaseExpire,
    TaskRequeue,
    LockAcquire,
    LockRenew,
    LockRelease,
    LockExpire,
    HandoffWrite,
    MessageSend,
    MessageDeliver,
    MessageRead,
    MessageAck,
    AllowlistUpdate,
    PolicyUpdate,
    /// A new policy version with an older version's text.
    PolicyRollback,
    AgentProfileChange,
    /// An egress check (Cedar's `network_access`); audited only when denied (every decision
    /// is in the egress access log).
    EgressCheck,
    /// A suspended agent (trust level 0) tried anything; only ever a denial.
    SuspendedAccess,
    /// A guardrail check found violations (audited; a clean check is not).
    GuardrailViolation,
    GuardrailRulesUpdate,
    ApprovalRequest,
    ApprovalApprove,
    ApprovalDeny,
    /// A gate token presented for its action, and used up.
    GateRedeem,
    /// A pending approval whose time ran out (by Bosun's scheduler).
    ApprovalExpire,
    /// An enrolment key used for anything but registering an agent; only ever a denial.
    EnrolmentMisuse,
    /// The tenant's approval threshold changed.
    ApprovalSettingsUpdate,
    /// The tenant's gate signing key rotated: tokens signed before open nothing.
    GateKeyRotate,
    BudgetUpdate,
    /// Room held on the budgets before work (a refusal is audited as a denial).
    BudgetReserve,
    /// What work actually cost, settling its reservation.
    BudgetSettle,
    /// An unsettled reservation past its time (by Bosun's scheduler).
    BudgetReservationExpire,
    /// A rule fired (by Bosun's alert engine).
    AlertRaise,
    /// A suppression window closed with more matches: the alert's count.
    AlertCount,
    AlertAcknowledge,
    AlertResolve,
    AlertRulesUpdate,
    WebhookCreate,
    WebhookDelete,
    /// One attempt to deliver an alert to a webhook (by Bosun).
    WebhookDelivery,
    /// Retention pruned the egress log, settled deliveries or the usage ledger (by Bosun).
    RetentionPrune,
    /// A memory written (or a duplicate folded into one); never its content.
    MemoryRemember,
    /// Memories erased (by id, author, subject or tag); only how many, never their content.
    MemoryErase,
    MemorySettingsUpdate,
    /// A workflow run started (its first tasks created).
    WorkflowStart,
    /// A workflow run cancelled, with its running tasks.
    WorkflowCancel,
    /// A new version of a tenant's workflow template.
    WorkflowTemplatePut,
}

/// The one table: each action, its name, who may do it, and who sees its events.
const TABLE: &[(Action, &str, Requirement, Audience)] = &[
    (Action::TenantCreate, "tenant.created", Requirement::SystemAdmin, Audience::Users),
    (Action::TenantList, "tenant.listed", Requirement::SystemAdmin, Audience::Users),
    (Action::UserCreate, "user.created", Requirement::Role(Role::Admin), Audience::Users),
    (Action::KeyCreate, "key.created", Requirement::AdminOrSelf, Audience::Users),
    (Action::UserPasswordSet, "user.password_set", Requirement::AdminOrSelf, Audience::Users),
    (Action::UserLinkIssued, "user.link_issued", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::SessionStart, "session.started", Requirement::UserRole(Role::Viewer), Audience::Users),
    (Action::SessionEnd, "session.ended", Requirement::UserRole(Role::Viewer), Audience::Users),
    (Action::KeyRevoke, "key.revoked", Requirement::AdminOrSelf, Audience::Users),
    (Action::AuthFail, "auth.failed", Requirement::System, Audience::Users),
    (Action::AgentRegister, "agent.registered", Requirement::UserRole(Role::Developer), Audience::Fleet),
    (Action::AgentHeartbeat, "agent.heartbeat", Requirement::Agent, Audience::Fleet),
    (Action::AgentDeregister, "agent.deregistered", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::AgentStatusChange, "agent.status_changed", Requirement::System, Audience::Fleet),
    (Action::AgentOffline, "agent.offline", Requirement::System, Audience::Fleet),
    (Action::TaskSubmit, "task.submitted", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::TaskClaim, "task.claimed", Requirement::Agent, Audience::Fleet),
    (Action::TaskHeartbeat, "task.heartbeat", Requirement::Agent, Audience::Fleet),
    (Action::TaskComplete, "task.completed", Requirement::Agent, Audience::Fleet),
    (Action::TaskFail, "task.failed", Requirement::Agent, Audience::Fleet),
    (Action::TaskCancel, "task.cancelled", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::TaskRetry, "task.retried", Requirement::UserRole(Role::Developer), Audience::Fleet),
    (Action::TaskLeaseExpire, "task.lease_expired", Requirement::System, Audience::Fleet),
    (Action::TaskRequeue, "task.requeued", Requirement::System, Audience::Fleet),
    (Action::LockAcquire, "lock.acquired", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::LockRenew, "lock.renewed", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::LockRelease, "lock.released", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::LockExpire, "lock.expired", Requirement::System, Audience::Fleet),
    (Action::HandoffWrite, "handoff.written", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::MessageSend, "message.sent", Requirement::Role(Role::Developer), Audience::Parties),
    (Action::MessageDeliver, "message.delivered", Requirement::Agent, Audience::Parties),
    (Action::MessageRead, "message.read", Requirement::Agent, Audience::Parties),
    (Action::MessageAck, "message.acked", Requirement::Agent, Audience::Parties),
    (Action::AllowlistUpdate, "allowlist.updated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::PolicyUpdate, "policy.updated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::PolicyRollback, "policy.rolled_back", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::AgentProfileChange, "agent.profile_changed", Requirement::UserRole(Role::Admin), Audience::Fleet),
    (Action::EgressCheck, "egress.checked", Requirement::Agent, Audience::Parties),
    (Action::SuspendedAccess, "agent.access_refused", Requirement::System, Audience::Users),
    (Action::GuardrailViolation, "guardrail.violated", Requirement::System, Audience::Parties),
    (Action::GuardrailRulesUpdate, "guardrail.rules_updated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::ApprovalRequest, "approval.requested", Requirement::Role(Role::Developer), Audience::Parties),
    (Action::ApprovalApprove, "approval.approved", Requirement::UserRole(Role::Approver), Audience::Parties),
    (Action::ApprovalDeny, "approval.denied", Requirement::UserRole(Role::Approver), Audience::Parties),
    (Action::GateRedeem, "gate.redeemed", Requirement::Role(Role::Developer), Audience::Parties),
    (Action::ApprovalExpire, "approval.expired", Requirement::System, Audience::Parties),
    (Action::EnrolmentMisuse, "key.enrolment_misused", Requirement::System, Audience::Users),
    (Action::ApprovalSettingsUpdate, "approval.settings_updated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::GateKeyRotate, "gate.key_rotated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::BudgetUpdate, "budget.updated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::BudgetReserve, "budget.reserved", Requirement::Role(Role::Developer), Audience::Parties),
    (Action::BudgetSettle, "usage.recorded", Requirement::Role(Role::Developer), Audience::Parties),
    (Action::BudgetReservationExpire, "budget.reservation_expired", Requirement::System, Audience::Parties),
    (Action::AlertRaise, "alert.raised", Requirement::System, Audience::Users),
    (Action::AlertCount, "alert.suppressed", Requirement::System, Audience::Users),
    (Action::AlertAcknowledge, "alert.acknowledged", Requirement::UserRole(Role::Developer), Audience::Users),
    (Action::AlertResolve, "alert.resolved", Requirement::UserRole(Role::Developer), Audience::Users),
    (Action::AlertRulesUpdate, "alert.rules_updated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::WebhookCreate, "webhook.created", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::WebhookDelete, "webhook.deleted", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::WebhookDelivery, "webhook.delivery", Requirement::System, Audience::Users),
    (Action::RetentionPrune, "retention.pruned", Requirement::System, Audience::Users),
    (Action::MemoryRemember, "memory.remembered", Requirement::Role(Role::Developer), Audience::Parties),
    (Action::MemoryErase, "memory.erased", Requirement::AdminOrSelf, Audience::Users),
    (Action::MemorySettingsUpdate, "memory.settings_updated", Requirement::UserRole(Role::Admin), Audience::Users),
    (Action::WorkflowStart, "workflow.started", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::WorkflowCancel, "workflow.cancelled", Requirement::Role(Role::Developer), Audience::Fleet),
    (Action::WorkflowTemplatePut, "workflow.template_updated", Requirement::UserRole(Role::Developer), Audience::Users),
];

impl Action {
    fn row(self) -> &'static (Action, &'static str, Requirement, Audience) {
        TABLE.iter().find(|r| r.0 == self).expect("every action is in the table")
    }

    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// The action an audit event names (`task.claimed`), if it is one.
    pub fn from_name(name: &str) -> Option<Action> {
        TABLE.iter().find(|r| r.1 == name).map(|r| r.0)
    }

    /// Every action, in the table's order.
    pub fn all() -> impl Iterator<Item = Action> {
        TABLE.iter().map(|r| r.0)
    }

    pub fn requirement(self) -> Requirement {
        self.row().2
    }

    pub fn audience(self) -> Audience {
        self.row().3
    }

    /// The action's name in Cedar policies: its audit name, but for egress checks, which Cedar
    /// calls `network_access` (on a `Domain`).
    pub fn cedar_name(self) -> &'static str {
        match self {
            Action::EgressCheck => "network_access",
            other => other.name(),
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
        let mut names = std::collections::HashSet::new();
        for (action, name, req, _) in TABLE {
            assert_eq!(action.name(), *name);
            assert_eq!(action.requirement(), *req);
            assert!(names.insert(*name), "{name} appears once");
            let (noun, verb) = name.split_once('.').expect("noun.verb");
            assert!(!noun.is_empty() && !verb.is_empty());
        }
        assert_eq!(Action::UserCreate.requirement(), Requirement::Role(Role::Admin));
        assert_eq!(Action::TaskClaim.requirement(), Requirement::Agent);
        assert_eq!(Action::TaskRetry.requirement(), Requirement::UserRole(Role::Developer));
        assert_eq!(Action::LockAcquire.audience(), Audience::Fleet);
        assert_eq!(Action::MessageSend.audience(), Audience::Parties);
        assert_eq!(Action::KeyRevoke.audience(), Audience::Users);
    }
}
