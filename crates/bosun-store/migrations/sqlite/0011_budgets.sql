-- Budgets (SPEC §5.6). A tenant's budgets are one JSON document, replaced whole (like guardrail
-- rules). Reservations hold room until settled or expired; usage is the ledger a period's spend
-- is summed from. Cost is in millionths of the currency unit.
CREATE TABLE budgets (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id),
    document    TEXT NOT NULL,
    updated_us  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE budget_reservations (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    agent_id    TEXT,
    agent_kind  TEXT,
    project     TEXT NOT NULL,
    task_id     TEXT,
    tokens      INTEGER NOT NULL,
    cost_micros INTEGER NOT NULL,
    currency    TEXT,
    status      TEXT NOT NULL,           -- held, settled, expired
    created_us  INTEGER NOT NULL,
    expires_us  INTEGER NOT NULL,
    settled_us  INTEGER,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

-- What is held, by when it lapses (the room it takes, and the scheduler's expiry).
CREATE INDEX budget_reservations_held ON budget_reservations (tenant_id, expires_us) WHERE status = 'held';

CREATE TABLE budget_usage (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    reservation_id TEXT,
    agent_id       TEXT,
    agent_kind     TEXT,
    project        TEXT NOT NULL,
    tokens         INTEGER NOT NULL,
    cost_micros    INTEGER NOT NULL,
    currency       TEXT,
    model          TEXT,
    provider       TEXT,
    overspend      INTEGER NOT NULL,
    at_us          INTEGER NOT NULL
);

-- A period's spend: the tenant's usage since the period began, with the columns summed.
CREATE INDEX budget_usage_by_time ON budget_usage (tenant_id, at_us, project, agent_id, agent_kind, currency, tokens, cost_micros);

-- What a task declared it will cost: its claim reserves it.
CREATE TABLE task_estimates (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    task_id     TEXT NOT NULL,
    tokens      INTEGER NOT NULL,
    cost_micros INTEGER NOT NULL,
    currency    TEXT,
    PRIMARY KEY (tenant_id, task_id)
) WITHOUT ROWID;
