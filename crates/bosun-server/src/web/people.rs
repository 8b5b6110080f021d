//! People: the users of the tenant (admins issue one-time sign-in links from here), a user's
//! sessions (listed, and ended one by one), and the page a sign-in link opens.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bosun_core::{Action, UserId};
use serde::Deserialize;

use super::{CsrfForm, Nav, NoticeQuery, Page, Posted, nav, refusal, refused, render, same_origin, signed_in};
use crate::http::{App, Ctx};
use crate::kernel::KernelError;

pub fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/login/link/{link}", get(link_page).post(use_link))
        .route("/ui/users", get(users))
        .route("/ui/users/{id}/link", post(issue_link))
        .route("/ui/sessions", get(sessions))
        .route("/ui/sessions/{id}/end", post(end_session))
}

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage {
    link: String,
    error: Option<String>,
}

/// The link is the path itself (never a query string, which proxies log more often); the
/// server's access log records the route, not the path.
async fn link_page(Path(link): Path<String>) -> Response {
    if link.len() > 200 {
        return refusal(StatusCode::NOT_FOUND, "no such link");
    }
    render(StatusCode::OK, &LinkPage { link, error: None })
}

#[derive(Deserialize)]
struct NewPassword {
    password: String,
    again: String,
}

async fn use_link(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    headers: HeaderMap,
    Path(link): Path<String>,
    Form(form): Form<NewPassword>,
) -> Response {
    if !same_origin(&headers) {
        return refusal(StatusCode::FORBIDDEN, "a sign-in from another site is refused");
    }
    if link.len() > 200 {
        return refusal(StatusCode::NOT_FOUND, "no such link");
    }
    let again = |status: StatusCode, error: &str| {
        render(status, &LinkPage { link: link.clone(), error: Some(error.to_owned()) })
    };
    if form.password != form.again {
        return again(StatusCode::UNPROCESSABLE_ENTITY, "The two passwords differ.");
    }
    match app.kernel.redeem_link(&ctx, &link, &form.password).await {
        Ok(login) => signed_in(&app, &login),
        Err(KernelError::Validation(e)) => again(StatusCode::UNPROCESSABLE_ENTITY, &e),
        Err(KernelError::RateLimited(_)) => {
            again(StatusCode::TOO_MANY_REQUESTS, "Too many failed attempts from here; wait a minute and try again.")
        }
        Err(KernelError::Unauthenticated(_)) => again(
            StatusCode::UNAUTHORIZED,
            "This sign-in link is not valid: it was used, it expired, or the password changed since. Ask for a new one.",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "a sign-in link failed");
            again(StatusCode::SERVICE_UNAVAILABLE, "Bosun cannot sign you in right now; try again shortly.")
        }
    }
}

struct UserLine {
    id: String,
    name: String,
    role: &'static str,
    created_at: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Nav,
    users: Vec<UserLine>,
    can_link: bool,
    /// A link just issued: (user, full address, expiry).
    issued: Option<(String, String, String)>,
}

/// Users the page lists.
const USERS: u32 = 500;

async fn users_view(app: &App, signed: &super::Signed, issued: Option<(String, String, String)>) -> Response {
    let list = match app.kernel.list_users(&signed.caller, None, USERS).await {
        Ok(l) => l,
        Err(e) => return refused(&e),
    };
    let page = UsersPage {
        nav: nav(signed, "users"),
        users: list
            .into_iter()
            .map(|u| UserLine { id: u.id.to_string(), name: u.name, role: u.role.as_str(), created_at: u.created_at })
            .collect(),
        can_link: app.kernel.may(&signed.caller, Action::UserLinkIssued).await,
        issued,
    };
    render(StatusCode::OK, &page)
}

async fn users(State(app): State<App>, Page(signed): Page) -> Response {
    users_view(&app, &signed, None).await
}

async fn issue_link(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Posted(signed, _): Posted<CsrfForm>,
) -> Response {
    let Some(user_id) = UserId::parse(&id) else { return refusal(StatusCode::NOT_FOUND, "no such user") };
    match app.kernel.issue_link(&signed.caller, &ctx, user_id).await {
        Ok((user, link, expires_at)) => {
            let scheme = if app.kernel.cookie_policy().secure { "https" } else { "http" };
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            let address = format!("{scheme}://{host}/login/link/{link}");
            users_view(&app, &signed, Some((user.name, address, bosun_core::clock::format_micros(expires_at)))).await
        }
        Err(e) => refused(&e),
    }
}

struct SessionLine {
    id: String,
    created_at: String,
    expires_at: String,
    state: &'static str,
    ip: String,
    user_agent: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    nav: Nav,
    whose: String,
    sessions: Vec<SessionLine>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
struct SessionsQuery {
    user: Option<String>,
    notice: Option<String>,
}

async fn sessions(State(app): State<App>, Page(signed): Page, Query(q): Query<SessionsQuery>) -> Response {
    let user = match q.user.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => match UserId::parse(u) {
            Some(id) => Some(id),
            None => return refusal(StatusCode::NOT_FOUND, "no such user"),
        },
        None => None,
    };
    let (list, whose) = match app.kernel.sessions_of(&signed.caller, user).await {
        Ok(found) => found,
        Err(e) => return refused(&e),
    };
    let now = app.kernel.clock().now();
    let sessions = list
        .into_iter()
        .map(|s| SessionLine {
            current: s.id == signed.session.id,
            state: match (s.revoked_at, s.expires_at <= now) {
                (Some(_), _) => "ended",
                (None, true) => "expired",
                (None, false) => "active",
            },
            created_at: bosun_core::clock::format_micros(s.created_at),
            expires_at: bosun_core::clock::format_micros(s.expires_at),
            ip: s.ip.unwrap_or_default(),
            user_agent: s.user_agent.unwrap_or_default().chars().take(80).collect(),
            id: s.id,
        })
        .collect();
    let notice = NoticeQuery { notice: q.notice }.notice.map(|n| n.chars().take(200).collect());
    render(StatusCode::OK, &SessionsPage { nav: nav(&signed, "users"), whose, sessions, notice })
}

async fn end_session(
    State(app): State<App>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Posted(signed, _): Posted<CsrfForm>,
) -> Response {
    let id: String = id.chars().take(64).collect();
    let found = app.kernel.execute(&signed.caller, &ctx, crate::kernel::Command::EndSession { id }).await;
    match found {
        Ok(crate::kernel::Answer::Fresh(crate::kernel::Outcome::Session(s))) => {
            let own = matches!(&signed.caller.principal, crate::kernel::Principal::User { id, .. } if *id == s.user_id);
            let back = if own { String::new() } else { format!("user={}&", s.user_id) };
            Redirect::to(&format!("/ui/sessions?{back}notice=Ended.")).into_response()
        }
        Ok(_) => Redirect::to("/ui/sessions?notice=Ended.").into_response(),
        Err(e) => refused(&e),
    }
}
