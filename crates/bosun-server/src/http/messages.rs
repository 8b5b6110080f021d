//! Messages, the inbox, threads, search and the allowlist over REST.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use bosun_core::MessageId;
use bosun_core::message::{Allowlist, Importance, MessageType};
use bosun_core::validate::{PageLimit, WaitSeconds};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::identity::parse_id;
use super::{ApiError, ApiJson, ApiQuery, App, Auth, Handled, Problem, Reply, executed};
use crate::admission::Place;
use crate::kernel::{Command, FetchInbox, KernelError, SendMessage};
use crate::views::{Inbox, InboxItem, MessageList, MessageView};

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError(KernelError::Validation(detail.into()))
}

fn default_project() -> String {
    "default".into()
}
fn default_kind() -> String {
    "chat".into()
}
fn default_importance() -> String {
    "normal".into()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBody {
    #[serde(default = "default_project")]
    pub project: String,
    /// Agent names or ids.
    #[serde(default)]
    pub to: Vec<String>,
    /// Instead of `to`: every live agent of the tenant but you.
    pub topic: Option<String>,
    /// task_handoff, status_update, data_request, data_response, escalation, notification, chat.
    #[serde(rename = "type", default = "default_kind")]
    pub kind: String,
    #[serde(default)]
    pub subject: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub payload: Value,
    /// low, normal (default), high or urgent.
    #[serde(default = "default_importance")]
    pub importance: String,
    #[serde(default)]
    pub ack_required: bool,
    /// Reply to a message: joins its thread.
    #[schema(value_type = Option<String>)]
    pub reply_to: Option<String>,
    #[schema(value_type = Option<String>)]
    pub thread_id: Option<String>,
}

/// Send a message to agents (or a topic). 403 `message_blocked` names the allowlist rule.
#[utoipa::path(post, path = "/api/v1/messages", tag = "messages", request_body = SendBody,
    responses((status = 201, body = MessageView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn send(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<SendBody>) -> Handled {
    let cmd = (|| {
        let kind =
            MessageType::parse(&b.kind).ok_or_else(|| invalid(format!("`type` `{}` is not a message type", b.kind)))?;
        let importance = Importance::parse(&b.importance)
            .ok_or_else(|| invalid("`importance` must be low, normal, high or urgent"))?;
        let reply_to = b.reply_to.as_deref().map(|r| parse_id("reply_to", r, MessageId::parse)).transpose()?;
        let thread_id = b.thread_id.as_deref().map(|t| parse_id("thread_id", t, MessageId::parse)).transpose()?;
        Ok::<_, ApiError>(Command::SendMessage(SendMessage {
            project: b.project,
            to: b.to,
            topic: b.topic,
            kind,
            subject: b.subject,
            body: b.body,
            payload: b.payload,
            importance,
            ack_required: b.ack_required,
            reply_to,
            thread_id,
        }))
    })();
    match cmd {
        Ok(cmd) => executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// Only messages not yet read.
    #[serde(default)]
    pub unread_only: bool,
    /// RFC 3339: only messages sent since then.
    pub since: Option<String>,
    /// 1–500 (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
    /// Wait up to this long (max 60 s) until the answer holds a message.
    #[serde(default)]
    #[param(value_type = u32, maximum = 60)]
    pub wait_seconds: WaitSeconds,
}

/// The calling agent's inbox, oldest first. Fetching marks messages `delivered`, never `read`.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "messages", params(InboxParams),
    responses((status = 200, body = Inbox), (status = 403, body = Problem)))]
pub async fn inbox(
    State(app): State<App>,
    place: Option<Extension<Arc<Place>>>,
    auth: Auth,
    ApiQuery(p): ApiQuery<InboxParams>,
) -> Handled {
    let fetch = FetchInbox { unread_only: p.unread_only, since: p.since, limit: PageLimit::or(p.limit, 100) };
    let wait = p.wait_seconds.duration();
    super::leave_to_wait(place, wait);
    executed(app.kernel.inbox(&auth.caller, &auth.ctx, fetch, wait).await)
}

fn message_id(raw: &str) -> Result<MessageId, ApiError> {
    parse_id("id", raw, MessageId::parse)
}

/// A message with each recipient's delivery state (its sender, its recipients, users).
#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = MessageView), (status = 404, body = Problem)))]
pub async fn get(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let found = async { Ok::<_, ApiError>(app.kernel.message(&auth.caller, message_id(&id)?).await?) }.await;
    match found {
        Ok((m, copies)) => Ok(Reply::json(&MessageView::new(&m, &copies))),
        Err(e) => Err(e),
    }
}

/// Mark a message read (a recipient).
#[utoipa::path(post, path = "/api/v1/messages/{id}/read", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = InboxItem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn read(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    match message_id(&id) {
        Ok(message_id) => executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::MarkRead { message_id }).await),
        Err(e) => Err(e),
    }
}

