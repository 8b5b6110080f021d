-- A tenant's governance settings (SPEC §5.5): the risk above which an approval waits for a
-- person, and the generation of its gate signing key (rotating bumps it: tokens signed with an
-- older generation no longer open anything). One row per tenant, absent = the defaults.
CREATE TABLE governance_settings (
    tenant_id           TEXT PRIMARY KEY REFERENCES tenants(id),
    approval_threshold  REAL NOT NULL,
    gate_key            INTEGER NOT NULL,
    gate_key_rotated_at TEXT,
    updated_us          INTEGER NOT NULL
) WITHOUT ROWID;
