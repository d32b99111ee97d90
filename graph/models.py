"""Pydantic models of the catalog: skills, courses, programs, certs and roles.

The field names are the catalog file's keys (see DESIGN.md). Shorthand in a
file is normalised on input: a bare id in ``requires`` or ``teaches`` becomes
``{skill: id, level: 1}``; a bare id in ``needs`` becomes an essential need at
level 1. References are checked by :mod:`loaders.checks`, not here, so that a
file with many mistakes reports all of them at once.

Unknown keys are kept (``extra="allow"``) so a curator's own fields survive a
round trip; the integrity checks warn about keys that look like typos.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator

__all__ = [
    "CHECKS",
    "ID_PATTERN",
    "AnyOf",
    "Cert",
    "CertRef",
    "CertValue",
    "Course",
    "Expectation",
    "FieldSource",
    "Item",
    "LevelRef",
    "Need",
    "format_level_ref",
    "parse_level",
    "parse_level_ref",
    "Program",
    "Requirement",
    "Role",
    "Skill",
    "Situation",
    "SkillLevel",
    "Source",
    "SourceKind",
    "Subscription",
    "WEEKS_PER_MONTH",
    "money",
    "months_billed",
    "whole_months",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"  # pydantic's regex: $ is the very end
WEEKS_PER_MONTH = 52 / 12


def slug(text: str, max_length: int = 80) -> str:
    """``text`` as an id: lower case, runs of anything else as one ``-`` (empty when nothing is left).

    >>> slug("Python (computer programming)"), slug("fisher_kernel")
    ('python-computer-programming', 'fisher-kernel')
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:max_length].strip("-")
Level = Annotated[int, Field(ge=1, le=3)]
Importance = Literal["essential", "optional"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SkillLevel(_Model):
    """A skill at a level (1 basic, 2 working, 3 advanced)."""

    skill: str
    level: Level = 1


class CertRef(_Model):
    """A certification that must already be held."""

    cert: str


def _atom(v: Any) -> Any:
    if isinstance(v, str):
        return {"skill": v}
    if isinstance(v, dict) and "id" in v and "skill" not in v and "cert" not in v:
        v = {("skill" if k == "id" else k): x for k, x in v.items()}
    return v


def _kind_tag(v: Any) -> str:
    # Which model a requirement is, so a mistake yields one error, not one per union member.
    if isinstance(v, BaseModel):
        return type(v).__name__
    if isinstance(v, dict):
        return "AnyOf" if "any_of" in v else "CertRef" if "cert" in v else "SkillLevel"
    return "SkillLevel"


Atom = Annotated[
    Annotated[SkillLevel, Tag("SkillLevel")] | Annotated[CertRef, Tag("CertRef")],
    Discriminator(_kind_tag),
    BeforeValidator(_atom),
]


class AnyOf(_Model):
    """An OR group: it holds when any one member holds."""

    any_of: list[Atom] = Field(min_length=1)


Requirement = Annotated[
    Annotated[AnyOf, Tag("AnyOf")] | Annotated[SkillLevel, Tag("SkillLevel")] | Annotated[CertRef, Tag("CertRef")],
    Discriminator(_kind_tag),
    BeforeValidator(_atom),
]
Taught = Annotated[SkillLevel, BeforeValidator(_atom)]


class Need(_Model):
    """A skill a role needs, at a level, essential or optional (as in ESCO)."""

    skill: str
    level: Level = 1
    importance: Importance = "essential"


class CertValue(_Model):
    """A certification a role values."""

    cert: str
    importance: Importance = "essential"


def _cert_value(v: Any) -> Any:
    return {"cert": v} if isinstance(v, str) else v


class FieldSource(_Model):
    """Where one field of a record comes from: a source id and, for a guide, its verbatim words."""

    source: str
    quote: str | None = None


class Item(BaseModel):
    """Fields every record has."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    id: str = Field(pattern=ID_PATTERN, max_length=120)
    source: str | None = None
    quote: str | None = None  # verbatim words of the source guide that state the record
    provenance: dict[str, FieldSource] = {}  # field -> where that field's value comes from, when not ``source``
    notes: str | None = None

    @property
    def label(self) -> str:
        return str(getattr(self, "title", None) or getattr(self, "name", None) or self.id)


class Skill(Item):
    name: str
    aliases: list[str] = []
    category: str | None = None
    description: str | None = None
    requires: list[Requirement] = []
    teachable: bool = True  # false: learnt on the job; a gap no step closes


CourseFormat = Literal["course", "book", "free-course", "tutorial", "project", "exam-prep"]


class Course(Item):
    """Anything a learner takes: a course, a book, a free course, a project."""

    title: str
    provider: str | None = None
    platform: str | None = None
    format: CourseFormat = "course"
    hours: float = Field(ge=0)
    cost_usd: float | None = Field(default=None, ge=0)
    free_audit: bool = False
    rating: float | None = Field(default=None, ge=0)
    rating_scale: float | None = Field(default=None, gt=0)
    url: str | None = None
    requires: list[Requirement] = []
    teaches: list[Taught] = []
    part_of: str | None = None
    prepares_for: list[str] = []
    subscription: str | None = None  # billed monthly by this subscription instead of cost_usd

    @property
    def is_free(self) -> bool:
        """Takeable at no cost: free outright or free to audit."""
        return self.free_audit or self.cost_usd == 0


class Program(Item):
    """A bundle of courses in order (a specialization, a professional certificate)."""

    title: str
    provider: str | None = None
    platform: str | None = None
    courses: list[str] = Field(min_length=1)
    rating: float | None = Field(default=None, ge=0)
    rating_scale: float | None = Field(default=None, gt=0)
    url: str | None = None


class Cert(Item):
    """A credential: a proctored vendor exam, or a course-completion certificate."""

    name: str
    kind: Literal["vendor-exam", "completion"] = "vendor-exam"
    provider: str | None = None
    exam_cost_usd: float | None = Field(default=None, ge=0)
    prep_hours: float = Field(default=0, ge=0)
    recommended_experience_years: float | None = Field(default=None, ge=0)
    caution: str | None = None  # a guide's verbatim warning about the exam, shown wherever it appears
    requires: list[Requirement] = []
    validates: list[str] = []
    program: str | None = None  # completion certs: earned by finishing this program, paid
    url: str | None = None

    @property
    def caution_quoted(self) -> str | None:
        """The guide's warning in quotes, with the source it comes from."""
        if not self.caution:
            return None
        where = self.provenance["caution"].source if "caution" in self.provenance else self.source
        return f'"{self.caution}" ({where})'


class Role(Item):
    title: str
    description: str | None = None
    needs: list[Annotated[Need, BeforeValidator(_atom)]] = []
    values: list[Annotated[CertValue, BeforeValidator(_cert_value)]] = []


class Expectation(_Model):
    """One piece of a guide's advice for a situation, as a check on the planned route.

    Exactly one of ``must_include`` (every id is a step), ``must_not_include``
    (no id is a step), ``must_come_before`` (``[first, then]``: both are steps,
    ``first`` earlier) and ``must_warn`` (a note or unreachable reason of the
    plan contains this text, case-insensitive). ``quote`` is the guide's
    verbatim advice; ``source`` the guide (default: the situation's source).
    ``differs`` records, with the reason, advice the catalog's cheapest route
    is known not to follow: the check must then fail, and ``plan
    --situation`` says so.
    """

    must_include: list[str] | None = None
    must_not_include: list[str] | None = None
    must_come_before: list[str] | None = Field(default=None, min_length=2, max_length=2)
    must_warn: str | None = None
    quote: str = Field(min_length=1)
    source: str | None = None
    differs: str | None = None

    @model_validator(mode="after")
    def _one_check(self) -> Expectation:
        given = [k for k in CHECKS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(CHECKS)} (got {', '.join(given) or 'none'})")
        return self

    @property
    def check(self) -> str:
        """Which of :data:`CHECKS` this is."""
        return next(k for k in CHECKS if getattr(self, k) is not None)

    @property
    def ids(self) -> list[str]:
        """The step ids the check names (none for ``must_warn``)."""
        return list(self.must_include or self.must_not_include or self.must_come_before or [])


CHECKS = ("must_include", "must_not_include", "must_come_before", "must_warn")


class Situation(BaseModel):
    """A learner situation from the guides: who they are, what they have, where they aim,
    and what the guide advises them (``expect``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str
    have: list[str] = []  # "id" or "id:level", as the planner takes them
    role: str | None = None
    cert: str | None = None
    skills: list[str] = []  # target skills, "id" or "id:level"
    objective: Literal["hours", "cost", "steps"] = "hours"
    expect: list[Expectation] = []
    source: str | None = None
    quote: str | None = None
    notes: str | None = None


SourceKind = Literal["guide", "public-page", "curator"]


class Source(BaseModel):
    """A document the catalog's facts come from, and what kind: a published guide (its
    records quote it), a named public page, or the curators' judgement."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str
    kind: SourceKind | None = None
    file: str | None = None
    url: str | None = None


