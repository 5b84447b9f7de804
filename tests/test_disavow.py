"""Google disavow files: reading real-looking ones, merging, the whitelist guard, the limits, the CLI."""

from __future__ import annotations

import sys
import types
from datetime import date, datetime

import pyarrow as pa
import pytest
from click.testing import CliRunner

from conftest import DATA
from linkatlas.audit.disavow import (MAX_BYTES, MAX_LINES, DisavowLimitError, disavow_file, parse_disavow,
                                     read_disavow, render)
from linkatlas.audit.lists import ENTRY_SCHEMA, Decisions, add_entries
from linkatlas.cli.main import cli
from linkatlas.errors import InputError
from linkatlas.index.store import open_index

DISAVOW = DATA / "disavow"
EXISTING = DISAVOW / "existing_disavow.txt"
WHEN = datetime(2026, 5, 4, 10, 30)
TOXIC = [("toxic-farm.top", "toxicity 81: link farm"), ("partner-good.com", "toxicity 62: sitewide footer"),
         ("https://news.example.com/acme-review", "toxicity 50"), ("https://spam-network.xyz/p/1", "toxicity 70"),
         ("not a domain", "z")]


def fill_lists(index) -> None:
    add = lambda kind, values, **kw: add_entries(index, "acmeanalytics.com", kind, values, now=WHEN, **kw)  # noqa: E731
    add("whitelist", ["partner-good.com"], note="partner since 2019", added_by="dana")
    add("whitelist", ["https://news.example.com/acme-review"], scope="url", added_by="dana")
    add("disavow", ["spam-network.xyz"], note="PBN on 203.0.113.7", added_by="dana")
    add("disavow", ["seo-directory.biz"], added_by="lee")
    add("disavow", ["https://cheap-links-network.net/page-9", "https://forum.example.net/thread/42"], scope="url",
        note="signature spam", added_by="lee")


@pytest.fixture
def index(db_path):
    with open_index(db_path) as opened:
        fill_lists(opened)
        yield opened


def decisions_of(rows: list[tuple[str, str, str, str | None]], project: str = "acme.com") -> Decisions:
    """Decisions straight from (kind, scope, value, note) rows, for inputs too big to type."""
    columns = list(zip(*rows)) if rows else [[], [], [], []]
    table = pa.table({"kind": columns[0], "scope": columns[1], "value": columns[2], "domain": columns[2],
                      "note": columns[3], "added_at": [WHEN] * len(rows), "added_by": ["bench"] * len(rows)},
                     schema=ENTRY_SCHEMA)
    return Decisions(project, table)


# --- reading ----------------------------------------------------------------------------


def test_reading_a_real_looking_file_keeps_every_line_or_reports_it():
    parsed = read_disavow(EXISTING)
    assert parsed.encoding == "utf-8-sig" and parsed.total_lines == 18
    assert [(line.number, line.kind, line.value) for line in parsed.lines if line.kind != "comment"] == [
        (3, "blank", ""), (5, "domain", "cheap-links-network.net"), (6, "domain", "seo-directory.biz"),
        (7, "domain", "article-spinner.co.uk"), (8, "blank", ""),
        (10, "url", "https://scraper.example.org/copy-of-pricing"),
        (11, "url", "http://cheap-links-network.net/page-2.html"), (12, "domain", "seo-directory.biz"),
        (14, "domain", "partner-good.com"), (18, "url", "https://www.spam-blog.net/2023/05/best-analytics-tools/")]
    comments = [(line.number, line.value) for line in parsed.lines if line.kind == "comment"]
    assert comments[0] == (1, " Disavow file for acmeanalytics.com uploaded 2024-03-02 by the previous agency")
    assert [number for number, _ in comments] == [1, 2, 4, 9, 13]
    assert [(bad.number, bad.problem) for bad in parsed.bad] == [
        (15, "not a domain: line, a URL or a # comment (write domain:spammy-bare-domain.info)"),
        (16, "not a valid http(s) URL"),
        (17, "not UTF-8 text (save the file as UTF-8)")]
    assert parsed.bad[0].describe("f.txt") == (
        "f.txt:15: not a domain: line, a URL or a # comment (write domain:spammy-bare-domain.info): "
        "'spammy-bare-domain.info'")


