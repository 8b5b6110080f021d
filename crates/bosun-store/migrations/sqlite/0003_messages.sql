-- Messages with per-recipient delivery state, full-text search, and the per-tenant allowlist.
CREATE TABLE messages (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    thread_id     TEXT NOT NULL,
    reply_to      TEXT,
    project       TEXT NOT NULL,
    sender_type   TEXT NOT NULL,
    sender_id     TEXT NOT NULL,
    sender_name   TEXT NOT NULL,
    type          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    importance    TEXT NOT NULL,
    ack_required  INTEGER NOT NULL,
    topic         TEXT,
    created_us    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX messages_by_thread ON messages (tenant_id, thread_id, created_us);
CREATE INDEX messages_by_sender ON messages (tenant_id, sender_id, created_us);

CREATE TABLE message_recipients (
    tenant_id     TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    agent_id      TEXT NOT NULL,
    agent_name    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'read', 'acked')),
    created_us    INTEGER NOT NULL,
    delivered_us  INTEGER,
    read_us       INTEGER,
    acked_us      INTEGER,
    PRIMARY KEY (tenant_id, message_id, agent_id)
) WITHOUT ROWID;
CREATE INDEX inbox ON message_recipients (tenant_id, agent_id, created_us);

-- Full text over subject and body; tenant and id are stored, not indexed, to scope and join.
CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, tenant_id UNINDEXED, message_id UNINDEXED);

CREATE TABLE allowlists (
    tenant_id   TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    updated_us  INTEGER NOT NULL
);
