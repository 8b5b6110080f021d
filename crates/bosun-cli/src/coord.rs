//! Client verbs for agents, tasks, locks, handoffs, and the git guard.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use bosun_core::lockkey::LockKey;
use bosun_core::uri::encode_component;
use clap::Subcommand;
use serde_json::{Value, json};

use crate::client::{Client, ClientArgs, cell, say};

#[derive(Subcommand)]
pub enum AgentCmd {
    /// List agents
    #[command(after_help = "Example:\n  bosun agent list --status idle --capability rust")]
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        capability: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show one agent
    #[command(after_help = "Example:\n  bosun agent show 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Show {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Register an agent; prints its API key once
    #[command(after_help = "Example:\n  bosun agent register --kind claude-code --capability rust --capability git")]
    Register {
        /// Default: a memorable AdjectiveNoun
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "agent")]
        kind: String,
        #[arg(long = "capability")]
        capabilities: Vec<String>,
        /// Default: the default for the agent's kind (`worker` unless configured)
        #[arg(long)]
        profile: Option<String>,
        #[arg(long, default_value_t = 30)]
        heartbeat_interval: u32,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Deregister an agent (terminated; keys revoked; leases and locks released)
    #[command(after_help = "Example:\n  bosun agent deregister 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Deregister {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Give an agent another profile (tenant admins); `suspended` cuts it off at once
    #[command(
        after_help = "Examples:\n  bosun agent profile 01JDX3Q2V9Z8K7M6N5P4R3S2T1 suspended\n  bosun agent profile 01JDX3Q2V9Z8K7M6N5P4R3S2T1 trusted"
    )]
    Profile {
        id: String,
        /// observer, worker, trusted, admin-agent, suspended, or a configured one (bosun agent profiles)
        profile: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// List the profiles agents act within: trust levels and limits
    #[command(after_help = "Example:\n  bosun agent profiles")]
    Profiles {
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
pub enum TaskCmd {
    /// Submit a task
    #[command(after_help = "Example:\n  bosun task submit 'Add pagination' --priority 8 --capability rust")]
    Submit {
        title: String,
        #[arg(long, default_value = "default")]
        project: String,
        #[arg(long, default_value = "")]
        description: String,
        /// 0–10, 10 highest
        #[arg(long, default_value_t = 5)]
        priority: u8,
        #[arg(long = "depends-on")]
        depends_on: Vec<String>,
        #[arg(long = "capability")]
        capabilities: Vec<String>,
        #[arg(long, default_value_t = 3)]
        max_attempts: u32,
        #[arg(long)]
        idempotency_key: Option<String>,
        /// A JSON payload
        #[arg(long)]
        payload: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// List tasks
    #[command(after_help = "Example:\n  bosun task list --status ready --json")]
    List {
        #[arg(long)]
        project: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long)]
        priority: Option<u8>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Show one task
    #[command(after_help = "Example:\n  bosun task show 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Show {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Cancel a task (and its dependants)
    #[command(after_help = "Example:\n  bosun task cancel 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --reason 'superseded'")]
    Cancel {
        id: String,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Move a dead task back to ready
    #[command(after_help = "Example:\n  bosun task retry 01JDX3Q2V9Z8K7M6N5P4R3S2T1")]
    Retry {
        id: String,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Claim the best ready task (with an agent's key); prints the task and its fence
    #[command(
        after_help = "Exits 3 when there is nothing to claim.\n\nExample:\n  bosun task claim --wait 30 --scope 'src/api/**'"
    )]
    Claim {
        #[arg(long, default_value = "default")]
        project: String,
        #[arg(long, default_value_t = 300)]
        lease: u32,
        /// Seconds to wait for work (max 60)
        #[arg(long, default_value_t = 0)]
        wait: u32,
        /// Lock keys to take with the task
        #[arg(long)]
        scope: Vec<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Complete a leased task
    #[command(
        after_help = "Example:\n  bosun task complete 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --fence 1 --result '{\"pr\": 42}'"
    )]
    Complete {
        id: String,
        #[arg(long)]
        fence: u64,
        #[arg(long)]
        result: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Fail a leased task (retried with backoff unless --no-retry)
    #[command(after_help = "Example:\n  bosun task fail 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --fence 1 --error 'tests fail'")]
    Fail {
        id: String,
        #[arg(long)]
        fence: u64,
        #[arg(long)]
        error: String,
        #[arg(long)]
        no_retry: bool,
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
pub enum LockCmd {
    /// List active locks
    #[command(after_help = "Example:\n  bosun lock list --path src/lib.rs")]
    List {
        #[arg(long)]
        project: Option<String>,
        /// Only locks covering this path
        #[arg(long)]
        path: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Acquire locks on paths/globs or logical keys, all or nothing
    #[command(
        after_help = "Example:\n  bosun lock acquire 'src/api/**' db:migrations --ttl 1800 --reason 'schema change'"
    )]
    Acquire {
        #[arg(required = true)]
        paths: Vec<String>,
        #[arg(long, default_value = "default")]
        project: String,
        /// A shared (advisory) lock instead of an exclusive one
        #[arg(long)]
        shared: bool,
        #[arg(long, default_value_t = 3600)]
        ttl: u32,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Release a lock by id, or your own locks by the keys you locked
    #[command(
        after_help = "Examples:\n  bosun lock release 01JDX3Q2V9Z8K7M6N5P4R3S2T1\n  bosun lock release --path 'src/api/**' --path db:migrations"
    )]
    Release {
        #[arg(required_unless_present = "paths", conflicts_with = "paths")]
        id: Option<String>,
        /// A key you hold (repeatable), instead of an id
        #[arg(long = "path")]
        paths: Vec<String>,
        #[arg(long, default_value = "default")]
        project: String,
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
pub enum HandoffCmd {
    /// Leave a handoff for the next agent
    #[command(
        after_help = "Example:\n  bosun handoff write --summary 'parser done' --next 'write tests' --file src/parse.rs"
    )]
    Write {
        #[arg(long)]
        summary: String,
        #[arg(long, default_value = "default")]
        project: String,
        #[arg(long)]
        task: Option<String>,
        #[arg(long)]
        completed: Vec<String>,
        #[arg(long = "in-progress")]
        in_progress: Vec<String>,
        #[arg(long = "next")]
        next_steps: Vec<String>,
        #[arg(long = "decision")]
        decisions: Vec<String>,
        #[arg(long = "file")]
        files: Vec<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Read handoffs (newest first)
    #[command(after_help = "Example:\n  bosun handoff read --task 01JDX3Q2V9Z8K7M6N5P4R3S2T1 --latest")]
    Read {
        #[arg(long)]
        project: Option<String>,
        #[arg(long)]
        task: Option<String>,
        /// Author id or name
        #[arg(long)]
        agent: Option<String>,
        #[arg(long)]
        latest: bool,
        #[command(flatten)]
        client: ClientArgs,
    },
}

#[derive(Subcommand)]
pub enum GuardCmd {
    /// For a git pre-commit hook: exit 1 when a staged file is under another holder's exclusive lock
    #[command(after_help = "Example:\n  bosun guard pre-commit --project myrepo")]
    PreCommit {
        #[arg(long, default_value = "default")]
        project: String,
        /// Fail (exit 1) when Bosun cannot be reached, instead of warning
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Write .git/hooks/pre-commit to run `bosun guard pre-commit`
    #[command(after_help = "Example:\n  bosun guard install --project myrepo")]
    Install {
        #[arg(long, default_value = "default")]
        project: String,
        /// Replace an existing hook that Bosun did not write
        #[arg(long)]
        force: bool,
    },
    /// Ask the guardrails whether a command is safe; exit 1 when it is not
    #[command(
        after_help = "Examples:\n  bosun guard check -- git push --force origin main\n  bosun guard check --path .env -- cp x .env"
    )]
    Check {
        /// A file the command will write (repeatable)
        #[arg(long = "path")]
        paths: Vec<String>,
        /// The command, after `--`
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// A coding agent's pre-tool hook: reads the hook JSON on stdin, blocks with exit 2
    #[command(
        after_help = "Example (.claude/settings.json, or run `bosun guard install-hook`):\n  {\"hooks\": {\"PreToolUse\": [{\"matcher\": \"Bash|Edit|Write|MultiEdit|NotebookEdit\",\n    \"hooks\": [{\"type\": \"command\", \"command\": \"bosun guard hook claude-code\"}]}]}}"
    )]
    Hook {
        /// claude-code
        agent: String,
        /// Allow the command when Bosun cannot be reached (default: refuse)
        #[arg(long)]
        fail_open: bool,
        /// On a rule that asks for an approval: file one and wait this many seconds (max 3600) for
        /// a person to decide; 0 hands the choice to the agent's own prompt (`ask`)
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=3600))]
        approval_wait: u32,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Write the pre-tool hook into the agent's settings (Claude Code: .claude/settings.json)
    #[command(after_help = "Example:\n  bosun guard install-hook claude-code")]
    InstallHook {
        /// claude-code
        agent: String,
        /// The settings file [default: .claude/settings.json]
        #[arg(long)]
        settings: Option<PathBuf>,
        #[arg(long)]
        fail_open: bool,
        /// Seconds the hook waits for an approver on rules that ask for one (0: `ask`)
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=3600))]
        approval_wait: u32,
    },
}

