"""The catalog in a Neo4j 5 database over Bolt: :class:`Neo4jStore`.

Works the same against a real Neo4j 5 (``NEO4J_URI``) and against the local
ArcadeDB server of :mod:`graph.neo4j.local_server`, which speaks Bolt as
Neo4j 5.

Schema (DESIGN.md "Neo4j", the table in :mod:`graph.schema`)
    Nodes ``Skill``, ``Course``, ``Program``, ``Cert``, ``Role`` keyed by a
    unique ``id``; one ``Catalog {id: "catalog"}`` node holds the catalog's
    own fields (name, sources, learner situations). Relationships
    ``REQUIRES {level, group, member}`` (from a skill, course or cert to a
    skill or cert; members of one ``any_of`` share ``group``), ``TEACHES
    {level}``, ``PART_OF`` (course to program), ``PREPARES_FOR``,
    ``VALIDATES``, ``AWARDED_FOR`` (completion cert to its program),
    ``NEEDS {level, importance}``, ``VALUES {importance}``. Every
    relationship carries ``order``, its position in the record's list, so
    lists come back in order. Uniqueness constraints on ``id`` per label and
    name/title indexes are created idempotently when the store connects.

The store is the lifecycle and the error boundary: it holds the driver
(injected, or built once from :class:`~graph.neo4j.settings.Neo4jSettings`
and then closed by the store), refuses work once closed, and runs every
call of its :class:`~graph.neo4j.writer.Neo4jWriter` (one transaction per
load, :mod:`graph.neo4j.writer`) and :class:`~graph.neo4j.reader.Neo4jReader`
inside :func:`~graph.neo4j.errors.map_driver_errors`. Properties are
encoded losslessly (:mod:`graph.neo4j.codec`). The catalog is checked
(:func:`graph.store.reference_issues`) before the transaction starts, so a
catalog with a dangling reference writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from graph.catalog import Catalog
from graph.errors import CatalogError, StoreUnavailable
from graph.neo4j.codec import GraphReport, RawGraph, catalog_from_graph
from graph.neo4j.errors import map_driver_errors
from graph.neo4j.reader import Neo4jReader
from graph.neo4j.settings import DEFAULT_DATABASE, Neo4jSettings, import_driver
from graph.neo4j.writer import Neo4jWriter
from graph.store import DEFAULT_BATCH_SIZE, LoadReport, Progress, StoreStatus

if TYPE_CHECKING:
    import neo4j

__all__ = ["Neo4jStore"]


class Neo4jStore:
    """The catalog in a Neo4j 5 database (or the local Bolt server).

    Parameters
    ----------
    driver : neo4j.Driver
        Injected; closed by whoever built it (by the store when
        ``owns_driver`` is true, as :meth:`from_env` sets).
    database : str
        Passed on every call.
    uri, user : str, optional
        Only for error messages.
    ensure_schema : bool
        Create the constraints and indexes (idempotent) on connect.

    Raises
    ------
    StoreUnavailable
        The server cannot be reached, refuses the credentials, or has no
        such database.
    """

    kind: Literal["neo4j"] = "neo4j"

    def __init__(
        self,
        driver: neo4j.Driver,
        *,
        database: str = DEFAULT_DATABASE,
        uri: str | None = None,
        user: str | None = None,
        ensure_schema: bool = True,
        owns_driver: bool = False,
    ) -> None:
        import_driver()
        self._driver: neo4j.Driver | None = driver
        self.database = database
        self.uri = uri
        self.user = user
        self._owns_driver = owns_driver
        with self._errors():
            driver.verify_connectivity()
        if ensure_schema:
            self.ensure_schema()

    @classmethod
    def from_settings(cls, settings: Neo4jSettings, **kwargs: Any) -> Neo4jStore:
        """A store that owns a new driver for ``settings``."""
        driver = settings.driver()
        try:
            return cls(driver, database=settings.database, uri=settings.uri, user=settings.user, owns_driver=True,
                       **kwargs)
        except BaseException:
            driver.close()
            raise

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kwargs: Any) -> Neo4jStore:
        """A store for ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``."""
        return cls.from_settings(Neo4jSettings.from_env(env), **kwargs)

    # -- plumbing ---------------------------------------------------------------
    @property
    def driver(self) -> neo4j.Driver:
        if self._driver is None:
            raise StoreUnavailable("the Neo4j store is closed")
        return self._driver

    @contextmanager
    def _errors(self) -> Iterator[None]:
        with map_driver_errors(uri=self.uri, user=self.user, database=self.database):
            yield

    @property
    def _writer(self) -> Neo4jWriter:
        return Neo4jWriter(self.driver, database=self.database)

    @property
    def _reader(self) -> Neo4jReader:
        return Neo4jReader(self.driver, database=self.database)

    def ensure_schema(self) -> None:
        """Create the uniqueness constraints and indexes unless they exist."""
        with self._errors():
            self._writer.ensure_schema()

    # -- Store -------------------------------------------------------------------
    def load(
        self,
        catalog: Catalog,
        *,
        replace: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Write ``catalog`` in one transaction; see :meth:`graph.neo4j.writer.Neo4jWriter.load`.

        Raises :class:`~graph.errors.StoreUnavailable` or
        :class:`~graph.errors.CypherRejected` when the server fails; nothing
        is written then.
        """
        with self._errors():
            return self._writer.load(catalog, replace=replace, batch_size=batch_size, progress=progress)

    def read_graph(self) -> RawGraph:
        """Every catalog node and relationship, in one read transaction."""
        with self._errors():
            return self._reader.read_graph()

    def inspect(self) -> GraphReport:
        """A lenient snapshot: the valid records, and every problem found (for ``db validate``)."""
        return catalog_from_graph(self.read_graph())

    def snapshot(self) -> Catalog:
        """The whole graph as a catalog.

        Raises
        ------
        CatalogError
            The graph has records that do not make a valid catalog (run
            ``skillgraph db validate`` for the full list).
        """
        report = self.inspect()
        if report.errors or report.catalog is None:
            n = len(report.errors)
            raise CatalogError(report.errors, summary=f"the graph is not a valid catalog: {n} error{'s' * (n != 1)} "
                                                      "(skillgraph db validate lists every problem)")
        return report.catalog

    def status(self) -> StoreStatus:
        """Server, database, counts of nodes by label and relationships by type, last load."""
        with self._errors():
            info = self.driver.get_server_info()
            counts = self._reader.counts()
        return StoreStatus(store=self.kind, uri=self.uri, database=self.database, server=info.agent,
                           protocol=".".join(str(x) for x in info.protocol_version), **counts)

    def close(self) -> None:
        if self._driver is not None and self._owns_driver:
            self._driver.close()
        self._driver = None

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
