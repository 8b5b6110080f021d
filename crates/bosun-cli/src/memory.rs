//! Client verbs for memory: remember a lesson, recall what is relevant, list, erase.

use std::process::ExitCode;

use bosun_core::uri::encode_component;
use clap::Subcommand;
use serde_json::{Value, json};

use crate::client::{Client, ClientArgs, cell, say};

#[derive(Subcommand)]
pub enum MemoryCmd {
    /// Remember what happened and the lesson in it (the same summary within a day is counted)
    #[command(
        after_help = "Example:\n  bosun memory remember --event-type task_failed --outcome failure --tag e2e \\\n    --summary 'login e2e test times out on a cold dev server' --lessons 'warm the server first'"
    )]
    Remember {
        /// What kind of event: a-z, 0-9, `_.:-` (task_failed, decision, bug_fixed…)
        #[arg(long)]
        event_type: String,
        /// One line: what happened
        #[arg(long)]
        summary: String,
        #[arg(long)]
        details: Option<String>,
        /// success, failure or partial
        #[arg(long)]
        outcome: Option<String>,
        /// What to do next time
        #[arg(long)]
        lessons: Option<String>,
        /// Repeat for several
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// agent, project or tenant (default: the tenant's setting, `project`)
        #[arg(long)]
        visibility: Option<String>,
        /// Whom it is about, so it can be erased by subject
        #[arg(long)]
        subject: Option<String>,
        #[arg(long, default_value = "default")]
        project: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Recall the memories most relevant to a question, best first
    #[command(after_help = "Example:\n  bosun memory recall 'login test timeout' --tag e2e --limit 5")]
    Recall {
        /// The question, in words
        #[arg(default_value = "")]
        question: String,
        /// Only memories with one of these tags (repeat for several)
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long)]
        event_type: Option<String>,
        /// Your project (its memories and tenant-wide ones)
        #[arg(long)]
        project: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: u32,
        /// Leave out memories less relevant than this (0–1)
        #[arg(long)]
        min_relevance: Option<f64>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// List the newest memories you may see
    #[command(after_help = "Example:\n  bosun memory list --project web --limit 50")]
    List {
        #[arg(long)]
        project: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Erase memories for privacy: one by id, or (admins) every one by an agent, about a subject, or with a tag
    #[command(
        after_help = "Examples:\n  bosun memory erase --id 01JDX3Q2V9Z8K7M6N5P4R3S2T1\n  bosun memory erase --subject alice@example.com\n  bosun memory erase --agent GreenCastle\n\nAsks again until nothing is left (1,000 per request) and prints the running count."
    )]
    Erase {
        #[arg(long, group = "what")]
        id: Option<String>,
        #[arg(long, group = "what")]
        agent: Option<String>,
        #[arg(long, group = "what")]
        subject: Option<String>,
        #[arg(long, group = "what")]
        tag: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
}

const COLUMNS: [&str; 6] = ["id", "created_at", "event_type", "outcome", "author", "summary"];

pub async fn memory(cmd: MemoryCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        MemoryCmd::Remember {
            event_type,
            summary,
            details,
            outcome,
            lessons,
            tags,
            visibility,
            subject,
            project,
            client,
        } => {
            let c = Client::new(&client);
            let body = json!({"event_type": event_type, "summary": summary, "details": details, "outcome": outcome,
                "lessons": lessons, "tags": tags, "visibility": visibility, "subject": subject, "project": project});
            let r = c.post("/api/v1/memory", &body).await?;
            c.show(&r, std::slice::from_ref(&r), &["id", "action", "seen"]);
        }
        MemoryCmd::Recall { question, tags, event_type, project, limit, min_relevance, client } => {
            let c = Client::new(&client);
            let mut query = format!("q={}&limit={limit}", encode_component(&question));
            if !tags.is_empty() {
                query.push_str(&format!("&tags={}", encode_component(&tags.join(","))));
            }
            for (k, v) in [("event_type", event_type), ("project", project)] {
                if let Some(v) = v {
                    query.push_str(&format!("&{k}={}", encode_component(&v)));
                }
            }
            if let Some(m) = min_relevance {
                query.push_str(&format!("&min_relevance={m}"));
            }
            let r = c.get(&format!("/api/v1/memory/recall?{query}")).await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            } else {
                show_recalled(&r);
            }
        }
        MemoryCmd::List { project, limit, client } => {
            let c = Client::new(&client);
            let mut path = format!("/api/v1/memory?limit={}", limit.clamp(1, 200));
            if let Some(p) = project {
                path.push_str(&format!("&project={}", encode_component(&p)));
            }
            let r = c.get(&path).await?;
            let rows = r["memories"].as_array().cloned().unwrap_or_default();
            c.show(&r, &rows, &COLUMNS);
        }
        MemoryCmd::Erase { id, agent, subject, tag, client } => {
            let c = Client::new(&client);
            if let Some(id) = id {
                let r = c.delete(&format!("/api/v1/memory/{}", encode_component(&id))).await?;
                c.show(&r, std::slice::from_ref(&r), &["erased"]);
                return Ok(ExitCode::SUCCESS);
            }
            let body = match (agent, subject, tag) {
                (Some(a), None, None) => json!({"agent": a}),
                (None, Some(s), None) => json!({"subject": s}),
                (None, None, Some(t)) => json!({"tag": t}),
                _ => anyhow::bail!("give one of --id, --agent, --subject or --tag"),
            };
            let mut total = 0u64;
            loop {
                let r = c.post("/api/v1/memory/erase", &body).await?;
                total += r["erased"].as_u64().unwrap_or(0);
                if !c.json {
                    eprintln!("erased {total} so far");
                }
                if r["more"] != Value::Bool(true) {
                    break;
                }
            }
            let done = json!({"erased": total});
            c.show(&done, std::slice::from_ref(&done), &["erased"]);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show_recalled(r: &Value) {
    let rows = r["memories"].as_array().cloned().unwrap_or_default();
    for m in &rows {
        say!(
            "── {:.2}  {} [{}] {} by {} ({})",
            m["relevance"].as_f64().unwrap_or(0.0),
            cell(&m["created_at"]),
            cell(&m["event_type"]),
            cell(&m["outcome"]),
            cell(&m["author"]),
            cell(&m["id"])
        );
        say!("   {}", cell(&m["summary"]));
        if let Some(l) = m["lessons"].as_str() {
            say!("   lesson: {l}");
        }
    }
    if rows.is_empty() {
        say!("(nothing recalled)");
    }
    if let Some(note) = r["note"].as_str() {
        eprintln!("note: {note}");
    }
}
