"""Benchmark of the importers and the planner on the real data sets, with a greedy baseline.

Usage::

    python -m benchmarks.bench_real_data [--data ../shared/data] [--only metacademy,esco]

* **Metacademy**: import time, then every concept planned from nothing
  (``plan(skills=[concept])``): p50 / p95 / max in ms, the share proven
  optimal, how many are feasible; baseline in the same run: the greedy
  backward-chaining planner of :mod:`benchmarks.bench_planner` on the same
  requests (its time, and how much longer its routes are).
* **ESCO**: import time of all 3,007 occupations; then ``closest_roles`` over
  all of them for one learner (the ``roles`` command), against the baseline
  of one ``plan`` call.

The data sets are read from ``--data`` (default ``../shared/data`` beside the
repository) and never downloaded.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench_planner import Greedy, pct
from loaders import load_catalog
from loaders.esco import import_esco
from loaders.metacademy import import_metacademy
from queries.gaps import closest_roles
from queries.planner import plan

TARGETS = {"metacademy": "<= 10 ms p50, <= 25 ms p95, all proven"}


def _ms(values: list[float]) -> str:
    return f"{pct(values, 0.5):.1f} / {pct(values, 0.95):.1f} / {max(values):.1f}"


def metacademy(data: Path, out: Path) -> list[str]:
    t = time.perf_counter()
    import_metacademy(data / "metacademy" / "graph_data.json", out / "metacademy.yaml")
    imported = time.perf_counter() - t
    cat = load_catalog(out / "metacademy.yaml")
    greedy = Greedy(cat)
    lat, glat, excess = [], [], []
    proven = feasible = 0
    plan(cat, skills=[cat.skills[0].id])  # warm-up: compiles the catalog once
    for s in cat.skills:
        t = time.perf_counter()
        p = plan(cat, skills=[s.id])
        lat.append((time.perf_counter() - t) * 1000)
        proven += p.optimal
        feasible += p.feasible
        t = time.perf_counter()
        route = greedy.run([], [(s.id, 1)], [])
        glat.append((time.perf_counter() - t) * 1000)
        if route is not None and p.feasible and p.total_hours > 0:
            hours = sum(cat.course(c).hours for c in route)
            excess.append(100 * (hours - p.total_hours) / p.total_hours)
    n = len(cat.skills)
    return [f"metacademy  import {imported:.1f} s; {n} concepts planned from nothing: p50/p95/max "
            f"{_ms(lat)} ms, proven {proven}/{n}, feasible {feasible}  (target {TARGETS['metacademy']})",
            f"            greedy baseline, same requests: p50/p95/max {_ms(glat)} ms, its routes "
            f"+{statistics.mean(excess):.1f}% hours on average, up to +{max(excess):.0f}%"]


def esco(data: Path, out: Path) -> list[str]:
    t = time.perf_counter()
    summary = import_esco(data / "esco-v1.1.1" / "classification-en-csv.zip",
                          data / "esco-v1.1.1" / "relations-csv.zip", out / "esco.yaml")
    imported = time.perf_counter() - t
    t = time.perf_counter()
    cat = load_catalog(out / "esco.yaml")
    loaded = time.perf_counter() - t
    have = ["use-databases", "manage-ict-data-classification"]
    t = time.perf_counter()
    one = plan(cat, have=have, role=cat.roles[0].id)
    single = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    ranked = closest_roles(cat, have, k=len(cat.roles))
    ranking = time.perf_counter() - t
    return [f"esco        import {imported:.1f} s ({summary.roles:,} roles, {summary.skills:,} skills, "
            f"{summary.links:,} links); catalog file read {loaded:.1f} s; rank all {len(ranked):,} roles "
            f"{ranking:.1f} s ({1000 * ranking / len(ranked):.2f} ms a role)",
            f"            baseline: one plan {single:.1f} ms (feasible={one.feasible})"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"),
                    help="folder with metacademy/ and esco-v1.1.1/ (default: ../shared/data)")
    ap.add_argument("--only", default="metacademy,esco", help="comma list: metacademy, esco")
    args = ap.parse_args(argv)
    data = Path(args.data)
    only = {o.strip() for o in args.only.split(",")}
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        if "metacademy" in only:
            lines += metacademy(data, Path(tmp))
        if "esco" in only:
            lines += esco(data, Path(tmp))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
