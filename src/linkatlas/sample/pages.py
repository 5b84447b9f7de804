"""Pages of the sample web and their rendering into HTTP responses with truth facts."""

from __future__ import annotations

import html
import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from .cast import SiteSpec
from .furniture import SiteFurniture
from .markup import THEMES, Renderer, normalize_text
from .model import TruthFetch, TruthLink

__all__ = ["Page", "SiteFacts", "REASONS", "render_fetch", "pdf_bytes", "png_bytes", "utc"]

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 410: "Gone",
           500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Page:
    spec: SiteSpec
    url: str
    title: str  # title markup (entities allowed)
    statuses: tuple[int | None, ...]  # per crawl; None: not fetched in that crawl
    regions: dict = field(default_factory=dict)
    locations: tuple[str | None, ...] = ()  # per crawl, for 3xx statuses
    kind: str = "html"  # html | pdf | image
    h1: str | None = None
    meta_robots: str | None = None
    x_robots: str | None = None
    refresh: tuple[str, str] | None = None  # (content attribute as written, target URL)
    base: str | None = None
    description: str = ""
    head_extra: str = ""
    canonical: str | None = None  # rel=canonical URL when not the page's own (syndicated copies)

    def alive(self, crawl: int) -> bool:
        return self.statuses[crawl] == 200


@dataclass
class SiteFacts:
    """Per-site rendering facts shared by all its pages."""

    spec: SiteSpec
    ip: str
    analytics_html: str
    analytics_ids: tuple[str, ...]
    extra_scripts: str = ""
    furniture: SiteFurniture | None = None  # page_weight="real": what its pages carry besides links and text


def _http_date(when: datetime) -> str:
    return when.strftime("%a, %d %b %Y %H:%M:%S GMT")


def _content_type_header(spec: SiteSpec, rng: random.Random) -> str:
    if spec.charset_via in ("header", "both"):
        return f"text/html; charset={spec.charset}"
    if spec.charset != "utf-8":
        return "text/html"
    return rng.choice(("text/html; charset=UTF-8", "text/html; charset=utf-8", "text/html;charset=UTF-8",
                       "text/html"))


def _charset_meta(spec: SiteSpec) -> str:
    if spec.charset_via in ("meta", "both"):
        return f'<meta charset="{spec.charset}">\n'
    if spec.charset_via == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={spec.charset}">\n'
    return ""


