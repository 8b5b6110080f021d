-- Workflows (issue 16; SQLite migration 18). A tenant's templates, every version kept (a run names the version it
-- started from). A run keeps the text it was started with, its parameters and its state — one
-- JSON document rewritten as its tasks end, in the same transaction as the task's change.
CREATE TABLE workflow_templates (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    name        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    description TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_us  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name, version)
);

CREATE TABLE workflow_runs (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    template    TEXT NOT NULL,
    version     BIGINT NOT NULL,        -- 0: the built-in template
    project     TEXT NOT NULL,
    text        TEXT NOT NULL,
    params      TEXT NOT NULL,
    state       TEXT NOT NULL,
    status      TEXT NOT NULL,           -- running, succeeded, failed, cancelled
    created_by  TEXT NOT NULL,
    created_us  BIGINT NOT NULL,
    updated_us  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
