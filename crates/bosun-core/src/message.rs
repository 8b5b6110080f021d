//! Messages (SPEC §3.4): types, importance, per-recipient delivery states, the allowlist rule
//! evaluation, and turning a user's search words into a safe FTS5 query.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    TaskHandoff,
    StatusUpdate,
    DataRequest,
    DataResponse,
    Escalation,
    Notification,
    Chat,
}

impl MessageType {
    pub const ALL: [MessageType; 7] = [
        MessageType::TaskHandoff,
        MessageType::StatusUpdate,
        MessageType::DataRequest,
        MessageType::DataResponse,
        MessageType::Escalation,
        MessageType::Notification,
        MessageType::Chat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::TaskHandoff => "task_handoff",
            MessageType::StatusUpdate => "status_update",
            MessageType::DataRequest => "data_request",
            MessageType::DataResponse => "data_response",
            MessageType::Escalation => "escalation",
            MessageType::Notification => "notification",
            MessageType::Chat => "chat",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    Low,
    Normal,
    High,
    Urgent,
}

impl Importance {
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Low => "low",
            Importance::Normal => "normal",
            Importance::High => "high",
            Importance::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Importance::Low, Importance::Normal, Importance::High, Importance::Urgent]
            .into_iter()
            .find(|i| i.as_str() == s)
    }
}

/// Where a message stands for one recipient: `queued → delivered → read → acked`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    Queued,
    Delivered,
    Read,
    Acked,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Delivered => "delivered",
            Delivery::Read => "read",
            Delivery::Acked => "acked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Delivery::Queued, Delivery::Delivered, Delivery::Read, Delivery::Acked].into_iter().find(|d| d.as_str() == s)
    }

    /// States only move forward; reading implies delivery, acking implies reading.
    pub fn advance(self, to: Delivery) -> Delivery {
        self.max(to)
    }
}

/// One allowlist rule. `from`/`to` are an agent name, `profile:<name>`, `user:<name>` (senders
/// only) or `*`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub from: String,
    pub to: String,
    pub action: RuleAction,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleAction {
    Allow,
    Deny,
}

/// A tenant's allowlist: rules in order, first match wins; otherwise the default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// `open` (allow unless a rule denies) or `closed` (deny unless a rule allows).
    #[serde(default = "open")]
    pub default: String,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

fn open() -> String {
    "open".into()
}

impl Default for Allowlist {
    fn default() -> Self {
        Self { default: open(), rules: Vec::new() }
    }
}

/// A party as rules see it.
pub struct Party<'a> {
    /// `user` or `agent`.
    pub kind: &'a str,
    pub name: &'a str,
    /// Agents only.
    pub profile: Option<&'a str>,
}

impl Party<'_> {
    fn matches(&self, pattern: &str) -> bool {
        match pattern.split_once(':') {
            _ if pattern == "*" => true,
            Some(("profile", p)) => self.profile == Some(p),
            Some(("user", u)) => self.kind == "user" && self.name == u,
            Some(("agent", a)) => self.kind == "agent" && self.name == a,
            _ => self.kind == "agent" && self.name == pattern,
        }
    }
}

impl Allowlist {
    pub fn validate(&self) -> Result<(), String> {
        if !matches!(self.default.as_str(), "open" | "closed") {
            return Err("`default` must be `open` or `closed`".into());
        }
        if self.rules.len() > 1000 {
            return Err("at most 1000 rules".into());
        }
        for (i, r) in self.rules.iter().enumerate() {
            for (field, v) in [("from", &r.from), ("to", &r.to)] {
                if v.is_empty() || v.len() > 100 {
                    return Err(format!("rule {}: `{field}` must be 1 to 100 characters", i + 1));
                }
            }
        }
        Ok(())
    }

    /// The rule naming exactly agent `from` → agent `to` (by name, bare or `agent:`), if any:
    /// the cell of the dashboard's agent × agent matrix.
    pub fn pair(&self, from: &str, to: &str) -> Option<RuleAction> {
        self.pair_index(from, to).map(|i| self.rules[i].action)
    }

    fn pair_index(&self, from: &str, to: &str) -> Option<usize> {
        let names = |pattern: &str, name: &str| pattern == name || pattern.strip_prefix("agent:") == Some(name);
        self.rules.iter().position(|r| names(&r.from, from) && names(&r.to, to))
    }

    /// Set (or with `None` remove) the rule for exactly agent `from` → agent `to`. An existing
    /// one changes in place, keeping its position; a new one goes first, so what the matrix
    /// shows is what happens — a rule naming two agents is meant to override wider ones.
    pub fn set_pair(&mut self, from: &str, to: &str, action: Option<RuleAction>) {
        match (self.pair_index(from, to), action) {
            (Some(i), Some(action)) => self.rules[i].action = action,
            (Some(i), None) => {
                self.rules.remove(i);
            }
            (None, Some(action)) => self.rules.insert(0, Rule { from: from.into(), to: to.into(), action }),
            (None, None) => {}
        }
    }

