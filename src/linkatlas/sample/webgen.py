"""A seeded generator of a labeled test web: the project's shared test bed.

    web = generate(seed=7)                 # pure, in memory, deterministic
    write_warcs(web, "out/")               # one .warc.gz per crawl date (split past max_bytes)
    write_wats(web, "out/")                # Common Crawl style .warc.wat.gz of the same captures
    web.truth_json()                       # golden truth: sites, labels, fetches, links

The web has three crawls (2026-03-01, 2026-05-01, 2026-07-01) of ~148 sites: the project's
brand ``acmeanalytics.com`` and two competitors (their own sites crawled too), natural
referring sites — each with ``Site.labels["source"]`` in seed 003's words: news (mostly
nofollow), trade press, niche blogs, forums (ugc), partners with sitewide footers, reviews,
edu, directories, syndication partners (rel=canonical copies), podcasts, events... — and the
spam patterns of a Semrush-style audit, each labeled in ``Site.labels["pattern"]`` with
``Site.toxic=True`` (PBN, link farm, scraped copies, anchor stuffing, hidden links,
foreign-language spam, sitewide footer links, link swaps, subdomain spam, link directories,
unmarked paid links, guest-post footprints, thin pages, a link burst, comment spam, a domain
on the public referrer-spam list, a same-title network).

Rules the truth follows (an extractor must follow the same to match it):

- **Links**: ``<a href>``, ``<area href>`` (never external here), ``<iframe src>`` (type
  ``frame``), ``<form action>`` (``form``), ``<meta http-equiv=refresh>`` (``refresh``) and
  a 3xx ``Location`` (``redirect``). Not links: ``<link>``, ``<script src>``, ``<img>``
  outside an ``<a>``, ``javascript:``/``mailto:``/``tel:`` hrefs, links inside HTML
  comments or script strings, ``<a>`` without ``href``. Only 2xx HTML bodies are parsed;
  3xx bodies and 4xx/5xx error pages are ignored even when they contain ``<a>`` elements.
- **Target URL**: the href with entities decoded and leading/trailing ASCII whitespace
  stripped, resolved against ``<base href>`` (else the page URL), then canonical: lowercase
  scheme and host, default port dropped, fragment dropped, empty path -> ``/``; path and
  query are kept as written.
- **Anchor**: the ``<a>``'s text content (descendant text nodes concatenated, no separator
  added between elements), entities decoded, every run of whitespace — including NBSP
  (``&nbsp;``, U+00A0) and other Unicode spaces, i.e. Python's ``str.split()`` — collapsed
  to one space, stripped. An ``<a>`` whose anchor is empty and that holds an ``<img>`` is
  type ``image`` with anchor = alt = that img's alt (normalised the same way, '' when
  missing); an ``<a>`` with text and an img is ``text`` with anchor = the text and alt =
  the img's alt; alt is '' for links without an img. Frames, forms, refresh and redirect
  links have anchor '' and alt ''.
- **rel**: tokens split on whitespace, compared case-insensitively, any order, extra
  tokens ignored (``rel="UGC NoFollow"``, ``rel="sponsored noopener"``, ``rel=nofollow``).
  Only ``<a>`` rel counts. Page-level nofollow is on the fetch (``robots_nofollow``).
- **Placement** (``None`` for refresh/redirect): walk from the link element up through
  its ancestors; the first element that is a container decides. On one element the order
  of tests is comment, nav, sidebar, header, footer, content:
  comment: ``id="comments"``, class token ``comment`` or ``comment-body``;
  nav: ``<nav>``, ``role="navigation"``, class token ``menu``, ``id="main-nav"``;
  sidebar: ``<aside>``, class token ``sidebar`` or ``widget``;
  header: ``<header>`` not inside ``article/aside/main/nav/section``, ``id="header"``,
  class token ``site-header``;
  footer: ``<footer>`` not inside ``article/aside/main/nav/section``, ``id="footer"``,
  class token ``site-footer``;
  content: ``<main>``, ``<article>``, class token ``post-content``.
  No container at all -> ``content``. So a comment list inside an ``<article>`` is
  ``comment``; a ``<header>``/``<footer>`` inside an ``<article>`` is transparent and the
  article makes it ``content``; a ``<nav>`` inside the page ``<header>`` is ``nav``.
- **Hidden**: the link element or an ancestor has the ``hidden`` attribute or an inline
  ``style`` with ``display:none``, ``visibility:hidden`` or a zero ``font-size`` (any
  case and spacing, ``!important`` allowed). Stylesheets are not consulted.
- **Redirect links**: a 3xx fetch of URL *u* with an external ``Location`` *l* holds one
  link ``TruthLink(u, canonical(l), type="redirect", placement=None)``; an internal
  redirect (e.g. http -> https of the same site) holds none.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from .cast import TARGETS, SiteSpec
from .furniture import PAGE_WEIGHTS, site_furniture
from .model import SampleWeb, Site, TruthFetch
from .natural import NaturalSites
from .pages import SiteFacts, render_fetch, utc
from .spam import SpamSites
from .world import CRAWL_DATES, LAST

__all__ = ["generate", "write_warcs", "write_wats", "CRAWL_DATES"]

RECORD_NAMESPACE = uuid.UUID("6f1c3c52-8d7e-4a8b-9a59-2f4259006e4e")


class _World(NaturalSites, SpamSites):
    """One generation run: the cast, built page by page."""

    def build_all(self) -> None:
        natural = {"publisher": self.build_publisher, "blog": self.build_blog, "forum": self.build_forum,
                   "review": self.build_review, "directory": self.build_directory,
                   "syndication": self.build_syndication}
        for spec in self.specs:
            if spec.pattern == "target":
                self.build_target(spec)
            elif spec.pattern == "natural" and spec.extra.get("background"):
                self.build_background(spec)
            elif spec.pattern == "natural":
                builder = None if spec.domain in _OTHER_DOMAINS else natural.get(spec.kind)
                (builder or self.build_other)(spec)
            else:
                getattr(self, f"build_{spec.pattern}")(spec)


_OTHER_DOMAINS = {"cloudcostguide.com", "hrtechreview.net"}  # small sites built by build_other


# -- generation -------------------------------------------------------------------------------

_FIRST_OCTETS = (23, 31, 37, 46, 51, 62, 77, 78, 80, 82, 85, 87, 89, 91, 92, 94, 104, 141, 151,
                 162, 172, 176, 178, 185, 188, 195, 198, 203, 209, 212, 213, 217)


def _assign_ips(world: _World) -> dict[str, str]:
    """One IPv4 per site; unrelated sites never share a /24, spam groups do."""
    rng = world.rng("ips")
    used: set[str] = set()

    def fresh_prefix() -> str:
        while True:
            prefix = f"{rng.choice(_FIRST_OCTETS)}.{rng.randint(1, 254)}.{rng.randint(0, 255)}"
            if prefix not in used:
                used.add(prefix)
                return prefix

    shared: dict[str, str] = {}
    members: dict[str, int] = {}
    ips = {}
    for spec in world.specs:
        group = spec.ip_group
        if group is None:
            ips[spec.domain] = f"{fresh_prefix()}.{rng.randint(2, 250)}"
            continue
        if group not in shared:
            shared[group] = fresh_prefix()
        index = members[group] = members.get(group, -1) + 1
        if group in ("blogger", "farm1"):
            last = 17  # one shared address for the whole group
        else:
            last = (17, 17, 41, 58, 77, 103, 126, 140)[index % 8]  # first two share an address
        ips[spec.domain] = f"{shared[group]}.{last}"
    return ips


def _random_id(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _analytics(world: _World, spec: SiteSpec) -> tuple[str, tuple[str, ...]]:
    rng = world.rng("analytics", spec.domain)
    snippets, ids = [], []
    for token in spec.analytics:
        if token == "ga4":
            token = "G-" + _random_id(rng, _UPPER, 10)
        elif token == "ua":
            token = f"UA-{rng.randint(10_000_000, 99_999_999)}-1"
        elif token == "gtm":
            token = "GTM-" + _random_id(rng, _UPPER, 7)
        if token == "ya":
            counter = rng.randint(10_000_000, 99_999_999)
            snippets.append(f'<script type="text/javascript">(function(m,e,t,r,i,k,a){{m[i]=m[i]||function(){{}};}})'
                            f'(window, document, "script", "https://mc.yandex.ru/metrika/tag.js", "ym");'
                            f'ym({counter}, "init", {{clickmap:true}});</script>\n')
            continue
        ids.append(token)
        if token.startswith("G-"):
            snippets.append(f'<script async src="https://www.googletagmanager.com/gtag/js?id={token}"></script>\n'
                            "<script>window.dataLayer = window.dataLayer || [];function gtag(){dataLayer.push(arguments);}"
                            f"gtag('js', new Date());gtag('config', '{token}');</script>\n")
        elif token.startswith("UA-"):
            snippets.append("<script>(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;})(window,document,'script',"
                            f"'https://www.google-analytics.com/analytics.js','ga');ga('create', '{token}', 'auto');"
                            "ga('send', 'pageview');</script>\n")
        elif token.startswith("GTM-"):
            snippets.append("<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime()});})"
                            f"(window,document,'script','dataLayer','{token}');</script>\n")
        elif token.startswith("ca-pub-"):
            snippets.append('<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js'
                            f'?client={token}" crossorigin="anonymous"></script>\n')
    return "".join(snippets), tuple(sorted(set(ids)))


_SCRIPT_TRAP = ("<script>if (!window.ok) { document.write('<a href=\"https://www.bestcasinobonus24.xyz/\">"
                "casino</a>'); }</script>\n")


def _site_facts(world: _World, spec: SiteSpec, ip: str, page_weight: str) -> SiteFacts:
    snippet, ids = _analytics(world, spec)
    extra = _SCRIPT_TRAP if spec.pattern in ("thin", "link_burst") else ""
    furniture = site_furniture(world.seed, spec.domain, spec.root) if page_weight == "real" else None
    return SiteFacts(spec, ip, snippet, ids, extra, furniture)


def _labels(spec: SiteSpec, ip: str, facts: SiteFacts) -> dict[str, Any]:
    labels: dict[str, Any] = {"pattern": spec.pattern, "category": spec.kind}
    if spec.group:
        labels["group"] = spec.group
    labels.update(spec.extra)
    if spec.pattern == "pbn":
        labels.update(subnet=ip.rsplit(".", 1)[0] + ".0/24", analytics_ids=list(facts.analytics_ids),
                      generator=spec.generator, theme="magzine-lite")
    elif spec.pattern == "scraper":
        labels.update(original_url="https://www.saasinsider.com/2025/11/privacy-in-b2b-paid-search/",
                      anchors=["compile audience data", "."])
    elif spec.pattern == "foreign_spam":
        labels.update(charset=spec.charset, charset_via=spec.charset_via)
    elif spec.pattern == "subdomain_spam":
        labels.update(hosts=list(spec.hosts))
    elif spec.pattern == "link_burst":
        labels.update(burst_crawl=CRAWL_DATES[LAST].isoformat())
    elif spec.pattern == "link_swap":
        labels.update(reciprocal_with=TARGETS[0].domain)
    elif spec.pattern == "same_title":
        labels.update(title="Unlock The Secrets To Backlink Success: The Ultimate Guide To Building High-Quality Links")
    if spec.pattern == "natural":
        labels["source"] = spec.extra.get("source") or _SOURCES.get(spec.domain) or _SOURCE_OF_KIND.get(spec.kind, spec.kind)
    return labels


# What kind of natural source a site is, in the words of seed 003 ("a mix of sources like...").
_SOURCE_OF_KIND = {"publisher": "news", "blog": "blog", "forum": "forum", "review": "review", "directory": "directory",
                   "edu": "edu", "podcast": "podcast", "partner": "partner", "customer": "partner", "oss": "partner",
                   "syndication": "syndication", "lifestyle": "blog", "event": "event", "community": "community",
                   "jobs": "jobs", "agency": "business", "accelerator": "business", "newsletter": "newsletter"}
_SOURCES = {"techherald.com": "trade_press", "saasinsider.com": "trade_press", "cloudcostguide.com": "blog",
            "hrtechreview.net": "review"}


def _record_id(seed: int, kind: str, *parts: object) -> str:
    return f"<urn:uuid:{uuid.uuid5(RECORD_NAMESPACE, '/'.join(str(p) for p in (seed, kind, *parts)))}>"


def generate(seed: int = 7, *, scale: float = 1.0, page_weight: str = "lean") -> SampleWeb:
    """Build the labeled sample web in memory; the same (seed, scale, page_weight) gives the same web.

    ``page_weight="lean"`` (the default): pages are their own markup only, about one ``<a href>``
    per 180 bytes. ``"real"``: every 2xx HTML page also carries the scripts, styles, inline SVG,
    comments and wrapper markup of real pages, sized to about the article corpus's 1,228 bytes
    per ``<a href>`` and its byte shares (see :mod:`linkatlas.sample.furniture`); its links,
    text and page facts, and so the truth, are the lean page's.
    """
    if page_weight not in PAGE_WEIGHTS:
        raise ValueError(f"page_weight must be one of {', '.join(PAGE_WEIGHTS)}, got {page_weight!r}")
    world = _World(seed, scale)
    world.build_all()
    urls = [page.url for page in world.pages]
    if len(urls) != len(set(urls)):
        raise AssertionError("two sample pages share a URL")
    ips = _assign_ips(world)
    facts = {spec.domain: _site_facts(world, spec, ips[spec.domain], page_weight) for spec in world.specs}
    fetches: list[TruthFetch] = []
    for crawl, day in enumerate(CRAWL_DATES):
        batch = []
        for page in world.pages:
            if page.statuses[crawl] is None:
                continue
            rng = world.rng("fetch", crawl, page.url)
            when = utc(day, rng.randrange(86_400))
            fetch = render_fetch(page, facts[page.spec.domain], crawl, when, world.book, rng)
            batch.append(replace(fetch, crawl_date=day, record_id=_record_id(seed, "response", crawl, page.url)))
        batch.sort(key=lambda fetch: (fetch.fetched_at, fetch.url))
        fetches += batch
    sites = {
        spec.domain: Site(spec.domain, tuple(spec.hosts), spec.kind, ips[spec.domain], spec.lang.split("-")[0].lower(),
                          spec.topic, spec.toxic, _labels(spec, ips[spec.domain], facts[spec.domain]), spec.name)
        for spec in world.specs
    }
    target_pages = {page.url: page for pages in world.target_pages.values() for page in pages}
    return SampleWeb(
        seed=seed,
        scale=scale,
        crawl_dates=CRAWL_DATES,
        sites=sites,
        fetches=fetches,
        targets=[spec.domain for spec in TARGETS],
        brands={spec.domain: list(spec.brands) for spec in TARGETS},
        keywords={spec.domain: sorted({kw for _, _, kws in spec.pages for kw in kws}) for spec in TARGETS},
        target_pages=target_pages,
        host_domains=dict(sorted(world.book.items())),
        history=world.history,
        page_weight=page_weight,
    )


# -- writing --------------------------------------------------------------------------------

_USER_AGENT = "linkatlas-sample/0.1 (+https://github.com/linkatlas/linkatlas)"


def _request_headers(fetch: TruthFetch) -> list[tuple[str, str]]:
    return [("Host", fetch.host), ("User-Agent", _USER_AGENT),
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Accept-Language", "en-US,en;q=0.5"), ("Connection", "close")]


def _emit_warcs(web: SampleWeb, open_sink, max_bytes: int, on_response=None) -> list[str]:
    """Write every crawl's captures through ``open_sink(name)``; returns the file names."""
    from ..sources.warcwriter import WarcWriter

    names: list[str] = []
    for day in web.crawl_dates:
        writer = sink = None
        sequence = 0
        for fetch in web.fetches_on(day):
            if writer is None or writer.offset >= max_bytes:
                if sink is not None:
                    sink.close()
                name = f"LINKATLAS-SAMPLE-{day:%Y%m%d}-{sequence:05d}.warc.gz"
                sequence += 1
                names.append(name)
                sink = open_sink(name)
                writer = WarcWriter(sink, gzip=True)
                writer.write_warcinfo(
                    {"software": "linkatlas-webgen/0.1", "format": "WARC File Format 1.1",
                     "isPartOf": f"LINKATLAS-SAMPLE-{day:%Y-%m}", "description": f"linkatlas sample web, seed {web.seed}",
                     "robots": "classic"},
                    date=utc(day, 0), filename=name, record_id=_record_id(web.seed, "warcinfo", name))
            crawl_key = day.isoformat()
            request_id = writer.write_request(
                fetch.url, fetch.fetched_at, _request_headers(fetch), ip=fetch.ip,
                record_id=_record_id(web.seed, "request", crawl_key, fetch.url))
            writer.write_response(
                fetch.url, fetch.fetched_at, ip=fetch.ip, status=fetch.status, reason=fetch.reason,
                headers=fetch.headers, body=fetch.body, record_id=fetch.record_id, concurrent_to=request_id)
            if on_response is not None:
                on_response(name, fetch, writer.last_record)
            fetch_ms = random.Random(f"{web.seed}|ms|{crawl_key}|{fetch.url}").randint(40, 2400)
            writer.write_metadata(fetch.record_id, fetch.url, fetch.fetched_at, "application/warc-fields",
                                  f"fetchTimeMs: {fetch_ms}\r\n".encode("ascii"),
                                  record_id=_record_id(web.seed, "metadata", crawl_key, fetch.url))
        if sink is not None:
            sink.close()
    return names


