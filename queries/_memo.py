"""Solved problems, remembered per compiled catalog.

Two requests often differ only in ways the solver never sees: a learner who
also knows something no step towards the target needs, or holds a skill at
a level nothing on the way asks for, prunes to the same problem as one who
does not. The integer model is a function of the pruned problem (its steps,
facts, goals and pinned steps) and of the request's objective, caps, pace
and free-only setting, so an answer proven optimal for one such problem is
the answer for every request that prunes to it.

Only proven answers are kept (never a time-limited or uncertified one), and
a remembered route is still replayed and checked for spare steps against
the new request's own start before it is used (the planner's ``accept``);
if that check fails the problem is solved afresh.

The memory is bounded (least recently used first out); its size comes from
``SKILLGRAPH_SOLVED_CACHE_SIZE`` (default 4096 problems, 0 turns it off).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable

from graph.lru import Lru
from queries._compile import Compiled
from queries._solver import Solution

__all__ = ["Solved", "solved"]

DEFAULT_SIZE = 4096
_create = threading.Lock()


class Solved(Lru[Hashable, Solution]):
    """Proven answers by pruned problem; each caller gets its own copy."""

    def get(self, key: Hashable) -> Solution | None:
        """A fresh copy of the answer remembered for ``key``, or None."""
        sol = super().get(key)
        return None if sol is None else Solution(sol.status, set(sol.chosen), sol.value, sol.bound)

    def put(self, key: Hashable, value: Solution) -> None:
        """Remember ``value`` when it is a proven optimum that needed no repair."""
        if value.status == "optimal" and not value.timed_out and not value.notes:
            super().put(key, Solution(value.status, set(value.chosen), value.value, value.bound))


def solved(cp: Compiled) -> Solved:
    """The memory of ``cp`` (one per compiled catalog, so a new catalog version starts empty)."""
    if cp.solved is None:
        with _create:
            if cp.solved is None:
                raw = os.environ.get("SKILLGRAPH_SOLVED_CACHE_SIZE", "").strip()
                try:
                    size = int(raw) if raw else DEFAULT_SIZE
                except ValueError:
                    raise ValueError(f"SKILLGRAPH_SOLVED_CACHE_SIZE must be a whole number, not {raw!r}") from None
                cp.solved = Solved(size)
    assert isinstance(cp.solved, Solved)
    return cp.solved
