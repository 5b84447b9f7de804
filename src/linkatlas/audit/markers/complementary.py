"""Complementary markers: weak hints from the domain name and the markup."""

from __future__ import annotations

from . import Marker, register

LONG_LABEL = 20  # characters of the domain name (without its suffix) from which it is long
POOR_RATIO = 0.12  # visible text bytes per HTML byte under which the markup drowns the text

register(Marker(
    "domain_digits", "complementary", 0.1,
    "Numerals in the domain name (e.g. seo-2026, best24).",
    lambda ctx: """
        SELECT domain, NULL, NULL, CASE WHEN regexp_matches(label, '[0-9].*[0-9]') THEN 1.0 ELSE 0.6 END,
               json_object('name', label)::VARCHAR
        FROM audit_domains WHERE regexp_matches(label, '[0-9]') AND platform IS NULL
    """,
    lambda e: f"Its name '{e.get('name')}' contains numerals.",
))

register(Marker(
    "domain_hyphens", "complementary", 0.1,
    "Hyphens in the domain name (keyword-stuffed names such as best-seo-agency-reviews).",
    lambda ctx: """
        SELECT domain, NULL, NULL, least(1.0, (length(label) - length(replace(label, '-', ''))) / 2.0),
               json_object('name', label, 'hyphens', length(label) - length(replace(label, '-', '')))::VARCHAR
        FROM audit_domains WHERE contains(label, '-') AND platform IS NULL
    """,
    lambda e: f"Its name '{e.get('name')}' has {e.get('hyphens')} hyphen(s).",
))

register(Marker(
    "long_domain", "complementary", 0.1,
    f"A long domain name ({LONG_LABEL}+ characters before the suffix).",
    lambda ctx: f"""
        SELECT domain, NULL, NULL, least(1.0, (length(label) - {LONG_LABEL - 3}) / 8.0),
               json_object('name', label, 'length', length(label))::VARCHAR
        FROM audit_domains WHERE length(label) >= {LONG_LABEL} AND platform IS NULL
    """,
    lambda e: f"Its name '{e.get('name')}' is {e.get('length')} characters long.",
))

register(Marker(
    "poor_text_ratio", "complementary", 0.15,
    f"Little visible text for the HTML around it (median under {POOR_RATIO:.0%} of the page bytes).",
    lambda ctx: f"""
        WITH r AS (SELECT domain, median(text_bytes / content_length) AS ratio, count(*) AS pages
                   FROM audit_pages WHERE has_ok AND html AND content_length > 0 AND text_bytes IS NOT NULL
                   GROUP BY domain)
        SELECT domain, NULL, NULL, (1 - ratio / {POOR_RATIO}),
               json_object('ratio', round(ratio, 3), 'pages', pages)::VARCHAR
        FROM r WHERE ratio < {POOR_RATIO}
    """,
    lambda e: f"Its pages are mostly markup: visible text is {e.get('ratio', 0):.1%} of the HTML (median of "
              f"{e.get('pages')} pages).",
))
