//! Records of the identity domain, as the store returns them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use jiff::Timestamp;

use crate::agent::AgentStatus;
use crate::message::{Delivery, Importance, MessageType};
use crate::{AgentId, HandoffId, KeyId, LockId, MessageId, Role, TaskId, TenantId, UserId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    /// The tenant created at first start; its admins administer tenants.
    pub system: bool,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub name: String,
    pub role: Role,
    pub metadata: Value,
    pub created_at: String,
}

/// Who a key (or a lock, or a handoff) belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    User(UserId),
    Agent(AgentId),
}

impl Owner {
    pub fn kind(self) -> &'static str {
        match self {
            Owner::User(_) => "user",
            Owner::Agent(_) => "agent",
        }
    }

    pub fn id(self) -> String {
        match self {
            Owner::User(id) => id.to_string(),
            Owner::Agent(id) => id.to_string(),
        }
    }

    pub fn parse(kind: &str, id: &str) -> Option<Owner> {
        match kind {
            "user" => UserId::parse(id).map(Owner::User),
            "agent" => AgentId::parse(id).map(Owner::Agent),
            _ => None,
        }
    }
}

/// An API key's record. The key itself is never stored; `hash` is its argon2id PHC string.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiKey {
    pub id: KeyId,
    pub tenant_id: TenantId,
    pub owner: Owner,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub hash: String,
    /// An enrolment key may only register an agent (SPEC §6).
    pub enrolment: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Agent {
    pub id: AgentId,
    pub tenant_id: TenantId,
    pub name: String,
    pub kind: String,
    pub capabilities: Vec<String>,
    pub profile: String,
    pub status: AgentStatus,
    pub metadata: Value,
    /// Seconds between heartbeats; silent for three of them means offline.
    pub heartbeat_interval: u32,
    /// Presence: the last time the agent was heard from.
    pub last_seen_at: Timestamp,
    pub created_at: String,
}

/// A principal as recorded on locks and handoffs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub owner: Owner,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lock {
    pub id: LockId,
    pub tenant_id: TenantId,
    pub project: String,
    /// A normalised lock key (see `lockkey`).
    pub key: String,
    pub exclusive: bool,
    pub holder: Holder,
    /// The task whose claim took this lock (released with the lease).
    pub task_id: Option<TaskId>,
    pub reason: Option<String>,
    pub fence: u64,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Handoff {
    pub id: HandoffId,
    pub tenant_id: TenantId,
    pub project: String,
    pub task_id: Option<TaskId>,
    pub author: Holder,
    /// `summary`, `completed`, `in_progress`, `next_steps`, `decisions`, `files`.
    pub document: Value,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub tenant_id: TenantId,
    /// The first message of the thread (its own id when it starts one).
    pub thread_id: MessageId,
    pub reply_to: Option<MessageId>,
    pub project: String,
    pub sender: Holder,
    pub kind: MessageType,
    pub subject: String,
    pub body: String,
    pub payload: Value,
    pub importance: Importance,
    pub ack_required: bool,
    /// Set when the message went to a topic (every agent of the tenant) rather than named agents.
    pub topic: Option<String>,
    pub created_at: Timestamp,
}

/// One recipient's copy of a message: where it stands, and when each step happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Recipient {
    pub message_id: MessageId,
    pub agent_id: AgentId,
    pub agent_name: String,
    pub state: Delivery,
    pub delivered_at: Option<Timestamp>,
    pub read_at: Option<Timestamp>,
    pub acked_at: Option<Timestamp>,
}
