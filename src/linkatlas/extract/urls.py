"""Canonical http(s) URLs and link resolution.

:func:`normalize_url` gives the one form linkatlas stores for a URL, so that the same page
written two ways is one node of the link graph. In order:

1. input longer than 8192 characters is refused; leading/trailing C0 controls and spaces are
   stripped, ASCII tab, CR and LF removed anywhere (as the WHATWG URL standard does);
2. the scheme is lowercased and must be ``http`` or ``https``; the fragment is dropped;
3. before the query, ``\\`` counts as ``/``; slashes after the scheme are optional
   (``http:example.com`` is ``http://example.com/``), as browsers treat them;
4. userinfo is dropped; the host is lowercased, percent-decoded, IDN-converted to punycode,
   its trailing dot removed (:func:`linkatlas.extract.domains.normalize_host`); IPv6 stays
   bracketed in compressed form; an unusable or empty host gives None;
5. the port must be 0-65535 (else None) and is dropped when it is the scheme's default;
6. path and query: ``%xx`` escapes uppercased, escapes of unreserved characters
   (``A-Z a-z 0-9 - . _ ~``) decoded, others (``%26 %3D %2B %2F`` ...) kept; characters
   RFC 3986 does not allow raw (space, ``"<>\\^`{|}[]``, controls, non-ASCII as UTF-8) and a
   ``%`` not followed by two hex digits are percent-encoded;
7. dot segments are removed from the path (RFC 3986 section 5.2.4), an empty path becomes
   ``/``, an empty query (a lone ``?``) is dropped.

:func:`resolve_url` resolves an href from a page against the page's (or its ``<base>``'s)
absolute URL per RFC 3986 section 5.2 (with the browsers' reading of ``http:g``), then
normalizes. Clean ASCII hrefs take a fast path that skips the general parser.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple
from urllib.parse import unquote

from linkatlas.extract.caching import short_key_cache
from linkatlas.extract.domains import normalize_host

__all__ = [
    "MAX_URL_LENGTH", "clean_absolute_host", "extract_host", "normalize_url", "resolve_absolute", "resolve_url",
    "url_host", "url_parts",
]

MAX_URL_LENGTH = 8192

_DEFAULT_PORTS = {"http": 80, "https": 443}
_STRIP = "".join(map(chr, range(0x21)))  # C0 controls and space
_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_PCHAR = r"A-Za-z0-9\-._~!$&'()*+,;=:@"
_CLEAN_COMPONENT = re.compile(rf"[{_PCHAR}/?]*")
_PERCENT_OR_RAW = re.compile(rf"%[0-9A-Fa-f]{{2}}|[^{_PCHAR}/?]")
# Fast paths: ASCII with nothing to encode, decode or lowercase; "/." may still need work.
_CLEAN_ABSOLUTE = re.compile(rf"(https?)://([a-z0-9._\-]+)((?:/[{_PCHAR}/]*)?(?:\?[{_PCHAR}/?]+)?)")
_CLEAN_PATH = re.compile(rf"/[{_PCHAR}][{_PCHAR}/]*(?:\?[{_PCHAR}/?]+)?|/")
_CLEAN_QUERY = re.compile(rf"\?[{_PCHAR}/?]+")
_AUTHORITY_END = re.compile(r"[/?\\]")
_CLEAN_RELATIVE = re.compile(rf"[A-Za-z0-9\-._~!$&'()*+,;=@]+(?:/[{_PCHAR}/]*)?(?:\?[{_PCHAR}/?]+)?")


class _Base(NamedTuple):
    url: str  # normalized
    scheme: str
    origin: str  # "https://host[:port]"
    path: str
    query: str  # "" or "?..."
    directory: str  # path up to and including its last "/"


# --- normalization ----------------------------------------------------------------------


def normalize_url(url: str) -> str | None:
    """The canonical absolute form of an http(s) URL, or None (other scheme, bad host or port,
    longer than 8192 characters). See the module docstring for the rules."""
    fast = _clean_absolute(url)
    return fast if fast is not None else _normalize(url)


def _clean_absolute(url: str) -> str | None:
    """``url`` unchanged (or with ``/`` added) if it is already canonical; None to take the slow path."""
    clean = clean_absolute_host(url)
    return clean[0] if clean is not None else None


def clean_absolute_host(url: str) -> tuple[str, str] | None:
    """(canonical URL, host) of an absolute http(s) URL that needs nothing but a ``/`` added to
    be canonical (see :func:`normalize_url`); None for any other."""
    match = _CLEAN_ABSOLUTE.fullmatch(url) if len(url) <= MAX_URL_LENGTH else None
    if match is None or "/." in match[3]:
        return None
    host = match[2]
    if normalize_host(host) != host:
        return None
    rest = match[3]
    if not rest:
        return url + "/", host
    if rest[0] == "?":
        return f"{match[1]}://{host}/{rest}", host
    return url, host


@short_key_cache(maxsize=1 << 15, max_chars=512)
def _normalize(url: str) -> str | None:
    url = _clean(url)
    if url is None:
        return None
    scheme_match = _SCHEME.match(url)
    if scheme_match is None:
        return None
    scheme = scheme_match[0][:-1].lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    before_query, _, query = url[scheme_match.end() :].partition("#")[0].partition("?")
    authority, slash, path = before_query.replace("\\", "/").lstrip("/").partition("/")
    origin = _origin(scheme, authority)
    if origin is None:
        return None
    return origin + _normalize_path_query(slash + path, query)


def _clean(text: str) -> str | None:
    if len(text) > MAX_URL_LENGTH:
        return None
    text = text.strip(_STRIP)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.translate(_TAB_NEWLINE)
    return text


def _origin(scheme: str, authority: str) -> str | None:
    """``scheme://host[:port]`` in canonical form, None if host or port is unusable."""
    host_port = authority.rpartition("@")[2]
    if host_port.startswith("["):
        bracket = host_port.find("]") + 1
        host, port = host_port[:bracket], host_port[bracket:]
        if not bracket or (port and port[0] != ":"):
            return None
        port = port[1:]
    else:
        host, _, port = host_port.partition(":")
    host = _canonical_host(host)
    port_text = _canonical_port(scheme, port)
    if host is None or port_text is None:
        return None
    return f"{scheme}://{host}{port_text}"


