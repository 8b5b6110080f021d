//! Moving one tenant between databases — SQLite to PostgreSQL or back — with its audit chain
//! byte for byte, so it verifies on both sides.
//!
//! The export is JSON lines: a header, then one line per row (`{"table": …, "row": {column:
//! value}}`), tables in an order that satisfies their references, each table's rows in their
//! natural order (tasks in submission order, the audit log by seq). Derived data is not exported:
//! a task's submission number (the importing database numbers them again, in the same order),
//! PostgreSQL's search column and chain heads, SQLite's search index — the import rebuilds them.
//! The import runs in one transaction and refuses a tenant that exists already; it never changes
//! a database while a server uses it in a way a server could not (it only adds a tenant).

use std::cell::RefCell;
use std::io::{BufRead, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::db::{Arg, Db, Dialect, PgSession, Row};
use crate::{Result, StoreError};

/// The format's version, in the header.
pub const FORMAT: u64 = 1;

/// Tenant-scoped tables, referenced ones first. `tenants` is keyed by `id`, the rest by
/// `tenant_id`; the order within a table.
const TABLES: &[(&str, &str)] = &[
    ("tenants", "id"),
    ("users", "id"),
    ("api_keys", "id"),
    ("idempotency", "principal_id, key"),
    ("audit_events", "seq"),
    ("agents", "id"),
    ("tasks", "ord"),
    ("task_deps", "task_id, depends_on"),
    ("locks", "id"),
    ("lock_fences", "project, key"),
    ("handoffs", "created_us, id"),
    ("messages", "created_us, id"),
    ("message_recipients", "message_id, agent_id"),
    ("allowlists", "tenant_id"),
    ("policy_versions", "version"),
    ("egress_log", "seq"),
    ("approvals", "id"),
    ("guardrail_rules", "tenant_id"),
    ("evidence", "sha256"),
    ("governance_settings", "tenant_id"),
    ("budgets", "tenant_id"),
    ("budget_reservations", "id"),
    ("budget_usage", "at_us"),
    ("task_estimates", "task_id"),
    ("alert_rules", "tenant_id"),
    ("alerts", "id"),
    ("webhooks", "id"),
    ("webhook_deliveries", "id"),
    ("budget_counters", "budget_id, bucket_us"),
    ("memories", "id"),
    ("memory_vectors", "memory_id"),
    ("memory_settings", "tenant_id"),
    ("workflow_templates", "name, version"),
    ("workflow_runs", "id"),
];

/// Columns each database derives itself.
const DERIVED: &[(&str, &str)] = &[
    ("tasks", "ord"),
    ("messages", "search"),
    ("memories", "seq"),
    ("memories", "search"),
    ("memories", "scope"),
    ("memory_vectors", "seq"),
];

/// A database to move a tenant from or to: `sqlite://PATH` or `postgres://…`.
pub struct Endpoint(Conn);

enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<PgSession>>),
}

impl Endpoint {
    /// Open (and bring to the newest schema) the database at `url`.
    pub fn open(url: &str) -> Result<Endpoint> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            crate::postgres::migrate(url)?;
            Ok(Endpoint(Conn::Postgres(Box::new(RefCell::new(PgSession::new(crate::postgres::connect(url)?))))))
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            // Opening the store migrates; then a plain connection does the work.
            let store = crate::sqlite::SqliteStore::open(Path::new(path), &Default::default())?;
            crate::Store::shutdown(&store);
            drop(store);
            let conn = rusqlite::Connection::open(path).map_err(crate::sqlite::internal)?;
            conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                .map_err(crate::sqlite::internal)?;
            Ok(Endpoint(Conn::Sqlite(conn)))
        } else {
            Err(StoreError::Invalid("the database URL must be sqlite://PATH or postgres://…".into()))
        }
    }

    fn db(&self) -> Db<'_> {
        match &self.0 {
            Conn::Sqlite(c) => Db::Lite(c),
            Conn::Postgres(s) => Db::Pg(s),
        }
    }

    /// A tenant's id from its id or name.
    pub fn tenant_id(&self, id_or_name: &str) -> Result<String> {
        self.db()
            .one("SELECT id FROM tenants WHERE id = ?1 OR name = ?1", &[Arg::Text(id_or_name.into())], |r| r.get(0))?
            .ok_or_else(|| StoreError::Invalid(format!("no tenant `{id_or_name}`")))
    }
}

