"""Seeded synthetic catalogs, large and realistic, for benchmarks and tests.

:func:`synthetic_catalog` builds a :class:`~graph.catalog.Catalog` shaped like
the real one, only bigger:

skills
    in four layers, foundations -> core ML -> specialised -> platform/MLOps
    (recorded in ``Skill.category``), each in a topic (NLP, vision, MLOps,
    GCP...). A skill requires 0-3 skills of *lower* layers only, mostly of
    its own topic, some as an ``any_of`` group, at level 1 or 2; so skill
    prerequisites never form a cycle.
courses
    teach 1-5 skills of one layer and topic at levels 1-3 and require skills
    of lower layers (some as ``any_of`` groups; an intermediate course may
    also require level 1 of what it deepens). Hours follow a heavy tail
    (2-120 h, median about 10 h); prices are free (0), free to audit, or
    29-399 USD, by provider; formats are courses, books, free courses,
    tutorials and projects.
programs
    3-6 courses of one provider in layer order; most award a completion
    certificate.
certs
    a few vendor exams (prep hours, exam fee, recommended experience) that
    require and validate specialised or platform skills; some courses
    prepare for them.
roles
    need 5-15 skills (a few foundations, some core, the rest specialised or
    platform, mostly from one or two topics) at levels 1-3, essential or
    optional; some value a cert.

Reachability holds by construction: every skill is taught at level 3 by a
*backbone* course whose prerequisites (its own and its skills') are all on
lower layers, and the layer-0 backbone courses require nothing. By induction
on the layer, every skill at every level, and so every role's essential
needs and essential certs, can be reached from an empty start.

The same ``seed`` gives the same catalog (no set iteration or hashing is
involved). A 10,000-course catalog builds in a few seconds.

Examples
--------
>>> cat = synthetic_catalog(300, seed=1)
>>> cat.counts()["courses"]
300
>>> pairs = learners(cat, 3, seed=1)
>>> len(pairs)
3
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.catalog import Catalog
from graph.models import AnyOf, Cert, CertValue, Course, Need, Program, Role, Skill, SkillLevel
from loaders.synthetic_vocabulary import (
    BASES,
    EXAMS,
    LAYER_SHARE,
    LAYERS,
    PRICES,
    PROVIDER_WEIGHTS,
    PROVIDERS,
    QUALIFIERS,
    ROLE_TITLES,
    TOPIC_BASES,
    TOPICS,
)

__all__ = ["LAYERS", "PROVIDERS", "learners", "synthetic_catalog"]

@dataclass
class _SkillSpec:
    id: str
    name: str
    layer: int
    topics: tuple[int, ...]
    requires: list[Any] = field(default_factory=list)  # SkillLevel | AnyOf

    @property
    def topic(self) -> int:
        return self.topics[0]


@dataclass
class _CourseSpec:
    id: str
    title: str
    provider: int
    layer: int
    topic: int
    teaches: list[tuple[str, int]]
    requires: list[Any]
    hours: float
    cost: float
    free_audit: bool
    fmt: str
    backbone: bool = False
    part_of: str | None = None
    prepares_for: list[str] = field(default_factory=list)


def _default_skills(n_courses: int) -> int:
    return max(50, min(2500, n_courses // 5))


def synthetic_catalog(
    n_courses: int,
    *,
    seed: int = 0,
    n_skills: int | None = None,
    n_roles: int | None = None,
) -> Catalog:
    """A seeded, realistic synthetic catalog of ``n_courses`` courses.

    Parameters
    ----------
    n_courses : int
        Number of courses (at least the backbone: about ``n_skills / 2.5``;
        raised to it when smaller).
    seed : int
        Random seed; the same seed gives the same catalog.
    n_skills : int, optional
        Number of skills; default ``n_courses // 5`` clamped to [50, 2500].
    n_roles : int, optional
        Number of roles; default ``n_skills // 8`` clamped to [6, 250].

    Returns
    -------
    Catalog
        Skills, courses, programs, certs (vendor exams and completion
        certificates) and roles; it passes :func:`loaders.check_catalog`
        with no errors, and every role's essential goal is reachable from an
        empty ``have``.

    Raises
    ------
    ValueError
        ``n_courses``, ``n_skills`` or ``n_roles`` out of range.
    """
    if n_courses < 1:
        raise ValueError(f"n_courses must be at least 1, not {n_courses}")
    ns = _default_skills(n_courses) if n_skills is None else n_skills
    if ns < len(LAYERS) * 2:
        raise ValueError(f"n_skills must be at least {len(LAYERS) * 2}, not {ns}")
    nr = max(6, min(250, ns // 8)) if n_roles is None else n_roles
    if nr < 0:
        raise ValueError(f"n_roles must be >= 0, not {nr}")
    return _Builder(random.Random(seed), n_courses, ns, nr).build()


class _Builder:
    def __init__(self, rng: random.Random, n_courses: int, n_skills: int, n_roles: int) -> None:
        self.rng = rng
        self.n_courses = n_courses
        self.n_skills = n_skills
        self.n_roles = n_roles
        self.used: set[str] = set()
        self.skills: list[_SkillSpec] = []
        self.by_layer: list[list[_SkillSpec]] = [[] for _ in LAYERS]
        self.by_lt: dict[tuple[int, int], list[_SkillSpec]] = {}
        self.courses: list[_CourseSpec] = []
        self._cum: dict[tuple[int, int, float], list[float]] = {}
        self.n_topics = len(TOPICS)
        self.base_topics: dict[str, tuple[int, ...]] = {}
        for t, bases in enumerate(TOPIC_BASES):
            for b in bases.split():
                self.base_topics[b] = (*self.base_topics.get(b, ()), t)

    def _unique(self, base: str) -> str:
        out, k = base, 2
        while out in self.used:
            out, k = f"{base}-{k}", k + 1
        self.used.add(out)
        return out

    # -- skills ------------------------------------------------------------------
    def _skills(self) -> None:
        rng = self.rng
        counts = [max(2, round(self.n_skills * s)) for s in LAYER_SHARE]
        counts[-1] = max(2, self.n_skills - sum(counts[:-1]))
        for layer, count in enumerate(counts):
            bases = list(BASES[layer])
            combos = [(b, q) for b in bases for q in QUALIFIERS]
            rng.shuffle(combos)
            names: list[tuple[str, str | None]] = [(b, None) for b in bases] + list(combos)
            for i in range(count):
                base, qual = names[i % len(names)]
                raw = base if qual is None else f"{base}-{qual}"
                sid = self._unique(raw)
                if base not in self.base_topics:
                    self.base_topics[base] = (rng.randrange(self.n_topics),)
                topics = self.base_topics[base]
                if qual is not None and rng.random() < 0.1:
                    extra = rng.randrange(self.n_topics)
                    topics = topics if extra in topics else (*topics, extra)
                name = raw.replace("-", " ").capitalize()
                if qual is None and layer == 0:
                    name = base.replace("-", " ").title()
                spec = _SkillSpec(sid, name, layer, topics)
                self.skills.append(spec)
                self.by_layer[layer].append(spec)
                for topic in topics:
                    self.by_lt.setdefault((layer, topic), []).append(spec)
        for spec in self.skills:
            if spec.layer == 0:
                continue
            n = rng.choices((0, 1, 2, 3), weights=(1, 4, 4, 2))[0]
            picked: list[str] = []
            for _ in range(n):
                if rng.random() < 0.2:
                    members = self._lower_skills(spec.layer, spec.topic, rng.choice((2, 2, 3)), exclude=picked)
                    if len(members) >= 2:
                        picked.extend(members)
                        spec.requires.append(AnyOf(any_of=[SkillLevel(skill=m, level=1) for m in members]))
                        continue
                one = self._lower_skills(spec.layer, spec.topic, 1, exclude=picked)
                if one:
                    picked.extend(one)
                    spec.requires.append(SkillLevel(skill=one[0], level=1 if rng.random() < 0.75 else 2))

    def _lower_skills(self, layer: int, topic: int, k: int, exclude: Sequence[str] = ()) -> list[str]:
        """``k`` distinct skills of layers below ``layer``, mostly of ``topic`` and the layer just below."""
        rng = self.rng
        out: list[str] = []
        for _ in range(k * 4):
            if len(out) == k:
                break
            lower = layer - 1 if rng.random() < 0.6 else rng.randrange(layer)
            key = (lower, topic) if rng.random() < 0.7 and (lower, topic) in self.by_lt else (lower, -1)
            sid = self._popular(key, 1.0).id
            if sid not in out and sid not in exclude:
                out.append(sid)
        return out

    def _pool(self, key: tuple[int, int]) -> list[_SkillSpec]:
        return self.by_layer[key[0]] if key[1] < 0 else self.by_lt[key]

    def _popular(self, key: tuple[int, int], exponent: float) -> _SkillSpec:
        """A skill of a pool (``(layer, topic)``, topic -1 for the whole layer), the well-known
        (first-listed, unqualified) ones far more often: Zipf weights ``1 / rank ** exponent``."""
        ck = (*key, exponent)
        cum = self._cum.get(ck)
        pool = self._pool(key)
        if cum is None:
            cum, total = [], 0.0
            for i in range(len(pool)):
                total += 1.0 / (i + 1) ** exponent
                cum.append(total)
            self._cum[ck] = cum
        return self.rng.choices(pool, cum_weights=cum)[0]

    # -- courses -----------------------------------------------------------------
    def _hours(self, n_taught: int, level: float) -> float:
        mu = math.log(5.0 * (1 + 0.45 * (n_taught - 1)) * (0.6 + 0.35 * level))
        h = min(120.0, max(2.0, self.rng.lognormvariate(mu, 0.8)))
        return float(round(h)) if h >= 10 else round(h * 2) / 2

    def _price(self, profile: str) -> tuple[float, bool]:
        rng = self.rng
        if profile == "free":
            return 0.0, False
        if profile == "mooc":
            return float(rng.choice(PRICES["mooc"])), rng.random() < 0.8
        if profile == "mixed" and rng.random() < 0.4:
            return 0.0, False
        if profile == "paid" and rng.random() < 0.05:
            return 0.0, False
        return float(rng.choice(PRICES[profile])), False

    def _title(self, names: list[str], level: int, fmt: str) -> str:
        subject = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        if fmt == "book":
            return self.rng.choice(("Hands-on ", "Practical ", "", "Learning ")) + subject
        if fmt == "project":
            return f"Project: {subject}"
        prefix = {1: ("Introduction to ", "Foundations of ", "Getting started with "),
                  2: ("", "Applied ", "Intermediate "),
                  3: ("Advanced ", "Mastering ", "Deep dive: ")}[level]
        return self.rng.choice(prefix) + subject

    def _course(self, layer: int, topic: int, taught: list[tuple[_SkillSpec, int]], *, backbone: bool) -> None:
        rng = self.rng
        pi = 0 if backbone and layer == 0 and rng.random() < 0.5 else rng.choices(
            range(len(PROVIDERS)), weights=PROVIDER_WEIGHTS)[0]
        _, slug, profile, fmt = PROVIDERS[pi]
        if fmt == "course" and rng.random() < 0.06:
            fmt = "project"
        level = max(lvl for _, lvl in taught)
        avg = sum(lvl for _, lvl in taught) / len(taught)
        requires: list[Any] = []
        have: list[str] = [s.id for s, _ in taught]
        if layer > 0:
            # the course lists foundations of its topic, sometimes as alternatives
            for _ in range(rng.choices((0, 1, 2, 3), weights=(2, 4, 3, 1))[0]):
                if rng.random() < 0.15:
                    members = self._lower_skills(layer, topic, 2, exclude=have)
                    if len(members) == 2:
                        have.extend(members)
                        requires.append(AnyOf(any_of=[SkillLevel(skill=m, level=1) for m in members]))
                        continue
                one = self._lower_skills(layer, topic, 1, exclude=have)
                if one:
                    have.extend(one)
                    requires.append(SkillLevel(skill=one[0], level=rng.choice((1, 1, 1, 2))))
        if not backbone and level >= 2 and rng.random() < 0.35:
            # an intermediate/advanced course asks for the basics of what it deepens
            deep = [s for s, lvl in taught if lvl >= 2]
            requires.append(SkillLevel(skill=rng.choice(deep).id, level=level - 1))
        cost, audit = self._price(profile)
        names = [s.name for s, _ in taught]
        title = self._title(names, level if not backbone else 2, fmt)
        cid = self._unique(f"{slug}-{taught[0][0].id}")
        self.courses.append(_CourseSpec(
            id=cid, title=title, provider=pi, layer=layer, topic=topic, teaches=[(s.id, lvl) for s, lvl in taught],
            requires=requires, hours=self._hours(len(taught), avg + (0.5 if backbone else 0.0)), cost=cost,
            free_audit=audit, fmt=fmt, backbone=backbone,
        ))

    def _courses(self) -> None:
        rng = self.rng
        # backbone: every skill at level 3, prerequisites on lower layers only
        for layer in range(len(LAYERS)):
            for topic in range(self.n_topics):
                pool = [s for s in self.by_lt.get((layer, topic), []) if s.topic == topic]
                rng.shuffle(pool)
                while pool:
                    k = min(len(pool), rng.choice((1, 2, 2, 3, 3, 4)))
                    chunk, pool = pool[:k], pool[k:]
                    self._course(layer, topic, [(s, 3) for s in chunk], backbone=True)
        layer_weights = [len(skills) for skills in self.by_layer]
        while len(self.courses) < self.n_courses:
            layer = rng.choices(range(len(LAYERS)), weights=layer_weights)[0]
            topic = rng.choice(rng.choice(self.by_layer[layer]).topics)
            pool = self.by_lt[(layer, topic)]
            k = min(len(pool), rng.choices((1, 2, 3, 4, 5), weights=(30, 30, 20, 12, 8))[0])
            base = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            # a course covers neighbouring skills of its topic's syllabus, popular ones more often,
            # now and then with one unrelated extra
            start = pool.index(self._popular((layer, topic), 0.6))
            chosen = [pool[(start + j) % len(pool)] for j in range(k)]
            if k >= 2 and rng.random() < 0.2:
                extra = rng.choice(pool)
                if extra not in chosen:
                    chosen[-1] = extra
            taught = [(s, min(3, max(1, base + rng.choice((0, 0, 0, -1, 1))))) for s in chosen]
            self._course(layer, topic, taught, backbone=False)
        # interleave backbone and other courses, as a real catalog file would be
        rng.shuffle(self.courses)

    # -- programs and certs ------------------------------------------------------
    def _programs(self) -> tuple[list[Program], list[Cert]]:
        rng = self.rng
        n_programs = max(2, self.n_courses // 30)
        by_provider: dict[int, list[_CourseSpec]] = {}
        for c in self.courses:
            if PROVIDERS[c.provider][2] in ("mooc", "premium", "paid", "mixed"):
                by_provider.setdefault(c.provider, []).append(c)
        providers = sorted(p for p, cs in by_provider.items() if len(cs) >= 3)
        programs: list[Program] = []
        certs: list[Cert] = []
        for _ in range(n_programs * 3):
            if len(programs) >= n_programs or not providers:
                break
            pi = rng.choice(providers)
            free = [c for c in by_provider[pi] if c.part_of is None]
            if len(free) < 3:
                continue
            topic = rng.choice(free).topic
            same = [c for c in free if c.topic == topic]
            pool = same if len(same) >= 3 else free
            members = rng.sample(pool, min(len(pool), rng.randint(3, 6)))
            members.sort(key=lambda c: (c.layer, c.id))
            name, slug, _, _ = PROVIDERS[pi]
            kind = rng.choice(("specialization", "professional-certificate", "nanodegree", "track"))
            pid = self._unique(f"{slug}-{TOPICS[topic]}-{kind}")
            title = f"{TOPICS[topic].replace('-', ' ').title()} {kind.replace('-', ' ').title()} ({name})"
            for c in members:
                c.part_of = pid
            programs.append(Program(id=pid, title=title, provider=name, courses=[c.id for c in members]))
            if rng.random() < 0.6:
                certs.append(Cert(id=self._unique(f"{pid}-certificate"), name=f"{title} certificate",
                                  kind="completion", provider=name, program=pid))
        return programs, certs

    def _exams(self) -> list[Cert]:
        rng = self.rng
        n = max(3, min(40, self.n_courses // 300))
        upper = self.by_layer[2] + self.by_layer[3]
        exams: list[Cert] = []
        for i in range(n):
            eid, name, provider, fee = EXAMS[i % len(EXAMS)]
            if i >= len(EXAMS):
                eid, name = f"{eid}-v{i // len(EXAMS) + 1}", f"{name} (v{i // len(EXAMS) + 1})"
            eid = self._unique(eid)
            topic = rng.randrange(self.n_topics)
            near = [s for s in upper if topic in s.topics] or upper
            req = rng.sample(near, min(len(near), rng.randint(2, 5)))
            validates = rng.sample(near, min(len(near), rng.randint(2, 4)))
            exams.append(Cert(
                id=eid, name=name, kind="vendor-exam", provider=provider, exam_cost_usd=float(fee),
                prep_hours=float(rng.choice((20, 30, 40, 40, 60, 80, 120))),
                recommended_experience_years=float(rng.choice((0, 1, 1, 2, 3))),
                requires=[SkillLevel(skill=s.id, level=rng.choice((1, 1, 2))) for s in req],
                validates=[s.id for s in validates],
            ))
            prep = [c for c in self.courses if any(t in {s.id for s in validates} for t, _ in c.teaches)]
            for c in rng.sample(prep, min(len(prep), rng.randint(1, 4))):
                c.prepares_for.append(eid)
        return exams

    # -- roles -------------------------------------------------------------------
    def _roles(self, exams: list[Cert], completions: list[Cert]) -> list[Role]:
        rng = self.rng
        roles: list[Role] = []
        for i in range(self.n_roles):
            topics = rng.sample(range(self.n_topics), rng.choice((1, 1, 2)))
            total = rng.randint(5, 15)
            n_found = rng.randint(1, 3)
            n_core = rng.randint(2, 4)
            n_upper = max(1, total - n_found - n_core)
            picked: dict[str, Need] = {}

            def pick(layers: Sequence[int], k: int, levels: Sequence[int], weights: Sequence[int],
                     topics: list[int] = topics, picked: dict[str, Need] = picked) -> None:
                pool = [s for layer in layers for t in topics for s in self.by_lt.get((layer, t), [])]
                wide = [s for layer in layers for s in self.by_layer[layer]]
                for _ in range(k * 4):
                    if k <= 0:
                        break
                    s = rng.choice(pool if pool and rng.random() < 0.8 else wide)
                    if s.id in picked:
                        continue
                    level = rng.choices(levels, weights=weights)[0]
                    importance = "essential" if rng.random() < 0.7 else "optional"
                    picked[s.id] = Need(skill=s.id, level=level, importance=importance)
                    k -= 1

            pick((0,), n_found, (1, 2, 3), (2, 4, 3))
            pick((1,), n_core, (1, 2, 3), (4, 4, 2))
            pick((2, 3), n_upper, (1, 2, 3), (5, 4, 1))
            needs = list(picked.values())
            if not any(n.importance == "essential" for n in needs):
                needs[0] = needs[0].model_copy(update={"importance": "essential"})
            values: list[CertValue] = []
            r = rng.random()
            if r < 0.25 and exams:
                values.append(CertValue(cert=rng.choice(exams).id,
                                        importance="essential" if rng.random() < 0.25 else "optional"))
            elif r < 0.35 and completions:
                values.append(CertValue(cert=rng.choice(completions).id, importance="optional"))
            head = ROLE_TITLES[i % len(ROLE_TITLES)]
            focus = " / ".join(TOPICS[t].replace("-", " ") for t in topics)
            rid = self._unique(f"{head.lower().replace(' ', '-')}-{TOPICS[topics[0]]}")
            roles.append(Role(id=rid, title=f"{head} ({focus})", needs=needs, values=values))
        return roles

    # -- assembly ----------------------------------------------------------------
    def build(self) -> Catalog:
        self._skills()
        self._courses()
        programs, completions = self._programs()
        exams = self._exams()
        roles = self._roles(exams, completions)
        skills = [Skill(id=s.id, name=s.name, category=LAYERS[s.layer], requires=s.requires,
                        source="synthetic") for s in self.skills]
        courses = []
        for c in self.courses:
            name, _, _, _ = PROVIDERS[c.provider]
            courses.append(Course(
                id=c.id, title=c.title, provider=name, format=c.fmt, hours=c.hours, cost_usd=c.cost,
                free_audit=c.free_audit, requires=c.requires,
                teaches=[SkillLevel(skill=s, level=lvl) for s, lvl in c.teaches],
                part_of=c.part_of, prepares_for=c.prepares_for, source="synthetic",
            ))
        return Catalog(
            name=f"synthetic-{self.n_courses}",
            skills=skills, courses=courses, programs=programs, certs=exams + completions, roles=roles,
        )


def _depths(catalog: Catalog) -> dict[str, int]:
    """Longest prerequisite chain below each skill (0 for a skill with no skill prerequisites)."""
    reqs: dict[str, list[str]] = {}
    for s in catalog.skills:
        out = []
        for r in s.requires:
            for m in r.any_of if isinstance(r, AnyOf) else [r]:
                if isinstance(m, SkillLevel):
                    out.append(m.skill)
        reqs[s.id] = out
    depth: dict[str, int] = {}

    def visit(sid: str, stack: tuple[str, ...] = ()) -> int:
        if sid in depth:
            return depth[sid]
        if sid in stack or sid not in reqs:
            return 0
        d = 0
        for p in reqs[sid]:
            d = max(d, visit(p, (*stack, sid)) + 1)
        depth[sid] = d
        return d

    for sid in reqs:
        visit(sid)
    return depth


def learners(catalog: Catalog, n: int, seed: int = 0) -> list[tuple[list[str], str]]:
    """``n`` realistic learner requests ``(have, role)`` for ``catalog``.

    ``have`` is a few foundation skills (2-5; most held fully, some at level
    1 or 2) and 0-2 core skills at level 1 or 2, as ``"id"`` / ``"id:level"``
    strings for :func:`queries.planner.plan`. Layers come from
    ``Skill.category`` when it names one of :data:`LAYERS`, else from the
    prerequisite depth (no skill prerequisites: foundation; one step up:
    core), so any catalog works.

    Parameters
    ----------
    catalog : Catalog
    n : int
        Number of requests.
    seed : int
        Random seed; the same seed gives the same requests.

    Returns
    -------
    list of (list of str, str)
        Pairs of ``have`` and a role id; empty when the catalog has no roles.
    """
    rng = random.Random(seed)
    roles = [r.id for r in catalog.roles]
    if not roles or n <= 0:
        return []
    found: list[str] = []
    core: list[str] = []
    if all(s.category in LAYERS for s in catalog.skills):
        for s in catalog.skills:
            if s.category == LAYERS[0]:
                found.append(s.id)
            elif s.category == LAYERS[1]:
                core.append(s.id)
    else:
        for sid, d in _depths(catalog).items():
            (found if d == 0 else core if d == 1 else []).append(sid)
    # learners mostly know the common basics: favour the first-listed (base) skills, Zipf-like
    found_w = [1.0 / (1 + i) ** 1.2 for i in range(len(found))]
    core_w = [1.0 / (1 + i) ** 1.2 for i in range(len(core))]
    out: list[tuple[list[str], str]] = []
    for _ in range(n):
        have: list[str] = []
        seen: set[str] = set()
        for pool, weights, k, levels in ((found, found_w, rng.randint(2, 5), ("", "", "", ":2", ":1")),
                                         (core, core_w, rng.randint(0, 2), (":1", ":2"))):
            k = min(k, len(pool))
            for _ in range(k * 10):
                if k == 0:
                    break
                sid = rng.choices(pool, weights=weights)[0]
                if sid in seen:
                    continue
                seen.add(sid)
                have.append(sid + rng.choice(levels))
                k -= 1
        out.append((have, rng.choice(roles)))
    return out
