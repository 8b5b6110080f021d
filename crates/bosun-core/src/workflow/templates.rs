//! The built-in templates every tenant has (a tenant's own template of the same name replaces
//! it). Each is a workflow text like any other, compiled by the same compiler.

/// Implement a change, have two agents review it independently, take the majority verdict, then
/// apply it when it is "approve" — or send it back when the reviewers reject it or disagree.
pub const REVIEW: &str = r#"name = "review"
description = "Implement a change, two independent reviews in parallel, a vote, then apply or send back"

[params.change]
required = true
[params.reviewers]
default = ["first", "second"]

[[steps]]
id = "implement"
kind = "task"
title = "Implement: {change}"
prompt = "Implement this change: {change}. Print a JSON object describing what you changed."

[[steps]]
id = "review"
kind = "map"
over = "params.reviewers"
after = ["implement"]
title = "Review ({item}): {change}"
prompt = "Review the implementation of: {change} (what was done is in the payload's `inputs`). Print a JSON object {\"verdict\": \"approve\" or \"reject\", \"notes\": \"...\"}."

[[steps]]
id = "verdict"
kind = "reduce"
from = "review"
strategy = "vote"
field = "verdict"
pass = "approve"

[[steps]]
id = "apply"
kind = "task"
title = "Apply: {change}"
prompt = "The reviewers approved: {change}. Merge it."
when = { step = "verdict", outcome = "succeeded" }

[[steps]]
id = "send-back"
kind = "task"
title = "Rework: {change}"
prompt = "The reviewers did not approve: {change}. Their votes are in the payload's `inputs`; rework it."
when = { step = "verdict", outcome = "failed" }
"#;

/// Run a check command; while it fails, a fix task gets its output; until it passes or the
/// fifth attempt.
pub const FIX_UNTIL_GREEN: &str = r#"name = "fix-until-green"
description = "Run a check; on failure a fix task gets its output; again until it passes (at most 5 rounds)"

[params.check]
required = true

[[steps]]
id = "fix"
kind = "loop"
max_iterations = 5
until = { rule = "test_pass", step = "run-check" }

  [[steps.steps]]
  id = "run-check"
  kind = "check"
  command = "{check}"

  [[steps.steps]]
  id = "repair"
  kind = "task"
  title = "Make `{check}` pass (round {iteration})"
  prompt = "`{check}` fails; its output is in the payload's `inputs`. Fix the code so that it passes."
  after = ["run-check"]
  when = { step = "run-check", outcome = "failed" }
"#;

/// One task per item of a list (files, tickets), then their results merged.
pub const MAP_REDUCE: &str = r#"name = "map-reduce"
description = "One task per item of a list, then their results deep-merged"

[params.items]
required = true
[params.task]
default = "Process"

[[steps]]
id = "each"
kind = "map"
over = "params.items"
title = "{task}: {item}"
prompt = "{task}: {item}. Print a JSON object with what you found."

[[steps]]
id = "merge"
kind = "reduce"
from = "each"
strategy = "merge"
"#;

/// The built-in templates by name.
pub const BUILTIN: &[(&str, &str)] =
    &[("review", REVIEW), ("fix-until-green", FIX_UNTIL_GREEN), ("map-reduce", MAP_REDUCE)];

pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_compiles_under_its_name() {
        for (name, text) in BUILTIN {
            let plan = super::super::compile(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(plan.name, *name);
            assert!(!plan.description.is_empty());
        }
    }

    #[test]
    fn review_applies_only_an_approval_and_sends_back_a_rejection_or_a_split() {
        use crate::workflow::run::{Finished, Status, finished, start};
        use serde_json::json;
        let plan = super::super::compile(REVIEW).unwrap();
        let params = plan.bind(json!({"change": "PR 9"}).as_object().unwrap()).unwrap();
        let ok = |key: &str, result: serde_json::Value| Finished { key: key.into(), succeeded: true, result };
        for (votes, verdict, next) in [
            (["approve", "approve"], Status::Succeeded, "apply"),
            (["reject", "reject"], Status::Failed, "send-back"),
            (["approve", "reject"], Status::Failed, "send-back"),
        ] {
            let (mut state, _) = start(&plan, &params);
            finished(&plan, &params, &mut state, &ok("implement", json!({})));
            finished(&plan, &params, &mut state, &ok("review[0]", json!({"verdict": votes[0]})));
            let after = finished(&plan, &params, &mut state, &ok("review[1]", json!({"verdict": votes[1]})));
            assert_eq!(state.steps["verdict"].status, verdict, "{votes:?}");
            assert_eq!(after.iter().map(|t| t.step.as_str()).collect::<Vec<_>>(), [next], "{votes:?}");
            assert_eq!(
                after[0].payload["inputs"]["verdict"]["counts"][0]["votes"],
                if votes[0] == votes[1] { 2 } else { 1 }
            );
        }
        let (mut state, _) = start(&plan, &params);
        finished(&plan, &params, &mut state, &ok("implement", json!({})));
        finished(&plan, &params, &mut state, &ok("review[0]", json!({"verdict": "reject"})));
        finished(&plan, &params, &mut state, &ok("review[1]", json!({"verdict": "reject"})));
        assert_eq!(state.steps["verdict"].reason.as_deref(), Some("the vote did not come out \"approve\""));
    }
}
