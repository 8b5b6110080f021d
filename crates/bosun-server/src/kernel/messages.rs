//! Messages (SPEC §3.4): sending to agents or a topic under the tenant's allowlist, the inbox
//! (fetching marks `delivered`, never `read`), read and ack receipts, threads and search.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use bosun_core::agent::AgentStatus;
use bosun_core::message::{Allowlist, Delivery, Importance, MessageType, Party, fts_query};
use bosun_core::model::{Agent, Message, Recipient};
use bosun_core::{Action, AgentId, MessageId, TenantId, Timestamp};
use bosun_store::{AgentFilter, InboxFilter, ReadTx};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Notify;

use super::{Answer, Applied, Caller, Command, Done, Kernel, KernelError, Outcome, Principal, RequestCtx, Tx};

#[derive(Clone, Debug, Serialize)]
pub struct SendMessage {
    pub project: String,
    /// Agent names or ids.
    pub to: Vec<String>,
    /// Or a topic: every live agent of the tenant but the sender.
    pub topic: Option<String>,
    pub kind: MessageType,
    pub subject: String,
    pub body: String,
    pub payload: Value,
    pub importance: Importance,
    pub ack_required: bool,
    pub reply_to: Option<MessageId>,
    pub thread_id: Option<MessageId>,
}

fn invalid(detail: impl Into<String>) -> KernelError {
    KernelError::Validation(detail.into())
}

pub(super) fn validate(m: &SendMessage) -> Result<(), KernelError> {
    super::coord::check_project(&m.project)?;
    match (&m.topic, m.to.is_empty()) {
        (Some(_), false) => return Err(invalid("send to `to` or to a `topic`, not both")),
        (None, true) => return Err(invalid("`to` must name at least one agent (or give a `topic`)")),
        _ => {}
    }
    if m.to.len() > 100 {
        return Err(invalid("`to` may name at most 100 agents"));
    }
    if let Some(t) = &m.topic
        && (t.is_empty() || t.len() > 64 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b)))
    {
        return Err(invalid("`topic` must be 1 to 64 letters, digits, `._:-`"));
    }
    if m.subject.chars().count() > 500 {
        return Err(invalid("`subject` must be at most 500 characters"));
    }
    if m.body.chars().count() > 100_000 {
        return Err(invalid("`body` must be at most 100,000 characters"));
    }
    Ok(())
}

/// Resolve `to` (names or ids) to agents of the caller's tenant, or the topic's audience.
/// An unknown name is 404 — an agent of another tenant is unknown here, not forbidden.
fn audience(r: &mut dyn ReadTx, caller: &Caller, m: &SendMessage) -> Result<Vec<Agent>, KernelError> {
    let tenant = caller.tenant;
    let mut out: BTreeMap<AgentId, Agent> = BTreeMap::new();
    if m.topic.is_some() {
        let mut after = None;
        loop {
            let page = r.list_agents(tenant, &AgentFilter::default(), after, 500)?;
            let last = page.last().map(|a| a.id);
            for a in page {
                if a.status != AgentStatus::Terminated && caller.agent_id() != Some(a.id) {
                    out.insert(a.id, a);
                }
            }
            match last {
                Some(id) => after = Some(id),
                None => break,
            }
        }
        return Ok(out.into_values().collect());
    }
    for name in &m.to {
        let agent = match AgentId::parse(name) {
            Some(id) => r.agent(tenant, id)?,
            None => r.agent_by_name(tenant, name)?,
        };
        let agent = agent.ok_or_else(|| KernelError::NotFound(format!("no agent named `{name}`")))?;
        if agent.status == AgentStatus::Terminated {
            return Err(KernelError::Conflict(format!("agent `{}` is terminated", agent.name)));
        }
        out.insert(agent.id, agent);
    }
    Ok(out.into_values().collect())
}

fn party_of(caller: &Caller, profile: Option<&str>) -> (&'static str, String, Option<String>) {
    match &caller.principal {
        Principal::User { name, .. } => ("user", name.clone(), None),
        Principal::Agent { name, .. } => ("agent", name.clone(), profile.map(str::to_owned)),
        Principal::System => ("user", "system".into(), None),
    }
}

