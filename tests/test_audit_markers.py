"""Each toxic marker on a small hand-built index: it fires on its pattern, with its evidence,
and stays quiet on the look-alike that is not that pattern.

``Web`` below writes fetches and links straight into a real DuckDB index (the same rows the
ingester would store), so every test names exactly the facts its marker reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from linkatlas.audit import MARKERS, audit_settings, explain, score
from linkatlas.extract.domains import domain_of
from linkatlas.index.store import FETCH_SCHEMA, LINK_SCHEMA, open_index

TARGET = "acme.com"
HOME = "https://www.acme.com/"
PRICING = "https://www.acme.com/pricing"
ANALYTICS_TERMS = ["analytics", "dashboard", "metrics", "cohort", "retention", "churn", "funnel", "conversion", "data",
                   "report", "segment", "tracking", "kpi", "benchmark", "forecast", "insight"]


@dataclass
class L:
    """One link element on a page."""

    target: str = HOME
    anchor: str = "Acme"
    rel: str = ""
    placement: str = "content"
    hidden: bool = False
    type: str = "text"
    context: str | None = None
    alt: str = ""


@dataclass
class Web:
    """A tiny link index: the target's own pages plus whatever a test adds."""

    fetches: list = field(default_factory=list)
    links: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page(HOME, title="Acme — Product Analytics for SaaS Teams", ip="192.0.2.1", terms=ANALYTICS_TERMS)
        self.page(PRICING, title="Pricing | Acme", ip="192.0.2.1", terms=ANALYTICS_TERMS)

    def page(self, url: str, links=(), *, when: str = "2026-03-01", status: int = 200, ip: str | None = None,
             title: str | None = "A post", lang: str = "en", generator: str | None = None, analytics=(),
             words: int = 400, text_bytes: int | None = None, content_length: int = 8000, external: int | None = None,
             fingerprint: int | None = None, terms=None, canonical: str | None = None) -> Web:
        host = url.split("/")[2]
        domain = domain_of(host)
        fetch_id = len(self.fetches) + 1
        moment = datetime.fromisoformat(when) if "T" in when else datetime.fromisoformat(when + "T12:00:00")
        ok = 200 <= status < 300
        row = {"fetch_id": fetch_id, "url": url, "host": host, "domain": domain,
               "ip": ip or f"203.0.{sum(map(ord, domain)) % 250}.{len(domain) + 2}", "fetched_at": moment,
               "status": status, "content_type": "text/html", "origin": "warc", "run_id": 1, "record_id": None,
               "redirect_to": None, "title": title if ok else None, "lang": lang if ok else None, "meta_robots": None,
               "x_robots_tag": None, "robots_nofollow": False, "generator": generator if ok else None,
               "analytics_ids": list(analytics) if ok else [], "canonical": canonical or url, "encoding": "utf-8",
               "content_length": content_length, "word_count": words if ok else None,
               "text_bytes": text_bytes if text_bytes is not None else words * 6,
               "internal_links": 10, "external_links": external if external is not None else len(links),
               "fingerprint": fingerprint if fingerprint is not None else (hash(url) & (2**63 - 1)),
               "terms": list(terms) if terms is not None else ANALYTICS_TERMS[:8], "emails": []}
        self.fetches.append(row)
        if ok:
            for ordinal, link in enumerate(links):
                target_host = link.target.split("/")[2]
                tokens = link.rel.lower().split()
                self.links.append({
                    "fetch_id": fetch_id, "fetched_at": moment, "source_url": url, "source_host": host,
                    "source_domain": domain, "target_url": link.target, "target_host": target_host,
                    "target_domain": domain_of(target_host), "anchor": link.anchor, "alt": link.alt,
                    "nofollow": "nofollow" in tokens, "ugc": "ugc" in tokens, "sponsored": "sponsored" in tokens,
                    "type": link.type, "placement": link.placement, "hidden": link.hidden,
                    "context": link.context if link.context is not None else link.anchor, "ordinal": ordinal})
        return self

    def write(self, path: Path) -> Path:
        with open_index(path) as index:
            index.write_batch(pa.Table.from_pylist(self.fetches, FETCH_SCHEMA), pa.Table.from_pylist(self.links, LINK_SCHEMA))
        return path


