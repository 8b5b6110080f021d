//! Governance as far as it is built: policies (versions, a diff between two, a replay of a
//! proposed text against recorded decisions), profiles, guardrail rules, budgets against their
//! limits, and alerts with acknowledge/resolve.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bosun_core::Action;
use serde::Deserialize;

use super::{Nav, NoticeQuery, Page, Posted, nav, refusal, refused, render};
use crate::http::{App, Ctx};

pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/ui/policies", get(policies))
        .route("/ui/policies/replay", post(replay))
        .route("/ui/governance", get(governance))
        .route("/ui/alerts/{id}", post(decide_alert))
}

/// An enum's wire name (what the API shows).
fn wire<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[derive(Deserialize, Default)]
struct PolicyQuery {
    version: Option<u64>,
    /// Compare `version` with this one (default: the one before it).
    against: Option<u64>,
}

struct VersionLine {
    version: u64,
    created_at: String,
    created_by: String,
    note: String,
}

/// One line of a diff: `+`, `-` or ` `.
struct DiffLine {
    sign: char,
    text: String,
}

struct FlipLine {
    seq: u64,
    at: String,
    action: String,
    actor: String,
    was: &'static str,
    now: &'static str,
    policies: String,
}

#[derive(Template)]
#[template(path = "policies.html")]
struct PoliciesPage {
    nav: Nav,
    version: u64,
    text: String,
    ids: Vec<String>,
    invalid: Option<String>,
    versions: Vec<VersionLine>,
    against: Option<u64>,
    diff: Vec<DiffLine>,
    admin: bool,
    proposed: String,
    replay: Option<(usize, usize, Vec<FlipLine>)>,
    error: Option<String>,
}

/// Versions the page lists.
const VERSIONS: u32 = 50;
/// Events a replay from the page re-decides.
const REPLAYED: u32 = 1000;
/// Lines a diff compares at most (each side); longer texts are not diffed on the page.
const DIFF_LINES: usize = 5000;

fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    if old.lines().count() > DIFF_LINES || new.lines().count() > DIFF_LINES {
        return vec![DiffLine { sign: ' ', text: format!("(longer than {DIFF_LINES} lines: not compared here)") }];
    }
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            sign: match c.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            },
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

async fn policies_view(
    app: &App,
    signed: &super::Signed,
    q: PolicyQuery,
    proposed: String,
    replay: Option<(usize, usize, Vec<FlipLine>)>,
    error: Option<String>,
) -> Response {
    let doc = match app.kernel.policy_document(&signed.caller, q.version).await {
        Ok(d) => d,
        Err(e) => return refused(&e),
    };
    let versions = match app.kernel.policy_versions(&signed.caller, None, VERSIONS).await {
        Ok(v) => v,
        Err(e) => return refused(&e),
    };
    let against = q.against.or(doc.version.checked_sub(1).filter(|v| *v > 0));
    let diff = match against {
        Some(other) => match app.kernel.policy_document(&signed.caller, Some(other)).await {
            Ok(old) => diff(&old.text, &doc.text),
            Err(e) => return refused(&e),
        },
        None => Vec::new(),
    };
    let page = PoliciesPage {
        nav: nav(signed, "policies"),
        version: doc.version,
        ids: doc.ids,
        invalid: doc.invalid,
        versions: versions
            .into_iter()
            .map(|v| VersionLine {
                version: v.version,
                created_at: v.created_at,
                created_by: v.created_by.unwrap_or_default(),
                note: match v.restored_from {
                    Some(r) => format!("restores version {r}"),
                    None => v.note.unwrap_or_default(),
                },
            })
            .collect(),
        against,
        diff,
        admin: super::role_at_least(signed, bosun_core::Role::Admin),
        proposed: if proposed.is_empty() { doc.text.clone() } else { proposed },
        text: doc.text,
        replay,
        error,
    };
    render(StatusCode::OK, &page)
}

async fn policies(State(app): State<App>, Page(signed): Page, Query(q): Query<PolicyQuery>) -> Response {
    policies_view(&app, &signed, q, String::new(), None, None).await
}

#[derive(Deserialize)]
struct ReplayForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

impl super::WithCsrf for ReplayForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Re-decide the newest recorded decisions under a proposed text (admins; reads only).
async fn replay(State(app): State<App>, Posted(signed, form): Posted<ReplayForm>) -> Response {
    if form.text.len() > crate::kernel::MAX_POLICY_TEXT {
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, "the proposed policies are too long");
    }
    let (replay, error) = match app.kernel.replay_policies(&signed.caller, &form.text, REPLAYED).await {
        Ok(r) => {
            let flips = r
                .flips
                .into_iter()
                .map(|f| FlipLine {
                    seq: f.seq,
                    at: f.at,
                    action: f.action,
                    actor: f.actor_name.or(f.actor_id).unwrap_or_default(),
                    was: if f.was_allowed { "allowed" } else { "denied" },
                    now: if f.was_allowed { "denied" } else { "allowed" },
                    policies: f.policies.join(", "),
                })
                .collect();
            (Some((r.examined, r.decided, flips)), None)
        }
        Err(e @ crate::kernel::KernelError::Forbidden(_)) => return refused(&e),
        Err(e) => (None, Some(e.to_string())),
    };
    policies_view(&app, &signed, PolicyQuery::default(), form.text, replay, error).await
}

struct ProfileLine {
    name: String,
    trust: u8,
    allowed: String,
    blocked: String,
    limits: String,
    egress: String,
}

