//! Memory's views: a memory, a recall's answer, an erasure, the settings.

use serde::Serialize;
use utoipa::ToSchema;

use bosun_core::clock::format_micros;

#[derive(Serialize, ToSchema)]
pub struct MemoryView {
    pub id: String,
    pub project: String,
    /// `agent` (its author only), `project` or `tenant`.
    pub visibility: String,
    pub event_type: String,
    pub summary: String,
    pub details: Option<String>,
    /// `success`, `failure` or `partial`.
    pub outcome: Option<String>,
    pub lessons: Option<String>,
    pub tags: Vec<String>,
    pub subject: Option<String>,
    pub author: String,
    pub author_id: String,
    /// `agent` or `user`.
    pub author_type: String,
    /// How many times it was remembered (duplicates within 24 h fold into it).
    pub seen: u32,
    pub created_at: String,
    pub last_seen_at: String,
}

impl From<&bosun_store::Memory> for MemoryView {
    fn from(m: &bosun_store::Memory) -> Self {
        MemoryView {
            id: m.id.clone(),
            project: m.project.clone(),
            visibility: m.visibility.clone(),
            event_type: m.event_type.clone(),
            summary: m.summary.clone(),
            details: m.details.clone(),
            outcome: m.outcome.clone(),
            lessons: m.lessons.clone(),
            tags: m.tags.clone(),
            subject: m.subject.clone(),
            author: m.author_name.clone(),
            author_id: m.author_id.clone(),
            author_type: m.author_type.clone(),
            seen: m.seen,
            created_at: format_micros(m.created_at),
            last_seen_at: format_micros(m.last_seen_at),
        }
    }
}

/// What `POST /api/v1/memory` did.
#[derive(Serialize, ToSchema)]
pub struct RememberedView {
    pub id: String,
    /// `created`, or `deduplicated` (folded into the same author's memory with the same
    /// normalised summary and event type from the last 24 h).
    pub action: String,
    pub seen: u32,
}

/// The parts a memory's relevance came from, each 0–1 (see docs/API.md, "Recall").
#[derive(Serialize, ToSchema)]
pub struct RelevanceParts {
    /// Full-text match against the best candidate (with semantic recall: the fused rank score);
    /// absent when the question had no words.
    pub text: Option<f64>,
    /// Share of the question's tags the memory carries; absent without tags.
    pub tags: Option<f64>,
    /// `0.5 ^ (age / half-life)`.
    pub recency: f64,
    /// failure 1.0, success 0.8, partial 0.6, none 0.5.
    pub outcome: f64,
}

#[derive(Serialize, ToSchema)]
pub struct RecalledView {
    #[serde(flatten)]
    pub memory: MemoryView,
    /// 0–1: the weighted mean of the parts judged.
    pub relevance: f64,
    pub parts: RelevanceParts,
    /// Cosine similarity to the question's embedding, when semantic recall ranked it.
    pub similarity: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct RecallView {
    pub memories: Vec<RecalledView>,
    /// `text`, or `hybrid` (text and vectors fused by reciprocal rank).
    pub mode: String,
    /// Why recall was text-only when it could not be semantic (no endpoint configured, the
    /// endpoint down or slow, no vectors yet).
    pub note: Option<String>,
}

impl From<&crate::kernel::RecallAnswer> for RecallView {
    fn from(a: &crate::kernel::RecallAnswer) -> Self {
        let round = |v: f64| (v * 1e6).round() / 1e6;
        RecallView {
            memories: a
                .memories
                .iter()
                .map(|r| RecalledView {
                    memory: MemoryView::from(&r.memory),
                    relevance: round(r.relevance),
                    parts: RelevanceParts {
                        text: r.parts.text.map(round),
                        tags: r.parts.tags.map(round),
                        recency: round(r.parts.recency),
                        outcome: r.parts.outcome,
                    },
                    similarity: r.similarity.map(round),
                })
                .collect(),
            mode: a.mode.to_owned(),
            note: a.note.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemoryList {
    pub memories: Vec<MemoryView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ErasedView {
    pub erased: u64,
    /// More memories match than one request erases (1,000): ask again.
    pub more: bool,
}

#[derive(Serialize, ToSchema)]
pub struct EmbeddingsView {
    pub url: String,
    pub model: String,
    /// Whether an API key is set (it is never shown).
    pub api_key_set: bool,
    pub query_timeout_ms: u32,
}

#[derive(Serialize, ToSchema)]
pub struct MemorySettingsView {
    pub half_life_hours: f64,
    pub default_visibility: String,
    pub embeddings: Option<EmbeddingsView>,
    /// How many memories the tenant has (on `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memories: Option<u64>,
    /// How many of them have their vector: semantic recall has caught up when it equals
    /// `memories` (on `GET`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedded: Option<u64>,
}

impl From<&crate::kernel::MemorySettings> for MemorySettingsView {
    fn from(s: &crate::kernel::MemorySettings) -> Self {
        MemorySettingsView {
            half_life_hours: s.half_life_hours,
            default_visibility: s.default_visibility.clone(),
            embeddings: s.embeddings.as_ref().map(|e| EmbeddingsView {
                url: e.url.clone(),
                model: e.model.clone(),
                api_key_set: e.api_key.is_some(),
                query_timeout_ms: e.query_timeout_ms,
            }),
            memories: None,
            embedded: None,
        }
    }
}
