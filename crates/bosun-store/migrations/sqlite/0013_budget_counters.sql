-- What each budget has counted, per period (calendar budgets: one row per period, keyed by its
-- start) or per slice of the window (rolling budgets: 60 slices), so that a reservation reads a
-- few rows instead of summing the ledger.
CREATE TABLE budget_counters (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    budget_id   TEXT NOT NULL,
    bucket_us   INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, budget_id, bucket_us)
) WITHOUT ROWID;
