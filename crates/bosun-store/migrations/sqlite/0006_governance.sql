-- Policies per tenant, versioned (SPEC §5.2): a version is never changed; a rollback writes a
-- new version with an older text. No row for a tenant: the server's default policies.
CREATE TABLE policy_versions (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    version     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT,
    note        TEXT,
    -- For a rollback: the version whose text this is.
    restored_from INTEGER,
    PRIMARY KEY (tenant_id, version)
) WITHOUT ROWID;

-- Every egress decision (SPEC §5.3): the access log an operator queries; denials are also in
-- the audit chain.
CREATE TABLE egress_log (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    seq         INTEGER NOT NULL,
    at          TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    agent_name  TEXT NOT NULL,
    host        TEXT NOT NULL,
    port        INTEGER NOT NULL,
    allowed     INTEGER NOT NULL,
    rule        TEXT NOT NULL,
    policies    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
) WITHOUT ROWID;
CREATE INDEX egress_log_by_agent ON egress_log (tenant_id, agent_id, seq);
