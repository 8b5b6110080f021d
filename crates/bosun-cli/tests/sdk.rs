//! Each generated SDK runs the common flow against a real `bosun serve` on loopback: register an
//! agent, submit, claim with a scope, hit a `lock_conflict` and read its code, complete with the
//! fence, page through the audit log (issue 18; the scripts are `sdk/tests/e2e.py` and
//! `sdk/typescript/test/e2e.mjs`).

mod common;
#[path = "../../bosun-server/tests/common/tools.rs"]
mod tools;

use std::process::Command;

use common::Spawned;
use tools::{node_modules, py_venv, repo_root, run};

#[test]
fn the_python_sdk_runs_the_common_flow_against_bosun_serve() {
    let venv = py_venv();
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let root = repo_root();
    let (ok, out) = run(Command::new(venv.join("bin/python"))
        .arg(root.join("sdk/tests/e2e.py"))
        .env("PYTHONPATH", root.join("sdk/python"))
        .env("BOSUN_URL", &server.url)
        .env("BOSUN_ADMIN_KEY", server.admin_key()));
    server.stop();
    assert!(ok, "the Python SDK flow failed:\n{out}");
    assert!(out.contains("python sdk: ok"), "{out}");
}

#[test]
fn the_typescript_sdk_runs_the_common_flow_against_bosun_serve() {
    let modules = node_modules();
    let ts = repo_root().join("sdk/typescript");
    // Type-check the helpers against the generated schema, and build them.
    let (ok, out) = run(Command::new(modules.join(".bin/tsc")).args(["-p", "tsconfig.json"]).current_dir(&ts));
    assert!(ok, "tsc:\n{out}");
    let dir = tempfile::tempdir().unwrap();
    let server = Spawned::start(&dir.path().join("data"));
    let (ok, out) = run(Command::new("node")
        .arg("test/e2e.mjs")
        .current_dir(&ts)
        .env("BOSUN_URL", &server.url)
        .env("BOSUN_ADMIN_KEY", server.admin_key()));
    server.stop();
    assert!(ok, "the TypeScript SDK flow failed:\n{out}");
    assert!(out.contains("typescript sdk: ok"), "{out}");
}
