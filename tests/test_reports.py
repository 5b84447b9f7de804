"""Every report, through the CLI, equals the sample web's ground truth exactly.

Expected values come from ``backlink_reference`` (plain Python over the generator's truth)
and from the events the generator planted on purpose, never from linkatlas's own code.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import datetime

import pytest
from click.testing import CliRunner

from backlink_reference import Reference, is_success, naive
from linkatlas.cli.main import cli

TARGETS = [
    ("acmeanalytics.com", "domain", "acmeanalytics.com", "acmeanalytics.com"),
    ("datapulse.com", "domain", "datapulse.com", "datapulse.com"),
    ("chartwise.co.uk", "domain", "chartwise.co.uk", "chartwise.co.uk"),
    ("www.acmeanalytics.com", "host", "www.acmeanalytics.com", "acmeanalytics.com"),
    ("https://www.acmeanalytics.com/blog/", "prefix", "https://www.acmeanalytics.com/blog/", "acmeanalytics.com"),
    ("https://www.acmeanalytics.com/pricing", "url", "https://www.acmeanalytics.com/pricing", "acmeanalytics.com"),
]
IDS = [f"{scope}:{text}" for text, scope, _, _ in TARGETS]


@pytest.fixture(scope="module")
def run(sample_db):
    runner = CliRunner()

    def invoke(*args, fmt="json"):
        result = runner.invoke(cli, [*args, "--db", str(sample_db), "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout) if fmt == "json" else result.stdout

    return invoke


@pytest.fixture(scope="module")
def references(sample_web):
    return {(text, scope): Reference.build(sample_web, scope, value, domain) for text, scope, value, domain in TARGETS}


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def pairs(rows) -> set:
    return {(row["source_url"], row["target_url"]) for row in rows}


@pytest.mark.parametrize("text,scope", [(t, s) for t, s, _, _ in TARGETS], ids=IDS)
def test_every_backlink_with_its_state_and_attributes(run, references, text, scope):
    reference = references[(text, scope)]
    rows = run("backlinks", text, "--scope", scope, "--status", "all")
    assert len(rows) == len(reference.now) > 0
    got = {(r["source_url"], r["target_url"]): r for r in rows}
    assert set(got) == set(reference.now)
    for key, expected in reference.now.items():
        row = got[key]
        link = expected.link
        assert (row["status"], when(row["first_seen"]), when(row["last_seen"]), when(row["lost_at"])) == (
            expected.status, expected.first_seen, expected.last_seen, expected.lost_at), key
        assert (row["anchor"], row["type"], row["nofollow"], row["ugc"], row["sponsored"], row["placement"],
                row["hidden"], row["follow"]) == (
            link.anchor, link.type, link.nofollow, link.ugc, link.sponsored, link.placement, link.hidden,
            expected.follow), key
        assert (row["source_domain"], row["source_title"]) == (expected.source_domain, expected.title)


@pytest.mark.parametrize("status", ["live", "new", "lost", "broken"])
@pytest.mark.parametrize("text,scope", [(t, s) for t, s, _, _ in TARGETS[:4]], ids=IDS[:4])
def test_status_filters_select_exactly_the_reference_sets(run, references, text, scope, status):
    reference = references[(text, scope)]
    expected = {"live": reference.live, "new": reference.new, "lost": reference.lost, "broken": reference.broken}
    rows = run("backlinks", text, "--scope", scope, "--status", status)
    assert pairs(rows) == {(b.source_url, b.target_url) for b in expected[status]()}


@pytest.mark.parametrize("text,scope", [(t, s) for t, s, _, _ in TARGETS], ids=IDS)
def test_overview_counts(run, references, text, scope):
    reference = references[(text, scope)]
    live = reference.live()
    result = run("overview", text, "--scope", scope)
    expected = {
        "backlinks": len(live),
        "referring_domains": len({b.source_domain for b in live}),
        "referring_ips": len({b.ip for b in live}),
        "referring_subnets": len({b.ip.rsplit(".", 1)[0] for b in live}),
        "follow": sum(b.follow for b in live),
        "nofollow": sum(b.link.nofollow for b in live),
        "ugc": sum(b.link.ugc for b in live),
        "sponsored": sum(b.link.sponsored for b in live),
        "text": sum(b.link.type == "text" for b in live),
        "image": sum(b.link.type == "image" for b in live),
        "redirect": sum(b.link.type == "redirect" for b in live),
        "new_backlinks": len(reference.new()),
        "lost_backlinks": len(reference.lost()),
        "broken_backlinks": len(reference.broken()),
        "new_referring_domains": len(reference.new_domains()),
        "lost_referring_domains": len(reference.lost_domains()),
    }
    assert {key: result[key] for key in expected} == expected
    assert (result["target"], result["scope"]) == (text if scope != "domain" else text, scope)
    assert result["trend"] == reference.history()


def test_overview_crawl_range_and_widgets(run, references, sample_web):
    result = run("overview", "acmeanalytics.com")
    fetched = sorted(naive(f.fetched_at) for f in sample_web.fetches)
    assert (when(result["first_crawl"]), when(result["last_crawl"])) == (fetched[0], fetched[-1])
    live_domains = {b.source_domain for b in references[("acmeanalytics.com", "domain")].live()}
    tlds = {row["tld"]: row["referring_domains"] for row in result["tld_distribution"]}
    assert sum(tlds.values()) == len(live_domains)
    assert tlds["blogspot.com"] == sum(d.endswith(".blogspot.com") for d in live_domains)  # private PSL section
    assert tlds["co.uk"] == sum(d.endswith(".co.uk") for d in live_domains)
    assert sum(row["referring_domains"] for row in result["authority_distribution"]) == len(live_domains)
    assert sum(row["backlinks"] for row in result["anchor_types"]) == result["backlinks"]
    assert [row["anchor"] for row in result["top_anchors"]][0] == "Acme Analytics"


@pytest.mark.parametrize("text,scope", [(t, s) for t, s, _, _ in TARGETS[:4]], ids=IDS[:4])
def test_referring_domains_by_status(run, references, text, scope):
    reference = references[(text, scope)]
    rows = run("refdomains", text, "--scope", scope, "--status", "all")
    by_domain = defaultdict(list)
    for backlink in reference.now.values():
        by_domain[backlink.source_domain].append(backlink)
    assert {row["domain"] for row in rows} == set(by_domain)
    for row in rows:
        backlinks = by_domain[row["domain"]]
        live = [b for b in backlinks if b.status == "live"]
        assert row["backlinks"] == len(live)
        assert row["follow_backlinks"] == sum(b.follow for b in live)
        assert sorted(row["ips"] or []) == sorted({b.ip for b in live})
        assert when(row["first_seen"]) == min(b.first_seen for b in backlinks)
        assert when(row["last_seen"]) == max(b.last_seen for b in backlinks)
        statuses = {b.status for b in backlinks}
        assert row["status"] == ("live" if "live" in statuses else "broken" if "broken" in statuses else "lost")
    for status, expected in (("new", reference.new_domains()), ("lost", reference.lost_domains()),
                             ("live", reference.live_domains())):
        assert {row["domain"] for row in run("refdomains", text, "--scope", scope, "--status", status)} == expected


def test_history_matches_the_reference_month_by_month(run, references):
    for (text, scope), reference in references.items():
        assert run("history", text, "--scope", scope) == reference.history()


@pytest.mark.parametrize("text,scope", [(t, s) for t, s, _, _ in TARGETS[:4]], ids=IDS[:4])
def test_anchors_count_every_element_of_live_backlinks(run, references, text, scope):
    reference = references[(text, scope)]
    backlinks_by_anchor, domains_by_anchor = defaultdict(set), defaultdict(set)
    for backlink in reference.live():
        for element in backlink.elements:
            backlinks_by_anchor[element.anchor].add((backlink.source_url, backlink.target_url))
            domains_by_anchor[element.anchor].add(backlink.source_domain)
    rows = run("anchors", text, "--scope", scope)
    assert {row["anchor"]: (row["backlinks"], row["referring_domains"]) for row in rows} == {
        anchor: (len(backlinks_by_anchor[anchor]), len(domains_by_anchor[anchor])) for anchor in backlinks_by_anchor}


def test_pages_show_live_backlinks_and_the_status_seen(run, references, sample_web):
    reference = references[("acmeanalytics.com", "domain")]
    latest_status = {}
    for fetch in sorted(sample_web.fetches, key=lambda f: f.fetched_at):
        latest_status[fetch.url] = fetch.status
    expected = defaultdict(lambda: [0, set()])
    for backlink in reference.live():
        expected[backlink.target_url][0] += 1
        expected[backlink.target_url][1].add(backlink.source_domain)
    rows = run("pages", "acmeanalytics.com")
    assert {row["target_url"]: (row["backlinks"], row["referring_domains"], row["http_status"]) for row in rows} == {
        url: (n, len(domains), latest_status.get(url)) for url, (n, domains) in expected.items()}
    errors = run("pages", "acmeanalytics.com", "--errors")
    assert {row["target_url"] for row in errors} == {
        url for url in expected if latest_status.get(url) is not None and latest_status[url] >= 400}


def test_referring_ips(run, references):
    reference = references[("acmeanalytics.com", "domain")]
    expected = defaultdict(lambda: [set(), 0])
    for backlink in reference.live():
        expected[backlink.ip][0].add(backlink.source_domain)
        expected[backlink.ip][1] += 1
    rows = run("refips", "acmeanalytics.com")
    assert {row["ip"]: (row["subnet"], row["referring_domains"], row["backlinks"]) for row in rows} == {
        ip: (ip.rsplit(".", 1)[0] + ".0/24", len(domains), n) for ip, (domains, n) in expected.items()}


def test_outbound_domains_from_the_latest_successful_fetches(run, sample_web):
    site = "acmeanalytics.com"
    latest_ok = {}
    for fetch in sorted(sample_web.fetches, key=lambda f: f.fetched_at):
        if fetch.domain == site and is_success(fetch.status):
            latest_ok[fetch.url] = fetch
    links, follow, pages_ = defaultdict(set), defaultdict(set), defaultdict(set)
    for fetch in latest_ok.values():
        for link in fetch.links:
            links[link.target_domain].add((fetch.url, link.target_url))
            pages_[link.target_domain].add(fetch.url)
            if not (link.nofollow or link.ugc or link.sponsored or fetch.robots_nofollow):
                follow[link.target_domain].add((fetch.url, link.target_url))
    rows = run("outbound", site)
    assert {row["domain"]: (row["links"], row["follow_links"], row["pages"]) for row in rows} == {
        domain: (len(links[domain]), len(follow[domain]), len(pages_[domain])) for domain in links}
    planted = {event["target_domain"] for event in sample_web.history if event["event"] == "outbound_from_target"}
    assert planted <= {row["domain"] for row in rows}


# -- the events the generator planted ----------------------------------------------------------


def events(web, kind):
    return [event for event in web.history if event["event"] == kind]


def test_planted_removals_are_lost_in_their_crawl(run, sample_web):
    rows = {(r["source_url"], r["target_url"]): r for target in sample_web.targets
            for r in run("backlinks", target, "--status", "all")}
    removed = events(sample_web, "link_removed")
    assert removed
    for event in removed:
        row = rows[(event["source_url"], event["target_url"])]
        assert row["status"] == "lost" and row["lost_at"][:10] == event["crawl_date"], event


def test_planted_additions_are_new_in_their_crawl(run, sample_web):
    added = events(sample_web, "link_added")
    assert added
    for event in added:
        rows = run("backlinks", event["target_url"], "--scope", "url", "--status", "all", "--since", "2026-01-01")
        row = next(r for r in rows if r["source_url"] == event["source_url"])
        assert row["first_seen"][:10] == event["crawl_date"], event
    latest = max(event["crawl_date"] for event in added)
    new_now = pairs(run("backlinks", "acmeanalytics.com", "--status", "new"))
    for event in added:
        if event["crawl_date"] == latest and "acmeanalytics.com" in event["target_url"]:
            assert (event["source_url"], event["target_url"]) in new_now


def test_planted_broken_pages_make_their_backlinks_broken(run, sample_web):
    broken_pages = {event["source_url"]: event for event in events(sample_web, "page_broken")}
    recovered = {event["source_url"] for event in events(sample_web, "page_error_recovered")}
    rows = [r for target in sample_web.targets for r in run("backlinks", target, "--status", "all")]
    for url in broken_pages:
        statuses = {r["status"] for r in rows if r["source_url"] == url}
        assert statuses and statuses <= {"broken", "lost"}, url
    assert recovered
    for url in recovered:  # 200, then 500, then 200 again: its backlinks are live (to whichever site)
        fetch = next(f for f in sample_web.fetches if f.url == url and f.links)
        target = fetch.links[0].target_domain
        statuses = {r["status"] for r in run("backlinks", target, "--status", "all") if r["source_url"] == url}
        assert statuses == {"live"}, url


def test_page_level_nofollow_makes_links_not_follow(run, sample_web):
    for kind in ("meta_robots_nofollow", "x_robots_nofollow"):
        for event in events(sample_web, kind):
            rows = [r for target in sample_web.targets for r in run("backlinks", target, "--status", "all")
                    if r["source_url"] == event["source_url"]]
            assert rows and not any(r["follow"] for r in rows), event


def test_link_burst_domain_is_new_volume_in_the_latest_crawl(run, sample_web):
    burst = events(sample_web, "link_burst")[0]
    rows = run("backlinks", "acmeanalytics.com", "--status", "new", "--source-domain", burst["domain"])
    assert len(rows) >= burst["new_pages"]


# -- options -----------------------------------------------------------------------------------


def test_flag_filters_and_one_per_domain(run, references):
    reference = references[("acmeanalytics.com", "domain")]
    live = reference.live()
    assert pairs(run("backlinks", "acmeanalytics.com", "--follow")) == {
        (b.source_url, b.target_url) for b in live if b.follow}
    assert pairs(run("backlinks", "acmeanalytics.com", "--ugc")) == {
        (b.source_url, b.target_url) for b in live if b.link.ugc}
    assert pairs(run("backlinks", "acmeanalytics.com", "--type", "image")) == {
        (b.source_url, b.target_url) for b in live if b.link.type == "image"}
    assert pairs(run("backlinks", "acmeanalytics.com", "--anchor", "PRICING")) == {
        (b.source_url, b.target_url) for b in live if "pricing" in b.link.anchor.lower()}
    best = run("backlinks", "acmeanalytics.com", "--one-per-domain")
    assert Counter(row["source_domain"] for row in best) == Counter({b.source_domain for b in live})
    for row in best:  # a follow backlink whenever the domain has one
        has_follow = any(b.follow for b in live if b.source_domain == row["source_domain"])
        assert row["follow"] == has_follow


def test_sort_limit_and_csv(run):
    rows = run("backlinks", "acmeanalytics.com", "--sort", "-first_seen", "--limit", "5")
    firsts = [row["first_seen"] for row in rows]
    assert len(rows) == 5 and firsts == sorted(firsts, reverse=True)
    everything = run("backlinks", "acmeanalytics.com")
    assert firsts[0] == max(row["first_seen"] for row in everything)
    text = run("refdomains", "acmeanalytics.com", "--limit", "3", fmt="csv")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 3 and list(parsed[0])[:3] == ["domain", "backlinks", "follow_backlinks"]


def test_usage_errors_exit_2(sample_db):
    runner = CliRunner()
    for args in (["backlinks", "acmeanalytics.com", "--sort", "source_url; DROP TABLE links"],
                 ["backlinks", "not a domain"],
                 ["backlinks", "acmeanalytics.com", "--since", "yesterday"]):
        result = runner.invoke(cli, [*args, "--db", str(sample_db)])
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("linkatlas: error:") and len(result.stderr.splitlines()) == 1


def test_missing_index_is_one_line_exit_1(tmp_path):
    result = CliRunner().invoke(cli, ["overview", "acme.com", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no linkatlas index here" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_history_chart_is_a_png(run, tmp_path):
    chart = tmp_path / "history.png"
    run("history", "acmeanalytics.com", "--chart", str(chart))
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 600 and height >= 400


def test_authority_columns_are_the_stored_scores_and_filter(run, sample_db):
    refdomains = run("refdomains", "acmeanalytics.com")
    scores = {row["domain"]: row["authority_score"] for row in refdomains}
    assert all(score is not None for score in scores.values()) and len(set(scores.values())) > 3
    shown = run("authority", *sorted(scores)[:5])
    assert {row["domain"]: row["authority_score"] for row in shown} == {d: scores[d] for d in sorted(scores)[:5]}
    backlinks = run("backlinks", "acmeanalytics.com")
    assert all(row["source_authority"] == scores[row["source_domain"]] for row in backlinks)
    threshold = sorted(scores.values())[len(scores) // 2]
    strong = run("backlinks", "acmeanalytics.com", "--min-authority", str(threshold))
    assert pairs(strong) == {(r["source_url"], r["target_url"]) for r in backlinks
                             if r["source_authority"] >= threshold}
    assert {r["domain"] for r in run("refdomains", "acmeanalytics.com", "--max-authority", str(threshold))} == {
        d for d, s in scores.items() if s <= threshold}
    overview = run("overview", "acmeanalytics.com")
    buckets = {row["authority"]: row["referring_domains"] for row in overview["authority_distribution"]}
    assert buckets["unknown"] == 0
    for label, n in buckets.items():
        if label != "unknown":
            low, high = map(int, label.split("-"))
            assert n == sum(1 for s in scores.values() if low <= s <= high), label


def test_a_file_that_is_not_an_index_is_one_line_exit_1(tmp_path):
    bogus = tmp_path / "notes.duckdb"
    bogus.write_bytes(b"garbage, not a database")
    result = CliRunner().invoke(cli, ["backlinks", "acme.com", "--db", str(bogus)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"linkatlas: error: {bogus}: not a linkatlas index (not a DuckDB database file) — "
        "pass --db with the path of a workspace"]
    assert bogus.read_bytes() == b"garbage, not a database"


def test_a_short_file_that_is_not_an_index_is_refused_not_opened_empty(tmp_path):
    """DuckDB opens a file shorter than its header as an empty database; a truncated export passed
    as --db must not give an empty report."""
    bogus = tmp_path / "export.csv"
    bogus.write_bytes("\ufeffReferring page URL\tTarget URL\n".encode("utf-16-le"))
    before = bogus.read_bytes()
    for command in (["overview", "acme.com"], ["audit", "acme.com"]):
        result = CliRunner().invoke(cli, [*command, "--db", str(bogus)])
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.splitlines() == [
            f"linkatlas: error: {bogus}: not a linkatlas index (not a DuckDB database file) — "
            "pass --db with the path of a workspace"]
    assert bogus.read_bytes() == before
