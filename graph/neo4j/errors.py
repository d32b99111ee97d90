"""The one boundary where Neo4j driver errors become skillgraph errors.

Like httpx's ``map_httpcore_exceptions``: code that calls the driver runs
inside :func:`map_driver_errors`, and what comes out is a
:class:`~graph.errors.SkillGraphError` with a one-line message, chained to
the driver's exception.

=================================  ==========================================
driver error                       becomes
=================================  ==========================================
``AuthError``                      :class:`~graph.errors.AuthFailed`
``ServiceUnavailable``,            :class:`~graph.errors.StoreUnavailable`
``SessionExpired``, ``OSError``    ("cannot reach ...; is it running?")
``Neo4jError`` DatabaseNotFound,   :class:`~graph.errors.StoreUnavailable`
transient                          (the server's state, not the query's)
``Security.CredentialsExpired``    :class:`~graph.errors.AuthFailed`
``Security.AuthenticationRate...`` :class:`~graph.errors.AuthFailed` (wrong password, repeatedly)
other ``Security`` client errors   :class:`~graph.errors.AccessDenied` (a 403)
(``Forbidden``, ...)
``Statement.AccessMode``           :class:`~graph.errors.CypherRejected`, "read-only:
                                   ... refused to write in READ access mode"
other ``Neo4jError``               :class:`~graph.errors.CypherRejected` (the
                                   server's first line; all of it on
                                   ``detail``; a 400). Neo4j answers
                                   ``IN TRANSACTIONS`` in an explicit
                                   transaction with a ``DatabaseError``:
                                   the query's fault, so a 400 too
other ``DriverError``              :class:`~graph.errors.StoreUnavailable`
=================================  ==========================================
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graph.errors import AccessDenied, AuthFailed, CypherRejected, SkillGraphError, StoreUnavailable

__all__ = ["map_driver_errors", "translate_error"]


@contextmanager
def map_driver_errors(*, uri: str | None = None, user: str | None = None, database: str | None = None,
                      only_driver: bool = True) -> Iterator[None]:
    """Raise the driver's errors (and socket errors) in the block as skillgraph errors.

    ``uri``, ``user`` and ``database`` only go into messages. With
    ``only_driver=False`` every other exception (not a
    :class:`~graph.errors.SkillGraphError`) is mapped too, as a
    :class:`~graph.errors.StoreUnavailable` naming its type: for a block in
    which anything that fails is the server's doing.
    """
    try:
        yield
    except SkillGraphError:
        raise
    except Exception as err:
        if not only_driver or isinstance(err, OSError) or type(err).__module__.startswith("neo4j"):
            raise translate_error(err, uri=uri, user=user, database=database) from err
        raise


def translate_error(err: BaseException, *, uri: str | None = None, user: str | None = None,
                    database: str | None = None) -> SkillGraphError:
    """A driver exception as one of ours, with a one-line message (the table above)."""
    if isinstance(err, SkillGraphError):
        return err
    at = f" at {uri}" if uri else ""
    try:
        from neo4j import exceptions as nx
    except ImportError:  # pragma: no cover - only drivers raise what we translate
        return StoreUnavailable(f"graph database{at}: {err}")
    if isinstance(err, nx.AuthError):
        who = f" for user {user!r}" if user else ""
        return AuthFailed(f"authentication failed{who}{at}: check NEO4J_USER and NEO4J_PASSWORD")
    if isinstance(err, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        return StoreUnavailable(
            f"cannot reach the graph database{at}; is it running? (start one with: skillgraph db serve)"
        )
    if isinstance(err, nx.Neo4jError):
        code = err.code or ""
        message = (err.message or str(err)).strip()
        if "DatabaseNotFound" in code:
            return StoreUnavailable(f"database {database!r} does not exist{at}: {message}")
        if isinstance(err, nx.TransientError):
            return StoreUnavailable(f"the graph database{at} is busy, try again: {message}")
        if ".Security." in code:
            if code.endswith(".CredentialsExpired"):
                return AuthFailed(f"the password of user {user!r}{at} has expired and must be changed: {message}")
            if code.endswith(".AuthenticationRateLimit"):
                who = f" for user {user!r}" if user else ""
                return AuthFailed(f"authentication failed{who}{at} too many times, so the server refuses logins "
                                  "for a few seconds: check NEO4J_USER and NEO4J_PASSWORD")
            denied = AccessDenied(f"the graph database{at} refused the query: {message.splitlines()[0].strip()}"
                                  if message else code)
            denied.detail = message
            return denied
        if code.endswith("Statement.AccessMode"):
            refused = CypherRejected(f"read-only: the graph database{at} refused to write in READ access mode; "
                                     "nothing was changed")
            refused.detail = message
            return refused
        # One line (the server may add the query and a caret below); the rest stays on .detail.
        rejected = CypherRejected(message.splitlines()[0].strip() if message else code)
        rejected.detail = message
        return rejected
    if isinstance(err, nx.DriverError):
        return StoreUnavailable(f"graph database{at}: {err}")
    return StoreUnavailable(f"graph database{at}: {type(err).__name__}: {err}")
