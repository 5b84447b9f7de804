"""The naturalness report: every characteristic of a natural backlink profile (seed 003),
measured, with its healthy range and a verdict (``natural``, ``watch``, ``unnatural``, or
``unknown`` when the index cannot tell).

The ranges are rules of thumb, not laws — the seed itself says there is no magic ratio — so
each check carries the numbers it was judged on and the range, and the user decides. They
are written in :data:`CHECKS` and in docs/audit.md:

====================  ===============================================  ====================
check                 value                                            natural / watch
====================  ===============================================  ====================
referring_domains     distinct /24 subnets per referring domain        ≥ 0.8 / ≥ 0.6
anchor_mix            exact-match share; exact + partial ("money")      ≤ 10 % & ≤ 30 % /
                      share; commonest non-branded anchor's share       ≤ 20 % & ≤ 50 %
rel_mix               share of live backlinks that are not follow        5–90 % / 1–97 %
                      (nofollow, ugc, sponsored, robots nofollow)
link_velocity         new referring domains per crawl period; bursts    no burst / bursts
                                                                        from non-toxic only
publishers_vs_niche   referring domains per Authority Score band         no band ≥ 80 % /
                      (large ≥ 40, mid 15–39, small < 15)                none ≥ 95 %
spam_share            toxic share of referring domains (5–10 % normal)  ≤ 10 % / ≤ 15 %
topical_relevance     share of referring domains with an irrelevant-   ≤ 25 % / ≤ 50 %
                      source marker
concentration         share of live backlinks from the top domain       ≤ 19 % / ≤ 40 %
reciprocal            share of referring domains the target links back  ≤ 10 % / ≤ 20 %
                      to; any toxic one makes it at most "watch"
====================  ===============================================  ====================

Anything beyond the "watch" bound is ``unnatural``. Checks with too little data (fewer than
10 live backlinks or 5 referring domains) are ``unknown``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from linkatlas.audit.anchor_mix import ANCHOR_TABLE
from linkatlas.index.store import Index
from linkatlas.metrics.anchors import ANCHOR_TYPES
from linkatlas.metrics.state import STATE_TABLE

__all__ = ["naturalness", "AUTHORITY_BANDS", "VERDICTS"]

VERDICTS = ("natural", "watch", "unnatural", "unknown")
AUTHORITY_BANDS = (("large", 40, 101), ("mid", 15, 40), ("small", 0, 15))
MIN_BACKLINKS = 10
MIN_DOMAINS = 5


def _verdict(value: float | None, natural: float, watch: float, *, higher_is_better: bool = False) -> str:
    if value is None:
        return "unknown"
    if higher_is_better:
        return "natural" if value >= natural else "watch" if value >= watch else "unnatural"
    return "natural" if value <= natural else "watch" if value <= watch else "unnatural"


def _worst(*verdicts: str) -> str:
    known = [v for v in verdicts if v != "unknown"]
    return max(known, key=VERDICTS.index) if known else "unknown"


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _check(check_id: str, label: str, verdict: str, value, healthy: str, detail: str, **numbers) -> dict:
    return {"id": check_id, "label": label, "verdict": verdict, "value": value, "healthy": healthy,
            "detail": detail, **numbers}


def naturalness(index: Index, domains: pa.Table, *, history: Sequence[dict] = (), bursts: Sequence[dict] = (),
                reciprocal: Sequence[dict] = (), own_pages: int | None = None,
                table: str = STATE_TABLE) -> dict:
    """Measure the profile in ``table`` (live backlinks) against the characteristics of a
    natural one. ``domains`` is the audit's per-domain table (toxicity, level, authority_score,
    markers); ``history`` the per-period rows of ``metrics.reports.history``; ``bursts`` and
    ``reciprocal`` the audit's lists; ``own_pages`` how many of the target's pages were crawled."""
    totals = index.rows(
        f"""
        SELECT count(*) AS backlinks, count(DISTINCT source_domain) AS domains,
               count(DISTINCT source_ip) AS ips, count(DISTINCT source_subnet) AS subnets,
               count(*) FILTER (WHERE follow) AS follow, count(*) FILTER (WHERE nofollow) AS nofollow,
               count(*) FILTER (WHERE ugc) AS ugc, count(*) FILTER (WHERE sponsored) AS sponsored,
               count(*) FILTER (WHERE robots_nofollow) AS robots_nofollow
        FROM {table} WHERE status = 'live'
        """
    )[0]
    backlinks, referring = totals["backlinks"], totals["domains"]
    enough = backlinks >= MIN_BACKLINKS and referring >= MIN_DOMAINS
    checks = [
        _diversity(totals, enough),
        _anchor_mix(index, backlinks, enough, table),
        _rel_mix(totals, enough),
        _velocity(history, bursts, domains),
        _size_mix(domains, enough),
        _spam_share(domains, referring, enough),
        _relevance(domains, referring, enough),
        _concentration(index, backlinks, enough, table),
        _reciprocal(reciprocal, domains, referring, own_pages, enough),
    ]
    counts = {verdict: sum(1 for check in checks if check["verdict"] == verdict) for verdict in VERDICTS}
    overall = ("unnatural" if counts["unnatural"] else "watch" if counts["watch"] else
               "natural" if counts["natural"] else "unknown")
    return {"verdict": overall, "counts": counts, "backlinks": backlinks, "referring_domains": referring,
            "checks": checks}


def _diversity(totals: dict, enough: bool) -> dict:
    ratio = _share(totals["subnets"], totals["domains"])
    per_domain = round(totals["backlinks"] / totals["domains"], 2) if totals["domains"] else None
    return _check(
        "referring_domains", "Diverse referring domains",
        _verdict(ratio, 0.8, 0.6, higher_is_better=True) if enough else "unknown", ratio,
        "≥ 0.8 distinct /24 subnets per referring domain (watch below 0.8, unnatural below 0.6)",
        f"{totals['domains']} referring domains on {totals['ips']} IPs and {totals['subnets']} /24 subnets; "
        f"{per_domain} live backlinks per domain",
        referring_domains=totals["domains"], referring_ips=totals["ips"], referring_subnets=totals["subnets"],
        backlinks_per_domain=per_domain,
    )


def _anchor_mix(index: Index, backlinks: int, enough: bool, table: str) -> dict:
    rows = index.rows(
        f"""
        SELECT k.anchor_type, count(*) AS backlinks FROM {table} b
        JOIN {ANCHOR_TABLE} k ON k.anchor IS NOT DISTINCT FROM b.anchor AND k.type = b.type
        WHERE b.status = 'live' GROUP BY k.anchor_type
        """
    )
    mix = {kind: 0 for kind in ANCHOR_TYPES}
    mix.update({row["anchor_type"]: row["backlinks"] for row in rows})
    top = index.rows(
        f"""
        SELECT lower(b.anchor) AS anchor, count(*) AS backlinks FROM {table} b
        JOIN {ANCHOR_TABLE} k ON k.anchor IS NOT DISTINCT FROM b.anchor AND k.type = b.type
        WHERE b.status = 'live' AND k.anchor_type NOT IN ('branded', 'empty', 'image') AND b.anchor <> ''
        GROUP BY ALL ORDER BY backlinks DESC, anchor LIMIT 1
        """
    )
    exact, money = _share(mix["exact"], backlinks), _share(mix["exact"] + mix["partial"], backlinks)
    top_share = _share(top[0]["backlinks"], backlinks) if top else 0.0
    verdict = _worst(_verdict(exact, 0.10, 0.20), _verdict(money, 0.30, 0.50), _verdict(top_share, 0.20, 0.50))
    return _check(
        "anchor_mix", "Varied anchor text", verdict if enough else "unknown", exact,
        "exact-match ≤ 10 %, exact + partial ≤ 30 %, no non-branded anchor on more than 20 % of backlinks "
        "(watch up to 20 % / 50 % / 50 %)",
        f"exact {_pct(exact)}, exact + partial {_pct(money)}, commonest non-branded anchor "
        f"{top[0]['anchor']!r} on {_pct(top_share)}" if top else f"exact {_pct(exact)}, exact + partial {_pct(money)}",
        anchor_types={kind: {"backlinks": count, "share": _share(count, backlinks)} for kind, count in mix.items()},
        money_share=money, top_anchor=top[0]["anchor"] if top else None, top_anchor_share=top_share,
    )


def _rel_mix(totals: dict, enough: bool) -> dict:
    backlinks = totals["backlinks"]
    not_follow = _share(backlinks - totals["follow"], backlinks)
    if not_follow is None or not enough:
        verdict = "unknown"
    elif 0.05 <= not_follow <= 0.90:
        verdict = "natural"
    elif 0.01 <= not_follow <= 0.97:
        verdict = "watch"
    else:
        verdict = "unnatural"
    return _check(
        "rel_mix", "Mixture of follow, nofollow, sponsored and UGC links", verdict, not_follow,
        "5–90 % of live backlinks not follow (watch 1–97 %)",
        f"follow {totals['follow']}, nofollow {totals['nofollow']}, ugc {totals['ugc']}, "
        f"sponsored {totals['sponsored']}, page-level nofollow {totals['robots_nofollow']}",
        **{name: {"backlinks": totals[name], "share": _share(totals[name], backlinks)}
           for name in ("follow", "nofollow", "ugc", "sponsored", "robots_nofollow")},
    )


def _velocity(history: Sequence[dict], bursts: Sequence[dict], domains: pa.Table) -> dict:
    toxic = _toxic_domains(domains)
    series = [{"period": str(row["period"]), "new_referring_domains": row["new_referring_domains"],
               "lost_referring_domains": row["lost_referring_domains"], "new_backlinks": row["new_backlinks"],
               "lost_backlinks": row["lost_backlinks"]} for row in history]
    behind = sorted({name for burst in bursts
                     for name in ([burst["domain"]] if burst["domain"] else burst.get("dominant_domains", []))})
    toxic_behind = [name for name in behind if name in toxic]
    if len(series) < 2:
        verdict = "unknown"
    else:
        verdict = "unnatural" if toxic_behind else "watch" if bursts else "natural"
    return _check(
        "link_velocity", "Steady link velocity", verdict, len(bursts),
        "new links arrive steadily: no burst (≥ 3× the previous period, or one domain ≥ 19 % of a "
        "period's new links); bursts from toxic domains are unnatural",
        f"{len(bursts)} burst(s) over {len(series)} crawl periods"
        + (f"; toxic domains behind them: {', '.join(toxic_behind)}" if toxic_behind else ""),
        periods=series, burst_domains=behind, toxic_burst_domains=toxic_behind,
    )


def _size_mix(domains: pa.Table, enough: bool) -> dict:
    live = [row for row in domains.select(["status", "authority_score"]).to_pylist() if row["status"] == "live"]
    scored = [row["authority_score"] for row in live if row["authority_score"] is not None]
    bands = {name: sum(1 for score in scored if low <= score < high) for name, low, high in AUTHORITY_BANDS}
    shares = {name: _share(count, len(scored)) for name, count in bands.items()}
    extreme = max((shares["large"] or 0.0, shares["small"] or 0.0)) if scored else None
    verdict = _verdict(extreme, 0.80, 0.95) if enough and scored else "unknown"
    return _check(
        "publishers_vs_niche", "Links from both large publishers and niche sites", verdict, extreme,
        "neither large (Authority Score ≥ 40) nor small (< 15) sites bring 80 % or more of the referring "
        "domains (watch up to 95 %)",
        ", ".join(f"{name} {bands[name]} ({_pct(shares[name])})" for name in bands),
        bands={name: {"referring_domains": bands[name], "share": shares[name]} for name in bands},
        unscored=len(live) - len(scored),
    )


def _toxic_domains(domains: pa.Table) -> set[str]:
    return {row["domain"] for row in domains.select(["domain", "level"]).to_pylist() if row["level"] == "toxic"}


def _live_rows(domains: pa.Table, columns: list[str]) -> list[dict]:
    return [row for row in domains.select(["status", *columns]).to_pylist() if row["status"] == "live"]


def _spam_share(domains: pa.Table, referring: int, enough: bool) -> dict:
    live = _live_rows(domains, ["level"])
    toxic = sum(1 for row in live if row["level"] == "toxic")
    share = _share(toxic, len(live))
    return _check(
        "spam_share", "A sprinkle of spam (5–10 % is normal)", _verdict(share, 0.10, 0.15) if enough else "unknown",
        share, "≤ 10 % of referring domains toxic (watch up to 15 %)",
        f"{toxic} of {len(live)} referring domains toxic ({_pct(share)})", toxic_domains=toxic,
    )


def _relevance(domains: pa.Table, referring: int, enough: bool) -> dict:
    live = _live_rows(domains, ["markers"])
    irrelevant = sum(1 for row in live if any(m["category"] == "irrelevant" for m in row["markers"] or ()))
    share = _share(irrelevant, len(live))
    return _check(
        "topical_relevance", "Topical relevance and context", _verdict(share, 0.25, 0.50) if enough else "unknown",
        share, "≤ 25 % of referring domains with an irrelevant-source marker (watch up to 50 %)",
        f"{irrelevant} of {len(live)} referring domains look irrelevant (theme, language/country or anchors)",
        irrelevant_domains=irrelevant,
    )


def _concentration(index: Index, backlinks: int, enough: bool, table: str) -> dict:
    top = index.rows(
        f"""
        SELECT source_domain AS domain, count(*) AS backlinks FROM {table} WHERE status = 'live'
        GROUP BY source_domain ORDER BY backlinks DESC, domain LIMIT 10
        """
    )
    top_share = _share(top[0]["backlinks"], backlinks) if top else None
    ten_share = _share(sum(row["backlinks"] for row in top), backlinks) if top else None
    return _check(
        "concentration", "No single domain dominates", _verdict(top_share, 0.19, 0.40) if enough else "unknown",
        top_share, "the top referring domain brings ≤ 19 % of live backlinks (watch up to 40 %)",
        f"top domain {top[0]['domain']} brings {_pct(top_share)}; the top 10 bring {_pct(ten_share)}"
        if top else "no live backlinks",
        top_domains=[{**row, "share": _share(row["backlinks"], backlinks)} for row in top], top10_share=ten_share,
    )


def _reciprocal(reciprocal: Sequence[dict], domains: pa.Table, referring: int, own_pages: int | None,
                enough: bool) -> dict:
    toxic = _toxic_domains(domains)
    names = [row["domain"] for row in reciprocal]
    toxic_swaps = [name for name in names if name in toxic]
    share = _share(len(names), referring)
    if not own_pages or not enough:
        verdict = "unknown"
    else:
        verdict = _verdict(share, 0.10, 0.20)
        if toxic_swaps and verdict == "natural":
            verdict = "watch"
    detail = (f"{len(names)} of {referring} referring domains are linked back from the target's {own_pages} "
              f"crawled pages" if own_pages else "the target's own pages were not crawled: crawl them "
              "(`linkatlas crawl site`) to check reciprocal links")
    if toxic_swaps:
        detail += f"; toxic: {', '.join(toxic_swaps)}"
    return _check(
        "reciprocal", "No excessive link swapping", verdict, share,
        "≤ 10 % of referring domains linked back (watch up to 20 %); a toxic one makes it at most 'watch'",
        detail, reciprocal_domains=len(names), toxic_reciprocal_domains=toxic_swaps,
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"