def settings(**options):
    values = {"brands": ["Acme"], "categories": ["analytics"], "countries": ["us"], "keywords": ["product analytics"]}
    values.update(options)
    return audit_settings(TARGET, **values)


def run(web: Web, db: Path, marker: str | None, audit=None, **extra):
    web.write(db)
    with open_index(db) as index:
        return score(index, audit or settings(), markers=[marker] if marker else None, **extra)


def hits(web: Web, db: Path, marker: str, audit=None, **extra) -> dict[str, dict]:
    """{domain: the marker's hit (strength and evidence parsed)} for the domains it hit."""
    result = run(web, db, marker, audit, **extra)
    found = {}
    for row in result.domains.to_pylist():
        for hit in row["markers"]:
            if hit["id"] == marker:
                found[row["domain"]] = {**hit, "evidence": json.loads(hit["evidence"])}
    return found


def example(hit: dict) -> dict:
    """The evidence of a backlink marker's first example backlink."""
    return hit["evidence"]["examples"][0]


# -- link networks -------------------------------------------------------------------------------------


def test_same_ip_groups_owners_not_hosting_platforms(db_path):
    web = Web()
    for domain in ("alpha.com", "beta.net"):
        web.page(f"https://{domain}/post", [L()], ip="198.51.100.7")
    for blog in ("one", "two"):  # one platform (a private public suffix) on one address is one owner
        web.page(f"https://{blog}.blogspot.com/post", [L()], ip="198.51.100.99")
    web.page("https://gamma.org/post", [L()], ip="198.18.0.4")
    for domain in ("local1.com", "local2.com"):  # loopback and private addresses say nothing about owners
        web.page(f"https://{domain}/post", [L()], ip="127.0.0.1")
    for domain in ("lan1.com", "lan2.com"):
        web.page(f"https://{domain}/post", [L()], ip="192.168.1.20")
    found = hits(web, db_path, "same_ip")
    assert set(found) == {"alpha.com", "beta.net"}
    assert found["alpha.com"]["evidence"] == {"ip": "198.51.100.7", "domains": ["beta.net"], "count": 1}


def test_same_ip_ignores_shared_hosting(db_path):
    web = Web()
    for number in range(31):  # more owners than SHARED_HOST_LIMIT on one address: a shared host
        web.page(f"https://site{number}.com/post", [L()], ip="198.51.100.50")
    assert hits(web, db_path, "same_ip") == {}


def test_same_subnet_on_other_addresses(db_path):
    web = Web()
    web.page("https://alpha.com/post", [L()], ip="198.51.100.7")
    web.page("https://beta.net/post", [L()], ip="198.51.100.9")
    web.page("https://gamma.org/post", [L()], ip="198.51.100.9")
    web.page("https://delta.io/post", [L()], ip="198.18.5.9")
    found = hits(web, db_path, "same_subnet")
    assert set(found) == {"alpha.com", "beta.net", "gamma.org"}
    assert found["alpha.com"]["evidence"]["subnet"] == "198.51.100.0/24"
    assert found["alpha.com"]["evidence"]["domains"] == ["beta.net", "gamma.org"]
    assert found["beta.net"]["evidence"]["domains"] == ["alpha.com"]  # gamma.org shares its very address


def test_shared_analytics_account(db_path):
    web = Web()
    web.page("https://alpha.com/post", [L()], analytics=["UA-48215530-1", "G-AAAA"])
    web.page("https://beta.net/post", [L()], analytics=["UA-48215530-1"])
    web.page("https://gamma.org/post", [L()], analytics=["G-BBBB"])
    found = hits(web, db_path, "shared_analytics")
    assert set(found) == {"alpha.com", "beta.net"}
    assert found["alpha.com"]["evidence"]["ids"] == ["UA-48215530-1"]
    assert found["beta.net"]["evidence"]["domains"] == ["alpha.com"]


