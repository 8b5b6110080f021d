//! `bosun guard check` and the Claude Code `PreToolUse` hook: guardrails where agents run
//! commands (SPEC §5.4).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use bosun_core::uri::encode_component;

use crate::client::{Client, ClientArgs, print_table, say};

/// The most hook input read from stdin.
const MAX_HOOK_INPUT: u64 = 1024 * 1024;

/// The words given after `--`, quoted back into one shell command: `bash -c 'rm -fr x'` stays
/// one argument to `-c`.
fn shell_join(words: &[String]) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c);
    let quote = |w: &String| {
        if !w.is_empty() && w.chars().all(safe) { w.clone() } else { format!("'{}'", w.replace('\'', "'\\''")) }
    };
    words.iter().map(quote).collect::<Vec<_>>().join(" ")
}

pub async fn check(command: Vec<String>, paths: Vec<String>, client: ClientArgs) -> anyhow::Result<ExitCode> {
    let c = Client::new(&client);
    let operation = if command.len() == 1 { command[0].clone() } else { shell_join(&command) };
    let verdict = c.post("/api/v1/guardrails/check", &json!({"operation": operation, "paths": paths})).await?;
    let rows = verdict["violations"].as_array().cloned().unwrap_or_default();
    if c.json {
        say!("{}", serde_json::to_string_pretty(&verdict)?);
    } else if rows.is_empty() {
        say!("safe: {} command(s) judged, nothing matched", verdict["commands"]);
    } else {
        print_table(&rows, &["action", "category", "rule", "matched"]);
        let word = if verdict["safe"] == true { "safe (logged only)" } else { "NOT safe" };
        say!("{word}{}", if verdict["unparsed"] == true { "; part of it could not be parsed" } else { "" });
    }
    Ok(if verdict["safe"] == true { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// What a Claude Code tool call would do, as a guardrail question.
fn question(input: &Value) -> Option<(String, Vec<String>)> {
    let tool = input["tool_name"].as_str().unwrap_or("");
    let args = &input["tool_input"];
    match tool {
        "Bash" => Some((args["command"].as_str().unwrap_or("").to_owned(), Vec::new())),
        "Edit" | "Write" | "MultiEdit" | "NotebookEdit" => {
            let path = args["file_path"].as_str().or(args["notebook_path"].as_str()).unwrap_or("");
            Some((String::new(), vec![path.to_owned()]))
        }
        _ => None,
    }
}

/// The Claude Code `PreToolUse` hook: the hook JSON on stdin; a block is exit 2 with the reason
/// on stderr (what Claude Code reads); a rule asking for an approval answers the hook's JSON
/// `ask` decision, so a person decides; safe is exit 0 without output (Claude Code's own
/// permission rules then apply). Bosun unreachable: exit 2 (fail closed) unless `--fail-open`.
pub async fn claude_code_hook(fail_open: bool, approval_wait: u32, client: ClientArgs) -> anyhow::Result<ExitCode> {
    let mut raw = String::new();
    std::io::stdin().take(MAX_HOOK_INPUT).read_to_string(&mut raw).context("cannot read the hook input")?;
    let input: Value = match serde_json::from_str(&raw) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("bosun guard: the hook input is not JSON ({e}); refusing");
            return Ok(ExitCode::from(2));
        }
    };
    let Some((operation, paths)) = question(&input) else { return Ok(ExitCode::SUCCESS) };
    let c = Client::new(&client);
    let verdict = match c.post("/api/v1/guardrails/check", &json!({"operation": operation, "paths": paths})).await {
        Ok(v) => v,
        Err(e) if fail_open => {
            eprintln!("bosun guard: cannot reach Bosun ({e:#}); allowing (--fail-open)");
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => {
            eprintln!("bosun guard: cannot reach Bosun to check this command ({e:#}); refusing (fail closed)");
            return Ok(ExitCode::from(2));
        }
    };
    let violations = verdict["violations"].as_array().cloned().unwrap_or_default();
    let explain = |wanted: &str| -> String {
        violations
            .iter()
            .filter(|v| v["action"] == wanted)
            .map(|v| {
                format!(
                    "{} ({}): {}",
                    v["rule"].as_str().unwrap_or(""),
                    v["category"].as_str().unwrap_or(""),
                    v["matched"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if violations.iter().any(|v| v["action"] == "block") {
        eprintln!(
            "Blocked by Bosun's guardrails: {}. Do not retry it in another spelling; ask a person or choose a safer command.",
            explain("block")
        );
        return Ok(ExitCode::from(2));
    }
    if violations.iter().any(|v| v["action"] == "require_approval") && approval_wait > 0 {
        let cwd = input["cwd"].as_str().unwrap_or("shell");
        return file_and_wait(&c, &operation, &paths, cwd, &violations, approval_wait).await;
    }
    if violations.iter().any(|v| v["action"] == "require_approval") {
        let answer = json!({"hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "ask",
            "permissionDecisionReason": format!("Bosun's guardrails ask for an approval: {}", explain("require_approval")),
        }});
        say!("{answer}");
        return Ok(ExitCode::SUCCESS);
    }
    Ok(ExitCode::SUCCESS)
}

/// The risk factors of a command the guardrails gate: high enough that a person decides (a
/// guardrail asked for an approval; the score must not wave it through — 55 at least, above
/// the threshold of 50), and deterministic.
fn gated_factors(violations: &[Value]) -> Value {
    let has = |c: &str| violations.iter().any(|v| v["category"] == c);
    json!({
        "privilege_impact": 1.0,
        "blast_radius": 1.0,
        "operational_complexity": 1.0,
        "data_access": if has("sql_destructive") || has("migration") { 1.0 } else { 0.5 },
        "history": 1.0,
    })
}

/// File an approval for the command and wait (bounded) for a person's decision: approved is
/// exit 0, denied, expired or no decision in time is exit 2 with the reason.
async fn file_and_wait(
    c: &Client,
    operation: &str,
    paths: &[String],
    cwd: &str,
    violations: &[Value],
    wait: u32,
) -> anyhow::Result<ExitCode> {
    let request = json!({
        "action": "shell",
        "resource": cwd.chars().take(256).collect::<String>(),
        "arguments": {"command": operation, "paths": paths},
        "factors": gated_factors(violations),
        "evidence": {"violations": violations},
        "ttl_seconds": (wait + 60).clamp(60, 86_400),
    });
    let filed = match c.post("/api/v1/approvals", &request).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bosun guard: this command needs an approval and filing it failed ({e:#}); refusing");
            return Ok(ExitCode::from(2));
        }
    };
    let id = filed["id"].as_str().unwrap_or_default().to_owned();
    eprintln!(
        "bosun guard: waiting up to {wait} s for an approver to decide approval {id} (bosun approvals approve {id})"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(u64::from(wait));
    let mut status = filed["status"].as_str().unwrap_or("pending").to_owned();
    let mut last = filed;
    while status == "pending" && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if let Ok(a) = c.get(&format!("/api/v1/approvals/{}", encode_component(&id))).await {
            status = a["status"].as_str().unwrap_or("pending").to_owned();
            last = a;
        }
    }
    let by = last["decided_by"].as_str().unwrap_or("nobody");
    let reason = last["reason"].as_str().unwrap_or("no reason given");
    match status.as_str() {
        "approved" | "auto_approved" => {
            eprintln!("bosun guard: approved by {by} ({reason})");
            Ok(ExitCode::SUCCESS)
        }
        "denied" => {
            eprintln!("Denied by {by} through Bosun (approval {id}): {reason}. Do not run it another way.");
            Ok(ExitCode::from(2))
        }
        other => {
            eprintln!("No approval for this command (approval {id} is {other} after {wait} s); it was not run.");
            Ok(ExitCode::from(2))
        }
    }
}

/// Add the hook to a Claude Code settings file (kept: everything else in it).
pub fn install_claude_code_hook(settings: &Path, fail_open: bool, approval_wait: u32) -> anyhow::Result<ExitCode> {
    let mut doc: Value = match std::fs::read_to_string(settings) {
        Ok(text) => serde_json::from_str(&text).with_context(|| format!("{} is not JSON", settings.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => json!({}),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", settings.display())),
    };
    let exe = std::env::current_exe().context("cannot find the bosun executable")?;
    let mut command = format!("'{}' guard hook claude-code", exe.display().to_string().replace('\'', ""));
    if fail_open {
        command.push_str(" --fail-open");
    }
    if approval_wait > 0 {
        command.push_str(&format!(" --approval-wait {approval_wait}"));
    }
    // Claude Code's own timeout for the hook outlasts the wait for a decision.
    let timeout = 30 + approval_wait;
    let entry = json!({"matcher": "Bash|Edit|Write|MultiEdit|NotebookEdit", "hooks": [{"type": "command", "command": command, "timeout": timeout}]});
    let Some(root) = doc.as_object_mut() else { bail!("{} is not a JSON object", settings.display()) };
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let Some(pre) = hooks.as_object_mut().map(|h| h.entry("PreToolUse").or_insert_with(|| json!([]))) else {
        bail!("`hooks` in {} is not an object", settings.display())
    };
    let Some(list) = pre.as_array_mut() else { bail!("`hooks.PreToolUse` is not a list") };
    list.retain(|e| !e.to_string().contains("guard hook claude-code"));
    list.push(entry);
    if let Some(dir) = settings.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(settings, serde_json::to_string_pretty(&doc)? + "\n")?;
    say!("wrote the PreToolUse hook to {}", settings.display());
    Ok(ExitCode::SUCCESS)
}

pub fn default_settings() -> PathBuf {
    PathBuf::from(".claude").join("settings.json")
}
