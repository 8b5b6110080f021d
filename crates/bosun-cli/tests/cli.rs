//! The `bosun` command line as a user meets it: help with examples, tables and --json, one-line
//! errors with non-zero exits, and exit 2 for bad configuration.

mod common;

use common::{BIN, Spawned, bosun, text};
use serde_json::Value;

#[test]
fn every_verb_has_help_with_an_example() {
    let verbs: &[&[&str]] = &[
        &["serve"],
        &["audit", "verify"],
        &["audit", "export"],
        &["audit", "tail"],
        &["user", "create"],
        &["user", "passwd"],
        &["user", "link"],
        &["user", "list"],
        &["key", "create"],
        &["key", "revoke"],
        &["tenant", "create"],
        &["tenant", "list"],
        &["whoami"],
        &["policy", "get"],
        &["policy", "put"],
        &["policy", "validate"],
        &["policy", "test"],
        &["policy", "diff"],
        &["policy", "rollback"],
        &["policy", "replay"],
        &["policy", "versions"],
        &["agent", "profile"],
        &["agent", "profiles"],
        &["guard", "check"],
        &["guard", "hook"],
        &["guard", "install-hook"],
        &["approvals", "list"],
        &["approvals", "show"],
        &["approvals", "approve"],
        &["approvals", "deny"],
        &["approvals", "threshold"],
        &["gate", "verify"],
        &["gate", "keys"],
        &["gate", "rotate"],
        &["budget", "list"],
        &["budget", "set"],
        &["budget", "remove"],
        &["budget", "usage"],
        &["budget", "verify"],
        &["backup"],
        &["migrate"],
        &["export"],
        &["import"],
        &["memory", "remember"],
        &["memory", "recall"],
        &["memory", "list"],
        &["memory", "erase"],
        &["worker"],
        &["workflow", "list"],
        &["workflow", "show"],
        &["workflow", "put"],
        &["workflow", "run"],
        &["workflow", "status"],
        &["workflow", "runs"],
        &["workflow", "cancel"],
    ];
    for verb in verbs {
        let mut args = verb.to_vec();
        args.push("--help");
        let out = bosun(&args, None, None);
        assert!(out.status.success(), "{verb:?}");
        assert!(text(&out.stdout).contains("Example"), "{verb:?} --help shows an example");
    }
}

#[test]
fn bad_configuration_is_one_line_and_exit_2() {
    let out = std::process::Command::new(BIN).args(["serve"]).env("BOSUN_BIND", "not-an-address").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bind: `not-an-address`"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bosun.toml");
    std::fs::write(&file, "bind = \"127.0.0.1:1\"\ncolour = \"blue\"\n").unwrap();
    let out = std::process::Command::new(BIN).args(["serve", "--config"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("colour"), "{}", text(&out.stderr));
}

