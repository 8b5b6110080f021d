//! Issue 12: reservations against budgets that apply (tenant, project, agent), 32 reservers at
//! once, each reservation settled right after — latency of the reservation itself.

use std::time::Instant;

use serde_json::json;

use crate::{Checked, coord_server, report, run_clients};

/// `bin`: run `bosun serve` in its own process (rate limits off) instead of in this one.
pub(crate) async fn reservations(clients: usize, seconds: u64, bin: Option<&std::path::Path>) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (in_process, child, url, keys, admin) = match bin {
        None => {
            let (server, _dir2, keys, admin) = coord_server(clients).await?;
            let url = server.url();
            (Some((server, _dir2)), None, url, keys, admin)
        }
        Some(bin) => {
            let config = dir.path().join("bosun.toml");
            std::fs::write(&config, "[rate_limits]\nper_key = 0\nper_ip = 0\nauth_failures_per_minute = 0\n")?;
            let (child, url) = crate::probe::spawn_serve_with(bin, &dir.path().join("data"), Some(&config))?;
            let admin = std::fs::read_to_string(dir.path().join("data/admin.key"))?.trim().to_owned();
            let http = reqwest::Client::new();
            let mut keys = Vec::new();
            for i in 0..clients {
                keys.push(crate::register(&http, &url, &admin, &format!("bench-{i}")).await?);
            }
            (None, Some(child), url, keys, admin)
        }
    };
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
    let place = if child.is_some() { "server in its own process" } else { "server in-process" };
    report(&format!("reserve+settle cycles ({clients} reservers, 3 budgets apply, {place})"), lat, elapsed);
    println!(
        "  reservation latency ms {}; errors {errors}",
        crate::percentiles(std::mem::take(&mut reserve_lat.lock().unwrap()))
    );
    if let Some((server, _dir)) = in_process {
        server.shutdown().await?;
    }
    if let Some(child) = child {
        crate::probe::stop_serve(child)?;
    }
    Ok(())
}
