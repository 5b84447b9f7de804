"""The vectorized URL work of the importers agrees with linkatlas.extract on every URL.

Exports hold millions of URLs, so the importers normalize canonical ones in Arrow (RE2) and
compute registrable domains once per distinct host, across the batches of a file; only the
other URLs go through :func:`normalize_url` one by one. These tests feed tricky URLs through
that machinery, in several batches and with a tiny cache that must start afresh, and compare
each row with ``normalize_url`` / ``url_host`` / ``domain_of`` called directly; the Arrow
registrable domains are compared with ``domain_of`` on every rule of the bundled Public Suffix
List. The cell conversions done in DuckDB take fast paths too (text trimmed only when padded,
common spellings before the general expression); they are compared with the general
expressions on awkward cells, and a small export checks them against values written by hand.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from linkatlas.extract.domains import _rules, domain_of, normalize_host
from linkatlas.index.store import open_index
from linkatlas.sources.imports import import_files
from linkatlas.extract.urls import normalize_url, url_host
from linkatlas.sources.imports.layouts import match_layout
from linkatlas.sources.imports.fastpath import canonical_urls, registrable_domains
from linkatlas.sources.imports.writing import BatchPreparer, DistinctCache, cell_sql

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
    "https://a.example.com/a%2Fb?q=%26%3D", "https://a.example.com/%C3%A9t%C3%A9", "https://a.example.com/%c3%a9",
    "https://a.example.com/%2", "https://a.example.com/%G1", "https://a.example.com/%",
    "https://a.example.com/%2E%2E/x", "https://a.example.com/a/%2e./b", "https://a.example.com/x?y=/./z",
    "https://a.example.com/x?y=/../z", "https://a.example.com/..", "https://a.example.com/a/.",
    "https://a.example.com/a/..b", "https://a.example.com/a.b/c.", "https://a.example.com?/.",
    "https://a.example.com/?", "https://a.example.com/#", "https://a.example.com/p?q#f", "http://A.example.com/",
    "https://a.example.com:/p", "https://a.example.com\\p", "https:a.example.com/p", "https:///a.example.com/p",
    "https://a.example.com/p\tq", "https://a.example.com/\u00e9", "https://a.example.com/é?é",
    "https://b\u00fccher.de/", "https://xn--bcher-kva.de/", "https://xn--nope.de/", "https://1.2.3.4/",
    "https://1.2.3.4.5/", "https://a.b1/", "https://0x7f.1/", "https://a-.example.com/",
    "https://" + "a" * 63 + ".com/", "https://" + "a" * 64 + ".com/", "https://" + "a." * 126 + "com/",
    "https://" + "a." * 127 + "com/", "https://www.city.kobe.jp/", "https://a.b.kobe.jp/", "https://kobe.jp/",
    "https://x.y.s3.amazonaws.com/", "https://blogspot.com/", "https://co.uk/", "https://ck/", "https://www.ck/",
    "https://a.www.ck/", "https://localhost/", "https://a.unknowntld/", "https://_dmarc.example.com/",
]
# Every escape, upper and lower case, in the path and the query: kept, decoded or upper-cased.
ESCAPE_URLS = [f"https://e.example.com/p{code}?q={code}" for byte in range(256)
               for code in (f"%{byte:02X}", f"%{byte:02x}")]


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


def test_canonical_urls_are_exact_and_take_the_usual_urls():
    raw = TRICKY_URLS + ESCAPE_URLS
    urls, hosts, domains = (array.to_pylist() for array in canonical_urls(pa.array(raw)))
    fast = [(url, host, domain) for url, host, domain in zip(urls, hosts, domains) if url is not None]
    assert fast == [expected(url) for url, found in zip(raw, urls) if found is not None]
    assert all(found is None or (host and domain) for found, host, domain in zip(urls, hosts, domains))
    taken = {url for url, found in zip(raw, urls) if found is not None}
    assert {"https://blog.alpha.org/review", "http://a.example.com", "https://a.example.com?x=1",
            "https://a.example.com/a%2Fb?q=%26%3D", "https://a.example.com/%C3%A9t%C3%A9",
            "https://www.city.kobe.jp/", "https://e.example.com/p%20?q=%20",
            "https://e.example.com/p%FF?q=%FF"} <= taken
    assert not taken & {"https://a.example.com/%c3%a9", "https://a.example.com/%7euser",
                        "https://e.example.com/p%41?q=%41", "https://a.example.com/a/./b",
                        "HTTPS://A.Example.COM/Path", "https://xn--bcher-kva.de/p"}
    assert sum(url.startswith("https://e.") for url in taken) == 256 - 66  # upper-case, not unreserved


def psl_hosts() -> list[str]:
    """Every rule of the bundled list (normal, "*." and "!" ones) with 0 to 3 labels before it,
    and the hosts of the official test vectors."""
    names = {name for table in _rules() for name in table}
    hosts = [prefix + name for name in sorted(names) for prefix in ("", "a.", "b.a.", "c-d.b_a.a.")]
    vectors = (Path(__file__).parent / "data" / "psl" / "tests.txt").read_text(encoding="utf-8").splitlines()
    hosts += [line.split()[0] for line in vectors if line and not line.startswith("//")
              and line.split()[0] != "null"]
    return hosts + ["a..b.com", ".a.com", "a.com.", "a.b1", "1.2.3.4", "a.-b.com", "a" * 64 + ".com", "A.com",
                    "a b.com"]


def test_registrable_domains_agree_with_domain_of_on_every_rule():
    hosts = psl_hosts()
    found = registrable_domains(pa.array(hosts)).to_pylist()
    assert [(host, domain) for host, domain in zip(hosts, found) if domain is not None] == [
        (host, domain_of(host)) for host, domain in zip(hosts, found) if domain is not None]
    plain = {host for host in hosts if normalize_host(host) == host and "xn--" not in host and not host[-1].isdigit()}
    assert len(plain) > 35_000 and all(domain is not None for host, domain in zip(hosts, found) if host in plain)
    assert dict(zip(hosts, found))["b.a.city.kobe.jp"] == "city.kobe.jp"  # spelled out: an exception rule
    assert dict(zip(hosts, found))["b.a.kobe.jp"] == "b.a.kobe.jp"  # a wildcard rule
    assert registrable_domains(pa.array([None] + hosts).slice(6, 50)).to_pylist() == found[5:55]


CELLS = ["", " ", "  ", "0", "1", "12", "-5", "+7", " 12 ", "12 ", "\u00a012", "12\u00a0", "\t12", "12\t", "1.234",
         "1,234", "1 234", "1'234", "1\u00a0234", "-1.234.567", "1.5", "12.5", "12,5", "99.9%", "12%", " 50 % ", "1e3",
         "1E-2", "0x10", "1_000", "inf", "NaN", "-", "+", "x", "X", "true", "TRUE", " true ", "True", "false", "FALSE",
         "yes", "No", "y", "n", "t", "f", "on", "off", "OFF", "maybe", "text", "TEXT", " image ", "Redirect", "frame",
         "form", "2024-01-02", " 2024-01-02 ", "2024-01-02 03:04:05", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05+02",
         "2024-1-2", "2024-13-01", "02/01/2024", "2024-01-02\u00a0", "\u00a02024-01-02", "2024-01-02\n",
         "99999999999999999999", "-9223372036854775808", "9223372036854775808", "١٢", "1.2.3", "—", "NULL", "None"]


@pytest.mark.parametrize("kind", ["int", "float", "date", "bool", "type", "text", "anchor"])
@pytest.mark.parametrize("empty_is_false", [True, False])
def test_cells_fast_sql_reads_like_the_general_sql(kind, empty_is_false):
    con = duckdb.connect()
    fast, general = (cell_sql("b.cell", kind, empty_is_false, fast=speed) for speed in (True, False))
    assert fast != general or kind in ("text", "anchor")
    rows = con.execute(f"SELECT b.cell, {fast}, {general} FROM (SELECT unnest($cells) AS cell) b",
                       {"cells": CELLS}).fetchall()
    assert [(cell, repr(read)) for cell, read, _ in rows] == [(cell, repr(general)) for cell, _, general in rows]
    spelled = {cell: read for cell, read, _ in rows}
    hand = {"int": {"1.234": 1234, "12": 12, " 12 ": 12, "1 234": 1234, "12.5": 12, "": None, "x": None},
            "float": {"12,5": 12.5, "99.9%": 99.9, "12": 12.0, "": None},
            "date": {" 2024-01-02 ": datetime(2024, 1, 2), "2024-01-02 03:04:05": datetime(2024, 1, 2, 3, 4, 5),
                     "": None},
            "bool": {"TRUE": True, "false": False, "No": False, "maybe": None, "": False if empty_is_false else None},
            "type": {"text": "text", " image ": "image", "Redirect": "redirect", "x": None}}
    for cell, value in hand.get(kind, {}).items():
        if cell in spelled:
            assert spelled[cell] == value, cell


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


TEXT = ("Anchor\tURL\n" + "plain ascii line\t1\n" * 40 + "café ☕ 😀 naïve\t2\n" + "ascii again\t3\n" * 40
        + "😀" * 9 + "\n" + "end\t4\n")


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1000, 1 << 20])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8", "cp1252"])
def test_transcoding_takes_ascii_chunks_as_they_are_and_the_rest_through_the_codec(monkeypatch, chunk, encoding):
    import io

    from linkatlas.sources.imports import reading

    monkeypatch.setattr(reading, "CHUNK_BYTES", chunk)
    data = TEXT.encode(encoding, "replace") + (b"\xff\xfe\x00" if encoding == "utf-8" else b"")
    if encoding.startswith("utf-16"):
        data += "\ud800".encode(encoding, "surrogatepass") + "x\n".encode(encoding)  # a lone surrogate
    for skip in (0, 11, 15):
        stream = reading._Utf8Stream(io.BytesIO(data), encoding, 0, skip, None)
        assert stream.read() == data.decode(encoding, "replace")[skip:].encode("utf-8")


def test_import_restores_the_connection_settings_it_changes(db_path, tmp_path):
    path = tmp_path / "semrush.csv"
    path.write_text("Page ascore,Source title,Source url,Target url,Anchor,Nofollow\n"
                    "1,T,https://a.org/1,https://example.com/,x,false\n")
    with open_index(db_path) as index:
        index.con.execute("SET threads = 3")
        index.con.execute("SET preserve_insertion_order = true")
        assert import_files(index, [path], progress=False).rows == 1
        assert index.con.execute("SELECT current_setting('threads'), current_setting('preserve_insertion_order')"
                                 ).fetchall() == [(3, True)]