#[test]
fn client_verbs_print_tables_json_and_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let url = Some(url.as_str());

    let out = bosun(&["user", "create", "carol", "--role", "viewer"], url, Some(&admin));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("ID") && table.contains("carol") && table.contains("viewer"), "{table}");

    let out = bosun(&["user", "list", "--json"], url, Some(&admin));
    let users: Value = serde_json::from_slice(&out.stdout).unwrap();
    let carol = users.as_array().unwrap().iter().find(|u| u["name"] == "carol").unwrap().clone();

    let out = bosun(&["key", "create", carol["id"].as_str().unwrap(), "--json"], url, Some(&admin));
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    let carol_key = key["key"].as_str().unwrap().to_owned();
    let out = bosun(&["whoami", "--json"], url, Some(&carol_key));
    let me: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(me["name"], "carol");

    let out = bosun(&["user", "create", "dave"], url, Some(&carol_key));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: forbidden: "), "{err}");

    let out = bosun(&["whoami"], Some("http://127.0.0.1:9"), Some(&admin));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error: cannot reach Bosun at http://127.0.0.1:9"), "{}", text(&out.stderr));

    let out = bosun(&["key", "revoke", key["id"].as_str().unwrap()], url, Some(&admin));
    assert!(out.status.success());
    let out = bosun(&["audit", "tail", "--limit", "3", "--json"], url, Some(&admin));
    let actions: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions.last().map(String::as_str), Some("key.revoked"));

    let export = dir.path().join("audit.jsonl");
    let out = bosun(&["audit", "export", "--output", export.to_str().unwrap()], url, Some(&admin));
    assert!(out.status.success());
    let out = bosun(&["audit", "verify", "--file", export.to_str().unwrap()], None, None);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let out = bosun(&["audit", "verify"], url, Some(&admin));
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("ok: "), "{}", text(&out.stdout));
    server.stop();
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn agents_tasks_locks_and_handoffs_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let url = Some(url.as_str());

    let reg = json_of(&bosun(
        &["agent", "register", "--name", "cli-bot", "--capability", "rust", "--json"],
        url,
        Some(&admin),
    ));
    let bot = reg["key"]["key"].as_str().unwrap().to_owned();
    let task = json_of(&bosun(
        &["task", "submit", "Fix the parser", "--priority", "9", "--capability", "rust", "--json"],
        url,
        Some(&admin),
    ));
    let listed = bosun(&["task", "list"], url, Some(&admin));
    assert!(text(&listed.stdout).contains("Fix the parser"), "{}", text(&listed.stdout));

    let claim = json_of(&bosun(&["task", "claim", "--scope", "src/parse.rs", "--json"], url, Some(&bot)));
    assert_eq!(claim["task"]["id"], task["id"]);
    let fence = claim["fence"].to_string();
    let none = bosun(&["task", "claim"], url, Some(&bot));
    assert_eq!(none.status.code(), Some(3), "nothing left to claim");

    let locks = bosun(&["lock", "list", "--path", "src/parse.rs"], url, Some(&admin));
    assert!(text(&locks.stdout).contains("cli-bot"), "{}", text(&locks.stdout));
    let conflict = bosun(&["lock", "acquire", "src/**"], url, Some(&admin));
    assert_eq!(conflict.status.code(), Some(1));
    assert!(text(&conflict.stderr).starts_with("error: lock_conflict: "), "{}", text(&conflict.stderr));
    // Release by key instead of id: your own locks only.
    assert!(bosun(&["lock", "acquire", "docs/notes.md"], url, Some(&admin)).status.success());
    let released = json_of(&bosun(&["lock", "release", "--path", "./docs//notes.md", "--json"], url, Some(&admin)));
    assert_eq!(released[0]["key"], "docs/notes.md", "{released}");
    let none = bosun(&["lock", "release", "--path", "docs/notes.md"], url, Some(&admin));
    assert!(text(&none.stderr).starts_with("error: not_found: "), "{}", text(&none.stderr));

    let id = task["id"].as_str().unwrap();
    let done = json_of(&bosun(
        &["task", "complete", id, "--fence", &fence, "--result", "{\"ok\":true}", "--json"],
        url,
        Some(&bot),
    ));
    assert_eq!(done["status"], "succeeded");
    let stale = bosun(&["task", "complete", id, "--fence", &fence], url, Some(&bot));
    assert!(text(&stale.stderr).starts_with("error: stale_fence: "), "{}", text(&stale.stderr));

    let h =
        bosun(&["handoff", "write", "--summary", "parser fixed", "--task", id, "--next", "release"], url, Some(&bot));
    assert!(h.status.success(), "{}", text(&h.stderr));
    let read = bosun(&["handoff", "read", "--task", id, "--latest"], url, Some(&admin));
    assert!(
        text(&read.stdout).contains("parser fixed") && text(&read.stdout).contains("- release"),
        "{}",
        text(&read.stdout)
    );
    let agents = bosun(&["agent", "list"], url, Some(&admin));
    assert!(text(&agents.stdout).contains("cli-bot"));
    server.stop();
}

fn git(repo: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git").args(args).current_dir(repo).output().expect("git runs")
}