def test_shared_template_needs_another_tie(db_path):
    web = Web()
    web.page("https://alpha.com/post", [L()], ip="198.51.100.7", generator="WordPress 5.8.3")
    web.page("https://beta.net/post", [L()], ip="198.51.100.8", generator="WordPress 5.8.3")
    web.page("https://gamma.org/post", [L()], ip="198.51.99.1", generator="WordPress 5.8.3")  # same software, no tie
    web.page("https://delta.io/post", [L()], ip="198.51.100.9", generator="Ghost 5.82")  # tie, other software
    found = hits(web, db_path, "shared_template")
    assert set(found) == {"alpha.com", "beta.net"}
    assert found["alpha.com"]["evidence"]["generator"] == "WordPress 5.8.3"


def test_subdomains_of_one_root(db_path):
    web = Web()
    for host in ("seo1", "seo2", "best", "www"):
        web.page(f"http://{host}.free-links.top/p", [L()])
    web.page("https://www.normal.com/a", [L()])
    web.page("https://normal.com/b", [L()])  # www. and the bare name are one host
    found = hits(web, db_path, "subdomains")
    assert set(found) == {"free-links.top"}
    assert found["free-links.top"]["evidence"]["count"] == 4


def test_mirror_pages_flag_the_copy_not_the_original_or_the_syndicated_copy(db_path):
    web = Web()
    fingerprint = 0x5A5A_1234_9999_0F0F
    web.page("https://original.com/article", [L(anchor="compile audience data")], fingerprint=fingerprint,
             when="2026-01-05")
    web.page("https://copycat.xyz/article", [L(anchor=".")], fingerprint=fingerprint ^ 0b101, when="2026-03-01")
    web.page("https://partner.com/syndicated", [L(anchor="compile audience data")], fingerprint=fingerprint,
             when="2026-03-01", canonical="https://original.com/article")
    web.page("https://other.net/far", [L()], fingerprint=fingerprint ^ 0xFF, when="2026-03-01")  # 8 bits away
    found = hits(web, db_path, "mirror_pages")
    assert set(found) == {"copycat.xyz"}
    evidence = example(found["copycat.xyz"])
    assert evidence["copy_of"] == "https://original.com/article" and evidence["distance"] == 2


def test_same_title_on_four_domains(db_path):
    web = Web()
    title = "Unlock The Secrets To Backlink Success: The Ultimate Guide"
    for domain in ("a-links.online", "b-links.site", "c-links.club", "d-links.com"):
        web.page(f"https://{domain}/link/", [L()], title=title)
    for domain in ("one.com", "two.com", "three.com"):  # three domains are a coincidence
        web.page(f"https://{domain}/post", [L()], title="Seven Notes on Cohort Retention for Founders")
    for domain in ("r1.com", "r2.com", "r3.com", "r4.com"):  # reviews of the brand share wording
        web.page(f"https://{domain}/review", [L()], title="Acme Review (2026): Pricing, Pros & Cons")
    found = hits(web, db_path, "same_title")
    assert set(found) == {"a-links.online", "b-links.site", "c-links.club", "d-links.com"}
    assert example(found["a-links.online"])["domains"] == 4


def test_interlinked_closed_group(db_path):
    web = Web()
    group = ["ring1.com", "ring2.com", "ring3.com", "ring4.com"]
    for domain in group:
        web.page(f"https://{domain}/p", [L()] + [L(f"https://{other}/", other) for other in group if other != domain])
    web.page("https://open1.com/p", [L(), L("https://open2.com/", "x"), L("https://open3.com/", "y"),
                                      L("https://open4.com/", "z")])
    web.page("https://open2.com/p", [L(), L("https://open1.com/", "x")])
    web.page("https://open3.com/p", [L(), L("https://open4.com/", "x"), L("https://ring1.com/", "x")])
    web.page("https://open4.com/p", [L()])
    found = hits(web, db_path, "interlinked")
    assert set(found) == set(group)
    assert found["ring1.com"]["evidence"]["domains"] == ["ring2.com", "ring3.com", "ring4.com"]


# -- manipulative links --------------------------------------------------------------------------------


