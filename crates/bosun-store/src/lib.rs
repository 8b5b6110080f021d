//! The store boundary: an operation-level, transactional [`Store`] trait and its backends.
//!
//! The kernel never sees SQL. A write is a closure over [`WriteTx`] that the backend runs inside
//! one transaction (on SQLite, several callers' closures share one group commit, each inside its
//! own savepoint); a read is a closure over [`ReadTx`] on a pooled read connection.
//!
//! Architecture invariant: every read except [`ReadTx::key_by_prefix`] and
//! [`ReadTx::tenant_by_name`] (which are how a request or a sign-in finds its tenant in the first
//! place) and the system-level tenant listing takes a tenant.

mod alerts;
mod audit_rows;
pub mod backup;
mod budgets;
pub mod conformance;
mod coord;
mod db;
mod governance;
mod memories;
mod messages;
pub mod postgres;
mod queue;
pub mod sqlite;
pub mod transfer;
mod tx;
pub mod verify;
mod workflows;

use std::future::Future;
use std::pin::Pin;

use bosun_core::agent::AgentStatus;
use bosun_core::audit::{AuditDraft, AuditEvent, Outcome, Severity};
use bosun_core::model::{Agent, ApiKey, Handoff, Lock, Message, Owner, Recipient, Tenant, User};
use bosun_core::task::{Task, TaskStatus};
use bosun_core::{AgentId, KeyId, LockId, MessageId, TaskId, TenantId, Timestamp, UserId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was hit; the text names the field.
    #[error("{0}")]
    Conflict(String),
    /// The store cannot serve (writer stopped, database unreachable).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// The database refused what a caller asked for (a search query it cannot parse): the
    /// caller's mistake, answered as such.
    #[error("{0}")]
    Invalid(String),
    /// Anything else; the text is for logs, never for answers.
    #[error("store error: {0}")]
    Internal(String),
    /// The database was written by a newer Bosun.
    /// A stored row cannot be read back (only possible when the file was edited by hand).
    #[error("seq {seq}: the stored row is unreadable ({reason})")]
    Corrupt { seq: u64, reason: String },
    #[error("database schema version {found} is newer than this binary supports ({supported}); upgrade bosun")]
    TooNew { found: i64, supported: i64 },
    /// The writer's queue for this lane is full: refused at once, retry shortly.
    #[error("the {} write queue is full", .0.name())]
    Overloaded(Lane),
}

/// The writer's two queues. Liveness (heartbeats, presence, timers) is taken before work, and
/// each is bounded on its own, so bulk writes never starve a heartbeat (see `queue`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Liveness,
    Work,
}

impl Lane {
    pub fn name(self) -> &'static str {
        match self {
            Lane::Liveness => "liveness",
            Lane::Work => "work",
        }
    }
}

pub use queue::DEFAULT_BOUND as DEFAULT_WRITER_QUEUE;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A stored idempotent answer.
#[derive(Clone, Debug, PartialEq)]
pub struct IdempotentReply {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// One version of a tenant's policies (never changed once written).
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyVersion {
    pub tenant_id: TenantId,
    /// 1, 2, 3… per tenant.
    pub version: u64,
    pub text: String,
    pub created_at: String,
    /// The actor's name.
    pub created_by: Option<String>,
    pub note: Option<String>,
    /// For a rollback: the version whose text this is.
    pub restored_from: Option<u64>,
}

/// A request for a gated action and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Approval {
    pub tenant_id: TenantId,
    /// A ULID.
    pub id: String,
    /// user or agent, its id and name.
    pub requester_type: String,
    pub requester_id: String,
    pub requester_name: String,
    pub action: String,
    pub resource: String,
    /// Canonical JSON.
    pub arguments: String,
    /// SHA-256 (hex) of the exact action: tenant, requester, action, resource, canonical arguments.
    pub action_hash: String,
    /// JSON of the factors.
    pub factors: String,
    pub risk: f64,
    pub threshold: f64,
    /// pending, approved, auto_approved, denied, expired.
    pub status: String,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub evidence_hash: Option<String>,
    pub created_at: String,
    pub expires_at: Timestamp,
    pub decided_at: Option<String>,
    /// The gate token's id, once one was issued.
    pub token_id: Option<String>,
    pub token_expires_at: Option<Timestamp>,
    pub token_used_at: Option<String>,
}

/// A tenant's governance settings; `Default` is what a tenant has before anyone set them.
#[derive(Clone, Debug, PartialEq)]
pub struct GovernanceSettings {
    /// Risk (0–100) above which an approval waits for a person.
    pub approval_threshold: f64,
    /// The generation of the tenant's gate signing key (from 1).
    pub gate_key: u32,
    /// When the key was last rotated.
    pub gate_key_rotated_at: Option<String>,
}

