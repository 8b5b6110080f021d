//! The tool table: every MCP tool as a REST operation with a name, the tool sets that list it,
//! and a description written for a model (most of this file is that prose); and the resources.

use axum::http::Method;

/// Tool sets: the compact default, or a role's, or everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Core,
    Worker,
    Orchestrator,
    Ops,
    All,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        Some(match s {
            "" | "core" | "default" => Profile::Core,
            "worker" => Profile::Worker,
            "orchestrator" => Profile::Orchestrator,
            "ops" => Profile::Ops,
            "all" => Profile::All,
            _ => return None,
        })
    }

    pub const NAMED: [(&'static str, Profile); 5] = [
        ("core", Profile::Core),
        ("worker", Profile::Worker),
        ("orchestrator", Profile::Orchestrator),
        ("ops", Profile::Ops),
        ("all", Profile::All),
    ];
}

use Profile::{Core as C, Ops as P, Orchestrator as O, Worker as W};

/// One tool: a REST operation with a name and a description for a model.
pub struct ToolSpec {
    pub name: &'static str,
    pub method: Method,
    /// The OpenAPI path template.
    pub path: &'static str,
    pub profiles: &'static [Profile],
    pub description: &'static str,
}

macro_rules! tool {
    ($name:literal, $method:ident, $path:literal, [$($p:ident),*], $desc:expr) => {
        ToolSpec { name: $name, method: Method::$method, path: $path, profiles: &[$($p),*], description: $desc }
    };
}

