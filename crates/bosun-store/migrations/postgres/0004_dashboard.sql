-- The dashboard: users log in with a password (argon2id, PHC string), and each login is a browser
-- session, revocable, whose secret is stored as an HMAC only (SQLite migration 16).
ALTER TABLE users ADD COLUMN password_hash TEXT;

CREATE TABLE web_sessions (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_us  BIGINT NOT NULL,
    expires_us  BIGINT NOT NULL,
    revoked_us  BIGINT,
    ip          TEXT,
    user_agent  TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX web_sessions_by_user ON web_sessions (tenant_id, user_id);
