"""A bounded, thread-safe map that forgets the least recently used entry first.

The one cache of skillgraph's long-running processes: the HTTP API's response
bodies per snapshot (:mod:`api.http.snapshots`), and per compiled catalog the
planner's answers by pruned problem (:mod:`queries._memo`) and its per-constraint
tables (:mod:`queries.planner`).

Examples
--------
>>> cache = Lru[str, int](2)
>>> cache.put("a", 1); cache.put("b", 2); cache.get("a")
1
>>> cache.put("c", 3); cache.get("b") is None, len(cache), (cache.hits, cache.misses)
(True, 2, (1, 1))
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["Lru"]

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most ``size`` entries (``size <= 0``: nothing is kept); counts hits and misses."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
