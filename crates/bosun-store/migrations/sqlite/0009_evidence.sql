-- Evidence for approvals (SPEC §5.5), content-addressed: stored once per tenant by the SHA-256
-- of its canonical, redacted JSON; the approval's audit event carries the hash.
CREATE TABLE evidence (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    sha256      TEXT NOT NULL,
    content     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
) WITHOUT ROWID;

-- Pending approvals by when they expire (the scheduler expires them).
CREATE INDEX approvals_by_expiry ON approvals (tenant_id, expires_us) WHERE status = 'pending';
