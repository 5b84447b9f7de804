"""Harmful-environment markers: known spam, spam-prone TLDs, broken and thin source pages, vendor flags."""

from __future__ import annotations

import functools
from importlib import resources

import pyarrow as pa

from . import Marker, register
from .context import AuditContext

THIN_WORDS = 100  # main-text words under which a page is thin


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else "?"


register(Marker(
    "spam_list", "harmful_environment", 0.7,
    "The domain (or a host of it) is on a known-spam list: the bundled Matomo referrer-spam list or the user's own.",
    lambda ctx: """
        SELECT d.domain, NULL, NULL, 1.0,
               json_object('list', any_value(s.list), 'entry', any_value(s.host))::VARCHAR
        FROM audit_domains d JOIN audit_spam_list s ON s.domain = d.domain OR list_contains(d.hosts, s.host)
        GROUP BY d.domain
    """,
    lambda e: f"It is on the known-spam list '{e.get('list')}' (entry {e.get('entry')}).",
))


@functools.cache
def spam_tlds() -> pa.Table:
    """(tld, weight) of the bundled spam-prone TLD list."""
    text = resources.files("linkatlas.audit").joinpath("data", "spam_tlds.txt").read_text(encoding="utf-8")
    pairs = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return pa.table({"tld": [p[0] for p in pairs], "weight": pa.array([float(p[1]) for p in pairs], pa.float64())})


def _tld(ctx: AuditContext) -> str:
    ctx.index.con.register("audit_spam_tlds", spam_tlds())
    return """
        SELECT d.domain, NULL, NULL, t.weight, json_object('tld', t.tld)::VARCHAR
        FROM audit_domains d JOIN audit_spam_tlds t ON t.tld = split_part(d.suffix, '.', -1)
    """


register(Marker(
    "spam_tld", "harmful_environment", 0.2,
    "Registered under a TLD that abuse reports name among the most used for spam (bundled list).",
    _tld,
    lambda e: f"It uses the .{e.get('tld')} TLD, one of the most abused for spam sites.",
))

register(Marker(
    "error_pages", "harmful_environment", 0.2,
    "The linking pages answer with HTTP errors (4xx/5xx) or not at all now.",
    lambda ctx: """
        SELECT b.source_domain, b.source_url, b.target_url, 1.0,
               json_object('page', b.source_url, 'status', p.last_status)::VARCHAR
        FROM audit_bl b LEFT JOIN audit_pages p ON p.url = b.source_url WHERE b.status = 'broken'
    """,
    lambda e: f"The linking page {e.get('page')} now answers {e.get('status') or 'nothing'}.",
    scope="backlink", aggregate="share",
))

register(Marker(
    "thin_pages", "harmful_environment", 0.4,
    f"Most of the domain's pages have thin main text (under {THIN_WORDS} words).",
    lambda ctx: f"""
        WITH pages AS (
            SELECT domain, count(*) AS pages, count(*) FILTER (WHERE word_count < {THIN_WORDS}) AS thin,
                   median(coalesce(word_count, 0)) AS median_words
            FROM audit_pages WHERE has_ok AND html GROUP BY domain)
        SELECT domain, NULL, NULL, (thin / pages) * least(1.0, ({THIN_WORDS} - median_words) / {THIN_WORDS / 2}),
               json_object('thin_pages', thin, 'pages', pages, 'median_words', median_words)::VARCHAR
        FROM pages WHERE median_words < {THIN_WORDS}
    """,
    lambda e: f"{e.get('thin_pages')} of its {e.get('pages')} pages are thin (median {_number(e.get('median_words'))} "
              "words of main text).",
))


def _vendor(ctx: AuditContext) -> str | None:
    index = ctx.index
    if not (index.has_table("vendor_links") and index.has_table("vendor_domains")):
        return None
    return """
        WITH flags AS (
            SELECT source_domain AS domain, vendor, max(toxic_score) AS toxic_score, bool_or(is_spam) AS is_spam,
                   max(spam_score) AS spam_score
            FROM vendor_links WHERE source_domain IN (SELECT domain FROM audit_domains)
            GROUP BY source_domain, vendor
            UNION ALL
            SELECT domain, vendor, NULL, bool_or(is_spam), NULL FROM vendor_domains
            WHERE domain IN (SELECT domain FROM audit_domains) GROUP BY domain, vendor),
        flagged AS (
            SELECT domain, vendor, toxic_score, is_spam, spam_score FROM flags
            WHERE toxic_score >= 60 OR is_spam OR spam_score >= 60)
        SELECT domain, NULL, NULL, 1.0,
               json_object('vendors', list(DISTINCT vendor ORDER BY vendor), 'toxic_score', max(toxic_score),
                           'is_spam', bool_or(is_spam), 'spam_score', max(spam_score))::VARCHAR
        FROM flagged GROUP BY domain
    """


def _explain_vendor(e: dict) -> str:
    facts = []
    if e.get("toxic_score") is not None:
        facts.append(f"Semrush Toxic Score {_number(e['toxic_score'])}")
    if e.get("is_spam"):
        facts.append("Ahrefs 'is spam'")
    if e.get("spam_score") is not None:
        facts.append(f"Moz Spam Score {_number(e['spam_score'])}%")
    return f"Imported vendor data flags it ({', '.join(facts) or ', '.join(e.get('vendors', []))})."


register(Marker(
    "vendor_flagged", "harmful_environment", 0.25,
    "Imported vendor data flags it: Semrush Toxic Score >= 60, Ahrefs 'is spam' or Moz Spam Score >= 60 %.",
    _vendor, _explain_vendor,
))
