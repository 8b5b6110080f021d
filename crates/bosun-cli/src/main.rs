//! The `bosun` binary: `serve`, offline audit verification, and the REST client verbs.

/// mimalloc: the bash parser of the guardrails allocates per token and word, and the 1 KB check
/// runs ~25 % faster on it than on glibc's allocator (docs/BENCHMARKS.md, issue 11).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod approvals;
mod budgets;
mod client;
mod config;
mod coord;
mod guardrails;
mod mcp;
mod memory;
mod messages;
mod policy;
mod verify;
mod worker;
mod workflow;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use bosun_core::audit::ChainVerifier;
use clap::{Parser, Subcommand};
use client::{Client, ClientArgs, say};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

#[derive(Parser)]
#[command(name = "bosun", version, about = "Bosun: the control plane for fleets of AI agents")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server (REST, metrics) on embedded SQLite
    #[command(after_help = "Example:\n  bosun serve --bind 127.0.0.1:7311 --data-dir ./.bosun")]
    Serve(config::ServeArgs),
    /// Verify, export and follow the audit log
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Copy the database (and the key secret) while the server runs, and check the copy
    #[command(
        after_help = "Example:\n  bosun backup --data-dir .bosun --out backups/2026-11-30\n\nRestore: stop the server, copy bosun.db and key.secret from the backup into the data directory\n(removing any bosun.db-wal and bosun.db-shm there), start it. See docs/DEPLOY.md."
    )]
    Backup(verify::BackupArgs),
    /// Bring a database's schema to this binary's version (SQLite: also done by `serve`)
    #[command(
        after_help = "Examples:\n  bosun migrate --database-url postgres://bosun:secret@db.internal:5432/bosun\n  bosun migrate --database-url sqlite://.bosun/bosun.db"
    )]
    Migrate {
        /// postgres://… or sqlite://PATH
        #[arg(long, env = "BOSUN_DATABASE_URL")]
        database_url: String,
    },
    /// Write one tenant (its audit chain included) to a file, from SQLite or PostgreSQL
    #[command(
        after_help = "Example (SQLite to PostgreSQL):\n  bosun export --database-url sqlite://.bosun/bosun.db --tenant default --out default.jsonl\n  bosun import --database-url postgres://bosun:secret@db.internal/bosun default.jsonl"
    )]
    Export(verify::ExportArgs),
    /// Add a tenant from `bosun export` to a database (SQLite or PostgreSQL) and verify its chain
    #[command(
        after_help = "Example:\n  bosun import --database-url postgres://bosun:secret@db.internal/bosun default.jsonl\n\nThe tenant must not exist in the target yet; everything is added in one transaction.\nCopy key.secret from the source's data directory to the target nodes so its API keys work."
    )]
    Import(verify::ImportArgs),
    /// Manage users of your tenant
    #[command(subcommand)]
    User(UserCmd),
    /// Create and revoke API keys
    #[command(subcommand)]
    Key(KeyCmd),
    /// Manage tenants (system admins)
    #[command(subcommand)]
    Tenant(TenantCmd),
    /// Register, list and deregister agents
    #[command(subcommand)]
    Agent(coord::AgentCmd),
    /// Submit, claim, complete and manage tasks
    #[command(subcommand)]
    Task(coord::TaskCmd),
    /// Acquire, list and release file/key locks
    #[command(subcommand)]
    Lock(coord::LockCmd),
    /// Write and read session handoffs
    #[command(subcommand)]
    Handoff(coord::HandoffCmd),
    /// Send, read and search messages
    #[command(subcommand)]
    Msg(messages::MsgCmd),
    /// Episodic memory: remember lessons, recall what is relevant, erase for privacy
    #[command(subcommand)]
    Memory(memory::MemoryCmd),
    /// Workflows: templates, runs that queue their steps' tasks, status, cancel
    #[command(subcommand)]
    Workflow(workflow::WorkflowCmd),
    /// Cedar policies: get, put, validate, test, diff, roll back, replay
    #[command(subcommand)]
    Policy(policy::PolicyCmd),
    /// Approvals for gated actions: list, show, approve, deny, threshold
    #[command(subcommand)]
    Approvals(approvals::ApprovalsCmd),
    /// Budgets: list, set, remove, usage, verify a preflight token
    #[command(subcommand)]
    Budget(budgets::BudgetCmd),
    /// Gate tokens: the tenant's keys, rotate, verify one offline
    #[command(subcommand)]
    Gate(approvals::GateCmd),
    /// Follow live events (tasks, locks, messages, …)
    #[command(after_help = "Example:\n  bosun events --types 'task.*' --types 'lock.*' --json")]
    Events(messages::EventsArgs),
    /// Speak MCP over stdio, forwarding to a running Bosun (for clients that launch a command)
    #[command(
        after_help = "Example (Codex, Claude Code stdio form):\n  BOSUN_API_KEY=bsn_… bosun mcp --url http://127.0.0.1:7311 --tools worker"
    )]
    Mcp(mcp::McpArgs),
    /// Run a command for each task of the queue: N slots, each an agent claiming, running, reporting
    #[command(
        after_help = "Example:\n  bosun worker --exec './agent.sh' --concurrency 4 --capability rust --project web\n\nThe task is on stdin (JSON) and in BOSUN_TASK_ID, BOSUN_FENCE, BOSUN_TASK_TITLE, BOSUN_TASK_PROMPT,\nBOSUN_TASK_PAYLOAD, BOSUN_PROJECT; BOSUN_API_KEY is the slot's agent. Exit 0 completes the task, 3\n(--permanent-exit) fails it for good, anything else fails it retryable. stdout is the result (JSON when\nit parses); stderr goes to .bosun/worker/logs/TASK.log. SIGTERM: no more claims, --grace seconds to finish."
    )]
    Worker(worker::WorkerArgs),
    /// Git hooks that respect other agents' locks
    #[command(subcommand)]
    Guard(coord::GuardCmd),
    /// Show who the API key belongs to
    #[command(after_help = "Example:\n  BOSUN_API_KEY=bsn_… bosun whoami")]
    Whoami {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Print the OpenAPI document this binary serves, without a running server
    #[command(after_help = "Examples:\n  bosun openapi > openapi.json\n  bosun openapi --out sdk/openapi.json")]
    Openapi {
        /// Write to this file instead of standard output
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug, Clone, Default)]
struct AuditFilterArgs {
    /// Actor id or name
    #[arg(long)]
    actor: Option<String>,
    /// Action prefix, e.g. `key.`
    #[arg(long)]
    action: Option<String>,
    /// Target id
    #[arg(long)]
    target: Option<String>,
    /// ok, denied or error
    #[arg(long)]
    outcome: Option<String>,
    /// info, notice, warning or critical
    #[arg(long)]
    severity: Option<String>,
    /// RFC 3339 lower bound (inclusive)
    #[arg(long)]
    from: Option<String>,
    /// RFC 3339 upper bound (exclusive)
    #[arg(long)]
    to: Option<String>,
}

