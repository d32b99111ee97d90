"""Request and response schemas of the HTTP API.

One family per resource. Requests carry hard limits on every list and
number (``Field(max_length=..., le=...)``), so absurd input is refused with
422 before any work; responses reuse the domain models (the catalog's
records, the planner's :class:`~queries.planner.Plan`, the gap analysis) so
the API's JSON is the CLI's JSON.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from graph.models import Cert, Course, Program, Role, Skill, format_level_ref, parse_level_ref
from queries.gaps import RoleDistance

__all__ = [
    "MAX_HAVE",
    "CertDetail",
    "CertsPublic",
    "Constraints",
    "CourseDetail",
    "CoursesPublic",
    "CypherRequest",
    "CypherResult",
    "ErrorBody",
    "FieldError",
    "GapRequest",
    "GraphEdge",
    "GraphNode",
    "GraphPublic",
    "Health",
    "HaveLevel",
    "PlanRequest",
    "ProgramDetail",
    "ProgramsPublic",
    "ReloadResult",
    "RoleDetail",
    "RoleDistancesPublic",
    "RolesPublic",
    "SkillDetail",
    "SkillsPublic",
    "Target",
    "have_strings",
]

MAX_HAVE = 500  # more than any learner lists; a 100k-item list is refused with 422
MAX_IDS = 200
MAX_DEPTH = 5
IdText = Annotated[str, Field(min_length=1, max_length=130, examples=["python", "sql:2"])]
Number = Annotated[float, Field(allow_inf_nan=False)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# -- errors ------------------------------------------------------------------------
class FieldError(BaseModel):
    """One invalid field: where (``path``, e.g. ``body.have[3]``) and why."""

    path: str = Field(examples=["body.target"])
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer has this shape; ``request_id`` is also the X-Request-ID header."""

    detail: str = Field(examples=["unknown skill 'pyhton' (did you mean python?)"])
    request_id: str | None = None
    id: str | None = Field(default=None, description="the unknown id, for 404/422 on ids")
    kind: str | None = None
    suggestions: list[str] | None = Field(default=None, description="ids that look like the unknown one")
    errors: list[FieldError] | None = Field(default=None, description="invalid fields, for 422")


# -- planning ------------------------------------------------------------------------
class HaveLevel(_Request):
    """A skill at a level, a course completed or a cert held (level only for skills)."""

    id: str = Field(min_length=1, max_length=120, examples=["python"])
    level: int | None = Field(default=None, ge=1, le=3, description="1 basic, 2 working, 3 advanced (default 3)")


def _level_checked(text: str) -> str:
    """``id:level`` with a level 1-3 (ValueError names the level otherwise); the id is checked by the planner."""
    ref = parse_level_ref(text)
    if ref.level_text:
        try:
            ref.level  # noqa: B018 - parsing is the check
        except ValueError as err:
            raise ValueError(f"{text!r}: {err}") from None
    return text


def query_levels_checked(items: list[str], name: str = "have") -> list[str]:
    """The ids of a query parameter, each ``id`` or ``id:level``: a bad level is a 422 with ``errors`` naming
    ``query.<name>``, as the same mistake in a body names its field."""
    from fastapi.exceptions import RequestValidationError

    for item in items:
        try:
            _level_checked(item)
        except ValueError as err:
            raise RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": str(err),
                                           "input": item}]) from None
    return items


HaveText = Annotated[str, Field(min_length=1, max_length=130, examples=["python", "sql:2"]),
                     AfterValidator(_level_checked)]
# A string or an object: each checked by its own rules only, so an error names the one that applies.
HaveEntry = Annotated[Annotated[HaveText, Tag("str")] | Annotated[HaveLevel, Tag("HaveLevel")],
                      Discriminator(lambda v: "str" if isinstance(v, str) else "HaveLevel")]


def have_strings(items: list[Any]) -> list[str]:
    """``["python", {"id": "sql", "level": 2}]`` -> ``["python", "sql:2"]``, as the planner takes them."""
    out = []
    for item in items:
        if isinstance(item, HaveLevel):
            out.append(format_level_ref(item.id, item.level))
        else:
            out.append(item)
    return out


