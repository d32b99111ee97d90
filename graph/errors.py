"""The exception tree of skillgraph.

Every error a user can cause derives from :class:`SkillGraphError`, so the
CLI and the API can turn it into one clear line or a 4xx without a traceback::

    SkillGraphError
     ├── CatalogError          a catalog file or record is invalid
     │    ├── PrerequisiteCycle   skills that require each other in a ring
     │    └── KindChanged         a load gives a stored id another kind
     ├── UnknownId             an id that is not in the catalog
     ├── PlanningError         bad planner arguments, or a solver failure
     │    └── PlanningBug         an internal check failed: a bug, not the caller's mistake
     ├── StoreUnavailable      a store cannot be reached or is closed
     │    ├── AuthFailed          the server refused the credentials
     │    ├── WeakPassword        the local server refuses a default or short password
     │    └── PortInUse           the local server's port is taken
     └── CypherRejected        a curator query refused (write in read-only mode)
          └── AccessDenied        the server refused it for lack of a permission

Each subclass is one way of handling the error: the interface layer decides
by type (a 500 for :class:`PlanningBug`, the CLI option to suggest for
:class:`KindChanged`, :class:`WeakPassword` and :class:`PortInUse`); messages
here never name a command-line option. Lower-level errors are chained with
``raise ... from err``; the Neo4j driver's are mapped in one place,
:func:`graph.neo4j.errors.map_driver_errors`.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "AccessDenied",
    "CatalogError",
    "CatalogIssue",
    "AuthFailed",
    "CycleIssue",
    "CypherRejected",
    "FieldError",
    "KindChanged",
    "PlanningBug",
    "PlanningError",
    "PortInUse",
    "PrerequisiteCycle",
    "SkillGraphError",
    "StoreUnavailable",
    "UnknownId",
    "WeakPassword",
    "field_errors",
    "suggest",
    "validation_issues",
]


class SkillGraphError(Exception):
    """Root of every error skillgraph raises on purpose."""


@dataclass(frozen=True)
class CatalogIssue:
    """One finding of the integrity checks, located by file, item and field."""

    message: str
    item: str | None = None
    field: str | None = None
    file: str | None = None
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = ":".join(p for p in (self.file, self.item, self.field) if p)
        return f"{where}: {self.message}" if where else self.message

    def in_file(self, file: str | None) -> CatalogIssue:
        """The same finding, located in ``file`` (None: in no file, such as the live graph)."""
        return dataclasses.replace(self, file=file)


class CycleIssue(CatalogIssue):
    """The issue of a prerequisite cycle; ``cycle`` is the ring of skill ids, as data.

    ``cycle`` is a slot, not a field, so reports that show an issue's fields
    (``vars(issue)``) show the same keys for every issue.

    Examples
    --------
    >>> issue = CycleIssue(["a", "b"])
    >>> str(issue), issue.cycle
    ('a:requires: prerequisite cycle among skills: a -> b -> a', ('a', 'b'))
    """

    __slots__ = ("cycle",)
    cycle: tuple[str, ...]

    def __init__(self, cycle: Sequence[str], file: str | None = None) -> None:
        ring = " -> ".join([*cycle, cycle[0]]) if cycle else "?"
        super().__init__(f"prerequisite cycle among skills: {ring}", cycle[0] if cycle else None, "requires", file)
        object.__setattr__(self, "cycle", tuple(cycle))

    def in_file(self, file: str | None) -> CycleIssue:
        return CycleIssue(self.cycle, file)


#: type tags pydantic puts in a location for the members of a union ('str' in ``str | SkillLevel``)
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


def _is_field(part: str | int) -> bool:
    """An index or a field name, not a union-member tag ('constrained-str', 'SkillLevel', 'function-after[...]')."""
    return isinstance(part, int) or (part.isidentifier() and part.islower() and part not in _TYPE_TAGS)


@dataclass(frozen=True)
class FieldError:
    """One pydantic error with its location cut down to field names and indexes.

    ``in_branch`` says the location named a union member: the error is about
    one of the shapes an input may take ("an id or {id, level}").
    """

    loc: tuple[str | int, ...]
    msg: str
    type: str
    in_branch: bool = False

    @property
    def field(self) -> str | None:
        """The location as ``requires.0.id``; None for the record as a whole."""
        return ".".join(str(p) for p in self.loc) or None


def field_errors(errors: Iterable[Mapping[str, Any]], wording: Mapping[str, str] | None = None, *,
                 show_input: bool = False) -> list[FieldError]:
    """pydantic's ``errors()`` as :class:`FieldError`, the one reading of its locations.

    ``wording`` replaces pydantic's message by error type (``{"missing":
    "required field is missing"}``); ``show_input`` appends a scalar input
    that was refused (``(got 'x')``).
    """
    out = []
    for e in errors:
        loc = tuple(p for p in e["loc"] if _is_field(p))
        msg = (wording or {}).get(e["type"]) or e["msg"]
        if show_input and e["type"] not in (wording or {}) and "input" in e and not isinstance(e["input"], dict | list):
            msg = f"{msg} (got {e['input']!r})"
        out.append(FieldError(loc, msg, e["type"], len(loc) < len(e["loc"])))
    return out


def validation_issues(err: ValidationError, item: str | None, file: str | None = None, *,
                      wording: Mapping[str, str] | None = None, show_input: bool = False) -> list[CatalogIssue]:
    """A pydantic ``ValidationError`` of one record as catalog issues located at ``item`` (see :func:`field_errors`)."""
    found = field_errors(err.errors(), wording, show_input=show_input)
    return [CatalogIssue(e.msg, item, e.field, file) for e in found]


class CatalogError(SkillGraphError):
    """A catalog could not be loaded; ``issues`` lists every error found.

    The message is ``summary`` when given (a line that counts the issues, which are then all
    errors), else the first issue and how many more there are.
    """

    def __init__(self, issues: Sequence[CatalogIssue] | str, summary: str | None = None):
        if isinstance(issues, str):
            issues = [CatalogIssue(issues)]
        self.issues = list(issues)
        self.summary = summary
        if summary is not None:
            super().__init__(summary)
            return
        head = str(self.issues[0]) if self.issues else "invalid catalog"
        more = len(self.issues) - 1
        super().__init__(head + (f" (and {more} more error{'s' * (more > 1)})" if more > 0 else ""))

    @property
    def listed(self) -> list[CatalogIssue]:
        """The issues not already in the message: all of them after a summary, else all but the first."""
        return self.issues if self.summary is not None else self.issues[1:]


class PrerequisiteCycle(CatalogError):
    """Skills whose ``requires`` form a cycle; ``cycle`` is the ring of ids."""

    def __init__(self, cycle: Sequence[str], file: str | None = None, issues: Sequence[CatalogIssue] = ()):
        self.cycle = list(cycle)
        super().__init__(list(issues) or [CycleIssue(self.cycle, file)])


class KindChanged(CatalogError):
    """A load that would change the kind of a stored id (a skill stored, a course loaded).

    Loading with ``replace`` does that; the CLI names its option for it.
    """


def suggest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` ids from ``known`` that look like ``name``."""
    known = list(known)
    found = difflib.get_close_matches(name, known, n=n, cutoff=0.6)
    if len(found) < n:
        found += [k for k in known if name and name in k and k not in found][: n - len(found)]
    return found


