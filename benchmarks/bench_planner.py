"""Benchmark of the route planner against DESIGN.md's targets, with a greedy baseline.

Usage::

    python -m benchmarks.bench_planner [--quick] [--calls N] [--seed S] [--time-limit SEC]
                                       [--only seed,1000,10000] [--profile]

For the shipped seed catalog (skipped with a note when it cannot be loaded)
and synthetic catalogs of 1,000 and 10,000 courses
(:func:`loaders.synthetic.synthetic_catalog`), it times
:func:`queries.planner.plan` on realistic requests (the catalog's learner
situations, then :func:`loaders.synthetic.learners`), objective ``hours``:

* the compile time (the planner's compiled form, built once per catalog) and
  the first call (warm-up), reported apart;
* p50 / p95 latency in ms of the calls after the warm-up, the share proven
  optimal, and PASS/MISS against the p50 target (the synthetic targets also
  ask for every answer to be proven optimal);
* a greedy baseline measured on the same requests: backward chaining that,
  for each unmet goal, takes the fewest-hours course (or exam) giving it,
  first satisfying that course's missing prerequisites the same way. Its
  p50 / p95, how much longer its routes are than the planner's optimal ones
  (mean and max % excess in hours), and how often it finds no route.

Every route (planner's and greedy's) is re-checked by forward simulation
(:func:`queries.simulate.simulate`); exceptions, failed checks, non-optimal
answers and greedy routes cheaper than a "proven optimal" one are listed
after the table with a reproducer. Each catalog has a wall-time budget so
the whole run stays within about three minutes on two cores; when the
budget runs out fewer calls are made, and the table says so.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.catalog import Catalog
from graph.models import AnyOf, CertRef, SkillLevel
from loaders.synthetic import learners, synthetic_catalog
from queries.planner import plan
from queries.simulate import parse_have, simulate, unmet_goals

TARGET_MS = {"seed": 5.0, "1,000": 25.0, "10,000": 250.0}  # issue 12 (DESIGN.md had 50 and 500)
Request = tuple[list[str], str | None, str | None]  # have, role, cert


# -- greedy baseline ------------------------------------------------------------------
class Greedy:
    """Backward-chaining greedy by hours (the baseline).

    For each unmet goal item in turn: take the fewest-hours step that gives
    it (ties by id), after first achieving that step's missing prerequisites
    the same way (an ``any_of`` group by its member with the cheapest
    teacher). A step whose prerequisites cannot be met is skipped for the
    next cheapest; steps taken on a failed attempt stay in the route.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.cat = catalog
        skills = {s.id: s for s in catalog.skills}
        self.pre: dict[str, list[Any]] = {}
        self.teachers: dict[str, list[tuple[float, str, int]]] = {}
        for c in catalog.courses:
            taught: dict[str, int] = {}
            for t in c.teaches:
                taught[t.skill] = max(taught.get(t.skill, 0), t.level)
            pre = list(c.requires)
            for sid in taught:
                for r in skills[sid].requires if sid in skills else []:
                    members = r.any_of if isinstance(r, AnyOf) else [r]
                    if not any(isinstance(m, SkillLevel) and taught.get(m.skill, 0) >= m.level for m in members):
                        pre.append(r)
            self.pre[c.id] = pre
            for sid, lvl in taught.items():
                self.teachers.setdefault(sid, []).append((float(c.hours), c.id, lvl))
        for lst in self.teachers.values():
            lst.sort()
        self.certs = {x.id: x for x in catalog.certs}
        self.programs = {p.id: p for p in catalog.programs}
        self.hours = {c.id: float(c.hours) for c in catalog.courses}
        self.hours.update({x.id: float(x.prep_hours) for x in catalog.certs if x.kind == "vendor-exam"})

    def run(self, have: Sequence[str], skills: list[tuple[str, int]], certs: list[str]) -> list[str] | None:
        st = parse_have(self.cat, have)
        self.skill = dict(st.skills)
        self.held = set(st.certs)
        self.done = set(st.done)
        self.route: list[str] = []
        self.calls = 0
        ok = all(self._skill(s, lvl, ()) for s, lvl in skills)
        ok = ok and all(self._cert(x, ()) for x in certs)
        return self.route if ok else None

    def _holds(self, r: Any) -> bool:
        if isinstance(r, AnyOf):
            return any(self._holds(m) for m in r.any_of)
        if isinstance(r, CertRef):
            return r.cert in self.held
        return self.skill.get(r.skill, 0) >= r.level

    def _req(self, r: Any, stack: tuple[Any, ...]) -> bool:
        if self._holds(r):
            return True
        if isinstance(r, AnyOf):
            def est(m: Any) -> float:
                if isinstance(m, CertRef):
                    return self.hours.get(m.cert, 1e9)
                return next((h for h, _, lvl in self.teachers.get(m.skill, []) if lvl >= m.level), 1e9)
            return any(self._req(m, stack) for m in sorted(r.any_of, key=est))
        if isinstance(r, CertRef):
            return self._cert(r.cert, stack)
        return self._skill(r.skill, r.level, stack)

    def _take(self, cid: str, stack: tuple[Any, ...]) -> bool:
        if cid in self.done:
            return True
        key = ("course", cid)
        if key in stack or len(stack) > 40:
            return False
        self.calls += 1
        if self.calls > 200_000:  # a safety net; real catalogs stay far below it
            return False
        if not all(self._req(r, (*stack, key)) for r in self.pre[cid]):
            return False
        self.route.append(cid)
        self.done.add(cid)
        for t in self.cat.course(cid).teaches:
            if t.level > self.skill.get(t.skill, 0):
                self.skill[t.skill] = t.level
        self._award()
        return True

    def _skill(self, sid: str, level: int, stack: tuple[Any, ...]) -> bool:
        if self.skill.get(sid, 0) >= level:
            return True
        key = ("skill", sid, level)
        if key in stack:
            return False
        return any(lvl >= level and self._take(cid, (*stack, key)) for _, cid, lvl in self.teachers.get(sid, []))

    def _cert(self, xid: str, stack: tuple[Any, ...]) -> bool:
        if xid in self.held:
            return True
        key = ("cert", xid)
        x = self.certs.get(xid)
        if x is None or key in stack:
            return False
        inner = (*stack, key)
        if not all(self._req(r, inner) for r in x.requires):
            return False
        if x.kind == "vendor-exam":
            self.route.append(xid)
            self.held.add(xid)
            self._award()
            return True
        program = self.programs.get(x.program or "")
        if program is None or not all(self._take(cid, inner) for cid in program.courses):
            return False
        self._award()
        return xid in self.held

    def _award(self) -> None:
        for x in self.certs.values():
            if x.kind == "completion" and x.program and x.id not in self.held:
                p = self.programs.get(x.program)
                if p and all(c in self.done for c in p.courses) and all(self._holds(r) for r in x.requires):
                    self.held.add(x.id)


