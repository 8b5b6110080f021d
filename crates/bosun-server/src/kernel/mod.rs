//! The kernel: one road for every change.
//!
//! `execute` runs a typed [`Command`] through validate → authorize (the role table in core, then
//! the facts a rule needs) → prepare (slow work without a transaction, such as hashing a new key)
//! → one store transaction that checks the idempotency record, applies the change and appends the
//! audit event → publish after commit. A denied command is audited in its own transaction. Edges
//! never touch the store for writing.

mod access;
mod alerts;
mod approvals;
mod budgets;
mod caller;
mod committed;
mod coord;
pub mod dashboard;
mod dispatch;
mod failures;
mod follow;
pub mod gate;
mod governance;
mod guardrails;
mod identity;
pub use identity::is_system_admin;
mod liveness;
mod locks;
pub mod memory;
mod messages;
mod outbound;
mod outcome;
mod policy;
mod profiles;
pub mod pulse;
mod retention;
mod scheduler;
pub mod streams;
mod workflows;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bosun_core::audit::{AuditDraft, Severity};
use bosun_core::clock::format_micros;

use bosun_core::{Action, AgentId, Clock, KeyId, Role, TenantId, Timestamp, UserId};
use bosun_store::{IdempotentReply, Store, StoreError, WriteTx};
use serde_json::Value;
use tokio::sync::{Notify, broadcast};

pub use alerts::{Attempt, Breaker, alert_json, sign as sign_webhook};
pub use approvals::{RedeemGate, RequestApproval, status_at};
pub use budgets::{Exceeded, ReportUsage, Reserve, Standing};
pub use caller::{Caller, Principal, Purpose, RequestCtx};
pub use committed::{Committed, Published};
pub use coord::{ClaimTask, FailTask, NewTask, RegisterAgent, SubmitTasks, WorkTask, WriteHandoff};
pub use governance::{EgressDecision, Flip, MAX_REPLAY, PolicyDocument, PutPolicies, Replayed, RollbackPolicies};
pub use locks::{AcquireLocks, Conflict};
pub use memory::{EraseMemories, MemorySettings, Recall, RecallAnswer, Recalled, Remember};
pub use messages::{FetchInbox, SendMessage};
pub use outcome::{Answer, Outcome, RenderAnswer, StoredAnswer};
use policy::Refused;
pub use policy::{Facts, MAX_POLICY_TEXT, Subject};
pub use profiles::{Governance, Profiles};
pub use retention::Retention;
pub use scheduler::TickReport;
pub use workflows::{MAX_RUNS_PAGE, PutWorkflowTemplate, RunView, StartWorkflow, TemplateInfo};

pub use crate::auth::KeySecret;
use crate::auth::{self, KeyCache, NewKey};

/// What decided a denial, for its audit event: the forbidding policies and the facts decided on.
pub(super) struct Decided<'a> {
    policies: &'a [String],
    facts: Option<&'a policy::Facts>,
}

impl Decided<'_> {
    const NOTHING: Decided<'static> = Decided { policies: &[], facts: None };
}

