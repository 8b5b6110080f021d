//! The dashboard: server-rendered pages (askama templates compiled into the binary, assets
//! embedded), signed in with a password and a session cookie, live through a small script that
//! refetches a page's fragment when the event stream says something changed. Every page is
//! complete without JavaScript.
//!
//! Security: the cookie is `HttpOnly`, `SameSite=Strict` (and `Secure` when configured behind
//! TLS); every form carries the session's CSRF token and a POST without it is refused; a
//! cross-site POST to `/login` is refused by its `Origin`; the pages send a strict
//! Content-Security-Policy (scripts and styles from this origin only). Nothing but the login page
//! and the assets is served without a session. Cookie sessions reach only these routes, never
//! the API (whose callers present keys), so the API needs no CSRF defence.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::http::{App, Ctx};
use crate::kernel::dashboard::{Overview, Signed};
use crate::kernel::{KernelError, Principal};

mod governance;
mod messages;
mod people;
mod work;

pub const COOKIE: &str = "bosun_session";

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
struct Assets;

/// Whether the session cookie gets `Secure` (set when Bosun is served over TLS, by a proxy).
#[derive(Clone, Copy, Debug, Default)]
pub struct CookiePolicy {
    pub secure: bool,
}

pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/", get(overview))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/ui/fragments/overview", get(overview_fragment))
        .route("/ui/locks", get(locks_page))
        .route("/ui/locks/{id}/release", post(release_lock))
        .route("/ui/approvals", get(approvals_page))
        .route("/ui/approvals/{id}", post(decide_approval))
        .route("/ui/audit", get(audit_page))
        .route("/ui/audit/export", get(audit_export))
        .route("/ui/audit/verify", post(verify_chain))
        .route("/ui/events", get(events))
        .route("/ui/assets/{file}", get(asset))
        .merge(messages::routes())
        .merge(work::routes())
        .merge(governance::routes())
        .merge(people::routes())
}

/// The headers every page carries.
fn page(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => page(status, html),
        Err(e) => {
            tracing::error!(error = %e, "a dashboard template failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!doctype html><title>Error</title><p>Something went wrong.".into(),
            )
        }
    }
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (name, value) = c.trim().split_once('=')?;
        (name == COOKIE).then(|| value.to_owned())
    })
}

/// The session of a request, or where to go instead.
async fn signed(app: &App, headers: &HeaderMap) -> Result<Signed, Response> {
    let to_login = || Redirect::to("/login").into_response();
    let Some(cookie) = cookie_value(headers) else { return Err(to_login()) };
    app.kernel.session(&cookie).await.map_err(|_| to_login())
}

/// The form's CSRF token is the session's (compared without an early exit).
/// A signed-in page's session; without one, the answer is the way to sign in.
pub struct Page(pub Signed);

impl axum::extract::FromRequestParts<App> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, app: &App) -> Result<Self, Response> {
        signed(app, &parts.headers).await.map(Page)
    }
}

/// The same for what a page fetches (its fragment, the event stream, an export): 401, not a redirect.
pub struct Part(pub Signed);

impl axum::extract::FromRequestParts<App> for Part {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, app: &App) -> Result<Self, Response> {
        signed(app, &parts.headers).await.map(Part).map_err(|_| refusal(StatusCode::UNAUTHORIZED, "sign in again"))
    }
}

fn csrf_matches(signed: &Signed, presented: &str) -> bool {
    let (expected, presented) = (signed.session.csrf.as_bytes(), presented.as_bytes());
    expected.len() == presented.len() && expected.iter().zip(presented).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// A page that only says why (a refused form, a missing right).
fn refusal(status: StatusCode, text: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Refused · Bosun</title>\
         <link rel=\"stylesheet\" href=\"/ui/assets/bosun.css\"><main id=\"main\"><h1>Refused</h1><p>{}</p>\
         <p><a href=\"/\">Back</a></p></main>",
        askama::filters::escape(text, askama::filters::Html).map(|e| e.to_string()).unwrap_or_default()
    );
    page(status, html)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    tenant: String,
    name: String,
}

async fn login_page(State(app): State<App>, headers: HeaderMap) -> Response {
    if signed(&app, &headers).await.is_ok() {
        return Redirect::to("/").into_response();
    }
    render(StatusCode::OK, &LoginPage { error: None, tenant: "default".into(), name: String::new() })
}