def test_money_anchor_on_follow_links_counts_in_full_from_three(db_path):
    web = Web()
    for number in range(3):
        web.page(f"https://money.com/p{number}", [L(PRICING, "product analytics")])
    web.page("https://once.com/p", [L(PRICING, "product analytics")])
    web.page("https://nofollow.com/p", [L(PRICING, "product analytics", rel="nofollow")])
    web.page("https://brand.com/p", [L(anchor="Acme")])
    found = hits(web, db_path, "money_anchor")
    assert set(found) == {"money.com", "once.com"}
    assert found["money.com"]["strength"] == 1.0 and found["once.com"]["strength"] == pytest.approx(1 / 3, abs=0.001)
    assert example(found["money.com"])["anchor_type"] == "exact"


def test_repeated_anchor_across_domains(db_path):
    web = Web()
    for domain in ("r1.com", "r2.com", "r3.com"):
        web.page(f"https://{domain}/p", [L(anchor="cheap dashboard reports")])
    web.page("https://r4.com/p", [L(anchor="Acme")])
    web.page("https://r5.com/p", [L(anchor="Acme")])
    web.page("https://r6.com/p", [L(anchor="Acme")])
    found = hits(web, db_path, "repeated_anchor")
    assert set(found) == {"r1.com", "r2.com", "r3.com"}
    assert example(found["r1.com"])["domains"] == 3


def test_anchor_stuffing_next_to_sales_links(db_path):
    web = Web()
    web.page("https://stuffed.com/p", [L(PRICING, "product analytics"),
                                       L("https://casino.example/", "best casino bonus"),
                                       L("https://loans.example/", "payday loans"),
                                       L("https://pills.example/", "buy viagra online")])
    web.page("https://cites.com/p", [L(PRICING, "product analytics"),
                                     L("https://en.wikipedia.org/wiki/Churn_rate", "Churn rate"),
                                     L("https://cryptoweekly.net/", "Crypto Weekly"),  # a site's own name
                                     L("https://ads.example/", "payday loans", rel="sponsored")])  # marked paid
    found = hits(web, db_path, "anchor_stuffing")
    assert set(found) == {"stuffed.com"}
    assert example(found["stuffed.com"])["other_domains"] == 3


def test_empty_and_symbol_anchors_but_not_image_links(db_path):
    web = Web()
    for number, anchor in enumerate((".", "-", "")):
        web.page(f"https://dots.com/p{number}", [L(anchor=anchor)])
    web.page("https://logo.com/p", [L(anchor="", type="image")])
    found = hits(web, db_path, "empty_anchor")
    assert set(found) == {"dots.com"} and found["dots.com"]["strength"] == 1.0


def test_hidden_links(db_path):
    web = Web()
    web.page("https://hacked.com/p", [L(anchor="product analytics", hidden=True)])
    web.page("https://visible.com/p", [L()])
    found = hits(web, db_path, "hidden_link")
    assert set(found) == {"hacked.com"}
    assert example(found["hacked.com"])["anchor"] == "product analytics"


def test_sitewide_needs_most_pages_and_weighs_the_anchor(db_path):
    web = Web()
    for number in range(4):
        web.page(f"https://theme.com/p{number}", [L(PRICING, "product analytics", placement="footer")])
        web.page(f"https://partner.com/p{number}", [L(anchor="Acme", placement="footer")])
        web.page(f"https://blog.com/p{number}", [L(placement="footer")] if number == 0 else [])
    found = hits(web, db_path, "sitewide")
    assert set(found) == {"theme.com", "partner.com"}
    assert found["theme.com"]["strength"] == 1.0 and found["partner.com"]["strength"] == 0.3
    assert found["theme.com"]["evidence"]["pages_linking"] == 4


def test_link_directory_and_link_farm(db_path):
    web = Web()
    web.page("https://directory.com/list", [L()], external=120, words=900)
    web.page("https://farm.xyz/links", [L()], external=1500, words=4000)
    web.page("https://wiki.org/article", [L()], external=400, words=20000)  # many references, much more text
    web.page("https://blog.com/post", [L()], external=12, words=800)
    assert set(hits(web, db_path, "link_directory")) == {"directory.com", "farm.xyz"}
    found = hits(web, db_path, "link_farm")
    assert set(found) == {"farm.xyz"} and example(found["farm.xyz"])["external_links"] == 1500


