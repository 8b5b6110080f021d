//! Committed events as the live stream carries them: the sealed audit event plus typed facts
//! (its action, a message's recipients) that visibility, inbox wake-ups and notifications read
//! as values.

use std::sync::Arc;

use bosun_core::audit::AuditEvent;
use bosun_core::{Action, AgentId};

use super::{Caller, Principal};

/// Where committed events are published to this node's subscribers (streams, MCP sessions, the
/// alert engine). On a store of its own, the node publishes its commits as they happen, in
/// commit order. On a store shared by several nodes it publishes nothing itself: the follower
/// (`follow.rs`) reads every node's events back from the database, in seq order per tenant, and
/// publishes each exactly once — so subscribers on every node see the same order.
#[derive(Clone)]
pub struct Bus {
    sender: tokio::sync::broadcast::Sender<Published>,
    shared: bool,
    /// What each published event adds to the overview's charts.
    pulse: Arc<super::pulse::Pulse>,
}

impl Bus {
    pub fn new(capacity: usize) -> Self {
        Bus { sender: tokio::sync::broadcast::channel(capacity).0, shared: false, pulse: Default::default() }
    }

    pub fn pulse(&self) -> &super::pulse::Pulse {
        &self.pulse
    }

    /// The store is shared with other nodes: leave publishing to the follower.
    pub fn shared(self) -> Self {
        Bus { shared: true, ..self }
    }

    /// A commit made on this node.
    pub fn committed(&self, event: Published) {
        if !self.shared {
            self.pulse.record(&event.event, event.action);
            let _ = self.sender.send(event);
        }
    }

    /// An event the follower read back (any node's).
    pub fn followed(&self, event: Published) {
        self.pulse.record(&event.event, event.action);
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Published> {
        self.sender.subscribe()
    }
}

/// An audit event after commit, for the live stream: shared by every subscriber, with room for
/// the edge to cache its wire form so it is serialised once per event, not once per subscriber.
pub type Published = Arc<Committed>;

pub struct Committed {
    pub event: AuditEvent,
    /// The action, typed (the event carries its name).
    pub action: Action,
    /// For a message: the agents it went to (read by inbox wake-ups, notifications and
    /// visibility as values, never parsed back out of `details`).
    pub recipients: Vec<AgentId>,
    /// The event's wire text, made by the first subscriber that sends it.
    pub wire: std::sync::OnceLock<String>,
}

impl Committed {
    pub fn new(event: AuditEvent, action: Action, recipients: Vec<AgentId>) -> Published {
        Arc::new(Committed { event, action, recipients, wire: std::sync::OnceLock::new() })
    }

    /// May `caller` see this event on the live stream? Users see their tenant's events; agents
    /// see what the action's audience allows (the table in `core::role`).
    pub fn visible_to(&self, caller: &Caller) -> bool {
        if self.event.tenant != caller.tenant.to_string() {
            return false;
        }
        let Principal::Agent { id, .. } = &caller.principal else { return true };
        match self.action.audience() {
            bosun_core::role::Audience::Fleet => true,
            bosun_core::role::Audience::Users => false,
            bosun_core::role::Audience::Parties => {
                let me = id.to_string();
                self.event.actor_id.as_deref() == Some(me.as_str())
                    || self.event.target_id.as_deref() == Some(me.as_str())
                    || self.recipients.contains(id)
            }
        }
    }

    /// Does this event put a new message in `agent`'s inbox?
    pub fn is_new_mail_for(&self, agent: AgentId) -> bool {
        self.action == Action::MessageSend && self.recipients.contains(&agent)
    }
}

impl std::ops::Deref for Committed {
    type Target = AuditEvent;
    fn deref(&self) -> &AuditEvent {
        &self.event
    }
}

#[cfg(test)]
mod tests {
    use bosun_core::audit::{ActorType, AuditDraft, GENESIS, Outcome, Severity};
    use bosun_core::{Action, AgentId, TenantId};
    use serde_json::json;

    use super::{Caller, Committed, Principal, Published};

    fn event(tenant: TenantId, action: Action, actor: &str, recipients: Vec<AgentId>) -> Published {
        let draft = AuditDraft {
            at: "2026-11-21T10:00:00.000000Z".into(),
            actor_type: ActorType::Agent,
            actor_id: Some(actor.into()),
            actor_name: Some("a".into()),
            action: action.name().into(),
            target_type: None,
            target_id: None,
            project: None,
            outcome: Outcome::Ok,
            severity: Severity::Info,
            details: json!({}),
            ip: None,
            user_agent: None,
            correlation_id: None,
        };
        Committed::new(draft.seal(&tenant.to_string(), 1, GENESIS), action, recipients)
    }

    fn agent(tenant: TenantId, id: AgentId) -> Caller {
        Caller {
            principal: Principal::Agent { id, name: "x".into(), kind: "k".into(), profile: "worker".into() },
            ..Caller::system(tenant)
        }
    }

    #[test]
    fn only_messages_to_the_agent_are_new_mail() {
        let (t, b, c) = (TenantId::generate(), AgentId::generate(), AgentId::generate());
        assert!(event(t, Action::MessageSend, "A", vec![b, c]).is_new_mail_for(b));
        assert!(!event(t, Action::MessageSend, "A", vec![c]).is_new_mail_for(b));
        assert!(!event(t, Action::MessageRead, "A", vec![b]).is_new_mail_for(b));
        assert!(!event(t, Action::TaskClaim, "A", vec![]).is_new_mail_for(b));
    }

    #[test]
    fn agents_see_coordination_and_their_own_messages_users_see_all() {
        let (t, me, other) = (TenantId::generate(), AgentId::generate(), AgentId::generate());
        let caller = agent(t, me);
        assert!(event(t, Action::LockAcquire, "A", vec![]).visible_to(&caller), "fleet");
        assert!(!event(t, Action::KeyRevoke, "A", vec![]).visible_to(&caller), "users only");
        assert!(event(t, Action::MessageSend, "A", vec![me]).visible_to(&caller), "to me");
        assert!(event(t, Action::MessageSend, &me.to_string(), vec![other]).visible_to(&caller), "from me");
        assert!(!event(t, Action::MessageSend, "A", vec![other]).visible_to(&caller), "not mine");
        assert!(!event(TenantId::generate(), Action::LockAcquire, "A", vec![]).visible_to(&caller), "tenant");
        assert!(event(t, Action::KeyRevoke, "A", vec![]).visible_to(&Caller::system(t)), "users and system");
    }
}
