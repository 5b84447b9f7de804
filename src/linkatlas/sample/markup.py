"""HTML building blocks of the sample web, and the renderer that records the truth.

A page is a theme (the page skeleton with its landmark containers) plus *regions*
(``header``, ``nav``, ``article_header``, ``content``, ``article_footer``, ``comments``,
``sidebar``, ``footer``, ``body_end``) holding blocks. While it writes HTML, the renderer
resolves every ``<a>``/``<area>``/``<iframe>``/``<form>`` target the way a browser would
(``<base href>``, relative references, entity decoding), records external ones as
:class:`TruthLink` in document order and counts internal ones. The placement recorded is
the region's; every theme wraps each region in containers that the placement rules of
:mod:`linkatlas.sample.webgen` map back to that same placement.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .model import TruthLink

__all__ = [
    "A", "Raw", "P", "UL", "Wrap", "Comment", "Theme", "THEMES", "Renderer",
    "canonical_url", "normalize_text", "REGION_PLACEMENT",
]

REGION_PLACEMENT = {
    "header": "header",
    "nav": "nav",
    "article_header": "content",
    "content": "content",
    "article_footer": "content",
    "comments": "comment",
    "sidebar": "sidebar",
    "footer": "footer",
    "body_end": "content",
}

HIDING_STYLES = {
    "display": ' style="display:none"',
    "display_important": ' style="display: none !important"',
    "visibility": ' style="visibility:hidden"',
    "font": ' style="font-size:0"',
    "font_px": ' style="font-size: 0px; line-height:0"',
    "attr": " hidden",
}

_TAG = re.compile(r"<[^>]*>")
_IMG_ALT = re.compile(r"<img\b[^>]*?\balt=\"([^\"]*)\"", re.IGNORECASE)
_IMG = re.compile(r"<img\b", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_text(markup_text: str) -> str:
    """Entities decoded, every whitespace run (NBSP included) to one space, stripped."""
    return " ".join(html.unescape(markup_text).split())


def canonical_url(url: str) -> str:
    """Lowercase scheme and host, no default port, no fragment, empty path -> ``/``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{netloc}{parts.path or '/'}{query}"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(slots=True)
class A:
    """One link element. ``url`` is the canonical absolute target (or a relative ref
    for internal links); ``href`` overrides how it is written.

    ``kind``: ``a`` (text or image, decided from ``inner``), ``iframe``, ``form``, ``area``.
    ``hide``: a key of ``HIDING_STYLES`` put on the element itself.
    """

    url: str
    inner: str = ""
    rel: str | None = None
    style: str = "plain"
    href: str | None = None
    hide: str | None = None
    attrs: str = ""
    kind: str = "a"
    crawls: frozenset[int] | None = None
    rel_quote: str = '"'
    upper: bool = False


@dataclass(slots=True)
class Raw:
    html: str
    crawls: frozenset[int] | None = None


@dataclass(slots=True)
class P:
    pieces: list  # str (plain text, escaped when written) | Raw | A
    cls: str | None = None
    crawls: frozenset[int] | None = None
    tag: str = "p"


@dataclass(slots=True)
class UL:
    items: list  # each item: a list of pieces
    cls: str | None = None
    crawls: frozenset[int] | None = None
    tag: str = "ul"


@dataclass(slots=True)
class Wrap:
    """A container: ``open``/``close`` markup around blocks. ``hidden`` must be True when
    ``open`` hides its content (inline style or ``hidden`` attribute)."""

    open: str
    close: str
    blocks: list
    hidden: bool = False
    crawls: frozenset[int] | None = None


@dataclass(slots=True)
class Comment:
    author: str
    author_link: A | None
    pieces: list
    when: str
    crawls: frozenset[int] | None = None


@dataclass(frozen=True)
class Theme:
    name: str
    layout: str  # placeholders: {sitename} {h1} and the region names
    nav_item: str = "{}"  # format for one nav link
    nav_sep: str = "\n"
    widget: tuple[str, str] = ("<div>", "</div>")
    comments: str = "wp"  # comment markup family
    body_class: str = ""
    home: str = "{sitename}"  # inner markup of the home link in the header
    upper: bool = False  # write <A HREF=...> as old hand-made pages do


