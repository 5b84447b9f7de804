"""Ingestion: WARC / ARC / WAT files → captures → pages and links → the index, in batches.

Every response becomes a fetch (its status matters: a 404 later makes backlinks broken);
2xx HTML is parsed for links; 3xx with Location becomes a redirect link; WAT records bring
their links ready-made. Files already taken in whole (same size and content hash) are
skipped; a file interrupted half-way is re-read and only the missing fetches are added.
"""

from __future__ import annotations

import gc
import hashlib
import json
import operator
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from linkatlas.errors import InputError, LinkatlasError, UnknownFormatError, UsageError
from linkatlas.extract.domains import domain_of
from linkatlas.extract.html import Link, Page, add_links, extract_page, make_link, settle_text_facts
from linkatlas.extract.textfacts import CHUNK_BYTES, encoded_size
from linkatlas.extract.urls import normalize_url, resolve_url, url_host
from linkatlas.index.store import FETCH_SCHEMA, LINK_SCHEMA, Index
from linkatlas.sources.counters import RunStats
from linkatlas.sources.warc import ARCHIVE_SUFFIXES, Capture, iter_captures, sniff_format
from linkatlas.sources.wat import page_from_wat

__all__ = [
    "ingest", "IngestSummary", "expand_paths", "RowBatch", "fetch_row", "redirect_page", "start_run", "finish_run",
]

BATCH_PAGES = 1000
BATCH_LINKS = 20_000


@dataclass
class IngestSummary:
    run_id: int
    status: str = "running"
    files: int = 0
    files_already_ingested: int = 0
    records: int = 0
    pages: int = 0
    fetches: int = 0
    links: int = 0
    exports: int = 0
    export_rows: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    counters: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, and the archive files inside folders (recursively, sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            archives = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(ARCHIVE_SUFFIXES))
            if not archives:
                raise UsageError(f"{path}: no .warc, .arc or .wat files in this folder (or its subfolders)")
            found.extend(archives)
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return found


def input_key(path: Path) -> str:
    """Size plus a hash of the first MiB and last 64 KiB: the same file gets the same key."""
    size = path.stat().st_size
    digest = hashlib.sha1(str(size).encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(1 << 20))
        if size > (1 << 20):
            handle.seek(max(size - (1 << 16), 1 << 20))
            digest.update(handle.read())
    return f"{size}:{digest.hexdigest()}"


_SOURCE_COLUMNS = (
    ("fetch_id", "fetch_id"), ("fetched_at", "fetched_at"), ("source_url", "url"),
    ("source_host", "host"), ("source_domain", "domain"),
)


_LINK_FIELDS = (
    "target_url", "target_host", "target_domain", "anchor", "alt", "nofollow", "ugc", "sponsored", "type",
    "placement", "hidden", "context", "ordinal",
)
_LINK_ROW = operator.attrgetter(*_LINK_FIELDS)


def redirect_page(url: str, host: str, location: str, keep_internal: bool) -> Page | None:
    """A 3xx response as a page holding one ``redirect`` link to its Location (None if unusable)."""
    target = resolve_url(location, url)
    if target is None:
        return None
    page = Page(url=url, encoding=None, word_count=None, text_bytes=None)
    redirect = make_link(target, domain_of(host), type="redirect", placement=None, hidden=False, context=None)
    add_links(page, [redirect], keep_internal)
    page.base_url = target  # a redirect's links resolve against its Location: stored as redirect_to
    return page


def fetch_row(fetch_id: int, run_id: int, capture: Capture, url: str, host: str, page: Page | None) -> dict:
    """The ``fetches`` row of one capture (a WARC response or a crawler fetch) and its page."""
    row = {
        "fetch_id": fetch_id,
        "url": url,
        "host": host,
        "domain": domain_of(host),
        "ip": capture.ip,
        "fetched_at": capture.fetched_at,
        "status": capture.status,
        "content_type": (capture.content_type or "")[:200] or None,
        "origin": capture.origin,
        "run_id": run_id,
        "record_id": capture.record_id,
        "x_robots_tag": (capture.x_robots_tag or "")[:200] or None,
        "content_length": capture.content_length,
    }
    if page is not None:
        if capture.status is not None and 300 <= capture.status < 400:
            row["redirect_to"] = page.base_url
        else:
            row.update(
                title=page.title, lang=page.lang, meta_robots=page.meta_robots,
                robots_nofollow=page.robots_nofollow, generator=page.generator,
                analytics_ids=list(page.analytics_ids), canonical=page.canonical, encoding=page.encoding,
                word_count=page.word_count, text_bytes=page.text_bytes, fingerprint=page.fingerprint,
                terms=None if page.terms is None else list(page.terms),
                emails=None if page.emails is None else list(page.emails),
            )
        row["internal_links"] = page.internal_links
        row["external_links"] = page.external_links
    return row


