//! Queries for episodic memory: remembering, recall's candidates (full-text ranked), erasure and
//! the vectors of semantic recall.

use bosun_core::TenantId;

use crate::coord::{exec, one, parse_id, rows, ts, us};
use crate::db::{Arg, Db, Dialect, Row};
use crate::{Memory, MemoryQuery, Result, StoreError};

const COLUMNS: &str = "m.tenant_id, m.id, m.project, m.visibility, m.author_type, m.author_id, m.author_name, \
    m.event_type, m.summary, m.details, m.outcome, m.lessons, m.tags, m.subject, m.dedup_key, m.seen, \
    m.created_us, m.last_seen_us";

/// `,a,b,` — each tag between commas, so one tag is found with `LIKE '%,a,%'`.
fn tags_text(tags: &[String]) -> String {
    if tags.is_empty() { ",".into() } else { format!(",{},", tags.join(",")) }
}

fn memory_row(r: &Row<'_>) -> Result<Memory> {
    let tags: String = r.get(12)?;
    Ok(Memory {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: r.get(1)?,
        project: r.get(2)?,
        visibility: r.get(3)?,
        author_type: r.get(4)?,
        author_id: r.get(5)?,
        author_name: r.get(6)?,
        event_type: r.get(7)?,
        summary: r.get(8)?,
        details: r.get(9)?,
        outcome: r.get(10)?,
        lessons: r.get(11)?,
        tags: tags.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        subject: r.get(13)?,
        dedup_key: r.get(14)?,
        seen: u32::try_from(r.get::<i64>(15)?).unwrap_or(u32::MAX),
        created_at: ts(r, 16)?,
        last_seen_at: ts(r, 17)?,
    })
}

pub fn memory(c: &Db<'_>, tenant: TenantId, id: &str) -> Result<Option<Memory>> {
    one(
        c,
        &format!("SELECT {COLUMNS} FROM memories m WHERE m.tenant_id = ?1 AND m.id = ?2"),
        crate::db::args![tenant.to_string(), id],
        memory_row,
    )
}

/// The author's memory with this key and event type created at or after `since`, if any.
pub fn duplicate(
    c: &Db<'_>,
    tenant: TenantId,
    author: &str,
    event_type: &str,
    key: &str,
    since: bosun_core::Timestamp,
) -> Result<Option<Memory>> {
    one(
        c,
        &format!(
            "SELECT {COLUMNS} FROM memories m WHERE m.tenant_id = ?1 AND m.author_id = ?2 AND m.dedup_key = ?3
             AND m.event_type = ?4 AND m.created_us >= ?5 ORDER BY m.created_us DESC LIMIT 1"
        ),
        crate::db::args![tenant.to_string(), author, key, event_type, us(since)],
        memory_row,
    )
}

/// The filters every memory read applies, with their arguments from `?2` on (`?1` is the text).
fn filters(tenant: TenantId, q: &MemoryQuery) -> (String, Vec<Arg>) {
    let mut sql = String::from(
        "m.tenant_id = ?2 AND (m.project = ?3 OR ?3 IS NULL OR m.visibility = 'tenant')
         AND (m.author_id = ?4 OR ?4 IS NULL OR m.visibility <> 'agent')
         AND (m.event_type = ?5 OR ?5 IS NULL) AND (m.id < ?6 OR ?6 IS NULL)",
    );
    let mut args = vec![
        Arg::Text(tenant.to_string()),
        q.project.clone().map_or(Arg::Null, Arg::Text),
        q.viewer.clone().map_or(Arg::Null, Arg::Text),
        q.event_type.clone().map_or(Arg::Null, Arg::Text),
        q.before.clone().map_or(Arg::Null, Arg::Text),
    ];
    if !q.tags.is_empty() {
        let any: Vec<String> = (0..q.tags.len()).map(|i| format!("m.tags LIKE ?{} ESCAPE '\\'", 7 + i)).collect();
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
        for t in &q.tags {
            let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            args.push(Arg::Text(format!("%,{escaped},%")));
        }
    }
    if !q.ids.is_empty() {
        let first = args.len() + 2;
        let marks: Vec<String> = (0..q.ids.len().min(1000)).map(|i| format!("?{}", first + i)).collect();
        sql.push_str(&format!(" AND m.id IN ({})", marks.join(", ")));
        args.extend(q.ids.iter().take(1000).map(|id| Arg::Text(id.clone())));
    }
    (sql, args)
}