struct GuardLine {
    id: String,
    matches: String,
    category: String,
    action: String,
    reason: String,
}

struct BudgetLine {
    id: String,
    scope: String,
    metric: String,
    period: String,
    spent: i64,
    reserved: i64,
    limit: i64,
    soft: String,
    remaining: i64,
    over_soft: bool,
}

struct AlertLine {
    id: String,
    title: String,
    severity: String,
    status: String,
    count: u64,
    group: String,
    created_at: String,
    updated_at: String,
}

#[derive(Template)]
#[template(path = "governance.html")]
struct GovernancePage {
    nav: Nav,
    profiles: Vec<ProfileLine>,
    guards: Vec<GuardLine>,
    budgets: Vec<BudgetLine>,
    alerts: Vec<AlertLine>,
    can_ack: bool,
    can_resolve: bool,
    notice: Option<String>,
}

/// Alerts the page lists (open and acknowledged, newest first).
const ALERTS: u32 = 100;

async fn governance(State(app): State<App>, Page(signed): Page, Query(q): Query<NoticeQuery>) -> Response {
    let caller = &signed.caller;
    let profiles = app
        .kernel
        .profiles()
        .all()
        .map(|e| {
            let p = &e.profile;
            ProfileLine {
                name: p.name.clone(),
                trust: p.trust_level,
                allowed: p
                    .allowed_operations
                    .as_ref()
                    .map_or_else(|| "any the policies allow".into(), |o| o.join(", ")),
                blocked: p.blocked_operations.join(", "),
                limits: format!(
                    "{} leases, {} locks, {} paths a request, {} wildcards a key",
                    p.limits.max_leases,
                    p.limits.max_locks,
                    p.limits.max_paths_per_lock,
                    p.limits.max_pattern_wildcards
                ),
                egress: format!("allow: {} · deny: {}", p.egress.allow.join(", "), p.egress.deny.join(", ")),
            }
        })
        .collect();
    let guards = match app.kernel.guardrail_rules(caller).await {
        Ok(rules) => rules
            .into_iter()
            .map(|r| {
                let mut parts: Vec<String> = Vec::new();
                parts.extend(r.program.map(|p| format!("program {p}")));
                parts.extend(r.subcommand.map(|s| format!("subcommand {s}")));
                if !r.flags.is_empty() {
                    parts.push(format!("flags {}", r.flags.join(" ")));
                }
                parts.extend(r.pattern.map(|p| format!("pattern /{p}/")));
                GuardLine {
                    id: r.id,
                    matches: parts.join(" · "),
                    category: r.category,
                    action: wire(&r.action),
                    reason: r.reason.unwrap_or_default(),
                }
            })
            .collect(),
        Err(e) => return refused(&e),
    };
    let budgets = match app.kernel.budget_usage(caller).await {
        Ok(list) => list
            .into_iter()
            .map(|s| {
                let spec = &s.spec;
                let unit = spec.currency.clone().map(|c| format!(" ({c}, micros)")).unwrap_or_default();
                BudgetLine {
                    id: spec.id.clone(),
                    scope: match &spec.target {
                        Some(t) => format!("{} {t}", wire(&spec.scope)),
                        None => wire(&spec.scope),
                    },
                    metric: format!("{}{unit}", wire(&spec.metric)),
                    period: format!("{} from {}", wire(&spec.period), s.period_start),
                    spent: s.spent,
                    reserved: s.reserved,
                    limit: spec.hard_limit,
                    soft: spec.soft_limit.map(|l| l.to_string()).unwrap_or_default(),
                    remaining: s.remaining,
                    over_soft: spec.soft_limit.is_some_and(|l| s.spent + s.reserved >= l),
                }
            })
            .collect(),
        Err(e) => return refused(&e),
    };
    let mut alerts = Vec::new();
    for status in ["open", "acknowledged"] {
        match app.kernel.alerts(caller, Some(status.into()), None, ALERTS).await {
            Ok(list) => alerts.extend(list.into_iter().map(|(a, _)| AlertLine {
                id: a.id,
                title: a.title,
                severity: a.severity,
                status: a.status,
                count: a.count,
                group: a.group_key,
                created_at: a.created_at,
                updated_at: a.updated_at,
            })),
            Err(e) => return refused(&e),
        }
    }
    let page = GovernancePage {
        nav: nav(&signed, "governance"),
        profiles,
        guards,
        budgets,
        alerts,
        can_ack: app.kernel.may(caller, Action::AlertAcknowledge).await,
        can_resolve: app.kernel.may(caller, Action::AlertResolve).await,
        notice: q.notice.map(|n| n.chars().take(200).collect()),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct AlertForm {
    #[serde(default)]
    csrf: String,
    decision: String,
}

impl super::WithCsrf for AlertForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn decide_alert(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Posted(signed, form): Posted<AlertForm>,
) -> Response {
    let resolve = match form.decision.as_str() {
        "acknowledge" => false,
        "resolve" => true,
        _ => return refusal(StatusCode::UNPROCESSABLE_ENTITY, "acknowledge or resolve"),
    };
    let id: String = id.chars().take(64).collect();
    match app.kernel.execute(&signed.caller, &ctx, crate::kernel::Command::DecideAlert { id, resolve }).await {
        Ok(_) => {
            let notice = if resolve { "Resolved." } else { "Acknowledged." };
            Redirect::to(&format!("/ui/governance?notice={notice}#alerts-title")).into_response()
        }
        Err(e) => refused(&e),
    }
}
