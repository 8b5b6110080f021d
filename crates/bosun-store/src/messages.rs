//! Queries for messages, recipients, search and the allowlist.

use crate::db::{Db, Dialect, Row, args};
use bosun_core::message::{Delivery, Importance, MessageType};
use bosun_core::model::{Holder, Message, Owner, Recipient};
use bosun_core::{AgentId, MessageId, TenantId, Timestamp};

use crate::coord::{bad_column, parse_id};
use crate::coord::{exec, json_col, one, rows, ts, ts_opt, us};
use crate::{InboxFilter, Result, StoreError};

const MESSAGE_COLUMNS: &str = "m.tenant_id, m.id, m.thread_id, m.reply_to, m.project, m.sender_type, m.sender_id, \
    m.sender_name, m.type, m.subject, m.body, m.payload, m.importance, m.ack_required, m.topic, m.created_us";

/// `m` is visible to the viewer (an agent) when it sent or received it; users see everything.
/// (The placeholder is typed by its first use, so PostgreSQL can tell its type before `IS NULL`.)
const VISIBLE: &str = "(m.sender_id = ?V OR ?V IS NULL OR EXISTS (SELECT 1 FROM message_recipients v \
    WHERE v.tenant_id = m.tenant_id AND v.message_id = m.id AND v.agent_id = ?V))";

fn visible(n: usize) -> String {
    VISIBLE.replace("?V", &format!("?{n}"))
}

fn message_row(r: &Row<'_>) -> Result<Message> {
    let (kind, sender): (String, String) = (r.get(5)?, r.get(6)?);
    let reply_to: Option<String> = r.get(3)?;
    let mtype: String = r.get(8)?;
    let importance: String = r.get(12)?;
    Ok(Message {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: parse_id(r, 1, MessageId::parse)?,
        thread_id: parse_id(r, 2, MessageId::parse)?,
        reply_to: reply_to.map(|m| MessageId::parse(&m).ok_or_else(|| bad_column(3, "reply_to"))).transpose()?,
        project: r.get(4)?,
        sender: Holder { owner: Owner::parse(&kind, &sender).ok_or_else(|| bad_column(6, "sender"))?, name: r.get(7)? },
        kind: MessageType::parse(&mtype).ok_or_else(|| bad_column(8, "type"))?,
        subject: r.get(9)?,
        body: r.get(10)?,
        payload: json_col(r, 11)?,
        importance: Importance::parse(&importance).ok_or_else(|| bad_column(12, "importance"))?,
        ack_required: r.get(13)?,
        topic: r.get(14)?,
        created_at: ts(r, 15)?,
    })
}

/// Recipient columns starting at `at`.
fn recipient_at(r: &Row<'_>, at: usize) -> Result<Recipient> {
    let state: String = r.get(at + 3)?;
    Ok(Recipient {
        message_id: parse_id(r, at, MessageId::parse)?,
        agent_id: parse_id(r, at + 1, AgentId::parse)?,
        agent_name: r.get(at + 2)?,
        state: Delivery::parse(&state).ok_or_else(|| bad_column(at + 3, "state"))?,
        delivered_at: ts_opt(r, at + 4)?,
        read_at: ts_opt(r, at + 5)?,
        acked_at: ts_opt(r, at + 6)?,
    })
}

const RECIPIENT_COLUMNS: &str =
    "r.message_id, r.agent_id, r.agent_name, r.state, r.delivered_us, r.read_us, r.acked_us";

pub fn message(c: &Db<'_>, tenant: TenantId, id: MessageId, viewer: Option<AgentId>) -> Result<Option<Message>> {
    one(
        c,
        &format!("SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.tenant_id = ?1 AND m.id = ?2 AND {}", visible(3)),
        args![tenant.to_string(), id.to_string(), viewer.map(|v| v.to_string())],
        message_row,
    )
}

pub fn recipients(c: &Db<'_>, tenant: TenantId, id: MessageId) -> Result<Vec<Recipient>> {
    rows(
        c,
        &format!(
            "SELECT {RECIPIENT_COLUMNS} FROM message_recipients r WHERE r.tenant_id = ?1 AND r.message_id = ?2 ORDER BY r.agent_name"
        ),
        args![tenant.to_string(), id.to_string()],
        |r| recipient_at(r, 0),
    )
}

pub fn inbox(c: &Db<'_>, tenant: TenantId, agent: AgentId, f: &InboxFilter) -> Result<Vec<(Message, Recipient)>> {
    let unread = if f.unread_only { " AND r.state IN ('queued', 'delivered')" } else { "" };
    rows(
        c,
        &format!(
            "SELECT {MESSAGE_COLUMNS}, {RECIPIENT_COLUMNS} FROM message_recipients r
             JOIN messages m ON m.tenant_id = r.tenant_id AND m.id = r.message_id
             WHERE r.tenant_id = ?1 AND r.agent_id = ?2 AND r.created_us >= ?3{unread}
             ORDER BY r.created_us, r.message_id LIMIT ?4"
        ),
        args![tenant.to_string(), agent.to_string(), f.since.map_or(i64::MIN, us), f.limit],
        |r| Ok((message_row(r)?, recipient_at(r, 16)?)),
    )
}

pub fn thread(
    c: &Db<'_>,
    tenant: TenantId,
    thread: MessageId,
    viewer: Option<AgentId>,
    limit: u32,
) -> Result<Vec<Message>> {
    rows(
        c,
        &format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.tenant_id = ?1 AND m.thread_id = ?2 AND {}
             ORDER BY m.created_us, m.id LIMIT ?4",
            visible(3)
        ),
        args![tenant.to_string(), thread.to_string(), viewer.map(|v| v.to_string()), limit],
        message_row,
    )
}