impl AuditFilterArgs {
    fn query(&self) -> Vec<(&'static str, String)> {
        let pairs = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
            ("outcome", &self.outcome),
            ("severity", &self.severity),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs.into_iter().filter_map(|(k, v)| v.clone().map(|v| (k, v))).collect()
    }
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chain; exit 1 naming the first bad seq
    #[command(
        after_help = "Examples:\n  bosun audit verify --db .bosun/bosun.db\n  bosun audit verify --file audit.jsonl\n  bosun audit verify --url http://127.0.0.1:7311"
    )]
    Verify {
        /// A Bosun SQLite database file (read-only; the server may be running)
        #[arg(long, conflicts_with = "file")]
        db: Option<PathBuf>,
        /// A JSONL export (`-` for stdin)
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Stream an export of your tenant's log (oldest first)
    #[command(after_help = "Example:\n  bosun audit export --format jsonl --output audit.jsonl")]
    Export {
        /// json, jsonl (verifiable) or csv
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// Write to this file instead of stdout
        #[arg(long)]
        output: Option<PathBuf>,
        /// At most this many rows (max 100000)
        #[arg(long)]
        limit: Option<u32>,
        #[command(flatten)]
        filter: AuditFilterArgs,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show the latest events; with --follow, keep printing new ones
    #[command(after_help = "Example:\n  bosun audit tail --limit 20 --follow")]
    Tail {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long, short)]
        follow: bool,
        #[command(flatten)]
        filter: AuditFilterArgs,
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user (admins)
    #[command(after_help = "Example:\n  bosun user create alice --role developer")]
    Create {
        name: String,
        /// viewer, developer, approver or admin
        #[arg(long, default_value = "developer")]
        role: String,
        /// A JSON object of metadata
        #[arg(long)]
        metadata: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// List users
    #[command(after_help = "Example:\n  bosun user list --json")]
    List {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Set a user's dashboard password (read from stdin; admins: anyone of the tenant, users: their own)
    #[command(
        after_help = "Example:\n  printf '%s' 'correct horse battery staple' | bosun user passwd alice\n\nThe password (12–256 characters) is read from stdin, never from the command line; the user's\ndashboard sessions end. `--remove` removes the password instead."
    )]
    Passwd {
        /// The user's name or id
        user: String,
        /// Remove the password (no dashboard sign-in) instead of setting one
        #[arg(long)]
        remove: bool,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Issue a one-time dashboard sign-in link for a user (tenant admins); printed once
    #[command(
        after_help = "Example:\n  bosun user link alice\n\nWhoever opens the link sets alice's password and is signed in. It works once, for 24 hours,\nand is void as soon as the password changes. Send it over a channel you trust."
    )]
    Link {
        /// The user's name or id
        user: String,
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
enum KeyCmd {
    /// Create an API key for a user; the key is printed once
    #[command(after_help = "Example:\n  bosun key create 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --label ci")]
    Create {
        /// The user's id
        user_id: String,
        #[arg(long)]
        label: Option<String>,
        /// An enrolment key: it may only register agents (give it to agents that register themselves)
        #[arg(long)]
        enrolment: bool,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Revoke an API key (effective within one second)
    #[command(after_help = "Example:\n  bosun key revoke 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Revoke {
        key_id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
enum TenantCmd {
    /// Create a tenant with its first admin; prints the admin's key once
    #[command(after_help = "Example:\n  bosun tenant create acme --admin-name root")]
    Create {
        name: String,
        #[arg(long, default_value = "admin")]
        admin_name: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// List tenants
    #[command(after_help = "Example:\n  bosun tenant list")]
    List {
        #[command(flatten)]
        client: ClientArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Cmd::Serve(args) => serve(args).await,
        Cmd::Audit(cmd) => audit(cmd).await,
        Cmd::Backup(args) => tokio::task::spawn_blocking(move || verify::backup(&args)).await?,
        Cmd::Migrate { database_url } => tokio::task::spawn_blocking(move || migrate(&database_url)).await?,
        Cmd::Export(args) => tokio::task::spawn_blocking(move || verify::export(&args)).await?,
        Cmd::Import(args) => tokio::task::spawn_blocking(move || verify::import(&args)).await?,
        Cmd::User(cmd) => user(cmd).await,
        Cmd::Key(cmd) => key(cmd).await,
        Cmd::Tenant(cmd) => tenant(cmd).await,
        Cmd::Agent(cmd) => coord::agent(cmd).await,
        Cmd::Task(cmd) => coord::task(cmd).await,
        Cmd::Lock(cmd) => coord::lock(cmd).await,
        Cmd::Handoff(cmd) => coord::handoff(cmd).await,
        Cmd::Guard(cmd) => coord::guard(cmd).await,
        Cmd::Msg(cmd) => messages::msg(cmd).await,
        Cmd::Memory(cmd) => memory::memory(cmd).await,
        Cmd::Workflow(cmd) => workflow::workflow(cmd).await,
        Cmd::Worker(args) => worker::worker(args).await,
        Cmd::Policy(cmd) => policy::policy(cmd).await,
        Cmd::Approvals(cmd) => approvals::approvals(cmd).await,
        Cmd::Budget(cmd) => budgets::budget(cmd).await,
        Cmd::Gate(cmd) => approvals::gate(cmd).await,
        Cmd::Events(args) => messages::events(args).await,
        Cmd::Mcp(args) => mcp::run(args).await,
        Cmd::Openapi { out } => {
            let mut text = serde_json::to_string_pretty(&bosun_server::http::openapi_document())?;
            text.push('\n');
            match out {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Whoami { client } => {
            let c = Client::new(&client);
            let me = c.get("/api/v1/whoami").await?;
            let row = json!({"tenant": me["tenant"]["name"], "type": me["principal_type"], "name": me["name"], "role": me["role"], "id": me["id"]});
            c.show(&me, &[row], &["tenant", "type", "name", "role", "id"]);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(args: config::ServeArgs) -> anyhow::Result<ExitCode> {
    let resolved = match config::resolve(args) {
        Ok(r) => r,
        Err(config::ConfigError(line)) => {
            eprintln!("error: {line}");
            return Ok(ExitCode::from(2));
        }
    };
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&resolved.log))
        .with_writer(std::io::stderr)
        .with_current_span(false)
        .init();
    let server = match bosun_server::Server::start(&resolved.serve, Arc::new(bosun_core::SystemClock)).await {
        Ok(s) => s,
        Err(bosun_server::serve::StartError::Config(line)) => {
            eprintln!("error: {line}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => bail!("{e}"),
    };
    if let Some(key) = &server.admin_key {
        let path = resolved.serve.data_dir.join("admin.key");
        say!("Bosun first start: created tenant `default` and user `admin`.");
        say!("Admin API key (shown once; also written to {}):", path.display());
        say!("  {key}");
    }
    say!("Bosun listening on {}", server.url());
    tracing::info!(addr = %server.addr, "listening");
    shutdown_signal().await;
    tracing::info!("shutting down: finishing in-flight requests");
    server.shutdown().await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `bosun migrate`: PostgreSQL through its migrator (under an advisory lock: safe while other
/// nodes start); SQLite by opening the store, which migrates.
fn migrate(url: &str) -> anyhow::Result<ExitCode> {
    // The URL may carry a password: it is not printed.
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let version = bosun_store::postgres::migrate(url)?;
        say!("schema at version {version} (postgres)");
    } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let store = bosun_store::sqlite::SqliteStore::open(std::path::Path::new(path), &Default::default())?;
        bosun_store::Store::shutdown(&store);
        say!("schema at version {} (sqlite, {path})", bosun_store::sqlite::supported());
    } else {
        anyhow::bail!("--database-url must be postgres://… or sqlite://PATH");
    }
    Ok(ExitCode::SUCCESS)
}

fn verdict_exit(verdict: verify::Verdict) -> ExitCode {
    match verdict {
        verify::Verdict::Ok { events, chains } => {
            say!("ok: {events} events verified in {chains} chain(s)");
            ExitCode::SUCCESS
        }
        verify::Verdict::Bad { chain, error } => {
            say!("FAILED: {error} [chain {chain}]");
            ExitCode::FAILURE
        }
    }
}

async fn audit(cmd: AuditCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCmd::Verify { db: Some(db), .. } => {
            Ok(verdict_exit(tokio::task::spawn_blocking(move || verify::database(&db)).await??))
        }
        AuditCmd::Verify { file: Some(file), .. } => {
            Ok(verdict_exit(tokio::task::spawn_blocking(move || verify::file(&file)).await??))
        }
        AuditCmd::Verify { client, .. } => verify_remote(&Client::new(&client)).await.map(verdict_exit),
        AuditCmd::Export { format, output, limit, filter, client } => {
            let c = Client::new(&client);
            let mut query = filter.query();
            query.push(("format", format));
            if let Some(l) = limit {
                query.push(("limit", l.to_string()));
            }
            let resp = c.send(c.request(reqwest::Method::GET, "/api/v1/audit").query(&query)).await?;
            let mut out: Box<dyn tokio::io::AsyncWrite + Unpin> = match &output {
                Some(path) => Box::new(tokio::fs::File::create(path).await?),
                None => Box::new(tokio::io::stdout()),
            };
            let mut stream = resp.bytes_stream();
            let mut bytes = 0usize;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk?;
                bytes += chunk.len();
                out.write_all(&chunk).await?;
            }
            out.flush().await?;
            if let Some(path) = output {
                eprintln!("wrote {bytes} bytes to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCmd::Tail { limit, follow, filter, client } => {
            let c = Client::new(&client);
            let mut query = filter.query();
            query.push(("limit", limit.to_string()));
            let page = c.json_of(c.request(reqwest::Method::GET, "/api/v1/audit").query(&query)).await?;
            let mut events: Vec<Value> = page["items"].as_array().cloned().unwrap_or_default();
            events.reverse();
            let mut last = events.last().and_then(|e| e["seq"].as_u64()).unwrap_or(0);
            print_events(&c, &events, true);
            if !follow {
                return Ok(ExitCode::SUCCESS);
            }
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                let mut q = filter.query();
                q.extend([("format", "json".to_owned()), ("cursor", last.to_string()), ("limit", "1000".to_owned())]);
                let new = c.json_of(c.request(reqwest::Method::GET, "/api/v1/audit").query(&q)).await?;
                let new = new.as_array().cloned().unwrap_or_default();
                if let Some(seq) = new.last().and_then(|e| e["seq"].as_u64()) {
                    last = seq;
                }
                print_events(&c, &new, false);
            }
        }
    }
}

fn print_events(c: &Client, events: &[Value], header: bool) {
    if c.json {
        for e in events {
            say!("{e}");
        }
        return;
    }
    let columns = ["seq", "at", "actor_name", "action", "target_id", "outcome", "ip"];
    if header {
        client::print_table(events, &columns);
    } else {
        for e in events {
            say!("{}", columns.iter().map(|k| client::cell(&e[*k])).collect::<Vec<_>>().join("  "));
        }
    }
}

/// Verify a running server's chain for the caller's tenant, streaming its JSONL export.
async fn verify_remote(c: &Client) -> anyhow::Result<verify::Verdict> {
    let mut verifier = ChainVerifier::new();
    loop {
        let start = verifier.count();
        let query = [("format", "jsonl".to_owned()), ("cursor", start.to_string())];
        let resp = c.send(c.request(reqwest::Method::GET, "/api/v1/audit").query(&query)).await?;
        let mut stream = resp.bytes_stream();
        let (mut pending, mut batch) = (Vec::new(), Vec::new());
        while let Some(chunk) = stream.next().await {
            pending.extend_from_slice(&chunk?);
            while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=nl).collect();
                batch.push(String::from_utf8_lossy(&line[..line.len() - 1]).into_owned());
            }
            if batch.len() >= 50_000
                && let Err(e) = verifier.feed_lines(&std::mem::take(&mut batch))
            {
                return Ok(verify::Verdict::Bad { chain: "your tenant".into(), error: e.to_string() });
            }
        }
        if !pending.is_empty() {
            batch.push(String::from_utf8_lossy(&pending).into_owned());
        }
        if let Err(e) = verifier.feed_lines(&batch) {
            return Ok(verify::Verdict::Bad { chain: "your tenant".into(), error: e.to_string() });
        }
        if verifier.count() - start < u64::from(100_000u32) {
            return Ok(verify::Verdict::Ok { events: verifier.count(), chains: 1 });
        }
    }
}

async fn user(cmd: UserCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCmd::Create { name, role, metadata, client } => {
            let c = Client::new(&client);
            let metadata: Value = match metadata {
                Some(m) => serde_json::from_str(&m).map_err(|e| anyhow::anyhow!("--metadata is not JSON: {e}"))?,
                None => json!({}),
            };
            let user = c.post("/api/v1/users", &json!({"name": name, "role": role, "metadata": metadata})).await?;
            c.show(&user, std::slice::from_ref(&user), &["id", "name", "role", "created_at"]);
        }
        UserCmd::List { client } => {
            let c = Client::new(&client);
            let all = c.all_pages("/api/v1/users").await?;
            c.show(&Value::Array(all.clone()), &all, &["id", "name", "role", "created_at"]);
        }
        UserCmd::Link { user, client } => {
            let c = Client::new(&client);
            let id = user_id(&c, &user).await?;
            let issued = c.post(&format!("/api/v1/users/{id}/sign-in-link"), &json!({})).await?;
            let address =
                format!("{}{}", client.url.trim_end_matches('/'), issued["path"].as_str().unwrap_or_default());
            if c.json {
                say!("{}", serde_json::to_string_pretty(&json!({"url": address, "expires_at": issued["expires_at"]}))?);
            } else {
                say!("{address}");
                say!("works once, until {}", client::cell(&issued["expires_at"]));
            }
        }
        UserCmd::Passwd { user, remove, client } => {
            let c = Client::new(&client);
            let id = user_id(&c, &user).await?;
            let password = if remove {
                Value::Null
            } else {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Value::String(line.trim_end_matches(['\r', '\n']).to_owned())
            };
            let set = c.put(&format!("/api/v1/users/{id}/password"), &json!({"password": password})).await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&set)?);
            } else if set["password_set"] == true {
                say!("password set for {}; their dashboard sessions ended", client::cell(&set["user"]["name"]));
            } else {
                say!("password removed for {}", client::cell(&set["user"]["name"]));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn key(cmd: KeyCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        KeyCmd::Create { user_id, label, enrolment, client } => {
            let c = Client::new(&client);
            let key = c
                .post(&format!("/api/v1/users/{user_id}/keys"), &json!({"label": label, "enrolment": enrolment}))
                .await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&key)?);
            } else {
                say!(
                    "key id {} (prefix {}); the key is shown once:",
                    client::cell(&key["id"]),
                    client::cell(&key["prefix"])
                );
                say!("  {}", client::cell(&key["key"]));
            }
        }
        KeyCmd::Revoke { key_id, client } => {
            let c = Client::new(&client);
            let key = c.delete(&format!("/api/v1/keys/{key_id}")).await?;
            c.show(&key, std::slice::from_ref(&key), &["id", "prefix", "revoked_at"]);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn tenant(cmd: TenantCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        TenantCmd::Create { name, admin_name, client } => {
            let c = Client::new(&client);
            let created = c.post("/api/v1/tenants", &json!({"name": name, "admin_name": admin_name})).await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&created)?);
            } else {
                say!(
                    "tenant {} ({}) created; admin `{}` key, shown once:",
                    client::cell(&created["tenant"]["name"]),
                    client::cell(&created["tenant"]["id"]),
                    client::cell(&created["admin"]["name"])
                );
                say!("  {}", client::cell(&created["admin_key"]["key"]));
            }
        }
        TenantCmd::List { client } => {
            let c = Client::new(&client);
            let list = c.get("/api/v1/tenants").await?;
            let rows = list["items"].as_array().cloned().unwrap_or_default();
            c.show(&list, &rows, &["id", "name", "system", "created_at"]);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A user of the caller's tenant by name or id.
async fn user_id(c: &Client, user: &str) -> anyhow::Result<String> {
    let all = c.all_pages("/api/v1/users").await?;
    Ok(all
        .iter()
        .find(|u| u["name"] == user || u["id"] == user)
        .and_then(|u| u["id"].as_str())
        .ok_or_else(|| anyhow::anyhow!("no user `{user}` in your tenant"))?
        .to_owned())
}
