//! Budgets (SPEC §5.6): limits on tokens or on cost per tenant, project, agent or agent kind, per
//! period. Pure rules: which budgets apply to a spender, where a period starts, and exact decimal
//! money. The store keeps the ledger; the kernel reserves and settles in one transaction.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

/// Cost is kept in millionths of the currency unit: exact, and enough for per-token prices.
pub const MICROS: i64 = 1_000_000;

/// What a budget counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Tokens,
    Cost,
}

/// Whose spending a budget counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Tenant,
    Project,
    Agent,
    /// Every agent of one kind (`claude-code`, `codex`, …).
    Kind,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Tenant => "tenant",
            ScopeKind::Project => "project",
            ScopeKind::Agent => "agent",
            ScopeKind::Kind => "kind",
        }
    }
}

/// The period a budget's spending is counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    /// From Monday 00:00.
    Week,
    Month,
    /// The last `window_seconds`.
    Rolling,
}

/// One budget as configured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    /// Unique in the tenant: `[a-z0-9_-]`, 1–64.
    pub id: String,
    pub scope: ScopeKind,
    /// The project, agent id or agent kind (absent for the tenant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub metric: Metric,
    /// For cost: an ISO 4217-style code (`USD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    pub period: Period,
    /// For `rolling`: the window (60 s to 90 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<u32>,
    /// Where days, weeks and months begin (IANA name, default `UTC`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Tokens, or cost in micros.
    pub hard_limit: i64,
    /// Crossing it warns (audited, alerted) but does not refuse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_limit: Option<i64>,
}

/// The most budgets one tenant has.
pub const MAX_BUDGETS: usize = 200;

impl BudgetSpec {
    pub fn validate(&self) -> Result<(), String> {
        let id = &self.id;
        crate::validate::slug("budget id", id)?;
        match (self.scope, &self.target) {
            (ScopeKind::Tenant, Some(_)) => return Err(format!("budget `{id}`: a tenant budget names no target")),
            (ScopeKind::Tenant, None) => {}
            (_, None) => return Err(format!("budget `{id}`: a {} budget names its target", self.scope.as_str())),
            (_, Some(t)) if t.is_empty() || t.len() > 128 || t.chars().any(char::is_control) => {
                return Err(format!("budget `{id}`: `target` must be 1 to 128 characters"));
            }
            _ => {}
        }
        match (self.metric, &self.currency) {
            (Metric::Cost, Some(c)) => currency(c).map_err(|e| format!("budget `{id}`: {e}"))?,
            (Metric::Cost, None) => return Err(format!("budget `{id}`: a cost budget names its currency")),
            (Metric::Tokens, Some(_)) => return Err(format!("budget `{id}`: a token budget has no currency")),
            (Metric::Tokens, None) => {}
        }
        match (self.period, self.window_seconds) {
            (Period::Rolling, Some(w)) if (60..=90 * 86_400).contains(&w) => {}
            (Period::Rolling, _) => {
                return Err(format!("budget `{id}`: a rolling budget has window_seconds from 60 to 7776000"));
            }
            (_, Some(_)) => return Err(format!("budget `{id}`: only a rolling budget has window_seconds")),
            _ => {}
        }
        self.zone()?;
        if self.hard_limit < 0 {
            return Err(format!("budget `{id}`: `hard_limit` must not be negative"));
        }
        if let Some(soft) = self.soft_limit
            && !(0..=self.hard_limit).contains(&soft)
        {
            return Err(format!("budget `{id}`: `soft_limit` must be between 0 and the hard limit"));
        }
        Ok(())
    }

    pub fn zone(&self) -> Result<TimeZone, String> {
        match &self.time_zone {
            None => Ok(TimeZone::UTC),
            Some(name) => TimeZone::get(name).map_err(|_| format!("budget `{}`: unknown time zone `{name}`", self.id)),
        }
    }

    /// When the current period began, at `now`.
    pub fn period_start(&self, now: Timestamp) -> Timestamp {
        let zone = self.zone().unwrap_or(TimeZone::UTC);
        let local = now.to_zoned(zone);
        let start = match self.period {
            Period::Rolling => {
                let window = SignedDuration::from_secs(i64::from(self.window_seconds.unwrap_or(86_400)));
                return now.checked_sub(window).unwrap_or(now);
            }
            Period::Day => local.start_of_day(),
            Period::Week => {
                let back = i64::from(local.weekday().to_monday_zero_offset());
                local.checked_sub(back.days()).and_then(|d| d.start_of_day())
            }
            Period::Month => local.first_of_month().and_then(|d| d.start_of_day()),
        };
        start.map(|z| z.timestamp()).unwrap_or(now)
    }

    /// A rolling window is counted in 60 slices (at least a second each).
    fn slice(&self) -> i64 {
        (i64::from(self.window_seconds.unwrap_or(86_400)) / 60).max(1)
    }

    /// The counter bucket spending at `now` is added to: the period's start, or for a rolling
    /// window the start of the current slice.
    pub fn bucket(&self, now: Timestamp) -> Timestamp {
        match self.period {
            Period::Rolling => {
                let slice = self.slice();
                Timestamp::from_second(now.as_second().div_euclid(slice) * slice).unwrap_or(now)
            }
            _ => self.period_start(now),
        }
    }

    /// The first bucket that counts at `now`. For a rolling window this is the slice the window
    /// begins in, counted whole: at most one slice (1/60 of the window) too much, never too little.
    pub fn count_since(&self, now: Timestamp) -> Timestamp {
        match self.period {
            Period::Rolling => self.bucket(self.period_start(now)),
            _ => self.period_start(now),
        }
    }

