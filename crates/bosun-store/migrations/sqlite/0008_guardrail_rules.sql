-- A tenant's own guardrail rules (SPEC §5.4): one JSON document per tenant, replaced whole.
CREATE TABLE guardrail_rules (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    document    TEXT NOT NULL,
    updated_us  INTEGER NOT NULL
) WITHOUT ROWID;