fn columns_of(db: &Db<'_>, table: &str) -> Result<Vec<String>> {
    let names = match db {
        Db::Lite(c) => {
            let stmt = c.prepare(&format!("SELECT * FROM {table} LIMIT 0")).map_err(crate::sqlite::internal)?;
            stmt.column_names().map(str::to_owned).collect::<Vec<_>>()
        }
        Db::Pg(s) => {
            let mut s = s.borrow_mut();
            let stmt =
                s.client.prepare(&format!("SELECT * FROM {table} LIMIT 0")).map_err(|e| crate::db::pg_error(&e))?;
            stmt.columns().iter().map(|c| c.name().to_owned()).collect()
        }
    };
    Ok(names.into_iter().filter(|c| !DERIVED.contains(&(table, c.as_str()))).collect())
}

/// A column's value as JSON (integers, reals, text, null).
fn value(r: &Row<'_>, i: usize) -> Result<Value> {
    if let Ok(v) = r.get::<Option<i64>>(i) {
        return Ok(v.map_or(Value::Null, Value::from));
    }
    if let Ok(v) = r.get::<Option<f64>>(i) {
        return Ok(v.map_or(Value::Null, |f| json!(f)));
    }
    Ok(r.get::<Option<String>>(i)?.map_or(Value::Null, Value::String))
}

/// Write a tenant's rows to `out`; how many rows.
pub fn export(from: &Endpoint, tenant: &str, out: &mut dyn Write, progress: &mut dyn FnMut(u64)) -> Result<u64> {
    let db = from.db();
    let io = |e: std::io::Error| StoreError::Internal(format!("writing the export: {e}"));
    let header = json!({"bosun_export": FORMAT, "tenant": tenant});
    writeln!(out, "{header}").map_err(io)?;
    let mut rows = 0u64;
    for (table, order) in TABLES {
        let columns = columns_of(&db, table)?;
        let key = if *table == "tenants" { "id" } else { "tenant_id" };
        let sql = format!("SELECT {} FROM {table} WHERE {key} = ?1 ORDER BY {order}", columns.join(", "));
        // One table at a time; tables are bounded by the tenant's own data.
        let lines = db.rows(&sql, &[Arg::Text(tenant.into())], |r| {
            let mut row = Map::new();
            for (i, c) in columns.iter().enumerate() {
                row.insert(c.clone(), value(r, i)?);
            }
            Ok(json!({"table": table, "row": row}).to_string())
        })?;
        for line in lines {
            writeln!(out, "{line}").map_err(io)?;
            rows += 1;
            progress(rows);
        }
    }
    out.flush().map_err(io)?;
    Ok(rows)
}

fn arg(v: &Value) -> Arg {
    match v {
        Value::Null => Arg::Null,
        Value::Number(n) => n.as_i64().map_or_else(|| Arg::Real(n.as_f64().unwrap_or(0.0)), Arg::Int),
        Value::String(s) => Arg::Text(s.clone()),
        other => Arg::Text(other.to_string()),
    }
}

