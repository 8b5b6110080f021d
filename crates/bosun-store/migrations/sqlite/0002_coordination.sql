-- Agents, the task queue, locks and handoffs. API keys now belong to a user or an agent.
-- Times that the scheduler compares are INTEGER microseconds since the epoch (`*_us`).

CREATE TABLE api_keys_v2 (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    owner_type  TEXT NOT NULL CHECK (owner_type IN ('user', 'agent')),
    owner_id    TEXT NOT NULL,
    prefix      TEXT NOT NULL UNIQUE,
    hash        TEXT NOT NULL,
    label       TEXT,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    PRIMARY KEY (tenant_id, id)
);
INSERT INTO api_keys_v2 (tenant_id, id, owner_type, owner_id, prefix, hash, label, created_at, revoked_at)
    SELECT tenant_id, id, 'user', user_id, prefix, hash, label, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_v2 RENAME TO api_keys;
CREATE INDEX api_keys_by_owner ON api_keys (tenant_id, owner_id);

CREATE TABLE agents (
    tenant_id           TEXT NOT NULL REFERENCES tenants(id),
    id                  TEXT NOT NULL,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    capabilities        TEXT NOT NULL,          -- JSON array of strings
    profile             TEXT NOT NULL,
    status              TEXT NOT NULL,
    metadata            TEXT NOT NULL,
    heartbeat_interval  INTEGER NOT NULL,       -- seconds
    last_seen_us        INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
CREATE INDEX agents_by_presence ON agents (tenant_id, status, last_seen_us);

CREATE TABLE tasks (
    ord                     INTEGER PRIMARY KEY,   -- submission order: FIFO among equal priorities
    tenant_id               TEXT NOT NULL,
    id                      TEXT NOT NULL,
    project                 TEXT NOT NULL,
    title                   TEXT NOT NULL,
    description             TEXT NOT NULL,
    payload                 TEXT NOT NULL,
    priority                INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 10),
    required_capabilities   TEXT NOT NULL,         -- JSON array
    status                  TEXT NOT NULL,
    assignee                TEXT,
    lease_expires_us        INTEGER,
    fence                   INTEGER NOT NULL,
    attempts                INTEGER NOT NULL,
    max_attempts            INTEGER NOT NULL,
    idempotency_key         TEXT,
    result                  TEXT,
    error                   TEXT,
    created_by              TEXT NOT NULL,
    created_us              INTEGER NOT NULL,
    updated_us              INTEGER NOT NULL,
    deadline_us             INTEGER,
    retry_us                INTEGER,
    scope                   TEXT NOT NULL          -- JSON array of lock keys held with the lease
);
CREATE UNIQUE INDEX tasks_by_id ON tasks (tenant_id, id);
CREATE UNIQUE INDEX tasks_by_idempotency_key ON tasks (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The claim: best ready task of a project, priority first, then submission order.
CREATE INDEX tasks_ready ON tasks (tenant_id, project, priority DESC, ord) WHERE status = 'ready';
-- The scheduler: leases that run out, retries that come due.
CREATE INDEX tasks_leases ON tasks (tenant_id, lease_expires_us) WHERE status = 'leased';
CREATE INDEX tasks_retries ON tasks (tenant_id, retry_us) WHERE status = 'failed';
CREATE INDEX tasks_by_status ON tasks (tenant_id, project, status, ord);
CREATE INDEX tasks_by_assignee ON tasks (tenant_id, assignee) WHERE assignee IS NOT NULL;

CREATE TABLE task_deps (
    tenant_id   TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    depends_on  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, task_id, depends_on)
) WITHOUT ROWID;
CREATE INDEX task_dependants ON task_deps (tenant_id, depends_on);

CREATE TABLE locks (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    project      TEXT NOT NULL,
    key          TEXT NOT NULL,
    exclusive    INTEGER NOT NULL,
    holder_type  TEXT NOT NULL,
    holder_id    TEXT NOT NULL,
    holder_name  TEXT NOT NULL,
    task_id      TEXT,
    reason       TEXT,
    fence        INTEGER NOT NULL,
    expires_us   INTEGER NOT NULL,
    created_us   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX locks_by_project ON locks (tenant_id, project, expires_us);
CREATE INDEX locks_by_expiry ON locks (tenant_id, expires_us);
CREATE INDEX locks_by_holder ON locks (tenant_id, holder_id);

-- Fences per lock key only grow, across grants and releases.
CREATE TABLE lock_fences (
    tenant_id  TEXT NOT NULL,
    project    TEXT NOT NULL,
    key        TEXT NOT NULL,
    fence      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, project, key)
) WITHOUT ROWID;

CREATE TABLE handoffs (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    project      TEXT NOT NULL,
    task_id      TEXT,
    author_type  TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    document     TEXT NOT NULL,                    -- JSON: summary, completed, in_progress, …
    created_us   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX handoffs_by_project ON handoffs (tenant_id, project, created_us);
CREATE INDEX handoffs_by_task ON handoffs (tenant_id, task_id, created_us);
