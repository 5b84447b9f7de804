"""The WARC writer's records read back identically with warcio and FastWARC."""

from __future__ import annotations

import gzip
import io
import zlib
from datetime import datetime, timedelta, timezone

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator

from linkatlas.sources.warcwriter import WarcWriter, sha1_base32, warc_date

WHEN = datetime(2026, 3, 1, 7, 5, 9, tzinfo=timezone.utc)
URL = "https://www.example.com/path/page?q=1&b=%20x"
BODY = "<html><head><title>Grüße</title></head><body><a href='/x'>x</a></body></html>".encode("utf-8")
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY))),
           ("X-Robots-Tag", "nofollow")]


def _write(*, gzip_records: bool) -> tuple[bytes, dict[str, str]]:
    buffer = io.BytesIO()
    ids = {}
    with WarcWriter(buffer, gzip=gzip_records) as writer:
        ids["warcinfo"] = writer.write_warcinfo({"software": "linkatlas-test", "format": "WARC File Format 1.1"},
                                                date=WHEN, filename="test.warc.gz",
                                                record_id="00000000-0000-4000-8000-000000000001")
        ids["request"] = writer.write_request(URL, WHEN, [("Host", "www.example.com"), ("User-Agent", "t")],
                                              ip="203.0.113.7", record_id="00000000-0000-4000-8000-000000000002")
        ids["response"] = writer.write_response(
            URL, WHEN, ip="203.0.113.7", status=200, reason="OK", headers=HEADERS, body=BODY,
            record_id="<urn:uuid:00000000-0000-4000-8000-000000000003>", concurrent_to=ids["request"])
        ids["redirect"] = writer.write_response(
            "http://example.com/old", WHEN + timedelta(seconds=3), ip=None, status=301,
            reason="Moved Permanently", headers=[("Location", "https://www.example.com/"), ("Content-Length", "0")],
            body=b"", record_id="00000000-0000-4000-8000-000000000004")
        ids["metadata"] = writer.write_metadata(ids["response"], URL, WHEN, "application/json", b'{"a": 1}',
                                                record_id="00000000-0000-4000-8000-000000000005")
    return buffer.getvalue(), ids


@pytest.fixture(params=[True, False], ids=["gzip", "plain"])
def written(request):
    data, ids = _write(gzip_records=request.param)
    return request.param, data, ids


def _warcio_records(data: bytes) -> list[tuple]:
    """(record, payload) pairs; warcio streams, so payloads are read while iterating."""
    return [(record, record.content_stream().read()) for record in ArchiveIterator(io.BytesIO(data))]


def test_warcio_reads_every_record(written):
    _, data, ids = written
    records = _warcio_records(data)
    assert [record.rec_type for record, _ in records] == ["warcinfo", "request", "response", "response", "metadata"]
    (info, _), (request, _), (response, body), (redirect, _), (metadata, payload) = records
    assert info.rec_headers.get_header("WARC-Filename") == "test.warc.gz"
    assert request.http_headers.protocol == "GET" and request.http_headers.statusline.startswith("/path/page?q=1")
    assert response.rec_headers.get_header("WARC-Target-URI") == URL
    assert response.rec_headers.get_header("WARC-Date") == "2026-03-01T07:05:09Z"
    assert response.rec_headers.get_header("WARC-IP-Address") == "203.0.113.7"
    assert response.rec_headers.get_header("WARC-Record-ID") == ids["response"]
    assert response.rec_headers.get_header("WARC-Concurrent-To") == ids["request"]
    assert response.rec_headers.get_header("WARC-Warcinfo-ID") == ids["warcinfo"]
    assert response.rec_headers.get_header("Content-Type") == "application/http;msgtype=response"
    assert response.http_headers.get_statuscode() == "200"
    assert response.http_headers.get_header("X-Robots-Tag") == "nofollow"
    assert body == BODY
    assert redirect.http_headers.get_statuscode() == "301"
    assert redirect.http_headers.get_header("Location") == "https://www.example.com/"
    assert redirect.rec_headers.get_header("WARC-IP-Address") is None
    assert metadata.rec_headers.get_header("WARC-Refers-To") == ids["response"]
    assert payload == b'{"a": 1}'


