//! The risk of a gated action (SPEC §5.5): clamp(0..100, Σ weightᵢ·factorᵢ), each factor in 0–1,
//! with fixed weights. Deterministic: the same factors give the same score, and the answer shows
//! each factor's contribution.

use serde::{Deserialize, Serialize};

/// The factors, each 0 (no concern) to 1 (the worst), and their weights.
pub const WEIGHTS: [(&str, f64); 8] = [
    ("privilege_impact", 20.0),
    ("supply_chain_trust", 15.0),
    ("exploitability", 10.0),
    ("data_access", 10.0),
    ("vulnerabilities", 15.0),
    ("blast_radius", 10.0),
    ("operational_complexity", 10.0),
    ("history", 10.0),
];

/// The factors as an agent gives them (absent: 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factors {
    #[serde(default)]
    pub privilege_impact: f64,
    #[serde(default)]
    pub supply_chain_trust: f64,
    #[serde(default)]
    pub exploitability: f64,
    #[serde(default)]
    pub data_access: f64,
    #[serde(default)]
    pub vulnerabilities: f64,
    #[serde(default)]
    pub blast_radius: f64,
    #[serde(default)]
    pub operational_complexity: f64,
    #[serde(default)]
    pub history: f64,
}

impl Factors {
    fn values(&self) -> [f64; 8] {
        [
            self.privilege_impact,
            self.supply_chain_trust,
            self.exploitability,
            self.data_access,
            self.vulnerabilities,
            self.blast_radius,
            self.operational_complexity,
            self.history,
        ]
    }

    /// Every factor is a number from 0 to 1.
    pub fn validate(&self) -> Result<(), String> {
        for ((name, _), v) in WEIGHTS.iter().zip(self.values()) {
            if !v.is_finite() || !(0.0..=1.0).contains(&v) {
                return Err(format!("factor `{name}` must be a number from 0 to 1"));
            }
        }
        Ok(())
    }
}

/// A score with each factor's share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    /// 0–100, two decimals.
    pub risk: f64,
    /// (factor, weight, value, weight × value), in the order of [`WEIGHTS`].
    pub contributions: Vec<(&'static str, f64, f64, f64)>,
}

fn two_decimals(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Score the factors (validate them first).
pub fn score(f: &Factors) -> Score {
    let contributions: Vec<(&'static str, f64, f64, f64)> =
        WEIGHTS.iter().zip(f.values()).map(|((name, w), v)| (*name, *w, v, two_decimals(w * v))).collect();
    let sum: f64 = WEIGHTS.iter().zip(f.values()).map(|((_, w), v)| w * v).sum();
    Score { risk: two_decimals(sum.clamp(0.0, 100.0)), contributions }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn weights_sum_to_one_hundred_and_examples_hold() {
        assert_eq!(WEIGHTS.iter().map(|w| w.1).sum::<f64>(), 100.0);
        assert_eq!(score(&Factors::default()).risk, 0.0);
        let all = Factors {
            privilege_impact: 1.0,
            supply_chain_trust: 1.0,
            exploitability: 1.0,
            data_access: 1.0,
            vulnerabilities: 1.0,
            blast_radius: 1.0,
            operational_complexity: 1.0,
            history: 1.0,
        };
        assert_eq!(score(&all).risk, 100.0);
        let some = Factors { privilege_impact: 0.5, blast_radius: 0.3, ..Factors::default() };
        let s = score(&some);
        assert_eq!(s.risk, 13.0);
        assert_eq!(s.contributions[0], ("privilege_impact", 20.0, 0.5, 10.0));
        assert!(Factors { history: 1.5, ..Factors::default() }.validate().is_err());
        assert!(Factors { history: f64::NAN, ..Factors::default() }.validate().is_err());
    }

    proptest! {
        /// The score is the formula, is in 0–100, and is the same for the same factors.
        #[test]
        fn the_score_is_the_formula(v in prop::array::uniform8(0.0f64..=1.0)) {
            let f = Factors {
                privilege_impact: v[0], supply_chain_trust: v[1], exploitability: v[2], data_access: v[3],
                vulnerabilities: v[4], blast_radius: v[5], operational_complexity: v[6], history: v[7],
            };
            prop_assert!(f.validate().is_ok());
            let (a, b) = (score(&f), score(&f));
            prop_assert_eq!(&a, &b);
            let formula = 20.0 * v[0] + 15.0 * v[1] + 10.0 * v[2] + 10.0 * v[3] + 15.0 * v[4] + 10.0 * v[5]
                + 10.0 * v[6] + 10.0 * v[7];
            prop_assert!((a.risk - formula.clamp(0.0, 100.0)).abs() <= 0.005 + 1e-9, "{} vs {}", a.risk, formula);
            prop_assert!((0.0..=100.0).contains(&a.risk));
        }
    }
}
