"""Peer checks against Common Crawl's own link extractor (ia-web-commons, which writes WAT files).

1. ia-web-commons' link-extraction test WARC and its expected links (tests/data/commoncrawl/,
   origins and licenses in README.txt there);
2. one real Common Crawl capture (0pointer.de, CC-MAIN-2014-35) seen both ways: our extraction of
   the WARC response vs. the WAT "Links" Common Crawl computed for it, and our WAT ingestion
   (page_from_wat) vs. our HTML extraction.

Deliberate differences, each asserted below rather than glossed over:

- a backlink index keeps only elements a reader follows to another page: A/AREA href, IFRAME/FRAME
  src, FORM action, meta refresh (and <base href> for resolving them). Common Crawl also lists
  IMG/VIDEO/SOURCE/OBJECT/BODY-background/STYLE URLs (resources the page embeds), LINK href
  (stylesheets, icons, feeds; the canonical is a page fact for us), Q/BLOCKQUOTE cite (a citation,
  not clickable) and data-href / data-uri / onclick URLs (script behaviour search engines do not
  treat as links). None of those is a link in our index;
- lexbor, like browsers, splits an <a> that spans block elements into several <a> elements (the
  HTML5 adoption agency algorithm); Common Crawl's parser keeps one. For that record we compare
  the concatenation of our anchors to the target with Common Crawl's text;
- an image link's anchor is the image's alt (DESIGN.md section 3), where the WAT leaves the
  A@/href text empty and lists the IMG@/src (with its alt) just before it;
- javascript: URLs are never links.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

import pytest

from linkatlas.extract.html import extract_page
from linkatlas.extract.urls import resolve_url
from linkatlas.sources.counters import RunStats
from linkatlas.sources.warc import iter_captures
from linkatlas.sources.wat import page_from_wat

DATA = Path(__file__).parent / "data" / "commoncrawl"
EXPECTED = json.loads((DATA / "expected_links.json").read_text(encoding="utf-8"))
CC_2014 = "CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal"
PHOTO_PAGE = "http://0pointer.de/photos/?gallery=Australia&photo=496"

LINK_PATHS = {"A@/href", "AREA@/href", "IFRAME@/src", "FRAME@/src", "FORM@/action", "__meta_refresh__"}
NOT_LINK_PATHS = {  # WAT paths that are not backlinks, by design (see the module docstring)
    "IMG@/src", "IMG@/longdesc", "VIDEO@/poster", "SOURCE@/src", "OBJECT@/data", "BODY@/background",
    "STYLE/#text",  # embedded resources
    "LINK@/href",  # stylesheets, icons, feeds, canonical
    "Q@/cite", "BLOCKQUOTE@/cite",  # citations
    "DIV@/data-href", "DIV@/data-uri", "BUTTON@/data-href", "ARTICLE@/data-href", "A@/data-href",
    "LINK@/data-href", "DIV@/onclick", "INPUT@/onclick",  # script behaviour
}
ADOPTION_AGENCY_SPLIT = "http://example.org/cc/link-extraction-test-anchor-text.html"


def collapse(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.fixture(scope="module")
def ia_pages():
    stats = RunStats()
    captures = list(iter_captures(DATA / EXPECTED["warc"], stats))
    assert not stats.failed, stats.problems
    assert stats.counters["records"] == len(EXPECTED["records"]) == 9
    pages = []
    for record, capture in zip(EXPECTED["records"], captures, strict=True):
        assert capture.url == record["target_uri"]
        assert capture.status == 200 and capture.body
        page = extract_page(capture.body, capture.url, content_type=capture.content_type,
                            x_robots_tag=capture.x_robots_tag, keep_internal=True)
        pages.append((record, page))
    return pages


def record_ids():
    return [record["array_name"] for record in EXPECTED["records"]]


def test_every_expected_path_is_classified():
    paths = {link["path"] for record in EXPECTED["records"] for link in record["expected_links"]}
    assert paths - {"__base__"} <= LINK_PATHS | NOT_LINK_PATHS, "a new WAT path: decide whether it is a backlink"


def expected_base(record, page_url: str) -> str | None:
    bases = [link["url"] for link in record["expected_links"] if link["path"] == "__base__"]
    return resolve_url(bases[0], page_url) if bases else None


def expected_targets(record, page_url: str) -> Counter:
    base = expected_base(record, page_url) or page_url
    targets = Counter()
    for link in record["expected_links"]:
        if link["path"] in LINK_PATHS:
            target = resolve_url(link["url"], base)  # "#anchor" resolves to the base (or page) itself
            assert target is not None, link
            targets[target] += 1
    return targets


@pytest.mark.parametrize("index", range(len(EXPECTED["records"])), ids=record_ids())
def test_ia_web_commons_link_targets(ia_pages, index):
    record, page = ia_pages[index]
    assert page.base_url == expected_base(record, page.url)
    ours = Counter(link.target_url for link in page.links)
    expected = expected_targets(record, page.url)
    if page.url == ADOPTION_AGENCY_SPLIT:
        assert set(ours) == set(expected)  # one CC link, several lexbor <a> elements
    else:
        assert ours == expected


@pytest.mark.parametrize("index", range(len(EXPECTED["records"])), ids=record_ids())
def test_ia_web_commons_anchor_texts(ia_pages, index):
    record, page = ia_pages[index]
    base = expected_base(record, page.url) or page.url
    for link in record["expected_links"]:
        if link["path"] not in LINK_PATHS or "anchor_text" not in link:
            continue
        target = resolve_url(link["url"], base)
        anchors = [ours.anchor for ours in page.links if ours.target_url == target and ours.anchor]
        assert " ".join(anchors) == link["anchor_text"]


@pytest.mark.parametrize("index", range(len(EXPECTED["records"])), ids=record_ids())
def test_ia_web_commons_titles(ia_pages, index):
    record, page = ia_pages[index]
    if "expected_title" in record:
        assert page.title == record["expected_title"]


def test_ia_web_commons_records_hold_the_links_we_expect(ia_pages):
    """A hand-written spot check, so the comparison above cannot pass by both sides being empty."""
    pages = {page.url: page for _, page in ia_pages}
    html4 = pages["http://www.example.com/html4.html"]
    assert sorted((link.type, link.target_url) for link in html4.links) == [
        ("refresh", "http://www.example.com/redirected.html"),
        ("text", "http://www.example.com/"),
        ("text", "http://www.example.com/a-href.html"),
    ]
    split = pages[ADOPTION_AGENCY_SPLIT]
    assert len(split.links) > 1 and {link.target_url for link in split.links} == {"https://example.org/"}
    entities = pages["http://www.example.com/link-extraction-test-unescaped-entities.xhtml"]
    search = [link for link in entities.links if link.target_url == "http://www.example.com/search?q=examples&n=20"]
    assert [(link.anchor, link.nofollow) for link in search] == [("Examples & more", True)]
    video = pages["http://www.example.com/link-extraction-test-html5-video.html"]
    assert video.links == []  # only LINK/VIDEO/SOURCE URLs there


# --- 0pointer.de: our extraction of the WARC vs. Common Crawl's WAT ---------------------------


@pytest.fixture(scope="module")
def photo_warc():
    stats = RunStats()
    captures = [c for c in iter_captures(DATA / f"{CC_2014}.warc", stats) if c.url == PHOTO_PAGE]
    assert not stats.failed, stats.problems
    assert len(captures) == 1 and captures[0].body
    return captures[0]


@pytest.fixture(scope="module")
def photo_wat():
    stats = RunStats()
    captures = [c for c in iter_captures(DATA / f"{CC_2014}.warc.wat", stats) if c.url == PHOTO_PAGE]
    assert not stats.failed, stats.problems
    assert len(captures) == 1
    capture = captures[0]
    assert capture.origin == "wat" and capture.status == 200 and capture.wat
    return capture


@pytest.fixture(scope="module")
def photo_page(photo_warc):
    return extract_page(photo_warc.body, photo_warc.url, content_type=photo_warc.content_type, keep_internal=True)


def wat_anchor_links(wat: dict, page_url: str) -> tuple[Counter, list[str]]:
    """(resolved url, anchor) of the WAT's A@/href links, and the raw URLs that are not links."""
    links, skipped = Counter(), []
    previous = None
    for entry in wat["Links"]:
        if entry["path"] == "A@/href":
            target = resolve_url(html.unescape(entry["url"]), page_url)
            anchor = collapse(html.unescape(entry.get("text", "")))
            if not anchor and previous is not None and previous["path"] == "IMG@/src":
                anchor = collapse(html.unescape(previous.get("alt", "")))  # our image-link anchor: the alt
            if target is None:
                skipped.append(entry["url"])
            else:
                links[(target, anchor)] += 1
        previous = entry
    return links, skipped


