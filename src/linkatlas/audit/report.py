"""The backlink audit of one target, put together (issue item 10, seed 003's nine steps).

:func:`audit` returns the JSON object documented in docs/audit.md::

    {target, scope, project, settings, summary, domains, naturalness, bursts, over_optimized,
     reciprocal_domains, markers}

- ``domains`` holds every referring domain of the target with any backlink (live, lost or
  broken; ``status`` says which) — toxicity, level, live backlinks, Authority Score, the list
  it is on (whitelist / remove / disavow) and its markers with their evidence. A whitelisted
  domain scores 0 and says why (``whitelisted``); ``raw_toxicity`` keeps what the markers said.
- ``summary`` counts live referring domains (DESIGN §3): toxic (≥ 60), potentially toxic
  (45–59), the profile toxicity percentage (toxic share) and its level (low < 3 %,
  medium 3–10 %, high > 10 %), and how many domains are still undecided (on no list).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from linkatlas.audit.anchor_mix import anchor_classifier, classify_backlinks, over_optimized_pages
from linkatlas.audit.bursts import BurstRules, link_bursts
from linkatlas.audit.naturalness import naturalness
from linkatlas.audit.reciprocal import own_crawled_pages, reciprocal_domains
from linkatlas.audit.settings import AuditSettings
from linkatlas.index.store import Index
from linkatlas.metrics.reports import history
from linkatlas.metrics.state import build_state, crawl_periods

__all__ = ["LEVELS", "audit", "toxic_candidates", "undecided_domains", "explain_domain", "backlink_rows"]

LEVELS = ("toxic", "potentially_toxic", "non_toxic")


def _score(index: Index, settings: AuditSettings, spam_lists: Sequence[str]):
    from linkatlas.audit.toxicity import score

    return score(index, settings, spam_lists=tuple(spam_lists))


def _decisions(index: Index, settings: AuditSettings):
    from linkatlas.audit.lists import load_decisions

    return load_decisions(index, settings.domain)


def _entry_dict(entry) -> dict | None:
    if entry is None:
        return None
    added = getattr(entry, "added_at", None)
    return {"list": entry.kind, "scope": entry.scope, "value": entry.value, "note": getattr(entry, "note", None),
            "added_at": added.isoformat(timespec="seconds") if isinstance(added, datetime) else added}


def _evidence(value):
    """Marker evidence as an object (the scorer stores it as JSON text)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return {"text": value}
    return value


def _domain_rows(result, decisions) -> list[dict]:
    from linkatlas.audit.toxicity import level_of

    rows = []
    for row in result.domains.to_pylist():
        entry = decisions.decision(row["domain"])
        decided = _entry_dict(entry)
        markers = [{"id": m["id"], "category": m["category"], "weight": m["weight"],
                    "evidence": _evidence(m["evidence"])} for m in row.get("markers") or ()]
        item = {
            "domain": row["domain"], "toxicity": row["toxicity"], "level": row["level"],
            "backlinks": row["backlinks"], "all_backlinks": row.get("all_backlinks"), "status": row["status"],
            "authority_score": row.get("authority_score"), "theme": row.get("theme"),
            "relevance": row.get("relevance"), "list": decided["list"] if decided else None, "markers": markers,
        }
        if decided and decided["list"] == "whitelist":
            when = (decided["added_at"] or "")[:10]
            item.update(raw_toxicity=row["toxicity"], toxicity=0, level=level_of(0),
                        whitelisted=f"whitelisted{' on ' + when if when else ''}"
                                    f"{': ' + decided['note'] if decided['note'] else ''}")
        rows.append(item)
    rows.sort(key=lambda item: (-item["toxicity"], -(item["backlinks"] or 0), item["domain"]))
    return rows


def _summary(rows: list[dict], backlinks: int) -> dict:
    from linkatlas.audit.toxicity import profile_level

    live = [row for row in rows if row["status"] == "live"]
    toxic = sum(1 for row in live if row["level"] == "toxic")
    potentially = sum(1 for row in live if row["level"] == "potentially_toxic")
    percent = round(100.0 * toxic / len(live), 1) if live else 0.0
    return {
        "referring_domains": len(live), "backlinks": backlinks, "toxic": toxic, "potentially_toxic": potentially,
        "non_toxic": len(live) - toxic - potentially, "profile_toxicity_percent": percent,
        "level": profile_level(percent), "all_referring_domains": len(rows),
        "whitelisted": sum(1 for row in rows if row["list"] == "whitelist"),
        "remove": sum(1 for row in rows if row["list"] == "remove"),
        "disavow": sum(1 for row in rows if row["list"] == "disavow"),
        "undecided": sum(1 for row in rows if row["list"] is None),
        "undecided_toxic": sum(1 for row in rows if row["list"] is None and row["level"] != "non_toxic"),
    }


def _annotate_bursts(bursts: list[dict], rows: list[dict]) -> None:
    facts = {row["domain"]: row for row in rows}
    for burst in bursts:
        for key in ("domains",):
            for item in burst.get(key, ()):
                fact = facts.get(item["domain"], {})
                item.update(toxicity=fact.get("toxicity"), level=fact.get("level"),
                            authority_score=fact.get("authority_score"))
        if burst["domain"]:
            fact = facts.get(burst["domain"], {})
            burst.update(toxicity=fact.get("toxicity"), level=fact.get("level"),
                         authority_score=fact.get("authority_score"))


