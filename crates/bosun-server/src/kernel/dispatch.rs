//! Routing of every command to its steps: validation, the facts authorization needs, the audit
//! target of a denial, and the change itself. Each is one exhaustive `match` without a
//! fallback arm, so a new command does not compile until every step says what it does for it.

use bosun_core::message::Delivery;

use super::identity::{self, KeyTarget};
use super::{
    Caller, Command, Done, Kernel, KernelError, Tx, approvals, coord, governance, liveness, locks, memory, messages,
    scheduler, workflows,
};

/// Check a command's own fields (no store access).
pub(super) fn validate(cmd: &Command) -> Result<(), KernelError> {
    match cmd {
        Command::CreateTenant { name, admin_name } => identity::validate_tenant(name, admin_name),
        Command::CreateUser { name, metadata, .. } => identity::validate_user(name, metadata),
        Command::CreateKey { label, .. } => identity::validate_key_label(label.as_deref()),
        Command::RegisterAgent(r) => coord::validate_register(r),
        Command::SubmitTasks(s) => coord::validate_submit(s),
        Command::ClaimTask(c) => coord::validate_claim(c),
        Command::TaskHeartbeat(w) | Command::CompleteTask { task: w, .. } => coord::validate_work(w),
        Command::FailTask(f) => coord::validate_fail(f),
        Command::CancelTask { reason, .. } => coord::validate_reason(reason.as_deref()),
        Command::AcquireLocks(a) => locks::validate_acquire(a),
        Command::RenewLock { ttl_seconds, .. } => locks::validate_ttl(*ttl_seconds),
        Command::ReleaseLocksByKey { project, paths } => locks::validate_release_keys(project, paths),
        Command::WriteHandoff(h) => coord::validate_handoff(h),
        Command::SendMessage(m) => messages::validate(m),
        Command::PutAllowlist(list) => list.validate().map_err(KernelError::Validation),
        Command::PutPolicies(p) => governance::validate_note(p.note.as_deref()),
        Command::RollbackPolicies(r) => governance::validate_note(r.note.as_deref()),
        Command::SetProfile { profile, .. } => {
            bosun_core::validate::name("profile", profile).map_err(KernelError::Validation)
        }
        Command::RequestApproval(r) => approvals::validate_request(r),
        Command::PutGuardrailRules(rules) => {
            bosun_policy::guard::TenantRules::compile(rules).map(|_| ()).map_err(KernelError::Validation)
        }
        Command::RedeemGate(r) => approvals::validate_redeem(r),
        Command::SetApprovalThreshold { threshold } => approvals::validate_threshold(*threshold),
        Command::PutBudgets(specs) => super::budgets::validate_specs(specs),
        Command::Reserve(r) => super::budgets::validate_reserve(r),
        Command::ReportUsage(u) => super::budgets::validate_usage(u),
        Command::PutAlertRules(rules) => super::alerts::validate_rules(rules),
        Command::CreateWebhook { url, description } => super::alerts::validate_webhook(url, description.as_deref()),
        Command::DecideAlert { id, .. } | Command::DeleteWebhook { id } => {
            if id.is_empty() || id.len() > 64 {
                Err(KernelError::Validation("`id` is a ULID".into()))
            } else {
                Ok(())
            }
        }
        Command::DecideApproval { reason, .. } => coord::validate_reason(reason.as_deref()),
        Command::Remember(r) => memory::validate_remember(r),
        Command::EraseMemories(e) => memory::validate_erase(e),
        Command::PutMemorySettings(s) => memory::validate_settings(s),
        Command::StartWorkflow(s) => workflows::validate_start(s),
        Command::CancelWorkflow { id, reason } => workflows::validate_cancel(id, reason.as_deref()),
        Command::PutWorkflowTemplate(p) => workflows::validate_put(p),
        // Nothing to check beyond what their types already hold.
        Command::SetPassword { .. }
        | Command::IssueSignInLink { .. }
        | Command::StartSession(_)
        | Command::EndSession { .. }
        | Command::RevokeKey { .. }
        | Command::AgentHeartbeat { .. }
        | Command::DeregisterAgent { .. }
        | Command::RetryTask { .. }
        | Command::ReleaseLock { .. }
        | Command::FetchInbox(_)
        | Command::MarkRead { .. }
        | Command::AckMessage { .. }
        | Command::RotateGateKey
        | Command::System(_) => Ok(()),
    }
}

/// For `AdminOrSelf` actions: whose keys the command touches.
pub(super) async fn authorize_self(kernel: &Kernel, caller: &Caller, cmd: &Command) -> Result<(), KernelError> {
    let target = match cmd {
        Command::CreateKey { user_id, .. } => KeyTarget::User(*user_id),
        Command::RevokeKey { key_id } => KeyTarget::Key(*key_id),
        Command::SetPassword { user_id, .. } => KeyTarget::User(*user_id),
        Command::EraseMemories(e) => return memory::authorize_own(kernel, caller, e).await,
        other => {
            return Err(KernelError::Internal(format!(
                "{} is not an admin-or-self action; the role table and this list disagree",
                other.action().name()
            )));
        }
    };
    identity::authorize_own_keys(kernel, caller, cmd.action(), target).await
}

