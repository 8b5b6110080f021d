//! Outcomes as HTTP answers: the status and the view for each. The one place where a kernel
//! outcome meets a status code.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::kernel::{Outcome, RenderAnswer, StoredAnswer};
use crate::views::{
    AgentRegistered, AgentView, ApprovalView, ClaimView, HandoffView, InboxItem, KeyView, LockList, LockView,
    MessageView, PolicyVersionView, TaskView, TenantCreated, TenantView, UserView, to_value,
};

/// The status and body an outcome is answered with.
pub fn render(outcome: &Outcome) -> (StatusCode, Value) {
    use Outcome as O;
    let ok = |v: Value| (StatusCode::OK, v);
    let created = |v: Value| (StatusCode::CREATED, v);
    match outcome {
        O::TenantCreated { tenant, admin, key, plaintext } => created(to_value(&TenantCreated {
            tenant: TenantView::from(tenant),
            admin: UserView::from(admin),
            admin_key: KeyView::new(key, Some(plaintext)),
        })),
        O::UserCreated(user) => created(to_value(&UserView::from(user))),
        O::KeyCreated { key, plaintext } => created(to_value(&KeyView::new(key, Some(plaintext)))),
        O::KeyRevoked(key) => ok(to_value(&KeyView::new(key, None))),
        // The link itself is made after the commit and added by the handler (never stored).
        O::LinkIssued { user, expires_at, .. } => created(json!({
            "user": to_value(&UserView::from(user)),
            "expires_at": bosun_core::clock::format_micros(*expires_at),
        })),
        O::PasswordSet { user, set } => {
            ok(to_value(&crate::views::PasswordSetView { user: UserView::from(user), password_set: *set }))
        }
        // Never the session's secret or CSRF token: those reach only its own browser.
        O::Session(s) => ok(json!({
            "id": s.id,
            "user_id": s.user_id,
            "created_at": bosun_core::clock::format_micros(s.created_at),
            "expires_at": bosun_core::clock::format_micros(s.expires_at),
            "ended_at": s.revoked_at.map(bosun_core::clock::format_micros),
        })),
        O::AgentRegistered { agent, key, plaintext } => created(to_value(&AgentRegistered {
            agent: AgentView::from(agent),
            key: KeyView::new(key, Some(plaintext)),
        })),
        O::AgentUpdated(agent) => ok(to_value(&AgentView::from(agent))),
        O::TaskSubmitted { task, created: fresh } => {
            let status = if *fresh { StatusCode::CREATED } else { StatusCode::OK };
            (status, to_value(&TaskView::from(task)))
        }
        O::BatchSubmitted { tasks, created: fresh } => {
            let status = if *fresh { StatusCode::CREATED } else { StatusCode::OK };
            (status, json!({ "tasks": tasks.iter().map(TaskView::from).collect::<Vec<_>>() }))
        }
        O::Claimed { task, fence, locks, reservation } => ok(to_value(&ClaimView {
            task: TaskView::from(task),
            fence: *fence,
            lease_expires_at: task.lease_expires_at.map(bosun_core::clock::format_micros).unwrap_or_default(),
            locks: locks.iter().map(LockView::from).collect(),
            reservation: reservation.as_ref().map(|r| crate::views::ReservationView::new(r, Vec::new(), None)),
        })),
        O::NothingToClaim | O::SystemDone => (StatusCode::NO_CONTENT, Value::Null),
        O::TaskUpdated(task) => ok(to_value(&TaskView::from(task))),
        O::LocksAcquired(locks) => created(to_value(&LockList { locks: locks.iter().map(LockView::from).collect() })),
        O::LocksReleased(locks) => ok(to_value(&LockList { locks: locks.iter().map(LockView::from).collect() })),
        O::LockUpdated(lock) => ok(to_value(&LockView::from(lock))),
        O::HandoffWritten(handoff) => created(to_value(&HandoffView::from(handoff))),
        O::MessageSent { message, copies } => created(to_value(&MessageView::new(message, copies))),
        O::Inbox(items) => {
            ok(json!({ "messages": items.iter().map(|(m, r)| InboxItem::new(m, r)).collect::<Vec<_>>() }))
        }
        O::Receipt { message, copy } => ok(to_value(&InboxItem::new(message, copy))),
        O::AllowlistSet(list) => ok(serde_json::to_value(list).unwrap_or_default()),
        O::PoliciesSet(v) => ok(to_value(&PolicyVersionView::from(v))),
        // Without its token: the approval handlers add it for the requester (`Kernel::gate_token`).
        O::Approval(a) => ok(to_value(&ApprovalView::new(a, None, None))),
        O::ApprovalRequested(a) => created(to_value(&ApprovalView::new(a, None, None))),
        O::GuardrailRules(rules) => ok(json!({ "rules": rules })),
        O::GovernanceSettings(s) => ok(to_value(&crate::views::GovernanceSettingsView::from(s))),
        O::AlertRules(rules) => {
            ok(to_value(&crate::views::AlertRulesView { rules: rules.clone(), builtin: bosun_core::alert::builtin() }))
        }
        O::Alert(a) => ok(to_value(&crate::views::AlertView::new(a, &[]))),
        // Without its secret: the create handler adds it (shown once).
        O::Webhook(w) => created(to_value(&crate::views::WebhookView::new(
            w,
            crate::kernel::Breaker::default(),
            bosun_core::Timestamp::UNIX_EPOCH,
            None,
        ))),
        O::Budgets(specs) => ok(to_value(&crate::views::BudgetList {
            budgets: specs.iter().map(crate::views::BudgetView::from).collect(),
        })),
        // Without its preflight token: the reserve handler adds it (`Kernel::preflight_token`).
        O::Reserved { reservation, warnings, .. } => {
            created(to_value(&crate::views::ReservationView::new(reservation, warnings.clone(), None)))
        }
        O::UsageRecorded { record, over_budget } => {
            created(to_value(&crate::views::UsageView::new(record, over_budget)))
        }
        O::Remembered { memory, created: fresh } => {
            let action = if *fresh { "created" } else { "deduplicated" };
            let view = crate::views::RememberedView { id: memory.id.clone(), action: action.into(), seen: memory.seen };
            (if *fresh { StatusCode::CREATED } else { StatusCode::OK }, to_value(&view))
        }
        O::MemoriesErased { count, more } => ok(to_value(&crate::views::ErasedView { erased: *count, more: *more })),
        O::MemorySettings(s) => ok(to_value(&crate::views::MemorySettingsView::from(s))),
        O::WorkflowRun(view) => {
            // Started: 202 (its tasks are queued, not done); cancelled: 200.
            let status = if view.run.status == "cancelled" { StatusCode::OK } else { StatusCode::ACCEPTED };
            (status, to_value(&crate::views::WorkflowRunView::new(view)))
        }
        O::WorkflowTemplate { template, created: fresh } => {
            let view = crate::views::WorkflowTemplateStored {
                name: template.name.clone(),
                version: template.version,
                created: *fresh,
            };
            (if *fresh { StatusCode::CREATED } else { StatusCode::OK }, to_value(&view))
        }
    }
}

/// A lock conflict as the 409's `conflicts` entries show it.
pub fn conflict(c: &crate::kernel::Conflict) -> Value {
    json!({
        "lock_id": c.lock.id,
        "key": c.lock.key,
        "exclusive": c.lock.exclusive,
        "holder": c.lock.holder.name,
        "holder_id": c.lock.holder.owner.id(),
        "holder_type": c.lock.holder.owner.kind(),
        "expires_at": bosun_core::clock::format_micros(c.lock.expires_at),
        "requested": c.requested,
        "example": c.example,
    })
}

/// The HTTP edge's rendering, handed to the kernel for idempotent replays.
pub struct HttpAnswers;

impl RenderAnswer for HttpAnswers {
    fn render(&self, outcome: &Outcome) -> StoredAnswer {
        let (status, body) = render(outcome);
        StoredAnswer { status: status.as_u16(), body }
    }
}
