"""The audit's profile-level reports: link bursts, over-optimized pages, reciprocal links, naturalness.

Hand-built indexes give exact expectations; on the sample web the expectations come from the
plain-Python reference over the generator's truth (tests/backlink_reference.py).
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from datetime import datetime

import pyarrow as pa
import pytest

from backlink_reference import backlink_states, month_start
from linkatlas.audit.anchor_mix import anchor_classifier, classify_backlinks, over_optimized_pages
from linkatlas.audit.bursts import BurstRules, link_bursts
from linkatlas.audit.naturalness import naturalness
from linkatlas.audit.reciprocal import own_crawled_pages, reciprocal_domains
from linkatlas.extract.domains import domain_of
from linkatlas.index.store import FETCH_SCHEMA, LINK_SCHEMA, open_index
from linkatlas.metrics.state import build_state, crawl_periods
from linkatlas.metrics.target import parse_target

TARGET = "acmeanalytics.com"


def write_pages(index, pages: list[dict]) -> None:
    """Store hand-made fetches: each page dict has url, at, and optionally status, ip, title and
    links [(target_url, anchor, rel)]."""
    fetches, links = [], []
    for number, page in enumerate(pages, 1):
        host = page["url"].split("/", 3)[2]
        fetches.append({"fetch_id": number, "url": page["url"], "host": host, "domain": domain_of(host),
                        "ip": page.get("ip", f"10.{number}.0.1"), "fetched_at": page["at"],
                        "status": page.get("status", 200), "content_type": "text/html", "origin": "warc",
                        "title": page.get("title")})
        for ordinal, (target, anchor, rel) in enumerate(page.get("links", ())):
            target_host = target.split("/", 3)[2]
            links.append({"fetch_id": number, "fetched_at": page["at"], "source_url": page["url"],
                          "source_host": host, "source_domain": domain_of(host), "target_url": target,
                          "target_host": target_host, "target_domain": domain_of(target_host), "anchor": anchor,
                          "alt": "", "nofollow": "nofollow" in rel, "ugc": "ugc" in rel,
                          "sponsored": "sponsored" in rel, "type": "text", "placement": "content",
                          "hidden": False, "context": "", "ordinal": ordinal})
    index.write_batch(pa.Table.from_pylist(fetches, FETCH_SCHEMA), pa.Table.from_pylist(links, LINK_SCHEMA))


JAN, FEB = datetime(2026, 1, 10), datetime(2026, 2, 10)


def test_over_optimized_pages_are_the_ones_exact_anchors_dominate(tmp_path):
    a, b, c = "https://acme.com/churn", "https://acme.com/pricing", "https://acme.com/roi"
    pages = [{"url": a, "at": JAN, "title": "Churn Prediction Software | Acme"},
             {"url": b, "at": JAN, "title": "Pricing | Acme"},
             {"url": c, "at": JAN, "title": "Martech ROI Calculator | Acme"}]
    anchors_a = ["churn prediction software"] * 4 + ["Acme", "click here"]  # exact 4/6, dominant
    anchors_b = ["pricing"] + ["Acme"] * 5  # exact 1/6
    anchors_c = ["martech roi calculator"] * 3  # exact 3/3 but only three backlinks
    for target, anchors in ((a, anchors_a), (b, anchors_b), (c, anchors_c)):
        for number, anchor in enumerate(anchors):
            pages.append({"url": f"https://site{number}-{target[-4:]}.org/post", "at": JAN,
                          "links": [(target, anchor, "")]})
    with open_index(tmp_path / "t.duckdb") as index:
        write_pages(index, pages)
        target = parse_target("acme.com")
        build_state(index, target)
        classify_backlinks(index, anchor_classifier(index, target, ["Acme"], []))
        result = {page["target_url"]: page for page in over_optimized_pages(index)}
    assert {url for url, page in result.items() if page["over_optimized"]} == {a}
    assert result[a]["exact_share"] == round(4 / 6, 4) and result[a]["dominant_type"] == "exact"
    assert result[a]["anchor_types"]["branded"]["backlinks"] == 1
    assert result[b]["dominant_type"] == "branded" and result[b]["exact_share"] == round(1 / 6, 4)
    assert result[c]["exact_share"] == 1.0 and not result[c]["over_optimized"]  # too few to call a pattern


def test_reciprocal_domains_need_a_live_backlink_and_a_link_back(tmp_path):
    ours = "https://www.acme.com/partners"
    pages = [
        {"url": ours, "at": FEB, "links": [("https://x.com/", "X", ""), ("https://lost.com/", "L", ""),
                                           ("https://nobacklink.com/", "N", "")]},
        {"url": "https://www.acme.com/old", "at": JAN, "links": [("https://z.com/", "Z", "")]},
        {"url": "https://www.acme.com/old", "at": FEB, "links": []},  # our link to z.com is gone
        {"url": "https://x.com/a", "at": FEB, "links": [("https://www.acme.com/", "Acme", "")]},
        {"url": "https://x.com/b", "at": FEB, "links": [("https://www.acme.com/", "Acme", "nofollow")]},
        {"url": "https://lost.com/p", "at": JAN, "links": [("https://www.acme.com/", "Acme", "")]},
        {"url": "https://lost.com/p", "at": FEB, "links": []},  # their backlink is lost
        {"url": "https://z.com/p", "at": FEB, "links": [("https://www.acme.com/", "Acme", "")]},
    ]
    with open_index(tmp_path / "r.duckdb") as index:
        write_pages(index, pages)
        target = parse_target("acme.com")
        build_state(index, target)
        rows = reciprocal_domains(index, target)
        crawled = own_crawled_pages(index, target)
    assert crawled == 2
    assert rows == [{"domain": "x.com", "backlinks": 2, "follow_backlinks": 1, "outbound_links": 1,
                     "outbound_follow_links": 1, "their_pages": ["https://x.com/a", "https://x.com/b"],
                     "our_pages": [ours]}]


def expected_bursts(states: dict, months: list[datetime], rules: BurstRules) -> set[tuple]:
    """The burst rules of docs/audit.md applied to the reference backlinks, in plain Python."""
    new = defaultdict(Counter)
    for backlink in states.values():
        new[month_start(backlink.first_seen)][backlink.source_domain] += 1
    found = set()
    for before, month in zip(months, months[1:]):
        total, previous = sum(new[month].values()), sum(new[before].values())
        if total >= rules.min_new and (total >= rules.ratio * previous):
            found.add((month.date().isoformat(), "target", None, "spike"))
        for domain, count in new[month].items():
            if total >= rules.min_new and count >= rules.min_domain_new and count >= rules.share * total:
                found.add((month.date().isoformat(), "target", None, "concentration"))
            if count >= rules.min_domain_new_spike and count >= rules.ratio * new[before][domain]:
                found.add((month.date().isoformat(), "domain", domain, "spike"))
    return found


@pytest.mark.parametrize("rules", [BurstRules(), BurstRules(ratio=1.2, share=0.05, min_domain_new_spike=3)])
def test_bursts_match_the_reference_and_find_the_planted_burst(sample_db, sample_web, tmp_path, rules):
    db = tmp_path / "s.duckdb"
    shutil.copy(sample_db, db)
    with open_index(db) as index:
        periods = crawl_periods(index)
        build_state(index, parse_target(TARGET))
        bursts = link_bursts(index, periods, rules)
    states = backlink_states(sample_web, "domain", TARGET, TARGET)
    months = sorted({month_start(backlink.first_seen) for backlink in states.values()})
    got = {(b["period"], b["scope"], b["domain"], reason) for b in bursts for reason in b["reasons"]}
    assert got == expected_bursts(states, months, rules)
    planted = [event for event in sample_web.history if event["event"] == "link_burst"]
    assert planted and all((event["crawl_date"][:8] + "01", "domain", event["domain"], "spike") in got
                           for event in planted)
    assert all(b["period"] != months[0].date().isoformat() for b in bursts)  # the first crawl is the baseline


def _domains_table(rows: list[dict]) -> pa.Table:
    marker = pa.struct([("id", pa.string()), ("category", pa.string()), ("weight", pa.float64()),
                        ("evidence", pa.string())])
    return pa.Table.from_pylist(rows, pa.schema([("domain", pa.string()), ("status", pa.string()),
                                                 ("level", pa.string()), ("authority_score", pa.int64()),
                                                 ("markers", pa.list_(marker))]))


def test_naturalness_measures_the_profile(sample_db, sample_web, tmp_path):
    db = tmp_path / "s.duckdb"
    shutil.copy(sample_db, db)
    states = backlink_states(sample_web, "domain", TARGET, TARGET)
    live = [b for b in states.values() if b.status == "live"]
    domains = sorted({b.source_domain for b in live})
    per_domain = Counter(b.source_domain for b in live)
    subnets = {b.ip.rsplit(".", 1)[0] for b in live}
    toxic = set(domains[: len(domains) // 5])  # 20 % toxic: more than a sprinkle
    irrelevant = set(domains[-3:])
    rows = [{"domain": d, "status": "live", "level": "toxic" if d in toxic else "non_toxic",
             "authority_score": 50 if i % 2 else 5,
             "markers": [{"id": "theme", "category": "irrelevant", "weight": 1.0, "evidence": "{}"}]
             if d in irrelevant else []} for i, d in enumerate(domains)]
    with open_index(db) as index:
        target = parse_target(TARGET)
        build_state(index, target)
        classify_backlinks(index, anchor_classifier(index, target, sample_web.brands[TARGET], []))
        report = naturalness(index, _domains_table(rows), own_pages=0)
    checks = {check["id"]: check for check in report["checks"]}
    assert report["backlinks"] == len(live) and report["referring_domains"] == len(domains)
    assert checks["referring_domains"]["referring_subnets"] == len(subnets)
    assert checks["referring_domains"]["value"] == round(len(subnets) / len(domains), 4)
    assert checks["spam_share"]["value"] == round(len(toxic) / len(domains), 4)
    assert checks["spam_share"]["verdict"] == "unnatural"
    assert checks["topical_relevance"]["irrelevant_domains"] == 3 and checks["topical_relevance"]["verdict"] == "natural"
    top_domain, top_count = max(per_domain.items(), key=lambda item: (item[1], -ord(item[0][0])))
    assert checks["concentration"]["value"] == round(top_count / len(live), 4)
    not_follow = sum(1 for b in live if not b.follow)
    assert checks["rel_mix"]["value"] == round(not_follow / len(live), 4)
    assert checks["publishers_vs_niche"]["bands"]["large"]["referring_domains"] == len(domains) // 2
    assert checks["reciprocal"]["verdict"] == "unknown"  # the target's pages are not crawled in this call
    assert checks["link_velocity"]["verdict"] == "unknown"  # no history given
    assert report["verdict"] == "unnatural"
    assert set(checks) == {"referring_domains", "anchor_mix", "rel_mix", "link_velocity", "publishers_vs_niche",
                           "spam_share", "topical_relevance", "concentration", "reciprocal"}
    calm = [{**row, "level": "non_toxic"} for row in rows]
    with open_index(db) as index:
        build_state(index, target)
        classify_backlinks(index, anchor_classifier(index, target, sample_web.brands[TARGET], []))
        again = {c["id"]: c for c in naturalness(index, _domains_table(calm))["checks"]}
    assert again["spam_share"]["verdict"] == "natural" and again["spam_share"]["value"] == 0.0