def goal_of(catalog: Catalog, role: str | None, cert: str | None) -> tuple[list[tuple[str, int]], list[str]]:
    """The essential goal of a role and/or cert: (skill, level) pairs and cert ids."""
    skills: list[tuple[str, int]] = []
    certs: list[str] = []
    if role:
        r = catalog.role(role)
        skills = [(n.skill, n.level) for n in r.needs if n.importance == "essential"]
        certs = [v.cert for v in r.values if v.importance == "essential"]
    if cert:
        certs.append(cert)
    return skills, certs


# -- measurement ------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    courses: int = 0
    target_ms: float = 0.0
    calls: int = 0
    planned: int = 0
    budget_hit: bool = False
    build_s: float | None = None
    compile_ms: float | None = None
    first_ms: float | None = None
    lat: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    optimal: int = 0
    g_lat: list[float] = field(default_factory=list)
    g_fail: int = 0
    excess: list[float] = field(default_factory=list)
    note: str = ""


@dataclass
class Problem:
    catalog: str
    request: Request
    what: str


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def requests_for(catalog: Catalog, n: int, seed: int) -> list[Request]:
    out: list[Request] = [(list(s.have), s.role, s.cert) for s in catalog.situations if s.role or s.cert]
    out = out[:n]
    out += [(have, role, None) for have, role in learners(catalog, n - len(out), seed=seed)]
    return out


def repro(name: str, seed: int, req: Request, time_limit: float) -> str:
    have, role, cert = req
    cat = "load_catalog()" if name == "seed" else f"synthetic_catalog({name.replace(',', '')}, seed={seed})"
    target = f"role={role!r}" if role else f"cert={cert!r}"
    return f"plan({cat}, have={have!r}, {target}, objective='hours', time_limit={time_limit:g})"


