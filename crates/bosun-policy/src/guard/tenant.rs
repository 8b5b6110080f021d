//! A tenant's own guardrail rules (`PUT /api/v1/guardrails/rules`), judged beside the built-in
//! ones: a rule names a program (optionally a subcommand and flags that must all be present,
//! in any spelling) — judged on the parsed commands — or a regular expression over the raw text
//! (for SQL and other non-shell text).

use serde::{Deserialize, Serialize};

use super::rules::Flags;
use super::shell::Simple;
use super::{Action, Category, Hit};

/// The most rules a tenant keeps, and the longest pattern.
pub const MAX_RULES: usize = 200;
pub const MAX_PATTERN: usize = 512;

/// A rule as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Named in violations: letters, digits and `-_.`.
    pub id: String,
    /// The program, normalised (`kubectl`, `npm`…).
    #[serde(default)]
    pub program: Option<String>,
    /// Its first operand (`publish`, `delete`…).
    #[serde(default)]
    pub subcommand: Option<String>,
    /// Flags that must all be present: `-f`, `--force` (short and long spellings are distinct).
    #[serde(default)]
    pub flags: Vec<String>,
    /// A regular expression over the raw text (case-insensitive).
    #[serde(default)]
    pub pattern: Option<String>,
    /// One of the built-in categories, or `custom`.
    #[serde(default = "custom")]
    pub category: String,
    pub action: Action,
    #[serde(default)]
    pub reason: Option<String>,
}

fn custom() -> String {
    "custom".into()
}

#[derive(Clone, Debug)]
struct Compiled {
    spec: RuleSpec,
    category: Category,
    pattern: Option<regex::Regex>,
}

/// A tenant's rules, checked and compiled.
#[derive(Clone, Debug, Default)]
pub struct TenantRules {
    rules: Vec<Compiled>,
}

fn category_of(name: &str) -> Option<Category> {
    Some(match name {
        "git_destructive" => Category::GitDestructive,
        "recursive_delete" => Category::RecursiveDelete,
        "sql_destructive" => Category::SqlDestructive,
        "credentials" => Category::Credentials,
        "deploy_infra" => Category::DeployInfra,
        "migration" => Category::Migration,
        "remote_script" => Category::RemoteScript,
        "system" => Category::System,
        "custom" => Category::Custom,
        _ => return None,
    })
}

impl TenantRules {
    pub fn compile(specs: &[RuleSpec]) -> Result<TenantRules, String> {
        if specs.len() > MAX_RULES {
            return Err(format!("at most {MAX_RULES} guardrail rules"));
        }
        let mut rules = Vec::with_capacity(specs.len());
        let mut ids = std::collections::HashSet::new();
        for (i, s) in specs.iter().enumerate() {
            let at = |why: String| format!("guardrail rule {} (`{}`): {why}", i + 1, s.id);
            let id_ok = !s.id.is_empty()
                && s.id.len() <= 64
                && s.id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if !id_ok {
                return Err(at("`id` is 1 to 64 letters, digits, `-`, `_` or `.`".into()));
            }
            if !ids.insert(s.id.clone()) {
                return Err(at("two rules have this id".into()));
            }
            if s.program.is_none() && s.pattern.is_none() {
                return Err(at("name a `program` or a `pattern`".into()));
            }
            if s.program.is_none() && (s.subcommand.is_some() || !s.flags.is_empty()) {
                return Err(at("`subcommand` and `flags` go with a `program`".into()));
            }
            if s.flags.len() > 16 || s.flags.iter().any(|f| !f.starts_with('-') || f.len() > 64) {
                return Err(at("`flags` are up to 16 options such as -f or --force".into()));
            }
            let category = category_of(&s.category).ok_or_else(|| at(format!("unknown category `{}`", s.category)))?;
            let pattern = match &s.pattern {
                Some(p) if p.len() > MAX_PATTERN => {
                    return Err(at(format!("`pattern` is limited to {MAX_PATTERN} bytes")));
                }
                Some(p) => Some(
                    regex::RegexBuilder::new(p)
                        .case_insensitive(true)
                        .size_limit(256 * 1024)
                        .build()
                        .map_err(|e| at(format!("`pattern`: {e}")))?,
                ),
                None => None,
            };
            rules.push(Compiled { spec: s.clone(), category, pattern });
        }
        Ok(TenantRules { rules })
    }

    fn hit(r: &Compiled, matched: String) -> Hit {
        Hit { rule: r.spec.id.clone().into(), category: r.category, action: r.spec.action, matched }
    }

    /// Rules with a program, on one parsed command.
    pub(super) fn judge(&self, s: &Simple) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut flags = None;
        for r in self.rules.iter().filter(|r| r.spec.program.as_deref() == Some(s.program.as_str())) {
            let f = flags.get_or_insert_with(|| Flags::of(&s.args));
            if let Some(sub) = &r.spec.subcommand
                && f.operands.first() != Some(sub)
            {
                continue;
            }
            let has = |flag: &String| match flag.strip_prefix("--") {
                Some(long) => f.has('\u{0}', long),
                None => flag.chars().skip(1).all(|c| f.has(c, "\u{0}")),
            };
            let shown = super::rules::shown(s);
            if r.spec.flags.iter().all(has) && r.pattern.as_ref().is_none_or(|p| p.is_match(&shown)) {
                hits.push(Self::hit(r, shown));
            }
        }
        hits
    }

    /// Rules with a pattern and no program, on the raw text.
    pub(super) fn judge_text(&self, text: &str) -> Vec<Hit> {
        self.rules
            .iter()
            .filter(|r| r.spec.program.is_none())
            .filter_map(|r| {
                let m = r.pattern.as_ref()?.find(text)?;
                Some(Self::hit(r, m.as_str().chars().take(200).collect()))
            })
            .collect()
    }
}