/// The rules that depend on facts beyond the caller's role.
pub(super) async fn authorize_facts(kernel: &Kernel, caller: &Caller, cmd: &Command) -> Result<(), KernelError> {
    match cmd {
        Command::AgentHeartbeat { agent_id, .. } => match caller.agent_id() {
            Some(me) if me == *agent_id => Ok(()),
            _ => Err(KernelError::Forbidden("an agent may heartbeat only itself".into())),
        },
        Command::DeregisterAgent { agent_id } => coord::authorize_self_agent(caller, *agent_id, "deregister"),
        Command::RenewLock { lock_id, .. } => locks::authorize_lock(kernel, caller, *lock_id, false).await,
        Command::ReleaseLock { lock_id } => locks::authorize_lock(kernel, caller, *lock_id, true).await,
        Command::SendMessage(m) => messages::authorize_send(kernel, caller, m).await,
        Command::MarkRead { message_id } => {
            messages::authorize_receipt(kernel, caller, *message_id, "mark as read").await
        }
        Command::AckMessage { message_id } => {
            messages::authorize_receipt(kernel, caller, *message_id, "acknowledge").await
        }
        Command::PutPolicies(p) => governance::authorize_put(kernel, caller, &p.text).await,
        Command::RollbackPolicies(r) => governance::authorize_rollback(kernel, caller, r.to_version).await,
        // The role table decides these alone; their own rules are checked in the transaction
        // (holding the lease, holding the lock, the key's owner).
        Command::CreateTenant { .. }
        | Command::CreateUser { .. }
        | Command::CreateKey { .. }
        | Command::RevokeKey { .. }
        | Command::SetPassword { .. }
        | Command::IssueSignInLink { .. }
        | Command::StartSession(_)
        | Command::EndSession { .. }
        | Command::RegisterAgent(_)
        | Command::SubmitTasks(_)
        | Command::ClaimTask(_)
        | Command::TaskHeartbeat(_)
        | Command::CompleteTask { .. }
        | Command::FailTask(_)
        | Command::CancelTask { .. }
        | Command::RetryTask { .. }
        | Command::AcquireLocks(_)
        | Command::ReleaseLocksByKey { .. }
        | Command::WriteHandoff(_)
        | Command::FetchInbox(_)
        | Command::PutAllowlist(_)
        | Command::SetProfile { .. }
        | Command::RequestApproval(_)
        | Command::DecideApproval { .. }
        | Command::RedeemGate(_)
        | Command::PutGuardrailRules(_)
        | Command::SetApprovalThreshold { .. }
        | Command::RotateGateKey
        | Command::PutBudgets(_)
        | Command::Reserve(_)
        | Command::ReportUsage(_)
        | Command::PutAlertRules(_)
        | Command::DecideAlert { .. }
        | Command::CreateWebhook { .. }
        | Command::DeleteWebhook { .. }
        | Command::Remember(_)
        | Command::EraseMemories(_)
        | Command::PutMemorySettings(_)
        | Command::StartWorkflow(_)
        | Command::CancelWorkflow { .. }
        | Command::PutWorkflowTemplate(_)
        | Command::System(_) => Ok(()),
    }
}

