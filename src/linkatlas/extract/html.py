"""HTML → links and page facts, with the lexbor parser (selectolax).

One pass of CSS queries per page, no per-link tree walks:

- links are ``<a href>``, ``<area href>`` (anchor: alt), ``<iframe/frame src>`` (type frame),
  ``<form action>`` (type form) and ``<meta http-equiv=refresh>`` (type refresh);
- placement comes from the *innermost* landmark container holding the link. Containers are
  matched in document (pre-)order, so a later container that holds a link is nested deeper
  and overrides the earlier one;
- hidden means the link or an ancestor has inline ``display:none``, ``visibility:hidden``,
  ``font-size:0`` or the ``hidden`` attribute;
- the main text (for word count and simhash) is ``<main>``, else a lone ``<article>``, else
  ``<body>``, without scripts, styles and the boilerplate containers found for placement.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from linkatlas.extract.domains import domain_of
from linkatlas.extract.encoding import decode_html
from linkatlas.extract.fingerprint import simhash, tokens
from linkatlas.extract.urls import resolve_url, url_host

__all__ = ["Link", "Page", "extract_page", "make_link", "add_links", "rel_flags", "LINK_TYPES", "PLACEMENTS"]

LINK_TYPES = ("text", "image", "frame", "refresh", "redirect", "form")
PLACEMENTS = ("content", "nav", "header", "footer", "sidebar", "comment")

MAX_ANCHOR = 512
MAX_CONTEXT = 240
MAX_TITLE = 512
MAX_LINKS_PER_PAGE = 20_000

_LINK_SELECTOR = "a[href], area[href], iframe[src], frame[src], form[action]"
_CONTAINER_SELECTOR = ", ".join(
    [
        "header", "footer", "nav", "aside",
        "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[role=complementary]", "[role=comment]",
        "[class*=header]", "[id*=header]", "[class*=footer]", "[id*=footer]", "[id*=colophon]",
        "[class*=nav]", "[id*=nav]", "[class*=menu]", "[id*=menu]", "[class*=breadcrumb]",
        "[class*=sidebar]", "[id*=sidebar]", "[class*=widget]", "[id*=widget]", "[id=secondary]",
        "[class*=blogroll]", "[class*=comment]", "[id*=comment]", "[class*=reply]", "[id*=reply]",
        "[id*=disqus]", "[class*=signature]", "[class*=masthead]", "[id*=masthead]", "[class*=topbar]",
    ]
)
_HIDDEN_SELECTOR = "[hidden], [style*=none], [style*=hidden], [style*=font-size], [style*=FONT-SIZE]"
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0*\.?0+(?:px|pt|em|rem|%)?\s*(?:;|!|$)",
    re.IGNORECASE,
)
_NAME_PARTS = re.compile(r"[a-z0-9]+")
_CATEGORY_PARTS = (
    ("comment", {"comment", "comments", "commentlist", "disqus", "reply", "replies", "signature"}),
    ("sidebar", {"sidebar", "widget", "widgets", "secondary", "blogroll", "aside"}),
    ("nav", {"nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs", "topnav", "mainnav"}),
    ("footer", {"footer", "colophon", "foot"}),
    ("header", {"header", "masthead", "topbar"}),
)
_CONTENT_PARTS = {"entry", "post", "article", "content", "story", "card", "item", "title", "section"}
_ROLE_CATEGORY = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "comment": "comment",
}
_TAG_CATEGORY = {"nav": "nav", "aside": "sidebar", "header": "header", "footer": "footer"}
_NEVER_CONTAINERS = {"html", "body", "head", "main", "article", "-document"}
_SECTIONING = {"article", "main", "section", "aside", "nav"}
_INLINE = {"span", "b", "strong", "em", "i", "u", "font", "small", "mark", "abbr", "cite", "sup", "sub", "a", "label"}
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?\s*([^'\"\s>][^'\"]*)", re.IGNORECASE)
_ANALYTICS = (  # (literal, pattern starting with it): a literal prefix lets `re` scan fast
    (b"UA-", re.compile(rb"UA-\d{4,10}-\d{1,4}(?![\w-])")),
    (b"GTM-", re.compile(rb"GTM-[A-Z0-9]{4,9}(?![\w-])")),
    (b"ca-pub-", re.compile(rb"ca-pub-\d{10,20}(?!\w)")),
    (b"G-", re.compile(rb"G-[A-Z0-9]{6,12}(?![\w-])")),
)
_ROBOTS_NOFOLLOW = re.compile(r"(?:^|[\s,:])(nofollow|none)(?:$|[\s,])", re.IGNORECASE)


@dataclass(slots=True)
class Link:
    target_url: str
    target_host: str = ""
    target_domain: str = ""
    anchor: str = ""
    alt: str = ""
    nofollow: bool = False
    ugc: bool = False
    sponsored: bool = False
    type: str = "text"
    placement: str | None = "content"
    hidden: bool = False
    context: str = ""
    internal: bool = False
    ordinal: int = 0


@dataclass(slots=True)
class Page:
    url: str
    encoding: str = "utf-8"
    base_url: str | None = None
    title: str | None = None
    lang: str | None = None
    meta_robots: str | None = None
    robots_nofollow: bool = False
    generator: str | None = None
    canonical: str | None = None
    analytics_ids: tuple[str, ...] = ()
    word_count: int = 0
    text_chars: int = 0
    internal_links: int = 0
    external_links: int = 0
    fingerprint: int | None = None
    links: list[Link] = field(default_factory=list)


def rel_flags(rel: str | None) -> tuple[bool, bool, bool]:
    """(nofollow, ugc, sponsored) from a rel attribute, any case, any order."""
    if not rel:
        return False, False, False
    rel_tokens = set(rel.lower().split())
    return "nofollow" in rel_tokens, "ugc" in rel_tokens, "sponsored" in rel_tokens


def make_link(target_url: str, source_domain: str, **fields) -> Link:
    """A Link with its target host and registrable domain filled in."""
    host = url_host(target_url)
    domain = domain_of(host)
    return Link(target_url, host, domain, internal=domain == source_domain, **fields)


def add_links(page: Page, links: list[Link], keep_internal: bool) -> None:
    """Count ``links`` into the page's internal/external totals and keep the ones stored."""
    for link in links:
        if link.internal:
            page.internal_links += 1
            if not keep_internal:
                continue
        else:
            page.external_links += 1
        link.ordinal = len(page.links)
        page.links.append(link)


