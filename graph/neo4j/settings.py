"""Where the graph database is: :class:`Neo4jSettings`, its defaults, and the password.

The one place skillgraph reads ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD`` (or ``SKILLGRAPH_DB_PASSWORD``) and ``NEO4J_DATABASE``,
and the one place their defaults live. The defaults fit the local server
(``skillgraph db serve``, :mod:`graph.neo4j.local_server`), which uses the
same constants. The driver is built here, once per owner, and injected
everywhere else.

Password precedence (docs/curators.md, docs/api.md): ``NEO4J_PASSWORD``,
else ``SKILLGRAPH_DB_PASSWORD`` (:data:`PASSWORD_VARS`), for clients and the
local server alike.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.errors import StoreUnavailable

if TYPE_CHECKING:
    import neo4j

__all__ = [
    "DEFAULT_DATABASE",
    "DEFAULT_HEAP",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DEFAULT_URI",
    "DEFAULT_USER",
    "DEV_PASSWORD",
    "PASSWORD_VARS",
    "Neo4jSettings",
    "import_driver",
    "password_from_env",
]

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 7687
DEFAULT_URI = f"bolt://{DEFAULT_HOST}:{DEFAULT_PORT}"
DEFAULT_USER = "root"  # the local server's user; a real Neo4j's is usually "neo4j"
DEFAULT_DATABASE = "skillgraph"
DEFAULT_HEAP = "2g"  # the local server's Java heap limit
DEV_PASSWORD = "skillgraph-dev"  # the local server's password with --dev and no usable one
#: where the password comes from, first set wins
PASSWORD_VARS = ("NEO4J_PASSWORD", "SKILLGRAPH_DB_PASSWORD")


def password_from_env(env: Mapping[str, str] | None = None) -> str:
    """The password of :data:`PASSWORD_VARS`, first set wins; ``""`` when none is.

    Examples
    --------
    >>> password_from_env({"SKILLGRAPH_DB_PASSWORD": "server-pw", "NEO4J_PASSWORD": "client-pw"})
    'client-pw'
    >>> password_from_env({"SKILLGRAPH_DB_PASSWORD": "server-pw", "NEO4J_PASSWORD": ""})
    'server-pw'
    """
    env = os.environ if env is None else env
    return next((env[k] for k in PASSWORD_VARS if env.get(k)), "")


def import_driver() -> Any:
    """The ``neo4j`` package, or a clear error naming the extra to install."""
    try:
        import neo4j
    except ImportError:
        raise StoreUnavailable(
            "the Neo4j driver is not installed: pip install 'skillgraph[server]'"
        ) from None
    return neo4j


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the graph database is: ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``.

    The password may also come from ``SKILLGRAPH_DB_PASSWORD`` (the variable
    ``skillgraph db serve`` reads). Defaults fit the local server.

    Examples
    --------
    >>> s = Neo4jSettings.from_env({"NEO4J_URI": "bolt://db:7687", "NEO4J_PASSWORD": "s3cret-pass"})
    >>> s.uri, s.user, s.database
    ('bolt://db:7687', 'root', 'skillgraph')
    >>> "s3cret" in repr(s)
    False
    """

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Neo4jSettings:
        env = os.environ if env is None else env
        return cls.of(env.get("NEO4J_URI"), env.get("NEO4J_USER"), None, env.get("NEO4J_DATABASE"), env=env)

    @classmethod
    def of(cls, uri: str | None, user: str | None, password: str | None, database: str | None, *,
           env: Mapping[str, str] | None = None) -> Neo4jSettings:
        """Settings from values that may be unset; unset ones take the defaults.

        An unset password comes from ``env`` (default: the environment) by
        :func:`password_from_env`.
        """
        return cls(uri=uri or DEFAULT_URI, user=user or DEFAULT_USER, password=password or password_from_env(env),
                   database=database or DEFAULT_DATABASE)

    def driver(self) -> neo4j.Driver:
        """A new driver for these settings (the caller owns and closes it)."""
        neo4j = import_driver()
        if not self.password:
            raise StoreUnavailable(f"no password for {self.uri}: set NEO4J_PASSWORD (or SKILLGRAPH_DB_PASSWORD)")
        try:
            return neo4j.GraphDatabase.driver(
                self.uri,
                auth=(self.user, self.password),
                user_agent="skillgraph",
                # Fail fast when the server is down instead of retrying for 30 s.
                connection_timeout=10.0,
                connection_acquisition_timeout=30.0,
                max_transaction_retry_time=5.0,
                # Neo4j's notifications (e.g. "property key does not exist" for an optional property) are
                # advice for hand-written queries; the driver would log each one to stderr.
                notifications_min_severity="OFF",
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as err:
            raise StoreUnavailable(f"invalid NEO4J_URI {self.uri!r}: {err}") from err
