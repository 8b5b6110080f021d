//! `GET /api/v1/events`: committed changes, live, as WebSocket messages or Server-Sent Events.
//!
//! Each subscriber reads the kernel's broadcast channel (published in commit order) and sees only
//! its tenant's events that its principal may see (`Committed::visible_to`, from the action's
//! audience in the role table), filtered by type globs and project. A
//! subscriber that falls behind is cut off (WebSocket close 1008) rather than slowing anyone.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use bosun_core::audit::AuditEvent;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::{ApiQuery, App, Auth};
use crate::kernel::{Caller, KernelError};

/// A subscriber whose socket takes longer than this to accept one event is too slow.
const SEND_TIMEOUT: Duration = Duration::from_secs(2);

/// What a subscriber wants: type globs (`task.*`, `message.sent`, `*`) and a project.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    #[serde(default)]
    pub types: Vec<String>,
    pub project: Option<String>,
}

impl Subscription {
    fn wants(&self, e: &AuditEvent) -> bool {
        let type_ok = self.types.is_empty()
            || self.types.iter().any(|t| match t.strip_suffix('*') {
                Some(prefix) => e.action.starts_with(prefix),
                None => *t == e.action,
            });
        type_ok && self.project.as_ref().is_none_or(|p| e.project.as_deref() == Some(p))
    }
}

/// The wire form of an event (SPEC §3.7).
pub fn wire(e: &AuditEvent) -> Value {
    json!({
        "type": e.action,
        "tenant": e.tenant,
        "project": e.project,
        "id": e.target_id,
        "at": e.at,
        "seq": e.seq,
        "actor": { "type": e.actor_type, "id": e.actor_id, "name": e.actor_name },
        "outcome": e.outcome,
        "correlation_id": e.correlation_id,
        "data": e.details,
    })
}

/// The wire text of a committed event, serialised once and shared by every subscriber.
pub fn wire_text(e: &crate::kernel::Committed) -> String {
    e.wire
        .get_or_init(|| {
            metrics::counter!("bosun_event_serialisations_total").increment(1);
            wire(e).to_string()
        })
        .clone()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SseParams {
    /// Comma-separated type globs.
    types: Option<String>,
    project: Option<String>,
}

/// Live events: a WebSocket (send `{"subscribe": {"types": [...], "project": "..."}}` to filter)
/// or, with `Accept: text/event-stream`, Server-Sent Events filtered by `?types=&project=`.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(("types" = Option<String>, Query, description = "SSE: comma-separated type globs, e.g. task.*,lock.*"),
        ("project" = Option<String>, Query)),
    responses((status = 101, description = "WebSocket"), (status = 200, description = "text/event-stream")))]
pub async fn events(
    State(app): State<App>,
    auth: Auth,
    ApiQuery(params): ApiQuery<SseParams>,
    req: Request,
) -> Response {
    let (mut parts, _) = req.into_parts();
    let is_ws = parts
        .headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if is_ws {
        return match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
            Ok(upgrade) => upgrade.on_upgrade(move |socket| stream_ws(app, auth.caller, socket)),
            Err(rejection) => rejection.into_response(),
        };
    }
    let wants_sse = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if !wants_sse {
        return super::ApiError(KernelError::Validation(
            "open a WebSocket, or ask for `Accept: text/event-stream`".into(),
        ))
        .into_response();
    }
    let sub = Subscription {
        types: params
            .types
            .map(|t| t.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default(),
        project: params.project,
    };
    let rx = app.kernel.subscribe();
    let caller = auth.caller;
    // Ends on shutdown, and when the caller's key is revoked or its agent deregistered.
    let (ended, watch) = app.kernel.stream_token(&caller);
    let watch = std::sync::Arc::new(watch);
    let stream = futures_util::stream::unfold((rx, caller, sub, false), move |(mut rx, caller, sub, done)| {
        let (ended, _watch) = (ended.clone(), watch.clone());
        async move {
            if done {
                return None;
            }
            loop {
                let next = tokio::select! {
                    next = rx.recv() => next,
                    () = ended.cancelled() => return None,
                };
                match next {
                    Ok(e) if e.visible_to(&caller) && sub.wants(&e) => {
                        let ev =
                            Event::default().event(e.event.action.clone()).id(e.seq.to_string()).data(wire_text(&e));
                        return Some((Ok::<_, std::convert::Infallible>(ev), (rx, caller, sub, false)));
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => {
                        let ev = Event::default().event("error").data("too slow: events were dropped; reconnect");
                        return Some((Ok(ev), (rx, caller, sub, true)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame { code, reason: reason.into() };
    let _ = tokio::time::timeout(Duration::from_millis(500), socket.send(Message::Close(Some(frame)))).await;
}

/// How long a stalled subscriber's socket is kept to deliver its close frame.
const LINGER: Duration = Duration::from_secs(30);

/// Cut off a subscriber that stopped reading, still telling it why: the 1008 close frame is
/// queued behind the events already written and the socket is kept (no longer fed) until the
/// peer reads down to it or [`LINGER`] passes. Dropping the socket at once, as before, lost the
/// frame: the peer saw the connection vanish without a reason.
fn close_stalled(mut socket: WebSocket, reason: &'static str, shutdown: tokio_util::sync::CancellationToken) {
    metrics::counter!("bosun_event_subscribers_dropped_total").increment(1);
    tokio::spawn(async move {
        let frame = CloseFrame { code: close_code::POLICY, reason: reason.into() };
        tokio::select! {
            _ = tokio::time::timeout(LINGER, socket.send(Message::Close(Some(frame)))) => {}
            () = shutdown.cancelled() => {}
        }
    });
}

async fn stream_ws(app: App, caller: Caller, mut socket: WebSocket) {
    let mut rx = app.kernel.subscribe();
    let mut sub = Subscription::default();
    let shutdown = app.kernel.shutdown_token().clone();
    let (ended, _watch) = app.kernel.stream_token(&caller);
    loop {
        tokio::select! {
            () = ended.cancelled() => {
                if shutdown.is_cancelled() {
                    close(&mut socket, close_code::AWAY, "the server is shutting down").await;
                } else {
                    close(&mut socket, close_code::POLICY, "credential revoked").await;
                }
                return;
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    #[derive(Deserialize)]
                    #[serde(deny_unknown_fields)]
                    struct Control { subscribe: Subscription }
                    match serde_json::from_str::<Control>(&text) {
                        Ok(c) => {
                            sub = c.subscribe;
                            let ack = json!({"subscribed": {"types": sub.types, "project": sub.project}});
                            if socket.send(Message::Text(ack.to_string().into())).await.is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            let detail = format!("expected {{\"subscribe\": {{\"types\": [...], \"project\": ...}}}}: {e}");
                            let err = json!({"error": "validation_failed", "detail": detail});
                            let _ = socket.send(Message::Text(err.to_string().into())).await;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            event = rx.recv() => match event {
                Ok(e) => {
                    if !(e.visible_to(&caller) && sub.wants(&e)) {
                        continue;
                    }
                    let text = wire_text(&e);
                    match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(text.into()))).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => return,
                        Err(_) => return close_stalled(socket, "too slow: not reading events", shutdown),
                    }
                }
                Err(RecvError::Lagged(_)) => return close_stalled(socket, "too slow: events were dropped", shutdown),
                Err(RecvError::Closed) => return,
            },
        }
    }
}
