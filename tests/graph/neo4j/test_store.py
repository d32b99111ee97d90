"""The stores against their contract; the Neo4j store against the real local Bolt server."""

from __future__ import annotations

import time
from typing import Any

import pytest

import graph.neo4j.cypher as ns
import graph.neo4j.writer as neo4j_writer
from graph.catalog import Catalog
from graph.embedded import EmbeddedStore
from graph.errors import AccessDenied, AuthFailed, CatalogError, CypherRejected, KindChanged, StoreUnavailable
from graph.models import AnyOf, Course, Skill, SkillLevel
from graph.neo4j.codec import encode_props
from graph.neo4j.cypher import META_LABEL
from graph.neo4j.errors import translate_error
from graph.neo4j.local_server import BoltEndpoint, free_port
from graph.neo4j.settings import Neo4jSettings
from graph.neo4j.store import Neo4jStore
from graph.schema import LABELS, RELATIONSHIP_TYPES, Relationship, references
from graph.store import Store, StoreStatus, reference_issues
from queries.planner import plan
from tests.bolt import RICH_CATALOG, assert_same_catalog, graph_counts, rich_catalog, wait_until_logins_work


def _drop(catalog: Catalog, ids: set[str]) -> Catalog:
    return Catalog(name=catalog.name, sources=catalog.sources, situations=catalog.situations,
                   subscriptions=catalog.subscriptions, **{attr: [x for x in getattr(catalog, attr) if x.id not in ids]
                      for attr in ("skills", "courses", "programs", "certs", "roles")})


def _with(catalog: Catalog, attr: str, items: list[Any]) -> Catalog:
    data: dict[str, Any] = {a: list(getattr(catalog, a)) for a in ("sources", "situations", "subscriptions", "skills",
                                                                    "courses", "programs", "certs", "roles")}
    data[attr] = items
    return Catalog(name=catalog.name, **data)


@pytest.fixture(params=["embedded", "neo4j"])
def store(request: pytest.FixtureRequest, bolt_server: BoltEndpoint) -> Any:
    """Each store kind, empty: the contract tests run on both, the Neo4j store on each Bolt server.

    ``bolt_server`` is requested here, not looked up inside, so pytest parametrizes these tests by server
    (the embedded store's cases then run once per server too: cheap, in memory).
    """
    if request.param == "embedded":
        s = EmbeddedStore()
        yield s
        s.close()
    else:
        yield request.getfixturevalue("neo4j_store")


# -- the contract, on both stores -------------------------------------------------------------------
def test_stores_satisfy_the_protocol(store: Any) -> None:
    assert isinstance(store, Store)


def test_round_trip_of_the_seed_catalog_is_lossless(store: Any, seed: Catalog) -> None:
    store.load(seed)
    assert_same_catalog(store.snapshot(), seed)


def test_round_trip_of_a_rich_catalog_is_lossless(store: Any) -> None:
    rich = rich_catalog()
    store.load(rich, batch_size=3)
    snap = store.snapshot()
    assert_same_catalog(snap, rich)
    mlops = snap.skill("mlops")
    assert mlops.model_extra["review"] == {"by": "ana", "scores": [1, 2.5, None], "ok": True}
    assert mlops.model_extra["nothing"] is None and mlops.model_extra["empty_list"] == []
    assert snap.program("ml-spec").courses == ["ml-201", "math-101"]
    assert [type(r).__name__ for r in snap.course("ml-201").requires] == ["SkillLevel", "AnyOf", "CertRef"]


def test_round_trip_of_a_synthetic_catalog_is_lossless(store: Any) -> None:
    synthetic = pytest.importorskip("loaders.synthetic")
    catalog = synthetic.synthetic_catalog(300, seed=3)
    store.load(catalog, batch_size=250)
    assert_same_catalog(store.snapshot(), catalog)


def test_reload_changes_nothing(store: Any, seed: Catalog) -> None:
    store.load(seed)
    first = store.status()
    store.load(seed)
    store.load(seed, replace=True)
    again = store.status()
    assert again.model_copy(update={"loaded_at": None}) == first.model_copy(update={"loaded_at": None})
    assert_same_catalog(store.snapshot(), seed)


