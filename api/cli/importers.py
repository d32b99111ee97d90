"""``skillgraph import``: public data sets as catalog files that validate, plan, db load and the pages accept.

``import metacademy FILE -o OUT``: Metacademy's concept graph (the mapping
and its choices are in :mod:`loaders.metacademy`).
"""

from __future__ import annotations

import argparse
from typing import Any

from loaders.metacademy import import_metacademy

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``import`` to the CLI's subparsers."""
    p = sub.add_parser("import", help="turn a public data set into a catalog file")
    isub = p.add_subparsers(dest="import_command", metavar="DATASET")
    isub.required = True
    m = isub.add_parser("metacademy", help="Metacademy's concept graph (graph_data.json) as skills and steps",
                        description="Concepts become skills with their prerequisites; each resource that teaches a "
                                    "concept becomes a step (hours: the concept's learn_time; free or paid). "
                                    "The catalog keeps Metacademy's CC BY-SA 3.0 attribution.")
    m.add_argument("file", help="Metacademy's Django fixture, graph_data.json")
    m.add_argument("-o", "--output", required=True, metavar="OUT.yaml", help="catalog file to write (.yaml or .json)")
    m.add_argument("--core-only", action="store_true", help="keep only the resources Metacademy marks core")
    m.add_argument("-v", "--verbose", action="store_true", help="list what could not be mapped")
    m.set_defaults(handler=_metacademy)


def _metacademy(args: argparse.Namespace) -> int:
    summary = import_metacademy(args.file, args.output, core_only=args.core_only)
    for line in summary.lines(args.output):
        print(line)
    if args.verbose:
        for title in sorted(set(summary.unmatched)):
            print(f"  unmatched extra prerequisite: {title}")
        for sid in summary.untaught:
            print(f"  taught by no resource: {sid}")
    return 0
