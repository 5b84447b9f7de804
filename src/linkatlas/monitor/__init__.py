"""Backlink verification, scheduled monitoring, diffs between runs, and alerts."""

from __future__ import annotations

from linkatlas.monitor.monitors import (
    CHECKS, MonitorRun, add_monitor, list_alerts, list_monitors, remove_monitor, run_due, run_monitor,
)
from linkatlas.monitor.notify import SmtpSettings, post_webhook, send_email
from linkatlas.monitor.verify import (
    SCOPES, STATES, VerifyReport, backlink_states, known_backlink_sources, target_filter, verify,
)

__all__ = [
    "verify", "VerifyReport", "known_backlink_sources", "backlink_states", "target_filter", "SCOPES", "STATES",
    "add_monitor", "list_monitors", "remove_monitor", "run_due", "run_monitor", "list_alerts", "MonitorRun",
    "CHECKS", "SmtpSettings", "post_webhook", "send_email",
]
