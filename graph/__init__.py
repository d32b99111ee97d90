"""The domain: catalog models, errors and the in-memory graph."""

from graph.catalog import KINDS, Catalog, Kind
from graph.errors import (
    CatalogError,
    CatalogIssue,
    CypherRejected,
    PlanningError,
    PrerequisiteCycle,
    SkillGraphError,
    StoreUnavailable,
    UnknownId,
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
    "Catalog",
    "CatalogError",
    "CatalogIssue",
    "Cert",
    "CertRef",
    "CertValue",
    "Course",
    "CypherRejected",
    "Kind",
    "Need",
    "PlanningError",
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
]