/// Every tool, in the order clients list them.
pub static TOOLS: std::sync::LazyLock<Vec<ToolSpec>> = std::sync::LazyLock::new(|| {
    vec![
        tool!(
            "whoami",
            GET,
            "/api/v1/whoami",
            [C, W, O, P],
            "Who this session acts as: tenant, principal (agent or user), name and role. Call it first if you are \
             unsure which agent you are. Example: whoami {}"
        ),
        tool!(
            "check_policy",
            POST,
            "/api/v1/authorize",
            [W, O, P],
            "Ask before acting: would the tenant's policies allow you this action, and which policy decides? \
             Nothing is done or recorded. The action is its audit name (task.claimed, lock.acquired, message.sent, \
             …). Example: check_policy {\"action\": \"lock.acquired\"}"
        ),
        tool!(
            "check_guardrails",
            POST,
            "/api/v1/guardrails/check",
            [W, O, P],
            "Before running a shell command (or SQL), ask whether it is safe: force pushes, rm -rf, deploys, \
             migrations, writes to credential files, curl | sh are flagged with the rule and whether they are \
             blocked or need an approval. Pass the files you will write in `paths`. Example: check_guardrails \
             {\"operation\": \"git push --force origin main\"}"
        ),
        tool!(
            "request_approval",
            POST,
            "/api/v1/approvals",
            [W, O, P],
            "Ask before a gated action (a deploy, a migration, anything a guardrail says needs approval): give the \
             action, resource, exact arguments and risk factors (each 0-1). Low risk is approved at once and the answer \
             has the gate_token; otherwise a person decides: poll approval_status. Example: request_approval \
             {\"action\": \"terraform apply\", \"resource\": \"infra/prod\", \"factors\": {\"blast_radius\": 0.9}}"
        ),
        tool!(
            "approval_status",
            GET,
            "/api/v1/approvals/{id}",
            [W, O, P],
            "The state of your approval request: pending, approved (with the single-use gate_token), denied or \
             expired. Example: approval_status {\"id\": \"01J…\"}"
        ),
        tool!(
            "check_egress",
            POST,
            "/api/v1/egress/check",
            [W, O, P],
            "Ask before connecting to a network destination (URL, host:port or host): may your profile reach it, \
             and which rule decides? The answer is logged. Example: check_egress {\"destination\": \
             \"https://api.github.com\"}"
        ),
        tool!(
            "list_alerts",
            GET,
            "/api/v1/alerts",
            [P],
            "See the security alerts raised in your tenant (failed logins, cross-tenant attempts, policy and \
             guardrail violations, bursts of denials, budgets exceeded), newest first, with each one's count and \
             webhook deliveries. Users only. Example: list_alerts {\"status\": \"open\"}"
        ),
        tool!(
            "budget_status",
            GET,
            "/api/v1/budgets/usage",
            [W, O, P],
            "Before expensive work (a long model session, a big batch), see how much budget is left: each budget \
             that counts your spending, with what is spent this period, reserved and remaining. To hold room, the \
             REST call POST /api/v1/budgets/reserve. Example: budget_status {}"
        ),
        tool!(
            "register_agent",
            POST,
            "/api/v1/agents",
            [C, O],
            "Register yourself (or a worker) as an agent of the fleet. Call once at the start of a session, with a \
             user or enrolment key; afterwards this MCP session acts as the new agent. Give your kind and \
             capabilities so tasks that need them reach you. Example: register_agent {\"kind\": \"claude-code\", \
             \"capabilities\": [\"rust\", \"git\"]}"
        ),
        tool!(
            "heartbeat",
            POST,
            "/api/v1/agents/{id}/heartbeat",
            [W, O],
            "Say you are alive (and optionally your status: idle, busy, terminating, failed). Any call already counts \
             as presence; heartbeat during long silent work. With task_id and fence it instead extends that task's \
             lease. Example: heartbeat {\"task_id\": \"01J…\", \"fence\": 3}"
        ),
        tool!(
            "list_agents",
            GET,
            "/api/v1/agents",
            [O, P],
            "List the fleet's agents, filtered by status, capability or kind, to see who can take work or whom to \
             message. Example: list_agents {\"status\": \"idle\", \"capability\": \"rust\"}"
        ),
        tool!(
            "submit_task",
            POST,
            "/api/v1/tasks",
            [C, O],
            "Add a task to the queue for some agent to claim. Use priority (0–10, 10 first), depends_on for tasks \
             that must succeed first, required_capabilities to target agents, and idempotency_key so a retry never \
             queues it twice. Example: submit_task {\"title\": \"Add pagination to /users\", \"priority\": 8, \
             \"required_capabilities\": [\"rust\"]}"
        ),
        tool!(
            "claim_task",
            POST,
            "/api/v1/tasks/claim",
            [C, W],
            "Take the best ready task you can do. You get the task, a lease and a fence: pass the fence to \
             complete_task, fail_task and heartbeat. Put the files you will edit in scope to lock them with the claim \
             (all or nothing). Returns no task when none is ready; pass wait_seconds to wait. Example: claim_task \
             {\"scope\": [\"src/api/**\"], \"wait_seconds\": 30}"
        ),
        tool!(
            "complete_task",
            POST,
            "/api/v1/tasks/{id}/complete",
            [C, W],
            "Finish a task you claimed, with its result. Needs the fence from claim_task; a stale_fence error means \
             your lease expired and someone else has the task: stop working on it. Example: complete_task \
             {\"id\": \"01J…\", \"fence\": 1, \"result\": {\"pr\": 42}}"
        ),
        tool!(
            "fail_task",
            POST,
            "/api/v1/tasks/{id}/fail",
            [C, W],
            "Give up a task you claimed, saying why. retryable=true (default) retries it later with backoff; false \
             sends it to the dead-letter queue. Example: fail_task {\"id\": \"01J…\", \"fence\": 1, \"error\": \
             \"tests fail on main\", \"retryable\": false}"
        ),
        tool!(
            "list_tasks",
            GET,
            "/api/v1/tasks",
            [W, O, P],
            "List tasks by project, status (blocked, ready, leased, succeeded, failed, dead, cancelled), assignee or \
             priority, in submission order. Example: list_tasks {\"status\": \"ready\"}"
        ),
        tool!(
            "acquire_lock",
            POST,
            "/api/v1/locks",
            [C, W],
            "Reserve files before editing them so other agents don't: path globs (src/**/*.rs) or logical keys \
             (db:migrations). All or nothing: a lock_conflict error names who holds what until when; pick other \
             files or wait. Release when done. Example: acquire_lock {\"paths\": [\"src/api/users.rs\"], \
             \"ttl_seconds\": 1800, \"reason\": \"pagination\"}"
        ),
        tool!(
            "release_lock",
            DELETE,
            "/api/v1/locks/{id}",
            [C, W],
            "Release locks you hold as soon as you are done with the files: by id (from acquire_lock) or by the \
             paths you locked. Example: release_lock {\"id\": \"01J…\"} or release_lock {\"paths\": \
             [\"src/api/users.rs\"]}"
        ),
        tool!(
            "renew_lock",
            POST,
            "/api/v1/locks/{id}/renew",
            [W],
            "Extend a lock you hold before it expires (ttl_seconds from now). Example: renew_lock {\"id\": \"01J…\", \
             \"ttl_seconds\": 1800}"
        ),
        tool!(
            "check_locks",
            GET,
            "/api/v1/locks",
            [W, O],
            "See active locks, optionally only those covering a path, before you plan edits. Example: check_locks \
             {\"path\": \"src/lib.rs\"}"
        ),
        tool!(
            "send_message",
            POST,
            "/api/v1/messages",
            [C, W, O],
            "Message other agents by name (or a topic): ask for data, hand over, report status, escalate. Set \
             ack_required when you need confirmation, and reply_to to answer a message in its thread. Example: \
             send_message {\"to\": [\"GreenCastle\"], \"type\": \"data_request\", \"subject\": \"schema?\", \"body\": \
             \"Which users table version?\"}"
        ),
        tool!(
            "fetch_inbox",
            GET,
            "/api/v1/inbox",
            [C, W, O],
            "Read your inbox (oldest first). Fetching marks messages delivered, not read; pass unread_only=true to \
             skip what you have read and wait_seconds to wait for something new. Example: fetch_inbox \
             {\"unread_only\": true, \"wait_seconds\": 20}"
        ),
        tool!(
            "ack_message",
            POST,
            "/api/v1/messages/{id}/ack",
            [W, O],
            "Acknowledge a message sent to you (needed when it says ack_required). Example: ack_message {\"id\": \
             \"01J…\"}"
        ),
        tool!(
            "read_thread",
            GET,
            "/api/v1/threads/{id}",
            [W, O],
            "Read a whole conversation, oldest first, by its thread_id. Example: read_thread {\"id\": \"01J…\"}"
        ),
        tool!(
            "search_messages",
            GET,
            "/api/v1/messages/search",
            [O, P],
            "Find past messages by words in subject and body (all words required). Example: search_messages \
             {\"q\": \"migration failed\"}"
        ),
        tool!(
            "write_handoff",
            POST,
            "/api/v1/handoffs",
            [C, W],
            "Before you stop, leave a handoff for whoever continues: summary, completed, in_progress, next_steps, \
             decisions, files. Example: write_handoff {\"task_id\": \"01J…\", \"summary\": \"parser done\", \
             \"next_steps\": [\"write tests\"], \"files\": [\"src/parse.rs\"]}"
        ),
        tool!(
            "read_handoff",
            GET,
            "/api/v1/handoffs",
            [C, W],
            "When you pick up work, read the latest handoff for the task or project first. Example: read_handoff \
             {\"task_id\": \"01J…\", \"latest\": true}"
        ),
        tool!(
            "recall",
            GET,
            "/api/v1/memory/recall",
            [C, W, O],
            "Before you start a task, recall what the fleet learned about it: past failures, fixes and decisions, \
             most relevant first (relevance 0-1 from text match, tags, recency and outcome). Ask in plain words; \
             narrow with comma-separated tags or an event_type. Example: recall {\"q\": \"login e2e test timeout\", \
             \"tags\": \"e2e\", \"project\": \"web\", \"limit\": 5}"
        ),
        tool!(
            "remember",
            POST,
            "/api/v1/memory",
            [C, W, O],
            "After you finish or fail a task, remember the lesson so the next agent does not repeat it: a one-line \
             summary of what happened, the outcome (success, failure, partial), what to do next time, and tags. \
             Repeating the same summary within a day only counts it. Never put secrets in it. Example: remember \
             {\"event_type\": \"task_failed\", \"summary\": \"login e2e test times out on a cold dev server\", \
             \"outcome\": \"failure\", \"lessons\": \"warm the server first\", \"tags\": [\"e2e\"], \"project\": \"web\"}"
        ),
        tool!(
            "start_workflow",
            POST,
            "/api/v1/workflows/{name}/runs",
            [O],
            "Start a multi-step workflow from a template: review (implement, two reviews, a vote, apply or send \
             back; params change), fix-until-green (run a check, fix while it fails, at most 5 rounds; params \
             check), map-reduce (one task per item, results merged; params items, task), or the tenant's own. Its \
             tasks are queued for workers; follow it with workflow_status. Example: start_workflow {\"name\": \
             \"fix-until-green\", \"project\": \"web\", \"params\": {\"check\": \"cargo test\"}}"
        ),
        tool!(
            "workflow_status",
            GET,
            "/api/v1/workflows/runs/{id}",
            [O],
            "Where a workflow run is: its status, each step with its tasks, a loop's iteration, each step's result \
             and why a step was skipped or failed. Example: workflow_status {\"id\": \"01J…\"}"
        ),
        tool!(
            "query_audit",
            GET,
            "/api/v1/audit",
            [P],
            "Look up what happened: the audit log filtered by actor, action prefix (task., lock., …), target, \
             outcome, severity or time. Example: query_audit {\"action\": \"lock.\", \"actor\": \"GreenCastle\"}"
        ),
    ]
});

/// Resources: read-only views, each a REST read (uri, name, path, description).
pub const RESOURCES: [(&str, &str, &str, &str); 5] = [
    (
        "bosun://inbox",
        "inbox",
        "/api/v1/inbox?unread_only=true",
        "Your unread messages, oldest first (reading marks them delivered).",
    ),
    (
        "bosun://tasks/ready",
        "ready tasks",
        "/api/v1/tasks?status=ready",
        "Tasks waiting to be claimed, in submission order.",
    ),
    ("bosun://locks", "locks", "/api/v1/locks", "Active locks: who holds which files and keys, until when."),
    (
        "bosun://memories/recent",
        "recent memories",
        "/api/v1/memory?limit=20",
        "The 20 newest memories you may see (lessons the fleet recorded), newest first.",
    ),
    (
        "bosun://profile",
        "profile",
        "/api/v1/whoami",
        "Who this session acts as; for an agent, its record, its profile (trust level, limits, egress rules) and \
         the actions it may do.",
    ),
];
