"""How the pages draw things: node shapes and colours per kind, edge colours and
dash patterns per relationship type, edge labels, and the legend's SVG swatches.

The legend drawings are fixed markup (no catalog text), so they are marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from api.formatting import level_tag
from graph.catalog import Kind
from graph.schema import RELATIONSHIP_TYPES

__all__ = [
    "EDGE_STYLES",
    "FADED",
    "FADED_EDGE",
    "FADED_FONT",
    "NODE_STYLES",
    "ROUTE_EDGE",
    "EdgeStyle",
    "NodeStyle",
    "edge_label",
    "legend_line",
    "legend_shape",
    "rel_style",
]


@dataclass(frozen=True)
class NodeStyle:
    """How a node kind is drawn: a vis-network shape, a fill and a border colour."""

    label: str
    shape: str
    color: str
    border: str
    size: int = 16


@dataclass(frozen=True)
class EdgeStyle:
    """How a relationship type is drawn; ``dashes`` is a vis-network dash pattern."""

    label: str
    color: str
    dashes: bool | list[int] = False


NODE_STYLES: dict[Kind, NodeStyle] = {
    "skill": NodeStyle("Skill", "dot", "#4e8ff7", "#1d5fc4", 12),
    "course": NodeStyle("Course, book or project", "box", "#6cc07a", "#2e7d32"),
    "program": NodeStyle("Program (specialization)", "hexagon", "#b48be0", "#6a3d9a", 20),
    "cert": NodeStyle("Certification", "diamond", "#f6c343", "#b7860b", 18),
    "role": NodeStyle("Job role", "star", "#ef6a5b", "#b3261e", 26),
}

_EDGE_LOOKS: dict[str, tuple[str, bool | list[int]]] = {  # colour and dashes, in legend order
    "REQUIRES": ("#d62728", [8, 5]),
    "TEACHES": ("#2ca02c", False),
    "PART_OF": ("#9467bd", [2, 4]),
    "PREPARES_FOR": ("#ff7f0e", False),
    "VALIDATES": ("#17becf", [12, 4, 2, 4]),
    "AWARDED_FOR": ("#8c564b", [2, 2]),
    "NEEDS": ("#1f77b4", False),
    "VALUES": ("#e377c2", [10, 3]),
}
#: how each relationship type is drawn; the text is the schema's (:attr:`graph.schema.RelType.legend`)
EDGE_STYLES: dict[str, EdgeStyle] = {rel: EdgeStyle(RELATIONSHIP_TYPES[rel].legend, color, dashes)
                                     for rel, (color, dashes) in _EDGE_LOOKS.items()}
ROUTE_EDGE = EdgeStyle("route order", "#111111")
FADED = {"background": "#eeeeee", "border": "#d4d4d4"}
FADED_FONT = "#a8a8a8"
FADED_EDGE = "#e2e2e2"


def rel_style(rel: str) -> EdgeStyle:
    if rel == "ROUTE":
        return ROUTE_EDGE
    if rel == "HAS":
        return EdgeStyle("you have", "#90a4ae", [3, 3])
    return EDGE_STYLES.get(rel, EdgeStyle(rel.lower(), "#999999"))


def edge_label(rel: str, data: dict[str, Any]) -> tuple[str, float]:
    level = data.get("level")
    optional = data.get("importance") == "optional"
    text = RELATIONSHIP_TYPES[rel].verb if rel in RELATIONSHIP_TYPES else rel.lower()
    if level:
        text += f" {level_tag(level)}"
    if rel == "PART_OF" and data.get("order") is not None:
        text += f" #{data['order'] + 1}"
    if data.get("group"):
        text += " (any of)"
    if optional:
        text += " (optional)"
    width = 1.0 + 0.8 * ((level or 1) - 1)
    return text, width




# -- legend drawings (fixed markup; no catalog text) ---------------------------------
def legend_shape(style: NodeStyle) -> Markup:
    f, b = style.color, style.border
    body = {
        "dot": f'<circle cx="11" cy="11" r="7" fill="{f}" stroke="{b}"/>',
        "box": f'<rect x="2" y="5" width="18" height="12" rx="3" fill="{f}" stroke="{b}"/>',
        "hexagon": f'<polygon points="6,3 16,3 21,11 16,19 6,19 1,11" fill="{f}" stroke="{b}"/>',
        "diamond": f'<polygon points="11,2 20,11 11,20 2,11" fill="{f}" stroke="{b}"/>',
        "star": (f'<polygon points="11,1 13.6,7.8 21,8.2 15.2,12.8 17.2,20 11,16 4.8,20 6.8,12.8 1,8.2 8.4,7.8" '
                 f'fill="{f}" stroke="{b}"/>'),
    }.get(style.shape, f'<circle cx="11" cy="11" r="7" fill="{f}" stroke="{b}"/>')
    return Markup(f'<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">{body}</svg>')


def legend_line(style: EdgeStyle) -> Markup:
    dash = ""
    if isinstance(style.dashes, list):
        dash = f' stroke-dasharray="{" ".join(str(d) for d in style.dashes)}"'
    elif style.dashes:
        dash = ' stroke-dasharray="5 5"'
    width = 4 if style is ROUTE_EDGE else 2
    return Markup(f'<svg width="40" height="12" viewBox="0 0 40 12" aria-hidden="true">'
                  f'<line x1="1" y1="6" x2="32" y2="6" stroke="{style.color}" stroke-width="{width}"{dash}/>'
                  f'<polygon points="32,2 39,6 32,10" fill="{style.color}"/></svg>')

