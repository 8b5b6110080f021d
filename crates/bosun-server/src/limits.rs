//! Rate limits (SPEC §5.7): token buckets per client IP (before authentication) and per API
//! key (after it), and a separate, much smaller budget of *failed* authentications per IP and
//! per key prefix, so that a flood of bad keys costs neither CPU nor database writes. Buckets are
//! GCRA cells from `governor`, keyed and held in memory per node.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use serde::Deserialize;

/// Limits from the `[rate_limits]` table of the config file. A rate of 0 turns that limit off.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimits {
    /// Requests per second per API key, sustained.
    pub per_key: u32,
    /// Requests one key may make at once above the sustained rate.
    pub per_key_burst: u32,
    /// Requests per second per client IP (every request, authenticated or not).
    pub per_ip: u32,
    pub per_ip_burst: u32,
    /// Failed authentications per minute per client IP and per key prefix; past it a failure
    /// is answered 429 at once (counted, not audited one by one).
    pub auth_failures_per_minute: u32,
    pub auth_failure_burst: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_key: 1000,
            per_key_burst: 2000,
            per_ip: 10_000,
            per_ip_burst: 20_000,
            auth_failures_per_minute: 60,
            auth_failure_burst: 20,
        }
    }
}

/// A refusal: how long to wait, and the bucket's size for the `RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limited {
    pub retry_after: Duration,
    pub limit: u32,
    /// Which limit: "ip", "key" or "auth_failures".
    pub scope: &'static str,
}

type Keyed<K> = RateLimiter<K, DashMapStateStore<K>, DefaultClock>;

struct Bucket<K: std::hash::Hash + Eq + Clone> {
    limiter: Keyed<K>,
    limit: u32,
    scope: &'static str,
}

impl<K: std::hash::Hash + Eq + Clone> Bucket<K> {
    fn new(quota: Option<Quota>, limit: u32, scope: &'static str) -> Option<Self> {
        quota.map(|q| Bucket { limiter: RateLimiter::dashmap(q), limit, scope })
    }

    fn check(&self, key: &K) -> Result<(), Limited> {
        self.limiter.check_key(key).map_err(|not_until| Limited {
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            limit: self.limit,
            scope: self.scope,
        })
    }
}

fn quota(per: Duration, rate: u32, burst: u32) -> Option<Quota> {
    let rate = NonZeroU32::new(rate)?;
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    let period = per / rate.get();
    Quota::with_period(period.max(Duration::from_nanos(1))).map(|q| q.allow_burst(burst))
}

/// The node's buckets. Memory: governor keeps one 8-byte cell per key seen; `shrink` drops the
/// idle ones (called by the scheduler every tick).
pub struct Limiter {
    per_ip: Option<Bucket<IpAddr>>,
    per_key: Option<Bucket<bosun_core::KeyId>>,
    failures_ip: Option<Bucket<IpAddr>>,
    failures_prefix: Option<Bucket<String>>,
    last_shrink: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Limiter {
    pub fn new(limits: &RateLimits) -> Self {
        let second = Duration::from_secs(1);
        let minute = Duration::from_secs(60);
        let failures = quota(minute, limits.auth_failures_per_minute, limits.auth_failure_burst);
        Self {
            per_ip: Bucket::new(quota(second, limits.per_ip, limits.per_ip_burst), limits.per_ip, "ip"),
            per_key: Bucket::new(quota(second, limits.per_key, limits.per_key_burst), limits.per_key, "key"),
            failures_ip: Bucket::new(failures, limits.auth_failures_per_minute, "auth_failures"),
            failures_prefix: Bucket::new(failures, limits.auth_failures_per_minute, "auth_failures"),
            last_shrink: std::sync::Mutex::new(None),
        }
    }

    /// Every request, before anything else.
    pub fn check_ip(&self, ip: Option<IpAddr>) -> Result<(), Limited> {
        match (&self.per_ip, ip) {
            (Some(b), Some(ip)) => b.check(&ip),
            _ => Ok(()),
        }
    }

    /// An authenticated request.
    pub fn check_key(&self, key: Option<bosun_core::KeyId>) -> Result<(), Limited> {
        match (&self.per_key, key) {
            (Some(b), Some(key)) => b.check(&key),
            _ => Ok(()),
        }
    }

    /// A failed authentication: spends from the IP's and the presented prefix's failure budget.
    pub fn failed_auth(&self, ip: Option<IpAddr>, prefix: Option<&str>) -> Result<(), Limited> {
        let by_ip = match (&self.failures_ip, ip) {
            (Some(b), Some(ip)) => b.check(&ip),
            _ => Ok(()),
        };
        let by_prefix = match (&self.failures_prefix, prefix) {
            (Some(b), Some(p)) => b.check(&p.to_owned()),
            _ => Ok(()),
        };
        by_ip.and(by_prefix)
    }

    /// Forget buckets that are full again (idle keys), so memory follows the active set. A sweep
    /// walks every key seen, so it runs at most once a minute however often it is called.
    pub fn shrink(&self) {
        {
            let mut last = self.last_shrink.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|t| t.elapsed() < Duration::from_secs(60)) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        fn sweep<K: std::hash::Hash + Eq + Clone>(bucket: &Option<Bucket<K>>) {
            if let Some(b) = bucket {
                b.limiter.retain_recent();
            }
        }
        sweep(&self.per_ip);
        sweep(&self.per_key);
        sweep(&self.failures_ip);
        sweep(&self.failures_prefix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_refuse_past_the_burst_and_zero_turns_a_limit_off() {
        let limits = RateLimits { per_key: 1, per_key_burst: 3, per_ip: 0, ..RateLimits::default() };
        let limiter = Limiter::new(&limits);
        let key = Some(bosun_core::KeyId::generate());
        for _ in 0..3 {
            limiter.check_key(key).unwrap();
        }
        let refused = limiter.check_key(key).unwrap_err();
        assert_eq!((refused.limit, refused.scope), (1, "key"));
        assert!(refused.retry_after > Duration::ZERO && refused.retry_after <= Duration::from_secs(1));
        // Another key has its own bucket; the IP limit is off.
        limiter.check_key(Some(bosun_core::KeyId::generate())).unwrap();
        for _ in 0..100 {
            limiter.check_ip(Some("127.0.0.1".parse().unwrap())).unwrap();
        }
    }
}
