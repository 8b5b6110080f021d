//! Memory's pure rules (SPEC §3.6, issue 15), ahead of its store and edges: the key that
//! deduplicates a memory, how recall scores one (its parts and how they combine), how text and
//! vector rankings fuse, and the retrieval-quality measures the labelled set is scored with.
//!
//! Relevance, in 0–1, is a weighted mean of the parts a recall can judge:
//! - `text`: the memory's full-text score (BM25 from the store) divided by the best score among
//!   the candidates, so the best text match has 1;
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

/// The parts of one memory's relevance, each in 0–1; `tags` is `None` when the query has none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parts {
    pub text: f64,
    pub tags: Option<f64>,
    pub recency: f64,
    pub outcome: f64,
}

impl Parts {
    /// The weighted mean of the parts judged, in 0–1.
    pub fn relevance(&self, w: &Weights) -> f64 {
        let clamp = |v: f64| if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
        let mut sum = w.text * clamp(self.text) + w.recency * clamp(self.recency) + w.outcome * clamp(self.outcome);
        let mut weight = w.text + w.recency + w.outcome;
        if let Some(tags) = self.tags {
            sum += w.tags * clamp(tags);
            weight += w.tags;
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
        let all = Parts { text: 1.0, tags: Some(1.0), recency: 1.0, outcome: 1.0 };
        assert!((all.relevance(&w) - 1.0).abs() < 1e-12);
        let none = Parts { text: 0.0, tags: Some(0.0), recency: 0.0, outcome: 0.0 };
        assert_eq!(none.relevance(&w), 0.0);
        // No query tags: their weight drops out instead of counting as a miss.
        let untagged = Parts { text: 1.0, tags: None, recency: 1.0, outcome: 1.0 };
        assert!((untagged.relevance(&w) - 1.0).abs() < 1e-12);
        let half = Parts { text: 0.5, tags: Some(0.5), recency: 0.5, outcome: 0.5 };
        assert!((half.relevance(&w) - 0.5).abs() < 1e-12);
        let odd = Parts { text: f64::NAN, tags: Some(2.0), recency: -1.0, outcome: 1.0 };
        assert!((0.0..=1.0).contains(&odd.relevance(&w)), "out-of-range parts are clamped");
        // More text match wins over more recency at the default weights.
        let text_heavy = Parts { text: 1.0, tags: None, recency: 0.2, outcome: 0.5 };
        let recent = Parts { text: 0.4, tags: None, recency: 1.0, outcome: 0.5 };
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
