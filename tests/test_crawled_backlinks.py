"""The derived ``crawled_backlinks`` table: kept current incrementally, rebuilt when it must be,
and bypassed on a read-only index it cannot refresh — always with the rows a full derivation gives.

The reports' own numbers are checked against the generator's truth in ``test_reports.py``; here
the question is only whether the table (and so every report) stays right as crawls arrive.
"""

from __future__ import annotations

import shutil
from datetime import datetime

import pyarrow as pa
import pytest

from linkatlas.index.store import FETCH_SCHEMA, LINK_SCHEMA, open_index
from linkatlas.ingest import ingest
from linkatlas.metrics import reports
from linkatlas.metrics.crawled import crawled_is_stale, refresh_crawled
from linkatlas.metrics.state import build_state
from linkatlas.metrics.target import parse_target
from linkatlas.sample import write_warcs

SNAPSHOT = "SELECT * FROM crawled_backlinks ORDER BY target_url, source_url"


@pytest.fixture(scope="module")
def crawl_files(sample_web, tmp_path_factory):
    files = sorted(write_warcs(sample_web, tmp_path_factory.mktemp("crawls")))
    assert len(files) == len(sample_web.crawl_dates) >= 3  # one file per crawl date
    return files


def snapshot(db) -> list[tuple]:
    with open_index(db, read_only=True) as index:
        return index.sql(SNAPSHOT)


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_refreshing_after_each_crawl_gives_the_rows_of_a_full_derivation(tmp_path, crawl_files, sample_db, order):
    files = crawl_files if order == "oldest first" else crawl_files[::-1]
    db = tmp_path / "index.duckdb"
    modes = []
    with open_index(db) as index:
        for path in files:
            assert ingest(index, [path]).errors == 0
            assert crawled_is_stale(index)
            summary = refresh_crawled(index)
            modes.append((summary.mode, summary.pages > 0))
            assert not crawled_is_stale(index)
        assert refresh_crawled(index).mode == "current"
    assert modes == [("rebuild", False)] + [("incremental", True)] * (len(files) - 1)
    incremental = snapshot(db)
    with open_index(db) as index:
        assert refresh_crawled(index, rebuild=True).mode == "rebuild"
    assert snapshot(db) == incremental
    # and the same rows as the sample index, ingested in one go and derived once by its first report
    with open_index(sample_db) as index:
        refresh_crawled(index)
    assert snapshot(sample_db) == incremental
    assert len(incremental) > 100


def test_a_change_that_is_not_an_append_rebuilds_the_table(tmp_path, sample_db):
    db = tmp_path / "index.duckdb"
    shutil.copy(sample_db, db)
    with open_index(db) as index:
        refresh_crawled(index)
        before = index.sql("SELECT count(*) FROM crawled_backlinks")[0][0]
        # forget the latest crawl: rows disappear, no fetch id grows
        latest = index.sql("SELECT max(fetched_at) FROM fetches")[0][0]
        index.sql("DELETE FROM links WHERE fetched_at >= date_trunc('day', $latest::TIMESTAMP)", {"latest": latest})
        index.sql("DELETE FROM fetches WHERE fetched_at >= date_trunc('day', $latest::TIMESTAMP)", {"latest": latest})
        summary = refresh_crawled(index)
        assert summary.mode == "rebuild"
        after = index.sql(SNAPSHOT)
        assert refresh_crawled(index, rebuild=True).rows == summary.rows
        assert index.sql(SNAPSHOT) == after
        # nothing derived from the forgotten crawl is left: no row was last seen in it
        assert index.sql("SELECT count(*) FROM crawled_backlinks WHERE last_seen >= date_trunc('day', $l::TIMESTAMP)",
                         {"l": latest})[0][0] == 0
    assert summary.rows != before or after != snapshot(sample_db)


def test_a_read_only_index_with_a_stale_table_reports_from_the_fetch_history(tmp_path, crawl_files):
    stale, fresh = tmp_path / "stale.duckdb", tmp_path / "fresh.duckdb"
    for db in (stale, fresh):
        with open_index(db) as index:
            assert ingest(index, crawl_files[:-1]).errors == 0
            refresh_crawled(index)
            assert ingest(index, crawl_files[-1:]).errors == 0
    with open_index(fresh) as index:
        assert refresh_crawled(index).mode == "incremental"
    target = parse_target("acmeanalytics.com")
    results = {}
    for db in (stale, fresh):
        with open_index(db, read_only=True) as index:
            results[db] = (reports.backlinks(index, target, status="all").sort_by("source_url").to_pylist(),
                           reports.overview(index, target))
            assert crawled_is_stale(index) == (db == stale)
    assert results[stale] == results[fresh]
    assert len(results[fresh][0]) > 10 and results[fresh][1]["lost_backlinks"] + results[fresh][1]["new_backlinks"] > 0


