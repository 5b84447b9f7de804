"""Toxicity against the labeled sample web: quality floors that only ever rise.

The audit of the sample web's brand (``acmeanalytics.com``: its brand names and money keywords,
categories analytics/software/marketing, target countries us/gb/de) is compared per referring
domain with the truth (``Site.toxic``): AUC (Mann-Whitney, computed here from ranks), precision
of ``toxicity >= 60``, recall of ``toxicity >= 45`` and the share of small relevant natural blogs
scored ``>= 45`` (seed 003: a low-authority, relevant blog is not toxic). Seed 7 is the web the
weights were calibrated on; seed 2026 was held out (scored once, after the weights were frozen).
The floors live in ``tests/data/audit/eval_floors.json``: raise them when the audit improves,
never lower them.

    .venv/bin/python tests/test_audit_eval.py 7 8 2026     # prints the numbers for any seeds
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from linkatlas.audit import audit_settings, score
from linkatlas.index.store import open_index

FLOORS = Path(__file__).parent / "data" / "audit" / "eval_floors.json"
BRAND = "acmeanalytics.com"
RELEVANT_TOPICS = {"analytics", "martech", "saas"}


def audit_of(web, db: Path):
    settings = audit_settings(BRAND, brands=web.brands[BRAND], keywords=web.keywords[BRAND],
                              categories=["analytics", "software", "marketing"], countries=["us", "gb", "de"])
    with open_index(db) as index:
        return score(index, settings)


def ingested(seed: int, folder: Path):
    from linkatlas.ingest import ingest
    from linkatlas.sample import generate, write_warcs

    web = generate(seed=seed)
    write_warcs(web, folder / "warc")
    with open_index(folder / "sample.duckdb") as index:
        assert ingest(index, [folder / "warc"]).errors == 0
    return web, folder / "sample.duckdb"


def auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random toxic domain outscores a random natural one (ties count half)."""
    values = sorted([(value, True) for value in positives] + [(value, False) for value in negatives])
    ranks, start = {}, 0
    while start < len(values):
        end = start
        while end < len(values) and values[end][0] == values[start][0]:
            end += 1
        ranks[values[start][0]] = (start + 1 + end) / 2  # average rank of the tied run
        start = end
    positive_ranks = sum(ranks[value] for value in positives)
    return (positive_ranks - len(positives) * (len(positives) + 1) / 2) / (len(positives) * len(negatives))


def is_small_relevant_blog(site) -> bool:
    return site.labels["pattern"] == "natural" and site.labels.get("source") == "blog" and site.topic in RELEVANT_TOPICS


def metrics(web, result) -> dict:
    rows = result.domains.to_pylist()
    toxic = [row["toxicity"] for row in rows if web.sites[row["domain"]].toxic]
    natural = [row["toxicity"] for row in rows if not web.sites[row["domain"]].toxic]
    flagged = [row for row in rows if row["toxicity"] >= 60]
    blogs = [row for row in rows if is_small_relevant_blog(web.sites[row["domain"]])]
    return {
        "referring_domains": len(rows), "toxic_truth": len(toxic),
        "auc": round(auc(toxic, natural), 4),
        "precision_at_60": round(sum(web.sites[row["domain"]].toxic for row in flagged) / len(flagged), 4),
        "recall_at_45": round(sum(value >= 45 for value in toxic) / len(toxic), 4),
        "small_blogs_at_45": round(sum(row["toxicity"] >= 45 for row in blogs) / len(blogs), 4),
        "small_blogs": len(blogs),
    }


