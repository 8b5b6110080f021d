//! `tools/call` answered as one JSON document.
//!
//! Streamable HTTP lets a server answer a POSTed request either with an SSE stream or with
//! `Content-Type: application/json`, and clients must accept both. rmcp, in its session mode,
//! always opens a stream: the call travels through the session's worker task and back, and the
//! answer is framed as an event in a stream that the client then has to read to its end (rmcp's
//! own client does not, and opens a new connection for nearly every call). A tool call does not
//! need any of that — Bosun sends no progress or requests during one — so the `/mcp` gate
//! answers a plain `tools/call` of a known, initialized session here, with the same
//! [`SessionState::call`] rmcp would run, and hands everything else to rmcp unchanged.
//!
//! rmcp closes a session after five minutes without a request it has seen. So that a session
//! that only calls tools stays open, a call goes through rmcp when rmcp has not seen the session
//! for [`RMCP_TOUCH`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rmcp::model::{CallToolRequestParams, NumberOrString, ProtocolVersion};
use serde::Deserialize;

use super::SessionState;

/// A session answered here this long after rmcp last saw it sends its next call through rmcp,
/// well inside rmcp's five-minute idle timeout.
pub const RMCP_TOUCH: Duration = Duration::from_secs(60);

const SESSION_HEADER: &str = "mcp-session-id";

/// The initialized HTTP sessions, by session id. An entry lives as long as its session: it is
/// removed when rmcp drops the session (closed, deleted, timed out, server stopping).
#[derive(Default)]
pub struct Directory {
    sessions: Mutex<HashMap<String, Weak<SessionState>>>,
}

impl Directory {
    pub(super) fn insert(&self, id: &str, session: &Arc<SessionState>) {
        if session.listed.set(id.to_owned()).is_ok() {
            self.lock().insert(id.to_owned(), Arc::downgrade(session));
        }
    }

    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    fn get(&self, id: &str) -> Option<Arc<SessionState>> {
        self.lock().get(id).and_then(Weak::upgrade)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Weak<SessionState>>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The session id a request names.
pub fn session_id(parts: &Parts) -> Option<&str> {
    parts.headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok())
}

/// A JSON-RPC request for `tools/call` and nothing else (a batch, a notification, another
/// method or a field this path does not handle does not parse, and goes to rmcp).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolCall {
    jsonrpc: String,
    id: NumberOrString,
    method: String,
    params: CallToolRequestParams,
}

/// The answer to `body` if it is a plain tool call of a listed session that this path may
/// answer; `None` hands the request to rmcp. `parts` carry the gate's authenticated caller.
pub async fn answer(directory: &Directory, parts: &Parts, body: &[u8]) -> Option<Response> {
    if parts.method != Method::POST {
        return None;
    }
    let session = directory.get(session_id(parts)?)?;
    let call: ToolCall = serde_json::from_slice(body).ok()?;
    let params = &call.params;
    if call.jsonrpc != "2.0"
        || call.method != "tools/call"
        || params.input_responses.is_some()
        || params.request_state.is_some()
        || !plain(parts, &params.name)
    {
        return None;
    }
    {
        let mut seen = session.seen_by_rmcp.lock().unwrap_or_else(|e| e.into_inner());
        if seen.elapsed() >= RMCP_TOUCH {
            // rmcp takes this one, and restarts its idle timer; the next ones come here again.
            *seen = Instant::now();
            return None;
        }
    }
    let mut result = session.call(&params.name, params.arguments.clone(), Some(parts.clone())).await;
    // Sessions speak a protocol before `2026-07-28`, whose results carry no `resultType` (rmcp
    // strips it for them too).
    result.result_type = None;
    let message = serde_json::json!({"jsonrpc": "2.0", "id": call.id, "result": result});
    let mut response = (StatusCode::OK, serde_json::to_vec(&message).ok()?).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Some(response)
}