def test_utf16_with_bom_is_read_and_nul_bytes_without_bom_are_refused(tmp_path):
    parsed = read_disavow(DISAVOW / "utf16_disavow.txt")
    assert parsed.encoding == "utf-16" and not parsed.bad
    assert [(line.kind, line.value) for line in parsed.entries] == [
        ("domain", "utf16-spam.com"), ("url", "https://utf16-spam.org/page")]
    headless = tmp_path / "headless.txt"
    headless.write_bytes("domain:spam.com\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"headless.txt: is not a text file \(it holds NUL bytes\) — give a .txt"):
        read_disavow(headless)
    with pytest.raises(InputError, match="missing.txt: cannot read it"):
        read_disavow(tmp_path / "missing.txt")


def test_line_ends_case_and_spaces():
    parsed = parse_disavow(b"domain:A.com\rDoMaIn: b.com \n\n  https://C.com/x#frag\r\n# c\r\n")
    assert [(line.number, line.kind, line.value) for line in parsed.lines] == [
        (1, "domain", "a.com"), (2, "domain", "b.com"), (3, "blank", ""), (4, "url", "https://c.com/x"),
        (5, "comment", " c")]
    assert parsed.total_lines == 5 and not parsed.bad


def test_bad_lines_say_what_is_wrong():
    parsed = parse_disavow(b"domain:\ndomain:http://x.com/\nhttps://x.com/a b\nftp://x.com/\nx.com/page\n"
                           b"https://\xe2\x80\xaeevil.com/\n")
    assert [(bad.number, bad.problem.split(" (")[0]) for bad in parsed.bad] == [
        (1, "domain: needs a host name, as in domain:spam.com"),
        (2, "domain: needs a host name, as in domain:spam.com"),
        (3, "a URL cannot hold spaces"),
        (4, "not a domain: line, a URL or a # comment"),
        (5, "not a domain: line, a URL or a # comment"),
        (6, "not a valid http(s) URL")]
    assert "\u202e" not in parsed.bad[5].text  # a bidi override is not echoed to the terminal


def test_bare_domains_are_entries_only_when_asked():
    assert [line.kind for line in parse_disavow(b"spam.com\n", bare_domains=True).lines] == ["domain"]
    assert parse_disavow(b"spam.com\n").bad[0].problem.endswith("(write domain:spam.com)")


def test_the_maesitos_files_read_with_their_quirks():
    whitelist = read_disavow(DISAVOW / "maesitos_whitelist.csv", bare_domains=True)
    assert len(whitelist.entries) == 20 and not whitelist.bad
    assert whitelist.entries[1].value == "www.epinganillopro.com"  # the host as written
    assert whitelist.entries[10].value == "http://www.epinganillopro.com/preguntas_frecuentes.php"  # '#' dropped
    links = read_disavow(DISAVOW / "maesitos_new_links.csv", bare_domains=True)
    assert [(bad.number, bad.text) for bad in links.bad] == [
        (10, "related"), (11, "http://solarconflict.com/l3zrPVfcIug.video related")]
    assert links.entries[-1].number == 12 and len(links.entries) == 10


# --- writing ----------------------------------------------------------------------------

GOLDEN = """\
# Disavow file for acmeanalytics.com, written by linkatlas on 2026-06-01
# 5 domains, 3 URLs: 2 from the disavow list, 5 from existing_disavow.txt, 1 from audit candidates
# Whitelisted domains and URLs of acmeanalytics.com are never included (3 left out).
# --- from existing_disavow.txt (kept as it was)
# Disavow file for acmeanalytics.com uploaded 2024-03-02 by the previous agency
# Reviewed in the March 2024 audit

# Private blog network on 203.0.113.0/24
domain:cheap-links-network.net
domain:seo-directory.biz
domain:article-spinner.co.uk

# scraped copies of the pricing page
https://scraper.example.org/copy-of-pricing
# dropped http://cheap-links-network.net/page-2.html (existing_disavow.txt:11): covered by domain:cheap-links-network.net
# a partner site, disavowed by mistake
# not disavowed: domain:partner-good.com (existing_disavow.txt:14) — partner-good.com is whitelisted
https://www.spam-blog.net/2023/05/best-analytics-tools/
# left out of existing_disavow.txt: line(s) 15, 16, 17 (not a valid domain: line, URL or comment, or a URL over 2,048 characters)
# --- the disavow list of acmeanalytics.com
# PBN on 203.0.113.7 (disavow list, 2026-05-04, dana)
domain:spam-network.xyz
# dropped https://cheap-links-network.net/page-9: covered by domain:cheap-links-network.net
# signature spam (disavow list, 2026-05-04, lee)
https://forum.example.net/thread/42
# --- audit candidates
# toxicity 81: link farm
domain:toxic-farm.top
# not disavowed: domain:partner-good.com — partner-good.com is whitelisted
# not disavowed: https://news.example.com/acme-review — https://news.example.com/acme-review is whitelisted
# dropped https://spam-network.xyz/p/1: covered by domain:spam-network.xyz
"""


def test_merged_file_golden(index):
    result = disavow_file(index, "acmeanalytics.com", merge=EXISTING, candidates=TOXIC, today=date(2026, 6, 1))
    assert result.text == GOLDEN
    assert result.summary == {
        "target": "acmeanalytics.com", "domains": 5, "urls": 3, "from_merge": 5, "from_list": 2,
        "from_candidates": 1, "whitelisted_dropped": 3, "covered_dropped": 3, "duplicates": 2,
        "long_urls_skipped": 0, "invalid_candidates": 1, "bad_lines": 3, "lines": 31,
        "bytes": len(GOLDEN.encode()), "comments": "all"}
    assert [bad.number for bad in result.bad] == [15, 16, 17]
    assert "candidate 'not a domain': not a domain or URL — skipped" in result.warnings


def test_without_merge_only_the_list_is_written(index):
    result = disavow_file(index, "www.acmeanalytics.com", today=date(2026, 6, 1))
    entries = [line for line in result.text.splitlines() if not line.startswith("#")]
    assert entries == ["domain:seo-directory.biz", "domain:spam-network.xyz",
                       "https://cheap-links-network.net/page-9", "https://forum.example.net/thread/42"]
    assert "# disavow list, 2026-05-04, lee" in result.text.splitlines()  # no note: where and who


def whitelisted(line: str, white_domains: set[str], white_urls: set[str]) -> bool:
    """Independent reading: does this disavow line touch a whitelisted domain or URL?"""
    if line.startswith("domain:"):
        host = line[7:]
        return any(host == w or host.endswith("." + w) or w.endswith("." + host) for w in white_domains)
    host = line.split("/")[2]
    return line in white_urls or any(host == w or host.endswith("." + w) for w in white_domains)


def test_whitelisted_domains_and_urls_never_appear_whatever_the_source(tmp_path):
    white_domains = {f"good{i}.com" for i in range(0, 40, 3)} | {"a.blogspot.com"}
    white_urls = {"https://mixed7.com/ok", "https://good99.net/fine"}
    # a hand-built table may hold a value twice (the database cannot): the whitelist wins
    rows = [("whitelist", "domain", value, None) for value in sorted(white_domains)]
    rows += [("whitelist", "url", value, None) for value in sorted(white_urls)]
    rows += [("disavow", "domain", f"good{i}.com", "listed") for i in range(40)]
    rows += [("disavow", "url", f"https://www.good{i}.com/page", None) for i in range(40)]
    rows += [("disavow", "url", "https://good99.net/fine", None), ("disavow", "domain", "blogspot.com", None)]
    merged = "\n".join([f"domain:good{i}.com" for i in range(0, 40, 2)] + ["domain:www.good3.com",
                       "https://good99.net/fine", "domain:a.blogspot.com", "domain:x.a.blogspot.com"])
    candidates = [(f"good{i}.com", "toxic") for i in range(40)] + [("https://mixed7.com/ok", "toxic")]
    result = render(decisions_of(rows), merge=parse_disavow(merged.encode(), "old.txt"), candidates=candidates)
    written = [line for line in result.text.splitlines() if line and not line.startswith("#")]
    assert written and not [line for line in written if whitelisted(line, white_domains, white_urls)]
    assert "domain:good1.com" in written and "domain:blogspot.com" not in written  # blogspot.com holds a.blogspot.com
    assert "domain:good3.com" not in written and "domain:www.good3.com" not in written


def test_a_whitelisted_page_inside_a_disavowed_domain_is_warned_about():
    result = render(decisions_of([("whitelist", "url", "https://spam.com/good", None),
                                  ("disavow", "domain", "spam.com", None)]))
    assert "domain:spam.com" in result.text.splitlines()
    assert any("also covers the whitelisted page https://spam.com/good" in warning for warning in result.warnings)


def test_notes_and_reasons_cannot_inject_lines():
    rows = [("disavow", "domain", "spam.com", "bad\ndomain:google.com\r\u2028domain:bing.com \x1b[2J")]
    result = render(decisions_of(rows), candidates=[("toxic.com", "reason\u0085domain:yahoo.com\u202e")])
    lines = result.text.splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["domain:spam.com", "domain:toxic.com"]
    assert "\x1b" not in result.text and "\u202e" not in result.text and "\u2028" not in result.text


def test_long_urls_are_skipped_with_a_warning():
    long_url = "https://spam.com/" + "a" * 2100
    result = render(decisions_of([("disavow", "url", long_url, None), ("disavow", "url", "https://ok.com/x", None)]),
                    merge=parse_disavow(f"# old\n{long_url}\nhttps://fine.com/\n".encode(), "old.txt"))
    written = [line for line in result.text.splitlines() if not line.startswith("#")]
    assert written == ["https://fine.com/", "https://ok.com/x"]
    assert result.summary["long_urls_skipped"] == 2
    assert any(warning.startswith("old.txt:2: URL longer than 2,048 characters") for warning in result.warnings)


# --- limits -----------------------------------------------------------------------------


def test_per_entry_comments_go_first_when_the_lines_would_exceed_100000():
    rows = [("disavow", "domain", f"spam{i:06d}.com", f"note {i}") for i in range(60_000)]
    result = render(decisions_of(rows), merge=parse_disavow(b"# keep me\ndomain:old-spam.com\n", "old.txt"))
    lines = result.text.splitlines()
    assert len(lines) == result.summary["lines"] <= MAX_LINES
    assert result.summary["comments"] == "no per-entry comments" and result.summary["domains"] == 60_001
    assert "# keep me" in lines and not any(line.startswith("# note") for line in lines)
    assert "per-entry comments dropped to fit Google's limits" in result.warnings


def test_then_every_comment_but_the_header():
    merged = b"".join(b"# comment %d\n" % i for i in range(50_000)) + b"domain:old-spam.com\n"
    rows = [("disavow", "domain", f"spam{i:06d}.com", "why") for i in range(50_000)]
    result = render(decisions_of(rows), merge=parse_disavow(merged, "old.txt"))
    lines = result.text.splitlines()
    assert result.summary["comments"] == "header only" and len(lines) == 3 + 50_001
    assert [line for line in lines if line.startswith("#")] == lines[:3]


def test_too_many_entries_fail_naming_the_line_limit():
    rows = [("disavow", "domain", f"spam{i:06d}.com", None) for i in range(MAX_LINES)]
    with pytest.raises(DisavowLimitError) as caught:
        render(decisions_of(rows))
    assert str(caught.value).startswith("the disavow file of acme.com would have 100,003 lines even without "
                                        "comments; Google's limit is 100,000 lines — disavow whole domains")


def test_too_many_bytes_fail_naming_the_size_limit():
    rows = [("disavow", "url", f"https://spam{i:05d}.com/{'x' * 60}", None) for i in range(32_000)]
    assert sum(len(row[2]) + 1 for row in rows) > MAX_BYTES
    with pytest.raises(DisavowLimitError, match=r"would be 2,\d{3},\d{3} bytes even without comments; Google's "
                                                r"limit is 2 MB \(2,000,000 bytes\)"):
        render(decisions_of(rows))


# --- CLI --------------------------------------------------------------------------------


def invoke(args, db_path):
    return CliRunner().invoke(cli, [*args, "--db", str(db_path)], catch_exceptions=False)


def test_cli_writes_the_file_reports_bad_lines_and_exits_1(index, db_path, tmp_path):
    index.close()
    out = tmp_path / "disavow.txt"
    result = invoke(["disavow", "acmeanalytics.com", "--merge", str(EXISTING), "-o", str(out)], db_path)
    assert result.exit_code == 1 and result.stdout == ""
    written = out.read_bytes()
    assert b"\r" not in written and not written.startswith(b"\xef\xbb\xbf")
    lines = written.decode().splitlines()
    assert lines[0].startswith("# Disavow file for acmeanalytics.com, written by linkatlas on ")
    golden = GOLDEN.splitlines()
    assert lines[1:3] == ["# 4 domains, 3 URLs: 2 from the disavow list, 5 from existing_disavow.txt",
                          "# Whitelisted domains and URLs of acmeanalytics.com are never included (1 left out)."]
    assert lines[3:] == golden[3:golden.index("# --- audit candidates")]  # the golden file without candidates
    stderr = result.stderr.splitlines()
    assert stderr[:3] == [f"linkatlas: {EXISTING}:15: not a domain: line, a URL or a # comment "
                          "(write domain:spammy-bare-domain.info): 'spammy-bare-domain.info'",
                          f"linkatlas: {EXISTING}:16: not a valid http(s) URL: 'http://[broken-url/'",
                          f"linkatlas: {EXISTING}:17: not UTF-8 text (save the file as UTF-8): "
                          "'https://caf\ufffd-links.example.net/'"]
    assert f"linkatlas: {out}: 4 domains and 3 URLs for acmeanalytics.com" in result.stderr
    assert stderr[-1] == f"linkatlas: 3 bad line(s) of {EXISTING} were left out; see above"


def test_cli_without_output_prints_the_file_and_exits_0(index, db_path):
    index.close()
    result = invoke(["disavow", "acmeanalytics.com"], db_path)
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if not line.startswith("#")] == [
        "domain:seo-directory.biz", "domain:spam-network.xyz", "https://cheap-links-network.net/page-9",
        "https://forum.example.net/thread/42"]
    assert result.stderr.startswith("linkatlas: stdout: 2 domains and 2 URLs")