def test_replace_removes_what_the_file_no_longer_has(store: Any) -> None:
    rich = rich_catalog()
    store.load(rich)
    smaller = _drop(rich, {"ace-prep", "analyst"})
    ml201 = smaller.course("ml-201").model_copy(update={"teaches": smaller.course("ml-201").teaches[:1],
                                                        "prepares_for": []})
    smaller = _with(smaller, "courses", [ml201 if c.id == "ml-201" else c for c in smaller.courses])
    store.load(smaller, replace=True)
    assert_same_catalog(store.snapshot(), smaller)


def test_upsert_keeps_the_links_other_records_own_to_the_loaded_ones(store: Any) -> None:
    rich = rich_catalog()
    store.load(rich)
    refs = list(references(rich))
    # Records others link to that link to nothing themselves: a catalog of them alone is complete.
    leaves = {r.dst for r in refs} - {r.src for r in refs}
    assert {"python", "algebra"} <= leaves
    store.load(Catalog(skills=[s for s in rich.skills if s.id in leaves]))
    assert_same_catalog(store.snapshot(), rich)  # gradient-descent still requires algebra, ...


def test_upsert_keeps_other_records_and_replaces_loaded_ones(store: Any) -> None:
    rich = rich_catalog()
    store.load(rich)
    changed = Course(id="ml-201", title="ML 201, new edition", hours=30, teaches=["python"])
    new = Course(id="new-course", title="New", hours=1)
    store.load(Catalog(skills=[rich.skill("python")], courses=[new, changed]))
    snap = store.snapshot()
    assert [c.id for c in snap.courses] == [*[c.id for c in rich.courses], "new-course"]
    assert snap.course("ml-201") == changed  # its old relationships are gone
    assert snap.course("py-101") == rich.course("py-101")
    assert snap.name == rich.name and snap.situations == rich.situations


def test_an_id_cannot_change_kind_without_replace(store: Any) -> None:
    store.load(rich_catalog())
    clash = Catalog(courses=[Course(id="python", title="Python the course", hours=3)])
    with pytest.raises(KindChanged, match="python.*skill") as info:
        store.load(clash)
    assert isinstance(info.value, CatalogError) and "--" not in str(info.value)
    assert_same_catalog(store.snapshot(), rich_catalog())
    store.load(clash, replace=True)
    assert [c.id for c in store.snapshot().courses] == ["python"]


def test_a_dangling_reference_is_rejected_before_any_write(store: Any, seed: Catalog) -> None:
    store.load(seed)
    before = store.status()
    bad = Catalog(skills=[Skill(id="a", name="A", requires=["ghost"])],
                  courses=[Course(id="c", title="C", hours=1, teaches=["a", "nowhere"])])
    with pytest.raises(CatalogError) as info:
        store.load(bad, replace=True)
    assert {(i.item, i.field) for i in info.value.issues} == {("a", "requires"), ("c", "teaches")}
    assert "ghost" in str(info.value)
    assert store.status() == before  # not even the load time changed
    assert_same_catalog(store.snapshot(), seed)


def test_a_bad_batch_size_is_refused(store: Any, seed: Catalog) -> None:
    with pytest.raises(ValueError, match="batch size"):
        store.load(seed, batch_size=0)


def test_reference_issues_flags_duplicates_and_wrong_kinds() -> None:
    cat = Catalog(skills=[Skill(id="x", name="X")], courses=[Course(id="x", title="X", hours=1),
                                                             Course(id="c", title="C", hours=1, prepares_for=["x"])])
    messages = [str(i) for i in reference_issues(cat)]
    assert "x:id: duplicate id (a skill and a course)" in messages
    assert any("c:prepares_for" in m and "expected a cert" in m for m in messages)


def test_references_cover_every_relationship_type() -> None:
    assert {r.type for r in references(rich_catalog())} == set(RELATIONSHIP_TYPES)


def test_a_closed_store_refuses_work(store: Any, seed: Catalog) -> None:
    store.close()
    with pytest.raises(StoreUnavailable, match="closed"):
        store.snapshot()
    with pytest.raises(StoreUnavailable, match="closed"):
        store.load(seed)


