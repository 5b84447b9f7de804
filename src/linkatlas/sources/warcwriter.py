"""A small WARC/1.1 writer: warcinfo, request, response and metadata records.

Each record is written as its own gzip member when ``gzip=True`` (the Common Crawl
layout, so any record can be read alone from its offset), or as plain bytes otherwise.
Digests (``WARC-Block-Digest``, and ``WARC-Payload-Digest`` for HTTP responses) are
SHA-1 in base32, as Common Crawl, warcio and FastWARC write and verify them.

Output is deterministic: given the same record ids and dates, the same calls give the
same bytes (gzip headers carry no time stamp and no file name). Only a record written
without ``record_id`` gets a random ``uuid4`` id, and ``write_warcinfo`` without a date
uses the current time.

    with WarcWriter("crawl.warc.gz") as warc:
        warc.write_warcinfo({"software": "linkatlas"}, date=when)
        rid = warc.write_response(
            "https://example.com/", when, ip="93.184.216.34", status=200, reason="OK",
            headers=[("Content-Type", "text/html")], body=b"<html>...</html>",
        )
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import uuid
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

__all__ = ["RecordInfo", "WarcWriter", "sha1_base32", "warc_date", "new_record_id"]

WARC_VERSION = b"WARC/1.1"
CRLF = b"\r\n"
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # 10 bytes, as in WAT Gzip-Metadata


@dataclass(frozen=True)
class RecordInfo:
    """Where and how the last record was written (for CDX lines and WAT ``Container``)."""

    record_id: str
    warc_type: str
    offset: int  # byte offset of the record (its gzip member) in the file
    length: int  # bytes the record occupies in the file
    header_length: int  # bytes of the WARC header block, blank line included
    content_length: int  # bytes of the record block
    inflated_length: int  # header + block + trailing CRLFCRLF, uncompressed
    inflated_crc32: int  # CRC-32 of those uncompressed bytes (the gzip footer value)
    headers: tuple[tuple[str, str], ...]  # the WARC headers in written order


def sha1_base32(data: bytes) -> str:
    """``sha1:`` + base32 digest, the form of WARC-Block-Digest and WARC-Payload-Digest."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_date(when: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` in UTC; naive datetimes are refused (their zone is unknown)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(
            f"WARC dates need a timezone-aware datetime, got naive {when!r} — "
            "pass e.g. datetime(..., tzinfo=timezone.utc)"
        )
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _angle_id(record_id: str) -> str:
    record_id = record_id.strip()
    if record_id.startswith("<") and record_id.endswith(">"):
        return record_id
    if ":" not in record_id:
        record_id = f"urn:uuid:{record_id}"
    return f"<{record_id}>"


def _check_field(name: str, value: str) -> None:
    if any(char in value for char in "\r\n") or any(char in name for char in "\r\n:"):
        raise ValueError(f"header {name!r} would break the record: {value!r} holds CR/LF")


def _http_header_block(first_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [first_line]
    for name, value in headers:
        _check_field(name, value)
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="strict")


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


