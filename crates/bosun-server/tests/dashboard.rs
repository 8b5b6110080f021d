//! The dashboard in a real headless Chromium, driven through chromedriver (WebDriver): sign in,
//! watch an agent appear live, the cookie's flags, CSRF, nothing for a stranger, nothing of
//! another tenant, every input labelled. Screenshots go to `target/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Coord, TestServer};
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
        caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
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

/// chromedriver's browser log (what the page's console showed), read and emptied.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// The console's errors since the last call (reading empties the log).
async fn console_errors(browser: &fantoccini::Client) -> Vec<Value> {
    let log = browser.issue_cmd(BrowserLog).await.expect("chromedriver's browser log");
    log.as_array().into_iter().flatten().filter(|e| e["level"] == "SEVERE").cloned().collect()
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
    assert_eq!(console_errors(&browser).await, Vec::<Value>::new(), "no console error on the sign-in page");
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
    // The console reports the 401 answer: proof that the console checks below can see errors.
    let errors = console_errors(&browser).await;
    assert!(errors.iter().any(|e| e["message"].to_string().contains("401")), "the browser log is read: {errors:?}");

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
    let errors = console_errors(&browser).await;
    assert!(errors.is_empty(), "console errors on the overview: {errors:?}");
    assert!(unlabelled(&browser).await.is_empty(), "every input has a label");
    screenshot(&browser, "overview").await;

    // Everyone looking shares one read of the overview, reused while nothing happened since: a
    // read right after a commit is never the one from before it (on SQLite the node publishes at
    // commit; on PostgreSQL the follower does, a few ms later, hence the bound).
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let fragment = || async {
        let r = http.get(format!("{base}/ui/fragments/overview")).header("cookie", &cookie).send().await.unwrap();
        r.text().await.unwrap()
    };
    assert!(!fragment().await.contains(">beacon<"));
    let (s, body) = t.call("POST", "/api/v1/agents", Some(&t.admin), Some(json!({"name": "beacon"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let registered = Instant::now();
    if bosun_store::postgres::tests_use_postgres() {
        while !fragment().await.contains(">beacon<") {
            assert!(registered.elapsed() < Duration::from_secs(1), "the overview stayed behind");
            tokio::task::yield_now().await;
        }
    } else {
        assert!(fragment().await.contains(">beacon<"), "the cached overview was read again after the commit");
    }

    // A form post without the CSRF token is refused, even with the session cookie.
    let refused = post_form(&http, format!("{base}/logout"), &cookie, "x=y").await;
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

/// POST a form as a browser would (with the session cookie), without following the redirect.
async fn post_form(
    http: &reqwest::Client,
    url: impl reqwest::IntoUrl,
    cookie: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let req = http.post(url).header("cookie", cookie).header("content-type", "application/x-www-form-urlencoded");
    req.body(body).send().await.unwrap()
}

/// Open a signed-in page and wait until it is there (its heading and the sign-out form).
/// The page must leave no error in the browser's console.
async fn open(browser: &fantoccini::Client, url: &str) -> String {
    console_errors(browser).await; // what came before is not this page's
    browser.goto(url).await.unwrap();
    browser.wait().for_element(Locator::Css("main h1")).await.unwrap();
    browser.wait().for_element(Locator::Css("form.signout")).await.unwrap();
    let errors = console_errors(browser).await;
    assert!(errors.is_empty(), "console errors on {url}: {errors:?}");
    browser.source().await.unwrap()
}

/// The CSRF token of the page open in the browser (from its sign-out form).
async fn page_csrf(browser: &fantoccini::Client) -> String {
    let input = browser.find(Locator::Css("form.signout input[name=csrf]")).await.unwrap();
    input.attr("value").await.unwrap().unwrap()
}

async fn session_cookie(browser: &fantoccini::Client) -> String {
    let cookies = browser.get_all_cookies().await.unwrap();
    let c = cookies.iter().find(|c| c.name() == "bosun_session").expect("the session cookie");
    format!("bosun_session={}", c.value())
}

async fn sign_out(browser: &fantoccini::Client) {
    browser.find(Locator::Css("form.signout button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("form[action='/login']")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_release_locks_approve_and_read_the_audit_log_and_viewers_cannot() {
    let c = Coord::start().await;
    let base = c.t.server.url();
    let admin_password = user_with_password(&c.t, &c.t.admin.clone(), "ada", "admin").await;
    let viewer_password = user_with_password(&c.t, &c.t.admin.clone(), "vic", "viewer").await;
    let agent = c.agent("deployer", &[]).await;
    let (s, held) = c.call("POST", "/api/v1/locks", &agent.key, json!({"paths": ["src/payments/**"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{held}");
    let lock_id = held["locks"][0]["id"].as_str().unwrap().to_owned();
    let risky = json!({"action": "terraform apply", "resource": "infra/prod", "arguments": {"plan": "abc"},
        "factors": {"privilege_impact": 1.0, "blast_radius": 1.0, "vulnerabilities": 0.8, "data_access": 0.5,
            "history": 0.6}});
    let (s, asked) = c.call("POST", "/api/v1/approvals", &agent.key, risky).await;
    assert_eq!((s, asked["status"].as_str()), (StatusCode::CREATED, Some("pending")), "{asked}");
    let approval = asked["id"].as_str().unwrap().to_owned();

    let driver = Driver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = driver.browser(profile.path()).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // A viewer sees the lock and the request, and no button to change them; the routes refuse
    // the viewer anyway (with a valid CSRF token).
    sign_in(&browser, &base, "default", "vic", &viewer_password).await;
    let page = open(&browser, &format!("{base}/ui/locks")).await;
    assert!(page.contains("src/payments/**") && !page.contains(">Release<"), "a viewer sees no release button: {page}");
    let (cookie, csrf) = (session_cookie(&browser).await, page_csrf(&browser).await);
    let forced = post_form(&http, format!("{base}/ui/locks/{lock_id}/release"), &cookie, format!("csrf={csrf}")).await;
    assert_eq!(forced.status(), StatusCode::FORBIDDEN, "the endpoint refuses a viewer too");
    let page = open(&browser, &format!("{base}/ui/approvals")).await;
    assert!(page.contains("terraform apply") && !page.contains(">Approve<"), "a viewer does not decide: {page}");
    assert!(unlabelled(&browser).await.is_empty());
    sign_out(&browser).await;

    // The admin force-releases the lock from the Locks page.
    sign_in(&browser, &base, "default", "ada", &admin_password).await;
    open(&browser, &format!("{base}/ui/locks")).await;
    assert!(unlabelled(&browser).await.is_empty());
    screenshot(&browser, "locks").await;
    browser.find(Locator::Css("form[action$='/release'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".notice")).await.unwrap();
    let (_, locks) = c.call("GET", "/api/v1/locks", &agent.key, Value::Null).await;
    assert_eq!(locks["locks"].as_array().map(Vec::len), Some(0), "released: {locks}");

    // … approves the request; the waiting agent's approval_status changes.
    open(&browser, &format!("{base}/ui/approvals")).await;
    assert!(unlabelled(&browser).await.is_empty());
    screenshot(&browser, "approvals").await;
    let form = browser.form(Locator::Css(&format!("form[action='/ui/approvals/{approval}']"))).await.unwrap();
    form.set_by_name("reason", "change window is open").await.unwrap();
    browser.find(Locator::Css("button[value=approve]")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".notice")).await.unwrap();
    let (_, status) = c.call("GET", &format!("/api/v1/approvals/{approval}"), &agent.key, Value::Null).await;
    assert_eq!(status["status"], "approved", "{status}");
    assert!(status["gate_token"].is_string(), "the requester now has its token: {status}");

    // … filters the audit log, downloads the CSV of the filtered events, verifies the chain.
    open(&browser, &format!("{base}/ui/audit")).await;
    assert!(unlabelled(&browser).await.is_empty(), "every filter has a label");
    let filters = browser.form(Locator::Css("form.filters")).await.unwrap();
    filters.set_by_name("action", "lock.").await.unwrap();
    filters.submit().await.unwrap();
    // The filtered page is the one whose address carries the filter.
    let started = Instant::now();
    while !browser.current_url().await.unwrap().as_str().contains("action=lock.") {
        assert!(started.elapsed() < Duration::from_secs(10), "the filter was not applied");
        tokio::task::yield_now().await;
    }
    browser.wait().for_element(Locator::Css("table.audit")).await.unwrap();
    let actions: Vec<String> = {
        let cells = browser.find_all(Locator::Css("table.audit tbody td:nth-child(4)")).await.unwrap();
        let mut out = Vec::new();
        for cell in cells {
            out.push(cell.text().await.unwrap());
        }
        out
    };
    let outcomes: Vec<String> = {
        let cells = browser.find_all(Locator::Css("table.audit tbody td:nth-child(6)")).await.unwrap();
        let mut out = Vec::new();
        for cell in cells {
            out.push(cell.text().await.unwrap());
        }
        out
    };
    // Newest first: the admin's release, the viewer's refused attempt, the agent's lock.
    assert_eq!(actions, ["lock.released", "lock.released", "lock.acquired"], "filtered by action prefix");
    assert_eq!(outcomes, ["ok", "denied", "ok"]);
    let href = browser.find(Locator::Id("export-csv")).await.unwrap().attr("href").await.unwrap().unwrap();
    let cookie = session_cookie(&browser).await;
    let csv = http.get(format!("{base}{href}")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("tenant,seq,at,"), "{csv}");
    assert_eq!(lines.len(), 4, "a header and the three lock events: {csv}");
    assert!(lines[1].contains("lock.acquired") && lines[3].contains("lock.released"), "oldest first: {csv}");
    browser.find(Locator::Css("form[action='/ui/audit/verify'] button")).await.unwrap().click().await.unwrap();
    // The page reloads with the result (the old page says "not been verified").
    let started = Instant::now();
    let chain = loop {
        let text = match browser.find(Locator::Css(".chain p")).await {
            Ok(p) => p.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.starts_with("Verified") || text.starts_with("NOT") {
            break text;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no verification result: {text}");
        tokio::task::yield_now().await;
    };
    assert!(chain.starts_with("Verified: ") && chain.contains("gap-free"), "{chain}");
    screenshot(&browser, "audit").await;
    browser.close().await.unwrap();
}

/// Poll the tenant's allowlist over REST until `done` holds (the form's redirect is not enough
/// to know the browser finished: both editors land on the same address).
async fn allowlist_becomes(c: &Coord, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (_, list) = c.call("GET", "/api/v1/allowlist", &c.t.admin, Value::Null).await;
        if done(&list) {
            return list;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the allowlist did not change: {list}");
        tokio::task::yield_now().await;
    }
}

/// The text of every element matching `css`, read in one script run: no element reference can
/// go stale between finding and reading while a page is being replaced (a poll during a
/// navigation did, one run in ten on PostgreSQL).
async fn texts(browser: &fantoccini::Client, css: &str) -> Vec<String> {
    let script = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText.trim());";
    let found = browser.execute(script, vec![json!(css)]).await.unwrap();
    found.as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or_default().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_read_in_the_browser_and_an_allowlist_edited_there_blocks_a_send() {
    let c = Coord::start().await;
    let base = c.t.server.url();
    let admin_password = user_with_password(&c.t, &c.t.admin.clone(), "ada", "admin").await;
    let viewer_password = user_with_password(&c.t, &c.t.admin.clone(), "vic", "viewer").await;
    let (ann, bob) = (c.agent("ann", &[]).await, c.agent("bob", &[]).await);
    let send = |from: &str, to: &str, subject: &str| json!({"to": [to], "type": "data_request", "subject": subject, "body": format!("{from} asks {to}: {subject}")});
    let (s, first) = c.call("POST", "/api/v1/messages", &ann.key, send("ann", "bob", "which schema version?")).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let first_id = first["id"].as_str().unwrap().to_owned();
    let (s, _) = c.call("POST", "/api/v1/messages", &ann.key, send("ann", "bob", "lunch plans")).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, inbox) = c.call("GET", "/api/v1/inbox", &bob.key, Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{inbox}");
    let (s, r) = c.call("POST", &format!("/api/v1/messages/{first_id}/read"), &bob.key, Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{r}");

    let driver = Driver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = driver.browser(profile.path()).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // A viewer reads the allowlist but has nothing to edit it with; the route refuses it anyway.
    sign_in(&browser, &base, "default", "vic", &viewer_password).await;
    let page = open(&browser, &format!("{base}/ui/allowlist")).await;
    assert!(page.contains("ann") && !page.contains("Save the matrix") && !page.contains("<select"), "{page}");
    assert!(unlabelled(&browser).await.is_empty());
    let (cookie, csrf) = (session_cookie(&browser).await, page_csrf(&browser).await);
    let forced = post_form(
        &http,
        format!("{base}/ui/allowlist/matrix"),
        &cookie,
        format!("csrf={csrf}&a0=ann&a1=bob&o0-1=&c0-1=deny"),
    )
    .await;
    assert_eq!(forced.status(), StatusCode::FORBIDDEN, "the endpoint refuses a viewer too");
    let without_csrf = post_form(&http, format!("{base}/ui/allowlist/rules"), &cookie, "default=closed").await;
    assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN, "no CSRF token, no change");
    let (_, list) = c.call("GET", "/api/v1/allowlist", &c.t.admin, Value::Null).await;
    assert_eq!(list, json!({"default": "open", "rules": []}), "unchanged");
    sign_out(&browser).await;

    // The admin reads the timeline, searches, filters and opens the thread.
    sign_in(&browser, &base, "default", "ada", &admin_password).await;
    open(&browser, &format!("{base}/ui/messages")).await;
    assert!(unlabelled(&browser).await.is_empty(), "every filter has a label");
    assert_eq!(texts(&browser, ".timeline .subject").await, ["lunch plans", "which schema version?"], "newest first");
    screenshot(&browser, "messages").await;
    let filters = browser.form(Locator::Css("form.filters")).await.unwrap();
    filters.set_by_name("q", "schema").await.unwrap();
    filters.submit().await.unwrap();
    let started = Instant::now();
    while !browser.current_url().await.unwrap().as_str().contains("q=schema") {
        assert!(started.elapsed() < Duration::from_secs(10), "the search was not applied");
        tokio::task::yield_now().await;
    }
    browser.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert_eq!(texts(&browser, ".timeline .subject").await, ["which schema version?"], "full-text search");
    open(&browser, &format!("{base}/ui/messages?agent=bob&importance=urgent")).await;
    assert!(texts(&browser, ".timeline .subject").await.is_empty(), "filters narrow together");
    open(&browser, &format!("{base}/ui/messages?agent=nobody")).await;
    assert!(texts(&browser, ".timeline .subject").await.is_empty(), "an unknown agent matches nothing");
    open(&browser, &format!("{base}/ui/messages?agent=bob")).await;
    assert_eq!(texts(&browser, ".timeline .subject").await.len(), 2, "bob received both");
    browser.find(Locator::LinkText("which schema version?")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css("table.deliveries")).await.unwrap();
    assert_eq!(texts(&browser, "table.deliveries td.state").await, ["read"], "bob's copy was read");
    screenshot(&browser, "thread").await;

    // The admin denies ann → bob in the matrix: ann's next message to bob is blocked.
    open(&browser, &format!("{base}/ui/allowlist")).await;
    assert!(unlabelled(&browser).await.is_empty(), "every cell's select has a label");
    let names = browser.find_all(Locator::Css("form[action='/ui/allowlist/matrix'] input[type=hidden][name^=a]")).await;
    assert_eq!(names.unwrap().len(), 2, "two agents in the matrix");
    let matrix = browser.form(Locator::Css("form[action='/ui/allowlist/matrix']")).await.unwrap();
    matrix.set_by_name("c0-1", "deny").await.unwrap();
    browser.find(Locator::Id("save-matrix")).await.unwrap().click().await.unwrap();
    let list = allowlist_becomes(&c, |l| !l["rules"].as_array().unwrap().is_empty()).await;
    assert_eq!(list["rules"], json!([{"from": "ann", "to": "bob", "action": "deny"}]), "{list}");
    browser.wait().for_element(Locator::Css(".notice")).await.unwrap();
    screenshot(&browser, "allowlist").await;
    let (s, blocked) = c.call("POST", "/api/v1/messages", &ann.key, send("ann", "bob", "again?")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{blocked}");
    assert_eq!(blocked["code"], "message_blocked");
    assert!(blocked["detail"].as_str().unwrap().contains("rule 1"), "names the rule: {blocked}");
    let (s, other_way) = c.call("POST", "/api/v1/messages", &bob.key, send("bob", "ann", "still fine")).await;
    assert_eq!(s, StatusCode::CREATED, "only ann → bob: {other_way}");

    // The rules editor: a closed default with one allowing rule added, and the pair rule deleted.
    open(&browser, &format!("{base}/ui/allowlist")).await;
    let rules = browser.form(Locator::Css("form[action='/ui/allowlist/rules']")).await.unwrap();
    rules.set_by_name("default", "closed").await.unwrap();
    browser.find(Locator::Id("d1")).await.unwrap().click().await.unwrap();
    rules.set_by_name("fnew", "bob").await.unwrap();
    rules.set_by_name("tnew", "*").await.unwrap();
    browser.find(Locator::Id("save-rules")).await.unwrap().click().await.unwrap();
    let list = allowlist_becomes(&c, |l| l["default"] == "closed").await;
    assert_eq!(list["rules"], json!([{"from": "bob", "to": "*", "action": "allow"}]), "{list}");
    let (s, closed) = c.call("POST", "/api/v1/messages", &ann.key, send("ann", "bob", "and now?")).await;
    assert_eq!((s, closed["code"].as_str()), (StatusCode::FORBIDDEN, Some("message_blocked")), "{closed}");
    let (s, allowed) = c.call("POST", "/api/v1/messages", &bob.key, send("bob", "ann", "bob may")).await;
    assert_eq!(s, StatusCode::CREATED, "{allowed}");
    let (_, audit) = c.call("GET", "/api/v1/audit?action=allowlist.", &c.t.admin, Value::Null).await;
    let edits: Vec<(&str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["outcome"].as_str().unwrap(), e["actor_name"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(edits, [("ok", "ada"), ("ok", "ada"), ("denied", "vic")], "every edit audited, newest first");
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_and_agents_pages_draw_the_dependency_graph_and_cancel_and_retry_by_role() {
    let c = Coord::start().await;
    let base = c.t.server.url();
    let dev_password = user_with_password(&c.t, &c.t.admin.clone(), "dora", "developer").await;
    let viewer_password = user_with_password(&c.t, &c.t.admin.clone(), "vic", "viewer").await;
    let worker = c.agent("worker-7", &["rust"]).await;
    let build = c.submit(json!({"title": "build the crate", "project": "web"})).await;
    let test = c.submit(json!({"title": "test the crate", "project": "web", "depends_on": [build]})).await;
    let ship =
        c.submit(json!({"title": "ship <script>alert(1)</script>", "project": "web", "depends_on": [test]})).await;
    let (claimed, _) = c.claim(&worker, json!({"project": "web", "scope": ["src/**"]})).await.expect("build is ready");
    assert_eq!(claimed, build);
    let doomed = c.submit(json!({"title": "flaky migration", "project": "db", "max_attempts": 1})).await;
    let (got, fence) = c.claim(&worker, json!({"project": "db"})).await.expect("the migration is ready");
    assert_eq!(got, doomed);
    let (s, r) = c
        .call(
            "POST",
            &format!("/api/v1/tasks/{doomed}/fail"),
            &worker.key,
            json!({"fence": fence, "error": "lock timeout", "retryable": false}),
        )
        .await;
    assert_eq!((s, r["status"].as_str()), (StatusCode::OK, Some("dead")), "{r}");

    let driver = Driver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = driver.browser(profile.path()).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // A viewer reads the tasks but has no button; the routes refuse the viewer anyway.
    sign_in(&browser, &base, "default", "vic", &viewer_password).await;
    let page = open(&browser, &format!("{base}/ui/tasks/{ship}")).await;
    assert!(!page.contains("Cancel the task") && !page.contains("Retry the task"), "{page}");
    let (cookie, csrf) = (session_cookie(&browser).await, page_csrf(&browser).await);
    for (task, verb) in [(&ship, "cancel"), (&doomed, "retry")] {
        let refused = post_form(&http, format!("{base}/ui/tasks/{task}/{verb}"), &cookie, format!("csrf={csrf}")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{verb} refused to a viewer");
    }
    sign_out(&browser).await;

    // A developer filters the task list.
    sign_in(&browser, &base, "default", "dora", &dev_password).await;
    open(&browser, &format!("{base}/ui/tasks")).await;
    assert!(unlabelled(&browser).await.is_empty(), "every filter has a label");
    assert_eq!(texts(&browser, "table.tasks tbody tr").await.len(), 4);
    screenshot(&browser, "tasks").await;
    open(&browser, &format!("{base}/ui/tasks?status=blocked")).await;
    assert_eq!(
        texts(&browser, "table.tasks td:first-child").await,
        ["test the crate", "ship <script>alert(1)</script>"]
    );
    open(&browser, &format!("{base}/ui/tasks?assignee=worker-7&status=leased")).await;
    assert_eq!(texts(&browser, "table.tasks td:first-child").await, ["build the crate"]);
    let page = open(&browser, &format!("{base}/ui/tasks?priority=12")).await;
    assert!(page.contains("the priority is 0 to 9"), "a bad filter is explained: {page}");

    // The middle task's page: what it waits on, what needs it, and the graph as an image.
    open(&browser, &format!("{base}/ui/tasks/{test}")).await;
    let lists = texts(&browser, "section ul li").await;
    assert_eq!(lists, ["build the crate · leased", "ship <script>alert(1)</script> · blocked"], "{lists:?}");
    let drawn = browser
        .execute(
            "const i = document.querySelector('figure.graph img'); return i && i.complete ? i.naturalWidth : -1;",
            vec![],
        )
        .await
        .unwrap();
    assert!(drawn.as_f64().unwrap_or(-1.0) > 0.0, "the graph image loaded: {drawn}");
    screenshot(&browser, "task").await;
    let cookie = session_cookie(&browser).await;
    let svg = http.get(format!("{base}/ui/tasks/{test}/graph.svg")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    let svg = svg.text().await.unwrap();
    assert!(svg.contains("build the crate") && svg.contains("test the crate"), "every task drawn");
    assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"), "titles escaped in the SVG");
    let stranger = http.get(format!("{base}/ui/tasks/{test}/graph.svg")).send().await.unwrap();
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED, "no graph without a session");

    // Cancel the last task, retry the dead one.
    open(&browser, &format!("{base}/ui/tasks/{ship}")).await;
    browser.find(Locator::Css("form[action$='/cancel'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".notice")).await.unwrap();
    let (_, t) = c.call("GET", &format!("/api/v1/tasks/{ship}"), &c.dev, Value::Null).await;
    assert_eq!(t["status"], "cancelled", "{t}");
    let page = open(&browser, &format!("{base}/ui/tasks/{doomed}")).await;
    assert!(page.contains("lock timeout") && !page.contains("Cancel the task"), "a dead task shows its error: {page}");
    browser.find(Locator::Css("form[action$='/retry'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".notice")).await.unwrap();
    let (_, t) = c.call("GET", &format!("/api/v1/tasks/{doomed}"), &c.dev, Value::Null).await;
    assert_eq!(t["status"], "ready", "{t}");

    // The agents list and the worker's page: its task, its lock, its recent activity.
    open(&browser, &format!("{base}/ui/agents?capability=rust")).await;
    assert!(unlabelled(&browser).await.is_empty());
    assert_eq!(texts(&browser, "table.agents td:first-child").await, ["worker-7"]);
    open(&browser, &format!("{base}/ui/agents?capability=go")).await;
    assert!(texts(&browser, "table.agents td:first-child").await.is_empty(), "filtered out");
    open(&browser, &format!("{base}/ui/agents/{}", worker.id)).await;
    let page = browser.source().await.unwrap();
    assert!(page.contains("build the crate") && page.contains("src/**"), "its task and its lock: {page}");
    assert!(page.contains("task.claimed") && page.contains("trust "), "its activity and trust: {page}");
    screenshot(&browser, "agent").await;

    // The overview's charts of the last hour, drawn on the server (their text for screen readers).
    open(&browser, &format!("{base}/")).await;
    let charts = browser.find_all(Locator::Css(".chart svg")).await.unwrap();
    let mut labels = Vec::new();
    for chart in charts {
        labels.push(chart.attr("aria-label").await.unwrap().unwrap_or_default());
    }
    assert_eq!(labels, ["In the last hour: 4 tasks submitted, 0 completed.", "Open tasks now: 3."]);
    let lines = browser.find_all(Locator::Css(".chart polyline.submitted")).await.unwrap();
    assert!(!lines[0].attr("points").await.unwrap().unwrap_or_default().is_empty(), "a line is drawn");
    browser.close().await.unwrap();
}

async fn put_policies(c: &Coord, version: &str, text: &str) {
    let resp =
        c.t.client
            .put(c.t.url("/api/v1/policies"))
            .bearer_auth(&c.t.admin)
            .header("if-match", version)
            .json(&json!({"text": text}))
            .send()
            .await
            .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{}", resp.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governance_pages_show_policy_changes_replay_budgets_and_decide_alerts() {
    use bosun_policy::DEFAULT_POLICIES;
    let c = Coord::start().await;
    let base = c.t.server.url();
    let admin_password = user_with_password(&c.t, &c.t.admin.clone(), "ada", "admin").await;
    let viewer_password = user_with_password(&c.t, &c.t.admin.clone(), "vic", "viewer").await;
    let paused = format!(
        "{DEFAULT_POLICIES}\n@id(\"no-claims\") @reason(\"claims are paused\") forbid(principal is Bosun::Agent, action == Bosun::Action::\"task.claimed\", resource);\n"
    );
    put_policies(&c, "\"0\"", &paused).await;
    put_policies(&c, "\"1\"", DEFAULT_POLICIES).await;
    let rule = json!({"id": "claims-seen", "title": "a task was claimed", "actions": ["task.claimed"],
        "correlation": "event_count", "window_seconds": 60, "threshold": 1, "severity": "warning"});
    let (s, r) = c.call("PUT", "/api/v1/alerts/rules", &c.t.admin, json!({"rules": [rule]})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let budget = json!({"id": "daily-tokens", "scope": "tenant", "metric": "tokens", "period": "day",
        "hard_limit": "1000", "soft_limit": "500"});
    let (s, r) = c.call("PUT", "/api/v1/budgets", &c.t.admin, json!({"budgets": [budget]})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let agent = c.agent("spender", &[]).await;
    let (s, r) = c.call("POST", "/api/v1/usage", &agent.key, json!({"project": "default", "tokens": 600})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    c.submit(json!({"title": "claim me"})).await;
    c.claim(&agent, json!({})).await.expect("a claim under the current policies");
    let started = Instant::now();
    let alert_id = loop {
        let (_, list) = c.call("GET", "/api/v1/alerts?status=open", &c.t.admin, Value::Null).await;
        if let Some(id) = list["alerts"][0]["id"].as_str() {
            break id.to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no alert fired: {list}");
        tokio::task::yield_now().await;
    };

    let driver = Driver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = driver.browser(profile.path()).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // A viewer sees the alert and the budget, no button; the route refuses the viewer anyway.
    sign_in(&browser, &base, "default", "vic", &viewer_password).await;
    let page = open(&browser, &format!("{base}/ui/governance")).await;
    assert!(page.contains("a task was claimed") && !page.contains(">Acknowledge<"), "{page}");
    assert!(page.contains("600 / 1000") && page.contains("over the soft limit"), "usage against limits: {page}");
    let (cookie, csrf) = (session_cookie(&browser).await, page_csrf(&browser).await);
    let refused =
        post_form(&http, format!("{base}/ui/alerts/{alert_id}"), &cookie, format!("csrf={csrf}&decision=resolve"))
            .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let page = open(&browser, &format!("{base}/ui/policies")).await;
    assert!(!page.contains("Replay a proposed text"), "replay is for admins");
    sign_out(&browser).await;

    // The admin reads the policy history: version 2 dropped the pause that version 1 added.
    sign_in(&browser, &base, "default", "ada", &admin_password).await;
    let page = open(&browser, &format!("{base}/ui/policies")).await;
    assert!(page.contains("Version 2") && page.contains("Changes from version 1"), "{page}");
    assert!(unlabelled(&browser).await.is_empty());
    let removed = texts(&browser, ".diff .del").await;
    assert!(removed.iter().any(|l| l.contains("no-claims")), "the diff shows the pause removed: {removed:?}");
    assert!(texts(&browser, ".diff .add").await.is_empty(), "and nothing added");
    // Replaying the paused text flips the agent's claim.
    browser.find(Locator::Id("proposed")).await.unwrap().clear().await.unwrap();
    let form = browser.form(Locator::Css("form[action='/ui/policies/replay']")).await.unwrap();
    form.set_by_name("text", &paused).await.unwrap();
    browser.find(Locator::Id("replay")).await.unwrap().click().await.unwrap();
    let result = browser.wait().for_element(Locator::Id("replay-result")).await.unwrap().text().await.unwrap();
    assert!(result.contains("1 would change"), "{result}");
    assert_eq!(texts(&browser, "table.flips td:nth-child(4)").await, ["task.claimed"]);
    assert_eq!(texts(&browser, "table.flips td:nth-child(6)").await, ["denied"]);
    screenshot(&browser, "policies").await;
    let (_, doc) = c.call("GET", "/api/v1/policies", &c.t.admin, Value::Null).await;
    assert_eq!(doc["version"], 2, "a replay saves nothing");

    // … acknowledges the alert, then resolves it.
    open(&browser, &format!("{base}/ui/governance")).await;
    assert!(unlabelled(&browser).await.is_empty());
    screenshot(&browser, "governance").await;
    browser.find(Locator::Css("button[value=acknowledge]")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".notice")).await.unwrap();
    assert_eq!(texts(&browser, "td.alert-status").await, ["acknowledged"]);
    browser.find(Locator::Css("button[value=resolve]")).await.unwrap().click().await.unwrap();
    let started = Instant::now();
    while !texts(&browser, "td.alert-status").await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the resolved alert is still listed");
        tokio::task::yield_now().await;
    }
    let (_, a) = c.call("GET", "/api/v1/alerts?status=resolved", &c.t.admin, Value::Null).await;
    assert_eq!(a["alerts"][0]["id"], alert_id.as_str(), "{a}");
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_issued_link_sets_a_password_once_and_sessions_are_listed_and_ended() {
    let t = TestServer::start().await;
    let base = t.server.url();
    let admin_password = user_with_password(&t, &t.admin.clone(), "ada", "admin").await;
    let (nia_id, nia_key) = t.user_with_key(&t.admin.clone(), "nia", "developer").await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // Over the API: admins only, and the link is shown once, never audited.
    let path = format!("/api/v1/users/{nia_id}/sign-in-link");
    let (s, _) = t.call("POST", &path, Some(&nia_key), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a developer issues no link");
    let (s, issued) = t.call("POST", &path, Some(&t.admin), None).await;
    assert_eq!(s, StatusCode::CREATED, "{issued}");
    let api_link = issued["path"].as_str().unwrap().to_owned();
    assert!(api_link.starts_with("/login/link/") && issued["user"]["name"] == "nia", "{issued}");
    let (_, audit) = t.call("GET", "/api/v1/audit?action=user.link_issued", Some(&t.admin), None).await;
    let outcomes: Vec<&str> =
        audit["items"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["ok", "denied"], "issuing and the refusal are audited: {audit}");
    let secret_part = api_link.rsplit('.').next().unwrap();
    assert!(!audit.to_string().contains(secret_part), "the link never reaches the audit log");

    let driver = Driver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = driver.browser(profile.path()).await;

    // The admin issues another link from the Users page (it is shown once).
    sign_in(&browser, &base, "default", "ada", &admin_password).await;
    open(&browser, &format!("{base}/ui/users")).await;
    assert!(unlabelled(&browser).await.is_empty());
    browser
        .find(Locator::Css("button[aria-label='Issue a sign-in link for nia']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let field = browser.wait().for_element(Locator::Id("issued-link")).await.unwrap();
    let link = field.attr("value").await.unwrap().unwrap();
    assert!(link.starts_with(&format!("{base}/login/link/")), "{link}");
    assert!(unlabelled(&browser).await.is_empty());
    screenshot(&browser, "users").await;
    sign_out(&browser).await;

    // Nia opens it: two different passwords are refused, then one sets it and signs her in.
    console_errors(&browser).await;
    browser.goto(&link).await.unwrap();
    assert!(unlabelled(&browser).await.is_empty());
    let errors = console_errors(&browser).await;
    assert!(errors.is_empty(), "console errors on the link's page: {errors:?}");
    let form = browser.form(Locator::Css("form[action^='/login/link/']")).await.unwrap();
    form.set_by_name("password", "nia sails at dawn").await.unwrap();
    form.set_by_name("again", "nia sails at dusk").await.unwrap();
    form.submit().await.unwrap();
    let error = browser.wait().for_element(Locator::Css(".error")).await.unwrap().text().await.unwrap();
    assert_eq!(error, "The two passwords differ.");
    let form = browser.form(Locator::Css("form[action^='/login/link/']")).await.unwrap();
    form.set_by_name("password", "nia sails at dawn").await.unwrap();
    form.set_by_name("again", "nia sails at dawn").await.unwrap();
    form.submit().await.unwrap();
    let who = browser.wait().for_element(Locator::Css(".who")).await.unwrap().text().await.unwrap();
    assert!(who.starts_with("nia"), "signed in as nia: {who}");
    let nia_cookie = session_cookie(&browser).await;

    // Both links are void now (the password they were made under changed).
    for used in [link.clone(), format!("{base}{api_link}")] {
        let again = http
            .post(&used)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("password=someone+else+now&again=someone+else+now")
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "{used} works once");
        assert!(again.text().await.unwrap().contains("not valid"));
    }
    let (s, _) = t.call("GET", "/api/v1/whoami", Some(&nia_key), None).await;
    assert_eq!(s, StatusCode::OK, "her API key is untouched");

    // A second browser of nia's (a sign-in over HTTP); her Sessions page lists both and ends it.
    let login = http
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("tenant=default&name=nia&password=nia+sails+at+dawn")
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let other = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let (home, _) = (http.get(format!("{base}/")).header("cookie", &other).send().await.unwrap(), ());
    assert_eq!(home.status(), StatusCode::OK, "the other browser is signed in");
    open(&browser, &format!("{base}/ui/sessions")).await;
    assert_eq!(texts(&browser, "td.session-state").await, ["active", "active (this one)"]);
    screenshot(&browser, "sessions").await;
    browser.find(Locator::Css("form[action$='/end'] button")).await.unwrap().click().await.unwrap();
    browser.wait().for_element(Locator::Css(".notice")).await.unwrap();
    assert_eq!(texts(&browser, "td.session-state").await, ["ended", "active (this one)"]);
    let home = http.get(format!("{base}/")).header("cookie", &other).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER, "the ended session is signed out");
    // Nia may not read the admin's sessions; the admin may read hers.
    let (_, ada) = t.call("GET", "/api/v1/whoami", Some(&t.admin), None).await;
    let theirs = http
        .get(format!("{base}/ui/sessions?user={}", ada["id"].as_str().unwrap()))
        .header("cookie", &nia_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::FORBIDDEN);
    browser.close().await.unwrap();
}

/// The tenant matrix through the pages: another tenant's admin, signed in, reads every page and
/// names the first tenant's objects by id in every detail route and form — and gets nothing of
/// them, and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_or_form_reaches_another_tenants_data() {
    let c = Coord::start().await;
    let base = c.t.server.url();
    // Tenant A's things, each named with a marker that must never reach tenant B's pages.
    let agent = c.agent("secret-agent", &[]).await;
    let peer = c.agent("secret-peer", &[]).await;
    let first = c.submit(json!({"title": "secret build", "project": "secret-project"})).await;
    let task = c.submit(json!({"title": "secret deploy", "project": "secret-project", "depends_on": [first]})).await;
    let (s, m) = c
        .call(
            "POST",
            "/api/v1/messages",
            &agent.key,
            json!({"to": ["secret-peer"], "type": "chat", "subject": "secret plans", "body": "secret body"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let message = m["id"].as_str().unwrap().to_owned();
    let (s, l) = c.call("POST", "/api/v1/locks", &agent.key, json!({"paths": ["secret/path/**"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let lock = l["locks"][0]["id"].as_str().unwrap().to_owned();
    let risky = json!({"action": "secret apply", "resource": "secret/infra", "factors": {"privilege_impact": 1.0,
        "blast_radius": 1.0, "vulnerabilities": 0.8, "data_access": 0.5, "history": 0.6}});
    let (s, a) = c.call("POST", "/api/v1/approvals", &agent.key, risky).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let approval = a["id"].as_str().unwrap().to_owned();
    let (secret_user, _) = c.t.user_with_key(&c.t.admin.clone(), "secret-user", "developer").await;
    let _ = peer;

    // Tenant B's admin, signed in over HTTP.
    let (s, other) = c.call("POST", "/api/v1/tenants", &c.t.admin, json!({"name": "harbour"})).await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let other_admin = other["admin_key"]["key"].as_str().unwrap().to_owned();
    let password = user_with_password(&c.t, &other_admin, "hana", "admin").await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = http
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([("tenant", "harbour"), ("name", "hana"), ("password", password.as_str())])
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let get = |path: String| {
        let (http, cookie, base) = (http.clone(), cookie.clone(), base.clone());
        async move {
            let r = http.get(format!("{base}{path}")).header("cookie", &cookie).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (_, home) = get("/".into()).await;
    let csrf = home.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();

    let lists = [
        "/",
        "/ui/fragments/overview",
        "/ui/agents",
        "/ui/tasks",
        "/ui/tasks?project=secret-project",
        "/ui/messages",
        "/ui/messages?q=secret",
        "/ui/messages?agent=secret-agent",
        "/ui/allowlist",
        "/ui/locks",
        "/ui/approvals",
        "/ui/governance",
        "/ui/policies",
        "/ui/users",
        "/ui/sessions",
        "/ui/audit",
        "/ui/audit?actor=secret-agent",
        "/ui/audit/export?format=csv",
        "/ui/audit/export?format=json",
    ];
    // Every name tenant A gave (a filter's own words are echoed in its input: not those).
    let markers = [
        "secret-agent",
        "secret-peer",
        "secret-project",
        "secret build",
        "secret deploy",
        "secret plans",
        "secret body",
        "secret/path",
        "secret apply",
        "secret/infra",
        "secret-user",
    ];
    for path in lists {
        let (s, body) = get(path.into()).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        for m in markers.iter().filter(|m| !path.contains(*m)) {
            assert!(!body.contains(m), "{path} shows another tenant's {m}: {body}");
        }
    }
    let details = [
        format!("/ui/agents/{}", agent.id),
        format!("/ui/tasks/{task}"),
        format!("/ui/tasks/{task}/graph.svg"),
        format!("/ui/messages/thread/{message}"),
        format!("/ui/sessions?user={secret_user}"),
    ];
    for path in details {
        let (s, body) = get(path.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.contains("secret"), "{path}: {body}");
    }
    let forms = [
        (format!("/ui/locks/{lock}/release"), String::new()),
        (format!("/ui/approvals/{approval}"), "&decision=approve".to_owned()),
        (format!("/ui/tasks/{task}/cancel"), String::new()),
        (format!("/ui/users/{secret_user}/link"), String::new()),
    ];
    for (path, extra) in forms {
        let r = post_form(&http, format!("{base}{path}"), &cookie, format!("csrf={csrf}{extra}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text().await.unwrap().contains("secret"), "{path}");
    }
    // Nor another tenant's audit log, unless one is an admin of the system tenant.
    let a_tenant =
        c.call("GET", "/api/v1/whoami", &c.t.admin, Value::Null).await.1["tenant"]["id"].as_str().unwrap().to_owned();
    for path in [format!("/ui/audit?tenant={a_tenant}"), format!("/ui/audit/export?format=csv&tenant={a_tenant}")] {
        let (s, body) = get(path.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
        assert!(!body.contains("secret"), "{path}");
    }
    let system_password = user_with_password(&c.t, &c.t.admin.clone(), "ada", "admin").await;
    let login = http
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([("tenant", "default"), ("name", "ada"), ("password", &system_password)])
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let ada = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let b_tenant = other["tenant"]["id"].as_str().unwrap();
    let page = http.get(format!("{base}/ui/audit?tenant={b_tenant}")).header("cookie", &ada).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("session.started") && page.contains("harbour"), "the system admin reads harbour's log");
    assert!(!page.contains("secret") && !page.contains("Verify the chain now"), "only harbour's, read only: {page}");
    let csv = http
        .get(format!("{base}/ui/audit/export?format=csv&tenant={b_tenant}"))
        .header("cookie", &ada)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.lines().skip(1).all(|l| l.starts_with(b_tenant)), "every exported event is harbour's: {csv}");
    assert!(csv.lines().count() > 1);

    // Tenant A's things are as they were.
    let (_, locks) = c.call("GET", "/api/v1/locks", &agent.key, Value::Null).await;
    assert_eq!(locks["locks"][0]["id"], lock.as_str(), "{locks}");
    let (_, t) = c.call("GET", &format!("/api/v1/tasks/{task}"), &c.dev, Value::Null).await;
    assert_eq!(t["status"], "blocked", "{t}");
    let (_, a) = c.call("GET", &format!("/api/v1/approvals/{approval}"), &agent.key, Value::Null).await;
    assert_eq!(a["status"], "pending", "{a}");
}

/// Behind TLS (`secure_cookies`) the session cookie is `Secure` too; and no dashboard route
/// answers anything but the way to sign in without a session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookies_and_nothing_without_a_session() {
    let c = Coord::start_configured(|config| bosun_server::serve::ServeConfig { secure_cookies: true, ..config }).await;
    let base = c.t.server.url();
    let password = user_with_password(&c.t, &c.t.admin.clone(), "ada", "admin").await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let body = serde_urlencoded::to_string([("tenant", "default"), ("name", "ada"), ("password", &password)]).unwrap();
    let login = post_form(&http, format!("{base}/login"), "", body).await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    let flags: Vec<&str> = cookie.split("; ").skip(1).collect();
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(flags.contains(&flag), "{flag} in {cookie}");
    }

    // An id that names nothing (the routes must not tell: the sign-in comes first).
    let pages = [
        "/",
        "/ui/agents",
        "/ui/agents/01JDX3Q2V9Z8K7M6N5P4R3S2T1",
        "/ui/tasks",
        "/ui/tasks/01JDX3Q2V9Z8K7M6N5P4R3S2T1",
        "/ui/messages",
        "/ui/messages/thread/01JDX3Q2V9Z8K7M6N5P4R3S2T1",
        "/ui/allowlist",
        "/ui/locks",
        "/ui/approvals",
        "/ui/governance",
        "/ui/policies",
        "/ui/users",
        "/ui/sessions",
        "/ui/audit",
    ];
    for path in pages {
        let r = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers()["location"], "/login", "{path}");
    }
    let parts = [
        "/ui/fragments/overview",
        "/ui/events",
        "/ui/audit/export?format=csv",
        "/ui/tasks/01JDX3Q2V9Z8K7M6N5P4R3S2T1/graph.svg",
    ];
    for path in parts {
        assert_eq!(
            http.get(format!("{base}{path}")).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    let forms = [
        "/logout",
        "/ui/locks/01JDX3Q2V9Z8K7M6N5P4R3S2T1/release",
        "/ui/approvals/01JDX3Q2V9Z8K7M6N5P4R3S2T1",
        "/ui/audit/verify",
        "/ui/allowlist/matrix",
        "/ui/allowlist/rules",
        "/ui/tasks/01JDX3Q2V9Z8K7M6N5P4R3S2T1/cancel",
        "/ui/tasks/01JDX3Q2V9Z8K7M6N5P4R3S2T1/retry",
        "/ui/policies/replay",
        "/ui/alerts/01JDX3Q2V9Z8K7M6N5P4R3S2T1",
        "/ui/users/01JDX3Q2V9Z8K7M6N5P4R3S2T1/link",
        "/ui/sessions/01JDX3Q2V9Z8K7M6N5P4R3S2T1/end",
    ];
    for path in forms {
        let r = post_form(&http, format!("{base}{path}"), "", "csrf=x&decision=approve&text=x").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers()["location"], "/login", "{path}");
    }
    let (_, audit) = c.call("GET", "/api/v1/audit?outcome=ok", &c.t.admin, Value::Null).await;
    let changed: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(!changed.iter().any(|a| a.starts_with("lock.") || a.starts_with("allowlist.")), "{changed:?}");
}