def test_0pointer_anchor_links_match_common_crawl(photo_page, photo_wat):
    expected, skipped = wat_anchor_links(photo_wat.wat, PHOTO_PAGE)
    assert skipped == ["javascript:toggle_comment()"]
    assert sum(expected.values()) == 25  # 26 A@/href in the WAT, one of them javascript:
    ours = Counter((link.target_url, link.anchor) for link in photo_page.links if link.type in ("text", "image"))
    assert ours == expected


def test_0pointer_spot_checks(photo_page):
    """Written by hand from the page source, independently of the WAT."""
    ours = {(link.target_url, link.type, link.anchor) for link in photo_page.links}
    assert ("http://creativecommons.org/licenses/by-sa/3.0/", "image", "Creative Commons License") in ours
    previous = "http://0pointer.de/photos/?gallery=Australia&photo=495&exif_style=&show_thumbs="
    assert (previous, "text", "< Previous") in ours  # "&lt; <span>P</span>revious"
    assert (previous, "text", "Previous") in ours  # "<img alt=Previous><br><span>P</span>revious"
    assert ("http://0pointer.de/photos/?gallery=Australia&photo=496", "form", "") in ours
    assert not any("javascript" in link.target_url for link in photo_page.links)
    assert photo_page.title == "Photos"


