"""Common Crawl WAT metadata → the same Page/Link model the HTML extractor produces.

WAT ``Links`` hold URLs and text as written in the HTML (entities not decoded, not resolved),
with a ``path`` such as ``A@/href``. What a WAT cannot tell stays unknown (None): placement,
hidden, context, word count, fingerprint. An ``A@/href`` without text right after an
``IMG@/src`` is the image link that wraps it (Common Crawl lists the image first): its anchor
is the image's alt, as for links we extract ourselves.
"""

from __future__ import annotations

import html
import re
from html.entities import html5 as _ENTITIES

from linkatlas.extract.domains import domain_of
from linkatlas.extract.html import (
    MAX_ANCHOR, Link, Page, add_links, make_link, refresh_href, rel_flags, robots_nofollow,
)
from linkatlas.extract.urls import resolve_url, url_host

__all__ = ["page_from_wat"]

_TYPES = {"A@/href": "text", "AREA@/href": "image", "IFRAME@/src": "frame", "FRAME@/src": "frame", "FORM@/action": "form"}
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")  # as html.unescape


def _url(value: str) -> str:
    """Decode character references as browsers do in an attribute value: a named reference without
    ';' followed by '=' or a letter or digit stays literal ("?a=1&region=2&section=3")."""
    return _CHARREF.sub(_attribute_charref, value) if "&" in value else value


def _attribute_charref(match: re.Match) -> str:
    name = match.group(1)
    if name.startswith("#") or name in _ENTITIES:
        return html.unescape(match.group(0))
    for length in range(len(name) - 1, 1, -1):
        if name[:length] in _ENTITIES:
            following = name[length]
            if following == "=" or (following.isascii() and following.isalnum()):
                return match.group(0)
            break
    return html.unescape(match.group(0))


def _text(value) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(html.unescape(value).split())[:MAX_ANCHOR]


def _head(meta: dict, page: Page) -> list[tuple[str, str]]:
    """Fill page facts from the WAT Head; return (href, type) of meta refresh targets."""
    head = meta.get("Head") or {}
    page.title = _text(head.get("Title")) or None
    base = head.get("Base")
    if isinstance(base, str) and base:
        page.base_url = resolve_url(_url(base), page.url)
    refreshes: list[tuple[str, str]] = []
    robots: list[str] = []
    for entry in head.get("Metas") or []:
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("name") or "").lower()
        content = str(entry.get("content") or "")
        if name in ("robots", "googlebot"):
            robots.append(_text(content))
        elif name == "generator" and page.generator is None:
            page.generator = _text(content) or None
        elif str(entry.get("http-equiv") or "").lower() == "refresh":
            href = refresh_href(content)
            if href:
                refreshes.append((href, "refresh"))
    for entry in head.get("Link") or []:
        if isinstance(entry, dict) and str(entry.get("rel") or "").lower() == "canonical" and entry.get("url"):
            page.canonical = resolve_url(_url(str(entry["url"])), page.base_url or page.url)
    page.meta_robots = ", ".join(robots) or None
    return refreshes


def page_from_wat(meta: dict | None, url: str, *, x_robots_tag: str | None = None, keep_internal: bool = False) -> Page:
    """The links and facts of one page from its WAT ``HTML-Metadata`` object."""
    page = Page(url=url, encoding=None, word_count=None, text_bytes=None, fingerprint=None)
    meta = meta if isinstance(meta, dict) else {}
    refreshes = _head(meta, page)
    page.robots_nofollow = robots_nofollow(page.meta_robots, x_robots_tag)
    source_domain = domain_of(url_host(url))
    base = page.base_url or url
    links: list[Link] = []
    previous_alt: str | None = None
    for entry in meta.get("Links") or []:
        if not isinstance(entry, dict):
            continue
        path = entry.get("path")
        if path == "IMG@/src":
            previous_alt = _text(entry.get("alt"))
            continue
        link_type = _TYPES.get(path)
        raw = entry.get("url")
        image_alt, previous_alt = previous_alt, None
        if link_type is None or not isinstance(raw, str):
            continue
        target = resolve_url(_url(raw), base)
        if target is None:
            continue
        nofollow, ugc, sponsored = rel_flags(entry.get("rel") if isinstance(entry.get("rel"), str) else None)
        link = make_link(target, source_domain, nofollow=nofollow, ugc=ugc, sponsored=sponsored,
                         type=link_type, placement=None, hidden=None, context=None)
        if link_type == "text":
            link.anchor = _text(entry.get("text"))
            if image_alt is not None and not link.anchor:
                link.type = "image"
                link.anchor = link.alt = image_alt
        elif link_type == "image":
            link.anchor = link.alt = _text(entry.get("alt"))
        links.append(link)
    for href, link_type in refreshes:
        target = resolve_url(_url(href), base)
        if target:
            links.append(make_link(target, source_domain, type=link_type, placement=None, hidden=None, context=None))
    add_links(page, links, keep_internal)
    return page