class UnknownId(SkillGraphError, KeyError):
    """An id that is not in the catalog, with "did you mean" suggestions."""

    def __init__(self, id_: str, kind: str = "id", suggestions: Sequence[str] = ()):
        self.id = id_
        self.kind = kind
        self.suggestions = list(suggestions)
        hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"unknown {kind} {id_!r}{hint}")

    def __str__(self) -> str:  # KeyError would quote the message again
        return str(self.args[0])


class PlanningError(SkillGraphError, ValueError):
    """The planner was asked something it cannot answer (bad arguments, solver fault)."""


class PlanningBug(PlanningError):
    """An internal check of the planner failed: a bug to report, not a bad request."""


class StoreUnavailable(SkillGraphError):
    """A store cannot be reached, refused the credentials, or was closed."""


class AuthFailed(StoreUnavailable):
    """The graph database refused the user name or password."""


class WeakPassword(StoreUnavailable):
    """The local server refuses an empty, short or well-known root password (unless for development)."""


class PortInUse(StoreUnavailable):
    """The local server's Bolt port is already taken; ``port`` is the port."""

    def __init__(self, port: int):
        self.port = port
        super().__init__(f"port {port} is already in use by a Bolt server")


class CypherRejected(SkillGraphError):
    """A curator query was refused: it writes in read-only mode, or it failed.

    ``detail`` keeps the server's full message when the one-line message is shorter.
    """

    detail: str | None = None


class AccessDenied(CypherRejected):
    """The server refused a query for lack of a permission (``Neo.ClientError.Security.Forbidden``): a 403."""
