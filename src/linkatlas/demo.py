"""``linkatlas demo``: generate the sample web, ingest it, and show what the index knows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.output import render_object, render_rows, to_jsonable

__all__ = ["run_demo", "DemoReport"]

_REFERRING_DOMAINS = """
WITH latest AS (   -- the most recent fetch of every source page
    SELECT fetch_id, url, status FROM fetches
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
)
SELECT l.source_domain AS domain,
       count(DISTINCT (l.source_url, l.target_url)) AS backlinks,
       count(DISTINCT (l.source_url, l.target_url)) FILTER (
           WHERE NOT (l.nofollow OR l.ugc OR l.sponsored)) AS rel_follow,
       mode(l.placement) AS placement,
       arg_max(l.anchor, length(l.anchor)) AS sample_anchor
FROM links l JOIN latest USING (fetch_id)
WHERE l.target_domain = $target AND latest.status BETWEEN 200 AND 299
GROUP BY ALL ORDER BY backlinks DESC, domain LIMIT 12
"""
_LINK_MIX = """
SELECT type, placement, count(*) AS links, count(*) FILTER (WHERE hidden) AS hidden
FROM links WHERE target_domain = $target GROUP BY ALL ORDER BY links DESC
"""


@dataclass
class DemoReport:
    workspace: str
    warc_dir: str
    target: str
    ingest: dict
    index: dict
    referring_domains: list[dict] = field(default_factory=list)
    link_mix: list[dict] = field(default_factory=list)
    audit: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.ingest.get("errors"))

    def render(self, fmt: str) -> str:
        if fmt in ("json", "jsonl", "csv"):
            return json.dumps(to_jsonable(self.__dict__), ensure_ascii=False, indent=2) + "\n"
        summary = {k: v for k, v in self.ingest.items() if k not in ("problems", "counters")}
        return "\n".join(
            [
                f"Sample web written to {self.warc_dir}/ and ingested into {self.workspace}",
                "",
                "Ingest",
                render_object(summary),
                "Workspace",
                render_object(self.index),
                f"Top referring domains of {self.target} (live backlinks, latest crawl)",
                render_rows(self.referring_domains),
                f"Links to {self.target} by type and placement",
                render_rows(self.link_mix),
                f"Backlink audit of {self.target}",
                render_object(self.audit.get("summary", {})),
                "Most toxic referring domains",
                render_rows(self.audit.get("most_toxic", [])),
                "Naturalness checks",
                render_rows(self.audit.get("naturalness", [])),
                f"Next: linkatlas audit {self.target} --db {self.workspace}",
                f"      linkatlas audit {self.target} --db {self.workspace} --explain DOMAIN",
                "",
            ]
        )


def run_demo(out_dir: str = "linkatlas-demo", db: str | None = None, seed: int = 7, scale: float = 1.0) -> DemoReport:
    from linkatlas.sample.webgen import generate, write_warcs

    folder = Path(out_dir)
    warc_dir = folder / "warc"
    warc_dir.mkdir(parents=True, exist_ok=True)
    web = generate(seed, scale=scale)
    write_warcs(web, warc_dir)
    workspace = Path(db) if db else folder / "linkatlas.duckdb"
    target = web.targets[0]
    with open_index(workspace) as index:
        summary = ingest(index, [warc_dir], progress=None)
        params = {"target": target}
        referring = index.rows(_REFERRING_DOMAINS, params)
        mix = index.rows(_LINK_MIX, params)
        stats = index.stats()
        audited = _audit(index, target, web.brands.get(target, ()), web.keywords.get(target, ()))
    return DemoReport(
        workspace=str(workspace), warc_dir=str(warc_dir), target=target, ingest=summary.as_dict(),
        index=stats, referring_domains=referring, link_mix=mix, audit=audited,
    )


def _audit(index, target: str, brands, keywords) -> dict:
    """The audit project of the sample's brand (as `linkatlas project create` would store it), and
    the audit's headline: summary, the most toxic domains with their markers, the checks."""
    from linkatlas.audit.projects import create_project, get_project, settings_for
    from linkatlas.audit.report import audit
    from linkatlas.metrics.target import parse_target

    if get_project(index, target) is None:
        create_project(index, target, brands=brands, keywords=keywords,
                       categories=("analytics", "software", "marketing"), countries=("us", "gb", "de"))
    report = audit(index, settings_for(index, parse_target(target)))
    most_toxic = [{"domain": row["domain"], "toxicity": row["toxicity"], "backlinks": row["backlinks"],
                   "markers": " ".join(marker["id"] for marker in row["markers"][:4])}
                  for row in report["domains"][:8]]
    checks = [{"check": check["id"], "verdict": check["verdict"], "detail": check["detail"][:70]}
              for check in report["naturalness"]["checks"]]
    keys = ("referring_domains", "toxic", "potentially_toxic", "profile_toxicity_percent", "level")
    return {"summary": {key: report["summary"][key] for key in keys}, "most_toxic": most_toxic,
            "naturalness": checks}
