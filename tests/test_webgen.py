"""The sample web: deterministic, internally consistent, and its truth matches its HTML.

``_reference_links`` below is an independent oracle (selectolax, a real HTML5 parser)
implementing the rules documented in ``linkatlas.sample.webgen``; every fetch's truth
must equal what it extracts. If the extractor and this oracle disagree, one of them does
not follow the documented rules.
"""

from __future__ import annotations

import collections
import gzip
import json
import re
from datetime import timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from selectolax.lexbor import LexborHTMLParser
from warcio.archiveiterator import ArchiveIterator

from linkatlas.sample import generate, write_warcs, write_wats
from linkatlas.sample.markup import canonical_url

BRAND = "acmeanalytics.com"
PSL_FILE = Path(__file__).resolve().parents[1] / "src" / "linkatlas" / "extract" / "data" / "public_suffix_list.dat"


@pytest.fixture(scope="module")
def web():
    return generate(7)


@pytest.fixture(scope="module")
def small():
    return generate(11, scale=0.3)


@pytest.fixture(scope="module")
def warc_dir(web, tmp_path_factory):
    out = tmp_path_factory.mktemp("warcs")
    write_warcs(web, out)
    return out


def _responses(path: Path) -> list[tuple]:
    with open(path, "rb") as stream:
        return [
            (record.rec_headers.get_header("WARC-Record-ID"), record.rec_headers.get_header("WARC-Target-URI"),
             record.rec_headers.get_header("WARC-Date"), record.rec_headers.get_header("WARC-IP-Address"),
             int(record.http_headers.get_statuscode()), record.content_stream().read())
            for record in ArchiveIterator(stream) if record.rec_type == "response"
        ]


# -- determinism --------------------------------------------------------------------------------


def test_same_seed_gives_identical_truth_and_warc_bytes(small, tmp_path):
    first, second = small, generate(11, scale=0.3)
    assert first.truth_json() == second.truth_json()
    assert [f.body for f in first.fetches] == [f.body for f in second.fetches]
    paths_a = write_warcs(first, tmp_path / "a")
    paths_b = write_warcs(second, tmp_path / "b")
    assert [p.name for p in paths_a] == [p.name for p in paths_b]
    for a, b in zip(paths_a, paths_b):
        assert a.read_bytes() == b.read_bytes()
    wats_a, wats_b = write_wats(first, tmp_path / "a"), write_wats(second, tmp_path / "b")
    for a, b in zip(wats_a, wats_b):
        assert a.read_bytes() == b.read_bytes()


def test_different_seed_gives_a_different_web(web, small):
    other = generate(8, scale=0.3)
    assert other.truth_json() != small.truth_json()
    assert {f.ip for f in other.fetches} != {f.ip for f in web.fetches}
    assert set(other.sites) == set(web.sites)  # the cast is fixed; content, IPs and timing vary


def test_scale_multiplies_pages(web, small):
    assert len(web.fetches) > 2 * len(small.fetches)
    assert set(small.sites) == set(web.sites)
    with pytest.raises(ValueError, match="scale"):
        generate(7, scale=0)


# -- size and shape -----------------------------------------------------------------------------


def test_default_size_is_in_the_brief(web):
    assert 120 <= len(web.sites) <= 200
    assert 2_000 <= len(web.fetches) <= 5_000
    assert sum(len(f.links) for f in web.fetches) >= 20_000
    assert len(web.crawl_dates) >= 3
    for fetch in web.fetches:
        assert fetch.fetched_at.tzinfo == timezone.utc and fetch.fetched_at.date() == fetch.crawl_date


def test_spam_share_is_realistic(web):
    referring = {f.domain for f in web.fetches for link in f.links if link.target_domain == BRAND}
    toxic = {domain for domain in referring if web.sites[domain].toxic}
    assert 0.25 <= len(toxic) / len(referring) <= 0.35
    natural_small = [d for d in referring if web.sites[d].labels.get("category") == "blog"
                     and web.sites[d].labels["pattern"] == "natural"]
    assert len(natural_small) >= 20 and not any(web.sites[d].toxic for d in natural_small)


# -- WARCs -------------------------------------------------------------------------------------------