def test_cli_include_toxic_without_the_audit_fails_in_one_line(index, db_path, monkeypatch):
    index.close()
    monkeypatch.setitem(sys.modules, "linkatlas.audit.report", None)  # as on a linkatlas without the audit
    result = invoke(["disavow", "acmeanalytics.com", "--include-toxic"], db_path)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == ("linkatlas: error: --include-toxic: the audit scores are not available in this "
                             "linkatlas (linkatlas.audit.report.toxic_candidates is missing) — run without it\n")


def test_cli_include_toxic_takes_the_audits_candidates(index, db_path, monkeypatch):
    index.close()
    calls = []

    def toxic_candidates(index, settings, min_toxicity):
        calls.append((settings.domain, settings.project, min_toxicity))
        return TOXIC

    stand_in = types.ModuleType("linkatlas.audit.report")  # the audit's function, not in this branch yet
    stand_in.toxic_candidates = toxic_candidates
    monkeypatch.setitem(sys.modules, "linkatlas.audit.report", stand_in)
    result = invoke(["disavow", "acmeanalytics.com", "--include-toxic", "--min-toxicity", "70"], db_path)
    assert result.exit_code == 0 and calls == [("acmeanalytics.com", None, 70)]
    body = result.stdout.split("# --- audit candidates\n")[1]
    assert body == "\n".join(GOLDEN.split("# --- audit candidates\n")[1].splitlines()) + "\n"
    assert "linkatlas: warning: candidate 'not a domain': not a domain or URL — skipped" in result.stderr


