//! Invariants kept as tests: the conformance suite calls every store operation, so a new
//! backend (PostgreSQL) that passes it has been checked on all of them.

use std::path::Path;

/// The method names declared in `pub trait NAME … { … }` of lib.rs.
fn trait_methods(source: &str, name: &str) -> Vec<String> {
    let start = source.find(&format!("pub trait {name}")).unwrap_or_else(|| panic!("trait {name} in lib.rs"));
    let body = &source[start..];
    let end = body.find("\n}\n").expect("the trait's closing brace");
    body[..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("fn "))
        .map(|l| l.split(['(', '<']).next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_conformance_suite_calls_every_store_operation() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut suite = String::new();
    for entry in std::fs::read_dir(src.join("conformance")).unwrap() {
        suite.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let mut missing = Vec::new();
    for name in ["ReadTx", "WriteTx"] {
        let methods = trait_methods(&lib, name);
        assert!(methods.len() > 10, "found the methods of {name}: {methods:?}");
        for m in methods {
            if !suite.contains(&format!(".{m}(")) {
                missing.push(format!("{name}::{m}"));
            }
        }
    }
    assert!(missing.is_empty(), "store operations the conformance suite never calls: {missing:?}");
}