def test_paid_link_without_rel(db_path):
    web = Web()
    web.page("https://mag.com/p1", [L(PRICING, "product analytics", context="This post is sponsored by Acme: product analytics")])
    web.page("https://mag2.com/p1", [L(PRICING, "product analytics")], title="Sponsored: the best tools")
    web.page("https://honest.com/p1", [L(PRICING, "product analytics", rel="sponsored",
                                         context="This post is sponsored by Acme: product analytics")])
    found = hits(web, db_path, "paid_unmarked")
    assert set(found) == {"mag.com", "mag2.com"}
    assert example(found["mag.com"])["found_in"] == "context" and example(found["mag2.com"])["found_in"] == "title"


def test_guest_post_footprints(db_path):
    web = Web()
    web.page("https://guests.com/p", [L(context="Guest post by Jane Doe, SEO consultant at Acme")])
    web.page("https://contrib.com/write-for-us/", [L()])
    web.page("https://plain.com/p", [L(context="We use Acme for our dashboards")])
    found = hits(web, db_path, "guest_post")
    assert set(found) == {"guests.com", "contrib.com"}
    assert example(found["contrib.com"])["found_in"] == "address"


def test_link_exchange_pages(db_path):
    web = Web()
    web.page("https://swap.com/partners", [L()], title="Link exchange partners")
    web.page("https://plain.com/partners", [L()], title="Our customers")
    assert set(hits(web, db_path, "link_exchange")) == {"swap.com"}


def test_reciprocal_links_from_the_target(db_path):
    web = Web()
    web.page("https://www.acme.com/partners", [L("https://partner.com/", "Partner")], ip="192.0.2.1")
    web.page("https://partner.com/p", [L()])
    web.page("https://stranger.com/p", [L()])
    found = hits(web, db_path, "reciprocal")
    assert set(found) == {"partner.com"}
    assert found["partner.com"]["evidence"]["target_pages"] == ["https://www.acme.com/partners"]


def test_link_burst_in_the_latest_period(db_path):
    web = Web()
    web.page("https://burst.com/old", [L()], when="2026-03-02")
    web.page("https://steady.com/old", [L()], when="2026-03-02")
    for number in range(12):
        web.page(f"https://burst.com/new{number}", [L()], when="2026-05-03")
    web.page("https://steady.com/new", [L()], when="2026-05-03")
    found = hits(web, db_path, "link_burst")
    assert set(found) == {"burst.com"}
    assert found["burst.com"]["evidence"] == {"period": "2026-05", "new_backlinks": 12, "previous_period": 1,
                                              "before": 1}


# -- irrelevant sources --------------------------------------------------------------------------------

COOKING = ["recipe", "kitchen", "cooking", "meal", "dinner", "family", "kids", "garden", "holiday", "bread"]


def test_irrelevant_theme_and_the_on_topic_page(db_path):
    web = Web()
    web.page("https://recipes.com/p", [L()], terms=COOKING, title="Family dinner recipes")
    web.page("https://mixed.com/home", [], terms=COOKING, title="Weekend recipes and kitchen notes")
    web.page("https://mixed.com/p", [L()], terms=ANALYTICS_TERMS, title="How we track churn and retention metrics")
    web.page("https://mixed.com/q", [], terms=COOKING, title="Garden and holiday meal ideas")
    web.page("https://datablog.com/p", [L()], terms=ANALYTICS_TERMS, title="Cohort analytics notes")
    found = hits(web, db_path, "irrelevant_theme")
    assert "datablog.com" not in found
    assert found["recipes.com"]["evidence"]["theme"] == "lifestyle" and found["recipes.com"]["strength"] == 1.0
    assert found["mixed.com"]["evidence"]["on_topic_page"] == "https://mixed.com/p"
    assert found["mixed.com"]["strength"] < 0.35 * found["recipes.com"]["strength"]


def test_irrelevance_uses_the_targets_own_theme_without_categories(db_path):
    web = Web()
    web.page("https://recipes.com/p", [L()], terms=COOKING, title="Family dinner recipes")
    web.page("https://datablog.com/p", [L()], terms=ANALYTICS_TERMS, title="Cohort analytics notes")
    result = run(web, db_path, "irrelevant_theme", settings(categories=[]))
    assert result.project_source == "target pages" and max(result.project_categories, key=result.project_categories.get) == "analytics"
    flagged = {row["domain"] for row in result.domains.to_pylist() if row["markers"]}
    assert flagged == {"recipes.com"}


