//! The REST client behind every verb except `serve`: one request helper that turns problem+json
//! answers into one-line errors, and plain tables for people.

/// `println!` that ends the process quietly when stdout is closed (`bosun … | head`).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::client::write_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use serde_json::Value;

/// Connection options shared by every client verb.
#[derive(clap::Args, Debug, Clone)]
pub struct ClientArgs {
    /// Bosun server URL
    #[arg(long, env = "BOSUN_URL", default_value = "http://127.0.0.1:7311", global = true)]
    pub url: String,
    /// API key (default: BOSUN_API_KEY, else ./.bosun/admin.key when present)
    #[arg(long, env = "BOSUN_API_KEY", hide_env_values = true, global = true)]
    pub key: Option<String>,
    /// Print JSON for scripts instead of a table
    #[arg(long, global = true)]
    pub json: bool,
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    key: Option<String>,
    pub json: bool,
}

impl Client {
    pub fn new(args: &ClientArgs) -> Self {
        let key = args.key.clone().or_else(|| {
            std::fs::read_to_string(Path::new(".bosun").join("admin.key")).ok().map(|k| k.trim().to_owned())
        });
        Self { http: reqwest::Client::new(), base: args.url.trim_end_matches('/').to_owned(), key, json: args.json }
    }

    /// The API key in use, if any.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("user-agent", concat!("bosun-cli/", env!("CARGO_PKG_VERSION")));
        match &self.key {
            Some(k) => req.bearer_auth(k),
            None => req,
        }
    }

    /// Send and return the answer, or the server's problem as a one-line error.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> anyhow::Result<reqwest::Response> {
        let resp = req.send().await.map_err(|e| anyhow!("cannot reach Bosun at {}: {}", self.base, root_cause(&e)))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        match (body["code"].as_str(), body["detail"].as_str()) {
            (Some(code), Some(detail)) => bail!("{code}: {detail} (HTTP {})", status.as_u16()),
            _ => bail!("HTTP {status}"),
        }
    }

    pub async fn json_of(&self, req: reqwest::RequestBuilder) -> anyhow::Result<Value> {
        let resp = self.send(req).await?;
        if resp.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(Value::Null);
        }
        resp.json().await.context("the server answered with something that is not JSON")
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.json_of(self.request(reqwest::Method::GET, path)).await
    }

    /// Every item of a cursor-paginated list (`{items, next_cursor}`, continued with `after=`).
    /// `path` already holds its query string (at least `?`-free paths get one added).
    pub async fn all_pages(&self, path: &str) -> anyhow::Result<Vec<Value>> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (mut all, mut after) = (Vec::new(), None::<String>);
        loop {
            let page = match &after {
                Some(a) => self.get(&format!("{path}{sep}limit=500&after={a}")).await?,
                None => self.get(&format!("{path}{sep}limit=500")).await?,
            };
            all.extend(page["items"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(next) => after = Some(next.to_owned()),
                None => return Ok(all),
            }
        }
    }

    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        self.json_of(self.request(reqwest::Method::POST, path).json(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        self.json_of(self.request(reqwest::Method::PUT, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> anyhow::Result<Value> {
        self.json_of(self.request(reqwest::Method::DELETE, path)).await
    }

    /// Print `value` as JSON (with `--json`) or as a table of `columns` over `rows`.
    pub fn show(&self, value: &Value, rows: &[Value], columns: &[&str]) {
        if self.json {
            say!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
        } else {
            print_table(rows, columns);
        }
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn print_table(rows: &[Value], columns: &[&str]) {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| columns.iter().map(|c| cell(&r[*c])).collect()).collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| cells.iter().map(|r| r[i].chars().count()).chain([c.len()]).max().unwrap_or(0))
        .collect();
    let line = |values: Vec<String>| {
        let padded: Vec<String> = values.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect();
        say!("{}", padded.join("  ").trim_end());
    };
    line(columns.iter().map(|c| c.to_uppercase()).collect());
    for row in cells {
        line(row);
    }
}
