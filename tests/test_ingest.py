"""Ingestion into a real DuckDB file: counts, idempotency, crashes and Ctrl-C."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import duckdb

from conftest import WARC_DATA
from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.sources.counters import RunStats
from linkatlas.sources.warc import iter_captures

FIXTURES = [
    "warcfile.warc.gz", "whirlwind.warc.gz", "example.warc.gz", "example-iana.org-chunked.warc",
    "example.arc.gz", "clueweb-quirk.warc.gz",
]


def captures_in(name):
    return list(iter_captures(WARC_DATA / name, RunStats()))


def table(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_response_becomes_a_fetch_with_its_status_date_and_ip(db_path):
    with open_index(db_path) as index:
        summary = ingest(index, [WARC_DATA / "warcfile.warc.gz"])
    expected = {(c.fetched_at, c.status, c.ip) for c in captures_in("warcfile.warc.gz")}
    rows = table(db_path, "SELECT fetched_at, status, ip FROM fetches")
    assert set(rows) == expected and len(rows) == 16
    assert summary.fetches == 16 and summary.errors == 0 and summary.status == "ok"


def test_links_are_external_and_agree_with_page_counts(db_path):
    with open_index(db_path) as index:
        ingest(index, [WARC_DATA / name for name in FIXTURES])
    assert table(db_path, "SELECT count(*) FROM links WHERE source_domain = target_domain") == [(0,)]
    mismatched = table(
        db_path,
        """SELECT f.url FROM fetches f LEFT JOIN (SELECT fetch_id, count(*) n FROM links GROUP BY 1) l
           USING (fetch_id) WHERE coalesce(l.n, 0) <> coalesce(f.external_links, 0)""",
    )
    assert mismatched == []
    # example.com's page links to iana.org once ("More information...")
    assert table(
        db_path, "SELECT DISTINCT target_domain, type, anchor FROM links WHERE source_url = 'http://example.com/'"
    ) == [("iana.org", "text", "More information...")]


def test_keep_internal_stores_internal_links_too(db_path):
    with open_index(db_path) as index:
        ingest(index, [WARC_DATA / "whirlwind.warc.gz"], keep_internal=True)
    internal, external, counted_internal, counted_external = table(
        db_path,
        """SELECT count(*) FILTER (WHERE source_domain = target_domain),
                  count(*) FILTER (WHERE source_domain <> target_domain),
                  (SELECT internal_links FROM fetches), (SELECT external_links FROM fetches)
           FROM links""",
    )[0]
    assert internal == counted_internal > 100  # a Wikipedia article links mostly to itself
    assert external == counted_external > 0


def test_reingesting_adds_nothing_even_from_another_path(db_path, tmp_path):
    files = [WARC_DATA / name for name in FIXTURES]
    with open_index(db_path) as index:
        first = ingest(index, files)
        again = ingest(index, files)
        copy = tmp_path / "copy.warc.gz"
        shutil.copy(WARC_DATA / "warcfile.warc.gz", copy)
        copied = ingest(index, [copy])
        # forget which files were done: the per-fetch check still adds nothing
        index.sql("DELETE FROM inputs")
        forced = ingest(index, files)
    assert first.fetches > 0 and first.links > 0
    assert (again.fetches, again.links, again.files_already_ingested) == (0, 0, len(files))
    assert (copied.fetches, copied.files_already_ingested) == (0, 1)
    assert (forced.fetches, forced.links, forced.duplicates) == (0, 0, first.fetches)
    assert table(db_path, "SELECT count(*) FROM fetches") == [(first.fetches,)]
    assert table(db_path, "SELECT count(*) FROM links") == [(first.links,)]


def test_bad_file_is_counted_named_and_others_still_ingested(db_path, tmp_path):
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"this is not a WARC file")
    with open_index(db_path) as index:
        summary = ingest(index, [bad, WARC_DATA / "example.warc.gz"])
    assert summary.errors == 1 and summary.status == "failed"
    assert str(bad) in summary.problems[0]
    assert summary.fetches == 1
    assert table(db_path, "SELECT status FROM runs") == [("failed",)]


_CRASHING_INGEST = textwrap.dedent(
    """
    import os, signal, sys
    from linkatlas.index import store
    from linkatlas.index.store import open_index
    from linkatlas.ingest import ingest

    db, archive, fail_at, how = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    # Ctrl-C as at a terminal, even when the test runner was started with SIGINT ignored (in the background)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    commits = 0
    real_run_sql = store.run_sql

    def run_sql(con, sql, params=None):
        global commits
        if sql == "COMMIT":
            commits += 1
            if commits == fail_at:   # die inside the transaction of this batch
                os.kill(os.getpid(), signal.SIGKILL if how == "kill" else signal.SIGINT)
        return real_run_sql(con, sql, params)

    store.run_sql = run_sql
    if how == "kill":
        with open_index(db) as index:
            ingest(index, [archive], batch_pages=3)
    else:
        from linkatlas.cli.main import main
        main(["ingest", "--db", db, "--batch-pages", "3", "--format", "json", archive])
    """
)


def run_crashing(db, archive, fail_at, how):
    return subprocess.run(
        [sys.executable, "-c", _CRASHING_INGEST, str(db), str(archive), str(fail_at), how],
        capture_output=True, text=True, timeout=120,
    )


def content(db):
    fetches = table(db, "SELECT url, fetched_at, status, ip, title, external_links FROM fetches ORDER BY ALL")
    links = table(
        db, "SELECT source_url, fetched_at, target_url, anchor, type, placement, nofollow FROM links ORDER BY ALL"
    )
    return fetches, links


def test_killed_ingest_leaves_whole_batches_and_rerun_completes_it(tmp_path):
    archive = WARC_DATA / "warcfile.warc.gz"
    crashed, clean = tmp_path / "crashed.duckdb", tmp_path / "clean.duckdb"
    result = run_crashing(crashed, archive, fail_at=3, how="kill")
    assert result.returncode == -9
    # two batches of three pages were committed; the third died before its COMMIT
    assert table(crashed, "SELECT count(*) FROM fetches") == [(6,)]
    assert table(crashed, "SELECT count(*) FROM inputs") == [(0,)]
    orphans = table(crashed, "SELECT count(*) FROM links WHERE fetch_id NOT IN (SELECT fetch_id FROM fetches)")
    assert orphans == [(0,)]
    with open_index(crashed) as index:
        resumed = ingest(index, [archive])
    with open_index(clean) as index:
        ingest(index, [archive])
    assert resumed.duplicates == 6 and resumed.fetches == 10
    assert content(crashed) == content(clean)


def test_ctrl_c_exits_130_consistent_and_rerun_completes(tmp_path):
    archive = WARC_DATA / "warcfile.warc.gz"
    interrupted, clean = tmp_path / "interrupted.duckdb", tmp_path / "clean.duckdb"
    result = run_crashing(interrupted, archive, fail_at=2, how="int")
    assert result.returncode == 130, result.stderr
    assert "run the same command again" in result.stderr
    assert table(interrupted, "SELECT count(*) FROM fetches") == [(3,)]
    assert table(interrupted, "SELECT status FROM runs") == [("interrupted",)]
    with open_index(interrupted) as index:
        ingest(index, [archive])
    with open_index(clean) as index:
        ingest(index, [archive])
    assert content(interrupted) == content(clean)


def test_row_batch_columns_are_the_rows_of_every_fetch_and_link():
    """RowBatch turns links into columns once per batch and takes their source columns from the
    fetch columns: the tables must hold exactly the rows written out one by one."""
    from datetime import datetime

    import pyarrow as pa

    from linkatlas.extract.html import extract_page
    from linkatlas.index.store import FETCH_SCHEMA, LINK_SCHEMA
    from linkatlas.ingest import RowBatch

    pages = [
        None,  # a fetch without a page (a 404)
        extract_page(b'<p>no links here</p>', "http://quiet.org/"),
        extract_page(b'<head><meta http-equiv="refresh" content="0; url=http://next.org/"></head>'
                     b'<nav><a href="https://a.org/x" rel="NoFollow">A</a></nav>'
                     b'<p style="display:none">hid <a href="http://b.org/"><img alt="pic"></a></p>'
                     b'<iframe src="http://c.org/f"></iframe><a href="/internal">in</a>', "http://source.org/p"),
        extract_page(b'<a href="http://d.org/">d</a>', "http://two.org/", keep_internal=True),
    ]
    fetches = [
        {"fetch_id": 10 + number, "url": f"http://site{number}.org/", "host": f"site{number}.org",
         "domain": f"site{number}.org", "fetched_at": datetime(2026, 1, 1 + number, 12), "status": 200,
         "title": f"page {number}", "analytics_ids": ["UA-1234-1"], "terms": None}
        for number in range(len(pages))
    ]
    batch = RowBatch()
    for fetch, page in zip(fetches, pages):
        batch.add(fetch, page)
    fetch_table, link_table = batch.tables()

    expected_fetches = pa.Table.from_pylist(
        [{name: fetch.get(name) for name in FETCH_SCHEMA.names} for fetch in fetches], schema=FETCH_SCHEMA)
    expected_links = [
        {"fetch_id": fetch["fetch_id"], "fetched_at": fetch["fetched_at"], "source_url": fetch["url"],
         "source_host": fetch["host"], "source_domain": fetch["domain"], "target_url": link.target_url,
         "target_host": link.target_host, "target_domain": link.target_domain, "anchor": link.anchor,
         "alt": link.alt, "nofollow": link.nofollow, "ugc": link.ugc, "sponsored": link.sponsored,
         "type": link.type, "placement": link.placement, "hidden": link.hidden, "context": link.context,
         "ordinal": link.ordinal}
        for fetch, page in zip(fetches, pages) if page is not None for link in page.links
    ]
    assert fetch_table.equals(expected_fetches)
    assert link_table.schema == LINK_SCHEMA
    assert link_table.to_pylist() == expected_links
    assert batch.size == (4, 5)
    assert [(row["fetch_id"], row["target_url"]) for row in expected_links] == [
        (12, "http://next.org/"), (12, "https://a.org/x"), (12, "http://b.org/"), (12, "http://c.org/f"),
        (13, "http://d.org/")]
    assert RowBatch().tables()[1].num_rows == 0


def test_write_batch_inserts_all_rows_of_a_new_batch_and_only_the_new_fetches_of_a_mixed_one(db_path):
    """write_batch skips the filter when every fetch of the batch is new; with a fetch already
    stored, or one twice in the batch, only the first new copy and its links go in."""
    from datetime import datetime

    import pyarrow as pa

    from linkatlas.index.store import FETCH_SCHEMA, LINK_SCHEMA

    def batch(rows: list[tuple[int, str, int]]):  # (fetch_id, url, links)
        when = datetime(2026, 3, 1)
        host = {"host": "h.org", "domain": "h.org"}
        fetches = pa.Table.from_pylist([{"fetch_id": fetch_id, "url": url, "fetched_at": when, "origin": "warc", **host}
                                        for fetch_id, url, _ in rows], schema=FETCH_SCHEMA)
        links = pa.Table.from_pylist([
            {"fetch_id": fetch_id, "fetched_at": when, "source_url": url, "source_host": "h.org",
             "source_domain": "h.org", "target_url": f"http://t{n}.org/", "target_host": f"t{n}.org",
             "target_domain": f"t{n}.org", "type": "text", "ordinal": n}
            for fetch_id, url, count in rows for n in range(count)], schema=LINK_SCHEMA)
        return fetches, links

    with open_index(db_path) as index:
        first = index.write_batch(*batch([(1, "http://a.org/", 2), (2, "http://b.org/", 3)]))
        second = index.write_batch(*batch([(3, "http://a.org/", 5), (4, "http://c.org/", 1), (5, "http://c.org/", 4)]))
        stored = index.sql("SELECT fetch_id, count(l.fetch_id) FROM fetches f LEFT JOIN links l USING (fetch_id) "
                           "GROUP BY fetch_id ORDER BY fetch_id")
    assert (first.fetches, first.links) == (2, 5)
    assert (second.fetches, second.links) == (1, 1)  # a.org is stored already; c.org's first copy only
    assert stored == [(1, 2), (2, 3), (4, 1)]


def test_ingest_leaves_the_garbage_collector_as_it_found_it(db_path, monkeypatch):
    import gc

    from linkatlas import ingest as ingest_module

    seen = []
    real = ingest_module._Ingestor.ingest_file

    def watching(self, path):
        seen.append(gc.get_freeze_count())
        return real(self, path)

    monkeypatch.setattr(ingest_module._Ingestor, "ingest_file", watching)
    with open_index(db_path) as index:
        ingest(index, [WARC_DATA / "example.warc.gz"])
        assert seen[-1] > 0 and gc.get_freeze_count() == 0  # frozen during the run only
        gc.freeze()  # someone else's frozen objects stay frozen
        try:
            ingest(index, [WARC_DATA / "whirlwind.warc.gz"])
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()


def test_collector_runs_once_per_batch_while_ingesting_and_is_back_on_afterwards(db_path, monkeypatch):
    """The automatic collector is off during an ingest; each batch written collects, so cyclic
    garbage made while reading a page (a failed page's traceback) lives at most one batch."""
    import gc
    import weakref

    from linkatlas import ingest as ingest_module

    class Cycle:
        pass

    alive, enabled, survivors = [], [], []
    real = ingest_module._Ingestor.page_for

    def page_for(self, capture, url, host):
        # (raising here would only count the page as failed: observations are kept for after)
        flushed = len(alive) - len(alive) % 2  # the pages of the batches written so far (2 a batch)
        survivors.append(sum(ref() is not None for ref in alive[:flushed]))
        enabled.append(gc.isenabled())
        cycle = Cycle()
        cycle.itself = cycle  # unreachable once this returns: only the collector frees it
        alive.append(weakref.ref(cycle))
        return real(self, capture, url, host)

    monkeypatch.setattr(ingest_module._Ingestor, "page_for", page_for)
    assert gc.isenabled()
    with open_index(db_path) as index:
        summary = ingest(index, [WARC_DATA / "warcfile.warc.gz"], batch_pages=2)
    assert summary.records >= 6 and summary.errors == 0 and not any(enabled)
    assert len(alive) >= 6 and not any(survivors)
    assert gc.isenabled()
    gc.disable()  # a caller who turned the collector off keeps it off
    try:
        with open_index(db_path) as index:
            ingest(index, [WARC_DATA / "example.warc.gz"])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_batches_stay_in_the_log_until_the_ingest_ends_and_the_callers_threshold_is_back(db_path, monkeypatch):
    """While ingesting, a commit does not fold the write-ahead log into the file (each such
    checkpoint rewrites the tables' partly filled row groups, dearer the bigger the table): with a
    1 KB threshold set by the caller, the log still grows batch after batch; afterwards the
    caller's threshold is back and the data reads the same as an ingest without the setting."""
    from linkatlas.index import store

    wal = db_path.parent / (db_path.name + ".wal")
    sizes, thresholds = [], []
    real = store.Index.write_batch

    def write_batch(self, fetches, links):
        result = real(self, fetches, links)
        if fetches.num_rows:  # (an empty batch at the end of a file writes nothing)
            sizes.append(wal.stat().st_size if wal.exists() else 0)
            thresholds.append(self.sql("SELECT current_setting('checkpoint_threshold')")[0][0])
        return result

    monkeypatch.setattr(store.Index, "write_batch", write_batch)
    with open_index(db_path) as index:
        index.sql("SET checkpoint_threshold = '1KB'")
        caller = index.sql("SELECT current_setting('checkpoint_threshold')")[0][0]
        ingest(index, [WARC_DATA / "warcfile.warc.gz"], batch_pages=2)
        assert index.sql("SELECT current_setting('checkpoint_threshold')")[0][0] == caller
    assert len(sizes) >= 4 and caller not in thresholds
    assert all(later > earlier for earlier, later in zip(sizes, sizes[1:])), sizes  # never folded in between
    monkeypatch.setattr(store.Index, "write_batch", real)
    clean = db_path.parent / "clean.duckdb"
    with open_index(clean) as index:
        ingest(index, [WARC_DATA / "warcfile.warc.gz"], batch_pages=2)
    assert content(db_path) == content(clean)