def test_foreign_language_against_the_target_countries(db_path):
    web = Web()
    web.page("https://seo-prodvizhenie.ru/p", [L()], lang="ru")
    web.page("https://kennzahlen.de/p", [L()], lang="de")
    web.page("https://english.com/p", [L()], lang="en")
    assert set(hits(web, db_path, "foreign_language")) == {"seo-prodvizhenie.ru", "kennzahlen.de"}
    assert set(hits(web, db_path, "foreign_language", settings(countries=["us", "de"]))) == {"seo-prodvizhenie.ru"}
    found = hits(web, db_path, "foreign_language", settings(countries=[]))  # the target's own pages are English
    assert set(found) == {"seo-prodvizhenie.ru", "kennzahlen.de"} and found["kennzahlen.de"]["evidence"]["languages"] == ["en"]


def test_foreign_country_by_cctld_skips_generic_ones(db_path):
    web = Web()
    for url in ("https://katalog.ru/p", "https://tools.io/p", "https://shop.co.uk/p", "https://site.com/p"):
        web.page(url, [L()])
    found = hits(web, db_path, "foreign_country", settings(countries=["us", "gb"]))
    assert set(found) == {"katalog.ru"} and found["katalog.ru"]["evidence"]["country"] == "ru"


def test_irrelevant_anchor_topic(db_path):
    web = Web()
    web.page("https://hosting-spam.com/p", [L(PRICING, "managed wp hosting")])
    web.page("https://fine.com/p", [L(PRICING, "churn dashboards for founders")])
    found = hits(web, db_path, "irrelevant_anchor")
    assert set(found) == {"hosting-spam.com"} and example(found["hosting-spam.com"])["theme"] == "hosting"


def test_foreign_script_anchor(db_path):
    web = Web()
    web.page("https://ru-site.com/p", [L(anchor="аналитика для бизнеса")])
    web.page("https://en-site.com/p", [L(anchor="analytics for business")])
    found = hits(web, db_path, "foreign_anchor")
    assert set(found) == {"ru-site.com"} and example(found["ru-site.com"])["script"] == "Cyrillic"


# -- harmful environment ---------------------------------------------------------------------------------


def test_spam_lists_bundled_and_the_users_own(db_path, tmp_path):
    own = tmp_path / "my-spam.txt"
    own.write_text("# my list\ndomain:mine-spam.example\nhttps://www.other-spam.example/page\n", encoding="utf-8")
    web = Web()
    for url in ("https://best-seo-offer.com/p", "https://mine-spam.example/p", "https://www.other-spam.example/x",
                "https://clean.com/p"):
        web.page(url, [L()])
    found = hits(web, db_path, "spam_list", spam_lists=[own])
    assert set(found) == {"best-seo-offer.com", "mine-spam.example", "other-spam.example"}
    assert found["best-seo-offer.com"]["evidence"]["list"] == "matomo-referrer-spam"
    assert found["mine-spam.example"]["evidence"]["list"] == "my-spam.txt"


def test_spam_prone_tlds(db_path):
    web = Web()
    web.page("https://cheap.xyz/p", [L()])
    web.page("https://fine.com/p", [L()])
    found = hits(web, db_path, "spam_tld")
    assert set(found) == {"cheap.xyz"} and found["cheap.xyz"]["evidence"] == {"tld": "xyz"}


def test_error_pages(db_path):
    web = Web()
    web.page("https://gone.com/p", [L()], when="2026-03-01")
    web.page("https://gone.com/p", [], when="2026-05-01", status=404)
    web.page("https://alive.com/p", [L()], when="2026-03-01")
    web.page("https://alive.com/p", [L()], when="2026-05-01")
    found = hits(web, db_path, "error_pages")
    assert set(found) == {"gone.com"} and example(found["gone.com"])["status"] == 404


def test_thin_pages(db_path):
    web = Web()
    for number in range(3):
        web.page(f"https://thin.com/p{number}", [L()], words=15)
        web.page(f"https://rich.com/p{number}", [L()], words=450)
    found = hits(web, db_path, "thin_pages")
    assert set(found) == {"thin.com"}
    assert found["thin.com"]["evidence"] == {"thin_pages": 3, "pages": 3, "median_words": 15.0}