/// The allowlist check, before the transaction (so a block is audited as a denial).
pub(super) async fn authorize_send(kernel: &Kernel, caller: &Caller, m: &SendMessage) -> Result<(), KernelError> {
    let (tenant, caller2, m2) = (caller.tenant, caller.clone(), m.clone());
    let (list, recipients, my_profile) = kernel
        .store
        .read(move |r| {
            let list = r.allowlist(tenant)?;
            let me = match caller2.agent_id() {
                Some(id) => r.agent(tenant, id)?.map(|a| a.profile),
                None => None,
            };
            Ok((list, audience(r, &caller2, &m2), me))
        })
        .await?;
    let recipients = recipients?;
    let list: Allowlist = match list {
        Some(doc) => serde_json::from_str(&doc).map_err(|e| KernelError::Internal(format!("stored allowlist: {e}")))?,
        None => return Ok(()),
    };
    let (kind, name, profile) = party_of(caller, my_profile.as_deref());
    let from = Party { kind, name: &name, profile: profile.as_deref() };
    for agent in &recipients {
        let to = Party { kind: "agent", name: &agent.name, profile: Some(&agent.profile) };
        list.check(&from, &to).map_err(KernelError::MessageBlocked)?;
    }
    Ok(())
}

/// Read and ack receipts are a recipient's: a stranger gets 404, the sender 403 (audited).
pub(super) async fn authorize_receipt(
    kernel: &Kernel,
    caller: &Caller,
    id: MessageId,
    verb: &str,
) -> Result<(), KernelError> {
    let (tenant, viewer) = (caller.tenant, caller.agent_id());
    let copies = kernel
        .store
        .read(move |r| {
            Ok(match r.message(tenant, id, viewer)? {
                Some(_) => Some(r.recipients(tenant, id)?),
                None => None,
            })
        })
        .await?
        .ok_or_else(|| KernelError::NotFound(format!("no message with id {id}")))?;
    match viewer {
        Some(me) if copies.iter().any(|c| c.agent_id == me) => Ok(()),
        _ => Err(KernelError::Forbidden(format!("only a recipient can {verb} message {id}"))),
    }
}

pub(super) fn send(tx: &mut Tx<'_>, m: SendMessage) -> Result<Applied, KernelError> {
    let sender = tx.caller.holder().ok_or_else(|| KernelError::Forbidden("Bosun itself sends no messages".into()))?;
    let recipients = audience(tx.w, tx.caller, &m)?;
    if recipients.is_empty() {
        return Err(invalid("the topic has no other agent to deliver to"));
    }
    let tenant = tx.caller.tenant;
    let viewer = tx.caller.agent_id();
    let id = MessageId::generate();
    let thread_id = match (m.reply_to, m.thread_id) {
        (Some(parent), _) => {
            tx.w.message(tenant, parent, viewer)?
                .ok_or_else(|| KernelError::NotFound(format!("no message with id {parent}")))?
                .thread_id
        }
        (None, Some(thread)) => {
            if tx.w.thread(tenant, thread, viewer, 1)?.is_empty() {
                return Err(KernelError::NotFound(format!("no thread with id {thread}")));
            }
            thread
        }
        (None, None) => id,
    };
    let mut payload = m.payload;
    bosun_core::redact::redact_value(&mut payload);
    let message = Message {
        id,
        tenant_id: tenant,
        thread_id,
        reply_to: m.reply_to,
        project: m.project.clone(),
        sender,
        kind: m.kind,
        subject: m.subject,
        body: m.body,
        payload,
        importance: m.importance,
        ack_required: m.ack_required,
        topic: m.topic.clone(),
        created_at: tx.now,
    };
    let copies: Vec<Recipient> = recipients
        .iter()
        .map(|a| Recipient {
            message_id: id,
            agent_id: a.id,
            agent_name: a.name.clone(),
            state: Delivery::Queued,
            delivered_at: None,
            read_at: None,
            acked_at: None,
        })
        .collect();
    tx.w.insert_message(&message, &copies)?;
    let details = json!({
        "to": recipients.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        "to_ids": recipients.iter().map(|a| a.id).collect::<Vec<_>>(),
        "topic": m.topic,
        "type": message.kind,
        "thread_id": thread_id,
        "importance": message.importance,
        "ack_required": message.ack_required,
    });
    let outcome = Outcome::MessageSent { message, copies };
    Ok(Applied::new(Action::MessageSend, outcome, ("message", id.to_string()), details)
        .project(&m.project)
        .recipients(recipients.iter().map(|a| a.id).collect()))
}

#[derive(Clone, Debug, Serialize)]
pub struct FetchInbox {
    pub unread_only: bool,
    pub since: Option<String>,
    pub limit: bosun_core::validate::PageLimit,
}

