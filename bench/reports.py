#!/usr/bin/env python3
"""Report speed on a big index: 10 M backlinks, one target holding 1 M of them.

    .venv/bin/python bench/reports.py [--pages 2000000] [--quick] [--keep DB]

The index is generated in DuckDB SQL (no HTML involved): ``--pages`` source pages on
``pages / 10`` domains, five external links each (10 M backlinks at the default size), half
of the pages linking once to ``bigtarget.com``; a second crawl two months later re-fetches a
quarter of the pages, an eighth of them without their link to the target (lost backlinks),
and answers 404 for a sixteenth (broken). A child process then derives ``crawled_backlinks``
(what the first report after an ingest does: here all of it, the whole index being new) and
prints its time. Each report then runs in a fresh child process on the index opened read-only
(cold: first query on the opened file, then warm), printing seconds and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def generate(db: Path, pages: int) -> dict:
    from linkatlas.index.store import open_index

    started = time.perf_counter()
    domains = max(1, pages // 10)
    with open_index(db, memory_limit="4GB") as index:
        index.sql(
            f"""
            CREATE TEMP TABLE pages AS
            SELECT id, id % {domains} AS d,
                   'https://www.site' || (id % {domains}) || '.com/post/' || id AS url,
                   'www.site' || (id % {domains}) || '.com' AS host,
                   'site' || (id % {domains}) || '.com' AS domain,
                   (1 + hash(id % {domains}) % 223) || '.' || (hash(id % {domains} * 7) % 256) || '.'
                       || (hash(id % {domains} * 13) % 256) || '.' || (1 + id % {domains} % 250) AS ip
            FROM range({pages}) t(id)
            """
        )
        index.sql(
            """
            INSERT INTO fetches (fetch_id, url, host, domain, ip, fetched_at, status, content_type, origin, title,
                                 robots_nofollow, external_links)
            SELECT id, url, host, domain, ip, TIMESTAMP '2026-03-01' + to_seconds(id % 86400), 200, 'text/html',
                   'warc', 'Post ' || id, false, 5 FROM pages
            UNION ALL
            SELECT $pages + id, url, host, domain, ip, TIMESTAMP '2026-05-01' + to_seconds(id % 86400),
                   CASE WHEN id % 16 = 4 THEN 404 ELSE 200 END, 'text/html', 'warc', 'Post ' || id, false, 5
            FROM pages WHERE id % 4 = 0
            """,
            {"pages": pages},
        )
        index.sql(
            """
            INSERT INTO links (fetch_id, fetched_at, source_url, source_host, source_domain, target_url, target_host,
                               target_domain, anchor, alt, nofollow, ugc, sponsored, type, placement, hidden, ordinal)
            WITH crawls AS (
                SELECT p.*, f.fetch_id, f.fetched_at, f.status FROM pages p JOIN fetches f ON f.url = p.url
            ),
            elements AS (
                SELECT c.*, k FROM crawls c, range(5) r(k) WHERE c.status = 200
            )
            SELECT fetch_id, fetched_at, url, host, domain,
                   CASE WHEN k = 0 AND id % 2 = 0 THEN 'https://www.bigtarget.com/page/' || (id % 5000)
                        ELSE 'https://t' || (hash(id * 5 + k) % 500000) || '.org/' END,
                   CASE WHEN k = 0 AND id % 2 = 0 THEN 'www.bigtarget.com'
                        ELSE 't' || (hash(id * 5 + k) % 500000) || '.org' END,
                   CASE WHEN k = 0 AND id % 2 = 0 THEN 'bigtarget.com'
                        ELSE 't' || (hash(id * 5 + k) % 500000) || '.org' END,
                   CASE id % 7 WHEN 0 THEN 'Big Target' WHEN 1 THEN 'click here' WHEN 2 THEN 'best widgets'
                        ELSE 'widget guide ' || (id % 100) END,
                   '', id % 5 = 1, false, false, 'text', 'content', false, k
            FROM elements
            WHERE NOT (fetched_at >= TIMESTAMP '2026-05-01' AND k = 0 AND id % 8 = 0)
            """
        )
        counts = index.sql("SELECT (SELECT count(*) FROM fetches), (SELECT count(*) FROM links)")[0]
    return {"fetches": counts[0], "links": counts[1], "seconds": round(time.perf_counter() - started, 1)}


def derive(db: Path) -> None:
    """What ingest leaves behind and reports keep current: the derived backlink table."""
    from linkatlas.index.store import open_index
    from linkatlas.metrics.crawled import refresh_crawled

    with open_index(db, memory_limit="4GB") as index:
        refresh = refresh_crawled(index)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"crawled_backlinks: {refresh.mode}, {refresh.rows:,} backlinks, {refresh.seconds:.1f} s, peak {peak:.0f} MB")


def report_calls() -> dict:
    from linkatlas.metrics import reports

    return {
        "overview": lambda index, target: reports.overview(index, target),
        "backlinks --limit 100": lambda index, target: reports.backlinks(index, target, limit=100),
        "backlinks --status lost": lambda index, target: reports.backlinks(index, target, status="lost"),
        "refdomains --limit 100": lambda index, target: reports.referring_domains(index, target, limit=100),
        "anchors": lambda index, target: reports.anchors(index, target),
        "pages": lambda index, target: reports.pages(index, target),
        "history": lambda index, target: reports.history(index, target),
    }


REPORTS = ("overview", "backlinks --limit 100", "backlinks --status lost", "refdomains --limit 100", "anchors",
           "pages", "history")


def child(db: str, name: str) -> None:
    from linkatlas.index.store import open_index
    from linkatlas.metrics.target import parse_target

    call = report_calls()[name]
    with open_index(db, read_only=True) as index:
        target = parse_target("bigtarget.com")
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            result = call(index, target)
            timings.append(time.perf_counter() - started)
    size = result.num_rows if hasattr(result, "num_rows") else result["backlinks"]
    print(json.dumps({"cold": timings[0], "warm": timings[1], "rows": size,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2_000_000, help="source pages (5 backlinks each)")
    parser.add_argument("--quick", action="store_true", help="a small index (100k pages) for a smoke run")
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the generated index at this path")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--derive", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.derive:
        derive(Path(args.derive))
        return
    if args.child:
        child(*args.child)
        return
    pages = 100_000 if args.quick else args.pages
    with tempfile.TemporaryDirectory() as scratch:
        db = args.keep or Path(scratch) / "bench.duckdb"
        if not db.exists():
            facts = generate(db, pages)
            print(f"generated {facts['fetches']:,} fetches and {facts['links']:,} link rows in {facts['seconds']} s")
        output = subprocess.run([sys.executable, __file__, "--derive", str(db)], capture_output=True, text=True,
                                check=True)
        print(output.stdout.strip().splitlines()[-1])
        print(f"{'report on bigtarget.com':28} {'rows':>9} {'cold s':>8} {'warm s':>8} {'peak MB':>8}")
        for name in REPORTS:
            output = subprocess.run([sys.executable, __file__, "--child", str(db), name], capture_output=True,
                                    text=True, check=True)
            result = json.loads(output.stdout.strip().splitlines()[-1])
            print(f"{name:28} {result['rows']:>9,} {result['cold']:>8.2f} {result['warm']:>8.2f} "
                  f"{result['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
