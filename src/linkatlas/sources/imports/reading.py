"""Streaming readers for vendor exports: CSV/TSV in any common encoding, zips of them, XLSX.

What a file is comes from its bytes, never its name: a zip signature (a zip of CSVs, or an
XLSX workbook), a byte-order mark (UTF-8, UTF-16 LE/BE), UTF-16 without a BOM (NUL bytes in
every other position), else UTF-8 if the head decodes, else Windows-1252. The header row is
the first of the first 40 lines that matches a registered layout with one of the delimiters
TAB, comma or semicolon — lines before it (Moz's preamble) are skipped.

Text is transcoded to UTF-8 in chunks (undecodable bytes become U+FFFD) and parsed by
pyarrow's streaming CSV reader into Arrow tables of strings named by layout field, a few MB
at a time, so memory stays bounded whatever the file size. Rows with the wrong number of
cells are counted and skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from linkatlas.errors import InputError, MissingExtraError, UnknownFormatError
from linkatlas.sources.counters import RunStats
from linkatlas.sources.imports.layouts import LAYOUTS, LayoutMatch, match_layout

__all__ = ["TableSource", "iter_sources", "looks_like_export", "sniff_encoding"]

HEAD_BYTES = 256 * 1024
HEADER_SEARCH_LINES = 40
CHUNK_BYTES = 1 << 20
BLOCK_BYTES = 1 << 20
READ_THREADS = False  # parsing has its own thread; pyarrow's pool would only compete for the cores
XLSX_BATCH_ROWS = 10_000
_DELIMITERS = ("\t", ",", ";")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class TableSource:
    """One table of an export: a CSV file, a CSV inside a zip, or a sheet of a workbook."""

    name: str                               # for messages: "file.zip:Latest links.csv"
    match: LayoutMatch
    headers: list[str]
    size: int                               # bytes to read (progress)
    batches: Callable[[Callable[[int], None] | None], Iterator[pa.Table]]


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """(Python codec name, BOM length) for the first bytes of a text file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    sample = head[:4096]
    if len(sample) >= 4:
        odd_nuls, even_nuls = sample[1::2].count(0), sample[0::2].count(0)
        if odd_nuls > len(sample) // 4 and even_nuls == 0:
            return "utf-16-le", 0
        if even_nuls > len(sample) // 4 and odd_nuls == 0:
            return "utf-16-be", 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", 0
    except UnicodeDecodeError:
        return "cp1252", 0


class _Utf8Stream(io.RawIOBase):
    """A binary stream's text as UTF-8 bytes, from ``skip_chars`` on; counts raw bytes read.

    A chunk that is all ASCII (most of an export) skips the codec: its bytes as they are, or
    for UTF-16 the low byte of each code unit (NumPy). Either way the output is valid UTF-8
    (undecodable input became U+FFFD), so the CSV reader need not check it again."""

    def __init__(self, raw, encoding: str, bom: int, skip_chars: int,
                 on_bytes: Callable[[int], None] | None) -> None:
        super().__init__()
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._units = {"utf-16-le": "<u2", "utf-16-be": ">u2"}.get(encoding)  # else an ASCII superset
        self._pending = b""
        self._position = 0  # of the next byte of _pending to hand out
        self._skip = skip_chars
        self._on_bytes = on_bytes
        self._eof = False
        if bom:
            raw.read(bom)

    def readable(self) -> bool:
        return True

    def _ascii(self, data: bytes) -> bytes | None:
        """``data`` as UTF-8 without the codec if it is all ASCII and continues no character."""
        if self._decoder.getstate()[0]:
            return None
        if self._units is None:
            return data if data.isascii() else None
        if len(data) % 2:
            return None
        units = np.frombuffer(data, self._units)
        return units.astype(np.uint8).tobytes() if units.max(initial=0) < 0x80 else None

    def _fill(self) -> None:
        data = self._raw.read(CHUNK_BYTES)
        if self._on_bytes is not None and data:
            self._on_bytes(len(data))
        self._eof = not data
        chunk = self._ascii(data) if data else None  # bytes: one per character
        if chunk is None:
            chunk = self._decoder.decode(data, final=not data)
        if self._skip:
            cut = min(self._skip, len(chunk))
            chunk, self._skip = chunk[cut:], self._skip - cut
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "replace")
        self._pending = self._pending[self._position:] + chunk
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        while not self._eof and (size < 0 or len(self._pending) - self._position < size):
            self._fill()
        end = len(self._pending) if size < 0 else min(self._position + size, len(self._pending))
        out = self._pending[self._position:end]
        self._position = end
        return out

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _header_lines(head: bytes, encoding: str, bom: int) -> list[str]:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head[bom:], final=False)
    lines = text.splitlines(keepends=True)
    if len(head) >= HEAD_BYTES and lines:
        lines.pop()  # maybe cut short
    return lines[:HEADER_SEARCH_LINES]


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])


