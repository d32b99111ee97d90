"""Program order: a program's courses on a route come in program order, and an exam
comes after the coursework on the route that prepares for it, unless prerequisites
force otherwise. Expected orders are worked out by hand."""

from __future__ import annotations

from graph.catalog import Catalog
from loaders import load_catalog
from queries.planner import plan
from tests.queries.hand_catalogs import assert_valid, course, ids, make, skill

SEED = load_catalog()


def _program_catalog(*, forced: bool = False) -> Catalog:
    # c2 needs nothing, c1 needs `a` (from c0): by layers alone c2 would come before c1.
    # forced: c1 also needs `y`, which only c2 teaches, so c2 must come first.
    c1_requires = ["a", "y"] if forced else ["a"]
    return make(
        skills=[skill("a"), skill("x"), skill("y"), skill("goal1")],
        courses=[course("c0", 1, teaches=["a"]),
                 course("c1", 1, requires=c1_requires, teaches=["goal1"], part_of="p"),
                 course("c2", 1, teaches=["x", "y"], part_of="p")],
        programs=[{"id": "p", "title": "P", "courses": ["c1", "c2"]}],
    )


def test_a_programs_courses_come_in_program_order() -> None:
    cat = _program_catalog()
    p = plan(cat, have=[], skills=["goal1", "x"])
    assert ids(p) == ["c0", "c1", "c2"]
    assert_valid(cat, p)


def test_prerequisites_win_over_program_order() -> None:
    cat = _program_catalog(forced=True)
    p = plan(cat, have=[], skills=["goal1", "x"])
    assert ids(p) == ["c0", "c2", "c1"]
    assert_valid(cat, p)


def test_an_exam_comes_after_the_coursework_that_prepares_for_it() -> None:
    # The exam needs x (from t); prep needs w2 (v needs w from u), so by layers alone the
    # exam (layer 2) would come before prep (layer 3).
    cat = make(
        skills=[skill("x"), skill("w"), skill("w2"), skill("z")],
        courses=[course("t", 1, teaches=["x"]), course("u", 1, teaches=["w"]),
                 course("v", 1, requires=["w"], teaches=["w2"]),
                 course("prep", 1, requires=["w2"], teaches=["z"], prepares_for=["e"])],
        certs=[{"id": "e", "name": "E", "requires": ["x"], "prep_hours": 1}],
    )
    p = plan(cat, have=[], skills=["z"], cert="e")
    assert ids(p) == ["t", "u", "v", "prep", "e"]
    assert_valid(cat, p)


def _violations(route: list[str]) -> list[str]:
    out = []
    for i, a in enumerate(route):
        for b in route[i + 1:]:
            pa, pb = SEED.program_position(a), SEED.program_position(b)
            if pa and pb and pa[0] == pb[0] and pa[1] > pb[1]:
                out.append(f"{a} before {b}")
            if a in SEED.ids("cert") and b in SEED.ids("course") and a in SEED.course(b).prepares_for:
                out.append(f"exam {a} before {b}, which prepares for it")
    return out


def test_seed_routes_keep_program_and_exam_order() -> None:
    checked = 0
    for s in SEED.situations:
        for objective in ("hours", "cost", "steps"):
            p = plan(SEED, have=s.have, role=s.role, cert=s.cert, skills=s.skills or None, objective=objective)
            assert _violations(ids(p)) == [], (s.id, objective, ids(p))
            checked += 1
    for r in SEED.roles:
        assert _violations(ids(plan(SEED, have=[], role=r.id, include_optional=True))) == [], r.id
    assert checked >= 3 * 19
