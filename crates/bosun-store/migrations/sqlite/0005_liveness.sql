-- Liveness is not history (SPEC §4): heartbeats are not audited one by one; the event that ends
-- a lease records how many it had.
ALTER TABLE tasks ADD COLUMN lease_heartbeats INTEGER NOT NULL DEFAULT 0;
