-- Episodic memory (SPEC §3.6): what agents remember, its full-text index and its vectors.
-- `seq` is the row id the full-text index is keyed by (in the tenant's range, see memory_slots). `tags` is `,a,b,` (each tag between commas,
-- so a tag filter is one LIKE). Erasing must leave nothing readable on disk: the index is an
-- external-content one (it keeps tokens only; the text stays in `memories`) with FTS5's
-- `secure-delete` on, so a delete removes a row's tokens from the index at once (a contentless
-- table would only add a tombstone and keep them), the writer runs with `PRAGMA secure_delete`,
-- and an erasure is followed by a WAL checkpoint.
CREATE TABLE memories (
    seq          INTEGER PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    project      TEXT NOT NULL,
    visibility   TEXT NOT NULL CHECK (visibility IN ('agent', 'project', 'tenant')),
    author_type  TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    summary      TEXT NOT NULL,
    details      TEXT,
    outcome      TEXT,
    lessons      TEXT,
    tags         TEXT NOT NULL,
    subject      TEXT,
    dedup_key    TEXT NOT NULL,
    seen         INTEGER NOT NULL,
    created_us   INTEGER NOT NULL,
    last_seen_us INTEGER NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX memories_by_dedup ON memories (tenant_id, author_id, dedup_key, event_type, created_us);
CREATE INDEX memories_by_subject ON memories (tenant_id, subject) WHERE subject IS NOT NULL;
CREATE INDEX memories_by_author ON memories (tenant_id, author_id);

CREATE VIRTUAL TABLE memories_fts USING fts5(
    summary, details, lessons, tags, content = 'memories', content_rowid = 'seq', tokenize = 'porter unicode61'
);

-- Each tenant's memories have the row ids `slot << 40 …` (`seq` is given on insert), so a search
-- is scoped to a tenant by a rowid range FTS5 seeks, not by a term it would have to count.
CREATE TABLE memory_slots (
    tenant_id  TEXT PRIMARY KEY,
    slot       INTEGER NOT NULL UNIQUE
);
INSERT INTO memories_fts (memories_fts, rank) VALUES ('secure-delete', 1);

-- One vector per memory, once its embedding is made (little-endian f32, base64). `seq` orders
-- them as committed (a tenant's vectors are written one transaction at a time), so a node tops
-- up its in-memory copy with the ones after the last it read.
CREATE TABLE memory_vectors (
    seq        INTEGER PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    memory_id  TEXT NOT NULL,
    model      TEXT NOT NULL,
    vector     TEXT NOT NULL,
    added_us   INTEGER NOT NULL,
    UNIQUE (tenant_id, memory_id)
);
CREATE INDEX memory_vectors_by_seq ON memory_vectors (tenant_id, seq);

CREATE TABLE memory_settings (
    tenant_id   TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    updated_us  INTEGER NOT NULL
);
