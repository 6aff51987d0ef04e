"""The Postman collection covers every endpoint, strategy and error; newman runs it green against gunicorn."""

from __future__ import annotations

import json
import re
import socket
import subprocess

import pytest

from app import create_app
from app.core.chunkers import CHUNKERS
from tests.conftest import ROOT

COLLECTION_PATH = ROOT / "samples" / "chunkwise.postman_collection.json"
COLLECTION = json.loads(COLLECTION_PATH.read_text())
NEWMAN = ROOT / ".tools" / "node_modules" / ".bin" / "newman"


def requests() -> list[dict]:
    found = []

    def walk(items):
        for item in items:
            if "item" in item:
                walk(item["item"])
            else:
                found.append(item)

    walk(COLLECTION["item"])
    return found


def path_of(item: dict) -> str:
    return "/" + "/".join(item["request"]["url"]["path"])


def scripts_of(item: dict) -> str:
    return "\n".join(line for e in item["event"] if e["listen"] == "test" for line in e["script"]["exec"])


def test_every_documented_operation_is_requested():
    paths = create_app({"TESTING": True}).extensions["chunkwise_openapi"]["paths"]
    documented = {(path, method.upper()) for path, ops in paths.items() for method in ops}
    requested = {(path_of(item), item["request"]["method"]) for item in requests()}
    assert documented <= requested, sorted(documented - requested)


def test_every_strategy_is_requested():
    strategies = set()
    for item in requests():
        body = item["request"].get("body", {})
        if path_of(item) == "/chunking" and body.get("options", {}).get("raw", {}).get("language") == "json":
            try:
                sent = json.loads(body["raw"])
            except ValueError:  # the malformed-JSON error case
                continue
            if isinstance(sent, dict):
                strategies.add(sent.get("strategy"))
    assert set(CHUNKERS) <= strategies, sorted(set(CHUNKERS) - strategies)


def test_every_error_status_is_requested():
    statuses = {int(m) for item in requests() for m in re.findall(r"have\.status\((\d+)\)", scripts_of(item))}
    assert {200, 400, 404, 405, 413, 415, 422} <= statuses


def test_every_request_asserts_its_status_and_more():
    for item in requests():
        script = scripts_of(item)
        assert script.count("pm.test(") >= 2 or "X-Request-ID" in script, item["name"]
    collection_script = "\n".join(COLLECTION["event"][0]["script"]["exec"])
    assert "error is JSON in the one shape" in collection_script


@pytest.mark.live
def test_newman_runs_the_collection_green(live_server, tmp_path):
    assert NEWMAN.exists(), "newman is missing: run `make test` (or `npm ci --prefix .tools`)"
    report = tmp_path / "newman.json"
    # Through `make postman`, as the README tells a person to run it.
    flags = f"--reporters cli,json --reporter-json-export {report} --color off --timeout-request 30000"
    result = subprocess.run(
        ["make", "-s", "postman", f"BASE_URL={live_server.url}", f"NEWMAN_ARGS={flags}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
    stats = json.loads(report.read_text())["run"]["stats"]
    assert stats["requests"] == {"total": len(requests()), "pending": 0, "failed": 0}
    assert stats["assertions"]["failed"] == 0
    assert stats["assertions"]["total"] >= 4 * len(requests())


@pytest.mark.live
def test_make_postman_says_when_no_service_answers():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = subprocess.run(
        ["make", "-s", "postman", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert f"no chunkwise answers at http://127.0.0.1:{port}; start it first (make run)" in result.stdout