def test_0pointer_form_matches_common_crawl(photo_page, photo_wat):
    expected = Counter(
        resolve_url(html.unescape(entry["url"]), PHOTO_PAGE)
        for entry in photo_wat.wat["Links"] if entry["path"] == "FORM@/action"
    )
    assert Counter(link.target_url for link in photo_page.links if link.type == "form") == expected


def test_0pointer_wat_ingestion_matches_html_extraction(photo_page, photo_wat):
    from_wat = page_from_wat(photo_wat.wat, photo_wat.url, x_robots_tag=photo_wat.x_robots_tag, keep_internal=True)
    assert Counter((link.target_url, link.type, link.anchor) for link in from_wat.links) == Counter(
        (link.target_url, link.type, link.anchor) for link in photo_page.links
    )
    assert (from_wat.internal_links, from_wat.external_links) == (photo_page.internal_links, photo_page.external_links)
    assert from_wat.title == photo_page.title == "Photos"
    # what a WAT cannot tell stays unknown
    assert {(link.placement, link.hidden) for link in from_wat.links} == {(None, None)}
    assert from_wat.word_count is None and from_wat.fingerprint is None


def test_0pointer_wat_ingestion_without_internal_links(photo_warc, photo_wat):
    from_wat = page_from_wat(photo_wat.wat, photo_wat.url)
    from_html = extract_page(photo_warc.body, photo_warc.url, content_type=photo_warc.content_type)
    # the only other site linked is creativecommons.org: the license image and the license text
    assert sorted((link.target_url, link.type) for link in from_wat.links) == [
        ("http://creativecommons.org/licenses/by-sa/3.0/", "image"),
        ("http://creativecommons.org/licenses/by-sa/3.0/", "text"),
    ]
    assert [(link.target_url, link.type, link.anchor) for link in from_wat.links] == [
        (link.target_url, link.type, link.anchor) for link in from_html.links
    ]
    assert from_wat.internal_links == from_html.internal_links == 24  # 23 <a> to 0pointer.de + the comment form


