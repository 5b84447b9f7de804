"""Link bursts (seed 003, audit step 4): spikes of new backlinks per crawl period.

A backlink is *new* in the crawl period that holds its first sighting. The first crawl
period is the baseline — everything is new when crawling starts — and is never a burst.
For every later period:

- **target spike** — the target's new backlinks reached ``ratio`` (3) times those of the
  previous crawl period (or the previous one had none), and at least ``min_new`` (10);
- **domain share** — one referring domain brought at least ``share`` (19 %) of the
  period's new backlinks, when the period had at least ``min_new`` of them and that domain
  at least ``min_domain_new`` (5);
- **domain spike** — one referring domain's new backlinks reached ``ratio`` times its own
  previous period's, and at least ``min_domain_new_spike`` (10).

A target burst lists the domains behind it (most new backlinks first); the audit adds
their toxicity and authority, since a burst from low-quality domains is what step 4 hunts.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkatlas.index.store import Index
from linkatlas.metrics.state import STATE_TABLE, Periods

__all__ = ["BurstRules", "link_bursts"]


@dataclass(frozen=True)
class BurstRules:
    ratio: float = 3.0
    share: float = 0.19
    min_new: int = 10
    min_domain_new: int = 5
    min_domain_new_spike: int = 10
    top_domains: int = 10


def _ratio(new: int, previous: int) -> float | None:
    return round(new / previous, 2) if previous else None


def link_bursts(index: Index, periods: Periods, rules: BurstRules = BurstRules(), *,
                table: str = STATE_TABLE) -> list[dict]:
    """The bursts among the backlinks of ``table`` (built by ``build_state``), oldest first."""
    if len(periods.starts) < 2:
        return []
    counts = index.rows(
        f"""
        SELECT date_trunc('{periods.unit}', first_seen)::TIMESTAMP AS period, source_domain AS domain,
               count(*) AS new_backlinks
        FROM {table} GROUP BY ALL
        """
    )
    starts = list(periods.starts)
    slot = {start: number for number, start in enumerate(starts)}
    per_domain: dict[str, list[int]] = {}
    totals = [0] * len(starts)
    for row in counts:
        number = slot.get(row["period"])
        if number is None:
            continue
        per_domain.setdefault(row["domain"], [0] * len(starts))[number] += row["new_backlinks"]
        totals[number] += row["new_backlinks"]
    bursts: list[dict] = []
    for number in range(1, len(starts)):
        new, previous = totals[number], totals[number - 1]
        period = {"period": starts[number].date().isoformat(), "period_end": periods.ends[number].date().isoformat(),
                  "previous_period": starts[number - 1].date().isoformat()}
        contributors = sorted(((series[number], domain) for domain, series in per_domain.items() if series[number]),
                              key=lambda item: (-item[0], item[1]))
        reasons = []
        if new >= rules.min_new and new >= rules.ratio * previous:
            reasons.append("spike")
        dominant = [domain for count, domain in contributors
                    if new >= rules.min_new and count >= rules.min_domain_new and count >= rules.share * new]
        if dominant:
            reasons.append("concentration")
        if reasons:
            bursts.append({
                **period, "scope": "target", "domain": None, "reasons": reasons,
                "new_backlinks": new, "previous_new_backlinks": previous, "ratio": _ratio(new, previous),
                "dominant_domains": dominant,
                "domains": [{"domain": domain, "new_backlinks": count, "share": round(count / new, 4)}
                            for count, domain in contributors[:rules.top_domains]],
            })
        for count, domain in contributors:
            before = per_domain[domain][number - 1]
            if count >= rules.min_domain_new_spike and count >= rules.ratio * before:
                bursts.append({
                    **period, "scope": "domain", "domain": domain, "reasons": ["spike"],
                    "new_backlinks": count, "previous_new_backlinks": before, "ratio": _ratio(count, before),
                    "share": round(count / new, 4) if new else None,
                })
    return bursts
