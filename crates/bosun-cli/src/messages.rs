//! Client verbs for messages and the live event stream.

use std::process::ExitCode;

use bosun_core::uri::encode_component;
use clap::Subcommand;
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::client::{Client, ClientArgs, cell, say};

#[derive(Subcommand)]
pub enum MsgCmd {
    /// Send a message to agents (or a topic)
    #[command(
        after_help = "Example:\n  bosun msg send --to GreenCastle --type data_request --subject 'schema?' --body 'Which version?' --ack"
    )]
    Send {
        /// Agent names or ids
        #[arg(long)]
        to: Vec<String>,
        /// Instead of --to: every agent of the tenant
        #[arg(long)]
        topic: Option<String>,
        /// task_handoff, status_update, data_request, data_response, escalation, notification, chat
        #[arg(long = "type", default_value = "chat")]
        kind: String,
        #[arg(long, default_value = "")]
        subject: String,
        /// Markdown
        #[arg(long, default_value = "")]
        body: String,
        /// low, normal, high, urgent
        #[arg(long, default_value = "normal")]
        importance: String,
        /// Ask recipients to acknowledge
        #[arg(long)]
        ack: bool,
        /// Reply to a message (joins its thread)
        #[arg(long)]
        reply_to: Option<String>,
        #[arg(long, default_value = "default")]
        project: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show your inbox (an agent's key); marks messages delivered, not read
    #[command(after_help = "Example:\n  bosun msg inbox --unread --wait 30")]
    Inbox {
        #[arg(long)]
        unread: bool,
        /// Wait up to this many seconds for a message (max 60)
        #[arg(long, default_value_t = 0)]
        wait: u32,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Mark a message read
    #[command(after_help = "Example:\n  bosun msg read 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Read {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Acknowledge a message
    #[command(after_help = "Example:\n  bosun msg ack 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Ack {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show a thread
    #[command(after_help = "Example:\n  bosun msg thread 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Thread {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Search subjects and bodies
    #[command(after_help = "Example:\n  bosun msg search 'migration failed'")]
    Search {
        words: String,
        #[command(flatten)]
        client: ClientArgs,
    },
}

const COLUMNS: [&str; 6] = ["id", "created_at", "from", "type", "subject", "state"];

fn show_messages(c: &Client, list: &Value) {
    let rows = list.as_array().cloned().unwrap_or_default();
    if c.json {
        say!("{}", serde_json::to_string_pretty(list).unwrap_or_default());
        return;
    }
    for m in &rows {
        let state = match m.get("state") {
            Some(s) => cell(s),
            None => m["recipients"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| format!("{}:{}", cell(&r["agent"]), cell(&r["state"])))
                .collect::<Vec<_>>()
                .join(" "),
        };
        say!(
            "── {} {} from {} [{}] {}",
            cell(&m["created_at"]),
            cell(&m["id"]),
            cell(&m["from"]),
            cell(&m["type"]),
            state
        );
        if !cell(&m["subject"]).is_empty() && m["subject"] != "" {
            say!("   {}", cell(&m["subject"]));
        }
        for line in m["body"].as_str().unwrap_or_default().lines() {
            say!("   {line}");
        }
    }
    if rows.is_empty() {
        say!("(no messages)");
    }
}

pub async fn msg(cmd: MsgCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        MsgCmd::Send { to, topic, kind, subject, body, importance, ack, reply_to, project, client } => {
            let c = Client::new(&client);
            let m = c
                .post(
                    "/api/v1/messages",
                    &json!({"to": to, "topic": topic, "type": kind, "subject": subject, "body": body,
                    "importance": importance, "ack_required": ack, "reply_to": reply_to, "project": project}),
                )
                .await?;
            c.show(&m, std::slice::from_ref(&m), &["id", "thread_id", "type", "created_at"]);
        }
        MsgCmd::Inbox { unread, wait, client } => {
            let c = Client::new(&client);
            let r = c.get(&format!("/api/v1/inbox?unread_only={unread}&wait_seconds={wait}")).await?;
            show_messages(&c, &r["messages"]);
        }
        MsgCmd::Read { id, client } => {
            let c = Client::new(&client);
            let m = c.post(&format!("/api/v1/messages/{}/read", encode_component(&id)), &json!({})).await?;
            c.show(&m, std::slice::from_ref(&m), &COLUMNS);
        }
        MsgCmd::Ack { id, client } => {
            let c = Client::new(&client);
            let m = c.post(&format!("/api/v1/messages/{}/ack", encode_component(&id)), &json!({})).await?;
            c.show(&m, std::slice::from_ref(&m), &COLUMNS);
        }
        MsgCmd::Thread { id, client } => {
            let c = Client::new(&client);
            let r = c.get(&format!("/api/v1/threads/{}", encode_component(&id))).await?;
            show_messages(&c, &r["messages"]);
        }
        MsgCmd::Search { words, client } => {
            let c = Client::new(&client);
            let r = c.get(&format!("/api/v1/messages/search?q={}", encode_component(&words))).await?;
            show_messages(&c, &r["messages"]);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `bosun events`: follow the live stream (Server-Sent Events) until interrupted.
#[derive(clap::Args)]
pub struct EventsArgs {
    /// Type globs, e.g. --types 'task.*' --types 'lock.*'
    #[arg(long)]
    types: Vec<String>,
    #[arg(long)]
    project: Option<String>,
    /// Stop after this many events
    #[arg(long)]
    limit: Option<u64>,
    #[command(flatten)]
    client: ClientArgs,
}

pub async fn events(args: EventsArgs) -> anyhow::Result<ExitCode> {
    let c = Client::new(&args.client);
    let mut query = vec![];
    if !args.types.is_empty() {
        query.push(("types", args.types.join(",")));
    }
    if let Some(p) = &args.project {
        query.push(("project", p.clone()));
    }
    let resp = c
        .send(c.request(reqwest::Method::GET, "/api/v1/events").header("accept", "text/event-stream").query(&query))
        .await?;
    let mut stream = resp.bytes_stream();
    let (mut buf, mut seen) = (String::new(), 0u64);
    while let Some(chunk) = stream.next().await {
        buf.push_str(&String::from_utf8_lossy(&chunk?));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            let data: String = frame.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).collect();
            if data.is_empty() {
                continue;
            }
            let Ok(e) = serde_json::from_str::<Value>(&data) else {
                eprintln!("bosun events: {data}");
                continue;
            };
            if c.json {
                say!("{e}");
            } else {
                say!(
                    "{}  {:<22} {:<10} {}  {}",
                    cell(&e["at"]),
                    cell(&e["type"]),
                    cell(&e["actor"]["name"]),
                    cell(&e["id"]),
                    cell(&e["project"])
                );
            }
            seen += 1;
            if args.limit.is_some_and(|l| seen >= l) {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
