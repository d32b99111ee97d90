"""The HTTP API: :func:`api.http.app.create_app` builds the FastAPI application.

``app`` (the factory and the request guard), ``errors`` (the one mapping of
domain errors to status codes), ``deps`` (the dependencies routes declare),
``sources`` and ``snapshots`` (where catalogs come from and the snapshot the
planner runs on), ``settings``, ``schemas``, and ``routes`` (one router per
resource).
"""
