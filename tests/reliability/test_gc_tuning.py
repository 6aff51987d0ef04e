"""The worker's garbage collector (app/core/gc_tuning.py), as gunicorn gets it from wsgi.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

# In a fresh interpreter: freezing is for the whole process, not for the test run.
# The same large request is made with the worker's settings and with CPython's
# defaults, counting the collections each runs and the objects a full one walks.
PROBE = """
import gc, json, wsgi
walked = len(gc.get_objects())
client = wsgi.app.test_client()
body = {"text": "<p>a" * 20_000, "strategy": "html"}
runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))
status = client.post("/chunking", json=body).status_code
tuned = len(runs)
gc.set_threshold(700, 10, 10)
runs.clear()
client.post("/chunking", json=body)
print(json.dumps([walked, gc.get_freeze_count(), status, tuned, len(runs)]))
"""


def test_a_request_runs_few_collections_over_little_of_the_heap():
    env = {**os.environ, "CHUNKWISE_LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    walked, frozen, status, tuned, default = json.loads(result.stdout.splitlines()[-1])
    assert status == 200
    # What the app loaded is out of the collector's reach: a full collection
    # walks a small part of the heap.
    assert walked * 10 < frozen
    # A request allocating tens of thousands of objects runs a handful of
    # collections, where the defaults would run dozens.
    assert tuned * 10 <= default and default > 10
