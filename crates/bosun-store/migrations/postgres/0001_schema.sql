-- The PostgreSQL schema, equal to the SQLite schema at its migration 13 (the SQLite files are the
-- history; this is where PostgreSQL starts). Differences: identity for `tasks.ord`, BIGINT and
-- DOUBLE PRECISION for SQLite's INTEGER and REAL, a generated `tsvector` with a GIN index for
-- message search (SQLite: FTS5), triggers that refuse UPDATE and DELETE on the audit log, and one
-- chain-head row per tenant, locked by the transaction that appends (gap-free `seq` across nodes).

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    system      BIGINT NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('viewer','developer','approver','admin')),
    metadata    TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE idempotency (
    tenant_id     TEXT NOT NULL,
    principal_id  TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        BIGINT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, principal_id, key)
);

CREATE TABLE audit_events (
    tenant_id       TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    at              TEXT NOT NULL,
    actor_type      TEXT NOT NULL,
    actor_id        TEXT,
    actor_name      TEXT,
    action          TEXT NOT NULL,
    target_type     TEXT,
    target_id       TEXT,
    project         TEXT,
    outcome         TEXT NOT NULL,
    severity        TEXT NOT NULL,
    details         TEXT NOT NULL,
    ip              TEXT,
    user_agent      TEXT,
    correlation_id  TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

CREATE INDEX audit_by_actor_id ON audit_events (tenant_id, actor_id, seq);

CREATE INDEX audit_by_actor_name ON audit_events (tenant_id, actor_name, seq);

CREATE INDEX audit_by_time ON audit_events (tenant_id, at);

CREATE TABLE "api_keys" (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    owner_type  TEXT NOT NULL CHECK (owner_type IN ('user', 'agent')),
    owner_id    TEXT NOT NULL,
    prefix      TEXT NOT NULL UNIQUE,
    hash        TEXT NOT NULL,
    label       TEXT,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT, enrolment BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);

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
    heartbeat_interval  BIGINT NOT NULL,       -- seconds
    last_seen_us        BIGINT NOT NULL,
    created_at          TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE INDEX agents_by_presence ON agents (tenant_id, status, last_seen_us);

CREATE TABLE tasks (
    ord BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,   -- submission order: FIFO among equal priorities
    tenant_id               TEXT NOT NULL,
    id                      TEXT NOT NULL,
    project                 TEXT NOT NULL,
    title                   TEXT NOT NULL,
    description             TEXT NOT NULL,
    payload                 TEXT NOT NULL,
    priority                BIGINT NOT NULL CHECK (priority BETWEEN 0 AND 10),
    required_capabilities   TEXT NOT NULL,         -- JSON array
    status                  TEXT NOT NULL,
    assignee                TEXT,
    lease_expires_us        BIGINT,
    fence                   BIGINT NOT NULL,
    attempts                BIGINT NOT NULL,
    max_attempts            BIGINT NOT NULL,
    idempotency_key         TEXT,
    result                  TEXT,
    error                   TEXT,
    created_by              TEXT NOT NULL,
    created_us              BIGINT NOT NULL,
    updated_us              BIGINT NOT NULL,
    deadline_us             BIGINT,
    retry_us                BIGINT,
    scope                   TEXT NOT NULL          -- JSON array of lock keys held with the lease
, lease_heartbeats BIGINT NOT NULL DEFAULT 0);

CREATE UNIQUE INDEX tasks_by_id ON tasks (tenant_id, id);

CREATE UNIQUE INDEX tasks_by_idempotency_key ON tasks (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE INDEX tasks_ready ON tasks (tenant_id, project, priority DESC, ord) WHERE status = 'ready';

CREATE INDEX tasks_leases ON tasks (tenant_id, lease_expires_us) WHERE status = 'leased';

CREATE INDEX tasks_retries ON tasks (tenant_id, retry_us) WHERE status = 'failed';

CREATE INDEX tasks_by_status ON tasks (tenant_id, project, status, ord);

CREATE INDEX tasks_by_assignee ON tasks (tenant_id, assignee) WHERE assignee IS NOT NULL;

CREATE TABLE task_deps (
    tenant_id   TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    depends_on  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, task_id, depends_on)
);

CREATE INDEX task_dependants ON task_deps (tenant_id, depends_on);

CREATE TABLE locks (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    project      TEXT NOT NULL,
    key          TEXT NOT NULL,
    exclusive    BIGINT NOT NULL,
    holder_type  TEXT NOT NULL,
    holder_id    TEXT NOT NULL,
    holder_name  TEXT NOT NULL,
    task_id      TEXT,
    reason       TEXT,
    fence        BIGINT NOT NULL,
    expires_us   BIGINT NOT NULL,
    created_us   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX locks_by_project ON locks (tenant_id, project, expires_us);

CREATE INDEX locks_by_expiry ON locks (tenant_id, expires_us);

CREATE INDEX locks_by_holder ON locks (tenant_id, holder_id);

CREATE TABLE lock_fences (
    tenant_id  TEXT NOT NULL,
    project    TEXT NOT NULL,
    key        TEXT NOT NULL,
    fence      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, project, key)
);

CREATE TABLE handoffs (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    project      TEXT NOT NULL,
    task_id      TEXT,
    author_type  TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    document     TEXT NOT NULL,                    -- JSON: summary, completed, in_progress, …
    created_us   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX handoffs_by_project ON handoffs (tenant_id, project, created_us);

CREATE INDEX handoffs_by_task ON handoffs (tenant_id, task_id, created_us);

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
    ack_required  BIGINT NOT NULL,
    topic         TEXT,
    created_us    BIGINT NOT NULL,
    search        tsvector GENERATED ALWAYS AS (to_tsvector('simple', subject || ' ' || body)) STORED,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX messages_search ON messages USING GIN (search);

CREATE INDEX messages_by_thread ON messages (tenant_id, thread_id, created_us);

CREATE INDEX messages_by_sender ON messages (tenant_id, sender_id, created_us);

CREATE TABLE message_recipients (
    tenant_id     TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    agent_id      TEXT NOT NULL,
    agent_name    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'read', 'acked')),
    created_us    BIGINT NOT NULL,
    delivered_us  BIGINT,
    read_us       BIGINT,
    acked_us      BIGINT,
    PRIMARY KEY (tenant_id, message_id, agent_id)
);

