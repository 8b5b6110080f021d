//! Messages (timeline, search, threads with each recipient's delivery state) and the allowlist
//! editor (an agent × agent matrix and the ordered rules).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bosun_core::Action;
use bosun_core::message::{Allowlist, Party, Rule, RuleAction};
use bosun_core::model::{Message, Recipient};
use serde::Deserialize;

use super::{Nav, NoticeQuery, Page, Posted, nav, options, refusal, refused, render};
use crate::http::{App, Ctx};

pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/ui/messages", get(timeline))
        .route("/ui/messages/thread/{id}", get(thread))
        .route("/ui/allowlist", get(allowlist_page))
        .route("/ui/allowlist/matrix", post(save_matrix))
        .route("/ui/allowlist/rules", post(save_rules))
}

/// Messages a timeline page shows.
const PAGE: u32 = 50;
/// Search answers at most this many (newest first), then the other filters narrow them.
const SEARCHED: u32 = 100;
/// Agents the matrix shows (by name); past that, rules with `profile:` or `*` scale better.
const MATRIX: usize = 24;

#[derive(Deserialize, Default)]
struct Filters {
    #[serde(default)]
    agent: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    thread: String,
    #[serde(default)]
    importance: String,
    #[serde(default)]
    q: String,
    before: Option<String>,
}

impl Filters {
    fn query(&self) -> String {
        let pairs = [
            ("agent", &self.agent),
            ("type", &self.kind),
            ("thread", &self.thread),
            ("importance", &self.importance),
            ("q", &self.q),
        ];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default()
    }

    /// The store's filter, or what is wrong with the form (the API's rules).
    fn parse(&self) -> Result<bosun_store::MessageFilter, String> {
        let before = self.before.as_deref().unwrap_or_default();
        crate::http::messages::timeline_filter(&self.kind, &self.thread, &self.importance, before, PAGE)
    }
}

struct Line {
    id: String,
    thread: String,
    at: String,
    from: String,
    to: String,
    kind: &'static str,
    importance: &'static str,
    subject: String,
    excerpt: String,
}

fn line(m: &Message, copies: &[Recipient]) -> Line {
    let to = copies.iter().map(|c| format!("{} ({})", c.agent_name, c.state.as_str())).collect::<Vec<_>>().join(", ");
    Line {
        id: m.id.to_string(),
        thread: m.thread_id.to_string(),
        at: bosun_core::clock::format_micros(m.created_at),
        from: m.sender.name.clone(),
        to: if to.is_empty() { m.topic.clone().map(|t| format!("topic {t}")).unwrap_or_default() } else { to },
        kind: m.kind.as_str(),
        importance: m.importance.as_str(),
        subject: m.subject.clone(),
        excerpt: m.body.chars().take(200).collect(),
    }
}

#[derive(Template)]
#[template(path = "messages.html")]
struct TimelinePage {
    nav: Nav,
    f: Filters,
    types: Vec<(String, String, bool)>,
    importances: Vec<(String, String, bool)>,
    lines: Vec<Line>,
    next: Option<String>,
    query: String,
    searched: bool,
    error: Option<String>,
}

const TYPES: [&str; 8] =
    ["", "task_handoff", "status_update", "data_request", "data_response", "escalation", "notification", "chat"];

async fn timeline(State(app): State<App>, Page(signed): Page, Query(f): Query<Filters>) -> Response {
    let (mut lines, mut next, mut error) = (Vec::new(), None, None);
    let searched = !f.q.trim().is_empty();
    let party = Some(f.agent.trim().to_owned()).filter(|a| !a.is_empty());
    match f.parse() {
        Err(e) => error = Some(e),
        Ok(_) if party.as_ref().is_some_and(|p| p.len() > 100) => {
            error = Some("`agent` is at most 100 characters".into())
        }
        Ok(filter) if searched => match app.kernel.search(&signed.caller, &f.q, SEARCHED).await {
            Ok(found) => {
                lines = found
                    .iter()
                    .filter(|(m, copies)| {
                        filter.kind.is_none_or(|k| m.kind == k)
                            && filter.thread.is_none_or(|t| m.thread_id == t)
                            && filter.importance.is_none_or(|i| m.importance == i)
                            && party
                                .as_ref()
                                .is_none_or(|p| m.sender.name == *p || copies.iter().any(|c| c.agent_name == *p))
                    })
                    .map(|(m, copies)| line(m, copies))
                    .collect();
            }
            Err(e) => error = Some(e.to_string()),
        },
        Ok(filter) => match app.kernel.timeline(&signed.caller, party, filter).await {
            Ok(found) => {
                next = (found.len() == PAGE as usize).then(|| found.last().map(|(m, _)| m.id.to_string())).flatten();
                lines = found.iter().map(|(m, copies)| line(m, copies)).collect();
            }
            Err(e) => error = Some(e.to_string()),
        },
    }
    let page = TimelinePage {
        nav: nav(&signed, "messages"),
        types: options(&TYPES, f.kind.trim()),
        importances: options(&["", "low", "normal", "high", "urgent"], f.importance.trim()),
        query: f.query(),
        f,
        lines,
        next,
        searched,
        error,
    };
    render(StatusCode::OK, &page)
}

