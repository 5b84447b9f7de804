"""The labeled truth of a sample web: sites, fetches and the links each fetch holds.

Field semantics (what an extractor or report must reproduce from the WARCs):

- ``TruthFetch.links`` lists the *external* links of one fetch (target registrable domain
  differs from the source's) in document order, one entry per link element even when the
  same target repeats. Only 2xx HTML responses are parsed for links; a 3xx response has
  exactly one link of type ``redirect`` (to its ``Location``) when that is external, and
  4xx/5xx responses have none, whatever their body holds.
- ``internal_links`` counts ``<a>``/``<area>`` elements whose resolved http(s) URL is on the
  source's registrable domain (2xx HTML only).
- ``TruthLink.nofollow``/``ugc``/``sponsored`` come from the link's own ``rel`` tokens (any
  case, any order). Page-level ``nofollow`` (meta robots, X-Robots-Tag) is on the fetch as
  ``robots_nofollow``; a link is *follow* when none of the four applies.
- Page facts (``title``, ``lang``, ``generator``, ``analytics_ids``, meta robots) come from
  2xx HTML bodies only and are ``None``/``()`` otherwise; ``x_robots_tag`` is the header as
  sent on any response. ``analytics_ids`` holds Google Analytics (``UA-``, ``G-``), Tag
  Manager (``GTM-``) and AdSense (``ca-pub-``) ids only, not e.g. Yandex Metrica counters.
- ``SampleWeb.history`` lists the events planted on purpose (link added/removed/replaced,
  page broken, https move, domain redirect, link burst, robots...), each with its crawl date;
  live/lost/broken status itself is derived from the fetches, as DESIGN section 3 says.
- See :mod:`linkatlas.sample.webgen` for anchor, placement and URL normalisation rules.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

__all__ = ["TruthLink", "TruthFetch", "Site", "TargetPage", "SampleWeb"]

LINK_TYPES = ("text", "image", "frame", "refresh", "redirect", "form")
PLACEMENTS = ("content", "nav", "header", "footer", "sidebar", "comment")


@dataclass(frozen=True, slots=True)
class TruthLink:
    source_url: str
    target_url: str  # canonical: lowercase scheme+host, no default port, no fragment, path >= "/"
    anchor: str
    alt: str
    nofollow: bool
    ugc: bool
    sponsored: bool
    type: str  # one of LINK_TYPES
    placement: str | None  # one of PLACEMENTS; None for redirect and refresh
    hidden: bool
    target_domain: str = ""  # registrable domain of target_url


@dataclass(frozen=True, slots=True)
class TruthFetch:
    url: str
    fetched_at: datetime  # UTC, whole seconds
    ip: str
    status: int
    content_type: str | None  # media type of the Content-Type header, lowercase, no parameters
    title: str | None
    lang: str | None  # primary subtag of <html lang>, lowercase
    generator: str | None  # <meta name="generator"> content
    analytics_ids: tuple[str, ...]  # GA (UA-/G-), GTM- and AdSense ca-pub- ids, sorted
    robots_nofollow: bool
    x_robots_tag: str | None
    links: tuple[TruthLink, ...]
    internal_links: int
    body: bytes = field(repr=False)
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    reason: str = "OK"
    charset: str | None = None  # effective declared charset of an HTML body
    location: str | None = None  # Location header of a 3xx, as sent
    domain: str = ""  # registrable domain of url
    crawl_date: date | None = None
    record_id: str = ""  # WARC-Record-ID of the response record

    @property
    def host(self) -> str:
        return self.url.split("/", 3)[2]


@dataclass(frozen=True, slots=True)
class Site:
    domain: str  # registrable domain (PSL, private section included)
    hosts: tuple[str, ...]  # every host crawled on this domain; all share ``domain``
    kind: str  # what the site looks like: publisher, blog, forum, review, directory, ...
    ip: str
    lang: str
    topic: str
    toxic: bool
    labels: dict[str, Any]  # {"pattern": "natural"|"pbn"|..., "group": ..., evidence...}
    name: str = ""


@dataclass(frozen=True, slots=True)
class TargetPage:
    url: str
    domain: str
    title: str
    keywords: tuple[str, ...]


@dataclass
class SampleWeb:
    seed: int
    scale: float
    crawl_dates: tuple[date, ...]
    sites: dict[str, Site]
    fetches: list[TruthFetch]
    targets: list[str]  # target registrable domains; targets[0] is the project's own brand
    brands: dict[str, list[str]]  # target -> brand names
    keywords: dict[str, list[str]]  # target -> money keywords / title phrases
    target_pages: dict[str, TargetPage]  # canonical url -> page facts
    host_domains: dict[str, str]  # every host the generator wrote in a URL -> its registrable domain
    history: list[dict[str, Any]]  # planted events: new, lost, broken, redirect, https move...
    page_weight: str = "lean"  # "real": pages carry real pages' scripts, styles, SVG and wrappers too

    def domain_of(self, host: str) -> str:
        return self.host_domains[host.lower()]

    def fetches_on(self, crawl: date) -> list[TruthFetch]:
        return [fetch for fetch in self.fetches if fetch.crawl_date == crawl]

    def toxic_domains(self) -> set[str]:
        return {domain for domain, site in self.sites.items() if site.toxic}

    def to_dict(self) -> dict[str, Any]:
        """Everything but the bodies (each fetch carries its body's length and sha1)."""
        return {
            "seed": self.seed,
            "scale": self.scale,
            "crawl_dates": [d.isoformat() for d in self.crawl_dates],
            "targets": list(self.targets),
            "brands": self.brands,
            "keywords": self.keywords,
            "target_pages": {url: _page_dict(page) for url, page in self.target_pages.items()},
            "sites": {domain: _site_dict(site) for domain, site in self.sites.items()},
            "history": self.history,
            "host_domains": self.host_domains,
            "fetches": [_fetch_dict(fetch) for fetch in self.fetches],
            **({"page_weight": self.page_weight} if self.page_weight != "lean" else {}),
        }

    def truth_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True, ensure_ascii=False)