/// The request accepts a JSON answer and carries nothing rmcp checks that this path does not:
/// a protocol version header must name a version rmcp knows, and the standard headers (SEP-2243,
/// sent by newer clients) must say what the body says — `Mcp-Method: tools/call` and the tool's
/// name in `Mcp-Name` — or the request goes to rmcp, which judges them.
fn plain(parts: &Parts, tool: &str) -> bool {
    let headers = &parts.headers;
    let accepts_json =
        headers.get_all(ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|v| {
            v.split(',').any(|t| matches!(t.split(';').next().map(str::trim), Some("application/json" | "*/*")))
        });
    let known_version = headers
        .get("mcp-protocol-version")
        .is_none_or(|v| v.to_str().is_ok_and(|v| ProtocolVersion::KNOWN_VERSIONS.iter().any(|k| k.as_str() == v)));
    let only = |name: &str, expected: &str| {
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => true,
            (Some(v), None) => v.as_bytes() == expected.as_bytes(),
            (Some(_), Some(_)) => false,
        }
    };
    let params_in_headers = headers.keys().any(|k| k.as_str().starts_with("mcp-param-"));
    accepts_json && known_version && only("mcp-method", "tools/call") && only("mcp-name", tool) && !params_in_headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::{ApiRequest, ApiResponse, Backend, BoxFuture, Session};

    /// Answers every request with the path it was asked for.
    struct Echo;
    impl Backend for Echo {
        fn call(&self, req: ApiRequest) -> BoxFuture<'_, ApiResponse> {
            Box::pin(async move { ApiResponse { status: 200, body: serde_json::json!({"path": req.path}) } })
        }
    }

    fn request() -> (Parts, Vec<u8>) {
        let req = axum::http::Request::post("/mcp")
            .header(SESSION_HEADER, "s1")
            .header(ACCEPT, "application/json, text/event-stream")
            .body(())
            .unwrap();
        let body = br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"whoami"}}"#.to_vec();
        (req.into_parts().0, body)
    }

    /// A session rmcp has not seen for a minute sends one call through rmcp (restarting rmcp's
    /// idle timer), then is answered here again; a dropped session is no longer listed.
    #[tokio::test]
    async fn a_session_only_calling_tools_is_still_seen_by_rmcp_every_minute() {
        let directory = Arc::new(Directory::default());
        let session = Session::new(Arc::new(Echo), Arc::default(), None, None).listed_in(directory.clone());
        directory.insert("s1", &session.0);
        let (parts, body) = request();

        let answered = answer(&directory, &parts, &body).await.expect("answered as JSON");
        assert_eq!(answered.headers()[CONTENT_TYPE], "application/json");

        let long_ago =
            Instant::now().checked_sub(RMCP_TOUCH + Duration::from_secs(1)).expect("an instant a minute ago");
        *session.seen_by_rmcp.lock().unwrap() = long_ago;
        assert!(answer(&directory, &parts, &body).await.is_none(), "rmcp must see this one");
        assert!(session.seen_by_rmcp.lock().unwrap().elapsed() < RMCP_TOUCH);
        assert!(answer(&directory, &parts, &body).await.is_some());

        let (mut other, _) = request();
        other.headers.insert(SESSION_HEADER, HeaderValue::from_static("s2"));
        assert!(answer(&directory, &other, &body).await.is_none(), "an unknown session is rmcp's");

        drop(session);
        assert!(directory.is_empty());
        assert!(answer(&directory, &parts, &body).await.is_none());
    }

    #[test]
    fn only_plain_requests_are_answered_here() {
        let (parts, _) = request();
        assert!(plain(&parts, "whoami"));
        let with = |headers: &[(&'static str, &'static str)]| {
            let (mut p, _) = request();
            for (name, value) in headers {
                p.headers.append(axum::http::HeaderName::from_static(name), HeaderValue::from_static(value));
            }
            plain(&p, "whoami")
        };
        assert!(with(&[("mcp-method", "tools/call"), ("mcp-name", "whoami")]), "headers that agree");
        assert!(!with(&[("mcp-method", "tools/list")]));
        assert!(!with(&[("mcp-name", "other_tool")]));
        assert!(!with(&[("mcp-name", "whoami"), ("mcp-name", "whoami")]), "a duplicate");
        assert!(!with(&[("mcp-param-region", "x")]));
        assert!(!with(&[("mcp-protocol-version", "1999-01-01")]));
        let (mut p, _) = request();
        p.headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        assert!(!plain(&p, "whoami"), "an SSE-only client gets SSE");
    }
}
