"""The shared level of /answer's index cache on disk, and two apps sharing it as two workers do."""

from __future__ import annotations

import os
import threading

import flask
import numpy as np
import pytest

from app import create_app
from app.core import retrieval
from app.core.index_cache import IndexCache
from app.ops import prometheus
from app.web.index_store import SUFFIX, DiskStore, TieredIndexes, memory_key, shared_store

CHUNKS = ["Pears keep well in a cool cellar.", "Apples ripen in autumn.", "Plums bruise easily."]


def fitted(chunks=CHUNKS, method="bm25"):
    return retrieval.fit(chunks, method)


def entry_paths(directory):
    return sorted(p for p in directory.iterdir() if p.name.endswith(SUFFIX))


def test_an_entry_written_by_one_store_is_read_by_another(tmp_path):
    index = fitted()
    DiskStore(tmp_path, 10**8).put("key1", index)
    read = DiskStore(tmp_path, 10**8).get("key1")
    assert read is not None
    assert np.array_equal(retrieval.scores(read, "pears cellar"), retrieval.scores(index, "pears cellar"))
    assert DiskStore(tmp_path, 10**8).get("key2") is None


def test_entries_are_renamed_into_place_and_leave_no_partial_file(tmp_path):
    store = DiskStore(tmp_path, 10**8)
    store.put("key1", fitted())
    assert [p.name for p in tmp_path.iterdir()] == ["key1" + SUFFIX]


def test_a_corrupt_entry_is_a_miss_and_is_deleted(tmp_path, caplog):
    store = DiskStore(tmp_path, 10**8)
    store.put("key1", fitted())
    path = tmp_path / ("key1" + SUFFIX)
    path.write_bytes(path.read_bytes()[:100])
    assert store.get("key1") is None
    assert not path.exists()
    assert "corrupt index entry" in caplog.text


def test_an_empty_entry_is_a_miss(tmp_path):
    (tmp_path / ("key1" + SUFFIX)).write_bytes(b"")
    assert DiskStore(tmp_path, 10**8).get("key1") is None


def test_an_entry_renamed_to_another_key_is_refused(tmp_path):
    store = DiskStore(tmp_path, 10**8)
    store.put("key1", fitted())
    os.replace(tmp_path / ("key1" + SUFFIX), tmp_path / ("key2" + SUFFIX))
    assert store.get("key2") is None


def test_the_directory_is_bounded_least_recently_used_first(tmp_path):
    one = sum(len(p.read_bytes()) for p in _single_entry(tmp_path / "probe"))
    store = DiskStore(tmp_path / "cache", 3 * one + one // 2)
    for i, name in enumerate(("a", "b", "c")):
        store.put(name, fitted(CHUNKS, "bm25"))
        os.utime(store.directory / (name + SUFFIX), (1000 + i, 1000 + i))
    assert store.get("a") is not None  # now the most recently used
    store.put("d", fitted(CHUNKS, "bm25"))
    assert [p.name for p in entry_paths(store.directory)] == ["a" + SUFFIX, "c" + SUFFIX, "d" + SUFFIX]


def _single_entry(directory):
    DiskStore(directory, 10**8).put("a", fitted(CHUNKS, "bm25"))
    return entry_paths(directory)


def test_an_entry_larger_than_the_bound_is_not_stored(tmp_path):
    store = DiskStore(tmp_path, 100)
    store.put("key1", fitted())
    assert entry_paths(tmp_path) == []


def test_a_stale_partial_file_is_removed_and_a_fresh_one_kept(tmp_path):
    stale, fresh = tmp_path / ".partial-old", tmp_path / ".partial-new"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (1000, 1000))
    DiskStore(tmp_path, 10**8).put("key1", fitted())
    assert not stale.exists()
    assert fresh.exists()


def lookups(level, result):
    return prometheus.ANSWER_CACHE_LOOKUPS.labels(level, result)._value.get()


