"""Authority Score commands: authority compute, authority DOMAIN...."""

from __future__ import annotations

from linkatlas.cli.main import cli  # noqa: F401
