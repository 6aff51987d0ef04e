#!/usr/bin/env sh
# Readiness: what the service loads before it takes traffic. BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"

curl -sS --fail-with-body "$BASE_URL/readyz"
echo