/// The projects a command names, distinct (the policies' `context.project`); none for commands
/// that name no project or act on a record by id.
pub(super) fn projects(cmd: &Command) -> Vec<&str> {
    let mut named: Vec<&str> = match cmd {
        Command::SubmitTasks(s) => s.tasks.iter().map(|t| t.project.as_str()).collect(),
        Command::ClaimTask(c) => vec![c.project.as_str()],
        Command::AcquireLocks(a) => vec![a.project.as_str()],
        Command::ReleaseLocksByKey { project, .. } => vec![project.as_str()],
        Command::WriteHandoff(h) => vec![h.project.as_str()],
        Command::SendMessage(m) => vec![m.project.as_str()],
        Command::Remember(r) => vec![r.project.as_str()],
        Command::StartWorkflow(s) => vec![s.project.as_str()],
        Command::CreateTenant { .. }
        | Command::CreateUser { .. }
        | Command::CreateKey { .. }
        | Command::RevokeKey { .. }
        | Command::SetPassword { .. }
        | Command::IssueSignInLink { .. }
        | Command::StartSession(_)
        | Command::EndSession { .. }
        | Command::RegisterAgent(_)
        | Command::AgentHeartbeat { .. }
        | Command::DeregisterAgent { .. }
        | Command::TaskHeartbeat(_)
        | Command::CompleteTask { .. }
        | Command::FailTask(_)
        | Command::CancelTask { .. }
        | Command::RetryTask { .. }
        | Command::RenewLock { .. }
        | Command::ReleaseLock { .. }
        | Command::FetchInbox(_)
        | Command::MarkRead { .. }
        | Command::AckMessage { .. }
        | Command::PutAllowlist(_)
        | Command::PutPolicies(_)
        | Command::RollbackPolicies(_)
        | Command::SetProfile { .. }
        | Command::RequestApproval(_)
        | Command::DecideApproval { .. }
        | Command::RedeemGate(_)
        | Command::PutGuardrailRules(_)
        | Command::SetApprovalThreshold { .. }
        | Command::RotateGateKey
        | Command::PutBudgets(_)
        | Command::ReportUsage(_)
        | Command::PutAlertRules(_)
        | Command::DecideAlert { .. }
        | Command::CreateWebhook { .. }
        | Command::DeleteWebhook { .. }
        | Command::EraseMemories(_)
        | Command::PutMemorySettings(_)
        | Command::CancelWorkflow { .. }
        | Command::PutWorkflowTemplate(_)
        | Command::System(_) => Vec::new(),
        Command::Reserve(r) => vec![r.project.as_str()],
    };
    named.sort_unstable();
    named.dedup();
    named
}

/// What a denied command was aimed at, for its audit event.
pub(super) fn target_of(cmd: &Command) -> Option<(&'static str, String)> {
    match cmd {
        Command::CreateKey { user_id, .. } => Some(("user", user_id.to_string())),
        Command::RevokeKey { key_id } => Some(("key", key_id.to_string())),
        Command::SetPassword { user_id, .. } | Command::IssueSignInLink { user_id } => {
            Some(("user", user_id.to_string()))
        }
        Command::StartSession(session) => Some(("session", session.id.clone())),
        Command::EndSession { id } => Some(("session", id.clone())),
        Command::AgentHeartbeat { agent_id, .. }
        | Command::DeregisterAgent { agent_id }
        | Command::SetProfile { agent_id, .. } => Some(("agent", agent_id.to_string())),
        Command::TaskHeartbeat(w) | Command::CompleteTask { task: w, .. } => Some(("task", w.task_id.to_string())),
        Command::FailTask(f) => Some(("task", f.task.task_id.to_string())),
        Command::CancelTask { task_id, .. } | Command::RetryTask { task_id } => Some(("task", task_id.to_string())),
        Command::RenewLock { lock_id, .. } | Command::ReleaseLock { lock_id } => Some(("lock", lock_id.to_string())),
        Command::MarkRead { message_id } | Command::AckMessage { message_id } => {
            Some(("message", message_id.to_string()))
        }
        // Nothing existing is named: a creation, a query, or Bosun's own work.
        Command::CreateTenant { .. }
        | Command::CreateUser { .. }
        | Command::RegisterAgent(_)
        | Command::SubmitTasks(_)
        | Command::ClaimTask(_)
        | Command::AcquireLocks(_)
        | Command::ReleaseLocksByKey { .. }
        | Command::WriteHandoff(_)
        | Command::SendMessage(_)
        | Command::FetchInbox(_)
        | Command::PutAllowlist(_)
        | Command::PutPolicies(_)
        | Command::RollbackPolicies(_)
        | Command::RequestApproval(_)
        | Command::RedeemGate(_)
        | Command::PutGuardrailRules(_)
        | Command::SetApprovalThreshold { .. }
        | Command::RotateGateKey
        | Command::PutBudgets(_)
        | Command::Reserve(_)
        | Command::ReportUsage(_)
        | Command::PutAlertRules(_)
        | Command::DecideAlert { .. }
        | Command::CreateWebhook { .. }
        | Command::DeleteWebhook { .. }
        | Command::System(_) => None,
        Command::DecideApproval { id, .. } => Some(("approval", id.clone())),
        // Never a subject or a tag: they are content.
        Command::EraseMemories(e) => match &e.by {
            bosun_store::EraseBy::Id(id) => Some(("memory", id.clone())),
            bosun_store::EraseBy::Author(a) => Some(("agent", a.clone())),
            _ => None,
        },
        Command::Remember(_) | Command::PutMemorySettings(_) | Command::StartWorkflow(_) => None,
        Command::CancelWorkflow { id, .. } => Some(("workflow_run", id.clone())),
        Command::PutWorkflowTemplate(p) => Some(("workflow_template", p.name.clone())),
    }
}