#[test]
fn the_git_guard_refuses_commits_on_files_locked_by_others() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let owner = json_of(&bosun(&["agent", "register", "--name", "GreenCastle", "--json"], Some(&url), Some(&admin)));
    let other = json_of(&bosun(&["agent", "register", "--name", "BlueRiver", "--json"], Some(&url), Some(&admin)));
    let (owner_key, other_key) = (owner["key"]["key"].as_str().unwrap(), other["key"]["key"].as_str().unwrap());
    assert!(bosun(&["lock", "acquire", "src/**"], Some(&url), Some(owner_key)).status.success());

    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    assert!(git(&repo, &["init", "-q"]).status.success());
    std::fs::write(repo.join("src/lib.rs"), "fn main() {}\n").unwrap();
    std::fs::write(repo.join("README.md"), "hi\n").unwrap();
    let guard = |key: &str| {
        std::process::Command::new(BIN)
            .args(["guard", "pre-commit"])
            .current_dir(&repo)
            .env("BOSUN_URL", &url)
            .env("BOSUN_API_KEY", key)
            .output()
            .unwrap()
    };
    assert!(git(&repo, &["add", "README.md"]).status.success());
    assert!(guard(other_key).status.success(), "an unlocked file passes");
    assert!(git(&repo, &["add", "src/lib.rs"]).status.success());
    let refused = guard(other_key);
    assert_eq!(refused.status.code(), Some(1));
    let msg = text(&refused.stderr);
    assert!(msg.contains("src/lib.rs") && msg.contains("GreenCastle") && msg.contains("src/**"), "{msg}");
    assert!(guard(owner_key).status.success(), "the holder may commit its own files");

    // Installed as a hook, it stops `git commit` itself.
    let install = std::process::Command::new(BIN).args(["guard", "install"]).current_dir(&repo).output().unwrap();
    assert!(install.status.success(), "{}", text(&install.stderr));
    let commit = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "touch locked file"])
        .current_dir(&repo)
        .env("BOSUN_URL", &url)
        .env("BOSUN_API_KEY", other_key)
        .output()
        .unwrap();
    assert!(!commit.status.success(), "the hook refused the commit");
    assert!(text(&commit.stderr).contains("GreenCastle"), "{}", text(&commit.stderr));
    server.stop();
}

#[test]
fn messages_and_events_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (server_url, admin) = (server.url.clone(), server.admin_key());
    let url = Some(server_url.as_str());
    let bot = json_of(&bosun(&["agent", "register", "--name", "mailbot", "--json"], url, Some(&admin)));
    let bot_key = bot["key"]["key"].as_str().unwrap().to_owned();
    // Follow the stream in the background until the first message event. The follower may
    // subscribe after a send, so keep sending (bounded) until it has seen one and exited.
    let mut follower = std::process::Command::new(BIN)
        .args(["events", "--types", "message.*", "--limit", "1", "--json"])
        .env("BOSUN_URL", &server_url)
        .env("BOSUN_API_KEY", &admin)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let send = || {
        json_of(&bosun(
            &["msg", "send", "--to", "mailbot", "--subject", "Nightly build", "--body", "red again", "--ack", "--json"],
            url,
            Some(&admin),
        ))
    };
    let sent = send();
    let mut sends = 1;
    while follower.try_wait().unwrap().is_none() {
        assert!(sends < 500, "the follower never saw a message event");
        send();
        sends += 1;
    }
    let id = sent["id"].as_str().unwrap().to_owned();
    let inbox = bosun(&["msg", "inbox", "--unread", "--json"], url, Some(&bot_key));
    let listed: Value = serde_json::from_slice(&inbox.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), sends);
    let inbox = bosun(&["msg", "inbox", "--unread"], url, Some(&bot_key));
    assert!(
        text(&inbox.stdout).contains("Nightly build") && text(&inbox.stdout).contains("delivered"),
        "{}",
        text(&inbox.stdout)
    );
    assert!(bosun(&["msg", "ack", &id], url, Some(&bot_key)).status.success());
    let found = bosun(&["msg", "search", "build red", "--json"], url, Some(&admin));
    let found: Value = serde_json::from_slice(&found.stdout).unwrap();
    assert!(!found.as_array().unwrap().is_empty(), "search finds the words");
    let thread = bosun(&["msg", "thread", &id, "--json"], url, Some(&admin));
    let thread: Value = serde_json::from_slice(&thread.stdout).unwrap();
    assert_eq!(thread[0]["recipients"][0]["state"], "acked");
    let followed = follower.wait_with_output().unwrap();
    assert!(followed.status.success());
    let first: Value = serde_json::from_str(text(&followed.stdout).lines().next().unwrap_or("{}")).unwrap();
    assert_eq!(first["type"], "message.sent", "{}", text(&followed.stdout));
    server.stop();
}

