#!/usr/bin/env bash
# The whole test suite: every crate's tests (on SQLite, plus the PostgreSQL store tests), then the
# server's behaviour suite again on PostgreSQL (each test on a fresh database of its own).
# Needs PostgreSQL running with the test role: `bash scripts/pg.sh` (.ci/run does it).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test --workspace (SQLite, and the PostgreSQL store tests)"
cargo test --workspace

echo "== the behaviour suite on PostgreSQL (BOSUN_TEST_BACKEND=postgres)"
BOSUN_TEST_BACKEND=postgres cargo test -p bosun-server --tests
