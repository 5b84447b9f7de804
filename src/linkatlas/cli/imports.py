"""Vendor export commands: import, coverage."""

from __future__ import annotations

from linkatlas.cli.main import cli  # noqa: F401