def _collapse(text: str | None, limit: int) -> str:
    if not text:
        return ""
    return " ".join(text.split())[:limit]


def _container_category(node) -> str | None:
    tag = node.tag
    if tag in _NEVER_CONTAINERS:
        return None
    attrs = node.attributes
    category = _named_category(tag, attrs.get("role"), attrs.get("class"), attrs.get("id"))
    if category is None:
        return None
    if tag in _TAG_CATEGORY:
        if category in ("header", "footer") and _inside_sectioning(node):
            return None  # an article's own header/footer is part of the content
        return category
    if node.css_first("main, article, [role=main]") is not None:
        return None  # a page wrapper named "main-nav-wrapper" is not a menu
    return category


@functools.lru_cache(maxsize=4096)
def _named_category(tag: str, role: str | None, classes: str | None, element_id: str | None) -> str | None:
    """The placement a container's tag, role, class and id name, or None."""
    role = (role or "").strip().lower()
    if role in _ROLE_CATEGORY:
        return _ROLE_CATEGORY[role]
    if tag in _TAG_CATEGORY:
        return _TAG_CATEGORY[tag]
    parts = set(_NAME_PARTS.findall(f"{classes or ''} {element_id or ''}".lower()))
    for category, names in _CATEGORY_PARTS:
        if parts & names:
            if category in ("header", "footer") and parts & _CONTENT_PARTS:
                return None  # "entry-header", "post-footer": part of the article
            return category
    return None


def _inside_sectioning(node) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html", "-document"):
        if parent.tag in _SECTIONING:
            return True
        parent = parent.parent
    return False


