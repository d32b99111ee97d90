"""The HTTP service's settings, read once from the environment.

Every variable is documented on its field; ``SKILLGRAPH_`` is the prefix,
except the Neo4j connection, which uses the driver's usual names
(``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``) so one
environment serves the CLI, the store and the API.

The backend follows from the settings: ``NEO4J_URI`` set means Neo4j;
otherwise the embedded store over ``SKILLGRAPH_CATALOG`` (a YAML or JSON
file), or over the shipped seed catalog when that is unset too.

Outside ``development`` the validators refuse weak secrets: an admin token
shorter than 16 characters or left at a placeholder such as ``changethis``.
In every environment the service refuses to start with Cypher writes enabled
and no admin token.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]

_PLACEHOLDERS = {"changethis", "changeme", "secret", "password", "admin", "token"}
_MIN_TOKEN_CHARS = 16


class Settings(BaseSettings):
    """Configuration of the API service (environment variables, or keyword arguments in tests)."""

    model_config = SettingsConfigDict(env_prefix="SKILLGRAPH_", extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = Field(
        default="development", description="SKILLGRAPH_ENVIRONMENT: development relaxes the secret checks")
    catalog: Path | None = Field(
        default=None, description="SKILLGRAPH_CATALOG: catalog file (YAML or JSON); unset: the shipped seed")
    neo4j_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_URI", "neo4j_uri"),
        description="NEO4J_URI: set to serve from Neo4j (bolt://host:7687, neo4j://...)")
    neo4j_user: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_USER", "neo4j_user"),
                                   description="NEO4J_USER: unset: the local server's user (root)")
    neo4j_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD", "neo4j_password"),
        description="NEO4J_PASSWORD (or SKILLGRAPH_DB_PASSWORD, as the local server)")
    neo4j_database: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_DATABASE", "neo4j_database"),
        description="NEO4J_DATABASE: unset: skillgraph")

    admin_token: SecretStr | None = Field(
        default=None, description="SKILLGRAPH_ADMIN_TOKEN: bearer token of curators (/cypher, /admin/reload)")
    cypher_write: bool = Field(
        default=False, description="SKILLGRAPH_CYPHER_WRITE: allow POST /cypher with write: true")
    cypher_timeout_s: float = Field(default=10.0, gt=0, le=600,
                                    description="SKILLGRAPH_CYPHER_TIMEOUT_S: cap on a curator query's timeout")
    cypher_max_rows: int = Field(default=1000, ge=1, le=100_000,
                                 description="SKILLGRAPH_CYPHER_MAX_ROWS: cap on rows a curator query returns")

    refresh_interval_s: float = Field(
        default=60.0, ge=0, description="SKILLGRAPH_REFRESH_INTERVAL_S: snapshot refresh period; 0 turns it off")
    plan_time_limit_s: float = Field(default=10.0, gt=0, le=300,
                                     description="SKILLGRAPH_PLAN_TIME_LIMIT_S: solver seconds per plan")
    planner_threads: int = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)), ge=1, le=64,
        description="SKILLGRAPH_PLANNER_THREADS: plans computed at once (CPU-bound; default: CPUs, at most 4)")
    inline_max_steps: int = Field(
        default=200, ge=0, le=1_000_000,
        description="SKILLGRAPH_INLINE_MAX_STEPS: on a catalog of at most this many steps (courses and exams), "
                    "POST /plan runs on the event loop, not in a worker thread (the hop costs more than such a "
                    "plan); 0: always in a worker thread")
    plan_cache_size: int = Field(default=2048, ge=0, le=1_000_000,
                                 description="SKILLGRAPH_PLAN_CACHE_SIZE: plans kept per snapshot; 0 turns it off")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024,
                                description="SKILLGRAPH_MAX_BODY_BYTES: larger request bodies get 413")
    cors_origins: list[str] = Field(default=[], description="SKILLGRAPH_CORS_ORIGINS: JSON list of origins")

    @property
    def backend(self) -> Literal["neo4j", "file", "seed"]:
        """Where the catalog comes from."""
        if self.neo4j_uri:
            return "neo4j"
        return "file" if self.catalog is not None else "seed"

    def token_matches(self, presented: str) -> bool:
        """Constant-time comparison of a presented bearer token with the admin token."""
        import hmac

        if self.admin_token is None:
            return False
        return hmac.compare_digest(presented.encode(), self.admin_token.get_secret_value().encode())

    @field_validator("admin_token", "neo4j_uri", "neo4j_user", "neo4j_password", "neo4j_database", "catalog",
                     mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if self.cypher_write and self.admin_token is None:
            raise ValueError("SKILLGRAPH_CYPHER_WRITE is on but SKILLGRAPH_ADMIN_TOKEN is not set: "
                             "refusing to start with write access and no token")
        self._check_secret("SKILLGRAPH_ADMIN_TOKEN", self.admin_token)
        return self

    def _check_secret(self, name: str, value: SecretStr | None) -> None:
        if value is None:
            return
        secret = value.get_secret_value()
        weak = secret.casefold() in _PLACEHOLDERS or len(secret) < _MIN_TOKEN_CHARS
        if not weak:
            return
        message = (f"{name} is a placeholder or shorter than {_MIN_TOKEN_CHARS} characters; "
                   "use a long random value (python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        if self.environment == "development":
            warnings.warn(message, UserWarning, stacklevel=2)
        else:
            raise ValueError(message)