impl Default for GovernanceSettings {
    fn default() -> Self {
        GovernanceSettings { approval_threshold: 50.0, gate_key: 1, gate_key_rotated_at: None }
    }
}

/// Room held on a tenant's budgets until settled or expired.
#[derive(Clone, Debug, PartialEq)]
pub struct Reservation {
    /// A ULID.
    pub id: String,
    pub agent_id: Option<String>,
    pub agent_kind: Option<String>,
    pub project: String,
    /// The task whose claim reserved it.
    pub task_id: Option<String>,
    pub amount: bosun_core::budget::Amount,
    /// held, settled or expired.
    pub status: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub settled_at: Option<Timestamp>,
}

/// One entry of the usage ledger.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageRecord {
    pub reservation_id: Option<String>,
    pub agent_id: Option<String>,
    pub agent_kind: Option<String>,
    pub project: String,
    pub amount: bosun_core::budget::Amount,
    pub model: Option<String>,
    pub provider: Option<String>,
    /// More was spent than the reservation held (or than any budget had room for).
    pub overspend: bool,
    pub at: Timestamp,
}

/// Whose spending a sum counts (`None`: any), and the currency its cost is in.
#[derive(Clone, Copy, Debug, Default)]
pub struct SpendFilter<'a> {
    pub project: Option<&'a str>,
    pub agent: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub currency: Option<&'a str>,
}

/// A security alert: one per rule, group and window; `count` grows while it is suppressed.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub tenant_id: TenantId,
    /// A ULID.
    pub id: String,
    pub rule: String,
    pub title: String,
    /// warning or critical.
    pub severity: String,
    /// The values of the rule's `group_by` fields, joined with `|`.
    pub group_key: String,
    pub count: u64,
    /// open, acknowledged, resolved.
    pub status: String,
    /// The audit seq of the event that fired it, when one did.
    pub first_seq: Option<u64>,
    pub created_at: String,
    pub updated_at: String,
    pub acknowledged_by: Option<String>,
    pub resolved_by: Option<String>,
}

/// Where a tenant's alerts are posted.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    pub tenant_id: TenantId,
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// One alert on its way to one webhook.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub tenant_id: TenantId,
    pub id: String,
    pub alert_id: String,
    pub webhook_id: String,
    /// pending, delivered or dead.
    pub status: String,
    pub attempts: u32,
    /// When the next attempt is due (pending).
    pub next_at: Timestamp,
    pub last_error: Option<String>,
    pub updated_at: String,
}

/// A browser's login to the dashboard. The cookie carries the tenant, the id and a secret; the
/// store keeps only the secret's HMAC.
#[derive(Clone, Debug, PartialEq)]
pub struct WebSession {
    pub tenant_id: TenantId,
    /// A ULID.
    pub id: String,
    pub user_id: UserId,
    /// HMAC-SHA256 (hex) of the cookie's secret under the server's key secret.
    pub secret_hash: String,
    /// The token every form and script request of this session must carry.
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// What retention prunes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prunable {
    /// Egress decisions older than the cutoff.
    EgressLog,
    /// Deliveries delivered or dead, last changed before the cutoff (pending ones stay).
    WebhookDeliveries,
    /// Usage ledger entries older than the cutoff (budget counters are not touched).
    BudgetUsage,
}

/// One egress decision, as the access log keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct EgressRecord {
    pub seq: u64,
    pub at: String,
    pub agent_id: AgentId,
    pub agent_name: String,
    pub host: String,
    pub port: u16,
    pub allowed: bool,
    /// The egress rule that matched (`allow:…`, `deny:…`, `default:cloud|local`).
    pub rule: String,
    /// The policies that decided, comma-separated.
    pub policies: String,
}

