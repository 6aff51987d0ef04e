#!/usr/bin/env sh
# Ask /answer about the sample documents. BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
HERE="$(dirname "$0")"

# Chunks given by the client, default method (bm25).
curl -sS --fail-with-body "$BASE_URL/answer" -H 'Content-Type: application/json' \
  -d '{"question": "How long do pears keep in a cellar?", "chunks": ["Plums grow on trees in the orchard.", "Figs need heat. Pears keep for months in a cool, dark cellar.", "The cellar door sticks in winter."]}'
echo

# A whole document as text, chunked with /answer's defaults (recursive, 500 characters).
python3 -c 'import json,sys; print(json.dumps({"question": "How long does sanitiser need on a surface?", "text": open(sys.argv[1]).read()}))' \
  "$HERE/../handbook.md" |
  curl -sS --fail-with-body "$BASE_URL/answer" -H 'Content-Type: application/json' --data-binary @-
echo

# The same document again with TF-IDF, sentence chunks and a longer ranking.
python3 -c 'import json,sys; print(json.dumps({"question": "Where was otter spraint found?", "text": open(sys.argv[1]).read(), "method": "tfidf", "strategy": "sentence", "chunk_size": 300, "top_k": 5}))' \
  "$HERE/../field-notes.txt" |
  curl -sS --fail-with-body "$BASE_URL/answer" -H 'Content-Type: application/json' --data-binary @-
echo

# A question of stop words only: still a 200, with "found": false.
curl -sS --fail-with-body "$BASE_URL/answer" -H 'Content-Type: application/json' \
  -d '{"question": "what is the", "chunks": ["Plums grow on trees in the orchard."]}'
echo
