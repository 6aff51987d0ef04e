#!/usr/bin/env sh
# Semantic chunking of samples/field-notes.txt four ways, and the semantic strategy of /chunking.
# BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
HERE="$(dirname "$0")"

# JSON body, default options: sentences, TF-IDF similarity, the depth method.
python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1]).read()}))' "$HERE/../field-notes.txt" |
  curl -sS --fail-with-body "$BASE_URL/semantic-chunking" -H 'Content-Type: application/json' --data-binary @-
echo

# Plain-text body, options in the query string: the std method, groups of at least 300 characters.
curl -sS --fail-with-body "$BASE_URL/semantic-chunking?threshold_method=std&min_chunk_size=300" \
  -H 'Content-Type: text/plain' --data-binary "@$HERE/../field-notes.txt"
echo

# Word embeddings (WordLlama vectors shipped in a package) instead of TF-IDF.
curl -sS --fail-with-body "$BASE_URL/semantic-chunking?similarity=embeddings" \
  -H 'Content-Type: text/plain' --data-binary "@$HERE/../field-notes.txt"
echo

# File upload: paragraphs as units, no group over 1200 characters.
curl -sS --fail-with-body "$BASE_URL/semantic-chunking" -F "file=@$HERE/../field-notes.txt" \
  -F split_by=paragraph -F max_chunk_size=1200
echo

# The same grouping as plain chunks from /chunking, with an explicit threshold.
curl -sS --fail-with-body "$BASE_URL/chunking?strategy=semantic&threshold=0.1&chunk_size=800" \
  -H 'Content-Type: text/plain' --data-binary "@$HERE/../field-notes.txt"
echo
