"""Scheduled monitoring of a target's backlinks: verify, discover, diff, alert.

``run_due`` runs every monitor whose interval has passed. One monitor run:

1. **verify** the target's known backlinks (new fetches of their source pages);
2. **discover**: revisit the home pages of the referring hosts and up to ``discover_pages``
   pages reachable from them (depth 2), where new links to the target appear;
3. compute every backlink's state by the definitions and diff it with the previous run:
   *new* (live now, not live before), *lost* and *broken* (live before, lost/broken now);
4. the pluggable checks (``CHECKS``), e.g. newly toxic referring domains from the audit;
5. store one alert per kind with its items, and deliver them by webhook and/or e-mail.

The first run of a monitor is its baseline: states are stored, nothing is alerted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from linkatlas.errors import UsageError
from linkatlas.extract.urls import url_host
from linkatlas.index.store import Index
from linkatlas.ingest import finish_run, start_run
from linkatlas.monitor.notify import SmtpSettings, post_webhook, render_text, send_email
from linkatlas.monitor.verify import backlink_states, target_filter, verify

__all__ = ["add_monitor", "list_monitors", "remove_monitor", "run_due", "list_alerts", "MonitorRun", "CHECKS"]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def add_monitor(index: Index, target: str, *, scope: str = "domain", every_seconds: int = 7 * 86400,
                webhook: str | None = None, email: str | None = None, discover_pages: int = 20) -> dict:
    wanted = target_filter(target, scope)
    if webhook and not webhook.startswith(("http://", "https://")):
        raise UsageError(f"--webhook {webhook}: give an http:// or https:// URL")
    if email and "@" not in email:
        raise UsageError(f"--email {email}: give an e-mail address")
    monitor_id = index.next_id("monitors", "monitor_id")
    index.sql("INSERT INTO monitors VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
              [monitor_id, wanted.text, scope, every_seconds, webhook, email, discover_pages, _now()])
    return list_monitors(index, monitor_id)[0]


def list_monitors(index: Index, monitor_id: int | None = None) -> list[dict]:
    rows = index.rows(
        "SELECT monitor_id, target, scope, every_seconds, webhook, email, discover_pages, created_at, last_run_at, "
        "last_run_id, "
        "coalesce(last_run_at + to_seconds(every_seconds), created_at) AS next_due FROM monitors "
        + ("WHERE monitor_id = ? " if monitor_id is not None else "") + "ORDER BY monitor_id",
        [monitor_id] if monitor_id is not None else None,
    )
    return rows


def remove_monitor(index: Index, monitor_id: int) -> bool:
    found = index.sql("SELECT count(*) FROM monitors WHERE monitor_id = ?", [monitor_id])[0][0]
    if found:
        index.sql("DELETE FROM monitors WHERE monitor_id = ?", [monitor_id])
    return bool(found)


@dataclass
class MonitorRun:
    monitor_id: int
    target: str
    run_id: int | None
    baseline: bool
    new: list[dict] = field(default_factory=list)
    lost: list[dict] = field(default_factory=list)
    broken: list[dict] = field(default_factory=list)
    toxic: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    delivery: dict = field(default_factory=dict)
    verified: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return {"monitor_id": self.monitor_id, "target": self.target, "run_id": self.run_id,
                "baseline": self.baseline, "new": len(self.new), "lost": len(self.lost),
                "broken": len(self.broken), "toxic": len(self.toxic), "notes": self.notes,
                "delivered": self.delivery}


# -- pluggable checks: (name, function(index, monitor, run) -> None) -------------------------------

def toxic_check(index: Index, monitor: dict, run: MonitorRun, current: list[dict]) -> None:
    """Newly toxic referring domains, from the audit (``linkatlas.audit``) when it is installed."""
    try:
        from linkatlas.audit import toxic_referring_domains
    except ImportError:
        run.notes.append("toxic check skipped: the audit (linkatlas.audit) is not available in this installation")
        return
    from linkatlas.audit.projects import settings_for
    from linkatlas.metrics.target import parse_target

    domains = sorted({row["source_domain"] for row in current if row["state"] == "live"})
    settings = settings_for(index, parse_target(monitor["target"], monitor["scope"]))  # the project's brands...
    toxic = {item["domain"]: item for item in toxic_referring_domains(index, domains, settings)}
    alerted = {item["domain"] for alert in list_alerts(index, monitor_id=monitor["monitor_id"], kind="toxic",
                                                        limit=10_000) for item in alert["items"]}
    run.toxic = [toxic[domain] for domain in sorted(set(toxic) - alerted)]


CHECKS: list[tuple[str, Callable]] = [("toxic", toxic_check)]


def _discover(index: Index, monitor: dict, policy, current: list[dict]) -> dict:
    from linkatlas.crawl import crawl

    roots = sorted({_root(row["source_url"]) for row in current if row["state"] == "live"})
    if not roots or monitor["discover_pages"] <= 0:
        return {}
    known = [row[0] for row in index.sql(
        "SELECT DISTINCT url FROM fetches WHERE host IN (SELECT unnest(?::VARCHAR[])) "
        "AND url NOT IN (SELECT unnest(?::VARCHAR[]))", [[url_host(root) for root in roots], roots])]
    summary = crawl(index, roots, mode="site", same_host=True, kind="monitor-discover", skip_urls=known,
                    policy=policy.but(max_depth=2, max_pages_per_host=monitor["discover_pages"] + 1,
                                      max_pages=len(roots) * (monitor["discover_pages"] + 1)))
    return summary.as_dict()


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _diff(previous: dict[tuple[str, str], str], current: list[dict]) -> tuple[list, list, list]:
    new, lost, broken = [], [], []
    for row in current:
        key, state = (row["source_url"], row["target_url"]), row["state"]
        before = previous.get(key)
        item = {"source_url": key[0], "target_url": key[1], "state": state, "was": before}
        if state == "live" and before != "live":
            new.append(item)
        elif before == "live" and state == "lost":
            lost.append(item)
        elif before == "live" and state == "broken":
            broken.append(item)
    return new, lost, broken


def run_monitor(index: Index, monitor: dict, *, policy=None, smtp: SmtpSettings | None = None,
                allow_private_webhook: bool = False, progress: bool | None = None) -> MonitorRun:
    from linkatlas.crawl import CrawlPolicy

    policy = policy or CrawlPolicy()
    report = verify(index, monitor["target"], monitor["scope"], policy=policy, kind="monitor", progress=progress)
    before = backlink_states(index, monitor["target"], monitor["scope"])
    discovered = _discover(index, monitor, policy, before)
    current = backlink_states(index, monitor["target"], monitor["scope"]) if discovered else before
    last = monitor.get("last_run_id")
    previous = {} if last is None else {
        (row[0], row[1]): row[2] for row in index.sql(
            "SELECT source_url, target_url, state FROM monitor_states WHERE monitor_id = ? AND run_id = ?",
            [monitor["monitor_id"], last])}
    run_id = report.run_id
    if run_id is None:  # no known backlink yet: still a run, so states and alerts have one
        run_id = start_run(index, "monitor", {"target": monitor["target"], "scope": monitor["scope"]})
        finish_run(index, run_id, "ok", {"sources": 0})
    run = MonitorRun(monitor["monitor_id"], monitor["target"], run_id, baseline=last is None,
                     verified=report.summary())
    if discovered:
        run.notes.append(f"discovery fetched {discovered['fetched']} page(s) on the referring hosts")
    for _, check in CHECKS:
        check(index, monitor, run, current)
    if not run.baseline:
        run.new, run.lost, run.broken = _diff(previous, current)
    _save(index, monitor, run, current)
    if not run.baseline and (run.new or run.lost or run.broken or run.toxic):
        _alert(index, monitor, run, smtp, allow_private_webhook)
    return run


def _save(index: Index, monitor: dict, run: MonitorRun, current: list[dict]) -> None:
    if current:
        index.con.executemany(
            "INSERT INTO monitor_states VALUES (?, ?, ?, ?, ?, ?)",
            [[monitor["monitor_id"], run.run_id, row["source_url"], row["target_url"], row["source_domain"],
              row["state"]] for row in current],
        )
    index.sql("UPDATE monitors SET last_run_at = ?, last_run_id = ? WHERE monitor_id = ?",
              [_now(), run.run_id, monitor["monitor_id"]])


def _payload(monitor: dict, run: MonitorRun) -> dict:
    return {"monitor_id": monitor["monitor_id"], "target": monitor["target"], "scope": monitor["scope"],
            "run_id": run.run_id, "at": _now().isoformat() + "Z",
            "counts": {"new": len(run.new), "lost": len(run.lost), "broken": len(run.broken), "toxic": len(run.toxic)},
            "new": run.new, "lost": run.lost, "broken": run.broken, "toxic": run.toxic, "notes": run.notes}


def _alert(index: Index, monitor: dict, run: MonitorRun, smtp: SmtpSettings | None, allow_private: bool) -> None:
    payload = _payload(monitor, run)
    if monitor.get("webhook"):
        run.delivery["webhook"] = post_webhook(monitor["webhook"], payload, allow_private=allow_private)
    if monitor.get("email"):
        if smtp is None:
            run.delivery["email"] = {"ok": False, "error": "no SMTP server configured (--smtp-host)"}
        else:
            counts = payload["counts"]
            subject = (f"linkatlas: {counts['new']} new, {counts['lost']} lost, {counts['broken']} broken"
                       f" backlinks for {monitor['target']}")
            run.delivery["email"] = send_email(smtp, monitor["email"], subject, render_text(payload))
    created = _now()
    for kind in ("new", "lost", "broken", "toxic"):
        items = getattr(run, kind)
        if items:
            index.sql("INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      [index.next_id("alerts", "alert_id"), monitor["monitor_id"], run.run_id, created,
                       monitor["target"], kind, len(items), json.dumps(items), json.dumps(run.delivery)])


def run_due(index: Index, *, now: datetime | None = None, monitor_ids: list[int] | None = None,
            force: bool = False, **options) -> list[MonitorRun]:
    """Run the monitors that are due (or those named, with ``force`` whatever their schedule)."""
    now = now or _now()
    runs = []
    for monitor in list_monitors(index):
        if monitor_ids and monitor["monitor_id"] not in monitor_ids:
            continue
        if not force and monitor["next_due"] > now:
            continue
        runs.append(run_monitor(index, monitor, **options))
    return runs


def list_alerts(index: Index, *, monitor_id: int | None = None, since: timedelta | None = None,
                kind: str | None = None, limit: int = 100) -> list[dict]:
    """Stored alerts, newest first."""
    conditions, params = [], []
    if kind is not None:
        conditions.append("kind = ?")
        params.append(kind)
    if monitor_id is not None:
        conditions.append("monitor_id = ?")
        params.append(monitor_id)
    if since is not None:
        conditions.append("created_at >= ?")
        params.append(_now() - since)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = index.rows(f"SELECT alert_id, monitor_id, run_id, created_at, target, kind, count, items, delivery "
                      f"FROM alerts {where} ORDER BY alert_id DESC LIMIT {int(limit)}", params)
    for row in rows:
        row["items"] = json.loads(row["items"]) if row["items"] else []
        row["delivery"] = json.loads(row["delivery"]) if row["delivery"] else {}
    return rows
