"""Read-only Cypher, decided before the query runs, on tokens rather than raw text.

A curator's query without write access must change nothing on any server,
including those that do not enforce READ access mode (the local ArcadeDB
server), and whatever a rollback cannot undo (``CALL {...} IN TRANSACTIONS``
commits batch by batch; schema changes survive a rollback there). So the
query is split into tokens first: string literals, comments and
backtick-quoted names become single tokens and can neither hide a clause nor
trigger a refusal. A ``//`` comment ends at any line break a server may
see (``\\r``, ``\\u2028``... as well as ``\\n``), so nothing after one hides
in it. Then a keyword counts only where it is a clause keyword:
not a property (``n.delete``), a label or type (``:Set``), a map key
(``{create: 1}``) or a parameter (``$set``).

Refused in read-only mode, each with a message naming it: updating clauses
(``CREATE`` and GQL's ``INSERT``, ``MERGE``, ``SET``, ``DELETE``,
``DETACH``, ``REMOVE``, ``FOREACH``), ``IN TRANSACTIONS``, ``LOAD CSV``,
``USE``, schema and
administration commands (``DROP``, ``ALTER``, ``GRANT``, ``DENY``,
``REVOKE``, ``START``/``STOP``, ``TERMINATE``, ``ENABLE``...), ``SHOW``
except of indexes and constraints, ``CALL`` of any procedure outside a small
allowlist, and namespaced functions outside the temporal and spatial ones.

Examples
--------
>>> read_only_violation("MATCH (n:Skill) WHERE n.note = 'DETACH DELETE n' RETURN n.delete AS d")
>>> read_only_violation("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS")
'DETACH DELETE (an update)'
>>> read_only_violation("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")
'LOAD CSV (reads files or URLs on the server)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PROCEDURE_ALLOWLIST", "Token", "read_only_violation", "tokens"]

#: procedures a read-only query may CALL (they only describe the schema)
PROCEDURE_ALLOWLIST = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
})
_FUNCTION_NAMESPACES = frozenset({"date", "datetime", "localdatetime", "time", "localtime", "duration", "point",
                                  "vector"})

_UPDATES = {"CREATE", "INSERT", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH"}  # INSERT: GQL's CREATE
_ADMIN = {"DROP", "ALTER", "GRANT", "DENY", "REVOKE", "START", "STOP", "TERMINATE", "ENABLE", "DEALLOCATE",
          "REALLOCATE", "RENAME", "SUSPEND", "ACTIVATE", "DEACTIVATE", "PERIODIC"}
_SHOWABLE = {"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS"}
_SCHEMA_OBJECTS = _SHOWABLE | {"DATABASE", "ALIAS", "USER", "ROLE", "COMPOSITE", "SERVER"}
_SHOW_MODIFIERS = {"ALL", "RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR", "BTREE", "UNIQUE", "UNIQUENESS",
                   "EXISTENCE", "EXIST", "EXISTS", "NODE", "REL", "RELATIONSHIP", "KEY", "PROPERTY", "TYPE"}

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$\w+|\$`(?:[^`]|``)*`)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<punct>.)
""", re.S | re.X)


@dataclass(frozen=True)
class Token:
    kind: str  # word | quoted | string | param | number | punct (spaces and comments are dropped)
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokens(query: str) -> list[Token]:
    """The query's tokens, without spaces and comments."""
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "punct"
        if kind not in ("space", "comment"):
            out.append(Token(kind, m.group()))
    return out


def _is_keyword(toks: list[Token], i: int) -> bool:
    """A word in clause position: not a property, label, type, map key or parameter."""
    before = toks[i - 1].text if i > 0 else ""
    after = toks[i + 1].text if i + 1 < len(toks) else ""
    return before not in (".", ":", "$") and after != ":"


def _dotted(toks: list[Token], i: int) -> tuple[str, int]:
    """``a.b.c`` starting at token i (words or quoted names), lower case, and the index after it."""
    parts = []
    while i < len(toks) and toks[i].kind in ("word", "quoted"):
        parts.append(toks[i].text.strip("`").lower())
        if i + 2 < len(toks) and toks[i + 1].text == "." and toks[i + 2].kind in ("word", "quoted"):
            i += 2
            continue
        i += 1
        break
    return ".".join(parts), i


def read_only_violation(query: str) -> str | None:
    """The first thing that makes ``query`` not read-only, named for the user; None when it is read-only."""
    toks = tokens(query)
    for i, tok in enumerate(toks):
        word = tok.upper
        if not word or not _is_keyword(toks, i):
            continue
        nxt = toks[i + 1].upper if i + 1 < len(toks) else ""
        if word == "DETACH" and nxt == "DELETE":
            return "DETACH DELETE (an update)"
        if word == "CREATE":
            j = i + 1
            while j < len(toks) and toks[j].upper in _SHOW_MODIFIERS | {"OR", "REPLACE"}:
                j += 1
            if j < len(toks) and toks[j].upper in _SCHEMA_OBJECTS:
                return f"CREATE {toks[j].text.upper()} (a schema or administration command)"
        if word in _UPDATES:
            return f"{word} (an update)"
        if word in ("TRANSACTIONS", "TRANSACTION") and (
                any(t.upper == "IN" for t in toks[max(0, i - 4):i]) or (i > 0 and toks[i - 1].upper == "CONCURRENT")):
            # IN [n] TRANSACTIONS, and IN <any expression> CONCURRENT TRANSACTIONS
            return "IN TRANSACTIONS (commits batch by batch: a rollback cannot undo it)"
        if word == "LOAD":
            return "LOAD CSV (reads files or URLs on the server)"
        if word == "USE":
            return "USE (switches database)"
        if word in _ADMIN:
            return f"{word} (a schema or administration command)"
        if word == "SHOW":
            j = i + 1
            while j < len(toks) and toks[j].upper in _SHOW_MODIFIERS:
                j += 1
            if j >= len(toks) or toks[j].upper not in _SHOWABLE:
                shown = toks[j].text if j < len(toks) else ""
                return f"SHOW {shown} (only indexes and constraints may be listed)".replace("  ", " ")
        if word == "CALL" and i + 1 < len(toks) and toks[i + 1].kind in ("word", "quoted"):
            name, _ = _dotted(toks, i + 1)
            if name not in PROCEDURE_ALLOWLIST:
                return f"CALL {name} (a procedure outside the read-only allowlist)"
    for i, tok in enumerate(toks):  # namespaced functions: a.b( is a call, never a property
        if tok.kind in ("word", "quoted") and (i == 0 or toks[i - 1].text not in (".", ":", "$")) \
                and i + 2 < len(toks) and toks[i + 1].text == ".":
            name, j = _dotted(toks, i)
            if j < len(toks) and toks[j].text == "(" and "." in name \
                    and name.split(".")[0] not in _FUNCTION_NAMESPACES \
                    and not (i > 0 and toks[i - 1].upper == "CALL"):
                return f"{name}() (a function outside the read-only allowlist)"
    return None
