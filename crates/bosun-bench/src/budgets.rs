//! Issue 12: reservations against budgets that apply (tenant, project, agent), 32 reservers at
//! once, each reservation settled right after — latency of the reservation itself.

use std::time::Instant;

use serde_json::json;

use crate::{Checked, coord_server, report, run_clients};

pub(crate) async fn reservations(clients: usize, seconds: u64) -> anyhow::Result<()> {
    let (server, _dir, keys, admin) = coord_server(clients).await?;
    let url = server.url();
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients * 2).build()?;
    // Three budgets apply to every reservation: the tenant's, the project's and the agent kind's.
    let budgets = json!({"budgets": [
        {"id": "tenant-tokens", "scope": "tenant", "metric": "tokens", "period": "day", "hard_limit": "1000000000000"},
        {"id": "web-usd", "scope": "project", "target": "web", "metric": "cost", "currency": "USD", "period": "month",
            "time_zone": "Europe/Berlin", "hard_limit": "1000000000.00"},
        {"id": "hourly", "scope": "tenant", "metric": "tokens", "period": "rolling", "window_seconds": 3600,
            "hard_limit": "1000000000000"}]});
    http.put(format!("{url}/api/v1/budgets"))
        .bearer_auth(&admin)
        .json(&budgets)
        .checked()
        .await
        .map_err(anyhow::Error::msg)?;
    let reserve_lat = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let lat2 = reserve_lat.clone();
    let (lat, errors, elapsed) = run_clients(clients, seconds, move |c, _| {
        let (http, url, key, lat) = (http.clone(), url.clone(), keys[c].clone(), lat2.clone());
        async move {
            let t0 = Instant::now();
            let r = http
                .post(format!("{url}/api/v1/budgets/reserve"))
                .bearer_auth(&key)
                .json(&json!({"project": "web", "tokens": 2000, "cost": "0.05", "currency": "USD"}))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            lat.lock().unwrap().push(t0.elapsed());
            if r.status() != 201 {
                return Err(format!("reserve answered {}", r.status()));
            }
            let r: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
            http.post(format!("{url}/api/v1/usage"))
                .bearer_auth(&key)
                .json(&json!({"reservation_id": r["id"], "tokens": 1800, "cost": "0.04", "currency": "USD"}))
                .checked()
                .await?;
            Ok(vec![t0.elapsed()])
        }
    })
    .await;
    report(&format!("reserve+settle cycles ({clients} reservers, 3 budgets apply)"), lat, elapsed);
    println!(
        "  reservation latency ms {}; errors {errors}",
        crate::percentiles(std::mem::take(&mut reserve_lat.lock().unwrap()))
    );
    server.shutdown().await?;
    Ok(())
}