/// Recall's candidates with their raw text score (larger is better; 0 without words), best
/// first — or, without words, newest first.
pub fn find(c: &Db<'_>, tenant: TenantId, q: &MemoryQuery) -> Result<Vec<(Memory, f64)>> {
    let (where_, mut args) = filters(tenant, q);
    let limit = format!("LIMIT {}", q.limit.clamp(1, 1000));
    if q.words.is_empty() {
        args.insert(0, Arg::Text(String::new()));
        let sql = format!(
            "SELECT {COLUMNS}, CAST(0 AS DOUBLE PRECISION) FROM memories m WHERE ?1 = '' AND {where_} ORDER BY m.id DESC {limit}"
        );
        return rows(c, &sql, &args, |r| Ok((memory_row(r)?, r.get::<f64>(18)?)));
    }
    if c.dialect() == Dialect::Sqlite {
        return find_sqlite(c, tenant, q, where_, args);
    }
    // The generated English tsvector; ts_rank (term frequency, divided by 1 + log of the length:
    // closest to BM25 of what PostgreSQL has — cover density ranked worse on the set).
    let sql = format!(
        "SELECT {COLUMNS}, ts_rank(m.search, websearch_to_tsquery('english', ?1), 1)::float8 AS score
         FROM memories m WHERE m.search @@ websearch_to_tsquery('english', ?1) AND {where_}
         ORDER BY score DESC, m.id {limit}"
    );
    args.insert(0, Arg::Text(q.words.join(" or ")));
    rows(c, &sql, &args, |r| Ok((memory_row(r)?, r.get::<f64>(18)?)))
}

/// How many of the best text matches SQLite ranks before the filters FTS5 cannot apply
/// (project, visibility, event type) narrow them.
const TEXT_POOL: usize = 200;

/// The most matches one recall ranks by BM25 (each costs about a microsecond, and a question's
/// common words can match a good share of a large tenant).
const WINDOW: usize = 5000;

