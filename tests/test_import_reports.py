"""The reports on backlinks that only vendor exports know, and on exports merged with a crawl.

Real DuckDB files, the committed fixtures of tests/data/imports (see make_fixtures.py) and the
CLI in-process. Every expected value below was worked out by hand from the fixture rows and the
rules of docs/definitions.md ("Backlinks from vendor exports"), never computed by linkatlas:

- Ahrefs export (dated 2024-04-21 10:00, its latest date): alpha → / live, follow, "Example Shop",
  first seen 2023-11-03 08:15; gamma → / lost on 2024-04-10, nofollow image; delta → /about live,
  ugc, "about us".
- Semrush export (dated 2024-04-20): alpha → / live, first seen 2023-11-02; beta → /products live,
  nofollow, "top products"; epsilon → /products lost (Lost link), sponsored image, no lost date.
- Search Console zip (dated 2024-03-05, its latest "Último rastreo"): linking pages
  blog.alpha.org/review, zeta.de/blog/post (last crawled 2024-02-17) and zeta.de/links — no
  target page, anchor or rel.
- Semrush Referring domains: alpha.org at 203.0.113.5, news.beta.net at 198.51.100.7.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from conftest import DATA
from linkatlas.cli.main import cli
from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.metrics.state import build_state
from linkatlas.metrics.target import parse_target
from linkatlas.sources.imports import import_files
from test_coverage import EXPECTED_BACKLINKS, write_crawl

IMPORTS = DATA / "imports"
EXPORTS = ["ahrefs_backlinks.csv", "semrush_backlinks.csv", "gsc_links_es.zip", "semrush_referring_domains.csv"]


def import_exports(db):
    with open_index(db) as index:
        summary = import_files(index, [IMPORTS / name for name in EXPORTS], target="example.com", progress=False)
    assert summary.errors == 0


@pytest.fixture(scope="module")
def imported_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("imported") / "imported.duckdb"
    import_exports(db)
    return db


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory):
    """The same exports plus a crawl (tests/test_coverage.py) of alpha's review page and http://zeta.de/links."""
    folder = tmp_path_factory.mktemp("mixed")
    write_crawl(folder / "crawl.warc.gz")
    db = folder / "mixed.duckdb"
    with open_index(db) as index:
        assert ingest(index, [folder / "crawl.warc.gz"]).errors == 0
    import_exports(db)
    return db


