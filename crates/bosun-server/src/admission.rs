//! Admission at the edge: how many requests are being handled at once, per lane.
//!
//! The writer's queue refuses writes it cannot take (bosun-store `queue`), but when the server is
//! past saturation the CPU runs out before the writer does: every request waits for a core, and
//! without a bound the wait grows to seconds for everyone. So every request takes a place in its
//! lane before any work (authentication included) and gives it back when its answer is ready; a
//! request that finds its lane full is answered 503 `overloaded` at once. Lanes keep one kind of
//! load from starving another: liveness (heartbeats), reads, and other writes each have their own
//! places. A long poll gives its place back while it waits (it costs nothing then), so agents
//! waiting for work never crowd out agents doing it. Health probes and metrics take no place.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Requests each lane handles at once by default.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeLane {
    Liveness,
    Read,
    Work,
}

impl EdgeLane {
    fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            EdgeLane::Liveness => "liveness",
            EdgeLane::Read => "read",
            EdgeLane::Work => "work",
        }
    }

    /// The lane of a request, from its method and route template.
    pub fn of(method: &axum::http::Method, route: &str) -> EdgeLane {
        if route.ends_with("/heartbeat") {
            EdgeLane::Liveness
        } else if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
            EdgeLane::Read
        } else {
            EdgeLane::Work
        }
    }
}

pub struct InFlight {
    lanes: [AtomicUsize; 3],
    limit: usize,
}

impl InFlight {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self { lanes: Default::default(), limit: limit.max(1) })
    }

    /// A place in `lane`, or `None` when the lane is full.
    pub fn enter(self: &Arc<Self>, lane: EdgeLane) -> Option<Place> {
        let count = &self.lanes[lane.index()];
        let mut now = count.load(Ordering::Relaxed);
        loop {
            if now >= self.limit {
                metrics::counter!("bosun_http_shed_total", "lane" => lane.name()).increment(1);
                return None;
            }
            match count.compare_exchange_weak(now, now + 1, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return Some(Place(Mutex::new(Some(Held { owner: self.clone(), lane })))),
                Err(seen) => now = seen,
            }
        }
    }

    /// Requests being handled in `lane`.
    pub fn len(&self, lane: EdgeLane) -> usize {
        self.lanes[lane.index()].load(Ordering::Relaxed)
    }
}

struct Held {
    owner: Arc<InFlight>,
    lane: EdgeLane,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.owner.lanes[self.lane.index()].fetch_sub(1, Ordering::AcqRel);
    }
}

/// A request's place; given back when dropped, or earlier by [`Place::leave`].
pub struct Place(Mutex<Option<Held>>);

impl Place {
    /// Give the place back now (a long poll about to wait).
    pub fn leave(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_lane_refuses_and_a_place_left_is_free_again() {
        let in_flight = InFlight::new(2);
        let a = in_flight.enter(EdgeLane::Work).unwrap();
        let _b = in_flight.enter(EdgeLane::Work).unwrap();
        assert!(in_flight.enter(EdgeLane::Work).is_none());
        assert!(in_flight.enter(EdgeLane::Liveness).is_some(), "another lane has its own places");
        a.leave();
        assert_eq!(in_flight.len(EdgeLane::Work), 1);
        let _c = in_flight.enter(EdgeLane::Work).unwrap();
        drop(a); // already left: not given back twice
        assert_eq!(in_flight.len(EdgeLane::Work), 2);
    }

    #[test]
    fn lanes_come_from_method_and_route() {
        use axum::http::Method;
        assert_eq!(EdgeLane::of(&Method::POST, "/api/v1/agents/{id}/heartbeat"), EdgeLane::Liveness);
        assert_eq!(EdgeLane::of(&Method::POST, "/api/v1/tasks/{id}/heartbeat"), EdgeLane::Liveness);
        assert_eq!(EdgeLane::of(&Method::GET, "/api/v1/tasks"), EdgeLane::Read);
        assert_eq!(EdgeLane::of(&Method::POST, "/api/v1/tasks"), EdgeLane::Work);
    }
}
