"""Interfaces: the command line (:mod:`api.cli`), the HTTP API (:mod:`api.http`) and the
interactive pages (:mod:`api.pages`), over the catalog, the planner and the stores."""