def test_vendor_flags(db_path):
    web = Web()
    web.page("https://flagged.com/p", [L()])
    web.page("https://fine.com/p", [L()])
    web.write(db_path)
    with open_index(db_path) as index:
        index.sql("INSERT INTO vendor_links (import_id, vendor, layout, source_url, source_host, source_domain, "
                  "toxic_score) VALUES (1, 'semrush', 'semrush_audit', 'https://flagged.com/p', 'flagged.com', "
                  "'flagged.com', 73), (1, 'semrush', 'semrush_audit', 'https://fine.com/p', 'fine.com', 'fine.com', 12)")
        result = score(index, settings(), markers=["vendor_flagged"])
    rows = {row["domain"]: row for row in result.domains.to_pylist()}
    assert [hit["id"] for hit in rows["flagged.com"]["markers"]] == ["vendor_flagged"] and not rows["fine.com"]["markers"]
    assert json.loads(rows["flagged.com"]["markers"][0]["evidence"])["toxic_score"] == 73


# -- community spam --------------------------------------------------------------------------------------


def test_comment_ugc_and_signature_links(db_path):
    web = Web()
    web.page("https://spamblog.com/p", [L(placement="comment", context="Great post! See also Acme -- my site")])
    web.page("https://forum.com/t", [L(placement="comment", rel="ugc nofollow", context="We use Acme")])
    web.page("https://article.com/p", [L()])
    comments = hits(web, db_path, "comment_link")
    assert set(comments) == {"spamblog.com", "forum.com"}
    assert comments["spamblog.com"]["strength"] == 1.0 and comments["forum.com"]["strength"] == 0.4
    assert set(hits(web, db_path, "ugc_link")) == {"forum.com"}
    assert set(hits(web, db_path, "signature_link")) == {"spamblog.com"}


# -- complementary ---------------------------------------------------------------------------------------


def test_domain_name_markers(db_path):
    web = Web()
    for url in ("https://best-seo-2026.com/p", "https://analytics24.net/p", "https://plain.com/p",
                "https://topdigitalmarketingexperts.com/p", "https://my-blog-2.blogspot.com/p"):
        web.page(url, [L()])
    web.write(db_path)
    with open_index(db_path) as index:
        result = score(index, settings(), markers=["domain_digits", "domain_hyphens", "long_domain"])
    marked = {row["domain"]: sorted(hit["id"] for hit in row["markers"]) for row in result.domains.to_pylist()}
    assert marked == {"best-seo-2026.com": ["domain_digits", "domain_hyphens"], "analytics24.net": ["domain_digits"],
                      "plain.com": [], "topdigitalmarketingexperts.com": ["long_domain"],
                      "my-blog-2.blogspot.com": []}  # a platform's blog names are its users' choice


def test_poor_text_ratio(db_path):
    web = Web()
    web.page("https://markup.com/p", [L()], words=100, text_bytes=300, content_length=60000)
    web.page("https://text.com/p", [L()], words=900, text_bytes=5400, content_length=20000)
    found = hits(web, db_path, "poor_text_ratio")
    assert set(found) == {"markup.com"} and found["markup.com"]["evidence"]["ratio"] == 0.005


# -- every marker ----------------------------------------------------------------------------------------


def test_every_marker_is_registered_with_a_category_weight_and_description():
    assert len(MARKERS) >= 35
    for marker in MARKERS.values():
        assert marker.description.endswith(".") and 0 < marker.weight < 1
        assert marker.explain({}) and isinstance(marker.explain({}), str)  # explains even thin evidence


def test_explain_says_it_in_plain_words(db_path):
    web = Web()
    web.page("https://alpha.com/post", [L(hidden=True, anchor="product analytics")], ip="198.51.100.7")
    web.page("https://beta.net/post", [L()], ip="198.51.100.7")
    result = run(web, db_path, None)
    lines = explain(result, "alpha.com")
    assert lines[0].startswith("alpha.com: toxicity ")
    assert any("198.51.100.7" in line and "beta.net" in line for line in lines)
    assert any("hidden link" in line and "product analytics" in line for line in lines)
