"""Irrelevant-source markers: domains, languages, countries and anchors away from the project."""

from __future__ import annotations

import pyarrow as pa

from linkatlas.audit import themes

from . import Marker, register
from .context import AuditContext, theme_table

IRRELEVANT_BELOW = 0.35  # relevance under which an anchor is off-topic
THEME_BELOW = 0.5  # relevance under which a domain is off-topic (in full at 0.1 and below)
PAGE_ON_TOPIC = 0.5  # a linking page this relevant excuses an off-topic domain (mostly)


def _project(ctx: AuditContext) -> str:
    return ", ".join(sorted(ctx.project.weights, key=lambda c: -ctx.project.weights[c]))


def _theme(ctx: AuditContext) -> str | None:
    if not ctx.project.known:
        return None
    categories = _project(ctx).replace("'", "''")
    theme_table(ctx.index, "audit_page_theme", "url", f"""(SELECT * FROM audit_pages WHERE html AND url IN (
        SELECT source_url FROM audit_bl WHERE source_domain IN (
            SELECT domain FROM audit_domain_theme WHERE relevance < {THEME_BELOW})))""", True)
    return f"""
        WITH pages AS (
            SELECT b.source_domain AS domain, max(t.relevance) AS page_relevance,
                   arg_max(b.source_url, t.relevance) AS page
            FROM audit_bl b JOIN audit_page_theme t ON t.url = b.source_url WHERE t.relevance IS NOT NULL
            GROUP BY b.source_domain)
        SELECT t.domain, NULL, NULL,
               least(1.0, ({THEME_BELOW} - t.relevance) / {THEME_BELOW - 0.1})
                   * CASE WHEN p.page_relevance >= {PAGE_ON_TOPIC} THEN 0.3 ELSE 1 END,
               json_object('theme', t.theme, 'relevance', round(t.relevance, 2), 'shares', t.shares,
                           'project', '{categories}', 'project_from', '{ctx.project.source}',
                           'on_topic_page', CASE WHEN p.page_relevance >= {PAGE_ON_TOPIC} THEN p.page END)::VARCHAR
        FROM audit_domain_theme t LEFT JOIN pages p USING (domain)
        WHERE t.relevance IS NOT NULL AND t.relevance < {THEME_BELOW}
    """


def _explain_theme(e: dict) -> str:
    text = (f"Its pages are about {e.get('theme')} (relevance {e.get('relevance')} to the project's "
            f"{e.get('project')}) — an off-topic source.")
    if e.get("on_topic_page"):
        text += f" The linking page {e['on_topic_page']} is on topic, though, which weakens this marker."
    return text


register(Marker(
    "irrelevant_theme", "irrelevant", 0.3,
    "The domain's theme (from the words of its pages) is unrelated to the project's categories.",
    _theme, _explain_theme,
))


def _language(ctx: AuditContext) -> str | None:
    if not ctx.languages:
        return None
    wanted = ", ".join(f"'{lang}'" for lang in ctx.languages)
    return f"""
        SELECT domain, NULL, NULL, 1.0,
               json_object('lang', lang, 'languages', [{wanted}])::VARCHAR
        FROM audit_domains WHERE lang IS NOT NULL AND split_part(lower(lang), '-', 1) NOT IN ({wanted})
    """


register(Marker(
    "foreign_language", "irrelevant", 0.35,
    "The domain's pages are written in a language the project's target countries do not read.",
    _language,
    lambda e: f"Its pages are in '{e.get('lang')}', outside the target languages ({', '.join(e.get('languages', []))}).",
))


def _country(ctx: AuditContext) -> pa.Table | str | None:
    if not ctx.countries:
        return None
    suffixes = [row[0] for row in ctx.index.sql("SELECT DISTINCT suffix FROM audit_domains WHERE suffix <> ''")]
    countries = [themes.country_of(suffix) for suffix in suffixes]
    ctx.index.con.register("audit_suffix_country", pa.table({"suffix": suffixes, "country": pa.array(countries, pa.string())}))
    wanted = ", ".join(f"'{country}'" for country in ctx.countries)
    return f"""
        SELECT d.domain, NULL, NULL, 1.0, json_object('country', c.country, 'countries', [{wanted}])::VARCHAR
        FROM audit_domains d JOIN audit_suffix_country c USING (suffix)
        WHERE c.country IS NOT NULL AND c.country NOT IN ({wanted})
    """