class WarcWriter:
    """Write WARC/1.1 records to a path or a binary file object (context manager).

    A path is opened (and closed on exit); a file object is left open. The writer only
    calls ``write`` on it, so pipes and sockets work. ``offset`` counts the bytes written
    so far and ``last_record`` describes the record written last.
    """

    def __init__(
        self, target: str | os.PathLike | BinaryIO, *, gzip: bool = True, compresslevel: int = 6
    ) -> None:
        if isinstance(target, (str, os.PathLike)):
            self._file: BinaryIO = open(Path(target), "wb")
            self._owns_file = True
        else:
            self._file = target
            self._owns_file = False
        self.gzip = gzip
        self.compresslevel = compresslevel
        self.offset = 0
        self.warcinfo_id: str | None = None
        self.last_record: RecordInfo | None = None

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_file and not self._file.closed:
            self._file.close()

    # -- record kinds -------------------------------------------------------------------

    def write_warcinfo(
        self,
        fields: Mapping[str, str] | Iterable[tuple[str, str]],
        *,
        date: datetime | None = None,
        filename: str | None = None,
        record_id: str | None = None,
    ) -> str:
        """Write a warcinfo record; later records refer to it with ``WARC-Warcinfo-ID``."""
        items = fields.items() if isinstance(fields, Mapping) else fields
        lines = []
        for name, value in items:
            _check_field(name, str(value))
            lines.append(f"{name}: {value}\r\n")
        block = "".join(lines).encode("utf-8")
        headers = [("WARC-Date", warc_date(date or datetime.now(timezone.utc)))]
        if filename:
            headers.append(("WARC-Filename", filename))
        record_id = self._write(
            "warcinfo", headers, block, "application/warc-fields", record_id, with_info=False
        )
        self.warcinfo_id = record_id
        return record_id

    def write_request(
        self,
        url: str,
        fetched_at: datetime,
        headers: Iterable[tuple[str, str]],
        *,
        method: str = "GET",
        http_version: str = "HTTP/1.1",
        ip: str | None = None,
        body: bytes = b"",
        record_id: str | None = None,
        concurrent_to: str | None = None,
    ) -> str:
        """Write the HTTP request that fetched ``url`` (``application/http;msgtype=request``)."""
        block = _http_header_block(f"{method} {_request_target(url)} {http_version}", headers)
        return self._write(
            "request",
            self._target_headers(url, fetched_at, ip, concurrent_to),
            block + body,
            "application/http;msgtype=request",
            record_id,
        )

    def write_response(
        self,
        url: str,
        fetched_at: datetime,
        *,
        ip: str | None,
        status: int,
        reason: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        record_id: str | None = None,
        concurrent_to: str | None = None,
        http_version: str = "HTTP/1.1",
        truncated: str | None = None,
    ) -> str:
        """Write an HTTP response; ``body`` is the message body exactly as received.

        The payload digest covers ``body`` as stored (still chunked if the headers say
        ``Transfer-Encoding: chunked``), which is what warcio and FastWARC verify.
        """
        headers = list(headers)
        status_line = f"{http_version} {int(status)} {reason}".rstrip()
        block = _http_header_block(status_line, headers) + body
        warc_headers = self._target_headers(url, fetched_at, ip, concurrent_to)
        warc_headers.append(("WARC-Payload-Digest", sha1_base32(body)))
        if truncated:
            warc_headers.append(("WARC-Truncated", truncated))
        return self._write(
            "response", warc_headers, block, "application/http;msgtype=response", record_id
        )

    def write_metadata(
        self,
        refers_to: str | None,
        url: str,
        fetched_at: datetime,
        content_type: str,
        payload: bytes,
        *,
        record_id: str | None = None,
    ) -> str:
        """Write a metadata record about ``url`` (e.g. a WAT JSON or ``fetchTimeMs`` fields)."""
        headers = [("WARC-Target-URI", url), ("WARC-Date", warc_date(fetched_at))]
        if refers_to:
            headers.append(("WARC-Refers-To", _angle_id(refers_to)))
        return self._write("metadata", headers, payload, content_type, record_id)

    def write_record(
        self,
        warc_type: str,
        headers: Iterable[tuple[str, str]],
        block: bytes,
        content_type: str | None = None,
        *,
        record_id: str | None = None,
    ) -> str:
        """Write any other record type; ``headers`` must include ``WARC-Date``."""
        return self._write(warc_type, list(headers), block, content_type, record_id)

    # -- internals ------------------------------------------------------------------------

    def _target_headers(
        self, url: str, fetched_at: datetime, ip: str | None, concurrent_to: str | None
    ) -> list[tuple[str, str]]:
        headers = [("WARC-Target-URI", url), ("WARC-Date", warc_date(fetched_at))]
        if ip:
            headers.append(("WARC-IP-Address", ip))
        if concurrent_to:
            headers.append(("WARC-Concurrent-To", _angle_id(concurrent_to)))
        return headers

    def _write(
        self,
        warc_type: str,
        headers: list[tuple[str, str]],
        block: bytes,
        content_type: str | None,
        record_id: str | None,
        *,
        with_info: bool = True,
    ) -> str:
        record_id = _angle_id(record_id) if record_id else new_record_id()
        fields: list[tuple[str, str]] = [("WARC-Type", warc_type), ("WARC-Record-ID", record_id)]
        fields += headers
        if with_info and self.warcinfo_id:
            fields.append(("WARC-Warcinfo-ID", self.warcinfo_id))
        fields.append(("WARC-Block-Digest", sha1_base32(block)))
        if content_type:
            fields.append(("Content-Type", content_type))
        fields.append(("Content-Length", str(len(block))))
        for name, value in fields:
            _check_field(name, value)
        head = WARC_VERSION + CRLF + "".join(f"{n}: {v}\r\n" for n, v in fields).encode("utf-8") + CRLF
        record = head + block + CRLF + CRLF
        data = self._compress(record) if self.gzip else record
        self._file.write(data)
        self.last_record = RecordInfo(
            record_id=record_id,
            warc_type=warc_type,
            offset=self.offset,
            length=len(data),
            header_length=len(head),
            content_length=len(block),
            inflated_length=len(record),
            inflated_crc32=zlib.crc32(record),
            headers=tuple(fields),
        )
        self.offset += len(data)
        return record_id

    def _compress(self, record: bytes) -> bytes:
        # hand-made gzip member: mtime 0, no name, OS "unknown" - the same bytes everywhere
        compressor = zlib.compressobj(self.compresslevel, zlib.DEFLATED, -15)
        deflated = compressor.compress(record) + compressor.flush()
        footer = struct.pack("<II", zlib.crc32(record), len(record) & 0xFFFFFFFF)
        return GZIP_HEADER + deflated + footer