class _Extraction:
    """State of one page's extraction (kept small: one instance per page)."""

    def __init__(self, tree: LexborHTMLParser, page: Page, keep_internal: bool) -> None:
        self.tree = tree
        self.page = page
        self.keep_internal = keep_internal
        self.source_domain = domain_of(url_host(page.url))
        self.resolved: dict[str, str | None] = {}
        self.boilerplate: list = []

    def resolve(self, href: str) -> str | None:
        if href in self.resolved:
            return self.resolved[href]
        target = resolve_url(href, self.page.base_url or self.page.url)
        self.resolved[href] = target
        return target

    def placements(self) -> dict[int, str]:
        placement: dict[int, str] = {}
        for container in self.tree.css(_CONTAINER_SELECTOR):
            category = _container_category(container)
            if category is None:
                continue
            self.boilerplate.append(container)
            for link in container.css(_LINK_SELECTOR):
                placement[link.mem_id] = category
        return placement

    def hidden(self) -> set[int]:
        hidden: set[int] = set()
        for container in self.tree.css(_HIDDEN_SELECTOR):
            attrs = container.attributes
            if "hidden" not in attrs and not _HIDDEN_STYLE.search(attrs.get("style") or ""):
                continue
            hidden.add(container.mem_id)
            hidden.update(link.mem_id for link in container.css(_LINK_SELECTOR))
        return hidden

    def image_alts(self) -> dict[int, str]:
        alts: dict[int, str] = {}
        for image in self.tree.css("a img, area"):
            if image.tag == "area":
                continue
            node = image.parent
            for _ in range(6):
                if node is None:
                    break
                if node.tag == "a":
                    alts.setdefault(node.mem_id, image.attributes.get("alt") or "")
                    break
                node = node.parent
        return alts

    def context(self, node, anchor: str, cache: dict) -> str:
        block = node.parent
        while block is not None and block.tag in _INLINE:
            block = block.parent
        if block is None:
            return anchor[:MAX_CONTEXT]
        key = block.mem_id
        if key not in cache:
            cache[key] = [" ".join(block.text(deep=True, separator=" ").split()), 0]
        text, start = cache[key]
        if len(text) <= MAX_CONTEXT:
            return text
        position = text.find(anchor, start) if anchor else -1
        if position < 0:
            position = start
        else:
            cache[key][1] = position + len(anchor)
        half = (MAX_CONTEXT - len(anchor)) // 2
        begin = max(0, min(position - max(half, 0), len(text) - MAX_CONTEXT))
        return text[begin: begin + MAX_CONTEXT]

    def links(self) -> list[Link]:
        placement = self.placements()
        hidden = self.hidden()
        alts = self.image_alts()
        context_cache: dict = {}
        links: list[Link] = []
        for position, node in enumerate(self.tree.css(_LINK_SELECTOR)):
            if position >= MAX_LINKS_PER_PAGE:
                break
            link = self.link(node, placement, hidden, alts)
            if link is None:
                continue
            if link.type in ("text", "image") and (self.keep_internal or not link.internal):
                link.context = self.context(node, link.anchor, context_cache)
            links.append(link)
        return links

    def link(self, node, placement, hidden, alts) -> Link | None:
        tag = node.tag
        attrs = node.attributes
        if tag in ("a", "area"):
            href = attrs.get("href")
        elif tag == "form":
            href = attrs.get("action")
        else:
            href = attrs.get("src")
        if not href:
            return None
        target = self.resolve(href)
        if target is None:
            return None
        nofollow, ugc, sponsored = rel_flags(attrs.get("rel"))
        mem_id = node.mem_id
        link = make_link(
            target,
            self.source_domain,
            nofollow=nofollow,
            ugc=ugc,
            sponsored=sponsored,
            placement=placement.get(mem_id, "content"),
            hidden=mem_id in hidden,
        )
        if tag == "a":
            link.anchor = _collapse(node.text(deep=True), MAX_ANCHOR)
            if mem_id in alts:
                link.alt = _collapse(alts[mem_id], MAX_ANCHOR)
                if not link.anchor:
                    link.type = "image"
                    link.anchor = link.alt
        elif tag == "area":
            link.type = "image"
            link.anchor = link.alt = _collapse(attrs.get("alt"), MAX_ANCHOR)
        elif tag == "form":
            link.type = "form"
        else:
            link.type = "frame"
        return link