class Subscription(BaseModel):
    """Monthly pricing a course can be billed by (Coursera's paid access, say): a route
    pays ``usd_per_month`` for as many whole months as its courses on it take at the
    learner's pace, taken back to back."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str
    usd_per_month: float = Field(gt=0)
    usd_per_month_max: float | None = Field(default=None, gt=0)  # the top of a published range
    source: str | None = None
    quote: str | None = None
    notes: str | None = None
    url: str | None = None


def months_billed(hours: float, hours_per_week: float) -> int:
    """Whole months a subscription is paid for ``hours`` of study at ``hours_per_week``
    (a month is 52/12 weeks; a part month is a month).

    >>> months_billed(100, 10), months_billed(43.3, 10), months_billed(0, 10)
    (3, 1, 0)
    """
    return whole_months(hours, hours_per_week * WEEKS_PER_MONTH)


def money(usd: float | None, *, unknown: str = "?", symbol: str = "$") -> str:
    """US dollars with thousands separators, cents only when there are any; ``unknown`` for None.

    The one way skillgraph writes an amount, in the planner's reasons as on the pages.

    >>> money(49), money(89.99), money(None), money(1234.5, symbol="")
    ('$49', '$89.99', '?', '1,234.50')
    """
    if usd is None:
        return unknown
    return symbol + f"{usd:,.2f}".removesuffix(".00")


def whole_months(hours: float, hours_per_month: float) -> int:
    """``hours`` in whole months of ``hours_per_month`` (a part month is a month)."""
    return max(0, math.ceil(hours / hours_per_month - 1e-9))


def parse_level(text: str) -> int:
    """The level in ``"id:level"`` shorthand: 1, 2 or 3; a ValueError that says so otherwise."""
    try:
        level = int(text)
    except ValueError:
        raise ValueError("the level must be 1, 2 or 3") from None
    if not 1 <= level <= 3:
        raise ValueError(f"the level must be 1, 2 or 3, not {level}")
    return level


class LevelRef(NamedTuple):
    """An ``"id"`` or ``"id:level"`` reference as written (``have``, goal skills, situations).

    ``level_text`` is what follows the ``:`` (``""`` when nothing does);
    :attr:`level` parses it, so a caller can check the id before the level.
    """

    id: str
    level_text: str

    @property
    def level(self) -> int | None:
        """The level written (1-3), None when none is; ValueError (:func:`parse_level`) otherwise."""
        return parse_level(self.level_text) if self.level_text else None


def parse_level_ref(text: str) -> LevelRef:
    """Split ``"id:level"`` shorthand; the inverse of :func:`format_level_ref`.

    Examples
    --------
    >>> parse_level_ref("sql:2"), parse_level_ref("python").level
    (LevelRef(id='sql', level_text='2'), None)
    >>> parse_level_ref(format_level_ref("sql", 3)).level
    3
    """
    id_, _, level = text.partition(":")
    return LevelRef(id_, level)


def format_level_ref(id_: str, level: int | None = None, *, implied: int | None = None) -> str:
    """``"id:level"``, or just ``"id"`` when ``level`` is None or the ``implied`` one.

    Examples
    --------
    >>> format_level_ref("sql", 2), format_level_ref("sql", 1, implied=1), format_level_ref("aws-mls")
    ('sql:2', 'sql', 'aws-mls')
    """
    return id_ if level is None or level == implied else f"{id_}:{level}"