def bench(name: str, build: Callable[[], Catalog], n_calls: int, budget_s: float, seed: int, time_limit: float,
          problems: list[Problem], profile: cProfile.Profile | None = None) -> Row:
    row = Row(name, target_ms=TARGET_MS[name])
    t0 = time.perf_counter()
    try:
        catalog = build()
    except Exception as err:
        row.note = f"catalog not loaded ({type(err).__name__}: {str(err).splitlines()[0][:100]})"
        return row
    row.build_s = time.perf_counter() - t0
    row.courses = len(catalog.courses)
    reqs = requests_for(catalog, n_calls + 1, seed)
    if not reqs:
        row.note = "no roles or situations to plan for"
        return row
    try:
        from queries._compile import compiled  # the planner's cached compiled form (internal)

        t = time.perf_counter()
        compiled(catalog)
        row.compile_ms = (time.perf_counter() - t) * 1000
    except Exception:
        row.compile_ms = None
    greedy = Greedy(catalog)
    started = time.perf_counter()
    for i, req in enumerate(reqs):
        have, role, cert = req
        if i > 0 and time.perf_counter() - started > budget_s:
            row.budget_hit = True
            break
        t, c0 = time.perf_counter(), time.process_time()
        if profile is not None and i > 0:
            profile.enable()
        try:
            p = plan(catalog, have=have, role=role, cert=cert, objective="hours", time_limit=time_limit)
        except Exception as err:
            p = None
            problems.append(Problem(name, req, f"planner raised {type(err).__name__}: {err}\n"
                                               + "".join(traceback.format_exc(limit=-3))))
        finally:
            if profile is not None:
                profile.disable()
        ms = (time.perf_counter() - t) * 1000
        cpu_ms = (time.process_time() - c0) * 1000
        if i == 0:
            row.first_ms = ms
        else:
            row.calls += 1
            row.lat.append(ms)
            row.cpu.append(cpu_ms)
        skills, certs = goal_of(catalog, role, cert)
        if p is not None:
            _check_plan(catalog, name, req, p, skills, certs, problems)
        # greedy baseline, same request
        t = time.perf_counter()
        route = greedy.run(have, skills, certs)
        g_ms = (time.perf_counter() - t) * 1000
        if i == 0:
            continue
        if p is not None and p.optimal:
            row.optimal += 1
        if p is not None and p.feasible:
            row.planned += 1
        row.g_lat.append(g_ms)
        if route is None:
            row.g_fail += 1
            continue
        state = parse_have(catalog, have)
        check = simulate(catalog, state, route)
        missing = unmet_goals(check.state, skills, certs)
        if not check.ok or missing:
            problems.append(Problem(name, req, f"greedy route invalid (baseline bug): {check.problems + missing}"))
            row.g_fail += 1
            continue
        g_hours = sum(greedy.hours[s] for s in route)
        if p is not None and p.feasible and p.optimal and not p.unreachable:
            if g_hours < p.total_hours - 1e-6:
                problems.append(Problem(name, req, f"greedy route of {g_hours:g} h beats the planner's "
                                                   f"'proven optimal' {p.total_hours:g} h: {route}"))
            base = p.total_hours
            row.excess.append(0.0 if base <= 0 else (g_hours - base) / base * 100)
    return row


def _check_plan(catalog: Catalog, name: str, req: Request, p: Any, skills: list[tuple[str, int]], certs: list[str],
                problems: list[Problem]) -> None:
    have = req[0]
    if not p.optimal:
        problems.append(Problem(name, req, f"not proven optimal (feasible={p.feasible}, hours={p.total_hours:g}, "
                                           f"bound={p.bound}, unreachable={[u.id for u in p.unreachable]})"))
    if p.feasible and not p.unreachable:
        check = simulate(catalog, parse_have(catalog, have), [s.id for s in p.steps])
        missing = unmet_goals(check.state, skills, certs)
        if not check.ok or missing:
            problems.append(Problem(name, req, f"planner route fails the re-check: {check.problems + missing}"))
    elif p.unreachable and name != "seed":
        problems.append(Problem(name, req, f"synthetic goal reported unreachable: "
                                           f"{[(u.id, u.reason) for u in p.unreachable]}"))


# -- output -------------------------------------------------------------------------------
def fmt(v: float | None, spec: str = ".1f") -> str:
    return "-" if v is None or v != v else format(v, spec)


