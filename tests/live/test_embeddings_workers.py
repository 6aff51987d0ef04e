"""Two gunicorn workers, each with its own copy of the word vectors, give byte-identical answers."""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import start_gunicorn, stop

# Long enough (about 0.1 s of work) that concurrent requests overlap, so that a
# worker with all its threads busy leaves the next connection to the other.
TEXT = Path("/usr/share/common-licenses/GPL-3").read_text(encoding="utf-8") * 3


def _post(url: str, request_id: str) -> bytes:
    request = urllib.request.Request(
        url + "/semantic-chunking",
        data=json.dumps({"text": TEXT, "similarity": "embeddings"}).encode(),
        headers={"Content-Type": "application/json", "X-Request-ID": request_id},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        body: bytes = response.read()
        return body


def _pids(log: str, prefix: str) -> set[int]:
    pids = set()
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if str(entry.get("request_id", "")).startswith(prefix):
            pids.add(entry["pid"])
    return pids


@pytest.mark.live
def test_identical_answers_from_two_workers(tmp_path, client):
    server = start_gunicorn(tmp_path, workers=2)
    bodies: list[bytes] = []
    try:
        # Both workers load the vectors before they accept; wait for both to boot.
        deadline = time.monotonic() + 60
        while server.log.read_text().count("Booting worker") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        # Concurrent rounds until both workers have answered (at most ten rounds of eight).
        with ThreadPoolExecutor(8) as pool:
            for round_ in range(10):
                ids = [f"twin-{round_}-{k}" for k in range(8)]
                bodies += pool.map(lambda rid: _post(server.url, rid), ids)
                if len(_pids(server.log.read_text(), "twin-")) >= 2:
                    break
    finally:
        stop(server)
    assert len(_pids(server.log.read_text(), "twin-")) == 2
    assert len(set(bodies)) == 1
    # And the same as this process computes.
    local = client.post("/semantic-chunking", json={"text": TEXT, "similarity": "embeddings"}).get_json()
    assert json.loads(bodies[0]) == local
    assert local["similarity"] == "embeddings" and len(local["chunks"]) > 1