#[test]
fn memory_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (server_url, admin) = (server.url.clone(), server.admin_key());
    let url = Some(server_url.as_str());
    let bot = json_of(&bosun(&["agent", "register", "--name", "rememberer", "--json"], url, Some(&admin)));
    let key = bot["key"]["key"].as_str().unwrap().to_owned();
    let remember = |summary: &str, tag: &str| {
        json_of(&bosun(
            &[
                "memory",
                "remember",
                "--event-type",
                "task_failed",
                "--outcome",
                "failure",
                "--summary",
                summary,
                "--lessons",
                "pin the toolchain",
                "--tag",
                tag,
                "--subject",
                "carol@example.com",
                "--json",
            ],
            url,
            Some(&key),
        ))
    };
    assert_eq!(remember("nightly rustc broke the build", "ci")["action"], "created");
    assert_eq!(remember("Nightly rustc broke the build.", "ci")["action"], "deduplicated");
    assert_eq!(remember("clippy lint failed after upgrade", "lint")["action"], "created");
    let recalled = json_of(&bosun(&["memory", "recall", "rustc build broke", "--json"], url, Some(&key)));
    assert_eq!(recalled["memories"][0]["summary"], "nightly rustc broke the build", "{recalled}");
    assert_eq!(recalled["memories"][0]["seen"], 2);
    let table = bosun(&["memory", "recall", "rustc build", "--tag", "ci"], url, Some(&key));
    assert!(text(&table.stdout).contains("lesson: pin the toolchain"), "{}", text(&table.stdout));
    let listed = json_of(&bosun(&["memory", "list", "--json"], url, Some(&admin)));
    assert_eq!(listed["memories"].as_array().unwrap().len(), 2);
    let erased = bosun(&["memory", "erase", "--subject", "CAROL@example.com"], url, Some(&admin));
    assert!(erased.status.success(), "{}", text(&erased.stderr));
    assert!(text(&erased.stderr).contains("erased 2 so far"), "progress: {}", text(&erased.stderr));
    let listed = json_of(&bosun(&["memory", "list", "--json"], url, Some(&admin)));
    assert!(listed["memories"].as_array().unwrap().is_empty());
    server.stop();
}