#[derive(Deserialize)]
struct LoginForm {
    tenant: String,
    name: String,
    password: String,
}

/// Is this POST from a page of ours? (`Origin` is sent by browsers on every cross-site POST.)
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

async fn login(State(app): State<App>, Ctx(ctx): Ctx, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    if !same_origin(&headers) {
        return refusal(StatusCode::FORBIDDEN, "a sign-in from another site is refused");
    }
    let again = |status: StatusCode, error: &str| {
        let page = LoginPage {
            error: Some(error.to_owned()),
            tenant: form.tenant.chars().take(64).collect(),
            name: form.name.chars().take(64).collect(),
        };
        render(status, &page)
    };
    if form.tenant.len() > 64 || form.name.len() > 64 || form.password.len() > 1024 {
        return again(StatusCode::UNPROCESSABLE_ENTITY, "Those fields are too long.");
    }
    match app.kernel.login(&ctx, &form.tenant, &form.name, &form.password).await {
        Ok(login) => signed_in(&app, &login),
        Err(KernelError::RateLimited(_)) => {
            again(StatusCode::TOO_MANY_REQUESTS, "Too many failed attempts from here; wait a minute and try again.")
        }
        Err(KernelError::Unauthenticated(_)) => again(StatusCode::UNAUTHORIZED, "Wrong name or password."),
        Err(e) => {
            tracing::warn!(error = %e, "sign-in failed");
            again(StatusCode::SERVICE_UNAVAILABLE, "Bosun cannot sign you in right now; try again shortly.")
        }
    }
}

/// To the overview, with the new session's cookie.
fn signed_in(app: &App, login: &crate::kernel::dashboard::Login) -> Response {
    let secure = if app.kernel.cookie_policy().secure { "; Secure" } else { "" };
    let max_age = crate::kernel::dashboard::SESSION_HOURS * 3600;
    let cookie = format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}", login.cookie);
    let mut response = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

impl WithCsrf for CsrfForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn logout(State(app): State<App>, Ctx(ctx): Ctx, Posted(signed, _): Posted<CsrfForm>) -> Response {
    if let Err(e) = app.kernel.logout(&signed, &ctx).await {
        tracing::warn!(error = %e, "sign-out failed");
    }
    let mut response = Redirect::to("/login").into_response();
    let clear = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&clear) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// An agent as the overview lists it.
struct AgentRow {
    name: String,
    kind: String,
    status: String,
    profile: String,
    last_seen: String,
}

struct EventRow {
    seq: u64,
    action: String,
    actor: String,
    at: String,
}

struct OverviewView {
    agents_total: u64,
    agents_by_status: Vec<(String, u64)>,
    tasks_total: u64,
    tasks_by_status: Vec<(String, u64)>,
    queue: Vec<(String, String, u64)>,
    locks: usize,
    approvals: usize,
    alerts: usize,
    agents: Vec<AgentRow>,
    recent: Vec<EventRow>,
    /// Messages sent and tasks completed in the current minute.
    messages_now: u32,
    completed_now: u32,
    /// (title, chart): tasks per minute and the queue depth over the last hour.
    charts: Vec<(&'static str, Chart)>,
}

/// A small line chart of the last hour, drawn as inline SVG by the template (no script).
struct Chart {
    /// The largest value (the top of the chart).
    max: u64,
    /// (CSS class, legend, `points` of an SVG polyline) per series.
    series: Vec<(&'static str, &'static str, String)>,
    /// What a screen reader hears instead of the lines.
    summary: String,
}

impl Chart {
    const WIDTH: f64 = 590.0;
    const HEIGHT: f64 = 100.0;