def test_plan_on_the_snapshot_equals_plan_on_the_catalog(store: Any, seed: Catalog) -> None:
    store.load(seed)
    snap = store.snapshot()
    situations = seed.situations[:4] or []
    assert situations, "the seed has learner situations"
    for s in situations:
        want = plan(seed, have=s.have, role=s.role, cert=s.cert, objective=s.objective)
        got = plan(snap, have=s.have, role=s.role, cert=s.cert, objective=s.objective)
        a, b = got.model_dump(exclude={"solve_ms"}), want.model_dump(exclude={"solve_ms"})
        assert a == b, s.id


# -- Neo4j only ---------------------------------------------------------------------------------------------------
def test_nodes_and_relationships_follow_the_schema(neo4j_store: Neo4jStore, bolt_driver: Any) -> None:
    neo4j_store.load(rich_catalog())
    db = neo4j_store.database
    labels = {r["label"] for r in bolt_driver.execute_query("CALL db.labels() YIELD label RETURN label",
                                                            database_=db).records}
    assert labels >= {*LABELS.values(), META_LABEL}
    rows = bolt_driver.execute_query(
        "MATCH (c:Course {id: 'ml-201'})-[r:REQUIRES]->(x) RETURN x.id AS id, labels(x) AS labels, "
        "properties(r) AS props ORDER BY r.order, r.member", database_=db).records
    assert [(r["id"], r["labels"], r["props"]) for r in rows] == [
        ("python", ["Skill"], {"order": 0, "level": 1}),
        ("algebra", ["Skill"], {"order": 1, "level": 1, "group": "g1", "member": 0}),
        ("statistics", ["Skill"], {"order": 1, "level": 1, "group": "g1", "member": 1}),
        ("gcp-ace", ["Cert"], {"order": 2}),
    ]
    part_of = bolt_driver.execute_query(
        "MATCH (c:Course)-[r:PART_OF]->(:Program {id: 'ml-spec'}) RETURN c.id AS id, r.order AS o ORDER BY o",
        database_=db).records
    assert [(r["id"], r["o"]) for r in part_of] == [("ml-201", 0), ("math-101", 1)]
    need = bolt_driver.execute_query(
        "MATCH (:Role {id: 'ml-engineer'})-[n:NEEDS]->(:Skill {id: 'vertex-ai'}) RETURN properties(n) AS p",
        database_=db).records[0]["p"]
    assert need == {"order": 2, "level": 1, "importance": "optional"}
    awarded = bolt_driver.execute_query(
        "MATCH (:Cert {id: 'ml-spec-cert'})-[:AWARDED_FOR]->(p:Program) RETURN p.id AS id", database_=db).records
    assert [r["id"] for r in awarded] == ["ml-spec"]


def test_constraints_and_indexes_are_created_idempotently(neo4j_store: Neo4jStore, bolt_driver: Any) -> None:
    neo4j_store.ensure_schema()
    neo4j_store.ensure_schema()
    names = {r["name"] for r in bolt_driver.execute_query("SHOW CONSTRAINTS", database_=neo4j_store.database).records}
    assert {f"skillgraph_{label.lower()}_id" for label in LABELS.values()} <= names
    indexes = {r["name"] for r in bolt_driver.execute_query("SHOW INDEXES", database_=neo4j_store.database).records}
    assert {"skillgraph_skill_name", "skillgraph_course_title", "skillgraph_role_title"} <= indexes


def test_reloading_creates_no_duplicate_nodes_or_relationships(neo4j_store: Neo4jStore, bolt_driver: Any,
                                                               seed: Catalog) -> None:
    neo4j_store.load(seed, batch_size=7)
    once = graph_counts(bolt_driver, neo4j_store.database)
    neo4j_store.load(seed, batch_size=50)
    neo4j_store.load(seed)
    assert graph_counts(bolt_driver, neo4j_store.database) == once
    n_records = sum(1 for _ in seed.items())
    n_refs = sum(1 for _ in references(seed))
    assert once == (n_records + 1, n_refs)  # + the Catalog node
    dupes = bolt_driver.execute_query(
        "MATCH (n) WITH labels(n) AS l, n.id AS id, count(*) AS c WHERE c > 1 RETURN l, id",
        database_=neo4j_store.database).records
    assert dupes == []


