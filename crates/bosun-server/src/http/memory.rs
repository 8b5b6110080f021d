//! Memory over REST (SPEC §3.6): remember, recall, list, read, erase, and the tenant's settings.

use axum::extract::{Path, State};
use bosun_core::validate::PageLimit;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiJson, ApiQuery, App, Auth, Handled, Problem, Reply, executed};
use crate::kernel::memory::EmbeddingsEndpoint;
use crate::kernel::{Command, KernelError, MemorySettings, Recall, Remember};
use crate::views::{ErasedView, MemoryList, MemorySettingsView, MemoryView, RecallView, RememberedView};

fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError(KernelError::Validation(detail.into()))
}

fn default_project() -> String {
    "default".into()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RememberBody {
    #[serde(default = "default_project")]
    #[schema(example = "web", max_length = 128)]
    pub project: String,
    /// What kind of event: 1–64 of a-z, 0-9, `_.:-`.
    #[schema(example = "task_failed", max_length = 64)]
    pub event_type: String,
    /// One line: what happened (1–2,000 characters). Duplicates are found by it.
    #[schema(example = "The login e2e test times out when the dev server is cold", max_length = 2000)]
    pub summary: String,
    #[schema(max_length = 20000)]
    pub details: Option<String>,
    /// `success`, `failure` or `partial`.
    #[schema(example = "failure")]
    pub outcome: Option<String>,
    /// What to do next time (at most 5,000 characters).
    #[schema(example = "Warm the dev server with one request before running the e2e suite", max_length = 5000)]
    pub lessons: Option<String>,
    /// At most 20, each 1–50 of letters, digits, `-._:/` (stored lower-case).
    #[serde(default)]
    #[schema(example = json!(["e2e", "flaky-test"]))]
    pub tags: Vec<String>,
    /// `agent` (only you), `project` or `tenant`; the tenant's default (project) when absent.
    pub visibility: Option<String>,
    /// Whom it is about (a person, a customer), so it can be erased by subject.
    #[schema(max_length = 200)]
    pub subject: Option<String>,
}

/// Remember something that happened and the lesson in it. The same author, the same
/// normalised summary and the same event type within 24 h is folded into the first (200,
/// `deduplicated`); otherwise 201 `created`. Content is redacted of secrets before it is stored.
#[utoipa::path(post, path = "/api/v1/memory", tag = "memory", request_body = RememberBody,
    responses((status = 201, body = RememberedView), (status = 200, body = RememberedView),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn remember(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<RememberBody>) -> Handled {
    let r = Remember {
        project: b.project,
        event_type: b.event_type,
        summary: b.summary,
        details: b.details,
        outcome: b.outcome,
        lessons: b.lessons,
        tags: b.tags,
        visibility: b.visibility,
        subject: b.subject,
    };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::Remember(r)).await)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecallParams {
    /// The question, in words (at most 1,000 characters); empty: the most relevant by recency
    /// and outcome alone.
    #[serde(default)]
    #[param(max_length = 1000)]
    pub q: String,
    /// Comma-separated tags (at most 10): memories with at least one of them.
    #[serde(default)]
    pub tags: String,
    pub event_type: Option<String>,
    /// The project you work in: its memories and tenant-wide ones. Absent: agents get the
    /// `default` project's; users every project's.
    pub project: Option<String>,
    /// 1–100 (default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// 0–1 (default 0): leave out memories less relevant than this.
    pub min_relevance: Option<f64>,
}

fn split_tags(tags: &str) -> Vec<String> {
    tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// Recall the memories most relevant to a question, best first, each with its `relevance`
/// (0–1) and the parts it came from. `mode` says whether vectors were used; `note` says why not.
#[utoipa::path(get, path = "/api/v1/memory/recall", tag = "memory", params(RecallParams),
    responses((status = 200, body = RecallView), (status = 422, body = Problem)))]
pub async fn recall(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<RecallParams>) -> Handled {
    if p.limit.is_some_and(|l| !(1..=100).contains(&l)) {
        return Err(invalid("`limit` must be between 1 and 100"));
    }
    let q = Recall {
        q: p.q,
        tags: split_tags(&p.tags),
        event_type: p.event_type,
        project: p.project,
        limit: p.limit.unwrap_or(10),
        min_relevance: p.min_relevance.unwrap_or(0.0),
    };
    let answer = app.kernel.recall(&auth.caller, q).await?;
    Ok(Reply::json(&RecallView::from(&answer)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Memories of this project and tenant-wide ones; absent: every one you may see.
    pub project: Option<String>,
    /// Only memories older than this id (the previous page's `next_before`).
    pub before: Option<String>,
    /// 1–200 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageLimit>,
}

/// The newest memories you may see.
#[utoipa::path(get, path = "/api/v1/memory", tag = "memory", params(ListParams),
    responses((status = 200, body = MemoryList), (status = 422, body = Problem)))]
pub async fn list_memories(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<ListParams>) -> Handled {
    let limit = PageLimit::or(p.limit, 20).get().min(200);
    if let Some(b) = &p.before
        && ulid::Ulid::from_string(b).is_err()
    {
        return Err(invalid("`before` is a memory id (a ULID)"));
    }
    if let Some(project) = &p.project {
        bosun_core::validate::name("project", project).map_err(invalid)?;
    }
    let found = app.kernel.recent_memories(&auth.caller, p.project, p.before, limit).await?;
    let next_before = (found.len() == limit as usize).then(|| found.last().map(|m| m.id.clone())).flatten();
    Ok(Reply::json(&MemoryList { memories: found.iter().map(MemoryView::from).collect(), next_before }))
}

