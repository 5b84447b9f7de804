"""Merging: the same backlinks from Ahrefs, Semrush, Search Console and a crawl (a real WARC),
de-duplicated by normalized source and target URL, with exact per-source coverage."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from conftest import DATA
from linkatlas.cli.main import cli
from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.sources.imports import backlink_sources, coverage, import_files
from linkatlas.sources.imports.dates import parse_date
from linkatlas.sources.warcwriter import WarcWriter

IMPORTS = DATA / "imports"

CRAWL = {
    # the crawl sees the alpha review page (its link to / and one to /contact) and zeta's links page
    "https://blog.alpha.org/review": '<p><a href="https://example.com/">Example Shop</a> and '
                                     '<a href="https://example.com/contact#form">contact</a></p>',
    "http://zeta.de/links": '<a href="https://example.com">home</a><a href="/intern">intern</a>',
}


def write_crawl(path):
    when = datetime(2024, 4, 22, tzinfo=timezone.utc)
    with WarcWriter(path) as writer:
        for url, html in CRAWL.items():
            writer.write_response(url, when, ip="192.0.2.1", status=200, reason="OK",
                                  headers=[("Content-Type", "text/html; charset=utf-8")],
                                  body=f"<html><body>{html}</body></html>".encode())


@pytest.fixture
def merged_db(db_path, tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_crawl(warc)
    with open_index(db_path) as index:
        assert ingest(index, [warc]).errors == 0
        summary = import_files(index, [IMPORTS / "ahrefs_backlinks.csv", IMPORTS / "semrush_backlinks.csv",
                                       IMPORTS / "gsc_links_es.zip"])
        assert summary.errors == 0
    return db_path


# Written by hand from the fixtures (see make_fixtures.py) and CRAWL above. zeta.de/links was
# crawled over http while GSC lists it over https: two source URLs, two backlinks.
EXPECTED_BACKLINKS = [
    ("http://zeta.de/links", "https://example.com/", ["crawl"]),
    ("https://blog.alpha.org/review", "https://example.com/", ["ahrefs", "crawl", "gsc", "semrush"]),
    ("https://blog.alpha.org/review", "https://example.com/contact", ["crawl", "gsc"]),
    ("https://delta.co.uk/page?id=7", "https://example.com/about", ["ahrefs"]),
    ("https://gamma.io/links", "https://example.com/", ["ahrefs"]),
    ("https://news.beta.net/2024/top-10", "https://example.com/products", ["semrush"]),
    ("https://www.epsilon.com/deals", "https://example.com/products", ["semrush"]),
    ("https://zeta.de/blog/post", None, ["gsc"]),  # GSC names the linking page only
    ("https://zeta.de/links", None, ["gsc"]),
]


def test_backlinks_are_deduplicated_across_sources(merged_db):
    with open_index(merged_db, read_only=True) as index:
        found = backlink_sources(index, "example.com")
    assert [(row["source_url"], row["target_url"], row["sources"]) for row in found] == EXPECTED_BACKLINKS


def test_coverage_per_source_is_exact(merged_db):
    with open_index(merged_db, read_only=True) as index:
        table = {row.pop("source"): row for row in coverage(index, "example.com")}
    counts = {name: (row["backlinks"], row["referring_domains"], row["only_here_backlinks"], row["only_here_domains"])
              for name, row in table.items()}
    assert counts == {
        "ahrefs": (3, 3, 2, 2),      # alpha /, delta, gamma; only delta and gamma
        "semrush": (3, 3, 2, 2),     # alpha /, beta, epsilon; only beta and epsilon
        "majestic": (0, 0, 0, 0),
        "moz": (0, 0, 0, 0),
        "gsc": (4, 2, 2, 0),         # alpha / and /contact (same page), the two https zeta pages
        "crawl": (3, 2, 1, 0),       # alpha / and /contact, http zeta
        "all": (9, 6, None, None),
    }
    assert table["ahrefs"]["share"] == round(3 / 9, 4)


def test_scopes_narrow_the_target(merged_db):
    with open_index(merged_db, read_only=True) as index:
        products = backlink_sources(index, "https://example.com/products", scope="url")
        prefix = backlink_sources(index, "example.com/contact", scope="prefix")
        host = coverage(index, "example.com", scope="host")
    assert [(r["source_url"], r["sources"]) for r in products] == [
        ("https://news.beta.net/2024/top-10", ["semrush"]), ("https://www.epsilon.com/deals", ["semrush"])]
    assert [(r["source_url"], r["sources"]) for r in prefix] == [("https://blog.alpha.org/review", ["crawl", "gsc"])]
    # outside domain scope GSC only confirms backlinks other sources name
    assert [(r["source"], r["backlinks"]) for r in host if r["source"] in ("gsc", "all")] == [("gsc", 2), ("all", 7)]


def test_coverage_cli_table_and_csv(merged_db):
    result = CliRunner().invoke(cli, ["coverage", "--db", str(merged_db), "--format", "csv", "www.example.com"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "source,backlinks,referring_domains,only_here_backlinks,only_here_domains,share"
    assert lines[5] == "gsc,4,2,2,0,0.4444"
    assert lines[-1] == "all,9,6,,,1.0"
    bad = CliRunner().invoke(cli, ["coverage", "--db", str(merged_db), "--scope", "url", "http://example.com:99999/"])
    assert bad.exit_code == 2


def test_imported_only_workspace_has_coverage_without_a_crawl(db_path):
    with open_index(db_path) as index:
        import_files(index, [IMPORTS / "moz_links.csv", IMPORTS / "majestic_backlinks.csv"])
    result = CliRunner().invoke(cli, ["coverage", "--db", str(db_path), "--format", "json", "example.com"])
    table = {row["source"]: row for row in json.loads(result.stdout)}
    # alpha's review page → / is seen by both; theta, iota (Majestic) and lambda, mu (Moz) alone
    assert (table["moz"]["backlinks"], table["moz"]["only_here_backlinks"]) == (3, 2)
    assert (table["majestic"]["backlinks"], table["majestic"]["only_here_backlinks"]) == (3, 2)
    assert table["all"]["backlinks"] == 5


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("2024-03-05", None, datetime(2024, 3, 5)),
    ("2024-03-05 14:02:11", None, datetime(2024, 3, 5, 14, 2, 11)),
    ("Mar 5, 2024", "en", datetime(2024, 3, 5)),
    ("3/5/2024", "en", datetime(2024, 3, 5)),
    ("05/03/2024", "es", datetime(2024, 3, 5)),
    ("5 mar. 2024", "es", datetime(2024, 3, 5)),
    ("5 de marzo de 2024", "es", datetime(2024, 3, 5)),
    ("05.03.2024", "de", datetime(2024, 3, 5)),
    ("5. März 2024", "de", datetime(2024, 3, 5)),
    ("5 févr. 2024", "fr", datetime(2024, 2, 5)),
    ("5 de fev. de 2024", "pt", datetime(2024, 2, 5)),
    ("5 set 2024", "it", datetime(2024, 9, 5)),
    ("03/05/2024", None, None),          # ambiguous without the language
    ("31/02/2024", "fr", None),          # no such day
    ("yesterday", "en", None),
])
def test_dates_localized(text, language, expected):
    assert parse_date(text, language) == expected