def _head_facts(tree: LexborHTMLParser, page: Page, extraction: _Extraction, x_robots_tag: str | None):
    title = tree.css_first("title")
    if title is not None:
        page.title = _collapse(title.text(), MAX_TITLE) or None
    html = tree.css_first("html")
    if html is not None:
        page.lang = _collapse(html.attributes.get("lang"), 35).lower() or None
    base = tree.css_first("base[href]")
    if base is not None:
        page.base_url = resolve_url(base.attributes.get("href") or "", page.url)
    canonical = tree.css_first("link[rel=canonical]")
    if canonical is not None and canonical.attributes.get("href"):
        page.canonical = extraction.resolve(canonical.attributes["href"])
    refresh_links: list[Link] = []
    robots: list[str] = []
    for meta in tree.css("meta"):
        attrs = meta.attributes
        name = (attrs.get("name") or "").strip().lower()
        content = attrs.get("content") or ""
        if name in ("robots", "googlebot"):
            robots.append(_collapse(content, 200))
        elif name == "generator" and page.generator is None:
            page.generator = _collapse(content, 200) or None
        elif (attrs.get("http-equiv") or "").strip().lower() == "refresh":
            match = _REFRESH_URL.search(content)
            target = extraction.resolve(match.group(1).strip()) if match else None
            if target:
                refresh_links.append(make_link(target, extraction.source_domain, type="refresh", placement=None))
    page.meta_robots = ", ".join(robots) or None
    page.robots_nofollow = bool(
        _ROBOTS_NOFOLLOW.search(page.meta_robots or "") or _ROBOTS_NOFOLLOW.search(x_robots_tag or "")
    )
    return refresh_links


def analytics_ids(body: bytes) -> tuple[str, ...]:
    """Google Analytics (UA-, G-), Tag Manager (GTM-) and AdSense (ca-pub-) ids in a page."""
    found: set[str] = set()
    has_gtag = b"gtag" in body or b"googletagmanager" in body
    for literal, pattern in _ANALYTICS:
        if literal == b"G-" and not has_gtag:
            continue
        if literal in body:
            found.update(match.decode() for match in pattern.findall(body))
    return tuple(sorted(found))


def _outermost(containers: list) -> list:
    """The containers not nested in another one of the list (removing those removes all)."""
    ids = {container.mem_id for container in containers}
    outermost = []
    for container in containers:
        parent = container.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            outermost.append(container)
    return outermost


def _main_text(tree: LexborHTMLParser, boilerplate: list) -> str:
    tree.strip_tags(["script", "style", "noscript", "template", "svg", "iframe", "select"])
    for container in _outermost(boilerplate):
        container.decompose()
    root = tree.css_first("main, [role=main]")
    if root is None:
        articles = tree.css("article")
        root = articles[0] if len(articles) == 1 else tree.body
    if root is None:
        return ""
    return root.text(deep=True, separator=" ")


def extract_page(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    x_robots_tag: str | None = None,
    keep_internal: bool = False,
) -> Page:
    """Extract the links and facts of one HTML page fetched from ``url`` (normalized)."""
    html, encoding = decode_html(body, content_type)
    tree = LexborHTMLParser(html)
    page = Page(url=url, encoding=encoding)
    extraction = _Extraction(tree, page, keep_internal)
    refresh_links = _head_facts(tree, page, extraction, x_robots_tag)
    page.analytics_ids = analytics_ids(body)
    add_links(page, refresh_links + extraction.links(), keep_internal)  # <head> comes first
    words = tokens(_main_text(tree, extraction.boilerplate))
    page.word_count = len(words)
    page.text_chars = sum(map(len, words))
    page.fingerprint = simhash(words)
    return page
