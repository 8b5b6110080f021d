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
        &["user", "list"],
        &["key", "create"],
        &["key", "revoke"],
        &["tenant", "create"],
        &["tenant", "list"],
        &["whoami"],
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
