#!/usr/bin/env sh
# Split samples/article.txt three ways. BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
HERE="$(dirname "$0")"

# JSON body: recursive splitting at 300 characters with 50 of overlap.
python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1]).read(), "strategy": "recursive", "chunk_size": 300, "chunk_overlap": 50}))' \
  "$HERE/../article.txt" |
  curl -sS --fail-with-body "$BASE_URL/chunking" -H 'Content-Type: application/json' --data-binary @-
echo

# Plain-text body, options in the query string: sentences, one per chunk.
curl -sS --fail-with-body "$BASE_URL/chunking?strategy=sentence&pack=false" \
  -H 'Content-Type: text/plain' --data-binary "@$HERE/../article.txt"
echo

# File upload: paragraphs packed up to 120 words.
curl -sS --fail-with-body "$BASE_URL/chunking" -F "file=@$HERE/../article.txt" \
  -F strategy=paragraph -F chunk_size=120 -F unit=words
echo
