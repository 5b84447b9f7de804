"""``linkatlas import``: vendor export files → the index, all or nothing per file.

A file is taken whole or not at all. Its ``imports`` row is written first with status
``loading``; rows are committed a few row groups at a time (DuckDB writes them to disk as
they fill, so memory stays flat whatever the file size) and only count once the final
transaction marks the import ``ok``/``partial``. Readers join on completed imports
(:data:`COMPLETED`); what a crash or Ctrl-C left is deleted before the next import, and running
the same command again completes the job. A file already imported (same size and content
hash) is skipped, whatever its path. Malformed rows are counted, skipped and listed in the
summary; they make the run's exit code 1 (rows that are not backlinks — same source and target
domain — are only counted).

Reading, transcoding and parsing run in a background thread, the URL work in another, batches
of :data:`PREPARE_ROWS` rows ahead; DuckDB pulls them as an Arrow stream, one ``INSERT`` per
:data:`INSERT_ROWS` rows, converting and storing in the calling thread (:class:`_insert_settings`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator
from queue import Full, Queue
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from linkatlas.errors import InputError, UsageError
from linkatlas.extract.domains import domain_of, normalize_host
from linkatlas.extract.urls import extract_host
from linkatlas.index.store import Index, run_sql
from linkatlas.sources.counters import RunStats
from linkatlas.sources.imports.layouts import VENDORS
from linkatlas.sources.imports.reading import TableSource, iter_sources
from linkatlas.sources.imports.writing import BatchPreparer, key_problem, write_batch

__all__ = ["COMPLETED", "ImportSummary", "drop_unfinished", "import_files", "import_file", "target_domain"]

INSERT_ROWS = 4 * 122_880  # rows per INSERT and transaction: four DuckDB row groups
PREPARE_ROWS = 30_000  # rows per batch prepared and handed over
COMPLETED = "(SELECT import_id FROM imports WHERE status IN ('ok', 'partial'))"  # visible imports


@dataclass
class ImportSummary:
    run_id: int | None
    status: str = "running"
    files: int = 0
    files_already_imported: int = 0
    rows_read: int = 0
    rows: int = 0
    skipped: int = 0
    same_domain: int = 0
    errors: int = 0
    seconds: float = 0.0
    imports: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counters: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


def target_domain(target: str | None) -> str | None:
    """The registrable domain of ``--target`` (a domain, host or URL); UsageError if it is none."""
    if target is None:
        return None
    host = extract_host(target)
    if not host or normalize_host(host) is None:
        raise UsageError(f"--target {target!r}: give a domain such as example.com")
    return domain_of(host)


class _FileImport:
    """The state of one file's import inside its transaction."""

    def __init__(self, index: Index, path: Path, import_id: int, stats: RunStats, bar) -> None:
        self.index = index
        self.path = path
        self.import_id = import_id
        self.stats = stats
        self.bar = bar
        self.rows_read = self.rows = self.skipped = 0
        self.layouts: list[str] = []
        self.vendors: list[str] = []

    def take(self, source: TableSource) -> None:
        layout = source.match.layout
        self.layouts.append(layout.name)
        if layout.vendor not in self.vendors:
            self.vendors.append(layout.vendor)
        self.stats.count(f"import/layout/{layout.name}")
        before = self.stats.counters["import/rows/malformed"]
        unusable = 0
        batches = _in_background(_prepared(source, self.bar))
        streams = _Streams(batches, INSERT_ROWS)
        try:
            with _insert_settings(self.index):
                for stream in streams:
                    with _transaction(self.index):
                        stored = streams.insert(lambda: write_batch(self.index, stream, source.match, self.import_id))
                    self.rows_read += streams.rows
                    self.rows += stored
                    unusable += streams.rows - stored
        finally:
            batches.close()
        if unusable:
            self.stats.problem("import/rows/unusable_key", f"{source.name}: {unusable} row(s) without a usable "
                                                           f"{key_problem(source.match)} skipped")
            self.stats.count("import/rows/unusable_key", unusable - 1)
            self.stats.count("errors", unusable - 1)
        self.skipped += unusable + self.stats.counters["import/rows/malformed"] - before

    def resolve_target(self, given: str | None) -> str:
        if given:
            return given
        for sql in (
            "SELECT target_domain FROM vendor_links WHERE import_id = ? AND target_url IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
            "SELECT domain FROM vendor_pages WHERE import_id = ? GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        ):
            found = self.index.sql(sql, [self.import_id])
            if found:
                return found[0][0]
        raise InputError(str(self.path), "the export does not say which site it is about",
                         "pass --target DOMAIN (the site the export was made for)")

    def finish(self, given_target: str | None) -> dict:
        target = self.resolve_target(given_target)
        params = {"id": self.import_id, "target": target}
        run_sql(self.index.con, "UPDATE vendor_links SET target_domain = $target "
                                "WHERE import_id = $id AND target_domain IS NULL", params)
        for table in ("vendor_domains", "vendor_pages", "vendor_anchors"):
            run_sql(self.index.con, f"UPDATE {table} SET target = $target WHERE import_id = $id", params)
        same_domain = self.index.con.execute(
            "DELETE FROM vendor_links WHERE import_id = ? AND source_domain = target_domain", [self.import_id]
        ).fetchone()[0]
        self.rows -= same_domain
        self.stats.count("import/rows/same_domain", same_domain)
        status = "partial" if self.skipped else "ok"
        row = {
            "import_id": self.import_id, "path": str(self.path), "vendor": ",".join(self.vendors),
            "layout": ",".join(self.layouts), "target": target, "rows": self.rows, "skipped": self.skipped,
            "same_domain": same_domain, "status": status,
        }
        self.index.sql(
            "UPDATE imports SET vendor = ?, layout = ?, target = ?, imported_at = now()::TIMESTAMP, rows = ?, "
            "skipped = ?, same_domain = ?, status = ? WHERE import_id = ?",
            [row["vendor"], row["layout"], target, self.rows, self.skipped, same_domain, status, self.import_id],
        )
        return row


def _prepared(source: TableSource, bar) -> Iterator[pa.Table]:
    """The table's rows in batches of about PREPARE_ROWS, ready to insert (URL, host, domain columns added)."""
    on_bytes = bar.update if bar is not None else None
    prepare = BatchPreparer(source.match)
    groups = _in_background(_grouped(source.batches(on_bytes), min(PREPARE_ROWS, INSERT_ROWS)))
    try:
        for group in groups:  # read and parsed in one thread, prepared in another
            yield prepare(group)
    finally:
        groups.close()


class _Streams:
    """Prepared batches handed to DuckDB as Arrow streams of about ``rows`` rows each, one INSERT
    (and transaction) per stream: DuckDB converts and stores a stream's row groups while later
    batches are still being read and prepared, and memory holds only the batches in flight."""

    def __init__(self, batches: Iterator[pa.Table], rows: int) -> None:
        self.batches = batches
        self.limit = rows
        self.rows = 0  # rows of the current stream, once it was inserted
        self.error: BaseException | None = None
        self.head = self._next()

    def _next(self) -> pa.Table | None:
        try:
            return next(self.batches, None)
        except BaseException as error:  # noqa: BLE001 - raised again by insert(), out of DuckDB
            self.error = error
            raise

    def __iter__(self) -> Iterator[pa.RecordBatchReader]:
        while self.head is not None:
            self.rows = 0
            yield pa.RecordBatchReader.from_batches(self.head.schema, self._stream(self.head.schema))

    def _stream(self, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        while self.head is not None and self.rows < self.limit:
            table, self.head = self.head, None
            self.rows += table.num_rows
            yield from table.cast(schema).to_batches()
            self.head = self._next()

    def insert(self, write):
        """``write()`` (which reads one stream), raising what reading the batches raised, if anything."""
        try:
            result = write()
        except Exception:
            if self.error is not None:
                raise self.error from None
            raise
        if self.error is not None:
            raise self.error
        return result


def _grouped(batches: Iterable[pa.Table], rows: int) -> Iterator[pa.Table]:
    """Batches concatenated to about ``rows`` rows."""
    pending: list[pa.Table] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.concat_tables(pending)
            pending, count = [], 0
    if pending:
        yield pa.concat_tables(pending)


_DONE = object()


def _in_background(iterator: Iterator, depth: int = 2) -> Iterator:
    """Run ``iterator`` in a thread, ``depth`` items ahead: reading and URL work overlap the
    inserts (pyarrow and DuckDB release the GIL). Its exceptions are raised here."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in iterator:
                if not hand_over(item):
                    return
            hand_over(_DONE)
        except BaseException as error:  # noqa: BLE001  (handed to the consumer, Ctrl-C included)
            hand_over(error)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:  # a generator: its own clean-up runs in this thread
                close()

    thread = threading.Thread(target=produce, name="linkatlas-import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def import_file(index: Index, path: str | os.PathLike, *, target: str | None = None, vendor: str | None = None,
                run_id: int | None = None, stats: RunStats | None = None, bar=None) -> dict:
    """Import one export file in one transaction; returns what was stored (``status`` says if it
    was ``already imported``). Raises InputError for a file that cannot be imported at all."""
    from linkatlas.ingest import input_key

    path = Path(path)
    stats = stats if stats is not None else RunStats()
    if vendor is not None and vendor not in VENDORS:
        raise UsageError(f"--vendor {vendor!r}: choose one of auto, {', '.join(VENDORS)}")
    if not path.is_file():
        raise InputError(str(path), "no such file", "check the path")
    key = input_key(path)
    done = index.sql("SELECT import_id, target, rows FROM imports WHERE input_key = ? AND status <> 'loading'", [key])
    if done:
        return {"import_id": done[0][0], "path": str(path), "target": done[0][1], "rows": 0,
                "status": "already imported"}
    drop_unfinished(index)
    import_id = index.next_id("imports", "import_id")
    index.sql("INSERT INTO imports (import_id, path, input_key, vendor, layout, imported_at, run_id, status) "
              "VALUES (?, ?, ?, '', '', now()::TIMESTAMP, ?, 'loading')", [import_id, str(path), key, run_id])
    try:
        state = _FileImport(index, path, import_id, stats, bar)
        for source in iter_sources(path, vendor, stats):
            state.take(source)
        with _transaction(index):
            result = state.finish(target)
    except BaseException:
        drop_unfinished(index, import_id)
        raise
    result["rows_read"] = state.rows_read
    return result


class _insert_settings:
    """DuckDB settings for the inserts of one table, restored afterwards.

    - ``preserve_insertion_order = false``: nothing reads vendor rows by position, so a batch's
      rows may be stored in any order (no re-ordering of the conversion's output).
    - ``threads = 1``: the reading and URL threads already use the other core; DuckDB's own
      parallel inserts (one set of row groups per thread, merged) took about 1.5 times the CPU
      time and twice the page faults for the same rows, and no less wall time.
    """

    SETTINGS = {"preserve_insertion_order": "false", "threads": "1"}

    def __init__(self, index: Index) -> None:
        self.con = index.con

    def __enter__(self) -> None:
        self.before = {name: run_sql(self.con, f"SELECT current_setting('{name}')")[0][0] for name in self.SETTINGS}
        for name, value in self.SETTINGS.items():
            run_sql(self.con, f"SET {name} = {value}")

    def __exit__(self, *exc) -> None:
        for name, value in self.before.items():
            run_sql(self.con, f"SET {name} = {value}")  # a number or a boolean


class _transaction:
    def __init__(self, index: Index) -> None:
        self.con = index.con

    def __enter__(self) -> None:
        run_sql(self.con, "BEGIN TRANSACTION")

    def __exit__(self, kind, error, trace) -> None:
        run_sql(self.con, "COMMIT" if kind is None else "ROLLBACK")


def drop_unfinished(index: Index, import_id: int | None = None) -> None:
    """Delete what an interrupted import left (its ``imports`` row still says ``loading``)."""
    where = "status = 'loading'" + (" AND import_id = ?" if import_id is not None else "")
    params = [import_id] if import_id is not None else []
    try:
        with _transaction(index):
            for table in ("vendor_links", "vendor_domains", "vendor_pages", "vendor_anchors"):
                index.sql(f"DELETE FROM {table} WHERE import_id IN (SELECT import_id FROM imports WHERE {where})",
                          params)
            index.sql(f"DELETE FROM imports WHERE {where}", params)
    except Exception:  # the next import cleans up
        if import_id is None:
            raise


def import_files(index: Index, paths: Iterable[str | os.PathLike], *, target: str | None = None,
                 vendor: str | None = None, progress: bool | None = None) -> ImportSummary:
    """Import vendor export files; never raises for bad rows or files (see the summary)."""
    from linkatlas.ingest import _older_objects_frozen, _progress_bar, recorded_run, start_run

    started = time.monotonic()
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    target = target_domain(target)
    vendor = None if vendor in (None, "auto") else vendor
    stats = RunStats()
    run_id = start_run(index, "import", {"paths": [str(p) for p in files], "target": target, "vendor": vendor})
    summary = ImportSummary(run_id=run_id)
    bar = _progress_bar(sum(p.stat().st_size for p in files), progress, desc="import")

    def import_counts() -> None:
        summary.skipped = sum(item.get("skipped", 0) for item in summary.imports)

    with recorded_run(index, run_id, stats, summary, bar, started, import_counts), _older_objects_frozen():
        for path in files:
            summary.files += 1
            _import_one(index, path, target, vendor, run_id, stats, bar, summary)
    return summary


def _import_one(index, path, target, vendor, run_id, stats, bar, summary: ImportSummary) -> None:
    position = bar.n if bar is not None else 0
    try:
        result = import_file(index, path, target=target, vendor=vendor, run_id=run_id, stats=stats, bar=bar)
    except InputError as error:
        stats.problem("import/file/unreadable", str(error))
        return
    finally:
        if bar is not None:
            bar.update(max(position + path.stat().st_size - bar.n, 0))
    if result["status"] == "already imported":
        summary.files_already_imported += 1
        return
    summary.rows_read += result.pop("rows_read", 0)
    summary.rows += result["rows"]
    summary.same_domain += result["same_domain"]
    summary.imports.append(result)