class RowBatch:
    """One Arrow batch of fetches and links: fetch rows as column lists, links as the pages' Link
    objects, turned into columns once per batch (the link's source columns are taken from the
    fetch columns, not repeated per link in Python). The main-text facts of the pages are
    computed together, 256 KiB of text at a time (:func:`settle_text_facts`)."""

    def __init__(self, stats: RunStats | None = None) -> None:
        self.stats = stats  # where a page whose text facts fail is counted
        self.fetches: dict[str, list] = {name: [] for name in FETCH_SCHEMA.names}
        self.links: list[Link] = []
        self.links_per_fetch: list[int] = []
        self.waiting: list[tuple[int, Page]] = []  # (fetch row, page) whose text facts are not in yet
        self.waiting_bytes = 0

    @property
    def size(self) -> tuple[int, int]:
        return len(self.links_per_fetch), len(self.links)

    def add(self, fetch: dict, page: Page | None) -> None:
        for name, column in self.fetches.items():
            column.append(fetch.get(name))
        if page is not None and page.pending_text is not None:
            self.waiting.append((len(self.links_per_fetch), page))
            self.waiting_bytes += encoded_size(page.pending_text)
            if self.waiting_bytes >= CHUNK_BYTES:
                self.settle()
        if page is None or not page.links:
            self.links_per_fetch.append(0)
            return
        self.links_per_fetch.append(len(page.links))
        self.links.extend(page.links)

    def settle(self) -> None:
        """Compute the waiting pages' text facts and put them in their fetch rows."""
        try:
            settle_text_facts([page for _, page in self.waiting])
        except Exception:  # a page the batch cannot read must not cost the others theirs
            for row, page in self.waiting:
                self.settle_alone(row, page)
        columns = self.fetches
        for row, page in self.waiting:
            columns["word_count"][row] = page.word_count
            columns["text_bytes"][row] = page.text_bytes
            columns["fingerprint"][row] = page.fingerprint
            columns["terms"][row] = None if page.terms is None else list(page.terms)
        self.waiting = []
        self.waiting_bytes = 0

    def settle_alone(self, row: int, page: Page) -> None:
        try:
            settle_text_facts([page])
        except Exception as error:
            page.pending_text = page.word_count = page.text_bytes = page.fingerprint = page.terms = None
            if self.stats is not None:
                self.stats.problem("ingest/page/text_facts_failed",
                                   f"{self.fetches['url'][row]}: main-text facts failed ({type(error).__name__}: "
                                   f"{error}); stored without word count, fingerprint and terms")

    def tables(self) -> tuple[pa.Table, pa.Table]:
        self.settle()
        fetches = pa.Table.from_pydict(self.fetches, schema=FETCH_SCHEMA)
        source_rows = pa.array(np.repeat(np.arange(len(self.links_per_fetch)), self.links_per_fetch))
        columns = {name: fetches.column(key).take(source_rows) for name, key in _SOURCE_COLUMNS}
        # one C-level getter per link for all fields, then one transpose: no Python loop per field and link
        values = zip(*map(_LINK_ROW, self.links)) if self.links else ([] for _ in _LINK_FIELDS)
        for name, column in zip(_LINK_FIELDS, values):
            columns[name] = pa.array(column, LINK_SCHEMA.field(name).type)
        return fetches, pa.Table.from_pydict(columns, schema=LINK_SCHEMA)


