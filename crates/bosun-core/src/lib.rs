//! Bosun's domain: identifiers, roles and the actions they allow, the injected clock, canonical
//! JSON, redaction of secrets and the audit chain (hashing and verification).
//!
//! Architecture invariant: this crate does no I/O. Everything here is a function of its inputs,
//! so its rules are tested with plain values and shared by every store backend and edge.

pub mod agent;
pub mod alert;
pub mod apikey;
pub mod audit;
pub mod budget;
pub mod clock;
pub mod egress;
pub mod ids;
pub mod jcs;
pub mod lockkey;
pub mod memory;
pub mod message;
pub mod model;
pub mod profile;
pub mod redact;
pub mod risk;
pub mod role;
pub mod task;
pub mod uri;
pub mod validate;
pub mod workflow;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use ids::{AgentId, ApprovalId, HandoffId, KeyId, LockId, MessageId, TaskId, TenantId, UserId};
pub use role::{Action, Role};
