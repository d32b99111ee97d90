"""Shared pytest configuration."""

pytest_plugins = ["tests.bolt"]  # the session-scoped local Bolt server fixture