CREATE INDEX inbox ON message_recipients (tenant_id, agent_id, created_us);

CREATE TABLE allowlists (
    tenant_id   TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    updated_us  BIGINT NOT NULL
);

CREATE TABLE policy_versions (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    version     BIGINT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT,
    note        TEXT,
    -- For a rollback: the version whose text this is.
    restored_from BIGINT,
    PRIMARY KEY (tenant_id, version)
);

CREATE TABLE egress_log (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    seq         BIGINT NOT NULL,
    at          TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    host        TEXT NOT NULL,
    port        BIGINT NOT NULL,
    allowed     BIGINT NOT NULL,
    rule        TEXT NOT NULL,
    policies    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

CREATE INDEX egress_log_by_agent ON egress_log (tenant_id, agent_id, seq);

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
    risk            DOUBLE PRECISION NOT NULL,
    threshold       DOUBLE PRECISION NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT,
    decided_by      TEXT,
    evidence_hash   TEXT,
    created_at      TEXT NOT NULL,
    expires_us      BIGINT NOT NULL,
    decided_at      TEXT,
    token_id        TEXT,
    token_expires_us BIGINT,
    token_used_at   TEXT,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX approvals_by_status ON approvals (tenant_id, status, id);

CREATE UNIQUE INDEX approvals_by_token ON approvals (tenant_id, token_id) WHERE token_id IS NOT NULL;

CREATE TABLE guardrail_rules (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    document    TEXT NOT NULL,
    updated_us  BIGINT NOT NULL
);

CREATE TABLE evidence (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    sha256      TEXT NOT NULL,
    content     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);

CREATE INDEX approvals_by_expiry ON approvals (tenant_id, expires_us) WHERE status = 'pending';

CREATE TABLE governance_settings (
    tenant_id           TEXT PRIMARY KEY REFERENCES tenants(id),
    approval_threshold  DOUBLE PRECISION NOT NULL,
    gate_key            BIGINT NOT NULL,
    gate_key_rotated_at TEXT,
    updated_us          BIGINT NOT NULL
);

CREATE TABLE budgets (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    document    TEXT NOT NULL,
    updated_us  BIGINT NOT NULL
);

CREATE TABLE budget_reservations (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    agent_id    TEXT,
    agent_kind  TEXT,
    project     TEXT NOT NULL,
    task_id     TEXT,
    tokens      BIGINT NOT NULL,
    cost_micros BIGINT NOT NULL,
    currency    TEXT,
    status      TEXT NOT NULL,           -- held, settled, expired
    created_us  BIGINT NOT NULL,
    expires_us  BIGINT NOT NULL,
    settled_us  BIGINT,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX budget_reservations_held ON budget_reservations (tenant_id, expires_us) WHERE status = 'held';

CREATE TABLE budget_usage (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    reservation_id TEXT,
    agent_id       TEXT,
    agent_kind     TEXT,
    project        TEXT NOT NULL,
    tokens         BIGINT NOT NULL,
    cost_micros    BIGINT NOT NULL,
    currency       TEXT,
    model          TEXT,
    provider       TEXT,
    overspend      BIGINT NOT NULL,
    at_us          BIGINT NOT NULL
);

CREATE INDEX budget_usage_by_time ON budget_usage (tenant_id, at_us, project, agent_id, agent_kind, currency, tokens, cost_micros);

CREATE TABLE task_estimates (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    task_id     TEXT NOT NULL,
    tokens      BIGINT NOT NULL,
    cost_micros BIGINT NOT NULL,
    currency    TEXT,
    PRIMARY KEY (tenant_id, task_id)
);

CREATE TABLE alert_rules (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    document    TEXT NOT NULL,
    updated_us  BIGINT NOT NULL
);

CREATE TABLE alerts (
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    id              TEXT NOT NULL,           -- a ULID: newest last
    rule            TEXT NOT NULL,
    title           TEXT NOT NULL,
    severity        TEXT NOT NULL,
    group_key       TEXT NOT NULL,
    count           BIGINT NOT NULL,
    status          TEXT NOT NULL,           -- open, acknowledged, resolved
    first_seq       BIGINT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    acknowledged_by TEXT,
    resolved_by     TEXT,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhooks (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    url         TEXT NOT NULL,
    description TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    alert_id    TEXT NOT NULL,
    webhook_id  TEXT NOT NULL,
    status      TEXT NOT NULL,               -- pending, delivered, dead
    attempts    BIGINT NOT NULL,
    next_us     BIGINT NOT NULL,
    last_error  TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_us) WHERE status = 'pending';

CREATE INDEX webhook_deliveries_of_alert ON webhook_deliveries (tenant_id, alert_id);

CREATE TABLE budget_counters (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    budget_id   TEXT NOT NULL,
    bucket_us   BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, budget_id, bucket_us)
);


CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Each tenant's chain head: the appending transaction locks it (SELECT … FOR UPDATE), so appends
-- of one tenant are serialised across nodes and `seq` has no gaps.
CREATE TABLE audit_heads (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL
);
