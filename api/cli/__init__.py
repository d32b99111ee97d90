"""The ``skillgraph`` command line.

One module per command group, each with ``register(subparsers)``, which adds
its parsers and sets ``handler=callable(args) -> int`` on them:
:mod:`api.cli.plan` (``plan``, ``roles``, ``gap``), :mod:`api.cli.catalog`
(``show``, ``validate``, ``catalog stats``), :mod:`api.cli.viz` (``viz``),
:mod:`api.cli.db` (``db serve|load|status|validate``, ``cypher``, ``export``)
:mod:`api.cli.serve` (``serve``) and :mod:`api.cli.importers` (``import``). Optional dependencies (neo4j, pyvis,
uvicorn) are imported inside the handlers that need them.

Exit status: 0 done; 1 an error in what was asked (an unknown id, a broken
catalog, an unreachable database), one line on stderr
(``skillgraph: error: ...``), no traceback; 2 bad usage (an unknown option, a
bad value, a missing argument, options that exclude each other), with a
message on stderr; 3 a route that does not reach every essential goal; 130
interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.cli import catalog, db, importers, plan, serve, viz
from api.cli.options import UsageError
from api.cli.plan import render_plan
from graph.errors import CatalogError, SkillGraphError

__all__ = ["main", "render_plan"]

_COMMAND_GROUPS = (plan, catalog, viz, db, serve, importers)
_LISTED = 19  # a broken catalog's errors printed under its message at most


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="skillgraph",
        description="Plan the proven-cheapest learning route into machine learning roles.",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for group in _COMMAND_GROUPS:
        group.register(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``skillgraph`` command; returns the exit status (argparse's own usage errors exit 2)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as err:
        for problem in err.problems or [str(err)]:
            print(f"skillgraph: error: {problem}", file=sys.stderr)
        return 2
    except SkillGraphError as err:
        print(f"skillgraph: error: {err}", file=sys.stderr)
        if isinstance(err, CatalogError):
            for issue in err.listed[:_LISTED]:
                print(f"  {issue}", file=sys.stderr)
            if len(err.listed) > _LISTED:
                print(f"  ... and {len(err.listed) - _LISTED} more", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("skillgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