def _canonical_host(host: str) -> str | None:
    if "%" in host and not host.startswith("["):
        try:
            host = unquote(host, errors="strict")
        except UnicodeDecodeError:
            return None
    return normalize_host(host) if host else None


def _canonical_port(scheme: str, port: str) -> str | None:
    """``""`` for no or the default port, ``":8080"`` otherwise, None if invalid."""
    if not port:
        return ""
    if not (port.isascii() and port.isdigit()) or len(port.lstrip("0")) > 5:
        return None
    number = int(port)
    if number > 65535:
        return None
    return "" if number == _DEFAULT_PORTS[scheme] else f":{number}"


def _normalize_path_query(path: str, query: str) -> str:
    path = _normalize_component(path) if path else "/"
    if "/." in path:
        path = _remove_dot_segments(path)
    if query:
        return f"{path}?{_normalize_component(query)}"
    return path


def _normalize_component(text: str) -> str:
    if _CLEAN_COMPONENT.fullmatch(text):
        return text
    return _PERCENT_OR_RAW.sub(_fix_escape, text)


def _fix_escape(match: re.Match[str]) -> str:
    text = match[0]
    if len(text) == 3:
        char = chr(int(text[1:], 16))
        return char if char in _UNRESERVED else text.upper()
    return _percent_encode(text)


