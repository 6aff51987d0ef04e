#!/usr/bin/env sh
# The OpenAPI 3.1 description (import it into Postman or any OpenAPI tool). BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"

curl -sS --fail-with-body "$BASE_URL/openapi.json"
echo
