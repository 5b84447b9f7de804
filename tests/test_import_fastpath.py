"""The vectorized URL work of the importers agrees with linkatlas.extract on every URL.

Exports hold millions of URLs, so the importers normalize canonical ones in Arrow (RE2) and
compute registrable domains once per distinct host, across the batches of a file; only the
other URLs go through :func:`normalize_url` one by one. These tests feed tricky URLs through
that machinery, in several batches and with a tiny cache that must start afresh, and compare
each row with ``normalize_url`` / ``url_host`` / ``domain_of`` called directly. The cell
conversions done in DuckDB take fast paths too (text trimmed only when padded, flags looked up
in a CASE); a small export with awkward cells checks them against values written by hand.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from linkatlas.extract.domains import domain_of
from linkatlas.index.store import open_index
from linkatlas.sources.imports import import_files
from linkatlas.extract.urls import normalize_url, url_host
from linkatlas.sources.imports.layouts import match_layout
from linkatlas.sources.imports.writing import BatchPreparer, DistinctCache

TRICKY_URLS = [
    "https://blog.alpha.org/review", "https://blog.alpha.org/review", "http://a.example.com",
    "https://a.example.com?x=1", "https://a.example.com/?x=1", "https://a.example.com?x=/y/",
    "https://a.example.com?", "HTTPS://A.Example.COM/Path", "https://a.example.com:443/p",
    "https://a.example.com:8080/p", "https://a.example.com/a/./b", "https://a.example.com/a/../b",
    "https://a.example.com/.hidden", "https://a.example.com/%7euser", "https://a.example.com/%e2%82%ac",
    "https://a.example.com/sp ace", "https://a.example.com/p#frag", "https://a.example.com./p",
    "https://.a.example.com/p", "https://a..example.com/p", "https://bücher.de/p", "https://xn--bcher-kva.de/p",
    "https://192.168.0.1/p", "http://[::1]/p", "https://user:pw@a.example.com/p", " https://a.example.com/p ",
    "https://a.example.com/" + "x" * 8200, "https://a.example.com/" + "y" * 8000, "ftp://a.example.com/",
    "not a url", "", "https://", "https://a_b.example.com/p", "https://a-b.co.uk/p?q=1&r=2",
    "https://b.blogspot.com/", "https://news.bbc.co.uk/x", "https://com/", "https://a.example.com/p?q=a b",
    "https://a.example.com/p?%41", "https://a.example.com//double//slash", "https://a.example.com/p;x=1",
]


def expected(raw: str):
    url = normalize_url(raw.strip()) if raw else None
    if url is None:
        return None, None, None
    host = url_host(url)
    return url, host, domain_of(host)


@pytest.mark.parametrize("batch_rows", [1, 7, len(TRICKY_URLS)])
def test_urls_match_normalize_url_row_by_row(batch_rows):
    match = match_layout(["Referring page URL", "Target URL"])
    prepare = BatchPreparer(match)
    prepare.urls.limit = 5  # the cache starts afresh many times
    found = []
    for start in range(0, len(TRICKY_URLS), batch_rows):
        urls = TRICKY_URLS[start:start + batch_rows]
        table = prepare(pa.table({"source_url": urls, "target_url": ["https://example.com/"] * len(urls)}))
        found += zip(*(table[f"source_{name}__"].to_pylist() for name in ("url", "host", "domain")))
        assert set(table["target_domain__"].to_pylist()) == {"example.com"}
    assert found == [expected(raw) for raw in TRICKY_URLS]
    assert found[0] == ("https://blog.alpha.org/review", "blog.alpha.org", "alpha.org")  # spelled out once
    assert found[2] == ("http://a.example.com/", "a.example.com", "example.com")
    assert found[3] == ("https://a.example.com/?x=1", "a.example.com", "example.com")


def test_distinct_cache_calls_python_once_per_new_value_and_stays_bounded():
    calls = []

    def length(value):
        calls.append(value)
        return (len(value),)

    cache = DistinctCache(length, (pa.int64(),), limit=4)
    assert cache.map(pa.array(["ab", "c", "ab", None, "c"]))[0].to_pylist() == [2, 1, 2, None, 1]
    assert cache.map(pa.chunked_array([["c", "ab"], ["dddd"]]))[0].to_pylist() == [1, 2, 4]
    assert calls == ["ab", "c", "dddd"]
    assert cache.map(pa.array(["eeeee", "ff"]))[0].to_pylist() == [5, 2]  # over the limit: afresh
    assert len(cache.keys) == 2 and calls[-2:] == ["eeeee", "ff"]


def test_cells_are_trimmed_and_flags_read_whatever_their_spelling(db_path, tmp_path):
    path = tmp_path / "semrush.csv"
    path.write_text(
        "Page ascore,Source title,Source url,Target url,Anchor,Nofollow,Sponsored,Ugc,Image,First seen\n"
        '1,"  Padded title ",https://a.org/1,https://example.com/," Example ", TRUE ,No,,yes, 2024-01-02 \n'
        "2,   ,https://a.org/2,https://example.com/,,0,1,maybe,FALSE,\n"
        "3,Plain,https://a.org/3,https://example.com/,plain,f,T,N,,not a date\n")
    with open_index(db_path) as index:
        assert import_files(index, [path], progress=False).errors == 0
        assert index.sql("SELECT source_title, anchor, nofollow, sponsored, ugc, type, first_seen FROM vendor_links "
                         "ORDER BY source_url") == [
            ("Padded title", "Example", True, False, None, "image", datetime(2024, 1, 2)),
            (None, "", False, True, None, "text", None),
            ("Plain", "plain", False, True, False, "text", None),
        ]