/// Acknowledge a message (a recipient).
#[utoipa::path(post, path = "/api/v1/messages/{id}/ack", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = InboxItem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ack(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    match message_id(&id) {
        Ok(message_id) => {
            executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::AckMessage { message_id }).await)
        }
        Err(e) => Err(e),
    }
}

/// A thread, oldest first.
#[utoipa::path(get, path = "/api/v1/threads/{id}", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = MessageList), (status = 404, body = Problem)))]
pub async fn thread(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let found =
        async { Ok::<_, ApiError>(app.kernel.thread(&auth.caller, parse_id("id", &id, MessageId::parse)?).await?) }
            .await;
    match found {
        Ok(found) => Ok(Reply::json(&message_list(&found))),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Words, all required, searched in subject and body.
    pub q: String,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

fn message_list(found: &[(bosun_core::model::Message, Vec<bosun_core::model::Recipient>)]) -> MessageList {
    MessageList { messages: found.iter().map(|(m, copies)| MessageView::new(m, copies)).collect() }
}

/// Full-text search over the messages you may see, newest first.
#[utoipa::path(get, path = "/api/v1/messages/search", tag = "messages", params(SearchParams),
    responses((status = 200, body = MessageList), (status = 422, body = Problem)))]
pub async fn search(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<SearchParams>) -> Handled {
    match app.kernel.search(&auth.caller, &p.q, PageLimit::or(p.limit, 50).get()).await {
        Ok(found) => Ok(Reply::json(&message_list(&found))),
        Err(e) => Err(ApiError(e)),
    }
}

/// The timeline's filter from its text parameters (empty is "any"), or what is wrong with them.
pub fn timeline_filter(
    kind: &str,
    thread: &str,
    importance: &str,
    before: &str,
    limit: u32,
) -> Result<bosun_store::MessageFilter, String> {
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let kind = match given(kind) {
        Some(k) => Some(MessageType::parse(&k).ok_or_else(|| format!("no message type `{k}`"))?),
        None => None,
    };
    let importance = match given(importance) {
        Some(i) => Some(Importance::parse(&i).ok_or_else(|| format!("no importance `{i}`"))?),
        None => None,
    };
    let id = |field: &str, v: Option<String>| match v {
        Some(v) => MessageId::parse(&v).map(Some).ok_or_else(|| format!("`{field}` is a message id")),
        None => Ok(None),
    };
    Ok(bosun_store::MessageFilter {
        party: None,
        kind,
        thread: id("thread", given(thread))?,
        importance,
        before: id("before", given(before))?,
        limit,
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TimelineParams {
    /// An agent (or user) name: messages it sent or received.
    #[serde(default)]
    #[param(max_length = 100)]
    pub agent: String,
    /// A message type (`chat`, `task_handoff`, …).
    #[serde(default, rename = "type")]
    pub kind: String,
    /// A thread id.
    #[serde(default)]
    pub thread: String,
    /// `low`, `normal`, `high` or `urgent`.
    #[serde(default)]
    pub importance: String,
    /// Only messages older than this message id (the previous page's `next_before`).
    #[serde(default)]
    pub before: String,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageLimit>,
}

/// The tenant's messages, newest first, each with every recipient's state (users; agents read
/// their inbox and threads). `next_before` pages on.
#[utoipa::path(get, path = "/api/v1/messages", tag = "messages", params(TimelineParams),
    responses((status = 200, body = crate::views::MessagePage), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn timeline(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<TimelineParams>) -> Handled {
    if p.agent.len() > 100 {
        return Err(ApiError(KernelError::Validation("`agent` is at most 100 characters".into())));
    }
    let limit = PageLimit::or(p.limit, 50).get().min(200);
    let filter = timeline_filter(&p.kind, &p.thread, &p.importance, &p.before, limit)
        .map_err(|e| ApiError(KernelError::Validation(e)))?;
    let party = Some(p.agent.trim().to_owned()).filter(|a| !a.is_empty());
    let found = app.kernel.timeline(&auth.caller, party, filter).await?;
    let next_before = (found.len() == limit as usize).then(|| found.last().map(|(m, _)| m.id.to_string())).flatten();
    Ok(Reply::json(&crate::views::MessagePage { messages: message_list(&found).messages, next_before }))
}

/// The tenant's allowlist: `{default: open|closed, rules: [{from, to, action: allow|deny}]}`.
#[utoipa::path(get, path = "/api/v1/allowlist", tag = "messages",
    responses((status = 200, description = "The allowlist")))]
pub async fn get_allowlist(State(app): State<App>, auth: Auth) -> Handled {
    match app.kernel.allowlist(&auth.caller).await {
        Ok(list) => Ok(Reply::json(&list)),
        Err(e) => Err(ApiError(e)),
    }
}

/// Replace the allowlist (admins). Rules are checked in order; the first match decides.
#[utoipa::path(put, path = "/api/v1/allowlist", tag = "messages",
    responses((status = 200, description = "The new allowlist"), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_allowlist(State(app): State<App>, auth: Auth, ApiJson(list): ApiJson<Allowlist>) -> Handled {
    executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::PutAllowlist(list)).await)
}