pub(super) fn fetch(tx: &mut Tx<'_>, f: FetchInbox) -> Result<Done, KernelError> {
    let me = tx.caller.agent_id().ok_or_else(|| KernelError::Forbidden("only agents have an inbox".into()))?;
    let since = f
        .since
        .as_deref()
        .map(|s| s.parse::<Timestamp>())
        .transpose()
        .map_err(|_| invalid("`since` must be an RFC 3339 time"))?;
    let filter = InboxFilter { unread_only: f.unread_only, since, limit: f.limit.get() };
    let mut items = tx.w.inbox(tx.caller.tenant, me, &filter)?;
    let mut delivered = Vec::new();
    for (_, copy) in items.iter_mut() {
        if copy.state == Delivery::Queued {
            copy.state = Delivery::Delivered;
            copy.delivered_at = Some(tx.now);
            tx.w.update_recipient(tx.caller.tenant, copy)?;
            delivered.push(copy.message_id);
        }
    }
    if delivered.is_empty() {
        return Ok(Done::Quiet(Outcome::Inbox(items)));
    }
    let details = json!({ "message_ids": delivered });
    Ok(Done::Changed(Applied::new(Action::MessageDeliver, Outcome::Inbox(items), ("agent", me.to_string()), details)))
}

pub(super) fn receipt(tx: &mut Tx<'_>, id: MessageId, to: Delivery) -> Result<Applied, KernelError> {
    let me = tx.caller.agent_id().ok_or_else(|| KernelError::Forbidden("only a recipient agent can do this".into()))?;
    let tenant = tx.caller.tenant;
    let message =
        tx.w.message(tenant, id, Some(me))?.ok_or_else(|| KernelError::NotFound(format!("no message with id {id}")))?;
    let copies = tx.w.recipients(tenant, id)?;
    let Some(mut copy) = copies.iter().find(|c| c.agent_id == me).cloned() else {
        let verb = if to == Delivery::Acked { "acknowledge" } else { "mark as read" };
        return Err(KernelError::Forbidden(format!("only a recipient can {verb} message {id}")));
    };
    copy.state = copy.state.advance(to);
    copy.delivered_at.get_or_insert(tx.now);
    if to >= Delivery::Read {
        copy.read_at.get_or_insert(tx.now);
    }
    if to == Delivery::Acked {
        copy.acked_at.get_or_insert(tx.now);
    }
    tx.w.update_recipient(tenant, &copy)?;
    let action = if to == Delivery::Acked { Action::MessageAck } else { Action::MessageRead };
    let details = json!({ "state": copy.state, "sender": message.sender.name });
    let project = message.project.clone();
    Ok(Applied::new(action, Outcome::Receipt { message, copy }, ("message", id.to_string()), details).project(&project))
}

pub(super) fn put_allowlist(tx: &mut Tx<'_>, list: Allowlist) -> Result<Applied, KernelError> {
    let doc = serde_json::to_string(&list).map_err(|e| KernelError::Internal(e.to_string()))?;
    tx.w.put_allowlist(tx.caller.tenant, &doc, tx.now)?;
    let details = json!({ "default": list.default, "rules": list.rules.len() });
    let target = ("allowlist", tx.caller.tenant.to_string());
    Ok(Applied::new(Action::AllowlistUpdate, Outcome::AllowlistSet(list), target, details))
}

/// Wake-ups for long-polling inboxes, one per agent that is waiting.
#[derive(Default)]
pub struct Inboxes(std::sync::Mutex<HashMap<AgentId, Arc<Notify>>>);

impl Inboxes {
    fn notify_for(&self, agent: AgentId) -> Arc<Notify> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(agent).or_default().clone()
    }

    /// After a `message.sent` commit: wake its recipients.
    pub fn wake(&self, recipients: &[AgentId]) {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for r in recipients {
            if let Some(n) = map.get(r) {
                n.notify_waiters();
            }
        }
    }
}

/// Each message with every recipient's state, read in the same transaction.
fn with_recipients(
    r: &mut dyn ReadTx,
    tenant: TenantId,
    messages: Vec<Message>,
) -> bosun_store::Result<Vec<(Message, Vec<Recipient>)>> {
    messages
        .into_iter()
        .map(|m| {
            let copies = r.recipients(tenant, m.id)?;
            Ok((m, copies))
        })
        .collect()
}

