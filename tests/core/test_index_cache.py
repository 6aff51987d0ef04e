from __future__ import annotations

import threading

import pytest

from app.core.index_cache import IndexCache


def test_second_lookup_is_a_hit_and_does_not_fit():
    cache: IndexCache[str] = IndexCache(2)
    fits = []
    assert cache.get_or_fit("a", lambda: fits.append("a") or "A") == ("A", False)
    assert cache.get_or_fit("a", lambda: fits.append("a") or "other") == ("A", True)
    assert fits == ["a"] and (cache.hits, cache.misses) == (1, 1)


def test_least_recently_used_goes_first():
    cache: IndexCache[str] = IndexCache(2)
    cache.get_or_fit("a", lambda: "A")
    cache.get_or_fit("b", lambda: "B")
    cache.get_or_fit("a", lambda: "unused")  # a is now the most recent
    cache.get_or_fit("c", lambda: "C")  # evicts b
    assert len(cache) == 2
    assert cache.get_or_fit("a", lambda: "refit")[1] is True
    assert cache.get_or_fit("b", lambda: "B2") == ("B2", False)


def test_capacity_must_be_positive():
    with pytest.raises(ValueError, match="capacity"):
        IndexCache(0)


def test_threads_share_one_value_per_key_and_stay_bounded():
    cache: IndexCache[object] = IndexCache(3)
    seen: dict[str, set[int]] = {}
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        start.wait()
        for i in range(200):
            key = f"k{(worker + i) % 5}"
            value, _ = cache.get_or_fit(key, object)
            with lock:
                seen.setdefault(key, set()).add(id(value))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert len(cache) == 3
    assert cache.hits + cache.misses == 8 * 200
    assert cache.misses >= 5
