"""Interfaces: the command line (and, later, the HTTP API and pages)."""
