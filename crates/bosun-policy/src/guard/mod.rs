//! Guardrails (SPEC §5.4): is this command or text safe to run? Shell text is parsed into the
//! simple commands a shell would run (`shell`), each judged by the built-in rules (`rules`) on its
//! program and normalised options — never by matching the string. SQL and paths keep text rules.
//! Text that cannot be parsed is judged on its raw words and reported `unparsed`.

mod rules;
pub mod shell;
mod tenant;

pub use tenant::{RuleSpec, TenantRules};

pub use rules::is_credential_path;
use serde::Serialize;

/// What a rule protects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    GitDestructive,
    RecursiveDelete,
    SqlDestructive,
    Credentials,
    DeployInfra,
    Migration,
    RemoteScript,
    System,
    /// The tenant's Cedar policies forbade the command (`command.run`).
    Policy,
    /// A tenant rule of no built-in category.
    Custom,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::GitDestructive => "git_destructive",
            Category::RecursiveDelete => "recursive_delete",
            Category::SqlDestructive => "sql_destructive",
            Category::Credentials => "credentials",
            Category::DeployInfra => "deploy_infra",
            Category::Migration => "migration",
            Category::RemoteScript => "remote_script",
            Category::System => "system",
            Category::Policy => "policy",
            Category::Custom => "custom",
        }
    }
}

/// What happens on a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Log,
    RequireApproval,
    Block,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Log => "log",
            Action::RequireApproval => "require_approval",
            Action::Block => "block",
        }
    }
}

/// A rule that matched one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    rule: std::borrow::Cow<'static, str>,
    category: Category,
    action: Action,
    matched: String,
}

/// One violation, for the answer and the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: String,
    pub category: Category,
    /// `critical` for blocks, `warning` for approvals, `info` for logs.
    pub severity: &'static str,
    /// The command (or text) that matched, as judged.
    pub matched: String,
    pub action: Action,
}

/// The verdict on one text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// No violation asks to block or to wait for an approval.
    pub safe: bool,
    /// Some of the text could not be parsed and was judged on its raw words.
    pub unparsed: bool,
    pub violations: Vec<Violation>,
    /// How many simple commands were judged.
    pub commands: usize,
}

impl Verdict {
    /// Add the tenant's policies' refusal (`command.run` denied): a block whatever the trust.
    pub fn forbid_by_policy(&mut self, policies: &[String], reason: String) {
        let rule = if policies.is_empty() { "policy".to_owned() } else { format!("policy:{}", policies.join(",")) };
        self.violations.push(Violation {
            rule,
            category: Category::Policy,
            severity: "critical",
            matched: reason,
            action: Action::Block,
        });
        self.safe = false;
    }

    /// The strongest action asked for (`None`: nothing matched).
    pub fn action(&self) -> Option<Action> {
        self.violations.iter().map(|v| v.action).max()
    }

    /// The categories matched, distinct (for Cedar's context and the audit log).
    pub fn categories(&self) -> Vec<&'static str> {
        let mut c: Vec<&'static str> = self.violations.iter().map(|v| v.category.as_str()).collect();
        c.sort_unstable();
        c.dedup();
        c
    }
}

/// Judge `text` (a shell command, or SQL) and the `paths` about to be written, for a caller of
/// `trust_level`: from trust 3 up, what would block is logged instead — except credential files.
pub fn check(text: &str, paths: &[String], trust_level: u8) -> Result<Verdict, String> {
    check_with(text, paths, trust_level, &TenantRules::default())
}