/// `bosun policy` against a running server: put a file (If-Match from the version read), see it
/// in force, diff, replay, list versions and roll back; validate and test locally.
#[test]
fn policies_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let run = |args: &[&str]| bosun(args, Some(&url), Some(&admin));

    let out = run(&["policy", "get"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let defaults = text(&out.stdout);
    assert!(defaults.contains("@id(\"agents-work\")"), "{defaults}");
    let file = dir.path().join("policies.cedar");
    let paused = format!(
        "{defaults}\n@id(\"no-claims\") @reason(\"paused\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"task.claimed\", resource);\n"
    );
    std::fs::write(&file, &paused).unwrap();
    let f = file.to_str().unwrap();

    let out = run(&["policy", "validate", f]);
    assert!(out.status.success() && text(&out.stdout).contains("no-claims"), "{}", text(&out.stdout));
    let out = run(&["policy", "diff", "--file", f]);
    assert!(text(&out.stdout).contains("+ no-claims"), "{}", text(&out.stdout));

    let cases = dir.path().join("policies.test.toml");
    std::fs::write(
        &cases,
        "[[case]]\nprincipal = { type = \"agent\", profile = \"worker\" }\naction = \"task.claimed\"\nexpect = \"deny\"\npolicies = [\"no-claims\"]\n",
    )
    .unwrap();
    let out = run(&["policy", "test", f, cases.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let out = run(&["policy", "test", &dir.path().join("missing.cedar").to_string_lossy(), cases.to_str().unwrap()]);
    assert!(!out.status.success());

    let out = run(&["policy", "put", f, "--note", "freeze", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json_of(&out)["version"], 1);
    // A stale version is refused in one line.
    let out = run(&["policy", "put", f, "--if-match", "0"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("precondition_failed"), "{}", text(&out.stderr));
    let out = run(&["policy", "replay", f, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json_of(&out)["flips"], serde_json::json!([]), "the policies in force flip nothing");

    let out = run(&["policy", "versions", "--json"]);
    assert_eq!(json_of(&out)["versions"][0]["note"], "freeze");
    std::fs::write(&file, &defaults).unwrap();
    assert!(run(&["policy", "put", f]).status.success());
    let out = run(&["policy", "rollback", "1", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!((json_of(&out)["version"].as_u64(), json_of(&out)["restored_from"].as_u64()), (Some(3), Some(1)));
    let out = run(&["policy", "get"]);
    assert!(text(&out.stdout).contains("no-claims"), "version 3 is version 1's text");

    // Profiles: list them, suspend an agent from the command line.
    let out = run(&["agent", "profiles"]);
    assert!(text(&out.stdout).contains("admin-agent") && text(&out.stdout).contains("TRUST"), "{}", text(&out.stdout));
    let out = run(&["agent", "register", "--name", "rogue", "--json"]);
    let id = json_of(&out)["agent"]["id"].as_str().unwrap().to_owned();
    let out = run(&["agent", "profile", &id, "suspended", "--json"]);
    assert_eq!(json_of(&out)["profile"], "suspended");
    server.stop();
}

/// An approver decides from the command line, and the token verifies offline with the tenant's
/// public key; a tampered token does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_and_gate_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (url, admin) = (server.url.clone(), server.admin_key());
    let run = |args: &[&str], key: &str| bosun(args, Some(&url), Some(key));
    let agent = json_of(&run(&["agent", "register", "--name", "deployer", "--json"], &admin));
    let key = agent["key"]["key"].as_str().unwrap().to_owned();
    let factors = serde_json::json!({"privilege_impact": 1, "blast_radius": 1, "vulnerabilities": 1, "data_access": 1});
    let body = serde_json::json!({"action": "deploy", "resource": "prod", "factors": factors});
    let asked = common::api("POST", &url, &key, "/api/v1/approvals", Some(body)).await;
    let id = asked["id"].as_str().unwrap().to_owned();
    let out = run(&["approvals", "list", "--status", "pending"], &admin);
    assert!(text(&out.stdout).contains(&id), "{}", text(&out.stdout));
    let out = run(&["approvals", "show", &id], &admin);
    assert!(text(&out.stdout).contains("privilege_impact"), "{}", text(&out.stdout));
    let out = run(&["approvals", "approve", &id, "--reason", "ok", "--json"], &admin);
    assert_eq!(json_of(&out)["status"], "approved");

    let shown = json_of(&run(&["approvals", "show", &id, "--json"], &key));
    let token = shown["gate_token"].as_str().unwrap().to_owned();
    let keys = common::api("GET", &url, &key, "/api/v1/gate/keys", None).await;
    let public = keys["public_key"].as_str().unwrap();
    let out = bosun(&["gate", "verify", &token, "--public-key", public], None, None);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(&id));
    let tampered = token.replacen("bsg1.7b", "bsg1.7c", 1);
    let out = bosun(&["gate", "verify", &tampered, "--public-key", public], None, None);
    assert!(!out.status.success() && text(&out.stdout).contains("invalid"), "{}", text(&out.stdout));

    // The threshold and the key are the tenant admin's to change.
    let out = run(&["approvals", "threshold", "30", "--json"], &admin);
    assert_eq!(json_of(&out)["approval_threshold"], 30.0);
    assert!(!run(&["approvals", "threshold", "30"], &key).status.success(), "an agent may not");
    assert_eq!(json_of(&run(&["gate", "rotate", "--json"], &admin))["gate_key"], 2);
    let keys = json_of(&run(&["gate", "keys", "--json"], &key));
    assert_eq!((keys["key"].as_u64(), keys["keys"][1]["public_key"].as_str()), (Some(2), Some(public)));
    let out = run(&["gate", "keys"], &key);
    assert!(text(&out.stdout).contains("CURRENT"), "a table: {}", text(&out.stdout));

    // Budgets: set, see them in use, and verify a preflight token offline.
    let set =
        ["budget", "set", "daily", "--metric", "cost", "--currency", "USD", "--period", "day", "--hard-limit", "5.00"];
    let out = run(&set, &admin);
    assert!(out.status.success() && text(&out.stdout).contains("5.00"), "{}{}", text(&out.stdout), text(&out.stderr));
    let out = run(
        &[
            "budget",
            "set",
            "hourly",
            "--metric",
            "tokens",
            "--period",
            "rolling",
            "--window-seconds",
            "3600",
            "--hard-limit",
            "1000",
            "--json",
        ],
        &admin,
    );
    assert_eq!(json_of(&out)["budgets"].as_array().map(Vec::len), Some(2));
    let body = serde_json::json!({"tokens": 10, "cost": "1.25", "currency": "USD"});
    let reserved = common::api("POST", &url, &key, "/api/v1/budgets/reserve", Some(body)).await;
    let usage = json_of(&run(&["budget", "usage", "--json"], &key));
    let daily = usage["budgets"].as_array().unwrap().iter().find(|b| b["budget"]["id"] == "daily").unwrap().clone();
    assert_eq!((daily["reserved"].as_str(), daily["remaining"].as_str()), (Some("1.25"), Some("3.75")), "{daily}");
    let keys = common::api("GET", &url, &key, "/api/v1/gate/keys", None).await;
    let out = bosun(
        &[
            "budget",
            "verify",
            reserved["preflight_token"].as_str().unwrap(),
            "--public-key",
            keys["public_key"].as_str().unwrap(),
        ],
        None,
        None,
    );
    assert!(
        out.status.success() && text(&out.stdout).contains(reserved["id"].as_str().unwrap()),
        "{}",
        text(&out.stdout)
    );
    assert!(run(&["budget", "remove", "daily"], &admin).status.success());
    assert!(!run(&["budget", "remove", "daily"], &admin).status.success(), "gone already");
    server.stop();
}

/// `bosun user passwd` reads the password from stdin; the user can then sign in to the dashboard.
#[tokio::test]
async fn a_password_set_by_the_cli_signs_in_to_the_dashboard() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let admin = server.admin_key();
    let mut child = std::process::Command::new(BIN)
        .args(["user", "passwd", "admin"])
        .env("BOSUN_URL", &server.url)
        .env("BOSUN_API_KEY", &admin)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"twelve or more characters\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("password set for admin"), "{}", text(&out.stdout));

    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let signed_in = http
        .post(format!("{}/login", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("tenant=default&name=admin&password=twelve+or+more+characters")
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), reqwest::StatusCode::SEE_OTHER);
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("bosun_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));

    // `bosun user link` prints a one-time link; opening it sets the password and signs in, once.
    let out = std::process::Command::new(BIN)
        .args(["user", "link", "admin"])
        .env("BOSUN_URL", &server.url)
        .env("BOSUN_API_KEY", &admin)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let link = text(&out.stdout).lines().next().unwrap_or_default().to_owned();
    assert!(link.starts_with(&format!("{}/login/link/", server.url)), "{link}");
    for expected in [reqwest::StatusCode::SEE_OTHER, reqwest::StatusCode::UNAUTHORIZED] {
        let used = http
            .post(&link)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("password=a+new+passphrase+here&again=a+new+passphrase+here")
            .send()
            .await
            .unwrap();
        assert_eq!(used.status(), expected, "signed in the first time, void the second");
    }
    server.stop();
}