struct Copy {
    name: String,
    state: &'static str,
    delivered: String,
    read: String,
    acked: String,
}

struct Post {
    line: Line,
    body: String,
    reply_to: String,
    ack_required: bool,
    copies: Vec<Copy>,
}

#[derive(Template)]
#[template(path = "thread.html")]
struct ThreadPage {
    nav: Nav,
    posts: Vec<Post>,
}

async fn thread(State(app): State<App>, Page(signed): Page, Path(id): Path<String>) -> Response {
    let Some(id) = bosun_core::MessageId::parse(&id) else { return refusal(StatusCode::NOT_FOUND, "no such thread") };
    let found = match app.kernel.thread(&signed.caller, id).await {
        Ok(f) => f,
        Err(e) => return refused(&e),
    };
    let when = |t: Option<bosun_core::Timestamp>| t.map(bosun_core::clock::format_micros).unwrap_or_default();
    let posts = found
        .iter()
        .map(|(m, copies)| Post {
            line: line(m, copies),
            body: m.body.clone(),
            reply_to: m.reply_to.map(|r| r.to_string()).unwrap_or_default(),
            ack_required: m.ack_required,
            copies: copies
                .iter()
                .map(|c| Copy {
                    name: c.agent_name.clone(),
                    state: c.state.as_str(),
                    delivered: when(c.delivered_at),
                    read: when(c.read_at),
                    acked: when(c.acked_at),
                })
                .collect(),
        })
        .collect();
    render(StatusCode::OK, &ThreadPage { nav: nav(&signed, "messages"), posts })
}

/// One matrix cell: the rule naming exactly these two agents, and what a send would meet.
struct Cell {
    field: String,
    label: String,
    rule: &'static str,
    allowed: bool,
    why: String,
}

struct RuleRow {
    position: usize,
    from: String,
    to: String,
    allow: bool,
}

#[derive(Template)]
#[template(path = "allowlist.html")]
struct AllowlistPage {
    nav: Nav,
    editable: bool,
    closed: bool,
    agents: Vec<String>,
    more_agents: bool,
    matrix: Vec<(String, Vec<Option<Cell>>)>,
    rules: Vec<RuleRow>,
    notice: Option<String>,
}

fn rule_name(action: Option<RuleAction>) -> &'static str {
    match action {
        Some(RuleAction::Allow) => "allow",
        Some(RuleAction::Deny) => "deny",
        None => "",
    }
}

async fn allowlist_page(State(app): State<App>, Page(signed): Page, Query(q): Query<NoticeQuery>) -> Response {
    let list = match app.kernel.allowlist(&signed.caller).await {
        Ok(l) => l,
        Err(e) => return refused(&e),
    };
    let mut agents =
        match app.kernel.agents(&signed.caller, bosun_store::AgentFilter::default(), None, MATRIX as u32 + 1).await {
            Ok(a) => a,
            Err(e) => return refused(&e),
        };
    let more_agents = agents.len() > MATRIX;
    agents.truncate(MATRIX);
    agents.sort_by(|a, b| a.name.cmp(&b.name));
    let party = |a: &bosun_core::model::Agent| (a.name.clone(), a.profile.clone());
    let parties: Vec<(String, String)> = agents.iter().map(party).collect();
    let matrix = parties
        .iter()
        .enumerate()
        .map(|(i, (from, from_profile))| {
            let row = parties
                .iter()
                .enumerate()
                .map(|(j, (to, to_profile))| {
                    (i != j).then(|| {
                        let sender = Party { kind: "agent", name: from, profile: Some(from_profile) };
                        let recipient = Party { kind: "agent", name: to, profile: Some(to_profile) };
                        let verdict = list.check(&sender, &recipient);
                        Cell {
                            field: format!("{i}-{j}"),
                            label: format!("{from} to {to}"),
                            rule: rule_name(list.pair(from, to)),
                            allowed: verdict.is_ok(),
                            why: verdict.err().unwrap_or_else(|| "allowed".into()),
                        }
                    })
                })
                .collect();
            (from.clone(), row)
        })
        .collect();
    let rules = list
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| RuleRow {
            position: i + 1,
            from: r.from.clone(),
            to: r.to.clone(),
            allow: r.action == RuleAction::Allow,
        })
        .collect();
    let page = AllowlistPage {
        nav: nav(&signed, "allowlist"),
        editable: app.kernel.may(&signed.caller, Action::AllowlistUpdate).await,
        closed: list.default == "closed",
        agents: parties.into_iter().map(|(name, _)| name).collect(),
        more_agents,
        matrix,
        rules,
        notice: q.notice.map(|n| n.chars().take(200).collect()),
    };
    render(StatusCode::OK, &page)
}