def _find_header(lines: list[str], vendor: str | None) -> tuple[int, str, list[str], LayoutMatch] | None:
    for index, line in enumerate(lines):
        best = None
        for delimiter in _DELIMITERS:
            if delimiter not in line and delimiter != ",":
                continue
            headers = _split(line, delimiter)
            match = match_layout(headers, vendor)
            if match is not None and (best is None or match.score > best[3].score):
                best = (index, delimiter, headers, match)
        if best is not None:
            return best
    return None


def _unknown(name: str, lines: list[str], vendor: str | None) -> UnknownFormatError:
    first = next((line for line in lines if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count)
    seen = ", ".join(h.strip() for h in _split(first, delimiter)[:25]) or "(no header line)"
    known = ", ".join(sorted(n for n, layout in LAYOUTS.items() if not vendor or layout.vendor == vendor))
    return UnknownFormatError(
        name, f"not a known export layout (headers seen: {seen[:400]}; layouts known: {known})",
        "export the table again from the tool, or pass --vendor if the file is one of them",
    )


def _csv_batches(opener: Callable[[], object], encoding: str, bom: int, skip_chars: int, delimiter: str,
                 width: int, match: LayoutMatch, name: str, stats: RunStats):
    names = [f"c{i}" for i in range(width)]
    wanted = {f"c{i}": field for i, field in match.fields.items()}

    def invalid(row) -> str:
        stats.problem("import/rows/malformed",
                      f"{name}: row with {row.actual_columns} cells where {row.expected_columns} were expected "
                      f"skipped: {(row.text or '')[:80]!r}")
        return "skip"

    def batches(on_bytes: Callable[[int], None] | None) -> Iterator[pa.Table]:
        raw = opener()
        try:
            stream = _Utf8Stream(raw, encoding, bom, skip_chars, on_bytes)
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(column_names=names, block_size=BLOCK_BYTES, use_threads=READ_THREADS),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=match.layout.multiline,
                                                 ignore_empty_lines=True, invalid_row_handler=invalid),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in wanted}, include_columns=list(wanted), check_utf8=False,
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
            for batch in reader:
                if batch.num_rows:
                    yield pa.Table.from_batches([batch]).rename_columns([wanted[n] for n in batch.schema.names])
        except pa.ArrowInvalid as error:
            if "Empty CSV file" in str(error):  # nothing after the header: the file was cut inside it
                stats.problem("import/file/cut_short", f"{name}: the file ends inside its header line, before any "
                                                       "row (truncated?) — export it again")
            else:
                stats.problem("import/file/cut_short", f"{name}: stopped reading ({error}); the rest is skipped "
                                                       "(truncated?) — export it again")
        finally:
            raw.close()

    return batches


def _text_source(name: str, head: bytes, size: int, opener, vendor: str | None,
                 stats: RunStats) -> TableSource:
    encoding, bom = sniff_encoding(head)
    if encoding == "cp1252":
        stats.count("import/encoding/cp1252")
    lines = _header_lines(head, encoding, bom)
    found = _find_header(lines, vendor)
    if found is None:
        raise _unknown(name, lines, vendor)
    index, delimiter, headers, match = found
    if index:
        stats.count("import/preamble_lines", index)
    skip_chars = sum(len(line) for line in lines[: index + 1])
    batches = _csv_batches(opener, encoding, bom, skip_chars, delimiter, len(headers), match, name, stats)
    return TableSource(name, match, headers, size, batches)


