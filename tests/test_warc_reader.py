"""The WARC/ARC/WAT reader on real archives, including damaged ones."""

from __future__ import annotations

import gzip
from datetime import datetime

import pytest

from conftest import WARC_DATA
from linkatlas.errors import UnknownFormatError
from linkatlas.sources.counters import RunStats
from linkatlas.sources.warc import iter_captures, parse_warc_date


def read(path):
    stats = RunStats()
    return list(iter_captures(path, stats)), stats


def test_common_crawl_2020_head_has_its_16_responses_with_ips():
    captures, stats = read(WARC_DATA / "warcfile.warc.gz")
    assert len(captures) == 16  # the README of the fixture: 16 request/response/metadata triples
    assert all(c.ip for c in captures)
    assert {c.fetched_at.date() for c in captures} == {datetime(2020, 8, 8).date()}
    assert not stats.failed


def test_modern_per_record_gzip_wikipedia_capture():
    (capture,), _ = read(WARC_DATA / "whirlwind.warc.gz")
    assert capture.url == "https://an.wikipedia.org/wiki/Escopete"
    assert capture.ip == "208.80.154.224"
    assert capture.status == 200
    assert capture.fetched_at == datetime(2024, 5, 18, 1, 58, 10)
    assert capture.body.lstrip().lower().startswith(b"<!doctype html")


def test_chunked_transfer_encoding_is_undone():
    (capture,), _ = read(WARC_DATA / "example-iana.org-chunked.warc")
    assert capture.body.startswith(b"<!doctype html>")
    assert b"\r\n001c37\r\n" not in capture.body and not capture.body.startswith(b"001c37")


@pytest.mark.parametrize("name", ["example.warc.gz", "example-bad-non-chunked.warc.gz"])
def test_gzip_content_encoding_is_inflated_and_revisits_skipped(name):
    captures, stats = read(WARC_DATA / name)
    assert len(captures) == 1
    assert b"Example Domain" in captures[0].body
    assert stats.counters["ingest/warc/revisit_skipped"] == 1


def test_bad_target_uri_in_angle_brackets_is_cleaned():
    (capture,), _ = read(WARC_DATA / "example-wget-bad-target-uri.warc.gz")
    assert capture.url == "http://example.com/"


def test_arc_file_is_read():
    (capture,), stats = read(WARC_DATA / "example.arc.gz")
    assert capture.url == "http://example.com/"
    assert capture.status == 200
    assert b"Example Domain" in capture.body
    assert not stats.failed


def test_clueweb_malformed_dates_are_read_leniently():
    captures, stats = read(WARC_DATA / "clueweb-quirk.warc.gz")
    assert len(captures) == 29
    # WARC-Date is '2008-10-294T05:21:46-0700': day 29, 05:21:46 at -07:00 is 12:21:46 UTC
    assert {c.fetched_at for c in captures} == {datetime(2008, 10, 29, 12, 21, 46)}
    assert not stats.failed


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-18T01:58:10Z", datetime(2024, 5, 18, 1, 58, 10)),
        ("2024-05-18T01:58:10.250Z", datetime(2024, 5, 18, 1, 58, 10, 250000)),
        ("2024-05-18T03:58:10+02:00", datetime(2024, 5, 18, 1, 58, 10)),
        ("20170306040206", datetime(2017, 3, 6, 4, 2, 6)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_warc_date(value, expected):
    assert parse_warc_date(value) == expected


def test_truncated_gzip_drops_the_cut_record_and_says_so(tmp_path):
    data = (WARC_DATA / "warcfile.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    captures, stats = read(cut)
    whole, _ = read(WARC_DATA / "warcfile.warc.gz")
    assert 0 < len(captures) < len(whole)
    assert [c.url for c in captures] == [c.url for c in whole[: len(captures)]]
    assert stats.counters["ingest/warc/truncated"] == 1
    assert str(cut) in stats.problems[0]
    assert all(c.body is None or len(c.body) > 100 for c in captures)


def test_damaged_gzip_member_is_skipped_and_reading_resumes(tmp_path):
    data = bytearray((WARC_DATA / "warcfile.warc.gz").read_bytes())
    middle = len(data) // 2
    data[middle: middle + 64] = b"\x00" * 64
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(data))
    captures, stats = read(damaged)
    whole, _ = read(WARC_DATA / "warcfile.warc.gz")
    assert stats.counters["ingest/warc/damaged"] >= 1
    assert stats.failed
    # records after the damage are recovered: the last capture of the file is still there
    assert captures[-1].url == whole[-1].url
    assert len(whole) - 2 <= len(captures) < len(whole)


def test_truncated_uncompressed_warc(tmp_path):
    data = (WARC_DATA / "example-iana.org-chunked.warc").read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - 3000])
    captures, stats = read(cut)
    assert captures == []
    assert stats.counters["ingest/warc/truncated"] == 1