/// Filters of `GET /api/v1/audit`. `None` means "any".
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Matches `actor_id` or `actor_name`.
    pub actor: Option<String>,
    pub action_prefix: Option<String>,
    pub target: Option<String>,
    pub outcome: Option<Outcome>,
    pub severity: Option<Severity>,
    /// RFC 3339 bounds on `at`, inclusive from, exclusive to (already normalised to the log's format).
    pub from: Option<String>,
    pub to: Option<String>,
    pub project: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AgentFilter {
    pub status: Option<AgentStatus>,
    pub capability: Option<String>,
    pub kind: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    pub project: Option<String>,
    pub status: Option<TaskStatus>,
    pub assignee: Option<AgentId>,
    pub priority: Option<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct HandoffFilter {
    pub project: Option<String>,
    pub task_id: Option<TaskId>,
    /// The author's id or name (agent or user).
    pub author: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct InboxFilter {
    /// Only messages not yet read.
    pub unread_only: bool,
    /// Only messages sent at or after this time.
    pub since: Option<Timestamp>,
    pub limit: u32,
}

/// Which messages a timeline shows (every field narrows it; `None` is any).
#[derive(Clone, Debug, Default)]
pub struct MessageFilter {
    /// Sent or received by this agent (or sent by this user: any sender id).
    pub party: Option<String>,
    pub kind: Option<bosun_core::message::MessageType>,
    pub thread: Option<MessageId>,
    pub importance: Option<bosun_core::message::Importance>,
    /// Only messages older than this one (ids are time-ordered), for paging.
    pub before: Option<MessageId>,
    pub limit: u32,
}

/// An episodic memory (SPEC §3.6): what an agent (or a person) recorded having happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Memory {
    pub tenant_id: TenantId,
    /// A ULID.
    pub id: String,
    pub project: String,
    /// Who may recall it: `agent` (its author), `project` (recalls in its project) or `tenant`.
    pub visibility: String,
    /// `agent` or `user`, its id and name.
    pub author_type: String,
    pub author_id: String,
    pub author_name: String,
    pub event_type: String,
    pub summary: String,
    pub details: Option<String>,
    /// `success`, `failure`, `partial` or none.
    pub outcome: Option<String>,
    pub lessons: Option<String>,
    /// Lower-case, without commas.
    pub tags: Vec<String>,
    /// Whom or what it is about (a person, a customer…), for erasure by subject.
    pub subject: Option<String>,
    /// The normalised summary duplicates are found by.
    pub dedup_key: String,
    /// How many times it was remembered (1, plus each duplicate folded into it).
    pub seen: u32,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

/// One version of a tenant's own workflow template.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowTemplate {
    pub tenant_id: TenantId,
    pub name: String,
    /// From 1, one more for each change.
    pub version: u64,
    pub description: String,
    /// The workflow text (TOML).
    pub text: String,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A run of a workflow: the text it started from and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowRun {
    pub tenant_id: TenantId,
    /// A ULID.
    pub id: String,
    pub template: String,
    /// The template's version; 0 for a built-in.
    pub version: u64,
    pub project: String,
    pub text: String,
    /// The bound parameters (a JSON object).
    pub params: String,
    /// The run's state document (JSON, `bosun_core::workflow::run::RunState`).
    pub state: String,
    /// `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Which memories a read may return (every field narrows; `None` is any).
#[derive(Clone, Debug, Default)]
pub struct MemoryQuery {
    /// Words (letters and digits only), any of which may match; none: newest first.
    pub words: Vec<String>,
    /// At least one of these tags.
    pub tags: Vec<String>,
    pub event_type: Option<String>,
    /// Memories of this project, and tenant-wide ones of any project.
    pub project: Option<String>,
    /// An agent: it sees `agent`-visible memories only when it wrote them.
    pub viewer: Option<String>,
    /// Only memories older than this id (newest-first paging).
    pub before: Option<String>,
    /// Only these memories (semantic recall's nearest), when not empty; at most 1,000.
    pub ids: Vec<String>,
    pub limit: u32,
}

/// What an erasure names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EraseBy {
    Id(String),
    /// Every memory an agent (or user) wrote, by id.
    Author(String),
    /// Memories naming a data subject: their `subject`, or the text anywhere in them, or their
    /// author's name.
    Subject(String),
    Tag(String),
}

/// A page position: newest first below `before_seq`, or oldest first above `after_seq`.
#[derive(Clone, Copy, Debug)]
pub enum Page {
    Newest { before_seq: Option<u64>, limit: u32 },
    Oldest { after_seq: u64, limit: u32 },
}

/// Reads. Every method is scoped by a tenant unless its doc says why not.
pub trait ReadTx {
    /// Answers when the database answers.
    fn ping(&mut self) -> Result<()>;
    fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>>;
    /// System-level: only the kernel's system-admin path calls it.
    fn list_tenants(&mut self) -> Result<Vec<Tenant>>;
    fn user(&mut self, tenant: TenantId, id: UserId) -> Result<Option<User>>;
    fn list_users(&mut self, tenant: TenantId, after: Option<UserId>, limit: u32) -> Result<Vec<User>>;
    fn key(&mut self, tenant: TenantId, id: KeyId) -> Result<Option<ApiKey>>;
    /// Tenant-less by necessity: a presented key is how the caller's tenant is found.
    fn key_by_prefix(&mut self, prefix: &str) -> Result<Option<ApiKey>>;
    /// Tenant-less by necessity: the login form names the tenant.
    fn tenant_by_name(&mut self, name: &str) -> Result<Option<Tenant>>;
    fn user_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<User>>;
    /// A user's password hash (a PHC string), if one was set.
    fn password_hash(&mut self, tenant: TenantId, user: UserId) -> Result<Option<String>>;
    fn web_session(&mut self, tenant: TenantId, id: &str) -> Result<Option<WebSession>>;
    /// A user's sessions, newest first.
    fn web_sessions(&mut self, tenant: TenantId, user: UserId, limit: u32) -> Result<Vec<WebSession>>;
    fn query_audit(&mut self, tenant: TenantId, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEvent>>;
    /// Tenants that have audit events (for verifying a whole database offline).
    fn audit_tenants(&mut self) -> Result<Vec<String>>;
    /// A raw page of one tenant's chain by seq, for verification and export.
    fn audit_chain(&mut self, tenant: &str, after_seq: u64, limit: u32) -> Result<Vec<AuditEvent>>;

    fn agent(&mut self, tenant: TenantId, id: AgentId) -> Result<Option<Agent>>;
    fn agent_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<Agent>>;
    fn list_agents(
        &mut self,
        tenant: TenantId,
        filter: &AgentFilter,
        after: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Agent>>;
    /// How many agents of the tenant are in each status.
    fn agent_counts(&mut self, tenant: TenantId) -> Result<Vec<(String, u64)>>;
    /// How many tasks of the tenant are in each (project, status).
    fn task_counts(&mut self, tenant: TenantId) -> Result<Vec<(String, String, u64)>>;
    /// Live agents last heard from before `seen_before` (candidates for the reaper).
    fn silent_agents(&mut self, tenant: TenantId, seen_before: Timestamp, limit: u32) -> Result<Vec<Agent>>;

    fn task(&mut self, tenant: TenantId, id: TaskId) -> Result<Option<Task>>;
    fn task_by_idempotency_key(&mut self, tenant: TenantId, key: &str) -> Result<Option<Task>>;
    /// Tasks in submission order after the cursor task.
    fn list_tasks(
        &mut self,
        tenant: TenantId,
        filter: &TaskFilter,
        after: Option<TaskId>,
        limit: u32,
    ) -> Result<Vec<Task>>;
    /// Ready tasks of a project in claim order (priority, then submission), skipping `skip`.
    fn ready_tasks(&mut self, tenant: TenantId, project: &str, skip: u32, limit: u32) -> Result<Vec<Task>>;
    /// Tasks that list `id` among their dependencies.
    fn dependants(&mut self, tenant: TenantId, id: TaskId) -> Result<Vec<Task>>;
    /// Tasks leased to an agent.
    fn leased_by(&mut self, tenant: TenantId, agent: AgentId) -> Result<Vec<Task>>;
    /// Leased tasks whose lease ended and failed tasks whose retry time came, at `now`.
    fn due_tasks(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Task>>;

    /// Locks not expired at `now`, of one project or all.
    fn active_locks(&mut self, tenant: TenantId, project: Option<&str>, now: Timestamp) -> Result<Vec<Lock>>;
    fn lock(&mut self, tenant: TenantId, id: LockId) -> Result<Option<Lock>>;
    /// Locks that expired at `now` and are still stored (the scheduler removes them).
    fn expired_locks(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Lock>>;
    /// Every stored lock of a holder (agent or user id).
    fn locks_of(&mut self, tenant: TenantId, holder_id: &str) -> Result<Vec<Lock>>;

    /// Handoffs, newest first.
    fn handoffs(&mut self, tenant: TenantId, filter: &HandoffFilter, limit: u32) -> Result<Vec<Handoff>>;

    /// A message, if it exists and (when `viewer` is an agent) that agent sent or received it.
    fn message(&mut self, tenant: TenantId, id: MessageId, viewer: Option<AgentId>) -> Result<Option<Message>>;
    fn recipients(&mut self, tenant: TenantId, id: MessageId) -> Result<Vec<Recipient>>;
    /// An agent's messages, oldest first, with its copy of each.
    fn inbox(&mut self, tenant: TenantId, agent: AgentId, filter: &InboxFilter) -> Result<Vec<(Message, Recipient)>>;
    /// A thread, oldest first, limited to what `viewer` (an agent) sent or received.
    fn thread(
        &mut self,
        tenant: TenantId,
        thread: MessageId,
        viewer: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Message>>;
    /// The tenant's messages, newest first (by id, which is time-ordered), as `filter` narrows them.
    fn messages(&mut self, tenant: TenantId, filter: &MessageFilter) -> Result<Vec<Message>>;
    /// Full-text search (an FTS5 query) over subject and body, newest first.
    fn search_messages(
        &mut self,
        tenant: TenantId,
        query: &str,
        viewer: Option<AgentId>,
        limit: u32,
    ) -> Result<Vec<Message>>;
    fn memory(&mut self, tenant: TenantId, id: &str) -> Result<Option<Memory>>;
    /// The author's memory with this dedup key and event type created at or after `since`.
    fn memory_duplicate(
        &mut self,
        tenant: TenantId,
        author: &str,
        event_type: &str,
        key: &str,
        since: Timestamp,
    ) -> Result<Option<Memory>>;
    /// Memories as the query narrows them with a raw text score (larger is better), best first;
    /// without words, newest first with score 0.
    fn find_memories(&mut self, tenant: TenantId, query: &MemoryQuery) -> Result<Vec<(Memory, f64)>>;
    /// Ids of the memories an erasure names, at most `limit`.
    fn erasable_memories(&mut self, tenant: TenantId, by: &EraseBy, limit: u32) -> Result<Vec<String>>;
    /// Memory vectors stored after `after_seq`, in the order they were: (memory id, seq, base64
    /// f32s). A tenant's vectors are written one transaction at a time, so a reader that tops up
    /// from the last seq it read misses none.
    fn memory_vectors(&mut self, tenant: TenantId, after_seq: i64, limit: u32) -> Result<Vec<(String, i64, String)>>;
    /// Memories without a vector yet, oldest first.
    fn unembedded_memories(&mut self, tenant: TenantId, limit: u32) -> Result<Vec<Memory>>;
    /// How many memories the tenant has, and how many of them have a vector.
    fn memory_counts(&mut self, tenant: TenantId) -> Result<(u64, u64)>;
    /// The tenant's memory settings document (JSON), if one was set.
    fn memory_settings(&mut self, tenant: TenantId) -> Result<Option<String>>;
    /// The tenant's allowlist document (JSON), if one was set.
    fn allowlist(&mut self, tenant: TenantId) -> Result<Option<String>>;
    /// A version of the tenant's template, or its latest when `version` is `None`.
    fn workflow_template(
        &mut self,
        tenant: TenantId,
        name: &str,
        version: Option<u64>,
    ) -> Result<Option<WorkflowTemplate>>;
    /// The latest version of each of the tenant's templates, by name.
    fn workflow_templates(&mut self, tenant: TenantId) -> Result<Vec<WorkflowTemplate>>;
    fn workflow_run(&mut self, tenant: TenantId, id: &str) -> Result<Option<WorkflowRun>>;
    /// Runs newest first, below the id `before`, of one status when given.
    fn workflow_runs(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<WorkflowRun>>;

    /// One version of the tenant's policies, or the latest when `version` is `None`.
    fn policy_version(&mut self, tenant: TenantId, version: Option<u64>) -> Result<Option<PolicyVersion>>;
    /// Versions newest first, below `before` (texts included).
    fn policy_versions(&mut self, tenant: TenantId, before: Option<u64>, limit: u32) -> Result<Vec<PolicyVersion>>;
    fn approval(&mut self, tenant: TenantId, id: &str) -> Result<Option<Approval>>;
    /// Pending approvals whose time ran out at `now`, soonest first.
    fn expired_approvals(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Approval>>;
    /// Evidence by its SHA-256 (hex).
    fn evidence(&mut self, tenant: TenantId, sha256: &str) -> Result<Option<String>>;
    /// The tenant's guardrail rules document (JSON), if one was set.
    fn guardrail_rules(&mut self, tenant: TenantId) -> Result<Option<String>>;
    /// The tenant's governance settings (the defaults until some were set).
    fn governance_settings(&mut self, tenant: TenantId) -> Result<GovernanceSettings>;
    /// The tenant's budgets document (JSON), if one was set.
    fn budgets(&mut self, tenant: TenantId) -> Result<Option<String>>;
    /// The tenant's own alert rules document (JSON), if one was set.
    fn alert_rules(&mut self, tenant: TenantId) -> Result<Option<String>>;
    fn alert(&mut self, tenant: TenantId, id: &str) -> Result<Option<Alert>>;
    /// Alerts newest first, of one status or all, below the `before` id.
    fn alerts(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Alert>>;
    fn webhooks(&mut self, tenant: TenantId) -> Result<Vec<Webhook>>;
    fn delivery(&mut self, tenant: TenantId, id: &str) -> Result<Option<Delivery>>;
    fn deliveries_of(&mut self, tenant: TenantId, alert: &str) -> Result<Vec<Delivery>>;
    /// The tenant's pending deliveries due at `now`, soonest first.
    fn due_deliveries(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Delivery>>;
    /// The dead-letter list: deliveries that gave up, newest first.
    fn dead_deliveries(&mut self, tenant: TenantId, limit: u32) -> Result<Vec<Delivery>>;
    fn reservation(&mut self, tenant: TenantId, id: &str) -> Result<Option<Reservation>>;
    /// Held reservations whose time ran out at `now`, soonest first.
    fn expired_reservations(&mut self, tenant: TenantId, now: Timestamp, limit: u32) -> Result<Vec<Reservation>>;
    /// (tokens, cost in the filter's currency) spent since `since`.
    fn spent(&mut self, tenant: TenantId, filter: &SpendFilter<'_>, since: Timestamp) -> Result<(i64, i64)>;
    /// (tokens, cost in the filter's currency) held by reservations in force at `now`.
    fn held(&mut self, tenant: TenantId, filter: &SpendFilter<'_>, now: Timestamp) -> Result<(i64, i64)>;
    fn task_estimate(&mut self, tenant: TenantId, task: &str) -> Result<Option<bosun_core::budget::Amount>>;
    /// What a budget counted in buckets starting at or after `since`.
    fn counted(&mut self, tenant: TenantId, budget: &str, since: Timestamp) -> Result<i64>;
    /// Approvals newest first, of one status or all, below the `before` id.
    fn approvals(
        &mut self,
        tenant: TenantId,
        status: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Approval>>;
    /// Egress decisions newest first, below `before_seq`, of one agent or all.
    fn egress_log(
        &mut self,
        tenant: TenantId,
        agent: Option<AgentId>,
        before_seq: Option<u64>,
        limit: u32,
    ) -> Result<Vec<EgressRecord>>;
}

/// Writes, inside one transaction. Reads inside a write see its uncommitted changes.
pub trait WriteTx: ReadTx {
    fn create_tenant(&mut self, tenant: &Tenant) -> Result<()>;
    fn create_user(&mut self, user: &User) -> Result<()>;
    fn create_key(&mut self, key: &ApiKey) -> Result<()>;
    fn revoke_key(&mut self, tenant: TenantId, id: KeyId, at: &str) -> Result<()>;
    /// Set (or, with `None`, remove) a user's password hash.
    fn set_password_hash(&mut self, tenant: TenantId, user: UserId, hash: Option<&str>) -> Result<()>;
    fn insert_web_session(&mut self, session: &WebSession) -> Result<()>;
    /// End a session; whether it was in force.
    fn revoke_web_session(&mut self, tenant: TenantId, id: &str, at: Timestamp) -> Result<bool>;
    /// Revoke every key of an owner; returns how many.
    fn revoke_keys_of(&mut self, tenant: TenantId, owner: Owner, at: &str) -> Result<u64>;
    fn create_agent(&mut self, agent: &Agent) -> Result<()>;
    /// Write back an agent's mutable fields (status, presence, capabilities, metadata).
    fn update_agent(&mut self, agent: &Agent) -> Result<()>;
    /// Insert a task and its dependency edges.
    fn create_task(&mut self, task: &Task) -> Result<()>;
    /// Write back a task's mutable fields (everything but its identity and dependencies).
    fn update_task(&mut self, task: &Task) -> Result<()>;
    fn insert_lock(&mut self, lock: &Lock) -> Result<()>;
    fn update_lock(&mut self, lock: &Lock) -> Result<()>;
    fn delete_lock(&mut self, tenant: TenantId, id: LockId) -> Result<()>;
    /// The next fence of a lock key (starts at 1; never decreases).
    fn next_lock_fence(&mut self, tenant: TenantId, project: &str, key: &str) -> Result<u64>;
    fn insert_handoff(&mut self, handoff: &Handoff) -> Result<()>;
    /// Store a message, its recipients' copies and its search entry.
    fn insert_message(&mut self, message: &Message, recipients: &[Recipient]) -> Result<()>;
    fn update_recipient(&mut self, tenant: TenantId, recipient: &Recipient) -> Result<()>;
    fn put_allowlist(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()>;
    /// Store a memory and its full-text entry.
    fn insert_memory(&mut self, memory: &Memory) -> Result<()>;
    /// A duplicate was folded into a memory: its count and last sighting.
    fn touch_memory(&mut self, tenant: TenantId, id: &str, seen: u32, at: Timestamp) -> Result<()>;
    /// Delete memories with their full-text entries and vectors; how many existed. On SQLite the
    /// deleted content is overwritten in the file and the WAL is checkpointed after the commit.
    fn erase_memories(&mut self, tenant: TenantId, ids: &[String]) -> Result<u64>;
    /// Store a memory's vector unless the memory is gone; whether it was stored.
    fn put_memory_vector(
        &mut self,
        tenant: TenantId,
        id: &str,
        model: &str,
        vector: &str,
        at: Timestamp,
    ) -> Result<bool>;
    fn put_memory_settings(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()>;
    /// Store a template version; one that exists already is a conflict.
    fn insert_workflow_template(&mut self, template: &WorkflowTemplate) -> Result<()>;
    fn insert_workflow_run(&mut self, run: &WorkflowRun) -> Result<()>;
    /// Write back a run's state, status and update time.
    fn update_workflow_run(&mut self, run: &WorkflowRun) -> Result<()>;
    /// Store a new version; a version that exists already is a conflict.
    fn insert_policy_version(&mut self, version: &PolicyVersion) -> Result<()>;
    fn insert_approval(&mut self, approval: &Approval) -> Result<()>;
    fn put_guardrail_rules(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()>;
    fn put_governance_settings(&mut self, tenant: TenantId, settings: &GovernanceSettings, at: Timestamp)
    -> Result<()>;
    fn put_budgets(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()>;
    /// Delete at most `limit` rows of one kind from before `before`; how many.
    fn prune(&mut self, tenant: TenantId, what: Prunable, before: Timestamp, limit: u32) -> Result<u64>;
    /// Add to a budget's counter for one bucket.
    fn add_counted(&mut self, tenant: TenantId, budget: &str, bucket: Timestamp, amount: i64) -> Result<()>;
    /// Forget every budget counter of the tenant (its budgets were replaced).
    fn clear_counted(&mut self, tenant: TenantId) -> Result<()>;
    fn put_alert_rules(&mut self, tenant: TenantId, document: &str, at: Timestamp) -> Result<()>;
    /// Insert an alert, or write back its count, status and decisions.
    fn upsert_alert(&mut self, alert: &Alert) -> Result<()>;
    fn insert_webhook(&mut self, webhook: &Webhook) -> Result<()>;
    /// Remove a webhook and its pending deliveries; whether it existed.
    fn delete_webhook(&mut self, tenant: TenantId, id: &str) -> Result<bool>;
    /// Insert a delivery, or write back its status, attempts and next attempt.
    fn upsert_delivery(&mut self, delivery: &Delivery) -> Result<()>;
    fn insert_reservation(&mut self, tenant: TenantId, reservation: &Reservation) -> Result<()>;
    /// Write back a reservation's status and settlement time.
    fn update_reservation(&mut self, tenant: TenantId, reservation: &Reservation) -> Result<()>;
    fn insert_usage(&mut self, tenant: TenantId, usage: &UsageRecord) -> Result<()>;
    fn put_task_estimate(&mut self, tenant: TenantId, task: &str, estimate: &bosun_core::budget::Amount) -> Result<()>;
    /// Store evidence under its hash; storing the same content again changes nothing.
    fn put_evidence(&mut self, tenant: TenantId, sha256: &str, content: &str, at: &str) -> Result<()>;
    /// Write back an approval's mutable fields (status, decision, token).
    fn update_approval(&mut self, approval: &Approval) -> Result<()>;
    /// Append an egress decision (its `seq` is assigned: the tenant's next); returns the seq.
    fn append_egress(&mut self, tenant: TenantId, record: &EgressRecord) -> Result<u64>;
    /// Seal the draft into the tenant's chain (next seq, linked to the head) and store it.
    fn append_audit(&mut self, tenant: TenantId, draft: AuditDraft) -> Result<AuditEvent>;
    /// A stored answer for this key if one was written at or after `not_before`.
    fn idempotent_reply(
        &mut self,
        tenant: TenantId,
        principal: &str,
        key: &str,
        not_before: &str,
    ) -> Result<Option<IdempotentReply>>;
    fn put_idempotent_reply(
        &mut self,
        tenant: TenantId,
        principal: &str,
        key: &str,
        reply: &IdempotentReply,
        at: &str,
    ) -> Result<()>;
}

/// What a write job hands back to the backend: whether to keep its changes, and how to answer
/// its caller once the transaction's fate is known.
pub struct Finish {
    pub keep: bool,
    pub reply: Box<dyn FnOnce(Result<()>) + Send>,
}

pub type WriteJob = Box<dyn FnOnce(&mut dyn WriteTx) -> Finish + Send>;

/// A storage backend.
pub trait Store: Send + Sync + 'static {
    /// Queue a write job in a lane. Fails at once when the backend has stopped or the lane is
    /// full ([`StoreError::Overloaded`]).
    /// `tenant` is the tenant the job writes for, when the caller knows it: PostgreSQL commits
    /// jobs of one tenant together, after locking that tenant's chain head.
    fn submit(&self, lane: Lane, tenant: Option<TenantId>, job: WriteJob) -> Result<()>;
    /// Run a read job on a pooled connection; blocks, so callers run it off the async executor.
    fn read_blocking(&self, job: &mut dyn FnMut(&mut dyn ReadTx));
    /// Stop accepting writes, finish the queued ones, flush.
    fn shutdown(&self);
    /// A short name for logs and metrics ("sqlite", "postgres").
    fn backend(&self) -> &'static str;
}

impl dyn Store {
    /// Run `f` in a write transaction. An `Err` from `f` rolls back its changes only.
    pub fn write<R, E, F>(&self, f: F) -> Pin<Box<dyn Future<Output = Result<R, E>> + Send + '_>>
    where
        R: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut dyn WriteTx) -> Result<R, E> + Send + 'static,
    {
        self.write_in(Lane::Work, None, f, |_| {})
    }

    /// Like [`write`](Self::write), and once the transaction has committed, call `on_commit`
    /// with the result before answering. Backends call it in commit order (on SQLite, on the
    /// writer thread, job by job), so it is where events are published: subscribers see changes
    /// in the order they were committed. It must be quick and must not block.
    pub fn write_then<R, E, F, H>(
        &self,
        tenant: TenantId,
        f: F,
        on_commit: H,
    ) -> Pin<Box<dyn Future<Output = Result<R, E>> + Send + '_>>
    where
        R: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut dyn WriteTx) -> Result<R, E> + Send + 'static,
        H: FnOnce(&R) + Send + 'static,
    {
        self.write_in(Lane::Work, Some(tenant), f, on_commit)
    }

    /// [`write_then`](Self::write_then) in a given lane, for a tenant or (system work) none.
    pub fn write_in<R, E, F, H>(
        &self,
        lane: Lane,
        tenant: Option<TenantId>,
        f: F,
        on_commit: H,
    ) -> Pin<Box<dyn Future<Output = Result<R, E>> + Send + '_>>
    where
        R: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut dyn WriteTx) -> Result<R, E> + Send + 'static,
        H: FnOnce(&R) + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let submitted = self.submit(
            lane,
            tenant,
            Box::new(move |w| {
                let result = f(w);
                Finish {
                    keep: result.is_ok(),
                    reply: Box::new(move |commit| {
                        let answer = match (result, commit) {
                            (Err(e), _) => Err(e),
                            (Ok(r), Ok(())) => {
                                on_commit(&r);
                                Ok(r)
                            }
                            (Ok(_), Err(e)) => Err(e.into()),
                        };
                        let _ = tx.send(answer);
                    }),
                }
            }),
        );
        Box::pin(async move {
            submitted?;
            rx.await.map_err(|_| StoreError::Unavailable("the writer dropped the job".into()))?
        })
    }

    /// Run `f` on a read connection, off the async executor.
    pub async fn read<R, F>(self: &std::sync::Arc<Self>, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut dyn ReadTx) -> Result<R> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut f = Some(f);
            let mut out = None;
            store.read_blocking(&mut |r| {
                if let Some(f) = f.take() {
                    out = Some(f(r));
                }
            });
            out.unwrap_or_else(|| Err(StoreError::Internal("read job did not run".into())))
        })
        .await
        .map_err(|e| StoreError::Internal(format!("read task failed: {e}")))?
    }
}

/// A store that can only be read: what the kernel hands the edges, so that no handler can write
/// (every change goes through the kernel, with its audit event in the same transaction).
#[derive(Clone)]
pub struct ReadStore(std::sync::Arc<dyn Store>);

impl ReadStore {
    pub fn new(store: std::sync::Arc<dyn Store>) -> Self {
        Self(store)
    }

    /// Run `f` on a read connection, off the async executor.
    pub async fn read<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut dyn ReadTx) -> Result<R> + Send + 'static,
    {
        self.0.read(f).await
    }
}
