"""Fitted /answer indexes shared by the gunicorn workers (a directory, or Redis) and RedisStore itself."""

from __future__ import annotations

import json
import re
import urllib.request

import numpy as np
import pytest

from app.core import retrieval
from app.web.index_store import RedisStore
from tests.conftest import start_gunicorn, stop
from tests.live.conftest import MAXMEMORY

pytestmark = pytest.mark.live

CHUNKS = [f"Orchard note {i}: pears of row {i} keep {i % 7} weeks in the cellar." for i in range(300)]
QUESTIONS = ["How long do pears of row 12 keep?", "row 250 cellar", "pears keep weeks", "row 3"]


def post(url: str, body: dict) -> dict:
    # urllib opens a new connection per request, so gunicorn hands each to whichever worker is free.
    request = urllib.request.Request(
        url + "/answer", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def metric(url: str, name: str, **labels: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
        text = response.read().decode()
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if match and ",".join(sorted(match.group(1).split(","))) == wanted:
            total += float(match.group(2))
    return total


def ask_follow_ups(url: str) -> list[dict]:
    answers = [post(url, {"question": q, "chunks": CHUNKS}) for q in QUESTIONS for _ in range(3)]
    assert [a["chunk_index"] for a in answers[:3]] == [12, 12, 12]
    return answers


def test_follow_ups_never_refit_whichever_worker_answers(tmp_path):
    server = start_gunicorn(tmp_path, workers=2)
    try:
        ask_follow_ups(server.url)
        assert metric(server.url, "chunkwise_answer_cache_total", result="miss") == 1
        assert metric(server.url, "chunkwise_answer_cache_total", result="hit") == 11
        memory_misses = metric(
            server.url, "chunkwise_answer_cache_lookups_total", level="memory", result="miss"
        )
        disk_hits = metric(server.url, "chunkwise_answer_cache_lookups_total", level="disk", result="hit")
        # Each worker fits or reads the index once, then answers from its memory.
        assert memory_misses == disk_hits + 1
    finally:
        stop(server)


def test_through_redis_follow_ups_never_refit(tmp_path, redis_url, redis_client):
    server = start_gunicorn(tmp_path, {"CHUNKWISE_REDIS_URL": redis_url}, workers=2)
    try:
        ask_follow_ups(server.url)
        assert metric(server.url, "chunkwise_answer_cache_total", result="miss") == 1
        assert metric(server.url, "chunkwise_answer_cache_lookups_total", level="disk", result="miss") == 0
        keys = redis_client.keys("chunkwise:index:*")
        assert keys == [b"chunkwise:index:" + retrieval.fingerprint(CHUNKS, "bm25").encode()]
        assert 0 < redis_client.ttl(keys[0]) <= 3600
    finally:
        stop(server)


def index_and_key(method="bm25"):
    return retrieval.fit(CHUNKS, method), retrieval.fingerprint(CHUNKS, method)


def test_redis_store_round_trip_with_expiry(redis_client):
    index, key = index_and_key("tfidf")
    RedisStore(redis_client, 100, 10**8).put(key, index)
    name = "chunkwise:index:" + key
    assert 0 < redis_client.ttl(name) <= 100
    redis_client.expire(name, 5)
    read = RedisStore(redis_client, 100, 10**8).get(key)
    assert read is not None
    # A read restarts the expiry.
    assert redis_client.ttl(name) > 5
    for question in QUESTIONS:
        assert np.array_equal(retrieval.scores(read, question), retrieval.scores(index, question))
    assert RedisStore(redis_client, 100, 10**8).get("other") is None


def test_redis_corrupt_entry_is_a_miss_and_is_deleted(redis_client, caplog):
    index, key = index_and_key()
    store = RedisStore(redis_client, 100, 10**8)
    store.put(key, index)
    name = "chunkwise:index:" + key
    redis_client.set(name, redis_client.get(name)[:-9])
    assert store.get(key) is None
    assert redis_client.exists(name) == 0
    assert "corrupt index entry" in caplog.text


def test_redis_entry_for_another_key_is_refused(redis_client):
    index, key = index_and_key()
    store = RedisStore(redis_client, 100, 10**8)
    store.put(key, index)
    redis_client.copy("chunkwise:index:" + key, "chunkwise:index:forged")
    assert store.get("forged") is None


def test_redis_entry_over_the_bound_is_not_stored(redis_client):
    index, key = index_and_key()
    RedisStore(redis_client, 100, 1000).put(key, index)
    assert redis_client.keys("*") == []


def test_under_redis_maxmemory_entries_are_evicted_and_writes_still_work(redis_client):
    # Redis bounds the store: with maxmemory and allkeys-lru it evicts the least
    # recently used entries instead of refusing writes.
    assert redis_client.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    redis_client.config_set("maxmemory", "3mb")
    try:
        store = RedisStore(redis_client, 100, 10**8)
        keys = []
        for i in range(40):
            chunks = [f"{c} batch{i}" for c in CHUNKS]
            keys.append(retrieval.fingerprint(chunks, "bm25"))
            store.put(keys[-1], retrieval.fit(chunks, "bm25"))
        # Redis's LRU is approximate (it samples keys), so which old entries go is
        # not fixed; what is fixed is that some went, and the newest write stayed.
        stored = {k.decode().removeprefix("chunkwise:index:") for k in redis_client.keys("chunkwise:index:*")}
        assert 0 < len(stored) < 40
        assert keys[-1] in stored
        assert store.get(keys[-1]) is not None
    finally:
        redis_client.config_set("maxmemory", MAXMEMORY)


class CountingClient:
    """A client whose every call fails as a dead server's would, counting the calls."""

    def __init__(self, real):
        self.real = real
        self.calls = 0

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def call(*args, **kwargs):
            self.calls += 1
            return method(*args, **kwargs)

        return call


def test_a_dead_redis_is_a_miss_then_skipped_for_a_while(caplog):
    import redis

    from tests.conftest import free_port

    dead = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1, socket_timeout=1)
    client = CountingClient(dead)
    store = RedisStore(client, 100, 10**8)
    index, key = index_and_key()
    assert store.get(key) is None
    store.put(key, index)
    assert store.get(key) is None
    assert client.calls == 1
    assert "redis unavailable" in caplog.text
    dead.close()
