"""HTML → links and page facts, with the lexbor parser (selectolax).

One CSS query finds the links (another the head facts). Internal links are only counted, before
any per-link work. For each stored link, its innermost landmark container, hidden ancestor and
text block come from walks up the tree that remember every element they pass, so an element is
classified at most once per page however deeply the page nests, and a page without external
links costs no walk at all:

- links are ``<a href>``, ``<area href>`` (anchor: alt), ``<iframe/frame src>`` (type frame),
  ``<form action>`` (type form) and ``<meta http-equiv=refresh>`` (type refresh);
- placement comes from the *innermost* landmark container holding the link: tags, ARIA roles,
  and class/id words in any case (see ``_CATEGORY_PARTS``);
- hidden means the link or an ancestor has inline ``display:none``, ``visibility:hidden``,
  ``font-size:0`` or the ``hidden`` attribute;
- the main text (for word count and simhash) is ``<main>``, else a lone ``<article>``, else
  ``<body>``, without scripts, styles, forms and nav/header/footer/aside elements.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field

import numpy as np
from selectolax.lexbor import LexborCSSSelector, LexborHTMLParser

from linkatlas.extract.caching import short_key_cache
from linkatlas.extract.domains import domain_of
from linkatlas.extract.encoding import decode_html
from linkatlas.extract.terms import mailto_addresses
from linkatlas.extract.textfacts import EncodedText, encode_text, encoded_text_facts
from linkatlas.extract.urls import clean_absolute_host, resolve_absolute, resolve_url, url_host

__all__ = [
    "Link", "Page", "extract_page", "settle_text_facts", "make_link", "add_links", "rel_flags", "robots_nofollow",
    "refresh_href", "LINK_TYPES", "PLACEMENTS",
]

LINK_TYPES = ("text", "image", "frame", "refresh", "redirect", "form")
PLACEMENTS = ("content", "nav", "header", "footer", "sidebar", "comment")

MAX_ANCHOR = 512
MAX_CONTEXT = 240
MAX_TITLE = 512
MAX_LINKS_PER_PAGE = 20_000

_URL_ATTRIBUTE = {"a": "href", "area": "href", "form": "action"}  # iframe and frame: src
_STATE_ATTRIBUTES = frozenset(("class", "id", "role", "style", "hidden"))  # what own_state() reads
_ABSOLUTE_PREFIXES = ("http://", "https://")
_SHARED_HREFS = 1 << 14  # absolute hrefs remembered across pages (sitewide links repeat on every page)
_MAX_SHARED_HREF = 512  # ... if at most this long, so the cache stays a few MB whatever the input

_LINK_SELECTOR = "a[href], area[href], iframe[src], frame[src], form[action]"
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0*\.?0+(?:px|pt|em|rem|%)?\s*(?:;|!|$)",
    re.IGNORECASE,
)
# An href with no scheme and no authority ("/a", "b.html", "?q", "#x"): it resolves onto the base's host.
_RELATIVE_HREF = re.compile(r"(?:/(?![/\\])|(?![/\\])[^:/?#\\]*(?:[/?#]|\Z))[^\t\n\r\\]*\Z")
_HREF_SPACE = " \t\n\r\f"
# After "scheme://": an authority as normalize_url reads it, holding no space or control character
# (those it strips or removes, which would make two different writings read the same)
_AUTHORITY = re.compile(r"[^/?#\\\x00-\x20]+")
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
_NOT_MAIN_TEXT = [
    "script", "style", "noscript", "template", "svg", "iframe", "select", "form",
    "nav", "header", "footer", "aside",
]
_BOILERPLATE_NAMES = (
    "header", "masthead", "footer", "colophon", "sidebar", "secondary", "widget", "comments", "comment",
    "menu", "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "site-header", "site-footer",
)
# "#header, .header, #footer, ...", written so that lexbor tries the names only on elements that
# have an id or a class (same matches, a third of the work on real pages)
_BOILERPLATE_SELECTOR = (
    "[id]:is(" + ", ".join(f"#{name}" for name in _BOILERPLATE_NAMES) + "), "
    "[class]:is(" + ", ".join(f".{name}" for name in _BOILERPLATE_NAMES) + ")"
)
_LANDMARK_SELECTOR = "main, [role=main i], article"
# only the elements _head_facts() reads: a canonical link (a superset: "canonical" anywhere in rel, checked
# as a token after), a meta with a name or http-equiv (not Open Graph's property ones), once each (:is)
_HEAD_SELECTOR = "html, title, base[href], link[rel*=canonical i][href], meta:is([name], [http-equiv])"
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?\s*([^'\"\s>][^'\"]*)", re.IGNORECASE)
_ANALYTICS = (  # (prefix, the id pattern starting with it)
    (b"UA-", re.compile(rb"UA-\d{4,10}-\d{1,4}(?![\w-])")),
    (b"GTM-", re.compile(rb"GTM-[A-Z0-9]{4,9}(?![\w-])")),
    (b"ca-pub-", re.compile(rb"ca-pub-\d{10,20}(?!\w)")),
    (b"G-", re.compile(rb"G-[A-Z0-9]{6,12}(?![\w-])")),
)
_DASH = ord("-")
_PREFIX_BY_LAST_BYTE = {literal[-2]: (literal, pattern) for literal, pattern in _ANALYTICS}  # A M b G: one each
_ROBOTS_NOFOLLOW = re.compile(r"(?:^|[\s,:])(nofollow|none)(?:$|[\s,])", re.IGNORECASE)
_engines = threading.local()


def _css(node, query: str, first: bool = False) -> list:
    """``node.css(query)`` (``css_first`` as a list of at most one with ``first``), with one CSS
    selector engine per thread: selectolax makes a new engine for each parsed document on its
    first query, and making it (allocating lexbor's selector parser and matcher) costs more than
    the link query itself on a small page."""
    if node is None:
        return []
    engine = getattr(_engines, "engine", None)
    if engine is None:
        engine = _engines.engine = LexborCSSSelector()
    return engine.find_first(query, node) if first else engine.find(query, node)


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
    text_bytes: int = 0
    internal_links: int = 0
    external_links: int = 0
    fingerprint: int | None = None
    terms: tuple[str, ...] | None = None  # top main-text words (None: the source has no text, e.g. WAT)
    emails: tuple[str, ...] | None = None  # mailto: addresses
    links: list[Link] = field(default_factory=list)
    pending_text: EncodedText | None = None  # main text whose facts settle_text_facts() has yet to fill in


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


def robots_nofollow(meta_robots: str | None, x_robots_tag: str | None) -> bool:
    """Does the page's meta robots or X-Robots-Tag say nofollow (or none)?"""
    return bool(_ROBOTS_NOFOLLOW.search(meta_robots or "") or _ROBOTS_NOFOLLOW.search(x_robots_tag or ""))


def refresh_href(content: str) -> str | None:
    """The URL of a meta refresh ``content`` ("0; url=...")."""
    match = _REFRESH_URL.search(content)
    return match.group(1).strip() if match else None


def _collapse(text: str | None, limit: int) -> str:
    if not text:
        return ""
    return " ".join(text.split())[:limit]


def _outermost(nodes: list) -> list:
    """The nodes not nested in another node of the list (removing those removes all), each once:
    a selector list yields an element once per selector it matches (lexbor), and removing an
    element twice would free it twice. Each element is walked past once (``covered`` remembers
    the answer), so nesting is linear."""
    marked = {node.mem_id for node in nodes}
    covered: dict[int, bool] = {}  # element -> it or an ancestor is marked
    outermost = []
    taken: set[int] = set()
    for node in nodes:
        if node.mem_id in taken:
            continue
        taken.add(node.mem_id)
        chain = []
        parent = node.parent
        while parent is not None and parent.mem_id not in marked and parent.mem_id not in covered:
            chain.append(parent.mem_id)
            parent = parent.parent
        inside = parent is not None and (parent.mem_id in marked or covered[parent.mem_id])
        for key in chain:
            covered[key] = inside
        if not inside:
            outermost.append(node)
    return outermost


def _ancestors_of(nodes, ancestors: set[int]) -> set[int]:
    """Add to ``ancestors`` (closed under parent) the mem_ids of every element containing one of ``nodes``."""
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ancestors:
            ancestors.add(parent.mem_id)
            parent = parent.parent
    return ancestors


@short_key_cache(maxsize=4096, max_chars=512)
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


def _url_target(url: str | None) -> tuple[str, str, str] | None:
    """(url, host, registrable domain) of a normalized URL, or None."""
    if url is None:
        return None
    host = url_host(url)
    return url, host, domain_of(host)


@functools.lru_cache(maxsize=_SHARED_HREFS)
def _absolute_target(href: str) -> tuple[str, str, str] | None:
    clean = clean_absolute_host(href.partition("#")[0])  # the usual case: its host is at hand
    if clean is not None:
        return clean[0], clean[1], domain_of(clean[1])
    return _url_target(resolve_absolute(href))


class _Extraction:
    """State of one page's extraction (kept small: one instance per page)."""

    def __init__(self, tree: LexborHTMLParser, page: Page, keep_internal: bool) -> None:
        self.tree = tree
        self.page = page
        self.keep_internal = keep_internal
        self.source_domain = domain_of(url_host(page.url))
        self.resolved: dict[str, str | None] = {}
        self.states: dict[int, tuple[str | None, bool, bool]] = {}
        self.main_holders: set[int] | None = None
        self.landmark_nodes: list | None = None
        self.content_holders: set[int] = set()
        self.blocks: dict[int, object] = {}
        self.text_budget = 0  # characters of block text context() may still read (set per page)

    def resolve(self, href: str) -> str | None:
        resolved = self.target(href)
        return resolved[0] if resolved else None

    def target(self, href: str) -> tuple[str, str, str] | None:
        """(normalized URL, host, registrable domain) of an href: an absolute one is remembered
        across pages (it resolves the same against every base), any other per page."""
        if len(href) <= _MAX_SHARED_HREF and href.startswith(_ABSOLUTE_PREFIXES):
            return _absolute_target(href)
        if href in self.resolved:
            return self.resolved[href]
        resolved = _url_target(resolve_url(href, self.page.base_url or self.page.url))
        self.resolved[href] = resolved
        return resolved

    def state(self, node, attrs: dict | None = None) -> tuple[str | None, bool, bool]:
        """(innermost landmark placement, hidden, inside a sectioning element) of ``node``
        (whose ``attrs`` the caller may already hold).

        Walks up to the nearest element already known and classifies the elements passed from
        the top down, so every element of a page is classified at most once.
        """
        states = self.states
        chain = []
        state = _NO_STATE
        while node is not None:
            key = node.mem_id
            known = states.get(key)
            if known is not None:
                state = known
                break
            chain.append((node, key))
            node = node.parent
        for position in range(len(chain) - 1, -1, -1):
            element, key = chain[position]
            state = self.own_state(element, state, attrs if position == 0 else None)
            states[key] = state
        return state

    def own_state(self, element, parent_state: tuple[str | None, bool, bool],
                  attrs: dict | None = None) -> tuple[str | None, bool, bool]:
        """The state of ``element`` given its parent's (the same tuple when it changes nothing).
        A node that is not an element has no attributes and is no landmark tag: it changes nothing."""
        tag = element.tag
        state = parent_state
        if tag in _SECTIONING and not state[2]:
            state = (state[0], state[1], True)
        if tag in _NEVER_CONTAINERS:
            return state
        if attrs is None:
            attrs = element.attributes
        if attrs:
            if not state[1] and ("hidden" in attrs or _HIDDEN_STYLE.search(attrs.get("style") or "")):
                state = (state[0], True, state[2])
            role, classes, element_id = attrs.get("role"), attrs.get("class"), attrs.get("id")
            if role is None and classes is None and element_id is None and tag not in _TAG_CATEGORY:
                return state  # nothing names a landmark
        elif tag in _TAG_CATEGORY:
            role = classes = element_id = None
        else:
            return state
        category = _named_category(tag, role, classes, element_id)
        if category is None or category == state[0]:
            return state
        if tag in _TAG_CATEGORY:
            if parent_state[2] and category in ("header", "footer"):
                return state  # an article's own header/footer is part of the content
        elif element.mem_id in self.holders(main_only=category == "comment"):
            return state  # a page wrapper named "main-nav-wrapper" is not a menu
        return category, state[1], state[2]

    def landmarks(self) -> list:
        """The page's <main>, [role=main] and <article> elements, once each, in document order
        (one query serves placement and, before its tags are stripped, the main text)."""
        if self.landmark_nodes is None:
            seen: set[int] = set()
            self.landmark_nodes = []
            for node in _css(self.tree.root, _LANDMARK_SELECTOR):  # an element comes once per selector it matches
                if node.mem_id not in seen:
                    seen.add(node.mem_id)
                    self.landmark_nodes.append(node)
        return self.landmark_nodes

    def holders(self, main_only: bool) -> set[int]:
        """Elements holding the page's <main> (or, unless main_only, an <article>): never landmarks.
        Comments are often <article>s, so only <main> disqualifies a comment container."""
        if self.main_holders is None:
            mains, articles = [], []
            for node in self.landmarks():
                (articles if node.tag == "article" else mains).append(node)
            self.main_holders = _ancestors_of(mains, set())
            self.content_holders = _ancestors_of(articles, set(self.main_holders))
        return self.main_holders if main_only else self.content_holders

    def block_of(self, node):
        """The nearest ancestor of ``node`` that is not an inline element (remembered per element)."""
        path = []
        block = node.parent
        while block is not None and block.tag in _INLINE:
            key = block.mem_id
            if key in self.blocks:
                block = self.blocks[key]
                break
            path.append(key)
            block = block.parent
        for key in path:
            self.blocks[key] = block
        return block

    def context(self, node, anchor: str, cache: dict, only_text: bool = False) -> str:
        block = node.parent
        if block is not None and block.tag in _INLINE:
            block = self.block_of(node)
        if block is None:
            return anchor[:MAX_CONTEXT]
        if only_text and block.mem_id == node.parent.mem_id:
            lone = self.lone_link_context(node, block, anchor)
            if lone is not None:
                return lone
        # An anchor split by inline tags ("exam<b>ple</b>" -> "example") is whole only in the text
        # joined without separators; otherwise the spaced text reads better around block tags.
        split = anchor and not only_text and _collapse(node.text(deep=True, separator=" "), MAX_ANCHOR) != anchor
        separator = "" if split else " "
        key = (block.mem_id, separator)
        entry = cache.get(key)
        if entry is None:
            if self.text_budget <= 0:
                return anchor[:MAX_CONTEXT]  # blocks nested in blocks re-read the page over and over: hostile
            entry = cache[key] = [" ".join(block.text(deep=True, separator=separator).split()), 0]
            self.text_budget -= len(entry[0])
        text, start = entry
        if len(text) <= MAX_CONTEXT:
            return text
        position = text.find(anchor, start) if anchor else -1
        if position < 0:
            position = start
        else:
            entry[1] = position + len(anchor)
        half = (MAX_CONTEXT - len(anchor)) // 2
        begin = max(0, min(position - max(half, 0), len(text) - MAX_CONTEXT))
        return text[begin: begin + MAX_CONTEXT]

    def lone_link_context(self, node, block, anchor: str) -> str | None:
        """The context of a text-only link that is all its block (its parent) holds
        (``<li><a>..</a></li>``: no node before or after it),
        without reading the block: its text is the anchor's, so the window is the anchor's start.
        Charged to the text budget as reading the block would be (no other link reads that
        block). None for any other link, or an anchor cut at MAX_ANCHOR."""
        if not 0 < len(anchor) < MAX_ANCHOR or node.next is not None or node.prev is not None:
            return None
        self.text_budget -= len(anchor)  # once spent, the budget stays spent: reading or not, the same answer
        return anchor[:MAX_CONTEXT]

    def links(self) -> list[Link]:
        """The page's links in document order, numbered after those already on the page; internal
        ones only counted unless kept.

        The common cases are worked out inline (a link placed as its parent is, a text-only link
        alone in its block); :meth:`state`, :meth:`block_of` and :meth:`context` do the rest."""
        context_cache: dict = {}
        links: list[Link] = []
        append = links.append
        page = self.page
        keep_internal = self.keep_internal
        source_domain = self.source_domain
        ordinal = len(page.links)
        internal_links = external_links = 0
        base = page.base_url or page.url
        # with internal links only counted, a relative href needs no resolving when it stays on the site
        skip_relative = not keep_internal and domain_of(url_host(base)) == source_domain
        # ... and neither does an absolute one whose scheme and authority as written, up to the
        # first "/", are the page's or were already seen to be on the site ("https://www.site.com/"):
        # what follows cannot make the URL unusable
        if keep_internal:
            internal_heads = None
        else:
            host = url_host(page.url)
            internal_heads = {f"http://{host}/", f"https://{host}/"}
        nodes = _css(self.tree.root, _LINK_SELECTOR)
        for node in nodes if len(nodes) <= MAX_LINKS_PER_PAGE else nodes[:MAX_LINKS_PER_PAGE]:
            tag = node.tag
            attrs = node.attributes
            href = attrs.get(_URL_ATTRIBUTE.get(tag, "src"))
            if not href:
                continue
            if len(href) <= _MAX_SHARED_HREF and href.startswith(_ABSOLUTE_PREFIXES):
                if internal_heads is not None:
                    start = 7 if href[4] == ":" else 8
                    slash = href.find("/", start)
                    head = href[:slash + 1] if slash > 0 else ""
                    if head in internal_heads:
                        internal_links += 1
                        continue
                    resolved = _absolute_target(href)
                    if resolved is not None and resolved[2] == source_domain:
                        if head and _AUTHORITY.fullmatch(href, start, slash):
                            internal_heads.add(head)
                        internal_links += 1
                        continue
                else:
                    resolved = _absolute_target(href)
            elif skip_relative and len(href) < 4096 and _RELATIVE_HREF.match(href.strip(_HREF_SPACE)):
                internal_links += 1
                continue
            else:
                resolved = self.target(href)
            if resolved is None:
                continue
            internal = resolved[2] == source_domain
            if internal:
                internal_links += 1
                if not keep_internal:
                    continue
            else:
                external_links += 1
            parent = node.parent
            state = self.link_state(node, parent, attrs)
            child = node.child
            only_text = child is None or (child.is_text_node and child.next is None)
            if tag == "a" and only_text:
                link_type, alt = "text", ""
                text = child.text() if child is not None else ""
                anchor = " ".join(text.split())[:MAX_ANCHOR] if text else ""
            else:
                link_type, anchor, alt = _anchor(node, tag, attrs, only_text)
            if link_type == "text" or link_type == "image":
                context = self.link_context(node, parent, anchor if link_type == "text" else "", context_cache,
                                            only_text)
            else:
                context = ""
            rel = attrs.get("rel")
            nofollow, ugc, sponsored = _rel_flags(rel) if rel else _NO_REL
            append(Link(resolved[0], resolved[1], resolved[2], anchor, alt, nofollow, ugc, sponsored, link_type,
                        state[0] or "content", state[1], context, internal, ordinal))
            ordinal += 1
        page.internal_links += internal_links
        page.external_links += external_links
        return links

    def link_state(self, node, parent, attrs: dict) -> tuple[str | None, bool, bool]:
        """:meth:`state` of a link element, whose parent and ``attrs`` the caller holds: a link
        without class, id, role, style or hidden attribute is placed and hidden as its parent is
        (its own state is not remembered: an element inside it that is asked for works it out
        again, the same)."""
        if parent is not None and _STATE_ATTRIBUTES.isdisjoint(attrs):
            return self.states.get(parent.mem_id) or self.state(parent)
        return self.state(node, attrs)

    def link_context(self, node, parent, anchor: str, cache: dict, only_text: bool) -> str:
        """:meth:`context` of a link whose parent the caller holds; a text-only link that is all its
        block holds (``<li><a>..</a></li>``) is answered without reading the block (see
        :meth:`lone_link_context`)."""
        if only_text and parent is not None and parent.tag not in _INLINE:
            lone = self.lone_link_context(node, parent, anchor)
            if lone is not None:
                return lone
        return self.context(node, anchor, cache, only_text)


_NO_REL = (False, False, False)
_NO_STATE: tuple[str | None, bool, bool] = (None, False, False)  # above the document: no landmark, not hidden


@short_key_cache(maxsize=1024, max_chars=256)
def _rel_flags(rel: str) -> tuple[bool, bool, bool]:
    return rel_flags(rel)


def _anchor(node, tag: str, attrs: dict, only_text: bool) -> tuple[str, str, str]:
    """(link type, anchor, alt) of a link element: an <a> wrapping only an image is an image link
    whose anchor is the image's alt; an <area>'s anchor is its alt."""
    if tag == "a":
        text = node.text(deep=True)
        anchor = " ".join(text.split())[:MAX_ANCHOR] if text else ""
        image = None if only_text else next(iter(_css(node, "img", first=True)), None)
        if image is None:
            return "text", anchor, ""
        alt = _collapse(image.attributes.get("alt") or "", MAX_ANCHOR)
        return ("text", anchor, alt) if anchor else ("image", alt, alt)
    if tag == "area":
        alt = _collapse(attrs.get("alt"), MAX_ANCHOR)
        return "image", alt, alt
    return ("form" if tag == "form" else "frame"), "", ""


def _head_facts(tree: LexborHTMLParser, page: Page, extraction: _Extraction, x_robots_tag: str | None):
    refresh_hrefs: list[str] = []
    robots: list[str] = []
    seen: set[str] = set()
    for node in _css(tree.root, _HEAD_SELECTOR):
        tag = node.tag
        attrs = node.attributes
        if tag == "meta":
            _meta_fact(attrs, page, robots, refresh_hrefs)
        elif tag in seen:
            continue  # the first <title>, <html>, <base> and canonical count
        elif tag == "title":
            page.title = _collapse(node.text(), MAX_TITLE) or None
        elif tag == "html":
            page.lang = _collapse(attrs.get("lang"), 35).lower() or None
        elif tag == "base":
            page.base_url = resolve_url(attrs.get("href") or "", page.url)
        elif tag == "link":
            if "canonical" not in (attrs.get("rel") or "").lower().split() or not attrs.get("href"):
                continue
            canonical_href = attrs["href"]
        seen.add(tag)
    if "link" in seen:
        page.canonical = extraction.resolve(canonical_href)  # after <base>, wherever it stood
    page.meta_robots = ", ".join(robots) or None
    page.robots_nofollow = robots_nofollow(page.meta_robots, x_robots_tag)
    refresh_links: list[Link] = []
    for href in refresh_hrefs:
        target = extraction.resolve(href)
        if target:
            refresh_links.append(make_link(target, extraction.source_domain, type="refresh", placement=None))
    return refresh_links


def _meta_fact(attrs, page: Page, robots: list[str], refresh_hrefs: list[str]) -> None:
    if "name" not in attrs and "http-equiv" not in attrs:
        return  # charset, property (Open Graph), itemprop...: none of ours
    name = (attrs.get("name") or "").strip().lower()
    content = attrs.get("content") or ""
    if name in ("robots", "googlebot"):
        robots.append(_collapse(content, 200))
    elif name == "generator" and page.generator is None:
        page.generator = _collapse(content, 200) or None
    elif (attrs.get("http-equiv") or "").strip().lower() == "refresh":
        href = refresh_href(content)
        if href:
            refresh_hrefs.append(href)


def analytics_ids(body: bytes) -> tuple[str, ...]:
    """Google Analytics (UA-, G-), Tag Manager (GTM-) and AdSense (ca-pub-) ids in a page.

    A few vectorised passes mark the dashes that end one of the prefixes ("UA-", "GTM-",
    "ca-pub-", "G-"); only those few positions are checked with the id patterns. (The mark is
    made over the whole body before any position is taken: pages carry thousands of dashes in
    their CSS and scripts, and listing them all first costs more than the comparisons.)
    """
    data = np.frombuffer(body, dtype=np.uint8)
    before = data[:-1]
    ends_prefix = (before == 65) | (before == 77) | (before == 98) | (before == 71)  # the bytes A M b G
    ends_prefix &= data[1:] == _DASH
    candidates = np.flatnonzero(ends_prefix) + 1
    found: set[str] = set()
    google_tag = None
    for dash in candidates.tolist():
        literal, pattern = _PREFIX_BY_LAST_BYTE[body[dash - 1]]  # the only prefix that can end here
        start = dash + 1 - len(literal)
        if start < 0 or not body.startswith(literal, start):
            continue
        match = pattern.match(body, start)
        if match is None:
            continue
        if literal == b"G-":
            if google_tag is None:  # "G-" alone is too common to mean Google Analytics
                google_tag = b"gtag" in body or b"googletagmanager" in body
            if not google_tag:
                continue
        found.add(match.group().decode())
    return tuple(sorted(found))


def _main_text(tree: LexborHTMLParser, landmarks: list) -> str:
    """<main>, else a lone <article>, else <body>: without scripts, styles, forms, the
    nav/header/footer/aside elements and the containers with the commonest boilerplate ids and
    classes (matching every class/id word, as placement does, would cost more than it corrects).

    ``landmarks`` are the page's <main>, [role=main] and <article> elements before the strip
    (:meth:`_Extraction.landmarks`): those still in the document after it are the ones a
    query for them would find."""
    root = _main_root(tree, landmarks)
    if root is None:
        return ""
    boilerplate = [
        node for node in _css(root, _BOILERPLATE_SELECTOR)
        if node.tag not in _NEVER_CONTAINERS and node.mem_id != root.mem_id
    ]
    for node in _outermost(boilerplate):
        node.decompose()
    return root.text(deep=True, separator=" ")


def _main_root(tree: LexborHTMLParser, landmarks: list):
    """Strip the tags that are never main text; then the first <main> or [role=main] left, else
    the one <article> left, else <body>."""
    tree.strip_tags(_NOT_MAIN_TEXT)
    present = _still_in_document(landmarks, tree.root)
    root = next((node for node in present if node.tag != "article" or _role_is_main(node)), None)
    if root is None:
        articles = [node for node in present if node.tag == "article"]
        root = articles[0] if len(articles) == 1 else tree.body
    return root


def _role_is_main(node) -> bool:
    """``[role=main i]``: the role attribute is "main", ASCII case-insensitively."""
    role = node.attributes.get("role")
    return role is not None and role.isascii() and role.lower() == "main"


def _still_in_document(nodes: list, root) -> list:
    """The ``nodes`` whose ancestors still reach ``root`` (not in a subtree taken out of the
    document), in order. Each element is walked past once, however deep the nesting."""
    attached: dict[int, bool] = {} if root is None else {root.mem_id: True}
    present = []
    for node in nodes:
        chain = []
        current = node
        while current is not None and current.mem_id not in attached:
            chain.append(current.mem_id)
            current = current.parent
        inside = current is not None and attached[current.mem_id]
        for key in chain:
            attached[key] = inside
        if inside:
            present.append(node)
    return present


def settle_text_facts(pages: list[Page]) -> None:
    """Fill in word count, word bytes, simhash and top terms of pages extracted with
    ``defer_text_facts``: computed for all of them at once (see :mod:`linkatlas.extract.textfacts`)."""
    waiting = [page for page in pages if page.pending_text is not None]
    for page, facts in zip(waiting, encoded_text_facts([page.pending_text for page in waiting])):
        page.word_count, page.text_bytes, page.fingerprint, page.terms = facts
        page.pending_text = None


def extract_page(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    x_robots_tag: str | None = None,
    keep_internal: bool = False,
    defer_text_facts: bool = False,
) -> Page:
    """Extract the links and facts of one HTML page fetched from ``url`` (normalized).

    With ``defer_text_facts`` the main text's facts (word count, word bytes, simhash, terms) are
    left to :func:`settle_text_facts`, which computes those of many pages at once."""
    html, encoding = decode_html(body, content_type)
    tree = LexborHTMLParser(html)
    page = Page(url=url, encoding=encoding)
    extraction = _Extraction(tree, page, keep_internal)
    extraction.text_budget = 8 * len(body) + 65536
    refresh_links = _head_facts(tree, page, extraction, x_robots_tag)
    page.analytics_ids = analytics_ids(body)
    add_links(page, refresh_links, keep_internal)  # <head> comes first
    page.links.extend(extraction.links())  # counted as internal/external already
    page.pending_text = encode_text(_main_text(tree, extraction.landmarks()))
    page.emails = mailto_addresses(body)
    if not defer_text_facts:
        settle_text_facts([page])
    return page
