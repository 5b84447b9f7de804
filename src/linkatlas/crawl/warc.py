"""WARC files of what the crawler fetched: archivable, and re-ingestable with ``linkatlas ingest``.

Each fetch becomes a request and a response record (the body as received, still
content-encoded; cut bodies carry ``WARC-Truncated``). Dates keep microseconds (WARC/1.1
allows fractions), so re-ingesting the WARC into the index that made it adds nothing: a fetch
is identified by URL and time. Failed fetches (no HTTP answer) have nothing to archive, and
robots.txt files, which are not pages of the index, are not archived either.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from linkatlas import __version__
from linkatlas.crawl.fetcher import FetchResult
from linkatlas.crawl.policy import CrawlPolicy
from linkatlas.sources.warcwriter import WarcWriter

__all__ = ["CrawlWarc"]


class _PreciseWarcWriter(WarcWriter):
    """WARC-Date with microseconds on request/response records."""

    def _target_headers(self, url, fetched_at, ip, concurrent_to):
        headers = super()._target_headers(url, fetched_at, ip, concurrent_to)
        precise = fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return [("WARC-Date", precise) if name == "WARC-Date" else (name, value) for name, value in headers]


class CrawlWarc:
    def __init__(self, path: Path, writer: WarcWriter) -> None:
        self.path = path
        self.writer = writer

    @classmethod
    def open(cls, path: str | os.PathLike, policy: CrawlPolicy) -> CrawlWarc:
        path = Path(path)
        if path.is_dir():
            path = path / f"linkatlas-crawl-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}.warc.gz"
        writer = _PreciseWarcWriter(path, gzip=path.name.endswith(".gz"))
        writer.write_warcinfo({"software": f"linkatlas/{__version__}", "format": "WARC File Format 1.1",
                               "http-header-user-agent": policy.user_agent,
                               "robots": "obey" if policy.robots else "ignore"}, filename=path.name)
        return cls(path, writer)

    def write(self, result: FetchResult) -> str | None:
        """Archive ``result`` (request + response); its response record id, or None."""
        if result.status is None:
            return None
        when = result.fetched_at.replace(tzinfo=timezone.utc)
        request_id = self.writer.write_request(result.url, when, result.request_headers, ip=result.ip)
        return self.writer.write_response(
            result.url, when, ip=result.ip, status=result.status, reason=result.reason,
            headers=result.headers, body=result.raw, concurrent_to=request_id,
            truncated=result.truncated or (None if result.body is not None else _unread(result)),
        )

    def close(self) -> None:
        self.writer.close()


def _unread(result: FetchResult) -> str | None:
    """A body we chose not to read (not HTML) is archived empty, marked truncated."""
    length = result.header("content-length")
    return "length" if length not in (None, "0") else None