def test_a_load_that_fails_part_way_leaves_the_previous_graph(neo4j_store: Neo4jStore, bolt_driver: Any,
                                                              seed: Catalog) -> None:
    neo4j_store.load(seed)
    before = graph_counts(bolt_driver, neo4j_store.database)
    calls = []

    def fail_on_third_batch(phase: str, done: int, total: int) -> None:
        calls.append(phase)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as a curator's Ctrl-C would

    with pytest.raises(KeyboardInterrupt):
        neo4j_store.load(rich_catalog(), replace=True, batch_size=2, progress=fail_on_third_batch)
    assert graph_counts(bolt_driver, neo4j_store.database) == before
    assert_same_catalog(neo4j_store.snapshot(), seed)


def test_a_batch_the_server_rejects_rolls_the_whole_load_back(
    neo4j_store: Neo4jStore, bolt_driver: Any, monkeypatch: pytest.MonkeyPatch, seed: Catalog
) -> None:
    neo4j_store.load(seed)
    before = graph_counts(bolt_driver, neo4j_store.database)
    key = Relationship("TEACHES", "course", "skill")
    # The real server gets a statement it refuses, after the nodes were merged.
    real = ns.create_relationships

    def broken(r: Relationship, keys: tuple[str, ...] = ()) -> str:
        query = real(r, keys)
        return query.replace("CREATE", "CREATE CREATE", 1) if r == key else query

    monkeypatch.setattr(neo4j_writer, "create_relationships", broken)
    with pytest.raises(CypherRejected):
        neo4j_store.load(rich_catalog(), replace=True, batch_size=2)
    assert graph_counts(bolt_driver, neo4j_store.database) == before
    assert_same_catalog(neo4j_store.snapshot(), seed)


def test_progress_is_reported_per_batch(neo4j_store: Neo4jStore, seed: Catalog) -> None:
    seen: list[tuple[str, int, int]] = []
    neo4j_store.load(seed, batch_size=20, progress=lambda *a: seen.append(a))
    phases = [p for p, _, _ in seen]
    assert phases.index("records") < phases.index("relationships") < phases.index("catalog")
    records = [(d, t) for p, d, t in seen if p == "records"]
    assert records[-1] == (sum(1 for _ in seed.items()),) * 2
    assert [d for d, _ in records] == sorted(d for d, _ in records)


def test_a_value_that_looks_like_cypher_is_stored_as_data(neo4j_store: Neo4jStore, bolt_driver: Any) -> None:
    evil = "x'}) MATCH (n) DETACH DELETE n //`; DROP CONSTRAINT skillgraph_skill_id"
    cat = Catalog(skills=[Skill(id="s", name=evil, **{"note`) DELETE n //": evil})],
                  courses=[Course(id="c", title=evil, hours=1, provider="\\u0027 OR 1=1", teaches=["s"])])
    neo4j_store.load(cat)
    assert_same_catalog(neo4j_store.snapshot(), cat)
    assert graph_counts(bolt_driver, neo4j_store.database) == (3, 1)


