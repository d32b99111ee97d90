"""A HiGHS instance released by a finished model (``Model.release``) serves the next
model of the same thread with nothing carried over: the same answers as fresh instances."""

from __future__ import annotations

import threading

import pytest

import queries._solver as solver_module
from tests.queries.test_relaxation import _models


def _answers(reuse: bool) -> tuple[list[tuple[object, ...]], int]:
    out: list[tuple[object, ...]] = []
    seen: list[object] = []  # every instance used, kept alive so identity means reuse
    reused = 0
    for seed in range(60):
        for model in _models(seed):
            reused += any(model.h is h for h in seen)
            seen.append(model.h)
            sol = model.solve()
            out.append((sol.status, sorted(sol.chosen), sol.value, sol.bound))
            model.release()
            if not reuse:
                solver_module._idle.pool = []
    return out, reused


def test_a_reused_instance_gives_the_answers_fresh_ones_give() -> None:
    fresh, none = _answers(reuse=False)
    assert none == 0
    again, reused = _answers(reuse=True)
    assert again == fresh
    assert reused > 50  # instances did go round
    assert sum(1 for a in fresh if a[0] == "optimal") > 100


def test_a_released_model_cannot_be_solved_and_pools_stay_per_thread() -> None:
    model = _models(3)[0]
    model.solve()
    model.release()
    model.release()  # twice is harmless
    with pytest.raises(AttributeError):
        model.solve()
    taken = solver_module._take_highs()
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(getattr(solver_module._idle, "pool", None)))
    thread.start()
    thread.join()
    assert seen == [None]  # another thread never sees this thread's instances
    assert len(getattr(solver_module._idle, "pool", [])) <= solver_module._IDLE_MAX
    del taken
