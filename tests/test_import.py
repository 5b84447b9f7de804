"""Vendor exports into a real DuckDB index: every layout, broken files, idempotency, crashes.

Fixtures: tests/data/imports/ (written by make_fixtures.py from the vendors' header lines
with made-up rows). Expected values below are copied from those rows by hand.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import duckdb
import pytest
from click.testing import CliRunner

from conftest import DATA
from linkatlas.cli.main import cli
from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.sources.imports import import_file, import_files

IMPORTS = DATA / "imports"


def rows(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()
    finally:
        con.close()


def run_import(db, names, **options):
    with open_index(db) as index:
        return import_files(index, [IMPORTS / name for name in names], **options)


LINK_COLUMNS = "source_url, source_domain, target_url, anchor, nofollow, ugc, sponsored, type, first_seen, last_seen, lost"


def test_semrush_backlinks_current_layout(db_path):
    summary = run_import(db_path, ["semrush_backlinks.csv"])
    assert (summary.rows, summary.same_domain, summary.skipped, summary.errors) == (3, 1, 0, 0)
    assert rows(db_path, f"SELECT {LINK_COLUMNS}, page_ascore, external_links, sitewide FROM vendor_links "
                         "ORDER BY source_url") == [
        ("https://blog.alpha.org/review", "alpha.org", "https://example.com/", "Example Shop", False, False, False,
         "text", datetime(2023, 11, 2), datetime(2024, 4, 20), False, 31.0, 12, False),
        ("https://news.beta.net/2024/top-10", "beta.net", "https://example.com/products", "top products", True, False,
         False, "text", datetime(2024, 1, 15), datetime(2024, 4, 18), False, 18.0, 55, True),
        ("https://www.epsilon.com/deals", "epsilon.com", "https://example.com/products", "", False, False, True,
         "image", datetime(2024, 2, 1), datetime(2024, 3, 1), True, 7.0, 3, False),
    ]
    assert rows(db_path, "SELECT vendor, layout, target, rows, skipped, same_domain, status FROM imports") == [
        ("semrush", "semrush_backlinks", "example.com", 3, 0, 1, "ok")]


def test_semrush_older_layout_and_audit_with_toxic_score(db_path):
    run_import(db_path, ["semrush_backlinks_old.csv", "semrush_backlink_audit.csv"])
    assert rows(db_path, "SELECT layout, source_url, anchor, nofollow, sponsored, type, page_ascore, page_trust_score "
                         "FROM vendor_links WHERE layout = 'semrush_backlinks_old' ORDER BY source_url") == [
        ("semrush_backlinks_old", "http://old.nu/f", "", True, None, "frame", 2.0, 1.0),
        ("semrush_backlinks_old", "https://blog.alpha.org/review", "Example Shop", False, None, "text", 9.0, 4.0),
    ]
    assert rows(db_path, "SELECT source_url, toxic_score, authority_score, page_ascore, anchor_type, type, nofollow "
                         "FROM vendor_links WHERE layout = 'semrush_backlink_audit' ORDER BY toxic_score DESC") == [
        ("https://spammy-links.xyz/dir/1", 72.0, 12.0, 4.0, "Money", "text", False),
        ("https://blog.alpha.org/review", 3.0, 45.0, 20.0, "Branded", "text", False),
    ]


def test_semrush_summaries_are_domain_and_page_facts_not_backlinks(db_path):
    summary = run_import(db_path, ["semrush_referring_domains.csv", "semrush_indexed_pages.csv"],
                         target="www.example.com")
    assert summary.errors == 0
    assert rows(db_path, "SELECT count(*) FROM vendor_links") == [(0,)]
    assert rows(db_path, "SELECT target, host, domain, authority_score, backlinks, ip, country, first_seen "
                         "FROM vendor_domains ORDER BY domain") == [
        ("example.com", "alpha.org", "alpha.org", 45.0, 3, "203.0.113.5", "US", datetime(2023, 11, 2)),
        ("example.com", "news.beta.net", "beta.net", 20.0, 1, "198.51.100.7", "DE", datetime(2024, 1, 15)),
        ("example.com", "epsilon.com", "epsilon.com", 5.0, 2, "192.0.2.44", "FR", datetime(2024, 2, 1)),
    ]
    assert rows(db_path, "SELECT url, title, http_code, backlinks, referring_domains, internal_links "
                         "FROM vendor_pages ORDER BY url") == [
        ("https://example.com/", "Example", 200, 4, 3, 35),
        ("https://example.com/products", "Products", 200, 2, 2, 40),
    ]


def test_ahrefs_backlinks_utf16_tab_quoted_with_tabs_newlines_and_quotes_in_cells(db_path):
    summary = run_import(db_path, ["ahrefs_backlinks.csv"])
    assert (summary.rows, summary.errors) == (3, 0)
    assert rows(db_path, f"SELECT {LINK_COLUMNS}, lost_at, domain_rating, url_rating, is_spam, left_context, "
                         "source_title, http_code FROM vendor_links ORDER BY source_url") == [
        ("https://blog.alpha.org/review", "alpha.org", "https://example.com/", "Example Shop", False, False, False,
         "text", datetime(2023, 11, 3, 8, 15), datetime(2024, 4, 21, 10), False, None, 52.0, 14.0, False,
         "we tried\nthe", "Alpha review", 200),
        ("https://delta.co.uk/page?id=7", "delta.co.uk", "https://example.com/about", "about us", False, True, False,
         "text", datetime(2024, 2, 11, 12), datetime(2024, 4, 20, 12), False, None, 33.0, 9.0, False, None,
         'Delta "partners"', 200),
        ("https://gamma.io/links", "gamma.io", "https://example.com/", "", True, False, False, "image",
         datetime(2024, 1, 20), datetime(2024, 4, 9), True, datetime(2024, 4, 10), 8.0, 2.0, True, None,
         "Gamma\tlinks", 200),
    ]


def test_ahrefs_old_layout_other_columns_other_order(db_path):
    run_import(db_path, ["ahrefs_backlinks_old.csv"])
    assert rows(db_path, "SELECT source_url, target_url, anchor, left_context, right_context, domain_rating, "
                         "url_rating, first_seen, last_seen, is_spam, nofollow FROM vendor_links") == [
        ("https://rho.com/blog/", "https://example.com/", "Example", "read", "now", 61.0, 20.0,
         datetime(2017, 5, 1), datetime(2017, 9, 30), None, None)]


def test_ahrefs_referring_domains_and_anchors(db_path):
    summary = run_import(db_path, ["ahrefs_referring_domains.csv", "ahrefs_anchors.csv"], target="example.com")
    assert summary.errors == 0
    assert rows(db_path, "SELECT domain, domain_rating, traffic, links_to_target, dofollow_links, lost_at, is_spam "
                         "FROM vendor_domains ORDER BY domain") == [
        ("alpha.org", 52.0, 1200, 2, 2, None, False),
        ("gamma.io", 8.0, 0, 1, 0, datetime(2024, 4, 10), True),
    ]
    assert rows(db_path, "SELECT anchor, referring_domains, top_domain_rating, referring_pages, lost_links, target "
                         "FROM vendor_anchors ORDER BY anchor") == [
        ("", 1, 8.0, 1, 1, "example.com"), ("example shop", 2, 52.0, 3, 0, "example.com")]


def test_summary_without_target_asks_for_one(db_path):
    summary = run_import(db_path, ["ahrefs_referring_domains.csv"])
    assert summary.errors == 1 and summary.rows == 0
    assert "does not say which site it is about — pass --target DOMAIN" in summary.problems[0]
    assert rows(db_path, "SELECT count(*) FROM vendor_domains") == [(0,)]


def test_majestic_empty_flag_is_false_and_broken_rows_are_counted(db_path):
    summary = run_import(db_path, ["majestic_backlinks.csv"])
    assert (summary.rows, summary.skipped, summary.errors) == (3, 1, 1)
    assert "row with 3 cells where 17 were expected" in summary.problems[0]
    assert rows(db_path, "SELECT source_url, anchor, nofollow, ugc, type, trust_flow, citation_flow, "
                         "target_trust_flow, first_seen FROM vendor_links ORDER BY source_url") == [
        ("http://theta.info/partners", "partners", True, None, "text", 5.0, 10.0, 33.0, datetime(2024, 1, 1)),
        ("https://blog.alpha.org/review", "Example Shop", False, None, "text", 18.0, 25.0, 33.0,
         datetime(2023, 10, 30)),
        ("https://iota.biz/r", "", False, None, "redirect", 9.0, 12.0, 33.0, datetime(2024, 2, 2)),
    ]
    assert rows(db_path, "SELECT status, skipped FROM imports") == [("partial", 1)]


def test_moz_preamble_lines_and_flags(db_path):
    summary = run_import(db_path, ["moz_links.csv"])
    assert (summary.rows, summary.errors, summary.counters["import/preamble_lines"]) == (3, 0, 6)
    assert rows(db_path, "SELECT source_url, anchor, nofollow, type, spam_score, page_authority, domain_authority "
                         "FROM vendor_links ORDER BY source_url") == [
        ("http://lambda.net/", "click here", True, "text", 30.0, 12.0, 15.0),
        ("https://blog.alpha.org/review", "Example Shop", False, "text", 1.0, 35.0, 42.0),
        ("https://mu.org/old", "", None, "redirect", None, None, None),
    ]


def test_gsc_zip_with_spanish_headers_and_dates(db_path):
    summary = run_import(db_path, ["gsc_links_es.zip"])
    assert (summary.rows, summary.errors, summary.counters["import/zip/unknown_member"]) == (10, 0, 1)
    assert rows(db_path, "SELECT target, layout FROM imports") == [
        ("example.com", "gsc_sample_links,gsc_top_linked_pages,gsc_top_linking_sites,gsc_latest_links")]
    assert rows(db_path, "SELECT layout, source_url, target_url, target_domain, anchor, nofollow, ugc, sponsored, "
                         "type, last_seen FROM vendor_links ORDER BY layout, source_url") == [
        ("gsc_latest_links", "https://blog.alpha.org/review", None, "example.com", None, None, None, None, None,
         datetime(2024, 3, 5)),
        ("gsc_latest_links", "https://zeta.de/blog/post", None, "example.com", None, None, None, None, None,
         datetime(2024, 2, 17)),
        ("gsc_sample_links", "https://blog.alpha.org/review", None, "example.com", None, None, None, None, None, None),
        ("gsc_sample_links", "https://zeta.de/blog/post", None, "example.com", None, None, None, None, None, None),
        ("gsc_sample_links", "https://zeta.de/links", None, "example.com", None, None, None, None, None, None),
    ]
    assert rows(db_path, "SELECT domain, linking_pages, target_pages FROM vendor_domains ORDER BY domain") == [
        ("alpha.org", 3, 1), ("beta.net", 1, 1), ("zeta.de", 2, 2)]
    assert rows(db_path, "SELECT url, backlinks, referring_domains FROM vendor_pages ORDER BY url") == [
        ("https://example.com/", 5, 3), ("https://example.com/products", 1234, 2)]


def test_gsc_german_csv_semicolons_dotted_dates_needs_target(db_path):
    assert run_import(db_path, ["gsc_latest_links_de.csv"]).errors == 1
    summary = run_import(db_path, ["gsc_latest_links_de.csv"], target="example.com")
    assert (summary.rows, summary.same_domain, summary.errors) == (2, 1, 0)
    assert rows(db_path, "SELECT source_url, last_seen FROM vendor_links ORDER BY 1") == [
        ("https://blog.alpha.org/review", datetime(2024, 3, 5)), ("https://nu.de/artikel", datetime(2024, 2, 28))]


def test_gsc_xlsx_one_sheet_per_table_in_french(db_path, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sites = book.active
    sites.title = "Sites les plus liés"
    for row in (("Site", "Pages avec lien", "Pages cibles"), ("alpha.org", 3, 1)):
        sites.append(row)
    latest = book.create_sheet("Derniers liens")
    for row in (("Page avec lien", "Dernière exploration"), ("https://blog.alpha.org/review", "5 mars 2024"),
                ("https://xi.fr/page", datetime(2024, 1, 31)), ("https://omicron.fr/p", "04/02/2024")):
        latest.append(row)
    book.create_sheet("Graphique").append(("Date", "Valeur"))
    path = tmp_path / "liens.xlsx"
    book.save(path)
    with open_index(db_path) as index:
        summary = import_files(index, [path], target="example.com")
    assert (summary.rows, summary.errors, summary.counters["import/xlsx/unknown_sheet"]) == (4, 0, 1)
    assert rows(db_path, "SELECT source_url, last_seen FROM vendor_links ORDER BY 1") == [
        ("https://blog.alpha.org/review", datetime(2024, 3, 5)), ("https://omicron.fr/p", datetime(2024, 2, 4)),
        ("https://xi.fr/page", datetime(2024, 1, 31))]
    assert rows(db_path, "SELECT domain, linking_pages, target_pages FROM vendor_domains") == [("alpha.org", 3, 1)]


def test_wrong_encoding_is_read_as_windows_1252(db_path):
    summary = run_import(db_path, ["broken_semrush_cp1252.csv"])
    assert (summary.rows, summary.errors, summary.counters["import/encoding/cp1252"]) == (1, 0, 1)
    assert rows(db_path, "SELECT anchor, source_title FROM vendor_links") == [("Café Crème", "Über uns")]


def test_truncated_utf16_file_keeps_whole_rows_and_counts_the_cut_one(db_path):
    summary = run_import(db_path, ["broken_ahrefs_truncated.csv"])
    assert (summary.rows, summary.skipped, summary.errors) == (2, 1, 1)
    assert rows(db_path, "SELECT source_url FROM vendor_links ORDER BY 1") == [
        ("https://blog.alpha.org/review",), ("https://gamma.io/links",)]


def test_extra_and_missing_columns_are_not_errors(db_path):
    summary = run_import(db_path, ["broken_semrush_extra_missing_columns.csv"])
    assert (summary.rows, summary.errors) == (2, 0)
    assert rows(db_path, "SELECT source_url, anchor, nofollow, sponsored, ugc, type, page_ascore, first_seen "
                         "FROM vendor_links ORDER BY 1") == [
        ("https://omega.org/a", "omega", True, None, None, None, 11.0, datetime(2024, 1, 5)),
        ("https://omega.org/b", "omega b", False, None, None, None, 12.0, None),
    ]


def test_unknown_layout_is_one_line_naming_headers_and_layouts(db_path):
    result = CliRunner().invoke(cli, ["import", "--db", str(db_path), "--format", "json",
                                      str(IMPORTS / "broken_unknown_layout.csv")])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "not a known export layout" in line]
    assert len(lines) == 1
    assert "headers seen: Keyword, Position, Search Volume;" in lines[0]
    assert "layouts known: ahrefs_anchors, ahrefs_backlinks," in lines[0] and "moz_links" in lines[0]


def test_vendor_option_restricts_the_layouts(db_path):
    summary = run_import(db_path, ["moz_links.csv"], vendor="ahrefs")
    assert summary.errors == 1 and "layouts known: ahrefs_anchors, ahrefs_backlinks, ahrefs_referring_domains)" \
        in summary.problems[0]


def test_reimport_adds_nothing_even_from_another_path(db_path, tmp_path):
    names = ["semrush_backlinks.csv", "ahrefs_backlinks.csv", "gsc_links_es.zip", "moz_links.csv"]
    first = run_import(db_path, names)
    copy = tmp_path / "renamed.txt"
    shutil.copy(IMPORTS / "ahrefs_backlinks.csv", copy)
    with open_index(db_path) as index:
        again = import_files(index, [IMPORTS / name for name in names] + [copy])
    assert (first.rows, first.files_already_imported) == (19, 0)
    assert (again.rows, again.files_already_imported, again.errors) == (0, 5, 0)
    assert rows(db_path, "SELECT count(*), count(DISTINCT import_id) FROM vendor_links") == [(14, 4)]
    assert rows(db_path, "SELECT count(*) FROM imports") == [(4,)]


def _big_ahrefs(path, count):
    header = "\t".join(f'"{h}"' for h in ("Referring page URL", "Target URL", "Anchor", "Domain rating"))
    lines = [header] + [f'"https://site{i}.org/p"\t"https://example.com/"\t"a{i}"\t"{i % 100}"' for i in range(count)]
    path.write_bytes(b"\xff\xfe" + ("\n".join(lines) + "\n").encode("utf-16-le"))


class _Interrupt:
    """A progress bar that is interrupted (Ctrl-C) after the first chunk of the file."""

    n = 0

    def update(self, amount):
        raise KeyboardInterrupt


def test_an_interrupted_file_leaves_nothing_and_the_rerun_completes_it(db_path, tmp_path):
    path = tmp_path / "big.csv"
    _big_ahrefs(path, 30_000)  # ≈ 4 MB: several chunks
    with open_index(db_path) as index:
        with pytest.raises(KeyboardInterrupt):
            import_file(index, path, bar=_Interrupt())
        assert index.sql("SELECT count(*) FROM vendor_links") == [(0,)]
        assert index.sql("SELECT count(*) FROM imports") == [(0,)]
        result = import_file(index, path)
    assert result["rows"] == 30_000
    assert rows(db_path, "SELECT count(*), count(DISTINCT source_url), max(domain_rating) FROM vendor_links") == [
        (30_000, 30_000, 99.0)]


def test_cli_import_summary_and_coverage_json(db_path):
    result = CliRunner().invoke(cli, ["import", "--db", str(db_path), "--format", "json",
                                      str(IMPORTS / "semrush_backlinks.csv"), str(IMPORTS / "majestic_backlinks.csv")])
    assert result.exit_code == 1  # Majestic's broken row
    summary = json.loads(result.stdout)
    assert (summary["files"], summary["rows"], summary["skipped"], summary["same_domain"]) == (2, 6, 1, 1)
    assert "1 error(s) while importing" in result.stderr
    result = CliRunner().invoke(cli, ["coverage", "--db", str(db_path), "--format", "json", "example.com"])
    assert result.exit_code == 0
    by_source = {row["source"]: row for row in json.loads(result.stdout)}
    assert (by_source["semrush"]["backlinks"], by_source["majestic"]["backlinks"], by_source["all"]["backlinks"]) \
        == (3, 3, 5)


def test_ingest_recognises_exports_by_content(db_path, tmp_path):
    disguised = tmp_path / "links.warc.gz"  # the name lies; the content is an Ahrefs export
    shutil.copy(IMPORTS / "ahrefs_backlinks.csv", disguised)
    with open_index(db_path) as index:
        summary = ingest(index, [disguised, DATA / "warc" / "example.warc.gz"])
    assert (summary.exports, summary.export_rows, summary.errors) == (1, 3, 0)
    assert summary.fetches > 0
    assert rows(db_path, "SELECT vendor, rows, run_id FROM imports") == [("ahrefs", 3, summary.run_id)]


def test_xlsx_without_openpyxl_names_the_pip_line(db_path, tmp_path, monkeypatch):
    import sys

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(("Site", "Linking pages", "Target pages"))
    path = tmp_path / "links.xlsx"
    book.save(path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if the extra were not installed
    result = CliRunner().invoke(cli, ["import", "--db", str(db_path), "--target", "example.com", str(path)])
    assert result.exit_code == 1
    assert "openpyxl (to read XLSX exports) is not installed — pip install 'linkatlas[xlsx]'" in result.stderr


CRASH = """
import os, sys
import linkatlas.sources.imports.run as run
from linkatlas.index.store import open_index

