//! One SQL layer for both backends. The store's queries are written once, with SQLite's numbered
//! placeholders (`?1`, `?2`…), and run on either a SQLite connection or a PostgreSQL session
//! (placeholders become `$1`, `$2`…; statements are prepared once per session). Arguments and
//! columns are the few plain types both databases share: integers, reals, text, null. Where the
//! dialects differ (JSON functions, full-text search, row ids) a query asks [`Db::dialect`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::{Result, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound argument.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// What can be bound as an argument (by reference, like rusqlite's `params!`).
pub(crate) trait ToArg {
    fn to_arg(&self) -> Arg;
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn to_arg(&self) -> Arg {
                Arg::Int(*self as i64)
            }
        }
    )*};
}
int_arg!(i64, i32, u32, u16, u8);

impl ToArg for u64 {
    fn to_arg(&self) -> Arg {
        Arg::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl ToArg for bool {
    fn to_arg(&self) -> Arg {
        Arg::Int(i64::from(*self))
    }
}
impl ToArg for f64 {
    fn to_arg(&self) -> Arg {
        Arg::Real(*self)
    }
}
impl ToArg for str {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.to_owned())
    }
}
impl ToArg for String {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.clone())
    }
}
impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Arg {
        (**self).to_arg()
    }
}
impl<T: ToArg> ToArg for Option<T> {
    fn to_arg(&self) -> Arg {
        self.as_ref().map_or(Arg::Null, ToArg::to_arg)
    }
}

/// `args![a, b, c]`: a slice of [`Arg`]s.
macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$($crate::db::ToArg::to_arg(&$a)),*][..] };
}
pub(crate) use args;

impl rusqlite::ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Arg::Null => ValueRef::Null,
            Arg::Int(v) => ValueRef::Integer(*v),
            Arg::Real(v) => ValueRef::Real(*v),
            Arg::Text(v) => ValueRef::Text(v.as_bytes()),
        }))
    }
}

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for Arg {
    /// Encode as the type PostgreSQL inferred for the placeholder: integers fit any integer,
    /// real or boolean column; text any textual one.
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> std::result::Result<IsNull, BoxError> {
        match self {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ => v.to_string().as_str().to_sql(ty, out),
            },
            Arg::Real(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql(&Type::FLOAT8, out),
            },
            Arg::Text(v) => v.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A result row of either backend.
pub(crate) enum Row<'a> {
    Lite(&'a rusqlite::Row<'a>),
    Pg(&'a postgres::Row),
}

impl Row<'_> {
    pub(crate) fn get<T: Col>(&self, i: usize) -> Result<T> {
        match self {
            Row::Lite(r) => T::lite(r, i).map_err(|e| StoreError::Internal(format!("column {i}: {e}"))),
            Row::Pg(r) => T::pg(r, i),
        }
    }
}

/// A column type both backends can read.
pub(crate) trait Col: Sized {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self>;
    fn pg(r: &postgres::Row, i: usize) -> Result<Self>;
}

fn pg_err(i: usize, e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("column {i}: {e}"))
}

fn pg_int(r: &postgres::Row, i: usize) -> Result<Option<i64>> {
    let ty = r.columns()[i].type_().clone();
    match ty {
        Type::INT8 => r.try_get::<_, Option<i64>>(i),
        Type::INT4 => r.try_get::<_, Option<i32>>(i).map(|v| v.map(i64::from)),
        Type::INT2 => r.try_get::<_, Option<i16>>(i).map(|v| v.map(i64::from)),
        Type::BOOL => r.try_get::<_, Option<bool>>(i).map(|v| v.map(i64::from)),
        _ => return Err(pg_err(i, format!("{ty} is not an integer"))),
    }
    .map_err(|e| pg_err(i, e))
}

impl Col for Option<i64> {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        pg_int(r, i)
    }
}

impl Col for i64 {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        pg_int(r, i)?.ok_or_else(|| pg_err(i, "null"))
    }
}

macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl Col for $t {
            fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
                r.get(i)
            }
            fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
                let v = i64::pg(r, i)?;
                <$t>::try_from(v).map_err(|e| pg_err(i, e))
            }
        }
        impl Col for Option<$t> {
            fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
                r.get(i)
            }
            fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
                pg_int(r, i)?.map(|v| <$t>::try_from(v).map_err(|e| pg_err(i, e))).transpose()
            }
        }
    )*};
}
narrow_int!(u32, u16, u8, i32);

impl Col for u64 {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get::<_, i64>(i).map(|v| v as u64)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        i64::pg(r, i).map(|v| v as u64)
    }
}

impl Col for Option<u64> {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get::<_, Option<i64>>(i).map(|v| v.map(|v| v as u64))
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        pg_int(r, i).map(|v| v.map(|v| v as u64))
    }
}

impl Col for bool {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        Ok(i64::pg(r, i)? != 0)
    }
}

impl Col for Option<f64> {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        match *r.columns()[i].type_() {
            Type::FLOAT8 => r.try_get::<_, Option<f64>>(i).map_err(|e| pg_err(i, e)),
            Type::FLOAT4 => r.try_get::<_, Option<f32>>(i).map(|v| v.map(f64::from)).map_err(|e| pg_err(i, e)),
            _ => Ok(pg_int(r, i)?.map(|v| v as f64)),
        }
    }
}

impl Col for f64 {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        Option::<f64>::pg(r, i)?.ok_or_else(|| pg_err(i, "null"))
    }
}

impl Col for Option<String> {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        r.try_get::<_, Option<String>>(i).map_err(|e| pg_err(i, e))
    }
}

