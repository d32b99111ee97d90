"""The pages draw every relationship type of the one schema table, named as the schema names it."""

from __future__ import annotations

from api.pages.styles import EDGE_STYLES, edge_label
from graph.schema import RELATIONSHIP_TYPES


def test_every_relationship_type_has_a_style_and_nothing_else_does() -> None:
    assert set(EDGE_STYLES) == set(RELATIONSHIP_TYPES)


def test_edge_labels_use_the_schemas_verbs() -> None:
    for rel, spec in RELATIONSHIP_TYPES.items():
        assert edge_label(rel, {})[0] == spec.verb
    assert edge_label("TEACHES", {"level": 2})[0] == "teaches L2"
    assert edge_label("NEEDS", {"importance": "optional"})[0] == "needs (optional)"