impl Kernel {
    /// Fetch the calling agent's inbox (marking messages delivered); with `wait`, long-poll until
    /// the answer holds at least one message, woken by the commit that sends one.
    pub async fn inbox(
        &self,
        caller: &Caller,
        ctx: &RequestCtx,
        f: FetchInbox,
        wait: Duration,
    ) -> Result<Answer, KernelError> {
        let me = caller.agent_id().ok_or_else(|| KernelError::Forbidden("only agents have an inbox".into()))?;
        let notify = self.inboxes.notify_for(me);
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let woken = notify.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let answer = self.execute(caller, ctx, Command::FetchInbox(f.clone())).await?;
            if !answer.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(answer);
            }
            if tokio::time::timeout_at(deadline, woken).await.is_err() {
                return Ok(answer);
            }
        }
    }

    /// A message with every recipient's state: for its sender, its recipients, and users.
    pub async fn message(&self, caller: &Caller, id: MessageId) -> Result<(Message, Vec<Recipient>), KernelError> {
        let (tenant, viewer) = (caller.tenant, caller.agent_id());
        let found = self
            .store
            .read(move |r| {
                Ok(match r.message(tenant, id, viewer)? {
                    Some(m) => Some((m, r.recipients(tenant, id)?)),
                    None => None,
                })
            })
            .await?;
        let (m, copies) = found.ok_or_else(|| KernelError::NotFound(format!("no message with id {id}")))?;
        Ok((m, copies))
    }

    pub async fn thread(
        &self,
        caller: &Caller,
        thread: MessageId,
    ) -> Result<Vec<(Message, Vec<Recipient>)>, KernelError> {
        let (tenant, viewer) = (caller.tenant, caller.agent_id());
        let found = self
            .store
            .read(move |r| {
                let messages = r.thread(tenant, thread, viewer, 1000)?;
                with_recipients(r, tenant, messages)
            })
            .await?;
        if found.is_empty() {
            return Err(KernelError::NotFound(format!("no thread with id {thread}")));
        }
        Ok(found)
    }

    pub async fn search(
        &self,
        caller: &Caller,
        words: &str,
        limit: u32,
    ) -> Result<Vec<(Message, Vec<Recipient>)>, KernelError> {
        if words.chars().count() > 1000 || words.chars().any(char::is_control) {
            return Err(invalid("`q` must be at most 1000 characters, without control characters"));
        }
        let query = fts_query(words).ok_or_else(|| invalid("`q` must contain at least one word"))?;
        let (tenant, viewer) = (caller.tenant, caller.agent_id());
        let found = self
            .store
            .read(move |r| {
                let messages = r.search_messages(tenant, &query, viewer, limit)?;
                with_recipients(r, tenant, messages)
            })
            .await?;
        Ok(found)
    }

    /// The tenant's messages as a timeline, newest first, each with its recipients' states: for
    /// users (the dashboard; agents read their inbox and threads). `party` names an agent or a
    /// user who sent or received them. At most 200 a page.
    pub async fn timeline(
        &self,
        caller: &Caller,
        party: Option<String>,
        mut filter: bosun_store::MessageFilter,
    ) -> Result<Vec<(Message, Vec<Recipient>)>, KernelError> {
        if caller.agent_id().is_some() {
            return Err(KernelError::Forbidden(
                "agents read their inbox and threads, not the tenant's timeline".into(),
            ));
        }
        filter.limit = filter.limit.clamp(1, 200);
        let tenant = caller.tenant;
        let found = self
            .store
            .read(move |r| {
                if let Some(name) = party {
                    let id = match r.agent_by_name(tenant, &name)? {
                        Some(a) => Some(a.id.to_string()),
                        None => r.user_by_name(tenant, &name)?.map(|u| u.id.to_string()),
                    };
                    match id {
                        Some(id) => filter.party = Some(id),
                        None => return Ok(Vec::new()),
                    }
                }
                let messages = r.messages(tenant, &filter)?;
                with_recipients(r, tenant, messages)
            })
            .await?;
        Ok(found)
    }

    pub async fn allowlist(&self, caller: &Caller) -> Result<Allowlist, KernelError> {
        let tenant: TenantId = caller.tenant;
        match self.store.read(move |r| r.allowlist(tenant)).await? {
            Some(doc) => serde_json::from_str(&doc).map_err(|e| KernelError::Internal(e.to_string())),
            None => Ok(Allowlist::default()),
        }
    }
}
