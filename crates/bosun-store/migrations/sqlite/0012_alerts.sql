-- Security alerts (SPEC §5.7): a tenant's own rules (one JSON document), the alerts raised,
-- webhooks (their signing secrets are derived from the server's key.secret, never stored) and
-- the deliveries of each alert to each webhook, with their retry state.
CREATE TABLE alert_rules (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    document    TEXT NOT NULL,
    updated_us  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE alerts (
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    id              TEXT NOT NULL,           -- a ULID: newest last
    rule            TEXT NOT NULL,
    title           TEXT NOT NULL,
    severity        TEXT NOT NULL,
    group_key       TEXT NOT NULL,
    count           INTEGER NOT NULL,
    status          TEXT NOT NULL,           -- open, acknowledged, resolved
    first_seq       INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    acknowledged_by TEXT,
    resolved_by     TEXT,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE TABLE webhooks (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    url         TEXT NOT NULL,
    description TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE TABLE webhook_deliveries (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    alert_id    TEXT NOT NULL,
    webhook_id  TEXT NOT NULL,
    status      TEXT NOT NULL,               -- pending, delivered, dead
    attempts    INTEGER NOT NULL,
    next_us     INTEGER NOT NULL,
    last_error  TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_us) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of_alert ON webhook_deliveries (tenant_id, alert_id);
