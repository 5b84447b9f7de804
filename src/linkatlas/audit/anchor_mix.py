"""Anchor-type mix of the target and of each linked page (seed 003, audit steps 5 and 6).

Every live backlink's representative anchor is classified (metrics/anchors.py: branded,
exact, partial, naked_url, generic, image, empty, other). A linked page is *over-optimized*
when exact-match anchors dominate its profile: they are its commonest anchor type and at
least ``min_exact_share`` (30 %) of its live backlinks, with at least ``min_backlinks`` (5)
of them — a handful of links says nothing about a pattern.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from linkatlas.index.store import Index
from linkatlas.metrics.anchors import ANCHOR_TYPES, AnchorClassifier
from linkatlas.metrics.reports import UNKNOWN, anchor_classifier, anchor_type
from linkatlas.metrics.state import STATE_TABLE

__all__ = ["classify_backlinks", "anchor_classifier", "over_optimized_pages", "ANCHOR_TABLE"]

ANCHOR_TABLE = "audit_anchor_types"


def classify_backlinks(index: Index, classifier: AnchorClassifier, table: str = STATE_TABLE) -> str:
    """Temp table ``audit_anchor_types``: (anchor, type, anchor_type) for every distinct anchor of
    ``table``, each classified once. Join it with ``IS NOT DISTINCT FROM`` on anchor."""
    distinct = index.arrow(f"SELECT DISTINCT anchor, type FROM {table}")
    kinds = [anchor_type(classifier, anchor, kind) for anchor, kind in
             zip(distinct.column("anchor").to_pylist(), distinct.column("type").to_pylist())]
    index.con.register("audit_anchor_kinds", distinct.append_column("anchor_type", pa.array(kinds, pa.string())))
    try:
        index.sql(f"CREATE OR REPLACE TEMP TABLE {ANCHOR_TABLE} AS SELECT * FROM audit_anchor_kinds")
    finally:
        index.con.unregister("audit_anchor_kinds")
    return ANCHOR_TABLE


def over_optimized_pages(index: Index, *, min_backlinks: int = 5, min_exact_share: float = 0.30,
                         table: str = STATE_TABLE, limit: int | None = None) -> list[dict]:
    """Per linked page (most live backlinks first): its anchor-type mix and whether exact-match
    anchors dominate it. Needs :func:`classify_backlinks` first."""
    kinds = (*ANCHOR_TYPES, UNKNOWN)  # unknown: an export that does not say the anchor (Search Console)
    counts = ", ".join(f"count(*) FILTER (WHERE k.anchor_type = '{kind}') AS {kind}" for kind in kinds)
    rows = index.rows(
        f"""
        SELECT b.target_url, count(*) AS backlinks, count(DISTINCT b.source_domain) AS referring_domains, {counts}
        FROM {table} b JOIN {ANCHOR_TABLE} k ON k.anchor IS NOT DISTINCT FROM b.anchor AND k.type = b.type
        WHERE b.status = 'live'
        GROUP BY b.target_url
        ORDER BY backlinks DESC, b.target_url
        """
    )
    pages = []
    for row in rows:
        mix = {kind: row[kind] for kind in kinds}
        total = row["backlinks"]
        exact_share = mix["exact"] / total
        dominant = max(kinds, key=lambda kind: (mix[kind], kind == "exact"))
        flagged = total >= min_backlinks and exact_share >= min_exact_share and dominant == "exact"
        pages.append({
            "target_url": row["target_url"], "backlinks": total, "referring_domains": row["referring_domains"],
            "exact_share": round(exact_share, 4),
            "money_share": round((mix["exact"] + mix["partial"]) / total, 4),
            "dominant_type": dominant, "over_optimized": flagged,
            "anchor_types": {kind: {"backlinks": count, "share": round(count / total, 4)}
                             for kind, count in mix.items() if count},
        })
    pages.sort(key=lambda page: (not page["over_optimized"], -page["backlinks"], page["target_url"]))
    return pages[:limit] if limit else pages
