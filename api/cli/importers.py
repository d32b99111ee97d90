"""``skillgraph import``: public data sets as catalog files that validate, plan, db load and the pages accept.

``import metacademy FILE -o OUT``: Metacademy's concept graph (the mapping
and its choices are in :mod:`loaders.metacademy`). ``import esco
CLASSIFICATION.zip RELATIONS.zip -o OUT``: ESCO v1.1.1 occupations as roles
(:mod:`loaders.esco`). Progress goes to stderr; stdout says what was made.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from loaders.esco import COLLECTIONS, import_esco
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
    e = isub.add_parser("esco", help="ESCO v1.1.1 occupations as roles with essential and optional needs",
                        description="Occupations become roles, skills become skills (ESCO URIs kept). ESCO has no "
                                    "courses and no learn-first order: none is invented. Merge with a catalog that "
                                    "has courses to plan routes.")
    e.add_argument("classification", help="classification-en-csv.zip (occupations_en.csv, skills_en.csv...)")
    e.add_argument("relations", help="relations-csv.zip (occupationSkillRelations.csv...)")
    e.add_argument("-o", "--output", required=True, metavar="OUT.yaml", help="catalog file to write (.yaml or .json)")
    e.add_argument("--occupations", default="", metavar="CODES_OR_WORDS",
                   help="comma list: ISCO group prefixes (25: ICT professionals) or words in the label")
    e.add_argument("--skills", choices=sorted(COLLECTIONS), help="keep only needs on skills of this ESCO collection")
    e.add_argument("--merge", metavar="CATALOG",
                   help="a catalog file with courses to merge with ('seed': the shipped one)")
    e.add_argument("-v", "--verbose", action="store_true", help="list the ESCO skills the merged catalog lacks")
    e.set_defaults(handler=_esco)


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


def _esco(args: argparse.Namespace) -> int:
    def progress(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    summary = import_esco(args.classification, args.relations, args.output,
                          occupations=[o for o in args.occupations.split(",") if o.strip()],
                          collection=args.skills, merge=args.merge, progress=progress)
    for line in summary.lines(args.output, merged=args.merge is not None):
        print(line)
    if args.verbose:
        for name in summary.unmatched:
            print(f"  not in the merged catalog: {name}")
    return 0