def test_every_fetch_is_a_response_in_the_warcs(web, warc_dir):
    paths = sorted(warc_dir.glob("*.warc.gz"))
    assert len(paths) == len(web.crawl_dates)
    seen = {}
    for path in paths:
        for record_id, url, when, ip, status, body in _responses(path):
            seen[record_id] = (url, when, ip, status, body)
    assert len(seen) == len(web.fetches)
    for fetch in web.fetches:
        assert seen[fetch.record_id] == (fetch.url, fetch.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"), fetch.ip,
                                         fetch.status, fetch.body)


def test_fastwarc_reads_the_warcs_and_digests_verify(web, warc_dir):
    path = sorted(warc_dir.glob("*.warc.gz"))[0]
    statuses = collections.Counter()
    for record in FastIterator(str(path), record_types=WarcRecordType.response, parse_http=False):
        assert record.verify_block_digest()
    for record in FastIterator(str(path), record_types=WarcRecordType.response, parse_http=True):
        assert record.verify_payload_digest()
        statuses[record.http_headers.status_code] += 1
    expected = collections.Counter(f.status for f in web.fetches_on(web.crawl_dates[0]))
    assert statuses == expected


def test_wat_matches_common_crawl_layout(small, tmp_path):
    warcs, wats = write_warcs(small, tmp_path), write_wats(small, tmp_path)
    assert [w.name for w in wats] == [p.name.replace(".warc.gz", ".warc.wat.gz") for p in warcs]
    by_id = {f.record_id: f for f in small.fetches}
    count = 0
    with open(wats[0], "rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Refers-To"), r.content_stream().read())
                   for r in ArchiveIterator(stream)]
    assert records[0][0] == "warcinfo"
    raw_warc = warcs[0].read_bytes()
    for rec_type, refers_to, payload in records[1:]:
        assert rec_type == "metadata"
        fetch = by_id[refers_to]
        wat = json.loads(payload)
        container, envelope = wat["Container"], wat["Envelope"]
        header = envelope["WARC-Header-Metadata"]
        assert header["WARC-Target-URI"] == fetch.url and header["WARC-Record-ID"] == fetch.record_id
        assert header["WARC-IP-Address"] == fetch.ip
        assert header["WARC-Date"] == fetch.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        offset, length = int(container["Offset"]), int(container["Gzip-Metadata"]["Deflate-Length"]) + 18
        assert gzip.decompress(raw_warc[offset : offset + length]).startswith(b"WARC/1.1\r\nWARC-Type: response")
        response = envelope["Payload-Metadata"]["HTTP-Response-Metadata"]
        assert response["Response-Message"]["Status"] == str(fetch.status)
        if fetch.location:
            assert response["Headers"]["Location"] == fetch.location
        if fetch.status == 200 and fetch.content_type == "text/html":
            meta = response["HTML-Metadata"]
            assert " ".join(meta["Head"]["Title"].split()) == fetch.title[:128]
            hrefs = [link for link in meta["Links"] if link["path"] == "A@/href"]
            externals = [link for link in fetch.links if link.type in ("text", "image")]
            assert len(hrefs) >= len(externals)
            count += 1
    assert count > 100


def test_wat_lists_links_as_common_crawl_does():
    from linkatlas.sample.wat import HtmlMetadata

    parser = HtmlMetadata()
    parser.feed('<html lang="en"><head><title> A\n title </title><base href="https://b.example/x/">'
                '<meta name="generator" content="WordPress 6.5"><link rel="canonical" href="/c"></head><body>'
                '<a href="/p?a=1&amp;b=2" rel="nofollow" title="t">Read&nbsp;\n more</a>'
                '<a href="https://e.example/"><img src="logo.png" alt="Logo"></a>'
                '<iframe src="//v.example/embed"></iframe><form action="/s" method="post"></form></body></html>')
    result = parser.result()
    assert result["Head"]["Title"] == "A title" and result["Head"]["Base"] == "https://b.example/x/"
    assert {"name": "generator", "content": "WordPress 6.5"} in result["Head"]["Metas"]
    assert result["Links"] == [
        {"path": "A@/href", "url": "/p?a=1&b=2", "title": "t", "rel": "nofollow", "text": "Read more"},
        {"path": "IMG@/src", "url": "logo.png", "alt": "Logo"},
        {"path": "A@/href", "url": "https://e.example/"},
        {"path": "IFRAME@/src", "url": "//v.example/embed"},
        {"path": "FORM@/action", "url": "/s", "method": "post"},
    ]