def test_curator_edits_made_with_cypher_are_read_back(neo4j_store: Neo4jStore, bolt_driver: Any) -> None:
    neo4j_store.load(rich_catalog())
    db = neo4j_store.database
    bolt_driver.execute_query(
        """
        MATCH (py:Skill {id: 'python'}), (st:Skill {id: 'statistics'}), (al:Skill {id: 'algebra'})
        CREATE (c:Course {id: 'a-new-course', title: 'Added by hand', hours: 5, extra_note: 'hand made'})
        CREATE (c)-[:TEACHES {level: 2}]->(st)
        CREATE (c)-[:REQUIRES {group: 'either'}]->(py), (c)-[:REQUIRES {group: 'either'}]->(al)
        """, database_=db)
    bolt_driver.execute_query(
        "MATCH (:Role {id: 'analyst'})-[n:NEEDS]->(:Skill {id: 'python'}) SET n.importance = 'optional'",
        database_=db)
    snap = neo4j_store.snapshot()
    assert snap.courses[-1].id == "a-new-course"  # no _order: after the loaded ones
    added = snap.course("a-new-course")
    assert added.teaches[0].skill == "statistics" and added.teaches[0].level == 2
    (group,) = added.requires
    assert isinstance(group, AnyOf) and all(isinstance(m, SkillLevel) for m in group.any_of)
    assert sorted(m.skill for m in group.any_of if isinstance(m, SkillLevel)) == ["algebra", "python"]
    assert added.model_extra == {"extra_note": "hand made"}
    assert {n.skill: n.importance for n in snap.role("analyst").needs}["python"] == "optional"


def test_inspect_reports_graph_problems_by_id(neo4j_store: Neo4jStore, bolt_driver: Any) -> None:
    neo4j_store.load(rich_catalog())
    db = neo4j_store.database
    bolt_driver.execute_query(
        """
        MATCH (c:Course {id: 'py-101'}) CREATE (c)-[:TEACHES {level: 1}]->(:Skil {id: 'typo-skill'})
        WITH c CREATE (:Course {id: 'half-done', title: 'No hours yet'})
        CREATE (:Skill {name: 'no id'})
        CREATE (:Role:Skill {id: 'two-labels', title: 'x', name: 'x'})
        WITH c MATCH (r:Role {id: 'analyst'}) CREATE (r)-[:MENTORS]->(c)
        """, database_=db)
    bolt_driver.execute_query("MATCH (:Role {id: 'analyst'})-[n:NEEDS]->() SET n.level = 7, n.weight = 2",
                              database_=db)
    report = neo4j_store.inspect()
    errors = {(i.item, i.field) for i in report.errors}
    assert ("py-101", "teaches") in errors  # dangling: to a node that is no Skill
    assert ("half-done", "hours") in errors  # missing property
    assert ("two-labels", "labels") in errors
    assert any(f == "id" for _, f in errors)  # a Skill node without id
    assert any(item == "analyst" and (field or "").startswith("needs") for item, field in errors)
    warnings = " ".join(str(i) for i in report.warnings)
    assert "Skil" in warnings and "MENTORS" in warnings and "weight" in warnings
    with pytest.raises(CatalogError):
        neo4j_store.snapshot()


def test_status_counts_by_label_and_type(neo4j_store: Neo4jStore) -> None:
    neo4j_store.load(rich_catalog())
    st = neo4j_store.status()
    assert st.nodes == {"Skill": 7, "Course": 5, "Program": 1, "Cert": 3, "Role": 2}
    assert st.relationships["PART_OF"] == 2 and st.relationships["AWARDED_FOR"] == 1
    assert st.name == RICH_CATALOG["name"] and st.loaded_at
    assert st.server is not None and ("ArcadeDB" in st.server or "Neo4j" in st.server)


def test_both_stores_give_the_same_status_for_the_same_catalog(neo4j_store: Neo4jStore) -> None:
    embedded = EmbeddedStore()
    for s in (embedded, neo4j_store):
        s.load(rich_catalog())
    a, b = embedded.status(), neo4j_store.status()
    assert isinstance(a, StoreStatus) and isinstance(b, StoreStatus)
    assert list(a.model_dump()) == list(b.model_dump())  # one shape, one key order
    assert (a.nodes, a.relationships, a.name) == (b.nodes, b.relationships, b.name)
    assert list(a.relationships) == list(RELATIONSHIP_TYPES) and list(a.nodes) == list(LABELS.values())
    assert a.store == "embedded" and b.store == "neo4j" and a.loaded_at and b.loaded_at
    assert a.uri is None and b.uri == neo4j_store.uri


def test_wrong_password_is_a_clear_error(bolt_server: BoltEndpoint) -> None:
    env = {**bolt_server.env(), "NEO4J_PASSWORD": "not-the-password"}
    with pytest.raises(AuthFailed, match=f"authentication failed for user '{bolt_server.user}'"):
        Neo4jStore.from_env(env)
    wait_until_logins_work(bolt_server)


