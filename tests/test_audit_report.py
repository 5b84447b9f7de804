"""`linkatlas audit` end to end on the sample web: the JSON contract, lists, review, explain, links,
the grouped table, disavow of toxic domains and the monitor's toxic check.

Expected domains and counts come from the plain-Python reference over the generator's truth
(tests/backlink_reference.py) and the sites' labels, never from the code under test.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from backlink_reference import backlink_states
from linkatlas.cli.main import cli

TARGET = "acmeanalytics.com"


@pytest.fixture
def workspace(sample_db, tmp_path):
    db = tmp_path / "audit.duckdb"
    shutil.copy(sample_db, db)
    return str(db)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def audit_json(db: str, *extra: str) -> dict:
    return json.loads(run("audit", TARGET, "--db", db, "--format", "json", *extra))


@pytest.fixture(scope="module")
def reference(sample_web):
    return backlink_states(sample_web, "domain", TARGET, TARGET)


def test_audit_json_holds_every_referring_domain_and_a_consistent_summary(workspace, sample_web, reference):
    report = audit_json(workspace)
    assert {"target", "summary", "domains", "naturalness", "bursts", "over_optimized",
            "reciprocal_domains"} <= set(report)
    assert report["target"] == TARGET
    domains = {row["domain"]: row for row in report["domains"]}
    assert set(domains) == {b.source_domain for b in reference.values()}
    live = {b.source_domain for b in reference.values() if b.status == "live"}
    assert {d for d, row in domains.items() if row["status"] == "live"} == live
    for domain in live:
        assert domains[domain]["backlinks"] == sum(1 for b in reference.values()
                                                   if b.source_domain == domain and b.status == "live")
    summary = report["summary"]
    toxic = sum(1 for d in live if domains[d]["level"] == "toxic")
    assert summary["referring_domains"] == len(live) and summary["toxic"] == toxic
    assert summary["potentially_toxic"] == sum(1 for d in live if domains[d]["level"] == "potentially_toxic")
    assert summary["backlinks"] == sum(1 for b in reference.values() if b.status == "live")
    percent = round(100 * toxic / len(live), 1)
    assert summary["profile_toxicity_percent"] == percent
    assert summary["level"] == ("low" if percent < 3 else "medium" if percent <= 10 else "high")
    for row in report["domains"]:
        assert 0 <= row["toxicity"] <= 100
        assert row["level"] == ("toxic" if row["toxicity"] >= 60 else "potentially_toxic"
                                if row["toxicity"] >= 45 else "non_toxic")
        assert all({"id", "category", "evidence"} <= set(marker) for marker in row["markers"])
    assert [row["toxicity"] for row in report["domains"]] == sorted((row["toxicity"] for row in report["domains"]),
                                                                   reverse=True)
    swaps = {s.domain for s in sample_web.sites.values() if s.labels.get("reciprocal_with") == TARGET}
    assert swaps and swaps <= {row["domain"] for row in report["reciprocal_domains"]}
    planted = {e["domain"] for e in sample_web.history if e["event"] == "link_burst"}
    assert planted <= {b["domain"] for b in report["bursts"] if b["scope"] == "domain"}
    assert {check["id"] for check in report["naturalness"]["checks"]} >= {"spam_share", "anchor_mix", "rel_mix"}


def test_whitelist_scores_zero_and_says_why_review_hides_decided_domains(workspace, sample_web):
    before = audit_json(workspace)
    toxic = [row for row in before["domains"] if row["level"] == "toxic" and row["status"] == "live"]
    friend, spam = toxic[0]["domain"], toxic[1]["domain"]
    run("list", "add", "whitelist", TARGET, friend, "--db", workspace, "--note", "our agency's network")
    run("list", "add", "disavow", TARGET, spam, "--db", workspace)
    after = audit_json(workspace)
    rows = {row["domain"]: row for row in after["domains"]}
    assert rows[friend]["toxicity"] == 0 and rows[friend]["level"] == "non_toxic"
    assert rows[friend]["raw_toxicity"] == toxic[0]["toxicity"]
    assert "our agency's network" in rows[friend]["whitelisted"] and rows[friend]["list"] == "whitelist"
    assert rows[spam]["list"] == "disavow" and rows[spam]["toxicity"] == toxic[1]["toxicity"]
    assert after["summary"]["toxic"] == before["summary"]["toxic"] - 1
    assert (after["summary"]["whitelisted"], after["summary"]["disavow"]) == (1, 1)
    links = list(csv.DictReader(io.StringIO(run("audit", TARGET, "--db", workspace, "--links", "--format", "csv"))))
    mine = [row for row in links if row["source_domain"] == friend]
    assert mine and all((row["toxicity"], row["level"]) == ("0", "non_toxic") for row in mine)
    assert any(int(row["toxicity"]) >= 60 for row in links if row["source_domain"] == spam)
    review = audit_json(workspace, "--review")
    assert {friend, spam}.isdisjoint(row["domain"] for row in review["domains"])
    assert len(review["domains"]) == len(after["domains"]) - 2
    only_toxic = audit_json(workspace, "--review", "--level", "toxic")
    assert only_toxic["domains"] and all(row["level"] == "toxic" for row in only_toxic["domains"])
    disavow = run("disavow", TARGET, "--db", workspace, "--include-toxic")
    lines = [line for line in disavow.splitlines() if line and not line.startswith("#")]
    expected = {f"domain:{row['domain']}" for row in after["domains"] if row["toxicity"] >= 60} | {f"domain:{spam}"}
    assert set(lines) == expected and f"domain:{friend}" not in lines


def test_explain_names_the_evidence(workspace, sample_web):
    pbn = min((s for s in sample_web.sites.values() if s.labels.get("pattern") == "pbn"), key=lambda s: s.domain)
    text = run("audit", TARGET, "--db", workspace, "--explain", pbn.domain, "--format", "table")
    assert text.startswith(f"{pbn.domain}: toxicity ")
    shared = set(pbn.labels.get("analytics_ids") or ())
    assert shared and any(identifier in text for identifier in shared)
    missing = run("audit", TARGET, "--db", workspace, "--explain", "never-linked.example")
    assert "no backlink" in missing


def test_links_rows_are_the_backlinks_with_their_toxicity(workspace, reference):
    text = run("audit", TARGET, "--db", workspace, "--links", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(row["source_url"], row["target_url"]) for row in rows} == set(reference)
    assert all(0 <= int(row["toxicity"]) <= 100 for row in rows)


def test_table_groups_domains_by_level(workspace):
    text = run("audit", TARGET, "--db", workspace, "--format", "table")
    report = audit_json(workspace)
    heads = [text.index(title) for title in ("Toxic (60–100)", "Potentially toxic (45–59)", "Non-toxic (0–44)")]
    assert heads == sorted(heads)
    most_toxic = report["domains"][0]["domain"]
    assert heads[0] < text.index(most_toxic) < heads[1]
    assert "Naturalness: " in text


def test_audit_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["audit", TARGET, "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    bad = CliRunner().invoke(cli, ["audit", "not a domain", "--db", str(tmp_path / "missing.duckdb")])
    assert bad.exit_code in (1, 2) and len(bad.stderr.strip().splitlines()) == 1


def test_monitor_alerts_toxic_referring_domains_once(workspace, reference):
    from linkatlas.index.store import open_index
    from linkatlas.monitor.monitors import MonitorRun, _alert, add_monitor, toxic_check

    report = audit_json(workspace)
    toxic = {row["domain"] for row in report["domains"] if row["level"] == "toxic" and row["status"] == "live"}
    current = [{"source_url": s, "target_url": t, "source_domain": b.source_domain, "state": b.status}
               for (s, t), b in reference.items()]
    with open_index(workspace) as index:
        monitor = add_monitor(index, TARGET)
        first = MonitorRun(monitor["monitor_id"], TARGET, None, baseline=False)
        toxic_check(index, monitor, first, current)
        _alert(index, monitor, first, None, False)
        second = MonitorRun(monitor["monitor_id"], TARGET, None, baseline=False)
        toxic_check(index, monitor, second, current)
    assert toxic and {item["domain"] for item in first.toxic} == toxic
    assert all(item["toxicity"] >= 60 and item["markers"] for item in first.toxic)
    assert second.toxic == []  # alerted once, not again


def test_audit_works_on_imported_only_data(tmp_path):
    """Exports only (Ahrefs, Semrush, a Spanish Search Console zip): no fetches, no page facts.
    The audit still lists every referring domain the reports know, and unknown rel is not follow."""
    from conftest import DATA
    from linkatlas.index.store import open_index
    from linkatlas.sources.imports import import_files

    db = str(tmp_path / "imports.duckdb")
    names = ["ahrefs_backlinks.csv", "semrush_backlinks.csv", "gsc_links_es.zip", "semrush_referring_domains.csv"]
    with open_index(db) as index:
        assert import_files(index, [DATA / "imports" / name for name in names], target="example.com",
                            progress=False).errors == 0
    report = json.loads(run("audit", "example.com", "--db", db, "--format", "json"))
    refdomains = json.loads(run("refdomains", "example.com", "--db", db, "--status", "all", "--format", "json"))
    assert {row["domain"] for row in report["domains"]} == {row["domain"] for row in refdomains}
    live = json.loads(run("refdomains", "example.com", "--db", db, "--format", "json"))
    assert report["summary"]["referring_domains"] == len(live)
    rel = {check["id"]: check for check in report["naturalness"]["checks"]}["rel_mix"]
    overview = json.loads(run("overview", "example.com", "--db", db, "--format", "json"))
    assert rel["follow"]["backlinks"] == overview["follow"]  # unknown rel never counted as follow
    assert overview["unknown_rel"] > 0
