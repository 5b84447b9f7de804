"""Anchor types (DESIGN §3) on hand-labeled anchors."""

from __future__ import annotations

import pytest

from linkatlas.metrics.anchors import AnchorClassifier, title_phrases

CLASSIFIER = AnchorClassifier.for_target(
    "acmeanalytics.com",
    brands=["Acme Analytics", "AcmeAnalytics"],
    keywords=["product analytics", "churn prediction software"],
    titles=["Pricing | Acme Analytics", "Customer Dashboards for SaaS — Acme Analytics"],
)

LABELED = [
    ("Acme Analytics", "text", "branded"),
    ("acme-analytics review", "text", "branded"),  # spaces and punctuation ignored
    ("try ACMEANALYTICS today", "text", "branded"),
    ("https://www.acmeanalytics.com/pricing", "text", "naked_url"),  # a URL, even with the brand in it
    ("www.acmeanalytics.com", "text", "naked_url"),
    ("acmeanalytics.com", "text", "naked_url"),
    ("example.co.uk/page", "text", "naked_url"),
    ("Node.js", "text", "other"),  # .js is not a public suffix
    ("product analytics", "text", "exact"),
    ("Product  Analytics", "text", "exact"),
    ("Pricing", "text", "exact"),  # a title phrase of a linked page
    ("customer dashboards for saas", "text", "exact"),
    ("the best product analytics tools", "text", "partial"),
    ("analytics for product teams", "text", "partial"),  # every significant word, any order
    ("see their pricing", "text", "partial"),
    ("analytics", "text", "other"),  # half a phrase is not enough
    ("click here", "text", "generic"),
    ("Read more", "text", "generic"),
    ("website", "text", "generic"),
    ("", "text", "empty"),
    ("   ", "text", "empty"),
    ("", "redirect", "empty"),
    (".", "text", "other"),  # symbols are text; the audit flags them
    ("Acme Analytics logo", "image", "image"),  # image links are image whatever the alt
    ("", "image", "image"),
    ("a great tool for growing teams", "text", "other"),
]


@pytest.mark.parametrize("anchor,link_type,expected", LABELED)
def test_labeled_anchor(anchor, link_type, expected):
    assert CLASSIFIER.classify(anchor, link_type) == expected


def test_default_brand_is_the_domain_name():
    classifier = AnchorClassifier.for_target("chartwise.co.uk")
    assert classifier.classify("ChartWise charts") == "branded"
    assert classifier.classify("Chart Wise") == "branded"
    assert classifier.classify("charts") == "other"


def test_brand_only_title_phrases_are_not_keywords():
    classifier = AnchorClassifier.for_target("acmeanalytics.com", titles=["Acme Analytics | Home"])
    assert classifier.phrases == (("home",),)


@pytest.mark.parametrize("title,phrases", [
    ("Pricing | Acme Analytics", ["Pricing", "Acme Analytics"]),
    ("Acme Analytics — Product Analytics for B2B SaaS Teams", ["Acme Analytics", "Product Analytics for B2B SaaS Teams"]),
    ("Churn prediction: a guide - Acme", ["Churn prediction", "a guide", "Acme"]),
    ("Real-time BI", ["Real-time BI"]),
    (None, []),
])
def test_title_phrases(title, phrases):
    assert title_phrases(title) == phrases