impl Col for String {
    fn lite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        r.get(i)
    }
    fn pg(r: &postgres::Row, i: usize) -> Result<Self> {
        Option::<String>::pg(r, i)?.ok_or_else(|| pg_err(i, "null"))
    }
}

/// A PostgreSQL session with its prepared statements.
pub(crate) struct PgSession {
    pub(crate) client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

/// Statements kept per session before the cache starts over (queries built from filters vary).
const MAX_STATEMENTS: usize = 512;

impl PgSession {
    pub(crate) fn new(client: postgres::Client) -> Self {
        Self { client, statements: HashMap::new() }
    }

    fn statement(&mut self, sql: &str) -> std::result::Result<postgres::Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let statement = self.client.prepare(&numbered(sql))?;
        if self.statements.len() >= MAX_STATEMENTS {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    pub(crate) fn query(
        &mut self,
        sql: &str,
        args: &[Arg],
    ) -> std::result::Result<Vec<postgres::Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        self.client.query(&statement, &params)
    }

    pub(crate) fn execute(&mut self, sql: &str, args: &[Arg]) -> std::result::Result<u64, postgres::Error> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        self.client.execute(&statement, &params)
    }
}

/// `?1` → `$1` (the store's queries contain no `?` in literals).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// A connection as the store's queries see it.
#[derive(Clone, Copy)]
pub(crate) enum Db<'a> {
    Lite(&'a rusqlite::Connection),
    Pg(&'a RefCell<PgSession>),
}

pub(crate) fn pg_error(e: &postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    match e.code() {
        Some(c) if *c == SqlState::UNIQUE_VIOLATION || *c == SqlState::FOREIGN_KEY_VIOLATION => {
            StoreError::Conflict(e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_owned()))
        }
        Some(c) if *c == SqlState::SYNTAX_ERROR && e.as_db_error().is_some_and(|d| d.message().contains("tsquery")) => {
            StoreError::Invalid(e.to_string())
        }
        Some(c) if c.code().starts_with("08") || *c == SqlState::ADMIN_SHUTDOWN => {
            StoreError::Unavailable(format!("postgres: {e}"))
        }
        _ if e.is_closed() => StoreError::Unavailable(format!("postgres: {e}")),
        _ => StoreError::Internal(match e.as_db_error() {
            Some(d) => format!("postgres: {} ({})", d.message(), d.code().code()),
            None => format!("postgres: {e}"),
        }),
    }
}

/// Text with a NUL character (U+0000) is refused on both backends: PostgreSQL cannot store it in
/// a text column, and a store that kept it on one backend only would behave differently on the other.
fn refuse_nul(args: &[Arg]) -> Result<()> {
    if args.iter().any(|a| matches!(a, Arg::Text(t) if t.contains('\0'))) {
        return Err(StoreError::Invalid("text may not contain the NUL character (U+0000)".into()));
    }
    Ok(())
}

impl Db<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Db::Lite(_) => Dialect::Sqlite,
            Db::Pg(_) => Dialect::Postgres,
        }
    }

    /// Run a statement without arguments or rows (transaction control).
    pub(crate) fn control(&self, sql: &str) -> Result<()> {
        match self {
            Db::Lite(c) => {
                c.prepare_cached(sql).and_then(|mut s| s.execute([])).map_err(crate::sqlite::internal)?;
            }
            Db::Pg(s) => s.borrow_mut().client.batch_execute(sql).map_err(|e| pg_error(&e))?,
        }
        Ok(())
    }

    /// Run a query and map every row.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        args: &[Arg],
        mut map: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        refuse_nul(args)?;
        match self {
            Db::Lite(c) => {
                let mut stmt = c.prepare_cached(sql).map_err(crate::sqlite::internal)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(crate::sqlite::read_err)?;
                let mut out = Vec::new();
                while let Some(r) = rows.next().map_err(crate::sqlite::read_err)? {
                    out.push(map(&Row::Lite(r))?);
                }
                Ok(out)
            }
            Db::Pg(s) => {
                let rows = s.borrow_mut().query(sql, args).map_err(|e| pg_error(&e))?;
                rows.iter().map(|r| map(&Row::Pg(r))).collect()
            }
        }
    }

    /// The first row, if any.
    pub(crate) fn one<T>(&self, sql: &str, args: &[Arg], map: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<Option<T>> {
        refuse_nul(args)?;
        match self {
            Db::Lite(c) => {
                let mut stmt = c.prepare_cached(sql).map_err(crate::sqlite::internal)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(crate::sqlite::read_err)?;
                match rows.next().map_err(crate::sqlite::read_err)? {
                    Some(r) => map(&Row::Lite(r)).map(Some),
                    None => Ok(None),
                }
            }
            Db::Pg(s) => {
                let rows = s.borrow_mut().query(sql, args).map_err(|e| pg_error(&e))?;
                rows.first().map(|r| map(&Row::Pg(r))).transpose()
            }
        }
    }

    /// Run a statement; how many rows it changed.
    pub(crate) fn exec(&self, sql: &str, args: &[Arg]) -> Result<u64> {
        refuse_nul(args)?;
        match self {
            Db::Lite(c) => c
                .prepare_cached(sql)
                .and_then(|mut s| s.execute(rusqlite::params_from_iter(args)))
                .map(|n| n as u64)
                .map_err(crate::sqlite::write_err),
            Db::Pg(s) => s.borrow_mut().execute(sql, args).map_err(|e| pg_error(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE a = ?1 AND b = ?12 LIMIT ?3"),
            "SELECT a FROM t WHERE a = $1 AND b = $12 LIMIT $3"
        );
        assert_eq!(numbered("SELECT '?' || x"), "SELECT '?' || x");
    }
}
