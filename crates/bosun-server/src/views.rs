//! The JSON shapes of answers. The kernel builds bodies from these types and the OpenAPI
//! document is generated from the same types, so the two cannot drift apart.

use bosun_core::agent::AgentStatus;
use bosun_core::audit::AuditEvent;
use bosun_core::clock::format_micros;
use bosun_core::model::{Agent, ApiKey, Handoff, Lock, Message, Recipient, Tenant, User};
use bosun_core::task::{Task, TaskStatus};
use bosun_core::{AgentId, KeyId, LockId, Role, TaskId, TenantId, UserId};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

mod budgets;
mod governance;
mod memory;
mod workflows;
pub use budgets::*;
pub use governance::*;
pub use memory::*;
pub use workflows::*;

#[derive(Serialize, ToSchema)]
pub struct TenantView {
    #[schema(value_type = String, example = "01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    pub id: TenantId,
    pub name: String,
    /// The tenant created at first start; its admins manage tenants.
    pub system: bool,
    pub created_at: String,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        Self { id: t.id, name: t.name.clone(), system: t.system, created_at: t.created_at.clone() }
    }
}

/// A one-time sign-in link, shown once.
#[derive(Serialize, ToSchema)]
pub struct SignInLinkView {
    pub user: UserView,
    /// The dashboard path to open (append it to the server's address): set a password, signed in.
    pub path: String,
    /// RFC 3339; 24 hours after issuing.
    pub expires_at: String,
}

