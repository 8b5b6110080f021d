//! Issue 11: the guardrail engine against a corpus kept as data (`tests/corpus/`): every
//! destructive spelling is flagged with its category, every look-alike is allowed; and no input
//! makes the engine panic or take long.

use std::time::{Duration, Instant};

use bosun_policy::guard::{self, Action};

fn corpus(name: &str) -> Vec<String> {
    let path = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.replace("\\n", "\n"))
        .collect()
}

#[test]
fn every_destructive_spelling_is_flagged_with_its_category() {
    let lines = corpus("destructive.txt");
    assert!(lines.len() >= 100, "{} destructive cases", lines.len());
    let mut missed = Vec::new();
    for line in &lines {
        let (category, command) = line.split_once('\t').expect("CATEGORY<TAB>COMMAND");
        let verdict = guard::check(command, &[], 2).unwrap();
        let flagged = verdict.violations.iter().any(|v| v.category.as_str() == category && v.action != Action::Log);
        if !flagged || verdict.safe {
            missed.push(format!("{command:?} ({category}): {:?}", verdict.violations));
        }
    }
    assert!(missed.is_empty(), "{} of {} not flagged:\n{}", missed.len(), lines.len(), missed.join("\n"));
}

#[test]
fn look_alikes_are_allowed() {
    let lines = corpus("safe.txt");
    assert!(lines.len() >= 80, "{} safe cases", lines.len());
    let mut flagged = Vec::new();
    for command in &lines {
        let verdict = guard::check(command, &[], 2).unwrap();
        if !verdict.safe || verdict.unparsed {
            flagged.push(format!("{command:?}: unparsed={} {:?}", verdict.unparsed, verdict.violations));
        }
    }
    assert!(flagged.is_empty(), "{} of {} flagged:\n{}", flagged.len(), lines.len(), flagged.join("\n"));
}

#[test]
fn trusted_agents_are_logged_except_for_credentials() {
    let v = guard::check("git push --force", &[], 3).unwrap();
    assert!(v.safe && v.violations[0].action == Action::Log, "{v:?}");
    let v = guard::check("echo x > .env", &[], 4).unwrap();
    assert!(!v.safe && v.violations[0].action == Action::Block, "{v:?}");
    let v = guard::check("", &[".env.local".into()], 2).unwrap();
    assert_eq!(v.categories(), ["credentials"]);
    assert!(guard::check("", &["src/main.rs".into()], 2).unwrap().safe);
}

#[test]
fn unparsable_text_is_judged_on_its_words_and_reported() {
    let v = guard::check("rm -rf / ; echo \"unterminated", &[], 2).unwrap();
    assert!(v.unparsed, "{v:?}");
    assert!(!v.safe && v.categories() == ["recursive_delete"], "{v:?}");
    let deep = format!("{}rm -rf /{}", "$(".repeat(100), ")".repeat(100));
    let v = guard::check(&deep, &[], 2).unwrap();
    assert!(v.unparsed && !v.safe, "nesting past the bound is judged raw: {v:?}");
    assert!(guard::check(&"x".repeat(guard::shell::MAX_TEXT + 1), &[], 2).is_err(), "too long is an error");
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// Shell-ish text: words, operators, quotes and brackets in any order.
    fn shellish() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just("rm".to_owned()),
            Just("-rf".to_owned()),
            Just("git".to_owned()),
            Just("push".to_owned()),
            Just("--force".to_owned()),
            Just("bash".to_owned()),
            Just("-c".to_owned()),
            Just("eval".to_owned()),
            Just("$(".to_owned()),
            Just(")".to_owned()),
            Just("`".to_owned()),
            Just("'".to_owned()),
            Just("\"".to_owned()),
            Just("|".to_owned()),
            Just("&&".to_owned()),
            Just(";".to_owned()),
            Just("<<EOF\n".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("(".to_owned()),
            Just("xargs".to_owned()),
            Just("find".to_owned()),
            Just("-exec".to_owned()),
            Just("\\".to_owned()),
            "[a-z./*~=-]{1,8}",
            "\\PC{0,6}",
        ];
        prop::collection::vec(atom, 0..60).prop_map(|v| v.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn no_input_panics_or_takes_long(text in shellish()) {
            let started = Instant::now();
            let _ = guard::check(&text, &[], 2);
            // Generous in a debug build on a shared machine; the release figure is in BENCHMARKS.
            prop_assert!(started.elapsed() < Duration::from_millis(200), "{:?} took {:?}", text, started.elapsed());
        }

        #[test]
        fn arbitrary_bytes_never_panic(text in "\\PC{0,400}") {
            let _ = guard::check(&text, &[], 2);
        }
    }
}

#[test]
fn tenant_rules_judge_programs_flags_and_text() {
    use guard::{RuleSpec, TenantRules};
    let specs: Vec<RuleSpec> = serde_json::from_value(serde_json::json!([
        {"id": "no-npm-publish", "program": "npm", "subcommand": "publish", "action": "block", "reason": "CI publishes"},
        {"id": "cluster-wide", "program": "kubectl", "flags": ["--all-namespaces"], "category": "deploy_infra", "action": "require_approval"},
        {"id": "grants", "pattern": "\\bgrant\\s+all\\b", "category": "sql_destructive", "action": "require_approval"}
    ]))
    .unwrap();
    let rules = TenantRules::compile(&specs).unwrap();
    let v = guard::check_with("cd pkg && sudo npm publish --access public", &[], 2, &rules).unwrap();
    assert!(
        !v.safe && v.violations.iter().any(|x| x.rule == "no-npm-publish" && x.category.as_str() == "custom"),
        "{v:?}"
    );
    assert!(guard::check_with("npm install", &[], 2, &rules).unwrap().safe);
    let v = guard::check_with("kubectl get pods --all-namespaces", &[], 2, &rules).unwrap();
    assert_eq!(v.violations.iter().map(|x| x.rule.as_str()).collect::<Vec<_>>(), ["cluster-wide"]);
    assert!(guard::check_with("kubectl get pods", &[], 2, &rules).unwrap().safe);
    let v = guard::check_with("GRANT ALL ON db TO intern", &[], 2, &rules).unwrap();
    assert_eq!(v.violations[0].rule, "grants", "{v:?}");
    // Trust 3 logs a tenant's block too (credentials aside).
    assert!(guard::check_with("npm publish", &[], 3, &rules).unwrap().safe);

    let bad = |spec: serde_json::Value| TenantRules::compile(&[serde_json::from_value(spec).unwrap()]).unwrap_err();
    assert!(bad(serde_json::json!({"id": "x", "action": "block"})).contains("`program` or a `pattern`"));
    assert!(bad(serde_json::json!({"id": "x", "pattern": "(", "action": "block"})).contains("pattern"));
    assert!(bad(serde_json::json!({"id": "x y", "program": "a", "action": "block"})).contains("`id`"));
    assert!(
        bad(serde_json::json!({"id": "x", "program": "a", "category": "nope", "action": "log"})).contains("category")
    );
    let twice: Vec<RuleSpec> = serde_json::from_value(serde_json::json!([
        {"id": "a", "program": "x", "action": "log"}, {"id": "a", "program": "y", "action": "log"}]))
    .unwrap();
    assert!(TenantRules::compile(&twice).unwrap_err().contains("two rules"));
}