/// [`check`] with a tenant's own rules beside the built-in ones.
pub fn check_with(text: &str, paths: &[String], trust_level: u8, tenant: &TenantRules) -> Result<Verdict, String> {
    let mut hits = Vec::new();
    let mut unparsed = false;
    let mut commands = 0;
    if looks_like_sql(text) {
        if let Some((rule, matched)) = rules::sql(text) {
            hits.push(Hit {
                rule: rule.into(),
                category: Category::SqlDestructive,
                action: Action::RequireApproval,
                matched,
            });
        }
    } else if !text.trim().is_empty() {
        let script = shell::parse(text)?;
        for s in script.commands() {
            commands += 1;
            hits.extend(rules::judge(s));
            hits.extend(tenant.judge(s));
        }
        for name in &script.recursive_functions {
            let matched = format!("function {name} calls itself");
            hits.push(Hit { rule: "fork-bomb".into(), category: Category::System, action: Action::Block, matched });
        }
        for raw in &script.unparsed {
            unparsed = true;
            for s in raw_commands(raw) {
                commands += 1;
                hits.extend(rules::judge(&s));
            }
            if let Some((rule, matched)) = rules::sql(raw).filter(|_| looks_like_sql(raw)) {
                hits.push(Hit {
                    rule: rule.into(),
                    category: Category::SqlDestructive,
                    action: Action::RequireApproval,
                    matched,
                });
            }
        }
    }
    if !text.trim().is_empty() {
        hits.extend(tenant.judge_text(text));
    }
    for path in paths.iter().filter(|p| is_credential_path(p)) {
        let matched = path.chars().take(200).collect();
        hits.push(Hit {
            rule: "write-credential-file".into(),
            category: Category::Credentials,
            action: Action::Block,
            matched,
        });
    }
    let violations: Vec<Violation> = hits
        .into_iter()
        .map(|h| {
            let action = match h.action {
                Action::Block if trust_level >= 3 && h.category != Category::Credentials => Action::Log,
                other => other,
            };
            let severity = match action {
                Action::Block => "critical",
                Action::RequireApproval => "warning",
                Action::Log => "info",
            };
            Violation { rule: h.rule.into_owned(), category: h.category, severity, matched: h.matched, action }
        })
        .collect();
    let safe = !violations.iter().any(|v| v.action != Action::Log);
    Ok(Verdict { safe, unparsed, violations, commands })
}

/// SQL rather than shell: it starts with a statement keyword (`truncate -s 0 f` is the shell's
/// `truncate`: an option follows it).
fn looks_like_sql(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("").to_ascii_uppercase();
    let second_is_option = words.next().is_some_and(|w| w.starts_with('-'));
    matches!(first.as_str(), "DELETE" | "UPDATE" | "DROP" | "TRUNCATE" | "ALTER" | "INSERT" | "SELECT" | "WITH")
        && !second_is_option
}

/// Text the parser refused, split on shell separators into words (quotes dropped): a coarse
/// reading, so that an unparsable `rm -rf /; echo "` is still seen as `rm -rf /`.
fn raw_commands(raw: &str) -> Vec<shell::Simple> {
    let mut out = Vec::new();
    let cleaned: String = raw.chars().map(|c| if matches!(c, '"' | '\'' | '\\') { ' ' } else { c }).collect();
    for segment in cleaned.split([';', '&', '|', '(', ')', '`', '\n', '{', '}', '$']) {
        let mut words = segment.split_whitespace().map(str::to_owned);
        let Some(program) = words.next() else { continue };
        let mut args: Vec<String> = words.collect();
        let mut program = shell::normalise_program(&program);
        // Wrappers, coarsely: their next word that is not an option or assignment.
        while matches!(
            program.as_str(),
            "sudo" | "doas" | "env" | "nice" | "nohup" | "time" | "exec" | "command" | "xargs" | "timeout"
        ) {
            let Some(i) = args
                .iter()
                .position(|a| !a.starts_with('-') && !a.contains('=') && !a.chars().all(|c| c.is_ascii_digit()))
            else {
                break;
            };
            program = shell::normalise_program(&args[i]);
            args.drain(..=i);
        }
        out.push(shell::Simple { program, args, ..shell::Simple::default() });
        if out.len() >= shell::MAX_COMMANDS {
            break;
        }
    }
    out
}
