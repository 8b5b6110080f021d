//! What `bosun worker` prepares around a task's command: `{placeholder}`s in the command line
//! (quoted for the shell), resource limits on the child, a git worktree per task, and the
//! task's `scope` locked for as long as it runs.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::client::Client;

/// `value` as one word for `sh`: single-quoted, a quote inside as `'\''`.
pub fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The names `--exec` may use as `{name}`: each is replaced by the task's value, quoted.
const PLACEHOLDERS: [&str; 5] = ["id", "fence", "title", "prompt", "project"];

/// Replace `{id}`, `{fence}`, `{title}`, `{prompt}` and `{project}` in a command line with the
/// task's values, each quoted as one shell word. `${name}` (a shell variable) and any other
/// braces are left alone.
pub fn expand(command: &str, task: &Value, fence: u64) -> String {
    let value = |name: &str| match name {
        "id" => task["id"].as_str().unwrap_or_default().to_owned(),
        "fence" => fence.to_string(),
        "title" => task["title"].as_str().unwrap_or_default().to_owned(),
        // The prompt, or the title when the task has none (what an agent should be told).
        "prompt" => task["payload"]["prompt"]
            .as_str()
            .filter(|p| !p.is_empty())
            .or_else(|| task["title"].as_str())
            .unwrap_or_default()
            .to_owned(),
        _ => task["project"].as_str().unwrap_or_default().to_owned(),
    };
    let mut out = String::with_capacity(command.len());
    let mut rest = command;
    while let Some(open) = rest.find('{') {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        let name = from[1..].split('}').next().unwrap_or_default();
        let closed = from[1..].len() > name.len();
        if closed && PLACEHOLDERS.contains(&name) && !before.ends_with('$') {
            out.push_str(&sh_quote(&value(name)));
            rest = &from[name.len() + 2..];
        } else {
            out.push('{');
            rest = &from[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Resource limits set on the child before it runs its command (0: not limited).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// RLIMIT_DATA in MiB: the private writable memory the command may map.
    pub memory_mb: u64,
    /// RLIMIT_CPU in seconds: SIGXCPU when reached.
    pub cpu_seconds: u64,
    /// RLIMIT_NOFILE: open file descriptors.
    pub open_files: u64,
}

impl Limits {
    /// Set them in the child between fork and exec (only async-signal-safe calls).
    pub fn apply(self, cmd: &mut tokio::process::Command) {
        /// setrlimit(2) when the limit is set (`soft` > 0).
        fn set(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
            if soft == 0 {
                return Ok(());
            }
            let limit = libc::rlimit { rlim_cur: soft as libc::rlim_t, rlim_max: hard as libc::rlim_t };
            // SAFETY: setrlimit(2) with a valid pointer to a local; async-signal-safe.
            if unsafe { libc::setrlimit(resource, &limit) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        }
        let data = self.memory_mb.saturating_mul(1 << 20);
        // SAFETY: the closure only calls setrlimit, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                set(libc::RLIMIT_DATA, data, data)?;
                // The CPU hard limit a second above the soft one: SIGXCPU first, SIGKILL after.
                set(libc::RLIMIT_CPU, self.cpu_seconds, self.cpu_seconds + 1)?;
                set(libc::RLIMIT_NOFILE, self.open_files, self.open_files)
            });
        }
    }

    /// Why a command killed by `signal` ended, naming the limit it most likely hit.
    pub fn explain(self, signal: i32) -> (String, bool) {
        match signal {
            libc::SIGXCPU => (format!("the command hit its CPU time limit ({} s)", self.cpu_seconds), false),
            libc::SIGKILL if self.cpu_seconds > 0 => {
                (format!("the command was killed (SIGKILL; its CPU time limit is {} s)", self.cpu_seconds), true)
            }
            libc::SIGSEGV | libc::SIGABRT | libc::SIGBUS | libc::SIGTRAP if self.memory_mb > 0 => (
                format!(
                    "the command died of signal {signal}; its memory is limited to {} MiB (--memory-mb), \
                     which it may have hit",
                    self.memory_mb
                ),
                true,
            ),
            other => (format!("the command died of signal {other}"), true),
        }
    }
}

/// A git worktree of the current repository for one task, on branch `agent/{agent}/{task}`.
pub struct Worktree {
    pub path: PathBuf,
    pub branch: String,
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = std::process::Command::new("git").current_dir(dir).args(args).output().context("cannot run git")?;
    if !out.status.success() {
        bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

impl Worktree {
    /// Make (or, for a task tried again, reuse) the task's worktree under `root`.
    pub fn open(repo: &Path, root: &Path, agent: &str, task: &str) -> anyhow::Result<Worktree> {
        let path = std::path::absolute(root.join(task))?;
        let branch = format!("agent/{agent}/{task}");
        if !path.exists() {
            std::fs::create_dir_all(root)?;
            let p = path.to_string_lossy().into_owned();
            let exists = git(repo, &["rev-parse", "--verify", "--quiet", &format!("refs/heads/{branch}")]).is_ok();
            if exists {
                git(repo, &["worktree", "add", &p, &branch])?;
            } else {
                git(repo, &["worktree", "add", "-b", &branch, &p, "HEAD"])?;
            }
        }
        Ok(Worktree { path, branch })
    }

    /// The task succeeded: remove the worktree (its branch, with whatever was committed, stays).
    pub fn remove(&self, repo: &Path) -> anyhow::Result<()> {
        git(repo, &["worktree", "remove", "--force", &self.path.to_string_lossy()])?;
        Ok(())
    }
}

/// The task's `scope` (its payload's list of paths), locked by the slot's agent while it runs.
pub struct Scope {
    project: String,
    paths: Vec<String>,
    locks: Vec<String>,
}

impl Scope {
    /// Lock the paths (all or none). A conflict is an error naming the holder.
    pub async fn lock(c: &Client, task: &Value, ttl: u32) -> anyhow::Result<Option<Scope>> {
        let paths: Vec<String> = task["payload"]["scope"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        if paths.is_empty() {
            return Ok(None);
        }
        let project = task["project"].as_str().unwrap_or("default").to_owned();
        let reason = format!("task {}", task["id"].as_str().unwrap_or_default());
        let body = json!({"paths": paths, "project": project, "ttl_seconds": ttl, "reason": reason});
        let r = c.post("/api/v1/locks", &body).await?;
        let locks = r["locks"]
            .as_array()
            .or_else(|| r.as_array())
            .map(|a| a.iter().filter_map(|l| l["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        Ok(Some(Scope { project, paths, locks }))
    }

    /// Keep the locks for another `ttl` seconds (with the lease's heartbeat).
    pub async fn renew(&self, c: &Client, ttl: u32) {
        for id in &self.locks {
            if let Err(e) = c.post(&format!("/api/v1/locks/{id}/renew"), &json!({"ttl_seconds": ttl})).await {
                eprintln!("bosun worker: renewing lock {id}: {e}");
            }
        }
    }

    pub async fn release(&self, c: &Client) {
        let body = json!({"paths": self.paths, "project": self.project});
        if let Err(e) = c.post("/api/v1/locks/release", &body).await {
            eprintln!("bosun worker: releasing the scope {:?}: {e}", self.paths);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_quoted_as_one_word_and_shell_variables_are_left_alone() {
        let task = json!({"id": "01J", "title": "it's $(rm -rf /) `x` \"y\"", "project": "web",
            "payload": {"prompt": ""}});
        let cmd = expand("run --title {title} --prompt {prompt} ${title} {unknown} {id}{fence} {", &task, 7);
        assert_eq!(
            cmd,
            r#"run --title 'it'\''s $(rm -rf /) `x` "y"' --prompt 'it'\''s $(rm -rf /) `x` "y"' ${title} {unknown} '01J''7' {"#
        );
        // What sh makes of it: the title, exactly, as one argument.
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(expand("printf '%s|' {title} {project}", &task, 1))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "it's $(rm -rf /) `x` \"y\"|web|");
    }
}