/// SQLite in two steps. First FTS5 alone ranks the tenant's matches (its rowid range, and the
/// tags when asked, are part of the match, so a big tenant's rows never crowd out a small
/// one's) and keeps the best [`TEXT_POOL`] — no join per match. Ranking is BM25, and computing
/// it is most of a recall's cost, so it is computed for the newest [`WINDOW`] memories with any
/// of the words (a rowid bound found by walking the match backwards, which ranks nothing). A
/// tenant with fewer matches than the window — most tenants, the labelled set — is ranked in
/// full. Then the rows are read and filtered exactly.
fn find_sqlite(
    c: &Db<'_>,
    tenant: TenantId,
    q: &MemoryQuery,
    where_: String,
    mut args: Vec<Arg>,
) -> Result<Vec<(Memory, f64)>> {
    let Some((lo, hi)) = seq_range(c, tenant)? else { return Ok(Vec::new()) };
    let quoted: Vec<String> = q.words.iter().map(|w| format!("\"{w}\"")).collect();
    let mut matching = format!("{{summary details lessons tags}} : ({})", quoted.join(" OR "));
    if !q.tags.is_empty() {
        // A tag's words as a phrase (`flaky-test` is the tokens `flaky test`); the exact filter
        // follows in SQL.
        let tags: Vec<String> = q
            .tags
            .iter()
            .map(|t| {
                let tokens: Vec<&str> = t.split(|ch: char| !ch.is_alphanumeric()).filter(|s| !s.is_empty()).collect();
                format!("\"{}\"", tokens.join(" "))
            })
            .collect();
        matching.push_str(&format!(" AND tags : ({})", tags.join(" OR ")));
    }
    let fts = |e: StoreError| match e {
        StoreError::Internal(text) if text.contains("fts5") => {
            StoreError::Invalid("the recall words cannot be parsed; use plain words".into())
        }
        other => other,
    };
    let matching = Arg::Text(matching);
    let floor: Option<i64> = one(
        c,
        &format!(
            "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3
             ORDER BY rowid DESC LIMIT 1 OFFSET {}",
            WINDOW - 1
        ),
        &[matching.clone(), Arg::Int(lo), Arg::Int(hi)],
        |r| r.get(0),
    )
    .map_err(fts)?;
    // bm25 over summary, details, lessons and tags; FTS5's is negative, smaller is better.
    let ranked: Vec<(i64, f64)> = rows(
        c,
        &format!(
            "SELECT rowid, -bm25(memories_fts, 1.0, 0.5, 1.0, 0.7) FROM memories_fts
             WHERE memories_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3
             ORDER BY bm25(memories_fts, 1.0, 0.5, 1.0, 0.7), rowid LIMIT {TEXT_POOL}"
        ),
        &[matching, Arg::Int(floor.unwrap_or(lo).max(lo)), Arg::Int(hi)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(fts)?;
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let first = args.len() + 2;
    let marks: Vec<String> = (0..ranked.len()).map(|i| format!("?{}", first + i)).collect();
    args.extend(ranked.iter().map(|(seq, _)| Arg::Int(*seq)));
    args.insert(0, Arg::Text(String::new()));
    // `+m.tenant_id`: the rows are found by their row ids; with hundreds of them, SQLite's
    // planner would otherwise walk the tenant's index instead (every memory of the tenant:
    // 110 ms at a million).
    let where_ = where_.replacen("m.tenant_id = ?2", "+m.tenant_id = ?2", 1);
    let sql = format!(
        "SELECT {COLUMNS}, m.seq FROM memories m WHERE ?1 = '' AND {where_} AND m.seq IN ({})",
        marks.join(", ")
    );
    let scores: std::collections::HashMap<i64, f64> = ranked.into_iter().collect();
    let mut found = rows(c, &sql, &args, |r| {
        let seq: i64 = r.get(18)?;
        Ok((memory_row(r)?, scores.get(&seq).copied().unwrap_or(0.0)))
    })?;
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    found.truncate(q.limit.clamp(1, 1000) as usize);
    Ok(found)
}

/// Ids of the tenant's memories that one erasure names, at most `limit`.
pub fn erasable(c: &Db<'_>, tenant: TenantId, by: &crate::EraseBy, limit: u32) -> Result<Vec<String>> {
    let limit = limit.clamp(1, 10_000);
    let t = tenant.to_string();
    let id = |r: &Row<'_>| r.get::<String>(0);
    match by {
        crate::EraseBy::Id(id_) => {
            rows(c, "SELECT m.id FROM memories m WHERE m.tenant_id = ?1 AND m.id = ?2", crate::db::args![t, id_], id)
        }
        crate::EraseBy::Author(author) => rows(
            c,
            &format!(
                "SELECT m.id FROM memories m WHERE m.tenant_id = ?1 AND m.author_id = ?2 ORDER BY m.id LIMIT {limit}"
            ),
            crate::db::args![t, author],
            id,
        ),
        crate::EraseBy::Tag(tag) => {
            let q = MemoryQuery { tags: vec![tag.clone()], limit, ..MemoryQuery::default() };
            Ok(find(c, tenant, &q)?.into_iter().map(|(m, _)| m.id).collect())
        }
        // The subject named on the memory (stored lower-case), or anywhere in its text, or its
        // author's name (case-insensitive).
        crate::EraseBy::Subject(subject) => {
            let escaped = subject.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let like = format!("%{escaped}%");
            rows(
                c,
                &format!(
                    "SELECT m.id FROM memories m WHERE m.tenant_id = ?1 AND (m.subject = ?2
                     OR lower(m.summary) LIKE ?3 ESCAPE '\\' OR lower(coalesce(m.details, '')) LIKE ?3 ESCAPE '\\'
                     OR lower(coalesce(m.lessons, '')) LIKE ?3 ESCAPE '\\' OR lower(m.tags) LIKE ?3 ESCAPE '\\'
                     OR lower(m.author_name) = ?2)
                     ORDER BY m.id LIMIT {limit}"
                ),
                crate::db::args![t, subject.to_lowercase(), like],
                id,
            )
        }
    }
}

/// Bits of a SQLite memory's `seq` below its tenant's slot: each tenant's memories have the
/// row ids `slot << 40 …`, so FTS5 scopes a search to a tenant by a rowid range (which it seeks)
/// instead of a term (whose document count BM25 would recount over every memory on each query).
const SLOT_BITS: u32 = 40;

/// The tenant's row id range on SQLite, if it has memories.
fn seq_range(c: &Db<'_>, tenant: TenantId) -> Result<Option<(i64, i64)>> {
    let slot: Option<i64> =
        one(c, "SELECT slot FROM memory_slots WHERE tenant_id = ?1", crate::db::args![tenant.to_string()], |r| {
            r.get(0)
        })?;
    Ok(slot.map(|s| (s << SLOT_BITS, ((s + 1) << SLOT_BITS) - 1)))
}

/// The next row id of the tenant's memories on SQLite (its slot made on its first memory).
pub(crate) fn next_seq(c: &Db<'_>, tenant: TenantId) -> Result<i64> {
    exec(
        c,
        "INSERT INTO memory_slots (tenant_id, slot) SELECT ?1, (SELECT coalesce(max(slot), 0) + 1 FROM memory_slots)
         WHERE NOT EXISTS (SELECT 1 FROM memory_slots WHERE tenant_id = ?1)",
        crate::db::args![tenant.to_string()],
    )?;
    let (lo, hi) = seq_range(c, tenant)?.ok_or_else(|| StoreError::Internal("no memory slot".into()))?;
    let last: Option<i64> =
        one(c, "SELECT max(seq) FROM memories WHERE seq BETWEEN ?1 AND ?2", crate::db::args![lo, hi], |r| r.get(0))?
            .flatten();
    Ok(last.map_or(lo, |l| l + 1))
}

pub fn insert(c: &Db<'_>, m: &Memory) -> Result<()> {
    let (seq_column, seq_mark, seq) = match c.dialect() {
        Dialect::Sqlite => (", seq", ", ?19", Arg::Int(next_seq(c, m.tenant_id)?)),
        // PostgreSQL numbers them itself (it searches by tenant column and tsvector).
        Dialect::Postgres => ("", "", Arg::Null),
    };
    let mut args = crate::db::args![
        m.tenant_id.to_string(),
        m.id,
        m.project,
        m.visibility,
        m.author_type,
        m.author_id,
        m.author_name,
        m.event_type,
        m.summary,
        m.details,
        m.outcome,
        m.lessons,
        tags_text(&m.tags),
        m.subject,
        m.dedup_key,
        m.seen,
        us(m.created_at),
        us(m.last_seen_at)
    ]
    .to_vec();
    if c.dialect() == Dialect::Sqlite {
        args.push(seq);
    }
    exec(
        c,
        &format!(
            "INSERT INTO memories ({}{seq_column}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18{seq_mark})",
            COLUMNS.replace("m.", "")
        ),
        &args,
    )?;
    if c.dialect() == Dialect::Sqlite {
        // PostgreSQL indexes a generated column instead.
        exec(
            c,
            "INSERT INTO memories_fts (rowid, summary, details, lessons, tags)
             SELECT seq, summary, details, lessons, tags FROM memories WHERE tenant_id = ?1 AND id = ?2",
            crate::db::args![m.tenant_id.to_string(), m.id],
        )?;
    }
    Ok(())
}

pub fn touch(c: &Db<'_>, tenant: TenantId, id: &str, seen: u32, at: bosun_core::Timestamp) -> Result<()> {
    exec(
        c,
        "UPDATE memories SET seen = ?3, last_seen_us = ?4 WHERE tenant_id = ?1 AND id = ?2",
        crate::db::args![tenant.to_string(), id, seen, us(at)],
    )?;
    Ok(())
}

/// Delete memories by id, with their index entries and vectors; how many there were.
pub fn erase(c: &Db<'_>, tenant: TenantId, ids: &[String]) -> Result<u64> {
    let t = tenant.to_string();
    let mut n = 0;
    for id in ids {
        if c.dialect() == Dialect::Sqlite {
            // An external-content index is told what it indexed, to take exactly those tokens out.
            exec(
                c,
                "INSERT INTO memories_fts (memories_fts, rowid, summary, details, lessons, tags)
                 SELECT 'delete', seq, summary, details, lessons, tags FROM memories WHERE tenant_id = ?1 AND id = ?2",
                crate::db::args![t, id],
            )?;
        }
        exec(c, "DELETE FROM memory_vectors WHERE tenant_id = ?1 AND memory_id = ?2", crate::db::args![t, id])?;
        n += exec(c, "DELETE FROM memories WHERE tenant_id = ?1 AND id = ?2", crate::db::args![t, id])?;
    }
    Ok(n)
}

/// Vectors stored after `after_seq`, in the order they were: (memory id, seq, base64).
pub fn vectors(c: &Db<'_>, tenant: TenantId, after_seq: i64, limit: u32) -> Result<Vec<(String, i64, String)>> {
    rows(
        c,
        "SELECT memory_id, seq, vector FROM memory_vectors WHERE tenant_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        crate::db::args![tenant.to_string(), after_seq, limit],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// Memories without a vector, oldest first.
pub fn unembedded(c: &Db<'_>, tenant: TenantId, limit: u32) -> Result<Vec<Memory>> {
    rows(
        c,
        &format!(
            "SELECT {COLUMNS} FROM memories m WHERE m.tenant_id = ?1 AND NOT EXISTS
             (SELECT 1 FROM memory_vectors v WHERE v.tenant_id = m.tenant_id AND v.memory_id = m.id)
             ORDER BY m.id LIMIT ?2"
        ),
        crate::db::args![tenant.to_string(), limit],
        memory_row,
    )
}

/// Store a memory's vector, unless the memory is gone (erased meanwhile); whether it was stored.
pub fn put_vector(
    c: &Db<'_>,
    tenant: TenantId,
    id: &str,
    model: &str,
    vector: &str,
    at: bosun_core::Timestamp,
) -> Result<bool> {
    let n = exec(
        c,
        "INSERT INTO memory_vectors (tenant_id, memory_id, model, vector, added_us)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM memories WHERE tenant_id = ?1 AND id = ?2)
         ON CONFLICT (tenant_id, memory_id) DO UPDATE SET model = excluded.model, vector = excluded.vector,
         added_us = excluded.added_us",
        crate::db::args![tenant.to_string(), id, model, vector, us(at)],
    )?;
    Ok(n > 0)
}

pub fn counts(c: &Db<'_>, tenant: TenantId) -> Result<(u64, u64)> {
    let t = tenant.to_string();
    let n = |sql: &str| -> Result<u64> {
        Ok(one(c, sql, crate::db::args![t], |r| r.get::<i64>(0))?.unwrap_or(0).max(0) as u64)
    };
    Ok((
        n("SELECT count(*) FROM memories WHERE tenant_id = ?1")?,
        n("SELECT count(*) FROM memory_vectors WHERE tenant_id = ?1")?,
    ))
}

pub fn settings(c: &Db<'_>, tenant: TenantId) -> Result<Option<String>> {
    one(c, "SELECT document FROM memory_settings WHERE tenant_id = ?1", crate::db::args![tenant.to_string()], |r| {
        r.get(0)
    })
}

pub fn put_settings(c: &Db<'_>, tenant: TenantId, document: &str, at: bosun_core::Timestamp) -> Result<()> {
    exec(
        c,
        "INSERT INTO memory_settings (tenant_id, document, updated_us) VALUES (?1, ?2, ?3)
         ON CONFLICT (tenant_id) DO UPDATE SET document = excluded.document, updated_us = excluded.updated_us",
        crate::db::args![tenant.to_string(), document, us(at)],
    )?;
    Ok(())
}
