"""The domain: catalog models, errors, the graph schema and the in-memory graph.

The stores are :mod:`graph.store` (the protocol), :mod:`graph.embedded` and
:mod:`graph.neo4j` (imported only when used: it needs the ``server`` extra).
"""

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import (
    AuthFailed,
    CatalogError,
    CatalogIssue,
    CycleIssue,
    CypherRejected,
    KindChanged,
    PlanningBug,
    PlanningError,
    PortInUse,
    PrerequisiteCycle,
    SkillGraphError,
    StoreUnavailable,
    UnknownId,
    WeakPassword,
)
from graph.models import (
    AnyOf,
    Cert,
    CertRef,
    CertValue,
    Course,
    Need,
    Program,
    Role,
    Situation,
    Skill,
    SkillLevel,
    Source,
)

__all__ = [
    "KINDS",
    "AnyOf",
    "AuthFailed",
    "Catalog",
    "CatalogError",
    "CatalogIssue",
    "Cert",
    "CertRef",
    "CertValue",
    "Course",
    "CycleIssue",
    "CypherRejected",
    "Kind",
    "KindChanged",
    "Need",
    "PlanningBug",
    "PlanningError",
    "PortInUse",
    "PrerequisiteCycle",
    "Program",
    "Role",
    "Skill",
    "Situation",
    "SkillGraphError",
    "SkillLevel",
    "Source",
    "StoreUnavailable",
    "UnknownId",
    "WeakPassword",
]
