"""How the interfaces write money, hours and levels.

Written once here for the command line and the pages, so a price or a level
reads the same everywhere; :func:`money` itself lives in :mod:`graph.models`,
so the planner's reasons write amounts the same way.

Examples
--------
>>> money(49), money(89.99), money(None), money(1234.5, symbol="")
('$49', '$89.99', '?', '1,234.50')
>>> price(49, True), price(0, True, free="free"), price(None, True, unknown="price unknown")
('$49 (audit free)', 'free', 'price unknown')
>>> hours(12.5), level_label("numpy", 1), level_label("pandas", 2), level_tag(1)
('12.5 h', 'numpy', 'pandas L2', 'L1')
>>> counted(1, "step"), counted(0, "step"), counted(1_200, "relationship"), counted(1, "skills")
('1 step', '0 steps', '1,200 relationships', '1 skill')
"""

from __future__ import annotations

from graph.models import money  # the domain's one way to write an amount, re-exported for the interfaces

__all__ = ["AUDIT_FREE", "counted", "hours", "level_label", "level_tag", "money", "price"]

#: the note after the price of a course that can be audited for free
AUDIT_FREE = " (audit free)"


def price(usd: float | None, free_audit: bool, *, unknown: str = "?", free: str | None = None,
          note: str = AUDIT_FREE) -> str:
    """What a step costs: :func:`money`, ``free`` (when given) for 0, and ``note`` when a paid
    course can be audited for free."""
    if usd == 0 and free is not None:
        return free
    return money(usd, unknown=unknown) + (note if free_audit and usd else "")


def hours(value: float) -> str:
    """Hours as ``12.5 h``."""
    return f"{value:g} h"


def level_tag(level: int) -> str:
    """A level as people read it: ``L2`` (1 basic, 2 working, 3 advanced)."""
    return f"L{level}"


def level_label(skill: str, level: int | None) -> str:
    """A skill at a level: ``pandas L2``; level 1 (or none) is the plain id."""
    return skill if not level or level == 1 else f"{skill} {level_tag(level)}"


def counted(n: int, noun: str) -> str:
    """``1 step``, ``2 steps``: a count with its noun, singular or plural (``noun`` either way; plurals add 's')."""
    one = noun.removesuffix("s")
    return f"{n:,} {one}" if n == 1 else f"{n:,} {one}s"
