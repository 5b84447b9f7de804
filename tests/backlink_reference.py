"""An independent, plain-Python reading of DESIGN §3 over the sample web's ground truth.

The report tests compare linkatlas's SQL against this: it walks the generator's fetches
(``TruthFetch``/``TruthLink``), not the index, and shares no code with ``linkatlas.metrics``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone


def naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def month_start(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1)


def next_month(moment: datetime) -> datetime:
    return datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1)


def is_success(status) -> bool:
    return status is not None and 200 <= status < 400


@dataclass
class Backlink:
    source_url: str
    target_url: str
    source_domain: str
    first_seen: datetime
    last_seen: datetime
    status: str
    lost_at: datetime | None
    link: object  # the representative TruthLink
    follow: bool
    ip: str
    title: str | None
    elements: list = field(default_factory=list)  # TruthLinks of the fetch where last seen


def matches(link, scope: str, value: str, web) -> bool:
    if scope == "domain":
        return link.target_domain == value
    host = link.target_url.split("/", 3)[2]
    if scope == "host":
        return host == value
    if scope == "prefix":
        return link.target_url.startswith(value)
    return link.target_url == value


def backlink_states(web, scope: str, value: str, target_domain: str, before: datetime | None = None) -> dict:
    """(source_url, target_url) -> Backlink, using only fetches before ``before``."""
    by_url = defaultdict(list)
    for fetch in web.fetches:
        if before is None or naive(fetch.fetched_at) < before:
            by_url[fetch.url].append(fetch)
    result = {}
    for url, fetches in by_url.items():
        fetches.sort(key=lambda f: f.fetched_at)
        latest = fetches[-1]
        successes = [f for f in fetches if is_success(f.status)]
        latest_ok = successes[-1] if successes else None
        seen = defaultdict(list)  # pair -> fetches holding it, oldest first
        for fetch in fetches:
            if fetch.domain == target_domain:
                continue
            pairs = {}
            for link in fetch.links:
                if matches(link, scope, value, web):
                    pairs.setdefault(link.target_url, []).append(link)
            for target_url, elements in pairs.items():
                seen[(url, target_url)].append((fetch, elements))
        for pair, observations in seen.items():
            last_fetch, elements = observations[-1]
            follows = [not (l.nofollow or l.ugc or l.sponsored or last_fetch.robots_nofollow) for l in elements]
            chosen = follows.index(True) if True in follows else 0
            present = latest_ok is not None and last_fetch is latest_ok
            if present:
                status = "broken" if latest.status >= 400 else "live"
            else:
                status = "lost"
            lost_at = None
            if status == "lost":
                lost_at = min(naive(f.fetched_at) for f in successes if f.fetched_at > last_fetch.fetched_at)
            result[pair] = Backlink(
                url, pair[1], fetches[0].domain, naive(observations[0][0].fetched_at), naive(last_fetch.fetched_at),
                status, lost_at, elements[chosen], follows[chosen], latest.ip,
                next((f.title for f in reversed(successes) if f.title is not None), None), elements)
    return result


def crawl_months(web) -> list[datetime]:
    return sorted({month_start(naive(f.fetched_at)) for f in web.fetches})


@dataclass
class Reference:
    """Every number the reports give, for one target, computed from the truth."""

    now: dict
    at_window: dict
    window: datetime
    months: list
    snapshots: list  # state at the end of each crawl month

    @classmethod
    def build(cls, web, scope: str, value: str, target_domain: str) -> Reference:
        months = crawl_months(web)
        window = months[-1]
        return cls(
            now=backlink_states(web, scope, value, target_domain),
            at_window=backlink_states(web, scope, value, target_domain, window),
            window=window,
            months=months,
            snapshots=[backlink_states(web, scope, value, target_domain, next_month(m)) for m in months],
        )

    def live(self) -> list[Backlink]:
        return [b for b in self.now.values() if b.status == "live"]

    def new(self) -> list[Backlink]:
        return [b for b in self.live() if b.first_seen >= self.window]

    def lost(self) -> list[Backlink]:
        return [b for key, b in self.now.items()
                if b.status == "lost" and key in self.at_window and self.at_window[key].status == "live"]

    def broken(self) -> list[Backlink]:
        return [b for b in self.now.values() if b.status == "broken"]

    def domain_first_seen(self) -> dict:
        first = {}
        for b in self.now.values():
            first[b.source_domain] = min(first.get(b.source_domain, b.first_seen), b.first_seen)
        return first

    def live_domains(self, states=None) -> set:
        states = self.now if states is None else states
        return {b.source_domain for b in states.values() if b.status == "live"}

    def new_domains(self) -> set:
        first = self.domain_first_seen()
        return {d for d in self.live_domains() if first[d] >= self.window}

    def lost_domains(self) -> set:
        return self.live_domains(self.at_window) - self.live_domains()

    def history(self) -> list[dict]:
        rows = []
        for number, month in enumerate(self.months):
            state = self.snapshots[number]
            before = self.snapshots[number - 1] if number else {}
            live = [b for b in state.values() if b.status == "live"]
            first = {}
            for b in state.values():
                first[b.source_domain] = min(first.get(b.source_domain, b.first_seen), b.first_seen)
            domains = {b.source_domain for b in live}
            rows.append({
                "period": month.date().isoformat(),
                "backlinks": len(live),
                "referring_domains": len(domains),
                "new_backlinks": sum(1 for b in live if b.first_seen >= month),
                "lost_backlinks": sum(1 for key, b in state.items() if b.status == "lost"
                                      and key in before and before[key].status == "live"),
                "new_referring_domains": sum(1 for d in domains if first[d] >= month),
                "lost_referring_domains": len(self.live_domains(before) - domains) if number else 0,
            })
        return rows
