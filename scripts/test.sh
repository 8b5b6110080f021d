#!/usr/bin/env bash
# The whole test suite: every crate's tests (on SQLite, plus the PostgreSQL store tests), then the
# server's behaviour suite again on PostgreSQL (each test on a fresh database of its own).
# Needs PostgreSQL running with the test role: `bash scripts/pg.sh` (.ci/run does it).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test --workspace (SQLite, and the PostgreSQL store tests)"
cargo test --workspace

echo "== the behaviour suite on PostgreSQL (BOSUN_TEST_BACKEND=postgres)"
# The server's suite, and the tests that drive the real binary through MCP clients, Claude Code,
# the SDKs, hooks and redaction (the other CLI tests are about SQLite files: backup, crash, tamper).
BOSUN_TEST_BACKEND=postgres cargo test -p bosun-server --tests
BOSUN_TEST_BACKEND=postgres cargo test -p bosun-cli --test mcp --test claude_code --test sdk --test guard --test redaction