/// Read an export and add its tenant to `into`, in one transaction; the tenant and row count.
pub fn import(into: &Endpoint, input: &mut dyn BufRead, progress: &mut dyn FnMut(u64)) -> Result<(String, u64)> {
    let db = into.db();
    let bad = |what: String| StoreError::Invalid(format!("not a Bosun export: {what}"));
    let mut lines = input.lines();
    let header: Value = match lines.next() {
        Some(Ok(l)) => serde_json::from_str(&l).map_err(|e| bad(e.to_string()))?,
        _ => return Err(bad("empty".into())),
    };
    if header["bosun_export"] != json!(FORMAT) {
        return Err(bad(format!("format {} (this binary reads {FORMAT})", header["bosun_export"])));
    }
    let tenant = header["tenant"].as_str().ok_or_else(|| bad("no tenant".into()))?.to_owned();
    db.control("BEGIN")?;
    let result = (|| -> Result<u64> {
        let mut rows = 0u64;
        let mut columns: std::collections::HashMap<String, Vec<String>> = Default::default();
        let mut head: Option<(u64, String)> = None;
        for line in lines {
            let line = line.map_err(|e| bad(e.to_string()))?;
            let v: Value = serde_json::from_str(&line).map_err(|e| bad(format!("line {}: {e}", rows + 2)))?;
            let table = v["table"].as_str().ok_or_else(|| bad(format!("line {}: no table", rows + 2)))?;
            if !TABLES.iter().any(|(t, _)| *t == table) {
                return Err(bad(format!("line {}: unknown table `{table}`", rows + 2)));
            }
            let row = v["row"].as_object().ok_or_else(|| bad(format!("line {}: no row", rows + 2)))?;
            let key = if table == "tenants" { "id" } else { "tenant_id" };
            if row.get(key).and_then(Value::as_str) != Some(tenant.as_str()) {
                return Err(bad(format!("line {}: a row of another tenant", rows + 2)));
            }
            if !columns.contains_key(table) {
                columns.insert(table.to_owned(), columns_of(&db, table)?);
            }
            let known = &columns[table];
            let mut names: Vec<&str> = row.keys().filter(|c| known.contains(c)).map(String::as_str).collect();
            let mut args: Vec<Arg> = names.iter().map(|c| arg(&row[*c])).collect();
            if table == "memories" && db.dialect() == Dialect::Sqlite {
                // In the tenant's row id range here (see `memories::next_seq`).
                let t = bosun_core::TenantId::parse(&tenant).ok_or_else(|| bad("a bad tenant id".into()))?;
                names.push("seq");
                args.push(Arg::Int(crate::memories::next_seq(&db, t)?));
            }
            let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
            let sql = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), marks.join(", "));
            db.exec(&sql, &args).map_err(|e| match e {
                StoreError::Conflict(_) if table == "tenants" => {
                    StoreError::Conflict("the tenant (its id or name) exists in this database already".into())
                }
                other => other,
            })?;
            if table == "audit_events" {
                let seq = row.get("seq").and_then(Value::as_u64).unwrap_or(0);
                head = Some((seq, row.get("hash").and_then(Value::as_str).unwrap_or_default().to_owned()));
            }
            if table == "messages" && db.dialect() == Dialect::Sqlite {
                let text = |c: &str| arg(row.get(c).unwrap_or(&Value::Null));
                db.exec(
                    "INSERT INTO messages_fts (subject, body, tenant_id, message_id) VALUES (?1, ?2, ?3, ?4)",
                    &[text("subject"), text("body"), text("tenant_id"), text("id")],
                )?;
            }
            if table == "memories" && db.dialect() == Dialect::Sqlite {
                let text = |c: &str| arg(row.get(c).unwrap_or(&Value::Null));
                db.exec(
                    "INSERT INTO memories_fts (rowid, summary, details, lessons, tags)
                     SELECT seq, summary, details, lessons, tags FROM memories WHERE tenant_id = ?1 AND id = ?2",
                    &[text("tenant_id"), text("id")],
                )?;
            }
            rows += 1;
            progress(rows);
        }
        if db.dialect() == Dialect::Postgres {
            let (seq, hash) = head.unwrap_or((0, bosun_core::audit::GENESIS.to_owned()));
            db.exec(
                "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?1, ?2, ?3)",
                &[Arg::Text(tenant.clone()), Arg::Int(seq as i64), Arg::Text(hash)],
            )?;
        }
        Ok(rows)
    })();
    match result {
        Ok(rows) => {
            db.control("COMMIT")?;
            Ok((tenant, rows))
        }
        Err(e) => {
            let _ = db.control("ROLLBACK");
            Err(e)
        }
    }
}

/// Verify one tenant's chain in the database: how many events, or what is wrong (naming the seq).
pub fn verify(at: &Endpoint, tenant: &str) -> Result<std::result::Result<u64, String>> {
    use crate::ReadTx;
    let mut tx = crate::tx::Tx::new(at.db(), None);
    let mut verifier = bosun_core::audit::ChainVerifier::new();
    let (mut after, mut total) = (0u64, 0u64);
    loop {
        let events = match tx.audit_chain(tenant, after, 10_000) {
            Ok(events) => events,
            Err(StoreError::Corrupt { seq, reason }) => {
                return Ok(Err(format!("seq {seq}: unreadable row ({reason})")));
            }
            Err(e) => return Err(e),
        };
        let Some(last) = events.last() else { return Ok(Ok(total)) };
        after = last.seq;
        if let Err(e) = verifier.feed(&events) {
            return Ok(Err(e.to_string()));
        }
        total += events.len() as u64;
    }
}