# --- WAT conversion (page_from_wat) on hand-made WAT metadata ------------------------------------

SOURCE = "http://www.source-site.com/blog/post.html"


def wat_links(*entries, head=None, **options):
    meta = {"Links": list(entries)}
    if head is not None:
        meta["Head"] = head
    return page_from_wat(meta, SOURCE, keep_internal=True, **options)


@pytest.mark.parametrize(
    ("raw", "target"),
    [
        ("/p?a=1&amp;b=2", "http://www.source-site.com/p?a=1&b=2"),
        ("/p?a=1&region=eu&section=2", "http://www.source-site.com/p?a=1&region=eu&section=2"),
        ("/p?param=1&timestamp=5&notify=1&copy=3", "http://www.source-site.com/p?param=1&timestamp=5&notify=1&copy=3"),
        ("/p?a=1&amp=2", "http://www.source-site.com/p?a=1&amp=2"),
        ("/p?x=&lt;3", "http://www.source-site.com/p?x=%3C3"),
        ("http:&#x2f;&#x2f;target.org&#47;a", "http://target.org/a"),
        ("/caf&eacute;", "http://www.source-site.com/caf%C3%A9"),
        ("/p?q=&copy", "http://www.source-site.com/p?q=%C2%A9"),
    ],
)
def test_wat_urls_decode_references_like_an_html_attribute(raw, target):
    """WAT URLs are attribute values: '&region=' is not '&reg;' + 'ion=' (HTML Standard, as lexbor)."""
    from_wat = wat_links({"path": "A@/href", "url": raw, "text": "x"})
    from_html = extract_page(f'<a href="{raw}">x</a>'.encode(), SOURCE, keep_internal=True)
    assert [link.target_url for link in from_wat.links] == [target]
    assert [link.target_url for link in from_html.links] == [target]


def test_wat_link_kinds():
    page = wat_links(
        {"path": "A@/href", "url": "http://t.org/a", "text": " Fish &amp;\n Chips "},
        {"path": "AREA@/href", "url": "http://t.org/area", "alt": "Region"},
        {"path": "IFRAME@/src", "url": "http://t.org/iframe"},
        {"path": "FRAME@/src", "url": "http://t.org/frame"},
        {"path": "FORM@/action", "url": "http://t.org/form", "method": "post"},
        {"path": "IMG@/src", "url": "http://t.org/img.png", "alt": "not a link"},
        {"path": "LINK@/href", "url": "http://t.org/style.css", "rel": "stylesheet"},
        {"path": "A@/href", "url": "javascript:void(0)", "text": "js"},
        {"path": "A@/href", "url": "mailto:a@t.org", "text": "mail"},
    )
    assert [(link.target_url, link.type, link.anchor, link.alt) for link in page.links] == [
        ("http://t.org/a", "text", "Fish & Chips", ""),
        ("http://t.org/area", "image", "Region", "Region"),
        ("http://t.org/iframe", "frame", "", ""),
        ("http://t.org/frame", "frame", "", ""),
        ("http://t.org/form", "form", "", ""),
    ]
    assert {(link.placement, link.hidden, link.context) for link in page.links} == {(None, None, None)}


def test_wat_image_link_is_the_empty_a_right_after_an_img():
    page = wat_links(
        {"path": "IMG@/src", "url": "logo.png", "alt": "Logo &amp; Co"},
        {"path": "A@/href", "url": "http://t.org/image"},
        {"path": "IMG@/src", "url": "icon.png", "alt": "Icon"},
        {"path": "A@/href", "url": "http://t.org/text", "text": "Home"},
        {"path": "IMG@/src", "url": "x.png", "alt": "Skipped"},
        {"path": "A@/href", "url": "javascript:go()"},
        {"path": "A@/href", "url": "http://t.org/empty"},
        {"path": "IMG@/src", "url": "noalt.png"},
        {"path": "A@/href", "url": "http://t.org/noalt"},
    )
    assert [(link.target_url, link.type, link.anchor) for link in page.links] == [
        ("http://t.org/image", "image", "Logo & Co"),
        ("http://t.org/text", "text", "Home"),
        ("http://t.org/empty", "text", ""),
        ("http://t.org/noalt", "image", ""),
    ]