@functools.lru_cache(maxsize=4096)
def _percent_encode(char: str) -> str:
    try:
        data = char.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the WHATWG standard reads it as U+FFFD
        data = "\ufffd".encode("utf-8")
    return "".join(f"%{byte:02X}" for byte in data)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4 for an absolute path (one that starts with ``/``)."""
    segments = path.split("/")[1:]
    output: list[str] = []
    for segment in segments:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if segments[-1] in (".", ".."):
        output.append("")
    return "/" + "/".join(output)


# --- resolution -------------------------------------------------------------------------


def resolve_url(href: str, base: str) -> str | None:
    """Resolve a raw href (HTML entities already decoded) against an absolute http(s) base URL,
    then normalize. None if the result is not an http(s) URL (``mailto:``, ``javascript:``...)
    or cannot be parsed. If ``base`` itself is unusable, only absolute hrefs resolve.

    A ``<base href>`` that is itself relative must first be resolved against the page URL.
    """
    if len(href) > MAX_URL_LENGTH:
        return None
    parsed_base = _parse_base(base)
    if parsed_base is None:
        return normalize_url(href)
    hash_at = href.find("#")
    if hash_at >= 0:
        href = href[:hash_at]
    fast = _resolve_clean(href, parsed_base)
    return fast if fast is not None else _resolve(href, parsed_base)


def resolve_absolute(href: str) -> str | None:
    """:func:`resolve_url` of an href that starts with ``http://`` or ``https://``: the same
    against every usable base, so callers may remember it across pages."""
    return normalize_url(href.partition("#")[0]) if len(href) <= MAX_URL_LENGTH else None


def _resolve_clean(href: str, base: _Base) -> str | None:
    """Fast path for clean ASCII hrefs without dot segments; None to take the slow path."""
    if not href:
        return base.url
    first = href[0]
    if first == "h" and href.startswith(("http://", "https://")):
        return _clean_absolute(href)
    if first == "/":
        if not _CLEAN_PATH.fullmatch(href) or "/." in href:
            return None
        return base.origin + href
    if first == "?":
        return base.origin + base.path + href if _CLEAN_QUERY.fullmatch(href) else None
    if first == "." or not _CLEAN_RELATIVE.fullmatch(href) or "/." in href:
        return None
    return base.origin + base.directory + href


def _resolve(href: str, base: _Base) -> str | None:
    """RFC 3986 section 5.2.2, reading ``\\`` as ``/`` before the query as browsers do."""
    cleaned = _clean(href)
    if cleaned is None:
        return None
    href = cleaned.partition("#")[0]
    scheme_match = _SCHEME.match(href)
    if scheme_match is not None:
        rest = href[scheme_match.end() :]
        same_scheme = scheme_match[0][:-1].lower() == base.scheme
        if not same_scheme or rest[:2].replace("\\", "/") == "//":
            return normalize_url(href)
        href = rest  # "http:g" on an http page is the relative "g" (RFC 3986 5.4.2, browsers)
    path, question, query = href.partition("?")
    path = path.replace("\\", "/")
    if path.startswith("//"):
        return normalize_url(f"{base.scheme}:{href}")
    if path.startswith("/"):
        merged = path
    elif path:
        merged = base.directory + path
    else:
        merged = base.path
        if not question:
            query = base.query[1:]
    return base.origin + _normalize_path_query(merged, query)


@short_key_cache(maxsize=1024, max_chars=2048)
def _parse_base(base: str) -> _Base | None:
    url = normalize_url(base)
    if url is None:
        return None
    scheme, _, rest = url.partition("://")
    slash = rest.find("/")
    path, question, query = rest[slash:].partition("?")
    origin = url[: len(scheme) + 3 + slash]
    return _Base(url, scheme, origin, path, question + query, path[: path.rfind("/") + 1])


# --- reading URLs -----------------------------------------------------------------------


def url_parts(url: str) -> tuple[str, str, int | None, str]:
    """``(scheme, host, port or None, path_and_query)`` of a URL from :func:`normalize_url`."""
    scheme, _, rest = url.partition("://")
    authority, path_query = _split_authority(rest)
    host, port = _split_host_port(authority)
    return scheme, host, int(port) if port.isdigit() else None, path_query or "/"


def url_host(url: str) -> str:
    """The host of a URL from :func:`normalize_url` (IPv6 with brackets), without port.

    Also reads the host of an absolute URL that was not normalized, as found.
    """
    return _split_host_port(_split_authority(url.partition("://")[2])[0])[0]


def _split_authority(rest: str) -> tuple[str, str]:
    """``("host:port", "/path?query")`` from what follows ``scheme://``; userinfo dropped."""
    slash = rest.find("/")
    authority, path_query = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    if "?" in authority or "#" in authority:
        cut = min(index for index in (authority.find("?"), authority.find("#")) if index >= 0)
        authority, path_query = authority[:cut], authority[cut:] + path_query
    return authority.rpartition("@")[2], path_query


def _split_host_port(host_port: str) -> tuple[str, str]:
    if host_port.startswith("["):
        bracket = host_port.find("]") + 1
        return host_port[:bracket], host_port[bracket + 1 :]
    host, _, port = host_port.partition(":")
    return host, port


def extract_host(text: str) -> str:
    """The host of a URL or URL-like string, leniently: any scheme or none, ``//host``,
    ``host/path``, userinfo and port ignored. ``""`` if there is none.

    For vendor exports and host columns that are not always URLs. The host comes back in
    canonical form when it is a usable one, else lowercased as found.
    """
    text = (_clean(text) or "").partition("#")[0]
    scheme_match = _SCHEME.match(text)
    if scheme_match is not None and text.startswith("//", scheme_match.end()):
        text = text[scheme_match.end() + 2 :]
    elif text.startswith("//"):
        text = text[2:]
    authority = _AUTHORITY_END.split(text, maxsplit=1)[0]
    host = _split_host_port(authority.rpartition("@")[2])[0]
    if not host:
        return ""
    canonical = normalize_host(host)
    if canonical is not None:
        return canonical
    host = host.lower()
    return host[:-1] if host.endswith(".") else host