# -- truth vs HTML ---------------------------------------------------------------------------------

_SECTIONING = {"article", "aside", "main", "nav", "section"}
_FONT_ZERO = re.compile(r"font-size:0(?![.\d])")
_REFRESH = re.compile(r"^\s*\d+\s*[;,]\s*url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
_IDS = re.compile(r"\b(UA-\d{4,10}-\d{1,4}|G-[A-Z0-9]{10}|GTM-[A-Z0-9]{4,8}|ca-pub-\d{10,20})\b")


def _classes(node) -> set[str]:
    return set((node.attributes.get("class") or "").lower().split())


def _inside_sectioning(node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _SECTIONING:
            return True
        parent = parent.parent
    return False


def _container(node) -> str | None:
    tag, classes, attrs = node.tag, _classes(node), node.attributes
    ident = (attrs.get("id") or "").lower()
    if ident == "comments" or classes & {"comment", "comment-body"}:
        return "comment"
    if tag == "nav" or (attrs.get("role") or "").lower() == "navigation" or "menu" in classes or ident == "main-nav":
        return "nav"
    if tag == "aside" or classes & {"sidebar", "widget"}:
        return "sidebar"
    if (tag == "header" and not _inside_sectioning(node)) or ident == "header" or "site-header" in classes:
        return "header"
    if (tag == "footer" and not _inside_sectioning(node)) or ident == "footer" or "site-footer" in classes:
        return "footer"
    if tag in ("main", "article") or "post-content" in classes:
        return "content"
    return None


def _placement(node) -> str:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        found = _container(parent)
        if found:
            return found
        parent = parent.parent
    return "content"


def _hides(node) -> bool:
    if "hidden" in node.attributes:
        return True
    style = "".join((node.attributes.get("style") or "").lower().split())
    return "display:none" in style or "visibility:hidden" in style or bool(_FONT_ZERO.search(style))


def _hidden(node) -> bool:
    while node is not None and node.tag != "html":
        if _hides(node):
            return True
        node = node.parent
    return False


def _norm(text: str) -> str:
    return " ".join(text.split())


def _reference(fetch, host_domains: dict[str, str]) -> tuple[list[tuple], int, dict]:
    """(links, internal count, page facts) the documented rules give for ``fetch``."""
    def domain(url: str) -> str:
        return host_domains[urlsplit(url).hostname]

    source = fetch.domain
    if 300 <= fetch.status < 400:
        target = canonical_url(urljoin(fetch.url, fetch.location))
        links = [] if domain(target) == source else [(target, "", "", False, False, False, "redirect", None, False)]
        return links, 0, {}
    if fetch.status >= 300 or fetch.content_type != "text/html":
        return [], 0, {}
    tree = LexborHTMLParser(fetch.body.decode(fetch.charset))
    base_node = tree.css_first("base[href]")
    base = urljoin(fetch.url, base_node.attributes["href"].strip()) if base_node else fetch.url
    links, internal = [], 0
    for node in tree.css("a, area, iframe, form, meta"):
        attrs = node.attributes
        if node.tag == "meta":
            match = _REFRESH.match(attrs.get("content") or "")
            if (attrs.get("http-equiv") or "").lower() == "refresh" and match:
                target = canonical_url(urljoin(base, match.group(1).strip()))
                if domain(target) != source:
                    links.append((target, "", "", False, False, False, "refresh", None, False))
            continue
        raw = attrs.get({"a": "href", "area": "href", "iframe": "src", "form": "action"}[node.tag])
        if raw is None:
            continue
        resolved = urljoin(base, raw.strip())
        if urlsplit(resolved).scheme not in ("http", "https"):
            continue
        target = canonical_url(resolved)
        if domain(target) == source:
            internal += node.tag in ("a", "area")
            continue
        rel = set((attrs.get("rel") or "").lower().split()) if node.tag == "a" else set()
        anchor = alt = ""
        kind = {"iframe": "frame", "form": "form"}.get(node.tag, "text")
        if node.tag in ("a", "area"):
            anchor = _norm(node.text(deep=True, separator="", strip=False))
            image = node.css_first("img")
            alt = _norm(image.attributes.get("alt") or "") if image is not None else ""
            if not anchor and image is not None:
                anchor, kind = alt, "image"
        links.append((target, anchor, alt, "nofollow" in rel, "ugc" in rel, "sponsored" in rel, kind,
                      _placement(node), _hidden(node)))
    title = tree.css_first("title")
    generator = tree.css_first('meta[name="generator"]')
    robots = tree.css_first('meta[name="robots" i]')
    facts = {
        "title": _norm(title.text()) if title else None,
        "lang": (tree.css_first("html").attributes.get("lang") or "").split("-")[0].lower() or None,
        "generator": generator.attributes.get("content") if generator else None,
        "analytics_ids": tuple(sorted(set(_IDS.findall(fetch.body.decode(fetch.charset))))),
        "meta_nofollow": bool(robots and "nofollow" in (robots.attributes.get("content") or "").lower()),
    }
    return links, internal, facts


def _as_tuple(link) -> tuple:
    return (link.target_url, link.anchor, link.alt, link.nofollow, link.ugc, link.sponsored, link.type,
            link.placement, link.hidden)


def test_truth_equals_what_the_documented_rules_extract(web):
    mismatches = []
    for fetch in web.fetches:
        links, internal, facts = _reference(fetch, web.host_domains)
        if [_as_tuple(link) for link in fetch.links] != links or internal != fetch.internal_links:
            mismatches.append(fetch.url)
            continue
        if facts:
            got = {"title": fetch.title, "lang": fetch.lang, "generator": fetch.generator,
                   "analytics_ids": fetch.analytics_ids,
                   "meta_nofollow": fetch.robots_nofollow and not fetch.x_robots_tag}
            if got != facts:
                mismatches.append(fetch.url)
    assert mismatches == []


def test_links_are_external_canonical_and_named_in_the_body(web):
    for fetch in web.fetches:
        source_domain = web.domain_of(fetch.host)
        assert source_domain == fetch.domain
        haystack = (fetch.body.decode(fetch.charset or "latin-1", errors="replace") + (fetch.location or "")).lower()
        for link in fetch.links:
            assert link.source_url == fetch.url
            assert link.target_domain == web.domain_of(urlsplit(link.target_url).hostname) != fetch.domain
            assert canonical_url(link.target_url) == link.target_url
            assert (link.placement is None) == (link.type in ("redirect", "refresh"))
            host, path = urlsplit(link.target_url).hostname, urlsplit(link.target_url).path
            assert host in haystack or (link.type == "text" and path.lstrip("/") in haystack), link
        if fetch.status != 200 or fetch.content_type != "text/html":
            assert fetch.internal_links == 0 and all(link.type == "redirect" for link in fetch.links)


def test_host_domains_follow_the_public_suffix_list(web):
    rules = set()
    for line in PSL_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("//"):
            rules.add(line)

    def registrable(host: str) -> str:
        labels = host.split(".")
        for index in range(len(labels)):
            candidate = ".".join(labels[index:])
            wildcard = "*." + ".".join(labels[index + 1:])
            if "!" + candidate in rules:
                return ".".join(labels[index:])
            if candidate in rules or wildcard in rules:
                return ".".join(labels[max(index - 1, 0):])
        return ".".join(labels[-2:])

    wrong = {host: domain for host, domain in web.host_domains.items() if registrable(host) != domain}
    assert wrong == {}
    assert web.domain_of("b2bgrowthdiary.blogspot.com") == "b2bgrowthdiary.blogspot.com"
    assert web.domain_of("news.bigpublisher.co.uk") == "bigpublisher.co.uk"


# -- labeled patterns ------------------------------------------------------------------------------


def _sites(web, pattern: str):
    return [site for site in web.sites.values() if site.labels["pattern"] == pattern]


def _links_from(web, domains, target_domain=BRAND):
    return [link for fetch in web.fetches if fetch.domain in domains for link in fetch.links
            if link.target_domain == target_domain]


def test_pbn_shares_subnet_analytics_template_and_exact_anchors(web):
    pbn = _sites(web, "pbn")
    assert 5 <= len(pbn) <= 8 and all(site.toxic for site in pbn)
    assert len({site.ip.rsplit(".", 1)[0] for site in pbn}) == 1
    assert len({site.ip for site in pbn}) < len(pbn)  # some share the very same address
    domains = {site.domain for site in pbn}
    facts = {(f.generator, f.analytics_ids) for f in web.fetches if f.domain in domains and f.status == 200}
    assert len(facts) == 1
    ((generator, ids),) = facts
    assert any(i.startswith("UA-") for i in ids) and any(i.startswith("ca-pub-") for i in ids)
    keywords = {kw for kws in web.keywords.values() for kw in kws}
    anchors = [link.anchor for link in _links_from(web, domains)]
    assert sum(anchor in keywords for anchor in anchors) / len(anchors) > 0.5
    interlinks = [link for f in web.fetches if f.domain in domains for link in f.links if link.target_domain in domains]
    assert {link.target_domain for link in interlinks} == domains


def test_link_farm_pages_hold_thousands_of_external_links(web):
    farms = {site.domain for site in _sites(web, "link_farm")}
    big = [f for f in web.fetches if f.domain in farms and len(f.links) >= 1000]
    assert big and all(len({link.target_domain for link in f.links}) >= 900 for f in big)
    assert any(any(link.target_domain == BRAND for link in f.links) for f in big)


def test_scraped_copies_repeat_the_same_text_and_anchors(web):
    scrapers = {site.domain for site in _sites(web, "scraper")}
    assert len(scrapers) >= 4
    anchors = collections.defaultdict(set)
    for link in _links_from(web, scrapers):
        anchors[link.anchor].add(urlsplit(link.source_url).hostname)
    assert len(anchors["compile audience data"]) >= 4 and len(anchors["."]) >= 4
    titles = collections.Counter(f.title for f in web.fetches if f.domain in scrapers and f.title)
    assert titles["Privacy in B2B Paid Search: What Changes in 2026"] >= len(scrapers)
    relative = [link for f in web.fetches if f.domain == "newsrepost.xyz" for link in f.links
                if link.target_domain == "saasinsider.com"]
    assert relative, "the <base href> copy resolves relative links to the original site"


def test_hidden_foreign_and_stuffed_patterns(web):
    hidden = _links_from(web, {s.domain for s in _sites(web, "hidden_links")})
    assert hidden and all(link.hidden for link in hidden)
    bodies = b"".join(f.body for f in web.fetches if f.domain in {s.domain for s in _sites(web, "hidden_links")})
    for marker in (b"display:none", b"visibility:hidden", b"FONT-SIZE: 0px", b"<div hidden>"):
        assert marker in bodies
    foreign = {s.domain: s for s in _sites(web, "foreign_spam")}
    charsets = {f.charset for f in web.fetches if f.domain in foreign and f.status == 200}
    assert {"windows-1251", "gb2312"} <= charsets
    assert {f.lang for f in web.fetches if f.domain in foreign and f.lang} == {"ru", "zh"}
    header_declared = [f for f in web.fetches if f.domain == "katalog-ssylok.ru" and f.status == 200]
    assert all(dict(f.headers)["Content-Type"].endswith("charset=windows-1251") for f in header_declared)
    assert all(b"charset" not in f.body[:300] for f in header_declared)
    stuffing = {s.domain for s in _sites(web, "anchor_stuffing")}
    pages = [f for f in web.fetches if f.domain in stuffing and any(l.target_domain == BRAND for l in f.links)]
    assert all(len({link.target_domain for link in f.links if link.placement == "content"}) >= 3 for f in pages)


def test_sitewide_swap_subdomain_and_burst_patterns(web):
    sitewide = _sites(web, "sitewide")[0].domain
    pages = [f for f in web.fetches if f.domain == sitewide and f.status == 200 and f.content_type == "text/html"]
    assert all(any(l.target_domain == BRAND and l.placement == "footer" for l in f.links) for f in pages)
    brand_outbound = {l.target_domain for f in web.fetches if f.domain == BRAND for l in f.links}
    swaps = {s.domain for s in _sites(web, "link_swap")}
    assert swaps <= brand_outbound and all(_links_from(web, {d}) for d in swaps)
    (subdomains,) = _sites(web, "subdomain_spam")
    assert len(subdomains.hosts) >= 5
    assert {urlsplit(l.source_url).hostname for l in _links_from(web, {subdomains.domain})} == set(subdomains.hosts)
    (burst,) = _sites(web, "link_burst")
    per_crawl = collections.Counter(f.crawl_date for f in web.fetches if f.domain == burst.domain
                                    for l in f.links if l.target_domain == BRAND)
    first, last = web.crawl_dates[0], web.crawl_dates[-1]
    assert per_crawl[last] >= 5 * per_crawl[first] > 0


def test_natural_variety(web):
    brand_links = [l for f in web.fetches for l in f.links if l.target_domain == BRAND
                   and web.sites[f.domain].labels["pattern"] == "natural"]
    assert {l.type for l in brand_links} >= {"text", "image", "frame", "form", "redirect", "refresh"}
    assert {l.placement for l in brand_links} >= {"content", "comment", "footer", "sidebar"}
    assert any(l.ugc and l.nofollow for l in brand_links) and any(l.sponsored for l in brand_links)
    assert any(not (l.nofollow or l.ugc or l.sponsored) for l in brand_links)
    anchors = collections.Counter(l.anchor for l in brand_links)
    assert "" in anchors and any(a.startswith("https://") for a in anchors) and "click here" in anchors
    assert any(l.type == "text" and l.alt for l in brand_links)
    bodies = b"".join(f.body for f in web.fetches[:2000])
    for raw in (b"&nbsp;", b"&#8217;", b"&amp;", b"javascript:", b"mailto:", b":443/", b"#section-2", b'href="//',
                b"<base href=", b"rel=\"UGC NoFollow\"", b"<!-- <a href="):
        assert raw in bodies, raw


def test_history_new_lost_broken_redirect_and_robots(web):
    events = collections.Counter(event["event"] for event in web.history)
    for kind in ("link_removed", "link_added", "page_broken", "https_move", "domain_redirect", "link_burst",
                 "meta_robots_nofollow", "x_robots_nofollow"):
        assert events[kind] >= 1, kind
    statuses = {f.status for f in web.fetches}
    assert {200, 301, 404, 410, 500} <= statuses
    last = web.crawl_dates[-1]
    broken_last = [f for f in web.fetches_on(last) if f.status >= 400]
    assert broken_last
    moved = [f for f in web.fetches if f.url.startswith("http://") and f.status == 301]
    assert any(f.location == "https" + f.url[4:] and not f.links for f in moved)
    redirects = [l for f in web.fetches for l in f.links if l.type == "redirect"]
    assert any(l.target_domain == BRAND for l in redirects)
    assert any(f.content_type == "application/pdf" for f in web.fetches)
    assert any(f.content_type == "image/png" for f in web.fetches)
    assert any(f.x_robots_tag and f.robots_nofollow for f in web.fetches)
    assert any(f.robots_nofollow and not f.x_robots_tag for f in web.fetches)
    by_url = collections.defaultdict(list)
    for fetch in web.fetches:
        by_url[fetch.url].append(fetch)
    for event in web.history:
        if event["event"] not in ("link_removed", "link_added", "link_replaced"):
            continue
        fetches = [f for f in by_url[event["source_url"]] if f.status == 200]
        present = {f.crawl_date.isoformat(): any(l.target_url == event["target_url"] for l in f.links)
                   for f in fetches}
        changed = event["crawl_date"]
        before = [value for day, value in present.items() if day < changed]
        if event["event"] == "link_added":
            assert present[changed] and before and not any(before), event
        else:
            assert not present[changed] and before and all(before), event


def test_truth_json_round_trips(web):
    data = json.loads(web.truth_json())
    assert data["targets"][0] == BRAND and "Acme Analytics" in data["brands"][BRAND]
    assert len(data["fetches"]) == len(web.fetches)
    assert sum(len(f["links"]) for f in data["fetches"]) == sum(len(f.links) for f in web.fetches)
    assert data["sites"]["bizgrowthhub.com"]["labels"]["pattern"] == "pbn"


def test_large_crawls_split_into_several_files(small, tmp_path):
    warcs = write_warcs(small, tmp_path, max_bytes=400_000)
    wats = write_wats(small, tmp_path, max_bytes=400_000)
    assert len(warcs) > len(small.crawl_dates) and len(wats) == len(warcs)
    assert all(path.stat().st_size < 400_000 + 200_000 for path in warcs)
    ids = {record[0] for path in warcs for record in _responses(path)}
    assert ids == {fetch.record_id for fetch in small.fetches}
