"""Commands for the graph database: ``skillgraph db serve|load|status|validate``, ``cypher``, ``export``.

Registered by :mod:`api.cli` (:func:`register`). The database is the
one ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` (or
``SKILLGRAPH_DB_PASSWORD``) and ``NEO4J_DATABASE`` name; the defaults fit
``skillgraph db serve``. The ``neo4j`` driver and the local server are
imported only when a command needs them, so the rest of the CLI works
without the ``server`` extra. Every failure is one line on stderr
(:class:`~graph.errors.StoreUnavailable`, :class:`~graph.errors.CypherRejected`,
:class:`~graph.errors.CatalogError`), never a traceback.

:func:`snapshot_from_env` backs ``skillgraph plan --db``. ``db validate`` is
``skillgraph validate --db`` (:func:`api.cli.catalog.run_validate`, over
:func:`loaders.export.validate_db`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from api.cli.catalog import run_validate
from api.cli.options import UsageError, add_format, whole
from api.formatting import counted
from api.records import query_result
from graph.catalog import Catalog
from graph.errors import CatalogError, PortInUse, StoreUnavailable, WeakPassword
from graph.neo4j.neo4j_server import DEFAULT_NEO4J_HEAP, DEFAULT_PAGECACHE, DEFAULT_TX_TIMEOUT
from graph.neo4j.settings import (
    DEFAULT_DATABASE,
    DEFAULT_HEAP,
    DEFAULT_PORT,
    DEFAULT_URI,
    DEFAULT_USER,
    DEV_PASSWORD,
    password_from_env,
)
from graph.neo4j.store import Neo4jStore
from graph.store import DEFAULT_BATCH_SIZE
from loaders import check_catalog, load_catalog
from loaders.export import EXPORT_SUFFIXES, export_catalog

__all__ = ["parse_param", "register", "snapshot_from_env"]

_DEFAULT_DATA = Path.home() / ".skillgraph" / "db"
_DEFAULT_NEO4J_DATA = Path.home() / ".skillgraph" / "neo4j"


# -- functions for the other commands -------------------------------------------------------------
def _store(env: Mapping[str, str] | None = None, *, ensure_schema: bool = False) -> Neo4jStore:
    return Neo4jStore.from_env(env, ensure_schema=ensure_schema)


def snapshot_from_env(env: Mapping[str, str] | None = None) -> Catalog:
    """The live graph as a catalog (for ``skillgraph plan --db``).

    Raises
    ------
    StoreUnavailable
        The database cannot be reached or refuses the credentials.
    CatalogError
        The graph does not make a valid catalog (see ``skillgraph db validate``).
    """
    with _store(env) as store:
        return store.snapshot()


# -- argument parsing ---------------------------------------------------------------------------
def parse_param(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` with VALUE read as JSON when it parses, else as a string.

    Examples
    --------
    >>> parse_param("level=2"), parse_param("skill=python"), parse_param('ids=["a","b"]')
    (('level', 2), ('skill', 'python'), ('ids', ['a', 'b']))
    >>> parse_param('id="2"')
    ('id', '2')
    """
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name.strip(), json.loads(value)
    except json.JSONDecodeError:
        return name.strip(), value


def _seconds(text: str) -> float | None:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0 (0: no limit)")
    return value or None


def _export_file(text: str) -> str:
    suffix = Path(text).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise argparse.ArgumentTypeError(f"unsupported file type {suffix or '(none)'!r}: use .yaml, .yml or .json")
    return text