class _Ingestor:
    def __init__(self, index: Index, *, keep_internal: bool, run_id: int, progress, stats: RunStats,
                 batch_pages: int = BATCH_PAGES) -> None:
        self.index = index
        self.keep_internal = keep_internal
        self.run_id = run_id
        self.progress = progress
        self.stats = stats
        self.batch_pages = batch_pages
        self.next_fetch_id = index.next_id("fetches", "fetch_id")
        self.summary = IngestSummary(run_id=run_id)

    def page_for(self, capture: Capture, url: str, host: str) -> Page | None:
        status = capture.status or 0
        if capture.wat is not None and 200 <= status < 300:
            self.summary.pages += 1
            return page_from_wat(capture.wat, url, x_robots_tag=capture.x_robots_tag, keep_internal=self.keep_internal)
        if capture.body is not None:
            self.summary.pages += 1
            return extract_page(capture.body, url, content_type=capture.content_type,
                                x_robots_tag=capture.x_robots_tag, keep_internal=self.keep_internal,
                                defer_text_facts=True)
        if 300 <= status < 400 and capture.location:
            page = redirect_page(url, host, capture.location, self.keep_internal)
            if page is None:
                self.stats.count("ingest/redirect/bad_location")
            return page
        return None

    def fetch_row(self, capture: Capture, url: str, host: str, page: Page | None) -> dict:
        row = fetch_row(self.next_fetch_id, self.run_id, capture, url, host, page)
        self.next_fetch_id += 1
        return row

    def rows(self, path: Path) -> Iterator[tuple[dict, Page | None, int]]:
        for capture in iter_captures(path, self.stats):
            url = normalize_url(capture.url)
            if url is None:
                self.stats.count("skipped")
                self.stats.count("ingest/bad_url")
                continue
            host = url_host(url)
            try:
                page = self.page_for(capture, url, host)
            except Exception as error:  # a hostile page must not stop the ingest
                self.stats.problem(
                    "ingest/page/extract_failed",
                    f"{path}: {url}: could not extract links ({type(error).__name__}: {error}); page skipped",
                )
                continue
            yield self.fetch_row(capture, url, host, page), page, capture.offset

    def flush(self, batch: RowBatch) -> None:
        fetches, links = batch.tables()
        result = self.index.write_batch(fetches, links)
        self.summary.fetches += result.fetches
        self.summary.links += result.links
        self.summary.duplicates += fetches.num_rows - result.fetches

    def ingest_file(self, path: Path) -> None:
        key = input_key(path)
        done = self.index.sql(
            "SELECT count(*) FROM inputs WHERE input_key = ? AND completed_at IS NOT NULL", [key]
        )[0][0]
        if done:
            self.summary.files_already_ingested += 1
            if self.progress is not None:
                self.progress.update(path.stat().st_size)
            return
        before = (self.summary.fetches, self.summary.links, self.stats.counters["records"])
        batch = RowBatch(self.stats)
        reported = 0
        for fetch, page, offset in self.rows(path):
            batch.add(fetch, page)
            pages, links = batch.size
            if pages >= self.batch_pages or links >= BATCH_LINKS:
                self.flush(batch)
                batch = RowBatch(self.stats)
                if not gc.isenabled():  # see _collector_at_batches: the written batch is gone by now
                    gc.collect(1)
            if self.progress is not None and offset > reported:
                self.progress.update(offset - reported)
                reported = offset
        self.flush(batch)
        if self.progress is not None:
            self.progress.update(max(path.stat().st_size - reported, 0))
        self.index.sql(
            "INSERT INTO inputs VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?)",
            [key, str(path), path.stat().st_size, self.run_id,
             self.stats.counters["records"] - before[2], self.summary.fetches - before[0],
             self.summary.links - before[1]],
        )


def _is_vendor_export(path: Path) -> bool:
    """By content: not a WARC/ARC/WAT, and a table linkatlas import recognises."""
    try:
        sniff_format(path)
        return False
    except UnknownFormatError:
        from linkatlas.sources.imports import looks_like_export

        return looks_like_export(path)
    except InputError:
        return False


