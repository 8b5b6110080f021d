//! The dashboard's overview under load: a tenant of N agents and M tasks (the tasks written
//! straight into the store, as `claim-depth` does), U signed-in users each reloading the overview's
//! fragment, pausing `pause_ms` between reloads (250: what a live page does at most on a busy
//! fleet; 0: as fast as it answers, a stress well past real use), while an agent keeps submitting
//! tasks so there is always something new.

use std::time::{Duration, Instant};

use bosun_core::TenantId;
use serde_json::json;

use crate::{coord_server, report, run_clients};

pub async fn overview(agents: usize, tasks: usize, users: usize, seconds: u64, pause_ms: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    let (server, _dir, keys, admin) = coord_server(agents).await?;
    let url = server.url();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(users * 2)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let me: serde_json::Value =
        http.get(format!("{url}/api/v1/whoami")).bearer_auth(&admin).send().await?.json().await?;
    let tenant = TenantId::parse(me["tenant"]["id"].as_str().unwrap_or_default()).expect("tenant id");
    let store = server.kernel.raw_store().clone();
    for chunk in 0..tasks.div_ceil(5000) {
        let n = 5000.min(tasks - chunk * 5000);
        store
            .write(move |w| {
                let now = jiff::Timestamp::now();
                for i in 0..n {
                    let project = format!("project-{}", (chunk * 5000 + i) % 20);
                    let t = bosun_core::task::Task::new(tenant, &project, "queued", "bench", now);
                    w.create_task(&t)?;
                }
                Ok::<_, bosun_store::StoreError>(())
            })
            .await?;
    }
    println!("{agents} agents and {tasks} tasks in {:.1} s", started.elapsed().as_secs_f64());

    // Users with passwords, each signed in (one session cookie each).
    let mut cookies = Vec::new();
    for u in 0..users {
        let name = format!("watcher-{u}");
        let user: serde_json::Value = http
            .post(format!("{url}/api/v1/users"))
            .bearer_auth(&admin)
            .json(&json!({"name": name, "role": "viewer"}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = user["id"].as_str().unwrap_or_default();
        let password = format!("{name} watches the fleet");
        http.put(format!("{url}/api/v1/users/{id}/password"))
            .bearer_auth(&admin)
            .json(&json!({"password": password}))
            .send()
            .await?
            .error_for_status()?;
        let login = http
            .post(format!("{url}/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("tenant=default&name={name}&password={}", password.replace(' ', "+")))
            .send()
            .await?;
        let cookie = login
            .headers()
            .get("set-cookie")
            .and_then(|c| c.to_str().ok())
            .and_then(|c| c.split(';').next())
            .ok_or_else(|| anyhow::anyhow!("no session for {name}"))?
            .to_owned();
        cookies.push(cookie);
    }

    // A steady trickle of work while the users watch (an agent submits 20 tasks a second).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickle = {
        let (http, url, key, stop) = (http.clone(), url.clone(), keys[0].clone(), stop.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tick.tick().await;
                let _ = http
                    .post(format!("{url}/api/v1/tasks"))
                    .bearer_auth(&key)
                    .json(&json!({"title": "more"}))
                    .send()
                    .await;
            }
        })
    };
    let (lat, errors, elapsed) = run_clients(users, seconds, move |c, _| {
        let (http, url, cookie) = (http.clone(), url.clone(), cookies[c].clone());
        async move {
            tokio::time::sleep(Duration::from_millis(pause_ms)).await;
            let t0 = Instant::now();
            let page = http
                .get(format!("{url}/ui/fragments/overview"))
                .header("cookie", &cookie)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !page.status().is_success() {
                return Err(format!("overview: {}", page.status()));
            }
            page.bytes().await.map_err(|e| e.to_string())?;
            Ok(vec![t0.elapsed()])
        }
    })
    .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = trickle.await;
    let what =
        format!("overview fragment ({agents} agents, {tasks} tasks, {users} users reloading, {pause_ms} ms apart)");
    report(&what, lat, elapsed);
    println!("  errors: {errors}");
    server.shutdown().await?;
    Ok(())
}
