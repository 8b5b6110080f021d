//! Episodic memory (SPEC §3.6): agents remember what happened and the lesson in it, recall what
//! is relevant before they start, and a person can make Bosun forget.
//!
//! Remembering is a command (audited without its content: the audit log is append-only, and
//! what it holds could never be erased). Recall is a read: candidates from the store's full-text
//! index (and, when the tenant configured an embeddings endpoint, from the vectors too, fused by
//! reciprocal rank), scored by core's rules (`bosun_core::memory`). Erasure deletes rows, index
//! entries and vectors in one audited transaction that records only how many.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bosun_core::memory::{self as rules, Candidate, Parts, Weights};
use bosun_core::{Action, TenantId};
use bosun_store::{EraseBy, Memory, MemoryQuery};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::coord::invalid;
use super::{Answer, Applied, Caller, Command, Kernel, KernelError, Outcome, Principal, RequestCtx, Tx};

/// Duplicates fold into a memory written by the same author, with the same normalised summary
/// and event type, at most this long before.
pub const DEDUP_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);
/// The most memories one erasure request removes; the answer says when more are left.
pub const MAX_ERASE: u32 = 1000;
/// The most memories one recall returns.
pub const MAX_RECALL: u32 = 100;
/// How many text (and vector) candidates recall scores, at least.
const MIN_POOL: u32 = 50;
/// Reciprocal rank fusion's constant (the usual 60: ranks past the first few matter little).
const RRF_K: f64 = 60.0;

#[derive(Clone, Debug, Serialize)]
pub struct Remember {
    pub project: String,
    pub event_type: String,
    pub summary: String,
    pub details: Option<String>,
    pub outcome: Option<String>,
    pub lessons: Option<String>,
    pub tags: Vec<String>,
    /// `agent`, `project` or `tenant`; the tenant's default when absent.
    pub visibility: Option<String>,
    /// Whom the memory is about, for erasure by subject.
    pub subject: Option<String>,
}

/// What an erasure names, and (filled in by [`Kernel::erase_memories`] from a read) the ids
/// it removes.
#[derive(Clone, Debug)]
pub struct EraseMemories {
    pub by: EraseBy,
    pub ids: Vec<String>,
    /// More memories match than one request erases.
    pub more: bool,
}

/// A tenant's memory settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemorySettings {
    /// Recency's half-life: a memory this old counts half as recent as a new one.
    #[serde(default = "default_half_life")]
    pub half_life_hours: f64,
    /// Who may recall a memory whose writer did not say.
    #[serde(default = "default_visibility")]
    pub default_visibility: String,
    /// An OpenAI-compatible embeddings endpoint: with one, recall is semantic too.
    #[serde(default)]
    pub embeddings: Option<EmbeddingsEndpoint>,
}

fn default_half_life() -> f64 {
    720.0
}
fn default_visibility() -> String {
    "project".into()
}

