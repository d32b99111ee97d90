"""One router per resource; :func:`api.http.app.create_app` includes them all."""

from api.http.routes import (
    admin,
    certs,
    courses,
    cypher,
    gap,
    graph,
    health,
    learner,
    plan,
    programs,
    roles,
    skills,
    viz,
)

ROUTERS = [
    health.router,
    skills.router,
    courses.router,
    programs.router,
    certs.router,
    roles.router,
    plan.router,
    gap.router,
    graph.router,
    cypher.router,
    admin.router,
    viz.router,
    learner.router,
]

__all__ = ["ROUTERS"]
