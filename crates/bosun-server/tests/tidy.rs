//! Invariants kept as tests (as rust-analyzer keeps its "tidy" tests): they fail the build when
//! the code drifts from what docs/ARCHITECTURE.md promises.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every mutation goes through the kernel: outside `src/kernel/`, nothing in the server writes
/// to the store. (The kernel hands out a read-only `ReadStore`; this catches a way around it.)
#[test]
fn nothing_outside_the_kernel_writes_to_the_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let kernel = src.join("kernel");
    let forbidden = [".write(move", ".write(|", ".write_then(", "WriteTx", ".submit(", "raw_store"];
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&kernel)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!("{}:{}: {}", file.strip_prefix(&src).unwrap().display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(files.len() > 10, "read the sources: {files:?}");
    assert!(found.is_empty(), "store writes outside the kernel:\n{}", found.join("\n"));
}

/// Every behaviour test of the server also runs on PostgreSQL: `scripts/test.sh` names each.
#[test]
fn every_server_test_runs_on_postgres_too() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(root.join("../../scripts/test.sh")).unwrap();
    let listed = script.split("server_tests=(").nth(1).and_then(|s| s.split(')').next()).expect("server_tests=( … )");
    let listed: Vec<&str> = listed.split_whitespace().collect();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            assert!(listed.contains(&name.as_str()), "tests/{name}.rs is not in scripts/test.sh's server_tests");
        }
    }
}
