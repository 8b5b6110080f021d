//! The PostgreSQL backend, first part: its schema and migrations. Migrations are versioned like
//! SQLite's (`bosun_schema.version` instead of `PRAGMA user_version`), applied at start or by
//! `bosun migrate`, each in its own transaction, under an advisory lock so that several nodes
//! starting at once apply each migration exactly once; a database newer than the binary is
//! refused. The `Store` implementation over it is not built yet (`serve` refuses `postgres://`).

use postgres::{Client, NoTls};

use crate::{Result, StoreError};

/// Versioned migrations, applied in order.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_schema.sql")),
    (2, include_str!("../migrations/postgres/0002_retention.sql")),
    (3, include_str!("../migrations/postgres/0003_deliveries_by_tenant.sql")),
];

/// The advisory lock migrations run under (any fixed number; this one spells "bosun").
const MIGRATION_LOCK: i64 = 0x0062_6f73_756e;

fn unavailable(e: postgres::Error) -> StoreError {
    // The driver's text names the server and the failing statement, never the password.
    StoreError::Unavailable(format!("postgres: {e}"))
}

/// The newest schema version this binary knows.
pub fn supported() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Connect to `url` (`postgres://user:pass@host:port/db`).
pub fn connect(url: &str) -> Result<Client> {
    let config: postgres::Config =
        url.parse().map_err(|_| StoreError::Invalid("the database URL is not a valid postgres:// URL".into()))?;
    config.connect(NoTls).map_err(unavailable)
}

/// Bring the database at `url` to the newest schema; the version it is at after.
pub fn migrate(url: &str) -> Result<i64> {
    let mut client = connect(url)?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).map_err(unavailable)?;
    let applied = apply(&mut client);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).map_err(unavailable);
    let version = applied?;
    unlocked?;
    Ok(version)
}

fn apply(client: &mut Client) -> Result<i64> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS bosun_schema (only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                 version BIGINT NOT NULL);
             INSERT INTO bosun_schema (version) VALUES (0) ON CONFLICT DO NOTHING;",
        )
        .map_err(unavailable)?;
    let mut current: i64 = client.query_one("SELECT version FROM bosun_schema", &[]).map_err(unavailable)?.get(0);
    if current > supported() {
        return Err(StoreError::TooNew { found: current, supported: supported() });
    }
    let from = current;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > from) {
        let mut tx = client.transaction().map_err(unavailable)?;
        tx.batch_execute(sql).map_err(unavailable)?;
        tx.execute("UPDATE bosun_schema SET version = $1", &[version]).map_err(unavailable)?;
        tx.commit().map_err(unavailable)?;
        tracing::info!(version, "applied postgres migration");
        current = *version;
    }
    Ok(current)
}