def _head(page: Page, facts: SiteFacts, renderer: Renderer) -> str:
    spec = page.spec
    parts = [_charset_meta(spec), f"<title>{page.title}</title>\n",
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n']
    if page.description:
        parts.append(f'<meta name="description" content="{html.escape(page.description)}">\n')
    if spec.generator:
        parts.append(f'<meta name="generator" content="{spec.generator}">\n')
    if page.meta_robots:
        parts.append(page.meta_robots + "\n")
    if page.refresh:
        content, target = page.refresh
        parts.append(f'<meta http-equiv="refresh" content="{html.escape(content)}">\n')
        renderer.head_link(target, "refresh")
    if page.base:
        parts.append(f'<base href="{page.base}">\n')
    theme = THEMES[page.regions.get("theme", spec.theme)]
    if theme.name in ("wp", "pbn"):
        slug = "magzine-lite" if theme.name == "pbn" else "twentytwentyone"
        parts.append(f"<link rel='stylesheet' href='/wp-content/themes/{slug}/style.css?ver=1.4.2' media='all'>\n")
    else:
        parts.append('<link rel="stylesheet" href="/assets/site.css">\n')
    parts.append('<link rel="preconnect" href="https://fonts.googleapis.com">\n')
    if page.kind == "html" and not page.base:
        parts.append(f'<link rel="canonical" href="{html.escape(page.canonical or page.url)}">\n')
    parts.append(page.head_extra)
    parts.append(facts.analytics_html)
    return "".join(parts)


def _lang_subtag(lang: str) -> str:
    return lang.split("-")[0].lower()


def _render_html(page: Page, facts: SiteFacts, crawl: int, host_domains: dict[str, str]) -> tuple[str, Renderer]:
    spec = page.spec
    renderer = Renderer(page.url, spec.domain, host_domains, crawl, base=page.base)
    head = _head(page, facts, renderer)
    theme = THEMES[page.regions.get("theme", spec.theme)]
    h1 = page.h1 if page.h1 is not None else page.title
    body = renderer.render_layout(theme, page.regions, html.escape(spec.name), h1)
    body_end = renderer.blocks(page.regions.get("body_end", ()), "content", False)
    body_class = f' class="{theme.body_class}"' if theme.body_class else ""
    opening = f'<!DOCTYPE html>\n<html lang="{page.regions.get("lang", spec.lang)}">\n<head>\n{head}'
    content = f"{body}\n{body_end}\n{facts.extra_scripts}"
    head_end = body_start = body_close = ""
    if facts.furniture is not None:
        links = renderer.internal + sum(1 for link in renderer.links if link.type in ("text", "image"))
        lean_size = len(opening) + len(content) + len(body_class) + 40  # 40: the tags written below
        head_end, body_start, body_close = facts.furniture.dress(page.url, lean_size, links)
    document = (
        f"{opening}{head_end}</head>\n"
        f"<body{body_class}>\n{body_start}{content}{body_close}</body>\n</html>\n"
    )
    return document, renderer


def _error_body(page: Page, status: int) -> bytes:
    reason = REASONS[status]
    home = page.spec.root
    text = (
        f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n<body>\n"
        f"<h1>{reason}</h1>\n<p>The page you requested could not be served.</p>\n"
        f'<p><a href="/">Back to the home page</a> &middot; <a href="{home}sitemap.xml">Sitemap</a> &middot; '
        f'<a href="https://twitter.com/{page.spec.domain.split(".")[0]}">Follow us</a></p>\n</body></html>\n'
    )
    return text.encode("ascii")


def _redirect_body(location: str) -> bytes:
    safe = html.escape(location)
    return (
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>301 Moved Permanently</title>\n"
        f"</head><body>\n<h1>Moved Permanently</h1>\n<p>The document has moved <a href=\"{safe}\">here</a>.</p>\n"
        "</body></html>\n"
    ).encode("ascii")


def pdf_bytes(title: str) -> bytes:
    """A tiny valid one-page PDF (no links in it)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(width: int = 16, height: int = 8) -> bytes:
    """A tiny valid PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes((x * 13 % 256, 80, 160)) * 1 + b"\x20\x40\x80" * (width - 1)
                   for x in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def render_fetch(
    page: Page,
    facts: SiteFacts,
    crawl: int,
    fetched_at: datetime,
    host_domains: dict[str, str],
    rng: random.Random,
) -> TruthFetch:
    """The HTTP response of ``page`` in ``crawl`` and the facts a reader must find in it."""
    spec = page.spec
    status = page.statuses[crawl]
    assert status is not None
    headers: list[tuple[str, str]] = [("Date", _http_date(fetched_at)), ("Server", _server(spec))]
    links: tuple[TruthLink, ...] = ()
    title = lang = generator = charset = location = content_type = None
    analytics: tuple[str, ...] = ()
    internal = 0
    meta_nofollow = False
    if 300 <= status < 400:
        location = page.locations[crawl]
        body = _redirect_body(location)
        headers += [("Location", location), ("Content-Type", "text/html; charset=iso-8859-1")]
        content_type = "text/html"
        renderer = Renderer(page.url, spec.domain, host_domains, crawl)
        renderer.head_link(location, "redirect")
        links = tuple(renderer.links)
    elif status >= 400:
        body = _error_body(page, status)
        headers.append(("Content-Type", "text/html; charset=UTF-8"))
        content_type = "text/html"
    elif page.kind == "pdf":
        body = pdf_bytes(normalize_text(page.title))
        headers += [("Content-Type", "application/pdf"), ("Accept-Ranges", "bytes")]
        content_type = "application/pdf"
    elif page.kind == "image":
        body = png_bytes()
        headers += [("Content-Type", "image/png"), ("Cache-Control", "max-age=31536000")]
        content_type = "image/png"
    else:
        document, renderer = _render_html(page, facts, crawl, host_domains)
        body = document.encode(spec.charset, errors="xmlcharrefreplace")
        headers.append(("Content-Type", _content_type_header(spec, rng)))
        if spec.generator and spec.generator.startswith("WordPress"):
            headers.append(("X-Powered-By", "PHP/8.1.27"))
        content_type, charset = "text/html", spec.charset
        links, internal = tuple(renderer.links), renderer.internal
        title = normalize_text(page.title) or None
        lang = _lang_subtag(page.regions.get("lang", spec.lang))
        generator, analytics = spec.generator, facts.analytics_ids
        meta_nofollow = bool(page.meta_robots and "nofollow" in page.meta_robots.lower())
    if page.x_robots:
        headers.append(("X-Robots-Tag", page.x_robots))
    headers += [("Content-Length", str(len(body))), ("Connection", "close")]
    x_nofollow = bool(page.x_robots and "nofollow" in page.x_robots.lower())
    return TruthFetch(
        url=page.url,
        fetched_at=fetched_at,
        ip=facts.ip,
        status=status,
        content_type=content_type,
        title=title,
        lang=lang,
        generator=generator,
        analytics_ids=analytics,
        robots_nofollow=meta_nofollow or x_nofollow,
        x_robots_tag=page.x_robots,
        links=links,
        internal_links=internal,
        body=body,
        headers=tuple(headers),
        reason=REASONS[status],
        charset=charset,
        location=location,
        domain=spec.domain,
    )


def _server(spec: SiteSpec) -> str:
    return {"nginx": "nginx/1.24.0", "Apache": "Apache/2.4.57 (Ubuntu)", "cloudflare": "cloudflare",
            "GSE": "GSE"}.get(spec.server, spec.server)


def utc(day: date, seconds: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(seconds=seconds)

