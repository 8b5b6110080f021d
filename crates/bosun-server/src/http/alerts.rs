//! Security alerts (SPEC §5.7): the alerts, their rules, and the webhooks they are posted to.

use axum::extract::{Path, State};
use bosun_core::alert::RuleSpec;
use bosun_core::validate::PageLimit;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, ApiJson, ApiQuery, App, Auth, Handled, Problem, Reply};
use crate::kernel::{Answer, Command, KernelError, Outcome};
use crate::views::{AlertList, AlertRulesView, AlertView, DeliveryList, DeliveryView, WebhookList, WebhookView};

fn invalid(m: &str) -> ApiError {
    ApiError(KernelError::Validation(m.into()))
}

fn ulid(id: &str, what: &str) -> Result<String, ApiError> {
    ulid::Ulid::from_string(id).map(|_| id.to_owned()).map_err(|_| invalid(&format!("`id` is not {what} id (a ULID)")))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertParams {
    /// open, acknowledged or resolved.
    pub status: Option<String>,
    /// The previous page's `next_before`.
    pub before: Option<String>,
    /// 1–500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<PageLimit>,
}

/// Alerts newest first, with their delivery to each webhook (users of the tenant). MCP `list_alerts`.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertParams),
    responses((status = 200, body = AlertList), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_alerts(State(app): State<App>, auth: Auth, ApiQuery(p): ApiQuery<AlertParams>) -> Handled {
    let limit = PageLimit::or(p.limit, 50).get();
    if let Some(s) = p.status.as_deref().filter(|s| !["open", "acknowledged", "resolved"].contains(s)) {
        return Err(invalid(&format!("`status` `{s}` is not one of open, acknowledged, resolved")));
    }
    if p.before.as_deref().is_some_and(|b| b.len() > 64) {
        return Err(invalid("`before` is an alert id"));
    }
    let list = app.kernel.alerts(&auth.caller, p.status, p.before, limit).await?;
    let next_before = (list.len() == limit as usize).then(|| list.last().map(|(a, _)| a.id.clone())).flatten();
    let alerts = list.iter().map(|(a, d)| AlertView::new(a, d)).collect();
    Ok(Reply::json(&AlertList { alerts, next_before }))
}

async fn decide(app: App, auth: Auth, id: String, resolve: bool) -> Handled {
    let cmd = Command::DecideAlert { id: ulid(&id, "an alert")?, resolve };
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

/// Acknowledge an alert: someone is on it (users, developer and up).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "alerts", params(("id" = String, Path)),
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn acknowledge_alert(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    decide(app, auth, id, false).await
}

/// Resolve an alert (users, developer and up).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/resolve", tag = "alerts", params(("id" = String, Path)),
    responses((status = 200, body = AlertView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn resolve_alert(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    decide(app, auth, id, true).await
}

/// The tenant's own alert rules and the built-in ones.
#[utoipa::path(get, path = "/api/v1/alerts/rules", tag = "alerts", responses((status = 200, body = AlertRulesView)))]
pub async fn get_alert_rules(State(app): State<App>, auth: Auth) -> Handled {
    let (rules, builtin) = app.kernel.alert_rules(&auth.caller).await?;
    Ok(Reply::json(&AlertRulesView { rules, builtin }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRulesBody {
    /// The tenant's own rules (at most 100), beside the built-in ones: `{id, title, actions?,
    /// outcome?, requires?, correlation: event_count|value_count, field?, group_by?,
    /// window_seconds, threshold, severity: warning|critical}`.
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<serde_json::Value>,
}

/// Replace the tenant's own alert rules (tenant admins); each is validated (422 names the rule).
#[utoipa::path(put, path = "/api/v1/alerts/rules", tag = "alerts", request_body = AlertRulesBody,
    responses((status = 200, body = AlertRulesView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_alert_rules(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<AlertRulesBody>) -> Handled {
    if b.rules.len() > bosun_core::alert::MAX_RULES {
        return Err(invalid("at most 100 rules"));
    }
    let rules = b
        .rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::from_value::<RuleSpec>(r)
                .map_err(|e| ApiError(KernelError::Validation(format!("alert rule {}: {e}", i + 1))))
        })
        .collect::<Result<Vec<_>, _>>()?;
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, Command::PutAlertRules(rules)).await)
}

/// The tenant's webhooks, with each one's circuit breaker (users of the tenant).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "alerts",
    responses((status = 200, body = WebhookList), (status = 403, body = Problem)))]
pub async fn list_webhooks(State(app): State<App>, auth: Auth) -> Handled {
    let now = app.kernel.clock().now();
    let list = app.kernel.webhooks(&auth.caller).await?;
    let webhooks = list.iter().map(|(w, b)| WebhookView::new(w, *b, now, None)).collect();
    Ok(Reply::json(&WebhookList { webhooks }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// An http:// or https:// URL (certificates verified against the system's roots).
    #[schema(example = "https://alerts.example.com/bosun", max_length = 2048)]
    pub url: String,
    #[schema(max_length = 200)]
    pub description: Option<String>,
}

/// Add a webhook (tenant admins). The answer shows its signing secret, once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "alerts", request_body = WebhookBody,
    responses((status = 201, body = WebhookView), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_webhook(State(app): State<App>, auth: Auth, ApiJson(b): ApiJson<WebhookBody>) -> Handled {
    let cmd = Command::CreateWebhook { url: b.url, description: b.description };
    match app.kernel.execute(&auth.caller, &auth.ctx, cmd).await? {
        Answer::Fresh(Outcome::Webhook(w)) => {
            let secret = app.kernel.webhook_secret(w.tenant_id, &w.id);
            let view = WebhookView::new(&w, Default::default(), app.kernel.clock().now(), Some(secret));
            Ok(Reply { status: axum::http::StatusCode::CREATED, ..Reply::json(&view) })
        }
        other => super::executed(Ok(other)),
    }
}

/// Remove a webhook and its pending deliveries (tenant admins).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_webhook(State(app): State<App>, auth: Auth, Path(id): Path<String>) -> Handled {
    let cmd = Command::DeleteWebhook { id: ulid(&id, "a webhook")? };
    super::executed(app.kernel.execute(&auth.caller, &auth.ctx, cmd).await)
}

/// The dead-letter list: deliveries that gave up after every retry (users of the tenant).
#[utoipa::path(get, path = "/api/v1/webhooks/dead-letters", tag = "alerts",
    responses((status = 200, body = DeliveryList), (status = 403, body = Problem)))]
pub async fn dead_letters(State(app): State<App>, auth: Auth) -> Handled {
    let list = app.kernel.dead_letters(&auth.caller, 200).await?;
    Ok(Reply::json(&DeliveryList { deliveries: list.iter().map(DeliveryView::from).collect() }))
}