class _CountingSink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def close(self) -> None:
        pass


def write_warcs(web: SampleWeb, out_dir: str | Path, *, max_bytes: int = 1_000_000_000) -> list[Path]:
    """Write the captures as gzip WARC/1.1 files, one or more per crawl date.

    A new file starts once the current one holds ``max_bytes`` (compressed); each file
    begins with a warcinfo record, then request, response and metadata per capture.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = _emit_warcs(web, lambda name: open(out / name, "wb"), max_bytes)
    return [out / name for name in names]


def write_wats(web: SampleWeb, out_dir: str | Path, *, max_bytes: int = 1_000_000_000) -> list[Path]:
    """Write Common Crawl style WAT files (``*.warc.wat.gz``) for the WARCs of ``write_warcs``.

    Each response gets one metadata record (``application/json``) whose ``Container`` and
    ``Envelope`` describe the response record in the WARC written with the same ``max_bytes``.
    """
    from ..sources.warcwriter import WarcWriter
    from .wat import wat_json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    captured: dict[str, list] = {}
    _emit_warcs(web, lambda name: _CountingSink(), max_bytes,
                on_response=lambda name, fetch, info: captured.setdefault(name, []).append((fetch, info)))
    paths = []
    for warc_name, records in captured.items():
        wat_name = warc_name.replace(".warc.gz", ".warc.wat.gz")
        with WarcWriter(out / wat_name, gzip=True) as writer:
            first = records[0][0].crawl_date
            writer.write_warcinfo(
                {"Software-Info": "linkatlas-webgen/0.1", "format": "WARC File Format 1.1",
                 "description": f"WAT of {warc_name}"},
                date=utc(first, 0), filename=wat_name, record_id=_record_id(web.seed, "wat-info", wat_name))
            for fetch, info in records:
                writer.write_metadata(fetch.record_id, fetch.url, fetch.fetched_at, "application/json",
                                      wat_json(fetch, warc_name, info),
                                      record_id=_record_id(web.seed, "wat", fetch.record_id))
        paths.append(out / wat_name)
    return paths
