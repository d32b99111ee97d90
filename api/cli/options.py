"""What the ``skillgraph`` commands share: option types, the catalog and format
options, usage errors, and printing a result as a table or JSON.

Usage errors exit with status 2 and one message on stderr: argparse's own (an
unknown flag, a bad value, a missing argument; the types here refuse bad
numbers at parse time) and :class:`UsageError`, for options that exclude or
need each other.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import Any

from graph.catalog import Catalog

__all__ = ["UsageError", "add_catalog", "add_format", "csv", "emit", "load", "number", "whole"]


class UsageError(Exception):
    """The options (or settings) given do not fit together (exit status 2); ``problems`` are
    each one line of the message, the first also ``str(err)``."""

    def __init__(self, *problems: str):
        self.problems = list(problems)
        super().__init__(problems[0] if problems else "bad usage")


def csv(text: str) -> list[str]:
    """``a, b,,c`` -> ``["a", "b", "c"]``."""
    return [p.strip() for p in text.split(",") if p.strip()]


def whole(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``lo`` (to ``hi``).

    Examples
    --------
    >>> whole(0, 5)("3"), whole(1)("12")
    (3, 12)
    >>> whole(0, 5)("9")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: must be a whole number from 0 to 5, not 9
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if hi is not None and not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be a whole number from {lo} to {hi}, not {value}")
        if value < lo:
            raise argparse.ArgumentTypeError(f"must be at least {lo}, not {value}")
        return value

    return parse


def number(lo: float, hi: float | None = None, *, above: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number >= ``lo`` (> ``lo`` with ``above``), at most ``hi``.

    Examples
    --------
    >>> number(0)("12.5"), number(0.5, 168)("10")
    (12.5, 10.0)
    >>> number(0)("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: must be a number >= 0, not -1
    """
    bound = f"> {lo:g}" if above else f">= {lo:g}"
    want = f"a number from {lo:g} to {hi:g}" if hi is not None else f"a number {bound}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value < lo or (above and value == lo) or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"must be {want}, not {text}")
        return value

    return parse


def add_catalog(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalog", metavar="FILE", help="catalog file (YAML or JSON); default: the shipped seed")


def add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")


def load(args: argparse.Namespace) -> Catalog:
    """The catalog a command runs on: ``--catalog FILE``, the live graph with ``--db``, or the seed."""
    from loaders import load_catalog

    if getattr(args, "db", False):
        if args.catalog:
            raise UsageError("give --catalog FILE or --db, not both")
        from api.cli.db import snapshot_from_env

        return snapshot_from_env()
    return load_catalog(args.catalog)


def emit(args: argparse.Namespace, data: Any, table: Callable[[], str]) -> None:
    """Print ``data`` as JSON with ``--format json``, else ``table()``."""
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(table())