THEMES: dict[str, Theme] = {
    "wp": Theme(
        "wp",
        '<div id="page" class="site">\n<header id="masthead" class="site-header">\n'
        '<div class="site-branding"><p class="site-title">{home}</p></div>\n'
        "{header}\n"
        '<nav id="site-navigation" class="main-navigation"><div class="menu-primary-container">'
        '<ul id="primary-menu" class="menu">\n{nav}\n</ul></div></nav>\n</header>\n'
        '<div id="content" class="site-content">\n<div id="primary" class="content-area">'
        '<main id="main" class="site-main">\n<article class="post type-post status-publish hentry">\n'
        '<header class="entry-header"><h1 class="entry-title">{h1}</h1>\n{article_header}</header>\n'
        '<div class="entry-content post-content">\n{content}\n</div>\n'
        '<footer class="entry-footer">{article_footer}</footer>\n</article>\n'
        '<div id="comments" class="comments-area">\n{comments}\n</div>\n</main></div>\n'
        '<aside id="secondary" class="widget-area">\n{sidebar}\n</aside>\n</div>\n'
        '<footer id="colophon" class="site-footer"><div class="site-info">\n{footer}\n</div></footer>\n</div>',
        nav_item='<li class="menu-item">{}</li>',
        widget=('<section class="widget widget_text"><h2 class="widget-title">{title}</h2>', "</section>"),
        comments="wp",
        body_class="post-template-default single single-post",
    ),
    "html5": Theme(
        "html5",
        '<header>\n<div class="brand">{home}</div>\n{header}\n<nav>\n{nav}\n</nav>\n</header>\n'
        "<main>\n<article>\n<header><h1>{h1}</h1>\n{article_header}</header>\n{content}\n"
        '<footer class="post-meta">{article_footer}</footer>\n'
        '<section id="comments">\n{comments}\n</section>\n</article>\n</main>\n'
        "<aside>\n{sidebar}\n</aside>\n<footer>\n{footer}\n</footer>",
        nav_sep=" \n",
        widget=('<div class="box"><h3>{title}</h3>', "</div>"),
        comments="html5",
    ),
    "legacy": Theme(
        "legacy",
        '<div id="header">{home}\n{header}</div>\n'
        '<div id="main-nav">\n{nav}\n</div>\n'
        '<TABLE WIDTH="100%" CELLPADDING="4"><TR><TD VALIGN="top" ID="maincol">\n'
        "<H1>{h1}</H1>\n{article_header}\n{content}\n{article_footer}\n"
        '<div id="comments">\n{comments}\n</div>\n</TD>\n'
        '<TD VALIGN="top" WIDTH="220"><div class="sidebar">\n{sidebar}\n</div></TD></TR></TABLE>\n'
        '<div id="footer">\n{footer}\n</div>',
        nav_sep=" | ",
        widget=("<H4>{title}</H4>", "<BR>"),
        comments="legacy",
        home='<IMG SRC="/images/logo.gif" ALT="{sitename}" BORDER="0">',
        upper=True,
    ),
    "news": Theme(
        "news",
        '<div class="site-header">\n{home}\n{header}\n</div>\n'
        '<div role="navigation" class="primary-nav">\n{nav}\n</div>\n'
        '<main class="layout">\n<div class="article-wrap">\n<h1 class="headline">{h1}</h1>\n'
        '<div class="byline">{article_header}</div>\n<div class="post-content">\n{content}\n</div>\n'
        '<div class="article-tags">{article_footer}</div>\n</div>\n'
        '<div id="comments">\n{comments}\n</div>\n</main>\n'
        '<aside class="sidebar">\n{sidebar}\n</aside>\n'
        '<div class="site-footer">\n{footer}\n</div>',
        nav_sep=" \n",
        widget=('<div class="module"><h3 class="module-title">{title}</h3>', "</div>"),
        comments="html5",
    ),
    "forum": Theme(
        "forum",
        '<div class="site-header">\n{home}\n{header}\n'
        '<ul class="menu">\n{nav}\n</ul>\n</div>\n'
        '<div class="wrap">\n<h1 class="thread-title">{h1}</h1>\n<div class="thread">\n'
        '<div class="first-post post-content">\n{article_header}\n{content}\n{article_footer}\n</div>\n'
        '<div class="replies">\n{comments}\n</div>\n</div>\n</div>\n'
        '<div class="sidebar">\n{sidebar}\n</div>\n<div id="footer">\n{footer}\n</div>',
        nav_item="<li>{}</li>",
        widget=('<div class="panel"><h4>{title}</h4>', "</div>"),
        comments="forum",
    ),
    "pbn": Theme(
        "pbn",
        '<div class="mg-wrapper">\n<header class="site-header mg-head">\n'
        '<div class="mg-logo">{home}</div>\n{header}\n</header>\n'
        '<div id="main-nav" class="mg-nav"><ul class="menu">\n{nav}\n</ul></div>\n'
        '<div class="mg-container">\n<div class="mg-posts post-content">\n<h1 class="mg-title">{h1}</h1>\n'
        "{article_header}\n{content}\n{article_footer}\n"
        '<div id="comments">\n{comments}\n</div>\n</div>\n'
        '<div class="sidebar mg-sidebar">\n{sidebar}\n</div>\n</div>\n'
        '<div class="site-footer mg-footer">\n{footer}\n</div>\n</div>',
        nav_item='<li class="menu-item">{}</li>',
        widget=('<div class="widget"><h4 class="mg-widget-title">{title}</h4>', "</div>"),
        comments="wp",
        body_class="home blog mg-theme",
    ),
    "minimal": Theme(
        "minimal",
        '<div id="header"><h2>{home}</h2>\n{header}</div>\n<div class="menu">\n{nav}\n</div>\n'
        '<div id="content">\n<h1>{h1}</h1>\n{article_header}\n{content}\n{article_footer}\n'
        '<div id="comments">\n{comments}\n</div>\n</div>\n'
        '<div class="sidebar">\n{sidebar}\n</div>\n<div id="footer">\n{footer}\n</div>',
        nav_sep=" &middot; ",
        widget=("<h3>{title}</h3>", ""),
        comments="legacy",
    ),
    "directory": Theme(
        "directory",
        '<div class="site-header">\n{home}\n{header}\n</div>\n'
        '<ul class="menu">\n{nav}\n</ul>\n'
        '<main>\n<h1>{h1}</h1>\n{article_header}\n{content}\n{article_footer}\n'
        '<div id="comments">\n{comments}\n</div>\n</main>\n'
        '<div class="widget">\n{sidebar}\n</div>\n<div class="site-footer">\n{footer}\n</div>',
        nav_item="<li>{}</li>",
        widget=("<h3>{title}</h3>", ""),
        comments="legacy",
    ),
    "landing": Theme(
        "landing",
        '<header class="site-header">\n{home}\n{header}\n'
        '<nav aria-label="Main">\n{nav}\n</nav>\n</header>\n'
        '<main>\n<section class="hero">\n<h1>{h1}</h1>\n{article_header}\n</section>\n'
        '<section class="body">\n{content}\n</section>\n{article_footer}\n'
        '<div id="comments">\n{comments}\n</div>\n</main>\n'
        "<aside>\n{sidebar}\n</aside>\n<footer>\n{footer}\n</footer>",
        nav_sep=" \n",
        widget=('<div class="card"><h3>{title}</h3>', "</div>"),
        comments="html5",
    ),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _crawl_ok(item: object, crawl: int) -> bool:
    crawls = getattr(item, "crawls", None)
    return crawls is None or crawl in crawls


class Renderer:
    """Writes one page for one crawl, collecting external truth links and internal counts."""

    def __init__(
        self,
        page_url: str,
        domain: str,
        host_domains: dict[str, str],
        crawl: int,
        *,
        base: str | None = None,
    ) -> None:
        self.page_url = page_url
        self.base = base or page_url
        self.domain = domain
        self.host_domains = host_domains
        self.crawl = crawl
        self.links: list[TruthLink] = []
        self.internal = 0

    # -- links ------------------------------------------------------------------------------

    def link(self, a: A, placement: str | None, hidden: bool) -> str:
        href = a.href if a.href is not None else write_href(a.url, a.style, self.page_url, self.base)
        resolved = canonical_url(urljoin(self.base, html.unescape(href).strip()))
        host = host_of(resolved)
        target_domain = self.host_domains[host]
        attr_href = html.escape(href, quote=True)
        hide = HIDING_STYLES[a.hide] if a.hide else ""
        rel = f" rel={a.rel_quote}{a.rel}{a.rel_quote}" if a.rel is not None else ""
        if a.kind == "iframe":
            markup = f'<iframe src="{attr_href}"{a.attrs}{hide}></iframe>'
        elif a.kind == "form":
            markup = f'<form action="{attr_href}" method="post"{a.attrs}{hide}>{a.inner}</form>'
        elif a.kind == "area":
            markup = f'<area shape="rect" href="{attr_href}"{rel}{a.attrs}{hide}>'
        elif a.upper:
            rel = rel.replace(" rel=", " REL=")
            markup = f'<A HREF="{attr_href}"{rel}{a.attrs}{hide}>{a.inner}</A>'
        else:
            markup = f'<a href="{attr_href}"{rel}{a.attrs}{hide}>{a.inner}</a>'
        if target_domain == self.domain:
            if a.kind in ("a", "area"):
                self.internal += 1
            return markup
        if a.url.startswith(("http://", "https://")) and resolved != a.url:
            raise AssertionError(f"href {href!r} on {self.page_url} resolves to {resolved}, not {a.url}")
        self.links.append(self._truth(a, resolved, target_domain, placement, hidden or bool(a.hide)))
        return markup

    def _truth(
        self, a: A, target: str, target_domain: str, placement: str | None, hidden: bool
    ) -> TruthLink:
        tokens = set(a.rel.lower().split()) if a.rel and a.kind == "a" else set()
        anchor, alt, link_type = "", "", {"iframe": "frame", "form": "form"}.get(a.kind, "text")
        if a.kind in ("a", "area"):
            anchor, alt, link_type = anchor_of(a.inner)
        return TruthLink(
            source_url=self.page_url,
            target_url=target,
            anchor=anchor,
            alt=alt,
            nofollow="nofollow" in tokens,
            ugc="ugc" in tokens,
            sponsored="sponsored" in tokens,
            type=link_type,
            placement=placement,
            hidden=hidden,
            target_domain=target_domain,
        )

    def head_link(self, target: str, link_type: str) -> None:
        """A refresh or redirect link (no placement, no anchor)."""
        target = canonical_url(urljoin(self.base, target))
        target_domain = self.host_domains[host_of(target)]
        if target_domain == self.domain:
            return
        self.links.append(
            TruthLink(self.page_url, target, "", "", False, False, False, link_type, None, False,
                      target_domain)
        )

    # -- blocks -----------------------------------------------------------------------------

    def pieces(self, pieces: Iterable, placement: str, hidden: bool) -> str:
        out = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(html.escape(piece, quote=False))
            elif not _crawl_ok(piece, self.crawl):
                continue
            elif isinstance(piece, A):
                out.append(self.link(piece, placement, hidden))
            elif isinstance(piece, Raw):
                out.append(piece.html)
            else:
                out.append(self.blocks([piece], placement, hidden))
        return "".join(out)

    def blocks(self, blocks: Sequence, placement: str, hidden: bool) -> str:
        out = []
        for block in blocks:
            if not _crawl_ok(block, self.crawl):
                continue
            if isinstance(block, P):
                cls = f' class="{block.cls}"' if block.cls else ""
                body = self.pieces(block.pieces, placement, hidden)
                out.append(f"<{block.tag}{cls}>{body}</{block.tag}>")
            elif isinstance(block, UL):
                cls = f' class="{block.cls}"' if block.cls else ""
                items = [
                    f"<li>{self.pieces(item, placement, hidden)}</li>"
                    for item in block.items
                    if _crawl_ok(item, self.crawl)
                ]
                out.append(f"<{block.tag}{cls}>\n" + "\n".join(items) + f"\n</{block.tag}>")
            elif isinstance(block, Wrap):
                inner = self.blocks(block.blocks, placement, hidden or block.hidden)
                out.append(block.open + inner + block.close)
            elif isinstance(block, Raw):
                out.append(block.html)
            elif isinstance(block, A):
                out.append(self.link(block, placement, hidden))
            else:
                raise TypeError(f"unknown block {block!r}")
        return "\n".join(out)

    def comments(self, comments: Sequence[Comment], family: str) -> str:
        out = []
        for number, comment in enumerate(comments, start=1):
            if not _crawl_ok(comment, self.crawl):
                continue
            author = (
                self.link(comment.author_link, "comment", False)
                if comment.author_link is not None and _crawl_ok(comment.author_link, self.crawl)
                else html.escape(comment.author)
            )
            body = self.pieces(comment.pieces, "comment", False)
            out.append(_COMMENT_FORMATS[family].format(n=number, author=author, body=body, when=comment.when))
        if not out:
            return ""
        opener, closer = _COMMENT_LISTS[family]
        return opener + "\n".join(out) + closer

    def render_layout(self, theme: Theme, regions: dict, sitename: str, h1: str) -> str:
        """The theme's layout with every region rendered in document order."""
        out: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(theme.layout):
            out.append(theme.layout[position : match.start()])
            position = match.end()
            name = match.group(1)
            if name == "sitename":
                out.append(sitename)
            elif name == "home":
                inner = theme.home.format(sitename=sitename)
                out.append(self.link(A("/", inner, upper=theme.upper), "header", False))
            elif name == "h1":
                out.append(h1)
            elif name == "comments":
                out.append(self.comments(regions.get("comments", ()), theme.comments))
            elif name == "nav":
                out.append(self._nav(theme, regions.get("nav", ())))
            elif name == "sidebar":
                out.append(self._sidebar(theme, regions.get("sidebar", ())))
            else:
                out.append(self.blocks(regions.get(name, ()), REGION_PLACEMENT[name], False))
        out.append(theme.layout[position:])
        return "".join(out)

    def _nav(self, theme: Theme, items: Sequence) -> str:
        rendered = [
            theme.nav_item.format(self.pieces([item], "nav", False))
            for item in items
            if _crawl_ok(item, self.crawl)
        ]
        return theme.nav_sep.join(rendered)

    def _sidebar(self, theme: Theme, widgets: Sequence) -> str:
        out = []
        for widget in widgets:
            if not _crawl_ok(widget, self.crawl):
                continue
            title, blocks = widget
            opener, closer = theme.widget
            out.append(opener.format(title=html.escape(title)) + self.blocks(blocks, "sidebar", False) + closer)
        return "\n".join(out)


_COMMENT_LISTS = {
    "wp": ('<h2 class="comments-title">Comments</h2>\n<ol class="comment-list">\n', "\n</ol>"),
    "html5": ("<h2>Comments</h2>\n", ""),
    "forum": ("", ""),
    "legacy": ("<H3>Comments</H3>\n<TABLE>\n", "\n</TABLE>"),
}

_COMMENT_FORMATS = {
    "wp": (
        '<li id="comment-{n}" class="comment even depth-1">\n'
        '<article id="div-comment-{n}" class="comment-body">\n'
        '<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{author}</b> '
        '<span class="says">says:</span></div>\n<div class="comment-metadata"><time>{when}</time></div></footer>\n'
        '<div class="comment-content"><p>{body}</p></div>\n</article>\n</li>'
    ),
    "html5": '<div class="comment" id="c{n}"><p class="author">{author} &middot; {when}</p>\n<p>{body}</p></div>',
    "forum": (
        '<div class="post comment" id="post-{n}">\n<div class="postprofile">{author}<br><span>{when}</span></div>\n'
        '<div class="postbody"><p>{body}</p></div>\n</div>'
    ),
    "legacy": "<TR><TD><B>{author}</B> wrote on {when}:<BR>\n{body}</TD></TR>",
}


def anchor_of(inner: str) -> tuple[str, str, str]:
    """(anchor, alt, type) of an ``<a>`` whose inner markup is ``inner``."""
    text = normalize_text(_TAG.sub("", inner))
    alt_match = _IMG_ALT.search(inner)
    alt = normalize_text(alt_match.group(1)) if alt_match else ""
    if not text and _IMG.search(inner):
        return alt, alt, "image"
    return text, alt, "text"


def write_href(url: str, style: str, page_url: str, base: str) -> str:
    """``url`` written the way ``style`` asks; it must resolve back to ``url``."""
    if style == "plain" or not url.startswith(("http://", "https://")):
        return url
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    path = "/" + path
    if style == "upper":
        return f"{scheme.upper()}://{host.upper()}{path}"
    if style == "mixed":
        return f"{scheme}://{'.'.join(label.capitalize() for label in host.split('.'))}{path}"
    if style == "port":
        return f"{scheme}://{host}:{_DEFAULT_PORTS[scheme]}{path}"
    if style == "fragment":
        return f"{url}#{'top' if path == '/' else 'section-2'}"
    if style == "schemeless" and page_url.startswith(scheme + "://"):
        return f"//{host}{path}"
    if style == "nopath" and path == "/":
        return f"{scheme}://{host}"
    if style == "spaces":
        return f"\n      {url} "
    if style == "relbase" and url.startswith(base) and base != page_url:
        return url[len(base):]
    return url
