"""Toxicity: 0-100 per referring domain and per backlink, from the toxic markers (DESIGN §3).

Every marker hit has a strength ``s`` (0-1) and every marker a weight ``w`` (0-1, in the
registry). Markers combine as independent evidence, a *noisy-OR*::

    toxicity = round(100 * (1 - prod(1 - w_i * s_i)))

so one marker alone gives at most ``100 * w``, two give more than either, and nothing
reaches 100. A weak marker (``w < 0.45``) can never make a domain even potentially toxic on
its own; domains with no marker score 0. A backlink marker becomes a domain strength through
its ``aggregate`` (any backlink / the share of the domain's backlinks / a share that counts
in full from three backlinks). A backlink's own toxicity combines the domain markers of its
source domain with the backlink markers that hit it.

Bands: 0-44 non-toxic, 45-59 potentially toxic, 60-100 toxic. Profile toxicity is the share
of referring domains that are toxic: low < 3 %, medium 3-10 %, high > 10 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from linkatlas.audit.markers import MARKERS, HIT_SCHEMA, Marker, evidence_of
from linkatlas.audit.markers.context import AuditContext, prepare
from linkatlas.audit.settings import AuditSettings, audit_settings
from linkatlas.errors import UsageError
from linkatlas.index.store import Index
from linkatlas.metrics.target import Target

__all__ = ["ToxicityResult", "score", "explain", "level_of", "profile_level", "toxic_referring_domains",
           "TOXIC", "POTENTIALLY_TOXIC", "LEVELS"]

TOXIC = 60
POTENTIALLY_TOXIC = 45
LEVELS = ("toxic", "potentially_toxic", "non_toxic")


def level_of(score: int | float | None) -> str:
    """The band of a toxicity score: 60-100 toxic, 45-59 potentially toxic, 0-44 non-toxic."""
    if score is None:
        return "non_toxic"
    if score >= TOXIC:
        return "toxic"
    if score >= POTENTIALLY_TOXIC:
        return "potentially_toxic"
    return "non_toxic"


def profile_level(percent: float | None) -> str:
    """Profile toxicity from the percentage of toxic referring domains: low < 3, medium 3-10, high > 10."""
    if percent is None or percent < 3:
        return "low"
    if percent <= 10:
        return "medium"
    return "high"


@dataclass
class ToxicityResult:
    target: Target
    settings: AuditSettings
    domains: pa.Table  # one row per referring domain (any backlink status)
    backlinks: pa.Table  # one row per backlink
    project_categories: dict[str, float] = field(default_factory=dict)
    project_source: str = "unknown"
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    markers_run: tuple[str, ...] = ()

    def summary(self) -> dict:
        levels = self.domains.column("level").to_pylist()
        total = len(levels)
        toxic = levels.count("toxic")
        percent = round(100.0 * toxic / total, 1) if total else 0.0
        return {"referring_domains": total, "toxic": toxic, "potentially_toxic": levels.count("potentially_toxic"),
                "profile_toxicity_percent": percent, "level": profile_level(percent)}

    def domain(self, name: str) -> dict | None:
        for row in self.domains.to_pylist():
            if row["domain"] == name:
                return row
        return None


def _selected(markers: Iterable[str] | None) -> list[Marker]:
    if markers is None:
        return list(MARKERS.values())
    chosen = []
    for marker_id in markers:
        if marker_id not in MARKERS:
            raise UsageError(f"marker {marker_id!r}: unknown; known markers: {', '.join(sorted(MARKERS))}")
        chosen.append(MARKERS[marker_id])
    return chosen


def _run_markers(ctx: AuditContext, markers: list[Marker]) -> None:
    index = ctx.index
    index.sql("""CREATE OR REPLACE TEMP TABLE audit_hits (
        marker VARCHAR, domain VARCHAR, source_url VARCHAR, target_url VARCHAR, strength DOUBLE, evidence VARCHAR)""")
    for marker in markers:
        found = marker.compute(ctx)
        if found is None:
            continue
        registered = isinstance(found, pa.Table)
        if registered:
            index.con.register("audit_marker_rows", found.cast(HIT_SCHEMA))
            found = "SELECT * FROM audit_marker_rows"
        try:
            index.sql(f"""
                INSERT INTO audit_hits
                SELECT $marker_id, h.* FROM ({found}) h(domain, source_url, target_url, strength, evidence)
                WHERE h.domain IN (SELECT domain FROM audit_domains) AND h.strength > 0
            """, {**ctx.params, "marker_id": marker.id})
        finally:
            if registered:
                index.con.unregister("audit_marker_rows")


def _meta_table(markers: list[Marker]) -> pa.Table:
    return pa.table({"id": [m.id for m in markers], "category": [m.category for m in markers],
                     "weight": pa.array([m.weight for m in markers], pa.float64()),
                     "scope": [m.scope for m in markers]})


def _strengths(index: Index, markers: list[Marker]) -> None:
    """``audit_marker_strengths``: one row per (domain, marker) with the domain strength and evidence."""
    cases = " ".join(f"WHEN '{m.id}' THEN ({m.aggregate_sql})" for m in markers if m.scope == "backlink") or "WHEN '' THEN 0"
    index.sql(f"""
        CREATE OR REPLACE TEMP TABLE audit_marker_strengths AS
        WITH per_backlink AS (
            SELECT h.marker, h.domain, count(*) AS hits, sum(h.strength) AS mass, max(h.strength) AS top,
                   list(h.evidence ORDER BY h.strength DESC, h.source_url)[:3] AS examples
            FROM audit_hits h JOIN audit_marker_meta m ON m.id = h.marker
            WHERE m.scope = 'backlink' GROUP BY h.marker, h.domain),
        backlink_markers AS (
            SELECT b.marker, b.domain,
                   least(1.0, greatest(0.0, CASE b.marker {cases} END)) AS strength,
                   json_object('backlinks', b.hits, 'of', d.all_backlinks,
                               'examples', list_transform(b.examples, lambda x: json(x)))::VARCHAR AS evidence
            FROM (SELECT p.*, d.all_backlinks AS total FROM per_backlink p JOIN audit_domains d USING (domain)) b
            JOIN audit_domains d USING (domain)),
        domain_markers AS (
            SELECT h.marker, h.domain, max(h.strength) AS strength, arg_max(h.evidence, h.strength) AS evidence
            FROM audit_hits h JOIN audit_marker_meta m ON m.id = h.marker
            WHERE m.scope = 'domain' GROUP BY h.marker, h.domain)
        SELECT s.*, m.category, m.weight, m.scope FROM (
            SELECT * FROM backlink_markers UNION ALL SELECT * FROM domain_markers) s
        JOIN audit_marker_meta m ON m.id = s.marker
        WHERE s.strength > 0
    """)


def _noisy_or(weighted: str) -> str:
    return f"CAST(round(100 * (1 - exp(sum(ln(1 - least({weighted}, 0.999))))), 0) AS INTEGER)"


_LEVEL = f"""CASE WHEN {{score}} >= {TOXIC} THEN 'toxic' WHEN {{score}} >= {POTENTIALLY_TOXIC} THEN 'potentially_toxic'
                  ELSE 'non_toxic' END"""


def _domains_table(index: Index) -> pa.Table:
    return index.arrow(f"""
        WITH scored AS (
            SELECT domain, {_noisy_or('weight * strength')} AS toxicity,
                   list({{'id': marker, 'category': category, 'weight': weight, 'strength': round(strength, 3),
                          'evidence': evidence}} ORDER BY weight * strength DESC, marker) AS markers
            FROM audit_marker_strengths GROUP BY domain)
        SELECT d.domain, coalesce(s.toxicity, 0) AS toxicity, {_LEVEL.format(score='coalesce(s.toxicity, 0)')} AS level,
               d.backlinks, d.all_backlinks, d.status, d.authority_score, t.theme, round(t.relevance, 3) AS relevance,
               coalesce(s.markers, []) AS markers
        FROM audit_domains d LEFT JOIN scored s USING (domain) LEFT JOIN audit_domain_theme t USING (domain)
        ORDER BY toxicity DESC, d.domain
    """)


def _backlinks_table(index: Index) -> pa.Table:
    return index.arrow(f"""
        WITH parts AS (
            SELECT b.source_url, b.target_url, m.marker, m.weight * m.strength AS weighted
            FROM audit_bl b JOIN audit_marker_strengths m ON m.domain = b.source_domain AND m.scope = 'domain'
            UNION ALL
            SELECT h.source_url, h.target_url, h.marker, max(x.weight * h.strength)
            FROM audit_hits h JOIN audit_marker_meta x ON x.id = h.marker AND x.scope = 'backlink'
            WHERE h.source_url IS NOT NULL GROUP BY h.source_url, h.target_url, h.marker),
        scored AS (
            SELECT source_url, target_url, {_noisy_or('weighted')} AS toxicity,
                   list(marker ORDER BY weighted DESC, marker) AS markers
            FROM parts GROUP BY source_url, target_url)
        SELECT b.source_url, b.target_url, b.source_domain, b.status, b.anchor,
               coalesce(s.toxicity, 0) AS toxicity, {_LEVEL.format(score='coalesce(s.toxicity, 0)')} AS level,
               coalesce(s.markers, []) AS markers
        FROM audit_bl b LEFT JOIN scored s USING (source_url, target_url)
        ORDER BY toxicity DESC, b.source_domain, b.source_url, b.target_url
    """)


def score(index: Index, settings: AuditSettings, *, spam_lists: Iterable[str | Path] = (),
          markers: Iterable[str] | None = None) -> ToxicityResult:
    """Toxicity of every referring domain and backlink of ``settings.target`` with the markers behind it.

    ``spam_lists`` are the user's extra known-spam files (one domain per line); ``markers``
    restricts the run to some marker ids (all registered markers by default).
    """
    chosen = _selected(markers)
    ctx = prepare(index, settings, spam_lists=spam_lists)
    index.con.register("audit_marker_meta", _meta_table(chosen))
    try:
        _run_markers(ctx, chosen)
        _strengths(index, chosen)
        domains = _domains_table(index)
        backlinks = _backlinks_table(index)
    finally:
        index.con.unregister("audit_marker_meta")
    return ToxicityResult(settings.target, settings, domains, backlinks, dict(ctx.project.weights), ctx.project.source,
                          ctx.languages, ctx.countries, tuple(m.id for m in chosen))


# -- explanations ---------------------------------------------------------------------------------


def _sentence(marker: Marker | None, marker_id: str, evidence: dict) -> str:
    if marker is None:
        return f"{marker_id}: {evidence}"
    if marker.scope == "backlink" and "examples" in evidence:
        examples = evidence.get("examples") or [{}]
        count = f"{evidence.get('backlinks')} of its {evidence.get('of')} backlinks"
        return f"{count}: {marker.explain(examples[0] if isinstance(examples[0], dict) else {})}"
    return marker.explain(evidence)


def explain(result: ToxicityResult, domain: str) -> list[str]:
    """The evidence behind one referring domain's score, in plain sentences (first: the verdict)."""
    row = result.domain(domain)
    if row is None:
        raise UsageError(f"{domain}: not a referring domain of {result.target.value}")
    level = row["level"].replace("_", " ")
    lines = [f"{domain}: toxicity {row['toxicity']} ({level}), {len(row['markers'])} marker(s), "
             f"{row['backlinks']} live of {row['all_backlinks']} backlink(s)."]
    if not row["markers"]:
        lines.append("No toxic marker found.")
    for hit in row["markers"]:
        marker = MARKERS.get(hit["id"])
        points = round(100 * hit["weight"] * hit["strength"])
        sentence = _sentence(marker, hit["id"], evidence_of(hit["evidence"]))
        lines.append(f"[{hit['category']}] {hit['id']} (up to {points} points): {sentence}")
    return lines


def toxic_referring_domains(index: Index, domains: Iterable[str], target: str | Target | AuditSettings) -> list[dict]:
    """``{domain, toxicity, score, level, markers: [ids]}`` for those of ``domains`` scored toxic (>= 60)."""
    wanted = set(domains)
    if not wanted:
        return []
    settings = target if isinstance(target, AuditSettings) else audit_settings(target)
    result = score(index, settings)
    found = []
    for row in result.domains.to_pylist():
        if row["domain"] in wanted and row["toxicity"] >= TOXIC:
            found.append({"domain": row["domain"], "toxicity": row["toxicity"], "score": row["toxicity"],
                          "level": row["level"], "markers": [hit["id"] for hit in row["markers"]]})
    return found
