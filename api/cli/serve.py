"""``skillgraph serve``: run the HTTP API with uvicorn.

Settings come from the environment (see :class:`api.http.settings.Settings`);
they are checked before uvicorn starts, so a bad setting is one clear line
and exit status 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from api.cli.options import UsageError, whole
from graph.errors import SkillGraphError, field_errors

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``serve`` to the CLI's subparsers."""
    p: argparse.ArgumentParser = sub.add_parser(
        "serve", help="run the HTTP API (settings from SKILLGRAPH_* and NEO4J_* environment variables)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=whole(0, 65535), default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=whole(1), default=1, help="worker processes (default: 1)")
    p.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    p.add_argument("--no-access-log", action="store_true", help="do not log each request")
    p.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
        from pydantic import ValidationError

        from api.http.settings import Settings
    except ImportError as err:
        raise SkillGraphError(f"the API needs the server extra (pip install 'skillgraph[server]'): {err}") from err
    try:
        settings = Settings()
    except ValidationError as err:
        raise UsageError(*(f"settings{': ' + e.field if e.field else ''}: {e.msg.removeprefix('Value error, ')}"
                           for e in field_errors(err.errors()))) from err
    if settings.backend == "file":
        from loaders import load_catalog

        load_catalog(settings.catalog)  # a broken file: one clear error (CatalogError), before any worker starts
    uvicorn.run("api.http.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, access_log=not args.no_access_log)
    return 0