def _page_dict(page: TargetPage) -> dict[str, Any]:
    return {"domain": page.domain, "title": page.title, "keywords": list(page.keywords)}


def _fields_except(record, *skipped: str) -> dict[str, Any]:
    """A dataclass record as a dict of its fields, without the ones the enclosing key holds."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name not in skipped}


def _site_dict(site: Site) -> dict[str, Any]:
    site_dict = _fields_except(site, "domain")  # keyed by domain in the truth
    site_dict["hosts"] = list(site.hosts)
    return site_dict


def _link_dict(link: TruthLink) -> dict[str, Any]:
    return _fields_except(link, "source_url")  # listed under its fetch


def _fetch_dict(fetch: TruthFetch) -> dict[str, Any]:
    return {
        "url": fetch.url,
        "domain": fetch.domain,
        "crawl_date": fetch.crawl_date.isoformat() if fetch.crawl_date else None,
        "fetched_at": fetch.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ip": fetch.ip,
        "status": fetch.status,
        "reason": fetch.reason,
        "content_type": fetch.content_type,
        "charset": fetch.charset,
        "location": fetch.location,
        "title": fetch.title,
        "lang": fetch.lang,
        "generator": fetch.generator,
        "analytics_ids": list(fetch.analytics_ids),
        "robots_nofollow": fetch.robots_nofollow,
        "x_robots_tag": fetch.x_robots_tag,
        "internal_links": fetch.internal_links,
        "record_id": fetch.record_id,
        "body_length": len(fetch.body),
        "body_sha1": hashlib.sha1(fetch.body).hexdigest(),
        "headers": [list(pair) for pair in fetch.headers],
        "links": [_link_dict(link) for link in fetch.links],
    }