def test_levels_memory_then_disk_then_fit(tmp_path):
    fits = []

    def fit():
        fits.append(1)
        return fitted()

    first = TieredIndexes(IndexCache(4), DiskStore(tmp_path, 10**8))
    second = TieredIndexes(IndexCache(4), DiskStore(tmp_path, 10**8))
    before = {(lv, r): lookups(lv, r) for lv in ("memory", "disk") for r in ("hit", "miss")}
    assert first.get_or_fit(CHUNKS, "bm25", fit)[1] == "fit"
    assert first.get_or_fit(list(CHUNKS), "bm25", fit)[1] == "memory"
    assert second.get_or_fit(CHUNKS, "bm25", fit)[1] == "disk"
    assert second.get_or_fit(CHUNKS, "bm25", fit)[1] == "memory"
    assert len(fits) == 1
    counted = {key: lookups(*key) - value for key, value in before.items()}
    assert counted == {("memory", "hit"): 2, ("memory", "miss"): 2, ("disk", "hit"): 1, ("disk", "miss"): 1}


def test_chunks_sharing_a_memory_key_never_share_an_index(tmp_path):
    # Same method, count, lengths, first and last chunk: the cheap key is the same.
    edited = [CHUNKS[0], "Apples ripen in August.", CHUNKS[2]]
    assert len(edited[1]) == len(CHUNKS[1])
    assert memory_key(edited, "bm25") == memory_key(CHUNKS, "bm25")
    indexes = TieredIndexes(IndexCache(4), DiskStore(tmp_path, 10**8))
    first, _ = indexes.get_or_fit(CHUNKS, "bm25", fitted)
    second, found = indexes.get_or_fit(edited, "bm25", lambda: fitted(edited))
    assert found == "fit" and second is not first
    assert retrieval.search(second, "august", top_k=1)[0].index == 1
    assert not retrieval.search(first, "august", top_k=1)
    # The first list keeps its place in memory; the second is found on disk.
    assert indexes.get_or_fit(CHUNKS, "bm25", fitted) == (first, "memory")
    assert indexes.get_or_fit(edited, "bm25", fitted)[1] == "disk"


def test_memory_keys_tell_methods_lengths_and_ends_apart():
    keys = {
        memory_key(CHUNKS, "bm25"),
        memory_key(CHUNKS, "tfidf"),
        memory_key(CHUNKS[:2], "bm25"),
        memory_key(["ab", "c"], "bm25"),
        memory_key(["a", "bc"], "bm25"),
        memory_key(["Pears", *CHUNKS[1:]], "bm25"),
        memory_key([], "bm25"),
    }
    assert len(keys) == 7


def test_concurrent_writers_of_one_key_leave_one_whole_entry(tmp_path):
    index = fitted()
    stores = [DiskStore(tmp_path, 10**8) for _ in range(4)]
    threads = [threading.Thread(target=lambda s=s: [s.put("k", index) for _ in range(20)]) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.name for p in tmp_path.iterdir()] == ["k" + SUFFIX]
    assert stores[0].get("k") is not None


def test_no_store_without_a_directory_or_redis():
    assert shared_store({"REDIS_URL": "", "INDEX_CACHE_DIR": "", "INDEX_CACHE_BYTES": 1}) is None


def test_two_apps_on_one_directory_share_fitted_indexes(tmp_path):
    settings = {"TESTING": True, "INDEX_CACHE_DIR": str(tmp_path)}
    workers = [create_app(settings), create_app(settings)]
    body = {"question": "Which fruit keeps in a cellar?", "chunks": CHUNKS}
    levels = []
    for app in (*workers, *workers):
        with app.test_client() as client:
            response = client.post("/answer", json=body)
            levels.append(flask.g.work["cache_level"])
        assert response.get_json()["chunk_index"] == 0
    assert levels == ["fit", "disk", "memory", "memory"]
    assert len(entry_paths(tmp_path)) == 1


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("CHUNKWISE_INDEX_CACHE_BYTES", "0", "INDEX_CACHE_BYTES must be a positive integer"),
        ("CHUNKWISE_REDIS_TTL_SECONDS", "-5", "REDIS_TTL_SECONDS must be a positive integer"),
        ("CHUNKWISE_REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL must start with redis://"),
        ("CHUNKWISE_INDEX_CACHE_DIR", "12", "INDEX_CACHE_DIR must be a string"),
    ],
    ids=["bytes", "ttl", "url", "dir"],
)
def test_bad_store_settings_stop_the_start(monkeypatch, setting, value, message):
    from app.config import ConfigError

    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError, match=message):
        create_app({"TESTING": True})
