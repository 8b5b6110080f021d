#!/usr/bin/env bash
# Regenerate the SDKs (sdk/python, sdk/typescript/src/schema.ts) and the document snapshot
# (sdk/openapi.json) from the OpenAPI document this source tree serves — or, with --check, fail
# when what is checked in differs from what would be generated.
#
#   scripts/sdk.sh                      regenerate from `bosun openapi` (builds the CLI)
#   scripts/sdk.sh --check [DOC] [SDK]  compare; DOC defaults to `bosun openapi`, SDK to ./sdk
#   scripts/sdk.sh --generate DOC [SDK] regenerate from a document file
#
# Tools: openapi-python-client from target/py-venv (crates/bosun-server/tests/py-requirements.txt,
# or $BOSUN_PY_VENV), openapi-typescript from sdk/typescript/node_modules (npm ci).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:---generate-served}"
doc="${2:-}"
sdk="$(cd "${3:-$root/sdk}" && pwd)"
venv="${BOSUN_PY_VENV:-$root/target/py-venv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -z "$doc" ]; then
  doc="$work/served.json"
  (cd "$root" && cargo run --quiet -p bosun-cli -- openapi --out "$doc")
fi

# Everything generated, into $work/out, laid out as sdk/ is.
mkdir -p "$work/out/typescript/src"
cp "$doc" "$work/out/openapi.json"
"$venv/bin/openapi-python-client" generate --path "$doc" --config "$root/sdk/python-config.yaml" \
  --output-path "$work/out/python" >/dev/null
# The hand-written helpers live in the package itself; regeneration keeps them.
cp "$sdk/python/bosun_client/helpers.py" "$work/out/python/bosun_client/helpers.py"
"$root/sdk/typescript/node_modules/.bin/openapi-typescript" "$doc" -o "$work/out/typescript/src/schema.ts" \
  >/dev/null 2>&1

compare() {
  diff -r "$work/out/python" "$sdk/python" -x __pycache__ -x '*.egg-info' &&
    diff "$work/out/openapi.json" "$sdk/openapi.json" &&
    diff "$work/out/typescript/src/schema.ts" "$sdk/typescript/src/schema.ts"
}

case "$mode" in
  --check)
    if ! compare >"$work/diff" 2>&1; then
      head -40 "$work/diff" >&2
      echo "sdk/ is stale: run scripts/sdk.sh and commit the result" >&2
      exit 1
    fi
    echo "sdk/ matches the OpenAPI document"
    ;;
  --generate | --generate-served)
    rm -rf "$sdk/python"
    cp -r "$work/out/python" "$sdk/python"
    cp "$work/out/openapi.json" "$sdk/openapi.json"
    cp "$work/out/typescript/src/schema.ts" "$sdk/typescript/src/schema.ts"
    echo "regenerated sdk/python, sdk/typescript/src/schema.ts and sdk/openapi.json"
    ;;
  *)
    echo "usage: scripts/sdk.sh [--check [DOC] [SDK] | --generate DOC [SDK]]" >&2
    exit 2
    ;;
esac
