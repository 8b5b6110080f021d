//! `bosun policy`: the tenant's Cedar policies — read, put, roll back, diff and replay against a
//! server; validate and unit-test a policy file locally (no server needed), so a team keeps its
//! policies and their expected decisions in its repository and checks them in CI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use bosun_policy::{Bosun, Destination, NETWORK_ACCESS, Principal, Query};
use clap::Subcommand;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{Client, ClientArgs, print_table, say};

#[derive(Subcommand)]
pub enum PolicyCmd {
    /// Print the tenant's policies in force, or one version (0: the server's defaults)
    #[command(after_help = "Examples:\n  bosun policy get > policies.cedar\n  bosun policy get --version 3")]
    Get {
        #[arg(long)]
        version: Option<u64>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Store a policy file as the tenant's next version (tenant admins)
    #[command(
        after_help = "Example:\n  bosun policy put policies.cedar --if-match 3 --note 'freeze claims for the release'\n\nWithout --if-match, the version read just before is used: a change someone made since is not overwritten."
    )]
    Put {
        file: PathBuf,
        /// The version you changed (see `bosun policy get`), or `*` for whatever is current
        #[arg(long)]
        if_match: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Check a policy file against Bosun's schema (locally)
    #[command(after_help = "Example:\n  bosun policy validate policies.cedar")]
    Validate { file: PathBuf },
    /// Run a file of expected decisions against a policy file (locally); exit 1 on a mismatch
    #[command(
        after_help = "Example:\n  bosun policy test policies.cedar policies.test.toml\n\nThe test file holds [[case]] tables: principal = { type = \"agent\", profile = \"worker\" } or\n{ type = \"user\", role = \"viewer\" }, action = \"task.claimed\", expect = \"allow\" | \"deny\", and\noptionally policies = [\"…\"] (the deciding policies), on_self, profile_allows, system_tenant,\ndestination = { host, port, rule_allows } for network_access. See docs/GOVERNANCE.md."
    )]
    Test { policies: PathBuf, cases: PathBuf },
    /// Show which policies change between two versions, or between the version in force and a file
    #[command(after_help = "Examples:\n  bosun policy diff --file policies.cedar\n  bosun policy diff --from 2 --to 3")]
    Diff {
        /// The old side: a version (default: the version in force)
        #[arg(long)]
        from: Option<u64>,
        /// The new side: a version…
        #[arg(long, conflicts_with = "file")]
        to: Option<u64>,
        /// …or a local policy file
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Roll back: a new version with an earlier version's text (tenant admins)
    #[command(after_help = "Example:\n  bosun policy rollback 2 --note 'the freeze is over'")]
    Rollback {
        version: u64,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Re-decide the latest recorded decisions under a policy file: every decision that would flip
    #[command(after_help = "Example:\n  bosun policy replay policies.cedar --limit 5000")]
    Replay {
        file: PathBuf,
        /// How many of the latest audit events (max 10000)
        #[arg(long, default_value_t = 1000)]
        limit: u32,
        #[command(flatten)]
        client: ClientArgs,
    },
    /// List the stored versions, newest first
    #[command(after_help = "Example:\n  bosun policy versions --json")]
    Versions {
        #[command(flatten)]
        client: ClientArgs,
    },
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub async fn policy(cmd: PolicyCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        PolicyCmd::Get { version, client } => {
            let c = Client::new(&client);
            let doc = match version {
                Some(v) => c.get(&format!("/api/v1/policies/versions/{v}")).await?,
                None => c.get("/api/v1/policies").await?,
            };
            if c.json {
                say!("{}", serde_json::to_string_pretty(&doc)?);
            } else {
                eprintln!("# version {}", doc["version"]);
                print!("{}", doc["text"].as_str().unwrap_or_default());
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCmd::Put { file, if_match, note, client } => {
            let c = Client::new(&client);
            let text = read(&file)?;
            let if_match = match if_match {
                Some(m) if m == "*" => m,
                Some(m) => format!("\"{}\"", m.trim_matches('"')),
                None => format!("\"{}\"", c.get("/api/v1/policies").await?["version"]),
            };
            let req = c.request(reqwest::Method::PUT, "/api/v1/policies").header("if-match", &if_match);
            let v = c.json_of(req.json(&json!({"text": text, "note": note}))).await?;
            let row = json!({"version": v["version"], "bytes": v["bytes"], "note": v["note"]});
            c.show(&v, &[row], &["version", "bytes", "note"]);
            Ok(ExitCode::SUCCESS)
        }
        PolicyCmd::Validate { file } => {
            let set = Bosun::new().parse(&read(&file)?);
            match set {
                Ok(set) => {
                    say!("ok: {} policies fit Bosun's schema: {}", set.len(), set.ids().join(", "));
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    say!("invalid: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        PolicyCmd::Test { policies, cases } => run_tests(&read(&policies)?, &read(&cases)?),
        PolicyCmd::Diff { from, to, file, client } => {
            let c = Client::new(&client);
            let text_of = |v: Option<u64>| {
                let c = &c;
                async move {
                    let doc = match v {
                        Some(v) => c.get(&format!("/api/v1/policies/versions/{v}")).await?,
                        None => c.get("/api/v1/policies").await?,
                    };
                    anyhow::Ok((format!("version {}", doc["version"]), doc["text"].as_str().unwrap_or("").to_owned()))
                }
            };
            let (old_name, old) = text_of(from).await?;
            let (new_name, new) = match file {
                Some(f) => (f.display().to_string(), read(&f)?),
                None => text_of(to).await?,
            };
            let changes = diff(&old, &new)?;
            if c.json {
                say!("{}", serde_json::to_string_pretty(&changes)?);
            } else if changes.is_empty() {
                say!("no policy changes between {old_name} and {new_name}");
            } else {
                say!("--- {old_name}\n+++ {new_name}");
                for change in &changes {
                    say!("{} {}", change["change"].as_str().unwrap_or("?"), change["id"].as_str().unwrap_or(""));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCmd::Rollback { version, note, client } => {
            let c = Client::new(&client);
            let current = c.get("/api/v1/policies").await?["version"].clone();
            let req = c
                .request(reqwest::Method::POST, "/api/v1/policies/rollback")
                .header("if-match", format!("\"{current}\""));
            let v = c.json_of(req.json(&json!({"version": version, "note": note}))).await?;
            let row = json!({"version": v["version"], "restored_from": v["restored_from"], "note": v["note"]});
            c.show(&v, &[row], &["version", "restored_from", "note"]);
            Ok(ExitCode::SUCCESS)
        }
        PolicyCmd::Replay { file, limit, client } => {
            let c = Client::new(&client);
            eprintln!("replaying the latest {limit} recorded decisions…");
            let r = c.post("/api/v1/policies/replay", &json!({"text": read(&file)?, "limit": limit})).await?;
            let flips = r["flips"].as_array().cloned().unwrap_or_default();
            if c.json {
                say!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print_table(&flips, &["seq", "at", "action", "actor_name", "was", "would_be", "policies"]);
                say!("{} of {} decisions would flip ({} events read)", flips.len(), r["decided"], r["examined"]);
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCmd::Versions { client } => {
            let c = Client::new(&client);
            let list = c.get("/api/v1/policies/versions?limit=100").await?;
            let rows = list["versions"].as_array().cloned().unwrap_or_default();
            c.show(&list, &rows, &["version", "created_at", "created_by", "restored_from", "note"]);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Policy changes by id: added, removed, changed.
fn diff(old: &str, new: &str) -> anyhow::Result<Vec<Value>> {
    let bosun = Bosun::new();
    let by_id = |text: &str, side: &str| -> anyhow::Result<BTreeMap<String, String>> {
        let set = bosun.parse(text).map_err(|e| anyhow::anyhow!("the {side} side does not parse: {e}"))?;
        Ok(set.cedar().policies().map(|p| (p.id().to_string(), p.to_string())).collect())
    };
    let (old, new) = (by_id(old, "old")?, by_id(new, "new")?);
    let mut changes = Vec::new();
    for (id, text) in &new {
        match old.get(id) {
            None => changes.push(json!({"change": "+", "id": id, "text": text})),
            Some(before) if before != text => {
                changes.push(json!({"change": "~", "id": id, "before": before, "text": text}))
            }
            Some(_) => {}
        }
    }
    for (id, text) in &old {
        if !new.contains_key(id) {
            changes.push(json!({"change": "-", "id": id, "text": text}));
        }
    }
    Ok(changes)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: Option<String>,
    principal: CasePrincipal,
    action: String,
    expect: Expect,
    /// The deciding policies expected (any order).
    policies: Option<Vec<String>>,
    #[serde(default)]
    on_self: bool,
    #[serde(default = "yes")]
    profile_allows: bool,
    #[serde(default)]
    system_tenant: bool,
    /// The project the command names (submit, claim, locks, handoff, message).
    project: Option<String>,
    /// A valid gate token for exactly the command was presented.
    #[serde(default)]
    gate: bool,
    destination: Option<CaseDestination>,
    /// For `command.run`: what the guardrails found.
    guardrails: Option<CaseGuardrails>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseGuardrails {
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default = "none")]
    worst: String,
    #[serde(default)]
    unparsed: bool,
}

fn none() -> String {
    "none".into()
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Allow,
    Deny,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum CasePrincipal {
    User {
        #[serde(default = "default_id")]
        id: String,
        role: String,
    },
    Agent {
        #[serde(default = "default_id")]
        id: String,
        #[serde(default = "default_name")]
        name: String,
        #[serde(default = "default_kind")]
        kind: String,
        #[serde(default = "default_profile")]
        profile: String,
        /// Default: the preconfigured profile's.
        trust_level: Option<u8>,
    },
}

fn default_id() -> String {
    "test-principal".into()
}
fn default_name() -> String {
    "test-agent".into()
}
fn default_kind() -> String {
    "claude-code".into()
}
fn default_profile() -> String {
    bosun_core::profile::DEFAULT.into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDestination {
    host: String,
    #[serde(default = "https")]
    port: u16,
    #[serde(default)]
    ip: bool,
    rule_allows: bool,
    #[serde(default)]
    rule: String,
}

fn https() -> u16 {
    443
}

fn run_tests(policies: &str, cases: &str) -> anyhow::Result<ExitCode> {
    let bosun = Bosun::new();
    let set = match bosun.parse(policies) {
        Ok(set) => set,
        Err(e) => bail!("the policies do not validate: {e}"),
    };
    let file: TestFile = toml::from_str(cases).map_err(|e| anyhow::anyhow!("the test file: {}", e.message()))?;
    let builtins = bosun_core::profile::builtins();
    let mut rows = Vec::new();
    let mut failed = 0;
    for (i, case) in file.cases.iter().enumerate() {
        let principal = match &case.principal {
            CasePrincipal::User { id, role } => {
                let Some(rank) = bosun_core::Role::parse(role) else { bail!("case {}: unknown role `{role}`", i + 1) };
                Principal::User { id, role, rank: rank as i64 }
            }
            CasePrincipal::Agent { id, name, kind, profile, trust_level } => {
                let trust = match trust_level {
                    Some(t) => *t,
                    None => match builtins.iter().find(|p| &p.name == profile) {
                        Some(p) => p.trust_level,
                        None => bail!("case {}: profile `{profile}` is not preconfigured; give trust_level", i + 1),
                    },
                };
                Principal::Agent { id, name, kind, profile, trust_level: i64::from(trust) }
            }
        };
        let destination = case.destination.as_ref().map(|d| Destination {
            name: &d.host,
            port: d.port,
            ip: d.ip,
            rule_allows: d.rule_allows,
            rule: &d.rule,
        });
        if (case.action == NETWORK_ACCESS) != destination.is_some() {
            bail!("case {}: `destination` goes with action = \"{NETWORK_ACCESS}\", and only with it", i + 1);
        }
        let categories: Vec<&str> =
            case.guardrails.iter().flat_map(|g| g.categories.iter().map(String::as_str)).collect();
        let command = case.guardrails.as_ref().map(|g| bosun_policy::CommandFacts {
            categories: &categories,
            worst: &g.worst,
            unparsed: g.unparsed,
        });
        if (case.action == bosun_policy::COMMAND_RUN) != command.is_some() {
            bail!("case {}: `guardrails` goes with action = \"command.run\", and only with it", i + 1);
        }
        let query = Query {
            principal,
            action: &case.action,
            tenant: "test-tenant",
            system_tenant: case.system_tenant,
            on_self: case.on_self,
            profile_allows: case.profile_allows,
            project: case.project.as_deref(),
            gate: case.gate,
            destination,
            command,
        };
        let d = bosun.decide(&set, &query);
        let got = if d.allowed { Expect::Allow } else { Expect::Deny };
        let mut ids: Vec<String> = d.determining.iter().map(|p| p.id.clone()).collect();
        ids.sort();
        let policies_ok = case.policies.as_ref().is_none_or(|want| {
            let mut want = want.clone();
            want.sort();
            want == ids
        });
        let ok = got == case.expect && policies_ok;
        failed += usize::from(!ok);
        rows.push(json!({
            "case": case.name.clone().unwrap_or_else(|| format!("#{}", i + 1)),
            "action": case.action,
            "expect": format!("{:?}", case.expect).to_lowercase(),
            "got": format!("{got:?}").to_lowercase(),
            "policies": ids.join(","),
            "result": if ok { "ok" } else { "FAIL" },
            "errors": d.errors.join("; "),
        }));
    }
    print_table(&rows, &["case", "action", "expect", "got", "policies", "result"]);
    for row in rows.iter().filter(|r| r["result"] == "FAIL" && r["errors"] != "") {
        say!("{}: {}", row["case"].as_str().unwrap_or(""), row["errors"].as_str().unwrap_or(""));
    }
    say!("{} of {} cases passed", rows.len() - failed, rows.len());
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_runner_passes_and_fails_as_the_policies_decide() {
        let cases = r#"
            [[case]]
            name = "workers claim"
            principal = { type = "agent", profile = "worker" }
            action = "task.claimed"
            expect = "allow"
            policies = ["agents-work"]

            [[case]]
            principal = { type = "agent", profile = "observer" }
            action = "task.claimed"
            expect = "deny"

            [[case]]
            principal = { type = "user", role = "viewer" }
            action = "task.submitted"
            expect = "deny"

            [[case]]
            principal = { type = "agent", profile = "worker", kind = "devin" }
            action = "network_access"
            destination = { host = "example.com", rule_allows = false }
            expect = "deny"
            policies = ["egress-rules-deny"]

            [[case]]
            principal = { type = "agent", profile = "worker" }
            action = "command.run"
            guardrails = { categories = ["deploy_infra"], worst = "require_approval" }
            expect = "allow"
            policies = ["commands-by-guardrails"]
        "#;
        assert_eq!(run_tests(bosun_policy::DEFAULT_POLICIES, cases).unwrap(), ExitCode::SUCCESS);
        let wrong = cases.replacen("expect = \"allow\"", "expect = \"deny\"", 1);
        assert_eq!(run_tests(bosun_policy::DEFAULT_POLICIES, &wrong).unwrap(), ExitCode::FAILURE);
        let wrong_policy = cases.replacen("[\"agents-work\"]", "[\"agents-stay-in-touch\"]", 1);
        assert_eq!(run_tests(bosun_policy::DEFAULT_POLICIES, &wrong_policy).unwrap(), ExitCode::FAILURE);
        assert!(run_tests("permit(", cases).is_err());
    }

    #[test]
    fn diff_names_added_removed_and_changed_policies() {
        let old = "@id(\"a\") permit(principal, action, resource);\n@id(\"b\") forbid(principal, action, resource);";
        let new = "@id(\"a\") permit(principal is Bosun::User, action, resource);\n@id(\"c\") forbid(principal, action, resource);";
        let changes = diff(old, new).unwrap();
        let summary: Vec<String> =
            changes.iter().map(|c| format!("{}{}", c["change"].as_str().unwrap(), c["id"].as_str().unwrap())).collect();
        assert_eq!(summary, ["~a", "+c", "-b"]);
        assert!(diff(old, old).unwrap().is_empty());
    }
}
