//! `GET /api/v1/audit`: filtered pages, newest first, and streamed exports (oldest first) as
//! JSON, JSONL (each line in JCS form, so `bosun audit verify` can check the file) or CSV.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use bosun_core::audit::{AuditEvent, Outcome, Severity};
use bosun_core::clock::format_micros;
use bosun_store::{AuditFilter, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ApiError, ApiQuery, App, Auth, Problem};
use crate::kernel::{Caller, Kernel, KernelError};
use crate::views::AuditPage;

/// The most rows one export streams.
pub const EXPORT_MAX: u32 = 100_000;
const EXPORT_PAGE: u32 = 1000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Actor id or name.
    pub actor: Option<String>,
    /// Action prefix, e.g. `key.` or `user.created`.
    pub action: Option<String>,
    /// Target id.
    pub target: Option<String>,
    /// ok, denied or error.
    pub outcome: Option<String>,
    /// info, notice, warning or critical.
    pub severity: Option<String>,
    /// RFC 3339 lower bound on `at` (inclusive).
    pub from: Option<String>,
    /// RFC 3339 upper bound on `at` (exclusive).
    pub to: Option<String>,
    pub project: Option<String>,
    /// Page size (1–1000, default 100); for an export, the most rows (default and max 100000).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<u64>,
    /// Stream an export instead of a page: json, jsonl or csv (oldest first).
    pub format: Option<String>,
}

fn invalid(detail: String) -> ApiError {
    ApiError(KernelError::Validation(detail))
}

fn time_bound(field: &str, raw: Option<String>) -> Result<Option<String>, ApiError> {
    raw.map(|s| {
        s.parse::<jiff::Timestamp>()
            .map(format_micros)
            .map_err(|_| invalid(format!("`{field}` must be an RFC 3339 time such as 2026-11-21T10:00:00Z")))
    })
    .transpose()
}

pub(crate) fn filter(p: &mut AuditParams) -> Result<AuditFilter, ApiError> {
    let outcome = p
        .outcome
        .as_deref()
        .map(|o| Outcome::parse(o).ok_or_else(|| invalid("`outcome` must be ok, denied or error".into())))
        .transpose()?;
    let severity = p
        .severity
        .as_deref()
        .map(|s| {
            Severity::parse(s).ok_or_else(|| invalid("`severity` must be info, notice, warning or critical".into()))
        })
        .transpose()?;
    Ok(AuditFilter {
        actor: p.actor.take(),
        action_prefix: p.action.take(),
        target: p.target.take(),
        outcome,
        severity,
        from: time_bound("from", p.from.take())?,
        to: time_bound("to", p.to.take())?,
        project: p.project.take(),
    })
}

/// Query the caller's tenant's audit log, or stream an export of it.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPage, description = "A page; with `format`, a streamed file"),
        (status = 422, body = Problem)))]
pub async fn query_audit(State(app): State<App>, auth: Auth, ApiQuery(mut p): ApiQuery<AuditParams>) -> Response {
    let result = async {
        match p.format.take() {
            None => audit_page(&app, &auth, p).await.map(IntoResponse::into_response),
            Some(format) => {
                let filter = filter(&mut p)?;
                let format =
                    Format::parse(&format).ok_or_else(|| invalid("`format` must be json, jsonl or csv".into()))?;
                let limit = p.limit.unwrap_or(EXPORT_MAX);
                if !(1..=EXPORT_MAX).contains(&limit) {
                    return Err(invalid(format!("`limit` must be between 1 and {EXPORT_MAX} for an export")));
                }
                let tenant = auth.caller.tenant;
                Ok(export(app.kernel.clone(), auth.caller, tenant, filter, p.cursor.unwrap_or(0), limit, format))
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Clone, Copy)]
pub(crate) enum Format {
    Json,
    Jsonl,
    Csv,
}

impl Format {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

const CSV_HEADER: [&str; 18] = [
    "tenant",
    "seq",
    "at",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "project",
    "outcome",
    "severity",
    "details",
    "ip",
    "user_agent",
    "correlation_id",
    "prev_hash",
    "hash",
];

fn csv_row(e: &AuditEvent) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        e.tenant.clone(),
        e.seq.to_string(),
        e.at.clone(),
        e.actor_type.as_str().into(),
        o(&e.actor_id),
        o(&e.actor_name),
        e.action.clone(),
        o(&e.target_type),
        o(&e.target_id),
        o(&e.project),
        e.outcome.as_str().into(),
        e.severity.as_str().into(),
        e.details.to_string(),
        o(&e.ip),
        o(&e.user_agent),
        o(&e.correlation_id),
        e.prev_hash.clone(),
        e.hash.clone(),
    ]
}

/// Render one page of events in the export format.
fn render(format: Format, events: &[AuditEvent], first: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(events.len() * 512);
    match format {
        Format::Jsonl => {
            for e in events {
                out.extend(bosun_core::jcs::canonicalize(e)?);
                out.push(b'\n');
            }
        }
        Format::Json => {
            for (i, e) in events.iter().enumerate() {
                if !(first && i == 0) {
                    out.push(b',');
                }
                out.extend(serde_json::to_vec(e).map_err(|e| e.to_string())?);
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            if first {
                w.write_record(CSV_HEADER).map_err(|e| e.to_string())?;
            }
            for e in events {
                w.write_record(csv_row(e)).map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())?;
            drop(w);
        }
    }
    Ok(out)
}

/// Stream pages of the log from the store to the client; memory holds one page at a time.
pub(crate) fn export(
    kernel: Arc<Kernel>,
    caller: Caller,
    tenant: bosun_core::TenantId,
    filter: AuditFilter,
    after: u64,
    limit: u32,
    format: Format,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let fail = |e: String| Err(std::io::Error::other(e));
        if matches!(format, Format::Json) && tx.send(Ok(Bytes::from_static(b"["))).await.is_err() {
            return;
        }
        let (mut after, mut left, mut first) = (after, limit, true);
        while left > 0 {
            let page = Page::Oldest { after_seq: after, limit: left.min(EXPORT_PAGE) };
            let events = match kernel.audit_page_of(&caller, tenant, filter.clone(), page).await {
                Ok(events) => events,
                Err(e) => {
                    tracing::error!(error = %e, "audit export failed");
                    let _ = tx.send(fail("export failed".into())).await;
                    return;
                }
            };
            let Some(last) = events.last() else { break };
            after = last.seq;
            left -= events.len() as u32;
            let chunk = match render(format, &events, first) {
                Ok(bytes) => Ok(Bytes::from(bytes)),
                Err(e) => fail(e),
            };
            first = false;
            if tx.send(chunk).await.is_err() {
                return; // the client went away
            }
        }
        if matches!(format, Format::Json) {
            let _ = tx.send(Ok(Bytes::from_static(b"]"))).await;
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let (content_type, ext) = match format {
        Format::Json => ("application/json", "json"),
        Format::Jsonl => ("application/x-ndjson", "jsonl"),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"audit.{ext}\"")),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// One page of the audit log, newest first (what REST answers without `format`, and MCP's
/// `query_audit`).
pub(super) async fn audit_page(app: &App, auth: &Auth, mut p: AuditParams) -> super::Handled {
    let filter = filter(&mut p)?;
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(invalid("`limit` must be between 1 and 1000".into()));
    }
    let page = Page::Newest { before_seq: p.cursor, limit };
    let items = app.kernel.audit_page(&auth.caller, filter, page).await?;
    let next_cursor = (items.len() == limit as usize).then(|| items.last().map(|e| e.seq)).flatten();
    Ok(super::Reply::json(&AuditPage { items, next_cursor }))
}
