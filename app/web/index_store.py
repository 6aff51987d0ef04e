"""Fitted /answer indexes shared by every worker: memory first, then a directory or Redis.

gunicorn runs several worker processes, and a follow-up question lands on
whichever is free: with only a per-worker cache, about half the follow-ups
refitted. So a lookup goes through two levels:

1. the worker's own LRU of decoded indexes (:class:`app.core.index_cache.IndexCache`),
   each held with its chunks under a cheap key (:func:`memory_key`) and
   taken only when the request's chunks are equal to those;
2. a store shared by the workers, where every fitted index is written:

   * :class:`DiskStore`, a directory on this machine (``CHUNKWISE_INDEX_CACHE_DIR``;
     ``gunicorn.conf.py`` makes a fresh one per server when unset). Entries are
     written to a temporary file and renamed into place, so a reader sees a
     whole entry or none; they are read through a memory map, so workers
     share the pages and a hit copies nothing. The oldest used entries go when
     the directory is over ``CHUNKWISE_INDEX_CACHE_BYTES``.
   * :class:`RedisStore`, when ``CHUNKWISE_REDIS_URL`` is set, for several
     replicas. Entries expire ``CHUNKWISE_REDIS_TTL_SECONDS`` after their last
     use, and the server's ``maxmemory`` policy bounds the whole; an entry over
     ``CHUNKWISE_INDEX_CACHE_BYTES`` is not stored.

Shared keys hash the method and the chunks (:func:`app.core.retrieval.fingerprint`),
and every entry repeats its key inside, so different chunks never share an
index. A store that fails (a corrupt entry, a full disk, Redis down) costs a
refit and a warning, never a failed request: corrupt entries are deleted, and
after a Redis error the store is skipped for a few seconds rather than
waiting on it for every request.
"""

from __future__ import annotations

import logging
import mmap
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.core.index_cache import IndexCache
from app.core.index_codec import CorruptIndex, decode, encode
from app.core.retrieval import Index, Method, fingerprint
from app.ops.prometheus import count_cache_lookup

log = logging.getLogger(__name__)

SUFFIX = ".index"
_TEMP_PREFIX = ".partial-"
# A partial file this old belongs to a writer that died mid-write.
_STALE_PARTIAL_SECONDS = 600
# After a Redis error, how long to answer without it.
REDIS_BACKOFF_SECONDS = 5.0
_REDIS_PREFIX = "chunkwise:index:"


def _encoded(index: Index, key: str, max_bytes: int) -> list[bytes | memoryview] | None:
    """The entry's bytes, or None when it cannot be encoded or is over ``max_bytes``."""
    try:
        parts = encode(index, key)
    except ValueError as error:
        log.warning("not storing index: %s", error)
        return None
    if sum(memoryview(p).nbytes for p in parts) > max_bytes:
        return None
    return parts


class SharedStore(Protocol):
    """A level of the cache that every worker (or replica) sees."""

    name: str

    def get(self, key: str) -> Index | None:
        """The index stored under ``key``, or None (absent, unreadable or corrupt)."""

    def put(self, key: str, index: Index) -> None:
        """Store ``index`` under ``key``, if it fits; failures are logged, not raised."""


