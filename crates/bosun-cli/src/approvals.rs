//! `bosun approvals` (list, show, approve, deny, threshold) and `bosun gate` (keys, rotate,
//! verify offline).

use std::process::ExitCode;

use bosun_core::uri::encode_component;
use clap::Subcommand;
use serde_json::{Value, json};

use crate::client::{Client, ClientArgs, say};

const COLUMNS: [&str; 7] = ["id", "status", "risk", "action", "resource", "requester", "expires_at"];

#[derive(Subcommand)]
pub enum ApprovalsCmd {
    /// List approvals, newest first
    #[command(after_help = "Example:\n  bosun approvals list --status pending")]
    List {
        /// pending, approved, auto_approved, denied or expired
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show one approval with its risk factors
    #[command(after_help = "Example:\n  bosun approvals show 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Show {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Approve (approvers; never your own request)
    #[command(after_help = "Example:\n  bosun approvals approve 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --reason 'plan reviewed'")]
    Approve {
        id: String,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Deny (approvers)
    #[command(
        after_help = "Example:\n  bosun approvals deny 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --reason 'not in the change window'"
    )]
    Deny {
        id: String,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show or set the risk above which approvals wait for a person (set: tenant admins)
    #[command(after_help = "Examples:
  bosun approvals threshold
  bosun approvals threshold 40")]
    Threshold {
        /// The new threshold, 0–100 (absent: show the current one)
        value: Option<f64>,
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
pub enum GateCmd {
    /// Verify a gate token offline with the tenant's public key (GET /api/v1/gate/keys)
    #[command(after_help = "Example:\n  bosun gate verify bsg1.7b22… --public-key 3f1c…")]
    Verify {
        token: String,
        /// The tenant's Ed25519 public key, hex (of the generation the token's `key` names)
        #[arg(long)]
        public_key: String,
    },
    /// List the tenant's gate public keys (current first)
    #[command(after_help = "Example:
  bosun gate keys --json")]
    Keys {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Rotate the tenant's gate key: tokens signed before open nothing (tenant admins)
    #[command(after_help = "Example:
  bosun gate rotate")]
    Rotate {
        #[command(flatten)]
        client: ClientArgs,
    },
}

fn row(a: &Value) -> Value {
    json!({"id": a["id"], "status": a["status"], "risk": a["risk"], "action": a["action"], "resource": a["resource"],
        "requester": a["requester"], "expires_at": a["expires_at"]})
}

pub async fn approvals(cmd: ApprovalsCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ApprovalsCmd::List { status, client } => {
            let c = Client::new(&client);
            let path = match status {
                Some(s) => format!("/api/v1/approvals?limit=200&status={}", encode_component(&s)),
                None => "/api/v1/approvals?limit=200".into(),
            };
            let list = c.get(&path).await?;
            let rows: Vec<Value> = list["approvals"].as_array().into_iter().flatten().map(row).collect();
            c.show(&list, &rows, &COLUMNS);
        }
        ApprovalsCmd::Show { id, client } => {
            let c = Client::new(&client);
            let a = c.get(&format!("/api/v1/approvals/{}", encode_component(&id))).await?;
            c.show(&a, &[row(&a)], &COLUMNS);
            if !c.json {
                for f in a["contributions"].as_array().into_iter().flatten() {
                    say!("  {:<24} {} × {} = {}", cell(&f["factor"]), f["weight"], f["value"], f["points"]);
                }
            }
        }
        ApprovalsCmd::Approve { id, reason, client } => decide(&id, "approve", reason, &client).await?,
        ApprovalsCmd::Deny { id, reason, client } => decide(&id, "deny", reason, &client).await?,
        ApprovalsCmd::Threshold { value, client } => {
            let c = Client::new(&client);
            let s = match value {
                Some(v) => c.put("/api/v1/governance/settings", &json!({"approval_threshold": v})).await?,
                None => c.get("/api/v1/governance/settings").await?,
            };
            c.show(&s, std::slice::from_ref(&s), &["approval_threshold", "gate_key", "gate_key_rotated_at"]);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn decide(id: &str, verdict: &str, reason: Option<String>, client: &ClientArgs) -> anyhow::Result<()> {
    let c = Client::new(client);
    let path = format!("/api/v1/approvals/{}/{verdict}", encode_component(id));
    let a = c.post(&path, &json!({"reason": reason})).await?;
    c.show(&a, &[row(&a)], &COLUMNS);
    Ok(())
}

fn cell(v: &Value) -> String {
    crate::client::cell(v)
}

pub async fn gate(cmd: GateCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        GateCmd::Keys { client } => {
            let c = Client::new(&client);
            let keys = c.get("/api/v1/gate/keys").await?;
            let rows: Vec<Value> = keys["keys"].as_array().cloned().unwrap_or_default();
            c.show(&keys, &rows, &["key", "current", "public_key"]);
            Ok(ExitCode::SUCCESS)
        }
        GateCmd::Rotate { client } => {
            let c = Client::new(&client);
            let s = c.post("/api/v1/gate/keys/rotate", &json!({})).await?;
            c.show(&s, std::slice::from_ref(&s), &["gate_key", "gate_key_rotated_at"]);
            Ok(ExitCode::SUCCESS)
        }
        GateCmd::Verify { token, public_key } => verify_offline(&public_key, |key| {
            bosun_server::kernel::gate::verify_with(key, &token).map(|c| serde_json::to_value(c).unwrap_or_default())
        }),
    }
}

/// Verify a signed token offline with a tenant's public key (hex): its claims, or why not.
pub fn verify_offline(
    public_key: &str,
    verify: impl FnOnce(&bosun_server::kernel::gate::VerifyingKey) -> Result<Value, &'static str>,
) -> anyhow::Result<ExitCode> {
    let Some(key) = bosun_server::kernel::gate::public_key_from_hex(public_key) else {
        anyhow::bail!("--public-key must be 64 hex digits (an Ed25519 public key)");
    };
    match verify(&key) {
        Ok(claims) => {
            say!("{}", serde_json::to_string_pretty(&claims)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            say!("invalid: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}
