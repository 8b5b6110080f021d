//! What a command did, as Rust values. The kernel answers in these; each edge turns them into
//! its own shapes (the HTTP edge: a status and a view, `http::render`). No HTTP status, JSON body
//! or view type lives in the kernel.

use bosun_core::message::Allowlist;
use bosun_core::model::{Agent, ApiKey, Handoff, Lock, Message, Recipient, Tenant, User};
use bosun_core::task::Task;

#[derive(Clone, Debug)]
pub enum Outcome {
    TenantCreated {
        tenant: Tenant,
        admin: User,
        key: ApiKey,
        plaintext: String,
    },
    UserCreated(User),
    /// The key's plaintext is shown once, here.
    KeyCreated {
        key: ApiKey,
        plaintext: String,
    },
    KeyRevoked(ApiKey),
    /// A user's password was set or removed.
    PasswordSet {
        user: User,
        set: bool,
    },
    /// A one-time sign-in link was issued: the link itself is made from these by the kernel
    /// after the commit (it is never stored or audited).
    LinkIssued {
        user: User,
        /// A digest of the user's password hash as it was (the link is void once it changes).
        fingerprint: String,
        expires_at: bosun_core::Timestamp,
    },
    /// A browser session, started or ended.
    Session(bosun_store::WebSession),
    AgentRegistered {
        agent: Agent,
        key: ApiKey,
        plaintext: String,
    },
    /// A heartbeat or a deregistration: the agent as it is now.
    AgentUpdated(Agent),
    /// One task submitted; `created` is false when its idempotency key returned the original.
    TaskSubmitted {
        task: Task,
        created: bool,
    },
    /// A batch, in the order given; `created` is false when every task was submitted before.
    BatchSubmitted {
        tasks: Vec<Task>,
        created: bool,
    },
    Claimed {
        task: Task,
        fence: u64,
        locks: Vec<Lock>,
        /// Room held on the budgets for a task that declared an estimate.
        reservation: Option<Box<bosun_store::Reservation>>,
    },
    /// No ready task the agent can do.
    NothingToClaim,
    /// A heartbeat, completion, failure, cancellation or retry: the task as it is now.
    TaskUpdated(Task),
    LocksAcquired(Vec<Lock>),
    LocksReleased(Vec<Lock>),
    /// A renewal or a release by id: the lock as it is (or was).
    LockUpdated(Lock),
    HandoffWritten(Handoff),
    MessageSent {
        message: Message,
        copies: Vec<Recipient>,
    },
    /// An inbox page: each message with the caller's copy.
    Inbox(Vec<(Message, Recipient)>),
    /// A read or ack receipt: the message with the caller's copy.
    Receipt {
        message: Message,
        copy: Recipient,
    },
    AllowlistSet(Allowlist),
    /// A new version of the tenant's policies (written, or rolled back to).
    PoliciesSet(bosun_store::PolicyVersion),
    /// A new request for an approval (created).
    ApprovalRequested(bosun_store::Approval),
    /// An approval as it is now (decided, or its token redeemed).
    Approval(bosun_store::Approval),
    /// The tenant's guardrail rules, as set.
    GuardrailRules(Vec<bosun_policy::guard::RuleSpec>),
    /// The tenant's governance settings, as changed.
    GovernanceSettings(bosun_store::GovernanceSettings),
    /// The tenant's own alert rules, as set.
    AlertRules(Vec<bosun_core::alert::RuleSpec>),
    /// An alert as it is now (acknowledged or resolved).
    Alert(bosun_store::Alert),
    /// A webhook, created.
    Webhook(bosun_store::Webhook),
    /// The tenant's budgets, as set.
    Budgets(Vec<bosun_core::budget::BudgetSpec>),
    /// Room held; `warnings` names budgets whose soft limit it crosses.
    Reserved {
        reservation: bosun_store::Reservation,
        warnings: Vec<String>,
        /// The tenant's gate key generation, for the preflight token.
        gate_key: u32,
    },
    /// Usage recorded (settling its reservation, if any); `over_budget` names budgets it overran.
    UsageRecorded {
        record: bosun_store::UsageRecord,
        over_budget: Vec<String>,
    },
    /// A memory written (`created`) or a duplicate folded into one.
    Remembered {
        memory: bosun_store::Memory,
        created: bool,
    },
    /// How many memories an erasure removed; `more` when more match than one request erases.
    MemoriesErased {
        count: u64,
        more: bool,
    },
    MemorySettings(super::MemorySettings),
    /// A run started or cancelled.
    WorkflowRun(Box<super::RunView>),
    /// A template version stored (`created`), or the same text as the latest.
    WorkflowTemplate {
        template: Box<bosun_store::WorkflowTemplate>,
        created: bool,
    },
    /// Work Bosun did on its own (timers, presence): nobody waits for a view of it.
    SystemDone,
}

impl Outcome {
    /// A claim or inbox that found nothing: long polls wait for a wake-up and try again.
    pub fn is_empty(&self) -> bool {
        match self {
            Outcome::NothingToClaim => true,
            Outcome::Inbox(items) => items.is_empty(),
            _ => false,
        }
    }
}

/// The stored answer of an idempotent request, rendered by the edge that served it first.
#[derive(Clone, Debug)]
pub struct StoredAnswer {
    pub status: u16,
    pub body: serde_json::Value,
}

/// How an edge renders an outcome for storage (idempotent replays return it verbatim).
pub trait RenderAnswer: Send + Sync {
    fn render(&self, outcome: &Outcome) -> StoredAnswer;
}

/// The answer to a command.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // moved once per request; a box would cost an allocation each
pub enum Answer {
    Fresh(Outcome),
    /// The stored answer to an earlier request with the same `Idempotency-Key`.
    Replayed(StoredAnswer),
}

impl Answer {
    /// A fresh answer that found nothing (see [`Outcome::is_empty`]).
    pub fn is_empty(&self) -> bool {
        matches!(self, Answer::Fresh(outcome) if outcome.is_empty())
    }
}