import linkatlas.sources.imports.reading as reading
reading.BLOCK_BYTES = 64 << 10  # many small batches...
run.INSERT_ROWS = 2000  # ...each its own row group
write = run.write_batch
calls = []

def write_then_die(*args):
    calls.append(1)
    if len(calls) == 3:
        os._exit(3)  # a crash after two committed row groups: no cleanup, no rollback
    return write(*args)

run.write_batch = write_then_die
with open_index(sys.argv[1]) as index:
    run.import_file(index, sys.argv[2])
"""


def test_a_crash_mid_file_is_invisible_and_cleaned_by_the_next_import(db_path, tmp_path):
    import subprocess
    import sys

    from linkatlas.sources.imports import backlink_sources

    path = tmp_path / "big.csv"
    _big_ahrefs(path, 30_000)
    crashed = subprocess.run([sys.executable, "-c", CRASH, str(db_path), str(path)])
    assert crashed.returncode == 3
    assert rows(db_path, "SELECT status FROM imports") == [("loading",)]
    assert rows(db_path, "SELECT count(*) > 0 FROM vendor_links") == [(True,)]  # committed row groups...
    with open_index(db_path) as index:
        assert backlink_sources(index, "example.com") == []  # ...that nobody sees
        result = import_file(index, path)
    assert result["rows"] == 30_000
    assert rows(db_path, "SELECT status, rows FROM imports") == [("ok", 30_000)]
    assert rows(db_path, "SELECT count(*), count(DISTINCT source_url) FROM vendor_links") == [(30_000, 30_000)]


def test_file_cut_inside_its_header_says_so(tmp_path, db_path):
    cut = tmp_path / "cut.csv"
    cut.write_bytes((IMPORTS / "ahrefs_backlinks.csv").read_bytes()[:700])  # UTF-16: the header line is longer
    with open_index(db_path) as index:
        summary = import_files(index, [cut], target="example.com", progress=False)
    assert summary.errors == 1 and summary.rows == 0
    assert summary.problems == [f"{cut}: the file ends inside its header line, before any row (truncated?) "
                                "— export it again"]
