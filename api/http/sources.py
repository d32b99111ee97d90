"""Where catalog snapshots come from: the shipped seed, a catalog file, or Neo4j.

Sources are small adapters behind one protocol, :class:`CatalogSource`;
:func:`source_for` picks the one the settings name. The Neo4j source (through
:mod:`graph.neo4j.store`, imported only when used) also runs curator Cypher.
Tests inject their own source into :func:`api.http.app.create_app`.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from api.http.settings import Settings
from graph.catalog import Catalog
from graph.errors import AuthFailed, CypherRejected, StoreUnavailable
from graph.neo4j.settings import DEFAULT_PORT, Neo4jSettings
from loaders import load_catalog

log = logging.getLogger("skillgraph.api")

if TYPE_CHECKING:
    from queries.cypher import CypherResult

__all__ = ["CatalogSource", "CypherSource", "FileSource", "Neo4jSource", "source_for"]


@runtime_checkable
class CatalogSource(Protocol):
    """Where snapshots come from."""

    name: str  # "seed", "file" or "neo4j"

    def load(self) -> Catalog:
        """A fresh catalog; raises :class:`StoreUnavailable` or :class:`CatalogError`."""
        ...

    def reachable(self) -> bool:
        """Whether the source answers right now (cheap; never raises)."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class CypherSource(CatalogSource, Protocol):
    """A source that can also run curator Cypher (the Neo4j backend)."""

    def cypher(self, query: str, parameters: Mapping[str, Any], *, write: bool, timeout: float,
               limit: int) -> CypherResult:
        """Run one query (see :func:`queries.cypher.run_cypher`)."""
        ...


class FileSource:
    """The embedded store over a catalog file, or over the shipped seed (``path=None``)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.name = "file" if path is not None else "seed"

    def load(self) -> Catalog:
        # load_catalog caches by (path, mtime, size): an unchanged file costs a stat.
        return load_catalog(self.path)

    def reachable(self) -> bool:
        return self.path is None or self.path.is_file()

    def close(self) -> None:
        return None


class Neo4jSource:
    """Snapshots and curator Cypher from Neo4j (or the local Bolt server).

    The driver is built here, once, and closed by :meth:`close`; the store
    connects on first use, so the service starts (and says so on ``/health``)
    while the database is down, and picks it up when it comes back. The API
    never writes the schema: ``ensure_schema=False``.
    """

    name = "neo4j"

    def __init__(self, settings: Settings):
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        self.config = Neo4jSettings.of(settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database)
        self._driver: Any = None
        self._store: Any = None
        self._lock = threading.Lock()
        self._loaded = False  # a snapshot was read with these credentials

    @property
    def store(self) -> Any:
        """The connected :class:`~graph.neo4j.store.Neo4jStore`; raises StoreUnavailable."""
        with self._lock:
            if self._store is None:
                from graph.neo4j.store import Neo4jStore

                if self._driver is None:
                    self._driver = self.config.driver()
                self._store = Neo4jStore(self._driver, database=self.config.database, uri=self.config.uri,
                                         user=self.config.user, ensure_schema=False)
            return self._store

    def load(self) -> Catalog:
        try:
            catalog = self.store.snapshot()
        except CypherRejected as err:
            # A snapshot runs only this project's own queries: a refusal is the server's state, not the query's
            # (ArcadeDB answers "BEGIN not expected in state: AUTHENTICATION" while it shuts down).
            raise StoreUnavailable(self._not_answering(err)) from err
        except AuthFailed as err:
            if self._loaded:  # these credentials worked: a server on its way down refuses logins
                raise StoreUnavailable(self._not_answering(err)) from err
            raise
        self._loaded = True
        return catalog

    def _not_answering(self, err: Exception) -> str:
        # The server's own words ("authentication failed ... check NEO4J_USER", "BEGIN not expected in state")
        # would send the reader after credentials that worked a moment ago: they go to the log only.
        log.warning("the graph database at %s refused a snapshot as it stops: %s", self.config.uri, err)
        return (f"cannot reach the graph database at {self.config.uri}: it stopped answering queries (shutting down "
                "or stopped?)")

    def reachable(self) -> bool:
        """Whether the server accepts a TCP connection (1 s at most; credentials are the refresh's business)."""
        parts = urlsplit(self.config.uri)
        try:
            with socket.create_connection((parts.hostname or "localhost", parts.port or DEFAULT_PORT), timeout=1.0):
                return True
        except (OSError, ValueError):
            return False

    def cypher(self, query: str, parameters: Mapping[str, Any], *, write: bool, timeout: float,
               limit: int) -> CypherResult:
        from queries.cypher import run_cypher

        return run_cypher(self.store.driver, query, dict(parameters), write=write, timeout=timeout,
                          database=self.config.database, max_rows=limit)

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                self._driver.close()
            self._driver = self._store = None


def source_for(settings: Settings) -> CatalogSource:
    """The source the settings ask for."""
    if settings.backend == "neo4j":
        return Neo4jSource(settings)
    return FileSource(settings.catalog)