def register(sub: Any) -> None:
    """Add ``db``, ``cypher`` and ``export`` to the ``skillgraph`` subcommands."""
    env_help = (f"The database: NEO4J_URI (default {DEFAULT_URI}), NEO4J_USER ({DEFAULT_USER}), NEO4J_PASSWORD "
                f"(or SKILLGRAPH_DB_PASSWORD), NEO4J_DATABASE ({DEFAULT_DATABASE}).")
    db = sub.add_parser("db", help="the graph database: serve, load, status, validate", description=env_help)
    dsub = db.add_subparsers(dest="db_command", metavar="SUBCOMMAND")
    dsub.required = True

    p = dsub.add_parser("serve", help="run a local Bolt server (ArcadeDB, or real Neo4j) in the foreground",
                        description="Run a graph server on localhost until Ctrl-C: ArcadeDB with its Bolt plugin "
                                    "(--engine arcadedb, the default: nothing to install; user root), or Neo4j 5.26 "
                                    "LTS Community (--engine neo4j: needs Java 17+ and Maven, which builds it once "
                                    "from Maven Central; user neo4j). The password comes from SKILLGRAPH_DB_PASSWORD "
                                    "(NEO4J_PASSWORD wins when set, as for every command).")
    p.add_argument("--engine", choices=("arcadedb", "neo4j"), default="arcadedb",
                   help="arcadedb (default, zero setup) or neo4j (real Neo4j 5.26 Community)")
    p.add_argument("--data", default=os.environ.get("SKILLGRAPH_DB_DATA"),
                   help=f"persistent data directory (default: $SKILLGRAPH_DB_DATA, or {_DEFAULT_DATA} for arcadedb "
                        f"and {_DEFAULT_NEO4J_DATA} for neo4j)")
    p.add_argument("--port", type=whole(0, 65535), default=DEFAULT_PORT,
                   help=f"Bolt port (default: {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--http-port", type=whole(0, 65535), default=0,
                   help="ArcadeDB HTTP port (default: any free port; Neo4j serves no HTTP)")
    p.add_argument("--database", default=DEFAULT_DATABASE,
                   help=f"database name (default: {DEFAULT_DATABASE}; on Neo4j fixed when --data is created)")
    p.add_argument("--heap", default=None,
                   help=f"Java heap limit (default: {DEFAULT_HEAP} for arcadedb, {DEFAULT_NEO4J_HEAP} for neo4j)")
    p.add_argument("--pagecache", default=DEFAULT_PAGECACHE,
                   help=f"Neo4j page cache size (default: {DEFAULT_PAGECACHE})")
    p.add_argument("--tx-timeout", type=whole(1), default=DEFAULT_TX_TIMEOUT,
                   help=f"Neo4j: seconds any transaction may run (default: {DEFAULT_TX_TIMEOUT})")
    p.add_argument("--dev", action="store_true",
                   help=f"allow a default or empty password (then: {DEV_PASSWORD}); for a throwaway server")
    p.set_defaults(handler=_serve)

    p = dsub.add_parser("load", help="load a catalog file (default: the shipped seed) into the database",
                        description=env_help)
    p.add_argument("file", nargs="?", help="catalog file (YAML or JSON); default: the shipped seed")
    p.add_argument("--replace", action="store_true", help="also remove what the file no longer has")
    p.add_argument("--batch-size", type=whole(1), default=DEFAULT_BATCH_SIZE,
                   help=f"rows per statement (default: {DEFAULT_BATCH_SIZE})")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(handler=_load)

    p = dsub.add_parser("status", help="server, database and what it holds", description=env_help)
    add_format(p)
    p.set_defaults(handler=_status)

    p = dsub.add_parser("validate", help="check the live graph; exit 1 on errors", description=env_help)
    add_format(p)
    p.set_defaults(handler=run_validate, db=True, file=None)

    p = sub.add_parser("cypher", help="run a Cypher query (read-only unless --write)",
                       description="Run one Cypher query against the database. Read-only unless --write: a query "
                                   "that would change anything is rolled back and refused. A QUERY of the form "
                                   ":NAME runs a named query (:help lists them). " + env_help)
    p.add_argument("query", help="Cypher, or :NAME for a named query")
    p.add_argument("--param", "-p", action="append", type=parse_param, default=[], metavar="NAME=VALUE",
                   help="query parameter, VALUE as JSON or a string (repeatable)")
    p.add_argument("--write", action="store_true", help="commit the query's changes")
    p.add_argument("--timeout", type=_seconds, default=30.0, help="seconds (default: 30; 0: no limit)")
    p.add_argument("--max-rows", type=whole(1), default=10_000, help="rows to show at most (default: 10000)")
    add_format(p)
    p.set_defaults(handler=_cypher)

    p = sub.add_parser("export", help="write the live graph as a catalog file (YAML or JSON)",
                       description="Write the live graph as a catalog file that load_catalog reads back "
                                   "identically. " + env_help)
    p.add_argument("file", type=_export_file, help="output file: .yaml, .yml or .json")
    p.add_argument("--force", action="store_true", help="write even when the integrity checks find errors")
    p.set_defaults(handler=_export)


# -- handlers ------------------------------------------------------------------------------------------
def _serve(args: argparse.Namespace) -> int:
    from graph.neo4j.local_server import BoltServer, check_password, serve_until_signal

    try:
        password = check_password(password_from_env(), dev=args.dev)
    except WeakPassword as err:
        raise WeakPassword(f"{err} (or pass --dev for a throwaway local server)") from err
    server: Any
    if args.engine == "neo4j":
        from graph.neo4j.neo4j_server import Neo4jServer

        server = Neo4jServer(args.data or _DEFAULT_NEO4J_DATA, password=password, port=args.port,
                             database=args.database, heap=args.heap or DEFAULT_NEO4J_HEAP, pagecache=args.pagecache,
                             tx_timeout=args.tx_timeout)
        name = "Neo4j"
    else:
        server = BoltServer(args.data or _DEFAULT_DATA, password=password, port=args.port, http_port=args.http_port,
                            database=args.database, heap=args.heap or DEFAULT_HEAP)
        name = "the graph server"
    print(f"starting {name} (data: {server.data_dir}) ...", flush=True)

    def ready(endpoint: Any) -> None:
        shown = password if password == DEV_PASSWORD else "<your SKILLGRAPH_DB_PASSWORD>"
        print(f"Bolt server ready at {endpoint.uri} (database {endpoint.database}, user {endpoint.user})")
        print("point skillgraph at it with:")
        print(f"  export NEO4J_URI={endpoint.uri} NEO4J_USER={endpoint.user} NEO4J_DATABASE={endpoint.database}")
        print(f"  export NEO4J_PASSWORD={shown}")
        print("press Ctrl-C to stop", flush=True)

    try:
        serve_until_signal(server, ready)
    except PortInUse as err:
        raise StoreUnavailable(f"{err}; choose another --port") from err
    print(f"stopped; data kept in {server.data_dir}", flush=True)
    return 0