/// How long an `Idempotency-Key` answer is replayed.
const IDEMPOTENCY_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// Every change Bosun knows how to make.
#[derive(Clone, Debug)]
pub enum Command {
    CreateTenant {
        name: String,
        admin_name: String,
    },
    CreateUser {
        name: String,
        role: Role,
        metadata: Value,
    },
    CreateKey {
        user_id: UserId,
        label: Option<String>,
        enrolment: bool,
    },
    RevokeKey {
        key_id: KeyId,
    },
    /// Set (or, with `None`, remove) a user's dashboard password; the hash is made before (argon2id).
    SetPassword {
        user_id: UserId,
        hash: Option<String>,
    },
    /// Issue a one-time sign-in link for a user (admins): the link lets its bearer set the
    /// user's password once, before it expires.
    IssueSignInLink {
        user_id: UserId,
    },
    /// A browser session for the caller (a user whose password was just verified).
    StartSession(Box<bosun_store::WebSession>),
    /// End a session: the caller's own, or (admins) any of the tenant.
    EndSession {
        id: String,
    },
    RegisterAgent(RegisterAgent),
    AgentHeartbeat {
        agent_id: AgentId,
        status: Option<bosun_core::agent::AgentStatus>,
    },
    DeregisterAgent {
        agent_id: AgentId,
    },
    SubmitTasks(SubmitTasks),
    ClaimTask(ClaimTask),
    TaskHeartbeat(WorkTask),
    CompleteTask {
        task: WorkTask,
        result: Value,
    },
    FailTask(FailTask),
    CancelTask {
        task_id: bosun_core::TaskId,
        reason: Option<String>,
    },
    RetryTask {
        task_id: bosun_core::TaskId,
    },
    AcquireLocks(AcquireLocks),
    RenewLock {
        lock_id: bosun_core::LockId,
        ttl_seconds: Option<u32>,
    },
    ReleaseLock {
        lock_id: bosun_core::LockId,
    },
    /// Release the caller's own locks on these keys (as given to acquire, normalised).
    ReleaseLocksByKey {
        project: String,
        paths: Vec<String>,
    },
    WriteHandoff(WriteHandoff),
    SendMessage(SendMessage),
    FetchInbox(FetchInbox),
    MarkRead {
        message_id: bosun_core::MessageId,
    },
    AckMessage {
        message_id: bosun_core::MessageId,
    },
    PutAllowlist(bosun_core::message::Allowlist),
    PutPolicies(PutPolicies),
    RollbackPolicies(RollbackPolicies),
    SetProfile {
        agent_id: AgentId,
        profile: String,
    },
    RequestApproval(RequestApproval),
    DecideApproval {
        id: String,
        approve: bool,
        reason: Option<String>,
    },
    RedeemGate(RedeemGate),
    PutGuardrailRules(Vec<bosun_policy::guard::RuleSpec>),
    /// The risk (0–100) above which the tenant's approvals wait for a person.
    SetApprovalThreshold {
        threshold: f64,
    },
    /// A new generation of the tenant's gate signing key; tokens signed before open nothing.
    RotateGateKey,
    PutBudgets(Vec<bosun_core::budget::BudgetSpec>),
    Reserve(Reserve),
    ReportUsage(ReportUsage),
    PutAlertRules(Vec<bosun_core::alert::RuleSpec>),
    /// Acknowledge or (with `resolve`) resolve an alert.
    DecideAlert {
        id: String,
        resolve: bool,
    },
    CreateWebhook {
        url: String,
        description: Option<String>,
    },
    DeleteWebhook {
        id: String,
    },
    /// Remember something that happened (SPEC §3.6).
    Remember(Remember),
    /// Erase memories (built by [`Kernel::erase_memories`], which reads their ids first).
    EraseMemories(EraseMemories),
    PutMemorySettings(MemorySettings),
    /// Start a run of a workflow template (its first tasks are created with it).
    StartWorkflow(StartWorkflow),
    /// Cancel a run and its running tasks.
    CancelWorkflow {
        id: String,
        reason: Option<String>,
    },
    /// Store a new version of a tenant's workflow template.
    PutWorkflowTemplate(PutWorkflowTemplate),
    /// Timers and presence, run by Bosun itself.
    System(scheduler::SystemCommand),
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::CreateTenant { .. } => Action::TenantCreate,
            Command::CreateUser { .. } => Action::UserCreate,
            Command::CreateKey { .. } => Action::KeyCreate,
            Command::RevokeKey { .. } => Action::KeyRevoke,
            Command::SetPassword { .. } => Action::UserPasswordSet,
            Command::IssueSignInLink { .. } => Action::UserLinkIssued,
            Command::StartSession(_) => Action::SessionStart,
            Command::EndSession { .. } => Action::SessionEnd,
            Command::RegisterAgent(_) => Action::AgentRegister,
            Command::AgentHeartbeat { .. } => Action::AgentHeartbeat,
            Command::DeregisterAgent { .. } => Action::AgentDeregister,
            Command::SubmitTasks(_) => Action::TaskSubmit,
            Command::ClaimTask(_) => Action::TaskClaim,
            Command::TaskHeartbeat(_) => Action::TaskHeartbeat,
            Command::CompleteTask { .. } => Action::TaskComplete,
            Command::FailTask(_) => Action::TaskFail,
            Command::CancelTask { .. } => Action::TaskCancel,
            Command::RetryTask { .. } => Action::TaskRetry,
            Command::AcquireLocks(_) => Action::LockAcquire,
            Command::RenewLock { .. } => Action::LockRenew,
            Command::ReleaseLock { .. } | Command::ReleaseLocksByKey { .. } => Action::LockRelease,
            Command::WriteHandoff(_) => Action::HandoffWrite,
            Command::SendMessage(_) => Action::MessageSend,
            Command::FetchInbox(_) => Action::MessageDeliver,
            Command::MarkRead { .. } => Action::MessageRead,
            Command::AckMessage { .. } => Action::MessageAck,
            Command::PutAllowlist(_) => Action::AllowlistUpdate,
            Command::PutPolicies(_) => Action::PolicyUpdate,
            Command::RollbackPolicies(_) => Action::PolicyRollback,
            Command::SetProfile { .. } => Action::AgentProfileChange,
            Command::RequestApproval(_) => Action::ApprovalRequest,
            Command::DecideApproval { approve: true, .. } => Action::ApprovalApprove,
            Command::DecideApproval { approve: false, .. } => Action::ApprovalDeny,
            Command::RedeemGate(_) => Action::GateRedeem,
            Command::PutGuardrailRules(_) => Action::GuardrailRulesUpdate,
            Command::SetApprovalThreshold { .. } => Action::ApprovalSettingsUpdate,
            Command::RotateGateKey => Action::GateKeyRotate,
            Command::PutBudgets(_) => Action::BudgetUpdate,
            Command::Reserve(_) => Action::BudgetReserve,
            Command::ReportUsage(_) => Action::BudgetSettle,
            Command::PutAlertRules(_) => Action::AlertRulesUpdate,
            Command::DecideAlert { resolve: false, .. } => Action::AlertAcknowledge,
            Command::DecideAlert { resolve: true, .. } => Action::AlertResolve,
            Command::CreateWebhook { .. } => Action::WebhookCreate,
            Command::DeleteWebhook { .. } => Action::WebhookDelete,
            Command::Remember(_) => Action::MemoryRemember,
            Command::EraseMemories(_) => Action::MemoryErase,
            Command::PutMemorySettings(_) => Action::MemorySettingsUpdate,
            Command::StartWorkflow(_) => Action::WorkflowStart,
            Command::CancelWorkflow { .. } => Action::WorkflowCancel,
            Command::PutWorkflowTemplate(_) => Action::WorkflowTemplatePut,
            Command::System(s) => s.action(),
        }
    }

    fn validate(&self) -> Result<(), KernelError> {
        dispatch::validate(self)
    }

    /// Does this command need a freshly made API key?
    fn needs_key(&self) -> bool {
        matches!(self, Command::CreateTenant { .. } | Command::CreateKey { .. } | Command::RegisterAgent(_))
    }

    /// Liveness (heartbeats, presence, timers) waits in its own lane, taken first by the writer;
    /// everything else is work.
    fn lane(&self) -> bosun_store::Lane {
        match self {
            Command::AgentHeartbeat { .. } | Command::TaskHeartbeat(_) | Command::System(_) => {
                bosun_store::Lane::Liveness
            }
            _ => bosun_store::Lane::Work,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    Conflict(String),
    /// The caller's lease or fence is not the current one.
    #[error("{0}")]
    StaleFence(String),
    /// Some requested lock overlaps another holder's; nothing was granted.
    #[error("{detail}")]
    LockConflict { detail: String, conflicts: Vec<locks::Conflict> },
    #[error("{0}")]
    DependencyCycle(String),
    /// A workflow text that does not compile: the line it is about and why.
    #[error("line {line}: {reason}")]
    InvalidWorkflow { line: usize, reason: String },
    /// `If-Match` named a version that is no longer the current one.
    #[error("{0}")]
    PreconditionFailed(String),
    /// A gated action without a valid, unused gate token for exactly it.
    #[error("{0}")]
    ApprovalRequired(String),
    /// A budget has no room for the request; nothing was reserved.
    #[error(
        "budget `{}` has no room: limit {}, spent {}, reserved {}, requested {} ({} remaining this period)",
        .0.budget, .0.limit, .0.spent, .0.reserved, .0.requested, .0.remaining
    )]
    BudgetExceeded(Box<Exceeded>),
    /// A change that must name the version it was made against did not (`If-Match`).
    #[error("{0}")]
    PreconditionRequired(String),
    /// The allowlist forbids this message; the text names the rule.
    #[error("{0}")]
    MessageBlocked(String),
    #[error("the store is unavailable")]
    Unavailable,
    /// A lane (of the writer's queue, or of requests in flight) is full: refused at once
    /// instead of waiting.
    #[error("the server is overloaded (its {0} lane is full) and did nothing; retry in a second")]
    Overloaded(&'static str),
    /// A rate limit refused the request; retry after the given time.
    #[error("too many requests ({} limit); retry in {} s", .0.scope, .0.retry_after.as_secs().max(1))]
    RateLimited(crate::limits::Limited),
    /// Details are logged, never answered.
    #[error("internal error")]
    Internal(String),
}

