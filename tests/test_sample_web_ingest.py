"""Ingesting the generated sample web reproduces its ground truth exactly (WARC and WAT paths)."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from datetime import timezone

import duckdb
import pytest

from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.sample import generate, write_warcs, write_wats


def naive(moment):
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture(scope="module")
def web():
    return generate(seed=7)


def ingested(web, folder, write):
    """Write the web with ``write`` (WARC or WAT), ingest it; yield (summary, read-only connection)."""
    write(web, folder / "archives")
    db = folder / "index.duckdb"
    with open_index(db) as index:
        summary = ingest(index, [folder / "archives"])
    con = duckdb.connect(str(db), read_only=True)
    yield summary, con
    con.close()


@pytest.fixture(scope="module")
def warc_index(web, tmp_path_factory):
    yield from ingested(web, tmp_path_factory.mktemp("sample"), write_warcs)


@pytest.fixture(scope="module")
def wat_index(web, tmp_path_factory):
    yield from ingested(web, tmp_path_factory.mktemp("sample-wat"), write_wats)


def links_by_fetch(con, columns):
    rows = con.execute(
        f"SELECT f.url, f.fetched_at, {columns} FROM links l JOIN fetches f USING (fetch_id) "
        "ORDER BY f.url, f.fetched_at, l.ordinal"
    ).fetchall()
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row[0], row[1])].append(tuple(row[2:]))
    return grouped


def test_summary_counts_match_the_truth(web, warc_index):
    summary, _ = warc_index
    assert summary.errors == 0 and summary.skipped == 0
    assert summary.records == summary.fetches == len(web.fetches)
    assert summary.links == sum(len(f.links) for f in web.fetches)
    html_2xx = [f for f in web.fetches if 200 <= f.status < 300 and f.content_type == "text/html"]
    assert summary.pages == len(html_2xx)


def test_every_fetch_is_recorded_with_status_date_and_ip(web, warc_index):
    _, con = warc_index
    stored = Counter(con.execute("SELECT url, fetched_at, status, ip FROM fetches").fetchall())
    truth = Counter((f.url, naive(f.fetched_at), f.status, f.ip) for f in web.fetches)
    assert stored == truth


def test_every_link_is_extracted_exactly_in_document_order(web, warc_index):
    _, con = warc_index
    stored = links_by_fetch(
        con, "l.target_url, l.anchor, l.alt, l.nofollow, l.ugc, l.sponsored, l.type, l.placement, l.hidden"
    )
    mismatches = []
    for fetch in web.fetches:
        truth = [
            (lk.target_url, lk.anchor, lk.alt, lk.nofollow, lk.ugc, lk.sponsored, lk.type, lk.placement, lk.hidden)
            for lk in fetch.links
        ]
        if stored.get((fetch.url, naive(fetch.fetched_at)), []) != truth:
            mismatches.append(fetch.url)
    assert mismatches == []


def test_link_domains_are_the_registrable_domains(web, warc_index):
    _, con = warc_index
    wrong = con.execute(
        "SELECT count(*) FROM links WHERE source_domain = target_domain OR target_domain IS NULL"
    ).fetchone()[0]
    assert wrong == 0
    stored = Counter(row[0] for row in con.execute("SELECT target_domain FROM links").fetchall())
    truth = Counter(lk.target_domain for f in web.fetches for lk in f.links)
    assert stored == truth


def test_page_facts_match(web, warc_index):
    _, con = warc_index
    rows = {
        (url, at): rest
        for url, at, *rest in con.execute(
            "SELECT url, fetched_at, title, split_part(lang, '-', 1), generator, analytics_ids, robots_nofollow, "
            "internal_links, external_links FROM fetches WHERE status BETWEEN 200 AND 299 AND title IS NOT NULL"
        ).fetchall()
    }
    checked = 0
    for fetch in web.fetches:
        if not (200 <= fetch.status < 300 and fetch.content_type == "text/html"):
            continue
        title, lang, generator, analytics, nofollow, internal, external = rows[(fetch.url, naive(fetch.fetched_at))]
        assert (title, lang or None, generator) == (fetch.title, fetch.lang, fetch.generator), fetch.url
        assert tuple(analytics) == fetch.analytics_ids, fetch.url
        assert nofollow == fetch.robots_nofollow, fetch.url
        assert (internal, external) == (fetch.internal_links, len(fetch.links)), fetch.url
        checked += 1
    assert checked > 4000


def test_totals_per_crawl_date(web, warc_index):
    _, con = warc_index
    stored = dict(con.execute("SELECT fetched_at::DATE, count(*) FROM links GROUP BY 1").fetchall())
    truth = Counter()
    for fetch in web.fetches:
        truth[naive(fetch.fetched_at).date()] += len(fetch.links)
    assert stored == dict(truth) and len(stored) == 3


def test_spam_patterns_survive_ingestion(web, warc_index):
    _, con = warc_index
    pbn = [s for s in web.sites.values() if s.labels.get("pattern") == "pbn"]
    shared = con.execute(
        "SELECT count(DISTINCT domain) FROM fetches, unnest(analytics_ids) AS t(id) WHERE id LIKE 'UA-%' "
        "GROUP BY id ORDER BY 1 DESC LIMIT 1"
    ).fetchone()[0]
    assert shared == len(pbn) >= 5
    biggest_page = con.execute("SELECT max(external_links) FROM fetches").fetchone()[0]
    assert biggest_page >= 1000
    hidden = {row[0] for row in con.execute("SELECT DISTINCT source_domain FROM links WHERE hidden").fetchall()}
    truth = {web.domain_of(lk.source_url.split("/")[2]) for f in web.fetches for lk in f.links if lk.hidden}
    assert hidden == truth and len(truth) >= 3


def test_reingesting_the_sample_web_adds_nothing(web, warc_index, tmp_path):
    summary, con = warc_index
    inputs = [row[0] for row in con.execute("SELECT path FROM inputs").fetchall()]
    copy = tmp_path / "copy.duckdb"
    shutil.copy(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchone()[0], copy)
    with open_index(copy) as index:
        again = ingest(index, inputs)
        assert index.sql("SELECT count(*) FROM links")[0][0] == summary.links
    assert (again.fetches, again.links, again.files_already_ingested) == (0, 0, len(inputs))


def test_wat_ingestion_gives_the_same_links_without_the_facts_a_wat_lacks(web, wat_index):
    summary, con = wat_index
    assert summary.errors == 0
    assert summary.fetches == len(web.fetches)
    assert summary.pages == len([f for f in web.fetches if 200 <= f.status < 300 and f.content_type == "text/html"])
    stored = links_by_fetch(con, "l.target_url, l.anchor, l.alt, l.type, l.placement, l.hidden")
    mismatches = []
    for fetch in web.fetches:
        # a WAT cannot tell an image inside a text link from one before it: text links carry no alt
        # (an HTTP redirect is never hidden: that much is known without the HTML)
        truth = [(lk.target_url, lk.anchor, lk.alt if lk.type == "image" else "", lk.type, None,
                  False if lk.type == "redirect" else None) for lk in fetch.links]
        if sorted(stored.get((fetch.url, naive(fetch.fetched_at)), [])) != sorted(truth):
            mismatches.append(fetch.url)
    assert mismatches == []
