"""The held-out retrieval set keeps the split it was made with (its documents are not read here)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from benchmarks.retrieval_set import SET_FILE

DATA = json.loads(SET_FILE.read_text(encoding="utf-8"))
DOCUMENTS = DATA["documents"]


def test_halves_follow_the_recorded_rule():
    # Within a genre, documents sorted by the SHA-256 of their name take turns, test first.
    genres: dict[str, list[str]] = defaultdict(list)
    for name, entry in DOCUMENTS.items():
        genres[entry["genre"]].append(name)
    for names in genres.values():
        ordered = sorted(names, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
        assert [DOCUMENTS[n]["half"] for n in ordered] == [
            ("test", "dev")[i % 2] for i in range(len(ordered))
        ]
        assert {"dev", "test"} <= {DOCUMENTS[n]["half"] for n in names}


def test_every_question_names_a_document_and_quotes_a_passage():
    questions = DATA["questions"]
    assert (
        len(questions) >= 150 and len(DOCUMENTS) >= 20 and len({d["genre"] for d in DOCUMENTS.values()}) >= 4
    )
    assert all(q["document"] in DOCUMENTS and q["gold"].strip() and q["question"].strip() for q in questions)
    assert len({q["question"] for q in questions}) == len(questions)


def test_documents_say_where_they_come_from():
    for entry in DOCUMENTS.values():
        assert entry["path"].startswith("/usr/share/") and entry["package"] and entry["licence"]
        assert len(entry["sha256"]) == 64 and entry["format"] in ("markdown", "text")
