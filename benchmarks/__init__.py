"""Benchmarks: scripts that print a table with a baseline measured in the same run.

Run one from the repository root with ``python -m benchmarks.NAME``.
"""
