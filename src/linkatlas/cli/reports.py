"""Report commands: overview, backlinks, refdomains, anchors, pages, refips, outbound, history, authority."""

from __future__ import annotations

from linkatlas.cli.main import cli  # noqa: F401