/// Newest first by id (ULIDs, time-ordered); each filter narrows. (Each placeholder's first use
/// is typed, so PostgreSQL can tell its type before `IS NULL`.)
pub fn timeline(c: &Db<'_>, tenant: TenantId, f: &crate::MessageFilter) -> Result<Vec<Message>> {
    rows(
        c,
        &format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.tenant_id = ?1
             AND (m.sender_id = ?2 OR ?2 IS NULL OR EXISTS (SELECT 1 FROM message_recipients p
                  WHERE p.tenant_id = m.tenant_id AND p.message_id = m.id AND p.agent_id = ?2))
             AND (m.type = ?3 OR ?3 IS NULL) AND (m.thread_id = ?4 OR ?4 IS NULL)
             AND (m.importance = ?5 OR ?5 IS NULL) AND (m.id < ?6 OR ?6 IS NULL)
             ORDER BY m.id DESC LIMIT ?7"
        ),
        args![
            tenant.to_string(),
            f.party.clone(),
            f.kind.map(|k| k.as_str().to_owned()),
            f.thread.map(|t| t.to_string()),
            f.importance.map(|i| i.as_str().to_owned()),
            f.before.map(|b| b.to_string()),
            f.limit
        ],
        message_row,
    )
}

pub fn search(c: &Db<'_>, tenant: TenantId, query: &str, viewer: Option<AgentId>, limit: u32) -> Result<Vec<Message>> {
    let sql = match c.dialect() {
        Dialect::Sqlite => format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages_fts f
             JOIN messages m ON m.tenant_id = f.tenant_id AND m.id = f.message_id
             WHERE messages_fts MATCH ?1 AND f.tenant_id = ?2 AND {}
             ORDER BY f.rowid DESC LIMIT ?4",
            visible(3)
        ),
        // The generated `search` column and its GIN index; web-search syntax (words, "phrases",
        // OR, -word) never fails to parse.
        Dialect::Postgres => format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE m.search @@ websearch_to_tsquery('simple', ?1) AND m.tenant_id = ?2 AND {}
             ORDER BY m.created_us DESC, m.id DESC LIMIT ?4",
            visible(3)
        ),
    };
    rows(c, &sql, args![query, tenant.to_string(), viewer.map(|v| v.to_string()), limit], message_row).map_err(|e| {
        match e {
            // FTS5 rejects some queries it cannot parse; that is the searcher's input, not a fault.
            StoreError::Internal(text) if text.contains("fts5") => {
                StoreError::Invalid("the search words cannot be parsed; use plain words".into())
            }
            other => other,
        }
    })
}

pub fn allowlist(c: &Db<'_>, tenant: TenantId) -> Result<Option<String>> {
    one(c, "SELECT document FROM allowlists WHERE tenant_id = ?1", args![tenant.to_string()], |r| r.get(0))
}

pub fn insert_message(c: &Db<'_>, m: &Message, recipients: &[Recipient]) -> Result<()> {
    exec(
        c,
        &format!(
            "INSERT INTO messages ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            MESSAGE_COLUMNS.replace("m.", "")
        ),
        args![
            m.tenant_id.to_string(),
            m.id.to_string(),
            m.thread_id.to_string(),
            m.reply_to.map(|r| r.to_string()),
            m.project,
            m.sender.owner.kind(),
            m.sender.owner.id(),
            m.sender.name,
            m.kind.as_str(),
            m.subject,
            m.body,
            m.payload.to_string(),
            m.importance.as_str(),
            m.ack_required,
            m.topic,
            us(m.created_at)
        ],
    )?;
    for r in recipients {
        exec(
            c,
            "INSERT INTO message_recipients (tenant_id, message_id, agent_id, agent_name, state, created_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                m.tenant_id.to_string(),
                m.id.to_string(),
                r.agent_id.to_string(),
                r.agent_name,
                r.state.as_str(),
                us(m.created_at)
            ],
        )?;
    }
    if c.dialect() == Dialect::Sqlite {
        // PostgreSQL indexes a generated column of `messages` instead.
        exec(
            c,
            "INSERT INTO messages_fts (subject, body, tenant_id, message_id) VALUES (?1, ?2, ?3, ?4)",
            args![m.subject, m.body, m.tenant_id.to_string(), m.id.to_string()],
        )?;
    }
    Ok(())
}

pub fn update_recipient(c: &Db<'_>, tenant: TenantId, r: &Recipient) -> Result<()> {
    exec(
        c,
        "UPDATE message_recipients SET state = ?4, delivered_us = ?5, read_us = ?6, acked_us = ?7
         WHERE tenant_id = ?1 AND message_id = ?2 AND agent_id = ?3",
        args![
            tenant.to_string(),
            r.message_id.to_string(),
            r.agent_id.to_string(),
            r.state.as_str(),
            r.delivered_at.map(us),
            r.read_at.map(us),
            r.acked_at.map(us)
        ],
    )?;
    Ok(())
}

pub fn put_allowlist(c: &Db<'_>, tenant: TenantId, document: &str, at: Timestamp) -> Result<()> {
    exec(
        c,
        "INSERT INTO allowlists (tenant_id, document, updated_us) VALUES (?1, ?2, ?3)
         ON CONFLICT (tenant_id) DO UPDATE SET document = excluded.document, updated_us = excluded.updated_us",
        args![tenant.to_string(), document, us(at)],
    )?;
    Ok(())
}
