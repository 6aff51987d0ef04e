#!/usr/bin/env sh
# What the service offers: strategies with their options and defaults, and its limits.
# A browser asking for / gets the playground page; asking for JSON gets this. BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"

curl -sS --fail-with-body "$BASE_URL/" -H 'Accept: application/json'
echo