/// Apply a command inside the write transaction.
pub(super) fn apply(tx: &mut Tx<'_>, cmd: Command) -> Result<Done, KernelError> {
    let changed = Done::Changed;
    match cmd {
        Command::CreateTenant { name, admin_name } => {
            identity::create_tenant(tx, bosun_core::TenantId::generate(), false, name, admin_name).map(changed)
        }
        Command::CreateUser { name, role, metadata } => identity::create_user(tx, name, role, metadata).map(changed),
        Command::CreateKey { user_id, label, enrolment } => {
            identity::create_key(tx, user_id, label, enrolment).map(changed)
        }
        Command::RevokeKey { key_id } => identity::revoke_key(tx, key_id).map(changed),
        Command::SetPassword { user_id, hash } => super::dashboard::set_password(tx, user_id, hash).map(changed),
        Command::IssueSignInLink { user_id } => super::dashboard::issue_link(tx, user_id).map(changed),
        Command::StartSession(session) => super::dashboard::start_session(tx, *session).map(changed),
        Command::EndSession { id } => super::dashboard::end_session(tx, &id).map(changed),
        Command::RegisterAgent(r) => coord::register_agent(tx, r).map(changed),
        Command::AgentHeartbeat { agent_id, status } => liveness::agent_heartbeat(tx, agent_id, status),
        Command::DeregisterAgent { agent_id } => coord::deregister(tx, agent_id).map(changed),
        Command::SubmitTasks(s) => coord::submit(tx, s),
        Command::ClaimTask(c) => coord::claim(tx, c),
        Command::TaskHeartbeat(w) => liveness::task_heartbeat(tx, w),
        Command::CompleteTask { task, result } => coord::complete(tx, task, result).map(changed),
        Command::FailTask(f) => coord::fail(tx, f).map(changed),
        Command::CancelTask { task_id, reason } => coord::cancel(tx, task_id, reason).map(changed),
        Command::RetryTask { task_id } => coord::retry(tx, task_id).map(changed),
        Command::AcquireLocks(a) => locks::acquire(tx, a).map(changed),
        Command::RenewLock { lock_id, ttl_seconds } => locks::renew(tx, lock_id, ttl_seconds).map(changed),
        Command::ReleaseLock { lock_id } => locks::release(tx, lock_id).map(changed),
        Command::ReleaseLocksByKey { project, paths } => locks::release_keys(tx, &project, &paths).map(changed),
        Command::WriteHandoff(h) => coord::handoff(tx, h).map(changed),
        Command::SendMessage(m) => messages::send(tx, m).map(changed),
        Command::FetchInbox(f) => messages::fetch(tx, f),
        Command::MarkRead { message_id } => messages::receipt(tx, message_id, Delivery::Read).map(changed),
        Command::AckMessage { message_id } => messages::receipt(tx, message_id, Delivery::Acked).map(changed),
        Command::PutAllowlist(list) => messages::put_allowlist(tx, list).map(changed),
        Command::PutPolicies(p) => governance::put(tx, p).map(changed),
        Command::RollbackPolicies(r) => governance::rollback(tx, r).map(changed),
        Command::SetProfile { agent_id, profile } => governance::set_profile(tx, agent_id, profile).map(changed),
        Command::RequestApproval(r) => approvals::request(tx, r).map(changed),
        Command::DecideApproval { id, approve, reason } => approvals::decide(tx, &id, approve, reason).map(changed),
        Command::RedeemGate(r) => approvals::redeem(tx, r).map(changed),
        Command::PutGuardrailRules(rules) => super::guardrails::put_rules(tx, rules).map(changed),
        Command::SetApprovalThreshold { threshold } => approvals::set_threshold(tx, threshold).map(changed),
        Command::RotateGateKey => approvals::rotate_gate_key(tx).map(changed),
        Command::PutBudgets(specs) => super::budgets::put(tx, specs).map(changed),
        Command::Reserve(r) => super::budgets::reserve(tx, r).map(changed),
        Command::ReportUsage(u) => super::budgets::settle(tx, u).map(changed),
        Command::PutAlertRules(rules) => super::alerts::put_rules(tx, rules).map(changed),
        Command::DecideAlert { id, resolve } => super::alerts::decide(tx, &id, resolve).map(changed),
        Command::CreateWebhook { url, description } => super::alerts::create_webhook(tx, url, description).map(changed),
        Command::DeleteWebhook { id } => super::alerts::delete_webhook(tx, &id).map(changed),
        Command::Remember(r) => memory::remember(tx, r).map(changed),
        Command::EraseMemories(e) => memory::erase(tx, e).map(changed),
        Command::PutMemorySettings(s) => memory::put_settings(tx, s).map(changed),
        Command::StartWorkflow(s) => workflows::start(tx, s).map(changed),
        Command::CancelWorkflow { id, reason } => workflows::cancel(tx, &id, reason).map(changed),
        Command::PutWorkflowTemplate(p) => workflows::put_template(tx, p),
        Command::System(s) => scheduler::apply(tx, s),
    }
}