class Target(_Request):
    """Where to go: a role, a cert and/or skills (at least one)."""

    role: str | None = Field(default=None, min_length=1, max_length=120, examples=["ml-engineer-gcp"])
    cert: str | None = Field(default=None, min_length=1, max_length=120, examples=["google-pmle"])
    skills: list[HaveEntry] = Field(default=[], max_length=MAX_IDS,
                                    description="skills as 'id' (level 1), 'id:level' or {id, level}")

    @model_validator(mode="after")
    def _some_target(self) -> Target:
        if not (self.role or self.cert or self.skills):
            raise ValueError("give a role, a cert or skills")
        return self


class Constraints(_Request):
    """Limits on the route (all optional)."""

    budget: Number | None = Field(default=None, ge=0, le=1e9, description="most USD to spend")
    max_hours: Number | None = Field(default=None, ge=0, le=1e7, description="most hours in total")
    free_only: bool = Field(default=False, description="only free courses or free audits; no exams")
    exclude: list[IdText] = Field(default=[], max_length=MAX_IDS, description="course, program or cert ids")
    providers: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        default=None, max_length=100, description="take courses only from these providers")
    must_include: list[IdText] = Field(default=[], max_length=MAX_IDS, description="course, program or exam ids")
    include_optional: bool = Field(default=False, description="also plan the role's optional needs and certs")
    respect_experience: bool = Field(default=False, description="leave out exams that recommend more years of "
                                                                "experience than experience_years")


class PlanRequest(_Request):
    """A planning question: from ``have`` to ``target``, cheapest by ``objective``."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"have": ["python", "sql", "git", "linux-cli", "software-engineering", "algebra:2"],
         "target": {"role": "ml-engineer-gcp"}, "objective": "hours", "hours_per_week": 10},
        {"have": [{"id": "python", "level": 2}, "sql"], "target": {"cert": "google-pmle"}, "objective": "cost",
         "constraints": {"budget": 500, "exclude": ["ml-specialization"]}, "alternatives": 1},
    ]})

    have: list[HaveEntry] = Field(default=[], max_length=MAX_HAVE,
                                  description="skills ('id' = level 3, 'id:level', {id, level}), courses, certs")
    target: Target
    objective: Literal["hours", "cost", "steps"] = "hours"
    constraints: Constraints = Constraints()
    hours_per_week: Number | None = Field(
        default=10.0, ge=0.5, le=168, description="lay the route out week by week (as the CLI, default 10); null: no "
                                                  "schedule")
    experience_years: Number | None = Field(
        default=None, ge=0, le=80, description="your years of hands-on experience: exams whose vendor recommends "
                                               "more are flagged on their step and in warnings")
    alternatives: int = Field(default=0, ge=0, le=5, description="also return this many next-best routes")

    @model_validator(mode="after")
    def _experience_given(self) -> PlanRequest:
        if self.constraints.respect_experience and self.experience_years is None:
            raise ValueError("constraints.respect_experience needs experience_years (your years of hands-on "
                             "experience)")
        return self


class GapRequest(_Request):
    """What ``have`` lacks for ``role``, and which steps close each gap."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"have": ["sql", "spreadsheets", "statistics-basics:2"], "role": "applied-ml-analyst"},
    ]})

    have: list[HaveEntry] = Field(default=[], max_length=MAX_HAVE)
    role: str = Field(min_length=1, max_length=120, examples=["applied-ml-analyst"])
    objective: Literal["hours", "cost", "steps"] = "hours"
    include_optional: bool = Field(default=True, description="count the role's optional needs as gaps too")


class RoleDistancesPublic(BaseModel):
    data: list[RoleDistance]
    count: int


# -- catalog records --------------------------------------------------------------------
class Neighbour(BaseModel):
    """A linked record and the relationship's properties (level, group, importance, order)."""

    model_config = ConfigDict(extra="allow")

    id: str


Neighbours = Annotated[dict[str, list[Neighbour]], Field(
    description="by relationship: requires, teaches, part_of, prepares_for, validates, needs, values, and their "
                "inverses required_by, taught_by, has_part, prepared_by, validated_by, needed_by, valued_by, awards",
    examples=[{"taught_by": [{"id": "py4e", "level": 2}], "required_by": [{"id": "numpy", "level": 1}]}])]


