"""A request's components, computed from the catalog's cached ones, equal Tarjan's
on the request's subgraph computed from scratch."""

from __future__ import annotations

import random

import pytest

from loaders.synthetic import synthetic_catalog
from queries._compile import compiled
from queries._scc import Node, components, tarjan


def _partition(comp: dict[Node, int]) -> set[frozenset[Node]]:
    groups: dict[int, set[Node]] = {}
    for node, c in comp.items():
        groups.setdefault(c, set()).add(node)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize("seed", range(6))
def test_components_of_a_subgraph_match_tarjan_from_scratch(seed: int) -> None:
    cp = compiled(synthetic_catalog(400, seed=seed))
    rng = random.Random(seed)
    for share in (0.2, 0.6, 1.0):
        acts = {a.idx for a in cp.actions if rng.random() < share}
        facts = {f for f in range(len(cp.facts)) if rng.random() < max(share, 0.5)}
        nodes: list[Node] = [("a", a) for a in sorted(acts)] + [("f", f) for f in sorted(facts)]
        succ: dict[Node, list[Node]] = {n: [] for n in nodes}
        for a in acts:
            succ[("a", a)] += [("f", f) for f in cp.actions[a].add if f in facts]
            for f in cp.actions[a].pre:
                if f in facts:
                    succ[("f", f)].append(("a", a))
        expected = _partition(tarjan(nodes, succ))
        assert _partition(components(cp, acts, facts)) == expected
        assert any(len(g) > 1 for g in expected) or share < 1.0  # the catalogs do have cycles of support