fn json_arg(flag: &str, raw: Option<String>) -> anyhow::Result<Value> {
    match raw {
        Some(text) => serde_json::from_str(&text).with_context(|| format!("{flag} is not JSON")),
        None => Ok(json!({})),
    }
}

fn query(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> =
        pairs.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode_component(v)))).collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

const AGENT_COLUMNS: [&str; 7] = ["id", "name", "kind", "profile", "status", "capabilities", "last_heartbeat_at"];
const TASK_COLUMNS: [&str; 7] = ["id", "title", "priority", "status", "assignee", "attempts", "project"];
const LOCK_COLUMNS: [&str; 6] = ["id", "key", "exclusive", "holder", "fence", "expires_at"];

pub async fn agent(cmd: AgentCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        AgentCmd::List { status, capability, kind, client } => {
            let c = Client::new(&client);
            let page = c
                .get(&format!(
                    "/api/v1/agents{}",
                    query(&[
                        ("status", status),
                        ("capability", capability),
                        ("kind", kind),
                        ("limit", Some("500".into()))
                    ])
                ))
                .await?;
            let rows = page["items"].as_array().cloned().unwrap_or_default();
            c.show(&page["items"], &rows, &AGENT_COLUMNS);
        }
        AgentCmd::Show { id, client } => {
            let c = Client::new(&client);
            let a = c.get(&format!("/api/v1/agents/{}", encode_component(&id))).await?;
            c.show(&a, std::slice::from_ref(&a), &AGENT_COLUMNS);
        }
        AgentCmd::Register { name, kind, capabilities, profile, heartbeat_interval, client } => {
            let c = Client::new(&client);
            let body = json!({"name": name, "kind": kind, "capabilities": capabilities, "profile": profile,
                "heartbeat_interval_seconds": heartbeat_interval});
            let r = c.post("/api/v1/agents", &body).await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                say!(
                    "agent {} ({}) registered; its API key, shown once:",
                    cell(&r["agent"]["name"]),
                    cell(&r["agent"]["id"])
                );
                say!("  {}", cell(&r["key"]["key"]));
            }
        }
        AgentCmd::Deregister { id, client } => {
            let c = Client::new(&client);
            let a = c.delete(&format!("/api/v1/agents/{}", encode_component(&id))).await?;
            c.show(&a, std::slice::from_ref(&a), &AGENT_COLUMNS);
        }
        AgentCmd::Profile { id, profile, client } => {
            let c = Client::new(&client);
            let path = format!("/api/v1/agents/{}/profile", encode_component(&id));
            let a = c.put(&path, &json!({"profile": profile})).await?;
            c.show(&a, std::slice::from_ref(&a), &AGENT_COLUMNS);
        }
        AgentCmd::Profiles { client } => {
            let c = Client::new(&client);
            let list = c.get("/api/v1/profiles").await?;
            let rows: Vec<Value> = list["profiles"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    let l = &p["limits"];
                    json!({"name": p["name"], "trust": p["trust_level"], "leases": l["max_leases"],
                        "locks": l["max_locks"], "paths": l["max_paths_per_lock"],
                        "wildcards": l["max_pattern_wildcards"], "blocked": p["blocked_operations"]})
                })
                .collect();
            c.show(&list, &rows, &["name", "trust", "leases", "locks", "paths", "wildcards", "blocked"]);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn task(cmd: TaskCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        TaskCmd::Submit {
            title,
            project,
            description,
            priority,
            depends_on,
            capabilities,
            max_attempts,
            idempotency_key,
            payload,
            client,
        } => {
            let c = Client::new(&client);
            let body = json!({"title": title, "project": project, "description": description, "priority": priority,
                "depends_on": depends_on, "required_capabilities": capabilities, "max_attempts": max_attempts,
                "idempotency_key": idempotency_key, "payload": json_arg("--payload", payload)?});
            let t = c.post("/api/v1/tasks", &body).await?;
            c.show(&t, std::slice::from_ref(&t), &TASK_COLUMNS);
        }
        TaskCmd::List { project, status, assignee, priority, client } => {
            let c = Client::new(&client);
            let q = query(&[
                ("project", project),
                ("status", status),
                ("assignee", assignee),
                ("priority", priority.map(|p| p.to_string())),
            ]);
            let all = c.all_pages(&format!("/api/v1/tasks{q}")).await?;
            c.show(&Value::Array(all.clone()), &all, &TASK_COLUMNS);
        }
        TaskCmd::Show { id, client } => {
            let c = Client::new(&client);
            let t = c.get(&format!("/api/v1/tasks/{}", encode_component(&id))).await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&t)?);
            } else {
                for (k, v) in t.as_object().into_iter().flatten() {
                    say!("{k:<22} {}", cell(v));
                }
            }
        }
        TaskCmd::Cancel { id, reason, client } => {
            let c = Client::new(&client);
            let t =
                c.post(&format!("/api/v1/tasks/{}/cancel", encode_component(&id)), &json!({"reason": reason})).await?;
            c.show(&t, std::slice::from_ref(&t), &TASK_COLUMNS);
        }
        TaskCmd::Retry { id, client } => {
            let c = Client::new(&client);
            let t = c.post(&format!("/api/v1/tasks/{}/retry", encode_component(&id)), &json!({})).await?;
            c.show(&t, std::slice::from_ref(&t), &TASK_COLUMNS);
        }
        TaskCmd::Claim { project, lease, wait, scope, client } => {
            let c = Client::new(&client);
            let body = json!({"project": project, "lease_seconds": lease, "wait_seconds": wait, "scope": scope});
            let r = c.post("/api/v1/tasks/claim", &body).await?;
            if r.is_null() {
                if c.json {
                    say!("null");
                } else {
                    say!("nothing to claim");
                }
                return Ok(ExitCode::from(3));
            }
            if c.json {
                say!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                say!(
                    "claimed {} \"{}\" with fence {} until {}",
                    cell(&r["task"]["id"]),
                    cell(&r["task"]["title"]),
                    cell(&r["fence"]),
                    cell(&r["lease_expires_at"])
                );
            }
        }
        TaskCmd::Complete { id, fence, result, client } => {
            let c = Client::new(&client);
            let body = json!({"fence": fence, "result": json_arg("--result", result)?});
            let t = c.post(&format!("/api/v1/tasks/{}/complete", encode_component(&id)), &body).await?;
            c.show(&t, std::slice::from_ref(&t), &TASK_COLUMNS);
        }
        TaskCmd::Fail { id, fence, error, no_retry, client } => {
            let c = Client::new(&client);
            let body = json!({"fence": fence, "error": error, "retryable": !no_retry});
            let t = c.post(&format!("/api/v1/tasks/{}/fail", encode_component(&id)), &body).await?;
            c.show(&t, std::slice::from_ref(&t), &TASK_COLUMNS);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn lock(cmd: LockCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        LockCmd::List { project, path, client } => {
            let c = Client::new(&client);
            let r = c.get(&format!("/api/v1/locks{}", query(&[("project", project), ("path", path)]))).await?;
            let rows = r["locks"].as_array().cloned().unwrap_or_default();
            c.show(&r["locks"], &rows, &LOCK_COLUMNS);
        }
        LockCmd::Acquire { paths, project, shared, ttl, reason, client } => {
            let c = Client::new(&client);
            let body =
                json!({"project": project, "paths": paths, "exclusive": !shared, "ttl_seconds": ttl, "reason": reason});
            let r = c.post("/api/v1/locks", &body).await?;
            let rows = r["locks"].as_array().cloned().unwrap_or_default();
            c.show(&r["locks"], &rows, &LOCK_COLUMNS);
        }
        LockCmd::Release { id: Some(id), client, .. } => {
            let c = Client::new(&client);
            let l = c.delete(&format!("/api/v1/locks/{}", encode_component(&id))).await?;
            c.show(&l, std::slice::from_ref(&l), &LOCK_COLUMNS);
        }
        LockCmd::Release { id: None, paths, project, client } => {
            let c = Client::new(&client);
            let r = c.post("/api/v1/locks/release", &json!({"project": project, "paths": paths})).await?;
            let rows = r["locks"].as_array().cloned().unwrap_or_default();
            c.show(&r["locks"], &rows, &LOCK_COLUMNS);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn handoff(cmd: HandoffCmd) -> anyhow::Result<ExitCode> {
    let columns = ["created_at", "author", "task_id", "summary"];
    match cmd {
        HandoffCmd::Write { summary, project, task, completed, in_progress, next_steps, decisions, files, client } => {
            let c = Client::new(&client);
            let body = json!({"summary": summary, "project": project, "task_id": task, "completed": completed,
                "in_progress": in_progress, "next_steps": next_steps, "decisions": decisions, "files": files});
            let h = c.post("/api/v1/handoffs", &body).await?;
            c.show(&h, std::slice::from_ref(&h), &columns);
        }
        HandoffCmd::Read { project, task, agent, latest, client } => {
            let c = Client::new(&client);
            let latest = latest.then(|| "true".to_owned());
            let r = c
                .get(&format!(
                    "/api/v1/handoffs{}",
                    query(&[("project", project), ("task_id", task), ("agent", agent), ("latest", latest)])
                ))
                .await?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&r["items"])?);
            } else {
                for h in r["items"].as_array().into_iter().flatten() {
                    say!("# {} by {} ({})", cell(&h["created_at"]), cell(&h["author"]), cell(&h["task_id"]));
                    say!("{}", cell(&h["summary"]));
                    for (title, key) in [
                        ("Completed", "completed"),
                        ("In progress", "in_progress"),
                        ("Next steps", "next_steps"),
                        ("Decisions", "decisions"),
                        ("Files", "files"),
                    ] {
                        let items = h[key].as_array().cloned().unwrap_or_default();
                        if !items.is_empty() {
                            say!("{title}:");
                            for i in items {
                                say!("  - {}", cell(&i));
                            }
                        }
                    }
                    say!("");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn git(args: &[&str]) -> anyhow::Result<String> {
    let out = std::process::Command::new("git").args(args).output().context("cannot run git")?;
    if !out.status.success() {
        bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

const HOOK_MARK: &str = "# installed by `bosun guard install`";

pub async fn guard(cmd: GuardCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        GuardCmd::PreCommit { project, strict, client } => {
            let staged = git(&["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMRD"])?;
            let files: Vec<&str> = staged.split('\0').filter(|f| !f.is_empty()).collect();
            if files.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            let c = Client::new(&client);
            let fetched = async {
                let me = c.get("/api/v1/whoami").await?;
                let locks = c.get(&format!("/api/v1/locks{}", query(&[("project", Some(project.clone()))]))).await?;
                anyhow::Ok((me, locks))
            }
            .await;
            let (me, locks) = match fetched {
                Ok(v) => v,
                Err(e) if !strict => {
                    eprintln!("bosun guard: cannot check locks ({e:#}); allowing the commit (use --strict to refuse)");
                    return Ok(ExitCode::SUCCESS);
                }
                Err(e) => return Err(e),
            };
            let mut blocked = Vec::new();
            for lock in locks["locks"].as_array().into_iter().flatten() {
                if lock["exclusive"] != true || lock["holder_id"] == me["id"] {
                    continue;
                }
                let Ok(key) = LockKey::parse(lock["key"].as_str().unwrap_or_default()) else { continue };
                for file in &files {
                    if key.covers_path(file) {
                        blocked.push(format!(
                            "  {file}: locked exclusively by {} (pattern {}, until {})",
                            cell(&lock["holder"]),
                            cell(&lock["key"]),
                            cell(&lock["expires_at"])
                        ));
                    }
                }
            }
            if blocked.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("bosun guard: commit refused, staged files are locked by someone else:");
            for line in blocked {
                eprintln!("{line}");
            }
            eprintln!("Unstage them, or ask the holder to release the lock.");
            Ok(ExitCode::FAILURE)
        }
        GuardCmd::Check { paths, command, client } => crate::guardrails::check(command, paths, client).await,
        GuardCmd::Hook { agent, fail_open, approval_wait, client } => match agent.as_str() {
            "claude-code" => crate::guardrails::claude_code_hook(fail_open, approval_wait, client).await,
            other => bail!("no hook for `{other}`: claude-code (Codex: see docs/GOVERNANCE.md)"),
        },
        GuardCmd::InstallHook { agent, settings, fail_open, approval_wait } => match agent.as_str() {
            "claude-code" => crate::guardrails::install_claude_code_hook(
                &settings.unwrap_or_else(crate::guardrails::default_settings),
                fail_open,
                approval_wait,
            ),
            other => bail!("no hook for `{other}`: claude-code"),
        },
        GuardCmd::Install { project, force } => {
            let hooks = PathBuf::from(git(&["rev-parse", "--git-path", "hooks"])?.trim());
            std::fs::create_dir_all(&hooks)?;
            let hook = hooks.join("pre-commit");
            if let Ok(existing) = std::fs::read_to_string(&hook)
                && !existing.contains(HOOK_MARK)
                && !force
            {
                bail!("{} exists and was not written by bosun; pass --force to replace it", hook.display());
            }
            let exe = std::env::current_exe().context("cannot find the bosun executable")?;
            let script = format!(
                "#!/bin/sh\n{HOOK_MARK}: refuse commits that touch files another agent locked.\nexec '{}' guard pre-commit --project '{}'\n",
                exe.display(),
                project.replace('\'', "")
            );
            std::fs::write(&hook, script)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))?;
            }
            say!("installed {}", hook.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