@pytest.fixture(scope="module")
def seed7(sample_web, sample_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("audit-eval") / "sample.duckdb"
    shutil.copy(sample_db, db)
    return sample_web, audit_of(sample_web, db)


@pytest.fixture(scope="module")
def seed2026(tmp_path_factory):
    web, db = ingested(2026, tmp_path_factory.mktemp("audit-eval-2026"))
    return web, audit_of(web, db)


def test_auc_independent_of_the_audit():
    assert auc([3, 4], [1, 2]) == 1.0 and auc([1, 2], [3, 4]) == 0.0
    assert auc([2], [2]) == 0.5 and auc([1, 3], [2]) == 0.5


@pytest.mark.parametrize("seed", ["7", "2026"])
def test_quality_floors(seed, request):
    web, result = request.getfixturevalue(f"seed{seed}")
    floors = json.loads(FLOORS.read_text())[seed]
    found = metrics(web, result)
    assert found["referring_domains"] == result.domains.num_rows == 129
    assert found["auc"] >= floors["auc"], found
    assert found["precision_at_60"] >= floors["precision_at_60"], found
    assert found["recall_at_45"] >= floors["recall_at_45"], found
    assert found["small_blogs_at_45"] <= floors["small_blogs_at_45_at_most"], found
    assert found["small_blogs"] >= 40


def test_the_labeled_web_holds_every_natural_source_and_spam_pattern(seed7):
    web, result = seed7
    referring = {row["domain"] for row in result.domains.to_pylist()}
    sources = {web.sites[domain].labels.get("source") for domain in referring}
    assert {"news", "trade_press", "blog", "forum", "partner", "review", "edu", "directory", "syndication",
            "podcast"} <= sources
    patterns = {web.sites[domain].labels["pattern"] for domain in referring}
    assert {"pbn", "link_farm", "scraper", "anchor_stuffing", "hidden_links", "foreign_spam", "sitewide", "link_swap",
            "subdomain_spam", "link_directory", "paid_unmarked", "guest_post", "thin", "link_burst", "comment_spam",
            "spam_listed", "same_title"} <= patterns
    links = [link for fetch in web.fetches for link in fetch.links if link.target_domain == BRAND
             and web.sites[fetch.domain].labels["pattern"] == "natural"]
    by_source = defaultdict(list)
    for link in links:
        by_source[web.sites[web.domain_of(link.source_url.split("/")[2])].labels.get("source")].append(link)
    assert any(link.nofollow for link in by_source["news"])  # news with nofollow
    assert any(link.ugc for link in by_source["forum"])  # forums with ugc
    assert any(link.placement == "footer" for link in by_source["partner"])  # partners with sitewide footers
    assert any(link.sponsored for link in links)  # sponsored posts properly marked


# Each spam pattern of the labeled web and the markers that must find it there (on every domain of the pattern).
EXPECTED = {
    "pbn": {"shared_analytics", "interlinked", "same_subnet", "shared_template"},
    "link_farm": {"link_farm", "link_directory"},
    "scraper": {"shared_analytics", "empty_anchor"},
    "anchor_stuffing": {"anchor_stuffing"},
    "hidden_links": {"hidden_link"},
    "foreign_spam": {"foreign_language"},
    "sitewide": {"sitewide", "paid_unmarked"},
    "link_swap": {"link_exchange", "reciprocal", "same_ip"},
    "subdomain_spam": {"subdomains"},
    "link_directory": {"link_directory"},
    "paid_unmarked": {"paid_unmarked"},
    "guest_post": {"guest_post"},
    "thin": {"thin_pages", "spam_tld"},
    "link_burst": {"link_burst"},
    "comment_spam": {"comment_link", "signature_link"},
    "spam_listed": {"spam_list"},
    "same_title": {"same_title"},
}


def test_every_pattern_raises_its_markers(seed7):
    web, result = seed7
    for row in result.domains.to_pylist():
        pattern = web.sites[row["domain"]].labels["pattern"]
        found = {hit["id"] for hit in row["markers"]}
        assert EXPECTED.get(pattern, set()) <= found, (row["domain"], pattern, found)
    scrapers = [row for row in result.domains.to_pylist() if web.sites[row["domain"]].labels["pattern"] == "scraper"]
    assert sum("mirror_pages" in {hit["id"] for hit in row["markers"]} for row in scrapers) >= 3


def test_originals_syndication_and_partners_are_not_networks_or_copies(seed7):
    web, result = seed7
    rows = {row["domain"]: {hit["id"] for hit in row["markers"]} for row in result.domains.to_pylist()}
    for domain in ("saasinsider.com", "b2bnewsfeed.com", "saasdigest.io"):  # the original and its syndication
        assert not rows[domain] & {"mirror_pages", "same_title"}, domain
    blogspot = [domain for domain in rows if domain.endswith(".blogspot.com")]
    assert len(blogspot) >= 3 and not any(rows[domain] & {"same_ip", "same_subnet"} for domain in blogspot)
    assert "irrelevant_theme" in rows["familymealplanner.com"]
    assert result.domain("familymealplanner.com")["level"] == "non_toxic"  # off-topic alone is not toxic


def test_profile_summary_matches_the_domains(seed7):
    _, result = seed7
    summary = result.summary()
    levels = result.domains.column("level").to_pylist()
    assert summary["toxic"] == levels.count("toxic") and summary["potentially_toxic"] == levels.count("potentially_toxic")
    assert summary["profile_toxicity_percent"] == round(100 * levels.count("toxic") / len(levels), 1)
    assert summary["level"] == "high"  # a third of the sample web's referring domains are spam on purpose


if __name__ == "__main__":
    import tempfile

    for seed in map(int, sys.argv[1:] or ["7"]):
        with tempfile.TemporaryDirectory() as scratch:
            web, db = ingested(seed, Path(scratch))
            print(f"seed {seed}:", json.dumps(metrics(web, audit_of(web, db))))
