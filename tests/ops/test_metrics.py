"""GET /metrics: Prometheus text format, counted per endpoint and status, summed over gunicorn workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT, start_gunicorn, stop

CHUNKING = {"endpoint": "/chunking", "method": "POST", "status": "200"}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_metrics_is_prometheus_text(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    names = {family.name for family in text_string_to_metric_families(response.get_data(as_text=True))}
    assert {
        "chunkwise_requests",
        "chunkwise_request_duration_seconds",
        "chunkwise_input_characters",
        "chunkwise_chunks",
        "chunkwise_answer_cache",
    } <= names


def test_requests_latency_and_work_by_strategy(client):
    before = scrape(client)
    text = "One. Two. Three."
    for _ in range(3):
        assert (
            client.post("/chunking", json={"text": text, "strategy": "sentence", "pack": False}).status_code
            == 200
        )
    assert client.post("/chunking", json={"text": text, "chunk_size": 0}).status_code == 400
    assert client.get("/nowhere").status_code == 404
    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("chunkwise_requests_total", **CHUNKING) == 3
    assert delta("chunkwise_requests_total", endpoint="/chunking", method="POST", status="400") == 1
    assert delta("chunkwise_requests_total", endpoint="unmatched", method="GET", status="404") == 1
    assert delta("chunkwise_request_duration_seconds_count", **CHUNKING) == 3
    assert delta("chunkwise_request_duration_seconds_sum", **CHUNKING) > 0
    assert delta("chunkwise_request_duration_seconds_bucket", **CHUNKING, le="+Inf") == 3
    assert delta("chunkwise_input_characters_sum", strategy="sentence") == 3 * len(text)
    assert delta("chunkwise_input_characters_count", strategy="sentence") == 3
    assert delta("chunkwise_chunks_sum", strategy="sentence") == 9
    assert delta("chunkwise_chunks_bucket", strategy="sentence", le="5.0") == 3


def test_answer_cache_hits_and_misses(client):
    before = scrape(client)
    body = {"question": "Where do pears keep?", "chunks": ["Pears keep in a cellar.", "Plums grow on trees."]}
    for _ in range(2):
        assert client.post("/answer", json=body).status_code == 200
    after = scrape(client)
    hits = value(after, "chunkwise_answer_cache_total", result="hit") - value(
        before, "chunkwise_answer_cache_total", result="hit"
    )
    misses = value(after, "chunkwise_answer_cache_total", result="miss") - value(
        before, "chunkwise_answer_cache_total", result="miss"
    )
    # The first may hit an index fitted by another test in this process; the second must.
    assert hits + misses == 2 and hits >= 1


def test_cache_figure_is_counted_whatever_the_view(app):
    from app.ops.observability import note_work

    @app.get("/cached/<result>")
    def cached(result):
        note_work(cache=result)
        return {"ok": True}

    client = app.test_client()
    before = scrape(client)
    for result in ("hit", "hit", "miss", "bogus"):
        client.get(f"/cached/{result}")
    after = scrape(client)
    for result, expected in (("hit", 2), ("miss", 1), ("bogus", 0)):
        name = "chunkwise_answer_cache_total"
        assert value(after, name, result=result) - value(before, name, result=result) == expected


def test_metrics_is_documented_as_text(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/metrics"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["text/plain"]


def post(url: str, payload: dict) -> int:
    request = urllib.request.Request(
        url + "/chunking", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def live_scrape(url: str) -> str:
    with urllib.request.urlopen(url + "/metrics", timeout=120) as response:
        return response.read().decode()


def seed_stale_counts(directory: Path) -> None:
    """Leave files of an earlier run with 1000 /chunking requests in the metrics directory."""
    code = (
        "from app.ops import prometheus as metrics\n"
        "for _ in range(1000): metrics.REQUESTS.labels('/chunking', 'POST', '200').inc()\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=300)
    assert list(directory.glob("counter_*.db"))


@pytest.mark.live
def test_counters_sum_to_n_over_two_workers_from_a_clean_directory(tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    seed_stale_counts(directory)
    server = start_gunicorn(tmp_path, {"PROMETHEUS_MULTIPROC_DIR": str(directory)}, workers=2)
    try:
        n = 40
        statuses = [
            post(server.url, {"text": f"Request {i}. It has two sentences.", "strategy": "sentence"})
            for i in range(n)
        ]
        assert statuses == [200] * n
        assert post(server.url, {"text": "x", "chunk_size": 0}) == 400
        text = live_scrape(server.url)
    finally:
        stop(server)
    assert value(text, "chunkwise_requests_total", **CHUNKING) == n
    assert value(text, "chunkwise_requests_total", endpoint="/chunking", method="POST", status="400") == 1
    assert value(text, "chunkwise_request_duration_seconds_count", **CHUNKING) == n
    assert value(text, "chunkwise_input_characters_count", strategy="sentence") == n
    assert value(text, "chunkwise_chunks_sum", strategy="sentence") == n
    assert directory.is_dir()  # a directory the operator chose is emptied at start, never removed


@pytest.mark.live
def test_counts_of_exited_workers_are_kept(tmp_path):
    # Each worker exits after 4 requests, so 11 requests pass through at least 3 processes.
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {"CHUNKWISE_MAX_REQUESTS": "4", "CHUNKWISE_MAX_REQUESTS_JITTER": "0", "TMPDIR": str(temp)}
    server = start_gunicorn(tmp_path, env, workers=2)
    try:
        n = 11
        assert [post(server.url, {"text": f"Text {i}."}) for i in range(n)] == [200] * n
        text = live_scrape(server.url)
        (directory,) = temp.glob("chunkwise-metrics-*")
        assert list(directory.glob("counter_*.db"))
    finally:
        stop(server)
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    pids = {line["pid"] for line in lines if line.get("path") == "/chunking"}
    assert len(pids) >= 3
    assert value(text, "chunkwise_requests_total", **CHUNKING) == n
    assert not directory.exists()  # the directory gunicorn.conf.py made is removed at exit


def test_invented_methods_and_paths_cannot_add_series(client):
    before = scrape(client)
    for method in ("BREW", "WHEN", "PROPFIND"):
        assert client.open("/healthz", method=method).status_code == 405
    for path in ("/a", "/b", "/c/d"):
        assert client.get(path).status_code == 404
    after = scrape(client)
    other = {"endpoint": "/healthz", "method": "other", "status": "405"}
    assert (
        value(after, "chunkwise_requests_total", **other) - value(before, "chunkwise_requests_total", **other)
        == 3
    )
    missing = {"endpoint": "unmatched", "method": "GET", "status": "404"}
    assert (
        value(after, "chunkwise_requests_total", **missing)
        - value(before, "chunkwise_requests_total", **missing)
        == 3
    )
    assert not any("BREW" in line or 'endpoint="/a"' in line for line in after.splitlines())


def test_a_refused_method_is_counted_under_its_route(client, capsys):
    before = scrape(client)
    capsys.readouterr()
    for method in ("GET", "PUT"):
        response = client.open("/chunking", method=method)
        assert response.status_code == 405
        assert "POST" in response.headers["Allow"]
    assert client.get("/chunking/more").status_code == 404
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"app.requests"' in line]
    after = scrape(client)

    def delta(**labels):
        return value(after, "chunkwise_requests_total", **labels) - value(
            before, "chunkwise_requests_total", **labels
        )

    assert delta(endpoint="/chunking", method="GET", status="405") == 1
    assert delta(endpoint="/chunking", method="PUT", status="405") == 1
    assert delta(endpoint="unmatched", method="GET", status="405") == 0
    assert delta(endpoint="unmatched", method="GET", status="404") == 1
    assert [(line["endpoint"], line["status"]) for line in lines] == [
        ("/chunking", 405),
        ("/chunking", 405),
        ("unmatched", 404),
    ]
