//! Guardrails where agents run commands: `bosun guard hook claude-code` fed real Claude Code
//! `PreToolUse` hook JSON on stdin, against a running server — the exit code, the stderr reason
//! and the JSON answer Claude Code reads; and `bosun guard check`.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{BIN, Spawned, bosun, text};
use serde_json::{Value, json};

fn hook(url: &str, key: &str, input: &Value, extra: &[&str]) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(["guard", "hook", "claude-code"])
        .args(extra)
        .env("BOSUN_URL", url)
        .env("BOSUN_API_KEY", key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn bash(command: &str) -> Value {
    json!({"session_id": "s1", "transcript_path": "/tmp/t.jsonl", "cwd": "/tmp", "hook_event_name": "PreToolUse",
        "tool_name": "Bash", "tool_input": {"command": command, "description": "run it"}, "tool_use_id": "toolu_1"})
}

#[test]
fn the_claude_code_hook_blocks_asks_and_allows() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let reg =
        bosun(&["agent", "register", "--name", "coder", "--kind", "claude-code", "--json"], Some(&url), Some(&admin));
    let key = serde_json::from_slice::<Value>(&reg.stdout).unwrap()["key"]["key"].as_str().unwrap().to_owned();

    // Blocked: exit 2, the reason on stderr (what Claude Code shows the model), nothing on stdout.
    let out = hook(&url, &key, &bash("cd repo && sudo git -C . push --force origin main"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let reason = text(&out.stderr);
    assert!(reason.contains("git-force-push") && reason.contains("git_destructive"), "{reason}");
    assert!(out.stdout.is_empty());

    // A write to a credential file through the Write tool: blocked too.
    let write = json!({"hook_event_name": "PreToolUse", "tool_name": "Write",
        "tool_input": {"file_path": "/repo/.env", "content": "X=1"}});
    let out = hook(&url, &key, &write, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("credentials"), "{}", text(&out.stderr));

    // An approval is asked for: exit 0 and the hook's JSON `ask` decision.
    let out = hook(&url, &key, &bash("terraform apply -auto-approve"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    let decision = &answer["hookSpecificOutput"];
    assert_eq!(
        (decision["hookEventName"].as_str(), decision["permissionDecision"].as_str()),
        (Some("PreToolUse"), Some("ask"))
    );
    assert!(decision["permissionDecisionReason"].as_str().unwrap().contains("deploy-or-infra"), "{answer}");

    // Safe, and tools the guard does not judge: exit 0, silent.
    for input in [
        bash("git push origin feature && echo 'rm -rf /'"),
        json!({"tool_name": "Read", "tool_input": {"file_path": "/repo/.env"}}),
    ] {
        let out = hook(&url, &key, &input, &[]);
        assert_eq!(out.status.code(), Some(0), "{input}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    }

    // Garbage on stdin: refused.
    let mut child = Command::new(BIN)
        .args(["guard", "hook", "claude-code"])
        .env("BOSUN_URL", &url)
        .env("BOSUN_API_KEY", &key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{not json").unwrap();
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(2));

    // `bosun guard check`: exit 1 when not safe, a table naming the rule.
    let out = bosun(&["guard", "check", "--", "bash", "-c", "rm -fr build"], Some(&url), Some(&key));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("rm-recursive-force"), "{}", text(&out.stdout));
    let out = bosun(&["guard", "check", "--", "git", "status"], Some(&url), Some(&key));
    assert!(out.status.success(), "{}", text(&out.stdout));

    // Every violation is audited; safe checks are not.
    let audit =
        bosun(&["audit", "tail", "--action", "guardrail.", "--limit", "50", "--json"], Some(&url), Some(&admin));
    let lines = text(&audit.stdout);
    assert_eq!(lines.matches("guardrail.violated").count(), 4, "{lines}");

    // Bosun gone: fail closed, or open when asked.
    server.stop();
    let out = hook(&url, &key, &bash("ls"), &[]);
    assert_eq!(out.status.code(), Some(2), "fail closed: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot reach Bosun"));
    let out = hook(&url, &key, &bash("ls"), &["--fail-open"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn install_hook_writes_claude_code_settings_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join(".claude").join("settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, r#"{"model": "opus", "hooks": {"PostToolUse": [{"matcher": "Write", "hooks": []}]}}"#)
        .unwrap();
    for _ in 0..2 {
        let out =
            bosun(&["guard", "install-hook", "claude-code", "--settings", settings.to_str().unwrap()], None, None);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(doc["model"], "opus");
    assert!(doc["hooks"]["PostToolUse"].is_array());
    let pre = doc["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 1, "installed once, however often it runs: {doc}");
    assert_eq!(pre[0]["matcher"], "Bash|Edit|Write|MultiEdit|NotebookEdit");
    assert!(pre[0]["hooks"][0]["command"].as_str().unwrap().ends_with("guard hook claude-code"));
}

/// With `--approval-wait`, a command a rule gates is filed as an approval and the hook waits for
/// a person: approved runs (exit 0), denied does not (exit 2, the approver's reason on stderr).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_files_an_approval_and_waits_for_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let reg = bosun(&["agent", "register", "--name", "coder", "--json"], Some(&url), Some(&admin));
    let key = serde_json::from_slice::<Value>(&reg.stdout).unwrap()["key"]["key"].as_str().unwrap().to_owned();
    for (verdict, code) in [("approve", 0), ("deny", 2)] {
        let (u, k) = (url.clone(), key.clone());
        let hook = tokio::task::spawn_blocking(move || {
            hook(&u, &k, &bash("kubectl apply -f deploy.yaml"), &["--approval-wait", "60"])
        });
        // Wait for the approval to be filed (an event, not the passing of time).
        let id = loop {
            let list = common::api("GET", &url, &admin, "/api/v1/approvals?status=pending", None).await;
            if let Some(id) = list["approvals"][0]["id"].as_str() {
                assert_eq!(list["approvals"][0]["arguments"]["command"], "kubectl apply -f deploy.yaml");
                assert!(list["approvals"][0]["risk"].as_f64().unwrap() > 50.0, "{list}");
                break id.to_owned();
            }
            if hook.is_finished() {
                let out = hook.await.unwrap();
                panic!("the hook ended before filing an approval: {:?} {}", out.status, text(&out.stderr));
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        };
        let out = bosun(&["approvals", verdict, &id, "--reason", "change window"], Some(&url), Some(&admin));
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = hook.await.unwrap();
        assert_eq!(out.status.code(), Some(code), "{verdict}: {}", text(&out.stderr));
        if code == 2 {
            assert!(text(&out.stderr).contains("change window"), "{}", text(&out.stderr));
        }
    }
    server.stop();
}
