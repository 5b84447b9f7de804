"""Crawler, verification and monitoring commands: crawl, verify, monitor, alerts."""

from __future__ import annotations

from linkatlas.cli.main import cli  # noqa: F401
