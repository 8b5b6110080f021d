#!/usr/bin/env bash
# Start a local PostgreSQL for the tests (Debian's package; installed when absent) and make the
# role the tests connect as: bosun/bosun, allowed to create databases (each test makes its own).
# Idempotent. Prints the URL the tests use (BOSUN_TEST_POSTGRES, this default when unset).
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  # The server package is there but no cluster (a container that skipped postinst, say).
  pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main >/dev/null
fi
read -r version cluster _ < <(pg_lsclusters -h | head -1)
pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
for _ in $(seq 1 50); do
  runuser -u postgres -- pg_isready -q && break
  sleep 0.2
done
runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'bosun'" | grep -q 1 ||
  runuser -u postgres -- psql -qc "CREATE ROLE bosun LOGIN PASSWORD 'bosun' CREATEDB"
echo "postgres://bosun:bosun@127.0.0.1:5432/postgres"
