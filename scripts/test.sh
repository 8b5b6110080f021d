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
# the SDKs, hooks and redaction (the other CLI tests are about SQLite files: backup, crash,
# tamper). Named with --workspace so that the build above is reused as it is.
server_tests=(alerts api approvals boundary budgets contract coordination dashboard fleet governance
  guardrails hostile memory memory_quality messaging policies sdk tidy workflows)
cli_tests=(mcp claude_code guard redaction)
args=()
for t in "${server_tests[@]}" "${cli_tests[@]}"; do args+=(--test "$t"); done
BOSUN_TEST_BACKEND=postgres cargo test --workspace "${args[@]}"
