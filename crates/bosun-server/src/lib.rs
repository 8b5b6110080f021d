//! The Bosun server: the [`kernel::Kernel`] every change goes through, and the HTTP edge that
//! turns requests into kernel commands.

pub mod admission;
pub mod auth;
pub mod http;
pub mod kernel;
pub mod limits;
pub mod mcp;
pub mod serve;
pub mod views;
pub mod web;

pub use kernel::{Answer, Caller, Command, Kernel, KernelError, Outcome, Principal, RequestCtx};
pub use serve::{ServeConfig, Server};