def report(db, *args, fmt="json"):
    result = CliRunner().invoke(cli, [*args, "--db", str(db), "--format", fmt], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if fmt == "json" else result.stdout


def test_overview_of_a_workspace_holding_only_imports(imported_db):
    result = report(imported_db, "overview", "example.com")
    counts = {key: result[key] for key in (
        "backlinks", "referring_domains", "referring_ips", "referring_subnets", "follow", "nofollow", "ugc",
        "sponsored", "unknown_rel", "text", "image", "new_backlinks", "lost_backlinks", "broken_backlinks",
        "new_referring_domains", "lost_referring_domains")}
    assert counts == {
        "backlinks": 5,  # alpha, delta, beta, and the two zeta pages Search Console names
        "referring_domains": 4,  # alpha.org, delta.co.uk, beta.net, zeta.de
        "referring_ips": 2, "referring_subnets": 2,  # from Semrush Referring domains: alpha.org, news.beta.net
        "follow": 1,  # alpha (Ahrefs: no nofollow, ugc or sponsored)
        "nofollow": 1, "ugc": 1, "sponsored": 0,  # beta; delta; epsilon is lost
        "unknown_rel": 2,  # the zeta pages: Search Console does not say
        "text": 3, "image": 0,
        "new_backlinks": 0, "lost_backlinks": 0, "broken_backlinks": 0,  # window: April 2024, nothing first seen
        "new_referring_domains": 0, "lost_referring_domains": 0,
    }
    assert (result["window_start"], result["first_crawl"], result["last_crawl"]) == ("2024-04-01T00:00:00", None, None)
    assert {row["anchor_type"]: row["backlinks"] for row in result["anchor_types"]} == {
        "unknown": 2, "other": 2, "branded": 1}
    assert result["trend"] == [
        {"period": "2024-03-01", "backlinks": 2, "referring_domains": 1, "new_backlinks": 1, "lost_backlinks": 0,
         "new_referring_domains": 0, "lost_referring_domains": 0},  # only the GSC export is dated March
        {"period": "2024-04-01", "backlinks": 5, "referring_domains": 4, "new_backlinks": 0, "lost_backlinks": 0,
         "new_referring_domains": 0, "lost_referring_domains": 0},
    ]


def test_backlinks_of_imports_take_the_vendors_facts(imported_db):
    rows = report(imported_db, "backlinks", "example.com", "--status", "all", "--sort", "source_url")
    got = [(r["source_url"], r["target_url"], r["status"], r["first_seen"], r["last_seen"], r["lost_at"], r["anchor"],
            r["anchor_type"], r["type"], r["follow"], r["nofollow"], r["ugc"], r["sponsored"], r["sources"])
           for r in rows]
    assert got == [
        ("https://blog.alpha.org/review", "https://example.com/", "live", "2023-11-02T00:00:00", "2024-04-21T10:00:00",
         None, "Example Shop", "branded", "text", True, False, False, False, ["ahrefs", "gsc", "semrush"]),
        ("https://delta.co.uk/page?id=7", "https://example.com/about", "live", "2024-02-11T12:00:00",
         "2024-04-20T12:00:00", None, "about us", "other", "text", False, False, True, False, ["ahrefs"]),
        ("https://gamma.io/links", "https://example.com/", "lost", "2024-01-20T00:00:00", "2024-04-09T00:00:00",
         "2024-04-10T00:00:00", "", "image", "image", False, True, False, False, ["ahrefs"]),
        ("https://news.beta.net/2024/top-10", "https://example.com/products", "live", "2024-01-15T00:00:00",
         "2024-04-18T00:00:00", None, "top products", "other", "text", False, True, False, False, ["semrush"]),
        ("https://www.epsilon.com/deals", "https://example.com/products", "lost", "2024-02-01T00:00:00",
         "2024-03-01T00:00:00", None, "", "image", "image", False, False, False, True, ["semrush"]),
        ("https://zeta.de/blog/post", None, "live", "2024-02-17T00:00:00", "2024-03-05T00:00:00", None, None,
         "unknown", None, None, None, None, None, ["gsc"]),
        ("https://zeta.de/links", None, "live", "2024-03-05T00:00:00", "2024-03-05T00:00:00", None, None, "unknown",
         None, None, None, None, None, ["gsc"]),
    ]
    assert [(r["source_title"], r["placement"], r["hidden"]) for r in rows[:2]] == [
        ("Alpha review", None, None), ('Delta "partners"', None, None)]


def test_refdomains_anchors_pages_and_ips_of_imports(imported_db):
    domains = report(imported_db, "refdomains", "example.com", "--status", "all")
    assert [(r["domain"], r["backlinks"], r["follow_backlinks"], r["ips"], r["status"], r["lost_backlinks"])
            for r in domains] == [
        ("zeta.de", 2, 0, None, "live", 0),  # unknown rel is not follow
        ("alpha.org", 1, 1, ["203.0.113.5"], "live", 0),
        ("beta.net", 1, 0, ["198.51.100.7"], "live", 0),
        ("delta.co.uk", 1, 0, None, "live", 0),
        ("epsilon.com", 0, 0, None, "lost", 1),
        ("gamma.io", 0, 0, None, "lost", 1),
    ]
    assert report(imported_db, "anchors", "example.com") == [
        {"anchor": None, "anchor_type": "unknown", "backlinks": 2, "referring_domains": 1,
         "first_seen": "2024-02-17T00:00:00", "last_seen": "2024-03-05T00:00:00"},
        {"anchor": "Example Shop", "anchor_type": "branded", "backlinks": 1, "referring_domains": 1,
         "first_seen": "2023-11-02T00:00:00", "last_seen": "2024-04-21T10:00:00"},  # Semrush's and Ahrefs' rows
        {"anchor": "about us", "anchor_type": "other", "backlinks": 1, "referring_domains": 1,
         "first_seen": "2024-02-11T12:00:00", "last_seen": "2024-04-20T12:00:00"},
        {"anchor": "top products", "anchor_type": "other", "backlinks": 1, "referring_domains": 1,
         "first_seen": "2024-01-15T00:00:00", "last_seen": "2024-04-18T00:00:00"},
    ]
    pages = report(imported_db, "pages", "example.com")
    assert [(p["target_url"], p["backlinks"], p["referring_domains"], p["follow_backlinks"], p["top_anchors"])
            for p in pages] == [
        (None, 2, 1, 0, None),  # Search Console's linking pages: the page they link to is unknown
        ("https://example.com/", 1, 1, 1, ["Example Shop"]),
        ("https://example.com/about", 1, 1, 0, ["about us"]),
        ("https://example.com/products", 1, 1, 0, ["top products"]),
    ]
    assert report(imported_db, "refips", "example.com") == [
        {"ip": "198.51.100.7", "subnet": "198.51.100.0/24", "referring_domains": 1, "backlinks": 1},
        {"ip": "203.0.113.5", "subnet": "203.0.113.0/24", "referring_domains": 1, "backlinks": 1},
    ]


def test_unknown_rel_is_never_follow(imported_db):
    follow = report(imported_db, "backlinks", "example.com", "--follow")
    nofollow = report(imported_db, "backlinks", "example.com", "--nofollow")
    assert [r["source_url"] for r in follow] == ["https://blog.alpha.org/review"]
    assert [r["source_url"] for r in nofollow] == ["https://news.beta.net/2024/top-10"]
    best = report(imported_db, "backlinks", "example.com", "--one-per-domain", "--source-domain", "zeta.de")
    assert [(r["source_url"], r["follow"]) for r in best] == [("https://zeta.de/blog/post", None)]


def test_narrower_scopes_leave_out_linking_pages_of_unknown_target(imported_db):
    rows = report(imported_db, "backlinks", "https://example.com/products", "--scope", "url", "--status", "all")
    assert [(r["source_url"], r["status"]) for r in rows] == [
        ("https://news.beta.net/2024/top-10", "live"), ("https://www.epsilon.com/deals", "lost")]
    overview = report(imported_db, "overview", "example.com/", "--scope", "prefix")
    assert (overview["backlinks"], overview["unknown_rel"]) == (3, 0)  # alpha, delta, beta


def test_source_filter(imported_db):
    def sources(*names):
        args = [part for name in names for part in ("--source", name)]
        return [r["source_url"] for r in report(imported_db, "backlinks", "example.com", "--status", "all",
                                                "--sort", "source_url", *args)]

    assert sources("gsc") == ["https://blog.alpha.org/review", "https://zeta.de/blog/post", "https://zeta.de/links"]
    assert sources("semrush") == ["https://blog.alpha.org/review", "https://news.beta.net/2024/top-10",
                                  "https://www.epsilon.com/deals"]
    assert sources("ahrefs", "semrush") == [
        "https://blog.alpha.org/review", "https://delta.co.uk/page?id=7", "https://gamma.io/links",
        "https://news.beta.net/2024/top-10", "https://www.epsilon.com/deals"]
    assert sources("crawl") == sources("moz") == []
    bad = CliRunner().invoke(cli, ["backlinks", "example.com", "--db", str(imported_db), "--source", "bing"])
    assert bad.exit_code == 2 and "'bing' is not one of" in bad.stderr


def test_sources_column_in_csv(imported_db):
    text = report(imported_db, "backlinks", "example.com", "--source", "ahrefs", "--follow", fmt="csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[-2:] == ["status", "sources"]
    assert [(r["source_url"], r["sources"]) for r in rows] == [
        ("https://blog.alpha.org/review", '["ahrefs", "gsc", "semrush"]')]


def test_mixed_workspace_deduplicates_and_the_crawl_decides(mixed_db):
    rows = report(mixed_db, "backlinks", "example.com", "--status", "all")
    assert sorted((r["source_url"], r["target_url"], r["sources"]) for r in rows) == sorted(
        (source, target, sources) for source, target, sources in EXPECTED_BACKLINKS)
    alpha = next(r for r in rows if (r["source_url"], r["target_url"]) == (
        "https://blog.alpha.org/review", "https://example.com/"))
    # the crawl saw it on 2024-04-22: its facts, not the vendors' (first seen 2023-11-02 by Semrush)
    assert (alpha["status"], alpha["first_seen"], alpha["last_seen"], alpha["anchor"], alpha["follow"],
            alpha["placement"]) == ("live", "2024-04-22T00:00:00", "2024-04-22T00:00:00", "Example Shop", True,
                                    "content")
    overview = report(mixed_db, "overview", "example.com")
    # live: alpha /, alpha /contact, http zeta (crawl); delta, beta (exports); two https zeta pages (GSC)
    assert (overview["backlinks"], overview["referring_domains"], overview["follow"], overview["unknown_rel"],
            overview["first_crawl"]) == (7, 4, 3, 2, "2024-04-22T00:00:00")
    assert [(r["source_url"], r["target_url"]) for r in report(mixed_db, "backlinks", "example.com", "--source",
                                                                "crawl", "--sort", "source_url,target_url")] == [
        ("http://zeta.de/links", "https://example.com/"), ("https://blog.alpha.org/review", "https://example.com/"),
        ("https://blog.alpha.org/review", "https://example.com/contact")]


def test_state_keeps_its_columns_and_adds_sources_and_origin(mixed_db):
    with open_index(mixed_db, read_only=True) as index:
        table = build_state(index, parse_target("example.com"))
        columns = [row[0] for row in index.sql(f"DESCRIBE {table}")]
        origins = index.sql(f"SELECT origin, count(*) FROM {table} GROUP BY 1 ORDER BY 1")
    assert columns == [
        "source_url", "source_host", "source_domain", "source_title", "source_ip", "source_subnet", "target_url",
        "target_host", "anchor", "alt", "type", "follow", "nofollow", "ugc", "sponsored", "robots_nofollow",
        "placement", "hidden", "first_seen", "last_seen", "status", "lost_at", "elements", "sources", "origin"]
    assert origins == [("crawl", 3), ("import", 6)]


def test_a_newer_export_decides_and_history_follows_the_exports(tmp_path, db_path):
    """Two Semrush exports of one backlink: January says live, April says lost (no lost date)."""
    header = "Page ascore,Source url,Target url,Anchor,Nofollow,Sponsored,Ugc,First seen,Last seen,Lost link"
    rho = "5,https://rho.org/a,https://example.com/,rho,false,false,false,2023-12-01"
    january = tmp_path / "january.csv"
    january.write_text(f"{header}\n{rho},2024-01-10,false\n")
    april = tmp_path / "april.csv"
    april.write_text(f"{header}\n{rho},2024-04-02,true\n"
                     "5,https://sigma.org/b,https://example.com/,sigma,,false,false,2024-04-01,2024-04-03,false\n")
    with open_index(db_path) as index:
        assert import_files(index, [january, april], progress=False).errors == 0
    rows = report(db_path, "backlinks", "example.com", "--status", "all")
    assert [(r["source_url"], r["status"], r["last_seen"], r["follow"]) for r in rows] == [
        ("https://rho.org/a", "lost", "2024-04-02T00:00:00", True),
        ("https://sigma.org/b", "live", "2024-04-03T00:00:00", None),  # Nofollow left empty: unknown
    ]
    # periods are the months of the exports' dates: January 2024 (2024-01-10) and April (2024-04-03)
    assert [(h["period"], h["backlinks"], h["new_backlinks"], h["lost_backlinks"])
            for h in report(db_path, "history", "example.com")] == [("2024-01-01", 1, 0, 0), ("2024-04-01", 1, 1, 1)]
    overview = report(db_path, "overview", "example.com")
    assert (overview["lost_backlinks"], overview["new_backlinks"], overview["unknown_rel"]) == (1, 1, 1)


def test_search_console_pages_only_confirm_backlinks_of_their_own_site(db_path):
    """A GSC export about other.com names alpha's review page: that says nothing about example.com."""
    from linkatlas.sources.imports import backlink_sources

    with open_index(db_path) as index:
        summary = import_files(index, [IMPORTS / "ahrefs_backlinks.csv", IMPORTS / "gsc_latest_links_de.csv"],
                               target="other.com", progress=False)
        assert summary.errors == 0
        for scope in ("domain", "host"):
            merged = {r["source_url"]: r["sources"] for r in backlink_sources(index, "example.com", scope)}
            assert merged["https://blog.alpha.org/review"] == ["ahrefs"], scope
    for scope in ("domain", "host"):
        rows = report(db_path, "backlinks", "example.com", "--scope", scope, "--source", "gsc")
        assert rows == [], scope
    other = report(db_path, "backlinks", "other.com")
    assert [(r["source_url"], r["target_url"], r["sources"]) for r in other] == [
        ("https://blog.alpha.org/review", None, ["gsc"]), ("https://nu.de/artikel", None, ["gsc"]),
        ("https://shop.example.com/", None, ["gsc"])]


def test_only_completed_imports_count(db_path):
    with open_index(db_path) as index:
        import_files(index, [IMPORTS / "semrush_backlinks.csv"], progress=False)
    assert len(report(db_path, "backlinks", "example.com", "--status", "all")) == 3
    with open_index(db_path) as index:
        index.sql("UPDATE imports SET status = 'loading'")  # as a crash mid-file leaves it
    assert report(db_path, "backlinks", "example.com", "--status", "all") == []
    assert report(db_path, "history", "example.com") == []
