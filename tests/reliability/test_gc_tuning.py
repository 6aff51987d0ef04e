"""The worker's garbage collector settings (app/ops/gc_tuning.py), as gunicorn gets them from wsgi.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_wsgi_freezes_the_loaded_app_and_spaces_out_collections():
    # In a fresh interpreter: freezing is for the whole process, not for the test run.
    code = (
        "import gc, json, wsgi\n"
        "frozen = gc.get_freeze_count()\n"
        "body = {'text': '<p>a' * 1000, 'strategy': 'html'}\n"
        "status = wsgi.app.test_client().post('/chunking', json=body).status_code\n"
        "print(json.dumps([frozen, gc.get_threshold(), status]))\n"
    )
    env = {**os.environ, "CHUNKWISE_LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    frozen, threshold, status = json.loads(result.stdout.splitlines()[-1])
    assert frozen > 10_000, "the app's objects were not frozen"
    assert threshold == [50_000, 20, 10]
    assert status == 200
