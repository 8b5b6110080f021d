//! The SDKs generated from the contract (issue 18): what is checked in is what the document
//! generates (and the check notices when it is not), and a breaking change to the document
//! against the last release's snapshot fails unless CHANGELOG.md lists it. (Each SDK running
//! against a real `bosun serve` is in bosun-cli's `tests/sdk.rs`.)

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{node_modules, py_venv, repo_root, run};
use serde_json::Value;

/// `scripts/sdk.sh --check` passes on the checked-in SDKs, and fails once the document they were
/// generated from changes a field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checked_in_sdks_are_what_the_document_generates() {
    tokio::task::spawn_blocking(|| {
        let venv = py_venv();
        node_modules();
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("openapi.json");
        let current = bosun_server::http::openapi_document();
        std::fs::write(&doc, format!("{}\n", serde_json::to_string_pretty(&current).unwrap())).unwrap();
        let check = |doc: &Path| {
            run(Command::new(repo_root().join("scripts/sdk.sh")).arg("--check").arg(doc).env("BOSUN_PY_VENV", &venv))
        };
        let (ok, out) = check(&doc);
        assert!(ok, "the SDKs are stale; run scripts/sdk.sh and commit:\n{out}");

        // A scratch copy of the document with one field renamed: the same check now fails.
        let mut changed = current.clone();
        let props = changed.pointer_mut("/components/schemas/TaskView/properties").unwrap().as_object_mut().unwrap();
        let title = props.remove("title").unwrap();
        props.insert("headline".into(), title);
        let scratch = dir.path().join("changed.json");
        std::fs::write(&scratch, serde_json::to_string_pretty(&changed).unwrap()).unwrap();
        let (ok, out) = check(&scratch);
        assert!(!ok, "the check passed although the document changed:\n{out}");
        assert!(out.contains("sdk/ is stale"), "{out}");
    })
    .await
    .unwrap();
}

// ---- breaking changes ----

/// What a client of `old` may rely on that `new` breaks: removed operations, removed or retyped
/// fields (of request and response schemas alike), narrowed enums. Each is one line, as
/// CHANGELOG.md must name it.
fn breaking_changes(old: &Value, new: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let ops = |doc: &Value| -> BTreeSet<String> {
        let mut ops = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
        ops
    };
    for gone in ops(old).difference(&ops(new)) {
        found.push(format!("removed operation {gone}"));
    }
    let empty = serde_json::Map::new();
    let schemas = |doc: &'_ Value| doc.pointer("/components/schemas").and_then(Value::as_object).cloned();
    let (old_s, new_s) = (schemas(old).unwrap_or_default(), schemas(new).unwrap_or_default());
    for (name, before) in &old_s {
        let Some(after) = new_s.get(name) else {
            found.push(format!("removed schema {name}"));
            continue;
        };
        let props = |s: &Value| s.get("properties").and_then(Value::as_object).cloned().unwrap_or(empty.clone());
        let (before_props, after_props) = (props(before), props(after));
        for (field, was) in &before_props {
            let Some(is) = after_props.get(field) else {
                found.push(format!("removed field {name}.{field}"));
                continue;
            };
            let kind = |v: &Value| v.get("type").or_else(|| v.get("$ref")).cloned().unwrap_or(Value::Null);
            if kind(was) != kind(is) {
                found.push(format!("retyped field {name}.{field}: {} → {}", kind(was), kind(is)));
            }
            for dropped in enum_values(was).difference(&enum_values(is)) {
                found.push(format!("narrowed enum {name}.{field}: removed {dropped}"));
            }
        }
        for dropped in enum_values(before).difference(&enum_values(after)) {
            found.push(format!("narrowed enum {name}: removed {dropped}"));
        }
    }
    found
}

/// The values of a schema's `enum`, as JSON text.
fn enum_values(schema: &Value) -> BTreeSet<String> {
    schema.get("enum").and_then(Value::as_array).into_iter().flatten().map(Value::to_string).collect()
}

/// The newest snapshot in `sdk/releases/` (`<version>.json`), by version.
fn last_release() -> (String, Value) {
    let dir = repo_root().join("sdk/releases");
    let mut releases: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            let version = path.file_stem()?.to_str()?.split('.').map(|n| n.parse().ok()).collect::<Option<Vec<_>>>()?;
            Some((version, path))
        })
        .collect();
    releases.sort();
    let (_, path) = releases.pop().expect("a release snapshot in sdk/releases");
    let text = std::fs::read_to_string(&path).unwrap();
    (path.file_name().unwrap().to_string_lossy().into_owned(), serde_json::from_str(&text).unwrap())
}

/// Compared with the last release's snapshot, every breaking change is listed in CHANGELOG.md.
#[test]
fn a_breaking_change_since_the_last_release_is_listed_in_the_changelog() {
    let (release, old) = last_release();
    let changelog = std::fs::read_to_string(repo_root().join("CHANGELOG.md")).unwrap();
    let unlisted: Vec<String> = breaking_changes(&old, &bosun_server::http::openapi_document())
        .into_iter()
        .filter(|change| !changelog.contains(change.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "breaking changes since {release} that CHANGELOG.md does not list (copy each line there):\n{}",
        unlisted.join("\n")
    );
}

/// The detector sees each kind of break, and nothing in an unchanged or only-extended document.
#[test]
fn the_breaking_change_detector_sees_each_kind() {
    let current = bosun_server::http::openapi_document();
    assert_eq!(breaking_changes(&current, &current), Vec::<String>::new());
    let mut extended = current.clone();
    extended["components"]["schemas"]["TaskView"]["properties"]["extra"] = serde_json::json!({"type": "string"});
    assert_eq!(breaking_changes(&current, &extended), Vec::<String>::new(), "adding a field breaks nothing");

    let mut broken = current.clone();
    broken["paths"].as_object_mut().unwrap().remove("/api/v1/whoami");
    let task = broken["components"]["schemas"]["TaskView"]["properties"].as_object_mut().unwrap();
    task.remove("title");
    task.insert("priority".into(), serde_json::json!({"type": "string"}));
    broken["components"]["schemas"]["EnumProbe"] = serde_json::json!({"type": "string", "enum": ["a"]});
    let mut old = current.clone();
    old["components"]["schemas"]["EnumProbe"] = serde_json::json!({"type": "string", "enum": ["a", "b"]});
    let found = breaking_changes(&old, &broken);
    assert!(found.contains(&"removed operation GET /api/v1/whoami".to_owned()), "{found:?}");
    assert!(found.contains(&"removed field TaskView.title".to_owned()), "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("retyped field TaskView.priority")), "{found:?}");
    assert!(found.contains(&"narrowed enum EnumProbe: removed \"b\"".to_owned()), "{found:?}");
}
