-- Approvals (SPEC §5.5): a request for a gated action, its risk, its decision, and the single-use
-- gate token it yielded (only the token's id is stored; the token is signed, not kept).
CREATE TABLE approvals (
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    id              TEXT NOT NULL,
    requester_type  TEXT NOT NULL,
    requester_id    TEXT NOT NULL,
    requester_name  TEXT NOT NULL,
    action          TEXT NOT NULL,
    resource        TEXT NOT NULL,
    arguments       TEXT NOT NULL,
    action_hash     TEXT NOT NULL,
    factors         TEXT NOT NULL,
    risk            REAL NOT NULL,
    threshold       REAL NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT,
    decided_by      TEXT,
    evidence_hash   TEXT,
    created_at      TEXT NOT NULL,
    expires_us      INTEGER NOT NULL,
    decided_at      TEXT,
    token_id        TEXT,
    token_expires_us INTEGER,
    token_used_at   TEXT,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX approvals_by_status ON approvals (tenant_id, status, id);
CREATE UNIQUE INDEX approvals_by_token ON approvals (tenant_id, token_id) WHERE token_id IS NOT NULL;