def test_cli_limit_error_is_one_line_and_writes_nothing(db_path, tmp_path):
    with open_index(db_path) as opened:
        add_entries(opened, "acme.com", "disavow", [f"https://spam.com/{i}" for i in range(MAX_LINES)], scope="url")
    out = tmp_path / "disavow.txt"
    result = invoke(["disavow", "acme.com", "-o", str(out)], db_path)
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr.count("\n") == 1 and "Google's limit is 100,000 lines" in result.stderr


def test_cli_with_nothing_to_disavow_says_so(db_path):
    open_index(db_path).close()
    result = invoke(["disavow", "acme.com"], db_path)
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == "# 0 domains, 0 URLs: 0 from the disavow list"
    assert result.stderr.splitlines()[0] == ("linkatlas: nothing to disavow for acme.com: add entries with "
                                             "`linkatlas list add disavow acme.com DOMAIN...`")


def test_cli_missing_merge_file_is_one_line(index, db_path, tmp_path):
    index.close()
    result = invoke(["disavow", "acmeanalytics.com", "--merge", str(tmp_path / "nope.txt")], db_path)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "nope.txt: cannot read it" in result.stderr


def test_disavow_help_has_examples():
    result = CliRunner().invoke(cli, ["disavow", "--help"])
    assert result.exit_code == 0 and "linkatlas disavow acmeanalytics.com -o disavow.txt" in result.stdout


def test_cli_merge_of_a_file_that_is_no_disavow_file_is_one_line(index, db_path, tmp_path):
    index.close()
    export = tmp_path / "ahrefs.csv"  # an export passed by mistake: no line is a domain: line or a URL
    export.write_text('"Referring page URL"\t"Target URL"\n"https://a.example/x"\t"https://acme.com/"\n',
                      encoding="utf-8")
    out = tmp_path / "disavow.txt"
    result = invoke(["disavow", "acmeanalytics.com", "--merge", str(export), "-o", str(out)], db_path)
    assert result.exit_code == 1 and not out.exists()
    (line,) = result.stderr.splitlines()
    assert str(export) in line and "not a disavow or list file" in line and "line 1" in line
