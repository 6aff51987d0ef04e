#!/usr/bin/env sh
# The structure strategies on their sample documents. BASE_URL defaults to a local `make run`.
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
HERE="$(dirname "$0")"

# Pages of a book excerpt (form feeds), packed up to 1500 characters; metadata: page, last_page.
curl -sS --fail-with-body "$BASE_URL/chunking?strategy=page&chunk_size=1500" \
  -H 'Content-Type: text/plain' --data-binary "@$HERE/../book.txt"
echo

# Topic segments of the same excerpt (TextTiling); metadata: topic, segmentation.
curl -sS --fail-with-body "$BASE_URL/chunking?strategy=topic&chunk_size=800" \
  -H 'Content-Type: text/plain' --data-binary "@$HERE/../book.txt"
echo

# Markdown sections, one per chunk; metadata: the heading path.
curl -sS --fail-with-body "$BASE_URL/chunking" -F "file=@$HERE/../guide.md" \
  -F strategy=markdown -F pack=false
echo

# The visible text of an HTML article, packed up to 500 characters; metadata: tag, heading path.
curl -sS --fail-with-body "$BASE_URL/chunking" -F "file=@$HERE/../article.html" \
  -F strategy=html -F chunk_size=500
echo

# A chat log: whole messages, a new chunk after a pause of more than an hour, at most 6 messages.
python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1]).read(), "strategy": "chat", "time_gap": 3600, "max_messages": 6}))' \
  "$HERE/../chat.txt" |
  curl -sS --fail-with-body "$BASE_URL/chunking" -H 'Content-Type: application/json' --data-binary @-
echo
