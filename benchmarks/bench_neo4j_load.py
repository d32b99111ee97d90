"""Benchmark: load a 10,000-course synthetic catalog into the Bolt server, batched vs row by row.

Usage::

    python -m benchmarks.bench_neo4j_load [--courses 10000] [--batch-size 1000] [--seed 0]
                                          [--skip-row-tx] [--external] [--engine arcadedb|neo4j]
                                          [--catalog FILE] [--row-limit N]

It starts a local server in a temporary directory (ArcadeDB of
:mod:`graph.neo4j.local_server`, or with ``--engine neo4j`` Neo4j 5.26 of
:mod:`graph.neo4j.neo4j_server`) (``--external``: use the database ``NEO4J_*`` name instead; it is
wiped), warms the server's JIT up (the seed catalog, then ``--warmup``
untimed batched loads), then loads :func:`loaders.synthetic.synthetic_catalog`
(or, with ``--catalog``, any catalog file, such as the full ESCO import of
``skillgraph import esco``) into an empty database three ways, all with the
same statements (:func:`graph.neo4j.writer.write_plan`):

batched
    :meth:`Neo4jStore.load`: ``UNWIND $rows ... MERGE`` (stored records) or ``CREATE`` (the rest) statements of
    ``--batch-size`` rows, all in one transaction.
row by row, auto-commit
    one statement per row, each in its own transaction: what a naive writer
    does (``driver.execute_query`` per row).
row by row, one transaction
    one statement per row, all in one transaction (``--skip-row-tx`` skips
    it): the statement overhead alone, without the commits.

It prints rows/s of each, the ratio batched / row-by-row (DESIGN.md target:
>= 20x), and the time of a full snapshot (read back and checked equal).
``--row-limit N`` times only part of the row-by-row load: every record
(relationships need both ends), then an evenly spaced sample of the
relationships (``N`` minus the records, at least ``MIN_SAMPLE``), so each
relationship type is timed in its share; the records' time plus the
sample's, scaled up to all relationships, estimates the whole load (the
table says so); the counts are then not compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from typing import Any

from graph.catalog import Catalog
from graph.neo4j.settings import Neo4jSettings
from graph.neo4j.store import Neo4jStore
from graph.neo4j.writer import write_plan
from loaders import load_catalog

TARGET_RATIO = 20.0
MIN_SAMPLE = 2000  # relationships timed row by row at least (one slow statement must not set the estimate)


def _catalog(n_courses: int, seed: int) -> Catalog:
    if importlib.util.find_spec("loaders.synthetic") is not None:
        from loaders.synthetic import synthetic_catalog

        return synthetic_catalog(n_courses, seed=seed)
    from graph.models import Course, Skill  # a plain fallback, until loaders.synthetic exists

    skills = [Skill(id=f"s{i}", name=f"Skill {i}", requires=[f"s{i - 1 - i % 3}"] if i > 2 else [])
              for i in range(max(50, n_courses // 5))]
    courses = [Course(id=f"c{i}", title=f"Course {i}", hours=1 + i % 40,
                      teaches=[skills[(i * 7 + j) % len(skills)].id for j in range(3)]) for i in range(n_courses)]
    return Catalog(skills=skills, courses=courses)


def _wipe(driver: Any, database: str) -> None:
    # In slices: one huge DETACH DELETE transaction is slow on this server.
    while True:
        r = driver.execute_query("MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n",
                                 database_=database)
        if not r.records or r.records[0]["n"] == 0:
            return


def _counts(driver: Any, database: str) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database).records[0]["n"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n", database_=database).records[0]["n"]
    return int(n), int(r)


def _row_by_row_autocommit(driver: Any, database: str, catalog: Catalog,
                           limit: int | None) -> tuple[int, int, float, float]:
    """Statements run, rows they wrote, seconds they took, and the seconds all rows
    would take at the rates measured: one auto-commit statement per row.

    With ``limit``, every record is timed (the relationships need both ends in
    the graph), then an evenly spaced sample of ``limit`` minus the records
    relationships, at least ``MIN_SAMPLE``, so every relationship type is timed in its share;
    the records' time plus the sample's time scaled by relationships / sampled
    is the estimate for the whole load.
    """
    statements = write_plan(catalog, stored={}, replace=True, batch_size=1)
    records = [st for st in statements if st.phase != "relationships"]
    links = [st for st in statements if st.phase == "relationships"]
    if limit is not None and limit < len(statements):
        k = min(len(links), max(MIN_SAMPLE, limit - len(records)))
        sample = [links[i * len(links) // k] for i in range(k)]
    else:
        sample = links
    started = time.perf_counter()
    for st in records:
        driver.execute_query(st.query, st.params, database_=database)
    records_s = time.perf_counter() - started
    started = time.perf_counter()
    for st in sample:
        driver.execute_query(st.query, st.params, database_=database)
    links_s = time.perf_counter() - started
    timed = records + sample
    whole = records_s + (links_s * len(links) / len(sample) if sample else 0.0)
    return len(timed), sum(st.rows for st in timed), records_s + links_s, whole


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--courses", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="batched loads to time (median reported)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed batched loads first (JIT warm-up)")
    ap.add_argument("--only-batched", action="store_true", help="skip the row-by-row runs")
    ap.add_argument("--skip-row-tx", action="store_true", help="skip the row-by-row-in-one-transaction run")
    ap.add_argument("--external", action="store_true", help="use the NEO4J_* database (it is wiped!)")
    ap.add_argument("--engine", choices=("arcadedb", "neo4j"), default="arcadedb",
                    help="the local server to start: ArcadeDB (default) or Neo4j 5.26 Community")
    ap.add_argument("--catalog", help="load this catalog file instead of a synthetic one (e.g. the ESCO import)")
    ap.add_argument("--row-limit", type=int, default=None,
                    help="time row-by-row on every record and N minus that many sampled relationships "
                         f"(at least {MIN_SAMPLE}), and estimate all rows")
    args = ap.parse_args(argv)
    if args.row_limit is not None and args.row_limit < 1:
        ap.error(f"--row-limit must be at least 1, not {args.row_limit}")

    t = time.perf_counter()
    catalog = load_catalog(args.catalog) if args.catalog else _catalog(args.courses, args.seed)
    rows = sum(st.rows for st in write_plan(catalog, stored={}, replace=True, batch_size=10**9))
    print(f"catalog: {catalog.counts()} -> {rows} rows (records + relationships + 1 catalog node), "
          f"built in {time.perf_counter() - t:.1f} s")
    rust = importlib.util.find_spec("neo4j._rust") is not None
    print(f"driver: neo4j-rust-ext {'installed' if rust else 'NOT installed (pure-Python packstream)'}")

    server: Any = None
    if args.external:
        settings = Neo4jSettings.from_env()
    else:
        data = tempfile.mkdtemp(prefix="skillgraph-bench-")
        if args.engine == "neo4j":
            from graph.neo4j.neo4j_server import Neo4jServer

            server = Neo4jServer(data, password="bench-password-1", port=0, heap="4g", pagecache="1g")
            ep = server.start()
        else:
            from graph.neo4j.local_server import spawn

            server = spawn(data, password="bench-password-1", heap="4g")
            ep = server.endpoint
        settings = Neo4jSettings(uri=ep.uri, user=ep.user, password=ep.password, database=ep.database)
        print(f"server: local {args.engine} Bolt server at {ep.uri} (data {data})")
    try:
        with Neo4jStore.from_settings(settings) as store:
            driver, db = store.driver, store.database
            print(f"        {store.status().server}")
            _wipe(driver, db)
            # The server's JIT needs a few loads before its speed settles: warm up untimed.
            store.load(load_catalog(), batch_size=args.batch_size)
            for _ in range(args.warmup):
                _wipe(driver, db)
                store.load(catalog, replace=True, batch_size=args.batch_size)
            _wipe(driver, db)

            # mode, statements timed, rows they wrote, seconds they took, seconds for all rows (estimated
            # from the rates measured when only a sample was timed)
            results: list[tuple[str, int, int, float, float]] = []
            runs = []
            for i in range(args.repeat):
                if i:
                    _wipe(driver, db)
                report = store.load(catalog, replace=True, batch_size=args.batch_size)
                runs.append(report.seconds)
            print("batched runs: " + ", ".join(f"{s:.2f} s" for s in runs) + " (the median is reported)")
            results.append((f"batched ({args.batch_size} rows/statement), one transaction", report.statements,
                            rows, statistics.median(runs), statistics.median(runs)))
            expected = _counts(driver, db)
            t = time.perf_counter()
            snap = store.snapshot()
            snapshot_s = time.perf_counter() - t
            same = snap.to_dict() == catalog.to_dict()
            t = time.perf_counter()
            store.load(catalog, batch_size=args.batch_size)
            reload_s = time.perf_counter() - t
            assert _counts(driver, db) == expected, "reload changed the counts"

            subset = " (records, sampled relationships)" if args.row_limit else ""
            if not args.only_batched:
                _wipe(driver, db)
                n, done, seconds, whole = _row_by_row_autocommit(driver, db, catalog, args.row_limit)
                results.append(("row by row, one auto-commit statement per row" + subset, n, done, seconds, whole))
                assert args.row_limit or _counts(driver, db) == expected, "row-by-row load differs"

            if not args.skip_row_tx and not args.only_batched and not args.row_limit:
                _wipe(driver, db)
                report = store.load(catalog, replace=True, batch_size=1)
                results.append(("row by row, one statement per row, one transaction", report.statements, rows,
                                report.seconds, report.seconds))
                assert _counts(driver, db) == expected, "row-by-row load differs"
            _wipe(driver, db)
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(server.endpoint.data_dir, ignore_errors=True)

    batched = results[0][4]
    print()
    print(f"{'mode':<70} {'statements':>10} {'rows':>8} {'seconds':>8} {'all rows, s':>11} {'rows/s':>8} "
          f"{'batched is':>10}")
    for name, statements, done, seconds, whole in results:
        print(f"{name:<70} {statements:>10,} {done:>8,} {seconds:>8.2f} {whole:>11.2f} {rows / whole:>8,.0f} "
              f"{whole / batched:>9.1f}x")
    print()
    if len(results) > 1:
        ratio = results[1][4] / batched
        verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
        print(f"batched vs row-by-row (auto-commit): {ratio:.1f}x (target >= {TARGET_RATIO:g}x: {verdict})")
        if args.row_limit and results[1][2] < rows:
            print(f"row by row timed on {results[1][2]:,} of {rows:,} rows (every record, an even sample of the "
                  f"relationships); all rows at those rates: {results[1][4]:,.0f} s (estimated), batched: "
                  f"{batched:.1f} s (measured)")
    if len(results) > 2:
        print(f"batched vs row-by-row (one transaction): {results[2][4] / batched:.1f}x")
    print(f"snapshot: {snapshot_s:.2f} s for {rows:,} rows; equal to the loaded catalog: {same}")
    print(f"reload of the same catalog (upsert, batched): {reload_s:.2f} s; counts unchanged")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