def _page(fetch_id, url, links, when="2026-03-01T12:00:00", status=200):
    host = url.split("/")[2]
    moment = datetime.fromisoformat(when)
    fetch = {"fetch_id": fetch_id, "url": url, "host": host, "domain": host.removeprefix("www."), "ip": "192.0.2.9",
             "fetched_at": moment, "status": status, "content_type": "text/html", "origin": "warc", "run_id": 1,
             "title": "A page", "robots_nofollow": False, "analytics_ids": [], "terms": [], "emails": []}
    rows = [{"fetch_id": fetch_id, "fetched_at": moment, "source_url": url, "source_host": host,
             "source_domain": host.removeprefix("www."), "target_url": target, "target_host": "www.acme.com",
             "target_domain": "acme.com", "anchor": anchor, "alt": anchor if kind == "image" else "",
             "nofollow": False, "ugc": False, "sponsored": False, "type": kind, "placement": "content",
             "hidden": False, "ordinal": ordinal} for ordinal, (target, anchor, kind) in enumerate(links)]
    return fetch, rows


def test_an_anchor_given_by_a_text_and_an_image_link_of_one_page_counts_once_and_not_as_image(db_path):
    home = "https://www.acme.com/"
    pages = [_page(1, "https://www.one.org/a",
                   [(home, "Acme", "image"), (home, "Acme", "text"), (home, "Logo", "image")]),
             _page(2, "https://www.two.org/b", [(home, "Acme", "image"), (home, "Acme", "image")]),
             _page(3, "https://www.three.org/c", [(home, "Logo", "image"), (home + "x", "Logo", "image")])]
    with open_index(db_path) as index:
        index.write_batch(pa.Table.from_pylist([fetch for fetch, _ in pages], FETCH_SCHEMA),
                          pa.Table.from_pylist([row for _, rows in pages for row in rows], LINK_SCHEMA))
        got = {row["anchor"]: (row["anchor_type"], row["backlinks"], row["referring_domains"])
               for row in reports.anchors(index, parse_target("acme.com")).to_pylist()}
    # one.org/a→home and two.org/b→home carry "Acme" (one.org's also as text); "Logo" is only ever an image:
    # one.org/a→home, three.org/c→home and three.org/c→home/x. A text "Acme" is the brand (the domain's name).
    assert got == {"Acme": ("branded", 2, 2), "Logo": ("image", 3, 2)}


def test_the_state_at_each_instant_follows_every_change_of_a_backlink(tmp_path):
    """live (its page links) → broken (the page answers 404) → lost (the page is back without the
    link) → live (the link is back): four changes, so the oldest ones come from the list."""
    page, home = "https://www.one.org/a", "https://www.acme.com/"
    fetches = [_page(1, page, [(home, "Acme", "text")], "2026-01-15T00:00:00"),
               _page(2, page, [], "2026-02-15T00:00:00", status=404),
               _page(3, page, [], "2026-03-15T00:00:00"),
               _page(4, page, [(home, "Acme", "text")], "2026-04-15T00:00:00")]
    instants = tuple(datetime(2026, month, 1) for month in (1, 2, 3, 4, 5))
    got = []
    for count in (4, 3):  # all four fetches; the first three (lost now, since the third)
        with open_index(tmp_path / f"{count}.duckdb") as index:
            index.write_batch(pa.Table.from_pylist([fetch for fetch, _ in fetches[:count]], FETCH_SCHEMA),
                              pa.Table.from_pylist([row for _, rows in fetches[:count] for row in rows], LINK_SCHEMA))
            table = build_state(index, parse_target("acme.com"), instants, view=True)
            got += index.sql(f"SELECT status_0, status_1, status_2, status_3, status_4, status, lost_at FROM {table}")
    assert got == [(None, "live", "broken", "lost", "live", "live", None),
                   (None, "live", "broken", "lost", "lost", "lost", datetime(2026, 3, 15))]