register(Marker(
    "foreign_country", "irrelevant", 0.2,
    "The domain's country-code TLD names a country outside the project's target countries.",
    _country,
    lambda e: f"Its domain is registered under the country code of '{e.get('country')}', outside the target countries "
              f"({', '.join(e.get('countries', []))}).",
))


def _anchor(ctx: AuditContext) -> str | None:
    if not ctx.project.known:
        return None
    close = ctx.project.closeness()
    ctx.index.con.register("audit_anchor_closeness", pa.table(
        {"category": list(close), "closeness": pa.array(list(close.values()), pa.float64())}))
    words = """(SELECT DISTINCT anchor AS key, unnest(regexp_extract_all(lower(anchor), '[^\\W\\d_]{3,}')) AS word,
                       1.0 AS weight
                FROM audit_bl WHERE type = 'text' AND anchor_type IN ('other', 'exact', 'partial') AND anchor IS NOT NULL)"""
    return f"""
        WITH s AS ({themes.theme_sql(words)}),
        a AS (SELECT s.key AS anchor, sum(s.score) AS hits, arg_max(s.category, s.score) AS theme,
                     sum(s.score * coalesce(c.closeness, 0)) / sum(s.score) AS relevance
              FROM s LEFT JOIN audit_anchor_closeness c USING (category) GROUP BY s.key)
        SELECT b.source_domain, b.source_url, b.target_url, 1.0,
               json_object('page', b.source_url, 'target', b.target_url, 'anchor', b.anchor, 'theme', a.theme,
                           'relevance', round(a.relevance, 2))::VARCHAR
        FROM audit_bl b JOIN a ON a.anchor = b.anchor
        WHERE a.relevance < {IRRELEVANT_BELOW} AND b.type = 'text'
    """


register(Marker(
    "irrelevant_anchor", "irrelevant", 0.3,
    "The anchor's words are about a topic unrelated to the project (e.g. 'managed wp hosting' to an analytics page).",
    _anchor,
    lambda e: f"The anchor \"{e.get('anchor')}\" is about {e.get('theme')}, unrelated to the linked page "
              f"{e.get('target')}.",
    scope="backlink", aggregate="repeated",
))


# Writing systems other than Latin, with the languages written in them (an anchor in a script none of
# the target languages uses is foreign to the target's readers).
SCRIPTS = {
    "Cyrillic": ("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"),
    "Han": ("zh", "ja"),
    "Hiragana": ("ja",),
    "Katakana": ("ja",),
    "Hangul": ("ko",),
    "Arabic": ("ar", "fa", "ur", "ps", "ku"),
    "Hebrew": ("he",),
    "Greek": ("el",),
    "Thai": ("th",),
    "Devanagari": ("hi", "ne", "mr"),
    "Armenian": ("hy",),
    "Georgian": ("ka",),
}


def _foreign_anchor(ctx: AuditContext) -> str | None:
    if not ctx.languages:
        return None
    foreign = [script for script, languages in SCRIPTS.items() if not set(languages) & set(ctx.languages)]
    if not foreign:
        return None
    cases = " ".join(f"WHEN regexp_matches(b.anchor, '\\p{{{script}}}') THEN '{script}'" for script in foreign)
    wanted = ", ".join(f"'{lang}'" for lang in ctx.languages)
    return f"""
        SELECT source_domain, source_url, target_url, 1.0,
               json_object('page', source_url, 'target', target_url, 'anchor', anchor, 'script', script,
                           'languages', [{wanted}])::VARCHAR
        FROM (SELECT b.*, CASE {cases} END AS script FROM audit_bl b WHERE b.type IN ('text', 'image'))
        WHERE script IS NOT NULL
    """


register(Marker(
    "foreign_anchor", "irrelevant", 0.25,
    "Anchors written in a script none of the target languages uses (e.g. Cyrillic anchors to an English page).",
    _foreign_anchor,
    lambda e: f"The anchor \"{e.get('anchor')}\" is written in {e.get('script')} script, which none of the target "
              f"languages ({', '.join(e.get('languages', []))}) uses.",
    scope="backlink", aggregate="repeated",
))