impl KernelError {
    /// The reason of a refusal (audited as a denial), as opposed to a failure.
    fn denial(&self) -> Option<&str> {
        match self {
            KernelError::Forbidden(r) | KernelError::MessageBlocked(r) | KernelError::ApprovalRequired(r) => Some(r),
            KernelError::BudgetExceeded(e) => Some(&e.budget),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            KernelError::Unauthenticated(_) => "unauthenticated",
            KernelError::Forbidden(_) => "forbidden",
            KernelError::NotFound(_) => "not_found",
            KernelError::Validation(_) => "validation_failed",
            KernelError::Conflict(_) => "conflict",
            KernelError::StaleFence(_) => "stale_fence",
            KernelError::LockConflict { .. } => "lock_conflict",
            KernelError::DependencyCycle(_) => "dependency_cycle",
            KernelError::InvalidWorkflow { .. } => "invalid_workflow",
            KernelError::PreconditionFailed(_) => "precondition_failed",
            KernelError::PreconditionRequired(_) => "precondition_required",
            KernelError::ApprovalRequired(_) => "approval_required",
            KernelError::BudgetExceeded(_) => "budget_exceeded",
            KernelError::MessageBlocked(_) => "message_blocked",
            KernelError::Unavailable => "unavailable",
            KernelError::Overloaded(_) => "overloaded",
            KernelError::RateLimited(_) => "rate_limited",
            KernelError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for KernelError {
    fn from(e: StoreError) -> Self {
        match e {
            // Store conflict texts name SQL columns; commands that expect a conflict say better.
            StoreError::Conflict(_) => KernelError::Conflict("conflicts with an existing record".into()),
            StoreError::Unavailable(_) => KernelError::Unavailable,
            StoreError::Overloaded(lane) => KernelError::Overloaded(lane.name()),
            StoreError::Invalid(detail) => KernelError::Validation(detail),
            other => KernelError::Internal(other.to_string()),
        }
    }
}

/// What a command did, for its answer and its audit event.
pub(crate) struct Applied {
    action: Action,
    outcome: Outcome,
    target_type: &'static str,
    target_id: String,
    project: Option<String>,
    severity: Severity,
    /// The audit event's outcome (`ok` unless the command records a failure, e.g. a delivery).
    audit_outcome: bosun_core::audit::Outcome,
    details: Value,
    /// The change made tasks claimable: wake long-polling claimers.
    wakes_claimers: bool,
    /// A message's recipients (see [`Committed::recipients`]).
    recipients: Vec<AgentId>,
}

impl Applied {
    fn new(action: Action, outcome: Outcome, target: (&'static str, String), details: Value) -> Self {
        Self {
            action,
            outcome,
            target_type: target.0,
            target_id: target.1,
            project: None,
            severity: Severity::Info,
            audit_outcome: bosun_core::audit::Outcome::Ok,
            details,
            wakes_claimers: false,
            recipients: Vec::new(),
        }
    }
    fn recipients(mut self, recipients: Vec<AgentId>) -> Self {
        self.recipients = recipients;
        self
    }
    fn project(mut self, project: &str) -> Self {
        self.project = Some(project.to_owned());
        self
    }
    fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
    fn outcome(mut self, outcome: bosun_core::audit::Outcome) -> Self {
        self.audit_outcome = outcome;
        self
    }
    fn wakes(mut self, wakes: bool) -> Self {
        self.wakes_claimers = wakes;
        self
    }
}

/// What `apply` did.
pub(crate) enum Done {
    /// A change: committed with its audit event.
    Changed(Applied),
    /// No state change (an idempotent resubmission, nothing to claim), or only a presence
    /// timestamp: answered without an audit event.
    Quiet(Outcome),
}

/// Everything `apply` may use inside the transaction.
pub(crate) struct Tx<'a> {
    w: &'a mut dyn WriteTx,
    caller: &'a Caller,
    now: Timestamp,
    at: String,
    /// In [0, 1): spreads retry times.
    jitter: f64,
    key: Option<NewKey>,
    profiles: &'a Profiles,
    gate: &'a gate::GateKeys,
}

pub struct Kernel {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    keys: KeyCache,
    /// The secret API keys are hashed under (see `auth`).
    key_secret: auth::KeySecret,
    events: committed::Bus,
    /// Notified after a commit that made tasks claimable.
    claimable: Notify,
    /// Last presence write per agent, to write presence at most every few seconds.
    presence: Mutex<HashMap<AgentId, Timestamp>>,
    /// Long-polling inboxes to wake when a message arrives.
    inboxes: messages::Inboxes,
    /// Cancelled when the server shuts down: long-lived streams (events, MCP sessions) end on it.
    shutdown: tokio_util::sync::CancellationToken,
    /// Long-lived streams by the credential they opened with, ended when it is revoked.
    streams: Arc<streams::Streams>,
    /// Rate limits (the edges check IP and key; the kernel checks failed authentications).
    limits: crate::limits::Limiter,
    /// Failed authentications being counted instead of audited one by one.
    failures: Mutex<failures::Windows>,
    /// How the edge renders an outcome, for storing idempotent answers (set by the HTTP router).
    answers: std::sync::OnceLock<Arc<dyn RenderAnswer>>,
    /// The system tenant, once known (see `system_tenant`).
    system_tenant: std::sync::OnceLock<TenantId>,
    /// Cedar: Bosun's schema, and the policies that decide (SPEC §5.2; the default set until
    /// tenants edit theirs).
    policy: Arc<bosun_policy::Bosun>,
    /// Parsing a policy text costs milliseconds per hundred policies: one at a time, off the
    /// executor, so that a burst of validations cannot take every core.
    parsing: tokio::sync::Semaphore,
    /// The policies of a tenant that stored none (the default set, or the configured file).
    policies: Arc<bosun_policy::PolicySet>,
    /// Each tenant's policies in force (see `policy::InForce`).
    in_force: policy::InForce,
    /// The profiles agents act within (SPEC §5.3).
    profiles: Arc<Profiles>,
    /// Gate-token keys, derived from the key secret.
    gate: Arc<gate::GateKeys>,
    /// Each tenant's guardrail rules, compiled on first use and dropped when they change.
    guard_rules: Mutex<HashMap<TenantId, Arc<bosun_policy::guard::TenantRules>>>,
    /// The alert engine's inputs, rules and webhook breakers.
    alerts: alerts::Alerts,
    /// How long the egress log, settled deliveries and the usage ledger are kept.
    retention: Retention,
    /// When retention last ran (`tick`).
    last_prune: Mutex<Option<Timestamp>>,
    /// This node does the work one node does for all (the alert engine on committed events,
    /// webhook deliveries): always alone; on a shared store, while it holds the lead.
    leader: Arc<std::sync::atomic::AtomicBool>,
    /// How the dashboard's session cookie is set.
    cookies: crate::web::CookiePolicy,
    /// The dashboard's chain verifications.
    dashboard: dashboard::State,
    /// Each tenant's memory vectors, for semantic recall.
    vectors: memory::Vectors,
    /// Memories waiting for their embedding (set when the embedder starts).
    embed_queue: std::sync::OnceLock<memory::EmbedQueue>,
    /// Wakes the embedder's sweep (the tenant's memory settings changed).
    sweep_now: Notify,
}

impl Kernel {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let events = committed::Bus::new(4096);
        let policy = Arc::new(bosun_policy::Bosun::new());
        Self {
            store,
            clock,
            keys: KeyCache::default(),
            key_secret: auth::KeySecret::random().expect("the OS provides randomness"),
            events,
            claimable: Notify::new(),
            presence: Mutex::new(HashMap::new()),
            inboxes: messages::Inboxes::default(),
            shutdown: tokio_util::sync::CancellationToken::new(),
            streams: Arc::default(),
            limits: crate::limits::Limiter::new(&crate::limits::RateLimits::default()),
            failures: Mutex::default(),
            answers: std::sync::OnceLock::new(),
            system_tenant: std::sync::OnceLock::new(),
            policies: Arc::new(policy.default_policies()),
            policy,
            parsing: tokio::sync::Semaphore::new(1),
            in_force: policy::InForce::default(),
            profiles: Arc::new(Profiles::default()),
            gate: Arc::new(gate::GateKeys::new(auth::KeySecret::random().expect("the OS provides randomness"))),
            guard_rules: Mutex::default(),
            alerts: alerts::Alerts::default(),
            retention: Retention::default(),
            last_prune: Mutex::new(None),
            leader: Arc::new(std::sync::atomic::AtomicBool::new(true)),
            cookies: crate::web::CookiePolicy::default(),
            dashboard: dashboard::State::default(),
            vectors: memory::Vectors::default(),
            embed_queue: std::sync::OnceLock::new(),
            sweep_now: Notify::new(),
        }
    }

    /// Hash API keys under this secret (the data directory's `key.secret`) instead of a random
    /// one that dies with the process.
    pub fn with_key_secret(mut self, secret: auth::KeySecret) -> Self {
        self.gate = Arc::new(gate::GateKeys::new(secret.clone()));
        self.key_secret = secret;
        self
    }

    /// Decide with these Cedar policies instead of the default set.
    pub fn with_policies(mut self, text: &str) -> Result<Self, bosun_policy::Invalid> {
        self.policies = Arc::new(self.policy.parse(text)?);
        Ok(self)
    }

    /// Use these profiles, cloud kinds and default profiles by kind.
    pub fn with_governance(mut self, config: &Governance) -> Result<Self, String> {
        self.profiles = Arc::new(Profiles::new(config)?);
        Ok(self)
    }

    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The store is shared with other nodes: events are published by the follower
    /// ([`spawn_follower`](Self::spawn_follower)), which must be started.
    pub fn with_shared_store(mut self) -> Self {
        self.events = self.events.shared();
        self.leader.store(false, std::sync::atomic::Ordering::Relaxed);
        self
    }

    /// Set `Secure` on the dashboard's cookie (Bosun is reached over TLS, through a proxy).
    pub fn with_cookie_policy(mut self, cookies: crate::web::CookiePolicy) -> Self {
        self.cookies = cookies;
        self
    }

    pub fn cookie_policy(&self) -> crate::web::CookiePolicy {
        self.cookies
    }

    /// Whether this node does the work one node does for all.
    pub fn leads(&self) -> bool {
        self.leader.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn with_retention(mut self, retention: &Retention) -> Self {
        self.retention = retention.clone();
        self
    }

    pub fn with_rate_limits(mut self, limits: &crate::limits::RateLimits) -> Self {
        self.limits = crate::limits::Limiter::new(limits);
        self
    }

    /// Set once by the edge that serves requests: how its answers look, so that a request
    /// retried with the same `Idempotency-Key` gets the first answer verbatim.
    pub fn set_answers(&self, answers: Arc<dyn RenderAnswer>) {
        let _ = self.answers.set(answers);
    }

    pub fn limits(&self) -> &crate::limits::Limiter {
        &self.limits
    }

    /// The store, readable only: the edges read through it; every write goes through `execute`.
    pub fn store(&self) -> bosun_store::ReadStore {
        bosun_store::ReadStore::new(self.store.clone())
    }

    /// The writable store, for what cannot go through a command: benchmark seeding and fault
    /// injection in tests. Nothing in `src/` outside the kernel calls it (a tidy test checks).
    #[doc(hidden)]
    pub fn raw_store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Ready when the database answers a read and the writer commits (an empty transaction).
    pub async fn ready(&self) -> Result<(), KernelError> {
        self.store.read(|r| r.ping()).await?;
        self.store.write(|_| Ok::<_, StoreError>(())).await?;
        Ok(())
    }

    /// Stop the writer after the queued jobs, flush (blocking: call it off the executor).
    pub fn shutdown_store(&self) {
        self.store.shutdown();
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Cancelled when the server shuts down.
    pub fn shutdown_token(&self) -> &tokio_util::sync::CancellationToken {
        &self.shutdown
    }

    /// A token for a long-lived stream (WebSocket, SSE, an MCP session or response) opened by
    /// `caller`: cancelled when the server shuts down, or when the caller's key is revoked or its
    /// agent deregistered. Keep the returned watch for as long as the stream lives.
    pub fn stream_token(&self, caller: &Caller) -> (tokio_util::sync::CancellationToken, streams::Watch) {
        let token = self.shutdown.child_token();
        let watch = self.watch_credential(caller, token.clone());
        (token, watch)
    }

    /// Cancel `token` when `caller`'s key is revoked or its agent deregistered.
    pub fn watch_credential(&self, caller: &Caller, token: tokio_util::sync::CancellationToken) -> streams::Watch {
        self.watch_ids(caller.key, caller.holder().map(|h| h.owner.id()), token)
    }

    /// Cancel `token` when this key is revoked or this principal (an agent) deregistered.
    pub fn watch_ids(
        &self,
        key: Option<KeyId>,
        owner: Option<String>,
        token: tokio_util::sync::CancellationToken,
    ) -> streams::Watch {
        streams::Streams::watch(&self.streams, key, owner, token)
    }

    /// How many streams are open (a gauge for operators, and for tests that check nothing leaks).
    pub fn open_streams(&self) -> usize {
        self.streams.len()
    }

    /// Audit events as they commit.
    /// The fleet's last hour, for the overview's charts.
    pub fn pulse(&self) -> &pulse::Pulse {
        self.events.pulse()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.events.subscribe()
    }

    fn now(&self) -> String {
        format_micros(self.clock.now())
    }

    /// Run a command for a caller. See the module docs for the pipeline.
    pub async fn execute(&self, caller: &Caller, ctx: &RequestCtx, cmd: Command) -> Result<Answer, KernelError> {
        cmd.validate()?;
        // Every refusal — an invalid gate token, the policies, a limit inside the transaction — is
        // audited the same way (`refused`).
        let (action, target) = (cmd.action(), dispatch::target_of(&cmd));
        let pass = match self.gate_pass(caller, ctx, &cmd).await {
            Ok(pass) => pass,
            Err(e) => return Err(self.refused(caller, ctx, action, target, e, Decided::NOTHING).await),
        };
        let facts = match self.authorize(caller, &cmd, pass.is_some()).await {
            Ok(facts) => facts,
            Err(Refused { error, policies, facts }) => {
                let decided = Decided { policies: &policies, facts: facts.as_ref() };
                return Err(self.refused(caller, ctx, action, target, error, decided).await);
            }
        };
        let authz = facts.as_ref().map(|f| serde_json::to_value(f).unwrap_or_default());
        let guardrails = self.judge_task_result(caller, &cmd).await?;
        // Only an idempotent request needs its canonical hash.
        let request_hash = ctx.fingerprint.clone().unwrap_or_default();
        let key = if cmd.needs_key() { Some(auth::new_key(&self.key_secret)?) } else { None };
        let (caller2, ctx2, now) = (caller.clone(), ctx.clone(), self.clock.now());
        let jitter = random_unit();
        let events = self.events.clone();
        let answers = self.answers.get().cloned();
        let lane = cmd.lane();
        let (profiles, gate) = (self.profiles.clone(), self.gate.clone());
        let written = self
            .store
            .write_in(
                lane,
                Some(caller.tenant),
                move |w| -> Result<_, KernelError> {
                    let not_before = format_micros(now.checked_sub(IDEMPOTENCY_WINDOW).unwrap_or(now));
                    let at = format_micros(now);
                    let principal = caller2.principal_key();
                    if let Some(key) = &ctx2.idempotency_key
                        && let Some(reply) = w.idempotent_reply(caller2.tenant, &principal, key, &not_before)?
                    {
                        if reply.request_hash != request_hash {
                            return Err(KernelError::Validation(
                                "this Idempotency-Key was used with a different request; use a new key".into(),
                            ));
                        }
                        let body =
                            serde_json::from_str(&reply.body).map_err(|e| KernelError::Internal(e.to_string()))?;
                        let stored = StoredAnswer { status: reply.status, body };
                        return Ok((Answer::Replayed(stored), None, false));
                    }
                    let mut tx =
                        Tx { w, caller: &caller2, now, at: at.clone(), jitter, key, profiles: &profiles, gate: &gate };
                    if let Some(pass) = &pass {
                        approvals::consume(&mut tx, pass)?;
                    }
                    let mut applied = match dispatch::apply(&mut tx, cmd)? {
                        Done::Changed(applied) => applied,
                        Done::Quiet(outcome) => return Ok((Answer::Fresh(outcome), None, false)),
                    };
                    // The facts the decision was made on, so a proposed policy set can re-make it.
                    if let (Some(authz), Some(details)) = (authz, applied.details.as_object_mut()) {
                        details.insert("authz".into(), authz);
                    }
                    if let (Some(found), Some(details)) = (guardrails, applied.details.as_object_mut()) {
                        details.insert("guardrails".into(), found);
                        applied.severity = Severity::Warning;
                    }
                    let target = Some((applied.target_type, applied.target_id));
                    let draft = AuditDraft {
                        project: applied.project,
                        severity: applied.severity,
                        outcome: applied.audit_outcome,
                        details: applied.details,
                        ..access::draft(&caller2, &ctx2, at.clone(), applied.action, target)
                    };
                    let event = w.append_audit(caller2.tenant, draft)?;
                    if let Some(key) = &ctx2.idempotency_key
                        && let Some(answers) = &answers
                    {
                        // Stored redacted: a key shown once is not replayed from the database.
                        let StoredAnswer { status, mut body } = answers.render(&applied.outcome);
                        bosun_core::redact::redact_value(&mut body);
                        let reply = IdempotentReply { request_hash, status, body: body.to_string() };
                        w.put_idempotent_reply(caller2.tenant, &principal, key, &reply, &at)?;
                    }
                    let executed = Answer::Fresh(applied.outcome);
                    let committed = Committed::new(event, applied.action, applied.recipients);
                    Ok((executed, Some(committed), applied.wakes_claimers))
                },
                move |(_, event, _)| {
                    // On the writer, in commit order: subscribers see changes as they were committed.
                    if let Some(event) = event {
                        events.committed(event.clone());
                    }
                },
            )
            .await;
        let (executed, event, wakes) = match written {
            Ok(written) => written,
            Err(e) => return Err(self.refused(caller, ctx, action, target, e, Decided::NOTHING).await),
        };
        if let Some(event) = event {
            self.after_commit(&event);
            // Only the node that wrote a memory embeds it (the follower calls `after_commit`
            // on every node).
            if event.action == Action::MemoryRemember && event.details["action"] == "created" {
                self.queue_embedding(caller.tenant, event.target_id.clone().unwrap_or_default());
            }
            if event.action == Action::MemorySettingsUpdate {
                self.sweep_now.notify_one();
            }
        }
        if wakes {
            self.claimable.notify_waiters();
        }
        Ok(executed)
    }

    /// Audit `error` when it is a refusal; hand it back.
    async fn refused(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        action: Action,
        target: Option<(&'static str, String)>,
        error: KernelError,
        decided: Decided<'_>,
    ) -> KernelError {
        if let Some(reason) = error.denial() {
            self.audit_denial(caller, ctx, action, target, reason, decided).await;
        }
        error
    }

    /// Effects outside the store that follow a committed event.
    fn after_commit(&self, event: &Committed) {
        let revoked_key = event.action == Action::KeyRevoke;
        let gone_agent = event.action == Action::AgentDeregister;
        if revoked_key && let Some(id) = event.target_id.as_deref().and_then(KeyId::parse) {
            self.keys.forget_key(id);
            self.streams.end_key(id);
        }
        // A new profile holds at once: the agent authenticates afresh and reconnects.
        let reprofiled = event.action == Action::AgentProfileChange;
        if (gone_agent || reprofiled)
            && let Some(id) = event.target_id.as_deref().and_then(AgentId::parse)
        {
            self.keys.forget_owner(&id.to_string());
            self.streams.end_owner(&id.to_string());
        }
        if matches!(event.action, Action::PolicyUpdate | Action::PolicyRollback)
            && let Some(tenant) = TenantId::parse(&event.tenant)
        {
            self.in_force.forget(tenant);
        }
        if event.action == Action::GuardrailRulesUpdate
            && let Some(tenant) = TenantId::parse(&event.tenant)
        {
            self.guard_rules.lock().unwrap_or_else(|e| e.into_inner()).remove(&tenant);
        }
        if event.action == Action::AlertRulesUpdate
            && let Some(tenant) = TenantId::parse(&event.tenant)
        {
            self.alerts.forget_rules(tenant);
        }
        if event.action == Action::MessageSend {
            self.inboxes.wake(&event.recipients);
        }
        if event.action == Action::MemoryErase
            && let Some(tenant) = TenantId::parse(&event.tenant)
        {
            self.vectors.forget(tenant);
        }
    }
}

fn conflict_as(detail: String) -> impl FnOnce(StoreError) -> KernelError {
    move |e| match e {
        StoreError::Conflict(_) => KernelError::Conflict(detail),
        other => other.into(),
    }
}

/// A random number in [0, 1) for jitter.
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// A random u64 (memorable names).
fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}
