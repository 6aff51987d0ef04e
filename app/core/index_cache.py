"""A bounded, thread-safe LRU cache of fitted indexes, so repeated questions do not refit.

gunicorn runs each worker with several threads, so lookups and inserts hold a
lock. Fitting happens outside the lock: a long fit must not stall questions
against other chunks. Two threads missing the same key at once may both fit;
the first result stored wins and both answers are identical, which is cheaper
than making every request wait on a per-key lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class IndexCache(Generic[V]):
    """Keeps the ``capacity`` most recently used values, keyed by strings.

    Attributes:
        capacity: Most values kept; the least recently used goes first.
        hits: Lookups answered from the cache.
        misses: Lookups that had to fit.
    """

    def __init__(self, capacity: int) -> None:
        """Create an empty cache.

        Raises:
            ValueError: When ``capacity`` is less than 1.
        """
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._values: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Number of values held."""
        with self._lock:
            return len(self._values)

    def get_or_fit(self, key: str, fit: Callable[[], V]) -> tuple[V, bool]:
        """The value for ``key``, fitting and storing it when absent.

        Args:
            key: Identifies what ``fit`` would build (e.g. a hash of the inputs).
            fit: Builds the value; called only on a miss.

        Returns:
            The value, and True when it came from the cache.
        """
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key], True
            self.misses += 1
        value = fit()
        with self._lock:
            stored = self._values.setdefault(key, value)
            self._values.move_to_end(key)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)
        return stored, False