class DiskStore:
    """Indexes as files in one directory, bounded in total size, least recently used evicted first."""

    name = "disk"

    def __init__(self, directory: Path, max_bytes: int) -> None:
        """Use ``directory`` (created if missing) for at most ``max_bytes`` of entries."""
        self.directory = directory
        self.max_bytes = max_bytes
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{SUFFIX}"

    def get(self, key: str) -> Index | None:
        """The index stored under ``key``, read in place through a memory map."""
        path = self._path(key)
        try:
            with path.open("rb") as file:
                if os.fstat(file.fileno()).st_size == 0:
                    raise CorruptIndex("empty entry")
                # The map outlives the file object; numpy's views keep it alive.
                buffer = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            index = decode(buffer, key)
        except FileNotFoundError:
            return None
        except CorruptIndex as error:
            log.warning("dropping corrupt index entry %s: %s", path.name, error)
            path.unlink(missing_ok=True)
            return None
        except OSError as error:
            log.warning("cannot read index entry %s: %s", path.name, error)
            return None
        try:
            # Eviction goes by modification time, so a hit marks the entry as used.
            os.utime(path)
        except OSError:
            pass
        return index

    def put(self, key: str, index: Index) -> None:
        """Write the entry atomically (temporary file, then rename), then evict over the bound."""
        parts = _encoded(index, key, self.max_bytes)
        if parts is None:
            return
        try:
            fd, partial = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as file:
                    file.writelines(parts)
                os.replace(partial, self._path(key))
            except BaseException:
                os.unlink(partial)
                raise
            self.evict()
        except OSError as error:
            log.warning("cannot store index entry: %s", error)

    def evict(self) -> None:
        """Delete the least recently used entries until the directory holds at most ``max_bytes``."""
        entries = []
        now = time.time()
        for path in self.directory.iterdir():
            try:
                status = path.stat()
            except FileNotFoundError:
                continue
            if path.name.startswith(_TEMP_PREFIX):
                if now - status.st_mtime > _STALE_PARTIAL_SECONDS:
                    path.unlink(missing_ok=True)
            elif path.name.endswith(SUFFIX):
                entries.append((status.st_mtime, status.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


class RedisStore:
    """Indexes in Redis, each expiring ``ttl_seconds`` after its last use."""

    name = "redis"

    def __init__(self, client: Any, ttl_seconds: int, max_bytes: int) -> None:
        """Use ``client`` (a ``redis.Redis``); entries over ``max_bytes`` are not stored."""
        self.client = client
        self.ttl_seconds = ttl_seconds
        self.max_bytes = max_bytes
        self._skip_until = 0.0

    @classmethod
    def from_url(cls, url: str, ttl_seconds: int, max_bytes: int) -> RedisStore:
        """A store on the Redis server at ``url``, with short timeouts so a dead server costs little."""
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=1.0)
        return cls(client, ttl_seconds, max_bytes)

    def _call(self, action: Callable[[], Any]) -> Any:
        import redis

        if time.monotonic() < self._skip_until:
            return None
        try:
            return action()
        except redis.RedisError as error:
            self._skip_until = time.monotonic() + REDIS_BACKOFF_SECONDS
            log.warning(
                "redis unavailable, answering without it for %.0f s: %s", REDIS_BACKOFF_SECONDS, error
            )
            return None

    def get(self, key: str) -> Index | None:
        """The index stored under ``key``; its expiry restarts."""
        name = _REDIS_PREFIX + key
        value = self._call(lambda: self.client.getex(name, ex=self.ttl_seconds))
        if value is None:
            return None
        try:
            return decode(value, key)
        except CorruptIndex as error:
            log.warning("dropping corrupt index entry %s: %s", name, error)
            self._call(lambda: self.client.delete(name))
            return None

    def put(self, key: str, index: Index) -> None:
        """Store the entry with its expiry, unless it is over ``max_bytes``."""
        parts = _encoded(index, key, self.max_bytes)
        if parts is None:
            return
        value = b"".join(parts)
        self._call(lambda: self.client.set(_REDIS_PREFIX + key, value, ex=self.ttl_seconds))


@dataclass(frozen=True, slots=True, eq=False)
class _Held:
    """An index in a worker's memory, with the chunks it was fitted on."""

    chunks: list[str]
    index: Index


def memory_key(chunks: Sequence[str], method: Method) -> str:
    """A cheap key for the worker's memory: the method, every chunk's length, the first and last chunk.

    Hashing every chunk (:func:`app.core.retrieval.fingerprint`) costs about
    5 ms for 10,000 chunks, on every follow-up question; this key, a quarter
    of a millisecond. It is Python's own hash, for this process only, and
    different chunks may share it (an edit that keeps every length): a
    memory hit is taken only when the chunks held with the index are equal
    to the request's, so sharing a key costs a lookup in the shared store,
    never a wrong answer.
    """
    ends = (chunks[0], chunks[-1]) if chunks else ()
    return f"{method}:{len(chunks)}:{hash(tuple(map(len, chunks)))}:{hash(ends)}"


class TieredIndexes:
    """The worker's LRU of indexes in front of an optional shared store.

    The LRU holds each index with the chunks it was fitted on, keyed by
    :func:`memory_key`: confirming a hit compares the chunks (a memory
    comparison, well under a millisecond for 10,000 chunks) instead of
    hashing them all again. The text held beside an index is about a third
    of the index's own size. The shared store is keyed by
    :func:`app.core.retrieval.fingerprint`, computed only on a memory miss.
    """

    def __init__(self, memory: IndexCache[_Held], shared: SharedStore | None) -> None:
        """Look up ``memory`` first, then ``shared`` (None: memory only)."""
        self.memory = memory
        self.shared = shared

    def get_or_fit(
        self, chunks: Sequence[str], method: Method, fit: Callable[[], Index]
    ) -> tuple[Index, str]:
        """The index of ``chunks`` for ``method``, and where it came from.

        Where: ``memory``, the shared store's name, or ``fit``. A fitted
        index is written to the shared store for the other workers.
        """
        wanted = list(chunks)
        loaded: list[tuple[Index, str]] = []

        def load_or_fit() -> _Held:
            loaded.append(self._load_or_fit(fingerprint(wanted, method), fit))
            return _Held(wanted, loaded[0][0])

        held, _ = self.memory.get_or_fit(memory_key(wanted, method), load_or_fit)
        if loaded:
            # A miss; another thread may have stored other chunks under the key meanwhile.
            count_cache_lookup("memory", False)
            return loaded[0]
        if held.chunks == wanted:
            count_cache_lookup("memory", True)
            return held.index, "memory"
        # Other chunks under the same cheap key: answered, but left out of memory.
        count_cache_lookup("memory", False)
        return self._load_or_fit(fingerprint(wanted, method), fit)

    def _load_or_fit(self, key: str, fit: Callable[[], Index]) -> tuple[Index, str]:
        shared = self.shared
        if shared is not None:
            index = shared.get(key)
            count_cache_lookup(shared.name, index is not None)
            if index is not None:
                return index, shared.name
        index = fit()
        if shared is not None:
            shared.put(key, index)
        return index, "fit"


def shared_store(config: Mapping[str, Any]) -> SharedStore | None:
    """The shared level the settings ask for: Redis if a URL is set, else a directory if one is, else none."""
    if config["REDIS_URL"]:
        return RedisStore.from_url(
            config["REDIS_URL"], config["REDIS_TTL_SECONDS"], config["INDEX_CACHE_BYTES"]
        )
    if config["INDEX_CACHE_DIR"]:
        return DiskStore(Path(config["INDEX_CACHE_DIR"]), config["INDEX_CACHE_BYTES"])
    return None
