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


def test_the_legend_and_the_layout_read_the_schema() -> None:
    from api.pages.layout import _BACKWARD

    assert {rel: s.label for rel, s in EDGE_STYLES.items()} == {t: r.legend for t, r in RELATIONSHIP_TYPES.items()}
    assert EDGE_STYLES["REQUIRES"].label == "requires (prerequisite)" and EDGE_STYLES["TEACHES"].label == "teaches"
    assert {"REQUIRES", "VALIDATES", "AWARDED_FOR", "NEEDS", "VALUES"} == _BACKWARD
