"""Stream captures out of WARC, ARC and Common Crawl WAT files.

A *capture* is one HTTP response as archived: URL, date, IP, status, the headers we use, and
the body when we will parse it (2xx HTML only, at most ``MAX_BODY`` bytes after decoding), or
the WAT metadata when links were already extracted by Common Crawl.

WARC and WAT go through FastWARC; ARC through warcio. Damage is survived, counted and named:
a gzip member that fails to inflate is skipped and reading resumes at the next member; a file
cut short (truncated gzip, short last record) drops its last, incomplete record.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecordType

from linkatlas.errors import InputError, UnknownFormatError
from linkatlas.sources.counters import RunStats

__all__ = ["Capture", "iter_captures", "sniff_format", "parse_warc_date", "MAX_BODY", "ARCHIVE_SUFFIXES"]

MAX_BODY = 5 * 1024 * 1024
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wat", ".wat.gz", ".warc.wat", ".warc.wat.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xhtml", "text/xhtml")
_GZIP_MAGIC = b"\x1f\x8b\x08"


@dataclass(slots=True)
class Capture:
    url: str
    fetched_at: datetime
    ip: str | None
    status: int | None
    content_type: str | None = None
    location: str | None = None
    x_robots_tag: str | None = None
    body: bytes | None = None
    content_length: int | None = None
    record_id: str | None = None
    wat: dict | None = None
    origin: str = "warc"
    offset: int = 0

    @property
    def is_html(self) -> bool:
        return _is_html(self.content_type)


def _is_html(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def parse_warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, 'Z' or offset, optional fraction) or ARC's 14 digits, as naive UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        if value.isdigit() and len(value) >= 14:
            return datetime.strptime(value[:14], "%Y%m%d%H%M%S")
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = _lenient_date(value)
        if parsed is None:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


_LENIENT_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})\d*T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _lenient_date(value: str) -> datetime | None:
    """Dates like ClueWeb09's '2008-10-294T05:21:46-0700': keep the first two day digits."""
    match = _LENIENT_DATE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    zone = "+00:00" if zone in (None, "Z") else zone[:3] + ":" + zone[-2:]
    try:
        return datetime.fromisoformat(f"{year}-{month}-{day}T{hour}:{minute}:{second}{zone}")
    except ValueError:
        return None


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def sniff_format(path: Path) -> str:
    """'warc' (WARC or WAT, told apart per record), 'arc', or raise UnknownFormatError."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise InputError(str(path), f"cannot read ({error.strerror})", "check the path and permissions") from None
    if head.startswith(_GZIP_MAGIC[:2]):
        try:
            head = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error:
            raise InputError(str(path), "gzip header is damaged", "re-download or re-compress the file") from None
    head = head.lstrip(b"\r\n")
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"filedesc://") or re.match(rb"^\S+://\S* \S+ \d{14} ", head):
        return "arc"
    raise UnknownFormatError(
        str(path), "not a WARC, ARC or WAT file", "linkatlas ingest reads .warc(.gz), .arc(.gz) and .wat(.gz)"
    )


def _lower_headers(pairs) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in pairs:
        key = key.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _dechunk(body: bytes) -> bytes | None:
    """Undo Transfer-Encoding: chunked; None when the body is not validly chunked."""
    out = bytearray()
    position = 0
    while True:
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            return None
        size_text = body[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return None
        if size == 0:
            return bytes(out)
        start = line_end + 2
        out += body[start: start + size]
        if len(out) > MAX_BODY:
            return bytes(out[:MAX_BODY])
        position = start + size + 2
        if position > len(body):
            return bytes(out)


def _decode_content(body: bytes, headers: dict[str, str], stats: RunStats) -> bytes | None:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        dechunked = _dechunk(body)
        if dechunked is not None:
            body = dechunked
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            inflater = zlib.decompressobj(47 if encoding != "deflate" else 15)
            decoded = inflater.decompress(body, MAX_BODY)
        except zlib.error:
            if body[:1] == b"<" or encoding == "deflate":
                return body  # mislabelled: the body is not actually compressed
            stats.count("ingest/body/bad_content_encoding")
            return None
        if inflater.unconsumed_tail:
            stats.count("ingest/body/truncated_to_limit")
        elif not inflater.eof:  # the compressed stream stops early: keep what it gave, if anything
            if not decoded:
                stats.count("ingest/body/bad_content_encoding")
                return None
            stats.count("ingest/body/truncated_content_encoding")
        return decoded
    if encoding in ("br", "zstd"):
        stats.count(f"ingest/body/unsupported_encoding_{encoding}")
        return None
    return body


class _WarcReader:
    """FastWARC iteration with resynchronisation after damage and a completeness check at the end."""

    def __init__(self, path: Path, stats: RunStats) -> None:
        self.path = path
        self.stats = stats
        self.size = path.stat().st_size
        with open(path, "rb") as handle:
            self.gzipped = handle.read(2) == _GZIP_MAGIC[:2]
        self.fallback_date: datetime | None = None

    def captures(self) -> Iterator[Capture]:
        offset: int | None = 0
        held: Capture | None = None
        last_start: int | None = None
        with open(self.path, "rb") as handle:
            while offset is not None and offset < self.size:
                handle.seek(offset)
                resume_after = offset
                try:
                    for record in ArchiveIterator(handle, parse_http=False):
                        last_start = offset + record.stream_pos
                        resume_after = last_start
                        capture = self._capture(record)
                        if capture is not None:
                            capture.offset = last_start
                        if held is not None:
                            yield held
                        held = capture
                    offset = None
                except (OSError, ValueError) as error:
                    self.stats.problem(
                        "ingest/warc/damaged",
                        f"{self.path}: damaged data near byte {resume_after} ({error}); skipped to the next readable record",
                    )
                    held = None
                    last_start = None
                    offset = self._next_member(handle, resume_after + 1)
        complete, end = self._last_record_end(last_start)
        if held is not None:
            if complete:
                yield held
            else:
                self.stats.problem(
                    "ingest/warc/truncated",
                    f"{self.path}: file ends inside a record (truncated download?); the last record was skipped",
                )
        if complete and end is not None and self._has_trailing_data(end):
            self.stats.problem(
                "ingest/warc/trailing_garbage",
                f"{self.path}: {self.size - end} unreadable bytes after the last record (truncated or damaged file)",
            )

    def _next_member(self, handle, start: int) -> int | None:
        """Offset of the first record start at or after ``start`` (a gzip member that inflates
        to a WARC header, or a plain ``WARC/1.`` line), scanning in 1 MiB chunks."""
        marker = _GZIP_MAGIC if self.gzipped else b"WARC/1."
        position = start
        while True:
            handle.seek(position)
            chunk = handle.read(1 << 20)
            if not chunk:
                return None
            index = chunk.find(marker)
            while index >= 0:
                if self._record_starts_at(handle, position + index):
                    return position + index
                index = chunk.find(marker, index + 1)
            position += max(len(chunk) - len(marker), 1)

    def _record_starts_at(self, handle, offset: int) -> bool:
        if not self.gzipped:
            return True
        handle.seek(offset)
        try:
            return zlib.decompressobj(31).decompress(handle.read(512), 16).startswith(b"WARC/")
        except zlib.error:
            return False

    def _last_record_end(self, start: int | None) -> tuple[bool, int | None]:
        """(is the record at ``start`` complete, byte offset where it ends)."""
        if start is None:
            return True, None
        with open(self.path, "rb") as handle:
            handle.seek(start)
            if self.gzipped:
                return self._gzip_member_end(handle, start)
            head = handle.read(65536)
            header_end = head.find(b"\r\n\r\n")
            match = re.search(rb"(?im)^content-length:\s*(\d+)", head[:max(header_end, 0)])
            if header_end < 0 or not match:
                return False, None
            end = start + header_end + 4 + int(match.group(1))
            return end <= self.size, end

    def _has_trailing_data(self, end: int) -> bool:
        with open(self.path, "rb") as handle:
            handle.seek(end)
            return bool(handle.read(4096).strip())

    def _gzip_member_end(self, handle, start: int) -> tuple[bool, int | None]:
        inflater = zlib.decompressobj(31)
        consumed = 0
        try:
            while not inflater.eof:
                chunk = handle.read(1 << 16)
                if not chunk:
                    return False, None
                consumed += len(chunk)
                inflater.decompress(chunk, 1 << 16)
                while inflater.unconsumed_tail and not inflater.eof:
                    inflater.decompress(inflater.unconsumed_tail, 1 << 16)
        except zlib.error:
            return False, None
        return True, start + consumed - len(inflater.unused_data)

    def _date(self, record, http_headers: dict[str, str] | None) -> datetime | None:
        date = parse_warc_date(record.headers.get("WARC-Date"))
        if date is None and http_headers:
            date = _http_date(http_headers.get("date"))
            if date is not None:
                self.stats.count("ingest/warc/date_from_http_header")
        if date is None and self.fallback_date is not None:
            self.stats.count("ingest/warc/date_from_warcinfo")
            date = self.fallback_date
        return date

    def _capture(self, record) -> Capture | None:
        record_type = record.record_type
        if record_type == WarcRecordType.warcinfo:
            self.fallback_date = parse_warc_date(record.headers.get("WARC-Date")) or self.fallback_date
            return None
        if record_type == WarcRecordType.metadata:
            return self._wat_capture(record)
        if record_type == WarcRecordType.response:
            return self._response_capture(record)
        if record_type == WarcRecordType.revisit:
            self.stats.count("ingest/warc/revisit_skipped")
        return None

    def _response_capture(self, record) -> Capture | None:
        self.stats.count("records")
        url = _clean_uri(record.headers.get("WARC-Target-URI"))
        if not record.is_http:
            self.stats.count("ingest/warc/not_http")
            return None
        record.parse_http()
        headers = _lower_headers(record.http_headers.astuples())
        date = self._date(record, headers)
        if not url or date is None:
            self.stats.count("skipped")
            self.stats.count("ingest/warc/no_url_or_date")
            return None
        capture = Capture(
            url=url,
            fetched_at=date,
            ip=_clean_ip(record.headers.get("WARC-IP-Address")),
            status=record.http_headers.status_code,
            content_type=headers.get("content-type"),
            location=headers.get("location"),
            x_robots_tag=headers.get("x-robots-tag"),
            record_id=record.headers.get("WARC-Record-ID"),
        )
        if capture.status is not None and 200 <= capture.status < 300 and capture.is_html:
            raw = record.reader.read(MAX_BODY + 1)
            capture.content_length = len(raw)
            if len(raw) > MAX_BODY:
                self.stats.count("ingest/body/truncated_to_limit")
                raw = raw[:MAX_BODY]
            capture.body = _decode_content(raw, headers, self.stats)
        return capture

    def _wat_capture(self, record) -> Capture | None:
        if "json" not in (record.headers.get("Content-Type") or ""):
            return None
        raw = record.reader.read(MAX_BODY + 1)
        try:
            envelope = json.loads(raw)["Envelope"]
        except (ValueError, KeyError, TypeError):
            self.stats.problem("ingest/wat/bad_json", f"{self.path}: WAT record {record.headers.get('WARC-Record-ID')} is not valid JSON; skipped")
            return None
        warc_headers = envelope.get("WARC-Header-Metadata") or {}
        if warc_headers.get("WARC-Type") != "response":
            return None
        self.stats.count("records")
        response = (envelope.get("Payload-Metadata") or {}).get("HTTP-Response-Metadata") or {}
        headers = _lower_headers((response.get("Headers") or {}).items())
        url = _clean_uri(warc_headers.get("WARC-Target-URI"))
        date = parse_warc_date(warc_headers.get("WARC-Date")) or _http_date(headers.get("date"))
        if not url or date is None:
            self.stats.count("skipped")
            self.stats.count("ingest/wat/no_url_or_date")
            return None
        try:
            status = int((response.get("Response-Message") or {}).get("Status"))
        except (TypeError, ValueError):
            status = None
        return Capture(
            url=url,
            fetched_at=date,
            ip=_clean_ip(warc_headers.get("WARC-IP-Address")),
            status=status,
            content_type=headers.get("content-type"),
            location=headers.get("location"),
            x_robots_tag=headers.get("x-robots-tag"),
            record_id=warc_headers.get("WARC-Record-ID"),
            wat=response.get("HTML-Metadata"),
            origin="wat",
        )


def _clean_uri(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value or None


_IP = re.compile(r"^[0-9a-fA-F:.]{2,45}$")


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return value if _IP.match(value) else None


def _arc_captures(path: Path, stats: RunStats) -> Iterator[Capture]:
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open(path, "rb") as handle:
        try:
            for record in WarcioIterator(handle, arc2warc=True):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                stats.count("records")
                headers = _lower_headers(record.http_headers.headers)
                url = _clean_uri(record.rec_headers.get_header("WARC-Target-URI"))
                date = parse_warc_date(record.rec_headers.get_header("WARC-Date"))
                if not url or date is None:
                    stats.count("skipped")
                    continue
                try:
                    status = int(record.http_headers.get_statuscode())
                except (TypeError, ValueError):
                    status = None
                capture = Capture(
                    url=url, fetched_at=date, ip=_clean_ip(record.rec_headers.get_header("WARC-IP-Address")),
                    status=status, content_type=headers.get("content-type"), location=headers.get("location"),
                    x_robots_tag=headers.get("x-robots-tag"), origin="warc",
                )
                if status is not None and 200 <= status < 300 and capture.is_html:
                    try:
                        capture.body = record.content_stream().read(MAX_BODY)
                    except (OSError, zlib.error, EOFError) as error:
                        stats.problem("ingest/arc/bad_body", f"{path}: unreadable body of {url} ({error}); skipped")
                        continue
                yield capture
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error, gzip.BadGzipFile) as error:
            stats.problem("ingest/arc/damaged", f"{path}: damaged ARC data ({error}); the rest of the file was skipped")


def iter_captures(path: str | os.PathLike, stats: RunStats) -> Iterator[Capture]:
    """Every HTTP response capture in one WARC/ARC/WAT file, in file order."""
    path = Path(path)
    kind = sniff_format(path)
    if kind == "arc":
        yield from _arc_captures(path, stats)
        return
    for capture in _WarcReader(path, stats).captures():
        if capture is not None:
            yield capture