    /// Series of 60 optional values (a minute without one is a gap).
    fn new(series: Vec<(&'static str, &'static str, Vec<Option<u64>>)>, summary: String) -> Chart {
        let max = series.iter().flat_map(|(_, _, v)| v.iter().flatten()).copied().max().unwrap_or(0).max(1);
        let step = Self::WIDTH / 59.0;
        let series = series
            .into_iter()
            .map(|(class, legend, values)| {
                let points = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        v.map(|v| {
                            format!("{:.1},{:.1}", i as f64 * step, Self::HEIGHT - v as f64 / max as f64 * Self::HEIGHT)
                        })
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                (class, legend, points)
            })
            .collect();
        Chart { max, series, summary }
    }
}

impl From<Overview> for OverviewView {
    fn from(o: Overview) -> Self {
        OverviewView {
            agents_total: o.agents_total,
            agents_by_status: o.agents_by_status,
            tasks_total: o.tasks_total,
            tasks_by_status: o.tasks_by_status,
            queue: o.queue,
            locks: o.locks,
            approvals: o.approvals,
            alerts: o.alerts,
            messages_now: o.hour.last().map_or(0, |m| m.messages),
            completed_now: o.hour.last().map_or(0, |m| m.completed),
            charts: vec![
                ("Tasks per minute", {
                    let done: u64 = o.hour.iter().map(|m| u64::from(m.completed)).sum();
                    let submitted: u64 = o.hour.iter().map(|m| u64::from(m.submitted)).sum();
                    Chart::new(
                        vec![
                            ("submitted", "submitted", o.hour.iter().map(|m| Some(u64::from(m.submitted))).collect()),
                            ("completed", "completed", o.hour.iter().map(|m| Some(u64::from(m.completed))).collect()),
                            ("failed", "failed", o.hour.iter().map(|m| Some(u64::from(m.failed))).collect()),
                        ],
                        format!("In the last hour: {submitted} tasks submitted, {done} completed."),
                    )
                }),
                ("Queue depth", {
                    let last = o.hour.iter().rev().find_map(|m| m.depth);
                    Chart::new(
                        vec![("depth", "open tasks", o.hour.iter().map(|m| m.depth).collect())],
                        match last {
                            Some(d) => format!("Open tasks now: {d}."),
                            None => "No sample yet.".into(),
                        },
                    )
                }),
            ],
            agents: o
                .agents
                .into_iter()
                .map(|a| AgentRow {
                    name: a.name,
                    kind: a.kind,
                    status: a.status.as_str().to_owned(),
                    profile: a.profile,
                    last_seen: bosun_core::clock::format_micros(a.last_seen_at),
                })
                .collect(),
            recent: o
                .recent
                .into_iter()
                .map(|e| EventRow {
                    seq: e.seq,
                    action: e.action,
                    actor: e.actor_name.or(e.actor_id).unwrap_or_else(|| e.actor_type.as_str().to_owned()),
                    at: e.at,
                })
                .collect(),
        }
    }
}

/// The header every signed-in page shows.
struct Nav {
    page: &'static str,
    csrf: String,
    user: String,
    role: String,
    tenant: String,
}

fn nav(signed: &Signed, page: &'static str) -> Nav {
    let (user, role) = match &signed.caller.principal {
        Principal::User { name, role, .. } => (name.clone(), role.as_str().to_owned()),
        _ => (String::new(), String::new()),
    };
    Nav { page, csrf: signed.session.csrf.clone(), user, role, tenant: signed.tenant_name.clone() }
}

fn role_at_least(signed: &Signed, role: bosun_core::Role) -> bool {
    matches!(&signed.caller.principal, Principal::User { role: r, .. } if *r >= role)
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    o: OverviewView,
    nav: Nav,
}

#[derive(Template)]
#[template(path = "overview_body.html")]
struct OverviewBody {
    o: OverviewView,
}

async fn overview(State(app): State<App>, Page(signed): Page) -> Response {
    match app.kernel.overview(&signed.caller).await {
        Ok(o) => render(StatusCode::OK, &OverviewPage { o: o.into(), nav: nav(&signed, "overview") }),
        Err(e) => refusal(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

async fn overview_fragment(State(app): State<App>, Part(signed): Part) -> Response {
    match app.kernel.overview(&signed.caller).await {
        Ok(o) => render(StatusCode::OK, &OverviewBody { o: o.into() }),
        Err(e) => refusal(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

/// `changed` whenever an event the user may see is committed (the page then refetches its
/// fragment); authenticated by the session cookie, since a browser's `EventSource` cannot send
/// an `Authorization` header. Ends when the server stops; each refetch checks the session again,
/// so a session ended elsewhere sees nothing more than "something changed".
async fn events(State(app): State<App>, Part(signed): Part) -> Response {
    let rx = app.kernel.subscribe();
    let caller = signed.caller;
    let stop = app.kernel.shutdown_token().clone();
    let stream = futures_util::stream::unfold((rx, caller, stop), |(mut rx, caller, stop)| async move {
        loop {
            let next = tokio::select! {
                next = rx.recv() => next,
                () = stop.cancelled() => return None,
            };
            match next {
                Ok(e) if e.visible_to(&caller) => {
                    let ev = Event::default().event("changed").data(e.event.seq.to_string());
                    return Some((Ok::<_, std::convert::Infallible>(ev), (rx, caller, stop)));
                }
                Ok(_) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let ev = Event::default().event("changed").data("lagged");
                    return Some((Ok(ev), (rx, caller, stop)));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// A form that carries the session's CSRF token.
trait WithCsrf {
    fn csrf(&self) -> &str;
}

/// A form posted from a signed-in page: the session and the form, once the form's CSRF token
/// matched the session's; otherwise the answer is the way to sign in, or 403.
pub struct Posted<T>(pub Signed, pub T);

impl<T: serde::de::DeserializeOwned + WithCsrf + Send> axum::extract::FromRequest<App> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, app: &App) -> Result<Self, Response> {
        // The session first: without one the answer is the way to sign in, whatever the body.
        let signed = signed(app, req.headers()).await?;
        let Form(form) = Form::<T>::from_request(req, app).await.map_err(IntoResponse::into_response)?;
        if !csrf_matches(&signed, form.csrf()) {
            return Err(refusal(
                StatusCode::FORBIDDEN,
                "this form is missing its CSRF token; reload the page and try again",
            ));
        }
        Ok(Posted(signed, form))
    }
}

/// A refused command as a page.
fn refused(e: &KernelError) -> Response {
    let status = match e {
        KernelError::Forbidden(_) => StatusCode::FORBIDDEN,
        KernelError::NotFound(_) => StatusCode::NOT_FOUND,
        KernelError::Conflict(_) => StatusCode::CONFLICT,
        KernelError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    refusal(status, &e.to_string())
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

struct LockRow {
    id: String,
    project: String,
    key: String,
    holder: String,
    mode: &'static str,
    expires_at: String,
    expires_in: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "locks.html")]
struct LocksPage {
    nav: Nav,
    locks: Vec<LockRow>,
    admin: bool,
    notice: Option<String>,
}

async fn locks_page(
    State(app): State<App>,
    Page(signed): Page,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Response {
    let now = app.kernel.clock().now();
    let locks = match app.kernel.locks(&signed.caller, None, None).await {
        Ok(l) => l,
        Err(e) => return refused(&e),
    };
    let rows = locks
        .into_iter()
        .map(|l| LockRow {
            id: l.id.to_string(),
            project: l.project.clone(),
            key: l.key.clone(),
            holder: l.holder.name.clone(),
            mode: if l.exclusive { "exclusive" } else { "shared" },
            expires_at: bosun_core::clock::format_micros(l.expires_at),
            expires_in: format!("{} s", l.expires_at.duration_since(now).as_secs().max(0)),
            reason: l.reason.clone().unwrap_or_default(),
        })
        .collect();
    let page = LocksPage {
        nav: nav(&signed, "locks"),
        locks: rows,
        admin: role_at_least(&signed, bosun_core::Role::Admin),
        notice: q.notice.map(|n| n.chars().take(200).collect()),
    };
    render(StatusCode::OK, &page)
}

async fn release_lock(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Posted(signed, _): Posted<CsrfForm>,
) -> Response {
    let Some(lock_id) = bosun_core::LockId::parse(&id) else { return refusal(StatusCode::NOT_FOUND, "no such lock") };
    match app.kernel.execute(&signed.caller, &ctx, crate::kernel::Command::ReleaseLock { lock_id }).await {
        Ok(_) => Redirect::to("/ui/locks?notice=Released.").into_response(),
        Err(e) => refused(&e),
    }
}

struct ApprovalRow {
    id: String,
    action: String,
    resource: String,
    requester: String,
    risk: String,
    threshold: String,
    created_at: String,
    expires_at: String,
    factors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage {
    nav: Nav,
    items: Vec<ApprovalRow>,
    approver: bool,
    notice: Option<String>,
}

async fn approvals_page(
    State(app): State<App>,
    Page(signed): Page,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Response {
    let list = match app.kernel.approvals(&signed.caller, Some("pending".into()), None, 100).await {
        Ok(l) => l,
        Err(e) => return refused(&e),
    };
    let items = list
        .into_iter()
        .map(|a| {
            let factors = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&a.factors)
                .map(|m| m.into_iter().map(|(k, v)| (k, v.to_string())).collect())
                .unwrap_or_default();
            ApprovalRow {
                id: a.id,
                action: a.action,
                resource: a.resource,
                requester: format!("{} ({})", a.requester_name, a.requester_type),
                risk: format!("{:.0}", a.risk),
                threshold: format!("{:.0}", a.threshold),
                created_at: a.created_at,
                expires_at: bosun_core::clock::format_micros(a.expires_at),
                factors,
            }
        })
        .collect();
    let page = ApprovalsPage {
        nav: nav(&signed, "approvals"),
        items,
        approver: role_at_least(&signed, bosun_core::Role::Approver),
        notice: q.notice.map(|n| n.chars().take(200).collect()),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    csrf: String,
    decision: String,
    #[serde(default)]
    reason: String,
}

impl WithCsrf for DecisionForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn decide_approval(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Posted(signed, form): Posted<DecisionForm>,
) -> Response {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "deny" => false,
        _ => return refusal(StatusCode::UNPROCESSABLE_ENTITY, "decide approve or deny"),
    };
    let reason = Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty());
    let id: String = id.chars().take(64).collect();
    let cmd = crate::kernel::Command::DecideApproval { id, approve, reason };
    match app.kernel.execute(&signed.caller, &ctx, cmd).await {
        Ok(_) => {
            let notice = if approve { "Approved." } else { "Denied." };
            Redirect::to(&format!("/ui/approvals?notice={notice}")).into_response()
        }
        Err(e) => refused(&e),
    }
}

/// The audit page's filters as a form sends them (empty fields are "any").
#[derive(Deserialize, Default, Clone)]
struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// Another tenant's log (admins of the system tenant).
    #[serde(default)]
    tenant: String,
    cursor: Option<u64>,
    format: Option<String>,
}

impl AuditQuery {
    fn params(&self) -> crate::http::audit::AuditParams {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        crate::http::audit::AuditParams {
            actor: some(&self.actor),
            action: some(&self.action),
            target: some(&self.target),
            outcome: some(&self.outcome),
            severity: some(&self.severity),
            from: some(&self.from),
            to: some(&self.to),
            project: None,
            limit: None,
            cursor: None,
            format: None,
        }
    }

    /// The filters as a query string, for links that keep them.
    fn query(&self) -> String {
        let pairs = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
            ("outcome", &self.outcome),
            ("severity", &self.severity),
            ("from", &self.from),
            ("to", &self.to),
            ("tenant", &self.tenant),
        ];
        serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default()
    }
}

struct EventLine {
    seq: u64,
    at: String,
    actor: String,
    action: String,
    target: String,
    outcome: &'static str,
    severity: &'static str,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPageView {
    nav: Nav,
    f: AuditQuery,
    outcomes: Vec<(String, String, bool)>,
    severities: Vec<(String, String, bool)>,
    events: Vec<EventLine>,
    next: Option<u64>,
    query: String,
    error: Option<String>,
    chain: Option<String>,
    admin: bool,
    /// The log shown is the user's own tenant's.
    own: bool,
    /// For admins of the system tenant: every tenant (id, name, shown now), to read any one's log.
    tenants: Vec<(String, String, bool)>,
}

fn options(values: &[&str], chosen: &str) -> Vec<(String, String, bool)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), if v.is_empty() { "any".to_owned() } else { (*v).to_owned() }, *v == chosen))
        .collect()
}

const AUDIT_PAGE: u32 = 100;

/// The tenant whose log the page reads: the user's own, or another for admins of the system tenant.
fn audit_tenant(signed: &Signed, q: &AuditQuery) -> Result<bosun_core::TenantId, KernelError> {
    match q.tenant.trim() {
        "" => Ok(signed.caller.tenant),
        t => bosun_core::TenantId::parse(t).ok_or_else(|| KernelError::NotFound(format!("no tenant {t}"))),
    }
}

async fn audit_page(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    Page(signed): Page,
    axum::extract::Query(q): axum::extract::Query<AuditQuery>,
) -> Response {
    let (mut events, mut next, mut error) = (Vec::new(), None, None);
    let tenant = match audit_tenant(&signed, &q) {
        Ok(t) => t,
        Err(e) => return refused(&e),
    };
    let mut tenants = Vec::new();
    if crate::kernel::is_system_admin(&signed.caller) {
        match app.kernel.list_tenants(&signed.caller, &ctx).await {
            Ok(list) => {
                tenants = list.into_iter().map(|t| (t.id.to_string(), t.name, t.id == tenant)).collect();
            }
            Err(e) => return refused(&e),
        }
    }
    match crate::http::audit::filter(&mut q.params()) {
        Ok(filter) => {
            let page = bosun_store::Page::Newest { before_seq: q.cursor, limit: AUDIT_PAGE };
            match app.kernel.audit_page_of(&signed.caller, tenant, filter, page).await {
                Ok(items) => {
                    next = (items.len() == AUDIT_PAGE as usize).then(|| items.last().map(|e| e.seq)).flatten();
                    events = items
                        .into_iter()
                        .map(|e| EventLine {
                            seq: e.seq,
                            actor: e.actor_name.or(e.actor_id).unwrap_or_else(|| e.actor_type.as_str().to_owned()),
                            target: match (e.target_type, e.target_id) {
                                (Some(t), Some(id)) => format!("{t} {id}"),
                                _ => String::new(),
                            },
                            at: e.at,
                            action: e.action,
                            outcome: e.outcome.as_str(),
                            severity: e.severity.as_str(),
                        })
                        .collect();
                }
                Err(e @ KernelError::Forbidden(_)) => return refused(&e),
                Err(e) => error = Some(e.to_string()),
            }
        }
        Err(crate::http::ApiError(e)) => error = Some(e.to_string()),
    }
    let own = tenant == signed.caller.tenant;
    let chain = app.kernel.chain_status(&signed.caller).filter(|_| own).map(|c| match c.error {
        None => format!("Verified: {} events, gap-free, up to seq {} at {}.", c.events, c.events, c.at),
        Some(e) => format!("NOT verified at {}: {e}", c.at),
    });
    let page = AuditPageView {
        nav: nav(&signed, "audit"),
        outcomes: options(&["", "ok", "denied", "error"], &q.outcome),
        severities: options(&["", "info", "notice", "warning", "critical"], &q.severity),
        query: q.query(),
        f: q,
        events,
        next,
        error,
        chain,
        admin: own && role_at_least(&signed, bosun_core::Role::Admin),
        own,
        tenants,
    };
    render(StatusCode::OK, &page)
}

/// The filtered events as a file (CSV or JSON, oldest first), for the signed-in user.
async fn audit_export(
    State(app): State<App>,
    Part(signed): Part,
    axum::extract::Query(q): axum::extract::Query<AuditQuery>,
) -> Response {
    let Some(format) = q.format.as_deref().and_then(crate::http::audit::Format::parse) else {
        return refusal(StatusCode::UNPROCESSABLE_ENTITY, "the format is csv, json or jsonl");
    };
    let tenant = match audit_tenant(&signed, &q) {
        Ok(t) => t,
        Err(e) => return refused(&e),
    };
    if tenant != signed.caller.tenant && !crate::kernel::is_system_admin(&signed.caller) {
        return refusal(StatusCode::FORBIDDEN, "another tenant's audit log is for admins of the system tenant");
    }
    match crate::http::audit::filter(&mut q.params()) {
        Ok(filter) => crate::http::audit::export(
            app.kernel.clone(),
            signed.caller,
            tenant,
            filter,
            0,
            crate::http::audit::EXPORT_MAX,
            format,
        ),
        Err(crate::http::ApiError(e)) => refused(&e),
    }
}

async fn verify_chain(State(app): State<App>, Posted(signed, _): Posted<CsrfForm>) -> Response {
    match app.kernel.verify_chain(&signed.caller).await {
        Ok(_) => Redirect::to("/ui/audit").into_response(),
        Err(e) => refused(&e),
    }
}

async fn asset(Path(file): Path<String>) -> Response {
    let Some(content) = Assets::get(&file) else { return (StatusCode::NOT_FOUND, "no such asset").into_response() };
    let kind = match file.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    let mut response = content.data.into_owned().into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
