//! Issue 11: what a guardrail check costs in-process on a 1 KB command, and the round trip of
//! the Claude Code hook (spawn `bosun guard hook claude-code`, check over HTTP, answer) against
//! `bosun serve` in its own process — the hook runs before every shell command an agent runs.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use bosun_policy::guard;

use crate::percentiles;
use crate::probe::{spawn_serve, stop_serve};

/// A realistic 1 KB command: a chain of builds, tests, a loop, a substitution and a pipeline.
fn one_kilobyte() -> String {
    let mut text = String::from("set -euo pipefail; cd \"$(git rev-parse --show-toplevel)\" && ");
    let mut i = 0;
    while text.len() < 1000 {
        text.push_str(&format!(
            "cargo test -p crate-{i} --quiet 2>&1 | tee -a /tmp/log-{i}.txt | grep -v 'warning: unused' && "
        ));
        i += 1;
    }
    text.push_str("for f in $(git diff --name-only); do echo \"$f\"; done; git push origin feature");
    text
}

pub(crate) async fn guard(bin: &Path, iterations: usize, hooks: usize) -> anyhow::Result<()> {
    let text = one_kilobyte();
    let verdict = guard::check(&text, &[], 2).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(verdict.safe, "the bench command should be safe: {verdict:?}");
    for _ in 0..1000 {
        guard::check(&text, &[], 2).map_err(anyhow::Error::msg)?;
    }
    let mut lat = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        let v = guard::check(&text, &[], 2).map_err(anyhow::Error::msg)?;
        lat.push(t.elapsed());
        std::hint::black_box(v);
    }
    println!(
        "guardrail check, {} bytes, {} simple commands, all built-in rules: µs {}",
        text.len(),
        verdict.commands,
        percentiles(lat.into_iter().map(|d| d * 1000).collect())
    );
    let destructive = "sudo env X=1 bash -c \"eval 'cd /tmp && find . -exec rm -rf {} +'\" | xargs git push --force";
    let mut lat = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        std::hint::black_box(guard::check(destructive, &[], 2).map_err(anyhow::Error::msg)?);
        lat.push(t.elapsed());
    }
    println!(
        "guardrail check, nested wrappers (bash -c, eval, find -exec): µs {}",
        percentiles(lat.into_iter().map(|d| d * 1000).collect())
    );

    // The hook, end to end, as Claude Code runs it.
    let dir = tempfile::tempdir()?;
    let (child, url) = spawn_serve(bin, dir.path())?;
    let admin = std::fs::read_to_string(dir.path().join("admin.key"))?.trim().to_owned();
    let key = crate::register(&reqwest::Client::new(), &url, &admin, "hooked").await?;
    let input = serde_json::json!({"hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "cargo test --workspace && git push origin feature"}})
    .to_string();
    let mut lat = Vec::with_capacity(hooks);
    for _ in 0..hooks {
        let t = Instant::now();
        let mut hook = Command::new(bin)
            .args(["guard", "hook", "claude-code"])
            .env("BOSUN_URL", &url)
            .env("BOSUN_API_KEY", &key)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        hook.stdin.take().expect("piped").write_all(input.as_bytes())?;
        let status = hook.wait()?;
        lat.push(t.elapsed());
        anyhow::ensure!(status.success(), "the hook refused a safe command");
    }
    println!("Claude Code hook round trip (spawn, check, answer), {hooks} runs: ms {}", percentiles(lat));
    stop_serve(child)?;
    Ok(())
}
