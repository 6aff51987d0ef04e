#!/usr/bin/env sh
# Prometheus metrics, summed over all gunicorn workers. BASE_URL defaults to a local `make run`.
# `curl -s "$BASE_URL/metrics"` prints the whole text format; here the request counters are
# turned into one JSON object per series, for reading (and for the tests, which expect JSON).
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"

curl -sS --fail-with-body "$BASE_URL/metrics" |
  python3 -c '
import json, re, sys
for line in sys.stdin:
    match = re.fullmatch(r"chunkwise_requests_total\{(.*)\} (\S+)", line.strip())
    if match:
        labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", match.group(1)))
        print(json.dumps({**labels, "requests": float(match.group(2))}))
'
