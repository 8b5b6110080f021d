//! External tools the tests run: the pinned Python virtualenv and the TypeScript SDK's Node
//! packages. Shared by bosun-server's and bosun-cli's tests (`#[path]`).

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The virtualenv with the pinned Python tools (`tests/py-requirements.txt`), made when missing
/// or incomplete (`.ci/run` makes it first), so `cargo test --workspace` on a fresh machine needs
/// only Python 3 and PyPI. `BOSUN_PY_VENV` points elsewhere.
pub fn py_venv() -> PathBuf {
    static MADE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = MADE.lock().unwrap_or_else(|e| e.into_inner());
    let venv = std::env::var_os("BOSUN_PY_VENV").map_or_else(|| repo_root().join("target/py-venv"), Into::into);
    let tools = ["schemathesis", "openapi-spec-validator", "openapi-python-client"];
    if !tools.iter().all(|t| venv.join("bin").join(t).exists()) {
        if !venv.join("bin/pip").exists() {
            let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().expect("python3 runs");
            assert!(made.success(), "python3 -m venv {}", venv.display());
        }
        let requirements = repo_root().join("crates/bosun-server/tests/py-requirements.txt");
        let pip = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements)
            .status()
            .expect("pip runs");
        assert!(pip.success(), "pip install -r {}", requirements.display());
    }
    venv
}

/// `sdk/typescript/node_modules`, installed from the lock file when missing.
pub fn node_modules() -> PathBuf {
    static MADE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = MADE.lock().unwrap_or_else(|e| e.into_inner());
    let ts = repo_root().join("sdk/typescript");
    if !ts.join("node_modules/.bin/tsc").exists() || !ts.join("node_modules/.bin/openapi-typescript").exists() {
        let (ok, out) = run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&ts));
        assert!(ok, "npm ci in sdk/typescript:\n{out}");
    }
    ts.join("node_modules")
}

/// Run a command; whether it succeeded, and everything it printed.
pub fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("the tool runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}
