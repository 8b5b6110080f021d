-- Enrolment keys: a key that may only register an agent.
ALTER TABLE api_keys ADD COLUMN enrolment INTEGER NOT NULL DEFAULT 0;