def _read_head(opener) -> bytes:
    handle = opener()
    try:
        return handle.read(HEAD_BYTES)
    finally:
        handle.close()


def _zip_sources(path: Path, vendor: str | None, stats: RunStats) -> Iterator[TableSource]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise InputError(str(path), f"damaged zip ({error})", "download the export again") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        found = 0
        for member in sorted(members, key=lambda m: m.filename):
            name = f"{path}:{member.filename}"
            opener = lambda member=member: archive.open(member)  # noqa: E731
            try:
                source = _text_source(name, _read_head(opener), member.file_size, opener, vendor, stats)
            except UnknownFormatError:
                stats.count("import/zip/unknown_member")
                continue
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                stats.problem("import/zip/bad_member", f"{name}: cannot read ({error}); skipped")
                continue
            found += 1
            yield source
        if not found:
            names = ", ".join(m.filename for m in members[:10]) or "nothing"
            raise UnknownFormatError(str(path), f"a zip holding no known export table (it holds {names})",
                                     "zip the exported CSV files themselves, or import them one by one")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_sources(path: Path, vendor: str | None, stats: RunStats) -> Iterator[TableSource]:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("openpyxl (to read XLSX exports)", "xlsx") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise InputError(str(path), f"damaged XLSX workbook ({type(error).__name__}: {error})",
                         "export it again, or export as CSV") from None
    found = 0
    try:
        for sheet in book.worksheets:
            source = _sheet_source(path, sheet, vendor, stats)
            if source is None:
                stats.count("import/xlsx/unknown_sheet")
                continue
            found += 1
            yield source
    finally:
        book.close()
    if not found:
        raise UnknownFormatError(str(path), f"a workbook with no known export sheet (sheets: {', '.join(book.sheetnames)})",
                                 "export the table again from the tool, or as CSV")


def _sheet_source(path: Path, sheet, vendor: str | None, stats: RunStats) -> TableSource | None:
    name = f"{path}:{sheet.title}"
    for index, row in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_LINES, values_only=True)):
        headers = [_cell_text(v) for v in row]
        match = match_layout(headers, vendor)
        if match is not None:
            break
    else:
        return None

    def batches(on_bytes) -> Iterator[pa.Table]:
        columns: dict[str, list[str]] = {field: [] for field in match.fields.values()}
        for row in sheet.iter_rows(min_row=index + 2, values_only=True):
            if not any(v not in (None, "") for v in row):
                continue
            for position, field in match.fields.items():
                columns[field].append(_cell_text(row[position]) if position < len(row) else "")
            if len(next(iter(columns.values()))) >= XLSX_BATCH_ROWS:
                yield pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
                columns = {field: [] for field in columns}
        if next(iter(columns.values())):
            yield pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})

    return TableSource(name, match, headers, 0, batches)


def _kind(path: Path) -> tuple[str, bytes]:
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise InputError(str(path), f"cannot read ({error.strerror})", "check the path and permissions") from None
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as error:
            raise InputError(str(path), f"damaged zip ({error})", "download the export again") from None
        return ("xlsx" if "xl/workbook.xml" in names else "zip"), head
    return "text", head


def iter_sources(path: str | Path, vendor: str | None, stats: RunStats) -> Iterator[TableSource]:
    """The export tables in one file; raises UnknownFormatError if none is recognised."""
    path = Path(path)
    kind, head = _kind(path)
    if kind == "zip":
        yield from _zip_sources(path, vendor, stats)
    elif kind == "xlsx":
        yield from _xlsx_sources(path, vendor, stats)
    else:
        yield _text_source(str(path), head, path.stat().st_size, lambda: open(path, "rb"), vendor, stats)


def looks_like_export(path: str | Path) -> bool:
    """True if the file's content is a vendor export linkatlas can import (cheap: reads the head)."""
    try:
        kind, head = _kind(Path(path))
        if kind != "text":
            return kind == "xlsx" or any(True for _ in _zip_sources(Path(path), None, RunStats()))
        encoding, bom = sniff_encoding(head)
        return _find_header(_header_lines(head, encoding, bom), None) is not None
    except (InputError, OSError):
        return False