class SkillsPublic(BaseModel):
    data: list[Skill]
    count: int = Field(description="matches before pagination")


class SkillDetail(Skill):
    type: Literal["skill"] = Field(default="skill", description="the record's type")
    neighbours: Neighbours


class CoursesPublic(BaseModel):
    data: list[Course]
    count: int = Field(description="matches before pagination")


class CourseDetail(Course):
    type: Literal["course"] = Field(default="course", description="the record's type")
    neighbours: Neighbours


class ProgramsPublic(BaseModel):
    data: list[Program]
    count: int = Field(description="matches before pagination")


class ProgramDetail(Program):
    type: Literal["program"] = Field(default="program", description="the record's type")
    neighbours: Neighbours


class CertsPublic(BaseModel):
    data: list[Cert]
    count: int = Field(description="matches before pagination")


class CertDetail(Cert):
    type: Literal["cert"] = Field(default="cert", description="the record's type")
    neighbours: Neighbours


class RolesPublic(BaseModel):
    data: list[Role]
    count: int = Field(description="matches before pagination")


class RoleDetail(Role):
    type: Literal["role"] = Field(default="role", description="the record's type")
    neighbours: Neighbours


# -- graph ---------------------------------------------------------------------------------
class GraphNode(BaseModel):
    id: str
    type: Literal["skill", "course", "program", "cert", "role"]
    label: str


class GraphEdge(BaseModel):
    model_config = ConfigDict(extra="allow")

    source: str
    target: str
    type: str = Field(examples=["TEACHES"])
    level: int | None = None
    group: str | None = None
    importance: str | None = None
    order: int | None = None


class GraphPublic(BaseModel):
    """Nodes and edges, for front ends (e.g. vis.js or d3)."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    count: int = Field(description="number of nodes returned")
    truncated: bool = Field(default=False, description="true when the node limit cut the answer")


# -- curators ------------------------------------------------------------------------------
class CypherRequest(_Request):
    """A curator's Cypher query; values go in ``parameters``, never in the text."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"query": "MATCH (c:Course)-[:TEACHES]->(s:Skill {id: $skill}) RETURN c.id AS course ORDER BY course",
         "parameters": {"skill": "python"}, "limit": 20},
        {"query": "MATCH (s:Skill {id: $id}) SET s.notes = $notes", "parameters": {"id": "python", "notes": "core"},
         "write": True},
    ]})

    query: str = Field(min_length=1, max_length=20_000)
    parameters: dict[str, Any] = Field(default={}, description="passed to the driver as query parameters")
    write: bool = Field(default=False, description="allow writes (the server must allow them too)")
    timeout_s: Number | None = Field(default=None, gt=0, le=600, description="capped by the server's setting")
    limit: int | None = Field(default=None, ge=1, le=100_000, description="most rows; capped by the server")


class CypherResult(BaseModel):
    columns: list[str]
    data: list[dict[str, Any]]
    count: int
    truncated: bool = Field(description="true when the row limit cut the answer")
    write: bool
    committed: bool = Field(default=False, description="true when a write query's changes were committed")
    counters: dict[str, Any] = Field(default={}, description="what a write query changed")


class ReloadResult(BaseModel):
    changed: bool
    version: str
    previous_version: str | None
    counts: dict[str, int]


# -- health ----------------------------------------------------------------------------------
class CatalogInfo(BaseModel):
    name: str | None
    version: str
    counts: dict[str, int]


class SnapshotInfo(BaseModel):
    loaded_at: float | None = Field(description="unix time this catalog version was first loaded")
    refreshed_at: float | None = Field(description="unix time of the last successful refresh")
    age_s: float | None = Field(description="seconds since the last successful refresh")
    refresh_interval_s: float
    last_error: str | None = Field(description="why the last refresh failed, if it did")
    cached_responses: int
    cache_hits: int
    cache_misses: int


class Health(BaseModel):
    status: Literal["ok", "degraded", "unavailable"] = Field(
        description="ok; degraded: serving the last snapshot while the backend fails; unavailable: no snapshot")
    backend: Literal["seed", "file", "neo4j"]
    reachable: bool
    catalog: CatalogInfo | None
    snapshot: SnapshotInfo
