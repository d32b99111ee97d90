"""Compiling a large catalog takes the objects alive then out of the garbage
collector's full passes (``queries._compile._settle``); a small one does not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

import queries._compile as compile_module
from loaders.synthetic import synthetic_catalog
from queries._compile import compiled


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_large_catalog_is_settled_and_a_small_one_is_not(unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    small = synthetic_catalog(40, seed=3)
    monkeypatch.setattr(compile_module, "SETTLE_ACTIONS", len(compiled(small).actions) + 1)
    assert gc.get_freeze_count() == 0
    large = synthetic_catalog(200, seed=3)
    cp = compiled(large)
    assert len(cp.actions) >= compile_module.SETTLE_ACTIONS
    frozen = gc.get_freeze_count()
    assert frozen > 0
    tracked = gc.get_objects()
    assert not any(o is cp for o in tracked)  # frozen objects are out of the collector's passes
    # the route replay's per-catalog lists were built first, and are frozen too
    needs: object = large.derived("simulate.course_needs", lambda _: pytest.fail("not built before settling"))
    assert needs and not any(o is needs for o in tracked)
    compiled(large)  # cached: no second pass
    assert gc.get_freeze_count() == frozen


def test_a_catalog_replaced_since_is_collected(unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Objects frozen by an earlier catalog are unfrozen before the next pass, so a
    cycle that became garbage since is collected, not kept for ever."""
    monkeypatch.setattr(compile_module, "SETTLE_ACTIONS", 0)

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # type: ignore[attr-defined]  # a reference cycle
    alive = weakref.ref(a)
    compiled(synthetic_catalog(30, seed=1))
    assert gc.get_freeze_count() > 0
    del a, b
    gc.collect()
    assert alive() is not None  # frozen: a full pass does not reach it
    compiled(synthetic_catalog(30, seed=2))
    assert alive() is None