/// A form's fields in order (repeated names kept), at most this many.
const FIELDS: usize = 4 * 1001 + 8 + 2 * MATRIX * MATRIX + MATRIX;

/// A posted form by field name (the first of a repeated name wins), at most [`FIELDS`] fields.
#[derive(Deserialize)]
#[serde(try_from = "Vec<(String, String)>")]
struct Fields(std::collections::HashMap<String, String>);

impl TryFrom<Vec<(String, String)>> for Fields {
    type Error = &'static str;

    fn try_from(pairs: Vec<(String, String)>) -> Result<Fields, &'static str> {
        if pairs.len() > FIELDS {
            return Err("the form has too many fields");
        }
        let mut map = std::collections::HashMap::with_capacity(pairs.len());
        for (k, v) in pairs {
            map.entry(k).or_insert(v);
        }
        Ok(Fields(map))
    }
}

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

impl super::WithCsrf for Fields {
    fn csrf(&self) -> &str {
        self.get("csrf").unwrap_or_default()
    }
}

/// Save the allowlist as the signed-in user (the same audited, policy-decided command as the API's
/// `PUT /api/v1/allowlist`).
async fn put(
    app: &App,
    ctx: &crate::kernel::RequestCtx,
    signed: &crate::kernel::dashboard::Signed,
    list: Allowlist,
) -> Response {
    match app.kernel.execute(&signed.caller, ctx, crate::kernel::Command::PutAllowlist(list)).await {
        Ok(_) => Redirect::to("/ui/allowlist?notice=Saved.").into_response(),
        Err(e) => refused(&e),
    }
}

/// A rule's action as a form sends it (`""` is none); `None` when it is neither.
fn action(value: &str) -> Option<Option<RuleAction>> {
    match value {
        "" => Some(None),
        "allow" => Some(Some(RuleAction::Allow)),
        "deny" => Some(Some(RuleAction::Deny)),
        _ => None,
    }
}

/// The matrix posts each shown agent's name (`a<i>`), each cell's rule as shown (`o<i>-<j>`) and
/// as chosen (`c<i>-<j>`); only the cells changed are applied, to the allowlist as it is now, so
/// an edit made meanwhile elsewhere is kept.
async fn save_matrix(State(app): State<App>, Ctx(ctx): Ctx, Posted(signed, form): Posted<Fields>) -> Response {
    let mut list = match app.kernel.allowlist(&signed.caller).await {
        Ok(l) => l,
        Err(e) => return refused(&e),
    };
    let names: Vec<&str> = (0..MATRIX).map_while(|i| form.get(&format!("a{i}"))).collect();
    let mut changed = 0;
    for (i, from) in names.iter().enumerate() {
        for (j, to) in names.iter().enumerate() {
            let (Some(shown), Some(chosen)) = (form.get(&format!("o{i}-{j}")), form.get(&format!("c{i}-{j}"))) else {
                continue;
            };
            if shown != chosen {
                match action(chosen) {
                    Some(a) => list.set_pair(from, to, a),
                    None => return refusal(StatusCode::UNPROCESSABLE_ENTITY, "a rule allows or denies"),
                }
                changed += 1;
            }
        }
    }
    if changed == 0 {
        return Redirect::to("/ui/allowlist?notice=Nothing+changed.").into_response();
    }
    put(&app, &ctx, &signed, list).await
}

/// The rules form posts the default and, per rule, its position, from, to, action and a delete
/// box (`p<i>`, `f<i>`, `t<i>`, `x<i>`, `d<i>`; a new rule is `new`). Rules are saved in the
/// order of their positions (ties keep the shown order).
async fn save_rules(State(app): State<App>, Ctx(ctx): Ctx, Posted(signed, form): Posted<Fields>) -> Response {
    let default = form.get("default").unwrap_or("open").to_owned();
    let mut rows: Vec<(f64, Rule)> = Vec::new();
    let keys = (1..=1000).map(|i| i.to_string()).chain(["new".to_owned()]);
    for key in keys {
        let get = |prefix: &str| form.get(&format!("{prefix}{key}")).map(str::trim);
        let (Some(from), Some(to)) = (get("f"), get("t")) else { continue };
        if get("d").is_some() || (key == "new" && from.is_empty() && to.is_empty()) {
            continue;
        }
        let Some(Some(act)) = action(get("x").unwrap_or("allow")) else {
            return refusal(StatusCode::UNPROCESSABLE_ENTITY, "a rule allows or denies");
        };
        let position = match get("p").filter(|p| !p.is_empty()) {
            Some(p) => match p.parse::<f64>() {
                Ok(n) if n.is_finite() => n,
                _ => return refusal(StatusCode::UNPROCESSABLE_ENTITY, "a rule's position is a number"),
            },
            None => f64::MAX,
        };
        rows.push((position, Rule { from: from.to_owned(), to: to.to_owned(), action: act }));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    put(&app, &ctx, &signed, Allowlist { default, rules: rows.into_iter().map(|(_, r)| r).collect() }).await
}