def _import_export(index: Index, path: Path, run_id: int, stats: RunStats, summary: IngestSummary, bar) -> None:
    """Hand a vendor export to ``linkatlas import`` (same run, same counters)."""
    from linkatlas.sources.imports import import_file

    result = import_file(index, path, run_id=run_id, stats=stats)
    if result["status"] == "already imported":
        summary.files_already_ingested += 1
    else:
        summary.exports += 1
        summary.export_rows += result["rows"]
    if bar is not None:
        bar.update(path.stat().st_size)


def _progress_bar(total: int, enabled: bool | None, desc: str = "ingest"):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc, file=sys.stderr)


def start_run(index: Index, kind: str, args: dict) -> int:
    run_id = index.next_id("runs", "run_id")
    index.sql(
        "INSERT INTO runs VALUES (?, ?, now()::TIMESTAMP, NULL, 'running', ?, NULL)",
        [run_id, kind, json.dumps(args)],
    )
    return run_id


def finish_run(index: Index, run_id: int, status: str, counters: dict) -> None:
    index.sql(
        "UPDATE runs SET finished_at = now()::TIMESTAMP, status = ?, counters = ? WHERE run_id = ?",
        [status, json.dumps(counters), run_id],
    )


@contextmanager
def recorded_run(index: Index, run_id: int, stats: RunStats, summary, bar, started: float,
                 before_finish: Callable[[], None] | None = None) -> Iterator[None]:
    """Run the body as run ``run_id``: whatever happens (error, Ctrl-C), close the progress bar,
    fill the summary's status, errors, problems, counters and seconds, and store them in
    ``runs``. ``before_finish`` fills the summary's own fields first."""
    status = "failed"
    try:
        yield
        status = "failed" if stats.failed else "ok"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if bar is not None:
            bar.close()
        summary.status = status
        summary.errors = stats.counters["errors"]
        summary.problems = list(stats.problems)
        summary.counters = dict(sorted(stats.counters.items()))
        if before_finish is not None:
            before_finish()
        summary.seconds = round(time.monotonic() - started, 3)
        try:
            finish_run(index, run_id, status, summary.as_dict())
        except LinkatlasError:
            pass


@contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist before the ingest (modules, the suffix list, caches) out of
    the garbage collector's full passes while it runs: the ingest makes many short-lived objects,
    and each full pass would walk all the old ones again. Skipped if someone froze objects already."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _collector_at_batches() -> Iterator[None]:
    """Old objects frozen (above) and the automatic collector off while ingesting: it would run
    every 700 new objects and walk the batch's pages and links again each time, when nothing in
    them is cyclic. :meth:`_Ingestor.ingest_file` collects the young objects once per batch
    written instead (what outlives a batch is never walked again), so the rare cycle (a traceback
    of a page that failed) lives at most one batch. Left alone if the collector is off."""
    if not gc.isenabled():
        yield
        return
    with _older_objects_frozen():
        gc.disable()
        try:
            yield
        finally:
            gc.enable()


def ingest(
    index: Index,
    paths: Iterable[str | os.PathLike],
    *,
    keep_internal: bool = False,
    progress: bool | None = None,
    batch_pages: int = BATCH_PAGES,
) -> IngestSummary:
    """Take WARC/ARC/WAT files and folders into ``index``; never raises for bad records or files."""
    started = time.monotonic()
    files = expand_paths(paths)
    stats = RunStats()
    run_id = start_run(index, "ingest", {"paths": [str(p) for p in files], "keep_internal": keep_internal})
    bar = _progress_bar(sum(p.stat().st_size for p in files), progress)
    ingestor = _Ingestor(index, keep_internal=keep_internal, run_id=run_id, progress=bar, stats=stats,
                         batch_pages=batch_pages)
    summary = ingestor.summary

    def ingest_counts() -> None:
        summary.records = stats.counters["records"]
        summary.skipped = stats.counters["skipped"]

    with recorded_run(index, run_id, stats, summary, bar, started, ingest_counts), _collector_at_batches(), \
            index.bulk_writes():
        for path in files:
            summary.files += 1
            try:
                if _is_vendor_export(path):
                    _import_export(index, path, run_id, stats, summary, bar)
                else:
                    ingestor.ingest_file(path)
            except InputError as error:
                stats.problem("ingest/file/unreadable", str(error))
    return summary

