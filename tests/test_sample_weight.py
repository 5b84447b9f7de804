"""``generate(..., page_weight="real")``: pages as heavy as real ones, with the lean web's links and facts.

The heavy web must differ from the lean one only in bytes the extractor has no business reading
(scripts, styles, inline SVG, comments, wrapper markup): every stored link and page fact is the
same, while the HTML is several times larger and, over the web, about as dense in links and as
script/style heavy as the 181 real article pages.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType

from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.sample import generate, write_warcs

SEED, SCALE = 7, 0.15

# The article corpus (../shared/data/article-extraction-benchmark-html/, measured with a parser):
# HTML bytes per <a href>, and the byte shares of inline <script>, <style>, <svg> and comments.
REAL_BYTES_PER_LINK = 1228
REAL_SHARES = {"script": 0.297, "style": 0.257, "svg": 0.038, "comment": 0.014}
BAND = 0.15

_SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_STYLE = re.compile(rb"<style\b[^>]*>.*?</style\s*>", re.S | re.I)
_SVG = re.compile(rb"<svg\b.*?</svg\s*>", re.S | re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_A_HREF = re.compile(rb"<a\b[^>]*\bhref\s*=", re.I)
_LINKISH_ELEMENT = re.compile(rb"<(?:a|area|iframe|frame|form|link|meta|base|img|title)\b", re.I)
_URL_ATTRIBUTE = re.compile(rb"\b(?:href|src|action|srcset)\s*=", re.I)
_EMAIL = re.compile(rb"mailto:|[\w.+-]+@[\w-]+\.[\w.-]+", re.I)


@pytest.fixture(scope="module")
def webs():
    return {weight: generate(SEED, scale=SCALE, page_weight=weight) for weight in ("lean", "real")}


@pytest.fixture(scope="module")
def warcs(webs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("weight")
    return {weight: write_warcs(web, folder / weight) for weight, web in webs.items()}


@pytest.fixture(scope="module")
def indexes(warcs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("weight-index")
    connections = {}
    for weight, paths in warcs.items():
        db = folder / f"{weight}.duckdb"
        with open_index(db) as index:
            summary = ingest(index, paths, keep_internal=True)
        assert summary.errors == 0 and summary.skipped == 0
        connections[weight] = duckdb.connect(str(db), read_only=True)
    yield connections
    for con in connections.values():
        con.close()


def html_payloads(paths) -> list[bytes]:
    """The bodies of the 2xx HTML responses in WARC files, read with FastWARC."""
    bodies = []
    for path in paths:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, record_types=WarcRecordType.response, parse_http=True):
                if 200 <= (record.http_headers.status_code or 0) < 300 and "html" in (record.http_content_type or ""):
                    bodies.append(record.reader.read())
    return bodies


def outside_scripts_styles_comments(body: bytes) -> bytes:
    return _COMMENT.sub(b"", _STYLE.sub(b"", _SCRIPT.sub(b"", body)))


def page_stats(bodies: list[bytes]) -> dict[str, float]:
    total = sum(len(body) for body in bodies)
    links = sum(len(_A_HREF.findall(outside_scripts_styles_comments(body))) for body in bodies)
    stats = {"bytes_per_link": total / links, "mean_page": total / len(bodies)}
    for kind, pattern in (("script", _SCRIPT), ("style", _STYLE), ("svg", _SVG), ("comment", _COMMENT)):
        stats[kind] = sum(len(match) for body in bodies for match in pattern.findall(body)) / total
    return stats


def test_the_default_web_is_the_lean_one_page_for_page():
    default, lean = generate(SEED, scale=0.1), generate(SEED, scale=0.1, page_weight="lean")
    assert default.page_weight == "lean"
    assert [(f.record_id, f.headers, f.body) for f in default.fetches] == \
           [(f.record_id, f.headers, f.body) for f in lean.fetches]
    assert default.truth_json() == lean.truth_json()
    assert "page_weight" not in default.to_dict()
    assert not any(b"data-bundle" in f.body or b"ld+json" in f.body for f in default.fetches)


def test_an_unknown_page_weight_is_refused():
    with pytest.raises(ValueError, match="page_weight"):
        generate(SEED, scale=0.1, page_weight="heavy")


def test_the_truth_is_the_lean_webs_and_only_the_bodies_grow(webs):
    lean, real = webs["lean"], webs["real"]
    assert real.to_dict().pop("page_weight") == "real"
    assert len(real.fetches) == len(lean.fetches)
    grown = 0
    for heavy, light in zip(real.fetches, lean.fetches):
        assert (heavy.record_id, heavy.status, heavy.links, heavy.internal_links, heavy.title, heavy.analytics_ids) == \
               (light.record_id, light.status, light.links, light.internal_links, light.title, light.analytics_ids)
        if heavy.status == 200 and heavy.content_type == "text/html":
            assert len(heavy.body) > 2 * len(light.body), heavy.url
            grown += 1
        else:
            assert heavy.body == light.body, heavy.url  # redirects, errors, PDFs and images stay as they were
    assert grown > 500


def test_the_furniture_adds_no_link_element_url_attribute_title_or_address(webs):
    """Outside script, style and comment text a heavy page has exactly the lean page's link-like
    elements and URL attributes, and neither adds an email-looking string."""
    checked = 0
    for heavy, light in zip(webs["real"].fetches, webs["lean"].fetches):
        if heavy.body == light.body:
            continue
        heavy_markup, light_markup = outside_scripts_styles_comments(heavy.body), outside_scripts_styles_comments(light.body)
        assert _LINKISH_ELEMENT.findall(heavy_markup) == _LINKISH_ELEMENT.findall(light_markup), heavy.url
        assert len(_URL_ATTRIBUTE.findall(heavy_markup)) == len(_URL_ATTRIBUTE.findall(light_markup)), heavy.url
        assert _EMAIL.findall(heavy.body) == _EMAIL.findall(light.body), heavy.url
        checked += 1
    assert checked > 500


def test_ingesting_the_heavy_web_stores_the_same_links(indexes, webs):
    query = "SELECT * EXCLUDE (fetch_id) FROM links ORDER BY source_url, fetched_at, ordinal"
    lean, real = (indexes[weight].execute(query).fetchall() for weight in ("lean", "real"))
    external = sum(len(fetch.links) for fetch in webs["lean"].fetches)
    assert len(lean) > external > 1000  # internal links are kept too: their contexts must not move either
    assert real == lean


def test_ingesting_the_heavy_web_stores_the_same_page_facts(indexes):
    query = ("SELECT * EXCLUDE (fetch_id, run_id, content_length) FROM fetches "
             "ORDER BY url, fetched_at")
    lean, real = (indexes[weight].execute(query).fetchall() for weight in ("lean", "real"))
    assert real == lean
    facts = indexes["lean"].execute(
        "SELECT count(*) FILTER (WHERE word_count > 0), count(*) FILTER (WHERE fingerprint IS NOT NULL), "
        "count(*) FILTER (WHERE len(terms) > 0), count(*) FILTER (WHERE len(analytics_ids) > 0), "
        "count(*) FILTER (WHERE title IS NOT NULL), count(*) FILTER (WHERE len(emails) > 0) FROM fetches"
    ).fetchone()
    assert min(facts) > 50  # the compared columns are filled in, not all empty


def test_the_heavy_webs_html_is_several_times_larger(indexes):
    query = ("SELECT sum(content_length) FROM fetches WHERE status BETWEEN 200 AND 299 "
             "AND content_type = 'text/html'")
    lean, real = (indexes[weight].execute(query).fetchone()[0] for weight in ("lean", "real"))
    assert real > 4 * lean


def test_the_heavy_web_is_calibrated_to_the_article_corpus(warcs):
    heavy, lean = page_stats(html_payloads(warcs["real"])), page_stats(html_payloads(warcs["lean"]))
    assert abs(heavy["bytes_per_link"] / REAL_BYTES_PER_LINK - 1) <= BAND, heavy
    for kind, share in REAL_SHARES.items():
        assert abs(heavy[kind] / share - 1) <= BAND, (kind, heavy)
    assert lean["bytes_per_link"] < 250 and lean["style"] == 0 and lean["svg"] == 0  # the lean web is not
