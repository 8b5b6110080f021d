//! Memory's pure rules (SPEC §3.6, issue 15), ahead of its store and edges: the key that
//! deduplicates a memory, how recall scores one (its parts and how they combine), how text and
//! vector rankings fuse, and the retrieval-quality measures the labelled set is scored with.
//!
//! Relevance, in 0–1, is a weighted mean of the parts a recall can judge:
//! - `text`: the memory's full-text score (BM25 from the store) divided by the best score among
//!   the candidates, so the best text match has 1 (not judged when the query has no words); with
//!   semantic recall, the reciprocal-rank-fusion score of the text and vector rankings instead,
//!   divided by the most a memory can get (first in both: 1; first in one only: about ½);
//! - `tags`: the share of the query's tags the memory carries (not judged when the query names
//!   none: its weight drops out of the mean rather than counting as 0);
//! - `recency`: `0.5 ^ (age / half_life)` — 1 when new, ½ at one half-life;
//! - `outcome`: what a memory's outcome says about its use as a lesson (see [`outcome_weight`]).
//!
//! The same inputs always give the same order: ties break on the memory's id.

use std::collections::HashMap;
use std::hash::Hash;

/// How much each part counts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    pub text: f64,
    pub tags: f64,
    pub recency: f64,
    pub outcome: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { text: 0.55, tags: 0.2, recency: 0.15, outcome: 0.1 }
    }
}

/// The parts of one memory's relevance, each in 0–1; `text` and `tags` are `None` when the
/// query has no words or no tags.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parts {
    pub text: Option<f64>,
    pub tags: Option<f64>,
    pub recency: f64,
    pub outcome: f64,
}

impl Parts {
    /// The weighted mean of the parts judged, in 0–1.
    pub fn relevance(&self, w: &Weights) -> f64 {
        let clamp = |v: f64| if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
        let mut sum = w.recency * clamp(self.recency) + w.outcome * clamp(self.outcome);
        let mut weight = w.recency + w.outcome;
        for (part, w) in [(self.text, w.text), (self.tags, w.tags)] {
            if let Some(v) = part {
                sum += w * clamp(v);
                weight += w;
            }
        }
        if weight > 0.0 { sum / weight } else { 0.0 }
    }
}

/// The key two memories are the same by (with the agent and the event type): the summary
/// lowercased, its whitespace collapsed, trailing punctuation dropped.
pub fn dedup_key(summary: &str) -> String {
    let words: Vec<String> = summary.split_whitespace().map(str::to_lowercase).collect();
    words.join(" ").trim_end_matches(|c: char| c.is_ascii_punctuation()).to_owned()
}

/// A candidate for recall, as the store found it.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    pub id: &'a str,
    /// Its raw match score (larger is better): BM25, or a fused score; `None` without words.
    pub matched: Option<f64>,
    pub tags: &'a [String],
    pub age_secs: f64,
    pub outcome: Option<&'a str>,
}

/// One candidate scored: its index in the input, its parts and its relevance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub index: usize,
    pub parts: Parts,
    pub relevance: f64,
}

/// Score candidates and order them: relevance first, then id (so equal inputs give equal order).
/// A match scores against `full` (the score of a perfect match, for fused scores: first in
/// every ranking), or, when `None`, against the best candidate's (BM25 has no ceiling).
pub fn rank(
    candidates: &[Candidate<'_>],
    query_tags: &[String],
    half_life_secs: f64,
    full: Option<f64>,
    w: &Weights,
) -> Vec<Scored> {
    let best = full.unwrap_or_else(|| candidates.iter().filter_map(|c| c.matched).fold(0.0f64, f64::max));
    let mut scored: Vec<Scored> = candidates
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let parts = Parts {
                text: c.matched.map(|m| text_score(m, best)),
                tags: tag_overlap(query_tags, c.tags),
                recency: recency(c.age_secs, half_life_secs),
                outcome: outcome_weight(c.outcome),
            };
            Scored { index, parts, relevance: parts.relevance(w) }
        })
        .collect();
    scored.sort_by(|a, b| {
        b.relevance.total_cmp(&a.relevance).then_with(|| candidates[a.index].id.cmp(candidates[b.index].id))
    });
    scored
}