/// A user whose dashboard password was set or removed.
#[derive(Serialize, ToSchema)]
pub struct PasswordSetView {
    pub user: UserView,
    /// Whether the user has a password now.
    pub password_set: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    #[schema(value_type = String)]
    pub id: UserId,
    #[schema(value_type = String)]
    pub tenant_id: TenantId,
    pub name: String,
    /// viewer, developer, approver or admin.
    #[schema(value_type = String, example = "developer")]
    pub role: Role,
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub created_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            tenant_id: u.tenant_id,
            name: u.name.clone(),
            role: u.role,
            metadata: u.metadata.clone(),
            created_at: u.created_at.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct KeyView {
    #[schema(value_type = String)]
    pub id: KeyId,
    /// `user` or `agent`.
    pub owner_type: String,
    pub owner_id: String,
    /// The key's public lookup prefix (`bsn_<prefix>_…`).
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// An enrolment key may only register an agent.
    pub enrolment: bool,
    /// The key itself: present only in the answer that created it, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl KeyView {
    pub fn new(k: &ApiKey, plaintext: Option<&str>) -> Self {
        Self {
            id: k.id,
            owner_type: k.owner.kind().into(),
            owner_id: k.owner.id(),
            prefix: k.prefix.clone(),
            label: k.label.clone(),
            created_at: k.created_at.clone(),
            revoked_at: k.revoked_at.clone(),
            enrolment: k.enrolment,
            key: plaintext.map(str::to_owned),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TenantCreated {
    pub tenant: TenantView,
    pub admin: UserView,
    pub admin_key: KeyView,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TenantList {
    pub items: Vec<TenantView>,
}

/// The ids of a valid policy set, in order.
#[derive(Serialize, ToSchema)]
pub struct PolicyIds {
    pub policies: Vec<String>,
}

/// A policy that decided.
#[derive(Serialize, ToSchema)]
pub struct PolicyRef {
    pub id: String,
    /// Its `@reason`, when it has one.
    pub reason: Option<String>,
}

/// A dry-run decision.
#[derive(Serialize, ToSchema)]
pub struct AuthorizeView {
    pub allowed: bool,
    /// The policies that decided: the permits that allowed, or the forbids that denied (empty
    /// when nothing permitted).
    pub policies: Vec<PolicyRef>,
    /// For a denial: why, in one line.
    pub reason: Option<String>,
    /// Why the decision is a deny whatever the policies say (fail closed): an unknown action,
    /// an evaluation error.
    pub errors: Vec<String>,
}

impl From<&bosun_policy::Decision> for AuthorizeView {
    fn from(d: &bosun_policy::Decision) -> Self {
        AuthorizeView {
            allowed: d.allowed,
            policies: d.determining.iter().map(|p| PolicyRef { id: p.id.clone(), reason: p.reason.clone() }).collect(),
            reason: d.explain(),
            errors: d.errors.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WhoAmI {
    pub tenant: TenantView,
    /// user, agent or system.
    pub principal_type: String,
    pub id: Option<String>,
    pub name: String,
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Audit events, newest first (fields as in SPEC §4).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<AuditEvent>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    pub next_cursor: Option<u64>,
}

pub fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("views serialize")
}

#[derive(Serialize, ToSchema)]
pub struct AgentView {
    #[schema(value_type = String)]
    pub id: AgentId,
    pub name: String,
    #[schema(example = "claude-code")]
    pub kind: String,
    pub capabilities: Vec<String>,
    pub profile: String,
    /// spawning, idle, busy, terminating, terminated, failed or offline.
    #[schema(value_type = String)]
    pub status: AgentStatus,
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub heartbeat_interval_seconds: u32,
    pub last_heartbeat_at: String,
    pub created_at: String,
}

impl From<&Agent> for AgentView {
    fn from(a: &Agent) -> Self {
        Self {
            id: a.id,
            name: a.name.clone(),
            kind: a.kind.clone(),
            capabilities: a.capabilities.clone(),
            profile: a.profile.clone(),
            status: a.status,
            metadata: a.metadata.clone(),
            heartbeat_interval_seconds: a.heartbeat_interval,
            last_heartbeat_at: format_micros(a.last_seen_at),
            created_at: a.created_at.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgentRegistered {
    pub agent: AgentView,
    /// The agent's API key, shown once.
    pub key: KeyView,
}

#[derive(Serialize, ToSchema)]
pub struct AgentPage {
    pub items: Vec<AgentView>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskView {
    #[schema(value_type = String)]
    pub id: TaskId,
    pub project: String,
    pub title: String,
    pub description: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    pub priority: u8,
    #[schema(value_type = Vec<String>)]
    pub depends_on: Vec<TaskId>,
    pub required_capabilities: Vec<String>,
    /// blocked, ready, leased, succeeded, failed (waiting to retry), dead or cancelled.
    #[schema(value_type = String)]
    pub status: TaskStatus,
    #[schema(value_type = Option<String>)]
    pub assignee: Option<AgentId>,
    pub lease_expires_at: Option<String>,
    /// The current fence: grows by one on every claim.
    pub fence: u64,
    pub attempts: u32,
    pub max_attempts: u32,
    pub idempotency_key: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub deadline_at: Option<String>,
    /// When a failed task becomes ready again.
    pub retry_at: Option<String>,
    /// Lock keys held with the current lease.
    pub scope: Vec<String>,
}

impl From<&Task> for TaskView {
    fn from(t: &Task) -> Self {
        Self {
            id: t.id,
            project: t.project.clone(),
            title: t.title.clone(),
            description: t.description.clone(),
            payload: t.payload.clone(),
            priority: t.priority,
            depends_on: t.depends_on.clone(),
            required_capabilities: t.required_capabilities.clone(),
            status: t.status,
            assignee: t.assignee,
            lease_expires_at: t.lease_expires_at.map(format_micros),
            fence: t.fence,
            attempts: t.attempts,
            max_attempts: t.max_attempts,
            idempotency_key: t.idempotency_key.clone(),
            result: t.result.clone(),
            error: t.error.clone(),
            created_by: t.created_by.clone(),
            created_at: format_micros(t.created_at),
            updated_at: format_micros(t.updated_at),
            deadline_at: t.deadline_at.map(format_micros),
            retry_at: t.retry_at.map(format_micros),
            scope: t.scope.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskPage {
    pub items: Vec<TaskView>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskBatch {
    pub tasks: Vec<TaskView>,
}

#[derive(Serialize, ToSchema)]
pub struct LockView {
    #[schema(value_type = String)]
    pub id: LockId,
    pub project: String,
    #[schema(example = "src/**/*.rs")]
    pub key: String,
    pub exclusive: bool,
    /// The holder's name, id and type (agent or user).
    pub holder: String,
    pub holder_id: String,
    pub holder_type: String,
    #[schema(value_type = Option<String>)]
    pub task_id: Option<TaskId>,
    pub reason: Option<String>,
    /// Grows on every grant of this key.
    pub fence: u64,
    pub expires_at: String,
    pub created_at: String,
}

impl From<&Lock> for LockView {
    fn from(l: &Lock) -> Self {
        Self {
            id: l.id,
            project: l.project.clone(),
            key: l.key.clone(),
            exclusive: l.exclusive,
            holder: l.holder.name.clone(),
            holder_id: l.holder.owner.id(),
            holder_type: l.holder.owner.kind().into(),
            task_id: l.task_id,
            reason: l.reason.clone(),
            fence: l.fence,
            expires_at: format_micros(l.expires_at),
            created_at: format_micros(l.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LockList {
    pub locks: Vec<LockView>,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimView {
    pub task: TaskView,
    /// Present this fence on heartbeat, complete and fail.
    pub fence: u64,
    pub lease_expires_at: String,
    /// Locks taken for the claim's `scope`, released with the lease.
    pub locks: Vec<LockView>,
    /// For a task that declared an estimate: the room held on the budgets for the lease.
    pub reservation: Option<ReservationView>,
}

#[derive(Serialize, ToSchema)]
pub struct HandoffView {
    pub id: String,
    pub project: String,
    #[schema(value_type = Option<String>)]
    pub task_id: Option<TaskId>,
    pub author: String,
    pub author_id: String,
    pub author_type: String,
    pub summary: String,
    pub completed: Vec<String>,
    pub in_progress: Vec<String>,
    pub next_steps: Vec<String>,
    pub decisions: Vec<String>,
    pub files: Vec<String>,
    pub created_at: String,
}

impl From<&Handoff> for HandoffView {
    fn from(h: &Handoff) -> Self {
        let list = |k: &str| -> Vec<String> {
            h.document[k]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        Self {
            id: h.id.to_string(),
            project: h.project.clone(),
            task_id: h.task_id,
            author: h.author.name.clone(),
            author_id: h.author.owner.id(),
            author_type: h.author.owner.kind().into(),
            summary: h.document["summary"].as_str().unwrap_or_default().to_owned(),
            completed: list("completed"),
            in_progress: list("in_progress"),
            next_steps: list("next_steps"),
            decisions: list("decisions"),
            files: list("files"),
            created_at: format_micros(h.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HandoffList {
    pub items: Vec<HandoffView>,
}

#[derive(Serialize, ToSchema)]
pub struct RecipientView {
    pub agent: String,
    pub agent_id: String,
    /// queued, delivered, read or acked.
    pub state: String,
    pub delivered_at: Option<String>,
    pub read_at: Option<String>,
    pub acked_at: Option<String>,
}

impl From<&Recipient> for RecipientView {
    fn from(r: &Recipient) -> Self {
        Self {
            agent: r.agent_name.clone(),
            agent_id: r.agent_id.to_string(),
            state: r.state.as_str().into(),
            delivered_at: r.delivered_at.map(format_micros),
            read_at: r.read_at.map(format_micros),
            acked_at: r.acked_at.map(format_micros),
        }
    }
}

/// The fields of a message every view shares.
#[derive(Serialize, ToSchema)]
pub struct MessageFields {
    pub id: String,
    pub thread_id: String,
    pub reply_to: Option<String>,
    pub project: String,
    pub from: String,
    pub from_id: String,
    pub from_type: String,
    /// task_handoff, status_update, data_request, data_response, escalation, notification, chat.
    #[serde(rename = "type")]
    pub kind: String,
    pub subject: String,
    /// Markdown.
    pub body: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    /// low, normal, high or urgent.
    pub importance: String,
    pub ack_required: bool,
    pub topic: Option<String>,
    pub created_at: String,
}

impl From<&Message> for MessageFields {
    fn from(m: &Message) -> Self {
        Self {
            id: m.id.to_string(),
            thread_id: m.thread_id.to_string(),
            reply_to: m.reply_to.map(|r| r.to_string()),
            project: m.project.clone(),
            from: m.sender.name.clone(),
            from_id: m.sender.owner.id(),
            from_type: m.sender.owner.kind().into(),
            kind: m.kind.as_str().into(),
            subject: m.subject.clone(),
            body: m.body.clone(),
            payload: m.payload.clone(),
            importance: m.importance.as_str().into(),
            ack_required: m.ack_required,
            topic: m.topic.clone(),
            created_at: format_micros(m.created_at),
        }
    }
}

/// A message as its sender and users see it: every recipient's delivery state.
#[derive(Serialize, ToSchema)]
pub struct MessageView {
    #[serde(flatten)]
    pub message: MessageFields,
    pub recipients: Vec<RecipientView>,
}

impl MessageView {
    pub fn new(m: &Message, recipients: &[Recipient]) -> Self {
        Self { message: MessageFields::from(m), recipients: recipients.iter().map(RecipientView::from).collect() }
    }
}

/// A message as one recipient sees it: its own copy's state.
#[derive(Serialize, ToSchema)]
pub struct InboxItem {
    #[serde(flatten)]
    pub message: MessageFields,
    /// This recipient's state: queued, delivered, read or acked.
    pub state: String,
    pub delivered_at: Option<String>,
    pub read_at: Option<String>,
    pub acked_at: Option<String>,
}

impl InboxItem {
    pub fn new(m: &Message, r: &Recipient) -> Self {
        let copy = RecipientView::from(r);
        Self {
            message: MessageFields::from(m),
            state: copy.state,
            delivered_at: copy.delivered_at,
            read_at: copy.read_at,
            acked_at: copy.acked_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Inbox {
    pub messages: Vec<InboxItem>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageList {
    pub messages: Vec<MessageView>,
}

/// A page of the tenant's messages, newest first.
#[derive(Serialize, ToSchema)]
pub struct MessagePage {
    pub messages: Vec<MessageView>,
    /// Pass as `before` for the next (older) page; absent on the last.
    pub next_before: Option<String>,
}