@pytest.mark.parametrize("content", [b"", b"hello, this is not an archive\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100])
def test_not_an_archive_is_one_clear_error(tmp_path, content):
    path = tmp_path / "notes.warc"
    path.write_bytes(content)
    with pytest.raises(UnknownFormatError) as error:
        read(path)
    assert str(path) in str(error.value) and "WARC" in str(error.value)


def test_gzip_of_something_else_is_an_unknown_format(tmp_path):
    path = tmp_path / "data.warc.gz"
    path.write_bytes(gzip.compress(b"id,name\n1,x\n"))
    with pytest.raises(UnknownFormatError):
        read(path)


def _one_response(tmp_path, body: bytes, headers):
    from datetime import timezone

    from linkatlas.sources.warcwriter import WarcWriter

    path = tmp_path / "one.warc.gz"
    with WarcWriter(path) as writer:
        writer.write_response("http://big.example/", datetime(2026, 1, 1, tzinfo=timezone.utc), ip="192.0.2.7",
                              status=200, reason="OK", headers=headers, body=body)
    return read(path)


def test_huge_page_is_cut_at_the_body_limit_and_counted(tmp_path):
    from linkatlas.sources.warc import MAX_BODY

    body = b"<html><body>" + b"<p>spam</p>" * (MAX_BODY // 10) + b"</body></html>"
    (capture,), stats = _one_response(tmp_path, body, [("Content-Type", "text/html")])
    assert len(body) > MAX_BODY and len(capture.body) == MAX_BODY
    assert stats.counters["ingest/body/truncated_to_limit"] == 1


def test_gzip_bomb_is_inflated_only_up_to_the_limit(tmp_path):
    from linkatlas.sources.warc import MAX_BODY

    bomb = gzip.compress(b"<p>" + b"A" * (50 * MAX_BODY))  # 250 MB of HTML in about 250 KB
    (capture,), stats = _one_response(
        tmp_path, bomb, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    )
    assert len(bomb) < MAX_BODY // 10
    assert len(capture.body) == MAX_BODY
    assert stats.counters["ingest/body/truncated_to_limit"] == 1


def test_broken_content_encoding_is_counted_not_fatal(tmp_path):
    (capture,), stats = _one_response(
        tmp_path, b"\x1f\x8b\x08\x00garbage", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    )
    assert capture.body is None and capture.status == 200
    assert stats.counters["ingest/body/bad_content_encoding"] == 1


def test_cut_compressed_body_keeps_what_it_inflates(tmp_path):
    html = b"<html><body>" + b"<a href='http://x.example/'>x</a>" * 2000 + b"</body></html>"
    cut = gzip.compress(html)[:-200]
    (capture,), stats = _one_response(tmp_path, cut, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    assert 0 < len(capture.body) < len(html) and html.startswith(capture.body)
    assert stats.counters["ingest/body/truncated_content_encoding"] == 1