    /// Does this budget count what `spender` spends?
    pub fn applies_to(&self, spender: &Spender<'_>) -> bool {
        let target = self.target.as_deref();
        match self.scope {
            ScopeKind::Tenant => true,
            ScopeKind::Project => target == Some(spender.project),
            ScopeKind::Agent => spender.agent.is_some_and(|a| target == Some(a)),
            ScopeKind::Kind => spender.kind.is_some_and(|k| target == Some(k)),
        }
    }

    /// What this budget counts of an amount.
    pub fn amount(&self, a: &Amount) -> i64 {
        match self.metric {
            Metric::Tokens => a.tokens,
            Metric::Cost if a.currency.as_deref() == self.currency.as_deref() => a.cost_micros,
            Metric::Cost => 0,
        }
    }
}

/// Who spends: the agent (its id and kind) or a user (neither), in a project.
#[derive(Clone, Copy, Debug)]
pub struct Spender<'a> {
    pub project: &'a str,
    pub agent: Option<&'a str>,
    pub kind: Option<&'a str>,
}

/// Tokens and cost, as estimated, reserved or spent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub tokens: i64,
    pub cost_micros: i64,
    pub currency: Option<String>,
}

/// A currency code: three upper-case letters.
pub fn currency(code: &str) -> Result<(), String> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(format!("currency `{code}` must be three upper-case letters, e.g. USD"))
    }
}

/// A decimal amount (`"12.50"`, up to 6 decimals, not negative) in micros, exactly.
pub fn parse_money(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not an amount: a decimal like \"12.50\" with at most 6 decimals");
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || whole.len() > 12 || frac.len() > 6 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (text.contains('.') && frac.is_empty()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac_micros: i64 = format!("{frac:0<6}").parse().map_err(|_| bad())?;
    whole.checked_mul(MICROS).and_then(|w| w.checked_add(frac_micros)).ok_or_else(bad)
}

/// Micros as a decimal, with the fewest decimals (at least 2): 12_500_000 → "12.50".
pub fn format_money(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    let (whole, frac) = (m / MICROS as u64, m % MICROS as u64);
    let mut frac = format!("{frac:06}");
    while frac.len() > 2 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{sign}{whole}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(period: Period) -> BudgetSpec {
        BudgetSpec {
            id: "b".into(),
            scope: ScopeKind::Tenant,
            target: None,
            metric: Metric::Tokens,
            currency: None,
            period,
            window_seconds: (period == Period::Rolling).then_some(3600),
            time_zone: Some("Europe/Berlin".into()),
            hard_limit: 10,
            soft_limit: None,
        }
    }

    #[test]
    fn money_is_exact_decimal() {
        assert_eq!(parse_money("12.5"), Ok(12_500_000));
        assert_eq!(parse_money("0.000001"), Ok(1));
        assert_eq!(parse_money("3"), Ok(3_000_000));
        for bad in ["", "-1", "1.", ".5", "1.0000001", "1e3", "1,5", "9999999999999"] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
        assert_eq!(format_money(12_500_000), "12.50");
        assert_eq!(format_money(1), "0.000001");
        assert_eq!(format_money(3_000_000), "3.00");
    }

    #[test]
    fn periods_begin_in_the_budgets_time_zone() {
        // 2026-11-30 (a Monday) 23:30 UTC is Tuesday 00:30 in Berlin (UTC+1).
        let now: Timestamp = "2026-11-30T23:30:00Z".parse().unwrap();
        assert_eq!(spec(Period::Day).period_start(now).to_string(), "2026-11-30T23:00:00Z");
        assert_eq!(spec(Period::Week).period_start(now).to_string(), "2026-11-29T23:00:00Z");
        let december: Timestamp = "2026-12-01T00:30:00Z".parse().unwrap();
        assert_eq!(spec(Period::Month).period_start(december).to_string(), "2026-11-30T23:00:00Z");
        assert_eq!(spec(Period::Rolling).period_start(now).to_string(), "2026-11-30T22:30:00Z");
        // A rolling hour is counted in one-minute slices: the slice its window begins in counts whole.
        let rolling = spec(Period::Rolling);
        assert_eq!(rolling.bucket(now).to_string(), "2026-11-30T23:30:00Z");
        let later: Timestamp = "2026-11-30T23:30:59Z".parse().unwrap();
        assert_eq!(rolling.bucket(later).to_string(), "2026-11-30T23:30:00Z");
        assert_eq!(rolling.count_since(later).to_string(), "2026-11-30T22:30:00Z");
        assert_eq!(spec(Period::Day).bucket(now), spec(Period::Day).period_start(now));
        let mut utc = spec(Period::Day);
        utc.time_zone = None;
        assert_eq!(utc.period_start(now).to_string(), "2026-11-30T00:00:00Z");
    }

    #[test]
    fn specs_are_validated_with_the_budget_named() {
        let mut b = spec(Period::Day);
        assert_eq!(b.validate(), Ok(()));
        b.time_zone = Some("Mars/Olympus".into());
        assert!(b.validate().unwrap_err().contains("time zone"));
        let mut b = spec(Period::Day);
        b.metric = Metric::Cost;
        assert!(b.validate().unwrap_err().contains("currency"));
        b.currency = Some("usd".into());
        assert!(b.validate().unwrap_err().contains("upper-case"));
        let mut b = spec(Period::Day);
        b.soft_limit = Some(11);
        assert!(b.validate().unwrap_err().contains("soft_limit"));
        let mut b = spec(Period::Day);
        b.scope = ScopeKind::Project;
        assert!(b.validate().unwrap_err().contains("names its target"));
    }
}
