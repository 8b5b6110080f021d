//! Client verbs for workflows: the templates, starting a run (and following it), its status,
//! cancelling it, and storing a tenant's own template.

use std::process::ExitCode;
use std::time::Duration;

use bosun_core::uri::encode_component;
use clap::Subcommand;
use serde_json::{Map, Value, json};

use crate::client::{Client, ClientArgs, cell, say};

#[derive(Subcommand)]
pub enum WorkflowCmd {
    /// The templates you can run: built-in and the tenant's own, with their parameters
    #[command(after_help = "Example:\n  bosun workflow list")]
    List {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Print a template's text (TOML)
    #[command(after_help = "Example:\n  bosun workflow show fix-until-green")]
    Show {
        name: String,
        /// A version of the tenant's own template (0: the built-in)
        #[arg(long)]
        version: Option<u64>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Store a new version of the tenant's template from a TOML file (a definition that does not compile is refused with its line)
    #[command(after_help = "Example:\n  bosun workflow put lint-each --file lint-each.toml")]
    Put {
        name: String,
        #[arg(long)]
        file: std::path::PathBuf,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Start a run of a template; with --wait, follow it to its end
    #[command(
        after_help = "Examples:\n  bosun workflow run fix-until-green --param check='cargo test' --wait\n  bosun workflow run map-reduce --param items='[\"a.rs\",\"b.rs\"]' --param task=Summarise\n\nA --param value that parses as JSON (a list, a number) is that; anything else is text.\nWith --wait the exit code is 0 when the run succeeded, 1 otherwise."
    )]
    Run {
        name: String,
        /// NAME=VALUE (repeat for several)
        #[arg(long = "param")]
        params: Vec<String>,
        #[arg(long, default_value = "default")]
        project: String,
        /// Follow the run until it ends, printing each change
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// A run's status: each step, its tasks, a loop's iteration
    #[command(after_help = "Example:\n  bosun workflow status 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Status {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Runs, newest first
    #[command(after_help = "Example:\n  bosun workflow runs --status running")]
    Runs {
        /// running, succeeded, failed or cancelled
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Cancel a running run and its running tasks
    #[command(after_help = "Example:\n  bosun workflow cancel 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --reason 'wrong branch'")]
    Cancel {
        id: String,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
}

/// `NAME=VALUE` pairs as parameters: a value that parses as JSON is that, else text.
fn parse_params(pairs: &[String]) -> anyhow::Result<Map<String, Value>> {
    let mut out = Map::new();
    for p in pairs {
        let (k, v) = p.split_once('=').ok_or_else(|| anyhow::anyhow!("--param {p}: expected NAME=VALUE"))?;
        let value = serde_json::from_str::<Value>(v).unwrap_or_else(|_| Value::String(v.to_owned()));
        out.insert(k.to_owned(), value);
    }
    Ok(out)
}

/// One line per step: what a person follows.
fn step_rows(run: &Value) -> Vec<Value> {
    let steps = run["steps"].as_array().cloned().unwrap_or_default();
    steps
        .iter()
        .map(|s| {
            let tasks = s["tasks"].as_array().map_or(0, Vec::len);
            let done = s["tasks"].as_array().map_or(0, |t| t.iter().filter(|t| t["status"] == "succeeded").count());
            let step = match s["parent"].as_str() {
                Some(p) => format!("{p}/{}", cell(&s["id"])),
                None => cell(&s["id"]),
            };
            let iteration = match (s["iteration"].as_u64(), s["max_iterations"].as_u64()) {
                (Some(i), Some(m)) => format!("{i}/{m}"),
                _ => "-".into(),
            };
            json!({"step": step, "kind": s["kind"], "status": s["status"], "iteration": iteration,
                "tasks": format!("{done}/{tasks}"), "reason": s["reason"]})
        })
        .collect()
}

const STEP_COLUMNS: [&str; 6] = ["step", "kind", "status", "iteration", "tasks", "reason"];

fn print_run(c: &Client, run: &Value) {
    if c.json {
        say!("{}", serde_json::to_string_pretty(run).unwrap_or_default());
        return;
    }
    say!(
        "run {}  {}  {}  (project {})",
        cell(&run["id"]),
        cell(&run["template"]),
        cell(&run["status"]),
        cell(&run["project"])
    );
    crate::client::print_table(&step_rows(run), &STEP_COLUMNS);
}

/// Follow a run until it ends; print a line whenever a step changes.
async fn follow(c: &Client, id: &str) -> anyhow::Result<Value> {
    let mut seen: Vec<Value> = Vec::new();
    loop {
        let run = c.get(&format!("/api/v1/workflows/runs/{}", encode_component(id))).await?;
        let rows = step_rows(&run);
        for row in &rows {
            if !seen.contains(row) {
                if c.json {
                    say!("{}", json!({"run": id, "step": row}));
                } else {
                    eprintln!(
                        "bosun workflow: {}  {}  {}  iteration {}  tasks {}",
                        cell(&row["step"]),
                        cell(&row["kind"]),
                        cell(&row["status"]),
                        cell(&row["iteration"]),
                        cell(&row["tasks"])
                    );
                }
            }
        }
        seen = rows;
        if run["status"] != "running" {
            return Ok(run);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

pub async fn workflow(cmd: WorkflowCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        WorkflowCmd::List { client } => {
            let c = Client::new(&client);
            let r = c.get("/api/v1/workflows").await?;
            let rows: Vec<Value> = r["templates"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|t| {
                    let params: Vec<String> = t["params"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                        .iter()
                        .map(|p| format!("{}{}", cell(&p["name"]), if p["required"] == true { "*" } else { "" }))
                        .collect();
                    let version = if t["builtin"] == true { "built-in".to_owned() } else { cell(&t["version"]) };
                    json!({"name": t["name"], "version": version, "params": params.join(","), "description": t["description"]})
                })
                .collect();
            c.show(&r, &rows, &["name", "version", "params", "description"]);
        }
        WorkflowCmd::Show { name, version, client } => {
            let c = Client::new(&client);
            let mut path = format!("/api/v1/workflows/{}", encode_component(&name));
            if let Some(v) = version {
                path.push_str(&format!("?version={v}"));
            }
            let r = c.get(&path).await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            } else {
                say!("{}", r["text"].as_str().unwrap_or_default());
            }
        }
        WorkflowCmd::Put { name, file, client } => {
            let c = Client::new(&client);
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let r = c.put(&format!("/api/v1/workflows/{}", encode_component(&name)), &json!({"text": text})).await?;
            c.show(&r, std::slice::from_ref(&r), &["name", "version", "created"]);
        }
        WorkflowCmd::Run { name, params, project, wait, client } => {
            let c = Client::new(&client);
            let body = json!({"project": project, "params": parse_params(&params)?});
            let run = c.post(&format!("/api/v1/workflows/{}/runs", encode_component(&name)), &body).await?;
            let id = run["id"].as_str().unwrap_or_default().to_owned();
            if !wait {
                print_run(&c, &run);
                return Ok(ExitCode::SUCCESS);
            }
            if !c.json {
                eprintln!("bosun workflow: run {id} started; following it (Ctrl-C stops following, not the run)");
            }
            let done = follow(&c, &id).await?;
            print_run(&c, &done);
            if done["status"] != "succeeded" {
                return Ok(ExitCode::FAILURE);
            }
        }
        WorkflowCmd::Status { id, client } => {
            let c = Client::new(&client);
            let run = c.get(&format!("/api/v1/workflows/runs/{}", encode_component(&id))).await?;
            print_run(&c, &run);
        }
        WorkflowCmd::Runs { status, limit, client } => {
            let c = Client::new(&client);
            let mut path = format!("/api/v1/workflows/runs?limit={limit}");
            if let Some(s) = status {
                path.push_str(&format!("&status={}", encode_component(&s)));
            }
            let r = c.get(&path).await?;
            let rows = r["runs"].as_array().cloned().unwrap_or_default();
            c.show(&r, &rows, &["id", "template", "status", "project", "created_by", "created_at"]);
        }
        WorkflowCmd::Cancel { id, reason, client } => {
            let c = Client::new(&client);
            let run = c
                .post(&format!("/api/v1/workflows/runs/{}/cancel", encode_component(&id)), &json!({"reason": reason}))
                .await?;
            print_run(&c, &run);
        }
    }
    Ok(ExitCode::SUCCESS)
}