def test_server_not_running_names_the_uri_and_fails_fast() -> None:
    uri = f"bolt://localhost:{free_port()}"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=f"cannot reach the graph database at {uri}"):
        Neo4jStore.from_env({"NEO4J_URI": uri, "NEO4J_PASSWORD": "whatever-pw"})
    assert time.monotonic() - started < 15


def test_missing_password_and_bad_uri_are_clear() -> None:
    with pytest.raises(StoreUnavailable, match="NEO4J_PASSWORD"):
        Neo4jSettings(password="").driver()
    with pytest.raises(StoreUnavailable, match="invalid NEO4J_URI"):
        Neo4jSettings(uri="htp://nowhere", password="x" * 9).driver()


def test_unknown_database_is_a_clear_error(bolt_server: BoltEndpoint) -> None:
    env = {**bolt_server.env(), "NEO4J_DATABASE": "no-such-db"}
    with pytest.raises(StoreUnavailable, match="no-such-db"):
        Neo4jStore.from_env(env)


def test_translate_error_maps_server_refusals_to_cypher_rejected(bolt_driver: Any, bolt_server: BoltEndpoint) -> None:
    try:
        bolt_driver.execute_query("MATC (n) RETURN n", database_=bolt_server.database)
    except Exception as err:  # the driver's own exception, from the real server
        mapped = translate_error(err)
    assert isinstance(mapped, CypherRejected) and "MATC" in str(mapped)


def test_a_write_in_read_access_mode_is_refused_by_neo4j_and_says_read_only(bolt_driver: Any,
                                                                          bolt_server: BoltEndpoint) -> None:
    """Neo4j enforces READ access mode; ArcadeDB does not (there the guard of queries.cypher is all)."""
    import neo4j

    def count() -> int:
        return int(bolt_driver.execute_query("MATCH (n:Pwned) RETURN count(n) AS n",
                                             database_=bolt_server.database).records[0]["n"])

    before = count()
    with bolt_driver.session(database=bolt_server.database, default_access_mode=neo4j.READ_ACCESS) as session:
        if bolt_server.engine == "arcadedb":  # engine-aware: ArcadeDB commits the write
            session.run("CREATE (:Pwned)").consume()
            assert count() == before + 1
            bolt_driver.execute_query("MATCH (n:Pwned) DELETE n", database_=bolt_server.database)
            return
        with pytest.raises(neo4j.exceptions.ClientError) as info:
            session.run("CREATE (:Pwned)").consume()
    mapped = translate_error(info.value)
    assert type(mapped) is CypherRejected and str(mapped).startswith("read-only:") and "READ access mode" in str(mapped)
    assert count() == before


@pytest.mark.parametrize(("code", "kind", "text"), [
    ("Neo.ClientError.Security.Forbidden", AccessDenied, "refused the query"),
    ("Neo.ClientError.Security.CredentialsExpired", AuthFailed, "expired"),
    ("Neo.ClientError.Security.AuthenticationRateLimit", AuthFailed, "refuses logins"),
    ("Neo.ClientError.Statement.SyntaxError", CypherRejected, "boom"),
    ("Neo.DatabaseError.Transaction.TransactionStartFailed", CypherRejected, "boom"),
])
def test_security_errors_are_client_errors_not_outages(code: str, kind: type, text: str) -> None:
    """Forbidden is a 403 (AccessDenied), not a 503; the driver builds the exception from the server's code."""
    from neo4j.exceptions import Neo4jError

    mapped = translate_error(Neo4jError._hydrate_neo4j(code=code, message="boom"))
    assert type(mapped) is kind and text in str(mapped), (code, mapped)


def test_encode_props_keeps_natives_and_encodes_the_rest() -> None:
    props = encode_props({"a": 1, "b": [1, 2], "c": [1, 2.0], "d": None, "e": 2**70, "f": [True, False]})
    assert props["a"] == 1 and props["b"] == [1, 2] and props["f"] == [True, False]
    assert sorted(props["_json"]) == ["c", "d", "e"]
