"""What observing one request does: which samples it touches, and no log record when the level is off."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.ops import prometheus as metrics
from app.ops.logs import timestamp

BODY = {"text": "One. Two. Three. Four.", "strategy": "sentence", "pack": False}


def samples() -> dict[tuple[str, frozenset], float]:
    found = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def changed(before: dict, after: dict) -> dict[tuple[str, frozenset], float]:
    return {
        key: value - before.get(key, 0.0) for key, value in after.items() if value != before.get(key, 0.0)
    }


def test_one_request_touches_exactly_its_own_samples(client):
    client.post("/chunking", json=BODY)  # the label sets exist from here on
    before = samples()
    response = client.post("/chunking", json=BODY)
    assert response.status_code == 200
    delta = changed(before, samples())

    request = frozenset({"endpoint": "/chunking", "method": "POST", "status": "200"}.items())
    strategy = frozenset({"strategy": "sentence"}.items())
    assert delta.pop(("chunkwise_requests_total", request)) == 1
    assert delta.pop(("chunkwise_request_duration_seconds_count", request)) == 1
    assert delta.pop(("chunkwise_request_duration_seconds_sum", request)) > 0
    assert delta.pop(("chunkwise_input_characters_count", strategy)) == 1
    assert delta.pop(("chunkwise_input_characters_sum", strategy)) == len(BODY["text"])
    assert delta.pop(("chunkwise_chunks_count", strategy)) == 1
    assert delta.pop(("chunkwise_chunks_sum", strategy)) == 4
    # What is left are the cumulative buckets of those three histograms, each +1:
    # the buckets from the one the value fell in up to +Inf.
    names = {name for name, _ in delta}
    assert names == {
        "chunkwise_request_duration_seconds_bucket",
        "chunkwise_input_characters_bucket",
        "chunkwise_chunks_bucket",
    }
    assert set(delta.values()) == {1}
    for name, labels in delta:
        rest = dict(labels)
        assert float(rest.pop("le")) >= 0
        assert frozenset(rest.items()) == (request if "duration" in name else strategy)
    chunk_bounds = sorted(
        float(dict(labels)["le"]) for name, labels in delta if name == "chunkwise_chunks_bucket"
    )
    assert chunk_bounds == [5.0, 10.0, 50.0, 100.0, 500.0, 1000.0, 10000.0, 50000.0, float("inf")]


class RecordCounter:
    """A log record factory that counts the records made for one logger."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.factory = logging.getLogRecordFactory()

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.factory(*args, **kwargs)
        if record.name == self.name:
            self.count += 1
        return record


@pytest.mark.parametrize(("level", "records"), [("WARNING", 0), ("ERROR", 0), ("INFO", 3)])
def test_no_request_record_is_made_when_its_level_is_off(monkeypatch, capsys, level, records):
    monkeypatch.setenv("CHUNKWISE_LOG_LEVEL", level)
    client = create_app({"TESTING": True}).test_client()
    counter = RecordCounter("app.requests")
    before = samples()
    logging.setLogRecordFactory(counter)
    try:
        for _ in range(3):
            assert client.post("/chunking", json=BODY).status_code == 200
    finally:
        logging.setLogRecordFactory(counter.factory)
    assert counter.count == records
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert any(line.get("logger") == "app.requests" for line in lines) == bool(records)
    # Metrics are counted whatever the log level.
    request = frozenset({"endpoint": "/chunking", "method": "POST", "status": "200"}.items())
    assert changed(before, samples())[("chunkwise_requests_total", request)] == 3


def test_generated_request_ids_are_128_random_bits(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(20)}
    assert len(ids) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


@pytest.mark.parametrize(
    "created",
    [
        0.0,
        1.0005,
        1_700_000_000.0,
        1_700_000_000.9995,
        1_764_795_301.123456,
        1_764_795_301.999999,
        2_000_000_000.5,
    ],
)
def test_log_time_is_iso_8601_utc_with_milliseconds(created):
    expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    assert timestamp(created) == expected
    assert timestamp(created) == expected  # again, from the cached second
