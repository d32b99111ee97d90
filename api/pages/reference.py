"""The HTTP API's reference page at ``/docs``, drawn from the app's OpenAPI schema.

FastAPI's own ``/docs`` loads Swagger UI from a CDN, so it is blank offline. This
page is rendered on the server from the same schema, with nothing fetched: every
endpoint with its summary, parameters, request body (and its examples) and
responses. ``/openapi.json`` stays the machine-readable contract.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2

__all__ = ["api_reference_page"]

_METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_name(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [{"name": p["name"], "where": p.get("in", ""), "required": p.get("required", False),
                       "type": _schema_name(p.get("schema", {})),
                       "description": p.get("description") or p.get("schema", {}).get("description", "")}
                      for p in op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            examples = [json.dumps(e.get("value", e), indent=2) for e in (body.get("examples") or {}).values()]
            schema = body.get("schema", {})
            examples += [json.dumps(e, indent=2) for e in schema.get("examples", [])] if not examples else []
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "tag": (op.get("tags") or ["other"])[0],
                        "params": params, "body": _schema_name(schema) if body else None, "examples": examples,
                        "responses": [(code, r.get("description", "")) for code, r in op.get("responses", {}).items()]})
    return out


def api_reference_page(spec: dict[str, Any]) -> str:
    """The whole reference as one self-contained HTML page (no scripts or styles fetched)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("api.pages", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    info = spec.get("info", {})
    groups: dict[str, list[dict[str, Any]]] = {}
    for op in _operations(spec):  # tags in the order the app declares its routers
        op["responses"].sort(key=lambda r: r[0])
        groups.setdefault(op["tag"], []).append(op)
    return env.get_template("api_reference.html.j2").render(
        title=info.get("title", "API"), version=info.get("version", ""), summary=info.get("summary", ""),
        description=info.get("description", ""), groups=list(groups.items()))
