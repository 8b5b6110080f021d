//! `bosun budget` (list, set, remove, usage, reserve, verify).

use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{Value, json};

use crate::client::{Client, ClientArgs};

const COLUMNS: [&str; 8] = ["id", "scope", "target", "metric", "period", "hard_limit", "soft_limit", "currency"];
const USAGE_COLUMNS: [&str; 7] = ["id", "metric", "spent", "reserved", "remaining", "hard_limit", "period_start"];

#[derive(Subcommand)]
pub enum BudgetCmd {
    /// List the tenant's budgets
    #[command(after_help = "Example:\n  bosun budget list --json")]
    List {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Add or replace one budget (by id; tenant admins)
    #[command(
        after_help = "Examples:\n  bosun budget set web-daily --scope project --target web --metric cost --currency USD --period day --hard-limit 50.00 --soft-limit 40.00 --time-zone Europe/Berlin\n  bosun budget set hourly-tokens --metric tokens --period rolling --window-seconds 3600 --hard-limit 2000000"
    )]
    Set {
        id: String,
        /// tenant, project, agent or kind
        #[arg(long, default_value = "tenant")]
        scope: String,
        /// The project, agent id or agent kind
        #[arg(long)]
        target: Option<String>,
        /// tokens or cost
        #[arg(long)]
        metric: String,
        #[arg(long)]
        currency: Option<String>,
        /// day, week, month or rolling
        #[arg(long)]
        period: String,
        #[arg(long)]
        window_seconds: Option<u32>,
        /// IANA time zone where days, weeks and months begin (default UTC)
        #[arg(long)]
        time_zone: Option<String>,
        /// Tokens, or a decimal of the currency
        #[arg(long)]
        hard_limit: String,
        #[arg(long)]
        soft_limit: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Remove one budget (tenant admins)
    #[command(after_help = "Example:\n  bosun budget remove web-daily")]
    Remove {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Each budget as it stands: spent this period, reserved, remaining
    #[command(after_help = "Example:\n  bosun budget usage")]
    Usage {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Verify a preflight token offline with the tenant's gate public key (GET /api/v1/gate/keys)
    #[command(after_help = "Example:\n  bosun budget verify bsp1.7b22… --public-key 3f1c…")]
    Verify {
        token: String,
        #[arg(long)]
        public_key: String,
    },
}

fn budgets_of(list: &Value) -> Vec<Value> {
    list["budgets"].as_array().cloned().unwrap_or_default()
}

/// A budget as `PUT /api/v1/budgets` takes it back (nulls dropped).
fn body_of(b: &Value) -> Value {
    let mut b = b.clone();
    if let Some(o) = b.as_object_mut() {
        o.retain(|_, v| !v.is_null());
        if o.get("time_zone").and_then(Value::as_str) == Some("UTC") {
            o.remove("time_zone");
        }
    }
    b
}

async fn replace(c: &Client, budgets: Vec<Value>) -> anyhow::Result<Value> {
    c.put("/api/v1/budgets", &json!({ "budgets": budgets.iter().map(body_of).collect::<Vec<_>>() })).await
}

pub async fn budget(cmd: BudgetCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        BudgetCmd::List { client } => {
            let c = Client::new(&client);
            let list = c.get("/api/v1/budgets").await?;
            c.show(&list, &budgets_of(&list), &COLUMNS);
        }
        BudgetCmd::Set {
            id,
            scope,
            target,
            metric,
            currency,
            period,
            window_seconds,
            time_zone,
            hard_limit,
            soft_limit,
            client,
        } => {
            let c = Client::new(&client);
            let mut budgets = budgets_of(&c.get("/api/v1/budgets").await?);
            budgets.retain(|b| b["id"] != id.as_str());
            budgets.push(json!({"id": id, "scope": scope, "target": target, "metric": metric, "currency": currency,
                "period": period, "window_seconds": window_seconds, "time_zone": time_zone, "hard_limit": hard_limit,
                "soft_limit": soft_limit}));
            let list = replace(&c, budgets).await?;
            c.show(&list, &budgets_of(&list), &COLUMNS);
        }
        BudgetCmd::Remove { id, client } => {
            let c = Client::new(&client);
            let mut budgets = budgets_of(&c.get("/api/v1/budgets").await?);
            let before = budgets.len();
            budgets.retain(|b| b["id"] != id.as_str());
            anyhow::ensure!(budgets.len() < before, "no budget `{id}`");
            let list = replace(&c, budgets).await?;
            c.show(&list, &budgets_of(&list), &COLUMNS);
        }
        BudgetCmd::Usage { client } => {
            let c = Client::new(&client);
            let usage = c.get("/api/v1/budgets/usage").await?;
            let rows: Vec<Value> = usage["budgets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| {
                    json!({"id": s["budget"]["id"], "metric": s["budget"]["metric"], "spent": s["spent"],
                        "reserved": s["reserved"], "remaining": s["remaining"], "hard_limit": s["budget"]["hard_limit"],
                        "period_start": s["period_start"]})
                })
                .collect();
            c.show(&usage, &rows, &USAGE_COLUMNS);
        }
        BudgetCmd::Verify { token, public_key } => {
            return crate::approvals::verify_offline(&public_key, |key| {
                bosun_server::kernel::gate::verify_preflight_with(key, &token)
                    .map(|c| serde_json::to_value(c).unwrap_or_default())
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}