impl Default for MemorySettings {
    fn default() -> Self {
        MemorySettings {
            half_life_hours: default_half_life(),
            default_visibility: default_visibility(),
            embeddings: None,
        }
    }
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingsEndpoint {
    /// The full URL of `POST /v1/embeddings` (http or https).
    pub url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer …`; never shown back or audited.
    #[serde(default)]
    pub api_key: Option<String>,
    /// How long a recall waits for the query's embedding before answering from text alone.
    #[serde(default = "default_query_timeout")]
    pub query_timeout_ms: u32,
}

fn default_query_timeout() -> u32 {
    1000
}

impl std::fmt::Debug for EmbeddingsEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddingsEndpoint")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// A recall's question.
#[derive(Clone, Debug, Default)]
pub struct Recall {
    pub q: String,
    pub tags: Vec<String>,
    pub event_type: Option<String>,
    /// Recall in this project (its memories and tenant-wide ones); `None`: every project (users).
    pub project: Option<String>,
    pub limit: u32,
    pub min_relevance: f64,
}

/// One recalled memory with its relevance and the parts it came from.
#[derive(Clone, Debug)]
pub struct Recalled {
    pub memory: Memory,
    pub parts: Parts,
    pub relevance: f64,
    /// Cosine similarity to the query, when semantic recall ranked it.
    pub similarity: Option<f64>,
}

/// A recall's answer: how it searched, and why not semantically when it could not.
#[derive(Clone, Debug)]
pub struct RecallAnswer {
    pub memories: Vec<Recalled>,
    /// `text`, or `hybrid` (text and vectors fused).
    pub mode: &'static str,
    pub note: Option<String>,
}

/// The task fields' length rule, and no control characters but line breaks and tabs (memory is
/// text read back to models and people).
fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), KernelError> {
    super::coord::check_text(field, value, min, max)?;
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(invalid(format!("`{field}` must not contain control characters")));
    }
    Ok(())
}

fn check_event_type(e: &str) -> Result<(), KernelError> {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.:-".contains(c);
    if e.is_empty() || e.len() > 64 || !e.chars().all(ok) {
        return Err(invalid("`event_type` must be 1 to 64 of a-z, 0-9 and `_.:-` (e.g. task_failed)"));
    }
    Ok(())
}

fn check_visibility(v: &str) -> Result<(), KernelError> {
    if !matches!(v, "agent" | "project" | "tenant") {
        return Err(invalid("`visibility` must be agent, project or tenant"));
    }
    Ok(())
}

pub(super) fn validate_remember(r: &Remember) -> Result<(), KernelError> {
    super::coord::check_project(&r.project)?;
    check_event_type(&r.event_type)?;
    check_text("summary", &r.summary, 1, 2000)?;
    if let Some(d) = &r.details {
        check_text("details", d, 0, 20_000)?;
    }
    if let Some(l) = &r.lessons {
        check_text("lessons", l, 0, 5000)?;
    }
    if let Some(o) = &r.outcome
        && !matches!(o.as_str(), "success" | "failure" | "partial")
    {
        return Err(invalid("`outcome` must be success, failure or partial"));
    }
    if r.tags.len() > 20 {
        return Err(invalid("at most 20 `tags`"));
    }
    for t in &r.tags {
        rules::normalize_tag(t).map_err(invalid)?;
    }
    if let Some(v) = &r.visibility {
        check_visibility(v)?;
    }
    if let Some(s) = &r.subject {
        check_text("subject", s, 1, 200)?;
    }
    Ok(())
}

pub(super) fn validate_erase(e: &EraseMemories) -> Result<(), KernelError> {
    let (field, value) = match &e.by {
        EraseBy::Id(v) => ("id", v),
        EraseBy::Author(v) => ("agent", v),
        EraseBy::Subject(v) => ("subject", v),
        EraseBy::Tag(v) => ("tag", v),
    };
    check_text(field, value, 1, 200)?;
    if e.ids.len() > MAX_ERASE as usize {
        return Err(invalid(format!("at most {MAX_ERASE} memories per erasure")));
    }
    Ok(())
}

pub(super) fn validate_settings(s: &MemorySettings) -> Result<(), KernelError> {
    if !(s.half_life_hours.is_finite() && (1.0..=87_600.0).contains(&s.half_life_hours)) {
        return Err(invalid("`half_life_hours` must be 1 to 87600 (ten years)"));
    }
    check_visibility(&s.default_visibility)?;
    if let Some(e) = &s.embeddings {
        let scheme_ok = e.url.starts_with("http://") || e.url.starts_with("https://");
        if !scheme_ok || e.url.len() > 500 || e.url.parse::<axum::http::Uri>().is_err() {
            return Err(invalid("`embeddings.url` must be an http or https URL of at most 500 characters"));
        }
        check_text("embeddings.model", &e.model, 1, 200)?;
        if let Some(k) = &e.api_key {
            check_text("embeddings.api_key", k, 1, 500)?;
        }
        if !(50..=10_000).contains(&e.query_timeout_ms) {
            return Err(invalid("`embeddings.query_timeout_ms` must be 50 to 10000"));
        }
    }
    Ok(())
}

fn settings_of(doc: Option<String>) -> Result<MemorySettings, KernelError> {
    match doc {
        Some(doc) => serde_json::from_str(&doc).map_err(|e| KernelError::Internal(format!("memory settings: {e}"))),
        None => Ok(MemorySettings::default()),
    }
}

fn redacted(text: &str) -> String {
    bosun_core::redact::redact_text(text).into_owned()
}

pub(super) fn remember(tx: &mut Tx<'_>, r: Remember) -> Result<Applied, KernelError> {
    let author = tx.caller.holder().ok_or_else(|| KernelError::Forbidden("Bosun itself remembers nothing".into()))?;
    let tenant = tx.caller.tenant;
    // Redacted like the audit log before anything is stored or compared.
    let summary = redacted(&r.summary);
    let key = rules::dedup_key(&summary);
    let since = tx.now.checked_sub(DEDUP_WINDOW).unwrap_or(tx.now);
    let author_id = author.owner.id();
    let details_of = |m: &Memory, action: &str| json!({ "action": action, "event_type": m.event_type, "visibility": m.visibility, "seen": m.seen });
    if let Some(mut m) = tx.w.memory_duplicate(tenant, &author_id, &r.event_type, &key, since)? {
        m.seen = m.seen.saturating_add(1);
        m.last_seen_at = tx.now;
        tx.w.touch_memory(tenant, &m.id, m.seen, tx.now)?;
        let details = details_of(&m, "deduplicated");
        let target = ("memory", m.id.clone());
        let project = m.project.clone();
        return Ok(Applied::new(
            Action::MemoryRemember,
            Outcome::Remembered { memory: m, created: false },
            target,
            details,
        )
        .project(&project));
    }
    let visibility = match r.visibility {
        Some(v) => v,
        None => settings_of(tx.w.memory_settings(tenant)?)?.default_visibility,
    };
    let memory = Memory {
        tenant_id: tenant,
        id: bosun_core::ids::next_ulid().to_string(),
        project: r.project.clone(),
        visibility,
        author_type: author.owner.kind().to_owned(),
        author_id,
        author_name: author.name,
        event_type: r.event_type,
        summary,
        details: r.details.as_deref().map(redacted),
        outcome: r.outcome,
        lessons: r.lessons.as_deref().map(redacted),
        tags: r.tags.iter().filter_map(|t| rules::normalize_tag(t).ok()).collect(),
        subject: r.subject.map(|s| redacted(&s).to_lowercase()),
        dedup_key: key,
        seen: 1,
        created_at: tx.now,
        last_seen_at: tx.now,
    };
    tx.w.insert_memory(&memory)?;
    let details = details_of(&memory, "created");
    let target = ("memory", memory.id.clone());
    Ok(Applied::new(Action::MemoryRemember, Outcome::Remembered { memory, created: true }, target, details)
        .project(&r.project))
}

pub(super) fn erase(tx: &mut Tx<'_>, e: EraseMemories) -> Result<Applied, KernelError> {
    let tenant = tx.caller.tenant;
    let count = tx.w.erase_memories(tenant, &e.ids)?;
    if count == 0 && matches!(e.by, EraseBy::Id(_)) {
        return Err(KernelError::NotFound("no such memory".into()));
    }
    // What was erased is named only by how it was asked for (an id, an agent) — never a subject
    // or a tag, which are content themselves.
    let (by, target) = match &e.by {
        EraseBy::Id(id) => ("id", ("memory", id.clone())),
        EraseBy::Author(a) => ("agent", ("agent", a.clone())),
        EraseBy::Subject(_) => ("subject", ("tenant", tenant.to_string())),
        EraseBy::Tag(_) => ("tag", ("tenant", tenant.to_string())),
    };
    let details = json!({ "by": by, "count": count, "more": e.more });
    Ok(Applied::new(Action::MemoryErase, Outcome::MemoriesErased { count, more: e.more }, target, details))
}

pub(super) fn put_settings(tx: &mut Tx<'_>, s: MemorySettings) -> Result<Applied, KernelError> {
    let doc = serde_json::to_string(&s).map_err(|e| KernelError::Internal(e.to_string()))?;
    tx.w.put_memory_settings(tx.caller.tenant, &doc, tx.now)?;
    // The endpoint's host and model, never its key (or a URL's credentials or query).
    let endpoint = s.embeddings.as_ref().map(|e| {
        let host = e.url.parse::<axum::http::Uri>().ok().and_then(|u| u.host().map(str::to_owned));
        json!({ "host": host, "model": e.model, "api_key_set": e.api_key.is_some() })
    });
    let details = json!({
        "half_life_hours": s.half_life_hours,
        "default_visibility": s.default_visibility,
        "embeddings": endpoint,
    });
    let target = ("tenant", tx.caller.tenant.to_string());
    Ok(Applied::new(Action::MemorySettingsUpdate, Outcome::MemorySettings(s), target, details))
}

/// For `memory.erased` by someone other than a tenant admin: the erasure must name only the
/// caller's own memories (one it wrote, or everything it wrote).
pub(super) async fn authorize_own(kernel: &Kernel, caller: &Caller, e: &EraseMemories) -> Result<(), KernelError> {
    let me = caller.holder().map(|h| h.owner.id()).unwrap_or_default();
    match &e.by {
        EraseBy::Id(id) => {
            let (tenant, id) = (caller.tenant, id.clone());
            let found = kernel.store.read(move |r| r.memory(tenant, &id)).await?;
            match found {
                Some(m) if m.author_id == me => Ok(()),
                Some(m) if visible_to(caller, &m) => {
                    Err(KernelError::Forbidden("only its author or a tenant admin may erase a memory".into()))
                }
                _ => Err(KernelError::NotFound("no such memory".into())),
            }
        }
        EraseBy::Author(a) if *a == me => Ok(()),
        _ => Err(KernelError::Forbidden("erasing by agent, subject or tag is for tenant admins".into())),
    }
}

/// Whether an agent may see a memory at all (users see every memory of their tenant).
fn visible_to(caller: &Caller, m: &Memory) -> bool {
    match &caller.principal {
        Principal::Agent { id, .. } => m.visibility != "agent" || m.author_id == id.to_string(),
        _ => true,
    }
}

/// Each tenant's memory vectors, loaded on first semantic recall and topped up from the store
/// before each (vectors stored since, by any node); dropped when memories are erased.
#[derive(Default)]
pub struct Vectors(Mutex<HashMap<TenantId, Arc<RwLock<VectorIndex>>>>);

/// A tenant's vectors as one flat matrix of unit rows, so a search is one pass of dot products.
#[derive(Default)]
pub struct VectorIndex {
    /// The last vector's seq loaded.
    loaded_to: i64,
    /// The length of the first vector loaded; vectors of another length (a model changed) are
    /// left out.
    dims: usize,
    ids: Vec<String>,
    rows: HashMap<String, usize>,
    data: Vec<f32>,
    /// Vectors were left out: past [`MAX_VECTORS`], or of another length.
    skipped: u64,
}

impl VectorIndex {
    fn insert(&mut self, id: String, mut v: Vec<f32>) {
        if self.dims == 0 {
            self.dims = v.len();
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if v.len() != self.dims || norm == 0.0 || !norm.is_finite() {
            self.skipped += 1;
            return;
        }
        v.iter_mut().for_each(|x| *x /= norm);
        match self.rows.get(&id) {
            Some(&row) => self.data[row * self.dims..(row + 1) * self.dims].copy_from_slice(&v),
            None if self.ids.len() >= MAX_VECTORS => self.skipped += 1,
            None => {
                self.rows.insert(id.clone(), self.ids.len());
                self.ids.push(id);
                self.data.extend_from_slice(&v);
            }
        }
    }

    /// The `k` rows most similar to `query` (cosine > 0), best first, ties by id.
    fn nearest(&self, query: &[f32], k: usize) -> Vec<(String, f64)> {
        let norm = query.iter().map(|x| x * x).sum::<f32>().sqrt();
        if query.len() != self.dims || norm == 0.0 || !norm.is_finite() {
            return Vec::new();
        }
        let q: Vec<f32> = query.iter().map(|x| x / norm).collect();
        let mut scored: Vec<(f32, u32)> = self
            .data
            .chunks_exact(self.dims)
            .enumerate()
            .map(|(i, row)| (row.iter().zip(&q).map(|(a, b)| a * b).sum::<f32>(), i as u32))
            // Orthogonal or opposite is no evidence at all.
            .filter(|(s, _)| *s > 0.0)
            .collect();
        let order = |a: &(f32, u32), b: &(f32, u32)| {
            b.0.total_cmp(&a.0).then_with(|| self.ids[a.1 as usize].cmp(&self.ids[b.1 as usize]))
        };
        if scored.len() > k && k > 0 {
            scored.select_nth_unstable_by(k - 1, order);
            scored.truncate(k);
        }
        scored.sort_by(order);
        scored.into_iter().map(|(s, i)| (self.ids[i as usize].clone(), f64::from(s))).collect()
    }
}

/// The most vectors a node keeps for one tenant: past it, recall says so and stays text-only
/// for the rest (400 MB at 1,024 dimensions).
const MAX_VECTORS: usize = 100_000;

impl Vectors {
    fn of(&self, tenant: TenantId) -> Arc<RwLock<VectorIndex>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(tenant).or_default().clone()
    }
    pub fn forget(&self, tenant: TenantId) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&tenant);
    }
}

/// Embed texts at an OpenAI-compatible endpoint (`{"model", "input": [..]}` →
/// `{"data": [{"embedding": [..]}]}`), within `timeout`.
pub async fn embed(
    endpoint: &EmbeddingsEndpoint,
    texts: &[String],
    timeout: Duration,
) -> Result<Vec<Vec<f32>>, String> {
    let body = json!({ "model": endpoint.model, "input": texts }).to_string();
    let mut headers = Vec::new();
    if let Some(k) = &endpoint.api_key {
        headers.push(("authorization", format!("Bearer {k}")));
    }
    let (status, bytes) = super::outbound::post_json(&endpoint.url, &headers, body, timeout).await?;
    if !(200..300).contains(&status) {
        return Err(format!("the endpoint answered {status}"));
    }
    #[derive(Deserialize)]
    struct Item {
        embedding: Vec<f32>,
    }
    #[derive(Deserialize)]
    struct Reply {
        data: Vec<Item>,
    }
    let reply: Reply = serde_json::from_slice(&bytes).map_err(|_| "the endpoint's answer is not an embeddings list")?;
    if reply.data.len() != texts.len() || reply.data.iter().any(|d| d.embedding.is_empty() || d.embedding.len() > 8192)
    {
        return Err("the endpoint's answer has the wrong number or size of embeddings".into());
    }
    Ok(reply.data.into_iter().map(|d| d.embedding).collect())
}

/// The text a memory is embedded from.
fn embedding_text(m: &Memory) -> String {
    let mut text = m.summary.clone();
    for part in [m.lessons.as_deref(), m.details.as_deref()].into_iter().flatten() {
        text.push('\n');
        text.push_str(part);
    }
    if !m.tags.is_empty() {
        text.push('\n');
        text.push_str(&m.tags.join(" "));
    }
    text.chars().take(8000).collect()
}

/// Memories waiting for their embedding (sent after a `memory.remembered` commit).
pub type EmbedQueue = tokio::sync::mpsc::Sender<(TenantId, String)>;

impl Kernel {
    /// The tenant's memory settings (the defaults until some were set).
    pub async fn memory_settings(&self, caller: &Caller) -> Result<MemorySettings, KernelError> {
        let tenant = caller.tenant;
        settings_of(self.store.read(move |r| r.memory_settings(tenant)).await?)
    }

    /// How many memories the tenant has and how many have their vector (is semantic recall
    /// caught up?).
    pub async fn memory_counts(&self, caller: &Caller) -> Result<(u64, u64), KernelError> {
        let tenant = caller.tenant;
        Ok(self.store.read(move |r| r.memory_counts(tenant)).await?)
    }

    /// A memory, if the caller may see it.
    pub async fn memory(&self, caller: &Caller, id: String) -> Result<Memory, KernelError> {
        let tenant = caller.tenant;
        match self.store.read(move |r| r.memory(tenant, &id)).await? {
            Some(m) if visible_to(caller, &m) => Ok(m),
            _ => Err(KernelError::NotFound("no such memory".into())),
        }
    }

    /// The newest memories the caller may see, below `before` (an id), of one project (and
    /// tenant-wide ones) or, for users, all.
    pub async fn recent_memories(
        &self,
        caller: &Caller,
        project: Option<String>,
        before: Option<String>,
        limit: u32,
    ) -> Result<Vec<Memory>, KernelError> {
        let q = MemoryQuery {
            project,
            viewer: caller.agent_id().map(|a| a.to_string()),
            before,
            limit: limit.clamp(1, 200),
            ..MemoryQuery::default()
        };
        let tenant = caller.tenant;
        let found = self.store.read(move |r| r.find_memories(tenant, &q)).await?;
        Ok(found.into_iter().map(|(m, _)| m).collect())
    }

    /// Erase memories: the ids are read first (at most [`MAX_ERASE`]), then removed in one
    /// audited transaction. An agent's name or id for `Author`.
    pub async fn erase_memories(&self, caller: &Caller, ctx: &RequestCtx, by: EraseBy) -> Result<Answer, KernelError> {
        validate_erase(&EraseMemories { by: by.clone(), ids: Vec::new(), more: false })?;
        let tenant = caller.tenant;
        let by = match by {
            EraseBy::Author(who) => {
                let name = who.clone();
                let agent = self.store.read(move |r| r.agent_by_name(tenant, &name)).await?;
                EraseBy::Author(agent.map_or(who, |a| a.id.to_string()))
            }
            EraseBy::Tag(t) => EraseBy::Tag(rules::normalize_tag(&t).map_err(invalid)?),
            other => other,
        };
        let named = by.clone();
        let ids = self.store.read(move |r| r.erasable_memories(tenant, &named, MAX_ERASE)).await?;
        let more = ids.len() == MAX_ERASE as usize;
        self.execute(caller, ctx, Command::EraseMemories(EraseMemories { by, ids, more })).await
    }

    /// Recall: the memories most relevant to a question, best first (see `bosun_core::memory`).
    pub async fn recall(&self, caller: &Caller, q: Recall) -> Result<RecallAnswer, KernelError> {
        if q.q.chars().count() > 1000 || q.q.chars().any(char::is_control) {
            return Err(invalid("`q` must be at most 1000 characters, without control characters"));
        }
        if q.tags.len() > 10 {
            return Err(invalid("at most 10 `tags`"));
        }
        let tags = q.tags.iter().map(|t| rules::normalize_tag(t)).collect::<Result<Vec<_>, _>>().map_err(invalid)?;
        if let Some(e) = &q.event_type {
            check_event_type(e)?;
        }
        if let Some(p) = &q.project {
            super::coord::check_project(p)?;
        }
        // An agent recalls in a project (`default` unless it names one); users across all.
        let project = q.project.clone().or_else(|| caller.agent_id().map(|_| "default".to_owned()));
        if !(0.0..=1.0).contains(&q.min_relevance) {
            return Err(invalid("`min_relevance` must be 0 to 1"));
        }
        let limit = q.limit.clamp(1, MAX_RECALL);
        let words = rules::query_words(&q.q);
        if !q.q.trim().is_empty() && words.is_empty() && tags.is_empty() {
            return Ok(RecallAnswer {
                memories: Vec::new(),
                mode: "text",
                note: Some("the question has no searchable words".into()),
            });
        }
        let tenant = caller.tenant;
        let base = MemoryQuery {
            words: words.clone(),
            tags: tags.clone(),
            event_type: q.event_type.clone(),
            project,
            viewer: caller.agent_id().map(|a| a.to_string()),
            before: None,
            ids: Vec::new(),
            limit: (limit * 5).max(MIN_POOL),
        };
        let text_query = base.clone();
        let (settings, text) =
            self.store.read(move |r| Ok((r.memory_settings(tenant)?, r.find_memories(tenant, &text_query)?))).await?;
        let settings = settings_of(settings)?;
        let mut note = None;
        let mut mode = "text";
        let mut similarity: HashMap<String, f64> = HashMap::new();
        let mut pool: Vec<(Memory, Option<f64>)> =
            text.iter().map(|(m, s)| (m.clone(), (!words.is_empty()).then_some(*s))).collect();
        if let Some(endpoint) = settings.embeddings.as_ref().filter(|_| !words.is_empty()) {
            match self.semantic(tenant, endpoint, &q.q, &base).await {
                Ok((vector_ranked, skipped)) => {
                    mode = "hybrid";
                    if skipped > 0 {
                        note = Some(format!(
                            "{skipped} vectors are left out of semantic recall (past the {MAX_VECTORS} a node keeps \
                             for a tenant, or made by another model)"
                        ));
                    }
                    let text_ids: Vec<&str> = text.iter().map(|(m, _)| m.id.as_str()).collect();
                    let vector_ids: Vec<&str> = vector_ranked.iter().map(|(m, _)| m.id.as_str()).collect();
                    let fused: HashMap<String, f64> = rules::reciprocal_rank_fusion(&[&text_ids, &vector_ids], RRF_K)
                        .into_iter()
                        .map(|(id, s)| (id.to_owned(), s))
                        .collect();
                    for (m, sim) in &vector_ranked {
                        similarity.insert(m.id.clone(), *sim);
                    }
                    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
                    pool = text
                        .into_iter()
                        .map(|(m, _)| m)
                        .chain(vector_ranked.into_iter().map(|(m, _)| m))
                        .filter(|m| seen.insert(m.id.clone()))
                        .map(|m| {
                            let f = fused.get(&m.id).copied();
                            (m, f)
                        })
                        .collect();
                }
                Err(why) => note = Some(format!("semantic recall is unavailable ({why}); text only")),
            }
        } else if settings.embeddings.is_none() && !words.is_empty() {
            note = Some("no embeddings endpoint is configured; text only".into());
        }
        let now = self.clock.now();
        let candidates: Vec<Candidate<'_>> = pool
            .iter()
            .map(|(m, matched)| Candidate {
                id: &m.id,
                matched: *matched,
                tags: &m.tags,
                age_secs: now.duration_since(m.created_at).as_secs_f64(),
                outcome: m.outcome.as_deref(),
            })
            .collect();
        // Fused scores count against a memory first in both rankings.
        let full = (mode == "hybrid").then_some(2.0 / (RRF_K + 1.0));
        let ranked = rules::rank(&candidates, &tags, settings.half_life_hours * 3600.0, full, &Weights::default());
        let memories = ranked
            .into_iter()
            .filter(|s| s.relevance >= q.min_relevance)
            .take(limit as usize)
            .map(|s| {
                let memory = pool[s.index].0.clone();
                let similarity = similarity.get(&memory.id).copied();
                Recalled { memory, parts: s.parts, relevance: s.relevance, similarity }
            })
            .collect();
        Ok(RecallAnswer { memories, mode, note })
    }

    /// The memories nearest the question's embedding that the query's filters let through, with
    /// their cosine similarity, best first.
    async fn semantic(
        &self,
        tenant: TenantId,
        endpoint: &EmbeddingsEndpoint,
        question: &str,
        base: &MemoryQuery,
    ) -> Result<(Vec<(Memory, f64)>, u64), String> {
        let timeout = Duration::from_millis(u64::from(endpoint.query_timeout_ms));
        let query = embed(endpoint, &[question.to_owned()], timeout).await?.remove(0);
        let index = self.vectors.of(tenant);
        self.top_up(tenant, &index).await.map_err(|e| format!("the vectors could not be read: {e}"))?;
        let (nearest, skipped) = {
            let index = index.read().unwrap_or_else(|e| e.into_inner());
            if index.ids.is_empty() {
                return Err("no memory has an embedding yet".into());
            }
            (index.nearest(&query, base.limit as usize), index.skipped)
        };
        if nearest.is_empty() {
            // (An empty id list would not narrow the read at all.)
            return Ok((Vec::new(), skipped));
        }
        let sims: HashMap<String, f64> = nearest.iter().cloned().collect();
        let q = MemoryQuery { words: Vec::new(), ids: nearest.into_iter().map(|(id, _)| id).collect(), ..base.clone() };
        let found = self.store.read(move |r| r.find_memories(tenant, &q)).await.map_err(|e| e.to_string())?;
        let mut ranked: Vec<(Memory, f64)> = found
            .into_iter()
            .map(|(m, _)| {
                let s = sims.get(&m.id).copied().unwrap_or(0.0);
                (m, s)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
        Ok((ranked, skipped))
    }

    /// Load the vectors stored since the index was last topped up (bounded pages).
    async fn top_up(&self, tenant: TenantId, index: &Arc<RwLock<VectorIndex>>) -> Result<(), KernelError> {
        loop {
            let after = index.read().unwrap_or_else(|e| e.into_inner()).loaded_to;
            let page = self.store.read(move |r| r.memory_vectors(tenant, after, 5000)).await?;
            let full = page.len() == 5000;
            let mut index = index.write().unwrap_or_else(|e| e.into_inner());
            for (id, seq, text) in page {
                index.loaded_to = index.loaded_to.max(seq);
                match rules::decode_vector(&text) {
                    Some(v) => index.insert(id, v),
                    None => index.skipped += 1,
                }
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// After `memory.remembered` created a memory: queue it for its embedding (dropped when
    /// the queue is full; the embedder's sweep finds it).
    pub(super) fn queue_embedding(&self, tenant: TenantId, id: String) {
        if let Some(queue) = self.embed_queue.get() {
            let _ = queue.try_send((tenant, id));
        }
    }

    /// Start the embedder: it embeds memories as they are remembered (never in the write path:
    /// a slow or absent endpoint delays only the vector), retries three times, and every
    /// `sweep` looks for memories still without a vector (after a restart, an outage, a full
    /// queue). Vectors are derived data, like the full-text index: stored without an audit event.
    pub fn spawn_embedder(self: &Arc<Self>, sweep: Duration) -> tokio::task::JoinHandle<()> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(TenantId, String)>(10_000);
        let _ = self.embed_queue.set(tx);
        let kernel = self.clone();
        // At most four requests to endpoints at once: one slow endpoint (or a retry's wait)
        // holds one of them, not the whole queue.
        let slots = Arc::new(tokio::sync::Semaphore::new(4));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(sweep);
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else { return };
                let kernel2 = kernel.clone();
                tokio::select! {
                    _ = kernel.shutdown.cancelled() => return,
                    next = rx.recv() => match next {
                        Some((tenant, id)) => {
                            tokio::spawn(async move {
                                kernel2.embed_one(tenant, &id).await;
                                drop(slot);
                            });
                        }
                        None => return,
                    },
                    _ = tick.tick() => {
                        tokio::spawn(async move {
                            kernel2.embed_sweep().await;
                            drop(slot);
                        });
                    }
                    // Settings changed (an endpoint configured): catch up now, not at the next tick.
                    _ = kernel.sweep_now.notified() => {
                        tokio::spawn(async move {
                            kernel2.embed_sweep().await;
                            drop(slot);
                        });
                    }
                }
            }
        })
    }

    async fn embed_one(&self, tenant: TenantId, id: &str) {
        let id_ = id.to_owned();
        let read = self.store.read(move |r| Ok((r.memory_settings(tenant)?, r.memory(tenant, &id_)?))).await;
        let Ok((Ok(settings), Some(memory))) = read.map(|(s, m)| (settings_of(s), m)) else { return };
        let Some(endpoint) = settings.embeddings else { return };
        self.embed_memories(tenant, &endpoint, vec![memory]).await;
    }

    /// Embed and store; whether the vectors were stored.
    async fn embed_memories(&self, tenant: TenantId, endpoint: &EmbeddingsEndpoint, memories: Vec<Memory>) -> bool {
        let texts: Vec<String> = memories.iter().map(embedding_text).collect();
        let mut delay = Duration::from_millis(500);
        for attempt in 1..=3 {
            match embed(endpoint, &texts, Duration::from_secs(10)).await {
                Ok(vectors) => {
                    let model = endpoint.model.clone();
                    let at = self.clock.now();
                    let rows: Vec<(String, String)> =
                        memories.iter().zip(vectors).map(|(m, v)| (m.id.clone(), rules::encode_vector(&v))).collect();
                    // In the tenant's order of writes (see `ReadTx::memory_vectors`).
                    let stored = self
                        .store
                        .write_then(
                            tenant,
                            move |w| {
                                for (id, v) in &rows {
                                    w.put_memory_vector(tenant, id, &model, v, at)?;
                                }
                                Ok::<_, bosun_store::StoreError>(())
                            },
                            |_| {},
                        )
                        .await;
                    if let Err(e) = &stored {
                        tracing::warn!(error = %e, "memory vectors could not be stored");
                    }
                    return stored.is_ok();
                }
                Err(why) => {
                    tracing::warn!(%tenant, attempt, reason = %why, "embedding memories failed");
                    if attempt < 3 {
                        tokio::time::sleep(delay).await;
                        delay *= 4;
                    }
                }
            }
        }
        false
    }

    /// Embed what is still without a vector, for every tenant with an endpoint: at most 2,048
    /// memories per tenant per sweep, 16 to a request.
    async fn embed_sweep(&self) {
        let Ok(tenants) = self.store.read(|r| r.list_tenants()).await else { return };
        for t in tenants {
            let tenant = t.id;
            for _ in 0..32 {
                let read = self
                    .store
                    .read(move |r| Ok((r.memory_settings(tenant)?, r.unembedded_memories(tenant, 64)?)))
                    .await;
                let Ok((doc, waiting)) = read else { break };
                let Ok(MemorySettings { embeddings: Some(endpoint), .. }) = settings_of(doc) else { break };
                let mut stored = false;
                for chunk in waiting.chunks(16) {
                    stored |= self.embed_memories(tenant, &endpoint, chunk.to_vec()).await;
                }
                // A short page is the last; nothing stored means the endpoint is failing: next sweep.
                if waiting.len() < 64 || !stored {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VectorIndex;

    #[test]
    fn the_index_keeps_unit_rows_of_one_length_and_finds_the_nearest() {
        let mut index = VectorIndex::default();
        index.insert("a".into(), vec![1.0, 0.0]);
        index.insert("b".into(), vec![3.0, 3.0]);
        index.insert("c".into(), vec![0.0, 2.0]);
        index.insert("odd".into(), vec![1.0, 2.0, 3.0]);
        index.insert("zero".into(), vec![0.0, 0.0]);
        index.insert("opposite".into(), vec![-1.0, -0.1]);
        assert_eq!(index.skipped, 2, "another length and a zero vector are left out");
        let near = index.nearest(&[2.0, 0.1], 2);
        assert_eq!(near.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert!((near[0].1 - 0.9988).abs() < 1e-3, "cosine, whatever the lengths: {near:?}");
        let all = index.nearest(&[1.0, 0.0], 10);
        assert!(!all.iter().any(|(id, _)| id == "opposite" || id == "c"), "no evidence is not a match: {all:?}");
        // Replaced in place; a query of another length finds nothing.
        index.insert("a".into(), vec![0.0, 1.0]);
        assert_eq!(index.nearest(&[0.0, 1.0], 1)[0].0, "a", "ties by id");
        assert!(index.nearest(&[1.0], 5).is_empty());
    }
}