    /// `Err(reason)` naming the rule (or the default) that blocks `from` → `to`.
    pub fn check(&self, from: &Party<'_>, to: &Party<'_>) -> Result<(), String> {
        for (i, rule) in self.rules.iter().enumerate() {
            if from.matches(&rule.from) && to.matches(&rule.to) {
                return match rule.action {
                    RuleAction::Allow => Ok(()),
                    RuleAction::Deny => Err(format!(
                        "allowlist rule {} (deny from `{}` to `{}`) blocks {} → {}",
                        i + 1,
                        rule.from,
                        rule.to,
                        from.name,
                        to.name
                    )),
                };
            }
        }
        if self.default == "closed" {
            Err(format!("the allowlist is closed and no rule allows {} → {}", from.name, to.name))
        } else {
            Ok(())
        }
    }
}

/// A user's search words as an FTS5 query that cannot be a syntax error: each word quoted, all
/// words required. `None` when there is nothing to search for.
pub fn fts_query(words: &str) -> Option<String> {
    let terms: Vec<String> =
        words.split_whitespace().take(32).map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent<'a>(name: &'a str, profile: &'a str) -> Party<'a> {
        Party { kind: "agent", name, profile: Some(profile) }
    }

    #[test]
    fn the_matrix_edits_the_rules_naming_two_agents() {
        let rule = |from: &str, to: &str, action| Rule { from: from.into(), to: to.into(), action };
        let mut list = Allowlist {
            default: "open".into(),
            rules: vec![rule("*", "profile:ops", RuleAction::Deny), rule("agent:ann", "bob", RuleAction::Allow)],
        };
        assert_eq!(list.pair("ann", "bob"), Some(RuleAction::Allow), "`agent:` and bare names are the same");
        assert_eq!(list.pair("bob", "ann"), None);
        list.set_pair("ann", "bob", Some(RuleAction::Deny));
        assert_eq!(list.rules[1], rule("agent:ann", "bob", RuleAction::Deny), "changed in place");
        list.set_pair("bob", "ann", Some(RuleAction::Deny));
        assert_eq!(list.rules[0], rule("bob", "ann", RuleAction::Deny), "a new pair goes first");
        assert!(list.check(&agent("bob", "ops"), &agent("ann", "ops")).is_err(), "and takes effect");
        list.set_pair("bob", "ann", None);
        list.set_pair("ann", "bob", None);
        list.set_pair("ann", "bob", None);
        assert_eq!(list.rules, [rule("*", "profile:ops", RuleAction::Deny)], "removed; wider rules untouched");
    }

    #[test]
    fn first_matching_rule_wins_then_the_default() {
        let list = Allowlist {
            default: "open".into(),
            rules: vec![
                Rule { from: "GreenCastle".into(), to: "*".into(), action: RuleAction::Allow },
                Rule { from: "profile:observer".into(), to: "*".into(), action: RuleAction::Deny },
                Rule { from: "*".into(), to: "Vault".into(), action: RuleAction::Deny },
            ],
        };
        assert!(list.check(&agent("GreenCastle", "observer"), &agent("Vault", "worker")).is_ok());
        let err = list.check(&agent("Peek", "observer"), &agent("Bob", "worker")).unwrap_err();
        assert!(err.starts_with("allowlist rule 2 (deny from `profile:observer` to `*`)"), "{err}");
        assert!(list.check(&agent("Bob", "worker"), &agent("Vault", "worker")).unwrap_err().contains("rule 3"));
        assert!(list.check(&agent("Bob", "worker"), &agent("Alice", "worker")).is_ok());
        let user = Party { kind: "user", name: "alice", profile: None };
        assert!(list.check(&user, &agent("Vault", "worker")).is_err());
        let closed = Allowlist { default: "closed".into(), rules: vec![] };
        assert!(closed.check(&user, &agent("Bob", "worker")).unwrap_err().contains("closed"));
        assert!(Allowlist { default: "ajar".into(), rules: vec![] }.validate().is_err());
    }

    #[test]
    fn delivery_only_moves_forward() {
        assert_eq!(Delivery::Read.advance(Delivery::Delivered), Delivery::Read);
        assert_eq!(Delivery::Queued.advance(Delivery::Acked), Delivery::Acked);
    }

    #[test]
    fn search_words_are_quoted() {
        assert_eq!(fts_query("deploy  failed").as_deref(), Some("\"deploy\" \"failed\""));
        assert_eq!(fts_query("a\"b OR c*").as_deref(), Some("\"a\"\"b\" \"OR\" \"c*\""));
        assert_eq!(fts_query("   "), None);
    }
}