def audit(index: Index, settings: AuditSettings, *, spam_lists: Sequence[str] = (), period: str = "month",
          burst_rules: BurstRules = BurstRules(), _result=None) -> dict:
    """The whole audit of ``settings.target`` as one JSON-ready object (see the module doc)."""
    target = settings.target
    result = _result if _result is not None else _score(index, settings, spam_lists)
    rows = _domain_rows(result, _decisions(index, settings))
    periods = crawl_periods(index, period)
    build_state(index, target, periods.ends)  # after scoring: status_k at each period end for the history
    backlinks = index.sql("SELECT count(*) FROM backlink_state WHERE status = 'live'")[0][0]
    trend = history(index, target, period=period, _prepared=(periods, 0)).to_pylist() if periods.starts else []
    bursts = link_bursts(index, periods, burst_rules)
    _annotate_bursts(bursts, rows)
    classifier = anchor_classifier(index, target, settings.brands, settings.keywords)
    classify_backlinks(index, classifier)
    pages = own_crawled_pages(index, target)
    swaps = reciprocal_domains(index, target)
    facts = {row["domain"]: row for row in rows}
    for swap in swaps:
        fact = facts.get(swap["domain"], {})
        swap.update(toxicity=fact.get("toxicity"), level=fact.get("level"), list=fact.get("list"))
    scored = pa.Table.from_pylist(
        [{"domain": r["domain"], "status": r["status"], "level": r["level"], "authority_score": r["authority_score"],
          "markers": [{"id": m["id"], "category": m["category"]} for m in r["markers"]]} for r in rows],
        schema=pa.schema([("domain", pa.string()), ("status", pa.string()), ("level", pa.string()),
                          ("authority_score", pa.int64()),
                          ("markers", pa.list_(pa.struct([("id", pa.string()), ("category", pa.string())])))]))
    report = naturalness(index, scored, history=trend, bursts=bursts, reciprocal=swaps, own_pages=pages)
    return {
        "target": target.value, "scope": target.scope, "project": settings.project,
        "settings": {"brands": list(settings.brands), "categories": list(settings.categories),
                     "countries": list(settings.countries), "keywords": list(settings.keywords),
                     "period": period},
        "summary": _summary(rows, backlinks),
        "domains": rows,
        "naturalness": report,
        "bursts": bursts,
        "over_optimized": [page for page in over_optimized_pages(index) if page["over_optimized"]],
        "target_pages": over_optimized_pages(index, limit=50),
        "reciprocal_domains": swaps,
        "markers": _marker_counts(rows),
    }


def _marker_counts(rows: Iterable[dict]) -> list[dict]:
    from linkatlas.audit.markers import MARKERS

    counts: dict[str, int] = {}
    for row in rows:
        if row["status"] != "live":
            continue
        for marker in row["markers"]:
            counts[marker["id"]] = counts.get(marker["id"], 0) + 1
    return [{"id": marker.id, "category": marker.category, "weight": marker.weight,
             "description": marker.description, "referring_domains": counts.get(marker.id, 0)}
            for marker in MARKERS.values()]


def undecided_domains(report: dict) -> list[dict]:
    """The ``audit --review`` view: domains on no list, the most toxic first."""
    return [row for row in report["domains"] if row["list"] is None]


def toxic_candidates(index: Index, settings: AuditSettings, min_toxicity: int = 60,
                     spam_lists: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(domain, reason) for the disavow file's ``--include-toxic``: referring domains scored at
    least ``min_toxicity`` that are not whitelisted (a whitelisted domain scores 0)."""
    result = _score(index, settings, spam_lists)
    rows = _domain_rows(result, _decisions(index, settings))
    return [(row["domain"], f"toxicity {row['toxicity']}: " + ", ".join(m["id"] for m in row["markers"]))
            for row in rows if row["toxicity"] >= min_toxicity]


def explain_domain(report: dict, domain: str, result=None) -> list[str]:
    """Plain sentences on why ``domain`` scored what it did."""
    from linkatlas.audit.toxicity import explain

    row = next((item for item in report["domains"] if item["domain"] == domain), None)
    if row is None:
        return [f"{domain} has no backlink to {report['target']} in this index."]
    lines = [f"{domain}: toxicity {row['toxicity']} ({row['level'].replace('_', ' ')}), {row['backlinks']} live "
             f"backlink(s), status {row['status']}, Authority Score {row['authority_score']}."]
    if row.get("whitelisted"):
        lines.append(f"It is {row['whitelisted']}, so it scores 0 (the markers alone gave {row['raw_toxicity']}).")
    elif row["list"]:
        lines.append(f"It is on the {row['list']} list.")
    if result is not None:
        lines += explain(result, domain)
    elif not row["markers"]:
        lines.append("No toxic marker applies.")
    return lines


def backlink_rows(result, decisions=None) -> pa.Table:
    """The per-backlink toxicity of the scoring result (``audit --links``); a backlink whose page
    or domain is whitelisted scores 0 (a URL entry decides before its domain's), in Arrow."""
    table = result.backlinks
    if decisions is None or decisions.table.num_rows == 0:
        return table
    urls = decisions.table.filter(pc.equal(decisions.table["scope"], "url"))
    url_kind = pc.take(urls["kind"].combine_chunks(),
                       pc.index_in(table["source_url"], value_set=urls["value"].combine_chunks()))
    kind = pc.coalesce(url_kind, decisions.domain_kinds(table["source_domain"]))
    whitelisted = pc.fill_null(pc.equal(kind, "whitelist"), False)
    toxicity = pc.if_else(whitelisted, pa.scalar(0, table["toxicity"].type), table["toxicity"])
    level = pc.if_else(pc.greater_equal(toxicity, 60), "toxic",
                       pc.if_else(pc.greater_equal(toxicity, 45), "potentially_toxic", "non_toxic"))
    table = table.set_column(table.column_names.index("toxicity"), "toxicity", toxicity)
    return table.set_column(table.column_names.index("level"), "level", level)
