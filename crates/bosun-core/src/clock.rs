//! Time, injected. Leases, TTLs, caches and timestamps take "now" from a [`Clock`], so tests
//! move time forward instead of sleeping.

use std::sync::Mutex;

pub use jiff::Timestamp;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self(Mutex::new(start))
    }
    pub fn advance(&self, by: jiff::SignedDuration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now = now.checked_add(by).expect("manual clock overflow");
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// RFC 3339 in UTC with exactly six fractional digits, the audit log's `at` format.
pub fn format_micros(ts: Timestamp) -> String {
    let micros = ts.as_microsecond();
    let whole = Timestamp::from_second(micros.div_euclid(1_000_000)).expect("in range");
    let frac = micros.rem_euclid(1_000_000);
    format!("{}.{frac:06}Z", whole.strftime("%Y-%m-%dT%H:%M:%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_fraction_digits() {
        let ts: Timestamp = "2026-11-21T10:00:00.5Z".parse().unwrap();
        assert_eq!(format_micros(ts), "2026-11-21T10:00:00.500000Z");
        let ts: Timestamp = "2026-11-21T10:00:00Z".parse().unwrap();
        assert_eq!(format_micros(ts), "2026-11-21T10:00:00.000000Z");
        let ts: Timestamp = "1969-12-31T23:59:59.25Z".parse().unwrap();
        assert_eq!(format_micros(ts), "1969-12-31T23:59:59.250000Z");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(jiff::SignedDuration::from_secs(90));
        assert_eq!(format_micros(clock.now()), "2026-01-01T00:01:30.000000Z");
    }
}
