"""Decide how to decode an HTML body: BOM, HTTP charset, <meta> charset, UTF-8, windows-1252.

The order follows the HTML Standard's encoding sniffing (a BOM wins over everything, then the
transport layer, then a declaration in the first 1024 bytes). Input that declares nothing and
is not valid UTF-8 falls back to windows-1252, as browsers do. Decoding never raises: bad
bytes become U+FFFD.
"""

from __future__ import annotations

import codecs
import functools
import re

__all__ = ["decode_html", "charset_from_content_type"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]{1,40})""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]{1,40})""", re.IGNORECASE)
# Labels the HTML Standard maps to another encoding than Python's codec of the same name.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "utf8": "utf-8",
    "unicode": "utf-16-le",
    "utf-16": "utf-16-le",
    "x-user-defined": "cp1252",
}


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


@functools.lru_cache(maxsize=256)
def _codec_for(label: str | bytes | None, *, transport: bool = False) -> str | None:
    """A Python text codec for an encoding label, or None if the label reads no text.

    UTF-16 counts only when the transport (HTTP) says so, not when the page does in ASCII.
    """
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # base64, rot13 and other transforms
    name = info.name
    if name.startswith("utf-32") or (name.startswith("utf-16") and not transport):
        return None  # a page that says so in ASCII is not UTF-16 (HTML Standard); no browser reads UTF-32
    return name


def decode_html(body: bytes, http_content_type: str | None = None) -> tuple[str | bytes, str]:
    """Return ``(html, encoding)``; html is the original bytes when they are valid UTF-8."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name
    declared = _codec_for(charset_from_content_type(http_content_type), transport=True)
    if declared is None:
        match = _META_CHARSET.search(body, 0, 1024)
        declared = _codec_for(match.group(1)) if match else None
    if declared == "utf-8":
        # as declared, without a look: lexbor keeps bad bytes as they are and selectolax reads every
        # name, value and text with U+FFFD for them (what decoding the body with "replace" gives)
        return body, "utf-8"
    if declared is None:
        if body.isascii():  # ASCII is UTF-8: no need to decode it to know
            return body, "utf-8"
        try:
            body.decode("utf-8")
            return body, "utf-8"
        except UnicodeDecodeError:
            declared = "cp1252"
    return body.decode(declared, "replace"), declared
