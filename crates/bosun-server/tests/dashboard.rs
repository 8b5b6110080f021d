//! The dashboard in a real headless Chromium, driven through chromedriver (WebDriver): sign in,
//! watch an agent appear live, the cookie's flags, CSRF, nothing for a stranger, nothing of
//! another tenant, every input labelled. Screenshots go to `target/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestServer;
use fantoccini::{ClientBuilder, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// chromedriver on a free loopback port, killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver; .ci/run installs it)");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            tokio::task::yield_now().await;
        }
        Driver { child, url }
    }

    async fn browser(&self, profile: &std::path::Path) -> fantoccini::Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.display()),
                         "--window-size=1280,900"]
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector).capabilities(caps).connect(&self.url).await.expect("a browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn shot_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(browser: &fantoccini::Client, name: &str) {
    let png = browser.screenshot().await.unwrap();
    std::fs::write(shot_dir().join(format!("{name}.png")), png).unwrap();
}

/// A user with a dashboard password; returns the password.
async fn user_with_password(t: &TestServer, admin: &str, name: &str, role: &str) -> String {
    let (id, _) = t.user_with_key(admin, name, role).await;
    let password = format!("{name} rides the long tide");
    let (s, body) =
        t.call("PUT", &format!("/api/v1/users/{id}/password"), Some(admin), Some(json!({"password": password}))).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["password_set"], true);
    password
}

async fn sign_in(browser: &fantoccini::Client, base: &str, tenant: &str, name: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await.unwrap();
    let form = browser.form(Locator::Css("form[action='/login']")).await.unwrap();
    form.set_by_name("tenant", tenant).await.unwrap();
    form.set_by_name("name", name).await.unwrap();
    form.set_by_name("password", password).await.unwrap();
    form.submit().await.unwrap();
    // The signed-in pages have a sign-out form; the login page has none.
    browser.wait().for_element(Locator::Css("form.signout")).await.unwrap();
}

/// Inputs (other than hidden ones) without a label, by name.
async fn unlabelled(browser: &fantoccini::Client) -> Vec<Value> {
    let script = "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))\
                  .filter(i => !i.labels || i.labels.length === 0).map(i => i.name || i.id);";
    browser.execute(script, vec![]).await.unwrap().as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_watch_an_agent_arrive_and_sign_out() {
    let t = TestServer::start().await;
    let base = t.server.url();
    let password = user_with_password(&t, &t.admin.clone(), "olga", "developer").await;
    let driver = Driver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = driver.browser(profile.path()).await;

    // A stranger gets the login page, nothing else.
    browser.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), "/login", "redirected to sign in");
    assert!(unlabelled(&browser).await.is_empty(), "every input has a label");
    screenshot(&browser, "login").await;

    // A wrong password is refused with a plain message.
    browser.goto(&format!("{base}/login")).await.unwrap();
    let form = browser.form(Locator::Css("form[action='/login']")).await.unwrap();
    form.set_by_name("name", "olga").await.unwrap();
    form.set_by_name("password", "not the password at all").await.unwrap();
    form.submit().await.unwrap();
    let error = browser.wait().for_element(Locator::Css(".error")).await.unwrap();
    assert_eq!(error.text().await.unwrap(), "Wrong name or password.");

    sign_in(&browser, &base, "default", "olga", &password).await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/");
    let heading = browser.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    assert_eq!(heading, "Overview");

    // The session cookie: HttpOnly, SameSite=Strict (Secure only behind TLS, configured).
    let cookies = browser.get_all_cookies().await.unwrap();
    let session = cookies.iter().find(|c| c.name() == "bosun_session").expect("the session cookie");
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(format!("{:?}", session.same_site()), "Some(Strict)");
    let cookie = format!("bosun_session={}", session.value());

    // An agent registered over REST shows up on the open page, live, within a second.
    let registered = Instant::now();
    let (s, body) = t.call("POST", "/api/v1/agents", Some(&t.admin), Some(json!({"name": "lighthouse"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    loop {
        let source = browser.source().await.unwrap();
        if source.contains(">lighthouse<") {
            break;
        }
        assert!(registered.elapsed() < Duration::from_secs(1), "the agent did not appear within 1 s");
        tokio::task::yield_now().await;
    }
    eprintln!("agent on the overview {:?} after registering it", registered.elapsed());
    assert!(unlabelled(&browser).await.is_empty(), "every input has a label");
    screenshot(&browser, "overview").await;

    // A form post without the CSRF token is refused, even with the session cookie.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let refused = http
        .post(format!("{base}/logout"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=y")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // Without a session, pages redirect and fragments refuse.
    let page = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!((page.status(), page.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/login"));
    let fragment = http.get(format!("{base}/ui/fragments/overview")).send().await.unwrap();
    assert_eq!(fragment.status(), StatusCode::UNAUTHORIZED);
    // A cookie does not open the API: keys do.
    let api = http.get(format!("{base}/api/v1/whoami")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);

    // Sign out: the session ends and its cookie opens nothing any more.
    browser.find(Locator::Css("form.signout button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("form[action='/login']")).await.unwrap();
    let after = http.get(format!("{base}/")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "the ended session is refused");
    let ended = t.audit(&t.admin, "&action=session.").await;
    let actions: Vec<&str> = ended.iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"session.started") && actions.contains(&"session.ended"), "{actions:?}");

    // Another tenant's admin sees their tenant only.
    let (s, other) = t.call("POST", "/api/v1/tenants", Some(&t.admin), Some(json!({"name": "harbour"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let other_admin = other["admin_key"]["key"].as_str().unwrap().to_owned();
    let other_password = user_with_password(&t, &other_admin, "hana", "admin").await;
    sign_in(&browser, &base, "harbour", "hana", &other_password).await;
    let source = browser.source().await.unwrap();
    assert!(source.contains("Overview") && !source.contains("lighthouse"), "no agent of another tenant");
    browser.close().await.unwrap();
}
