"""Whitelist / remove / disavow lists, the audit's Decisions, and the removal-request contacts.

Real DuckDB files throughout; the lists are checked to survive re-ingesting and re-importing
the sample web, and the contacts are checked against the sample web's ground truth.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from click.testing import CliRunner

from backlink_reference import backlink_states
from conftest import DATA, WARC_DATA
from linkatlas.audit.lists import (add_entries, entries, entries_table, load_decisions, normalize_value,
                                   remove_entries, undecided)
from linkatlas.audit.outreach import contact_candidates, draft_request, valid_address
from linkatlas.cli.main import cli
from linkatlas.errors import UsageError
from linkatlas.index.store import FETCH_SCHEMA, LINK_SCHEMA, open_index

DISAVOW = DATA / "disavow"
TARGET = "acmeanalytics.com"


@pytest.fixture
def index(db_path):
    with open_index(db_path) as opened:
        yield opened


def invoke(args, db_path):
    return CliRunner().invoke(cli, [*args, "--db", str(db_path)], catch_exceptions=False)


# --- values and entries -----------------------------------------------------------------


@pytest.mark.parametrize("text, scope, expected", [
    ("spam.com", "domain", ("spam.com", "spam.com")),
    ("WWW.Spam.COM", "domain", ("spam.com", "spam.com")),
    ("https://blog.spam.com/x?y=1", "domain", ("spam.com", "spam.com")),
    ("domain:news.bbc.co.uk", "domain", ("bbc.co.uk", "bbc.co.uk")),
    ("a.blogspot.com", "domain", ("a.blogspot.com", "a.blogspot.com")),  # PSL private section
    ("bücher.de", "domain", ("xn--bcher-kva.de", "xn--bcher-kva.de")),
    ("HTTPS://Spam.com:443/a/../b#frag", "url", ("https://spam.com/b", "spam.com")),
    ("http://www.spam.co.uk/p", "url", ("http://www.spam.co.uk/p", "spam.co.uk")),
])
def test_values_are_normalized(text, scope, expected):
    assert normalize_value(text, scope) == expected


@pytest.mark.parametrize("text, scope", [("", "domain"), ("localhost", "domain"), ("spam", "domain"),
                                         ("spam.com/page", "url"), ("ftp://spam.com/", "url"),
                                         ("https://spam/", "url"), ("spam.com", "host")])
def test_unusable_values_are_refused(text, scope):
    with pytest.raises(ValueError):
        normalize_value(text, scope)


def test_add_moves_between_lists_and_keeps_dates_of_unchanged_entries(index):
    first = datetime(2026, 1, 2, 3, 4, 5)
    changes = add_entries(index, "https://www.acme.com/", "whitelist", ["partner.com", "www.spam.com"], now=first,
                          added_by="dana")
    assert [(c.value, c.action, c.kind, c.previous) for c in changes] == [
        ("partner.com", "added", "whitelist", None), ("spam.com", "added", "whitelist", None)]
    later = datetime(2026, 2, 1)
    changes = add_entries(index, "acme.com", "disavow", ["spam.com", "spam.com", "partner.com"], note="PBN",
                          now=later, added_by="lee")
    assert [(c.value, c.action, c.kind, c.previous) for c in changes] == [
        ("spam.com", "moved", "disavow", "whitelist"), ("partner.com", "moved", "disavow", "whitelist")]
    assert changes[0].describe("acme.com") == "moved domain spam.com from the whitelist to the disavow list of acme.com"
    again = add_entries(index, "acme.com", "disavow", ["spam.com"], now=datetime(2026, 3, 1))
    noted = add_entries(index, "acme.com", "disavow", ["partner.com"], note="  link\nfarm ", now=datetime(2026, 3, 1))
    assert (again[0].action, noted[0].action) == ("unchanged", "noted")
    stored = {entry.value: entry for entry in entries(index, "acme.com")}
    assert (stored["spam.com"].added_at, stored["spam.com"].note, stored["spam.com"].added_by) == (later, "PBN", "lee")
    assert (stored["partner.com"].added_at, stored["partner.com"].note) == (later, "link farm")
    assert entries(index, "other.com") == []


def test_one_bad_value_changes_nothing(index):
    with pytest.raises(UsageError, match=r"'not a domain': not a domain .* — nothing was changed"):
        add_entries(index, "acme.com", "disavow", ["spam.com", "not a domain"])
    with pytest.raises(UsageError, match="unknown list 'blacklist'"):
        add_entries(index, "acme.com", "blacklist", ["spam.com"])
    assert entries(index, "acme.com") == []


def test_domain_and_url_entries_coexist_and_remove_reports_missing(index):
    add_entries(index, "acme.com", "whitelist", ["spam.com"])
    add_entries(index, "acme.com", "disavow", ["https://spam.com/bad-page"], scope="url")
    assert [(e.kind, e.scope, e.value, e.domain) for e in entries(index, "acme.com")] == [
        ("whitelist", "domain", "spam.com", "spam.com"), ("disavow", "url", "https://spam.com/bad-page", "spam.com")]
    removed = remove_entries(index, "acme.com", ["spam.com", "never.com"])
    assert [(c.value, c.action, c.previous) for c in removed] == [("spam.com", "removed", "whitelist"),
                                                                 ("never.com", "missing", None)]
    assert [e.value for e in entries(index, "acme.com", "disavow")] == ["https://spam.com/bad-page"]


def test_decisions_url_entry_wins_and_domain_entries_cover_registrable_domains_under_them(index):
    add_entries(index, "acme.com", "disavow", ["spam.com", "blogspot.com"])
    add_entries(index, "acme.com", "whitelist", ["https://spam.com/good-review", "https://www.spam.com/b"],
                scope="url")
    add_entries(index, "acme.com", "remove", ["friend.blogspot.com"])
    decisions = load_decisions(index, "acme.com")
    assert len(decisions) == 5
    assert decisions.kind("spam.com") == "disavow"
    assert decisions.kind("spam.com", "https://spam.com/good-review") == "whitelist"
    assert decisions.kind("spam.com", "HTTPS://SPAM.COM/good-review#x") == "whitelist"  # normalized first
    assert decisions.kind("spam.com", "https://spam.com/other") == "disavow"
    assert decisions.kind("other.blogspot.com") == "disavow"  # under the blogspot.com entry
    assert decisions.kind("friend.blogspot.com") == "remove"  # its own entry is nearer
    assert decisions.kind("notspam.com") is None and decisions.kind("nope.org", "https://nope.org/") is None
    assert decisions.decision("spam.com").note is None and decisions.decision("spam.com").scope == "domain"


def test_domain_kinds_vectorized_agrees_with_one_by_one(index):
    add_entries(index, "acme.com", "disavow", [f"spam{i}.com" for i in range(0, 300, 7)] + ["blogspot.com"])
    add_entries(index, "acme.com", "whitelist", [f"spam{i}.com" for i in range(1, 300, 11)])
    add_entries(index, "acme.com", "remove", ["x.blogspot.com"])
    decisions = load_decisions(index, "acme.com")
    domains = [f"spam{i}.com" for i in range(300)] + ["x.blogspot.com", "y.blogspot.com", "blogspot.com"]
    vectorized = decisions.domain_kinds(pa.array(domains)).to_pylist()
    expected = ["whitelist" if i % 11 == 1 else "disavow" if i % 7 == 0 else None for i in range(300)]  # moved
    assert vectorized == expected + ["remove", "disavow", "disavow"]
    assert vectorized == [decisions.kind(domain) for domain in domains]


def test_undecided_rows_and_a_duckdb_join_on_the_arrow_table(index):
    add_entries(index, "acme.com", "disavow", ["spam.com"])
    add_entries(index, "acme.com", "whitelist", ["good.com"])
    add_entries(index, "acme.com", "remove", ["https://mixed.com/page"], scope="url")
    decisions = load_decisions(index, "acme.com")
    rows = pa.table({"domain": ["spam.com", "good.com", "mixed.com", "new.com"], "toxicity": [80, 10, 50, 30]})
    assert undecided(decisions, rows).to_pylist() == [{"domain": "mixed.com", "toxicity": 50},
                                                      {"domain": "new.com", "toxicity": 30}]
    assert undecided(decisions, rows.to_pylist()) == undecided(decisions, rows).to_pylist()
    con = duckdb.connect()
    con.register("decisions", decisions.table)
    con.register("audit_rows", rows)
    joined = con.execute("SELECT r.domain, d.kind FROM audit_rows r LEFT JOIN decisions d "
                         "ON d.scope = 'domain' AND d.value = r.domain ORDER BY r.domain").fetchall()
    assert joined == [("good.com", "whitelist"), ("mixed.com", None), ("new.com", None), ("spam.com", "disavow")]
    assert decisions.table.schema.names == ["kind", "scope", "value", "domain", "note", "added_at", "added_by"]


# --- CLI --------------------------------------------------------------------------------


def test_cli_add_show_rm(db_path):
    added = invoke(["list", "add", "disavow", "www.acme.com", "www.spam.com", "https://pbn.net/x", "--note",
                    "PBN", "--format", "json"], db_path)
    assert added.exit_code == 0 and added.stderr == ""
    assert json.loads(added.stdout) == [
        {"scope": "domain", "value": "spam.com", "action": "added", "kind": "disavow", "previous": None},
        {"scope": "domain", "value": "pbn.net", "action": "added", "kind": "disavow", "previous": None}]
    moved = invoke(["list", "add", "whitelist", "acme.com", "spam.com", "--format", "csv"], db_path)
    assert moved.stdout == "value,scope,action,kind,previous\nspam.com,domain,moved,whitelist,disavow\n"
    assert moved.stderr == "linkatlas: moved domain spam.com from the disavow list to the whitelist of acme.com\n"
    invoke(["list", "add", "remove", "acme.com", "--url", "https://blog.example.org/post-1?a=1#c"], db_path)
    shown = invoke(["list", "show", "acme.com", "--format", "jsonl"], db_path)
    rows = [json.loads(line) for line in shown.stdout.splitlines()]
    assert [(r["kind"], r["scope"], r["value"], r["note"]) for r in rows] == [
        ("whitelist", "domain", "spam.com", None), ("remove", "url", "https://blog.example.org/post-1?a=1", None),
        ("disavow", "domain", "pbn.net", "PBN")]
    assert all(datetime.fromisoformat(r["added_at"]) and "added_by" in r for r in rows)
    only = invoke(["list", "show", "acme.com", "--kind", "disavow", "--format", "csv"], db_path)
    assert [line.split(",")[:3] for line in only.stdout.splitlines()] == [
        ["kind", "scope", "value"], ["disavow", "domain", "pbn.net"]]
    removed = invoke(["list", "rm", "acme.com", "pbn.net", "ghost.com", "--format", "json"], db_path)
    assert removed.exit_code == 1
    assert [row["action"] for row in json.loads(removed.stdout)] == ["removed", "missing"]
    assert removed.stderr == "linkatlas: domain ghost.com is on no list of acme.com\n"


def test_cli_bad_value_exits_2_and_reads_need_a_workspace(db_path, tmp_path):
    bad = invoke(["list", "add", "disavow", "acme.com", "--url", "spam.com/page"], db_path)
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "not an absolute http(s) URL" in bad.stderr
    missing = invoke(["list", "show", "acme.com"], tmp_path / "none.duckdb")
    assert missing.exit_code == 1 and "no linkatlas index here" in missing.stderr


def test_cli_import_a_whitelist_file_as_found(db_path):
    result = invoke(["list", "import", "acme.com", str(DISAVOW / "maesitos_whitelist.csv"), "--kind", "whitelist",
                     "--format", "json"], db_path)
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == {
        "file": str(DISAVOW / "maesitos_whitelist.csv"), "kind": "whitelist", "lines": 20, "entries": 20,
        "duplicates": 2, "added": 18, "moved": 0, "noted": 0, "unchanged": 0, "bad_lines": 0}
    with open_index(db_path) as opened:
        stored = entries(opened, "acme.com")
    assert [e.value for e in stored if e.scope == "domain"] == ["epinganillopro.com", "wp.me"]
    assert {e.note for e in stored} == {"imported from maesitos_whitelist.csv"}
    assert "http://www.epinganillopro.com/preguntas_frecuentes.php" in {e.value for e in stored}


def test_cli_import_reports_bad_lines_with_numbers_and_moves_with_a_message(db_path):
    invoke(["list", "add", "whitelist", "acme.com", "partner-good.com", "wp.me"], db_path)
    result = invoke(["list", "import", "acme.com", str(DISAVOW / "existing_disavow.txt"), "--kind", "disavow",
                     "--note", "old agency file", "--format", "json"], db_path)
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    # lines 5-7, 10-12, 14, 15 (a bare domain is an entry here) and 18; seo-directory.biz twice
    assert (summary["entries"], summary["duplicates"], summary["added"], summary["moved"], summary["bad_lines"]) == (
        9, 1, 7, 1, 2)
    path = DISAVOW / "existing_disavow.txt"
    assert result.stderr.splitlines() == [
        "linkatlas: moved domain partner-good.com from the whitelist to the disavow list of acme.com",
        f"linkatlas: {path}:16: not a valid http(s) URL: 'http://[broken-url/'",
        f"linkatlas: {path}:17: not UTF-8 text (save the file as UTF-8): 'https://caf\ufffd-links.example.net/'",
        f"linkatlas: 2 line(s) of {path} were not entries; see above"]
    # with bare domains allowed, line 15 ("spammy-bare-domain.info") is an entry
    with open_index(db_path) as opened:
        assert load_decisions(opened, "acme.com").kind("spammy-bare-domain.info") == "disavow"


def test_list_help_has_examples():
    for command in (["list", "add"], ["list", "rm"], ["list", "show"], ["list", "import"], ["contacts"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Example" in result.stdout, command


# --- lists survive re-ingest and re-import ----------------------------------------------


def test_lists_survive_reingest_and_reimport(sample_db, tmp_path):
    from linkatlas.ingest import ingest
    from linkatlas.sources.imports import import_files

    db = tmp_path / "copy.duckdb"
    shutil.copy(sample_db, db)
    with open_index(db) as opened:
        add_entries(opened, TARGET, "disavow", ["analytics-news-24.xyz", "freethemeshub.net"], note="network")
        add_entries(opened, TARGET, "whitelist", ["techherald.com"])
        add_entries(opened, TARGET, "remove", ["https://www.linkexchange-partners.net/partners/"], scope="url")
        before = entries_table(opened, TARGET)
        fetches_before = opened.sql("SELECT count(*) FROM fetches")[0][0]
        again = ingest(opened, [sample_db.parent / "warc"])  # the same WARCs: nothing new
        fresh = ingest(opened, [WARC_DATA / "example.warc.gz"])  # a new fetch is written
        imports = [import_files(opened, [DATA / "imports" / "semrush_backlinks.csv"]) for _ in range(2)]
        assert (again.fetches, fresh.fetches, again.errors + fresh.errors) == (0, 1, 0)
        assert opened.sql("SELECT count(*) FROM fetches")[0][0] == fetches_before + 1
        assert imports[0].as_dict()["rows"] > 0 and imports[1].as_dict()["rows"] == 0
        assert entries_table(opened, TARGET).equals(before)
        assert before.num_rows == 4


# --- contacts and drafts ----------------------------------------------------------------


def _reference_live(sample_web) -> dict[str, list]:
    by_domain: dict[str, list] = {}
    for backlink in backlink_states(sample_web, "domain", TARGET, TARGET).values():
        if backlink.status == "live":
            by_domain.setdefault(backlink.source_domain, []).append(backlink)
    return by_domain


def test_contacts_on_the_sample_web_match_its_truth(sample_db, sample_web, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(sample_db, db)
    live = _reference_live(sample_web)
    def first(test):
        return next(domain for domain in sorted(live) if any(test(backlink) for backlink in live[domain]))

    image = first(lambda b: any(e.type == "image" for e in b.elements))
    several = first(lambda b: len({e.anchor for e in b.elements}) > 1)
    chosen = sorted({*sorted(live)[::30], image, several, max(sorted(live), key=lambda d: len(live[d]))})
    url_domain = sorted(live)[4]
    url_pick = sorted(live[url_domain], key=lambda b: (b.source_url, b.target_url))[0].source_url
    assert invoke(["list", "add", "remove", TARGET, *chosen], db).exit_code == 0
    assert invoke(["list", "add", "remove", TARGET, "--url", url_pick], db).exit_code == 0
    result = invoke(["contacts", TARGET, "--format", "json"], db)
    assert result.exit_code == 0 and result.stderr == ""
    found = {row["domain"]: row for row in json.loads(result.stdout)}
    assert sorted(found) == sorted({*chosen, url_domain})
    for domain, row in found.items():
        assert row["emails"][0] == f"hello@{domain}"
        about = {fetch.url for fetch in sample_web.fetches
                 if fetch.domain == domain and fetch.url.endswith("/about/") and 200 <= fetch.status < 300}
        assert about and about <= {page["url"] for page in row["contact_pages"] if page["kind"] == "about"}
        expected = live[domain] if domain in chosen else [b for b in live[domain] if b.source_url == url_pick]
        assert {(p["source_url"], p["target_url"]) for p in row["linking_pages"]} == {
            (b.source_url, b.target_url) for b in expected}
        anchors = {(b.source_url, b.target_url): sorted({e.alt if e.type == "image" else e.anchor for e in b.elements})
                   for b in expected}
        for page in row["linking_pages"]:
            assert page["anchors"] == anchors[(page["source_url"], page["target_url"])]
    assert found[url_domain]["reason"] == ("remove list" if url_domain in chosen else "remove list (pages)")


def test_drafts_name_the_pages_anchors_and_nofollow(sample_db, sample_web, tmp_path):
    live = _reference_live(sample_web)
    domain = max(sorted(live), key=lambda d: (len({b.source_url for b in live[d]}) <= 3, len(live[d])))
    result = invoke(["contacts", TARGET, "--domain", domain, "--draft", "--sender", "Jane Doe", "--format", "table"],
                    sample_db)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(f"To: hello@{domain}\nSubject: Request to remove links to {TARGET} from {domain}\n")
    for backlink in live[domain][:20]:
        assert f"  Page:        {backlink.source_url}\n" in text
    assert 'adding rel="nofollow"' in text and text.rstrip().endswith("Kind regards,\nJane Doe")


def _row(schema: pa.Schema, **values) -> dict:
    return {name: values.get(name) for name in schema.names}


def test_contacts_trust_nothing_from_the_pages(db_path):
    when = datetime(2026, 5, 1)
    page = "https://www.evil-links.net/post"
    fetches = [
        _row(FETCH_SCHEMA, fetch_id=1, url=page, host="www.evil-links.net", domain="evil-links.net", fetched_at=when,
             status=200, origin="warc", title="Post", emails=[
                 "logo@2x.png", "webmaster@acmeanalytics.com", "x@example.com", "owner@evil-links.net",
                 "a..b@evil-links.net", "info@gmail.com", "contact@evil-links.net"]),
        _row(FETCH_SCHEMA, fetch_id=2, url="https://www.evil-links.net/kontakt/", host="www.evil-links.net",
             domain="evil-links.net", fetched_at=when, status=200, origin="warc", title="Kontakt \u202e\x1b[31m"),
        _row(FETCH_SCHEMA, fetch_id=3, url="https://www.evil-links.net/blog/about-analytics-tools",
             host="www.evil-links.net", domain="evil-links.net", fetched_at=when, status=200, origin="warc",
             title="All about analytics tools"),
        _row(FETCH_SCHEMA, fetch_id=4, url="https://www.evil-links.net/impressum.html", host="www.evil-links.net",
             domain="evil-links.net", fetched_at=when, status=404, origin="warc"),
        _row(FETCH_SCHEMA, fetch_id=5, url="https://www.evil-links.net/x", host="www.evil-links.net",
             domain="evil-links.net", fetched_at=when, status=200, origin="warc", title="Über uns | Evil Links"),
    ]
    links = [_row(LINK_SCHEMA, fetch_id=1, fetched_at=when, source_url=page, source_host="www.evil-links.net",
                  source_domain="evil-links.net", target_url="https://acmeanalytics.com/", target_host="acmeanalytics.com",
                  target_domain=TARGET, anchor=anchor, nofollow=False, ugc=False, sponsored=False, type="text",
                  ordinal=number)
             for number, anchor in enumerate(["best\nanalytics\x1b]0;pwned\x07", "x" * 500, "\u202eevil"])]
    with open_index(db_path) as opened:
        opened.write_batch(pa.Table.from_pylist(fetches, FETCH_SCHEMA), pa.Table.from_pylist(links, LINK_SCHEMA))
        (contacts,) = contact_candidates(opened, TARGET, ["evil-links.net"])
    assert contacts.emails == ("contact@evil-links.net", "owner@evil-links.net", "info@gmail.com")
    assert [(page.url, page.kind) for page in contacts.contact_pages] == [
        ("https://www.evil-links.net/kontakt/", "contact"), ("https://www.evil-links.net/x", "about")]
    assert contacts.contact_pages[0].title == "Kontakt [31m"
    (linking,) = contacts.linking_pages
    assert linking.anchors == ("best analytics ]0;pwned", "evil", "x" * 199 + "…")  # no ESC, BEL, bidi; bounded
    draft = draft_request(contacts, TARGET, site_name="Acme\nAnalytics", sender="Jane\x1b[2J")
    assert all(char == "\n" or char.isprintable() for char in draft.as_text())
    assert "I am writing on behalf of Acme Analytics (acmeanalytics.com)." in draft.body


@pytest.mark.parametrize("address, kept", [
    ("Hello@Spam.com", "hello@spam.com"), ("logo@2x.png", None), ("me@example.org", None), ("a@b.test", None),
    ("x" * 65 + "@spam.com", None), ("user.name+tag@mail.spam.co.uk", "user.name+tag@mail.spam.co.uk"),
    (".lead@spam.com", None), ("a@-spam.com", None), ("ops@acme.com", None)])
def test_address_validation(address, kept):
    assert valid_address(address, exclude_domain="acme.com") == kept


def test_docs_examples_run_as_written(sample_db, tmp_path):
    """The docs-test block of docs/audit-lists.md, on a copy of the sample web's workspace."""
    doc = (Path(__file__).parent.parent / "docs" / "audit-lists.md").read_text()
    block = doc.split("<!-- docs-test:start -->", 1)[1].split("<!-- docs-test:end -->", 1)[0]
    (commands,) = re.findall(r"```sh\n(.*?)```", block, re.S)
    shutil.copy(sample_db, tmp_path / "linkatlas.duckdb")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("LINKATLAS_DB", None)
    for line in commands.strip().splitlines():
        result = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, (line, result.stderr)
    written = (tmp_path / "disavow.txt").read_text().splitlines()
    assert [line for line in written if not line.startswith("#")] == [
        "domain:old-spam.example", "domain:analytics-news-24.xyz", "domain:linkexchange-partners.net"]
    assert "# link network (disavow list," in "\n".join(written)
    assert any(line.startswith("# not disavowed: https://www.techherald.com/some-page") for line in written)
    (contacts,) = json.loads((tmp_path / "contacts.json").read_text())
    assert contacts["domain"] == "freethemeshub.net" and contacts["emails"] == ["hello@freethemeshub.net"]
    assert contacts["linking_pages"]
    requests = (tmp_path / "requests.txt").read_text()
    assert requests.startswith("To: hello@freethemeshub.net\n") and requests.rstrip().endswith("Jane Doe")
    assert all(f"  Page:        {page['source_url']}" in requests for page in contacts["linking_pages"][:20])