def test_wat_rel_flags():
    page = wat_links(
        {"path": "A@/href", "url": "http://t.org/1", "text": "1", "rel": "NoFollow noopener"},
        {"path": "A@/href", "url": "http://t.org/2", "text": "2", "rel": "sponsored ugc"},
        {"path": "A@/href", "url": "http://t.org/3", "text": "3"},
    )
    assert [(link.nofollow, link.ugc, link.sponsored) for link in page.links] == [
        (True, False, False), (False, True, True), (False, False, False),
    ]


def test_wat_head_facts_and_base():
    head = {
        "Title": "  A &amp; B  ",
        "Base": "/mirror/",
        "Metas": [
            {"name": "robots", "content": "noindex, nofollow"},
            {"name": "generator", "content": "Hugo 0.120"},
            {"http-equiv": "Refresh", "content": "5; URL=next.html"},
        ],
        "Link": [{"path": "LINK@/href", "rel": "canonical", "url": "canon.html?a=1&amp;b=2"}],
    }
    page = wat_links({"path": "A@/href", "url": "rel.html", "text": "r"}, head=head)
    assert page.title == "A & B"
    assert page.base_url == "http://www.source-site.com/mirror/"
    assert page.canonical == "http://www.source-site.com/mirror/canon.html?a=1&b=2"
    assert page.generator == "Hugo 0.120"
    assert page.robots_nofollow is True
    assert sorted((link.type, link.target_url) for link in page.links) == [
        ("refresh", "http://www.source-site.com/mirror/next.html"),
        ("text", "http://www.source-site.com/mirror/rel.html"),
    ]


@pytest.mark.parametrize(("metas", "x_robots_tag", "nofollow"), [
    ([], "noindex, nofollow", True),
    ([], "none", True),
    ([{"name": "googlebot", "content": "NOFOLLOW"}], None, True),
    ([{"name": "robots", "content": "noindex"}], None, False),
    ([], None, False),
])
def test_wat_robots_nofollow(metas, x_robots_tag, nofollow):
    page = wat_links({"path": "A@/href", "url": "http://t.org/", "text": "t"}, head={"Metas": metas},
                     x_robots_tag=x_robots_tag)
    assert page.robots_nofollow is nofollow


def test_wat_internal_links_counted_not_kept_by_default():
    meta = {"Links": [
        {"path": "A@/href", "url": "/about", "text": "internal"},
        {"path": "A@/href", "url": "http://blog.source-site.com/", "text": "subdomain"},
        {"path": "A@/href", "url": "https://target.org/", "text": "external"},
    ]}
    page = page_from_wat(meta, SOURCE)
    assert (page.internal_links, page.external_links) == (2, 1)
    assert [(link.target_url, link.internal) for link in page.links] == [("https://target.org/", False)]


@pytest.mark.parametrize("meta", [
    None, {}, [], "text", {"Links": None}, {"Links": "x"}, {"Links": [None, 1, "x", []]},
    {"Links": [{"path": "A@/href"}, {"path": "A@/href", "url": None}, {"path": "A@/href", "url": 5},
               {"url": "http://t.org/"}, {"path": "A@/href", "url": "http://[bad/"}]},
    {"Head": {"Metas": [None, {"http-equiv": "refresh", "content": None}], "Link": [None, {"rel": "canonical"}],
              "Base": 7, "Title": ["x"]}},
])
def test_wat_garbage_metadata_gives_an_empty_page(meta):
    page = page_from_wat(meta, SOURCE, keep_internal=True)
    assert page.links == [] and (page.internal_links, page.external_links) == (0, 0)
