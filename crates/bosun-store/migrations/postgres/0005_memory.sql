-- Episodic memory (SPEC §3.6; SQLite migration 17): what agents remember, searched through a
-- generated tsvector (English stemming, like SQLite's porter tokenizer), and its vectors.
-- `tags` is `,a,b,` (each tag between commas, so a tag filter is one LIKE).
CREATE TABLE memories (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
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
    seen         BIGINT NOT NULL,
    created_us   BIGINT NOT NULL,
    last_seen_us BIGINT NOT NULL,
    search       tsvector GENERATED ALWAYS AS (to_tsvector('english',
        summary || ' ' || coalesce(details, '') || ' ' || coalesce(lessons, '') || ' ' || replace(tags, ',', ' '))) STORED,
    UNIQUE (tenant_id, id)
);
CREATE INDEX memories_search ON memories USING GIN (search);
CREATE INDEX memories_by_dedup ON memories (tenant_id, author_id, dedup_key, event_type, created_us);
CREATE INDEX memories_by_subject ON memories (tenant_id, subject) WHERE subject IS NOT NULL;
CREATE INDEX memories_by_author ON memories (tenant_id, author_id);

-- One vector per memory, once its embedding is made (little-endian f32, base64). `seq` orders
-- them as committed (a tenant's vectors are written one transaction at a time), so a node tops
-- up its in-memory copy with the ones after the last it read.
CREATE TABLE memory_vectors (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    memory_id  TEXT NOT NULL,
    model      TEXT NOT NULL,
    vector     TEXT NOT NULL,
    added_us   BIGINT NOT NULL,
    UNIQUE (tenant_id, memory_id)
);
CREATE INDEX memory_vectors_by_seq ON memory_vectors (tenant_id, seq);

CREATE TABLE memory_settings (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    document    TEXT NOT NULL,
    updated_us  BIGINT NOT NULL
);