/// Words too common to say what a memory is about; recall drops them from a query.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "did", "do", "does", "for", "from", "had", "has", "have",
    "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "so", "that",
    "the", "their", "then", "there", "these", "this", "to", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "why", "will", "with", "you", "your",
];

/// A recall query's words: lower-case runs of letters and digits, without single letters, stop
/// words or repeats, at most 32 — safe to hand to either full-text engine as plain terms.
pub fn query_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let w = w.to_lowercase();
        if w.chars().count() > 1 && !STOPWORDS.contains(&w.as_str()) && !out.contains(&w) {
            out.push(w);
        }
        if out.len() == 32 {
            break;
        }
    }
    out
}

/// A tag as stored: trimmed, lower-case, 1–50 of letters, digits and `-._:/`.
pub fn normalize_tag(tag: &str) -> Result<String, String> {
    let t = tag.trim().to_lowercase();
    let ok = |c: char| c.is_alphanumeric() || "-._:/".contains(c);
    if t.is_empty() || t.chars().count() > 50 || !t.chars().all(ok) {
        return Err(format!(
            "tag `{}` must be 1 to 50 letters, digits or `-._:/`",
            tag.chars().take(50).collect::<String>()
        ));
    }
    Ok(t)
}

/// A vector as stored: its f32s little-endian, in base64.
pub fn encode_vector(v: &[f32]) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = v.iter().flat_map(|f| f.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn decode_vector(text: &str) -> Option<Vec<f32>> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(text).ok()?;
    if bytes.len() % 4 != 0 {
        return None;
    }
    Some(bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// Cosine similarity in −1…1 (0 when either is zero or their lengths differ).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 { 0.0 } else { dot / (na.sqrt() * nb.sqrt()) }
}

/// `raw` against the best raw text score of the candidates (both ≥ 0, larger is better).
pub fn text_score(raw: f64, best: f64) -> f64 {
    if best > 0.0 && raw.is_finite() { (raw / best).clamp(0.0, 1.0) } else { 0.0 }
}

/// The share of the query's tags the memory carries (case-insensitive); `None` for no query tags.
pub fn tag_overlap(query: &[String], memory: &[String]) -> Option<f64> {
    if query.is_empty() {
        return None;
    }
    let has = |t: &String| memory.iter().any(|m| m.eq_ignore_ascii_case(t));
    Some(query.iter().filter(|t| has(t)).count() as f64 / query.len() as f64)
}

/// Exponential decay: 1 at age 0, ½ at `half_life_secs`. A future timestamp (clock skew) is new.
pub fn recency(age_secs: f64, half_life_secs: f64) -> f64 {
    if half_life_secs <= 0.0 {
        return 1.0;
    }
    0.5f64.powf(age_secs.max(0.0) / half_life_secs)
}

/// A lesson's outcome as a weight: what failed is worth most to the next agent (it is what they
/// would repeat), then what worked, then what half-worked; no outcome is neutral.
pub fn outcome_weight(outcome: Option<&str>) -> f64 {
    match outcome {
        Some("failure") => 1.0,
        Some("success") => 0.8,
        Some("partial") => 0.6,
        _ => 0.5,
    }
}

/// Reciprocal rank fusion of several rankings (best first): each item scores Σ 1/(k + rank),
/// rank from 1. The fused order is by score, ties by first appearance across the rankings.
pub fn reciprocal_rank_fusion<T: Clone + Eq + Hash>(rankings: &[&[T]], k: f64) -> Vec<(T, f64)> {
    let mut scores: HashMap<&T, (f64, usize)> = HashMap::new();
    let mut order = 0;
    for ranking in rankings {
        for (i, item) in ranking.iter().enumerate() {
            let entry = scores.entry(item).or_insert_with(|| {
                order += 1;
                (0.0, order)
            });
            entry.0 += 1.0 / (k + (i + 1) as f64);
        }
    }
    let mut fused: Vec<(&T, f64, usize)> = scores.into_iter().map(|(t, (s, o))| (t, s, o)).collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    fused.into_iter().map(|(t, s, _)| (t.clone(), s)).collect()
}

/// The share of the relevant items found in the first `k` of `ranked`.
pub fn recall_at<T: Eq>(k: usize, ranked: &[T], relevant: &[T]) -> f64 {
    if relevant.is_empty() {
        return 1.0;
    }
    let found = relevant.iter().filter(|r| ranked.iter().take(k).any(|x| x == *r)).count();
    found as f64 / relevant.len() as f64
}

/// Normalised discounted cumulative gain of the first `k` of `ranked`, binary relevance.
pub fn ndcg_at<T: Eq>(k: usize, ranked: &[T], relevant: &[T]) -> f64 {
    let gain = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked.iter().take(k).enumerate().filter(|(_, x)| relevant.contains(x)).map(|(i, _)| gain(i)).sum();
    let ideal: f64 = (0..relevant.len().min(k)).map(gain).sum();
    if ideal > 0.0 { dcg / ideal } else { 1.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevance_is_a_weighted_mean_of_the_parts_judged() {
        let w = Weights::default();
        let all = Parts { text: Some(1.0), tags: Some(1.0), recency: 1.0, outcome: 1.0 };
        assert!((all.relevance(&w) - 1.0).abs() < 1e-12);
        let none = Parts { text: Some(0.0), tags: Some(0.0), recency: 0.0, outcome: 0.0 };
        assert_eq!(none.relevance(&w), 0.0);
        // No query tags: their weight drops out instead of counting as a miss.
        let untagged = Parts { text: Some(1.0), tags: None, recency: 1.0, outcome: 1.0 };
        assert!((untagged.relevance(&w) - 1.0).abs() < 1e-12);
        let half = Parts { text: Some(0.5), tags: Some(0.5), recency: 0.5, outcome: 0.5 };
        assert!((half.relevance(&w) - 0.5).abs() < 1e-12);
        let odd = Parts { text: Some(f64::NAN), tags: Some(2.0), recency: -1.0, outcome: 1.0 };
        assert!((0.0..=1.0).contains(&odd.relevance(&w)), "out-of-range parts are clamped");
        // More text match wins over more recency at the default weights.
        let text_heavy = Parts { text: Some(1.0), tags: None, recency: 0.2, outcome: 0.5 };
        let recent = Parts { text: Some(0.4), tags: None, recency: 1.0, outcome: 0.5 };
        assert!(text_heavy.relevance(&w) > recent.relevance(&w));
    }

    #[test]
    fn the_parts() {
        assert_eq!(dedup_key("  Flaky  TEST in ci.  "), "flaky test in ci");
        assert_eq!(dedup_key("Flaky test in CI!"), dedup_key("flaky test   in ci"));
        assert_ne!(dedup_key("flaky test"), dedup_key("flaky tests"));
        assert_eq!(text_score(3.0, 6.0), 0.5);
        assert_eq!(text_score(3.0, 0.0), 0.0);
        let tags = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(tag_overlap(&tags(&["rust", "ci"]), &tags(&["CI", "docker"])), Some(0.5));
        assert_eq!(tag_overlap(&[], &tags(&["ci"])), None);
        assert_eq!(recency(0.0, 100.0), 1.0);
        assert!((recency(100.0, 100.0) - 0.5).abs() < 1e-12);
        assert!((recency(200.0, 100.0) - 0.25).abs() < 1e-12);
        assert_eq!(recency(-5.0, 100.0), 1.0, "a future timestamp is new");
        assert!(outcome_weight(Some("failure")) > outcome_weight(Some("success")));
        assert_eq!(outcome_weight(None), 0.5);
    }

    #[test]
    fn ranking_orders_by_relevance_then_id() {
        let tags = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (ci, none) = (tags(&["ci"]), tags(&[]));
        let c = |id, matched, tags, age_secs, outcome| Candidate { id, matched, tags, age_secs, outcome };
        let cands = [
            c("b", Some(2.0), &none, 0.0, None),
            c("a", Some(2.0), &none, 0.0, None),
            c("c", Some(4.0), &ci, 0.0, Some("failure")),
            c("d", Some(4.0), &ci, 3600.0 * 24.0 * 70.0, Some("failure")),
        ];
        let ranked = rank(&cands, &tags(&["ci"]), 3600.0 * 24.0 * 7.0, None, &Weights::default());
        let order: Vec<&str> = ranked.iter().map(|s| cands[s.index].id).collect();
        assert_eq!(order, ["c", "d", "a", "b"], "best text and tag first, the old one after, ties by id");
        assert_eq!(ranked[0].parts.text, Some(1.0));
        assert_eq!(ranked[2].parts.text, Some(0.5));
        assert!(ranked[1].parts.recency < 0.001, "ten half-lives old");
        // Without words, the text part is not judged.
        let plain = [c("x", None, &none, 0.0, None)];
        assert_eq!(rank(&plain, &[], 1.0, None, &Weights::default())[0].parts.text, None);
        // Against a ceiling instead of the best: a half match stays a half.
        let half = [c("h", Some(1.0), &none, 0.0, None)];
        assert_eq!(rank(&half, &[], 1.0, Some(2.0), &Weights::default())[0].parts.text, Some(0.5));
    }

    #[test]
    fn words_tags_and_vectors() {
        assert_eq!(query_words("Why did the CI's flaky-test fail? flaky!"), ["ci", "flaky", "test", "fail"]);
        assert!(query_words("the and of").is_empty());
        assert!(query_words(r#"" OR NEAR( * ^"#).iter().all(|w| w.chars().all(char::is_alphanumeric)));
        assert_eq!(normalize_tag(" Flaky-Test ").unwrap(), "flaky-test");
        assert!(normalize_tag("a,b").is_err() && normalize_tag("").is_err() && normalize_tag("50%").is_err());
        let v = [0.5f32, -1.25, 3.0];
        assert_eq!(decode_vector(&encode_vector(&v)).unwrap(), v);
        assert!(decode_vector("not base64!").is_none());
        assert!((cosine(&v, &v) - 1.0).abs() < 1e-9);
        assert_eq!(cosine(&v, &[1.0]), 0.0);
        assert!((cosine(&[1.0, 0.0], &[0.0, 1.0])).abs() < 1e-12);
    }

    #[test]
    fn fusion_and_measures() {
        let text = ["a", "b", "c"];
        let vector = ["c", "a", "d"];
        let fused = reciprocal_rank_fusion(&[&text[..], &vector[..]], 60.0);
        let order: Vec<&str> = fused.iter().map(|(t, _)| *t).collect();
        assert_eq!(order, ["a", "c", "b", "d"], "in both rankings beats one; ties by first appearance");
        assert!((fused[0].1 - (1.0 / 61.0 + 1.0 / 62.0)).abs() < 1e-12);
        let again = reciprocal_rank_fusion(&[&text[..], &vector[..]], 60.0);
        assert_eq!(fused, again, "deterministic");

        assert_eq!(recall_at(2, &["a", "b", "c"], &["c", "a"]), 0.5);
        assert_eq!(recall_at(5, &["a", "b", "c"], &["c", "a"]), 1.0);
        assert_eq!(ndcg_at(10, &["a", "b"], &["a", "b"]), 1.0);
        let late = ndcg_at(10, &["x", "a"], &["a"]);
        assert!((late - 1.0 / 3f64.log2()).abs() < 1e-12, "{late}");
        assert_eq!(ndcg_at(10, &["x", "y"], &["a"]), 0.0);
    }
}