fn memory_id(id: &str) -> Result<String, ApiError> {
    ulid::Ulid::from_string(id).map(|_| id.to_owned()).map_err(|_| invalid("`id` is a memory id (a ULID)"))
}

/// One memory, if you may see it.
#[utoipa::path(get, path = "/api/v1/memory/{id}", tag = "memory", params(("id" = String, Path)),
    responses((status = 200, body = MemoryView), (status = 404, body = Problem)))]
pub async fn get_memory(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let m = app.kernel.memory(&auth.caller, memory_id(&id)?).await?;
    Ok(Reply::json(&MemoryView::from(&m)))
}

/// Erase one memory (its author, or a tenant admin): gone from every table, the full-text index
/// and the vectors. The audit log records that it happened, never what it said.
#[utoipa::path(delete, path = "/api/v1/memory/{id}", tag = "memory", params(("id" = String, Path)),
    responses((status = 200, body = ErasedView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn erase_memory(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let by = bosun_store::EraseBy::Id(memory_id(&id)?);
    executed(app.kernel.erase_memories(&auth.caller, &auth.ctx, by).await)
}

/// Exactly one of the fields.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseBody {
    /// Every memory this agent (name or id) wrote.
    #[schema(example = "GreenCastle", max_length = 200)]
    pub agent: Option<String>,
    /// Every memory about this data subject: named as its `subject`, found anywhere in its text
    /// (case-insensitive), or its author's name.
    #[schema(example = "alice@example.com", max_length = 200)]
    pub subject: Option<String>,
    /// Every memory with this tag.
    #[schema(max_length = 50)]
    pub tag: Option<String>,
}

/// Erase memories for privacy (GDPR): tenant admins erase by agent, subject or tag; anyone
/// erases everything they wrote (`agent` = themselves). At most 1,000 per request: `more` says
/// to ask again. The audit log records who, how (`by`) and how many — never the content, the
/// subject or the tag.
#[utoipa::path(post, path = "/api/v1/memory/erase", tag = "memory", request_body = EraseBody,
    responses((status = 200, body = ErasedView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn erase_memories(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<EraseBody>) -> Handled {
    use bosun_store::EraseBy;
    let by = match (b.agent, b.subject, b.tag) {
        (Some(a), None, None) => EraseBy::Author(a),
        (None, Some(s), None) => EraseBy::Subject(s),
        (None, None, Some(t)) => EraseBy::Tag(t),
        _ => return Err(invalid("give exactly one of `agent`, `subject` or `tag`")),
    };
    executed(app.kernel.erase_memories(&auth.caller, &auth.ctx, by).await)
}

/// The tenant's memory settings (the API key is never shown), with how many memories there are
/// and how many have their vector.
#[utoipa::path(get, path = "/api/v1/memory/settings", tag = "memory",
    responses((status = 200, body = MemorySettingsView)))]
pub async fn get_memory_settings(State(app): State<App>, auth: Auth) -> Handled {
    let s = app.kernel.memory_settings(&auth.caller).await?;
    let (memories, embedded) = app.kernel.memory_counts(&auth.caller).await?;
    Ok(Reply::json(&MemorySettingsView {
        memories: Some(memories),
        embedded: Some(embedded),
        ..MemorySettingsView::from(&s)
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingsBody {
    /// The full URL of an OpenAI-compatible `POST /v1/embeddings` (a local Ollama or vLLM…).
    #[schema(example = "http://127.0.0.1:11434/v1/embeddings", max_length = 500)]
    pub url: String,
    #[schema(example = "nomic-embed-text", max_length = 200)]
    pub model: String,
    /// Sent as a bearer token; stored, never shown or audited.
    #[schema(max_length = 500)]
    pub api_key: Option<String>,
    /// 50–10,000 (default 1,000): how long a recall waits for the question's embedding.
    pub query_timeout_ms: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemorySettingsBody {
    /// 1–87,600 (default 720, 30 days).
    #[schema(example = 720)]
    pub half_life_hours: Option<f64>,
    /// agent, project (default) or tenant.
    #[schema(example = "project")]
    pub default_visibility: Option<String>,
    /// Absent or null: recall is text-only.
    pub embeddings: Option<EmbeddingsBody>,
}

/// Replace the tenant's memory settings (admins): recency's half-life, the default visibility,
/// and an embeddings endpoint for semantic recall.
#[utoipa::path(put, path = "/api/v1/memory/settings", tag = "memory", request_body = MemorySettingsBody,
    responses((status = 200, body = MemorySettingsView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_memory_settings(
    State(app): State<App>,
    auth: Auth,
    ApiJson(b): ApiJson<MemorySettingsBody>,
) -> Handled {
    let defaults = MemorySettings::default();
    let s = MemorySettings {
        half_life_hours: b.half_life_hours.unwrap_or(defaults.half_life_hours),
        default_visibility: b.default_visibility.unwrap_or(defaults.default_visibility),
        embeddings: b.embeddings.map(|e| EmbeddingsEndpoint {
            url: e.url,
            model: e.model,
            api_key: e.api_key,
            query_timeout_ms: e.query_timeout_ms.unwrap_or(1000),
        }),
    };
    executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::PutMemorySettings(s)).await)
}
