"""Common Crawl style WAT JSON for a response record (ia-web-commons layout).

``Links`` are the URLs as written in the HTML (entities decoded, not resolved), in the
order Common Crawl emits them: an ``A@/href`` entry when its ``</a>`` closes, so an
``IMG@/src`` inside a link comes before the link's own entry; ``text`` is the anchor
text with whitespace collapsed (cut at 128 characters) and omitted when empty.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from ..sources.warcwriter import RecordInfo, sha1_base32
from .model import TruthFetch

__all__ = ["wat_json", "HtmlMetadata"]

_MAX_TEXT = 128
_A_ATTRS = ("target", "alt", "title", "rel", "hreflang", "type")


class HtmlMetadata(HTMLParser):
    """Collects the ``HTML-Metadata`` object of a WAT record."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head: dict[str, Any] = {}
        self.links: list[dict[str, str]] = []
        self._anchors: list[tuple[dict[str, str] | None, list[str]]] = []
        self._title: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        handler = getattr(self, f"_start_{tag}", None)
        if handler:
            handler(values)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag("a")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self.head.setdefault("Title", " ".join("".join(self._title).split())[:_MAX_TEXT])
            self._title = None
        elif tag == "a" and self._anchors:
            entry, text = self._anchors.pop()
            if entry is not None:
                anchor = " ".join("".join(text).split())[:_MAX_TEXT]
                if anchor:
                    entry["text"] = anchor
                self.links.append(entry)

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        for _, text in self._anchors:
            text.append(data)

    def _start_html(self, values: dict[str, str]) -> None:
        if "lang" in values:
            self._meta({"name": "HTML@/lang", "content": values["lang"]})

    def _start_title(self, values: dict[str, str]) -> None:
        self._title = []

    def _start_meta(self, values: dict[str, str]) -> None:
        meta = {key: values[key] for key in ("name", "rel", "content", "http-equiv", "property") if key in values}
        if meta:
            self._meta(meta)

    def _meta(self, meta: dict[str, str]) -> None:
        self.head.setdefault("Metas", []).append(meta)

    def _start_base(self, values: dict[str, str]) -> None:
        if "href" in values:
            self.head["Base"] = values["href"]

    def _start_link(self, values: dict[str, str]) -> None:
        if "href" in values:
            entry = {"path": "LINK@/href", "url": values["href"]}
            entry.update({key: values[key] for key in ("rel", "type") if key in values})
            self.head.setdefault("Link", []).append(entry)

    def _start_script(self, values: dict[str, str]) -> None:
        if "src" in values:
            entry = {"path": "SCRIPT@/src", "url": values["src"]}
            if "type" in values:
                entry["type"] = values["type"]
            self.head.setdefault("Scripts", []).append(entry)

    def _start_a(self, values: dict[str, str]) -> None:
        entry = None
        if "href" in values:
            entry = {"path": "A@/href", "url": values["href"]}
            entry.update({key: values[key] for key in _A_ATTRS if key in values})
        self._anchors.append((entry, []))

    def _start_area(self, values: dict[str, str]) -> None:
        if "href" in values:
            entry = {"path": "AREA@/href", "url": values["href"]}
            if "rel" in values:
                entry["rel"] = values["rel"]
            self.links.append(entry)

    def _start_img(self, values: dict[str, str]) -> None:
        if "src" in values:
            entry = {"path": "IMG@/src", "url": values["src"]}
            entry.update({key: values[key] for key in ("alt", "title") if key in values})
            self.links.append(entry)

    def _start_iframe(self, values: dict[str, str]) -> None:
        if "src" in values:
            self.links.append({"path": "IFRAME@/src", "url": values["src"]})

    def _start_form(self, values: dict[str, str]) -> None:
        if "action" in values:
            entry = {"path": "FORM@/action", "url": values["action"]}
            entry.update({key: values[key] for key in ("target", "method") if key in values})
            self.links.append(entry)

    def result(self) -> dict[str, Any]:
        while self._anchors:
            self.handle_endtag("a")
        metadata: dict[str, Any] = {}
        if self.head:
            metadata["Head"] = self.head
        metadata["Links"] = self.links
        return metadata


def html_metadata(body: bytes, charset: str | None) -> dict[str, Any]:
    parser = HtmlMetadata()
    parser.feed(body.decode(charset or "utf-8", errors="replace"))
    parser.close()
    return parser.result()


def _signed32(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


def wat_json(fetch: TruthFetch, warc_filename: str, info: RecordInfo) -> bytes:
    """The WAT metadata JSON describing the response ``info`` of ``fetch``."""
    header_block = f"HTTP/1.1 {fetch.status} {fetch.reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in fetch.headers) + "\r\n"
    response: dict[str, Any] = {
        "Response-Message": {"Version": "HTTP/1.1", "Status": str(fetch.status), "Reason": fetch.reason},
        "Headers": {name: value for name, value in fetch.headers},
        "Headers-Length": str(len(header_block.encode("latin-1"))),
        "Entity-Length": str(len(fetch.body)),
        "Entity-Trailing-Slop-Length": "0",
        "Entity-Digest": sha1_base32(fetch.body),
    }
    if fetch.content_type == "text/html":
        response["HTML-Metadata"] = html_metadata(fetch.body, fetch.charset)
    headers = dict(info.headers)
    record = {
        "Container": {
            "Filename": warc_filename,
            "Compressed": True,
            "Offset": str(info.offset),
            "Gzip-Metadata": {
                "Deflate-Length": str(info.length - 18),
                "Header-Length": "10",
                "Footer-Length": "8",
                "Inflated-CRC": str(_signed32(info.inflated_crc32)),
                "Inflated-Length": str(info.inflated_length),
            },
        },
        "Envelope": {
            "Format": "WARC",
            "WARC-Header-Length": str(info.header_length),
            "Block-Digest": headers.get("WARC-Block-Digest", ""),
            "Actual-Content-Length": str(info.content_length),
            "WARC-Header-Metadata": headers,
            "Payload-Metadata": {
                "Actual-Content-Type": "application/http; msgtype=response",
                "Trailing-Slop-Length": "4",
                "HTTP-Response-Metadata": response,
            },
        },
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