def test_fastwarc_reads_the_same_and_digests_verify(written):
    _, data, _ = written
    verified = [record.verify_block_digest() for record in FastIterator(io.BytesIO(data), parse_http=False)]
    assert verified == [True] * 5
    seen = []
    for record in FastIterator(io.BytesIO(data), record_types=WarcRecordType.response, parse_http=True):
        assert record.verify_payload_digest()
        seen.append((record.headers.get("WARC-Target-URI"), record.headers.get("WARC-IP-Address"),
                     record.http_headers.status_code, record.http_headers.get("Content-Type"),
                     record.http_headers.get("Location"), record.reader.read()))
    assert seen == [
        (URL, "203.0.113.7", 200, "text/html; charset=utf-8", None, BODY),
        ("http://example.com/old", None, 301, None, "https://www.example.com/", b""),
    ]


def test_digests_and_lengths_are_exact():
    data, _ = _write(gzip_records=False)
    record, body = _warcio_records(data)[2]
    assert record.rec_headers.get_header("WARC-Payload-Digest") == sha1_base32(BODY) == sha1_base32(body)
    position, blocks = 0, []
    while position < len(data):
        head_end = data.index(b"\r\n\r\n", position) + 4
        fields = dict(line.split(": ", 1) for line in data[position:head_end].decode().split("\r\n")[1:] if line)
        block = data[head_end : head_end + int(fields["Content-Length"])]
        assert fields["WARC-Block-Digest"] == sha1_base32(block)
        position = head_end + len(block)
        assert data[position : position + 4] == b"\r\n\r\n"
        position += 4
        blocks.append(block)
    assert len(blocks) == 5 and blocks[2].endswith(BODY)


def test_gzip_has_one_member_per_record_and_offsets_are_right():
    buffer = io.BytesIO()
    with WarcWriter(buffer) as writer:
        writer.write_warcinfo({"a": "b"}, date=WHEN, record_id="1")
        infos = []
        for index in range(3):
            writer.write_response(f"https://a.example/{index}", WHEN, ip="192.0.2.1", status=200, reason="OK",
                                  headers=[("Content-Length", "2")], body=b"ok", record_id=f"r{index}")
            infos.append(writer.last_record)
    data = buffer.getvalue()
    assert writer.offset == len(data)
    for info in infos:
        member = data[info.offset : info.offset + info.length]
        raw = gzip.decompress(member)  # exactly one complete member
        assert raw.startswith(b"WARC/1.1\r\n") and raw.endswith(b"ok\r\n\r\n")
        assert len(raw) == info.inflated_length and zlib.crc32(raw) == info.inflated_crc32
        assert dict(info.headers)["WARC-Target-URI"].startswith("https://a.example/")
        assert raw[info.header_length - 4 : info.header_length] == b"\r\n\r\n"


def test_same_input_gives_same_bytes():
    assert _write(gzip_records=True) == _write(gzip_records=True)
    assert _write(gzip_records=False) == _write(gzip_records=False)


def test_writes_to_a_path_and_closes_it(tmp_path):
    path = tmp_path / "one.warc.gz"
    with WarcWriter(path) as writer:
        writer.write_response("https://a.example/", WHEN, ip=None, status=404, reason="Not Found",
                              headers=[], body=b"gone")
    with open(path, "rb") as stream:
        ((record, body),) = _warcio_records(stream.read())
    assert record.http_headers.get_statuscode() == "404" and body == b"gone"
    assert record.rec_headers.get_header("WARC-Record-ID").startswith("<urn:uuid:")


def test_refuses_naive_dates_and_header_injection():
    with pytest.raises(ValueError, match="timezone-aware"):
        warc_date(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="CR/LF"):
        WarcWriter(io.BytesIO()).write_response("https://a.example/", WHEN, ip=None, status=200, reason="OK",
                                                headers=[("X-Evil", "a\r\nWARC-Type: x")], body=b"")
    assert warc_date(datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))) == "2026-01-01T00:00:00Z"
