#!/usr/bin/env sh
# Liveness, as a load balancer or Docker's HEALTHCHECK asks. BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"

curl -sS --fail-with-body "$BASE_URL/healthz"
echo