def _progress(out: Any = None) -> Callable[[str, int, int], None]:
    out = out or sys.stderr
    last_phase = [""]
    last_at = [0.0]

    def report(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != last_phase[0] or done >= total or now - last_at[0] >= 1.0:
            print(f"  {phase}: {done}/{total}", file=out, flush=True)
            last_phase[0], last_at[0] = phase, now

    return report


def _load(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.file)
    shown = args.file or "the seed catalog"
    with _store(ensure_schema=True) as store:
        report = store.load(catalog, replace=args.replace, batch_size=args.batch_size,
                            progress=None if args.quiet else _progress())
        where = f"{store.uri} (database {store.database})"
    removed = f"; removed {counted(report.removed, 'stale record')}" if args.replace else ""
    print(f"loaded {shown} into {where}: {counted(report.records, 'record')} and "
          f"{counted(report.relationships, 'relationship')}"
          f"{removed}, in {report.seconds:.1f} s")
    return 0


def _status(args: argparse.Namespace) -> int:
    with _store() as store:
        st = store.status()
    if args.format == "json":
        print(json.dumps(st.model_dump(), indent=2))
        return 0
    print(f"{st.uri} database {st.database}: {st.server}, Bolt {st.protocol}")
    if st.name or st.loaded_at:
        print(f"catalog: {st.name or '(no name)'}, loaded {st.loaded_at or 'by hand'}")
    else:
        print("catalog: none loaded (skillgraph db load)")
    print("nodes: " + ", ".join(f"{n} {label}" for label, n in st.nodes.items()))
    print("relationships: " + ", ".join(f"{n} {t}" for t, n in st.relationships.items()))
    return 0


def _cypher(args: argparse.Namespace) -> int:
    from queries.cypher import NAMED_QUERIES, CypherResult, run_cypher, run_named


    params = dict(args.param)
    if args.query.strip() in (":help", ":list"):
        for q in NAMED_QUERIES.values():
            needs = " ".join(f"--param {p}=..." for p in q.params)
            print(f":{q.name} {needs}".rstrip() + f"\n    {q.description}")
        return 0
    if args.query.startswith(":") and args.write:
        raise UsageError("named queries only read; drop --write")
    with _store() as store:
        if args.query.startswith(":"):
            rows = run_named(store.driver, args.query[1:].strip(), params, database=store.database,
                             timeout=args.timeout)
            keys = list(rows[0]) if rows else []
            result = CypherResult(keys, rows)
        else:
            result = run_cypher(store.driver, args.query, params, write=args.write, timeout=args.timeout,
                                database=store.database, max_rows=args.max_rows)
    if args.format == "json":
        data = query_result(result, write=args.write)
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if result.keys:
        print(_table(result.keys, result.rows))
    footer = f"({len(result.rows)} row{'s' * (len(result.rows) != 1)}{', truncated' if result.truncated else ''})"
    print(footer)
    if result.counters:
        verb = "committed" if result.committed else "changes"
        print(f"{verb}: " + ", ".join(f"{k}={v}" for k, v in result.counters.items()))
    return 0


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _table(keys: list[str], rows: list[dict[str, Any]], max_width: int = 60) -> str:
    if not keys:
        return ""

    def clip(text: str) -> str:
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    table = [[clip(k) for k in keys]] + [[clip(_cell(r.get(k))) for k in keys] for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(keys))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _export(args: argparse.Namespace) -> int:
    target = Path(args.file)
    with _store() as store:
        catalog = store.snapshot()
        where = f"{store.uri} (database {store.database})"
    errors = [i for i in check_catalog(catalog, where) if i.severity == "error"]
    if errors and not args.force:
        raise CatalogError(errors)
    header = (f"skillgraph catalog exported from {where} on "
              f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}\nload it with: skillgraph db load FILE --replace")
    export_catalog(catalog, target, header=header, verify=not args.force)
    counts = ", ".join(counted(n, k) for k, n in catalog.counts().items())
    print(f"exported {counts} from {where} to {target}")
    return 0