def print_table(rows: list[Row]) -> None:
    head = ["catalog", "courses", "calls", "compile ms", "1st call ms", "p50 ms", "p95 ms", "p50 cpu ms", "target p50",
            "result",
            "optimal", "greedy p50", "greedy p95", "greedy excess mean/max", "greedy fails"]
    lines = []
    for r in rows:
        if not r.lat:
            lines.append([r.name, fmt(r.courses or None, "d"), "0", *["-"] * 12])
            continue
        p50 = pct(r.lat, 0.5)
        opt = 100.0 * r.optimal / r.calls
        ok = p50 <= r.target_ms and (r.name == "seed" or r.optimal == r.calls)
        why = "" if ok else (" (slow)" if p50 > r.target_ms else " (not optimal)")
        lines.append([
            r.name, f"{r.courses:,}", f"{r.calls}{'*' if r.budget_hit else ''}", fmt(r.compile_ms), fmt(r.first_ms),
            fmt(p50), fmt(pct(r.lat, 0.95)), fmt(pct(r.cpu, 0.5)), f"<= {r.target_ms:g} ms",
            ("PASS" if ok else "MISS") + why,
            f"{opt:.0f}%", fmt(pct(r.g_lat, 0.5), ".2f"), fmt(pct(r.g_lat, 0.95), ".2f"),
            (f"+{statistics.fmean(r.excess):.1f}% / +{max(r.excess):.0f}%" if r.excess else "-"),
            f"{r.g_fail}/{len(r.g_lat)}",
        ])
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    for r in rows:
        if r.note:
            print(f"note: {r.name}: {r.note}")
        if r.budget_hit:
            print(f"note: {r.name}: * stopped at the time budget after {r.calls} calls (asked for more)")
        if r.build_s is not None and r.name != "seed":
            print(f"note: {r.name}: synthetic catalog built in {r.build_s:.2f} s")
    print("latency = queries.planner.plan wall time (objective hours) after one warm-up call (cpu: process CPU "
          "time, less sensitive to other load on the machine); PASS/MISS compares the wall p50; "
          "greedy excess = extra route hours vs the planner's proven-optimal route; "
          "greedy fails = requests where it found no route")


def _load() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer calls and smaller time budgets")
    ap.add_argument("--calls", type=int, default=None, help="plan calls per catalog after the warm-up (default 50)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the synthetic catalogs and requests")
    ap.add_argument("--time-limit", type=float, default=10.0, help="the planner's solver time limit per call (s)")
    ap.add_argument("--only", default="seed,1000,10000", help="comma list of catalogs: seed, 1000, 10000")
    ap.add_argument("--profile", action="store_true", help="cProfile the plan calls; print the top functions")
    args = ap.parse_args(argv)
    n_calls = args.calls if args.calls is not None else (10 if args.quick else 50)
    budgets = {"seed": 10.0, "1,000": 45.0, "10,000": 90.0} if not args.quick else \
        {"seed": 5.0, "1,000": 15.0, "10,000": 30.0}
    only = {o.strip().replace(",", "") for o in args.only.split(",")}
    plan_of: list[tuple[str, Callable[[], Catalog]]] = []
    if "seed" in only:
        from loaders import load_catalog

        plan_of.append(("seed", load_catalog))
    for n in (1000, 10000):
        if str(n) in only:
            plan_of.append((f"{n:,}", functools.partial(synthetic_catalog, n, seed=args.seed)))
    print(f"planner benchmark: {n_calls} calls per catalog after a warm-up, seed {args.seed}, "
          f"solver time limit {args.time_limit:g} s{', quick' if args.quick else ''}", flush=True)
    rows: list[Row] = []
    problems: list[Problem] = []
    profiles: dict[str, cProfile.Profile] = {}
    started = time.perf_counter()
    load0 = _load()
    for name, build in plan_of:
        prof = cProfile.Profile(time.process_time) if args.profile else None  # CPU time: less load-sensitive
        t = time.perf_counter()
        row = bench(name, build, n_calls, budgets[name], args.seed, args.time_limit, problems, prof)
        rows.append(row)
        if prof is not None:
            profiles[name] = prof
        print(f"  {name}: {row.calls} calls in {time.perf_counter() - t:.1f} s", flush=True)
    print()
    print_table(rows)
    print(f"total {time.perf_counter() - started:.1f} s; load average {load0} at start, "
          f"{_load()} at the end (on {os.cpu_count()} CPUs)")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for pr in problems:
            call = repro(pr.catalog, args.seed, pr.request, args.time_limit)
            print(f"- [{pr.catalog}] {pr.what.rstrip()}\n  reproduce: {call}")
    else:
        print("\nno planner exceptions, failed re-checks or non-optimal answers")
    for name, prof in profiles.items():
        row = next(r for r in rows if r.name == name)
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        print(f"\nprofile {name} ({row.calls} calls; times are totals, divide by calls):")
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
